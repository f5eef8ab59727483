package disclosure

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
)

func TestCheckMove(t *testing.T) {
	for _, tc := range []struct {
		from, to State
		err      string
	}{
		{Received, Acknowledged, ""},
		{Received, Rejected, ""},  // spam
		{Received, Duplicate, ""}, // a report already in
		{Acknowledged, Triaged, ""},
		{Acknowledged, Accepted, ""},
		{Triaged, Duplicate, ""},
		{Accepted, Fixed, ""},
		{Accepted, Disclosed, ""}, // the date came before the fix
		{Fixed, Disclosed, ""},
		{Fixed, Accepted, ""},   // the fix did not fix it
		{Rejected, Triaged, ""}, // new information
		{Received, Accepted, "received → accepted (from received: acknowledged, rejected, duplicate)"},
		{Triaged, Fixed, "triaged → fixed (from triaged: accepted, rejected, duplicate)"},
		{Disclosed, Triaged, "disclosed → triaged (from disclosed: none: it is final)"},
		{Received, "resolved", `unknown state "resolved"`},
	} {
		err := CheckMove(tc.from, tc.to)
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrTransition) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("CheckMove(%s, %s) = %v, want %q", tc.from, tc.to, err, tc.err)
		}
	}
	// Every state is reachable from received, and disclosure from every
	// state that is not final.
	seen := map[State]bool{Received: true}
	for queue := []State{Received}; len(queue) > 0; queue = queue[1:] {
		for _, n := range queue[0].Next() {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, s := range States {
		if !seen[s] {
			t.Errorf("%s is unreachable", s)
		}
		if s != Disclosed && len(s.Next()) == 0 {
			t.Errorf("%s is a dead end", s)
		}
	}
}

func TestMoveMilestones(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 2, h, 0, 0, 0, time.UTC) }
	r := Report{State: Received, DuplicateOf: 0}
	steps := []struct {
		to     State
		reason string
		err    string
	}{
		{Acknowledged, "", ""}, // no reason needed
		{Triaged, "", "acknowledged → triaged needs a reason"},
		{Triaged, "reproduced on 2.4.0", ""},
		{Accepted, "stored XSS in the admin console", ""},
		{Fixed, "2.4.1 released", ""},
		{Accepted, "2.4.1 did not escape the second field", ""},
		{Fixed, "2.4.2 released", ""},
		{Disclosed, "advisory VMC-2026-004 published", ""},
		{Triaged, "reopen", "from disclosed: none"},
	}
	for i, st := range steps {
		err := r.Move(st.to, st.reason, at(i+1))
		if (err == nil) != (st.err == "") || (err != nil && !strings.Contains(err.Error(), st.err)) {
			t.Fatalf("step %d → %s: %v, want %q", i, st.to, err, st.err)
		}
	}
	want := Report{State: Disclosed, Acknowledged: at(1), Triaged: at(3), Fixed: at(7), Disclosed: at(8)}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("milestones -want +got:\n%s", diff)
	}
	// A duplicate keeps what it duplicates only while it is one.
	d := Report{State: Acknowledged, DuplicateOf: 4}
	if err := d.Move(Duplicate, "same as VR-AAAA-BBBB", at(1)); err != nil || d.DuplicateOf != 4 {
		t.Errorf("to duplicate: %+v, %v", d, err)
	}
	if err := d.Move(Triaged, "a different parameter after all", at(2)); err != nil || d.DuplicateOf != 0 || !d.Triaged.Equal(at(1)) {
		t.Errorf("reopened: %+v, %v", d, err)
	}
}

func TestNewReport(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC) // a Friday
	sub := Submission{Title: "  Stored XSS in the admin console ", Description: "Steps:\r\n1. log in\r\n2. …\r\n",
		Product: "shop-web", Version: "2.4.0", ReporterName: "李雷", ReporterContact: "lilei@example.cn", WantsCredit: true, Lang: "zh-CN"}
	r, err := sub.NewReport(now, DefaultPolicy, "VR-K7Q3-9XPA")
	if err != nil {
		t.Fatal(err)
	}
	want := Report{Code: "VR-K7Q3-9XPA", Title: "Stored XSS in the admin console", Description: "Steps:\n1. log in\n2. …",
		Product: "shop-web", Version: "2.4.0", Reporter: Reporter{Name: "李雷", Contact: "lilei@example.cn"},
		Credit: Credit{Wanted: true, Name: "李雷"}, Lang: "zh-CN", State: Received,
		Marking: incident.Marking{TLP: incident.Amber}, Received: now,
		Deadlines: Deadlines{Ack: time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC), Triage: time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC),
			Disclosure: time.Date(2027, 2, 18, 15, 30, 0, 0, time.UTC)}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("report -want +got:\n%s", diff)
	}
	if r.Actor() != "reporter:VR-K7Q3-9XPA" {
		t.Errorf("actor %q", r.Actor())
	}
	anon, err := Submission{Title: "x", Description: "y"}.NewReport(now, DefaultPolicy, NewCode())
	if err != nil || !anon.Reporter.Anonymous() || anon.Lang != "en" || anon.Credit != (Credit{}) {
		t.Errorf("anonymous: %+v, %v", anon, err)
	}
	if _, err := sub.NewReport(now, DefaultPolicy, "VR-0000-0000"); err == nil || !strings.Contains(err.Error(), "code: ") {
		t.Errorf("a bad code: %v", err)
	}
}

