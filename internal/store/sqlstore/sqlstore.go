// Package sqlstore is the store implementation that SQLite and PostgreSQL
// share. Both speak database/sql (PostgreSQL through pgx's stdlib adapter),
// and the SQL here is the common subset of the two: ON CONFLICT, RETURNING,
// partial indexes. What differs — placeholders, which errors are worth a
// retry, the physical integrity check — is a Dialect.
//
// Incident evidence is kept in the database too, content included, in
// chunks: evidence.go says why rather than files beside it.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
)

// Dialect is what one database engine does its own way.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Rebind rewrites a query written with ? placeholders.
	Rebind(query string) string
	// Retryable reports whether a failed transaction may succeed if run
	// again: a serialisation failure, or a unique or foreign-key violation
	// caused by a concurrent writer.
	Retryable(err error) bool
	// CheckPhysical runs the engine's own consistency check.
	CheckPhysical(ctx context.Context, db *sql.DB) error
	// Stamp is t as a statement argument that many rows repeat (the
	// time a batch writes): a value the driver binds with the least
	// work, stored exactly as t itself would be.
	Stamp(t time.Time) any
}

// Store implements store.Store over database/sql.
type Store struct {
	// w takes writes. On SQLite it holds a single connection, because
	// SQLite has one writer at a time and queueing in the pool is cheaper
	// than spinning on SQLITE_BUSY (only record batches, on their own
	// connection, take turns with it through the lock); on PostgreSQL it
	// is the same pool as r.
	w, r *sql.DB
	// batches takes the write transactions of record batches
	// (PrepareRecords): w, unless the engine gave them a pool of their
	// own (BatchWrites).
	batches *sql.DB
	d       Dialect
	// prec is the configured precedence; merges use it with the stored
	// peers placed in it (precedence).
	prec advisory.Precedence
	// now is the clock, replaceable in tests. Times are truncated to
	// microseconds, PostgreSQL's resolution, so both stores agree.
	now func() time.Time
	// shapes holds the statements batches run, prepared once by
	// prepareShapes on each write pool and shared by every transaction
	// on that pool.
	shapes   atomic.Pointer[map[*sql.DB]map[string]*sql.Stmt]
	shapesMu sync.Mutex
	// growth counts what batches wrote, for analyzeAsGrown.
	growth growth
	// closers run first in Close: work an engine keeps beside the pools.
	closers []func() error
	// betweenWrites, when set, runs before every write transaction
	// begins (BetweenWrites).
	betweenWrites func(ctx context.Context, w *sql.DB)
	// trigrams counts the rows holding each trigram, for searches on
	// SQLite (search.go).
	trigrams counts
	// findingFew is the bound of pageFindingPlan (findingFew by default);
	// findingCounts remembers the counts it compares with it.
	findingFew    atomic.Int64
	findingCounts counts
	// fewNew says the last batch PrepareRecords wrote was mostly records
	// stored before, so that the next one does not solve its records
	// ahead (solve).
	fewNew atomic.Bool
}

var _ store.Store = (*Store)(nil)

// Options configures a Store.
type Options struct {
	Precedence advisory.Precedence
	Now        func() time.Time
}

