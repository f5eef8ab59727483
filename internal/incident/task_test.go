package incident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEventValidate(t *testing.T) {
	ok := func() Event {
		return Event{At: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), Actor: "alice", Kind: EventNote,
			Text: "Webshell found in /var/www/shop/uploads; host isolated from the load balancer."}
	}
	for _, tc := range []struct {
		name string
		edit func(*Event)
		err  string
	}{
		{"valid", func(*Event) {}, ""},
		{"no time: the store stamps it", func(e *Event) { e.At = time.Time{} }, ""},
		{"unknown kind", func(e *Event) { e.Kind = "gossip" }, `event kind: unknown "gossip"`},
		{"no actor", func(e *Event) { e.Actor = "" }, `event actor: "" is not a name`},
		{"padded actor", func(e *Event) { e.Actor = " alice" }, `event actor: " alice" is not a name`},
		{"actor with a newline", func(e *Event) { e.Actor = "alice\nroot" }, "event actor"},
		{"empty text", func(e *Event) { e.Text = " \n" }, "event text: empty"},
		{"long text", func(e *Event) { e.Text = strings.Repeat("x", 16<<10+1) }, "event text: longer than 16 KiB"},
		{"not UTF-8", func(e *Event) { e.Text = "\xff" }, "event text: not UTF-8"},
	} {
		e := ok()
		tc.edit(&e)
		err := e.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	for _, k := range EventKinds {
		if want := k == EventState || k == EventClassification || k == EventTask || k == EventAnalysis || k == EventDecision; k.ByStore() != want {
			t.Errorf("%s: by the store %v", k, k.ByStore())
		}
	}
	var k EventKind
	if err := k.UnmarshalText([]byte("briefing")); err != nil || k != EventBriefing {
		t.Errorf("briefing: %q %v", k, err)
	}
	if err := k.UnmarshalText([]byte("Note")); !errors.Is(err, ErrInvalid) {
		t.Errorf("Note: %v", err)
	}
}

func TestTaskValidate(t *testing.T) {
	ok := func() Task {
		return Task{Title: "Isolate shop-web-2 from the network", Kind: TaskContainment, Owner: "bob",
			Due: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Link: "CHG-2026-1182"}
	}
	for _, tc := range []struct {
		name string
		edit func(*Task)
		err  string
	}{
		{"valid", func(*Task) {}, ""},
		{"no due date", func(t *Task) { t.Due = time.Time{} }, ""},
		{"done", func(t *Task) { t.Done, t.DoneBy = time.Now(), "bob" }, ""},
		{"no title", func(t *Task) { t.Title = "" }, "task title: empty"},
		{"title with a newline", func(t *Task) { t.Title = "a\nb" }, "task title: longer than 500 bytes or not printable"},
		{"unknown kind", func(t *Task) { t.Kind = "cleanup" }, `task kind: unknown "cleanup" (containment, eradication, recovery, change, patch, communication, other)`},
		{"no owner", func(t *Task) { t.Owner = "" }, `task owner: "" is not a name`},
		{"link with spaces", func(t *Task) { t.Link = "finding 42" }, `task link: "finding 42" is not a finding id, ticket or URL`},
		{"done by, not done", func(t *Task) { t.DoneBy = "bob" }, `task done_by: "bob", but the task is not done`},
		{"done by nobody", func(t *Task) { t.Done = time.Now() }, `task done_by: "" is not a name`},
	} {
		x := ok()
		tc.edit(&x)
		err := x.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	var k TaskKind
	if err := k.UnmarshalText([]byte("patch")); err != nil || k != TaskPatch {
		t.Errorf("patch: %q %v", k, err)
	}
	if err := k.UnmarshalText([]byte("fix")); !errors.Is(err, ErrInvalid) {
		t.Errorf("fix: %v", err)
	}
}

func TestTaskOverdue(t *testing.T) {
	due := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	task := Task{Due: due}
	for _, tc := range []struct {
		name string
		t    Task
		now  time.Time
		want bool
	}{
		{"during the due day", task, due.Add(23 * time.Hour), false},
		{"the day after", task, due.AddDate(0, 0, 1), true},
		{"done", Task{Due: due, Done: due, DoneBy: "bob"}, due.AddDate(0, 1, 0), false},
		{"no due date", Task{}, due, false},
	} {
		if got := tc.t.Overdue(tc.now); got != tc.want {
			t.Errorf("%s: overdue %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCheckTasks(t *testing.T) {
	done := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	tasks := []Task{
		{ID: 1, Title: "Isolate shop-web-2", Kind: TaskContainment, Owner: "bob", Done: done, DoneBy: "bob"},
		{ID: 2, Title: "Rebuild shop-web-2", Kind: TaskRecovery, Owner: "carol"},
		{ID: 3, Title: "Upgrade the upload library", Kind: TaskPatch, Owner: "dave"},
	}
	for _, tc := range []struct {
		name  string
		to    State
		tasks []Task
		err   string
	}{
		{"recovery open, not closing", Recovered, tasks, ""},
		{"recovery open, closing", Closed, tasks, "not closed while these are open: 2 Rebuild shop-web-2 (recovery, carol)"},
		{"only a patch open", Closed, []Task{tasks[0], tasks[2]}, ""},
		{"no tasks", Closed, nil, ""},
	} {
		err := CheckTasks(tc.to, tc.tasks)
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrOpenTasks) || !errors.Is(err, ErrTransition) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestStateOpen(t *testing.T) {
	for _, s := range States {
		if want := s != Closed && s != Reviewed; s.Open() != want {
			t.Errorf("%s: open %v", s, s.Open())
		}
	}
	if State("done").Open() {
		t.Error("an unknown state is open")
	}
}
