package euvd

import (
	"io"
	"iter"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// golden is what a golden file holds: the records and the error texts Parse
// yields for one test file.
type golden struct {
	Records []advisory.Record `json:"records"`
	Errors  []string          `json:"errors,omitempty"`
}

// TestGolden compares what Parse yields for each real response in testdata
// with testdata/golden/<name>. Every real response must parse without
// error into valid records. Regenerate with
// go test ./internal/feed/euvd -run TestGolden -update.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, f)
			g := golden{Records: recs}
			for _, err := range errs {
				t.Errorf("real response yields an error: %v", err)
				g.Errors = append(g.Errors, err.Error())
			}
			for _, r := range recs {
				if err := r.Validate(); err != nil {
					t.Errorf("%s: %v", r.ID, err)
				}
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", filepath.Base(f)), g)
		})
	}
}

// validated wraps Parse so that the fuzzer also fails on a yielded record
// that advisory.Record.Validate rejects: feedtest.Fuzz fails on any error
// that is not a feed error.
func validated(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		for rec, err := range Parse(name, r) {
			if err == nil {
				if verr := rec.Validate(); verr != nil {
					yield(rec, verr)
					return
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	// Small seeds too: the real responses take the fuzzer long to
	// minimise.
	f.Add("euvd.json", []byte(configMgrJSON))
	f.Add("euvd.json", []byte(`{"items":[`+configMgrJSON+`],"total":1}`))
	f.Add("euvd.json", []byte("["+entry(`"baseScore":5.0,"baseScoreVersion":"2.0","baseScoreVector":"AV:N/AC:L/Au:N/C:P/I:N/A:N"`)+"]"))
	f.Add("euvd.json", []byte(entry(`"enisaIdProduct":[{"product":{"name":"Mall","vendor":{"name":"m"}},"product_version":"0 ≤1.0.3"}]`)))
	f.Add("euvd.json", []byte(strings.Replace(configMgrJSON, "PM", "\u202fPM", 1)))
	feedtest.Fuzz(f, validated, seeds...)
}
