package finding

import (
	"errors"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/risk"
)

func TestRule(t *testing.T) {
	now := t0
	comp := Rule{ID: 1, Scope: ScopeComponent, Vuln: vuln, Package: PackageKey("Go", pkg), State: NotAffected,
		Reason: "Linux only", By: "alice", Teams: []string{"platform"}, Created: now}
	if err := comp.Validate(now); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	for _, tc := range []struct {
		name string
		r    func(Rule) Rule
		want error
	}{
		{"no reason", func(r Rule) Rule { r.Reason = ""; return r }, ErrReason},
		{"no package", func(r Rule) Rule { r.Package = ""; return r }, ErrTransition},
		{"state and priority", func(r Rule) Rule { r.Priority = risk.PriorityHigh; return r }, ErrTransition},
		{"triaged is not a rule's", func(r Rule) Rule { r.State = Triaged; return r }, ErrTransition},
		{"acceptance without terms", func(r Rule) Rule { r.State = RiskAccepted; return r }, ErrAcceptance},
	} {
		if err := tc.r(comp).Validate(now); !errors.Is(err, tc.want) {
			t.Errorf("%s: Validate = %v, want %v", tc.name, err, tc.want)
		}
	}

	f := existing(New, older)
	switch {
	case !comp.Reaches(f, "platform"):
		t.Error("does not reach the package's finding on a platform asset")
	case comp.Reaches(f, "payments"):
		t.Error("reaches a payments asset beyond the maker's teams")
	}
	other := f
	other.Package = "golang.org/x/sys"
	if comp.Reaches(other, "platform") {
		t.Error("a component rule reaches another package")
	}
	everywhere := comp
	everywhere.Scope, everywhere.Package, everywhere.Teams = ScopeVuln, "", nil
	if !everywhere.Reaches(other, "payments") {
		t.Error("a vuln rule without teams does not reach every package and asset")
	}

	d, ok, err := comp.Apply(&f, now)
	if err != nil || !ok || f.State != NotAffected || d.Action != "finding.state" {
		t.Fatalf("Apply = %+v, %v, %v; state %s", d, ok, err, f.State)
	}
	if _, ok, _ := comp.Apply(&f, now.Add(time.Hour)); ok {
		t.Error("applied twice")
	}
	closed := existing(Verified, older)
	if _, ok, _ := comp.Apply(&closed, now); ok {
		t.Error("a rule re-decided a verified finding")
	}
	prio := everywhere
	prio.State, prio.Priority = "", risk.PriorityCritical
	g := existing(Triaged, older)
	if _, ok, err := prio.Apply(&g, now); err != nil || !ok || g.Priority != risk.PriorityCritical || g.PriorityOverride == nil {
		t.Errorf("priority rule: ok=%v err=%v finding %+v", ok, err, g)
	}
}
