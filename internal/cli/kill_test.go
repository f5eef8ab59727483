package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// TestKillDuringImport kills `vmc import` with SIGKILL at several moments
// of a real import (the Go vulnerability database, 4,291 records) and
// checks after each kill that the database opens and passes the integrity
// check; then a re-run completes the import, and the result equals an
// uninterrupted import.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the Go vulnerability database several times")
	}
	input := filepath.Join(sharedData(t), "osv", "Go", "all.zip")
	dir := t.TempDir()
	vmc := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], append(args, "--data-dir", dir)...)
		cmd.Env = append(os.Environ(), "VMC_RUN_CLI=1")
		return cmd
	}
	check := func(when string) int {
		t.Helper()
		s, err := sqlite.Open(context.Background(), filepath.Join(dir, "vmc.db"), sqlite.Options{Migrate: true})
		if err != nil {
			t.Fatalf("%s: database does not open: %v", when, err)
		}
		defer s.Close()
		if err := s.Check(context.Background()); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.Records
	}
	for _, after := range []time.Duration{150, 400, 800, 1300, 1900} {
		cmd := vmc("import", input)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		n := check("after SIGKILL at " + (after * time.Millisecond).String())
		t.Logf("killed after %v: %d records committed", after*time.Millisecond, n)
	}
	if out, err := vmc("import", input).CombinedOutput(); err != nil {
		t.Fatalf("re-run after kills: %v\n%s", err, out)
	}
	if got := check("after the re-run"); got != 4291 {
		t.Errorf("after the re-run: %d records, want 4291", got)
	}
}
