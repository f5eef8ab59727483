package finding

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/risk"
)

func TestMonthlyMTTR(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
	outcomes := []Outcome{
		{Priority: risk.PriorityHigh, FirstSeen: day(9, 1), Closed: day(9, 11), State: Verified},       // 10 days, September
		{Priority: risk.PriorityHigh, FirstSeen: day(9, 1), Closed: day(9, 21), State: Verified},       // 20 days, September
		{Priority: risk.PriorityCritical, FirstSeen: day(10, 30), Closed: day(11, 2), State: Verified}, // 3 days, November
		{Priority: risk.PriorityLow, FirstSeen: day(1, 1), Closed: day(3, 1), State: Verified},         // before the window
		{Priority: risk.PriorityLow, FirstSeen: day(9, 1), Closed: day(9, 2), State: FalsePositive},    // not remediated
		{Priority: risk.PriorityLow, FirstSeen: day(9, 1), State: New},                                 // open
		{FirstSeen: day(9, 1), Closed: day(9, 5), State: Verified},                                     // no priority
	}
	got := MonthlyMTTR(outcomes, day(11, 23), 3)
	want := []Month{
		{Start: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), MTTR: map[risk.Priority]time.Duration{risk.PriorityHigh: 15 * 24 * time.Hour}},
		{Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), MTTR: map[risk.Priority]time.Duration{}},
		{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), MTTR: map[risk.Priority]time.Duration{risk.PriorityCritical: 3 * 24 * time.Hour}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	// The window crosses a year.
	if got := MonthlyMTTR(nil, time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), 2); got[0].Start != time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("months across new year start at %s", got[0].Start)
	}
}

func TestWeeklyExposure(t *testing.T) {
	// Monday 2026-11-16 and Monday 2026-11-23; now is Wednesday 25th.
	at := func(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }
	outcomes := []Outcome{
		{FirstSeen: at(10), State: Triaged, KEV: true, Due: at(20)},                  // open KEV both weeks; overdue from the 20th
		{FirstSeen: at(10), State: Verified, KEV: true, Closed: at(24), Due: at(11)}, // open and overdue at the end of the first week only
		{FirstSeen: at(24), State: New, KEV: true},                                   // seen in the second week
		{FirstSeen: at(10), State: RiskAccepted, Due: at(12)},                        // accepted: not a breach
		{FirstSeen: at(10), State: FalsePositive, KEV: true},                         // closed at an unknown time
		{FirstSeen: at(1), State: InRemediation, Due: at(24), KEV: false},            // overdue in the second week
	}
	got := WeeklyExposure(outcomes, at(25), 2)
	want := []Week{
		{Start: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), KEV: 2, Overdue: 2},
		{Start: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), KEV: 2, Overdue: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}
