package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	// The copy is read with the driver the store uses.
	_ "modernc.org/sqlite"
)

const sqliteFile = "vmc.sqlite"

// backupSQLite copies the database with VACUUM INTO: SQLite writes a
// compact, consistent copy from one read transaction, and in WAL mode the
// running server's writer is not held up by it.
func backupSQLite(ctx context.Context, t Target, dir string, m *Manifest) error {
	s, err := t.Open(ctx, false)
	if err != nil {
		return err
	}
	defer s.Close()
	db, ok := s.(interface{ DB() *sql.DB })
	if !ok {
		return errors.New("backup: the SQLite store does not expose its database")
	}
	m.File = sqliteFile
	path := filepath.Join(dir, m.File)
	if _, err := db.DB().ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup %s: VACUUM INTO %s: %w", t.Where, path, err)
	}
	// The manifest is read from the copy itself, so it describes exactly
	// what was saved.
	cp, err := openReadOnly(path)
	if err != nil {
		return err
	}
	defer cp.Close()
	if m.Schema, _, err = t.Migrations.Versions(ctx, cp); err != nil {
		return fmt.Errorf("backup copy %s: %w", path, err)
	}
	m.Tables, m.Audit, err = inventory(ctx, cp, "sqlite")
	return err
}

func openReadOnly(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// restoreSQLite puts the copy in place of the target file by rename, so
// that the target is either the old database or the whole copy. vmc must
// not be running on the target meanwhile: a server keeps the file it
// opened.
func restoreSQLite(ctx context.Context, dir string, m Manifest, t Target, force bool) error {
	if _, err := os.Stat(t.Where); err == nil {
		db, err := openReadOnly(t.Where)
		if err != nil {
			return err
		}
		data, _, err := holdsData(ctx, db, "sqlite")
		db.Close()
		if err != nil {
			return fmt.Errorf("restore: read %s: %w", t.Where, err)
		}
		if data && !force {
			return fmt.Errorf("%w: %s holds data; restore with --force to replace it", ErrNotEmpty, t.Where)
		}
	}
	if err := os.MkdirAll(filepath.Dir(t.Where), 0o750); err != nil {
		return err
	}
	tmp := t.Where + ".restore"
	if err := copyFile(filepath.Join(dir, m.File), tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	// The old database's write-ahead log must not be replayed into the
	// copy.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(t.Where + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, t.Where); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("restore: copy %s: %w", from, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("restore: %w", err)
	}
	return out.Close()
}
