package finding

import (
	"fmt"
	"slices"
)

// State is where a finding is in its lifecycle (NIST SP 800-40r4, ISO/IEC
// 30111): discovered (new), assessed (triaged), being fixed (in
// remediation), fixed and awaiting a re-scan (fixed), and confirmed gone by
// one (verified). The side states close a finding for another reason. The
// words follow Dependency-Track's AnalysisState where they overlap.
type State string

const (
	New           State = "new"
	Triaged       State = "triaged"
	InRemediation State = "in_remediation"
	Fixed         State = "fixed"
	Verified      State = "verified"
	RiskAccepted  State = "risk_accepted"
	FalsePositive State = "false_positive"
	NotAffected   State = "not_affected"
	Duplicate     State = "duplicate"
)

// States lists every state in lifecycle order.
var States = []State{New, Triaged, InRemediation, Fixed, Verified, RiskAccepted, FalsePositive, NotAffected, Duplicate}

func (s State) String() string { return string(s) }

// IsValid reports whether s is a known state.
func (s State) IsValid() bool { return slices.Contains(States, s) }

// UnmarshalText rejects unknown states, so input fails at the boundary.
func (s *State) UnmarshalText(b []byte) error {
	if !State(b).IsValid() {
		return fmt.Errorf("unknown finding state %q", b)
	}
	*s = State(b)
	return nil
}

// Open reports whether the finding still needs work: it counts towards
// SLAs and is re-checked by re-scans. A risk acceptance keeps a finding
// open: the risk is still there, only tolerated for a time.
func (s State) Open() bool {
	switch s {
	case New, Triaged, InRemediation, Fixed, RiskAccepted:
		return true
	}
	return false
}

// moves lists the transitions a person may make. Re-scans and expiring
// acceptances move findings too (see Reconcile); those moves are the
// system's, not listed here, so that nobody can mark a finding verified
// without a re-scan.
var moves = map[State][]State{
	New:           {Triaged, InRemediation, RiskAccepted, FalsePositive, NotAffected, Duplicate},
	Triaged:       {InRemediation, Fixed, RiskAccepted, FalsePositive, NotAffected, Duplicate},
	InRemediation: {Triaged, Fixed, RiskAccepted, FalsePositive, NotAffected, Duplicate},
	Fixed:         {InRemediation},
	Verified:      {Triaged},
	RiskAccepted:  {Triaged, InRemediation, Fixed},
	FalsePositive: {Triaged},
	NotAffected:   {Triaged},
	Duplicate:     {Triaged},
}

// Next lists the states a person may move a finding in state s to.
func (s State) Next() []State { return slices.Clone(moves[s]) }

// ErrTransition marks a state change the lifecycle does not allow.
var ErrTransition = fmt.Errorf("transition not allowed")

// CheckMove reports whether a person may move a finding from one state to
// another, with an error that says what is allowed instead.
func CheckMove(from, to State) error {
	if !to.IsValid() {
		return fmt.Errorf("%w: unknown state %q", ErrTransition, to)
	}
	if slices.Contains(moves[from], to) {
		return nil
	}
	if to == Verified {
		return fmt.Errorf("%w: %s → %s: only a re-scan that no longer finds the vulnerability verifies a fix", ErrTransition, from, to)
	}
	return fmt.Errorf("%w: %s → %s (from %s: %v)", ErrTransition, from, to, from, moves[from])
}
