package incident

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/finding"
)

// Recommendation is a change a root-cause analysis proposes: what should
// be done, by whom, by when. Management reviews each one (Decision):
// the fix is scheduled, as a task of the incident, or its risk accepted
// until a date when it is looked at again.
type Recommendation struct {
	ID       int64 `json:"id,omitempty"`       // assigned by the store
	Incident int64 `json:"incident,omitempty"` // the incident's id
	// Cause is the cause it addresses; 0 when it addresses the incident
	// as a whole.
	Cause int64  `json:"cause,omitempty"`
	Text  string `json:"text"`
	Owner string `json:"owner"`
	// Due is the day the owner proposes to be done by, UTC midnight.
	Due     time.Time `json:"due,omitzero"`
	Added   time.Time `json:"added,omitzero"`
	AddedBy string    `json:"added_by,omitempty"`
	// Decisions are management's reviews, oldest first (filled in by the
	// store); the last is in force.
	Decisions []Decision `json:"decisions,omitempty"`
}

// Validate checks a recommendation's own fields, naming the first at
// fault.
func (r Recommendation) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: recommendation %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	switch {
	case strings.TrimSpace(r.Text) == "":
		return bad("text", "empty")
	case len(r.Text) > maxCauseText || !utf8.ValidString(r.Text):
		return bad("text", "longer than %d KiB or not UTF-8", maxCauseText>>10)
	case !nameOK(r.Owner):
		return bad("owner", "%q is not a name", r.Owner)
	case r.Cause < 0:
		return bad("cause", "%d is not a cause id", r.Cause)
	}
	return nil
}

// Current is the decision in force, or nil before the first review.
func (r Recommendation) Current() *Decision {
	if len(r.Decisions) == 0 {
		return nil
	}
	return &r.Decisions[len(r.Decisions)-1]
}

// DecisionKind is what management decided about a recommendation.
type DecisionKind string

const (
	// Schedule: do it. The store opens a task on the incident, with the
	// decision's owner and due day, which is how the fix is tracked.
	Schedule DecisionKind = "schedule"
	// AcceptRisk: do not do it, for now. The reason is recorded, and the
	// acceptance expires: by then the decision is reviewed again.
	AcceptRisk DecisionKind = "accept_risk"
)

// DecisionKinds lists the kinds.
var DecisionKinds = []DecisionKind{Schedule, AcceptRisk}

func (k DecisionKind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k DecisionKind) IsValid() bool { return slices.Contains(DecisionKinds, k) }

// UnmarshalText rejects unknown kinds.
func (k *DecisionKind) UnmarshalText(b []byte) error {
	if !DecisionKind(b).IsValid() {
		return fmt.Errorf("%w: unknown decision %q (%s)", ErrDecision, b, joinKinds(DecisionKinds))
	}
	*k = DecisionKind(b)
	return nil
}

// Decision is management's review of a recommendation. Decisions are
// kept, never changed: a new review (of an accepted risk whose time is up,
// say) is a new decision.
type Decision struct {
	ID             int64        `json:"id,omitempty"` // assigned by the store
	Recommendation int64        `json:"recommendation,omitempty"`
	Kind           DecisionKind `json:"decision"`
	DecidedBy      string       `json:"decided_by"`
	Decided        time.Time    `json:"decided"`
	// Reason says why: required to accept a risk (what makes it
	// tolerable: a compensating control, the cost, the system's end of
	// life), optional to schedule.
	Reason string `json:"reason,omitempty"`
	// For Schedule: the task's kind (change by default), owner and due
	// day, and the task the store opened.
	TaskKind TaskKind  `json:"task_kind,omitempty"`
	Owner    string    `json:"owner,omitempty"`
	Due      time.Time `json:"due,omitzero"`
	Task     int64     `json:"task,omitempty"`
	// For AcceptRisk: when the acceptance ends and the recommendation is
	// due for review again.
	Expires time.Time `json:"expires,omitzero"`
}

// ErrDecision marks a management decision vmc cannot record.
var ErrDecision = errors.New("invalid decision")

// MaxRiskAcceptance is the longest a recommendation's risk may be
// accepted: the year a finding's risk acceptance may run
// (finding.MaxAcceptance), for the same reason: the world it was judged in
// has changed by then.
const MaxRiskAcceptance = finding.MaxAcceptance

// Limits on a decision's reason.
const maxDecisionText = 4 << 10

