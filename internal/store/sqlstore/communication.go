package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// treeObject is the audit log object of a communication tree: its
// incident's, or "communication-tree" for the organisation's default.
func treeObject(incidentID int64) string {
	if incidentID == 0 {
		return "communication-tree"
	}
	return incidentObject(incidentID)
}

// treeName names a tree in messages.
func treeName(incidentID int64) string {
	if incidentID == 0 {
		return "the default communication tree"
	}
	return fmt.Sprintf("the communication tree of incident %d", incidentID)
}

// treeArg is a tree's incident_id: NULL for the default tree.
func treeArg(incidentID int64) sql.NullInt64 {
	return sql.NullInt64{Int64: incidentID, Valid: incidentID != 0}
}

// treeWhere selects the rows of one tree.
func treeWhere(incidentID int64) (string, []any) {
	if incidentID == 0 {
		return `incident_id IS NULL`, nil
	}
	return `incident_id = ?`, []any{incidentID}
}

// checkTree reports whether a tree exists: the default always does, an
// incident's with its incident.
func (s *Store) checkTree(ctx context.Context, q querier, incidentID int64) error {
	if incidentID < 0 {
		return fmt.Errorf("incident %d: %w", incidentID, store.ErrNotFound)
	}
	if incidentID == 0 {
		return nil
	}
	_, err := s.incident(ctx, q, incidentID)
	return err
}

// treeEvent puts a change of an incident's tree on its timeline; the
// default tree has none.
func treeEvent(ctx context.Context, tx *txn, incidentID int64, at time.Time, actor, text string) error {
	if incidentID == 0 {
		return nil
	}
	_, err := insertEvent(ctx, tx, incident.Event{Incident: incidentID, At: at, Actor: actor, Kind: incident.EventCommunication, Text: text})
	return err
}

// stakeholderText describes a stakeholder for the timeline and the audit
// log: never its webhook secret.
func stakeholderText(st incident.Stakeholder) string {
	var via []string
	if st.Email != "" {
		via = append(via, "e-mail "+st.Email)
	}
	if st.Webhook != "" {
		via = append(via, "webhook "+st.Webhook)
	}
	s := fmt.Sprintf("%s (%s, %s, cleared for TLP:%s, %s", st.Name, st.Role, strings.Join(via, " and "), st.Clearance, st.Lang)
	if st.Outside() {
		s += ", outside the organisation"
	}
	return s + ")"
}

const stakeholderColumns = `id, incident_id, name, role, email, webhook, webhook_secret, lang, clearance, external`

func scanStakeholder(r interface{ Scan(...any) error }) (incident.Stakeholder, error) {
	var (
		st       incident.Stakeholder
		inc      sql.NullInt64
		external int
	)
	err := r.Scan(&st.ID, &inc, &st.Name, &st.Role, &st.Email, &st.Webhook, &st.WebhookSecret, &st.Lang, &st.Clearance, &external)
	st.Incident, st.External = inc.Int64, external != 0
	return st, err
}

