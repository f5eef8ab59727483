package jvn_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/jvn"
)

// TestDetailSupersedesRSS checks what lets the RSS and the detail feed
// share record ids in source "jvn": for an advisory in both, the detail
// record says what the RSS record says, and its Modified is not earlier,
// so that the store, which ignores a record older than the one it holds,
// ends with the detail record whichever feed is imported first (unless
// the advisory changed in between, when the newer one wins, as it should).
func TestDetailSupersedesRSS(t *testing.T) {
	tests := []struct {
		rss, detail, id string
		// trimmed: the detail fixture keeps only some of the entry's
		// Related items, so links, aliases and CWEs cannot be compared.
		trimmed bool
	}{
		{"testdata/rss/jvndb_2022.rdf", "testdata/detail/jvndb_detail_2022.rdf", "JVNDB-2022-000001", false},
		{"testdata/rss/jvndb_2021.rdf", "testdata/detail/jvndb_detail_2021.rdf", "JVNDB-2021-005429", true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := find(t, tt.rss, tt.id)
			d := find(t, tt.detail, tt.id)

			if d.Modified.Before(r.Modified) || !d.Modified.Truncate(time.Minute).Equal(r.Modified) {
				t.Errorf("modified: detail %v, RSS %v; want the RSS time to be the detail time cut to the minute", d.Modified, r.Modified)
			}
			if !d.Published.Truncate(time.Minute).Equal(r.Published) {
				t.Errorf("published: detail %v, RSS %v", d.Published, r.Published)
			}
			if diff := cmp.Diff(r.Titles, d.Titles); diff != "" {
				t.Errorf("titles (-RSS +detail):\n%s", diff)
			}
			if diff := cmp.Diff(r.Severities, d.Severities); diff != "" {
				t.Errorf("severities (-RSS +detail):\n%s", diff)
			}
			for _, a := range r.Affected {
				if !slices.ContainsFunc(d.Affected, func(b advisory.Affected) bool {
					return a.Vendor == b.Vendor && a.Product == b.Product && slices.Equal(a.CPEs, b.CPEs)
				}) {
					t.Errorf("affected %+v is not in the detail record", a)
				}
			}
			if tt.trimmed {
				return
			}
			for _, a := range r.Aliases {
				if !slices.Contains(d.Aliases, a) {
					t.Errorf("alias %s is not in the detail record", a)
				}
			}
			for _, c := range r.CWEs {
				if !slices.Contains(d.CWEs, c) {
					t.Errorf("CWE %+v is not in the detail record", c)
				}
			}
			for _, ref := range r.References {
				if !slices.ContainsFunc(d.References, func(b advisory.Reference) bool { return b.URL == ref.URL && b.Type == ref.Type }) {
					t.Errorf("reference %+v is not in the detail record", ref)
				}
			}
		})
	}
}

func find(t *testing.T, path, id string) advisory.Record {
	t.Helper()
	recs, errs := feedtest.ParseFile(t, jvn.Parse, path)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, r := range recs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("%s: no record %s", path, id)
	return advisory.Record{}
}
