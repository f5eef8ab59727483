package risk

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// jsObject reads the object literal a calculator file assigns ("name = {
// ... }") as JSON: comments dropped, bare numeric keys quoted, trailing
// commas removed. It is enough for cvss_lookup.js, max_composed.js and
// max_severity.js, not for JavaScript in general.
func jsObject(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`(?m)//.*$`).ReplaceAllString(string(b), "")
	_, s, ok := strings.Cut(s, "=")
	if !ok {
		t.Fatalf("%s: no assignment", path)
	}
	s = regexp.MustCompile(`([{,]\s*)(\d+)\s*:`).ReplaceAllString(s, `$1"$2":`)
	s = regexp.MustCompile(`,(\s*[}\]])`).ReplaceAllString(s, "$1")
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestV4TablesMatchCalculator checks cvss40_tables.go against FIRST's
// calculator files in ../shared/data/cvss/first-v4-calculator.
func TestV4TablesMatchCalculator(t *testing.T) {
	dir := filepath.Join(sharedData(t), "cvss", "first-v4-calculator")

	var lookup map[string]float64
	jsObject(t, filepath.Join(dir, "cvss_lookup.js"), &lookup)
	if diff := cmp.Diff(lookup, v4Lookup); diff != "" {
		t.Errorf("v4Lookup differs from cvss_lookup.js (-js +go):\n%s", diff)
	}

	var composed map[string]map[string]json.RawMessage
	jsObject(t, filepath.Join(dir, "max_composed.js"), &composed)
	got := map[string]map[string]json.RawMessage{"eq1": {}, "eq2": {}, "eq3": {}, "eq4": {}, "eq5": {}}
	put := func(eq string, level int, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got[eq][string(rune('0'+level))] = b
	}
	for i, v := range v4MaxComposed.eq1 {
		put("eq1", i, v)
	}
	for i, v := range v4MaxComposed.eq2 {
		put("eq2", i, v)
	}
	for i, byEQ6 := range v4MaxComposed.eq3 {
		m := map[string][]string{}
		for j, v := range byEQ6 {
			if v != nil {
				m[string(rune('0'+j))] = v
			}
		}
		put("eq3", i, m)
	}
	for i, v := range v4MaxComposed.eq4 {
		put("eq4", i, v)
	}
	for i, v := range v4MaxComposed.eq5 {
		put("eq5", i, v)
	}
	// Compare decoded values, not bytes: the JavaScript's spacing differs.
	norm := func(m map[string]map[string]json.RawMessage) map[string]map[string]any {
		out := map[string]map[string]any{}
		for eq, levels := range m {
			out[eq] = map[string]any{}
			for l, raw := range levels {
				var v any
				if err := json.Unmarshal(raw, &v); err != nil {
					t.Fatal(err)
				}
				out[eq][l] = v
			}
		}
		return out
	}
	if diff := cmp.Diff(norm(composed), norm(got)); diff != "" {
		t.Errorf("v4MaxComposed differs from max_composed.js (-js +go):\n%s", diff)
	}

	var severity map[string]map[string]json.RawMessage
	jsObject(t, filepath.Join(dir, "max_severity.js"), &severity)
	gotSev := map[string]map[string]any{
		"eq1":    {"0": 1.0, "1": 4.0, "2": 5.0},
		"eq2":    {"0": 1.0, "1": 2.0},
		"eq3eq6": {},
		"eq4":    {},
		"eq5":    {},
	}
	for i, v := range v4MaxSeverity.eq1 {
		gotSev["eq1"][string(rune('0'+i))] = v
	}
	for i, v := range v4MaxSeverity.eq2 {
		gotSev["eq2"][string(rune('0'+i))] = v
	}
	for i, byEQ6 := range v4MaxSeverity.eq3eq6 {
		m := map[string]any{}
		for j, v := range byEQ6 {
			if i != 2 || j != 0 { // EQ3 2 with EQ6 0 cannot occur
				m[string(rune('0'+j))] = v
			}
		}
		gotSev["eq3eq6"][string(rune('0'+i))] = m
	}
	for i, v := range v4MaxSeverity.eq4 {
		gotSev["eq4"][string(rune('0'+i))] = v
	}
	for i, v := range v4MaxSeverity.eq5 {
		gotSev["eq5"][string(rune('0'+i))] = v
	}
	if diff := cmp.Diff(norm(severity), gotSev); diff != "" {
		t.Errorf("v4MaxSeverity differs from max_severity.js (-js +go):\n%s", diff)
	}
}

