package maintenance

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/risk"
)

var day = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // a Monday

func TestMeasure(t *testing.T) {
	plan := PatchPlan{Findings: []int64{1, 2, 3, 4}}
	for _, tc := range []struct {
		name   string
		states []finding.State
		want   PatchProgress
	}{
		{"nothing deployed", []finding.State{finding.New, finding.Triaged, finding.InRemediation, finding.New},
			PatchProgress{Findings: 4, Open: 4}},
		{"claims are not progress", []finding.State{finding.Fixed, finding.Fixed, finding.Fixed, finding.Fixed},
			PatchProgress{Findings: 4, Claimed: 4, Open: 4}},
		{"half verified by re-scans", []finding.State{finding.Verified, finding.Verified, finding.Fixed, finding.New},
			PatchProgress{Findings: 4, Patched: 2, Claimed: 1, Open: 2, Percent: 50}},
		{"a false positive needs no patch", []finding.State{finding.Verified, finding.Verified, finding.Verified, finding.FalsePositive},
			PatchProgress{Findings: 4, Patched: 3, Excluded: 1, Percent: 100}},
		{"a risk acceptance is not a patch", []finding.State{finding.Verified, finding.RiskAccepted, finding.Verified, finding.Verified},
			PatchProgress{Findings: 4, Patched: 3, Open: 1, Percent: 75}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fs []finding.Finding
			for i, s := range tc.states {
				fs = append(fs, finding.Finding{ID: int64(i + 1), State: s})
			}
			// A finding not in the plan changes nothing.
			fs = append(fs, finding.Finding{ID: 9, State: finding.Verified})
			if diff := cmp.Diff(tc.want, Measure(plan, fs)); diff != "" {
				t.Errorf("-want +got\n%s", diff)
			}
		})
	}
}

func TestTriggers(t *testing.T) {
	act := risk.SSVCDecision{Coordinator: risk.SSVCOutcome{Value: "AC"}}
	fs := []finding.Finding{
		{ID: 1, Asset: "web-1", Vuln: "CVE-2021-44228", State: finding.New, FirstSeen: day,
			Assessment: &risk.Assessment{KEV: &advisory.KEV{}, SSVC: act}, Explanation: match.Explanation{FixedVersion: "2.15.0"}},
		{ID: 2, Asset: "web-1", Vuln: "CVE-2", State: finding.Triaged, FirstSeen: day, Assessment: &risk.Assessment{SSVC: act}},
		{ID: 3, Asset: "web-2", Vuln: "CVE-3", State: finding.New, FirstSeen: day, Assessment: &risk.Assessment{}},
		{ID: 4, Asset: "web-2", Vuln: "CVE-4", State: finding.RiskAccepted, FirstSeen: day, Assessment: &risk.Assessment{KEV: &advisory.KEV{}}},
		{ID: 5, Asset: "web-2", Vuln: "CVE-5", State: finding.Verified, FirstSeen: day, Assessment: &risk.Assessment{KEV: &advisory.KEV{}}},
	}
	g := Group{Plan: Plan{EmergencyHours: 48, OnKEV: true}}
	got := g.Triggers(fs)
	want := []Trigger{{Finding: 1, Asset: "web-1", Vuln: "CVE-2021-44228", Reasons: []string{"kev"}, FixedVersion: "2.15.0", Due: day.Add(48 * time.Hour)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("KEV only: -want +got\n%s", diff)
	}
	g.Plan.OnSSVCAct = true
	if got := g.Triggers(fs); len(got) != 2 || !cmp.Equal(got[0].Reasons, []string{"kev", "ssvc act"}) || got[1].Finding != 2 {
		t.Errorf("KEV and act: %+v", got)
	}
}

func TestUpgrades(t *testing.T) {
	f := func(id int64, a, v, installed, fixed string, st finding.State) finding.Finding {
		return finding.Finding{ID: id, Asset: a, Ecosystem: "Go", Package: "github.com/gin-gonic/gin", Vuln: v, Versions: []string{installed},
			State: st, Explanation: match.Explanation{Installed: installed, FixedVersion: fixed}}
	}
	fs := []finding.Finding{
		f(1, "shop", "CVE-2020-28483", "1.5.0", "1.7.7", finding.New),
		f(2, "shop", "CVE-2023-29401", "1.5.0", "1.9.1", finding.New),
		f(3, "shop", "CVE-X", "1.5.0", "", finding.New),
		f(4, "shop-dev", "CVE-2020-28483", "1.6.0", "1.7.7", finding.New),
		f(5, "shop", "CVE-OLD", "1.5.0", "1.10.0", finding.Verified),
	}
	got := Upgrades(fs, map[string]asset.Environment{"shop": asset.EnvProd, "shop-dev": asset.EnvDev})
	want := []Upgrade{
		{Environment: "dev", Ecosystem: "Go", Package: "github.com/gin-gonic/gin", Installed: []string{"1.6.0"}, FixedVersion: "1.7.7",
			Vulns: []string{"CVE-2020-28483"}, Assets: []string{"shop-dev"}, Findings: []int64{4}},
		{Environment: "prod", Ecosystem: "Go", Package: "github.com/gin-gonic/gin", Installed: []string{"1.5.0"}, FixedVersion: "1.9.1",
			Vulns: []string{"CVE-2020-28483", "CVE-2023-29401"}, NoFix: []string{"CVE-X"}, Assets: []string{"shop"}, Findings: []int64{1, 2}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got\n%s", diff)
	}
}

func TestWindowNext(t *testing.T) {
	for _, tc := range []struct {
		w    string
		at   time.Time
		want time.Time
	}{
		{"sun 02:00 4h", day, time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)},
		{"mon 09:00 2h", day, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)},                        // open now
		{"mon 06:00 2h", day, time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)},                        // closed today
		{"daily 23:00 3h", day.Add(15 * time.Hour), time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)}, // open since yesterday 23:00
		{"daily 23:00 3h", day.Add(17 * time.Hour), time.Date(2026, 11, 24, 23, 0, 0, 0, time.UTC)},
		{"daily 23:00 3h", day.Add(14 * time.Hour), time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)},
	} {
		w, err := ParseWindow(tc.w)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Next(tc.at); !got.Equal(tc.want) {
			t.Errorf("%s at %s: %s, want %s", tc.w, tc.at, got, tc.want)
		}
	}
	for _, bad := range []string{"sunday 02:00 4h", "sun 2am 4h", "sun 02:00 25h", "sun 02:00", "sun 02:00 xh"} {
		if _, err := ParseWindow(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: %v, want ErrInvalid", bad, err)
		}
	}
}

