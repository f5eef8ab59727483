package scantest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sample is a file of ../shared/data/scanners and what parsing it adds up
// to, as the corpus's README counts it.
type Sample[C any] struct {
	File   string
	Want   C
	Golden bool // small enough for a golden file
}

// Samples parses each sample in dir of the shared data (see Shared),
// checking the report's invariants (ParseFile), comparing count(report)
// with the sample's Want, and, for a sample with a golden file, comparing
// the report with the file golden names (see Golden).
func Samples[C any](t *testing.T, parse ParseFunc, dir string, golden func(file string) string, count func(*scan.Report) C, samples []Sample[C]) {
	t.Helper()
	for _, s := range samples {
		t.Run(s.File, func(t *testing.T) {
			rep := ParseFile(t, parse, Shared(t, filepath.Join(dir, s.File)))
			if diff := cmp.Diff(s.Want, count(rep)); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			if s.Golden {
				Golden(t, golden(s.File), rep)
			}
		})
	}
}

// GoldenFile names a sample's golden file after the sample's whole name:
// testdata/golden/x.xml.json.
func GoldenFile(file string) string {
	return filepath.Join("testdata", "golden", file+".json")
}

// GoldenStem names a sample's golden file after the sample's name without
// its extension: testdata/golden/x.golden.json.
func GoldenStem(file string) string {
	return filepath.Join("testdata", "golden", strings.TrimSuffix(file, filepath.Ext(file))+".golden.json")
}

// Tally is what most samples are counted by: targets, results, and results
// by vmc severity.
type Tally struct {
	Targets, Results int
	BySeverity       map[scan.Severity]int
}

// CountTally counts rep.
func CountTally(rep *scan.Report) Tally {
	return Tally{Targets: len(rep.Targets), Results: len(rep.Results), BySeverity: BySeverity(rep)}
}

// CVETally is a Tally with WithCVE, the results naming at least one
// vulnerability identifier.
type CVETally struct {
	Tally
	WithCVE int
}

// CountCVETally counts rep.
func CountCVETally(rep *scan.Report) CVETally {
	return CVETally{CountTally(rep), CountIf(rep, HasID)}
}

// BySeverity counts rep's results by vmc severity.
func BySeverity(rep *scan.Report) map[scan.Severity]int {
	m := map[scan.Severity]int{}
	for _, r := range rep.Results {
		m[r.Severity]++
	}
	return m
}

// ByToolSeverity counts rep's results by the severity as the report
// spells it.
func ByToolSeverity(rep *scan.Report) map[string]int {
	m := map[string]int{}
	for _, r := range rep.Results {
		m[r.ToolSeverity]++
	}
	return m
}

// CountIf counts rep's results that have what has looks for.
func CountIf(rep *scan.Report, has func(*scan.Result) bool) int {
	n := 0
	for i := range rep.Results {
		if has(&rep.Results[i]) {
			n++
		}
	}
	return n
}

// HasID and HasCWE are what CountIf most often counts: results naming a
// vulnerability identifier, and results naming a CWE.
func HasID(r *scan.Result) bool  { return len(r.IDs) > 0 }
func HasCWE(r *scan.Result) bool { return len(r.CWEs) > 0 }

// Spot is one spot check of a parsed sample: a value picked from it and
// the value it must be.
type Spot struct {
	Name      string
	Got, Want any
}

// SpotChecks compares each spot's Got with its Want.
func SpotChecks(t *testing.T, spots []Spot) {
	t.Helper()
	for _, s := range spots {
		if diff := cmp.Diff(s.Want, s.Got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.Name, diff)
		}
	}
}

// FindPackage returns the first result of rep with the rule and package
// name given, or, when pkg is "", with the rule and no package, failing the
// test when there is none.
func FindPackage(t testing.TB, rep *scan.Report, rule, pkg string) scan.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Rule == rule && (r.Package == nil && pkg == "" || r.Package != nil && r.Package.Name == pkg) {
			return r
		}
	}
	t.Fatalf("no result %s %s", rule, pkg)
	return scan.Result{}
}

// FindAt returns the result of rep with the rule and location given,
// failing the test when there is none.
func FindAt(t testing.TB, rep *scan.Report, rule, loc string) scan.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Rule == rule && r.Location == loc {
			return r
		}
	}
	t.Fatalf("no result %s at %s", rule, loc)
	return scan.Result{}
}
