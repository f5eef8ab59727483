package metrics

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
)

var (
	jan = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jul = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	h   = time.Hour
)

func f(v float64) *float64 { return &v }

// inc is an incident detected at det, now in state st, having entered the
// states of reached the given hours after detection.
func inc(id int64, det time.Time, st incident.State, reached map[incident.State]float64) incident.Incident {
	x := incident.Incident{ID: id, Title: "incident", Category: incident.Malware, Severity: incident.SevHigh, State: st, Detected: det,
		Marking: incident.Marking{TLP: incident.Amber}}
	for s, hours := range reached {
		x.Reach(s, det.Add(time.Duration(hours*float64(h))))
	}
	return x
}

func compute(t *testing.T, in Input) Summary {
	t.Helper()
	if in.Window == (Window{}) {
		in.Window = Window{jan, jul}
	}
	s, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDurations(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		incidents               []incident.Incident
		triage, contain, closed Durations
	}{
		{"none", nil, Durations{}, Durations{}, Durations{}},
		{"odd count: the middle one", []incident.Incident{
			inc(1, jan, incident.Contained, map[incident.State]float64{incident.Triaged: 1, incident.Contained: 10}),
			inc(2, jan, incident.Contained, map[incident.State]float64{incident.Triaged: 2, incident.Contained: 2}),
			inc(3, jan, incident.Contained, map[incident.State]float64{incident.Triaged: 9, incident.Contained: 30}),
		}, Durations{3, f(2), f(4)}, Durations{3, f(10), f(14)}, Durations{}},
		{"even count: the mean of the middle two", []incident.Incident{
			inc(1, jan, incident.Closed, map[incident.State]float64{incident.Closed: 10}),
			inc(2, jan, incident.Closed, map[incident.State]float64{incident.Closed: 40}),
			inc(3, jan, incident.Closed, map[incident.State]float64{incident.Closed: 20}),
			inc(4, jan, incident.Reviewed, map[incident.State]float64{incident.Closed: 100, incident.Reviewed: 200}),
		}, Durations{}, Durations{}, Durations{4, f(30), f(42.5)}},
		{"containment skipped: measured to eradication", []incident.Incident{
			inc(1, jan, incident.Eradicated, map[incident.State]float64{incident.Triaged: 1, incident.Eradicated: 5}),
		}, Durations{1, f(1), f(1)}, Durations{1, f(5), f(5)}, Durations{}},
		{"re-opened: not contained or closed now", []incident.Incident{
			inc(1, jan, incident.Triaged, map[incident.State]float64{incident.Triaged: 50, incident.Contained: 3, incident.Closed: 20}),
		}, Durations{1, f(50), f(50)}, Durations{}, Durations{}},
		{"no incident: closed from reported, neither triaged nor contained", []incident.Incident{
			inc(1, jan, incident.Closed, map[incident.State]float64{incident.Closed: 0.5}),
		}, Durations{}, Durations{}, Durations{1, f(0.5), f(0.5)}},
		{"a move stamped before detection is left out", []incident.Incident{
			inc(1, jan.Add(48*h), incident.Contained, map[incident.State]float64{incident.Triaged: -24, incident.Contained: 6}),
		}, Durations{}, Durations{1, f(6), f(6)}, Durations{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := compute(t, Input{Incidents: tc.incidents})
			got := []Durations{s.TimeToTriage, s.TimeToContain, s.TimeToClose}
			if diff := cmp.Diff([]Durations{tc.triage, tc.contain, tc.closed}, got); diff != "" {
				t.Errorf("triage, contain, close -want +got:\n%s", diff)
			}
		})
	}
}