// New wraps opened databases. write and read may be the same *sql.DB.
func New(write, read *sql.DB, d Dialect, opts Options) *Store {
	s := &Store{w: write, r: read, batches: write, d: d, prec: opts.Precedence, now: opts.Now,
		trigrams:      counts{age: trigramStatsAge, max: trigramStatsMax},
		findingCounts: counts{age: findingCountsAge, max: findingCountsMax}}
	s.findingFew.Store(findingFew)
	if s.prec.Sources == nil {
		s.prec = advisory.DefaultPrecedence
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// OnClose adds fn to what Close does before closing the databases.
func (s *Store) OnClose(fn func() error) { s.closers = append(s.closers, fn) }

// BetweenWrites sets fn to run on the write pool before each write
// transaction begins, outside any: the SQLite store lets its WAL start
// afresh there (sqlite/checkpoint.go), at the one moment the writer holds
// no transaction open.
func (s *Store) BetweenWrites(fn func(ctx context.Context, w *sql.DB)) { s.betweenWrites = fn }

// BatchWrites sends the write transactions of record batches to db, a
// pool on the same database as the write pool, which Close then closes
// too. The SQLite store opens it without foreign-key checks (sqlite.Open
// says why).
func (s *Store) BatchWrites(db *sql.DB) { s.batches = db }

// DB returns the database for writing, for code beside the store that
// needs it (migrations, backups).
func (s *Store) DB() *sql.DB { return s.w }

// ReadDB returns the pool reads go to (the same as DB on PostgreSQL), for
// metrics.
func (s *Store) ReadDB() *sql.DB { return s.r }

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

func (s *Store) Close() error {
	var err error
	for _, c := range s.closers {
		err = errors.Join(err, c())
	}
	if m := s.shapes.Load(); m != nil {
		for _, stmts := range *m {
			for _, st := range stmts {
				st.Close()
			}
		}
	}
	if s.batches != s.w {
		err = errors.Join(err, s.batches.Close())
	}
	err = errors.Join(err, s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// maxAttempts bounds retries of a transaction that lost a race with a
// concurrent writer. Each attempt re-reads everything, so a retry sees what
// the winner wrote.
const maxAttempts = 8

// errLostRace marks a transaction that found, part-way, that a concurrent
// writer invalidated what it read earlier.
var errLostRace = errors.New("lost a race with a concurrent writer")

// inTx runs fn in a write transaction, retrying when the dialect says the
// failure was a lost race. fn must be safe to run more than once.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx *txn) error) error {
	return s.inTxOn(ctx, s.w, fn)
}

// inTxOn is inTx on the write pool db (s.w or s.batches).
func (s *Store) inTxOn(ctx context.Context, db *sql.DB, fn func(ctx context.Context, tx *txn) error) error {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
			}
		}
		err = s.tryTx(ctx, db, fn)
		if err == nil || !(errors.Is(err, errLostRace) || s.d.Retryable(err)) {
			return err
		}
	}
	return fmt.Errorf("%w: gave up after %d attempts: %v", store.ErrConflict, maxAttempts, err)
}

func (s *Store) tryTx(ctx context.Context, db *sql.DB, fn func(ctx context.Context, tx *txn) error) (err error) {
	if s.betweenWrites != nil {
		s.betweenWrites(ctx, db)
	}
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &txn{Tx: sqlTx, d: s.d, stmts: map[string]*sql.Stmt{}}
	if m := s.shapes.Load(); m != nil {
		tx.shared = (*m)[db]
	}
	// Statements run under a context that cannot be cancelled: with a
	// cancellable one, database/sql and the SQLite driver each start a
	// goroutine per statement to watch it, which was a fifth of an
	// import's CPU. Cancellation is not lost: the transaction watches ctx
	// and rolls back when it ends, failing the next statement.
	ctx = context.WithoutCancel(ctx)
	defer func() {
		tx.closeStmts()
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	tx.closeStmts()
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// txn is a transaction with a statement cache: a batch runs the same few
// statements thousands of times, and preparing each once per batch instead
// of once per call is most of the cost on SQLite.
type txn struct {
	*sql.Tx
	d     Dialect
	stmts map[string]*sql.Stmt
	// shared are statements prepared for the store, which the
	// transaction uses rather than preparing its own.
	shared map[string]*sql.Stmt
}

func (t *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	if st, ok := t.shared[query]; ok {
		st = t.StmtContext(ctx, st)
		t.stmts[query] = st
		return st, nil
	}
	st, err := t.PrepareContext(ctx, t.d.Rebind(query))
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", firstWords(query), err)
	}
	t.stmts[query] = st
	return st, nil
}

func (t *txn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *txn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, query)
	if err != nil {
		// Surface the prepare error through the row, as QueryRow does.
		return t.QueryRowContext(ctx, t.d.Rebind(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (t *txn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryContext and QueryRowContext make a txn a querier whose reads use
// the statement cache too. query is already rebound; rebinding twice is
// harmless, as a rebound query has no ? left.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.query(ctx, query, args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.queryRow(ctx, query, args...)
}

func (t *txn) closeStmts() {
	for k, st := range t.stmts {
		st.Close()
		delete(t.stmts, k)
	}
}

func firstWords(q string) string {
	f := strings.Fields(q)
	if len(f) > 4 {
		f = f[:4]
	}
	return strings.Join(f, " ")
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// tuples returns "(?, ?), (?, ?)" for n rows of width columns, for
// multi-row inserts.
func tuples(n, width int) string {
	one := "(" + placeholders(width) + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

// Rebind turns ? placeholders into PostgreSQL's $1, $2, ... It skips
// question marks inside single-quoted literals; vmc's queries have no other
// quoting.
func Rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
