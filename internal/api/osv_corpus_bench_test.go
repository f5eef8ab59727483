package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	osvapi "osv.dev/bindings/go/api"
	"osv.dev/bindings/go/osvdev"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/sbom"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// osvCorpus is every OSV database of the shared corpus (18,778 records).
var osvCorpus = []string{"osv/Go/all.zip", "osv/crates.io/all.zip", "osv/Bitnami/all.zip", "osv/AlmaLinux/all.zip", "osv/PyPI-yaml/vulns"}

// importOSVCorpus imports the whole shared OSV corpus into s.
func importOSVCorpus(tb testing.TB, s store.Store) {
	tb.Helper()
	var paths []string
	for _, p := range osvCorpus {
		paths = append(paths, feedtest.SharedData(tb, p))
	}
	rep, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).Import(context.Background(), paths...)
	if err != nil {
		tb.Fatal(err)
	}
	if rep.Rejected > 0 || rep.Read < 18000 {
		tb.Fatalf("import: %d read, %d rejected: %v", rep.Read, rep.Rejected, rep.Errors)
	}
}

// sbomPackages are the distinct packages of real inventories: the shared
// CycloneDX SBOMs (Go, Maven, npm, Composer) and vmc's own go.mod, Go
// first (the corpus covers Go; the others mostly miss, as most of a real
// batch does), up to n.
func sbomPackages(tb testing.TB, n int) []asset.Component {
	tb.Helper()
	files := []string{"../../go.mod"}
	for _, p := range []string{"proton-bridge/proton-bridge-v1.6.3.bom.json", "proton-bridge/proton-bridge-v1.8.0.bom.json",
		"keycloak-10.0.2/bom.json", "dropwizard-1.3.15/bom.json", "juice-shop/v11.1.2/bom.json", "laravel-7.12.0/bom.1.4.json",
		"protonmail-webclient-v4-0912dff/bom.json", "cern-lhc-vdm-editor-e564943/bom.json"} {
		files = append(files, feedtest.SharedData(tb, filepath.Join("cyclonedx/examples/SBOM", p)))
	}
	seen := map[string]bool{}
	var goPkgs, others []asset.Component
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		inv, err := sbom.ParseAny(filepath.Base(f), bytes.NewReader(b))
		if err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		for _, c := range inv.Components {
			if c.Ecosystem == "" || c.Version == "" || seen[c.Key()] {
				continue
			}
			seen[c.Key()] = true
			c = asset.Component{Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version}
			if c.Ecosystem == "Go" {
				goPkgs = append(goPkgs, c)
			} else {
				others = append(others, c)
			}
		}
	}
	out := append(goPkgs, others...)
	if len(out) < n {
		tb.Fatalf("%d packages in the SBOMs, want %d", len(out), n)
	}
	return out[:n]
}

// BenchmarkOSVQueryBatchCorpus sends querybatch requests of 1,000 queries
// through osv.dev's Go client to a vmc holding the whole shared OSV
// corpus, on SQLite and on PostgreSQL, with two sets of queries: "sbom",
// the packages of real SBOMs and go.mod files (about a third hit), and
// "ranges", Go and crates.io packages at versions their records name
// (nearly all hit). Its floor, measured in the same run, is the same
// client against a handler that returns vmc's answer precomputed: x-floor
// is what vmc's lookup costs on top of HTTP and the client's encoding.
func BenchmarkOSVQueryBatchCorpus(b *testing.B) {
	queries := map[string][]asset.Component{"sbom": sbomPackages(b, 1000)}
	ranges := realPackages(b, feedtest.SharedData(b, "osv/Go/all.zip"), 700)
	queries["ranges"] = append(ranges, realPackages(b, feedtest.SharedData(b, "osv/crates.io/all.zip"), 1000-len(ranges))...)
	b.Run("sqlite", func(b *testing.B) {
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchQueryBatch(b, s, queries)
	})
	b.Run("postgres", func(b *testing.B) {
		ctx := context.Background()
		srv := pgtest.Own(b)
		dsn, err := srv.NewDatabase(ctx)
		if err != nil {
			b.Fatal(err)
		}
		s, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchQueryBatch(b, s, queries)
	})
}

func benchQueryBatch(b *testing.B, s store.Store, sets map[string][]asset.Component) {
	importOSVCorpus(b, s)
	ctx := context.Background()
	vmc := httptest.NewServer((&api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer vmc.Close()
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range sets {
			if !yield(k) {
				return
			}
		}
	}) {
		b.Run(name, func(b *testing.B) {
			qs := make([]*osvapi.Query, len(sets[name]))
			for i, c := range sets[name] {
				qs[i] = pkgQuery(c.Ecosystem, c.Name, c.Version)
			}
			body, err := protojson.Marshal(&osvapi.BatchQuery{Queries: qs})
			if err != nil {
				b.Fatal(err)
			}
			// vmc's answer, kept for the floor.
			resp, err := http.Post(vmc.URL+"/v1/querybatch", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			answer, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("querybatch: %d %v: %.300s", resp.StatusCode, err, answer)
			}
			floor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(answer)
			}))
			defer floor.Close()
			client := func(url string) *osvdev.OSVClient {
				c := osvdev.DefaultClient()
				c.BaseHostURL = url
				c.Config.MaxRetryAttempts = 1
				return c
			}
			cv, cf := client(vmc.URL), client(floor.URL)
			var full, base time.Duration
			hits, ids := 0, 0
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				if _, err := cf.QueryBatch(ctx, qs); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				got, err := cv.QueryBatch(ctx, qs)
				if err != nil {
					b.Fatal(err)
				}
				full += time.Since(t1)
				base += t1.Sub(t0)
				hits, ids = 0, 0
				for _, r := range got.GetResults() {
					if len(r.GetVulns()) > 0 {
						hits++
					}
					ids += len(r.GetVulns())
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(full.Nanoseconds())/n, "ns/querybatch")
			b.ReportMetric(float64(base.Nanoseconds())/n, "ns/floor")
			b.ReportMetric(float64(full)/float64(base), "x-floor")
			b.ReportMetric(float64(hits), "affected-packages")
			b.ReportMetric(float64(ids), "vulns")
		})
	}
}
