package process

import (
	"strings"
	"time"
)

// Review is a periodic review of the incident response process: the
// incidents since the last one, their metrics and lessons, whether the
// playbooks held up. SAMM VM3 asks for one at least every six months.
// Reviews are kept as recorded, like minutes.
type Review struct {
	ID int64 `json:"id,omitempty"` // assigned by the store
	// On is the day it was held.
	On           time.Time `json:"on"`
	Participants []string  `json:"participants"`
	Findings     string    `json:"findings"`
	Decisions    string    `json:"decisions"`
	// RecordedBy is who recorded it; the store sets it.
	RecordedBy string `json:"recorded_by,omitempty"`
}

// maxParticipants bounds a review's participant list.
const maxParticipants = 100

// Validate checks a review, naming the first field at fault.
func (r Review) Validate() error {
	if r.On.IsZero() {
		return invalid("on", "missing: when was the review held?")
	}
	if len(r.Participants) == 0 {
		return invalid("participants", "none: who took part?")
	}
	if err := checkNames("participants", r.Participants, maxParticipants); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"findings", r.Findings}, {"decisions", r.Decisions}} {
		if strings.TrimSpace(f.v) == "" {
			return invalid(f.name, "empty: write what was found and decided, or that nothing was")
		}
		if err := checkProse(f.name, f.v, maxNote); err != nil {
			return err
		}
	}
	return nil
}

// Schedule is how often the process is reviewed.
type Schedule struct {
	// EveryMonths is the longest time between two reviews, at most
	// MaxReviewMonths.
	EveryMonths int `json:"every_months"`
	// Start is the day the schedule began: with no review held yet, the
	// first is due EveryMonths after it. Zero means a review is due now.
	Start time.Time `json:"start,omitzero"`
}

// MaxReviewMonths is SAMM VM3's longest interval between reviews.
const MaxReviewMonths = 6

// DefaultSchedule is a review every six months.
var DefaultSchedule = Schedule{EveryMonths: MaxReviewMonths}

// Validate checks a schedule: a review at least every six months.
func (s Schedule) Validate() error {
	if s.EveryMonths < 1 || s.EveryMonths > MaxReviewMonths {
		return invalid("every_months", "%d is not between 1 and %d: SAMM asks for a review at least every six months", s.EveryMonths, MaxReviewMonths)
	}
	return nil
}

// ReviewDue is when the next review is due.
type ReviewDue struct {
	Schedule Schedule `json:"schedule"`
	// Last is the latest review held, nil when none was.
	Last *Review `json:"last,omitempty"`
	// Next is the day by which the next review is due; zero when none
	// was ever held and the schedule has no start: one is due now.
	Next    time.Time `json:"next,omitzero"`
	Overdue bool      `json:"overdue"`
}

// NextReview works out at now when the next review is due: EveryMonths
// after the latest one held, or after the schedule's start when none
// was. Due on a day means by the end of it.
func NextReview(s Schedule, reviews []Review, now time.Time) ReviewDue {
	d := ReviewDue{Schedule: s}
	for _, r := range reviews {
		if d.Last == nil || r.On.After(d.Last.On) || r.On.Equal(d.Last.On) && r.ID > d.Last.ID {
			d.Last = &r
		}
	}
	switch {
	case d.Last != nil:
		d.Next = addMonths(d.Last.On, s.EveryMonths)
	case !s.Start.IsZero():
		d.Next = addMonths(s.Start, s.EveryMonths)
	default:
		d.Overdue = true
		return d
	}
	d.Overdue = pastDay(now, d.Next)
	return d
}
