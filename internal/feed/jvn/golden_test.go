package jvn_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/jvn"
)

// parsed is what a golden file holds: the records and the error texts.
type parsed struct {
	Records []advisory.Record `json:"records"`
	Errors  []string          `json:"errors,omitempty"`
}

// TestGolden parses every RSS and detail fixture in testdata and compares
// the records with testdata/golden/<kind>/<name>.json. Regenerate with
// -update after a deliberate mapping change, and read the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.rdf")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		kind := filepath.Base(filepath.Dir(path))
		if kind == "product" {
			continue // not advisories; see TestParseProductDictionary
		}
		n++
		t.Run(kind+"/"+filepath.Base(path), func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, jvn.Parse, path)
			got := parsed{Records: recs}
			for _, err := range errs {
				got.Errors = append(got.Errors, err.Error())
			}
			if len(errs) > 0 {
				t.Errorf("fixture yields errors:\n%s", strings.Join(got.Errors, "\n"))
			}
			for _, r := range recs {
				if err := r.Validate(); err != nil {
					t.Errorf("%s: %v", r.ID, err)
				}
			}
			name := strings.TrimSuffix(filepath.Base(path), ".rdf") + ".json"
			feedtest.Golden(t, filepath.Join("testdata", "golden", kind, name), got)
		})
	}
	if n != 10 {
		t.Errorf("found %d RSS and detail fixtures, want 10", n)
	}
}
