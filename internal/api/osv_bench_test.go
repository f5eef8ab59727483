package api_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ossf/osv-schema/bindings/go/osvschema"
	osvapi "osv.dev/bindings/go/api"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
)

// realPackages reads up to n distinct packages from an OSV archive, each
// at the version its first range is introduced in (a low version where
// that is "0"), so that most of them are affected by something.
func realPackages(b *testing.B, path string, n int) []asset.Component {
	zr, err := zip.OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	seen := map[string]bool{}
	var out []asset.Component
	for _, f := range zr.File {
		if len(out) == n {
			break
		}
		rc, err := f.Open()
		if err != nil {
			b.Fatal(err)
		}
		var rec struct {
			Affected []struct {
				Package struct{ Ecosystem, Name string }
				Ranges  []struct {
					Events []struct{ Introduced string }
				}
			}
		}
		err = json.NewDecoder(rc).Decode(&rec)
		rc.Close()
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range rec.Affected {
			if seen[a.Package.Name] || len(out) == n {
				continue
			}
			seen[a.Package.Name] = true
			v := "0.0.1"
			if len(a.Ranges) > 0 && len(a.Ranges[0].Events) > 0 && a.Ranges[0].Events[0].Introduced != "0" && a.Ranges[0].Events[0].Introduced != "" {
				v = a.Ranges[0].Events[0].Introduced
			}
			out = append(out, asset.Component{Ecosystem: a.Package.Ecosystem, Name: a.Package.Name, Version: v})
		}
	}
	return out
}

// BenchmarkOSVQueryBatch sends a querybatch of 1,000 real Go and
// crates.io packages through osv.dev's client. Its floor is the matcher
// answering the same packages in process, measured in the same run:
// x-floor is what the HTTP API, its decoding, paging and the reading of
// each vulnerability's modified time cost on top.
func BenchmarkOSVQueryBatch(b *testing.B) {
	s := osvData(b)
	ctx := context.Background()
	cs := realPackages(b, feedtest.SharedData(b, "osv/Go/all.zip"), 700)
	cs = append(cs, realPackages(b, feedtest.SharedData(b, "osv/crates.io/all.zip"), 1000-len(cs))...)
	if len(cs) != 1000 {
		b.Fatalf("%d packages, want 1000", len(cs))
	}
	qs := make([]*osvapi.Query, len(cs))
	for i, c := range cs {
		qs[i] = pkgQuery(c.Ecosystem, c.Name, c.Version)
	}
	qs[0] = &osvapi.Query{Package: &osvschema.Package{Ecosystem: cs[0].Ecosystem, Name: cs[0].Name}} // one without a version
	c := osvClient(b, s, api.OSV{})
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	var floor, full time.Duration
	hits := 0
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, _, err := m.Match(ctx, cs); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		got, err := c.QueryBatch(ctx, qs)
		if err != nil {
			b.Fatal(err)
		}
		full += time.Since(t1)
		floor += t1.Sub(t0)
		hits = 0
		for _, r := range got.GetResults() {
			if len(r.GetVulns()) > 0 {
				hits++
			}
		}
	}
	b.ReportMetric(float64(full.Nanoseconds())/float64(b.N), "ns/querybatch")
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "ns/match-floor")
	b.ReportMetric(float64(full)/float64(floor), "x-floor")
	b.ReportMetric(float64(hits), "affected-packages")
}
