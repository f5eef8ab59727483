package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// Personal data breaches (store.Breaches). The facts live in the
// incident's JSON like its other fields; decisions are append-only rows;
// rules are the organisation's over vmc's defaults.

// breachText describes an incident's personal-data facts for the
// timeline.
func breachText(in incident.Incident) string {
	if !in.PersonalData {
		return "personal data: not involved"
	}
	var parts []string
	if len(in.DataCategories) > 0 {
		cs := incidentWordsOf(in.DataCategories)
		if in.Sensitive() {
			cs += " (sensitive)"
		}
		parts = append(parts, "categories "+cs)
	}
	if in.DataSubjects > 0 {
		parts = append(parts, fmt.Sprintf("%d people", in.DataSubjects))
	} else {
		parts = append(parts, "number of people unknown")
	}
	if len(in.Jurisdictions) > 0 {
		parts = append(parts, "jurisdictions "+strings.Join(in.Jurisdictions, ", "))
	}
	parts = append(parts, "aware "+in.AwareAt().UTC().Format(time.RFC3339))
	return "personal data: " + strings.Join(parts, "; ")
}

func incidentWordsOf[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

// PutBreach implements store.Breaches.
func (s *Store) PutBreach(ctx context.Context, incidentID int64, f incident.BreachFacts, actor string) (incident.Incident, error) {
	if err := checkIncidentActor(actor); err != nil {
		return incident.Incident{}, err
	}
	var out incident.Incident
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.incident(ctx, tx, incidentID)
		if err != nil {
			return err
		}
		x := before
		x.SetBreach(f)
		x = normaliseIncident(x)
		if err := x.Validate(); err != nil {
			return err
		}
		after := mustJSON(x)
		if string(after) == string(mustJSON(before)) {
			out = before
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE incidents SET detail = ?, updated_at = ? WHERE id = ?`, string(after), now, incidentID); err != nil {
			return fmt.Errorf("incident %d: %w", incidentID, err)
		}
		text := breachText(x)
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: incidentID, At: now, Actor: actor, Kind: incident.EventClassification, Text: text}); err != nil {
			return err
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.breach", Object: incidentObject(incidentID),
			Before: mustJSON(before), After: after, Reason: text})
	})
	return out, err
}

// breachRules returns the rules in force.
func (s *Store) breachRules(ctx context.Context, q querier) ([]incident.DeadlineRule, error) {
	stored, err := collect(ctx, q, s.d.Rebind(`SELECT jurisdiction, detail FROM breach_rules ORDER BY jurisdiction`), nil,
		func(r *sql.Rows) (incident.DeadlineRule, error) {
			var (
				rule   incident.DeadlineRule
				j, det string
			)
			if err := r.Scan(&j, &det); err != nil {
				return rule, err
			}
			if err := json.Unmarshal([]byte(det), &rule); err != nil {
				return rule, fmt.Errorf("breach rule %s: %w", j, err)
			}
			return rule, nil
		})
	if err != nil {
		return nil, fmt.Errorf("breach rules: %w", err)
	}
	return incident.Rules(incident.DefaultDeadlineRules(), stored), nil
}

// BreachRules implements store.Breaches.
func (s *Store) BreachRules(ctx context.Context) ([]incident.DeadlineRule, error) {
	return s.breachRules(ctx, s.r)
}

func ruleObject(jurisdiction string) string { return "breach-rule:" + jurisdiction }

// PutBreachRule implements store.Breaches.
func (s *Store) PutBreachRule(ctx context.Context, r incident.DeadlineRule, actor, reason string) error {
	if err := checkIncidentActor(actor); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		rules, err := s.breachRules(ctx, tx)
		if err != nil {
			return err
		}
		entry := audit.Entry{At: now, Actor: actor, Action: "breach.rule.put", Object: ruleObject(r.Jurisdiction), After: mustJSON(r), Reason: reason}
		if i := slices.IndexFunc(rules, func(x incident.DeadlineRule) bool { return x.Jurisdiction == r.Jurisdiction }); i >= 0 {
			if rules[i] == r {
				return nil
			}
			entry.Before = mustJSON(rules[i])
		}
		if _, err := tx.exec(ctx, `INSERT INTO breach_rules (jurisdiction, detail, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (jurisdiction) DO UPDATE SET detail = excluded.detail, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			r.Jurisdiction, string(mustJSON(r)), now, actor); err != nil {
			return fmt.Errorf("breach rule %s: %w", r.Jurisdiction, err)
		}
		return appendAudit(ctx, tx, entry)
	})
}