func TestImpact(t *testing.T) {
	withImpact := func(id int64, im *incident.Impact) incident.Incident {
		x := inc(id, jan.Add(time.Duration(id)*h), incident.Closed, nil)
		x.Impact = im
		return x
	}
	cny := func(v float64) *incident.Money { return &incident.Money{Amount: v, Currency: "CNY"} }
	for _, tc := range []struct {
		name             string
		incidents        []incident.Incident
		downtime         Downtime
		personHours      float64
		direct, longTerm []incident.Money
		collated         Ratio
		uncollated       []int64
	}{
		{"nothing recorded: no data, no costs", []incident.Incident{withImpact(1, nil)},
			Downtime{}, 0, []incident.Money{}, []incident.Money{}, ratio(0, 1), []int64{1}},
		{"currencies are never added together", []incident.Incident{
			withImpact(1, &incident.Impact{DowntimeMinutes: 90, PersonHours: 10, DirectCost: cny(12000),
				LongTermCost: &incident.Estimate{Money: incident.Money{Amount: 50000, Currency: "CNY"}, Note: "PIPL fine"}}),
			withImpact(2, &incident.Impact{DowntimeMinutes: 30, PersonHours: 2.5, DirectCost: &incident.Money{Amount: 800, Currency: "USD"}}),
			withImpact(3, &incident.Impact{PersonHours: 1, DirectCost: cny(0.5),
				LongTermCost: &incident.Estimate{Money: incident.Money{Amount: 1000, Currency: "EUR"}}}),
		}, Downtime{Minutes: 120, Incidents: 3, MeanMinutes: f(40), MedianMinutes: f(30)}, 13.5,
			[]incident.Money{{Amount: 12000.5, Currency: "CNY"}, {Amount: 800, Currency: "USD"}},
			[]incident.Money{{Amount: 50000, Currency: "CNY"}, {Amount: 1000, Currency: "EUR"}},
			ratio(3, 3), []int64{}},
		{"an impact without person-hours is not collated; zero downtime is none, not unknown", []incident.Incident{
			withImpact(1, &incident.Impact{LongTermCost: &incident.Estimate{Money: incident.Money{Amount: 1, Currency: "CNY"}}}),
			withImpact(2, &incident.Impact{PersonHours: 4}),
		}, Downtime{Minutes: 0, Incidents: 2, MeanMinutes: f(0), MedianMinutes: f(0)}, 4,
			[]incident.Money{}, []incident.Money{{Amount: 1, Currency: "CNY"}}, ratio(1, 2), []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := compute(t, Input{Incidents: tc.incidents})
			if diff := cmp.Diff(tc.downtime, s.Downtime); diff != "" {
				t.Errorf("downtime -want +got:\n%s", diff)
			}
			if s.PersonHours != tc.personHours {
				t.Errorf("person-hours %v, want %v", s.PersonHours, tc.personHours)
			}
			if diff := cmp.Diff(tc.direct, s.DirectCost); diff != "" {
				t.Errorf("direct cost -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.longTerm, s.LongTermCost); diff != "" {
				t.Errorf("long-term cost -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.collated, s.SAMM.Collated); diff != "" {
				t.Errorf("collated -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.uncollated, s.SAMM.Uncollated); diff != "" {
				t.Errorf("uncollated -want +got:\n%s", diff)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		n, d int
		want Ratio
	}{
		{0, 0, Ratio{}}, // no data: no percentage, not met
		{0, 4, Ratio{0, 4, f(0), false}},
		{4, 5, Ratio{4, 5, f(80), false}}, // 80 % is not more than 80 %
		{5, 6, Ratio{5, 6, f(500.0 / 6), true}},
		{3, 3, Ratio{3, 3, f(100), true}},
	} {
		if diff := cmp.Diff(tc.want, ratio(tc.n, tc.d)); diff != "" {
			t.Errorf("ratio(%d, %d) -want +got:\n%s", tc.n, tc.d, diff)
		}
	}
}

// TestSAMM computes the four success metrics from their inputs.
func TestSAMM(t *testing.T) {
	closed := func(id int64) incident.Incident {
		return inc(id, jan.Add(time.Duration(id)*h), incident.Reviewed, nil)
	}
	open := inc(9, jan, incident.Contained, nil)
	in := Input{
		Incidents:  []incident.Incident{closed(1), closed(2), closed(3), closed(4), closed(5), open},
		Documented: map[int64]bool{1: true, 2: true, 3: true, 4: true, 9: true},
		Informed: map[int64]Reach{
			1: {Stakeholders: 3, Informed: 3}, 2: {Stakeholders: 2, Informed: 0}, 9: {Stakeholders: 5, Informed: 4},
			77: {Stakeholders: 10, Informed: 0}, // not in the window
		},
		Briefing: process.Coverage{From: jan, To: jul, Teams: []string{"data", "payments", "web"}, Briefed: []string{"payments"}},
	}
	s := compute(t, in)
	want := SAMM{
		Target:       80,
		Briefed:      ratio(1, 3),
		BriefedSince: jan,
		Informed:     ratio(7, 10),
		RootCause:    ratio(4, 5), // the open incident is not counted
		Undocumented: []int64{5},
		Collated:     ratio(0, 5),
		Uncollated:   []int64{1, 2, 3, 4, 5},
	}
	if diff := cmp.Diff(want, s.SAMM); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if diff := cmp.Diff([]string{KeyBriefed, KeyInformed, KeyRootCause, KeyCollated}, s.SAMM.Under()); diff != "" {
		t.Errorf("under target -want +got:\n%s", diff)
	}

	// No teams, no trees, nothing closed: no data, and nothing under
	// target.
	empty := compute(t, Input{Incidents: []incident.Incident{open}})
	for _, m := range empty.SAMM.List() {
		if m.Ratio != (Ratio{}) {
			t.Errorf("%s: %+v, want no data", m.Key, m.Ratio)
		}
	}
	if u := empty.SAMM.Under(); u != nil {
		t.Errorf("under target with no data: %v", u)
	}
}

// TestWindowEdges: from is in the window, to is not; the trend runs over
// every month the window touches.
func TestWindowEdges(t *testing.T) {
	w := Window{time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)}
	at := func(id int64, det time.Time, closedAt time.Time) incident.Incident {
		x := inc(id, det, incident.Closed, nil)
		x.Reach(incident.Closed, closedAt)
		return x
	}
	incidents := []incident.Incident{
		at(1, w.From, w.From.Add(h)),                       // on the first instant: in
		at(2, w.To.Add(-time.Nanosecond), w.To.Add(h)),     // on the last instant: in; closed after
		at(3, w.To, w.To.Add(h)),                           // on to: out
		at(4, w.From.Add(-time.Nanosecond), w.From.Add(h)), // before: out, but closed in the window
		at(5, time.Date(2026, 2, 10, 23, 0, 0, 0, time.FixedZone("CST", 8*3600)), time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("CST", 8*3600))),
	}
	s := compute(t, Input{Window: w, Incidents: incidents})
	if s.Incidents != 3 {
		t.Errorf("incidents = %d, want 3 (1, 2 and 5)", s.Incidents)
	}
	var ids []int64
	for _, r := range s.Rows {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]int64{1, 5, 2}, ids); diff != "" {
		t.Errorf("rows by detection -want +got:\n%s", diff)
	}
	// Incident 5 was detected on 10 February in China, in February in
	// UTC too; it closed on 1 March in China, 28 February in UTC.
	want := []Month{
		{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Detected: 1, Closed: 2},
		{Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Detected: 1, Closed: 1},
		{Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Detected: 1, Closed: 0},
	}
	if diff := cmp.Diff(want, s.Months); diff != "" {
		t.Errorf("months -want +got:\n%s", diff)
	}
}

func TestCounts(t *testing.T) {
	x := func(id int64, cat incident.Category, sev incident.Severity, projects, assets []string) incident.Incident {
		y := inc(id, jan.Add(time.Duration(id)*h), incident.Triaged, nil)
		y.Category, y.Severity, y.Projects, y.Assets = cat, sev, projects, assets
		return y
	}
	s := compute(t, Input{
		Incidents: []incident.Incident{
			x(1, incident.Phishing, incident.SevLow, []string{"Payroll", "finance-portal", "payroll "}, []string{"web-01"}),
			x(2, incident.Phishing, incident.SevCritical, []string{"payroll"}, nil),
			x(3, incident.Malware, incident.SevCritical, nil, []string{"web-01", "web-02", "db-01", "unknown"}),
			x(4, incident.Other, incident.SevMedium, nil, []string{"orphan"}),
		},
		AssetTeams: map[string]string{"web-01": "web", "web-02": "web", "db-01": "data", "orphan": ""},
	})
	wantCategories := []Count{{"intrusion", 0}, {"exploitation", 0}, {"malware", 1}, {"data_breach", 0}, {"denial_service", 0},
		{"phishing", 2}, {"insider", 0}, {"misconfiguration", 0}, {"other", 1}}
	if diff := cmp.Diff(wantCategories, s.ByCategory); diff != "" {
		t.Errorf("by category -want +got:\n%s", diff)
	}
	if diff := cmp.Diff([]Count{{"critical", 2}, {"high", 0}, {"medium", 1}, {"low", 1}}, s.BySeverity); diff != "" {
		t.Errorf("by severity -want +got:\n%s", diff)
	}
	// Projects win over assets' teams; names match ignoring case and
	// space, once per incident.
	if diff := cmp.Diff([]Count{{"Payroll", 2}, {"data", 1}, {"finance-portal", 1}, {"web", 1}}, s.ByProject); diff != "" {
		t.Errorf("by project -want +got:\n%s", diff)
	}
	if s.Unattributed != 1 {
		t.Errorf("unattributed = %d, want 1 (incident 4: its asset has no team)", s.Unattributed)
	}
	if diff := cmp.Diff([]string{"Payroll", "finance-portal"}, s.Rows[0].Projects); diff != "" {
		t.Errorf("row 1 projects -want +got:\n%s", diff)
	}
	if s.Open != 4 || s.Closed != 0 {
		t.Errorf("open %d, closed %d; want 4, 0", s.Open, s.Closed)
	}
}

func TestWithhold(t *testing.T) {
	red := inc(2, jan.Add(h), incident.Closed, nil)
	red.Marking.TLP = incident.Red
	s := compute(t, Input{Incidents: []incident.Incident{inc(1, jan, incident.Closed, nil), red, inc(3, jan.Add(2*h), incident.Reviewed, nil)}})
	s.Withhold(func(r Row) bool { return r.Marking.TLP != incident.Red })
	if len(s.Rows) != 2 || s.Rows[0].ID != 1 || s.Rows[1].ID != 3 || s.Withheld != 1 {
		t.Errorf("rows %+v, withheld %d", s.Rows, s.Withheld)
	}
	if diff := cmp.Diff([]int64{1, 3}, s.SAMM.Uncollated); diff != "" {
		t.Errorf("uncollated -want +got:\n%s", diff)
	}
	if s.Incidents != 3 || s.Closed != 3 || s.SAMM.RootCause.Denominator != 3 {
		t.Errorf("withheld incidents must still count: %d incidents, %d closed, %+v", s.Incidents, s.Closed, s.SAMM.RootCause)
	}
}

func TestParseWindow(t *testing.T) {
	now := time.Date(2026, 11, 23, 13, 4, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		from, to string
		want     Window
		err      string
	}{
		{"", "", Window{now.AddDate(-1, 0, 0), now}, ""},
		{"2026-01-01", "", Window{day(2026, 1, 1), now}, ""},
		{"", "2026-07-01", Window{day(2025, 7, 1), day(2026, 7, 1)}, ""},
		{"2026-01-01", "2026-01-02", Window{day(2026, 1, 1), day(2026, 1, 2)}, ""},
		{"2026-01-01", "2026-01-01", Window{}, "invalid metrics window: from: 2026-01-01 is not before to 2026-01-01"},
		{"2026-02-01", "2026-01-01", Window{}, "invalid metrics window: from: 2026-02-01 is not before to 2026-01-01"},
		{"2027-01-01", "", Window{}, "invalid metrics window: from: 2027-01-01 is not before to 2026-11-23T13:04:00Z"},
		{"2026-1-1", "", Window{}, `invalid metrics window: from: "2026-1-1" is not a YYYY-MM-DD day`},
		{"", "tomorrow", Window{}, `invalid metrics window: to: "tomorrow" is not a YYYY-MM-DD day`},
		{"1990-01-01", "2026-01-01", Window{}, "invalid metrics window: 1990-01-01 to 2026-01-01 spans 432 months, more than 240"},
		{"0001-01-01", "9999-12-31", Window{}, "invalid metrics window: from: not set"},
		{"0002-01-01", "9999-12-31", Window{}, "invalid metrics window: 0002-01-01 to 9999-12-31 spans 119976 months, more than 240"},
	} {
		got, err := ParseWindow(tc.from, tc.to, now)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err || !errors.Is(err, ErrWindow) {
				t.Errorf("ParseWindow(%q, %q): error %v, want %q", tc.from, tc.to, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseWindow(%q, %q) = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
		}
	}
	if _, err := Compute(Input{}); !errors.Is(err, ErrWindow) {
		t.Errorf("Compute without a window: %v", err)
	}
}

// TestInputUntouched: Compute neither reorders nor writes into what it
// is given.
func TestInputUntouched(t *testing.T) {
	a := inc(2, jan.Add(h), incident.Closed, nil)
	b := inc(1, jan, incident.Closed, nil)
	b.Projects = make([]string, 0, 4) // room an append would write into
	b.Assets = []string{"web-01"}
	in := []incident.Incident{a, b}
	compute(t, Input{Incidents: in, AssetTeams: map[string]string{"web-01": "web"}})
	if in[0].ID != 2 || len(in[1].Projects) != 0 || in[1].Projects[:1][0] != "" {
		t.Errorf("input changed: %+v", in)
	}
}
