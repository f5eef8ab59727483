package finding

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/risk"
)

// Scope is how far a triage decision reaches.
type Scope string

const (
	// ScopeComponent: every finding of the vulnerability on the package,
	// on every asset in reach.
	ScopeComponent Scope = "component"
	// ScopeVuln: every finding of the vulnerability, on any package of
	// any asset in reach.
	ScopeVuln Scope = "vuln"
)

func (s Scope) String() string { return string(s) }

// IsValid reports whether s is a known scope.
func (s Scope) IsValid() bool { return s == ScopeComponent || s == ScopeVuln }

// UnmarshalText rejects unknown scopes.
func (s *Scope) UnmarshalText(b []byte) error {
	if !Scope(b).IsValid() {
		return fmt.Errorf("unknown scope %q (component, vuln)", b)
	}
	*s = Scope(b)
	return nil
}

// Rule is a triage decision that reaches beyond one finding: to the
// findings in its scope now, and to those that future matches open. It is
// bounded by the teams of the person who made it, so that nobody decides
// for assets they may not act on.
type Rule struct {
	ID    int64  `json:"id"`
	Scope Scope  `json:"scope"`
	Vuln  string `json:"vuln"`
	// Package is the PackageKey, for ScopeComponent.
	Package string `json:"package,omitempty"`
	// State is false_positive, not_affected or risk_accepted; or empty
	// when the rule sets Priority.
	State      State         `json:"state,omitempty"`
	Priority   risk.Priority `json:"priority,omitempty"`
	Acceptance *Acceptance   `json:"acceptance,omitempty"`
	Reason     string        `json:"reason"`
	By         string        `json:"by"`
	// Teams bounds the assets the rule reaches; nil means every asset
	// (a person who may act on all of them made it).
	Teams   []string  `json:"teams,omitempty"`
	Created time.Time `json:"created"`
}

// Validate checks a rule before it is kept.
func (r Rule) Validate(now time.Time) error {
	switch {
	case !r.Scope.IsValid():
		return fmt.Errorf("%w: rule: scope %q", ErrTransition, r.Scope)
	case strings.TrimSpace(r.Vuln) == "":
		return fmt.Errorf("%w: rule: no vulnerability", ErrTransition)
	case r.Scope == ScopeComponent && r.Package == "":
		return fmt.Errorf("%w: rule: a component rule names a package", ErrTransition)
	case strings.TrimSpace(r.Reason) == "":
		return fmt.Errorf("%w: rule for %s", ErrReason, r.Vuln)
	case (r.State == "") == (r.Priority == ""):
		return fmt.Errorf("%w: rule: sets a state or a priority, not both or neither", ErrTransition)
	case r.State != "" && !slices.Contains([]State{FalsePositive, NotAffected, RiskAccepted}, r.State):
		return fmt.Errorf("%w: rule: state %s (false_positive, not_affected, risk_accepted)", ErrTransition, r.State)
	case r.State == RiskAccepted && r.Acceptance == nil:
		return fmt.Errorf("%w: rule: a risk acceptance needs its approver, controls and expiry", ErrAcceptance)
	case r.Priority != "" && !r.Priority.IsValid():
		return fmt.Errorf("rule: priority %q", r.Priority)
	}
	if r.Acceptance != nil {
		return r.Acceptance.Validate(now)
	}
	return nil
}

// Reaches reports whether the rule covers finding f, on an asset of team.
func (r Rule) Reaches(f Finding, team string) bool {
	if !strings.EqualFold(r.Vuln, f.Vuln) {
		return false
	}
	if r.Scope == ScopeComponent && r.Package != f.Key().Package {
		return false
	}
	return r.Teams == nil || slices.Contains(r.Teams, team)
}

// Apply makes the rule's decision on f. A finding already decided (not
// open, or already in the rule's state) is left alone; ok is false then.
func (r Rule) Apply(f *Finding, now time.Time) (Decision, bool, error) {
	why := fmt.Sprintf("rule %d (%s, by %s): %s", r.ID, r.Scope, r.By, r.Reason)
	switch {
	case r.Priority != "":
		if f.PriorityOverride != nil && f.PriorityOverride.Priority == r.Priority {
			return Decision{}, false, nil
		}
		d, err := f.OverridePriority(r.Priority, r.By, why, now)
		return d, err == nil, err
	case f.State == r.State || !slices.Contains([]State{New, Triaged, InRemediation}, f.State):
		return Decision{}, false, nil
	case r.State == RiskAccepted:
		d, err := f.Accept(*r.Acceptance, now)
		return d, err == nil, err
	}
	d, err := f.Move(r.State, why, now)
	return d, err == nil, err
}
