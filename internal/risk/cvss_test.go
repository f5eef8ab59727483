package risk

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func ptr(f float64) *float64 { return &f }

// The expected scores were checked against FIRST's formulas outside go-cvss:
// v2.0 in exact decimal arithmetic (Complete Guide section 3.2), v3.x by the
// specifications' equations (v3.1 section 7 and Appendix A), v4.0 by the
// FIRST calculator's algorithm over its lookup tables
// (../shared/data/cvss/first-v4-calculator). Vectors marked "Red Hat" come
// from ../shared/data/cvss/redhat-vectors (LGPL-3.0).
func TestParseCVSS(t *testing.T) {
	tests := []struct {
		name   string
		vector string
		want   CVSS
	}{
		{
			name:   "v2.0 base",
			vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P",
			want:   CVSS{Version: CVSS20, Base: 7.5, Score: 7.5, Severity: SeverityHigh},
		},
		{
			// Red Hat vectors_cvsslib2: a partial temporal group (no E).
			name:   "v2.0 partial groups",
			vector: "AV:N/AC:M/Au:M/C:C/I:N/A:P/RL:W/RC:UC/CDP:LM/TD:M/CR:L/IR:L/AR:L",
			want:   CVSS{Version: CVSS20, Base: 6.4, Temporal: ptr(5.5), Environmental: ptr(4.0), Score: 4.0, Severity: SeverityMedium},
		},
		{
			// NVD's v2 bands have no None: 0.0 is Low.
			name:   "v2.0 zero is low",
			vector: "AV:L/AC:H/Au:M/C:N/I:N/A:N",
			want:   CVSS{Version: CVSS20, Base: 0, Score: 0, Severity: SeverityLow},
		},
		{
			// The adjusted base is (0.6 × 1.431375 + 0.4 × 1.24425 − 1.5) ×
			// 1.176 = −0.17, and the environmental score −0.2: clamped.
			name:   "v2.0 negative environmental clamped",
			vector: "AV:L/AC:H/Au:M/C:N/I:N/A:P/AR:L",
			want:   CVSS{Version: CVSS20, Base: 0.8, Environmental: ptr(0), Score: 0, Severity: SeverityLow},
		},
		{
			// Red Hat vectors_calculator2: 9.0 × 0.95 is 8.55, a tie that
			// rounds up; float64 makes it 8.549999999999999.
			name:   "v2.0 temporal tie",
			vector: "AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C",
			want:   CVSS{Version: CVSS20, Base: 9.0, Temporal: ptr(8.6), Score: 8.6, Severity: SeverityHigh},
		},
		{
			// Red Hat vectors_calculator3: any order; RL:X sets nothing.
			name:   "v3.0 out of order",
			vector: "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
			want:   CVSS{Version: CVSS30, Base: 3.8, Temporal: ptr(3.7), Score: 3.7, Severity: SeverityLow},
		},
		{
			name:   "v3.1 base",
			vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			want:   CVSS{Version: CVSS31, Base: 9.8, Score: 9.8, Severity: SeverityCritical},
		},
		{
			name:   "v3.1 not defined temporal",
			vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:X",
			want:   CVSS{Version: CVSS31, Base: 10, Score: 10, Severity: SeverityCritical},
		},
		{
			name:   "v3.1 none",
			vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N",
			want:   CVSS{Version: CVSS31, Base: 0, Score: 0, Severity: SeverityNone},
		},
		{
			name:   "v3.1 all groups",
			vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C/MAV:A/MPR:H",
			want:   CVSS{Version: CVSS31, Base: 6.4, Temporal: ptr(5.8), Environmental: ptr(4.3), Score: 4.3, Severity: SeverityMedium},
		},
		{
			// MacroVector 000200 (lookup 9.3), and the vector is its
			// highest-severity vector.
			name:   "v4.0 base",
			vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
			want:   CVSS{Version: CVSS40, Base: 9.3, Score: 9.3, Severity: SeverityCritical},
		},
		{
			name:   "v4.0 threat",
			vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
			want:   CVSS{Version: CVSS40, Base: 9.3, Temporal: ptr(8.1), Score: 8.1, Severity: SeverityHigh},
		},
		{
			name:   "v4.0 environmental",
			vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:L/IR:L/AR:L/MAV:L",
			want:   CVSS{Version: CVSS40, Base: 9.3, Environmental: ptr(7.1), Score: 7.1, Severity: SeverityHigh},
		},
		{
			name:   "v4.0 threat and environmental",
			vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/IR:L/AR:L/MAV:L",
			want:   CVSS{Version: CVSS40, Base: 9.3, Temporal: ptr(8.1), Environmental: ptr(4.3), Score: 4.3, Severity: SeverityMedium},
		},
		{
			// Red Hat vectors_simple4: the calculator's value is
			// 5.6499999999999995, a tie at 5.65 that its 1e-6 rounds up.
			name:   "v4.0 tie",
			vector: "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L",
			want:   CVSS{Version: CVSS40, Base: 5.7, Score: 5.7, Severity: SeverityMedium},
		},
		{
			// MacroVector 100100 (lookup 9.4); supplemental metrics never
			// score.
			name:   "v4.0 supplemental",
			vector: "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:P/AU:Y/U:Red",
			want:   CVSS{Version: CVSS40, Base: 9.4, Score: 9.4, Severity: SeverityCritical},
		},
		{
			name:   "surrounding space",
			vector: " CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n",
			want:   CVSS{Version: CVSS31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Base: 9.8, Score: 9.8, Severity: SeverityCritical},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCVSS(tt.vector)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want.Vector == "" {
				want.Vector = tt.vector
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(CVSS{}, "Metrics")); diff != "" {
				t.Errorf("ParseCVSS(%q) mismatch (-want +got):\n%s", tt.vector, diff)
			}
		})
	}
}

