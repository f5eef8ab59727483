package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/vmc-dev/vmc/internal/cli"
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
	})
}

func sharedData(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
	if err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("VMC_SHARED_DATA"); d != "" {
		p = d
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not found: %v", err)
	}
	return p
}