func TestGaps(t *testing.T) {
	assets := []asset.Asset{
		{Name: "web-01", Kind: asset.KindHost, Environment: asset.EnvProd, MaintenanceGroup: "web"},
		{Name: "shop", Kind: asset.KindApplication, Exposure: asset.ExpInternet, Environment: asset.EnvProd, MaintenanceGroup: "web"},
		{Name: "tool", Kind: asset.KindImage, Exposure: asset.ExpInternal, Environment: asset.EnvDev},
	}
	tools := []Tool{
		{Asset: "web-01", Kind: EDR, Active: true}, {Asset: "web-01", Kind: HostFirewall, Active: true},
		{Asset: "web-01", Kind: FIM, Active: false}, // installed, switched off
		{Asset: "shop", Kind: WAF, Active: true},
	}
	gaps := Gaps(assets, tools)
	want := []Gap{
		{Asset: "shop", Group: "web", Environment: "prod", Missing: []ToolKind{RASP}},
		{Asset: "web-01", Group: "web", Environment: "prod", Missing: []ToolKind{FIM}},
	}
	if diff := cmp.Diff(want, gaps); diff != "" {
		t.Errorf("-want +got\n%s", diff)
	}
	cov := Coverages(assets, gaps)
	wantCov := []ToolCoverage{
		{Scope: "group", Name: "web", Assets: 2, Gaps: 2, Missing: map[ToolKind]int{RASP: 1, FIM: 1}},
		{Scope: "environment", Name: "prod", Assets: 2, Gaps: 2, Missing: map[ToolKind]int{RASP: 1, FIM: 1}},
	}
	if diff := cmp.Diff(wantCov, cov); diff != "" {
		t.Errorf("coverage: -want +got\n%s", diff)
	}
}

