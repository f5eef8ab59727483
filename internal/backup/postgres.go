package backup

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	// The snapshot is exported and counted through pgx.
	_ "github.com/jackc/pgx/v5/stdlib"
)

const postgresFile = "vmc.pgdump"

// backupPostgres dumps the database with pg_dump in its custom format. The
// manifest's counts are read in a transaction whose snapshot pg_dump is
// told to use, so dump and manifest describe the same moment however
// busy the replicas are.
func backupPostgres(ctx context.Context, t Target, dir string, m *Manifest) error {
	pgDump, err := tool("pg_dump")
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", t.Where)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if m.Schema, _, err = t.Migrations.Versions(ctx, db); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
		return fmt.Errorf("backup: export snapshot: %w", err)
	}
	if m.Tables, m.Audit, err = inventory(ctx, tx, "postgres"); err != nil {
		return err
	}
	m.File = postgresFile
	return run(ctx, pgDump, t.Where, "--format=custom", "--no-owner", "--no-privileges", "--snapshot="+snapshot,
		"--file="+filepath.Join(dir, m.File))
}

// restorePostgres loads the dump with pg_restore in one transaction: it
// lands whole or not at all. A target with vmc's tables but no rows (a
// fresh "vmc migrate") is cleaned first without asking.
func restorePostgres(ctx context.Context, dir string, m Manifest, t Target, force bool) error {
	pgRestore, err := tool("pg_restore")
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", t.Where)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	data, tables, err := holdsData(ctx, db, "postgres")
	db.Close()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if data && !force {
		return fmt.Errorf("%w: the database holds data; restore with --force to replace it", ErrNotEmpty)
	}
	args := []string{"--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"}
	if tables {
		args = append(args, "--clean", "--if-exists")
	}
	return run(ctx, pgRestore, t.Where, append(args, filepath.Join(dir, m.File))...)
}

// run runs a PostgreSQL client tool against dsn. A password in a URL is
// handed over in PGPASSWORD rather than on the command line, where any
// user of the machine could read it.
func run(ctx context.Context, bin, dsn string, args ...string) error {
	env := os.Environ()
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
			dsn = u.String()
		}
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "--dbname="+dsn)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(bin), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// tool finds a PostgreSQL client program: in VMC_PG_BINDIR, in Debian's
// versioned directories (newest first: pg_dump refuses servers newer
// than itself), or on PATH.
func tool(name string) (string, error) {
	if d := os.Getenv("VMC_PG_BINDIR"); d != "" {
		return filepath.Join(d, name), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) int { n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d))); return n }
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name), nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found (install postgresql-client, or set VMC_PG_BINDIR): %w", name, err)
	}
	return p, nil
}
