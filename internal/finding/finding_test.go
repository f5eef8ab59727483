package finding

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/match"
)

func TestCheckMove(t *testing.T) {
	for _, from := range States {
		for _, to := range States {
			err := CheckMove(from, to)
			allowed := false
			for _, n := range from.Next() {
				allowed = allowed || n == to
			}
			if (err == nil) != allowed {
				t.Errorf("CheckMove(%s, %s) = %v, Next says allowed=%v", from, to, err, allowed)
			}
			if err != nil && !errors.Is(err, ErrTransition) {
				t.Errorf("CheckMove(%s, %s) = %v, not ErrTransition", from, to, err)
			}
		}
	}
	if err := CheckMove(Fixed, Verified); err == nil || !strings.Contains(err.Error(), "re-scan") {
		t.Errorf("fixed → verified by hand = %v, want a refusal naming the re-scan", err)
	}
	var s State
	if err := s.UnmarshalText([]byte("closed")); err == nil {
		t.Error("UnmarshalText accepted an unknown state")
	}
}

// The advisory is GO-2022-0236 (golang.org/x/net, fixed in
// 0.0.0-20210428140749-89ef3d95e781 per the Go vulnerability database in
// ../shared/data/osv/Go).
const (
	pkg   = "golang.org/x/net"
	vuln  = "GO-2022-0236"
	older = "0.0.0-20210220033124-5f55cee0dc0d"
	newer = "0.0.0-20210405180319-a5a99cb37ef4"
	fixed = "0.7.0"
)

func hit(version string, vex *match.Verdict) match.Match {
	return match.Match{
		Component: asset.Component{Name: pkg, Version: version, Ecosystem: "Go", PURL: "pkg:golang/" + pkg + "@" + version},
		Vuln:      vuln,
		Explanation: match.Explanation{Source: "osv", Record: vuln, Kind: "range", Ecosystem: "Go", Package: pkg,
			RangeType: "SEMVER", Introduced: "0", Fixed: "0.0.0-20210428140749-89ef3d95e781", Installed: version},
		VEX: vex,
	}
}

var (
	app = asset.Asset{ID: 3, Name: "payments-api", Kind: asset.KindApplication}
	t0  = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
)

func scan(source string, present ...string) Scan {
	p := map[string][]string{}
	if len(present) > 0 {
		p[PackageKey("Go", pkg)] = present
	}
	return Scan{At: t0, Source: source, Present: p}
}

func existing(state State, versions ...string) Finding {
	return Finding{ID: 9, AssetID: 3, Asset: "payments-api", Ecosystem: "Go", Package: pkg, Vuln: vuln,
		Versions: versions, State: state, FirstSeen: t0.Add(-time.Hour), LastSeen: t0.Add(-time.Hour)}
}

// summary is what a test compares: per change, the finding's state,
// versions and the steps' ends and reason prefixes.
type summary struct {
	ID         int64
	State      State
	Versions   []string
	Regression bool
	Steps      []string
}

func summarise(chs []Change) []summary {
	var out []summary
	for _, ch := range chs {
		s := summary{ID: ch.Finding.ID, State: ch.Finding.State, Versions: ch.Finding.Versions, Regression: ch.Finding.Regression}
		for _, st := range ch.Steps {
			reason, _, _ := strings.Cut(st.Reason, ":")
			s.Steps = append(s.Steps, string(st.From)+"→"+string(st.To)+" "+reason)
		}
		out = append(out, s)
	}
	return out
}

