package process

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMemberValidate(t *testing.T) {
	ok := func() Member {
		return Member{Name: "Li Wei", User: "liwei", Role: "incident-handler", Contact: "+86 138 0000 0000", Team: "payments", From: day("2026-01-05")}
	}
	for _, tc := range []struct {
		name string
		edit func(*Member)
		err  string
	}{
		{"valid", func(*Member) {}, ""},
		{"external", func(m *Member) { m.User, m.Organisation = "", "Acme Forensics Ltd" }, ""},
		{"left the team", func(m *Member) { m.To = day("2026-06-30") }, ""},
		{"no name", func(m *Member) { m.Name = "" }, `name: "" is not a name`},
		{"padded user", func(m *Member) { m.User = "liwei " }, `user: "liwei " is not a name`},
		{"contact on two lines", func(m *Member) { m.Contact = "a\nb" }, "contact:"},
		{"role with a space", func(m *Member) { m.Role = "incident handler" }, `role: "incident handler" is not a role key`},
		{"no role", func(m *Member) { m.Role = "" }, `role: "" is not a role key`},
		{"no start", func(m *Member) { m.From = time.Time{} }, "from: missing"},
		{"left before joining", func(m *Member) { m.To = day("2025-12-31") }, "to: 2025-12-31 is before from 2026-01-05"},
	} {
		m := ok()
		tc.edit(&m)
		err := m.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	m := ok()
	m.To = day("2026-06-30")
	for at, want := range map[string]bool{"2026-01-04T23:59:59Z": false, "2026-01-05T00:00:00Z": true, "2026-06-30T23:59:59Z": true, "2026-07-01T00:00:00Z": false} {
		tm, _ := time.Parse(time.RFC3339, at)
		if got := m.ActiveOn(tm); got != want {
			t.Errorf("active on %s: %v", at, got)
		}
	}
	if m.External() || !(Member{}).External() {
		t.Error("External")
	}
}

// TestObligations walks the annual training rule through the cases a
// team meets: trained within the year, past it, trained on an older
// version only, new to the team, left, and a role no playbook names.
func TestObligations(t *testing.T) {
	general := sample(t)
	general.Version, general.Created = 2, time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	phishing, err := ParsePlaybook([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	phishing.Version, phishing.Created = 1, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	members := []Member{
		{ID: 1, Name: "Alice", Role: "incident-commander", From: day("2024-01-01")},
		{ID: 2, Name: "Bob", Role: "incident-handler", From: day("2024-01-01")},
		{ID: 3, Name: "Carol", Role: "system-owner", From: day("2026-11-10")},
		{ID: 4, Name: "Dave", Role: "incident-handler", From: day("2024-01-01"), To: day("2026-10-31")},
		{ID: 5, Name: "Erin", Role: "legal", From: day("2024-01-01")},
		{ID: 6, Name: "Frank", Role: "forensic-analyst", From: day("2024-01-01")},
	}
	v := func(p Playbook, n int) incident.PlaybookRef { return incident.PlaybookRef{Key: p.Key, Version: n} }
	trainings := []Training{
		{ID: 1, Member: 1, Playbook: v(general, 2), On: day("2026-09-15"), Trainer: "ciso"},
		{ID: 2, Member: 1, Playbook: v(general, 1), On: day("2026-01-10"), Trainer: "ciso"},
		{ID: 3, Member: 2, Playbook: v(general, 1), On: day("2026-02-01"), Trainer: "alice"},
		{ID: 4, Member: 2, Playbook: v(phishing, 1), On: day("2025-11-25"), Trainer: "alice"},
		{ID: 5, Member: 2, Playbook: v(phishing, 1), On: day("2025-06-01"), Trainer: "alice"},
		{ID: 6, Member: 6, Playbook: v(general, 2), On: day("2025-11-23"), Trainer: "alice"},
		{ID: 7, Member: 6, Playbook: v(general, 3), On: day("2026-11-01"), Trainer: "alice"}, // a version not (yet) current
	}
	for _, tc := range []struct {
		now  string
		want []string
	}{
		{"2026-11-23T12:00:00Z", []string{
			"Alice general-incident-response v2 current 2027-09-15: trained on general-incident-response v2 on 2026-09-15; due again by 2027-09-15",
			// Trained on v1 only; v2 was made on 2026-09-01, so v2 was due 30 days later.
			"Bob general-incident-response v2 overdue 2026-10-01: trained on general-incident-response v1 on 2026-02-01, not on v2; due by 2026-10-01",
			// Trained a year ago less two days: still current.
			"Bob phishing v1 current 2026-11-25: trained on phishing v1 on 2025-11-25; due again by 2026-11-25",
			// Joined on the 10th: 30 days from joining.
			"Carol general-incident-response v2 due 2026-12-10: never trained on general-incident-response; due by 2026-12-10",
			// Trained a year ago today: due by the end of today.
			"Frank general-incident-response v2 current 2026-11-23: trained on general-incident-response v2 on 2025-11-23; due again by 2026-11-23",
		}},
		{"2026-11-24T00:00:00Z", []string{
			"Alice general-incident-response v2 current 2027-09-15: trained on general-incident-response v2 on 2026-09-15; due again by 2027-09-15",
			"Bob general-incident-response v2 overdue 2026-10-01: trained on general-incident-response v1 on 2026-02-01, not on v2; due by 2026-10-01",
			"Bob phishing v1 current 2026-11-25: trained on phishing v1 on 2025-11-25; due again by 2026-11-25",
			"Carol general-incident-response v2 due 2026-12-10: never trained on general-incident-response; due by 2026-12-10",
			"Frank general-incident-response v2 overdue 2026-11-23: trained on general-incident-response v2 on 2025-11-23; due again by 2026-11-23",
		}},
		// Before Carol joined, and while Dave was still on the team.
		{"2026-10-01T09:00:00Z", []string{
			"Alice general-incident-response v2 current 2027-09-15: trained on general-incident-response v2 on 2026-09-15; due again by 2027-09-15",
			"Bob general-incident-response v2 due 2026-10-01: trained on general-incident-response v1 on 2026-02-01, not on v2; due by 2026-10-01",
			"Bob phishing v1 current 2026-11-25: trained on phishing v1 on 2025-11-25; due again by 2026-11-25",
			"Dave general-incident-response v2 due 2026-10-01: never trained on general-incident-response; due by 2026-10-01",
			"Dave phishing v1 overdue 2025-03-31: never trained on phishing; due by 2025-03-31",
			"Frank general-incident-response v2 current 2026-11-23: trained on general-incident-response v2 on 2025-11-23; due again by 2026-11-23",
		}},
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		var got []string
		for _, o := range Obligations(members, []Playbook{general, phishing}, trainings, DefaultTrainingPolicy, now) {
			got = append(got, fmt.Sprintf("%s %s %s %s: %s", o.Member.Name, o.Playbook, o.State, o.DueOn.Format(time.DateOnly), o.Reason()))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("at %s -want +got:\n%s", tc.now, diff)
		}
	}
	// A stricter policy: every six months, no grace.
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, o := range Obligations(members[:1], []Playbook{general}, trainings, TrainingPolicy{EveryMonths: 6}, now) {
		if o.DueOn != day("2027-03-15") || o.State != TrainingCurrent {
			t.Errorf("six-monthly: %+v", o)
		}
	}
}

func TestTrainingValidate(t *testing.T) {
	ok := func() Training {
		return Training{Member: 1, Playbook: incident.PlaybookRef{Key: "general-incident-response", Version: 2}, On: day("2026-09-15"), Trainer: "ciso"}
	}
	for _, tc := range []struct {
		name string
		edit func(*Training)
		err  string
	}{
		{"valid", func(*Training) {}, ""},
		{"no member", func(x *Training) { x.Member = 0 }, "member: missing"},
		{"no playbook", func(x *Training) { x.Playbook.Key = "" }, `playbook.key: "" is not a key`},
		{"no version", func(x *Training) { x.Playbook.Version = 0 }, "playbook.version: missing"},
		{"no day", func(x *Training) { x.On = time.Time{} }, "on: missing"},
		{"no trainer", func(x *Training) { x.Trainer = "" }, `trainer: "" is not a name`},
		{"note with a NUL", func(x *Training) { x.Note = "a\x00" }, "note: control character U+0000"},
	} {
		x := ok()
		tc.edit(&x)
		err := x.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	for _, tc := range []struct {
		p   TrainingPolicy
		err string
	}{
		{DefaultTrainingPolicy, ""},
		{TrainingPolicy{EveryMonths: 0}, "every_months: 0 is not between 1 and 24"},
		{TrainingPolicy{EveryMonths: 36}, "every_months: 36"},
		{TrainingPolicy{EveryMonths: 12, GraceDays: -1}, "grace_days: -1"},
	} {
		err := tc.p.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%+v: %v, want %q", tc.p, err, tc.err)
		}
	}
}

func TestCoverageOf(t *testing.T) {
	teams := []string{"payments", "web", "data", "Web", "mobile"}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	briefings := []Briefing{
		{At: at("2026-06-01T09:00:00Z"), Team: "payments"},     // before the window
		{At: at("2026-06-02T09:00:00Z"), Team: "WEB"},          // the window's first day, another case
		{At: at("2026-10-10T09:00:00Z"), Team: "data"},         //
		{At: at("2026-10-11T09:00:00Z"), Team: "data"},         // twice counts once
		{At: at("2026-11-01T09:00:00Z"), Team: "marketing"},    // no such team
		{At: at("2026-12-02T00:00:00Z"), Team: "mobile"},       // the window's end: out
		{At: at("2026-11-30T09:00:00Z"), Team: "Marketing-EU"}, //
	}
	got := CoverageOf(teams, briefings, at("2026-06-02T00:00:00Z"), at("2026-12-02T00:00:00Z"))
	want := Coverage{From: at("2026-06-02T00:00:00Z"), To: at("2026-12-02T00:00:00Z"),
		Teams: []string{"data", "mobile", "payments", "web"}, Briefed: []string{"data", "web"}, Unbriefed: []string{"mobile", "payments"},
		Unknown: []string{"Marketing-EU", "marketing"}, Percent: 50}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("coverage -want +got:\n%s", diff)
	}
	if c := CoverageOf(nil, briefings, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")); c.Percent != 0 || len(c.Teams) != 0 || c.Teams == nil {
		t.Errorf("no teams: %+v", c)
	}
}

func TestBriefingValidate(t *testing.T) {
	ok := func() Briefing {
		return Briefing{At: day("2026-10-10"), Team: "payments", Playbook: &incident.PlaybookRef{Key: "general-incident-response", Version: 2},
			Attendees: []string{"Zhang San", "Li Si"}, Notes: "Walked through who to call.\nQuestions on weekends.", By: "alice"}
	}
	for _, tc := range []struct {
		name string
		edit func(*Briefing)
		err  string
	}{
		{"valid", func(*Briefing) {}, ""},
		{"on the process in general", func(b *Briefing) { b.Playbook = nil }, ""},
		{"no time", func(b *Briefing) { b.At = time.Time{} }, "at: missing"},
		{"no audience", func(b *Briefing) { b.Team = "" }, `team: "" is not a name`},
		{"bad playbook key", func(b *Briefing) { b.Playbook.Key = "General" }, `playbook.key: "General" is not a key`},
		{"attendee twice", func(b *Briefing) { b.Attendees = append(b.Attendees, "li si") }, `attendees[2]: "li si" is listed twice`},
		{"attendee not a name", func(b *Briefing) { b.Attendees[0] = "" }, `attendees[0]: "" is not a name`},
		{"everyone by name", func(b *Briefing) {
			b.Attendees = nil
			for i := range maxAttendees + 1 {
				b.Attendees = append(b.Attendees, fmt.Sprint("p", i))
			}
		}, "attendees: more than 500"},
		{"nobody gave it", func(b *Briefing) { b.By = "" }, `by: "" is not a name`},
		{"long notes", func(b *Briefing) { b.Notes = strings.Repeat("n", maxNote+1) }, "notes: longer than 16 KiB"},
	} {
		b := ok()
		tc.edit(&b)
		err := b.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestNextReview(t *testing.T) {
	reviews := []Review{
		{ID: 1, On: day("2026-01-20")},
		{ID: 3, On: day("2026-05-31")},
		{ID: 2, On: day("2026-03-02")}, // recorded late, held earlier
	}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	for _, tc := range []struct {
		name     string
		sched    Schedule
		reviews  []Review
		now      string
		next     string
		overdue  bool
		lastFrom int64
	}{
		{"six months after the latest", DefaultSchedule, reviews, "2026-11-23T00:00:00Z", "2026-11-30", false, 3},
		{"on its last day", DefaultSchedule, reviews, "2026-11-30T23:59:59Z", "2026-11-30", false, 3},
		{"the day after", DefaultSchedule, reviews, "2026-12-01T00:00:00Z", "2026-11-30", true, 3},
		{"quarterly", Schedule{EveryMonths: 3}, reviews, "2026-11-23T00:00:00Z", "2026-08-31", true, 3},
		{"none held, from the start", Schedule{EveryMonths: 6, Start: day("2026-09-01")}, nil, "2026-11-23T00:00:00Z", "2027-03-01", false, 0},
		{"none held, no start: due now", DefaultSchedule, nil, "2026-11-23T00:00:00Z", "", true, 0},
	} {
		d := NextReview(tc.sched, tc.reviews, at(tc.now))
		next := ""
		if !d.Next.IsZero() {
			next = d.Next.Format(time.DateOnly)
		}
		var last int64
		if d.Last != nil {
			last = d.Last.ID
		}
		if next != tc.next || d.Overdue != tc.overdue || last != tc.lastFrom || d.Schedule != tc.sched {
			t.Errorf("%s: next %q overdue %v last %d; want %q %v %d", tc.name, next, d.Overdue, last, tc.next, tc.overdue, tc.lastFrom)
		}
	}
	for _, tc := range []struct {
		s   Schedule
		err string
	}{
		{DefaultSchedule, ""},
		{Schedule{EveryMonths: 1}, ""},
		{Schedule{EveryMonths: 7}, "every_months: 7 is not between 1 and 6: SAMM asks for a review at least every six months"},
		{Schedule{}, "every_months: 0"},
	} {
		err := tc.s.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%+v: %v, want %q", tc.s, err, tc.err)
		}
	}
}

func TestReviewValidate(t *testing.T) {
	ok := func() Review {
		return Review{On: day("2026-11-20"), Participants: []string{"alice", "ciso"}, Findings: "Two incidents; MTTR 3 days.", Decisions: "Add a ransomware playbook."}
	}
	for _, tc := range []struct {
		name string
		edit func(*Review)
		err  string
	}{
		{"valid", func(*Review) {}, ""},
		{"no day", func(r *Review) { r.On = time.Time{} }, "on: missing"},
		{"nobody", func(r *Review) { r.Participants = nil }, "participants: none"},
		{"participant twice", func(r *Review) { r.Participants = []string{"alice", "Alice"} }, `participants[1]: "Alice" is listed twice`},
		{"no findings", func(r *Review) { r.Findings = " \n" }, "findings: empty"},
		{"no decisions", func(r *Review) { r.Decisions = "" }, "decisions: empty"},
		{"decisions with a bell", func(r *Review) { r.Decisions = "\a" }, "decisions: control character U+0007"},
	} {
		r := ok()
		tc.edit(&r)
		err := r.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestAddMonths(t *testing.T) {
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-05-31", 6, "2026-11-30"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2026-01-31", 1, "2026-02-28"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2026-03-15", 12, "2027-03-15"},
		{"2026-12-31", 2, "2027-02-28"},
	} {
		if got := addMonths(day(tc.from), tc.n).Format(time.DateOnly); got != tc.want {
			t.Errorf("%s + %d months = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}
