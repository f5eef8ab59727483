package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// Target is a database to back up or restore into.
type Target struct {
	// Engine is "sqlite" or "postgres".
	Engine string
	// Where is the SQLite file's path or PostgreSQL's connection string.
	Where string
	// Open opens the target as a store, migrating it when migrate is set.
	Open func(ctx context.Context, migrate bool) (store.Store, error)
	// Migrations are the engine's schema migrations.
	Migrations sqlstore.Migrations
}

// Options are a backup's or a restore's settings.
type Options struct {
	// VMC is the running version, written into the manifest.
	VMC string
	// Force lets a restore replace a database that holds data.
	Force bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Backup copies t into dir, which must not exist or be empty, and writes
// the manifest last.
func Backup(ctx context.Context, t Target, dir string, opts Options) (Manifest, error) {
	m := Manifest{Format: Format, Engine: t.Engine, VMC: opts.VMC, Created: time.Now().UTC()}
	if opts.Now != nil {
		m.Created = opts.Now().UTC()
	}
	if err := emptyDir(dir); err != nil {
		return m, err
	}
	var err error
	switch t.Engine {
	case "sqlite":
		err = backupSQLite(ctx, t, dir, &m)
	case "postgres":
		err = backupPostgres(ctx, t, dir, &m)
	default:
		err = fmt.Errorf("backup: unknown engine %q", t.Engine)
	}
	if err != nil {
		return m, err
	}
	if m.Bytes, m.SHA256, err = digest(dir + string(os.PathSeparator) + m.File); err != nil {
		return m, err
	}
	return m, writeManifest(dir, m)
}

// emptyDir makes dir, or accepts it if it exists and is empty: a backup
// never mixes with another's files.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return fmt.Errorf("backup directory: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("backup directory %s is not empty", dir)
	}
	return nil
}

// Report is what a restore found.
type Report struct {
	Manifest Manifest
	// Migrated is the schema version the restored database was brought
	// to, when it was older than this binary's.
	Migrated int64
}

// Restore brings the backup in dir into t and proves it: rows per table
// and the audit chain as the manifest recorded them.
func Restore(ctx context.Context, dir string, t Target, opts Options) (Report, error) {
	m, err := ReadManifest(dir)
	rep := Report{Manifest: m}
	if err != nil {
		return rep, err
	}
	if m.Engine != t.Engine {
		return rep, fmt.Errorf("%w: the backup is of %s, the target is %s", ErrInvalid, m.Engine, t.Engine)
	}
	if latest := t.Migrations.Latest(); m.Schema > latest {
		return rep, fmt.Errorf("%w: backup at schema version %d, this vmc knows up to %d; restore with a newer vmc", store.ErrSchemaTooNew, m.Schema, latest)
	}
	switch t.Engine {
	case "sqlite":
		err = restoreSQLite(ctx, dir, m, t, opts.Force)
	case "postgres":
		err = restorePostgres(ctx, dir, m, t, opts.Force)
	}
	if err != nil {
		return rep, err
	}
	s, err := t.Open(ctx, true)
	if err != nil {
		return rep, fmt.Errorf("open the restored database: %w", err)
	}
	defer s.Close()
	if db, ok := s.(interface{ DB() *sql.DB }); ok {
		if cur, _, err := t.Migrations.Versions(ctx, db.DB()); err == nil && cur != m.Schema {
			rep.Migrated = cur
		}
		tables, _, err := inventory(ctx, db.DB(), t.Engine)
		if err != nil {
			return rep, err
		}
		// The chain is walked in full, not just its head read back: an
		// entry changed in the copy shows here.
		n, head, err := audit.Verify(s.AuditLog(ctx, 0))
		if err != nil {
			return rep, fmt.Errorf("%w: audit chain: %w", ErrMismatch, err)
		}
		return rep, m.compare(tables, AuditHead{Entries: n, Head: head})
	}
	return rep, fmt.Errorf("restore: the %s store does not expose its database", t.Engine)
}

// queryer is what inventory reads through: a database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inventory counts every table's rows and reads the audit chain's head.
func inventory(ctx context.Context, q queryer, engine string) (map[string]int64, AuditHead, error) {
	var head AuditHead
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name`
	if engine == "postgres" {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'goose_db_version' ORDER BY tablename`
	}
	rows, err := q.QueryContext(ctx, list)
	if err != nil {
		return nil, head, fmt.Errorf("list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, head, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, head, fmt.Errorf("list tables: %w", err)
	}
	tables := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		// Table names come from the catalogue, not from a user; quoted
		// all the same.
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+n+`"`).Scan(&c); err != nil {
			return nil, head, fmt.Errorf("count %s: %w", n, err)
		}
		tables[n] = c
	}
	if _, ok := tables["audit_log"]; ok {
		err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&head.Entries, &head.Head)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, head, fmt.Errorf("audit head: %w", err)
		}
	}
	return tables, head, nil
}

// holdsData reports whether any of vmc's tables in db has a row, and
// whether there are tables at all.
func holdsData(ctx context.Context, db *sql.DB, engine string) (data, tables bool, err error) {
	counts, _, err := inventory(ctx, db, engine)
	if err != nil {
		return false, false, err
	}
	for _, c := range counts {
		if c > 0 {
			return true, true, nil
		}
	}
	return false, len(counts) > 0, nil
}
