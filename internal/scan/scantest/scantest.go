// Package scantest holds what the scan format packages' tests share, so
// that each keeps only its own data: the runs over the shared samples
// (counts and golden reports), over inputs written for the test (good,
// bad, and heads to sniff), spot checks, the fuzz harness, benchmarks,
// and a check of the invariants every parsed report keeps.
package scantest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/scan"
)

// ParseFunc is a format package's Parse.
type ParseFunc func(io.Reader) (*scan.Report, error)

// Shared returns the path of ../shared/data/scanners/rel (see
// feedtest.SharedData: skipped locally when absent, fatal in CI).
func Shared(t testing.TB, rel string) string {
	t.Helper()
	return feedtest.SharedData(t, filepath.Join("scanners", rel))
}

// ParseFile parses the file at path, failing the test on error, and checks
// the report's invariants.
func ParseFile(t testing.TB, parse ParseFunc, path string) *scan.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := parse(f)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	if err := Check(rep); err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return rep
}

// Golden compares rep, as indented JSON, with the file at path, or writes it
// under -update (the flag feedtest defines).
func Golden(t testing.TB, path string, rep *scan.Report) {
	t.Helper()
	feedtest.Golden(t, path, rep)
}

// Check verifies what importers rely on: a tool name, result targets in
// range, known severities, and identifiers already normalised.
func Check(rep *scan.Report) error {
	if rep == nil {
		return errors.New("nil report")
	}
	if rep.Tool == "" {
		return errors.New("report has no tool name")
	}
	for i, r := range rep.Results {
		if r.Target < 0 || r.Target >= len(rep.Targets) {
			return fmt.Errorf("results[%d]: target %d out of range (%d targets)", i, r.Target, len(rep.Targets))
		}
		switch r.Severity {
		case scan.SevCritical, scan.SevHigh, scan.SevMedium, scan.SevLow, scan.SevInfo, scan.SevUnknown:
		default:
			return fmt.Errorf("results[%d]: severity %q not on vmc's scale", i, r.Severity)
		}
		for _, id := range r.IDs {
			if id != scan.NormaliseID(id) || id == "" {
				return fmt.Errorf("results[%d]: identifier %q not normalised", i, id)
			}
		}
		if len(r.Evidence) > scan.MaxEvidence+8 {
			return fmt.Errorf("results[%d]: evidence of %d bytes not shortened", i, len(r.Evidence))
		}
	}
	return nil
}

// Fuzz runs parse over arbitrary input seeded with the given files. The
// parser must not panic; an error must be a *feed.RecordError or wrap
// feed.ErrFormat; a report must keep Check's invariants and survive a JSON
// round trip unchanged.
func Fuzz(f *testing.F, parse ParseFunc, seeds ...string) {
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := parse(bytes.NewReader(data))
		if err != nil {
			var re *feed.RecordError
			if !errors.As(err, &re) && !errors.Is(err, feed.ErrFormat) {
				t.Fatalf("error is neither a RecordError nor ErrFormat: %v", err)
			}
			return
		}
		if err := Check(rep); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatalf("report does not encode: %v", err)
		}
		var back scan.Report
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("report does not decode again: %v\n%s", err, b)
		}
		if b2, _ := json.Marshal(&back); !bytes.Equal(b, b2) {
			t.Fatalf("report changes in a round trip:\n%s\n%s", b, b2)
		}
	})
}
