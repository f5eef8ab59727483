package nvd_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

// parsed is what a golden file holds: the records and the error texts.
type parsed struct {
	Records []advisory.Record `json:"records"`
	Errors  []string          `json:"errors,omitempty"`
}

// TestGolden parses every fixture in testdata and compares the whole output
// with testdata/golden/<name>. Regenerate with -update after a deliberate
// mapping change, and read the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, nvd.Parse, path)
			got := parsed{Records: recs}
			for _, err := range errs {
				got.Errors = append(got.Errors, err.Error())
			}
			if len(errs) > 0 {
				t.Errorf("fixture yields errors:\n%s", strings.Join(got.Errors, "\n"))
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", filepath.Base(path)), got)
		})
	}
}