func TestParseCVSSErrors(t *testing.T) {
	v31 := "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	v4 := "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	tests := []struct {
		name, vector string
		metric       string // CVSSError.Metric
		want         string // the message after `cvss "VECTOR": `
	}{
		{"empty", "", "", "empty vector"},
		{"blank", "  ", "", "empty vector"},
		{"not cvss", "hello", "", `not a CVSS vector: no "CVSS:3.x/" or "CVSS:4.0/" prefix, and not v2.0 metrics`},
		{"lower-case prefix", strings.ToLower(v31), "", `not a CVSS vector: no "CVSS:3.x/" or "CVSS:4.0/" prefix, and not v2.0 metrics`},
		{"NVD parentheses", "(AV:N/AC:L/Au:N/C:P/I:P/A:P)", "", `not a CVSS vector: no "CVSS:3.x/" or "CVSS:4.0/" prefix, and not v2.0 metrics`},
		{"unknown version", "CVSS:5.0/AV:N", "", `unknown version "5.0" (3.0, 3.1 or 4.0; v2.0 vectors have no prefix)`},
		{"v2 prefix", "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "", `unknown version "2.0" (3.0, 3.1 or 4.0; v2.0 vectors have no prefix)`},
		{"prefix only", "CVSS:3.1", "AV", "missing"},
		{"prefix and slash", "CVSS:3.1/", "AV", "missing"},
		{"invalid value", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", `invalid value "X" (N, A, L, P)`},
		{"empty value", "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", `invalid value "" (N, A, L, P)`},
		{"missing base metric", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A", "missing"},
		{"given twice", v31 + "/A:L", "A", "given twice"},
		{"unknown metric", v31 + "/XX:1", "", `unknown metric "XX" (not in CVSS v3.1)`},
		{"v4 metric in v3", v31 + "/AT:N", "", `unknown metric "AT" (not in CVSS v3.1)`},
		{"stray slash", v31 + "/", "", `empty metric (a stray "/")`},
		{"double slash", "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "", `empty metric (a stray "/")`},
		{"no colon", "CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "", `"AVN" is not a KEY:VALUE metric`},
		{"v3.0 PR:U", "CVSS:3.0/AV:N/AC:L/PR:U/UI:N/S:U/C:H/I:H/A:H", "PR", `invalid value "U" (N, L, H)`},
		{"v2 invalid value", "AV:N/AC:L/Au:X/C:P/I:P/A:P", "Au", `invalid value "X" (M, S, N)`},
		{"v2 X for ND", "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", "E", `invalid value "X" (U, POC, F, H, ND)`},
		{"v2 missing", "AV:N/AC:L/Au:N/C:P/I:P", "A", "missing"},
		{"v3 metric in v2", "AV:N/AC:L/Au:N/C:P/I:P/A:P/MAV:A", "", `unknown metric "MAV" (not in CVSS v2.0)`},
		{"v4 out of order", "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "AV", "out of order: must come before AC"},
		{"v4 environmental before threat", v4 + "/CR:H/E:A", "E", "out of order: must come before CR"},
		{"v4 case", v4 + "/U:red", "U", `invalid value "red" (X, Clear, Green, Amber, Red)`},
		{"v4 safety in v3", v31 + "/MSI:S", "", `unknown metric "MSI" (not in CVSS v3.1)`},
		{"v4 missing", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "SA", "missing"},
		{"too long", v31 + strings.Repeat("/E:X", 200), "", "longer than 512 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCVSS(tt.vector)
			if err == nil {
				t.Fatalf("ParseCVSS(%q) succeeded", tt.vector)
			}
			if !errors.Is(err, ErrInvalidCVSS) {
				t.Errorf("error %v does not wrap ErrInvalidCVSS", err)
			}
			var ce *CVSSError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CVSSError", err)
			}
			if ce.Metric != tt.metric {
				t.Errorf("Metric = %q, want %q", ce.Metric, tt.metric)
			}
			prefix := "cvss " + quoteShown(strings.TrimSpace(tt.vector)) + ": "
			if tt.metric != "" {
				prefix += "metric " + tt.metric + ": "
			}
			if got, want := err.Error(), prefix+tt.want; got != want {
				t.Errorf("error:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// quoteShown quotes a vector as CVSSError does.
func quoteShown(v string) string {
	if len(v) > maxShown {
		v = v[:maxShown] + "..."
	}
	return strconv.Quote(v)
}

// TestCVSSErrorMessage pins the message format the issue asks for.
func TestCVSSErrorMessage(t *testing.T) {
	_, err := ParseCVSS("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	want := `cvss "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": metric AV: invalid value "X" (N, A, L, P)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		v     CVSSVersion
		score float64
		want  Severity
	}{
		{CVSS20, 0, SeverityLow},
		{CVSS20, 3.9, SeverityLow},
		{CVSS20, 4.0, SeverityMedium},
		{CVSS20, 6.9, SeverityMedium},
		{CVSS20, 7.0, SeverityHigh},
		{CVSS20, 10, SeverityHigh},
		{CVSS31, 0, SeverityNone},
		{CVSS31, 0.1, SeverityLow},
		{CVSS31, 3.9, SeverityLow},
		{CVSS31, 4.0, SeverityMedium},
		{CVSS31, 6.9, SeverityMedium},
		{CVSS31, 7.0, SeverityHigh},
		{CVSS31, 8.9, SeverityHigh},
		{CVSS31, 9.0, SeverityCritical},
		{CVSS31, 10, SeverityCritical},
		{CVSS30, 9.0, SeverityCritical},
		{CVSS40, 0, SeverityNone},
		{CVSS40, 8.9, SeverityHigh},
		{CVSS40, 9.0, SeverityCritical},
	}
	for _, tt := range tests {
		if got := tt.v.Severity(tt.score); got != tt.want {
			t.Errorf("CVSSVersion(%s).Severity(%.1f) = %s, want %s", tt.v, tt.score, got, tt.want)
		}
	}
}

func TestVocabularies(t *testing.T) {
	var v CVSSVersion
	if err := v.UnmarshalText([]byte("3.1")); err != nil || v != CVSS31 {
		t.Errorf("UnmarshalText(3.1) = %v, %q", err, v)
	}
	if err := v.UnmarshalText([]byte("3")); err == nil {
		t.Error(`CVSSVersion.UnmarshalText("3") succeeded`)
	}
	var s Severity
	if err := s.UnmarshalText([]byte("HIGH")); err != nil || s != SeverityHigh {
		t.Errorf("UnmarshalText(HIGH) = %v, %q", err, s)
	}
	if err := s.UnmarshalText([]byte("high")); err == nil {
		t.Error(`Severity.UnmarshalText("high") succeeded`)
	}
}

func TestCVSSJSON(t *testing.T) {
	c, err := ParseCVSS("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C","base":6.4,"temporal":5.8,"score":5.8,"severity":"MEDIUM"}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
}

func TestWith(t *testing.T) {
	base := "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P"
	c, err := ParseCVSS(base)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		metrics []Metric
		vector  string  // want
		score   float64 // want
		err     string  // want, instead
	}{
		{
			name:    "environmental",
			metrics: []Metric{{"MAV", "A"}, {"CR", "L"}},
			vector:  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/CR:L/MAV:A",
			score:   7.9,
		},
		{
			name:    "replaces",
			metrics: []Metric{{"E", "H"}},
			vector:  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:H",
			score:   9.8,
		},
		{
			name:    "base metric",
			metrics: []Metric{{"AV", "L"}},
			err:     `cvss "` + base + `": metric AV: a base metric cannot be modified`,
		},
		{
			name:    "unknown metric",
			metrics: []Metric{{"MAT", "N"}},
			err:     `cvss "` + base + `": unknown metric "MAT" (not in CVSS v3.1)`,
		},
		{
			name:    "invalid value",
			metrics: []Metric{{"MAV", "Q"}},
			err:     `cvss "` + base + `": metric MAV: invalid value "Q" (X, N, A, L, P)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.With(tt.metrics...)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Errorf("With(%v) error = %v, want %s", tt.metrics, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Vector != tt.vector || got.Score != tt.score {
				t.Errorf("With(%v) = %s scoring %.1f, want %s scoring %.1f", tt.metrics, got.Vector, got.Score, tt.vector, tt.score)
			}
		})
	}
	if c.Vector != base || len(c.Metrics) != 9 {
		t.Errorf("With changed its receiver: %s %v", c.Vector, c.Metrics)
	}
}

// vectorSpace enumerates the vectors of a version: the metrics named
// vary take each of their values, the rest are Not Defined. Vector i of n
// is decoded in mixed radix, the last metric varying fastest.
type vectorSpace struct {
	sp    *spec
	vary  []int // positions in sp.metrics
	radix []int
	n     int
}

func newVectorSpace(sp *spec, vary ...string) vectorSpace {
	s := vectorSpace{sp: sp, n: 1}
	for _, k := range vary {
		i := sp.index(k)
		s.vary = append(s.vary, i)
		s.radix = append(s.radix, len(sp.metrics[i].values))
		s.n *= len(sp.metrics[i].values)
	}
	return s
}

// vector writes vector i's values, in sp's order, to v.
func (s vectorSpace) vector(i int, v []string) {
	for j := range v {
		v[j] = s.sp.notDefined
	}
	for j := len(s.vary) - 1; j >= 0; j-- {
		v[s.vary[j]] = s.sp.metrics[s.vary[j]].values[i%s.radix[j]]
		i /= s.radix[j]
	}
}
