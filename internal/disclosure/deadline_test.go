package disclosure

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAddBusinessDays(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	utc := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	for _, tc := range []struct {
		name string
		from string
		n    int
		loc  *time.Location
		want string
	}{
		{"Monday morning", "2026-11-16T09:00:00Z", 2, time.UTC, "2026-11-18T09:00:00Z"},
		{"Friday afternoon", "2026-11-20T15:00:00Z", 2, time.UTC, "2026-11-24T15:00:00Z"},
		{"Saturday", "2026-11-21T10:00:00Z", 2, time.UTC, "2026-11-24T10:00:00Z"},
		{"Sunday", "2026-11-22T23:00:00Z", 1, time.UTC, "2026-11-23T23:00:00Z"},
		{"zero days", "2026-11-21T10:00:00Z", 0, time.UTC, "2026-11-21T10:00:00Z"},
		// Friday 20:00 in UTC is already Saturday 04:00 in Shanghai:
		// the weekend there decides.
		{"Friday night UTC, Saturday in Shanghai", "2026-11-20T20:00:00Z", 1, shanghai, "2026-11-22T20:00:00Z"},
		{"Friday night UTC, in UTC", "2026-11-20T20:00:00Z", 1, time.UTC, "2026-11-23T20:00:00Z"},
		{"Thursday night UTC, Friday in Shanghai", "2026-11-19T20:00:00Z", 1, shanghai, "2026-11-22T20:00:00Z"},
		{"Thursday night UTC, in UTC", "2026-11-19T20:00:00Z", 1, time.UTC, "2026-11-20T20:00:00Z"},
		{"two weeks", "2026-11-16T09:00:00Z", 10, nil, "2026-11-30T09:00:00Z"},
	} {
		got := AddBusinessDays(utc(tc.from), tc.n, tc.loc)
		if !got.Equal(utc(tc.want)) || got.Location() != time.UTC {
			t.Errorf("%s: AddBusinessDays(%s, %d) = %s, want %s", tc.name, tc.from, tc.n, got, tc.want)
		}
	}
}

func TestPolicy(t *testing.T) {
	received := time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
	p := Policy{AckBusinessDays: 3, TriageDays: 5, DisclosureDays: 45}
	want := Deadlines{Ack: time.Date(2026, 11, 25, 15, 30, 0, 0, time.UTC), Triage: time.Date(2026, 11, 25, 15, 30, 0, 0, time.UTC),
		Disclosure: time.Date(2027, 1, 4, 15, 30, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, p.Deadlines(received)); diff != "" {
		t.Errorf("deadlines -want +got:\n%s", diff)
	}
	for _, tc := range []struct {
		p   Policy
		err string
	}{
		{DefaultPolicy, ""},
		{Policy{AckBusinessDays: 0, TriageDays: 10, DisclosureDays: 90}, "ack-business-days: 0 is not 1–30"},
		{Policy{AckBusinessDays: 2, TriageDays: 200, DisclosureDays: 300}, "triage-days: 200 is not 1–180"},
		{Policy{AckBusinessDays: 2, TriageDays: 10, DisclosureDays: 7}, "deadline-days: 7 is not between triage-days (10) and 365"},
		{Policy{AckBusinessDays: 2, TriageDays: 10, DisclosureDays: 400}, "deadline-days: 400"},
	} {
		err := tc.p.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%+v: %v, want %q", tc.p, err, tc.err)
		}
	}
}

// TestOverdue: which deadlines bind a report in each state, and when
// they are missed.
func TestOverdue(t *testing.T) {
	received := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // a Monday
	ds := DefaultPolicy.Deadlines(received)
	ack, triage, disclosure := ds.Ack, ds.Triage, ds.Disclosure
	for _, tc := range []struct {
		name  string
		state State
		now   time.Time
		want  []Deadline
	}{
		{"fresh", Received, received, nil},
		{"a second before the ack deadline", Received, ack.Add(-time.Second), nil},
		{"at the ack deadline", Received, ack, []Deadline{DeadlineAck}},
		{"unanswered past triage", Received, triage, []Deadline{DeadlineAck, DeadlineTriage}},
		{"acknowledged, past triage", Acknowledged, triage, []Deadline{DeadlineTriage}},
		{"triaged, past triage", Triaged, triage.Add(time.Hour), nil},
		{"accepted, at the disclosure date", Accepted, disclosure, []Deadline{DeadlineDisclosure}},
		{"fixed, not yet published", Fixed, disclosure.Add(time.Hour), []Deadline{DeadlineDisclosure}},
		{"unanswered for ever", Received, disclosure, []Deadline{DeadlineAck, DeadlineTriage, DeadlineDisclosure}},
		{"rejected", Rejected, disclosure, nil},
		{"duplicate", Duplicate, disclosure, nil},
		{"disclosed", Disclosed, disclosure.AddDate(1, 0, 0), nil},
	} {
		r := Report{State: tc.state, Received: received, Deadlines: ds}
		if diff := cmp.Diff(tc.want, r.Overdue(tc.now)); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tc.name, diff)
		}
	}
}

func TestDeadlineWords(t *testing.T) {
	var d Deadline
	if err := d.UnmarshalText([]byte("disclosure")); err != nil || d != DeadlineDisclosure {
		t.Errorf("disclosure: %q, %v", d, err)
	}
	if err := d.UnmarshalText([]byte("publish")); err == nil || !strings.Contains(err.Error(), `unknown deadline "publish" (ack, triage, disclosure)`) {
		t.Errorf("publish: %v", err)
	}
	var ds Deadlines
	at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, k := range DeadlineKinds {
		ds.Set(k, at)
		if !ds.Get(k).Equal(at) {
			t.Errorf("%s: set %s, got %s", k, at, ds.Get(k))
		}
	}
}
