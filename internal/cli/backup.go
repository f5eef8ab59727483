package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/backup"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// backupTarget is the configured database as backup sees it.
func backupTarget(c *Config) (backup.Target, error) {
	engine, where, err := c.database()
	if err != nil {
		return backup.Target{}, err
	}
	t := backup.Target{Engine: engine, Where: where, Migrations: sqlite.Migrations,
		Open: func(ctx context.Context, migrate bool) (store.Store, error) { return openStore(ctx, c, migrate) }}
	if engine == "postgres" {
		t.Migrations = postgres.Migrations
	}
	return t, nil
}

func newBackup() *cobra.Command {
	return &cobra.Command{
		Use:   "backup DIR",
		Short: "Copy the database into a new backup directory, with a manifest",
		Long: `Copy the database into DIR (created; it must not exist or be empty) while vmc
keeps running: SQLite through VACUUM INTO, PostgreSQL through pg_dump in its
custom format. DIR/manifest.json records the schema version, the rows of every
table, the audit log's length and head hash, and the copy's SHA-256.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd.Flags())
			if err != nil {
				return usageError{err}
			}
			t, err := backupTarget(c)
			if err != nil {
				return err
			}
			m, err := backup.Backup(cmd.Context(), t, args[0], backup.Options{VMC: Version})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup of %s (schema %d) in %s: %s, %d bytes, sha256 %s\n", m.Engine, m.Schema, args[0], m.File, m.Bytes, m.SHA256)
			printInventory(cmd, m)
			return nil
		},
	}
}

func newRestore() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore DIR",
		Short: "Restore a backup into the database and check it against its manifest",
		Long: `Restore the backup in DIR into the configured database. The copy's SHA-256 is
checked first; a database holding data is refused unless --force is given.
Stop vmc on that database first. A backup of an older schema is migrated. The
restored database's rows per table and its audit chain (walked in full) must
match the manifest, or the command fails (exit 1) naming the differences.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd.Flags())
			if err != nil {
				return usageError{err}
			}
			t, err := backupTarget(c)
			if err != nil {
				return err
			}
			force, _ := cmd.Flags().GetBool("force")
			rep, err := backup.Restore(cmd.Context(), args[0], t, backup.Options{Force: force})
			switch {
			case errors.Is(err, backup.ErrNotEmpty), errors.Is(err, backup.ErrInvalid), errors.Is(err, backup.ErrMismatch):
				return &exitError{code: 1, err: err}
			case err != nil:
				return err
			}
			m := rep.Manifest
			fmt.Fprintf(cmd.OutOrStdout(), "restored %s backup of %s (schema %d) into %s\n", m.Engine, m.Created.Format("2006-01-02T15:04:05Z"), m.Schema, redact(c.dbURL()))
			if rep.Migrated != 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "migrated to schema %d\n", rep.Migrated)
			}
			printInventory(cmd, m)
			fmt.Fprintln(cmd.OutOrStdout(), "rows per table and the audit chain match the manifest")
			return nil
		},
	}
	cmd.Flags().Bool("force", false, "replace a database that holds data")
	return cmd
}

func printInventory(cmd *cobra.Command, m backup.Manifest) {
	var rows int64
	nonEmpty := 0
	for _, t := range slices.Sorted(maps.Keys(m.Tables)) {
		rows += m.Tables[t]
		if m.Tables[t] > 0 {
			nonEmpty++
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%d tables (%d with rows), %d rows; audit log %d entries, head %s\n", len(m.Tables), nonEmpty, rows, m.Audit.Entries, m.Audit.Head)
}
