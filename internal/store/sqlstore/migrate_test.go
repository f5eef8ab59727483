package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite"

	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// TestMigrateOutOfOrder: a migration numbered below the database's
// version (work merged after later-numbered work) is pending, and Up
// applies it rather than refusing the database.
func TestMigrateOutOfOrder(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	migration := func(table string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("-- +goose Up\nCREATE TABLE " + table + " (id INTEGER);\n-- +goose Down\nDROP TABLE " + table + ";\n")}
	}
	early := fstest.MapFS{"00001_a.sql": migration("a"), "00003_c.sql": migration("c")}
	late := fstest.MapFS{"00001_a.sql": migration("a"), "00002_b.sql": migration("b"), "00003_c.sql": migration("c")}
	first := sqlstore.Migrations{Dialect: goose.DialectSQLite3, FS: early}
	then := sqlstore.Migrations{Dialect: goose.DialectSQLite3, FS: late}

	if err := first.Up(ctx, db); err != nil {
		t.Fatalf("first Up: %v", err)
	}
	if err := first.RequireCurrent(ctx, db); err != nil {
		t.Fatalf("after the first Up: %v", err)
	}
	if err := then.RequireCurrent(ctx, db); err == nil {
		t.Fatal("RequireCurrent passed with migration 2 unapplied")
	}
	if err := then.Up(ctx, db); err != nil {
		t.Fatalf("Up with migration 2 added below version 3: %v", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO b (id) VALUES (1)`); err != nil {
		t.Fatalf("migration 2 not applied: %v", err)
	}
	if err := then.RequireCurrent(ctx, db); err != nil {
		t.Fatalf("after Up: %v", err)
	}
}
