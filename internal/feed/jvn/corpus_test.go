package jvn_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/jvn"
)

// corpus lists every advisory feed under ../shared/data/jvn with the
// number of records it holds. TestCorpus also checks that the list,
// together with products and checksums, covers the directory, so a file
// added to the corpus cannot go untested.
var corpus = map[string]int{
	"jvn/rss/fixtures/jvndb.rdf":      1,
	"jvn/rss/fixtures/jvndb_new.rdf":  2,
	"jvn/rss/fixtures/jvndb_2007.rdf": 1,
	"jvn/rss/fixtures/jvndb_2011.rdf": 1,
	"jvn/rss/fixtures/jvndb_2021.rdf": 1,
	"jvn/rss/fixtures/jvndb_2022.rdf": 3,
	"jvn/rss/fixtures/jvndb_2023.rdf": 2,

	"jvn/detail/fixtures/jvndb_detail_2021.rdf": 1,
	"jvn/detail/fixtures/jvndb_detail_2022.rdf": 2,
	"jvn/detail/fixtures/jvndb_detail_2023.rdf": 2,
}

// products lists the MyJVN product dictionaries and their product counts.
var products = map[string]int{
	"jvn/product/fixtures/myjvn_product_202311.rdf": 13,
}

// checksums are the upstream checksum lists beside the fixtures. They
// describe the full feeds, not the trimmed fixtures, and are not feeds:
// Sniff must turn them down, and nothing else is asked of them.
var checksums = []string{
	"jvn/rss/fixtures/checksum.txt",
	"jvn/detail/fixtures/checksum.txt",
	"jvn/product/fixtures/checksum.txt",
}

func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(feedtest.SharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCorpus(t *testing.T) {
	root := filepath.Dir(feedtest.SharedData(t, "jvn"))
	found, err := filepath.Glob(filepath.Join(root, "jvn", "*", "fixtures", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(corpus) + len(products) + len(checksums); len(found) != want {
		t.Errorf("found %d corpus files, the tables list %d", len(found), want)
	}
	for _, p := range found {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		_, isFeed := corpus[rel]
		_, isProducts := products[rel]
		if !isFeed && !isProducts && !slices.Contains(checksums, rel) {
			t.Errorf("%s is in no corpus table", rel)
		}
	}

	var all []advisory.Record
	for rel, want := range corpus {
		t.Run(rel, func(t *testing.T) {
			b := readShared(t, rel)
			if !jvn.Sniff(filepath.Base(rel), b[:min(len(b), 4096)]) {
				t.Error("Sniff = false")
			}
			recs, errs := feedtest.Collect(jvn.Parse(filepath.Base(rel), bytes.NewReader(b)))
			for _, err := range errs {
				t.Error(err)
			}
			if len(recs) != want {
				t.Errorf("got %d records, want %d", len(recs), want)
			}
			for _, r := range recs {
				if err := r.Validate(); err != nil {
					t.Errorf("%s: %v", r.ID, err)
				}
				if r.Source != jvn.Source || r.Published.IsZero() || r.Modified.IsZero() ||
					len(r.Titles) != 1 || r.Titles[0].Lang != "ja" || len(r.Descriptions) != 1 || r.Descriptions[0].Lang != "ja" {
					t.Errorf("%s: source %q, published %v, modified %v, titles %v, %d descriptions",
						r.ID, r.Source, r.Published, r.Modified, r.Titles, len(r.Descriptions))
				}
			}
			all = append(all, recs...)
		})
	}
	for rel, want := range products {
		t.Run(rel, func(t *testing.T) {
			b := readShared(t, rel)
			if jvn.Sniff(filepath.Base(rel), b[:min(len(b), 4096)]) {
				t.Error("Sniff = true for a product dictionary")
			}
			n := 0
			for _, err := range jvn.ParseProducts(bytes.NewReader(b)) {
				if err != nil {
					t.Error(err)
					continue
				}
				n++
			}
			if n != want {
				t.Errorf("got %d products, want %d", n, want)
			}
		})
	}
	for _, rel := range checksums {
		t.Run(rel, func(t *testing.T) {
			b := readShared(t, rel)
			if jvn.Sniff(filepath.Base(rel), b[:min(len(b), 4096)]) {
				t.Error("Sniff = true for a checksum list")
			}
		})
	}
	if t.Failed() {
		return
	}

	// Aggregates, counted independently from the XML with a short
	// script, so that a mapping change shows up as a count.
	got := map[string]int{"records": len(all)}
	for _, r := range all {
		got["aliases"] += len(r.Aliases)
		got["cwes"] += len(r.CWEs)
		got["affected"] += len(r.Affected)
		got["notes"] += len(r.Notes)
		got["references"] += len(r.References)
		for _, ref := range r.References {
			got["reference "+ref.Type]++
		}
		for _, s := range r.Severities {
			got["severity "+string(s.Type)]++
		}
	}
	want := map[string]int{
		"records":            16,
		"aliases":            19,
		"cwes":               15,
		"affected":           16,
		"notes":              10,
		"references":         65,
		"reference ADVISORY": 58,
		"reference WEB":      7,
		"severity CVSS_V2":   10,
		"severity CVSS_V3.0": 14,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("aggregates (-want +got):\n%s", diff)
	}
}
