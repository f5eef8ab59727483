package storetest

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/store"
)

func testAssets(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	a, err := s.PutAsset(ctx, asset.Asset{Name: "shop-api", Kind: asset.KindApplication, Team: "payments",
		Environment: asset.EnvProd, Criticality: asset.CritHigh, Exposure: asset.ExpInternet, Tags: []string{"pci"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.Team != "payments" || len(a.Tags) != 1 {
		t.Errorf("stored asset %+v", a)
	}
	// Putting it again by name updates it.
	a2, err := s.PutAsset(ctx, asset.Asset{Name: "shop-api", Kind: asset.KindApplication, Team: "checkout"})
	if err != nil || a2.ID != a.ID || a2.Team != "checkout" || a2.Tags != nil {
		t.Errorf("update: %+v, %v", a2, err)
	}
	if _, err := s.PutAsset(ctx, asset.Asset{Name: "x", Kind: "server"}); !errors.Is(err, asset.ErrInvalid) {
		t.Errorf("unknown kind: %v, want ErrInvalid", err)
	}
	list, err := s.ListAssets(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListAssets = %v, %v", list, err)
	}

	// Components from a real lockfile's entries (this repository's go.mod).
	first := []asset.Component{
		{Ecosystem: "Go", Name: "github.com/jackc/pgx/v5", Version: "v5.12.0"},
		{Ecosystem: "Go", Name: "modernc.org/sqlite", Version: "v1.61.1"},
		{Ecosystem: "Go", Name: "modernc.org/sqlite", Version: "v1.61.1"}, // listed twice: one component
	}
	ch, err := s.SetComponents(ctx, a.ID, "go.mod", first)
	if err != nil || len(ch.Added) != 2 || ch.Kept != 0 {
		t.Fatalf("first inventory: %+v, %v", ch, err)
	}
	second := []asset.Component{
		{Ecosystem: "Go", Name: "github.com/jackc/pgx/v5", Version: "v5.12.0"},
		{Ecosystem: "Go", Name: "modernc.org/sqlite", Version: "v1.62.0"},
	}
	ch, err = s.SetComponents(ctx, a.ID, "go.mod", second)
	if err != nil || len(ch.Added) != 1 || len(ch.Removed) != 1 || ch.Kept != 1 {
		t.Errorf("second inventory: %+v, %v", ch, err)
	}
	got, err := s.Components(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(second, got); diff != "" {
		t.Errorf("components -want +got:\n%s", diff)
	}
	// Across assets: distinct components, each with its assets, paged.
	b, err := s.PutAsset(ctx, asset.Asset{Name: "shop-web", Kind: asset.KindApplication, Team: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetComponents(ctx, b.ID, "go.mod", []asset.Component{
		{Ecosystem: "Go", Name: "modernc.org/sqlite", Version: "v1.62.0", PURL: "pkg:golang/modernc.org/sqlite@v1.62.0"},
		{Ecosystem: "Go", Name: "modernc.org/sqlite", Version: "v1.61.1"},
		{Ecosystem: "npm", Name: "lodash", Version: "4.17.20"},
	}); err != nil {
		t.Fatal(err)
	}
	uses := func(q store.ComponentQuery) []string {
		t.Helper()
		var out []string
		for range 10 {
			p, err := s.ListComponents(ctx, q)
			if err != nil {
				t.Fatalf("ListComponents(%+v): %v", q, err)
			}
			for _, u := range p.Items {
				var on []string
				for _, a := range u.Assets {
					on = append(on, a.Name+"/"+a.Team)
				}
				out = append(out, fmt.Sprintf("%s %s %s %s %v", u.Ecosystem, u.Name, u.Version, u.PURL, on))
			}
			if p.Next == "" {
				return out
			}
			q.After = p.Next
		}
		t.Fatal("paging does not end")
		return nil
	}
	for _, tc := range []struct {
		q    store.ComponentQuery
		want []string
	}{
		{store.ComponentQuery{Limit: 2}, []string{
			"Go github.com/jackc/pgx/v5 v5.12.0  [shop-api/checkout]",
			"Go modernc.org/sqlite v1.61.1  [shop-web/web]",
			"Go modernc.org/sqlite v1.62.0 pkg:golang/modernc.org/sqlite@v1.62.0 [shop-api/checkout shop-web/web]",
			"npm lodash 4.17.20  [shop-web/web]",
		}},
		{store.ComponentQuery{Text: "SQLITE@v1.62"}, []string{
			"Go modernc.org/sqlite v1.62.0 pkg:golang/modernc.org/sqlite@v1.62.0 [shop-api/checkout shop-web/web]",
		}},
		{store.ComponentQuery{Ecosystem: "npm"}, []string{"npm lodash 4.17.20  [shop-web/web]"}},
		{store.ComponentQuery{Text: "%"}, nil},
	} {
		if diff := cmp.Diff(tc.want, uses(tc.q)); diff != "" {
			t.Errorf("ListComponents(%+v) -want +got:\n%s", tc.q, diff)
		}
	}
	if _, err := s.ListComponents(ctx, store.ComponentQuery{After: "??"}); !errors.Is(err, store.ErrBadQuery) {
		t.Errorf("bad cursor: %v, want ErrBadQuery", err)
	}

	if err := s.DeleteAsset(ctx, "shop-api"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Asset(ctx, "shop-api"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted asset: %v", err)
	}
	if got, _ := s.Components(ctx, a.ID); len(got) != 0 {
		t.Errorf("components outlive their asset: %v", got)
	}
}

// testAffectedFor looks packages up in the index kept from records'
// affected claims (GO-2020-0001 and a PyPI record of the PyPA database).
func testAffectedFor(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	pysec := advisory.Record{Source: "osv", ID: "PYSEC-2021-19", Aliases: []string{"CVE-2021-21330"},
		Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: "aiohttp",
			Ranges: []advisory.Range{{Type: advisory.RangeEcosystem, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "3.7.4"}}}}}}}
	put(t, s, goRecord(), pysec)

	got, err := s.AffectedFor(ctx, []store.Package{{Ecosystem: "Go", Name: "github.com/gin-gonic/gin"}, {Ecosystem: "PyPI", Name: "AIOHTTP"}, {Ecosystem: "npm", Name: "left-pad"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range got {
		ids = append(ids, e.Vuln+"/"+e.Record+"/"+e.Affected.Package)
	}
	want := []string{"CVE-2020-36567/GO-2020-0001/github.com/gin-gonic/gin", "CVE-2021-21330/PYSEC-2021-19/aiohttp"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("AffectedFor -want +got:\n%s", diff)
	}
	// NVD names products by CPE; they are found by vendor and product, with
	// the record's configurations (Log4Shell's, cut to one criterion).
	configs := json.RawMessage(`[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*","versionStartIncluding":"2.13.0","versionEndExcluding":"2.15.0"}]}]}]`)
	put(t, s, advisory.Record{Source: "nvd", ID: "CVE-2021-44228", Configurations: configs,
		Affected: []advisory.Affected{{Vendor: "apache", Product: "log4j", CPEs: []string{"cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"}}}})
	byCPE, err := s.AffectedFor(ctx, []store.Package{{Ecosystem: store.CPE, Name: "Apache:Log4j"}})
	if err != nil || len(byCPE) != 1 || byCPE[0].Record != "CVE-2021-44228" || string(byCPE[0].Configurations) != string(configs) {
		t.Errorf("by CPE: %+v, %v", byCPE, err)
	}
	// A withdrawn record does not count (GO-2026-4923, bbolt, withdrawn as
	// a false positive), though its vulnerability still exists.
	withdrawn := advisory.Record{Source: "osv", ID: "GO-2026-4923", Aliases: []string{"CVE-2026-33817"},
		Withdrawn: time.Date(2026, 4, 8, 13, 33, 56, 0, time.UTC),
		Affected: []advisory.Affected{{Ecosystem: "Go", Package: "go.etcd.io/bbolt",
			Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "0"}}}}}}}
	put(t, s, withdrawn)
	if got, err := s.AffectedFor(ctx, []store.Package{{Ecosystem: "Go", Name: "go.etcd.io/bbolt"}}); err != nil || len(got) != 0 {
		t.Errorf("withdrawn record: %+v, %v", got, err)
	}
	withdrawn.Withdrawn = time.Time{}
	put(t, s, withdrawn) // un-withdrawn by a later version: it counts again
	if got, _ := s.AffectedFor(ctx, []store.Package{{Ecosystem: "Go", Name: "go.etcd.io/bbolt"}}); len(got) != 1 {
		t.Errorf("after the withdrawal was lifted: %+v", got)
	}
	// A record that stops naming the package drops out of the index.
	pysec.Affected[0].Package = "aiohttp-session"
	put(t, s, pysec)
	got, _ = s.AffectedFor(ctx, []store.Package{{Ecosystem: "PyPI", Name: "aiohttp"}})
	if len(got) != 0 {
		t.Errorf("after the record changed: %+v", got)
	}
}

// testAffectedForBatch looks up, in one call, every package the shared
// crates.io and PyPA OSV records name (more than one IN list's worth per
// ecosystem), with case and separator variants and packages no record
// names, and checks the answer is exactly the union of the one-package
// lookups: batching must neither lose nor repeat an entry.
func testAffectedForBatch(t *testing.T, open Opener) {
	var recs []advisory.Record
	zr, err := zip.OpenReader(feedtest.SharedData(t, "osv/crates.io/all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		recs = append(recs, parseOSV(t, f.Name, f.Open)...)
	}
	yamls, err := filepath.Glob(filepath.Join(feedtest.SharedData(t, "osv/PyPI-yaml/vulns"), "*", "*.yaml"))
	if err != nil || len(yamls) == 0 {
		t.Fatalf("PyPA records: %d, %v", len(yamls), err)
	}
	for _, p := range yamls {
		recs = append(recs, parseOSV(t, p, func() (io.ReadCloser, error) { return os.Open(p) })...)
	}
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	for part := range slices.Chunk(recs, 500) {
		put(t, s, part...)
	}

	seen := map[store.Package]bool{}
	var pkgs []store.Package
	for _, r := range recs {
		for _, a := range r.Affected {
			if p := (store.Package{Ecosystem: a.Ecosystem, Name: a.Package}); p.Name != "" && !seen[p] {
				seen[p] = true
				pkgs = append(pkgs, p)
			}
		}
	}
	if len(pkgs) < 200 {
		t.Fatalf("only %d packages in the shared records", len(pkgs))
	}
	canon := func(es []store.AffectedEntry) []string {
		out := make([]string, len(es))
		for i, e := range es {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = string(b)
		}
		slices.Sort(out)
		return out
	}
	// Distinct packages may fold to one key ("Foo-Bar", "foo_bar"): the
	// one-package answers are a set.
	var want []string
	for _, p := range pkgs {
		one, err := s.AffectedFor(ctx, []store.Package{p})
		if err != nil {
			t.Fatalf("AffectedFor(%v): %v", p, err)
		}
		want = append(want, canon(one)...)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) < len(pkgs) {
		t.Fatalf("%d entries for %d packages: the index misses", len(want), len(pkgs))
	}

	batch := slices.Clone(pkgs)
	for _, p := range pkgs[:50] {
		batch = append(batch, store.Package{Ecosystem: p.Ecosystem, Name: strings.ToUpper(p.Name)},
			store.Package{Ecosystem: p.Ecosystem, Name: p.Name + "-not-a-package"})
	}
	batch = append(batch, store.Package{Ecosystem: "npm", Name: "left-pad"}, store.Package{Ecosystem: store.CPE, Name: "apache:log4j"})
	got, err := s.AffectedFor(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, canon(got)); diff != "" {
		t.Errorf("AffectedFor of %d packages differs from one at a time (-want +got):\n%s", len(batch), diff)
	}
}

// parseOSV reads the OSV records of one shared file.
func parseOSV(t *testing.T, name string, open func() (io.ReadCloser, error)) []advisory.Record {
	t.Helper()
	rc, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var out []advisory.Record
	for r, err := range osv.Parse(name, rc) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, r)
	}
	return out
}
