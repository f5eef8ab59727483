package sqlstore

import (
	"io"
	"iter"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/cnvd"
	"github.com/vmc-dev/vmc/internal/feed/cve5"
)

// TestSolveIndependentOfTimeAndPrecedence holds solve to what the writer
// would work out for a record alone at its turn, with the batch's time on
// every claim and the store's precedence of sources: solve knows neither,
// and prepares every record before any batch is written. Real records of
// two formats, among them a CVE record with CISA's ADP container (two
// providers' severities of one type).
func TestSolveIndependentOfTimeAndPrecedence(t *testing.T) {
	files := []struct {
		path  string
		parse func(string, io.Reader) iter.Seq2[advisory.Record, error]
	}{
		{"../../feed/cnvd/testdata/387.xml", cnvd.Parse},
		{"../../feed/cnvd/testdata/921.xml", cnvd.Parse},
		{"../../feed/cve5/testdata/cvelistV5/CVE-2024-3094.json", cve5.Parse},
		{"../../feed/cve5/testdata/cvelistV5/CVE-2021-26917.json", cve5.Parse},
	}
	reversed := advisory.Precedence{Sources: slices.Clone(advisory.DefaultPrecedence.Sources),
		Fields: map[advisory.Field][]string{advisory.FieldTitle: {"cnvd", "cve5"}, advisory.FieldSeverity: {"cve5"}}}
	slices.Reverse(reversed.Sources)
	now := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	n := 0
	for _, file := range files {
		f, err := os.Open(file.path)
		if err != nil {
			t.Fatal(err)
		}
		for rec, err := range file.parse(file.path, f) {
			if err != nil {
				t.Fatalf("%s: %v", file.path, err)
			}
			n++
			ids := rec.IDs()
			p := prepared{ids: ids, claims: rec.Claims()}
			for _, id := range ids {
				p.keys = append(p.keys, strings.ToUpper(id))
			}
			got := solve(&rec, &p)

			// What the writer did before: the batch's time on every claim
			// and on the source, and the store's precedence.
			stamped := slices.Clone(p.claims)
			for j := range stamped {
				stamped[j].Seen = now
			}
			for _, prec := range []advisory.Precedence{advisory.DefaultPrecedence, reversed} {
				src := got.fresh.src
				src.Seen = now
				want := summarise(&freshVuln{stored: true, ids: got.fresh.ids, claims: stamped, src: src}, prec)
				if want.err != nil || got.err != nil {
					t.Fatalf("%s %s: %v, %v", file.path, rec.ID, want.err, got.err)
				}
				if diff := cmp.Diff(want.row, got.row, cmp.AllowUnexported(newVuln{})); diff != "" {
					t.Errorf("%s %s: row -want +got:\n%s", file.path, rec.ID, diff)
				}
			}
		}
		f.Close()
	}
	if n < 4 {
		t.Fatalf("%d records read, want at least one a file", n)
	}
}
