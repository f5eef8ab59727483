package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/store"
)

// set moves the clock to t.
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// testIncidentMetrics gathers the VM3 metrics from a store holding a
// quarter of incidents, each moved through the response at known times,
// with their impacts, root causes, communication and the process's
// briefings and reviews, and checks every figure against what was
// recorded and against the store's own root-cause coverage.
func testIncidentMetrics(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	day := func(m time.Month, d, hour int) time.Time { return time.Date(2026, m, d, hour, 0, 0, 0, time.UTC) }
	w := metrics.Window{From: day(9, 1, 0), To: day(12, 1, 0)}

	for _, a := range []asset.Asset{
		{Name: "web-01", Kind: asset.KindHost, Team: "web"},
		{Name: "db-01", Kind: asset.KindHost, Team: "data"},
	} {
		if _, err := s.PutAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	report := func(x incident.Incident) incident.Incident {
		t.Helper()
		c.set(x.Detected.Add(30 * time.Minute))
		x.State, x.Severity = incident.Reported, incident.SevHigh
		if x.Marking.TLP == "" {
			x.Marking.TLP = incident.Amber
		}
		got, err := s.PutIncident(ctx, x, "alice")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// move takes an incident through states, each the given hours after
	// its detection.
	move := func(x incident.Incident, steps ...any) incident.Incident {
		t.Helper()
		for i := 0; i < len(steps); i += 2 {
			c.set(x.Detected.Add(time.Duration(steps[i].(float64) * float64(time.Hour))))
			var err error
			if x, err = s.MoveIncident(ctx, x.ID, steps[i+1].(incident.State), "alice", ""); err != nil {
				t.Fatal(err)
			}
		}
		return x
	}

	// Everything happens in the order of its times, as it would. Detected
	// before the window and closed inside it, this report counts towards
	// October's closures only.
	before := report(incident.Incident{Title: "Old report", Category: incident.Other, Detected: day(8, 20, 0)})

	// Phishing on payroll, the whole way through: triaged after 2 h,
	// contained after 6 h, closed after 3 days, reviewed.
	phish := report(incident.Incident{Title: "Phishing mail harvested a finance password", Category: incident.Phishing,
		Projects: []string{"payroll"}, Assets: []string{"web-01"}, Detected: day(9, 10, 8)})
	phish = move(phish, 2.0, incident.Triaged, 6.0, incident.Contained, 30.0, incident.Eradicated, 50.0, incident.Recovered,
		72.0, incident.Closed, 200.0, incident.Reviewed)
	if _, err := s.SetImpact(ctx, phish.ID, incident.Impact{DowntimeMinutes: 150, PersonHours: 18.5,
		DirectCost:   &incident.Money{Amount: 12000, Currency: "CNY"},
		LongTermCost: &incident.Estimate{Money: incident.Money{Amount: 50000, Currency: "CNY"}, Note: "possible PIPL fine"}}, nil, "alice", ""); err != nil {
		t.Fatal(err)
	}
	cause, err := s.PutCause(ctx, incident.Cause{Incident: phish.ID, Kind: incident.CauseSocialEngineering, Description: "A convincing lure."}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRecommendation(ctx, incident.Recommendation{Incident: phish.ID, Cause: cause.ID, Text: "Phishing drills every quarter.", Owner: "bob"}, "alice"); err != nil {
		t.Fatal(err)
	}

	move(before, 24*45.0, incident.Closed) // 4 October

	// Malware on the database server, containment skipped: eradicated
	// after 10 h, closed after 4 days; its impact has a cost in dollars
	// and no person-hours yet, and no root cause.
	malware := report(incident.Incident{Title: "Cryptominer on db-01", Category: incident.Malware, Assets: []string{"db-01"}, Detected: day(10, 5, 0)})
	malware = move(malware, 1.0, incident.Triaged, 10.0, incident.Eradicated, 20.0, incident.Recovered, 96.0, incident.Closed)
	if _, err := s.SetImpact(ctx, malware.ID, incident.Impact{DowntimeMinutes: 30, DirectCost: &incident.Money{Amount: 800, Currency: "USD"}},
		nil, "alice", ""); err != nil {
		t.Fatal(err)
	}

	// Still open, and marked RED.
	beacon := report(incident.Incident{Title: "Unknown beacon from web-01", Category: incident.Intrusion, Assets: []string{"web-01"},
		Detected: day(11, 20, 0), Marking: incident.Marking{TLP: incident.Red}})
	beacon = move(beacon, 4.0, incident.Triaged)

	// The phishing incident's tree: two stakeholders, one sent its
	// report; the other only paged by an escalation, which discloses
	// nothing.
	var tree []incident.Stakeholder
	for _, st := range []incident.Stakeholder{
		{Incident: phish.ID, Name: "Finance", Role: incident.RoleCustomer, Email: "finance@example.com", Lang: "zh-CN", Clearance: incident.Amber},
		{Incident: phish.ID, Name: "alice", Role: incident.RoleCommander, Email: "alice@example.com", Lang: "en", Clearance: incident.Red},
	} {
		got, err := s.PutStakeholder(ctx, st, "alice")
		if err != nil {
			t.Fatal(err)
		}
		tree = append(tree, got)
	}
	msg := func(st incident.Stakeholder, kind incident.MessageKind, level int) incident.Delivery {
		return incident.Delivery{Incident: phish.ID, Stakeholder: st.ID, Name: st.Name, Channel: incident.ChannelEmail, Address: st.Email,
			Kind: kind, Level: level, Subject: "[TLP:AMBER] INC", Status: incident.DeliveryPending}
	}
	ds, err := s.QueueDeliveries(ctx, []incident.Delivery{msg(tree[0], incident.MessageNew, 0), msg(tree[1], incident.MessageEscalation, 1)}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		d.Status, d.Attempts = incident.DeliverySent, 1
		if _, err := s.FinishDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}

	// Briefings: web within six months of the window's end, data before.
	for _, b := range []process.Briefing{
		{At: day(7, 1, 9), Team: "WEB", By: "alice"},
		{At: day(5, 1, 9), Team: "data", By: "alice"},
	} {
		if _, err := s.AddBriefing(ctx, b, "alice"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddReview(ctx, process.Review{On: day(6, 30, 0), Participants: []string{"ciso"}, Findings: "One incident.", Decisions: "None."}, "alice"); err != nil {
		t.Fatal(err)
	}

	now := day(12, 2, 0)
	got, err := store.IncidentMetrics(ctx, s, w, now)
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	ratio := func(n, d int) metrics.Ratio {
		p := 100 * float64(n) / float64(d)
		return metrics.Ratio{Numerator: n, Denominator: d, Percent: &p, Met: p > metrics.Target}
	}
	month := func(m time.Month, detected, closed int) metrics.Month {
		return metrics.Month{Start: day(m, 1, 0), Detected: detected, Closed: closed}
	}
	want := metrics.Summary{
		Window:    w,
		Incidents: 3, Open: 1, Closed: 2,
		ByProject: []metrics.Count{{Key: "data", Incidents: 1}, {Key: "payroll", Incidents: 1}, {Key: "web", Incidents: 1}},
		Months:    []metrics.Month{month(9, 1, 1), month(10, 1, 2), month(11, 1, 0)},
		Downtime:  metrics.Downtime{Minutes: 180, Incidents: 2, MeanMinutes: f(90), MedianMinutes: f(90)},
		// The phishing incident's 18.5 hours; the malware's impact has
		// none.
		PersonHours:   18.5,
		DirectCost:    []incident.Money{{Amount: 12000, Currency: "CNY"}, {Amount: 800, Currency: "USD"}},
		LongTermCost:  []incident.Money{{Amount: 50000, Currency: "CNY"}},
		TimeToTriage:  metrics.Durations{Incidents: 3, MedianHours: f(2), MeanHours: f(7.0 / 3)},
		TimeToContain: metrics.Durations{Incidents: 2, MedianHours: f(8), MeanHours: f(8)},
		TimeToClose:   metrics.Durations{Incidents: 2, MedianHours: f(84), MeanHours: f(84)},
		SAMM: metrics.SAMM{
			Target:       metrics.Target,
			Briefed:      ratio(1, 2),
			BriefedSince: day(6, 1, 0),
			Informed:     ratio(1, 2),
			RootCause:    ratio(1, 2),
			Undocumented: []int64{malware.ID},
			Collated:     ratio(1, 2),
			Uncollated:   []int64{malware.ID},
		},
	}
	opts := cmp.Options{cmpopts.IgnoreFields(metrics.Summary{}, "ByCategory", "BySeverity", "Review", "Rows")}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("metrics -want +got:\n%s", diff)
	}
	for _, c := range got.ByCategory {
		if n := map[string]int{"phishing": 1, "malware": 1, "intrusion": 1}[c.Key]; c.Incidents != n {
			t.Errorf("category %s: %d incidents, want %d", c.Key, c.Incidents, n)
		}
	}
	if len(got.Rows) != 3 || got.Rows[0].ID != phish.ID || got.Rows[2].ID != beacon.ID || got.Rows[2].Marking.TLP != incident.Red ||
		got.Rows[0].Impact == nil || got.Rows[0].Impact.PersonHours != 18.5 {
		t.Errorf("rows: %+v", got.Rows)
	}
	// A review was held on 30 June: the next is due by 30 December.
	if r := got.Review; r.Last == nil || !r.Next.Equal(day(12, 30, 0)) || r.Overdue {
		t.Errorf("review: %+v", r)
	}
	// The root-cause figures are the store's own coverage.
	cov, err := s.RCACoverage(ctx, store.RCACoverageQuery{From: w.From, To: w.To})
	if err != nil {
		t.Fatal(err)
	}
	if got.SAMM.RootCause.Numerator != cov.Documented || got.SAMM.RootCause.Denominator != cov.Incidents {
		t.Errorf("root cause %+v, coverage %+v", got.SAMM.RootCause, cov)
	}

	// Re-opened, the malware incident is open again: it leaves the closed
	// incidents' metrics and the time to close; October keeps its
	// closure as a fact of October.
	move(malware, 24*60.0, incident.Triaged)
	got, err = store.IncidentMetrics(ctx, s, w, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Open != 2 || !cmp.Equal(got.SAMM.RootCause, ratio(1, 1)) || len(got.SAMM.Undocumented) != 0 || got.TimeToClose.Incidents != 1 ||
		got.Months[1].Closed != 2 {
		t.Errorf("after re-opening: open %d, root cause %+v %v, time to close %+v, October %+v",
			got.Open, got.SAMM.RootCause, got.SAMM.Undocumented, got.TimeToClose, got.Months[1])
	}

	if _, err := store.IncidentMetrics(ctx, s, metrics.Window{From: w.To, To: w.From}, now); err == nil {
		t.Error("a window ending before it starts was measured")
	}
}