// DeleteBreachRule implements store.Breaches.
func (s *Store) DeleteBreachRule(ctx context.Context, jurisdiction, actor, reason string) error {
	if err := checkIncidentActor(actor); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		var det string
		err := tx.queryRow(ctx, `SELECT detail FROM breach_rules WHERE jurisdiction = ?`, jurisdiction).Scan(&det)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("breach rule %s: %w", jurisdiction, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("breach rule %s: %w", jurisdiction, err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM breach_rules WHERE jurisdiction = ?`, jurisdiction); err != nil {
			return fmt.Errorf("breach rule %s: %w", jurisdiction, err)
		}
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: actor, Action: "breach.rule.delete", Object: ruleObject(jurisdiction),
			Before: []byte(det), Reason: reason})
	})
}

func (s *Store) breachDecisions(ctx context.Context, q querier, ids []int64) ([]incident.BreachDecision, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	ds, err := collect(ctx, q, s.d.Rebind(`SELECT id, incident_id, detail FROM breach_decisions WHERE incident_id IN (`+placeholders(len(ids))+`) ORDER BY id`), args,
		func(r *sql.Rows) (incident.BreachDecision, error) {
			var (
				d       incident.BreachDecision
				id, inc int64
				det     string
			)
			if err := r.Scan(&id, &inc, &det); err != nil {
				return d, err
			}
			if err := json.Unmarshal([]byte(det), &d); err != nil {
				return d, fmt.Errorf("breach decision %d: %w", id, err)
			}
			d.ID, d.Incident = id, inc
			return d, nil
		})
	if err != nil {
		return nil, fmt.Errorf("breach decisions: %w", err)
	}
	return ds, nil
}

// BreachDecisions implements store.Breaches.
func (s *Store) BreachDecisions(ctx context.Context, incidentID int64) ([]incident.BreachDecision, error) {
	if _, err := s.incident(ctx, s.r, incidentID); err != nil {
		return nil, err
	}
	return s.breachDecisions(ctx, s.r, []int64{incidentID})
}

// breachDecisionText describes a decision for the timeline.
func breachDecisionText(d incident.BreachDecision) string {
	var s string
	switch d.Action {
	case incident.Notify:
		s = fmt.Sprintf("breach %s: %s decided to notify %s", d.Jurisdiction, d.DecidedBy, d.Authority)
	case incident.NoNotify:
		s = fmt.Sprintf("breach %s: %s decided not to notify %s", d.Jurisdiction, d.DecidedBy, d.Authority)
	case incident.Notified:
		s = fmt.Sprintf("breach %s: %s notified at %s", d.Jurisdiction, d.Authority, d.NotifiedAt.UTC().Format(time.RFC3339))
		if d.Reference != "" {
			s += ", reference " + d.Reference
		}
		if d.DelayReason != "" {
			s += "; late because: " + d.DelayReason
		}
	}
	if d.Reason != "" {
		s += ": " + d.Reason
	}
	return truncateText(strings.Join(strings.Fields(s), " "))
}

// DecideBreach implements store.Breaches.
func (s *Store) DecideBreach(ctx context.Context, d incident.BreachDecision) (incident.BreachDecision, error) {
	if err := checkIncidentActor(d.DecidedBy); err != nil {
		return d, err
	}
	var out incident.BreachDecision
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := d, s.clock()
		in, err := s.incident(ctx, tx, x.Incident)
		if err != nil {
			return err
		}
		rules, err := s.breachRules(ctx, tx)
		if err != nil {
			return err
		}
		var rule *incident.DeadlineRule
		if i := slices.IndexFunc(rules, func(r incident.DeadlineRule) bool { return r.Jurisdiction == x.Jurisdiction }); i >= 0 {
			rule = &rules[i]
		}
		prev, err := s.breachDecisions(ctx, tx, []int64{in.ID})
		if err != nil {
			return err
		}
		x.ID, x.Decided = 0, now
		if !x.NotifiedAt.IsZero() {
			x.NotifiedAt = incidentTime(x.NotifiedAt)
		}
		if err := incident.CheckBreachDecision(&x, in, rule, prev); err != nil {
			return fmt.Errorf("incident %d: %w", in.ID, err)
		}
		if err := tx.queryRow(ctx, `INSERT INTO breach_decisions (incident_id, jurisdiction, action, decided_at, decided_by, notified_at, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.ID, x.Jurisdiction, x.Action, x.Decided, x.DecidedBy, nullTime(x.NotifiedAt),
			string(mustJSON(x))).Scan(&x.ID); err != nil {
			return fmt.Errorf("incident %d: breach decision: %w", in.ID, err)
		}
		text := breachDecisionText(x)
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: in.ID, At: now, Actor: x.DecidedBy, Kind: incident.EventDecision, Text: text}); err != nil {
			return err
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: x.DecidedBy, Action: "incident.breach.decision", Object: incidentObject(in.ID),
			After: mustJSON(x), Reason: text})
	})
	return out, err
}

// ListBreaches implements store.Breaches. Incidents keep the personal
// data flag in their JSON, as encoding/json writes it; the LIKE narrows
// the rows read, and the decoded flag decides.
func (s *Store) ListBreaches(ctx context.Context, now time.Time) ([]store.Breach, error) {
	list, err := collect(ctx, s.r, s.d.Rebind(`SELECT `+incidentColumns+` FROM incidents WHERE detail LIKE ? ESCAPE '\' ORDER BY id DESC`),
		[]any{`%"personal\_data":true%`}, rowScanner(scanIncident))
	if err != nil {
		return nil, fmt.Errorf("breaches: %w", err)
	}
	list = slices.DeleteFunc(list, func(in incident.Incident) bool { return !in.PersonalData })
	ids := make([]int64, len(list))
	for i, in := range list {
		ids[i] = in.ID
	}
	ds, err := s.breachDecisions(ctx, s.r, ids)
	if err != nil {
		return nil, err
	}
	rules, err := s.breachRules(ctx, s.r)
	if err != nil {
		return nil, err
	}
	out := make([]store.Breach, 0, len(list))
	for _, in := range list {
		b := store.Breach{Incident: in, Decisions: []incident.BreachDecision{}}
		for _, d := range ds {
			if d.Incident == in.ID {
				b.Decisions = append(b.Decisions, d)
			}
		}
		if b.Obligations, err = incident.Obligations(in, rules, b.Decisions, now); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