func (s *Store) stakeholder(ctx context.Context, q querier, id int64) (incident.Stakeholder, error) {
	st, err := scanStakeholder(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+stakeholderColumns+` FROM incident_stakeholders WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("stakeholder %d: %w", id, store.ErrNotFound)
	}
	return st, err
}

func (s *Store) stakeholders(ctx context.Context, q querier, incidentID int64) ([]incident.Stakeholder, error) {
	where, args := treeWhere(incidentID)
	return collect(ctx, q, s.d.Rebind(`SELECT `+stakeholderColumns+` FROM incident_stakeholders WHERE `+where+` ORDER BY name`), args, rowScanner(scanStakeholder))
}

// Stakeholder implements store.Communication.
func (s *Store) Stakeholder(ctx context.Context, id int64) (incident.Stakeholder, error) {
	return s.stakeholder(ctx, s.r, id)
}

// ListStakeholders implements store.Communication.
func (s *Store) ListStakeholders(ctx context.Context, incidentID int64) ([]incident.Stakeholder, error) {
	if err := s.checkTree(ctx, s.r, incidentID); err != nil {
		return nil, err
	}
	return s.stakeholders(ctx, s.r, incidentID)
}

// PutStakeholder implements store.Communication.
func (s *Store) PutStakeholder(ctx context.Context, st incident.Stakeholder, actor string) (incident.Stakeholder, error) {
	if err := checkIncidentActor(actor); err != nil {
		return st, err
	}
	var out incident.Stakeholder
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := st, s.clock()
		entry := audit.Entry{At: now, Actor: actor, Action: "incident.stakeholder.add"}
		var before incident.Stakeholder
		if x.ID == 0 {
			if err := s.checkTree(ctx, tx, x.Incident); err != nil {
				return err
			}
		} else {
			var err error
			if before, err = s.stakeholder(ctx, tx, x.ID); err != nil {
				return err
			}
			if x.Incident != 0 && x.Incident != before.Incident {
				return fmt.Errorf("%w: stakeholder %d is in %s, not incident %d's", incident.ErrInvalid, x.ID, treeName(before.Incident), x.Incident)
			}
			x.Incident = before.Incident
			if x.WebhookSecret == "" {
				x.WebhookSecret = before.WebhookSecret
			}
		}
		if x.Webhook == "" {
			// No webhook, nothing to sign: a secret kept for a later
			// webhook would be one nobody knows is there.
			x.WebhookSecret = ""
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if x.ID == 0 || x.Name != before.Name {
			var n int
			where, args := treeWhere(x.Incident)
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM incident_stakeholders WHERE `+where+` AND name = ?`, append(args, x.Name)...).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("%w: stakeholder %q is already in %s", store.ErrConflict, x.Name, treeName(x.Incident))
			}
		}
		var text string
		if x.ID == 0 {
			err := tx.queryRow(ctx, `INSERT INTO incident_stakeholders (incident_id, name, role, email, webhook, webhook_secret, lang, clearance, external, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				treeArg(x.Incident), x.Name, x.Role, x.Email, x.Webhook, x.WebhookSecret, x.Lang, x.Clearance, boolInt(x.External), now, now).Scan(&x.ID)
			if err != nil {
				return fmt.Errorf("stakeholder %q: %w", x.Name, err)
			}
			text = "stakeholder added: " + stakeholderText(x)
		} else {
			if x == before {
				out = x
				return nil
			}
			entry.Action = "incident.stakeholder.update"
			entry.Before, _ = json.Marshal(before)
			text = "stakeholder changed: " + stakeholderText(x)
			if x.WebhookSecret != before.WebhookSecret && before.WebhookSecret != "" {
				text += "; webhook secret rotated"
			}
			if _, err := tx.exec(ctx, `UPDATE incident_stakeholders SET name = ?, role = ?, email = ?, webhook = ?, webhook_secret = ?, lang = ?, clearance = ?, external = ?, updated_at = ? WHERE id = ?`,
				x.Name, x.Role, x.Email, x.Webhook, x.WebhookSecret, x.Lang, x.Clearance, boolInt(x.External), now, x.ID); err != nil {
				return fmt.Errorf("stakeholder %d: %w", x.ID, err)
			}
			if x.Name != before.Name {
				renamed, err := s.renameInEscalation(ctx, tx, x.Incident, before.Name, x.Name, now, actor)
				if err != nil {
					return err
				}
				if renamed {
					text += fmt.Sprintf("; the escalation path now names %s for %s", x.Name, before.Name)
				}
			}
		}
		if err := treeEvent(ctx, tx, x.Incident, now, actor, text); err != nil {
			return err
		}
		entry.Object, entry.Reason = treeObject(x.Incident), text
		entry.After, _ = json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, entry)
	})
	return out, err
}

// renameInEscalation follows a stakeholder's new name in its tree's
// escalation path, and reports whether the path named it.
func (s *Store) renameInEscalation(ctx context.Context, tx *txn, incidentID int64, from, to string, now time.Time, actor string) (bool, error) {
	e, err := s.escalation(ctx, tx, incidentID)
	if err != nil {
		return false, err
	}
	renamed := false
	for i := range e.Levels {
		if j := slices.Index(e.Levels[i].Notify, from); j >= 0 {
			e.Levels[i].Notify[j], renamed = to, true
		}
	}
	if !renamed {
		return false, nil
	}
	return true, s.writeEscalation(ctx, tx, e, now, actor)
}

// RemoveStakeholder implements store.Communication.
func (s *Store) RemoveStakeholder(ctx context.Context, id int64, actor string) error {
	if err := checkIncidentActor(actor); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		st, err := s.stakeholder(ctx, tx, id)
		if err != nil {
			return err
		}
		e, err := s.escalation(ctx, tx, st.Incident)
		if err != nil {
			return err
		}
		var levels []string
		for _, l := range e.Levels {
			if slices.Contains(l.Notify, st.Name) {
				levels = append(levels, strconv.Itoa(l.Level))
			}
		}
		if len(levels) > 0 {
			return fmt.Errorf("%w: stakeholder %s: the escalation path names them at level %s: change the path first",
				incident.ErrInvalid, st.Name, strings.Join(levels, ", "))
		}
		if _, err := tx.exec(ctx, `DELETE FROM incident_stakeholders WHERE id = ?`, id); err != nil {
			return fmt.Errorf("stakeholder %d: %w", id, err)
		}
		text := "stakeholder removed: " + stakeholderText(st)
		if err := treeEvent(ctx, tx, st.Incident, now, actor, text); err != nil {
			return err
		}
		before, _ := json.Marshal(st)
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.stakeholder.remove", Object: treeObject(st.Incident),
			Before: before, Reason: text})
	})
}

func (s *Store) escalation(ctx context.Context, q querier, incidentID int64) (incident.Escalation, error) {
	e := incident.Escalation{Incident: incidentID, Levels: []incident.Level{}}
	where, args := treeWhere(incidentID)
	var levels string
	err := q.QueryRowContext(ctx, s.d.Rebind(`SELECT levels FROM incident_escalations WHERE `+where), args...).Scan(&levels)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return e, nil
	case err != nil:
		return e, fmt.Errorf("%s: escalation: %w", treeName(incidentID), err)
	}
	if err := json.Unmarshal([]byte(levels), &e.Levels); err != nil {
		return e, fmt.Errorf("%s: escalation: %w", treeName(incidentID), err)
	}
	return e, nil
}

// writeEscalation stores a tree's path, replacing the one it had.
func (s *Store) writeEscalation(ctx context.Context, tx *txn, e incident.Escalation, now time.Time, actor string) error {
	levels, err := json.Marshal(e.Levels)
	if err != nil {
		return err
	}
	where, args := treeWhere(e.Incident)
	res, err := tx.exec(ctx, `UPDATE incident_escalations SET levels = ?, updated_at = ?, updated_by = ? WHERE `+where,
		append([]any{string(levels), now, actor}, args...)...)
	if err != nil {
		return fmt.Errorf("%s: escalation: %w", treeName(e.Incident), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = tx.exec(ctx, `INSERT INTO incident_escalations (incident_id, levels, updated_at, updated_by) VALUES (?, ?, ?, ?)`,
			treeArg(e.Incident), string(levels), now, actor)
	}
	if err != nil {
		return fmt.Errorf("%s: escalation: %w", treeName(e.Incident), err)
	}
	return nil
}

// Escalation implements store.Communication.
func (s *Store) Escalation(ctx context.Context, incidentID int64) (incident.Escalation, error) {
	if err := s.checkTree(ctx, s.r, incidentID); err != nil {
		return incident.Escalation{}, err
	}
	return s.escalation(ctx, s.r, incidentID)
}

// escalationText describes a path for the timeline.
func escalationText(e incident.Escalation) string {
	if len(e.Levels) == 0 {
		return "escalation path cleared"
	}
	parts := make([]string, len(e.Levels))
	for i, l := range e.Levels {
		when := "at once"
		if l.AfterMinutes > 0 {
			when = fmt.Sprintf("after %d min unacknowledged", l.AfterMinutes)
		}
		parts[i] = fmt.Sprintf("level %d: %s and worse, %s, to %s", l.Level, l.Severity, when, strings.Join(l.Notify, ", "))
	}
	return "escalation path set: " + strings.Join(parts, "; ")
}

// PutEscalation implements store.Communication.
func (s *Store) PutEscalation(ctx context.Context, e incident.Escalation, actor string) (incident.Escalation, error) {
	if err := checkIncidentActor(actor); err != nil {
		return e, err
	}
	if err := e.Validate(); err != nil {
		return e, err
	}
	x := e
	x.Levels = make([]incident.Level, len(e.Levels))
	for i, l := range e.Levels {
		l.Notify = slices.Clone(l.Notify)
		x.Levels[i] = l
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		if err := s.checkTree(ctx, tx, x.Incident); err != nil {
			return err
		}
		sts, err := s.stakeholders(ctx, tx, x.Incident)
		if err != nil {
			return err
		}
		for _, n := range x.Names() {
			if !slices.ContainsFunc(sts, func(st incident.Stakeholder) bool { return st.Name == n }) {
				return fmt.Errorf("%w: escalation: %s is not a stakeholder of %s", incident.ErrInvalid, n, treeName(x.Incident))
			}
		}
		before, err := s.escalation(ctx, tx, x.Incident)
		if err != nil {
			return err
		}
		if err := s.writeEscalation(ctx, tx, x, now, actor); err != nil {
			return err
		}
		text := escalationText(x)
		if err := treeEvent(ctx, tx, x.Incident, now, actor, text); err != nil {
			return err
		}
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(x)
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.escalation", Object: treeObject(x.Incident),
			Before: b, After: a, Reason: text})
	})
	return x, err
}

// copyDefaultTree gives a new incident a copy of the organisation's
// default tree: its stakeholders (webhook secrets too: they are the same
// receivers) and its escalation path.
func (s *Store) copyDefaultTree(ctx context.Context, tx *txn, incidentID int64, now time.Time, actor string) error {
	sts, err := s.stakeholders(ctx, tx, 0)
	if err != nil {
		return err
	}
	e, err := s.escalation(ctx, tx, 0)
	if err != nil {
		return err
	}
	if len(sts) == 0 && len(e.Levels) == 0 {
		return nil
	}
	names := make([]string, len(sts))
	for i, st := range sts {
		if _, err := tx.exec(ctx, `INSERT INTO incident_stakeholders (incident_id, name, role, email, webhook, webhook_secret, lang, clearance, external, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			incidentID, st.Name, st.Role, st.Email, st.Webhook, st.WebhookSecret, st.Lang, st.Clearance, boolInt(st.External), now, now); err != nil {
			return fmt.Errorf("incident %d: copy stakeholder %q: %w", incidentID, st.Name, err)
		}
		names[i] = st.Name
	}
	if len(e.Levels) > 0 {
		e.Incident = incidentID
		if err := s.writeEscalation(ctx, tx, e, now, actor); err != nil {
			return err
		}
	}
	text := fmt.Sprintf("communication tree copied from the default: %d stakeholders (%s), %d escalation levels",
		len(sts), strings.Join(names, ", "), len(e.Levels))
	if err := treeEvent(ctx, tx, incidentID, now, actor, text); err != nil {
		return err
	}
	return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.tree.copy", Object: incidentObject(incidentID), Reason: text})
}

