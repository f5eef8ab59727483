package incident

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// EventKind is what a timeline entry records.
type EventKind string

const (
	// EventNote is something a responder wrote down: an observation, a
	// decision, a call made.
	EventNote EventKind = "note"
	// EventState is a move through the response (State).
	EventState EventKind = "state"
	// EventClassification is a change of category, severity or marking.
	EventClassification EventKind = "classification"
	// EventTask is a response task added, changed or done.
	EventTask EventKind = "task"
	// EventBriefing is a briefing given: to management, a regulator,
	// customers, the team at a shift change.
	EventBriefing EventKind = "briefing"
	// EventEvidence is evidence collected or handed over.
	EventEvidence EventKind = "evidence"
	// EventCommunication is a message sent or received outside the team:
	// a vendor, a CERT, law enforcement.
	EventCommunication EventKind = "communication"
	// EventAnalysis is the root-cause analysis changing: its text, a
	// cause, a recommendation (rca.go).
	EventAnalysis EventKind = "analysis"
	// EventDecision is a management decision: on a recommendation, on
	// notifying a regulator of a personal data breach.
	EventDecision EventKind = "decision"
)

// EventKinds lists the kinds.
var EventKinds = []EventKind{EventNote, EventState, EventClassification, EventTask, EventBriefing, EventEvidence, EventCommunication,
	EventAnalysis, EventDecision}

func (k EventKind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k EventKind) IsValid() bool { return slices.Contains(EventKinds, k) }

// UnmarshalText rejects unknown kinds.
func (k *EventKind) UnmarshalText(b []byte) error {
	if !EventKind(b).IsValid() {
		return fmt.Errorf("%w: unknown timeline event kind %q (%s)", ErrInvalid, b, joinKinds(EventKinds))
	}
	*k = EventKind(b)
	return nil
}

// ByStore reports whether events of kind k are written by the store as
// the incident changes (its state, its classification, its tasks) and
// never added by hand: a timeline whose moves could be typed in would not
// show what happened.
func (k EventKind) ByStore() bool {
	return k == EventState || k == EventClassification || k == EventTask ||
		k == EventAnalysis || k == EventDecision
}

// Event is one entry of an incident's timeline: what happened, when, and
// who recorded it. The timeline is append-only; a mistake is corrected by
// a later note, as in a paper log.
type Event struct {
	ID       int64     `json:"id,omitempty"`       // assigned by the store
	Incident int64     `json:"incident,omitempty"` // the incident's id
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Kind     EventKind `json:"kind"`
	Text     string    `json:"text"`
}

// Limits on free text: generous for a log entry or a task, small enough
// that a timeline stays cheap to show.
const (
	maxEventText = 16 << 10
	maxShort     = 500
)

// Validate checks an event's fields, naming the first at fault. At may be
// zero: the store stamps it.
func (e Event) Validate() error {
	switch {
	case !e.Kind.IsValid():
		return fmt.Errorf("%w: event kind: unknown %q (%s)", ErrInvalid, e.Kind, joinKinds(EventKinds))
	case !nameOK(e.Actor):
		return fmt.Errorf("%w: event actor: %q is not a name", ErrInvalid, e.Actor)
	case strings.TrimSpace(e.Text) == "":
		return fmt.Errorf("%w: event text: empty", ErrInvalid)
	case len(e.Text) > maxEventText:
		return fmt.Errorf("%w: event text: longer than %d KiB", ErrInvalid, maxEventText>>10)
	case !utf8.ValidString(e.Text):
		return fmt.Errorf("%w: event text: not UTF-8", ErrInvalid)
	}
	return nil
}

// Open reports whether an incident in state s is still being responded
// to: not closed, nor reviewed.
func (s State) Open() bool { return s.IsValid() && s != Closed && s != Reviewed }

// nameOK accepts a user name or a display name: printable, one line,
// not padded, at most 200 bytes.
func nameOK(s string) bool {
	return s != "" && strings.TrimSpace(s) == s && len(s) <= 200 && lineOK(s)
}

// lineOK reports whether s is one line of UTF-8 without control
// characters.
func lineOK(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func joinKinds[K ~string](ks []K) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return strings.Join(out, ", ")
}
