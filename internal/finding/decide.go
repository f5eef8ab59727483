package finding

import (
	"errors"
	"fmt"
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
	if r := f.reassess(as); r != nil {
		ds = append(ds, Decision{Action: "finding.priority", Before: map[string]risk.Priority{"priority": r.From},
			After: map[string]risk.Priority{"priority": r.To}, Reason: r.Why})
	}
	return ds
}
