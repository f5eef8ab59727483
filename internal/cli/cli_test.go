package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"

	"github.com/vmc-dev/vmc/internal/cli"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

func TestMain(m *testing.M) {
	// Tests that need vmc as a separate process (to kill it) run this
	// binary with VMC_RUN_CLI=1.
	if os.Getenv("VMC_RUN_CLI") == "1" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"vmc": func() { os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI transcripts in testdata/script. SHARED points at
// the real data corpus beside the repository, DEMO at the demo data set.
func TestScripts(t *testing.T) {
	shared := sharedData(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", shared)
			demo, err := filepath.Abs(filepath.Join("..", "demo", "data"))
			env.Setenv("DEMO", demo)
			repo, _ := filepath.Abs(filepath.Join("..", ".."))
			env.Setenv("REPO", repo)
			return err
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds:          withCmds(communicationCmds, "sqlite", sqliteCmd),
		Condition:     storeIs("sqlite"),
	})
}

// TestScriptsPostgres runs the lifecycle transcripts again with
// PostgreSQL as the store (VMC_DB, which --data-dir does not override), a
// fresh database each: the lifecycle must work identically on both.
func TestScriptsPostgres(t *testing.T) {
	shared := sharedData(t)
	srv := pgtest.Own(t)
	var (
		files []string
		mu    sync.Mutex
		dsns  []string
	)
	for _, name := range []string{"lifecycle", "triage_rules", "reassess", "findings_import", "exercise", "incident", "custody", "process", "disclosure", "rca", "communication", "advisory", "incident_metrics", "baseline", "trust", "maintenance", "peer", "rules", "rules_schedule", "suggest", "attackpath_store"} {
		files = append(files, filepath.Join("testdata", "script", name+".txtar"))
	}
	testscript.Run(t, testscript.Params{
		Files:     files,
		Condition: storeIs("pg"),
		Cmds: withCmds(communicationCmds, "pgexec", func(ts *testscript.TestScript, neg bool, args []string) {
			execSQL(ts, neg, "pgx", ts.Getenv("VMC_DB"), args)
		}),
		Setup: func(env *testscript.Env) error {
			dsn, err := srv.NewDatabase(context.Background())
			if err != nil {
				return err
			}
			mu.Lock()
			dsns = append(dsns, dsn)
			mu.Unlock()
			env.Setenv("VMC_DB", dsn)
			env.Setenv("SHARED", shared)
			repo, _ := filepath.Abs(filepath.Join("..", ".."))
			env.Setenv("REPO", repo)
			return nil
		},
	})
	// What each script did is in PostgreSQL, not in a SQLite file beside
	// it: every script records something in the audit log. The scripts
	// run as parallel subtests, which finish after this function returns,
	// so the check runs at cleanup, once they have all finished.
	t.Cleanup(func() {
		if len(dsns) != len(files) {
			t.Errorf("%d scripts, %d databases", len(files), len(dsns))
		}
		for _, dsn := range dsns {
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil || n == 0 {
				t.Errorf("%s: %d audit entries, %v", dsn, n, err)
			}
			db.Close()
		}
	})
}

// withCmds is cmds and one more command.
func withCmds(cmds map[string]func(*testscript.TestScript, bool, []string), name string, cmd func(*testscript.TestScript, bool, []string)) map[string]func(*testscript.TestScript, bool, []string) {
	out := maps.Clone(cmds)
	out[name] = cmd
	return out
}

// sqliteCmd runs one SQL statement on a SQLite database, the way someone
// with the file would, behind vmc's back: "sqlite DB STATEMENT".
func sqliteCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sqlite DB STATEMENT")
	}
	execSQL(ts, neg, "sqlite", ts.MkAbs(args[0]), args[1:])
}

// execSQL runs one statement on a database behind vmc's back.
func execSQL(ts *testscript.TestScript, neg bool, driver, dsn string, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: STATEMENT")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		ts.Fatalf("open %s: %v", dsn, err)
	}
	defer db.Close()
	_, err = db.Exec(args[0])
	if neg != (err != nil) {
		ts.Fatalf("%s %q: %v", driver, args[0], err)
	}
}

// storeIs is a testscript condition: [pg] holds in the PostgreSQL run,
// [sqlite] in the SQLite one.
func storeIs(name string) func(string) (bool, error) {
	return func(cond string) (bool, error) {
		switch cond {
		case "pg", "sqlite":
			return cond == name, nil
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
}

// sharedData is ../shared/data beside the repository (see
// feedtest.SharedData: skipped when absent, fatal in CI).
func sharedData(t testing.TB) string { return feedtest.SharedData(t, "") }
