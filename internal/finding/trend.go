package finding

import (
	"time"

	"github.com/vmc-dev/vmc/internal/risk"
)

// Month is one calendar month's remediation times.
type Month struct {
	Start time.Time // first day of the month, 00:00 UTC
	// MTTR is the mean time from first seen to closed of the findings
	// remediated (verified) in the month, per priority; a priority with
	// none is absent, not zero.
	MTTR map[risk.Priority]time.Duration
}

// MonthlyMTTR returns the n calendar months (UTC) ending with now's, oldest
// first. A finding counts in the month it was closed, as Bucket.MTTR counts
// it: remediated, with both times known.
func MonthlyMTTR(outcomes []Outcome, now time.Time, n int) []Month {
	now = now.UTC()
	first := time.Date(now.Year(), now.Month()-time.Month(n-1), 1, 0, 0, 0, 0, time.UTC)
	type acc struct {
		sum time.Duration
		n   int
	}
	sums := make([]map[risk.Priority]*acc, n)
	for _, o := range outcomes {
		if o.State != Verified || o.Closed.IsZero() || o.FirstSeen.IsZero() || o.Priority == "" {
			continue
		}
		c := o.Closed.UTC()
		i := (c.Year()-first.Year())*12 + int(c.Month()-first.Month())
		if i < 0 || i >= n {
			continue
		}
		if sums[i] == nil {
			sums[i] = map[risk.Priority]*acc{}
		}
		a := sums[i][o.Priority]
		if a == nil {
			a = &acc{}
			sums[i][o.Priority] = a
		}
		a.sum += max(o.Closed.Sub(o.FirstSeen), 0)
		a.n++
	}
	out := make([]Month, n)
	for i := range out {
		out[i] = Month{Start: first.AddDate(0, i, 0), MTTR: map[risk.Priority]time.Duration{}}
		for p, a := range sums[i] {
			out[i].MTTR[p] = a.sum / time.Duration(a.n)
		}
	}
	return out
}

// Week is the exposure at the end of one week.
type Week struct {
	Start time.Time // Monday 00:00 UTC
	// KEV counts findings on KEV vulnerabilities open at the week's end;
	// Overdue counts open findings past their due date then
	// (Breached).
	KEV, Overdue int
}

// WeeklyExposure returns the n ISO weeks (Monday to Monday, UTC) ending
// with now's, oldest first, each measured at its end (now for the
// current week). A finding was open at t when it had been seen by then and
// was not yet closed; whether it was risk-accepted then is not recorded,
// so its current state decides, which can only under-count past breaches.
func WeeklyExposure(outcomes []Outcome, now time.Time, n int) []Week {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	out := make([]Week, n)
	for i := range out {
		start := monday.AddDate(0, 0, -7*(n-1-i))
		end := start.AddDate(0, 0, 7)
		if end.After(now) {
			end = now
		}
		out[i].Start = start
		for _, o := range outcomes {
			if o.FirstSeen.IsZero() || o.FirstSeen.After(end) || (!o.Closed.IsZero() && !o.Closed.After(end)) {
				continue
			}
			if !o.Closed.IsZero() && !o.State.Open() {
				// Closed after the week's end: it was open then, in some
				// open state; only its acceptance is unknown.
				if o.KEV {
					out[i].KEV++
				}
				if !o.Due.IsZero() && end.After(o.Due) {
					out[i].Overdue++
				}
				continue
			}
			if !o.State.Open() {
				continue // closed at an unknown time
			}
			if o.KEV {
				out[i].KEV++
			}
			if Breached(o.State, o.Due, end) {
				out[i].Overdue++
			}
		}
	}
	return out
}
