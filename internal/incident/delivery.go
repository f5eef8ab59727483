package incident

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MessageKind is what a message to the communication tree is about.
type MessageKind string

const (
	MessageNew        MessageKind = "new"        // an incident was reported
	MessageState      MessageKind = "state"      // it moved through the response
	MessageEscalation MessageKind = "escalation" // a level of its escalation path was taken
	MessageAdvisory   MessageKind = "advisory"   // an advisory about it was released
	MessageBriefing   MessageKind = "briefing"   // a free-form briefing
)

// MessageKinds lists the kinds.
var MessageKinds = []MessageKind{MessageNew, MessageState, MessageEscalation, MessageAdvisory, MessageBriefing}

func (k MessageKind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k MessageKind) IsValid() bool { return slices.Contains(MessageKinds, k) }

// UnmarshalText rejects unknown kinds.
func (k *MessageKind) UnmarshalText(b []byte) error {
	if !MessageKind(b).IsValid() {
		return fmt.Errorf("%w: unknown message kind %q (%s)", ErrInvalid, b, joinKinds(MessageKinds))
	}
	*k = MessageKind(b)
	return nil
}

// DeliveryStatus is where a delivery is. Pending and held are the only
// states a delivery leaves; the others are its outcome, final.
type DeliveryStatus string

const (
	// DeliveryPending is being delivered (or was, when vmc stopped
	// part-way: a pending delivery left alone is tried again).
	DeliveryPending DeliveryStatus = "pending"
	// DeliveryHeld is under embargo for its recipient, and goes out
	// when the embargo lifts.
	DeliveryHeld DeliveryStatus = "held"
	// DeliveryWithheld is kept from its recipient by the disclosure
	// controls: a label beyond their clearance.
	DeliveryWithheld DeliveryStatus = "withheld"
	// DeliverySent was accepted by the mail server or the webhook.
	DeliverySent DeliveryStatus = "sent"
	// DeliveryFailed was refused, or failed every attempt.
	DeliveryFailed DeliveryStatus = "failed"
	// DeliveryCancelled was held and is no longer wanted: its
	// stakeholder was removed, or its escalation's incident closed.
	DeliveryCancelled DeliveryStatus = "cancelled"
)

// DeliveryStatuses lists the statuses.
var DeliveryStatuses = []DeliveryStatus{DeliveryPending, DeliveryHeld, DeliveryWithheld, DeliverySent, DeliveryFailed, DeliveryCancelled}

func (s DeliveryStatus) String() string { return string(s) }

// IsValid reports whether s is a known status.
func (s DeliveryStatus) IsValid() bool { return slices.Contains(DeliveryStatuses, s) }

// Final reports whether a delivery in status s is done with.
func (s DeliveryStatus) Final() bool {
	return s.IsValid() && s != DeliveryPending && s != DeliveryHeld
}

// Delivery is one message to one stakeholder through one channel, and
// what became of it: the record of who was informed, and of what was
// kept from whom and why.
type Delivery struct {
	ID       int64 `json:"id,omitempty"` // assigned by the store
	Incident int64 `json:"incident"`
	// Stakeholder is the stakeholder's id, Name its name then: the
	// stakeholder may since have been removed from the tree.
	Stakeholder int64   `json:"stakeholder"`
	Name        string  `json:"name"`
	Channel     Channel `json:"channel"` // ChannelEmail or ChannelWebhook
	// Address is the e-mail address or the webhook's URL.
	Address string      `json:"address"`
	Kind    MessageKind `json:"kind"`
	// Level is the escalation level, for MessageEscalation.
	Level int `json:"level,omitempty"`
	// Text is what the sender wrote, put into the kind's template.
	Text string `json:"text,omitempty"`
	// Marking is the message's own disclosure control, when it is
	// narrower than its incident's (a briefing for the response team
	// only, an advisory under its own embargo). Both must release it.
	Marking *Marking `json:"marking,omitempty"`
	// Subject is the subject line as written to the stakeholder.
	Subject string         `json:"subject"`
	Status  DeliveryStatus `json:"status"`
	// Reason says why it was held or withheld, or how it failed.
	Reason string `json:"reason,omitempty"`
	// HeldUntil is when a held delivery's embargo lifts.
	HeldUntil time.Time `json:"held_until,omitzero"`
	// Attempts counts the tries to deliver it.
	Attempts int `json:"attempts"`
	// Actor sent it: a user, or "system" for an escalation.
	Actor   string    `json:"actor"`
	Created time.Time `json:"created"`
	// Done is when it reached its final status.
	Done time.Time `json:"done,omitzero"`
}

// maxMessageText bounds what a sender writes into a message, as a
// timeline entry is bounded.
const maxMessageText = maxEventText

