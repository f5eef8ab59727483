package jvn_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/jvn"
)

// The tests in this file reproduce github.com/MaineK00n/vuls-data-update's
// expected outputs for the same fixtures (testdata/vuls-data-update, see
// testdata/README.md): ParseRSS, ParseDetail and ParseProducts must give,
// item for item, what vuls-data-update writes, compared as decoded JSON.

// fetchedTitle is the one member vuls-data-update adds that the feeds do
// not hold: the <title> of a JPCERT alert's web page, which it downloads.
// A parser that reads only its reader cannot know it, so it is taken out
// of the expected outputs, and each test says how many it took out, so
// that nothing else is dropped unnoticed.
const fetchedTitle = "fetchedtitle"

// compareUpstream compares every expected output under dir with
// got[its path relative to dir], and checks that got has nothing more.
func compareUpstream(t *testing.T, dir string, got map[string]any, wantFetched int) {
	t.Helper()
	fetched := 0
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		key := filepath.ToSlash(strings.TrimPrefix(path, dir+string(filepath.Separator)))
		seen[key] = true
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var want any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		fetched += dropKey(want, fetchedTitle)
		g, ok := got[key]
		if !ok {
			t.Errorf("%s: no item parsed for it", key)
			return nil
		}
		if diff := cmp.Diff(want, decoded(t, g)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range got {
		if !seen[key] {
			t.Errorf("%s: parsed, but vuls-data-update has no output for it", key)
		}
	}
	if fetched != wantFetched {
		t.Errorf("took %d %q members out of the expected outputs, want %d", fetched, fetchedTitle, wantFetched)
	}
}

// decoded is v as JSON decodes it into any, to compare with an expected
// output without regard to member order or indentation.
func decoded(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// dropKey deletes key from every object in v and counts the deletions.
func dropKey(v any, key string) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v[key]; ok {
			delete(v, key)
			n++
		}
		for _, e := range v {
			n += dropKey(e, key)
		}
	case []any:
		for _, e := range v {
			n += dropKey(e, key)
		}
	}
	return n
}

func openFixture(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestUpstreamRSS merges the items of all seven RSS fixtures the way
// vuls-data-update does (an id's item with the later dcterms:modified
// wins; JVNDB-2023-000001 is in jvndb.rdf, modified 2023-11-03, and in
// jvndb_2023.rdf, modified 2023-01-05) and compares each with
// vuls-data-update's output, filed under the id's year.
func TestUpstreamRSS(t *testing.T) {
	files, err := filepath.Glob("testdata/rss/*.rdf")
	if err != nil || len(files) != 7 {
		t.Fatalf("want 7 RSS fixtures, found %d (%v)", len(files), err)
	}
	items := map[string]jvn.Item{}
	for _, path := range files {
		for it, err := range jvn.ParseRSS(openFixture(t, path)) {
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if old, ok := items[it.Identifier]; ok && minute(t, old.Modified).After(minute(t, it.Modified)) {
				continue
			}
			items[it.Identifier] = it
		}
	}
	got := map[string]any{}
	for id, it := range items {
		got[strings.Split(id, "-")[1]+"/"+id+".json"] = it
	}
	compareUpstream(t, filepath.Join("testdata", "vuls-data-update", "rss"), got, 2)
}

func minute(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02T15:04-07:00", s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestUpstreamDetail compares each entry of the three detail fixtures with
// vuls-data-update's output, filed under the id's year.
func TestUpstreamDetail(t *testing.T) {
	files, err := filepath.Glob("testdata/detail/*.rdf")
	if err != nil || len(files) != 3 {
		t.Fatalf("want 3 detail fixtures, found %d (%v)", len(files), err)
	}
	got := map[string]any{}
	for _, path := range files {
		for v, err := range jvn.ParseDetail(openFixture(t, path)) {
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			got[strings.Split(v.VulinfoID, "-")[1]+"/"+v.VulinfoID+".json"] = v
		}
	}
	compareUpstream(t, filepath.Join("testdata", "vuls-data-update", "detail"), got, 1)
}

// TestUpstreamProducts compares each product of the dictionary fixture
// with vuls-data-update's output, filed as <vid>/<pid>.json.
func TestUpstreamProducts(t *testing.T) {
	got := map[string]any{}
	for p, err := range jvn.ParseProducts(openFixture(t, "testdata/product/myjvn_product_202311.rdf")) {
		if err != nil {
			t.Fatal(err)
		}
		got[p.Vid+"/"+p.Pid+".json"] = p
	}
	if len(got) != 13 {
		t.Errorf("got %d products, want 13", len(got))
	}
	compareUpstream(t, filepath.Join("testdata", "vuls-data-update", "product"), got, 0)
}