// Acknowledge implements store.Communication.
func (s *Store) Acknowledge(ctx context.Context, a incident.Ack) (incident.Ack, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	var out incident.Ack
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := a, s.clock()
		if _, err := s.incident(ctx, tx, x.Incident); err != nil {
			return err
		}
		if x.At.IsZero() {
			x.At = now
		}
		x.At = incidentTime(x.At)
		if err := tx.queryRow(ctx, `INSERT INTO incident_acks (incident_id, actor, at, note) VALUES (?, ?, ?, ?) RETURNING id`,
			x.Incident, x.By, x.At, x.Note).Scan(&x.ID); err != nil {
			return fmt.Errorf("incident %d: acknowledgement: %w", x.Incident, err)
		}
		text := "acknowledged by " + x.By
		if x.Note != "" {
			text += ": " + x.Note
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: x.At, Actor: x.By, Kind: incident.EventCommunication, Text: text}); err != nil {
			return err
		}
		after, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: x.By, Action: "incident.ack", Object: incidentObject(x.Incident), After: after, Reason: text})
	})
	return out, err
}

// Acks implements store.Communication.
func (s *Store) Acks(ctx context.Context, incidentID int64) ([]incident.Ack, error) {
	if _, err := s.incident(ctx, s.r, incidentID); err != nil {
		return nil, err
	}
	return collect(ctx, s.r, s.d.Rebind(`SELECT id, incident_id, actor, at, note FROM incident_acks WHERE incident_id = ? ORDER BY id`), []any{incidentID},
		func(r *sql.Rows) (incident.Ack, error) {
			var a incident.Ack
			err := r.Scan(&a.ID, &a.Incident, &a.By, &a.At, &a.Note)
			a.At = a.At.UTC()
			return a, err
		})
}