func TestReconcile(t *testing.T) {
	notAffected := &match.Verdict{Status: "not_affected", Justification: "vulnerable_code_not_in_execute_path", Source: "vex.json"}
	tests := []struct {
		name     string
		existing []Finding
		matches  []match.Match
		scan     Scan
		want     []summary
	}{
		{
			name:    "first match opens a finding; two versions make one",
			matches: []match.Match{hit(newer, nil), hit(older, nil)},
			scan:    scan("inventory go.mod", older, newer),
			want:    []summary{{State: New, Versions: []string{older, newer}}},
		},
		{
			name:     "still matched: refreshed, state kept",
			existing: []Finding{existing(InRemediation, older)},
			matches:  []match.Match{hit(newer, nil)},
			scan:     scan("inventory go.mod", newer),
			want:     []summary{{ID: 9, State: InRemediation, Versions: []string{newer}}},
		},
		{
			name:     "upgraded past the fix: fixed then verified",
			existing: []Finding{existing(Triaged, older)},
			scan:     scan("inventory go.mod", fixed),
			want:     []summary{{ID: 9, State: Verified, Versions: []string{older}, Steps: []string{"triaged→fixed upgraded", "fixed→verified verified by inventory go.mod at 2026-11-23T06"}}},
		},
		{
			name:     "removed",
			existing: []Finding{existing(New, older)},
			scan:     scan("inventory go.mod"),
			want:     []summary{{ID: 9, State: Verified, Versions: []string{older}, Steps: []string{"new→fixed component removed", "fixed→verified verified by inventory go.mod at 2026-11-23T06"}}},
		},
		{
			name:     "advisory no longer covers the version",
			existing: []Finding{existing(New, older)},
			scan:     scan("advisory update", older),
			want:     []summary{{ID: 9, State: Verified, Versions: []string{older}, Steps: []string{"new→fixed no longer affected", "fixed→verified verified by advisory update at 2026-11-23T06"}}},
		},
		{
			name:     "fixed by a person, re-scan confirms: one step",
			existing: []Finding{existing(Fixed, older)},
			scan:     scan("inventory go.mod", fixed),
			want:     []summary{{ID: 9, State: Verified, Versions: []string{older}, Steps: []string{"fixed→verified verified by inventory go.mod at 2026-11-23T06"}}},
		},
		{
			name:     "fixed by a person, re-scan still finds it",
			existing: []Finding{existing(Fixed, older)},
			matches:  []match.Match{hit(older, nil)},
			scan:     scan("inventory go.mod", older),
			want:     []summary{{ID: 9, State: InRemediation, Versions: []string{older}, Steps: []string{"fixed→in_remediation verification failed"}}},
		},
		{
			name:     "verified, then back: regression",
			existing: []Finding{existing(Verified, older)},
			matches:  []match.Match{hit(older, nil)},
			scan:     scan("inventory go.mod", older),
			want:     []summary{{ID: 9, State: New, Versions: []string{older}, Regression: true, Steps: []string{"verified→new regression"}}},
		},
		{
			name:     "side states are left alone when unmatched",
			existing: []Finding{existing(FalsePositive, older), existing(Verified, older)},
			scan:     scan("inventory go.mod"),
		},
		{
			name:    "VEX not_affected opens it suppressed",
			matches: []match.Match{hit(older, notAffected)},
			scan:    scan("inventory go.mod", older),
			want:    []summary{{State: NotAffected, Versions: []string{older}, Steps: []string{"new→not_affected VEX vex.json"}}},
		},
		{
			name:     "VEX not_affected applies to an open finding",
			existing: []Finding{existing(Triaged, older)},
			matches:  []match.Match{hit(older, notAffected)},
			scan:     scan("inventory go.mod", older),
			want:     []summary{{ID: 9, State: NotAffected, Versions: []string{older}, Steps: []string{"triaged→not_affected VEX vex.json"}}},
		},
		{
			name: "VEX withdrawn: re-examine",
			existing: []Finding{func() Finding {
				f := existing(NotAffected, older)
				f.VEX = notAffected
				return f
			}()},
			matches: []match.Match{hit(older, nil)},
			scan:    scan("inventory go.mod", older),
			want:    []summary{{ID: 9, State: Triaged, Versions: []string{older}, Steps: []string{"not_affected→triaged the VEX statement that it is not affected no longer applies; re-examine"}}},
		},
		{
			name:     "out of scope: untouched",
			existing: []Finding{existing(New, older)},
			scan:     Scan{At: t0, Source: "advisory update", Scope: []string{PackageKey("npm", "lodash")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarise(Reconcile(app, tt.existing, tt.matches, tt.scan))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Reconcile (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	f := existing(Verified, older, newer)
	f.Regression = false
	f.Explanation = hit(older, nil).Explanation
	f.Reason = "upgraded: inventory go.mod has golang.org/x/net 0.7.0"
	en := f.Explain("en")
	for _, want := range []string{"Finding #9: GO-2022-0236 on asset payments-api, verified.", "golang.org/x/net " + older + " (Go) is affected by GO-2022-0236",
		"Affected installed versions: " + older + ", " + newer, "Reason for the current state: upgraded"} {
		if !strings.Contains(en, want) {
			t.Errorf("Explain(en) lacks %q:\n%s", want, en)
		}
	}
	zh := f.Explain("zh-CN")
	for _, want := range []string{"发现 #9：资产 payments-api 上的 GO-2022-0236，状态 已验证（关闭）", "受影响的已安装版本", "当前状态的原因"} {
		if !strings.Contains(zh, want) {
			t.Errorf("Explain(zh-CN) lacks %q:\n%s", want, zh)
		}
	}
}
