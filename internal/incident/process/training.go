package process

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// Training records that a member was trained on a version of a playbook.
// Training records are evidence for an audit, kept as recorded: a
// mistake is corrected by a further record.
type Training struct {
	ID     int64 `json:"id,omitempty"` // assigned by the store
	Member int64 `json:"member"`
	// Playbook is the version trained on.
	Playbook incident.PlaybookRef `json:"playbook"`
	// On is the day of the training.
	On time.Time `json:"on"`
	// Trainer is who gave it.
	Trainer string `json:"trainer"`
	Note    string `json:"note,omitempty"`
}

// Validate checks a training record, naming the first field at fault.
func (t Training) Validate() error {
	switch {
	case t.Member <= 0:
		return invalid("member", "missing")
	case !isKey(t.Playbook.Key):
		return invalid("playbook.key", "%q is not a key", t.Playbook.Key)
	case t.Playbook.Version <= 0:
		return invalid("playbook.version", "missing: which version was trained on?")
	case t.On.IsZero():
		return invalid("on", "missing: when was the training?")
	}
	if err := checkName("trainer", t.Trainer); err != nil {
		return err
	}
	return checkProse("note", t.Note, maxNote)
}

// TrainingPolicy is how often members are trained.
type TrainingPolicy struct {
	// EveryMonths is how long a training on a playbook's current version
	// lasts: 12, annual training.
	EveryMonths int `json:"every_months"`
	// GraceDays is how long a member has to be trained on a playbook
	// after joining the team or after a new version is made: a new
	// version is not followed until people know it.
	GraceDays int `json:"grace_days"`
}

// DefaultTrainingPolicy is annual training, with 30 days to catch up on
// a new version or a new member.
var DefaultTrainingPolicy = TrainingPolicy{EveryMonths: 12, GraceDays: 30}

// Validate checks a policy: training at least every two years, and at
// most a year's grace.
func (p TrainingPolicy) Validate() error {
	switch {
	case p.EveryMonths < 1 || p.EveryMonths > 24:
		return invalid("every_months", "%d is not between 1 and 24", p.EveryMonths)
	case p.GraceDays < 0 || p.GraceDays > 365:
		return invalid("grace_days", "%d is not between 0 and 365", p.GraceDays)
	}
	return nil
}

// TrainingState is where a member stands on a playbook's training.
type TrainingState string

const (
	// TrainingCurrent: trained on the current version within the period.
	TrainingCurrent TrainingState = "current"
	// TrainingDue: not yet trained on the current version, still within
	// the grace period.
	TrainingDue TrainingState = "due"
	// TrainingOverdue: the period or the grace period has run out.
	TrainingOverdue TrainingState = "overdue"
)

// Obligation is a member's training on one playbook: where they stand,
// and by when they must be trained (again).
type Obligation struct {
	Member Member `json:"member"`
	// Playbook is the playbook's current version.
	Playbook incident.PlaybookRef `json:"playbook"`
	State    TrainingState        `json:"state"`
	// DueOn is the last day by which they must be trained on it.
	DueOn time.Time `json:"due_on"`
	// Last is their latest training on the current version, Earlier
	// their latest on an older one (nil when there is none).
	Last    *Training `json:"last,omitempty"`
	Earlier *Training `json:"earlier,omitempty"`
}

// Reason says why an obligation is in its state, for a person to read.
func (o Obligation) Reason() string {
	due := o.DueOn.Format(time.DateOnly)
	switch {
	case o.Last != nil:
		return fmt.Sprintf("trained on %s on %s; due again by %s", o.Playbook, o.Last.On.Format(time.DateOnly), due)
	case o.Earlier != nil:
		return fmt.Sprintf("trained on %s v%d on %s, not on v%d; due by %s", o.Playbook.Key, o.Earlier.Playbook.Version,
			o.Earlier.On.Format(time.DateOnly), o.Playbook.Version, due)
	}
	return fmt.Sprintf("never trained on %s; due by %s", o.Playbook.Key, due)
}

// Obligations works out, at now, the training of every member on the team
// then on every current playbook version whose steps name the member's
// role. A member trained on the current version is due again EveryMonths
// after their latest training there; one who is not (new to the team,
// or trained on an older version only) is due GraceDays after joining or
// after the version was made, whichever is later. Due on a day means by
// the end of it.
//
// playbooks are the current versions (one per key); trainings may be any
// member's on any version. The result is ordered by member name, then
// playbook key.
func Obligations(members []Member, playbooks []Playbook, trainings []Training, pol TrainingPolicy, now time.Time) []Obligation {
	var out []Obligation
	for _, m := range members {
		if !m.ActiveOn(now) {
			continue
		}
		for _, p := range playbooks {
			if !slices.Contains(p.Roles(), m.Role) {
				continue
			}
			o := Obligation{Member: m, Playbook: p.Ref()}
			for _, t := range trainings {
				if t.Member != m.ID || t.Playbook.Key != p.Key || t.Playbook.Version > p.Version {
					continue
				}
				latest := &o.Earlier
				if t.Playbook.Version == p.Version {
					latest = &o.Last
				}
				if *latest == nil || later(t, **latest) {
					*latest = &t
				}
			}
			if o.Last != nil {
				o.DueOn = addMonths(o.Last.On, pol.EveryMonths)
				o.State = TrainingCurrent
			} else {
				start := Day(p.Created)
				if m.From.After(start) {
					start = m.From
				}
				o.DueOn = start.AddDate(0, 0, pol.GraceDays)
				o.State = TrainingDue
			}
			if pastDay(now, o.DueOn) {
				o.State = TrainingOverdue
			}
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b Obligation) int {
		return cmp.Or(cmp.Compare(a.Member.Name, b.Member.Name), cmp.Compare(a.Member.ID, b.Member.ID), cmp.Compare(a.Playbook.Key, b.Playbook.Key))
	})
	return out
}

// later reports whether training a is later than b: by day, then by the
// order recorded.
func later(a, b Training) bool {
	return a.On.After(b.On) || a.On.Equal(b.On) && a.ID > b.ID
}
