package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/vmc-dev/vmc/internal/store"
)

// Migrations applies a dialect's embedded goose migrations.
type Migrations struct {
	Dialect goose.Dialect
	FS      fs.FS // holds the .sql files at its root
	// Locker, when set, makes a lock that migrating holds, so that of
	// several processes migrating one database at once (replicas of vmc
	// serve started together) one migrates and the others wait, then
	// find nothing left to do: unlocked, they ran the same migration at
	// once and all but one failed. A lock serves one migration: goose's
	// retries count per lock.
	Locker func() (lock.SessionLocker, error)
}

func (m Migrations) provider(db *sql.DB, opts ...goose.ProviderOption) (*goose.Provider, error) {
	// Migrations are numbered when work starts and land in the order work
	// is merged, so a database can be at 35 while 27..31 and 33 are still
	// to apply (the load corpus of bench/load.sh was): goose applies the
	// missing ones first instead of refusing the database.
	p, err := goose.NewProvider(m.Dialect, db, m.FS, append(opts, goose.WithAllowOutofOrder(true))...)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// lockedProvider is provider, holding m.Locker's lock while it migrates.
func (m Migrations) lockedProvider(db *sql.DB) (*goose.Provider, error) {
	if m.Locker == nil {
		return m.provider(db)
	}
	l, err := m.Locker()
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return m.provider(db, goose.WithSessionLocker(l))
}

// Versions returns the schema version of the database and the newest one
// this binary knows.
func (m Migrations) Versions(ctx context.Context, db *sql.DB) (current, latest int64, err error) {
	p, err := m.provider(db)
	if err != nil {
		return 0, 0, err
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, latest, fmt.Errorf("read schema version: %w", err)
	}
	return current, latest, nil
}

// Latest is the newest schema version the migrations reach, read from
// the files' names (goose's NNNNN_name.sql) without a database.
func (m Migrations) Latest() int64 {
	names, _ := fs.Glob(m.FS, "*.sql")
	var latest int64
	for _, n := range names {
		digits, _, _ := strings.Cut(n, "_")
		if v, err := strconv.ParseInt(digits, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// UpTo migrates db to version and no further: for tests that build a
// database as an older vmc left it.
func (m Migrations) UpTo(ctx context.Context, db *sql.DB, version int64) error {
	p, err := m.lockedProvider(db)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}

// Up migrates db to the newest schema. A database migrated by a newer vmc
// is refused rather than touched: the binary cannot know what the newer
// schema means.
func (m Migrations) Up(ctx context.Context, db *sql.DB) error {
	if _, err := m.check(ctx, db); err != nil {
		return err
	}
	p, err := m.lockedProvider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// RequireCurrent fails unless the database is exactly at the newest schema
// this binary knows.
func (m Migrations) RequireCurrent(ctx context.Context, db *sql.DB) error {
	behind, err := m.check(ctx, db)
	if err != nil {
		return err
	}
	if behind {
		return errors.New("the database schema is out of date: run 'vmc migrate'")
	}
	return nil
}

// check fails with store.ErrSchemaTooNew when the database's schema is
// newer than any migration this binary carries, and reports whether it is
// behind.
func (m Migrations) check(ctx context.Context, db *sql.DB) (behind bool, err error) {
	current, latest, err := m.Versions(ctx, db)
	if err != nil {
		return false, err
	}
	if current > latest {
		return false, fmt.Errorf("%w: database is at version %d, this vmc knows up to %d; upgrade vmc", store.ErrSchemaTooNew, current, latest)
	}
	// Behind also when a migration below the current version is missing.
	p, err := m.provider(db)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	return pending, nil
}
