package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/store"
)

// testPatches walks a security patch through its release: recorded with
// its change and patch tasks, described again, approved by someone other
// than its requester, tested, released and announced to operators, with
// the steps its state refuses; every write on the incident's timeline and
// in the audit log.
func testPatches(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Webshell on shop-web", Category: incident.Exploitation, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Amber}, Detected: c.now()}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	c.tick()
	p := incident.Patch{Incident: in.ID, Product: "pkg:maven/com.acme.shop/shop-core", FixedVersions: []string{"2.4.1", "3.1.2"},
		Criticality: incident.PatchCritical, Owner: "dave", Change: incident.PatchChange{Ticket: "CHG-2026-1190", ApprovedBy: "dave", Approved: c.now()},
		Checklist: []incident.RegressionTest{{Item: "PNG and JPEG uploads still work", By: "dave", Done: c.now()}, {Item: "JSP upload refused"}}}
	if _, err := s.PutPatch(ctx, incident.Patch{Incident: in.ID, Product: "x", Criticality: "urgent"}, "dave"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an unknown criticality: %v", err)
	}
	if _, err := s.PutPatch(ctx, incident.Patch{Incident: 99, Product: "x", Criticality: incident.PatchLow}, "dave"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a patch on no incident: %v", err)
	}
	if _, err := s.PutPatch(ctx, p, ""); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a patch nobody records: %v", err)
	}
	got, err := s.PutPatch(ctx, p, "dave")
	if err != nil {
		t.Fatal(err)
	}
	// A new patch starts at the start, whatever it claims.
	if got.ID == 0 || got.Approved() || got.Change.RequestedBy != "dave" || got.Checklist[0].By != "" || got.Notification.State != incident.NotifyPending ||
		got.ChangeTask == 0 || got.PatchTask == 0 {
		t.Errorf("recorded: %+v", got)
	}
	if p.Change.ApprovedBy != "dave" || p.Checklist[0].By != "dave" {
		t.Error("PutPatch changed its input")
	}
	if back, err := s.Patch(ctx, got.ID); err != nil || !cmp.Equal(back, got) {
		t.Errorf("read back -put +got:\n%s%v", cmp.Diff(got, back), err)
	}
	tasks, err := s.ListTasks(ctx, in.ID)
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks: %+v %v", tasks, err)
	}
	if tk := tasks[0]; tk.ID != got.ChangeTask || tk.Kind != incident.TaskChange || tk.Link != "CHG-2026-1190" || tk.Owner != "dave" ||
		tk.Title != "Approve change CHG-2026-1190: pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2" {
		t.Errorf("change task: %+v", tk)
	}
	if tk := tasks[1]; tk.ID != got.PatchTask || tk.Kind != incident.TaskPatch || tk.Link != fmt.Sprintf("patch:%d", got.ID) {
		t.Errorf("patch task: %+v", tk)
	}

	// Described again: an item added, the component named; a test that
	// was done stays done while its item stays.
	c.tick()
	if got, err = s.ChangePatch(ctx, got.ID, incident.PatchOp{Action: incident.PatchCheck, Item: 0}, "carol"); err != nil {
		t.Fatal(err)
	}
	edit := got
	edit.Component = "image upload"
	edit.Checklist = append(edit.Checklist, incident.RegressionTest{Item: "uploads/ not executable", By: "mallory", Done: c.now()})
	if got, err = s.PutPatch(ctx, edit, "dave"); err != nil {
		t.Fatal(err)
	}
	if got.Component != "image upload" || len(got.Checklist) != 3 || got.Checklist[0].By != "carol" || got.Checklist[2].By != "" {
		t.Errorf("described again: %+v", got)
	}
	if again, err := s.PutPatch(ctx, got, "dave"); err != nil || !cmp.Equal(again, got) {
		t.Errorf("an unchanged patch: %v", err)
	}
	moved := got
	moved.Incident = 99
	if _, err := s.PutPatch(ctx, moved, "dave"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a patch moved to another incident: %v", err)
	}

	// The release.
	steps := []struct {
		op    incident.PatchOp
		actor string
		err   error
	}{
		{incident.PatchOp{Action: incident.PatchApprove}, "dave", incident.ErrPatchStep},
		{incident.PatchOp{Action: incident.PatchRelease}, "dave", incident.ErrPatchStep},
		{incident.PatchOp{Action: incident.PatchApprove, Note: "window Sat 02:00-04:00"}, "erin", nil},
		{incident.PatchOp{Action: incident.PatchCheck, Item: 1}, "carol", nil},
		{incident.PatchOp{Action: incident.PatchRelease}, "dave", incident.ErrPatchStep},
		{incident.PatchOp{Action: incident.PatchCheck, Item: 2}, "carol", nil},
		{incident.PatchOp{Action: incident.PatchRelease}, "dave", nil},
		{incident.PatchOp{Action: incident.PatchUncheck, Item: 2}, "carol", incident.ErrPatchStep},
		{incident.PatchOp{Action: incident.PatchNotify, State: incident.NotifyDone, Note: "ops-announce list and the customer portal"}, "dave", nil},
	}
	for i, st := range steps {
		c.tick()
		x, err := s.ChangePatch(ctx, got.ID, st.op, st.actor)
		if !errors.Is(err, st.err) || (st.err == nil) != (err == nil) {
			t.Fatalf("step %d %s by %s: %v, want %v", i, st.op.Action, st.actor, err, st.err)
		}
		if err == nil {
			got = x
		}
	}
	if _, err := s.ChangePatch(ctx, 99, incident.PatchOp{Action: incident.PatchApprove}, "erin"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a step on no patch: %v", err)
	}
	if !got.Approved() || got.Change.ApprovedBy != "erin" || got.Released.IsZero() || got.ReleasedBy != "dave" || got.Notification.State != incident.NotifyDone {
		t.Errorf("released: %+v", got)
	}
	late := got
	late.FixedVersions = []string{"2.4.2"}
	if _, err := s.PutPatch(ctx, late, "dave"); !errors.Is(err, incident.ErrPatchStep) {
		t.Errorf("a released patch's versions changed: %v", err)
	}
	late = got
	late.Change.Ticket = "CHG-2026-1200"
	if _, err := s.PutPatch(ctx, late, "dave"); !errors.Is(err, incident.ErrPatchStep) {
		t.Errorf("an approved change's ticket changed: %v", err)
	}
	tasks, _ = s.ListTasks(ctx, in.ID)
	if len(tasks) != 2 || tasks[0].Open() || tasks[0].DoneBy != "erin" || tasks[1].Open() || tasks[1].DoneBy != "dave" {
		t.Errorf("the steps finish the tasks: %+v", tasks)
	}
	list, err := s.ListPatches(ctx, in.ID)
	if err != nil || len(list) != 1 || !cmp.Equal(list[0], got) {
		t.Errorf("list -want +got:\n%s%v", cmp.Diff([]incident.Patch{got}, list), err)
	}
	if _, err := s.ListPatches(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("patches of no incident: %v", err)
	}

	tl, err := s.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl[1:] {
		lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
	}
	what := "patch 1 (pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2)"
	want := []string{
		"dave task patch 1 recorded: pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2, critical, change CHG-2026-1190",
		"dave task task 1 added: Approve change CHG-2026-1190: pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2 (change, owner dave, CHG-2026-1190)",
		"dave task task 2 added: Release and apply pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2 (patch, owner dave, patch:1)",
		`carol task ` + what + `: regression test "PNG and JPEG uploads still work" passed (carol)`,
		"dave task patch 1 changed: pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2 (image upload), critical, change CHG-2026-1190",
		"erin task " + what + ": change CHG-2026-1190 approved by erin",
		"erin task task 1 done by erin: Approve change CHG-2026-1190: pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2",
		`carol task ` + what + `: regression test "JSP upload refused" passed (carol)`,
		`carol task ` + what + `: regression test "uploads/ not executable" passed (carol)`,
		"dave task " + what + ": released by dave",
		"dave task task 2 done by dave: Release and apply pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2",
		"dave communication " + what + ": operators notified by dave: ops-announce list and the customer portal",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}
	es, err := s.AuditOf(ctx, "incident:1")
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range es[1:] {
		acts = append(acts, e.Actor+" "+e.Action)
	}
	wantActs := []string{"dave incident.task.create", "dave incident.task.create", "dave incident.patch.create", "carol incident.patch.check",
		"dave incident.patch.update", "erin incident.task.done", "erin incident.patch.approve", "carol incident.patch.check", "carol incident.patch.check",
		"dave incident.task.done", "dave incident.patch.release", "dave incident.patch.notify"}
	if diff := cmp.Diff(wantActs, acts); diff != "" {
		t.Errorf("audit -want +got:\n%s", diff)
	}
	verifyAudit(t, s)
}

