package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/jobs/riverjobs"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// openStore opens the configured database. With migrate it brings the
// schema up to date; without, an out-of-date schema is an error.
func openStore(ctx context.Context, c *Config, migrate bool) (store.Store, error) {
	engine, where, err := c.database()
	if err != nil {
		return nil, err
	}
	opts := sqlstore.Options{Precedence: advisory.DefaultPrecedence.WithSources(c.Merge.Precedence)}
	var s store.Store
	if engine == "sqlite" {
		s, err = sqlite.Open(ctx, where, sqlite.Options{Migrate: migrate, Options: opts})
	} else {
		var pg *postgres.Store
		pg, err = postgres.Open(ctx, where, postgres.Options{Migrate: migrate, Options: opts})
		if err == nil && migrate {
			// River's tables come with River's own migrations, run beside vmc's.
			if err = riverjobs.Migrate(ctx, pg.Pool); err != nil {
				pg.Close()
			}
		}
		s = pg
	}
	if err != nil {
		return nil, err
	}
	// Peers rank in the merge by their trust levels: the store reads them
	// at each merge, so a change counts at once on every replica.
	return s, nil
}

// database is the configured database's engine ("sqlite" or "postgres")
// and where it is: the SQLite file's path, or PostgreSQL's URL.
func (c *Config) database() (engine, where string, err error) {
	raw := c.dbURL()
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "", "", usageError{fmt.Errorf("--db %q: want sqlite:///path/vmc.db or postgres://user@host/db", raw)}
	}
	switch scheme {
	case "sqlite", "file":
		u, err := url.Parse(raw)
		path := rest
		if err == nil && u.Path != "" {
			path = u.Host + u.Path
		}
		return "sqlite", path, nil
	case "postgres", "postgresql":
		return "postgres", raw, nil
	}
	return "", "", usageError{fmt.Errorf("--db %q: unknown database kind %q (sqlite or postgres)", raw, scheme)}
}

// withStore loads the configuration, opens the store, runs fn and closes
// the store.
func withStore(cmd *cobra.Command, migrate bool, fn func(*Config, store.Store) error) error {
	c, err := loadConfig(cmd.Flags())
	if err != nil {
		return usageError{err}
	}
	s, err := openStore(cmd.Context(), c, migrate)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(c, s)
}

func newMigrate() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database schema",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(c *Config, _ store.Store) error {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "database %s is up to date\n", redact(c.dbURL()))
				return err
			})
		},
	}
}

func newCheck() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the database: the engine's integrity check and vmc's own rules",
		Long: `Verify the database without changing it: the engine's own check (on SQLite
PRAGMA integrity_check, the trigram search index and foreign_key_check, which
covers the rows imports write without checking each one), then what vmc
relies on: every vulnerability has an alias and a source record, every
alias, claim and record points at something that exists. Exits 1 and names
each problem found.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				if err := s.Check(cmd.Context()); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "database %s: no problems found\n", redact(c.dbURL()))
				return err
			})
		},
	}
}

// redact hides a password in a database URL before it is printed.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
