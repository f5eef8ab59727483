package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/cli"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// TestSchemaTooNewLine: a database migrated by a newer vmc gives one line
// that says what to do, exit code 1, and no stack trace.
func TestSchemaTooNewLine(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	// One past this vmc's newest migration, whatever that is: a fixed
	// number became a real migration once, and serve then ran forever.
	_, latest, err := sqlite.Migrations.Versions(context.Background(), s.DB())
	if err != nil {
		t.Fatal(err)
	}
	newer := latest + 1
	if _, err := s.DB().Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, newer); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, args := range [][]string{{"stats"}, {"migrate"}, {"serve", "--addr", "127.0.0.1:0"}} {
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), append(args, "--data-dir", dir), &out, &errb)
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], fmt.Sprintf("database schema is newer than this vmc: database is at version %d", newer)) {
			t.Errorf("vmc %s: exit %d, stderr:\n%s", args[0], code, errb.String())
		}
	}
}
