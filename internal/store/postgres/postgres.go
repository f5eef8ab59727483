// Package postgres is vmc's scale-out store on PostgreSQL, through pgx.
// Several vmc processes may share one database: transactions that lose a
// race with a concurrent writer are retried (see sqlstore).
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the PostgreSQL schema's goose migrations. Migrating
// holds a session-level advisory lock, tried every second for up to half
// an hour (a migration over a large corpus takes minutes).
var Migrations = sqlstore.Migrations{Dialect: goose.DialectPostgres, FS: mustSub(migrationFiles, "migrations"),
	Locker: func() (lock.SessionLocker, error) {
		return lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 1800))
	}}

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
	Migrate bool
}

// Store is the PostgreSQL store. It keeps the pgx pool beside the
// database/sql view of it for code that needs pgx itself (the job queue).
type Store struct {
	*sqlstore.Store
	Pool *pgxpool.Pool
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string).
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message may echo the DSN, password included; say only
		// what is wrong.
		return nil, fmt.Errorf("postgres: malformed connection string: %w", errors.Unwrap(err))
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s := &Store{Store: sqlstore.New(db, db, dialect{}, opts.Options), Pool: pool}
	if err := prepareSchema(ctx, db, opts.Migrate); err != nil {
		s.Close()
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	return s, nil
}

// defaultMaxConns replaces pgx's default pool of max(4, CPUs)
// connections unless the DSN sets pool_max_conns: four connections here
// were shared by eight concurrent requests and the background jobs, and
// with sixteen PostgreSQL served 809-952 detail requests a second where
// four gave 657-780 (bench/load.sh, alternated, docs/sizing.md).
// PostgreSQL's own default max_connections is 100: sixteen each leaves
// room for several replicas and the command line.
const defaultMaxConns = 16

func where(cfg *pgxpool.Config) string {
	return fmt.Sprintf("%s@%s:%d/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
}

func prepareSchema(ctx context.Context, db *sql.DB, migrate bool) error {
	if migrate {
		return Migrations.Up(ctx, db)
	}
	return Migrations.RequireCurrent(ctx, db)
}

// Close closes the database handle and the pool under it.
func (s *Store) Close() error {
	err := s.Store.Close()
	s.Pool.Close()
	return err
}

type dialect struct{}

func (dialect) Name() string           { return "postgres" }
func (dialect) Rebind(q string) string { return sqlstore.Rebind(q) }

// Stamp is t: pgx sends a time.Time in binary, with no formatting.
func (dialect) Stamp(t time.Time) any { return t }

// Retryable: serialisation failures and deadlocks, and the unique and
// foreign-key violations that two writers creating or merging the same
// vulnerability at once run into at READ COMMITTED.
func (dialect) Retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505", "23503":
		return true
	}
	return false
}

// CheckPhysical verifies every B-tree index of vmc's tables with amcheck
// when the extension is installed; PostgreSQL's WAL already guarantees
// crash consistency, so without amcheck there is nothing more to ask.
func (dialect) CheckPhysical(ctx context.Context, db *sql.DB) error {
	var have bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')`).Scan(&have); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if !have {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT bt_index_check(c.oid) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE a.amname = 'btree' AND n.nspname = current_schema()`)
	if err != nil {
		return fmt.Errorf("amcheck: %w", err)
	}
	return rows.Close()
}
