package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

// lockedBuffer is a log two goroutines write and the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCSAFProviderReplicas runs two `vmc serve` processes on one
// PostgreSQL with the provider on and a two-second period. Publishing is
// the scheduled job, run once a period by one of them; both serve the
// tree rendered from the store. A changed record gets exactly one new
// revision, however many periods pass, and both replicas serve the same
// provider-metadata.json, document, signature and changes.csv, byte for
// byte, before and after. They share the signing key through the
// database, sealed under federation.key; a replica given another key
// file does not start.
func TestCSAFProviderReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and two servers")
	}
	ctx := context.Background()
	srv := pgtest.Own(t)
	dsn, err := srv.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seedPublicationsOn(t, []string{"--db", dsn, "--data-dir", t.TempDir()})

	// No key file: with federation.key set, the first replica's key is
	// kept in the database, sealed, and the second signs with it.
	env := append(os.Environ(), "VMC_RUN_CLI=1", "VMC_PUBLIC_URL=https://psirt.acme.example",
		"VMC_CSAF_PROVIDER__ENABLED=true", "VMC_CSAF_PROVIDER__EVERY=2s",
		"VMC_FEDERATION__KEY=replicas share this federation key")
	type replica struct {
		addr string
		log  *lockedBuffer
	}
	start := func() replica {
		r := replica{addr: freePort(t), log: &lockedBuffer{}}
		cmd := exec.Command(os.Args[0], "serve", "--addr", r.addr, "--db", dsn, "--no-demo", "--log-format", "json", "--data-dir", t.TempDir())
		cmd.Env, cmd.Stdout, cmd.Stderr = env, r.log, r.log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
		})
		return r
	}
	get := func(r replica, path string) (int, []byte) {
		t.Helper()
		resp, err := http.Get("http://" + r.addr + path)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	const (
		white    = "/.well-known/csaf/white/"
		metadata = "/.well-known/csaf/provider-metadata.json"
		gcve     = white + "2026/gcve-424-2026-0001.json"
	)
	revisions := func(doc []byte) int {
		var d struct {
			Document struct {
				Tracking struct {
					RevisionHistory []json.RawMessage `json:"revision_history"`
				} `json:"tracking"`
			} `json:"document"`
		}
		if json.Unmarshal(doc, &d) != nil {
			return 0
		}
		return len(d.Document.Tracking.RevisionHistory)
	}
	// waitRevisions waits until every replica serves the GCVE document
	// with n revisions (0: any).
	waitRevisions := func(rs []replica, n int) {
		t.Helper()
		for _, r := range rs {
			for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				code, b := get(r, gcve)
				if code == http.StatusOK && (revisions(b) == n || n == 0 && revisions(b) > 0) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: %s is %d with %d revisions after 60 s, want %d\n%s", r.addr, gcve, code, revisions(b), n, r.log)
				}
			}
		}
	}
	// same fails unless the replicas serve the same bytes for each path.
	same := func(rs []replica) {
		t.Helper()
		for _, p := range []string{metadata, gcve, gcve + ".asc", white + "2026/acme-sa-2026-0001.json.asc", white + "changes.csv", white + "csaf-feed-tlp-white.json"} {
			code0, b0 := get(rs[0], p)
			if code0 != http.StatusOK {
				t.Errorf("%s on %s: %d", p, rs[0].addr, code0)
			}
			for _, r := range rs[1:] {
				if code, b := get(r, p); code != code0 || !bytes.Equal(b, b0) {
					t.Errorf("%s differs between replicas: %d %d bytes on %s, %d %d bytes on %s", p, code0, len(b0), rs[0].addr, code, len(b), r.addr)
				}
			}
		}
	}
	// published counts the builds that revised something, over every
	// replica's log.
	published := func(rs []replica, key string) int {
		n := 0
		for _, r := range rs {
			for line := range strings.Lines(r.log.String()) {
				if strings.Contains(line, `"msg":"csaf provider published"`) && strings.Contains(line, key) {
					n++
				}
			}
		}
		return n
	}

	began := time.Now()
	rs := []replica{start()}
	waitRevisions(rs, 0)
	_, doc := get(rs[0], gcve)
	n0 := revisions(doc)
	rs = append(rs, start())
	waitRevisions(rs, n0)
	same(rs)
	if n := published(rs, `"new":2`); n != 1 {
		t.Errorf("%d builds published the two documents, want 1", n)
	}
	// A replica given another key does not start: it could never
	// publish, and would fail whenever the schedule picked it.
	var other lockedBuffer
	octx, stop := context.WithTimeout(ctx, 60*time.Second)
	defer stop()
	cmd := exec.CommandContext(octx, os.Args[0], "serve", "--addr", freePort(t), "--db", dsn, "--no-demo", "--data-dir", t.TempDir())
	cmd.Env = append(env[:len(env):len(env)], "VMC_CSAF_PROVIDER__KEY="+filepath.Join(t.TempDir(), "other.key"))
	cmd.Stdout, cmd.Stderr = &other, &other
	if err := cmd.Run(); err == nil || !strings.Contains(other.String(), "which the provider publishes with: give every replica the same key file") {
		t.Errorf("a replica with another key: %v\n%s", err, other.String())
	}

	vmcRun(t, "import", changedGo20200001(t), "--db", dsn, "--data-dir", t.TempDir())
	waitRevisions(rs, n0+1)
	// Three more periods: no replica revises it again.
	time.Sleep(6 * time.Second)
	waitRevisions(rs, n0+1)
	same(rs)
	if n := published(rs, `"revised":1`); n != 1 {
		t.Errorf("%d builds revised the changed document, want exactly 1", n)
	}
	// Once a period in all: each replica on its own schedule would build
	// about twice as often.
	periods := int(time.Since(began)/(2*time.Second)) + 1
	// A build with another key is refused: it would sign with a key
	// provider-metadata.json does not name.
	var out, errb bytes.Buffer
	if code := Run(ctx, []string{"csaf", "provider", "build", t.TempDir() + "/site", "--url", "https://psirt.acme.example",
		"--key", filepath.Join(t.TempDir(), "other.key"), "--db", dsn, "--data-dir", t.TempDir()}, &out, &errb); code == 0 ||
		!strings.Contains(errb.String(), "every replica needs the same csaf-provider.key") {
		t.Errorf("a build with another key: exit %d\n%s%s", code, out.String(), errb.String())
	}
	n := published(rs, `"msg":"csaf provider published"`)
	t.Logf("%d builds in %d periods over both replicas", n, periods)
	if n < 3 || n > periods+1 {
		t.Errorf("the provider was built %d times in %d periods of 2 s, want one a period", n, periods)
	}
}
