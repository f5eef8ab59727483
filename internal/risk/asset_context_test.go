package risk

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
)

// TestEnvironmental checks the asset-context rules and the scores they
// give. Each expected score was worked out from FIRST's formulas without
// go-cvss (see TestParseCVSS); a few are shown here step by step.
func TestEnvironmental(t *testing.T) {
	const (
		v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" // 9.8
		v4  = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
		v2  = "AV:N/AC:L/Au:N/C:P/I:P/A:P" // 7.5
	)
	tests := []struct {
		name    string
		vector  string
		ctx     AssetContext
		metrics string  // ContextMetrics, joined with "/"
		vector2 string  // the scored vector; the input when empty
		score   float64 // Score
		env     bool    // whether Environmental is set
	}{
		{
			name:   "no context",
			vector: v31,
			score:  9.8,
		},
		{
			name:   "unknown values set nothing",
			vector: v31,
			ctx:    AssetContext{Criticality: "extreme", Exposure: "orbit"},
			score:  9.8,
		},
		{
			// MISS = min(1 − (1 − 1.5 × 0.56)³, 0.915) = 0.915: the cap,
			// so H changes nothing on a H/H/H vector.
			name:    "v3.1 critical on the internet",
			vector:  v31,
			ctx:     AssetContext{Criticality: asset.CritCritical, Exposure: asset.ExpInternet},
			metrics: "CR:H/IR:H/AR:H",
			vector2: v31 + "/CR:H/IR:H/AR:H",
			score:   9.8,
			env:     true,
		},
		{
			// 6.42 × 0.915 = 5.8743; 8.22 × 0.62 × 0.77 × 0.85 × 0.85 =
			// 2.8353; Roundup(8.7096) = 8.8.
			name:    "v3.1 high, internal",
			vector:  v31,
			ctx:     AssetContext{Criticality: asset.CritHigh, Exposure: asset.ExpInternal},
			metrics: "CR:H/IR:H/AR:H/MAV:A",
			vector2: v31 + "/CR:H/IR:H/AR:H/MAV:A",
			score:   8.8,
			env:     true,
		},
		{
			name:    "v3.1 medium, internal",
			vector:  v31,
			ctx:     AssetContext{Criticality: asset.CritMedium, Exposure: asset.ExpInternal},
			metrics: "CR:M/IR:M/AR:M/MAV:A",
			vector2: v31 + "/CR:M/IR:M/AR:M/MAV:A",
			score:   8.8,
			env:     true,
		},
		{
			// MISS = 1 − (1 − 0.5 × 0.56)³ = 0.626752, × 6.42 = 4.0237;
			// 8.22 × 0.55 × 0.77 × 0.85 × 0.85 = 2.5151; Roundup(6.5389)
			// = 6.6.
			name:    "v3.1 low, isolated",
			vector:  v31,
			ctx:     AssetContext{Criticality: asset.CritLow, Exposure: asset.ExpIsolated},
			metrics: "CR:L/IR:L/AR:L/MAV:L",
			vector2: v31 + "/CR:L/IR:L/AR:L/MAV:L",
			score:   6.6,
			env:     true,
		},
		{
			name:    "v3.1 exposure only",
			vector:  v31,
			ctx:     AssetContext{Exposure: asset.ExpIsolated},
			metrics: "MAV:L",
			vector2: v31 + "/MAV:L",
			score:   8.4,
			env:     true,
		},
		{
			name:    "v3.1 adjacent stays adjacent inside",
			vector:  "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			ctx:     AssetContext{Criticality: asset.CritMedium, Exposure: asset.ExpInternal},
			metrics: "CR:M/IR:M/AR:M",
			vector2: "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:M/IR:M/AR:M",
			score:   8.8,
			env:     true,
		},
		{
			name:    "v3.1 adjacent becomes local when isolated",
			vector:  "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			ctx:     AssetContext{Exposure: asset.ExpIsolated},
			metrics: "MAV:L",
			vector2: "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L",
			score:   8.4,
			env:     true,
		},
		{
			name:   "v3.1 physical is left alone",
			vector: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			ctx:    AssetContext{Exposure: asset.ExpIsolated},
			score:  6.8,
		},
		{
			// The vector's own MAV:L is lower than internal's A: kept.
			name:   "v3.1 never raises a modified attack vector",
			vector: v31 + "/MAV:L",
			ctx:    AssetContext{Exposure: asset.ExpInternal},
			score:  8.4,
			env:    true,
		},
		{
			// Context replaces requirements the vector gives; temporal
			// metrics stay and count.
			name:    "v3.1 replaces requirements, keeps temporal",
			vector:  "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C/CR:H",
			ctx:     AssetContext{Criticality: asset.CritLow, Exposure: asset.ExpInternal},
			metrics: "CR:L/IR:L/AR:L/MAV:A",
			vector2: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C/CR:L/IR:L/AR:L/MAV:A",
			score:   3.6,
			env:     true,
		},
		{
			name:    "v3.0",
			vector:  "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
			ctx:     AssetContext{Criticality: asset.CritCritical, Exposure: asset.ExpInternal},
			metrics: "CR:H/IR:H/AR:H/MAV:A",
			vector2: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/CR:H/IR:H/AR:H/MAV:A",
			score:   6.5,
			env:     true,
		},
		{
			// Requirements left Not Defined count as High in v4.0.
			name:    "v4.0 critical on the internet",
			vector:  v4,
			ctx:     AssetContext{Criticality: asset.CritCritical, Exposure: asset.ExpInternet},
			metrics: "CR:H/IR:H/AR:H",
			vector2: v4 + "/CR:H/IR:H/AR:H",
			score:   9.3,
			env:     true,
		},
		{
			name:    "v4.0 medium, internal",
			vector:  v4,
			ctx:     AssetContext{Criticality: asset.CritMedium, Exposure: asset.ExpInternal},
			metrics: "CR:M/IR:M/AR:M/MAV:A",
			vector2: v4 + "/CR:M/IR:M/AR:M/MAV:A",
			score:   7.5,
			env:     true,
		},
		{
			// MacroVector 100101 (lookup 8.9), and AV:A/PR:N/UI:N,
			// AC:L/AT:N, VC:H/VI:H/VA:H/CR:M/IR:M/AR:M, SC:H/SI:H/SA:H and
			// E:A are each their EQ's highest-severity vector, so the score
			// is the lookup value.
			name:    "v4.0 MacroVector maximum",
			vector:  "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
			ctx:     AssetContext{Criticality: asset.CritMedium, Exposure: asset.ExpInternal},
			metrics: "CR:M/IR:M/AR:M",
			vector2: "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M",
			score:   8.9,
			env:     true,
		},
		{
			// The threat metric stays, and the result lists metrics in the
			// specification's order (E before the environmental group).
			name:    "v4.0 low, isolated, with threat",
			vector:  v4 + "/E:U",
			ctx:     AssetContext{Criticality: asset.CritLow, Exposure: asset.ExpIsolated},
			metrics: "CR:L/IR:L/AR:L/MAV:L",
			vector2: v4 + "/E:U/CR:L/IR:L/AR:L/MAV:L",
			score:   4.3,
			env:     true,
		},
		{
			// Supplemental metrics come last.
			name:    "v4.0 keeps supplemental metrics last",
			vector:  v4 + "/S:P/U:Red",
			ctx:     AssetContext{Exposure: asset.ExpIsolated},
			metrics: "MAV:L",
			vector2: v4 + "/MAV:L/S:P/U:Red",
			score:   8.6,
			env:     true,
		},
		{
			// AdjustedImpact = 10.41 × (1 − (1 − 0.275 × 0.5)³) = 3.7307;
			// (0.6 × 3.7307 + 0.4 × 9.9968 − 1.5) × 1.176 = 5.571 → 5.6.
			// Exposure changes nothing in v2.0.
			name:    "v2.0 low, isolated",
			vector:  v2,
			ctx:     AssetContext{Criticality: asset.CritLow, Exposure: asset.ExpIsolated},
			metrics: "CR:L/IR:L/AR:L",
			vector2: v2 + "/CR:L/IR:L/AR:L",
			score:   5.6,
			env:     true,
		},
		{
			name:    "v2.0 high, with temporal",
			vector:  v2 + "/E:F/RL:OF/RC:C",
			ctx:     AssetContext{Criticality: asset.CritHigh, Exposure: asset.ExpInternal},
			metrics: "CR:H/IR:H/AR:H",
			vector2: v2 + "/E:F/RL:OF/RC:C/CR:H/IR:H/AR:H",
			score:   7.3,
			env:     true,
		},
		{
			name:   "v2.0 exposure alone sets nothing",
			vector: v2,
			ctx:    AssetContext{Exposure: asset.ExpIsolated},
			score:  7.5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCVSS(tt.vector)
			if err != nil {
				t.Fatal(err)
			}
			var ms []string
			for _, m := range ContextMetrics(c, tt.ctx) {
				ms = append(ms, m.String())
			}
			if diff := cmp.Diff(tt.metrics, strings.Join(ms, "/")); diff != "" {
				t.Errorf("ContextMetrics mismatch (-want +got):\n%s", diff)
			}
			got, err := Environmental(tt.vector, tt.ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.vector2
			if want == "" {
				want = tt.vector
			}
			if got.Vector != want {
				t.Errorf("Vector = %s, want %s", got.Vector, want)
			}
			if got.Score != tt.score {
				t.Errorf("Score = %.1f, want %.1f", got.Score, tt.score)
			}
			if (got.Environmental != nil) != tt.env {
				t.Errorf("Environmental = %v, want set: %v", got.Environmental, tt.env)
			}
			if got.Environmental != nil && *got.Environmental != got.Score {
				t.Errorf("Environmental %.1f is not Score %.1f", *got.Environmental, got.Score)
			}
			if got.Base != c.Base {
				t.Errorf("Base changed: %.1f, was %.1f", got.Base, c.Base)
			}
		})
	}
}

func TestEnvironmentalInvalid(t *testing.T) {
	_, err := Environmental("CVSS:3.1/AV:N", AssetContext{Criticality: asset.CritHigh})
	if want := `cvss "CVSS:3.1/AV:N": metric AC: missing`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}
