package incident

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Impact is what an incident cost the organisation: the inputs of SAMM
// VM3's incident metrics (downtime and its cost, person-hours spent,
// estimated long-term cost). The projects it affected are the incident's
// own Projects, which the metrics count incidents per.
//
// Every figure is optional: an incident whose impact is still being
// worked out records what is known. A zero figure is "none", not "not
// known": whoever records an impact of no downtime says so.
type Impact struct {
	// DowntimeMinutes is how long the affected service was down or
	// degraded, in minutes.
	DowntimeMinutes int64 `json:"downtime_minutes,omitempty"`
	// DirectCost is what the incident cost outright: recovery,
	// replacement, overtime, third-party forensics, ransom not paid.
	DirectCost *Money `json:"direct_cost,omitempty"`
	// PersonHours is the response effort, in hours of people's time.
	PersonHours float64 `json:"person_hours,omitempty"`
	// LongTermCost is the estimated cost yet to come: fines, lost
	// customers, brand damage; its note says how it was estimated.
	LongTermCost *Estimate `json:"long_term_cost,omitempty"`
}

// Money is an amount in a currency.
type Money struct {
	Amount float64 `json:"amount"`
	// Currency is an ISO 4217 alphabetic code: CNY, USD, EUR.
	Currency string `json:"currency"`
}

// Estimate is an estimated amount and how it was arrived at.
type Estimate struct {
	Money
	Note string `json:"note,omitempty"`
}

// Bounds on impact figures: large enough for any real incident, small
// enough that a typo of a few extra digits, or an overflow, is caught.
const (
	maxDowntimeMinutes = 10 * 366 * 24 * 60 // ten years
	maxAmount          = 1e15
	maxPersonHours     = 1e7
	maxImpactNote      = 4 << 10
)

// Validate checks an impact's figures, naming the first field at fault
// as the API names it.
func (im Impact) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: impact.%s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	switch {
	case im.DowntimeMinutes < 0 || im.DowntimeMinutes > maxDowntimeMinutes:
		return bad("downtime_minutes", "%d is not between 0 and %d (ten years)", im.DowntimeMinutes, maxDowntimeMinutes)
	case math.IsNaN(im.PersonHours) || im.PersonHours < 0 || im.PersonHours > maxPersonHours:
		return bad("person_hours", "%v is not between 0 and %v", im.PersonHours, float64(maxPersonHours))
	}
	if m := im.DirectCost; m != nil {
		if err := m.check(); err != nil {
			return bad("direct_cost."+err.field, "%s", err.msg)
		}
	}
	if e := im.LongTermCost; e != nil {
		if err := e.check(); err != nil {
			return bad("long_term_cost."+err.field, "%s", err.msg)
		}
		if len(e.Note) > maxImpactNote || !utf8.ValidString(e.Note) {
			return bad("long_term_cost.note", "longer than %d KiB or not UTF-8", maxImpactNote>>10)
		}
	}
	return nil
}

type fieldError struct{ field, msg string }

func (m Money) check() *fieldError {
	switch {
	case math.IsNaN(m.Amount) || m.Amount < 0 || m.Amount > maxAmount:
		return &fieldError{"amount", fmt.Sprintf("%v is not between 0 and %v", m.Amount, float64(maxAmount))}
	case !currencyOK(m.Currency):
		return &fieldError{"currency", fmt.Sprintf("%q is not an ISO 4217 code (three capital letters: CNY, USD, EUR)", m.Currency)}
	}
	return nil
}

func currencyOK(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func (m Money) String() string {
	return strconv.FormatFloat(m.Amount, 'f', -1, 64) + " " + m.Currency
}

// String describes an impact for a timeline: every figure, "-" for one
// not recorded.
func (im *Impact) String() string {
	if im == nil {
		return "none recorded"
	}
	money := func(m *Money) string {
		if m == nil {
			return "-"
		}
		return m.String()
	}
	long := "-"
	if e := im.LongTermCost; e != nil {
		long = e.Money.String()
		if e.Note != "" {
			long += " (" + strings.Join(strings.Fields(e.Note), " ") + ")"
		}
	}
	return fmt.Sprintf("downtime %s, direct cost %s, %s person-hours, long-term cost %s",
		time.Duration(im.DowntimeMinutes)*time.Minute, money(im.DirectCost), strconv.FormatFloat(im.PersonHours, 'f', -1, 64), long)
}

// PlaybookRef names the version of a response playbook an incident
// follows (package incident/process keeps the playbooks).
type PlaybookRef struct {
	Key     string `json:"key"`
	Version int    `json:"version"`
}

func (r PlaybookRef) String() string { return fmt.Sprintf("%s v%d", r.Key, r.Version) }
