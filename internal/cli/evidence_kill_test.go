//go:build unix

package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// TestKillDuringEvidenceAdd kills `vmc evidence add` with SIGKILL while it
// receives a capture (read from a named pipe, so the moment is certain),
// while it writes the capture to the database (a write transaction is
// seen open from outside), and at moments after; then lets one run to
// its end. After each kill the database opens, passes its integrity
// check, and holds each capture whole, readable and matching its SHA-256,
// or not at all; no temporary copy is left behind. On both stores.
func TestKillDuringEvidenceAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 40 MiB captures several times")
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "vmc.db")
		killDuringEvidenceAdd(t, []string{"--data-dir", dir}, nil, func() store.Store {
			s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
			if err != nil {
				t.Fatalf("the database does not open: %v", err)
			}
			return s
		}, func() bool {
			// Another writer holds SQLite's write lock: BEGIN IMMEDIATE
			// fails at once rather than wait.
			db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			conn, err := db.Conn(context.Background())
			if err != nil {
				return false
			}
			defer conn.Close()
			if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
				return strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked")
			}
			conn.ExecContext(context.Background(), `ROLLBACK`)
			return false
		})
	})
	t.Run("postgres", func(t *testing.T) {
		srv := pgtest.Own(t)
		dsn, err := srv.NewDatabase(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		watch, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer watch.Close()
		killDuringEvidenceAdd(t, []string{"--data-dir", t.TempDir()}, []string{"VMC_DB=" + dsn}, func() store.Store {
			s, err := postgres.Open(context.Background(), dsn, postgres.Options{})
			if err != nil {
				t.Fatalf("the database does not open: %v", err)
			}
			return s
		}, func() bool {
			// A session in a transaction that has written chunks.
			var n int
			err := watch.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
				AND state IN ('active', 'idle in transaction') AND query LIKE 'INSERT INTO evidence_chunks%'`).Scan(&n)
			return err == nil && n > 0
		})
	})
}

func killDuringEvidenceAdd(t *testing.T, flags, env []string, open func() store.Store, writing func() bool) {
	ctx := context.Background()
	tmp := t.TempDir() // the children's TMPDIR, where spools would be left
	vmc := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], append(args, flags...)...)
		cmd.Env = append(append(os.Environ(), "VMC_RUN_CLI=1", "TMPDIR="+tmp), env...)
		return cmd
	}
	if out, err := vmc("incident", "report", "--title", "Ransomware on file server", "--category", "malware", "--severity", "critical",
		"--detected", "2026-11-20", "--as", "alice").CombinedOutput(); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	const size = 40 << 20
	fifo := filepath.Join(t.TempDir(), "capture.pcap")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes: %v", err)
	}

	// check opens the store after a kill and holds it to all or nothing.
	check := func(when string) int {
		t.Helper()
		s := open()
		defer s.Close()
		if err := s.Check(ctx); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		evs, err := s.ListEvidence(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			rc, _, err := s.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "test", Action: incident.CustodyVerified})
			if err != nil {
				t.Fatalf("%s: evidence %d: %v", when, ev.ID, err)
			}
			rc.Close()
		}
		db := s.(interface{ DB() *sql.DB }).DB()
		var partial int
		if err := db.QueryRow(`SELECT COUNT(*) FROM evidence_blobs b WHERE b.size <> (SELECT COALESCE(SUM(LENGTH(c.data)), 0) FROM evidence_chunks c WHERE c.sha256 = b.sha256)`).Scan(&partial); err != nil {
			t.Fatal(err)
		}
		if partial > 0 {
			t.Fatalf("%s: %d blobs stored in part", when, partial)
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("%s: temporary files left behind: %v", when, left)
		}
		return len(evs)
	}

	// run starts an intake of a capture of its own (so that a blob from
	// one attempt cannot stand in for another's) and feeds it feed bytes;
	// then kill decides when to kill it (nil: never).
	run := func(seed uint64, feed int, kill func()) {
		t.Helper()
		cmd := vmc("evidence", "add", "--incident", "1", fifo, "--reason", "the encryptor's traffic", "--as", "bob")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // blocks until vmc opens it
		if err != nil {
			t.Fatal(err)
		}
		// Writes return once vmc has read all but a pipe buffer's worth.
		if _, err := io.Copy(w, io.LimitReader(rand.NewChaCha8(seedBytes(seed)), int64(feed))); err != nil {
			t.Fatalf("feeding vmc: %v (%s)", err, out.String())
		}
		if feed == size {
			w.Close()
		}
		if kill == nil {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("uninterrupted: %v (%s)", err, out.String())
			}
			return
		}
		kill()
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if feed < size {
			w.Close()
		}
	}
	after := func(d time.Duration) func() { return func() { time.Sleep(d) } }
	// inTx waits until the intake is seen writing; if it never is (it
	// was quicker than the watcher), the kill comes after its end.
	inTx := func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			if writing() {
				return
			}
		}
	}

	run(1, 5<<20, after(0))
	if n := check("killed mid-upload"); n != 0 {
		t.Errorf("killed mid-upload: %d evidence kept", n)
	}
	kept := 0
	for i, kill := range []struct {
		when string
		kill func()
	}{
		{"while writing to the database", inTx},
		{"while writing to the database", inTx},
		{"while writing to the database", inTx},
		{"at once after the upload", after(0)},
		{"150ms after the upload", after(150 * time.Millisecond)},
	} {
		run(uint64(i+2), size, kill.kill)
		n := check("killed " + kill.when)
		if n < kept || n > kept+1 {
			t.Fatalf("killed %s: %d evidence, was %d", kill.when, n, kept)
		}
		t.Logf("killed %s: %s", kill.when, map[bool]string{true: "committed before the kill, kept whole", false: "not kept"}[n > kept])
		kept = n
	}
	run(99, size, nil)
	if n := check("uninterrupted"); n != kept+1 {
		t.Errorf("uninterrupted: %d evidence, want %d", n, kept+1)
	}
}

func seedBytes(seed uint64) [32]byte {
	var b [32]byte
	b[0], b[1] = byte(seed), byte(seed>>8)
	return b
}