// CheckDecision checks decision d on recommendation r against the rules
// and fills in what defaults from r (a scheduled task's owner, due day
// and kind). task is the task a previous Schedule decision opened, if any
// (nil otherwise): a recommendation scheduled once is done through its
// task, and not decided again; an accepted risk may be reviewed again at
// any time, by scheduling the fix or accepting it anew. Errors wrap
// ErrDecision and name the field.
func CheckDecision(d *Decision, r Recommendation, task *Task) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrDecision, field, fmt.Sprintf(format, args...))
	}
	if prev := r.Current(); prev != nil && prev.Kind == Schedule {
		switch {
		case task != nil && task.Open():
			return bad("recommendation", "%d is scheduled as task %d (%s, due %s), still open: it is decided", r.ID, prev.Task, task.Owner, dayOrNone(task.Due))
		case task != nil:
			return bad("recommendation", "%d was carried out by task %d, done %s by %s: propose a new recommendation instead", r.ID, prev.Task, task.Done.Format(time.DateOnly), task.DoneBy)
		default:
			return bad("recommendation", "%d is scheduled as task %d", r.ID, prev.Task)
		}
	}
	switch {
	case !d.Kind.IsValid():
		return bad("decision", "unknown %q (%s)", d.Kind, joinKinds(DecisionKinds))
	case !nameOK(d.DecidedBy):
		return bad("decided_by", "%q is not a name", d.DecidedBy)
	case d.Decided.IsZero():
		return bad("decided", "not set")
	case len(d.Reason) > maxDecisionText || !utf8.ValidString(d.Reason):
		return bad("reason", "longer than %d KiB or not UTF-8", maxDecisionText>>10)
	}
	decidedDay := day(d.Decided)
	switch d.Kind {
	case Schedule:
		if !d.Expires.IsZero() {
			return bad("expires", "a scheduled fix does not expire; its task has a due day")
		}
		if d.Owner == "" {
			d.Owner = r.Owner
		}
		if d.Due.IsZero() {
			d.Due = r.Due
		}
		if d.TaskKind == "" {
			d.TaskKind = TaskChange
		}
		switch {
		case !nameOK(d.Owner):
			return bad("owner", "%q is not a name", d.Owner)
		case d.Due.IsZero():
			return bad("due", "a scheduled fix needs a due day (the recommendation has none)")
		case day(d.Due).Before(decidedDay):
			return bad("due", "%s is before the decision, %s", d.Due.Format(time.DateOnly), decidedDay.Format(time.DateOnly))
		case !d.TaskKind.IsValid():
			return bad("task_kind", "unknown %q (%s)", d.TaskKind, joinKinds(TaskKinds))
		}
		d.Due = day(d.Due)
	case AcceptRisk:
		switch {
		case d.Owner != "" || !d.Due.IsZero() || d.TaskKind != "":
			return bad("owner", "an accepted risk opens no task: owner, due and task kind are for scheduling")
		case strings.TrimSpace(d.Reason) == "":
			return bad("reason", "say why the risk is acceptable")
		case strings.EqualFold(strings.TrimSpace(d.DecidedBy), strings.TrimSpace(r.Owner)):
			return bad("decided_by", "%q owns the recommendation; someone else must accept its risk", d.DecidedBy)
		case d.Expires.IsZero():
			return bad("expires", "an accepted risk needs a date to be reviewed again")
		case !d.Expires.After(d.Decided):
			return bad("expires", "%s is not after the decision, %s", d.Expires.UTC().Format(time.RFC3339), d.Decided.UTC().Format(time.RFC3339))
		case d.Expires.Sub(d.Decided) > MaxRiskAcceptance:
			return bad("expires", "%s is more than %d days after the decision", d.Expires.UTC().Format(time.DateOnly), int(MaxRiskAcceptance/(24*time.Hour)))
		}
	}
	return nil
}

// ScheduledTask is the task a Schedule decision opens on the incident.
func ScheduledTask(r Recommendation, d Decision) Task {
	title := fmt.Sprintf("Recommendation %d: %s", r.ID, strings.Join(strings.Fields(r.Text), " "))
	if len(title) > maxShort {
		title = truncate(title, maxShort-len("…")) + "…"
	}
	return Task{Incident: r.Incident, Title: title, Kind: d.TaskKind, Owner: d.Owner, Due: d.Due, Link: fmt.Sprintf("recommendation:%d", r.ID)}
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// RecommendationStatus is where a recommendation stands at a time.
type RecommendationStatus string

const (
	// Undecided: not reviewed yet.
	Undecided RecommendationStatus = "undecided"
	// Scheduled: its task is open.
	Scheduled RecommendationStatus = "scheduled"
	// Implemented: its task is done.
	Implemented RecommendationStatus = "implemented"
	// RiskAccepted: its risk is accepted until the decision expires.
	RiskAccepted RecommendationStatus = "risk_accepted"
	// ReviewDue: the acceptance has expired, and management must decide
	// again.
	ReviewDue RecommendationStatus = "review_due"
)

// Status is where r stands at now; task is the task its Schedule decision
// opened, if any.
func (r Recommendation) Status(task *Task, now time.Time) RecommendationStatus {
	d := r.Current()
	switch {
	case d == nil:
		return Undecided
	case d.Kind == AcceptRisk && !now.Before(d.Expires):
		return ReviewDue
	case d.Kind == AcceptRisk:
		return RiskAccepted
	case task != nil && !task.Open():
		return Implemented
	}
	return Scheduled
}

// Overdue reports whether r needs management's attention at now: still
// undecided after its proposed due day, or an accepted risk whose time
// is up, or a scheduled task past due.
func (r Recommendation) Overdue(task *Task, now time.Time) bool {
	switch r.Status(task, now) {
	case Undecided:
		return !r.Due.IsZero() && !now.Before(r.Due.AddDate(0, 0, 1))
	case ReviewDue:
		return true
	case Scheduled:
		return task != nil && task.Overdue(now)
	}
	return false
}

// day is t's UTC day, at midnight.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dayOrNone(t time.Time) string {
	if t.IsZero() {
		return "no day"
	}
	return t.Format(time.DateOnly)
}
