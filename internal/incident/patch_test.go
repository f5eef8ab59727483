package incident

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func examplePatch() Patch {
	return Patch{ID: 3, Incident: 1, Product: "pkg:maven/com.acme.shop/shop-core", Component: "image upload",
		FixedVersions: []string{"2.4.1", "3.1.2"}, Criticality: PatchCritical, Owner: "dave",
		Change:       PatchChange{Ticket: "CHG-2026-1190", RequestedBy: "dave"},
		Checklist:    []RegressionTest{{Item: "upload of PNG and JPEG still works"}, {Item: "JSP upload refused"}},
		Notification: PatchNotice{State: NotifyPending}}
}

func TestPatchValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Patch)
		err  string
	}{
		{"valid", func(*Patch) {}, ""},
		{"no product", func(p *Patch) { p.Product = " " }, "patch product: empty"},
		{"product over two lines", func(p *Patch) { p.Product = "shop\ncore" }, "patch product"},
		{"unknown criticality", func(p *Patch) { p.Criticality = "urgent" }, `patch criticality: unknown "urgent" (critical, important, moderate, low)`},
		{"no owner", func(p *Patch) { p.Owner = "" }, `patch owner: "" is not a name`},
		{"a fixed version twice", func(p *Patch) { p.FixedVersions = []string{"2.4.1", "2.4.1"} }, `patch fixed_versions[1]: "2.4.1"`},
		{"an empty fixed version", func(p *Patch) { p.FixedVersions = []string{""} }, `patch fixed_versions[0]`},
		{"an empty test", func(p *Patch) { p.Checklist[1].Item = "" }, "patch checklist[1].item: empty"},
		{"a test done by nobody", func(p *Patch) { p.Checklist[0].Done = time.Now() }, "patch checklist[0]: done and by go together"},
		{"too many tests", func(p *Patch) { p.Checklist = make([]RegressionTest, 101) }, "patch checklist: more than 100 items"},
		{"unknown notification", func(p *Patch) { p.Notification.State = "sent" }, `patch notification.state: unknown "sent"`},
		{"a huge note", func(p *Patch) { p.Change.Note = strings.Repeat("x", 5000) }, "patch note: longer than 4 KiB"},
	} {
		p := examplePatch()
		tc.edit(&p)
		err := p.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

// TestPatchRelease walks a patch through its release, with the steps the
// state refuses on the way.
func TestPatchRelease(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	p := examplePatch()
	steps := []struct {
		op    PatchOp
		actor string
		err   error
		want  string // the timeline text, or the error's
	}{
		{PatchOp{Action: PatchRelease}, "dave", ErrPatchStep, "the change is not approved"},
		{PatchOp{Action: PatchNotify, State: NotifyDone, Note: "mail to operators"}, "dave", ErrPatchStep, "not released yet"},
		{PatchOp{Action: PatchApprove}, "dave", ErrPatchStep, "dave requested the change and may not approve it"},
		{PatchOp{Action: PatchApprove, Note: "window Sat 02:00-04:00"}, "erin", nil, "patch 3 (pkg:maven/com.acme.shop/shop-core 2.4.1, 3.1.2): change CHG-2026-1190 approved by erin"},
		{PatchOp{Action: PatchApprove}, "frank", ErrPatchStep, "the change was approved by erin"},
		{PatchOp{Action: PatchCheck, Item: 0}, "carol", nil, `regression test "upload of PNG and JPEG still works" passed (carol)`},
		{PatchOp{Action: PatchRelease}, "dave", ErrPatchStep, "regression tests not done: JSP upload refused"},
		{PatchOp{Action: PatchCheck, Item: 2}, "carol", ErrInvalid, "patch item: 2 is not an item of the checklist (0 to 1)"},
		{PatchOp{Action: PatchCheck, Item: -1}, "carol", ErrInvalid, "patch item: -1"},
		{PatchOp{Action: PatchCheck, Item: 0}, "carol", ErrPatchStep, "was done by carol"},
		{PatchOp{Action: PatchUncheck, Item: 1}, "carol", ErrPatchStep, `"JSP upload refused" is not done`},
		{PatchOp{Action: PatchCheck, Item: 1}, "carol", nil, `regression test "JSP upload refused" passed (carol)`},
		{PatchOp{Action: PatchRelease}, "dave", nil, "released by dave"},
		{PatchOp{Action: PatchUncheck, Item: 1}, "carol", ErrPatchStep, "its tests are history"},
		{PatchOp{Action: PatchRelease}, "dave", ErrPatchStep, "released on 2026-11-25T10:00:00Z by dave"},
		{PatchOp{Action: PatchNotify, State: NotifyDone}, "dave", ErrInvalid, "say whom and how"},
		{PatchOp{Action: PatchNotify, State: NotifyPending, Note: "x"}, "dave", ErrInvalid, `patch state: "pending"`},
		{PatchOp{Action: PatchNotify, State: NotifyDone, Note: "ops-announce list and the customer portal"}, "dave", nil, "operators notified by dave: ops-announce list and the customer portal"},
		{PatchOp{Action: PatchNotify, State: NotifyNotRequired, Note: "x"}, "dave", ErrPatchStep, "already notified"},
		{PatchOp{Action: "rollback"}, "dave", ErrInvalid, `patch action: unknown "rollback"`},
		{PatchOp{Action: PatchCheck}, "", ErrInvalid, `actor "" is not a name`},
	}
	for i, s := range steps {
		before := p
		before.Checklist = append([]RegressionTest(nil), p.Checklist...)
		got, err := p.Apply(s.op, s.actor, at)
		switch {
		case s.err == nil && err != nil:
			t.Fatalf("step %d (%s): %v", i, s.op.Action, err)
		case s.err == nil && !strings.HasSuffix(got, s.want):
			t.Errorf("step %d (%s): %q, want …%q", i, s.op.Action, got, s.want)
		case s.err != nil && (!errors.Is(err, s.err) || !strings.Contains(err.Error(), s.want)):
			t.Errorf("step %d (%s): %v, want %v containing %q", i, s.op.Action, err, s.err, s.want)
		case s.err != nil && !cmp.Equal(before, p):
			t.Errorf("step %d (%s): a refused step changed the patch:\n%s", i, s.op.Action, cmp.Diff(before, p))
		}
	}
	if !p.Approved() || !p.Tested() || p.Change.ApprovedBy != "erin" || p.Change.Note != "window Sat 02:00-04:00" || !p.Released.Equal(at) ||
		p.Notification.State != NotifyDone || p.Notification.By != "dave" {
		t.Errorf("after the release: %+v", p)
	}
	// Nobody to tell is a decision with a reason too, and may come before
	// release (an internal component with no operators outside).
	q := examplePatch()
	if _, err := q.Apply(PatchOp{Action: PatchNotify, State: NotifyNotRequired, Note: "internal build tool; no operators outside the team"}, "dave", at); err != nil || q.Notification.State != NotifyNotRequired {
		t.Errorf("not required: %+v %v", q.Notification, err)
	}
	r := examplePatch()
	r.Change.Ticket = ""
	if _, err := r.Apply(PatchOp{Action: PatchApprove}, "erin", at); !errors.Is(err, ErrPatchStep) || !strings.Contains(err.Error(), "no change ticket") {
		t.Errorf("approving no ticket: %v", err)
	}
}

func TestCriticality(t *testing.T) {
	for _, c := range Criticalities {
		for _, lang := range []string{"en", "zh-CN"} {
			if c.Name(lang) == "" || len(c.Meaning(lang)) < 20 {
				t.Errorf("%s in %s: %q %q", c, lang, c.Name(lang), c.Meaning(lang))
			}
		}
		if c.Name("zh-CN") == c.Name("en") || c.Meaning("zh") != c.Meaning("zh-CN") || c.Meaning("fr") != c.Meaning("en") {
			t.Errorf("%s: languages mixed up", c)
		}
	}
	if PatchImportant.Name("zh-CN") != "重要" || !strings.Contains(PatchCritical.Meaning("en"), "at once") {
		t.Errorf("texts: %q %q", PatchImportant.Name("zh-CN"), PatchCritical.Meaning("en"))
	}
	var c PatchCriticality
	if err := c.UnmarshalText([]byte("moderate")); err != nil || c != PatchModerate {
		t.Errorf("moderate: %v %v", c, err)
	}
	if err := c.UnmarshalText([]byte("high")); !errors.Is(err, ErrInvalid) {
		t.Errorf("high: %v", err)
	}
}