var acme = publish.Publisher{Name: "Acme Corp PSIRT", Namespace: "https://psirt.acme.example", Category: "vendor",
	CSAFBase: "https://psirt.acme.example/csaf", CNAOrgID: "8254265b-2729-46b6-b9e3-3dfca2d5bfca", CNAShortName: "acme"}

func shopContent() incident.AdvisoryContent {
	return incident.AdvisoryContent{Title: "Acme Shop: remote code execution through product image upload", Lang: "en", Level: publish.Standard,
		Criticality: incident.PatchCritical,
		Summary:     "A signed-in merchant can upload a file that the shop server then runs.",
		Details:     "ImageController.upload trusts the Content-Type header.",
		Products: []incident.AffectedProduct{{PURL: "pkg:maven/com.acme.shop/shop-core",
			Ranges: []incident.VersionRange{{Introduced: "2.0.0", Fixed: "2.4.1"}}}},
		CVSS:        []string{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"},
		CWEs:        []string{"CWE-434"},
		Credits:     []incident.AdvisoryCredit{{Name: "Li Wei", Type: "REPORTER"}},
		Remediation: "Update shop-core to 2.4.1."}
}

// testAdvisories walks advisories through their states: numbered from
// the settings' prefix, or known by their CVE alone; their marking from
// the incident's; edited as drafts, released as version 1, revised, and
// published only at TLP:CLEAR; found by either id; numbered without gaps
// or repeats by concurrent writers.
func testAdvisories(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	embargo := &incident.Embargo{Until: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Reason: "coordinated disclosure", Recipients: []string{"psirt@vendor.example"}}
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Webshell on shop-web", Category: incident.Exploitation, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Red, Embargo: embargo}, Detected: c.now()}, "alice")
	if err != nil {
		t.Fatal(err)
	}

	st, err := s.AdvisorySettings(ctx)
	if err != nil || st.Prefix != incident.DefaultAdvisoryPrefix || st.Publisher.Name != "" {
		t.Errorf("default settings: %+v %v", st, err)
	}
	if err := s.PutAdvisorySettings(ctx, incident.AdvisorySettings{Prefix: "acme"}, "admin"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a bad prefix: %v", err)
	}
	// A draft can be written before the publisher is known; it cannot be
	// finalised.
	c.tick()
	early, err := s.CreateAdvisory(ctx, incident.Advisory{Incident: in.ID, Content: shopContent()}, "alice")
	if err != nil || early.ID != "VMC-SA-2026-0001" {
		t.Fatalf("a draft without settings: %+v %v", early, err)
	}
	if _, err := s.MoveAdvisory(ctx, early.ID, incident.AdvisoryFinal, "alice", ""); !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), "publisher.name: empty") {
		t.Errorf("finalised without a publisher: %v", err)
	}
	if err := s.PutAdvisorySettings(ctx, incident.AdvisorySettings{Prefix: "ACME-SA", Publisher: acme}, "admin"); err != nil {
		t.Fatal(err)
	}
	if st, err = s.AdvisorySettings(ctx); err != nil || st.Prefix != "ACME-SA" || st.Publisher != acme {
		t.Errorf("settings: %+v %v", st, err)
	}

	c.tick()
	draft := incident.Advisory{Incident: in.ID, CVE: "cve-2026-41234", Content: shopContent()}
	a, err := s.CreateAdvisory(ctx, draft, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "ACME-SA-2026-0001" || a.CVE != "CVE-2026-41234" || a.State != incident.AdvisoryDraft || a.Publisher != acme ||
		a.Marking.TLP != incident.Red || a.Marking.Embargo == nil || !a.Marking.Embargo.Until.Equal(embargo.Until) || a.CreatedBy != "alice" || !a.Created.Equal(c.now()) {
		t.Errorf("created: %+v", a)
	}
	if draft.ID != "" || draft.Marking.TLP != "" {
		t.Error("CreateAdvisory changed its input")
	}
	for _, tc := range []struct {
		name string
		a    incident.Advisory
		err  error
	}{
		{"a CVE another advisory has", incident.Advisory{Incident: in.ID, CVE: "CVE-2026-41234", Content: shopContent()}, store.ErrConflict},
		{"an id vmc does not give", incident.Advisory{ID: "MY-1", Incident: in.ID, Content: shopContent()}, incident.ErrInvalid},
		{"no incident", incident.Advisory{Incident: 99, Content: shopContent()}, store.ErrNotFound},
		{"no title", incident.Advisory{Incident: in.ID}, incident.ErrInvalid},
	} {
		if _, err := s.CreateAdvisory(ctx, tc.a, "alice"); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
	// Known by its CVE alone, and with a marking of its own.
	c.tick()
	byCVE, err := s.CreateAdvisory(ctx, incident.Advisory{ID: "CVE-2026-50001", CVE: "CVE-2026-50001", Incident: in.ID, Content: shopContent(),
		Marking: incident.Marking{TLP: incident.Amber}}, "bob")
	if err != nil || byCVE.ID != "CVE-2026-50001" || byCVE.Marking.TLP != incident.Amber {
		t.Errorf("known by its CVE: %+v %v", byCVE, err)
	}

	// A draft changes as it is, leaving no revision.
	c.tick()
	edit := a
	edit.Content.Exploit = "Upload a .jsp file, then request it."
	if a, err = s.UpdateAdvisory(ctx, edit, "alice", ""); err != nil || len(a.Revisions) != 0 || a.Content.Exploit == "" || !a.Updated.Equal(c.now()) {
		t.Errorf("draft edited: %+v %v", a, err)
	}
	if again, err := s.UpdateAdvisory(ctx, a, "alice", ""); err != nil || !cmp.Equal(again, a) {
		t.Errorf("an unchanged draft: %v", err)
	}
	retag := byCVE
	retag.CVE = "CVE-2026-50002"
	if _, err := s.UpdateAdvisory(ctx, retag, "bob", ""); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("the CVE an advisory is known by changed: %v", err)
	}

	// Finalised: version 1.
	incomplete := a
	incomplete.Content.Remediation = ""
	if _, err := s.UpdateAdvisory(ctx, incomplete, "alice", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveAdvisory(ctx, a.ID, incident.AdvisoryFinal, "alice", ""); !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), "remediation: empty") {
		t.Errorf("finalised without a remediation: %v", err)
	}
	if _, err := s.UpdateAdvisory(ctx, a, "alice", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveAdvisory(ctx, a.ID, incident.AdvisoryPublished, "alice", ""); !errors.Is(err, incident.ErrTransition) {
		t.Errorf("a draft published: %v", err)
	}
	c.tick()
	if a, err = s.MoveAdvisory(ctx, "acme-sa-2026-0001", incident.AdvisoryFinal, "alice", ""); err != nil {
		t.Fatal(err)
	}
	if a.State != incident.AdvisoryFinal || len(a.Revisions) != 1 || a.Revisions[0] != (incident.AdvisoryRevision{Number: 1, Date: c.now(), By: "alice", Summary: "Initial release"}) {
		t.Errorf("finalised: %+v", a)
	}
	if _, err := s.MoveAdvisory(ctx, a.ID, incident.AdvisoryFinal, "alice", ""); !errors.Is(err, incident.ErrTransition) {
		t.Errorf("finalised twice: %v", err)
	}
	// Not on the public feed while it is TLP:RED.
	if _, err := s.MoveAdvisory(ctx, a.ID, incident.AdvisoryPublished, "alice", ""); !errors.Is(err, incident.ErrTransition) || !strings.Contains(err.Error(), "TLP:RED") {
		t.Errorf("published at TLP:RED: %v", err)
	}

	// A released advisory changes by revisions only.
	c.tick()
	clear := a
	clear.Marking = incident.Marking{TLP: incident.Clear, Embargo: embargo}
	if _, err := s.UpdateAdvisory(ctx, clear, "alice", " "); !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), "say what changed") {
		t.Errorf("a revision without summary: %v", err)
	}
	if a, err = s.UpdateAdvisory(ctx, clear, "alice", "For publication at the end of the embargo"); err != nil {
		t.Fatal(err)
	}
	if len(a.Revisions) != 2 || a.Revisions[1].Number != 2 || a.Revisions[1].Summary != "For publication at the end of the embargo" || a.Marking.TLP != incident.Clear {
		t.Errorf("revised: %+v", a)
	}
	c.tick()
	if a, err = s.MoveAdvisory(ctx, a.ID, incident.AdvisoryPublished, "carol", ""); err != nil {
		t.Fatal(err)
	}
	if a.State != incident.AdvisoryPublished || a.PublishedBy != "carol" || !a.Published.Equal(c.now()) || len(a.Revisions) != 2 {
		t.Errorf("published: %+v", a)
	}
	if _, err := s.MoveAdvisory(ctx, a.ID, incident.AdvisoryFinal, "carol", ""); !errors.Is(err, incident.ErrTransition) {
		t.Errorf("unpublished: %v", err)
	}

	// Found by either id, in any case; listed newest first.
	for _, id := range []string{"ACME-SA-2026-0001", "acme-sa-2026-0001", "CVE-2026-41234", "cve-2026-41234"} {
		if got, err := s.Advisory(ctx, id); err != nil || !cmp.Equal(got, a) {
			t.Errorf("Advisory(%q) -want +got:\n%s%v", id, cmp.Diff(a, got), err)
		}
	}
	if _, err := s.Advisory(ctx, "ACME-SA-2026-0099"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such advisory: %v", err)
	}
	for _, tc := range []struct {
		q    store.AdvisoryQuery
		want []string
	}{
		{store.AdvisoryQuery{}, []string{"CVE-2026-50001", "ACME-SA-2026-0001", "VMC-SA-2026-0001"}},
		{store.AdvisoryQuery{State: incident.AdvisoryPublished}, []string{"ACME-SA-2026-0001"}},
		{store.AdvisoryQuery{Incident: in.ID, State: incident.AdvisoryDraft}, []string{"CVE-2026-50001", "VMC-SA-2026-0001"}},
		{store.AdvisoryQuery{Incident: 99}, nil},
	} {
		list, err := s.ListAdvisories(ctx, tc.q)
		var got []string
		for _, x := range list {
			got = append(got, x.ID)
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ListAdvisories(%+v) = %v, %v; want %v", tc.q, got, err, tc.want)
		}
		if len(list) > 1 && list[1].ID == a.ID && !cmp.Equal(list[1], a) {
			t.Errorf("listed -want +got:\n%s", cmp.Diff(a, list[1]))
		}
	}

	// The incident's timeline says what left, and when.
	tl, err := s.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl[1:] {
		lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
	}
	want := []string{
		"alice communication advisory ACME-SA-2026-0001 version 1 released (TLP:RED, embargo until 2026-12-01T00:00:00Z (coordinated disclosure)): Acme Shop: remote code execution through product image upload",
		"alice communication advisory ACME-SA-2026-0001 revised to version 2: For publication at the end of the embargo",
		"carol communication advisory ACME-SA-2026-0001 published on the public advisory feed, withheld until the embargo lifts at 2026-12-01T00:00:00Z",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}
	es, err := s.AuditOf(ctx, "advisory:ACME-SA-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range es {
		acts = append(acts, e.Actor+" "+e.Action)
	}
	wantActs := []string{"alice advisory.create", "alice advisory.update", "alice advisory.update", "alice advisory.update", "alice advisory.finalise",
		"alice advisory.revise", "carol advisory.publish"}
	if diff := cmp.Diff(wantActs, acts); diff != "" {
		t.Errorf("audit -want +got:\n%s", diff)
	}
	if es, err := s.AuditOf(ctx, "advisory-settings"); err != nil || len(es) != 1 || es[0].Actor != "admin" {
		t.Errorf("settings audit: %+v %v", es, err)
	}

	// Concurrent writers number their advisories without gaps or repeats.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ids  []string
		errs []error
	)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, err := s.CreateAdvisory(ctx, incident.Advisory{Incident: in.ID, Content: shopContent()}, "bob")
			mu.Lock()
			defer mu.Unlock()
			ids, errs = append(ids, x.ID), append(errs, err)
		}()
	}
	wg.Wait()
	slices.Sort(ids)
	wantIDs := []string{"ACME-SA-2026-0002", "ACME-SA-2026-0003", "ACME-SA-2026-0004", "ACME-SA-2026-0005", "ACME-SA-2026-0006", "ACME-SA-2026-0007"}
	if err := errors.Join(errs...); err != nil || !slices.Equal(ids, wantIDs) {
		t.Errorf("concurrent: %v, %v", ids, err)
	}
	verifyAudit(t, s)
}