func TestRoundV4(t *testing.T) {
	tests := []struct {
		x, want float64
	}{
		{5.6499999999999995, 5.7}, // the tie float arithmetic lands below
		{5.65, 5.7},
		{5.649998, 5.6}, // more than 1e-6 below the tie
		{4.25, 4.3},
		{0, 0},
		{10, 10},
	}
	for _, tt := range tests {
		if got := roundV4(tt.x); got != tt.want {
			t.Errorf("roundV4(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

// TestV4GoCVSSCrossCheck scores v4.0 vectors with go-cvss, which
// implements the same algorithm independently, and requires the same
// score except where go-cvss's rounding is the known cause: 0.1 lower, at
// a value within 1e-6 below a tie at x.x5, which the calculator's 1e-6
// rounds up. It runs over every base vector (104,976) and a
// deterministic sample of vectors setting threat and environmental
// metrics too.
func TestV4GoCVSSCrossCheck(t *testing.T) {
	t.Parallel()
	base := []string{"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"}
	all := append(slices.Clone(base), "E", "CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA")
	spaces := []struct {
		name  string
		space vectorSpace
		step  int
	}{
		{"base", newVectorSpace(specV4, base...), 1},
		{"all groups", newVectorSpace(specV4, all...), 0},
	}
	// The space of all groups holds 1.2e14 vectors; sample 20,000 (or
	// 200,000 with -exhaustive) with a step prime to every radix (2 to 5),
	// so that each metric takes each of its values.
	samples := 20_000
	if *exhaustive {
		samples *= 10
	}
	step := spaces[1].space.n / samples
	for step%2 == 0 || step%3 == 0 || step%5 == 0 {
		step++
	}
	spaces[1].step = step
	v := make([]string, len(specV4.metrics))
	for _, sp := range spaces {
		start := time.Now()
		checked, differ, epsilon := 0, 0, 0
		for i := 0; i < sp.space.n; i += sp.step {
			sp.space.vector(i, v)
			checked++
			vector := vectorString(specV4, metricsOf(specV4, v))
			c, err := gocvss40.ParseVector(vector)
			if err != nil {
				t.Fatalf("go-cvss: %s: %v", vector, err)
			}
			raw := v4Unrounded(v)
			got, theirs := roundV4(raw), c.Score()
			if got != math.Round(raw*10)/10 {
				epsilon++
			}
			if got == theirs {
				continue
			}
			differ++
			// A tie: raw is within 1e-6 of x.x5, and go-cvss, whose
			// float path lands below it, rounds down.
			frac := raw*10 - math.Floor(raw*10)
			if math.Abs(got-theirs-0.1) > 1e-9 || math.Abs(frac-0.5) > 1e-5 {
				t.Errorf("%s: score %.1f (unrounded %.17g), go-cvss %.1f: not the known rounding difference", vector, got, raw, theirs)
			}
		}
		t.Logf("%s: %d vectors; %d scores differ from go-cvss's, each a tie it rounds down; the 1e-6 changes %d (%v)",
			sp.name, checked, differ, epsilon, time.Since(start).Round(time.Millisecond))
		// In the calculator's float arithmetic, 522 base vectors land
		// within 1e-6 below a tie. go-cvss's arithmetic lands 450 below.
		if sp.name == "base" && (checked != 104_976 || epsilon != 522) {
			t.Errorf("base: %d vectors, the 1e-6 changes %d scores; want 104,976 and 522", checked, epsilon)
		}
	}
}
