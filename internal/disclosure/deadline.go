package disclosure

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Deadline names one of a report's deadlines.
type Deadline string

const (
	// DeadlineAck: the reporter is told their report arrived.
	DeadlineAck Deadline = "ack"
	// DeadlineTriage: the report is assessed and decided (Decisions).
	DeadlineTriage Deadline = "triage"
	// DeadlineDisclosure: the coordinated-disclosure date, after which
	// the reporter may publish; the fix and the advisory should be out.
	DeadlineDisclosure Deadline = "disclosure"
)

// DeadlineKinds lists the deadlines in the order they fall.
var DeadlineKinds = []Deadline{DeadlineAck, DeadlineTriage, DeadlineDisclosure}

func (d Deadline) String() string { return string(d) }

// IsValid reports whether d is a known deadline.
func (d Deadline) IsValid() bool { return slices.Contains(DeadlineKinds, d) }

// UnmarshalText rejects unknown deadlines.
func (d *Deadline) UnmarshalText(b []byte) error {
	if !Deadline(b).IsValid() {
		return fmt.Errorf("unknown deadline %q (%s)", b, join(DeadlineKinds))
	}
	*d = Deadline(b)
	return nil
}

// Deadlines are a report's three dates.
type Deadlines struct {
	Ack        time.Time `json:"ack"`
	Triage     time.Time `json:"triage"`
	Disclosure time.Time `json:"disclosure"`
}

// Get returns deadline d.
func (ds Deadlines) Get(d Deadline) time.Time {
	switch d {
	case DeadlineAck:
		return ds.Ack
	case DeadlineTriage:
		return ds.Triage
	case DeadlineDisclosure:
		return ds.Disclosure
	}
	return time.Time{}
}

// Set changes deadline d to at.
func (ds *Deadlines) Set(d Deadline, at time.Time) {
	switch d {
	case DeadlineAck:
		ds.Ack = at
	case DeadlineTriage:
		ds.Triage = at
	case DeadlineDisclosure:
		ds.Disclosure = at
	}
}

func (ds Deadlines) check(received time.Time) error {
	for _, d := range DeadlineKinds {
		switch at := ds.Get(d); {
		case at.IsZero():
			return fieldErr("deadlines."+string(d), "empty", "missing")
		case !at.After(received):
			return fieldErr("deadlines."+string(d), "format", "%s is not after the report was received (%s)",
				at.UTC().Format(time.RFC3339), received.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// Policy sets the deadlines of the reports an organisation receives.
type Policy struct {
	// AckBusinessDays is how many business days (Monday to Friday, in
	// Location) the team has to acknowledge a report [2].
	AckBusinessDays int
	// TriageDays is how many calendar days it has to decide [10].
	TriageDays int
	// DisclosureDays is how many calendar days after receipt the
	// coordinated-disclosure date falls [90, as Google Project Zero and
	// the CERT/CC guide's common practice].
	DisclosureDays int
	// Location decides where business days begin and end [UTC]. Public
	// holidays and China's swapped working weekends are not known: a
	// team that closes for a holiday adjusts the deadlines it affects.
	Location *time.Location
}

// DefaultPolicy is the policy when none is configured.
var DefaultPolicy = Policy{AckBusinessDays: 2, TriageDays: 10, DisclosureDays: 90, Location: time.UTC}

// ErrPolicy marks a policy that cannot be applied.
var ErrPolicy = errors.New("invalid disclosure policy")

// Validate checks that the deadlines fall in order and within a year: a
// disclosure date further off than that is not coordination but silence.
func (p Policy) Validate() error {
	switch {
	case p.AckBusinessDays < 1 || p.AckBusinessDays > 30:
		return fmt.Errorf("%w: ack-business-days: %d is not 1–30", ErrPolicy, p.AckBusinessDays)
	case p.TriageDays < 1 || p.TriageDays > 180:
		return fmt.Errorf("%w: triage-days: %d is not 1–180", ErrPolicy, p.TriageDays)
	case p.DisclosureDays < p.TriageDays || p.DisclosureDays > 365:
		return fmt.Errorf("%w: deadline-days: %d is not between triage-days (%d) and 365", ErrPolicy, p.DisclosureDays, p.TriageDays)
	}
	return nil
}

// Deadlines returns the deadlines of a report received at received.
func (p Policy) Deadlines(received time.Time) Deadlines {
	return Deadlines{
		Ack:        AddBusinessDays(received, p.AckBusinessDays, p.Location),
		Triage:     received.AddDate(0, 0, p.TriageDays),
		Disclosure: received.AddDate(0, 0, p.DisclosureDays),
	}
}

// AddBusinessDays returns the time n business days after t, at the same
// time of day in loc: each day counts when it falls on a Monday to
// Friday in loc. A report received on Friday afternoon with two days to
// answer is due on Tuesday afternoon; one received on Saturday, on
// Tuesday at the time it came. The result is in t's location.
func AddBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	d := t.In(loc)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d.In(t.Location())
}

// Applies reports whether deadline d still binds the report: the
// acknowledgement until it is acknowledged (or closed without), triage
// until it is decided, disclosure until it is disclosed or closed as no
// vulnerability of ours.
func (r Report) Applies(d Deadline) bool {
	switch d {
	case DeadlineAck:
		return r.State == Received
	case DeadlineTriage:
		return r.State == Received || r.State == Acknowledged
	case DeadlineDisclosure:
		return r.State.Open()
	}
	return false
}

// Overdue lists the deadlines the report has missed at now, in order.
func (r Report) Overdue(now time.Time) []Deadline {
	var out []Deadline
	for _, d := range DeadlineKinds {
		if r.Applies(d) && !now.Before(r.Deadlines.Get(d)) {
			out = append(out, d)
		}
	}
	return out
}
