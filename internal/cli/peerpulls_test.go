package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/federation"
	feedosv "github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

// TestPeerPullsFollowStore runs serve's peer scheduling (peerPulls, as a
// scheduled job of the configured queue: the in-process one on SQLite,
// River on PostgreSQL) with a one-second tick against a peer on
// loopback, and changes the peers in the store while it runs: a peer
// added on demand only is not pulled; given a schedule it is, with no
// restart; removed, it is pulled no more while a peer added after it
// is.
func TestPeerPullsFollowStore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a job queue for several seconds")
	}
	ctx := context.Background()
	hq := peerOnLoopback(t)
	for _, db := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "vmc.db") }},
		{"postgres", func(t *testing.T) string {
			dsn, err := pgtest.Own(t).NewDatabase(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return dsn
		}},
	} {
		t.Run(db.name, func(t *testing.T) {
			c := &Config{DB: db.url(t), Addr: "127.0.0.1:0"}
			s, err := openStore(ctx, c, true)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			reg := &jobs.Registry{}
			pulls := &peerPulls{node: &federation.Node{Store: s, Self: "here", HTTP: hq.Client()}, tick: time.Second}
			pulls.register(reg)
			if err := addScheduled(reg, []fetch.Job{pulls.job()}); err != nil {
				t.Fatal(err)
			}
			q, err := openQueue(c, s, reg, log, true)
			if err != nil {
				t.Fatal(err)
			}
			pulls.queue = q
			qctx, stop := context.WithCancel(ctx)
			if err := q.Start(qctx); err != nil {
				t.Fatal(err)
			}
			defer func() {
				stop()
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				q.Stop(sctx)
			}()

			// pulled waits up to limit for name's first successful pull.
			pulled := func(name string, limit time.Duration) (peer.Pull, bool) {
				for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
					p, err := s.Peer(ctx, name)
					if err != nil {
						t.Fatal(err)
					}
					if p.Last.Status != "" {
						return p.Last, true
					}
				}
				return peer.Pull{}, false
			}
			put := func(name string, every time.Duration) {
				t.Helper()
				p := peer.Peer{Name: name, Kind: peer.OSV, URL: hq.URL + "/", Trust: peer.Standard, Every: every}
				if err := s.PutPeer(ctx, p, "", false, "admin"); err != nil {
					t.Fatal(err)
				}
			}

			put("hq", 0)
			if last, ok := pulled("hq", 3*time.Second); ok {
				t.Fatalf("a peer pulled on demand only was pulled by the schedule: %+v", last)
			}
			put("hq", time.Minute)
			last, ok := pulled("hq", 20*time.Second)
			if !ok || last.Status != "ok" || last.Stored == 0 {
				t.Fatalf("a peer given a schedule while serve runs: last pull %+v (pulled %v)", last, ok)
			}
			before := pullJobs(t, q, "hq")
			if err := s.DeletePeer(ctx, "hq", "admin"); err != nil {
				t.Fatal(err)
			}
			put("lab", time.Minute)
			if last, ok := pulled("lab", 20*time.Second); !ok || last.Status != "ok" {
				t.Fatalf("a peer added while serve runs: last pull %+v (pulled %v)", last, ok)
			}
			if after := pullJobs(t, q, "hq"); after != before {
				t.Errorf("%d pulls of the removed peer, %d before it was removed", after, before)
			}
		})
	}
}

// pullJobs counts the pull jobs of peer name.
func pullJobs(t *testing.T, q jobs.Queue, name string) int {
	t.Helper()
	js, err := q.List(context.Background(), jobs.Filter{Kind: peerPullKind, Limit: jobs.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range js {
		if string(j.Args) == `{"name":"`+name+`"}` {
			n++
		}
	}
	return n
}

// peerOnLoopback is a vmc serving the OSV records of
// internal/feed/osv/testdata/records as a peer.
func peerOnLoopback(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, &Config{DB: "sqlite://" + filepath.Join(t.TempDir(), "hq.db")}, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	files, err := filepath.Glob(filepath.Join("..", "feed", "osv", "testdata", "records", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("OSV records: %v (%d files)", err, len(files))
	}
	var recs []advisory.Record
	for _, f := range files {
		b, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		for rec, err := range feedosv.Parse(filepath.Base(f), b) {
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			recs = append(recs, rec)
		}
		b.Close()
	}
	if _, err := s.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Federation: api.Federation{Origin: "hq"}}).Handler())
	t.Cleanup(srv.Close)
	return srv
}