const deliveryColumns = `id, incident_id, stakeholder_id, stakeholder, channel, address, kind, level, text, marking, subject, status, reason, held_until, attempts, actor, created_at, done_at`

func scanDelivery(r interface{ Scan(...any) error }) (incident.Delivery, error) {
	var (
		d             incident.Delivery
		marking       string
		held, doneAt  sql.NullTime
		channel, kind string
	)
	err := r.Scan(&d.ID, &d.Incident, &d.Stakeholder, &d.Name, &channel, &d.Address, &kind, &d.Level, &d.Text, &marking, &d.Subject,
		&d.Status, &d.Reason, &held, &d.Attempts, &d.Actor, &d.Created, &doneAt)
	if err != nil {
		return d, err
	}
	d.Channel, d.Kind = incident.Channel(channel), incident.MessageKind(kind)
	if marking != "" {
		d.Marking = &incident.Marking{}
		if err := json.Unmarshal([]byte(marking), d.Marking); err != nil {
			return d, fmt.Errorf("delivery %d: marking: %w", d.ID, err)
		}
	}
	d.Created = d.Created.UTC()
	if held.Valid {
		d.HeldUntil = held.Time.UTC()
	}
	if doneAt.Valid {
		d.Done = doneAt.Time.UTC()
	}
	return d, nil
}

