package finding

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/risk"
)

// Decision is a person's change to a finding, as the audit log records
// it: what kind, the fields before and after, and why.
type Decision struct {
	Action string
	Before any
	After  any
	Reason string
	// Notify, when set, names who must be told of the decision (a team,
	// a person); the reason is the message.
	Notify string
}

// ErrReason marks a decision that needs a reason and was given none.
var ErrReason = errors.New("a reason is required")

// Move is a person moving the finding to another state. Closing it for a
// reason other than a fix (false positive, not affected, duplicate) needs
// that reason; a risk acceptance goes through Accept.
func (f *Finding) Move(to State, reason string, at time.Time) (Decision, error) {
	if err := CheckMove(f.State, to); err != nil {
		return Decision{}, err
	}
	reason = strings.TrimSpace(reason)
	switch to {
	case RiskAccepted:
		return Decision{}, fmt.Errorf("%w: %s → %s needs a risk acceptance with an approver (vmc finding accept)", ErrTransition, f.State, to)
	case FalsePositive, NotAffected, Duplicate:
		if reason == "" {
			return Decision{}, fmt.Errorf("%w: moving finding %d to %s", ErrReason, f.ID, to)
		}
	}
	from := f.State
	f.move(to, reason, at)
	return Decision{Action: "finding.state", Before: map[string]State{"state": from}, After: map[string]State{"state": to}, Reason: reason}, nil
}

// Assign gives the finding to a person or team ("" unassigns it).
func (f *Finding) Assign(to, reason string, at time.Time) Decision {
	from := f.Assignee
	f.Assignee, f.Updated = strings.TrimSpace(to), at
	return Decision{Action: "finding.assign", Before: map[string]string{"assignee": from}, After: map[string]string{"assignee": f.Assignee}, Reason: reason}
}

// OverridePriority fixes the finding's priority whatever the assessment
// says; an empty priority gives it back to the assessment.
func (f *Finding) OverridePriority(p risk.Priority, by, reason string, at time.Time) (Decision, error) {
	if strings.TrimSpace(reason) == "" {
		return Decision{}, fmt.Errorf("%w: overriding finding %d's priority", ErrReason, f.ID)
	}
	from := f.Priority
	if p == "" {
		f.PriorityOverride = nil
		if f.Assessment != nil {
			f.Priority = f.Assessment.Priority
		}
	} else {
		if !p.IsValid() {
			return Decision{}, fmt.Errorf("priority %q: want low, medium, high or critical", p)
		}
		f.PriorityOverride = &PriorityOverride{Priority: p, By: by, Reason: reason, At: at}
		f.Priority = p
	}
	f.Updated = at
	return Decision{Action: "finding.priority", Before: map[string]risk.Priority{"priority": from}, After: map[string]risk.Priority{"priority": f.Priority}, Reason: reason}, nil
}

// OverrideSSVC records an analyst's SSVC decision-point override and the
// re-assessment it leads to (as, computed by the caller with the new
// overrides).
func (f *Finding) OverrideSSVC(o risk.SSVCOverride, as risk.Assessment, at time.Time) []Decision {
	kept := f.Overrides[:0:0]
	for _, x := range f.Overrides {
		if x.Point != o.Point {
			kept = append(kept, x)
		}
	}
	f.Overrides = append(kept, o)
	f.Updated = at
	ds := []Decision{{Action: "finding.ssvc", After: o, Reason: o.Reason}}
	if d, ok := f.Reassess(as, at); ok {
		ds = append(ds, d)
	}
	return ds
}

// Reassess sets a new assessment (an input changed outside a scan, such
// as the finding's place on an attack path) and returns the priority
// change, if any, as a decision.
func (f *Finding) Reassess(as risk.Assessment, at time.Time) (Decision, bool) {
	f.Updated = at
	r := f.reassess(as)
	if r == nil {
		return Decision{}, false
	}
	return Decision{Action: "finding.priority", Before: map[string]risk.Priority{"priority": r.From},
		After: map[string]risk.Priority{"priority": r.To}, Reason: r.Why}, true
}

// Accept records a risk acceptance and moves the finding to
// risk_accepted. The acceptance must be valid: time-limited, with a
// reason, compensating controls and an approver who is not the requester.
func (f *Finding) Accept(a Acceptance, now time.Time) (Decision, error) {
	if err := a.Validate(now); err != nil {
		return Decision{}, fmt.Errorf("finding %d: %w", f.ID, err)
	}
	if !slices.Contains([]State{New, Triaged, InRemediation, RiskAccepted}, f.State) {
		return Decision{}, fmt.Errorf("%w: %s → %s: only an open finding not yet fixed can be accepted", ErrTransition, f.State, RiskAccepted)
	}
	from := f.State
	f.Acceptance = &a
	f.move(RiskAccepted, fmt.Sprintf("risk accepted by %s, approved by %s, until %s: %s", a.Requester, a.Approver, a.Expires.Format(time.DateOnly), a.Reason), now)
	return Decision{Action: "finding.accept", Before: map[string]State{"state": from}, After: a, Reason: a.Reason}, nil
}

// Expire re-opens a risk-accepted finding whose acceptance has run out,
// to be told to its assignee or else the acceptance's requester (the
// caller adds the asset's team); ok is false when there is nothing to do.
func (f *Finding) Expire(now time.Time) (d Decision, ok bool) {
	st, ok := ExpireAcceptance(f.State, f.Acceptance, now)
	if !ok {
		return Decision{}, false
	}
	f.move(st.To, st.Reason, now)
	owner := f.Assignee
	if owner == "" && f.Acceptance != nil {
		owner = f.Acceptance.Requester
	}
	return Decision{Action: "finding.state", Before: map[string]State{"state": st.From}, After: map[string]State{"state": st.To}, Reason: st.Reason,
		Notify: owner}, true
}

// NoticeBreach records, once, that an open finding is past its due date,
// to be told to owner (its assignee when it has one).
func (f *Finding) NoticeBreach(owner string, now time.Time) (Decision, bool) {
	if !f.Breached.IsZero() || !Breached(f.State, f.Due, now) {
		return Decision{}, false
	}
	f.Breached = now
	if f.Assignee != "" {
		owner = f.Assignee
	}
	why := fmt.Sprintf("SLA breached: %s priority, due %s (%s)", f.Priority, f.Due.Format(time.DateOnly), f.DueRule)
	return Decision{Action: "finding.breach", After: map[string]time.Time{"due": f.Due}, Reason: why, Notify: owner}, true
}
