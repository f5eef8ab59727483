package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// Store is what the notifier needs of the store.
type Store interface {
	Incident(ctx context.Context, id int64) (incident.Incident, error)
	ListIncidents(ctx context.Context, q store.IncidentQuery) ([]incident.Incident, error)
	AddEvent(ctx context.Context, incidentID int64, e incident.Event) (incident.Event, error)
	Stakeholder(ctx context.Context, id int64) (incident.Stakeholder, error)
	ListStakeholders(ctx context.Context, incidentID int64) ([]incident.Stakeholder, error)
	Escalation(ctx context.Context, incidentID int64) (incident.Escalation, error)
	Acks(ctx context.Context, incidentID int64) ([]incident.Ack, error)
	QueueDeliveries(ctx context.Context, ds []incident.Delivery, actor string) ([]incident.Delivery, error)
	ClaimDelivery(ctx context.Context, id int64, now, stale time.Time) (incident.Delivery, error)
	FinishDelivery(ctx context.Context, d incident.Delivery) (incident.Delivery, error)
	ListDeliveries(ctx context.Context, q store.DeliveryQuery) ([]incident.Delivery, error)
	DueDeliveries(ctx context.Context, now, stale time.Time) ([]incident.Delivery, error)
}

// ErrNoMailer marks an e-mail vmc cannot send: no SMTP server is
// configured.
var ErrNoMailer = errors.New("e-mail is not configured (smtp.host)")

// System is the actor of what vmc does on its own: escalations and held
// messages released by Sweep.
const System = "system"

// Stale is how long a delivery may stay pending before Sweep takes it
// for abandoned (vmc stopped while delivering it) and tries again: far
// longer than every attempt of a delivery with its waits.
const Stale = 15 * time.Minute

// Service sends incident messages to communication trees and keeps the
// record of every delivery.
type Service struct {
	Store Store
	// Mail sends e-mail; nil when no SMTP server is configured, and
	// e-mail deliveries then fail with ErrNoMailer.
	Mail  Mailer
	Hooks Poster
	// Domain is the right side of the e-mails' Message-IDs: the
	// sender's domain.
	Domain string
	// Attempts bounds the tries of one delivery (0 means 3); Backoff is
	// the wait before the second, doubling after (0 means 2 s).
	Attempts int
	Backoff  time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	Log *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return s.Log
}

// Message is what to send to an incident's tree.
type Message struct {
	Kind incident.MessageKind
	// Text is the sender's own words, put into the kind's template.
	Text string
	// To names the stakeholders to send it to; none sends it to every
	// stakeholder of the tree.
	To []string
	// Marking, when set, is the message's own disclosure control: it
	// must release the message too, and its label is the one shown when
	// it is narrower than the incident's.
	Marking *incident.Marking
	// Level is the escalation level of a MessageEscalation.
	Level int
}

// channels are the ways st is reached, with their addresses.
func channels(st incident.Stakeholder) [][2]string {
	var out [][2]string
	if st.Email != "" {
		out = append(out, [2]string{string(incident.ChannelEmail), st.Email})
	}
	if st.Webhook != "" {
		out = append(out, [2]string{string(incident.ChannelWebhook), st.Webhook})
	}
	return out
}