func TestAudit(t *testing.T) {
	p := AuditPlan{ID: 1, Name: "prod config", Environment: asset.EnvProd, Scope: "prod hosts", Checklist: []string{"sshd", "tls"},
		EveryDays: 30, Start: day.AddDate(0, 0, -40), Owner: "ops"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if !p.Overdue(day) {
		t.Errorf("never audited, first due %s: not overdue at %s", p.Start, day)
	}
	run := AuditRun{At: day.AddDate(0, 0, -1), By: "carol", Results: []CheckResult{{Item: "sshd", Outcome: Pass}, {Item: "tls", Outcome: Fail, FollowUp: "finding 12"}}}
	if err := run.Validate(p, day); err != nil {
		t.Fatal(err)
	}
	p.Runs = append(p.Runs, run)
	if p.Overdue(day) || !p.Due().Equal(day.AddDate(0, 0, 29)) {
		t.Errorf("audited yesterday: due %s, overdue %v", p.Due(), p.Overdue(day))
	}
	for _, tc := range []struct {
		results []CheckResult
		want    string
	}{
		{[]CheckResult{{Item: "sshd", Outcome: Pass}}, `results: "tls" not answered`},
		{[]CheckResult{{Item: "sshd", Outcome: Pass}, {Item: "tls", Outcome: Fail}}, `results[1].follow_up: "tls" failed`},
		{[]CheckResult{{Item: "sshd", Outcome: NA}, {Item: "tls", Outcome: Pass}}, `results[0].note: "sshd" is not applicable`},
		{[]CheckResult{{Item: "sshd", Outcome: Pass}, {Item: "dns", Outcome: Pass}}, `results[1].item: "dns" is not on audit plan 1's checklist`},
		{[]CheckResult{{Item: "sshd", Outcome: "ok"}}, `results[0].outcome: "ok" (pass, fail, na)`},
	} {
		r := AuditRun{At: day, By: "carol", Results: tc.results}
		if err := r.Validate(p, day); err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %s", tc.results, err, tc.want)
		}
	}
}

func TestCheckPatchMove(t *testing.T) {
	for _, tc := range []struct {
		from, to PatchStatus
		ok       bool
	}{
		{PatchPlanned, PatchApproved, true},
		{PatchPlanned, PatchDeployed, false},
		{PatchApproved, PatchDeploying, true},
		{PatchDeploying, PatchRolledBack, true},
		{PatchRolledBack, PatchPlanned, true},
		{PatchDeployed, PatchPlanned, false},
		{PatchCancelled, PatchApproved, false},
	} {
		if err := CheckPatchMove(tc.from, tc.to); (err == nil) != tc.ok {
			t.Errorf("%s → %s: %v", tc.from, tc.to, err)
		}
	}
}

func TestValidateGroupAndSpec(t *testing.T) {
	g := Group{Name: "web", Function: "public web", Risk: asset.CritHigh, Owner: "ops", Windows: []PatchWindow{{"sun", "02:00", 4}},
		Plan: Plan{RoutineDays: 30, EmergencyHours: 48, OnKEV: true, Mitigation: "WAF rule", Isolation: "pull from LB", Acceptance: "CISO"}}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := g
	bad.Plan.OnKEV = false
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "no emergency trigger") {
		t.Errorf("no trigger: %v", err)
	}
	bad = g
	bad.Risk = "extreme"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), `risk: "extreme"`) {
		t.Errorf("risk: %v", err)
	}
	s := Spec{Asset: "shop", Owner: "ops", Config: []Setting{{"a", "1"}, {"a", "2"}}}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), `config[1].key: "a" given twice`) {
		t.Errorf("spec: %v", err)
	}
	if _, err := ParseSetting("novalue"); err == nil {
		t.Error("ParseSetting(novalue): no error")
	}
}

// FuzzParseWindow: whatever is typed, parsing never panics, and a window
// that parses prints back to itself and opens at a time it can find.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"sun 02:00 4h", "daily 23:00 3h", "mon 9:00 2h", "sun 02:00 25h", "x y zh", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWindow(s)
		if err != nil {
			return
		}
		back, err := ParseWindow(w.String())
		if err != nil || back != w {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, w, w.String(), back, err)
		}
		if w.Next(day).IsZero() {
			t.Fatalf("%q: never opens", s)
		}
	})
}
