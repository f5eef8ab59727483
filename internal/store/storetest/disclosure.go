package storetest

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// testDisclosures takes reports in from outside and carries them through
// coordinated disclosure: received with deadlines and a code, found by
// status link, acknowledged, triaged, a duplicate, a deadline moved, a
// conversation with the reporter, credit, an incident opened from one
// and another linked; refused moves and impersonation; every write in
// the audit log, without the reporter's identity or the description.
func testDisclosures(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	received := c.now() // 2026-11-01 08:00 UTC, a Sunday
	policy := disclosure.Policy{AckBusinessDays: 2, TriageDays: 10, DisclosureDays: 90, Location: time.UTC}
	sub := disclosure.Submission{Title: "Stored XSS in the admin console", Description: "1. log in\r\n2. <script>alert(1)</script>",
		Product: "shop-web", Version: "2.4.0", ReporterName: "李雷", ReporterContact: "lilei@example.cn", WantsCredit: true, Lang: "zh-CN"}

	_, statusID, statusHash := auth.NewStatusToken()
	if _, err := s.SubmitReport(ctx, disclosure.Submission{Description: "no title"}, policy, statusID, statusHash, ""); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a report without a title: %v", err)
	}
	if _, err := s.SubmitReport(ctx, sub, policy, "", "", ""); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a report without a status link: %v", err)
	}
	xss, err := s.SubmitReport(ctx, sub, policy, statusID, statusHash, "")
	if err != nil {
		t.Fatal(err)
	}
	want := disclosure.Report{ID: xss.ID, Code: xss.Code, Title: sub.Title, Description: "1. log in\n2. <script>alert(1)</script>",
		Product: "shop-web", Version: "2.4.0", Reporter: disclosure.Reporter{Name: "李雷", Contact: "lilei@example.cn"},
		Credit: disclosure.Credit{Wanted: true, Name: "李雷"}, Lang: "zh-CN", State: disclosure.Received,
		Marking: incident.Marking{TLP: incident.Amber}, Received: received,
		Deadlines: disclosure.Deadlines{Ack: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC), Triage: time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC),
			Disclosure: time.Date(2027, 1, 30, 8, 0, 0, 0, time.UTC)}}
	if diff := cmp.Diff(want, xss); xss.ID == 0 || !disclosure.ValidCode(xss.Code) || diff != "" {
		t.Errorf("submitted -want +got:\n%s", diff)
	}
	if got, err := s.Report(ctx, xss.ID); err != nil || !cmp.Equal(xss, got) {
		t.Errorf("read back -put +got:\n%s (%v)", cmp.Diff(xss, got), err)
	}
	if got, err := s.ReportByCode(ctx, xss.Code); err != nil || got.ID != xss.ID {
		t.Errorf("by code: %+v, %v", got, err)
	}
	if got, hash, err := s.ReportByStatus(ctx, statusID); err != nil || got.ID != xss.ID || hash != statusHash {
		t.Errorf("by status link: %d %q, %v", got.ID, hash, err)
	}
	if _, _, err := s.ReportByStatus(ctx, "nosuchid"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown status link: %v", err)
	}
	if _, err := s.Report(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown report: %v", err)
	}
	// The same status link twice is refused: a link leads to one report.
	if _, err := s.SubmitReport(ctx, sub, policy, statusID, statusHash, ""); err == nil {
		t.Error("a second report on the same status link")
	}

	// A second, anonymous report of the same thing.
	c.tick()
	_, id2, hash2 := auth.NewStatusToken()
	dup, err := s.SubmitReport(ctx, disclosure.Submission{Title: "XSS in admin", Description: "same payload"}, policy, id2, hash2, "")
	if err != nil {
		t.Fatal(err)
	}
	if dup.Code == xss.Code || !dup.Reporter.Anonymous() || dup.Lang != "en" {
		t.Errorf("second report: %+v", dup)
	}

	// The conversation: the reporter writes through their link, the team
	// answers and keeps its own notes. Nobody writes as the reporter but
	// the reporter, and the store's own entries are not typed in.
	c.tick()
	if _, err := s.AddReportEvent(ctx, xss.ID, disclosure.Event{Actor: xss.Actor(), Kind: disclosure.EventReporter, Text: "I can also reach it as an editor."}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		e    disclosure.Event
	}{
		{"staff as the reporter", disclosure.Event{Actor: "alice", Kind: disclosure.EventReporter, Text: "x"}},
		{"the reporter replying as the team", disclosure.Event{Actor: xss.Actor(), Kind: disclosure.EventReply, Text: "x"}},
		{"one reporter on another's report", disclosure.Event{Actor: dup.Actor(), Kind: disclosure.EventReporter, Text: "x"}},
		{"a state entry by hand", disclosure.Event{Actor: "alice", Kind: disclosure.EventState, Text: "accepted"}},
		{"an empty note", disclosure.Event{Actor: "alice", Kind: disclosure.EventNote, Text: " "}},
	} {
		if _, err := s.AddReportEvent(ctx, xss.ID, tc.e); !errors.Is(err, disclosure.ErrInvalid) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := s.AddReportEvent(ctx, 99, disclosure.Event{Actor: "alice", Kind: disclosure.EventNote, Text: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a note on no report: %v", err)
	}

	// Acknowledged on Tuesday, before the deadline; the answer goes to
	// the reporter.
	c.tick()
	if _, err := s.MoveReport(ctx, xss.ID, disclosure.Accepted, "obvious", 0, "alice"); !errors.Is(err, disclosure.ErrTransition) ||
		!strings.Contains(err.Error(), "received → accepted (from received: acknowledged, rejected, duplicate)") {
		t.Errorf("accepted before acknowledged: %v", err)
	}
	if _, err := s.MoveReport(ctx, xss.ID, disclosure.Acknowledged, "", 0, ""); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a move nobody made: %v", err)
	}
	if xss, err = s.MoveReport(ctx, xss.ID, disclosure.Acknowledged, "", 0, "alice"); err != nil || !xss.Acknowledged.Equal(c.now()) {
		t.Fatalf("acknowledged: %+v, %v", xss, err)
	}
	reply, err := s.AddReportEvent(ctx, xss.ID, disclosure.Event{Actor: "alice", Kind: disclosure.EventReply, Text: "谢谢，我们已收到。"})
	if err != nil || reply.ID == 0 || !reply.At.Equal(c.now()) {
		t.Errorf("reply: %+v, %v", reply, err)
	}
	if _, err := s.AddReportEvent(ctx, xss.ID, disclosure.Event{Actor: "alice", Kind: disclosure.EventNote, Text: "Editor role too: raise to high."}); err != nil {
		t.Fatal(err)
	}

	// Triage: the second report is a duplicate of the first.
	c.tick()
	if _, err := s.MoveReport(ctx, dup.ID, disclosure.Duplicate, "", xss.ID, "bob"); !errors.Is(err, disclosure.ErrTransition) {
		t.Errorf("a duplicate without a reason: %v", err)
	}
	if _, err := s.MoveReport(ctx, dup.ID, disclosure.Duplicate, "same", 99, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a duplicate of no report: %v", err)
	}
	if _, err := s.MoveReport(ctx, dup.ID, disclosure.Duplicate, "same", dup.ID, "bob"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a duplicate of itself: %v", err)
	}
	if _, err := s.MoveReport(ctx, dup.ID, disclosure.Rejected, "spam", xss.ID, "bob"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a rejection naming an original: %v", err)
	}
	if dup, err = s.MoveReport(ctx, dup.ID, disclosure.Duplicate, "same payload and page", xss.ID, "bob"); err != nil || dup.DuplicateOf != xss.ID || !dup.Triaged.Equal(c.now()) {
		t.Fatalf("duplicate: %+v, %v", dup, err)
	}
	c.tick()
	if xss, err = s.MoveReport(ctx, xss.ID, disclosure.Accepted, "reproduced on 2.4.0 as admin and editor", 0, "alice"); err != nil || !xss.Triaged.Equal(c.now()) {
		t.Fatalf("accepted: %+v, %v", xss, err)
	}

	// The vendor of a component needs longer: the disclosure date moves,
	// for a reason; the label narrows.
	c.tick()
	later := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.SetReportDeadline(ctx, xss.ID, disclosure.DeadlineDisclosure, later, " ", "alice"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a deadline moved without a reason: %v", err)
	}
	if _, err := s.SetReportDeadline(ctx, xss.ID, disclosure.DeadlineDisclosure, received.Add(-time.Hour), "typo", "alice"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a deadline before receipt: %v", err)
	}
	if _, err := s.SetReportDeadline(ctx, xss.ID, "publish", later, "x", "alice"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("an unknown deadline: %v", err)
	}
	if xss, err = s.SetReportDeadline(ctx, xss.ID, disclosure.DeadlineDisclosure, later, "the editor component's vendor ships on 2027-02-20", "alice"); err != nil || !xss.Deadlines.Disclosure.Equal(later) {
		t.Fatalf("deadline moved: %+v, %v", xss.Deadlines, err)
	}
	if _, err := s.MarkReport(ctx, xss.ID, "PURPLE", "x", "alice"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("an unknown label: %v", err)
	}
	if xss, err = s.MarkReport(ctx, xss.ID, incident.Red, "admin sessions at stake", "alice"); err != nil || xss.Marking.TLP != incident.Red {
		t.Fatalf("marked: %+v, %v", xss.Marking, err)
	}

	// An incident is opened from it, in one transaction; the duplicate is
	// linked to the same incident.
	c.tick()
	if _, _, err := s.ReportToIncident(ctx, xss.ID, incident.Incident{Category: incident.Exploitation}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an incident without a severity: %v", err)
	}
	if got, _ := s.Report(ctx, xss.ID); got.Incident != 0 {
		t.Errorf("a failed conversion linked incident %d", got.Incident)
	}
	if list, _ := s.ListIncidents(ctx, store.IncidentQuery{}); len(list) != 0 {
		t.Errorf("a failed conversion left %d incidents", len(list))
	}
	xss, in, err := s.ReportToIncident(ctx, xss.ID, incident.Incident{Category: incident.Exploitation, Severity: incident.SevHigh, Owner: "alice"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if in.ID == 0 || xss.Incident != in.ID || in.Title != xss.Title || in.Marking.TLP != incident.Red || !in.Detected.Equal(received) {
		t.Errorf("incident from report: %+v, report links %d", in, xss.Incident)
	}
	if _, _, err := s.ReportToIncident(ctx, xss.ID, incident.Incident{Category: incident.Exploitation, Severity: incident.SevHigh}, "alice"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("a second incident from one report: %v", err)
	}
	if _, err := s.LinkReport(ctx, dup.ID, 99, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("linked to no incident: %v", err)
	}
	if dup, err = s.LinkReport(ctx, dup.ID, in.ID, "bob"); err != nil || dup.Incident != in.ID {
		t.Fatalf("linked: %+v, %v", dup, err)
	}
	tl, err := s.Timeline(ctx, in.ID)
	if err != nil || len(tl) != 3 || !strings.Contains(tl[1].Text, "report "+xss.Code) || !strings.Contains(tl[2].Text, "report "+dup.Code) {
		t.Errorf("incident timeline: %+v, %v", tl, err)
	}

	// Fixed, credited, disclosed.
	c.tick()
	if xss, err = s.MoveReport(ctx, xss.ID, disclosure.Fixed, "2.4.1 released", 0, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreditReport(ctx, dup.ID, "", "alice"); !errors.Is(err, disclosure.ErrInvalid) {
		t.Errorf("credit for an anonymous reporter with no name: %v", err)
	}
	if xss, err = s.CreditReport(ctx, xss.ID, "Li Lei (李雷)", "alice"); err != nil || xss.Credit.Name != "Li Lei (李雷)" || !xss.Credit.Given.Equal(c.now()) {
		t.Fatalf("credited: %+v, %v", xss.Credit, err)
	}
	c.tick()
	if xss, err = s.MoveReport(ctx, xss.ID, disclosure.Disclosed, "advisory VMC-2026-004 published", 0, "alice"); err != nil || !xss.Disclosed.Equal(c.now()) {
		t.Fatalf("disclosed: %+v, %v", xss, err)
	}
	if _, err := s.MoveReport(ctx, xss.ID, disclosure.Triaged, "reopen", 0, "alice"); !errors.Is(err, disclosure.ErrTransition) {
		t.Errorf("moved after disclosure: %v", err)
	}
	if got, err := s.Report(ctx, xss.ID); err != nil || !cmp.Equal(xss, got) {
		t.Errorf("final read back -want +got:\n%s (%v)", cmp.Diff(xss, got), err)
	}

	// The log: the conversation and every change, in order, by whom.
	events, err := s.ReportEvents(ctx, xss.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range events {
		lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
	}
	r := xss.Actor()
	wantLines := []string{
		r + " state received: " + xss.Code + " (acknowledge by 2026-11-03T08:00:00Z, triage by 2026-11-11T08:00:00Z, disclosure 2027-01-30T08:00:00Z)",
		r + " reporter I can also reach it as an editor.",
		"alice state received → acknowledged",
		"alice reply 谢谢，我们已收到。",
		"alice note Editor role too: raise to high.",
		"alice state acknowledged → accepted: reproduced on 2.4.0 as admin and editor",
		"alice deadline disclosure deadline 2027-01-30T08:00:00Z → 2027-03-01T00:00:00Z: the editor component's vendor ships on 2027-02-20",
		"alice marking TLP:AMBER → TLP:RED: admin sessions at stake",
		"alice link opened incident 1: Stored XSS in the admin console",
		"alice state accepted → fixed: 2.4.1 released",
		"alice credit credited as Li Lei (李雷)",
		"alice state fixed → disclosed: advisory VMC-2026-004 published",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("log -want +got:\n%s", diff)
	}
	if dupLog, _ := s.ReportEvents(ctx, dup.ID); len(dupLog) != 3 || dupLog[1].Text != "received → duplicate of "+strconv.FormatInt(xss.ID, 10)+" ("+xss.Code+"): same payload and page" {
		t.Errorf("duplicate's log: %+v", dupLog)
	}
	if _, err := s.ReportEvents(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("log of no report: %v", err)
	}

	// Lists: newest first, by state, open, overdue.
	c.tick()
	_, id3, hash3 := auth.NewStatusToken()
	late, err := s.SubmitReport(ctx, disclosure.Submission{Title: "Open redirect on /login", Description: "next=//evil.example"}, policy, id3, hash3, "carol")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    store.ReportQuery
		want []int64
	}{
		{store.ReportQuery{}, []int64{late.ID, dup.ID, xss.ID}},
		{store.ReportQuery{Open: true}, []int64{late.ID}},
		{store.ReportQuery{State: disclosure.Duplicate}, []int64{dup.ID}},
		{store.ReportQuery{OverdueAt: late.Deadlines.Ack.Add(-time.Second)}, nil},
		{store.ReportQuery{OverdueAt: late.Deadlines.Ack}, []int64{late.ID}},
		{store.ReportQuery{State: disclosure.Received, OverdueAt: late.Deadlines.Disclosure}, []int64{late.ID}},
		{store.ReportQuery{State: disclosure.Disclosed, OverdueAt: late.Deadlines.Disclosure}, nil},
	} {
		list, err := s.ListReports(ctx, tc.q)
		var got []int64
		for _, x := range list {
			got = append(got, x.ID)
		}
		if err != nil || !cmp.Equal(tc.want, got) {
			t.Errorf("ListReports(%+v) = %v, %v; want %v", tc.q, got, err, tc.want)
		}
	}

	// The audit log: every write, by whom, and nothing of the reporter's
	// identity or the description.
	es, err := s.AuditOf(ctx, "disclosure:1")
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range es {
		acts = append(acts, e.Actor+" "+e.Action)
		held := string(e.Before) + string(e.After)
		if e.Action != "disclosure.credit" { // the name credited is that decision
			held += e.Reason
		}
		for _, secret := range []string{"李雷", "lilei@example.cn", "<script>", "editor.", statusHash, statusID} {
			if strings.Contains(held, secret) {
				t.Errorf("audit entry %s %s holds %q", e.Actor, e.Action, secret)
			}
		}
	}
	wantActs := []string{r + " disclosure.submit", r + " disclosure.reporter", "alice disclosure.state", "alice disclosure.reply",
		"alice disclosure.note", "alice disclosure.state", "alice disclosure.deadline", "alice disclosure.marking", "alice disclosure.link",
		"alice disclosure.state", "alice disclosure.credit", "alice disclosure.state"}
	if diff := cmp.Diff(wantActs, acts); diff != "" {
		t.Errorf("audit of report 1 -want +got:\n%s", diff)
	}
	// A report that came another way is entered by a user, who is named.
	if es, _ := s.AuditOf(ctx, "disclosure:"+strconv.FormatInt(late.ID, 10)); len(es) != 1 || es[0].Actor != "carol" || es[0].Reason != "entered for the reporter" {
		t.Errorf("audit of a report entered by a user: %+v", es)
	}
	if es, _ := s.AuditOf(ctx, "incident:1"); len(es) != 1 || es[0].Action != "incident.create" || es[0].Actor != "alice" {
		t.Errorf("audit of the incident: %+v", es)
	}
	verifyAudit(t, s)
}
