package incident

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// TaskKind is what part of the response a task serves.
type TaskKind string

const (
	TaskContainment   TaskKind = "containment"   // stop the damage spreading: isolate, block, disable
	TaskEradication   TaskKind = "eradication"   // remove the cause: malware, accounts, the vulnerability
	TaskRecovery      TaskKind = "recovery"      // restore service: rebuild, restore, monitor
	TaskChange        TaskKind = "change"        // a change through change management (a ticket)
	TaskPatch         TaskKind = "patch"         // a patch to apply (often a finding)
	TaskCommunication TaskKind = "communication" // tell someone: users, a regulator, a vendor
	TaskOther         TaskKind = "other"
)

// TaskKinds lists the kinds, in response order.
var TaskKinds = []TaskKind{TaskContainment, TaskEradication, TaskRecovery, TaskChange, TaskPatch, TaskCommunication, TaskOther}

func (k TaskKind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k TaskKind) IsValid() bool { return slices.Contains(TaskKinds, k) }

// UnmarshalText rejects unknown kinds.
func (k *TaskKind) UnmarshalText(b []byte) error {
	if !TaskKind(b).IsValid() {
		return fmt.Errorf("%w: unknown task kind %q (%s)", ErrInvalid, b, joinKinds(TaskKinds))
	}
	*k = TaskKind(b)
	return nil
}

// Task is a piece of response work: who does what by when, and when it
// was done.
type Task struct {
	ID       int64    `json:"id,omitempty"`       // assigned by the store
	Incident int64    `json:"incident,omitempty"` // the incident's id
	Title    string   `json:"title"`
	Kind     TaskKind `json:"kind"`
	Owner    string   `json:"owner"`
	// Due is the day it should be done by, UTC midnight; zero when
	// there is no date.
	Due time.Time `json:"due,omitzero"`
	// Done is when it was done, and DoneBy who said so; zero while the
	// task is open.
	Done   time.Time `json:"done,omitzero"`
	DoneBy string    `json:"done_by,omitempty"`
	// Link points at what the task is carried out through: a finding
	// ("finding:42"), a change ticket ("CHG-2026-1182"), a URL.
	Link string `json:"link,omitempty"`
}

// Validate checks a task's fields, naming the first at fault.
func (t Task) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: task %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	switch {
	case strings.TrimSpace(t.Title) == "":
		return bad("title", "empty")
	case len(t.Title) > maxShort || !lineOK(t.Title):
		return bad("title", "longer than %d bytes or not printable", maxShort)
	case !t.Kind.IsValid():
		return bad("kind", "unknown %q (%s)", t.Kind, joinKinds(TaskKinds))
	case !nameOK(t.Owner):
		return bad("owner", "%q is not a name", t.Owner)
	case len(t.Link) > maxShort || !lineOK(t.Link) || strings.ContainsAny(t.Link, " \t"):
		return bad("link", "%q is not a finding id, ticket or URL", t.Link)
	case t.Done.IsZero() && t.DoneBy != "":
		return bad("done_by", "%q, but the task is not done", t.DoneBy)
	case !t.Done.IsZero() && !nameOK(t.DoneBy):
		return bad("done_by", "%q is not a name", t.DoneBy)
	}
	return nil
}

// Open reports whether the task is still to be done.
func (t Task) Open() bool { return t.Done.IsZero() }

// Overdue reports whether an open task is past its due day at now: due
// on a day means by the end of it.
func (t Task) Overdue(now time.Time) bool {
	return t.Open() && !t.Due.IsZero() && !now.Before(t.Due.AddDate(0, 0, 1))
}

// response are the task kinds that are the response itself: while one is
// open, the incident is not over.
var response = []TaskKind{TaskContainment, TaskEradication, TaskRecovery}

// ErrOpenTasks marks a move the incident's open response tasks prevent.
var ErrOpenTasks = fmt.Errorf("%w: open response tasks", ErrTransition)

// CheckTasks reports whether an incident with tasks may move to state to:
// it is not closed while a containment, eradication or recovery task is
// open. Other tasks (a patch, a change, a communication) may outlive the
// incident, and often do: they are the lessons learnt being carried out.
func CheckTasks(to State, tasks []Task) error {
	if to != Closed {
		return nil
	}
	var open []string
	for _, t := range tasks {
		if t.Open() && slices.Contains(response, t.Kind) {
			open = append(open, fmt.Sprintf("%d %s (%s, %s)", t.ID, t.Title, t.Kind, t.Owner))
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("%w: not closed while these are open: %s", ErrOpenTasks, strings.Join(open, "; "))
	}
	return nil
}
