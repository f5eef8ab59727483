package csaf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// maxGolden is the size past which a golden file keeps only the start of
// what Parse yields: a golden nobody can review protects nothing.
const maxGolden = 300 << 10

// golden is what a golden file holds.
type golden struct {
	Records []advisory.Record `json:"records"`
	Errors  []string          `json:"errors,omitempty"`
	// Omitted says what a golden that would pass maxGolden leaves out:
	// how many records after the first 3, and per kept record how many
	// Affected entries after the first 10.
	Omitted *omitted `json:"omitted,omitempty"`
}

type omitted struct {
	Records  int   `json:"records"`
	Affected []int `json:"affected"`
}

// fixtures lists the documents under testdata, golden files aside.
func fixtures(t testing.TB) []string {
	var files []string
	for _, pat := range []string{"testdata/examples/*.json", "testdata/examples/csaf_vex/*.json",
		"testdata/provider/*.json", "testdata/go-vex/*.json", "testdata/validator/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

// TestGolden parses every fixture in testdata and compares the records and
// errors with testdata/golden. -update rewrites the golden files.
func TestGolden(t *testing.T) {
	files := fixtures(t)
	if len(files) != 29 {
		t.Errorf("found %d fixtures, want 29", len(files))
	}
	for _, f := range files {
		name := strings.ReplaceAll(strings.TrimPrefix(f, "testdata/"), "/", "-")
		t.Run(name, func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, f)
			got := golden{Records: recs}
			for _, err := range errs {
				got.Errors = append(got.Errors, err.Error())
			}
			if b, _ := json.MarshalIndent(got, "", "  "); len(b) > maxGolden {
				got = trim(got)
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", name), got)
		})
	}
}

// trim keeps the first 3 records and the first 10 Affected entries of each.
func trim(g golden) golden {
	out := golden{Errors: g.Errors, Omitted: &omitted{Records: max(0, len(g.Records)-3)}}
	for _, r := range g.Records[:min(3, len(g.Records))] {
		out.Omitted.Affected = append(out.Omitted.Affected, max(0, len(r.Affected)-10))
		r.Affected = r.Affected[:min(10, len(r.Affected))]
		out.Records = append(out.Records, r)
	}
	return out
}

// TestCiscoProducts checks what the trimmed golden of the Cisco example
// leaves out: its one record's 259 products under service_pack branches,
// each known_affected with the one workaround.
func TestCiscoProducts(t *testing.T) {
	recs, errs := feedtest.ParseFile(t, Parse, "testdata/examples/cisco-sa-20180328-smi2.json")
	if len(errs) > 0 || len(recs) != 1 {
		t.Fatalf("got %d records and errors %v, want 1 record", len(recs), errs)
	}
	aff := recs[0].Affected
	if len(aff) != 259 {
		t.Errorf("got %d Affected entries, want 259", len(aff))
	}
	products := map[string]int{}
	for _, a := range aff {
		products[a.Product]++
		if a.Vendor != "Cisco" || a.Status != "known_affected" || len(a.Versions) != 1 ||
			len(a.Remediations) != 1 || a.Remediations[0].Category != "workaround" {
			t.Errorf("unexpected entry %+v", a)
		}
	}
	if products["IOS"] != 180 || products["Cisco IOS XE Software"] != 79 {
		t.Errorf("products %v, want 180 IOS and 79 Cisco IOS XE Software", products)
	}
}

// TestSniffFixtures checks that every fixture sniffs as CSAF from its
// first 4 KiB.
func TestSniffFixtures(t *testing.T) {
	for _, f := range fixtures(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !Sniff(filepath.Base(f), b[:min(len(b), 4096)]) {
			t.Errorf("Sniff(%s) = false", f)
		}
	}
}