// TestSubmissionCheck names every field at fault, and only those.
func TestSubmissionCheck(t *testing.T) {
	ok := Submission{Title: "SQL injection in /search", Description: "q=' OR 1=1 --", Lang: "en"}
	for _, tc := range []struct {
		name string
		edit func(*Submission)
		want []string // field:rule
	}{
		{"valid", func(*Submission) {}, nil},
		{"empty", func(s *Submission) { *s = Submission{Lang: "en"} }, []string{"title:empty", "description:empty"}},
		{"long title", func(s *Submission) { s.Title = strings.Repeat("漏", 101) }, []string{"title:long"}},
		{"long description", func(s *Submission) { s.Description = strings.Repeat("a", MaxDescription+1) }, []string{"description:long"}},
		{"escape in the title", func(s *Submission) { s.Title = "x\x1b]0;pwned\x07" }, []string{"title:text"}},
		{"newline in a name", func(s *Submission) { s.ReporterName = "Eve\nAdmin: yes" }, []string{"reporter_name:text"}},
		{"right-to-left override", func(s *Submission) { s.Product = "shop\u202eweb" }, []string{"product:text"}},
		{"not UTF-8", func(s *Submission) { s.Description = "\xff\xfe" }, []string{"description:text"}},
		{"NUL in the description", func(s *Submission) { s.Description = "a\x00b" }, []string{"description:text"}},
		{"tabs and newlines are text", func(s *Submission) { s.Description = "a\tb\nc" }, nil},
		{"credit with no name", func(s *Submission) { s.WantsCredit = true }, []string{"credit_name:credit"}},
		{"unknown language", func(s *Submission) { s.Lang = "fr" }, []string{"lang:lang"}},
		{"long contact", func(s *Submission) { s.ReporterContact = strings.Repeat("a", MaxContact+1) }, []string{"reporter_contact:long"}},
	} {
		s := ok
		tc.edit(&s)
		err := s.Normalise().Check()
		var got []string
		for _, fe := range FieldErrors(err) {
			got = append(got, fe.Field+":"+fe.Rule)
			if !errors.Is(fe, ErrInvalid) || !strings.HasPrefix(fe.Error(), "invalid report: "+fe.Field+": ") {
				t.Errorf("%s: %q does not say what and where", tc.name, fe.Error())
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || (err == nil) != (tc.want == nil) {
			t.Errorf("%s: -want +got:\n%s (%v)", tc.name, diff, err)
		}
	}
}

func TestCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if !ValidCode(c) {
			t.Fatalf("NewCode() = %q, not valid", c)
		}
		seen[c] = true
	}
	if len(seen) < 1000 {
		t.Errorf("%d distinct codes in 1000", len(seen))
	}
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"VR-K7Q3-9XPA", "VR-K7Q3-9XPA", true},
		{" vr-k7q3-9xpa ", "VR-K7Q3-9XPA", true},
		{"VR-K7Q3-9XP0", "VR-K7Q3-9XP0", false}, // 0 is not in the alphabet
		{"VR-K7Q39XPA", "VR-K7Q39XPA", false},
		{"INC-1", "INC-1", false},
	} {
		if got, ok := ParseCode(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEventValidate(t *testing.T) {
	for _, tc := range []struct {
		e   Event
		err string
	}{
		{Event{Actor: "alice", Kind: EventReply, Text: "Thank you; we reproduced it."}, ""},
		{Event{Actor: "reporter:VR-K7Q3-9XPA", Kind: EventReporter, Text: "Any news?"}, ""},
		{Event{Actor: "alice", Kind: "chat", Text: "x"}, `kind: unknown "chat"`},
		{Event{Actor: " alice", Kind: EventNote, Text: "x"}, `actor: " alice" is not a name`},
		{Event{Actor: "alice", Kind: EventNote, Text: " \n "}, "text: empty"},
		{Event{Actor: "alice", Kind: EventNote, Text: strings.Repeat("x", MaxMessage+1)}, "text: longer than 16 KiB"},
		{Event{Actor: "alice", Kind: EventNote, Text: "\x1b[2J"}, "text: holds the control character U+001B"},
	} {
		err := tc.e.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%+v: %v, want %q", tc.e, err, tc.err)
		}
	}
	if !EventReply.ToReporter() || EventNote.ToReporter() || EventState.ToReporter() || !EventState.ByStore() || EventReply.ByStore() {
		t.Error("who sees which events, and who writes them, changed")
	}
}
