package risk

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// exhaustive makes the scoring tests check whole vector spaces where by
// default they check a deterministic sample.
var exhaustive = flag.Bool("exhaustive", false, "check every vector of the CVSS vector spaces the tests sample")

// sharedData is ../shared/data beside the repository (see
// feedtest.SharedData: skipped when absent, fatal in CI).
func sharedData(t testing.TB) string { return feedtest.SharedData(t, "") }

// redHatCase is one line of Red Hat's test vectors
// (github.com/RedHatProductSecurity/cvss, tests/vectors_*, LGPL-3.0):
//
//	AV:N/AC:L/Au:N/C:P/I:N/A:N - (5.0, None, None)             v2.0: base, temporal, environmental
//	CVSS:3.1/AV:N/... - (9.8, 9.8, 9.8)                         v3.x: the same, always all three
//	CVSS:4.0/AV:N/... - (9.2,)   or   CVSS:4.0/AV:N/... - 9.2   v4.0: the vector's one score
//
// None means Red Hat's library left the score out because the vector sets
// none of its group's metrics. Scores are Python floats, printed "5" or
// "-0.0" at times.
type redHatCase struct {
	line   int
	vector string
	want   []*float64 // base, temporal, environmental; or the v4.0 score
}

func readRedHat(path string) ([]redHatCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cs []redHatCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		vector, scores, ok := strings.Cut(line, " - ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: no \" - \" in %q", path, n, line)
		}
		c := redHatCase{line: n, vector: vector}
		for s := range strings.SplitSeq(strings.Trim(scores, "()"), ",") {
			s = strings.TrimSpace(s)
			switch s {
			case "":
				// "(9.2,)", a one-element tuple
			case "None":
				c.want = append(c.want, nil)
			default:
				f, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: score %q: %v", path, n, s, err)
				}
				c.want = append(c.want, &f)
			}
		}
		if len(c.want) != 1 && len(c.want) != 3 {
			return nil, fmt.Errorf("%s:%d: want 1 or 3 scores, got %q", path, n, scores)
		}
		cs = append(cs, c)
	}
	return cs, sc.Err()
}

// tenths compares one-decimal scores exactly, and makes -0.0 equal 0.0.
func tenths(f float64) int64 { return int64(math.Round(f * 10)) }

// TestRedHatVectors scores every vector of Red Hat's test suite, which
// reproduces FIRST's calculators, fails on any mismatch, and logs a table
// of passes per file.
func TestRedHatVectors(t *testing.T) {
	dir := filepath.Join(sharedData(t), "cvss", "redhat-vectors")
	files, err := filepath.Glob(filepath.Join(dir, "vectors_*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no vectors_* files in %s", dir)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-22s %8s %8s\n", "FILE", "VECTORS", "PASSED")
	total, passed := 0, 0
	for _, path := range files {
		name := filepath.Base(path)
		cases, err := readRedHat(path)
		if err != nil {
			t.Fatal(err)
		}
		ok := 0
		for _, c := range cases {
			if err := checkRedHat(c); err != nil {
				t.Errorf("%s:%d: %v", name, c.line, err)
				continue
			}
			ok++
		}
		fmt.Fprintf(&table, "%-22s %8d %8d\n", name, len(cases), ok)
		total += len(cases)
		passed += ok
	}
	fmt.Fprintf(&table, "%-22s %8d %8d", "total", total, passed)
	t.Log(table.String())
	if total != 7667 {
		t.Errorf("read %d vectors; the Red Hat suite has 7,667", total)
	}
}

func checkRedHat(c redHatCase) error {
	got, err := ParseCVSS(c.vector)
	if err != nil {
		return err
	}
	if got.Version == CVSS40 {
		if len(c.want) != 1 || c.want[0] == nil {
			return fmt.Errorf("%s: want one score for v4.0", c.vector)
		}
		if tenths(got.Score) != tenths(*c.want[0]) {
			return fmt.Errorf("%s: score %.1f, want %.1f", c.vector, got.Score, *c.want[0])
		}
		return nil
	}
	if len(c.want) != 3 {
		return fmt.Errorf("%s: want three scores for v%s", c.vector, got.Version)
	}
	// Red Hat gives v3.x temporal and environmental scores even for a
	// vector that sets no metric of their group, as FIRST's calculator
	// shows them; ParseCVSS leaves those nil, so compare the scores it
	// computed underneath.
	all, err := computeScores(specOf(got.Version), got.Metrics)
	if err != nil {
		return err
	}
	names := []string{"base", "temporal", "environmental"}
	for i, g := range []float64{all.base, all.temporal, all.environmental} {
		if c.want[i] == nil {
			continue
		}
		if tenths(g) != tenths(*c.want[i]) {
			return fmt.Errorf("%s: %s score %.1f, want %.1f", c.vector, names[i], g, *c.want[i])
		}
	}
	// And what ParseCVSS reports agrees with them.
	if got.Base != all.base {
		return fmt.Errorf("%s: Base %.1f, computed %.1f", c.vector, got.Base, all.base)
	}
	if got.Temporal != nil && *got.Temporal != all.temporal {
		return fmt.Errorf("%s: Temporal %.1f, computed %.1f", c.vector, *got.Temporal, all.temporal)
	}
	if got.Environmental != nil && *got.Environmental != all.environmental {
		return fmt.Errorf("%s: Environmental %.1f, computed %.1f", c.vector, *got.Environmental, all.environmental)
	}
	return nil
}
