package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/exercise"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/store"
)

// testExercises walks a pen test through the store: planned, running,
// two manual findings (one refused for its tester, one for its scope),
// evidence attached and read back, retests, closing; every write in the
// audit log as its author's.
func testExercises(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	day := func(d string) time.Time { v, _ := time.Parse(time.DateOnly, d); return v }
	plan := exercise.Exercise{Name: "Shop API pen test", Kind: exercise.Pentest,
		Scope:             exercise.Scope{Assets: []string{"shop-api"}, Targets: []string{"https://shop.example.com"}},
		RulesOfEngagement: "09:00–18:00 CST; no denial of service.", Start: day("2026-11-01"), End: day("2026-11-14"),
		Lead: "alice", Testers: []string{"bob"}, Methodology: "owasp-wstg-4.2"}

	if _, err := s.PutExercise(ctx, exercise.Exercise{Name: "no scope", Kind: exercise.Pentest}, "alice"); !errors.Is(err, exercise.ErrInvalid) {
		t.Errorf("an invalid exercise: %v", err)
	}
	running := plan
	running.Status = exercise.Running
	if _, err := s.PutExercise(ctx, running, "alice"); !errors.Is(err, exercise.ErrStatus) {
		t.Errorf("a new exercise already running: %v", err)
	}
	e, err := s.PutExercise(ctx, plan, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if e.ID == 0 || e.Status != exercise.Planned || !e.Created.Equal(c.now()) {
		t.Errorf("created: %+v", e)
	}
	if got, err := s.Exercise(ctx, e.ID); err != nil || !cmp.Equal(e, got) {
		t.Errorf("read back -put +got:\n%s (%v)", cmp.Diff(e, got), err)
	}
	if _, err := s.Exercise(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown exercise: %v", err)
	}
	other := plan
	other.Name, other.Kind = "Red team 2026", exercise.RedTeam
	if _, err := s.PutExercise(ctx, other, "alice"); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListExercises(ctx); err != nil || len(list) != 2 || list[0].Name != "Red team 2026" {
		t.Errorf("list: %+v, %v", list, err)
	}

	mf := exercise.ManualFinding{Exercise: e.ID, Asset: "shop-api", Title: "SQL injection in order lookup",
		StepsToReproduce: "GET /api/orders?id=1'+OR+'1'='1", Location: "https://shop.example.com/api/orders?id=1",
		CWEs: []int{89}, CVSS: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Reporter: "bob"}
	if _, err := s.AddManualFinding(ctx, mf); !errors.Is(err, exercise.ErrStatus) {
		t.Errorf("a finding before the exercise runs: %v", err)
	}
	c.tick()
	skip := e
	skip.Status = exercise.Reporting
	if _, err := s.PutExercise(ctx, skip, "alice"); !errors.Is(err, exercise.ErrStatus) {
		t.Errorf("planned → reporting: %v", err)
	}
	e.Status = exercise.Running
	if e, err = s.PutExercise(ctx, e, "alice"); err != nil || e.Status != exercise.Running || !e.Updated.Equal(c.now()) {
		t.Fatalf("planned → running: %+v, %v", e, err)
	}

	byMallory := mf
	byMallory.Reporter = "mallory"
	if _, err := s.AddManualFinding(ctx, byMallory); !errors.Is(err, exercise.ErrNotTester) {
		t.Errorf("a finding by someone off the team: %v", err)
	}
	outside := mf
	outside.Asset, outside.Location = "hr-app", "https://hr.example.com/"
	if _, err := s.AddManualFinding(ctx, outside); !errors.Is(err, exercise.ErrScope) {
		t.Errorf("a finding out of scope: %v", err)
	}
	c.tick()
	got, err := s.AddManualFinding(ctx, mf)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == 0 || got.Score != 9.8 || got.Severity != scan.SevCritical || !got.Found.Equal(c.now()) {
		t.Errorf("recorded: %+v", got)
	}
	if _, err := s.AddManualFinding(ctx, got); !errors.Is(err, exercise.ErrInvalid) {
		t.Errorf("recording a finding twice: %v", err)
	}

	// Evidence: kept byte for byte, hashed at intake, read back checked.
	capture := []byte("GET /api/orders?id=1'+OR+'1'='1 HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
	a, err := s.AddAttachment(ctx, got.ID, "request.txt", "text/plain", capture, "bob")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(capture)
	wantA := exercise.Attachment{ID: a.ID, Finding: got.ID, Name: "request.txt", MediaType: "text/plain", Size: int64(len(capture)),
		SHA256: hex.EncodeToString(sum[:]), Added: c.now(), By: "bob"}
	if diff := cmp.Diff(wantA, a); a.ID == 0 || diff != "" {
		t.Errorf("attachment -want +got:\n%s", diff)
	}
	if _, err := s.AddAttachment(ctx, got.ID, "big.pcap", "", bytes.Repeat([]byte{1}, exercise.MaxAttachment+1), "bob"); !errors.Is(err, exercise.ErrTooLarge) {
		t.Errorf("an attachment over the limit: %v", err)
	}
	if _, err := s.AddAttachment(ctx, got.ID, "x.txt", "", []byte("x"), "mallory"); !errors.Is(err, exercise.ErrNotTester) {
		t.Errorf("an attachment by someone off the team: %v", err)
	}
	if _, err := s.AddAttachment(ctx, 99, "x.txt", "", []byte("x"), "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an attachment to no finding: %v", err)
	}
	content, meta, err := s.AttachmentContent(ctx, a.ID, "dave")
	if err != nil || !bytes.Equal(content, capture) || !cmp.Equal(meta, a) {
		t.Errorf("read back: %q %+v %v", content, meta, err)
	}
	if _, _, err := s.AttachmentContent(ctx, 99, "dave"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown attachment: %v", err)
	}

	// Retests: still vulnerable, then fixed.
	c.tick()
	if _, err := s.AddRetest(ctx, got.ID, exercise.Retest{Result: exercise.StillVulnerable, By: "bob", Note: "the patch escapes quotes only"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRetest(ctx, got.ID, exercise.Retest{Result: "maybe", By: "bob"}); !errors.Is(err, exercise.ErrInvalid) {
		t.Errorf("an unknown result: %v", err)
	}
	e.Status = exercise.Reporting
	if e, err = s.PutExercise(ctx, e, "alice"); err != nil {
		t.Fatal(err)
	}
	e.Status = exercise.Closed
	if e, err = s.PutExercise(ctx, e, "alice"); err != nil {
		t.Fatal(err)
	}
	renamed := e
	renamed.Name = "renamed after closing"
	if _, err := s.PutExercise(ctx, renamed, "alice"); !errors.Is(err, exercise.ErrStatus) {
		t.Errorf("changing a closed exercise: %v", err)
	}
	late := mf
	late.Title = "found after closing"
	if _, err := s.AddManualFinding(ctx, late); !errors.Is(err, exercise.ErrStatus) {
		t.Errorf("a finding on a closed exercise: %v", err)
	}
	c.tick()
	fixed, err := s.AddRetest(ctx, got.ID, exercise.Retest{Result: exercise.Fixed, By: "alice", Note: "parameterised query"})
	if err != nil {
		t.Fatalf("a retest after closing: %v", err)
	}
	if fixed.ID == 0 || !fixed.At.Equal(c.now()) || fixed.Finding != got.ID {
		t.Errorf("retest: %+v", fixed)
	}

	back, err := s.ManualFinding(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Open() || len(back.Retests) != 2 || back.Retests[0].Result != exercise.StillVulnerable || len(back.Attachments) != 1 || back.Attachments[0] != a {
		t.Errorf("manual finding read back: %+v", back)
	}
	want := got
	want.Attachments, want.Retests = back.Attachments, back.Retests
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("manual finding -recorded +read:\n%s", diff)
	}
	all, err := s.ManualFindings(ctx, e.ID)
	if err != nil || len(all) != 1 || !cmp.Equal(all[0], back) {
		t.Errorf("ManualFindings: %+v, %v", all, err)
	}
	if _, err := s.ManualFindings(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("findings of no exercise: %v", err)
	}

	es, err := s.AuditOf(ctx, "exercise:1")
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, x := range es {
		acts = append(acts, x.Actor+" "+x.Action)
	}
	wantActs := []string{"alice exercise.create", "alice exercise.status", "bob exercise.finding.create", "bob exercise.attachment.add",
		"dave exercise.attachment.read", "bob exercise.retest", "alice exercise.status", "alice exercise.status", "alice exercise.retest"}
	if diff := cmp.Diff(wantActs, acts); diff != "" {
		t.Errorf("audit of exercise 1 -want +got:\n%s", diff)
	}
	verifyAudit(t, s)
}