func (s *Store) delivery(ctx context.Context, q querier, id int64) (incident.Delivery, error) {
	d, err := scanDelivery(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+deliveryColumns+` FROM incident_deliveries WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("delivery %d: %w", id, store.ErrNotFound)
	}
	return d, err
}

// Delivery implements store.Communication.
func (s *Store) Delivery(ctx context.Context, id int64) (incident.Delivery, error) {
	return s.delivery(ctx, s.r, id)
}

// deliveryText describes a delivery for the audit log.
func deliveryText(d incident.Delivery) string {
	s := fmt.Sprintf("delivery %d: %s message", d.ID, d.Kind)
	if d.Level > 0 {
		s += fmt.Sprintf(" (level %d)", d.Level)
	}
	s += fmt.Sprintf(" to %s by %s (%s): %s", d.Name, d.Channel, d.Address, d.Status)
	if d.Status == incident.DeliveryHeld {
		s += " until " + d.HeldUntil.Format(time.RFC3339)
	}
	if d.Reason != "" {
		s += ": " + d.Reason
	}
	return s
}

// QueueDeliveries implements store.Communication.
func (s *Store) QueueDeliveries(ctx context.Context, ds []incident.Delivery, actor string) ([]incident.Delivery, error) {
	if err := checkIncidentActor(actor); err != nil {
		return nil, err
	}
	xs := make([]incident.Delivery, len(ds))
	for i, d := range ds {
		d.Actor = actor
		if d.Status == incident.DeliveryHeld {
			d.HeldUntil = incidentTime(d.HeldUntil)
		}
		if d.Status.Final() && d.Status != incident.DeliveryWithheld {
			return nil, fmt.Errorf("%w: delivery to %s: queued as %s: a delivery is queued pending, held or withheld", incident.ErrInvalid, d.Name, d.Status)
		}
		if err := d.Validate(); err != nil {
			return nil, err
		}
		if d.Marking != nil {
			m := *d.Marking
			if m.Embargo != nil {
				e := *m.Embargo
				e.Until, e.Recipients = incidentTime(e.Until), slices.Clone(e.Recipients)
				m.Embargo = &e
			}
			d.Marking = &m
		}
		xs[i] = d
	}
	var out []incident.Delivery
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		out = slices.Clone(xs)
		seen := map[int64]bool{}
		var entries []audit.Entry
		for i := range out {
			d := &out[i]
			if !seen[d.Incident] {
				if _, err := s.incident(ctx, tx, d.Incident); err != nil {
					return err
				}
				seen[d.Incident] = true
			}
			if d.Kind == incident.MessageEscalation {
				var n int
				if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM incident_deliveries WHERE kind = 'escalation' AND incident_id = ? AND level = ? AND stakeholder_id = ? AND channel = ?`,
					d.Incident, d.Level, d.Stakeholder, d.Channel).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					return fmt.Errorf("%w: incident %d was escalated to %s by %s at level %d already", store.ErrConflict, d.Incident, d.Name, d.Channel, d.Level)
				}
			}
			d.Created = now
			var done sql.NullTime
			if d.Status.Final() {
				d.Done, done = now, nullTime(now)
			}
			marking := ""
			if d.Marking != nil {
				b, err := json.Marshal(d.Marking)
				if err != nil {
					return err
				}
				marking = string(b)
			}
			err := tx.queryRow(ctx, `INSERT INTO incident_deliveries (incident_id, stakeholder_id, stakeholder, channel, address, kind, level, text, marking, subject, status, reason, held_until, attempts, actor, created_at, updated_at, done_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				d.Incident, d.Stakeholder, d.Name, d.Channel, d.Address, d.Kind, d.Level, d.Text, marking, d.Subject, d.Status, d.Reason,
				nullTime(d.HeldUntil), d.Attempts, d.Actor, now, now, done).Scan(&d.ID)
			if err != nil {
				return fmt.Errorf("incident %d: delivery to %s: %w", d.Incident, d.Name, err)
			}
			after, _ := json.Marshal(d)
			action := "incident.notify.queue"
			if d.Status != incident.DeliveryPending {
				action = "incident.notify." + string(d.Status)
			}
			entries = append(entries, audit.Entry{At: now, Actor: actor, Action: action, Object: incidentObject(d.Incident), After: after, Reason: deliveryText(*d)})
		}
		return appendAudit(ctx, tx, entries...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ClaimDelivery implements store.Communication.
func (s *Store) ClaimDelivery(ctx context.Context, id int64, now, stale time.Time) (incident.Delivery, error) {
	now, stale = incidentTime(now), incidentTime(stale)
	var out incident.Delivery
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		d, err := s.delivery(ctx, tx, id)
		if err != nil {
			return err
		}
		// The status in the WHERE clause is what makes the claim safe
		// against another process claiming it at the same moment: only
		// one UPDATE finds the row as it read it.
		var (
			res    sql.Result
			action string
		)
		switch d.Status {
		case incident.DeliveryHeld:
			action = "incident.notify.release"
			res, err = tx.exec(ctx, `UPDATE incident_deliveries SET status = 'pending', updated_at = ? WHERE id = ? AND status = 'held' AND held_until <= ?`, now, id, now)
		case incident.DeliveryPending:
			action = "incident.notify.retry"
			res, err = tx.exec(ctx, `UPDATE incident_deliveries SET status = 'pending', updated_at = ? WHERE id = ? AND status = 'pending' AND updated_at < ?`, now, id, stale)
		default:
			return fmt.Errorf("%w: delivery %d is %s", store.ErrConflict, id, d.Status)
		}
		if err != nil {
			return fmt.Errorf("delivery %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: delivery %d is not due, or was claimed by another", store.ErrConflict, id)
		}
		before := d
		d.Status = incident.DeliveryPending
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(d)
		out = d
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: "system", Action: action, Object: incidentObject(d.Incident), Before: b, After: a,
			Reason: deliveryText(before)})
	})
	return out, err
}

// FinishDelivery implements store.Communication.
func (s *Store) FinishDelivery(ctx context.Context, d incident.Delivery) (incident.Delivery, error) {
	if d.Status == incident.DeliveryPending || !d.Status.IsValid() {
		return d, fmt.Errorf("%w: delivery %d: finished as %q", incident.ErrInvalid, d.ID, d.Status)
	}
	var out incident.Delivery
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.delivery(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if before.Status.Final() {
			return fmt.Errorf("%w: delivery %d is %s already", store.ErrConflict, d.ID, before.Status)
		}
		x := before
		x.Status, x.Reason, x.Attempts, x.Subject = d.Status, d.Reason, d.Attempts, d.Subject
		x.HeldUntil = time.Time{}
		if x.Status == incident.DeliveryHeld {
			x.HeldUntil = incidentTime(d.HeldUntil)
		}
		if x.Status.Final() {
			x.Done = now
		}
		if err := x.Validate(); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE incident_deliveries SET status = ?, reason = ?, attempts = ?, subject = ?, held_until = ?, updated_at = ?, done_at = ?
			WHERE id = ? AND status IN ('pending', 'held')`,
			x.Status, x.Reason, x.Attempts, x.Subject, nullTime(x.HeldUntil), now, nullTime(x.Done), x.ID)
		if err != nil {
			return fmt.Errorf("delivery %d: %w", x.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: delivery %d was finished by another", store.ErrConflict, x.ID)
		}
		// The message itself is in the entry that queued it.
		type outcome struct {
			ID        int64                   `json:"id"`
			Status    incident.DeliveryStatus `json:"status"`
			Reason    string                  `json:"reason,omitempty"`
			Attempts  int                     `json:"attempts"`
			Subject   string                  `json:"subject,omitempty"`
			HeldUntil time.Time               `json:"held_until,omitzero"`
		}
		b, _ := json.Marshal(outcome{before.ID, before.Status, before.Reason, before.Attempts, before.Subject, before.HeldUntil})
		a, _ := json.Marshal(outcome{x.ID, x.Status, x.Reason, x.Attempts, x.Subject, x.HeldUntil})
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: x.Actor, Action: "incident.notify." + string(x.Status), Object: incidentObject(x.Incident),
			Before: b, After: a, Reason: deliveryText(x)})
	})
	return out, err
}

