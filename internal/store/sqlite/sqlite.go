// Package sqlite is vmc's embedded store: one file, no server, pure Go
// (modernc.org/sqlite), in WAL mode so readers never wait for the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the SQLite schema's goose migrations.
var Migrations = sqlstore.Migrations{Dialect: goose.DialectSQLite3, FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// Options configures Open.
type Options struct {
	sqlstore.Options
	// Migrate brings the schema up to date; without it a database whose
	// schema is behind is refused.
	Migrate bool
}

// Open opens (creating if needed) the database file at path.
func Open(ctx context.Context, path string, opts Options) (*sqlstore.Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
	}
	// busy_timeout lets a second process (a CLI command beside a running
	// server) wait for the write lock instead of failing at once.
	// _txlock=immediate takes the write lock at BEGIN, so a transaction
	// never fails half-way on lock upgrade. synchronous=NORMAL is safe in
	// WAL mode: a power cut may lose the last commits, never consistency.
	// temp_store=MEMORY keeps sorts and temporary b-trees of big batches
	// off the disk.
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append([]string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "temp_store(MEMORY)", walSizeLimit()}, extra...) {
			q.Add("_pragma", p)
		}
		return base + "?" + q.Encode()
	}
	// The writer leaves checkpoints to the checkpointer (checkpoint.go).
	w, err := sql.Open("sqlite", dsn("foreign_keys(1)", "wal_autocheckpoint(0)")+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, describe(err))
	}
	// Readers get a 16 MiB page cache each instead of SQLite's 2 MiB: a
	// findings page filtered by severity or sorted by EPSS looks up the
	// vulnerability of every finding, and with the small cache most of
	// those lookups were a pread of a page the OS already held (a CPU
	// profile under bench/load.sh: half of the time). Four readers cost
	// at most 64 MiB, and only once they have read that much.
	r, err := sql.Open("sqlite", dsn("foreign_keys(1)", "cache_size(-16384)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	// Record batches write through a connection of their own that does
	// not check foreign keys. A check opens a cursor on the parent table
	// for every row written, and a batch writes a row for every field of
	// every record: inserting a CNVD import's 912,085 claims took 0.60 s
	// of CPU with the checks and 0.36 s without (the sqlite3 shell), and
	// the import's wall time was 0.91 of what it was, in paired runs.
	// Switching the pragma per batch on one connection saves half that,
	// because it makes SQLite prepare every statement again. What the
	// checks would catch, a row pointing at a parent that is not there,
	// the batch writer rules out by construction (every id it writes it
	// read or inserted in the same transaction); PostgreSQL checks every
	// row of the same code under the same store suite; and Check, which
	// the suite runs after every test, runs foreign_key_check. Nothing a
	// batch does relies on a cascade. The two writer connections take
	// turns through SQLite's lock (busy_timeout) rather than the pool.
	// A batch dirties more pages than SQLite's default 2 MiB cache holds,
	// which then spills them into the WAL mid-transaction and writes them
	// again at commit; with 16 MiB a CNVD import made 376,000 pwrite and
	// 113,000 pread calls instead of 429,000 and 189,000 (strace -c), and
	// 32 or 64 MiB saved nothing more.
	b, err := sql.Open("sqlite", dsn("foreign_keys(0)", "wal_autocheckpoint(0)", "cache_size(-16384)")+"&_txlock=immediate")
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	b.SetMaxOpenConns(1)
	c, err := sql.Open("sqlite", dsn("foreign_keys(1)"))
	if err != nil {
		w.Close()
		r.Close()
		b.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	c.SetMaxOpenConns(1)
	s := sqlstore.New(w, r, dialect{}, opts.Options)
	s.BatchWrites(b)
	if err := prepareSchema(ctx, w, opts.Migrate); err != nil {
		s.Close()
		c.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	cp := startCheckpointer(c)
	s.BetweenWrites(cp.restartWAL)
	s.OnClose(func() error { return errors.Join(cp.Close(), c.Close()) })
	return s, nil
}

func prepareSchema(ctx context.Context, db *sql.DB, migrate bool) error {
	if migrate {
		return Migrations.Up(ctx, db)
	}
	return Migrations.RequireCurrent(ctx, db)
}

// describe turns SQLite's terse codes into something a person can act on.
func describe(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("not an SQLite database (%w)", err)
		case sqlite3.SQLITE_CANTOPEN:
			return fmt.Errorf("cannot open the file: check the path and permissions (%w)", err)
		}
	}
	return err
}

type dialect struct{}

func (dialect) Name() string           { return "sqlite" }
func (dialect) Rebind(q string) string { return q }

// Stamp is t as the text the driver would store for it (time.Time's
// String, without a _time_format in the DSN): the driver formats a
// time.Time on every bind, and a batch binds its time into every claim,
// a million times in an import of CNVD (2% of its CPU).
// TestStampStoredAsTime holds the two to the same text.
func (dialect) Stamp(t time.Time) any { return t.String() }

// Retryable: with _txlock=immediate and a busy timeout, SQLite serialises
// writers itself; only a busy timeout that ran out is worth another try.
func (dialect) Retryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}

// CheckPhysical runs PRAGMA integrity_check, FTS5's check of the trigram
// index against vulns, and foreign_key_check.
func (dialect) CheckPhysical(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return err
		}
		if m != "ok" {
			msgs = append(msgs, m)
		}
	}
	rows.Close()
	if len(msgs) > 0 {
		return fmt.Errorf("integrity_check: %s", strings.Join(msgs, "; "))
	}
	// PRAGMA integrity_check does not look inside FTS5's tables. With
	// rank 1 FTS5 also compares its index with the rows of vulns, which
	// the writer, not a trigger, adds to it (migration 00043).
	if _, err := db.ExecContext(ctx, `INSERT INTO vulns_fts (vulns_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		return fmt.Errorf("trigram index of vulnerabilities: %w", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&n); err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("foreign_key_check: %d rows reference missing parents", n)
	}
	return nil
}
