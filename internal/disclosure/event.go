package disclosure

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// EventKind is what an entry of a report's log records.
type EventKind string

const (
	// EventState is a move (Report.Move) with its reason.
	EventState EventKind = "state"
	// EventDeadline is a deadline changed, with the reason.
	EventDeadline EventKind = "deadline"
	// EventCredit is the reporter's credit confirmed.
	EventCredit EventKind = "credit"
	// EventMarking is the report's marking changed.
	EventMarking EventKind = "marking"
	// EventLink is the report linked to an incident.
	EventLink EventKind = "link"
	// EventReporter is a message from the reporter, through the status
	// link.
	EventReporter EventKind = "reporter"
	// EventReply is a message from the team to the reporter, shown on
	// the status page.
	EventReply EventKind = "reply"
	// EventNote is the team's own note, never shown to the reporter.
	EventNote EventKind = "note"
)

// EventKinds lists the kinds.
var EventKinds = []EventKind{EventState, EventDeadline, EventCredit, EventMarking, EventLink, EventReporter, EventReply, EventNote}

func (k EventKind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k EventKind) IsValid() bool { return slices.Contains(EventKinds, k) }

// UnmarshalText rejects unknown kinds.
func (k *EventKind) UnmarshalText(b []byte) error {
	if !EventKind(b).IsValid() {
		return fmt.Errorf("unknown report event kind %q (%s)", b, join(EventKinds))
	}
	*k = EventKind(b)
	return nil
}

// ByStore reports whether events of kind k are written by the store as
// the report changes, never added by hand.
func (k EventKind) ByStore() bool {
	return k == EventState || k == EventDeadline || k == EventCredit || k == EventMarking || k == EventLink
}

// ToReporter reports whether the reporter sees events of kind k on their
// status page: the conversation, and nothing of the team's workings.
func (k EventKind) ToReporter() bool { return k == EventReporter || k == EventReply }

// Event is one entry of a report's log, which is append-only.
type Event struct {
	ID     int64     `json:"id,omitempty"`     // assigned by the store
	Report int64     `json:"report,omitempty"` // the report's id
	At     time.Time `json:"at"`
	// Actor is a user name, or the reporter (Report.Actor).
	Actor string    `json:"actor"`
	Kind  EventKind `json:"kind"`
	Text  string    `json:"text"`
}

// Validate checks an event's fields, naming the first at fault. At may
// be zero: the store stamps it.
func (e Event) Validate() error {
	switch {
	case !e.Kind.IsValid():
		return fieldErr("kind", "unknown", "unknown %q (%s)", e.Kind, join(EventKinds))
	case e.Actor == "" || strings.TrimSpace(e.Actor) != e.Actor || line("actor", e.Actor, MaxLine) != nil:
		return fieldErr("actor", "format", "%q is not a name", e.Actor)
	}
	return CheckMessage("text", e.Text)
}
