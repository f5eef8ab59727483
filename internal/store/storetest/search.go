package storetest

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/cnvd"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/kev"
	"github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/store"
)

// testSearchMatchesScan searches real data (the KEV catalogue, the Go
// vulnerability database and the CNVD samples: 5,700 vulnerabilities)
// for words of every kind, in three orders and with a filter, and
// compares each page with a scan of the whole list: a search must return
// exactly the vulnerabilities whose ids or titles hold the text in any
// case, in list order, paged the same. The words reach every way a store
// may run a search (SQLite: the walk in list order for a common or short
// text, the trigram index with its candidates sorted or met on the walk;
// PostgreSQL: the bounded walk, then the trigram index), so whichever a
// store picks, the result cannot change.
func testSearchMatchesScan(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	var recs []advisory.Record
	for _, f := range []struct {
		path  string
		parse func(string, io.Reader) iter.Seq2[advisory.Record, error]
	}{
		{"kev/known_exploited_vulnerabilities.json", kev.Parse},
		{"cnvd/samples/387.xml", cnvd.Parse},
		{"cnvd/samples/921.xml", cnvd.Parse},
		{"osv/Go/all.zip", osv.Parse},
	} {
		recs = append(recs, sharedRecords(t, feedtest.SharedData(t, f.path), f.parse)...)
	}
	for i := 0; i < len(recs); i += 500 {
		put(t, s, recs[i:min(i+500, len(recs))]...)
	}

	// The whole list in each order (the store's own: PostgreSQL may
	// collate ids otherwise than Go), and each vulnerability's searched
	// text as the store builds it: ids and titles, upper-cased.
	list := func(sort string) []advisory.Summary {
		var all []advisory.Summary
		q := store.VulnQuery{Limit: 1000, Sort: sort}
		for {
			p, err := s.ListVulns(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, p.Items...)
			if p.Next == "" {
				return all
			}
			q.After = p.Next
		}
	}
	lists := make(map[string][]advisory.Summary)
	for _, sort := range []string{"", "id", "published"} {
		lists[sort] = list(sort)
	}
	if len(lists[""]) < 5000 {
		t.Fatalf("listed %d vulnerabilities, want the 5,700 imported", len(lists[""]))
	}
	scan := func(text, sort string, kev bool) []string {
		var ids []string
		for _, v := range lists[sort] {
			if kev && !v.KEV {
				continue
			}
			parts := append([]string{}, v.Aliases...)
			for _, tt := range v.Titles {
				parts = append(parts, tt.Value)
			}
			if strings.Contains(strings.ToUpper(strings.Join(parts, "\n")), strings.ToUpper(text)) {
				ids = append(ids, v.ID)
			}
		}
		return ids
	}
	for _, c := range []struct {
		name, text string
	}{
		{"rare words", "nil pointer"},
		{"rare, mixed case", "Use-After-Free"},
		{"a few hundred", "escalation"},
		{"a few hundred, upper case", "TRAVERSAL"},
		{"common (over 2,000 rows)", "github.com"},
		{"an id prefix", "GO-2022-"},
		{"an id", "CVE-2021-44228"},
		{"Chinese, long", "越权访问"},
		{"Chinese, two characters", "漏洞"},
		{"Chinese and Latin", "APP安卓版"},
		{"one character", "x"},
		{"two characters", "Go"},
		{"LIKE wildcard %", "%"},
		{"LIKE wildcard _", "_"},
		{"wildcards between letters", "n_t"},
		{"FTS5 quote", `"`},
		{"quote in a word", `"follina"`},
		{"backslash", `\`},
		{"nowhere", "frobnicator"},
		{"trigrams everywhere, text nowhere", "golang.org/x/netgithub.com"},
	} {
		// Each sort, and one with a filter beside the text (the list's
		// other conditions go with the search's on every way).
		for _, view := range []struct {
			sort string
			kev  bool
		}{{"", false}, {"id", false}, {"published", false}, {"", true}} {
			all := scan(c.text, view.sort, view.kev)
			// Pages of 20 (three at most: enough for every cursor kind;
			// the common words would take hundreds), then all in pages of
			// 1,000.
			for _, size := range []int{20, 1000} {
				q := store.VulnQuery{Text: c.text, Limit: size, Sort: view.sort, KEV: view.kev}
				var got []string
				for pages := 0; pages < 3 || size == 1000; pages++ {
					p, err := s.ListVulns(ctx, q)
					if err != nil {
						t.Fatalf("%s: search %q: %v", c.name, c.text, err)
					}
					for _, it := range p.Items {
						got = append(got, it.ID)
					}
					if p.Next == "" {
						break
					}
					q.After = p.Next
				}
				if size == 1000 && len(got) != len(all) {
					t.Errorf("%s: search %q (%+v): %d results, want %d", c.name, c.text, view, len(got), len(all))
				}
				if diff := cmp.Diff(all[:min(len(all), len(got))], got); diff != "" {
					t.Errorf("%s: search %q (%+v, pages of %d): -scan +search:\n%s", c.name, c.text, view, size, diff)
				}
			}
		}
	}
}

// sharedRecords parses a file of the shared corpus, or each entry of a
// zip of them.
func sharedRecords(t *testing.T, path string, parse func(string, io.Reader) iter.Seq2[advisory.Record, error]) []advisory.Record {
	t.Helper()
	var recs []advisory.Record
	add := func(name string, r io.Reader) {
		for rec, err := range parse(name, r) {
			if err != nil {
				continue // the corpus holds a few records its parser rejects; not this test's subject
			}
			recs = append(recs, rec)
		}
	}
	if filepath.Ext(path) != ".zip" {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		add(filepath.Base(path), f)
		return recs
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.FileInfo().IsDir() || filepath.Ext(f.Name) != ".json" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(fmt.Errorf("%s: %s: %w", path, f.Name, err))
		}
		add(f.Name, r)
		r.Close()
	}
	return recs
}
