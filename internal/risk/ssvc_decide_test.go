package risk

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
)

func TestDecideSSVC(t *testing.T) {
	type outcomes struct{ Coordinator, BOD2604 string }
	tests := []struct {
		name   string
		ev     SSVCEvidence
		values map[PointID]string // the points in effect
		want   outcomes
	}{
		{"Log4Shell on an internet-facing critical host",
			SSVCEvidence{KEV: true, CVSS: ssvcLog4shellV3, Criticality: asset.CritCritical, Exposure: asset.ExpInternet},
			map[PointID]string{PointExploitation: "A", PointAutomatable: "Y", PointTechnicalImpact: "T", PointMissionWellBeing: "H", PointInKEV: "Y", PointPubliclyExposed: "Y"},
			outcomes{"AC", "3DF"}},
		{"same on an isolated low host",
			SSVCEvidence{KEV: true, CVSS: ssvcLog4shellV3, Criticality: asset.CritLow, Exposure: asset.ExpIsolated},
			map[PointID]string{PointExploitation: "A", PointAutomatable: "Y", PointTechnicalImpact: "T", PointMissionWellBeing: "L", PointInKEV: "Y", PointPubliclyExposed: "N"},
			outcomes{"AT", "3DF"}},
		{"local info leak, no exploit, internal medium host",
			SSVCEvidence{CVSS: ssvcLocalV3, EPSS: ssvcPtr(0.0004), Criticality: asset.CritMedium, Exposure: asset.ExpInternal},
			map[PointID]string{PointExploitation: "N", PointAutomatable: "N", PointTechnicalImpact: "P", PointMissionWellBeing: "M", PointInKEV: "N", PointPubliclyExposed: "N"},
			outcomes{"T", "FSU"}},
		{"high EPSS, internet-facing high host",
			SSVCEvidence{CVSS: ssvcNetV4, EPSS: ssvcPtr(0.5), Criticality: asset.CritHigh, Exposure: asset.ExpInternet},
			map[PointID]string{PointExploitation: "P", PointAutomatable: "Y", PointTechnicalImpact: "T", PointMissionWellBeing: "H", PointInKEV: "N", PointPubliclyExposed: "Y"},
			outcomes{"AT", "3D"}},
		{"nothing known",
			SSVCEvidence{},
			map[PointID]string{PointExploitation: "N", PointAutomatable: "Y", PointTechnicalImpact: "T", PointMissionWellBeing: "M", PointInKEV: "N", PointPubliclyExposed: "Y"},
			outcomes{"T", "3D"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecideSSVC(tt.ev, SSVCOptions{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := map[PointID]string{}
			for _, p := range d.Points {
				got[p.Point] = p.Value
				if p.Derived != p.Value || p.Override != nil || p.Why == "" || p.Name == "" {
					t.Errorf("%s: %+v", p.Point, p)
				}
			}
			if diff := cmp.Diff(tt.values, got); diff != "" {
				t.Errorf("points (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, outcomes{d.Coordinator.Value, d.BOD2604.Value}); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			if len(d.Overridden()) != 0 {
				t.Errorf("overridden: %+v", d.Overridden())
			}
		})
	}
}

func TestDecideSSVCOutcomeDetail(t *testing.T) {
	d, err := DecideSSVC(SSVCEvidence{KEV: true, CVSS: ssvcLog4shellV3, Criticality: asset.CritCritical, Exposure: asset.ExpInternet}, SSVCOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := SSVCDecision{
		Points: []PointValue{
			{Point: PointExploitation, Value: "A", Name: "Active", Derived: "A", Why: "in CISA KEV: exploited in the wild"},
			{Point: PointAutomatable, Value: "Y", Name: "Yes", Derived: "Y", Why: "CVSS v3 AV:N/AC:L/PR:N/UI:N: reachable over the network with no privileges or user interaction"},
			{Point: PointTechnicalImpact, Value: "T", Name: "Total", Derived: "T", Why: "CVSS v3 C:H/I:H/A:H: complete loss of confidentiality, integrity and availability"},
			{Point: PointMissionWellBeing, Value: "H", Name: "High", Derived: "H", Why: "asset criticality critical"},
			{Point: PointInKEV, Value: "Y", Name: "Yes", Derived: "Y", Why: "in CISA KEV"},
			{Point: PointPubliclyExposed, Value: "Y", Name: "Yes", Derived: "Y", Why: "asset exposure internet"},
		},
		Coordinator: SSVCOutcome{Table: "cisa:DT_CO:2.0.3", Point: "cisa:CISA:1.1.0", Value: "AC", Name: "Act", Rank: 3, Levels: 4, Row: 35},
		BOD2604:     SSVCOutcome{Table: "cisa:DT_BOD2604:1.0.0", Point: "cisa:BOD2604:1.0.0", Value: "3DF", Name: "3 days & forensic investigation", Rank: 4, Levels: 5, Row: 15},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecideSSVCOverrides(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ev := SSVCEvidence{CVSS: ssvcLocalV3, Criticality: asset.CritMedium, Exposure: asset.ExpInternal}
	overrides := []SSVCOverride{
		{Point: PointExploitation, Value: "active", By: "alice", Reason: "vendor confirms exploitation in the wild", At: at},
		{Point: PointPubliclyExposed, Value: "Y", By: "bob", Reason: "reachable through the partner VPN"},
		{Point: PointMissionWellBeing, Value: "M", By: "bob", Reason: "checked with the owner: medium is right"},
	}
	given := append([]SSVCOverride(nil), overrides...)
	d, err := DecideSSVC(ev, SSVCOptions{}, overrides)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(given, overrides); diff != "" {
		t.Errorf("DecideSSVC changed its caller's overrides (-before +after):\n%s", diff)
	}
	want := []PointValue{
		{Point: PointExploitation, Value: "A", Name: "Active", Derived: "N",
			Why:      "not in CISA KEV, no public proof of concept known, no EPSS score",
			Override: &SSVCOverride{Point: PointExploitation, Value: "A", By: "alice", Reason: "vendor confirms exploitation in the wild", At: at}},
		{Point: PointMissionWellBeing, Value: "M", Name: "Medium", Derived: "M", Why: "asset criticality medium",
			Override: &SSVCOverride{Point: PointMissionWellBeing, Value: "M", By: "bob", Reason: "checked with the owner: medium is right"}},
		{Point: PointPubliclyExposed, Value: "Y", Name: "Yes", Derived: "N", Why: "asset exposure internal",
			Override: &SSVCOverride{Point: PointPubliclyExposed, Value: "Y", By: "bob", Reason: "reachable through the partner VPN"}},
	}
	if diff := cmp.Diff(want, d.Overridden()); diff != "" {
		t.Errorf("overridden (-want +got):\n%s", diff)
	}
	// E=A (overridden), A=N, TI=P, MWI=M: the Coordinator table's row 25,
	// Track. Active exploitation alone does not make a partial-impact,
	// hard-to-automate flaw on a medium asset urgent.
	if d.Coordinator.Value != "T" || d.Coordinator.Row != 25 {
		t.Errorf("coordinator %+v, want Track from row 25", d.Coordinator)
	}
	// KEV=N, PE=Y (overridden), A=N, TI=P → 60 days (row 2).
	if d.BOD2604.Value != "60D" || d.BOD2604.Row != 2 {
		t.Errorf("BOD 26-04 %+v, want 60D from row 2", d.BOD2604)
	}
	if p, ok := d.Point(PointAutomatable); !ok || p.Override != nil || p.Value != "N" {
		t.Errorf("automatable %+v", p)
	}
}

func TestDecideSSVCErrors(t *testing.T) {
	ok := SSVCOverride{Point: PointAutomatable, Value: "Y", By: "alice", Reason: "worm observed"}
	tests := []struct {
		name      string
		opts      SSVCOptions
		overrides []SSVCOverride
		want      string
		wantIs    error
	}{
		{"unknown point", SSVCOptions{}, []SSVCOverride{{Point: "cisa:MP:1.0.0", Value: "E", By: "a", Reason: "r"}},
			`invalid SSVC override: overrides[0].point: unknown decision point "cisa:MP:1.0.0"`, ErrInvalidOverride},
		{"unknown value", SSVCOptions{}, []SSVCOverride{ok, {Point: PointTechnicalImpact, Value: "full", By: "a", Reason: "r"}},
			`invalid SSVC override: overrides[1].value: ssvc:TI:1.0.0 has no value "full" (want P, T)`, ErrInvalidOverride},
		{"twice", SSVCOptions{}, []SSVCOverride{ok, ok},
			`invalid SSVC override: overrides[1].point: ssvc:A:2.0.0 overridden twice`, ErrInvalidOverride},
		{"no analyst", SSVCOptions{}, []SSVCOverride{{Point: PointAutomatable, Value: "Y", Reason: "r"}},
			`invalid SSVC override: overrides[0].by: missing: an override names its analyst`, ErrInvalidOverride},
		{"no reason", SSVCOptions{}, []SSVCOverride{{Point: PointAutomatable, Value: "Y", By: "alice", Reason: "  "}},
			`invalid SSVC override: overrides[0].reason: missing: an override says why`, ErrInvalidOverride},
		{"negative threshold", SSVCOptions{EPSSPoCThreshold: -0.1}, nil,
			"SSVC options: EPSS PoC threshold -0.1: want 0 (default), a score in (0, 1], or above 1 (off)", nil},
		{"NaN threshold", SSVCOptions{EPSSPoCThreshold: math.NaN()}, nil,
			"SSVC options: EPSS PoC threshold NaN: want 0 (default), a score in (0, 1], or above 1 (off)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecideSSVC(SSVCEvidence{}, tt.opts, tt.overrides)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v\nwant %s", err, tt.want)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error does not wrap %v", tt.wantIs)
			}
		})
	}
}

func TestDecideSSVCThreshold(t *testing.T) {
	ev := SSVCEvidence{EPSS: ssvcPtr(0.2)}
	for _, tt := range []struct {
		threshold float64
		want      string
	}{
		{0, "P"},   // the default, 0.1
		{0.2, "P"}, // at the threshold
		{0.5, "N"},
		{2, "N"}, // off
	} {
		d, err := DecideSSVC(ev, SSVCOptions{EPSSPoCThreshold: tt.threshold}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := d.Point(PointExploitation); p.Value != tt.want {
			t.Errorf("threshold %v: exploitation %s (%s), want %s", tt.threshold, p.Value, p.Why, tt.want)
		}
	}
}