// Send sends m about an incident to its tree (or those of it m names),
// through every channel each stakeholder has, as actor. Each delivery is
// decided by the disclosure controls, recorded, and, when released,
// attempted; what became of each is returned and summarised on the
// incident's timeline. A failed delivery is not an error: its record
// says how it failed.
func (s *Service) Send(ctx context.Context, incidentID int64, m Message, actor string) ([]incident.Delivery, error) {
	if !m.Kind.IsValid() {
		return nil, fmt.Errorf("%w: message kind: unknown %q", incident.ErrInvalid, m.Kind)
	}
	if m.Marking != nil {
		if err := m.Marking.Validate(); err != nil {
			return nil, fmt.Errorf("%w: message marking: %v", incident.ErrInvalid, err)
		}
	}
	in, err := s.Store.Incident(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	tree, err := s.Store.ListStakeholders(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	targets := tree
	if len(m.To) > 0 {
		targets = nil
		for i, name := range m.To {
			j := slices.IndexFunc(tree, func(st incident.Stakeholder) bool { return st.Name == name })
			if j < 0 {
				return nil, fmt.Errorf("%w: to[%d]: %q is not a stakeholder of incident %d", incident.ErrInvalid, i, name, incidentID)
			}
			if !slices.ContainsFunc(targets, func(st incident.Stakeholder) bool { return st.Name == name }) {
				targets = append(targets, tree[j])
			}
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("%w: incident %d has no stakeholders to tell: add some to its communication tree", incident.ErrInvalid, incidentID)
	}
	now := s.now()
	ms := markings(in, m.Marking)
	var ds []incident.Delivery
	for _, st := range targets {
		for _, ch := range channels(st) {
			dec := incident.Decide(ms, incident.Channel(ch[0]), st, now)
			d := incident.Delivery{Incident: in.ID, Stakeholder: st.ID, Name: st.Name, Channel: incident.Channel(ch[0]), Address: ch[1],
				Kind: m.Kind, Level: m.Level, Text: m.Text, Marking: m.Marking, Status: dec.Status, Reason: dec.Reason, HeldUntil: dec.HeldUntil,
				Actor: actor}
			d.Subject = newLetter(in, st, d, now).Subject()
			ds = append(ds, d)
		}
	}
	queued, err := s.Store.QueueDeliveries(ctx, ds, actor)
	if err != nil {
		return nil, err
	}
	byID := map[int64]incident.Stakeholder{}
	for _, st := range targets {
		byID[st.ID] = st
	}
	for i, d := range queued {
		if d.Status == incident.DeliveryPending {
			queued[i] = s.deliver(ctx, in, byID[d.Stakeholder], d)
		}
	}
	s.summarise(ctx, in.ID, m.Kind, actor, queued)
	return queued, nil
}

// deliver attempts a pending delivery, retrying transient failures with
// doubling waits, and records its outcome. The outcome is recorded even
// when ctx ends: the message may have left.
func (s *Service) deliver(ctx context.Context, in incident.Incident, st incident.Stakeholder, d incident.Delivery) incident.Delivery {
	attempts, backoff := s.Attempts, s.Backoff
	if attempts <= 0 {
		attempts = 3
	}
	if backoff <= 0 {
		backoff = 2 * time.Second
	}
	var err error
	for try := 1; ; try++ {
		now := s.now()
		l := newLetter(in, st, d, now)
		d.Subject = l.Subject()
		d.Attempts++
		err = s.attempt(ctx, l, now)
		if err == nil || !Temporary(err) || try >= attempts {
			break
		}
		s.log().Warn("delivery failed, retrying", "delivery", d.ID, "incident", in.ID, "to", d.Name, "channel", d.Channel, "err", err)
		t := time.NewTimer(backoff << (try - 1))
		select {
		case <-ctx.Done():
			t.Stop()
			err = fmt.Errorf("%w (after: %v)", ctx.Err(), err)
		case <-t.C:
			continue
		}
		break
	}
	d.Status, d.Reason = incident.DeliverySent, ""
	if err != nil {
		d.Status, d.Reason = incident.DeliveryFailed, err.Error()
	}
	return s.finish(ctx, d)
}

// finish records a delivery's outcome; when the store cannot, the
// delivery stays pending there and Sweep tries it again.
func (s *Service) finish(ctx context.Context, d incident.Delivery) incident.Delivery {
	out, err := s.Store.FinishDelivery(context.WithoutCancel(ctx), d)
	if err != nil {
		s.log().Error("delivery outcome not recorded", "delivery", d.ID, "incident", d.Incident, "status", d.Status, "err", err)
		return d
	}
	return out
}

func (s *Service) attempt(ctx context.Context, l letter, now time.Time) error {
	switch l.d.Channel {
	case incident.ChannelEmail:
		if s.Mail == nil {
			return ErrNoMailer
		}
		domain := s.Domain
		if domain == "" {
			domain = "vmc.invalid"
		}
		return s.Mail.Send(ctx, l.Mail(domain, now))
	case incident.ChannelWebhook:
		if s.Hooks == nil {
			return errors.New("webhooks are not configured")
		}
		body, err := l.Payload(now)
		if err != nil {
			return err
		}
		return s.Hooks.Post(ctx, Call{URL: l.d.Address, Secret: l.st.WebhookSecret, Body: body, Delivery: l.d.ID, Kind: string(l.d.Kind)})
	}
	return fmt.Errorf("channel %q: vmc does not send through it", l.d.Channel)
}

func mailAddress(name, addr string) mail.Address { return mail.Address{Name: name, Address: addr} }

// maxSummary bounds a timeline summary; the deliveries hold the rest.
const maxSummary = 4 << 10

// summarise puts what became of a message on its incident's timeline: a
// briefing as a briefing, anything else as a communication. The
// deliveries are the record; a summary the store refuses is logged.
func (s *Service) summarise(ctx context.Context, incidentID int64, kind incident.MessageKind, actor string, ds []incident.Delivery) {
	if len(ds) == 0 {
		return
	}
	var parts []string
	for _, d := range ds {
		p := fmt.Sprintf("%s to %s (%s)", d.Status, d.Name, d.Channel)
		switch d.Status {
		case incident.DeliveryHeld:
			p += " until " + d.HeldUntil.Format(time.RFC3339)
		case incident.DeliveryWithheld, incident.DeliveryFailed, incident.DeliveryCancelled:
			p += ": " + d.Reason
		}
		parts = append(parts, p)
	}
	what := string(kind) + " message"
	if ds[0].Level > 0 {
		what = fmt.Sprintf("escalation to level %d", ds[0].Level)
	}
	text := what + ": " + strings.Join(parts, "; ")
	if len(text) > maxSummary {
		// Cut on a byte, then drop the rune the cut split.
		text = strings.ToValidUTF8(text[:maxSummary-len("… (see the deliveries)")], "") + "… (see the deliveries)"
	}
	ev := incident.EventCommunication
	if kind == incident.MessageBriefing {
		ev = incident.EventBriefing
	}
	if _, err := s.Store.AddEvent(context.WithoutCancel(ctx), incidentID, incident.Event{Actor: actor, Kind: ev, Text: text}); err != nil {
		s.log().Error("delivery summary not on the timeline", "incident", incidentID, "err", err)
	}
}

// Escalate takes the levels of an incident's escalation path that are
// due now (incident.Escalation.Due) and sends an escalation to each of
// their stakeholders not yet escalated to at that level. An incident is
// acknowledged when someone has acknowledged it or it has been triaged.
func (s *Service) Escalate(ctx context.Context, incidentID int64, actor string) ([]incident.Delivery, error) {
	in, err := s.Store.Incident(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	path, err := s.Store.Escalation(ctx, incidentID)
	if err != nil || len(path.Levels) == 0 {
		return nil, err
	}
	acks, err := s.Store.Acks(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	due := path.Due(in, len(acks) > 0 || in.State != incident.Reported, s.now())
	if len(due) == 0 {
		return nil, nil
	}
	done, err := s.Store.ListDeliveries(ctx, store.DeliveryQuery{Incident: incidentID, Kind: incident.MessageEscalation})
	if err != nil {
		return nil, err
	}
	tree, err := s.Store.ListStakeholders(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	var out []incident.Delivery
	for _, l := range due {
		var to []string
		for _, name := range l.Notify {
			i := slices.IndexFunc(tree, func(st incident.Stakeholder) bool { return st.Name == name })
			if i < 0 {
				continue // the store keeps the path's names in the tree
			}
			if !slices.ContainsFunc(done, func(d incident.Delivery) bool { return d.Level == l.Level && d.Stakeholder == tree[i].ID }) {
				to = append(to, name)
			}
		}
		if len(to) == 0 {
			continue
		}
		ds, err := s.Send(ctx, incidentID, Message{Kind: incident.MessageEscalation, Level: l.Level, To: to}, actor)
		if errors.Is(err, store.ErrConflict) {
			continue // another sweep escalated at this level first
		}
		if err != nil {
			return out, fmt.Errorf("incident %d: escalation level %d: %w", incidentID, l.Level, err)
		}
		out = append(out, ds...)
	}
	return out, nil
}

// SweepResult is what a sweep did.
type SweepResult struct {
	// Released are held or abandoned deliveries it took up, with their
	// outcomes; Escalated the escalations it sent.
	Released  []incident.Delivery
	Escalated []incident.Delivery
}

// Sweep is the notifier's periodic work: it releases held messages whose
// embargo has lifted (asking Release again: the marking or the
// stakeholder may have changed since), tries again deliveries abandoned
// while pending, and escalates every open incident whose path says so.
// An error on one incident does not stop the others; the errors are
// joined.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var (
		res  SweepResult
		errs []error
	)
	now := s.now()
	due, err := s.Store.DueDeliveries(ctx, now, now.Add(-Stale))
	if err != nil {
		return res, err
	}
	released := map[int64][]incident.Delivery{}
	for _, d := range due {
		d, err := s.Store.ClaimDelivery(ctx, d.ID, now, now.Add(-Stale))
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d, err = s.release(ctx, d, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		res.Released = append(res.Released, d)
		released[d.Incident] = append(released[d.Incident], d)
	}
	for id, ds := range released {
		s.summarise(ctx, id, ds[0].Kind, System, ds)
	}
	open, err := s.Store.ListIncidents(ctx, store.IncidentQuery{Open: true})
	if err != nil {
		return res, errors.Join(append(errs, err)...)
	}
	for _, in := range open {
		ds, err := s.Escalate(ctx, in.ID, System)
		res.Escalated = append(res.Escalated, ds...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// release decides a claimed delivery again and, if it may go, delivers
// it to the address it was recorded with.
func (s *Service) release(ctx context.Context, d incident.Delivery, now time.Time) (incident.Delivery, error) {
	in, err := s.Store.Incident(ctx, d.Incident)
	if err != nil {
		return d, err
	}
	st, err := s.Store.Stakeholder(ctx, d.Stakeholder)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && st.Incident != d.Incident):
		d.Status, d.Reason = incident.DeliveryCancelled, "the stakeholder was removed from the tree"
		return s.finish(ctx, d), nil
	case err != nil:
		return d, err
	case d.Kind == incident.MessageEscalation && !in.State.Open():
		d.Status, d.Reason = incident.DeliveryCancelled, fmt.Sprintf("the incident is %s: no escalation is needed", in.State)
		return s.finish(ctx, d), nil
	}
	dec := incident.Decide(markings(in, d.Marking), d.Channel, st, now)
	if dec.Status != incident.DeliveryPending {
		d.Status, d.Reason, d.HeldUntil = dec.Status, dec.Reason, dec.HeldUntil
		return s.finish(ctx, d), nil
	}
	return s.deliver(ctx, in, st, d), nil
}