// ListDeliveries implements store.Communication.
func (s *Store) ListDeliveries(ctx context.Context, q store.DeliveryQuery) ([]incident.Delivery, error) {
	var (
		where []string
		args  []any
	)
	if q.Incident != 0 {
		if _, err := s.incident(ctx, s.r, q.Incident); err != nil {
			return nil, err
		}
		where, args = append(where, `incident_id = ?`), append(args, q.Incident)
	}
	if q.Kind != "" {
		where, args = append(where, `kind = ?`), append(args, q.Kind)
	}
	if q.Status != "" {
		where, args = append(where, `status = ?`), append(args, q.Status)
	}
	query := `SELECT ` + deliveryColumns + ` FROM incident_deliveries`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return collect(ctx, s.r, s.d.Rebind(query+` ORDER BY id`), args, rowScanner(scanDelivery))
}

// DueDeliveries implements store.Communication.
func (s *Store) DueDeliveries(ctx context.Context, now, stale time.Time) ([]incident.Delivery, error) {
	return collect(ctx, s.r, s.d.Rebind(`SELECT `+deliveryColumns+` FROM incident_deliveries
		WHERE status = 'held' AND held_until <= ? OR status = 'pending' AND updated_at < ? ORDER BY id`),
		[]any{incidentTime(now), incidentTime(stale)}, rowScanner(scanDelivery))
}

