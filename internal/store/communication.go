package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// Communication keeps the communication trees of incidents — their
// stakeholders and escalation paths, and the organisation's default tree
// (incident 0) that every new incident gets a copy of — acknowledgements
// of incidents, and the record of every message to a stakeholder: sent,
// failed, held under embargo or withheld by the disclosure controls.
//
// Every write is in the audit log as actor's, under the object
// "incident:<id>" ("communication-tree" for the default tree), in the
// same transaction. Webhook secrets never reach the audit log.
type Communication interface {
	// PutStakeholder adds a stakeholder to a tree (ID 0) or changes one
	// (its tree stays), and returns it as stored. Names are unique
	// within a tree (ErrConflict). On a change, an empty WebhookSecret
	// keeps the secret stored.
	PutStakeholder(ctx context.Context, s incident.Stakeholder, actor string) (incident.Stakeholder, error)
	// Stakeholder returns a stakeholder with its webhook secret.
	Stakeholder(ctx context.Context, id int64) (incident.Stakeholder, error)
	// ListStakeholders returns a tree's stakeholders (incident 0: the
	// default tree), by name, with their webhook secrets.
	ListStakeholders(ctx context.Context, incidentID int64) ([]incident.Stakeholder, error)
	// RemoveStakeholder removes a stakeholder from its tree; one its
	// escalation path names is not removed (incident.ErrInvalid, naming
	// the levels). Its deliveries stay, under its name.
	RemoveStakeholder(ctx context.Context, id int64, actor string) error
	// PutEscalation replaces a tree's escalation path, every name of
	// which must be a stakeholder of that tree.
	PutEscalation(ctx context.Context, e incident.Escalation, actor string) (incident.Escalation, error)
	// Escalation returns a tree's escalation path: no levels when it has
	// none.
	Escalation(ctx context.Context, incidentID int64) (incident.Escalation, error)

	// Acknowledge records that a.By has taken the incident up (At zero:
	// now), on its timeline too. Acknowledgements are append-only.
	Acknowledge(ctx context.Context, a incident.Ack) (incident.Ack, error)
	// Acks returns an incident's acknowledgements, oldest first.
	Acks(ctx context.Context, incidentID int64) ([]incident.Ack, error)

	// QueueDeliveries records deliveries as decided (pending, held or
	// withheld; Created is now) in one transaction and returns them with
	// their ids. An incident is escalated to a stakeholder once per
	// level and channel: a second escalation delivery for the same is
	// refused (ErrConflict).
	QueueDeliveries(ctx context.Context, ds []incident.Delivery, actor string) ([]incident.Delivery, error)
	// ClaimDelivery takes a delivery to deliver it now: one held whose
	// embargo lifted by now, or one pending since before stale (vmc
	// stopped while delivering it). It becomes pending, stamped now;
	// one another process claimed first, or that is not due, is
	// ErrConflict.
	ClaimDelivery(ctx context.Context, id int64, now, stale time.Time) (incident.Delivery, error)
	// FinishDelivery records what became of a pending or held delivery:
	// d's Status (any but pending), Reason, Attempts, Subject and
	// HeldUntil. A final outcome is final (ErrConflict).
	FinishDelivery(ctx context.Context, d incident.Delivery) (incident.Delivery, error)
	Delivery(ctx context.Context, id int64) (incident.Delivery, error)
	// ListDeliveries returns the deliveries q selects, oldest first.
	ListDeliveries(ctx context.Context, q DeliveryQuery) ([]incident.Delivery, error)
	// DueDeliveries returns deliveries ClaimDelivery would take at now:
	// held ones whose embargo lifted, pending ones since before stale.
	DueDeliveries(ctx context.Context, now, stale time.Time) ([]incident.Delivery, error)
	// Informed counts, per incident, its stakeholders and how many of
	// them have been sent a message (of q.Kinds, if given): the record
	// behind SAMM's "% of stakeholders informed of disclosures".
	Informed(ctx context.Context, q InformedQuery) ([]Informed, error)
}

// DeliveryQuery selects deliveries. The zero value lists every one.
type DeliveryQuery struct {
	Incident int64
	Kind     incident.MessageKind
	Status   incident.DeliveryStatus
}

// InformedQuery selects what Informed counts.
type InformedQuery struct {
	// Incident counts one incident; 0 every one.
	Incident int64
	// Kinds counts messages of these kinds only (advisory, for
	// "informed of disclosures"); none counts every kind.
	Kinds []incident.MessageKind
}

// Informed is how many of an incident's stakeholders were informed.
type Informed struct {
	Incident int64 `json:"incident"`
	// Stakeholders is how many its tree holds now; Informed how many of
	// them were sent at least one message.
	Stakeholders int `json:"stakeholders"`
	Informed     int `json:"informed"`
}