// Validate checks a delivery as it is recorded, naming the field.
func (d Delivery) Validate() error {
	switch {
	case d.Incident <= 0:
		return fmt.Errorf("%w: delivery incident: %d", ErrInvalid, d.Incident)
	case d.Channel != ChannelEmail && d.Channel != ChannelWebhook:
		return fmt.Errorf("%w: delivery channel: %q is neither email nor webhook", ErrInvalid, d.Channel)
	case !nameOK(d.Name):
		return fmt.Errorf("%w: delivery name: %q is not a name", ErrInvalid, d.Name)
	case d.Address == "":
		return fmt.Errorf("%w: delivery address: empty", ErrInvalid)
	case !d.Kind.IsValid():
		return fmt.Errorf("%w: delivery kind: unknown %q (%s)", ErrInvalid, d.Kind, joinKinds(MessageKinds))
	case (d.Kind == MessageEscalation) != (d.Level > 0):
		return fmt.Errorf("%w: delivery level: %d for a %s message (an escalation has a level, nothing else does)", ErrInvalid, d.Level, d.Kind)
	case len(d.Text) > maxMessageText:
		return fmt.Errorf("%w: message text: longer than %d KiB", ErrInvalid, maxMessageText>>10)
	case !utf8.ValidString(d.Text):
		return fmt.Errorf("%w: message text: not UTF-8", ErrInvalid)
	case !d.Status.IsValid():
		return fmt.Errorf("%w: delivery status: unknown %q", ErrInvalid, d.Status)
	case d.Status == DeliveryHeld && d.HeldUntil.IsZero():
		return fmt.Errorf("%w: delivery held_until: a held delivery waits for a date", ErrInvalid)
	case !nameOK(d.Actor):
		return fmt.Errorf("%w: delivery actor: %q is not a name", ErrInvalid, d.Actor)
	}
	if d.Marking != nil {
		if err := d.Marking.Validate(); err != nil {
			return fmt.Errorf("%w: message marking: %v", ErrInvalid, err)
		}
	}
	return nil
}

// DeliveryDecision is what the disclosure controls make of a message to one
// stakeholder through one channel.
type DeliveryDecision struct {
	// Status is DeliveryPending (it may go now), DeliveryHeld or
	// DeliveryWithheld.
	Status    DeliveryStatus
	Reason    string
	HeldUntil time.Time
}

// Decide asks Release of every marking the message carries (its
// incident's, and its own if any) with the stakeholder as recipient,
// under each name it goes by (an embargo may name it by either). A label
// beyond the stakeholder's clearance withholds it for good; an embargo
// that does not name the stakeholder holds it until the embargo lifts.
func Decide(markings []Marking, ch Channel, s Stakeholder, now time.Time) DeliveryDecision {
	d := DeliveryDecision{Status: DeliveryPending}
	var held []string
	for _, m := range markings {
		err := releaseAny(m, ch, s, now)
		if err == nil {
			continue
		}
		if !m.TLP.Within(s.Clearance) || m.Embargo == nil {
			return DeliveryDecision{Status: DeliveryWithheld, Reason: err.Error()}
		}
		held = append(held, err.Error())
		if m.Embargo.Until.After(d.HeldUntil) {
			d.HeldUntil = m.Embargo.Until
		}
	}
	if len(held) > 0 {
		d.Status, d.Reason = DeliveryHeld, strings.Join(held, "; ")
	}
	return d
}

// releaseAny releases m to s when Release allows it under any of s's
// names; the error is the one for its name.
func releaseAny(m Marking, ch Channel, s Stakeholder, now time.Time) error {
	var first error
	for _, n := range s.Names() {
		err := Release(m, ch, Recipient{Name: n, Clearance: s.Clearance}, now)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// Label is the label a message marked ms carries: the narrowest of them,
// which is what its recipients must keep to.
func Label(ms []Marking) TLP {
	label := Clear
	for _, m := range ms {
		if !m.TLP.Within(label) {
			label = m.TLP
		}
	}
	return label
}

// Ack is an acknowledgement of an incident: someone of the response has
// taken it up, which stops the escalation levels that wait for one.
type Ack struct {
	ID       int64     `json:"id,omitempty"`
	Incident int64     `json:"incident"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Note     string    `json:"note,omitempty"`
}

// Validate checks an acknowledgement. At may be zero: the store stamps
// it.
func (a Ack) Validate() error {
	switch {
	case !nameOK(a.By):
		return fmt.Errorf("%w: acknowledgement by: %q is not a name", ErrInvalid, a.By)
	case len(a.Note) > maxShort || !lineOK(a.Note):
		return fmt.Errorf("%w: acknowledgement note: one line of at most %d bytes", ErrInvalid, maxShort)
	}
	return nil
}