// Informed implements store.Communication.
func (s *Store) Informed(ctx context.Context, q store.InformedQuery) ([]store.Informed, error) {
	var (
		args  []any
		kinds string
		where string
	)
	if len(q.Kinds) > 0 {
		kinds = ` AND d.kind IN (` + placeholders(len(q.Kinds)) + `)`
		for _, k := range q.Kinds {
			args = append(args, k)
		}
	}
	if q.Incident != 0 {
		if _, err := s.incident(ctx, s.r, q.Incident); err != nil {
			return nil, err
		}
		where = ` WHERE i.id = ?`
		args = append(args, q.Incident)
	}
	// A stakeholder counts as informed by a message that was sent to it
	// while it is in the tree: deliveries to stakeholders since removed
	// count neither way.
	query := `SELECT i.id,
		(SELECT COUNT(*) FROM incident_stakeholders st WHERE st.incident_id = i.id),
		(SELECT COUNT(DISTINCT d.stakeholder_id) FROM incident_deliveries d JOIN incident_stakeholders st ON st.id = d.stakeholder_id
			WHERE d.incident_id = i.id AND d.status = 'sent'` + kinds + `)
		FROM incidents i` + where + ` ORDER BY i.id`
	return collect(ctx, s.r, s.d.Rebind(query), args, func(r *sql.Rows) (store.Informed, error) {
		var n store.Informed
		return n, r.Scan(&n.Incident, &n.Stakeholders, &n.Informed)
	})
}
