package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// testIncidents walks an incident through the store: reported, a refused
// update of its state, reclassified, moved through the response with a
// refused move and a refused close while a task is open, notes and tasks
// on its timeline; every write in the audit log as its author's.
func testIncidents(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	detected := time.Date(2026, 10, 31, 22, 15, 0, 123456789, time.UTC)
	report := incident.Incident{Title: "Webshell on shop-web", Category: incident.Exploitation, Severity: incident.SevHigh,
		Assets: []string{"shop-web"}, Vulns: []string{"CVE-2021-44228"}, PersonalData: true, Owner: "alice",
		Marking: incident.Marking{TLP: incident.Amber, Embargo: &incident.Embargo{Until: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			Reason: "coordinated disclosure", Recipients: []string{"psirt@vendor.example"}}},
		Detected: detected}

	if _, err := s.PutIncident(ctx, incident.Incident{Title: "no category", Detected: detected}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an invalid incident: %v", err)
	}
	if _, err := s.PutIncident(ctx, report, ""); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an incident nobody reported: %v", err)
	}
	triaged := report
	triaged.State = incident.Triaged
	if _, err := s.PutIncident(ctx, triaged, "alice"); !errors.Is(err, incident.ErrTransition) {
		t.Errorf("a new incident already triaged: %v", err)
	}
	in, err := s.PutIncident(ctx, report, "alice")
	if err != nil {
		t.Fatal(err)
	}
	want := report
	want.ID, want.State, want.Reported = in.ID, incident.Reported, c.now()
	want.Reached = map[incident.State]time.Time{incident.Reported: c.now()}
	want.Detected = detected.Truncate(time.Microsecond)
	if diff := cmp.Diff(want, in); in.ID == 0 || diff != "" {
		t.Errorf("reported -want +got:\n%s", diff)
	}
	if report.Detected != detected || report.State != "" {
		t.Errorf("PutIncident changed its input: %+v", report)
	}
	if got, err := s.Incident(ctx, in.ID); err != nil || !cmp.Equal(in, got) {
		t.Errorf("read back -put +got:\n%s (%v)", cmp.Diff(in, got), err)
	}
	if _, err := s.Incident(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown incident: %v", err)
	}

	// A second, low and already closed as no incident at all.
	c.tick()
	phish, err := s.PutIncident(ctx, incident.Incident{Title: "Phishing mail to finance", Category: incident.Phishing, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Green}, Detected: c.now(), Reported: c.now()}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveIncident(ctx, phish.ID, incident.Closed, "bob", "reported by the mail filter; nobody clicked"); err != nil {
		t.Fatal(err)
	}

	// Updates keep the state; a change of classification is on the
	// timeline.
	c.tick()
	moved := in
	moved.State = incident.Contained
	if _, err := s.PutIncident(ctx, moved, "alice"); !errors.Is(err, incident.ErrTransition) {
		t.Errorf("a state change by update: %v", err)
	}
	worse := in
	worse.Severity = incident.SevCritical
	worse.Marking.TLP = incident.Red
	if in, err = s.PutIncident(ctx, worse, "alice"); err != nil || in.Severity != incident.SevCritical || in.Reported != want.Reported {
		t.Fatalf("reclassified: %+v, %v", in, err)
	}

	// The response. A move the process does not allow says what is.
	c.tick()
	if _, err := s.MoveIncident(ctx, in.ID, incident.Recovered, "alice", "too soon"); !errors.Is(err, incident.ErrTransition) ||
		!strings.Contains(err.Error(), "reported → recovered (from reported: triaged, closed)") {
		t.Errorf("reported → recovered: %v", err)
	}
	if _, err := s.MoveIncident(ctx, 99, incident.Triaged, "alice", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("moving no incident: %v", err)
	}
	if in, err = s.MoveIncident(ctx, in.ID, incident.Triaged, "alice", "confirmed: JSP webshell in uploads/"); err != nil || in.State != incident.Triaged {
		t.Fatalf("reported → triaged: %+v, %v", in, err)
	}

	c.tick()
	due := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	isolate, err := s.PutTask(ctx, incident.Task{Incident: in.ID, Title: "Isolate shop-web from the load balancer", Kind: incident.TaskContainment,
		Owner: "bob", Due: due, Link: "CHG-2026-1182"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if isolate.ID == 0 || isolate.Incident != in.ID || !isolate.Open() {
		t.Errorf("task: %+v", isolate)
	}
	rebuild, err := s.PutTask(ctx, incident.Task{Incident: in.ID, Title: "Rebuild shop-web from the golden image", Kind: incident.TaskRecovery, Owner: "carol"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutTask(ctx, incident.Task{Incident: 99, Title: "x", Kind: incident.TaskOther, Owner: "bob"}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a task on no incident: %v", err)
	}
	if _, err := s.PutTask(ctx, incident.Task{Incident: in.ID, Title: "x", Kind: "cleanup", Owner: "bob"}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a task of an unknown kind: %v", err)
	}
	moveTask := isolate
	moveTask.Incident = phish.ID
	if _, err := s.PutTask(ctx, moveTask, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a task moved to another incident: %v", err)
	}

	c.tick()
	if _, err := s.AddEvent(ctx, in.ID, incident.Event{Actor: "bob", Kind: incident.EventNote, Text: "shop-web out of the pool at 23:40; traffic on shop-web-2."}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvent(ctx, in.ID, incident.Event{Actor: "bob", Kind: incident.EventState, Text: "contained"}); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a state event added by hand: %v", err)
	}
	if _, err := s.AddEvent(ctx, in.ID, incident.Event{Actor: "bob", Kind: incident.EventNote}); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an empty note: %v", err)
	}
	if _, err := s.AddEvent(ctx, 99, incident.Event{Actor: "bob", Kind: incident.EventNote, Text: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a note on no incident: %v", err)
	}
	briefedAt := time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC)
	briefing, err := s.AddEvent(ctx, in.ID, incident.Event{At: briefedAt, Actor: "alice", Kind: incident.EventBriefing, Text: "CISO briefed by phone."})
	if err != nil || briefing.ID == 0 || !briefing.At.Equal(briefedAt) {
		t.Errorf("a briefing at a given time: %+v, %v", briefing, err)
	}

	c.tick()
	isolate.Done = c.now()
	if isolate, err = s.PutTask(ctx, isolate, "bob"); err != nil || isolate.Open() || isolate.DoneBy != "bob" {
		t.Fatalf("task done: %+v, %v", isolate, err)
	}
	if again, err := s.PutTask(ctx, isolate, "bob"); err != nil || !cmp.Equal(again, isolate) {
		t.Errorf("an unchanged task: %+v, %v", again, err)
	}
	for _, to := range []incident.State{incident.Contained, incident.Eradicated, incident.Recovered} {
		c.tick()
		if in, err = s.MoveIncident(ctx, in.ID, to, "alice", ""); err != nil {
			t.Fatalf("→ %s: %v", to, err)
		}
	}
	if _, err := s.MoveIncident(ctx, in.ID, incident.Closed, "alice", "done"); !errors.Is(err, incident.ErrOpenTasks) ||
		!strings.Contains(err.Error(), "Rebuild shop-web from the golden image (recovery, carol)") {
		t.Errorf("closing with a recovery task open: %v", err)
	}
	c.tick()
	rebuild.Done = c.now()
	if rebuild, err = s.PutTask(ctx, rebuild, "carol"); err != nil {
		t.Fatal(err)
	}
	if in, err = s.MoveIncident(ctx, in.ID, incident.Closed, "alice", "service restored"); err != nil {
		t.Fatal(err)
	}
	// Every state it went through has its time, the close now's; the
	// metrics measure from these.
	if len(in.Reached) != 6 || !in.Reached[incident.Closed].Equal(c.now()) ||
		!in.Reached[incident.Contained].Before(in.Reached[incident.Eradicated]) || !in.Reached[incident.Reported].Equal(in.Reported) {
		t.Errorf("states reached: %v", in.Reached)
	}
	if got, err := s.Incident(ctx, in.ID); err != nil || !cmp.Equal(got.Reached, in.Reached) {
		t.Errorf("states reached read back: %v, %v", got.Reached, err)
	}

	tasks, err := s.ListTasks(ctx, in.ID)
	if err != nil || !cmp.Equal(tasks, []incident.Task{isolate, rebuild}) {
		t.Errorf("tasks -want +got:\n%s (%v)", cmp.Diff([]incident.Task{isolate, rebuild}, tasks), err)
	}
	if got, err := s.Task(ctx, isolate.ID); err != nil || !cmp.Equal(got, isolate) || !got.Due.Equal(due) {
		t.Errorf("task read back: %+v, %v", got, err)
	}
	if _, err := s.Task(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown task: %v", err)
	}
	if _, err := s.ListTasks(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("tasks of no incident: %v", err)
	}

	// The timeline: everything that happened, in the order it was
	// recorded, by whom.
	tl, err := s.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl {
		lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
	}
	wantLines := []string{
		"alice state reported: Webshell on shop-web (exploitation, high, TLP:AMBER, embargo until 2026-12-01T00:00:00Z (coordinated disclosure))",
		"alice classification severity high → critical; marking TLP:AMBER, embargo until 2026-12-01T00:00:00Z (coordinated disclosure) → TLP:RED, embargo until 2026-12-01T00:00:00Z (coordinated disclosure)",
		"alice state reported → triaged: confirmed: JSP webshell in uploads/",
		"alice task task 1 added: Isolate shop-web from the load balancer (containment, owner bob, due 2026-11-03, CHG-2026-1182)",
		"alice task task 2 added: Rebuild shop-web from the golden image (recovery, owner carol)",
		"bob note shop-web out of the pool at 23:40; traffic on shop-web-2.",
		"alice briefing CISO briefed by phone.",
		"bob task task 1 done by bob: Isolate shop-web from the load balancer",
		"alice state triaged → contained",
		"alice state contained → eradicated",
		"alice state eradicated → recovered",
		"carol task task 2 done by carol: Rebuild shop-web from the golden image",
		"alice state recovered → closed: service restored",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}
	if len(tl) > 0 && (tl[0].ID == 0 || tl[0].Incident != in.ID || !tl[0].At.Equal(want.Reported)) {
		t.Errorf("first event: %+v", tl[0])
	}
	if _, err := s.Timeline(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("timeline of no incident: %v", err)
	}

	// Lists, newest first, by state, category, severity and openness.
	c.tick()
	if _, err := s.PutIncident(ctx, incident.Incident{Title: "Ransomware on a build agent", Category: incident.Malware, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Red}, Detected: c.now()}, "carol"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    store.IncidentQuery
		want []string
	}{
		{store.IncidentQuery{}, []string{"Ransomware on a build agent", "Phishing mail to finance", "Webshell on shop-web"}},
		{store.IncidentQuery{Open: true}, []string{"Ransomware on a build agent"}},
		{store.IncidentQuery{State: incident.Closed}, []string{"Phishing mail to finance", "Webshell on shop-web"}},
		{store.IncidentQuery{Category: incident.Exploitation}, []string{"Webshell on shop-web"}},
		{store.IncidentQuery{Severity: incident.SevHigh}, []string{"Ransomware on a build agent"}},
		{store.IncidentQuery{Severity: incident.SevLow, Open: true}, nil},
	} {
		list, err := s.ListIncidents(ctx, tc.q)
		var got []string
		for _, x := range list {
			got = append(got, x.Title)
		}
		if err != nil || !cmp.Equal(tc.want, got) {
			t.Errorf("ListIncidents(%+v) = %q, %v; want %q", tc.q, got, err, tc.want)
		}
	}

	es, err := s.AuditOf(ctx, "incident:1")
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, x := range es {
		acts = append(acts, x.Actor+" "+x.Action)
	}
	wantActs := []string{"alice incident.create", "alice incident.classify", "alice incident.state", "alice incident.task.create",
		"alice incident.task.create", "bob incident.event", "alice incident.event", "bob incident.task.done",
		"alice incident.state", "alice incident.state", "alice incident.state", "carol incident.task.done", "alice incident.state"}
	if diff := cmp.Diff(wantActs, acts); diff != "" {
		t.Errorf("audit of incident 1 -want +got:\n%s", diff)
	}
	verifyAudit(t, s)
}
