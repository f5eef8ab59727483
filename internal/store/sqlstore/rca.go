package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// Root-cause analyses (store.RootCauses). Causes and recommendations are
// kept as JSON with the columns queries need beside it, as incidents are;
// decisions are append-only rows.

// Analysis implements store.RootCauses.
func (s *Store) Analysis(ctx context.Context, incidentID int64) (incident.Analysis, error) {
	return s.analysis(ctx, s.r, incidentID)
}

func (s *Store) analysis(ctx context.Context, q querier, incidentID int64) (incident.Analysis, error) {
	a := incident.Analysis{Incident: incidentID}
	if _, err := s.incident(ctx, q, incidentID); err != nil {
		return a, err
	}
	err := q.QueryRowContext(ctx, s.d.Rebind(`SELECT text, updated_at, updated_by FROM incident_analyses WHERE incident_id = ?`), incidentID).
		Scan(&a.Text, &a.Updated, &a.UpdatedBy)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("incident %d: analysis: %w", incidentID, err)
	}
	a.Updated = a.Updated.UTC()
	if a.Causes, err = s.causes(ctx, q, `incident_id = ?`, incidentID); err != nil {
		return a, err
	}
	if a.Recommendations, err = s.recommendations(ctx, q, `incident_id = ?`, incidentID); err != nil {
		return a, err
	}
	if a.Causes == nil {
		a.Causes = []incident.Cause{}
	}
	if a.Recommendations == nil {
		a.Recommendations = []incident.Recommendation{}
	}
	return a, nil
}

// PutAnalysisText implements store.RootCauses.
func (s *Store) PutAnalysisText(ctx context.Context, incidentID int64, text, actor string) (incident.Analysis, error) {
	if err := checkIncidentActor(actor); err != nil {
		return incident.Analysis{}, err
	}
	if err := incident.CheckAnalysisText(text); err != nil {
		return incident.Analysis{}, err
	}
	var out incident.Analysis
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.analysis(ctx, tx, incidentID)
		if err != nil {
			return err
		}
		if before.Text == text {
			out = before
			return nil
		}
		if _, err := tx.exec(ctx, `INSERT INTO incident_analyses (incident_id, text, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (incident_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			incidentID, text, now, actor); err != nil {
			return fmt.Errorf("incident %d: analysis: %w", incidentID, err)
		}
		what := "analysis written"
		if before.Text != "" {
			what = "analysis rewritten"
		}
		what = fmt.Sprintf("%s (%d characters)", what, len([]rune(text)))
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: incidentID, At: now, Actor: actor, Kind: incident.EventAnalysis, Text: what}); err != nil {
			return err
		}
		b, _ := json.Marshal(before.Text)
		a, _ := json.Marshal(text)
		out = before
		out.Text, out.Updated, out.UpdatedBy = text, now, actor
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.rca.analysis", Object: incidentObject(incidentID),
			Before: b, After: a, Reason: what})
	})
	return out, err
}

const causeColumns = `id, incident_id, detail, created_at`

func scanCause(r interface{ Scan(...any) error }) (incident.Cause, error) {
	var (
		c       incident.Cause
		id, inc int64
		detail  string
		created time.Time
	)
	if err := r.Scan(&id, &inc, &detail, &created); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(detail), &c); err != nil {
		return c, fmt.Errorf("cause %d: %w", id, err)
	}
	c.ID, c.Incident, c.Added = id, inc, created.UTC()
	return c, nil
}

func (s *Store) causes(ctx context.Context, q querier, where string, args ...any) ([]incident.Cause, error) {
	cs, err := collect(ctx, q, s.d.Rebind(`SELECT `+causeColumns+` FROM incident_causes WHERE `+where+` ORDER BY id`), args, rowScanner(scanCause))
	if err != nil {
		return nil, fmt.Errorf("causes: %w", err)
	}
	return cs, nil
}

func (s *Store) cause(ctx context.Context, q querier, id int64) (incident.Cause, error) {
	c, err := scanCause(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+causeColumns+` FROM incident_causes WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("cause %d: %w", id, store.ErrNotFound)
	}
	return c, err
}

// Cause implements store.RootCauses.
func (s *Store) Cause(ctx context.Context, id int64) (incident.Cause, error) {
	return s.cause(ctx, s.r, id)
}

// causeText describes a cause for the timeline.
func causeText(c incident.Cause) string {
	var parts []string
	if c.CWE != "" {
		parts = append(parts, strings.TrimSpace(c.CWE+" "+c.CWEName))
	}
	if c.Component != nil {
		parts = append(parts, "component "+c.Component.String())
	}
	if c.Configuration != "" {
		parts = append(parts, "configuration "+c.Configuration)
	}
	s := string(c.Kind)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, "; ") + ")"
	}
	return s + ": " + strings.Join(strings.Fields(c.Description), " ")
}

// PutCause implements store.RootCauses.
func (s *Store) PutCause(ctx context.Context, c incident.Cause, actor string) (incident.Cause, error) {
	if err := checkIncidentActor(actor); err != nil {
		return c, err
	}
	if c.Component != nil {
		cc := *c.Component
		c.Component = &cc
	}
	if c.Configuration != "" {
		sel, err := incident.ParseSelector(c.Configuration)
		if err != nil {
			return c, err
		}
		c.Configuration = sel.String()
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	var out incident.Cause
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := c, s.clock()
		entry := audit.Entry{At: now, Actor: actor, Action: "incident.rca.cause.create"}
		var text string
		if x.ID == 0 {
			if _, err := s.incident(ctx, tx, x.Incident); err != nil {
				return err
			}
			x.AddedBy = actor
		} else {
			before, err := s.cause(ctx, tx, x.ID)
			if err != nil {
				return err
			}
			if x.Incident != 0 && x.Incident != before.Incident {
				return fmt.Errorf("%w: cause %d is on incident %d, not %d", incident.ErrInvalid, x.ID, before.Incident, x.Incident)
			}
			x.Incident, x.Added, x.AddedBy = before.Incident, before.Added, before.AddedBy
			if b, a := mustJSON(before), mustJSON(x); string(b) == string(a) {
				out = before
				return nil
			}
			entry.Action, entry.Before = "incident.rca.cause.update", mustJSON(before)
		}
		detail := mustJSON(x)
		eco, name := "", ""
		if x.Component != nil {
			eco, name = looseKey(x.Component.Ecosystem, x.Component.Name)
		}
		if x.ID == 0 {
			err := tx.queryRow(ctx, `INSERT INTO incident_causes (incident_id, kind, cwe, pkg_eco, pkg_name, detail, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, x.Incident, x.Kind, x.CWE, eco, name, string(detail), now, now).Scan(&x.ID)
			if err != nil {
				return fmt.Errorf("incident %d: cause: %w", x.Incident, err)
			}
			x.Added = now
			text = fmt.Sprintf("cause %d added: %s", x.ID, causeText(x))
		} else {
			if _, err := tx.exec(ctx, `UPDATE incident_causes SET kind = ?, cwe = ?, pkg_eco = ?, pkg_name = ?, detail = ?, updated_at = ? WHERE id = ?`,
				x.Kind, x.CWE, eco, name, string(detail), now, x.ID); err != nil {
				return fmt.Errorf("cause %d: %w", x.ID, err)
			}
			text = fmt.Sprintf("cause %d changed: %s", x.ID, causeText(x))
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: incident.EventAnalysis, Text: truncateText(text)}); err != nil {
			return err
		}
		entry.Object, entry.After, entry.Reason = incidentObject(x.Incident), mustJSON(x), truncateText(text)
		out = x
		return appendAudit(ctx, tx, entry)
	})
	return out, err
}

// mustJSON marshals values that always marshal: the domain's own structs.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sqlstore: marshal %T: %v", v, err))
	}
	return b
}

// truncateText keeps a timeline entry short: a cause or recommendation
// is shown whole where it is kept, and the timeline says what changed.
func truncateText(s string) string {
	const max = 4 << 10
	if len(s) <= max {
		return s
	}
	n := max - len("…")
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

const recommendationColumns = `id, incident_id, detail, created_at`

func scanRecommendation(r interface{ Scan(...any) error }) (incident.Recommendation, error) {
	var (
		x       incident.Recommendation
		id, inc int64
		detail  string
		created time.Time
	)
	if err := r.Scan(&id, &inc, &detail, &created); err != nil {
		return x, err
	}
	if err := json.Unmarshal([]byte(detail), &x); err != nil {
		return x, fmt.Errorf("recommendation %d: %w", id, err)
	}
	x.ID, x.Incident, x.Added = id, inc, created.UTC()
	return x, nil
}

// recommendations reads recommendations with their decisions.
func (s *Store) recommendations(ctx context.Context, q querier, where string, args ...any) ([]incident.Recommendation, error) {
	rs, err := collect(ctx, q, s.d.Rebind(`SELECT `+recommendationColumns+` FROM incident_recommendations WHERE `+where+` ORDER BY id`), args, rowScanner(scanRecommendation))
	if err != nil || len(rs) == 0 {
		return rs, err
	}
	ids := make([]any, len(rs))
	index := map[int64]int{}
	for i, r := range rs {
		ids[i], index[r.ID] = r.ID, i
	}
	ds, err := collect(ctx, q, s.d.Rebind(`SELECT id, recommendation_id, detail FROM recommendation_decisions WHERE recommendation_id IN (`+placeholders(len(ids))+`) ORDER BY id`), ids,
		func(r *sql.Rows) (incident.Decision, error) {
			var (
				d      incident.Decision
				id, rc int64
				detail string
			)
			if err := r.Scan(&id, &rc, &detail); err != nil {
				return d, err
			}
			if err := json.Unmarshal([]byte(detail), &d); err != nil {
				return d, fmt.Errorf("decision %d: %w", id, err)
			}
			d.ID, d.Recommendation = id, rc
			return d, nil
		})
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	for _, d := range ds {
		r := &rs[index[d.Recommendation]]
		r.Decisions = append(r.Decisions, d)
	}
	return rs, nil
}

func (s *Store) recommendation(ctx context.Context, q querier, id int64) (incident.Recommendation, error) {
	rs, err := s.recommendations(ctx, q, `id = ?`, id)
	if err != nil {
		return incident.Recommendation{}, fmt.Errorf("recommendation %d: %w", id, err)
	}
	if len(rs) == 0 {
		return incident.Recommendation{}, fmt.Errorf("recommendation %d: %w", id, store.ErrNotFound)
	}
	return rs[0], nil
}

// Recommendation implements store.RootCauses.
func (s *Store) Recommendation(ctx context.Context, id int64) (incident.Recommendation, error) {
	return s.recommendation(ctx, s.r, id)
}

// recommendationText describes a recommendation for the timeline.
func recommendationText(r incident.Recommendation) string {
	s := fmt.Sprintf("%s (owner %s, due %s", strings.Join(strings.Fields(r.Text), " "), r.Owner, dayText(r.Due))
	if r.Cause != 0 {
		s += fmt.Sprintf(", cause %d", r.Cause)
	}
	return s + ")"
}

func dayText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.DateOnly)
}

// PutRecommendation implements store.RootCauses.
func (s *Store) PutRecommendation(ctx context.Context, r incident.Recommendation, actor string) (incident.Recommendation, error) {
	if err := checkIncidentActor(actor); err != nil {
		return r, err
	}
	if !r.Due.IsZero() {
		r.Due = incidentTime(r.Due)
	}
	r.Decisions = nil
	if err := r.Validate(); err != nil {
		return r, err
	}
	var out incident.Recommendation
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := r, s.clock()
		entry := audit.Entry{At: now, Actor: actor, Action: "incident.rca.recommendation.create"}
		if x.ID != 0 {
			before, err := s.recommendation(ctx, tx, x.ID)
			if err != nil {
				return err
			}
			if x.Incident != 0 && x.Incident != before.Incident {
				return fmt.Errorf("%w: recommendation %d is on incident %d, not %d", incident.ErrInvalid, x.ID, before.Incident, x.Incident)
			}
			if d := before.Current(); d != nil {
				return fmt.Errorf("%w: recommendation %d was decided (%s by %s on %s): it stays as decided; propose a new one", incident.ErrInvalid,
					x.ID, d.Kind, d.DecidedBy, d.Decided.Format(time.DateOnly))
			}
			x.Incident, x.Added, x.AddedBy = before.Incident, before.Added, before.AddedBy
			if string(mustJSON(x)) == string(mustJSON(before)) {
				out = before
				return nil
			}
			entry.Action, entry.Before = "incident.rca.recommendation.update", mustJSON(before)
		} else {
			x.AddedBy = actor
		}
		if _, err := s.incident(ctx, tx, x.Incident); err != nil {
			return err
		}
		var cause sql.NullInt64
		if x.Cause != 0 {
			causes, err := s.causes(ctx, tx, `incident_id = ?`, x.Incident)
			if err != nil {
				return err
			}
			if err := incident.CheckCauseRef(x, causes); err != nil {
				return err
			}
			cause = sql.NullInt64{Int64: x.Cause, Valid: true}
		}
		var text string
		if x.ID == 0 {
			err := tx.queryRow(ctx, `INSERT INTO incident_recommendations (incident_id, cause_id, owner, due, detail, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, x.Incident, cause, x.Owner, nullTime(x.Due), string(mustJSON(x)), now, now).Scan(&x.ID)
			if err != nil {
				return fmt.Errorf("incident %d: recommendation: %w", x.Incident, err)
			}
			x.Added = now
			text = fmt.Sprintf("recommendation %d added: %s", x.ID, recommendationText(x))
		} else {
			if _, err := tx.exec(ctx, `UPDATE incident_recommendations SET cause_id = ?, owner = ?, due = ?, detail = ?, updated_at = ? WHERE id = ?`,
				cause, x.Owner, nullTime(x.Due), string(mustJSON(x)), now, x.ID); err != nil {
				return fmt.Errorf("recommendation %d: %w", x.ID, err)
			}
			text = fmt.Sprintf("recommendation %d changed: %s", x.ID, recommendationText(x))
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: incident.EventAnalysis, Text: truncateText(text)}); err != nil {
			return err
		}
		entry.Object, entry.After, entry.Reason = incidentObject(x.Incident), mustJSON(x), truncateText(text)
		out = x
		return appendAudit(ctx, tx, entry)
	})
	return out, err
}

// decisionText describes a decision for the timeline.
func decisionText(r incident.Recommendation, d incident.Decision) string {
	var s string
	switch d.Kind {
	case incident.Schedule:
		s = fmt.Sprintf("recommendation %d scheduled by %s: task %d (%s, owner %s, due %s)", r.ID, d.DecidedBy, d.Task, d.TaskKind, d.Owner, dayText(d.Due))
	case incident.AcceptRisk:
		s = fmt.Sprintf("recommendation %d: risk accepted by %s until %s", r.ID, d.DecidedBy, d.Expires.UTC().Format(time.DateOnly))
	}
	if d.Reason != "" {
		s += ": " + strings.Join(strings.Fields(d.Reason), " ")
	}
	return s
}

// DecideRecommendation implements store.RootCauses.
func (s *Store) DecideRecommendation(ctx context.Context, id int64, d incident.Decision) (incident.Recommendation, error) {
	if err := checkIncidentActor(d.DecidedBy); err != nil {
		return incident.Recommendation{}, err
	}
	var out incident.Recommendation
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := d, s.clock()
		r, err := s.recommendation(ctx, tx, id)
		if err != nil {
			return err
		}
		var task *incident.Task
		if cur := r.Current(); cur != nil && cur.Task != 0 {
			t, err := s.task(ctx, tx, cur.Task)
			if err != nil {
				return err
			}
			task = &t
		}
		x.ID, x.Recommendation, x.Decided, x.Task = 0, id, now, 0
		if !x.Due.IsZero() {
			x.Due = incidentTime(x.Due)
		}
		if !x.Expires.IsZero() {
			x.Expires = incidentTime(x.Expires)
		}
		if err := incident.CheckDecision(&x, r, task); err != nil {
			return fmt.Errorf("recommendation %d: %w", id, err)
		}
		var entries []audit.Entry
		if x.Kind == incident.Schedule {
			t := incident.ScheduledTask(r, x)
			if err := t.Validate(); err != nil {
				return err
			}
			var text string
			if t, text, err = insertTask(ctx, tx, t, now); err != nil {
				return err
			}
			x.Task = t.ID
			if _, err := insertEvent(ctx, tx, incident.Event{Incident: r.Incident, At: now, Actor: x.DecidedBy, Kind: incident.EventTask, Text: text}); err != nil {
				return err
			}
			entries = append(entries, audit.Entry{At: now, Actor: x.DecidedBy, Action: "incident.task.create", Object: incidentObject(r.Incident),
				After: mustJSON(t), Reason: text})
		}
		var task64 sql.NullInt64
		if x.Task != 0 {
			task64 = sql.NullInt64{Int64: x.Task, Valid: true}
		}
		if err := tx.queryRow(ctx, `INSERT INTO recommendation_decisions (recommendation_id, incident_id, decision, decided_at, decided_by, task_id, expires, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, r.Incident, x.Kind, x.Decided, x.DecidedBy, task64, nullTime(x.Expires), string(mustJSON(x))).Scan(&x.ID); err != nil {
			return fmt.Errorf("recommendation %d: decision: %w", id, err)
		}
		text := truncateText(decisionText(r, x))
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: r.Incident, At: now, Actor: x.DecidedBy, Kind: incident.EventDecision, Text: text}); err != nil {
			return err
		}
		entries = append(entries, audit.Entry{At: now, Actor: x.DecidedBy, Action: "incident.rca.decision", Object: incidentObject(r.Incident),
			Before: mustJSON(r), After: mustJSON(x), Reason: text})
		r.Decisions = append(r.Decisions, x)
		out = r
		return appendAudit(ctx, tx, entries...)
	})
	return out, err
}

// openFindingStates are the finding states finding.State.Open calls open.
func openFindingStates() []any {
	var out []any
	for _, st := range finding.States {
		if st.Open() {
			out = append(out, st)
		}
	}
	return out
}

// WhereElse implements store.RootCauses.
func (s *Store) WhereElse(ctx context.Context, causeID int64) ([]store.WhereElseHit, error) {
	c, err := s.cause(ctx, s.r, causeID)
	if err != nil {
		return nil, err
	}
	return s.whereElse(ctx, s.r, c)
}

// matchOrder sorts a where-else list's matches: weakness, package,
// configuration.
var matchOrder = []string{store.MatchCWE, store.MatchComponent, store.MatchConfiguration}

func (s *Store) whereElse(ctx context.Context, q querier, c incident.Cause) ([]store.WhereElseHit, error) {
	in, err := s.incident(ctx, q, c.Incident)
	if err != nil {
		return nil, err
	}
	var hits []store.WhereElseHit
	if c.CWE != "" {
		hs, err := s.whereElseCWE(ctx, q, c.CWE)
		if err != nil {
			return nil, fmt.Errorf("cause %d: where else by %s: %w", c.ID, c.CWE, err)
		}
		hits = append(hits, hs...)
	}
	if c.Component != nil {
		hs, err := s.whereElseComponent(ctx, q, *c.Component)
		if err != nil {
			return nil, fmt.Errorf("cause %d: where else by component: %w", c.ID, err)
		}
		hits = append(hits, hs...)
	}
	if c.Configuration != "" {
		sel, err := incident.ParseSelector(c.Configuration)
		if err != nil {
			return nil, err
		}
		hs, err := s.whereElseConfiguration(ctx, q, sel)
		if err != nil {
			return nil, fmt.Errorf("cause %d: where else by configuration: %w", c.ID, err)
		}
		hits = append(hits, hs...)
	}
	tasks := map[string]int64{}
	type opened struct {
		asset string
		task  int64
	}
	prior, err := collect(ctx, q, s.d.Rebind(`SELECT asset, task_id FROM incident_where_else WHERE cause_id = ?`), []any{c.ID},
		func(r *sql.Rows) (opened, error) {
			var o opened
			return o, r.Scan(&o.asset, &o.task)
		})
	if err != nil {
		return nil, fmt.Errorf("cause %d: where-else tasks: %w", c.ID, err)
	}
	for _, o := range prior {
		tasks[o.asset] = o.task
	}
	for i := range hits {
		h := &hits[i]
		h.InIncident = slices.Contains(in.Assets, h.Asset.Name)
		h.Task = tasks[h.Asset.Name]
	}
	slices.SortStableFunc(hits, func(a, b store.WhereElseHit) int {
		return cmp.Or(cmp.Compare(a.Asset.Name, b.Asset.Name), cmp.Compare(slices.Index(matchOrder, a.Match), slices.Index(matchOrder, b.Match)),
			cmp.Compare(a.Finding, b.Finding), cmp.Compare(a.Version, b.Version))
	})
	return hits, nil
}

// whereElseCWE finds the open findings on vulnerabilities a current source
// record assigns cwe: in its CWE claim, or its KEV entry's. The claims
// hold JSON as encoded from the record, where the id is a whole string
// ("id":"CWE-79", or "CWE-79" in KEV's list), so matching it quoted tells
// CWE-79 from CWE-790 (PostgreSQL keeps claims as json, whose text is
// the text stored; hence the cast). The query starts from the open findings'
// vulnerabilities, which are few, and reaches their claims by the claims'
// (record_id, field, claim_key) index, rather than scanning every claim
// of every vulnerability for the CWE.
func (s *Store) whereElseCWE(ctx context.Context, q querier, cwe string) ([]store.WhereElseHit, error) {
	open := openFindingStates()
	ph := placeholders(len(open))
	args := append(append(slices.Clone(open), "%"+likeEscape(`"`+cwe+`"`)+"%"), open...)
	type row struct {
		id                            int64
		asset, team, vuln, state, det string
	}
	rows, err := collect(ctx, q, s.d.Rebind(`WITH fv AS (SELECT DISTINCT vuln_id FROM findings WHERE state IN (`+ph+`)),
		cv AS (SELECT fv.vuln_id FROM fv WHERE EXISTS (SELECT 1 FROM source_records r JOIN claims c ON c.record_id = r.id
			WHERE r.vuln_id = fv.vuln_id AND c.field IN ('cwes', 'kev') AND c.claim_key = '' AND c.replaced_at IS NULL AND CAST(c.value AS TEXT) LIKE ? ESCAPE '\'))
		SELECT f.id, a.name, a.team, v.primary_id, f.state, f.detail FROM findings f
		JOIN cv ON cv.vuln_id = f.vuln_id JOIN assets a ON a.id = f.asset_id JOIN vulns v ON v.id = f.vuln_id
		WHERE f.state IN (`+ph+`) ORDER BY a.name, f.id`), args,
		func(r *sql.Rows) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.asset, &x.team, &x.vuln, &x.state, &x.det)
		})
	if err != nil {
		return nil, err
	}
	hits := make([]store.WhereElseHit, 0, len(rows))
	for _, x := range rows {
		// The finding's package and versions are in its detail.
		var f struct {
			Ecosystem string   `json:"ecosystem"`
			Package   string   `json:"package"`
			Versions  []string `json:"versions"`
		}
		if err := json.Unmarshal([]byte(x.det), &f); err != nil {
			return nil, fmt.Errorf("finding %d: detail: %w", x.id, err)
		}
		version := strings.Join(f.Versions, ", ")
		hits = append(hits, store.WhereElseHit{Asset: store.AssetRef{Name: x.asset, Team: x.team}, Match: store.MatchCWE,
			Reason:  fmt.Sprintf("finding %d: %s (%s) in %s %s, %s", x.id, x.vuln, cwe, f.Package, version, x.state),
			Finding: x.id, Vuln: x.vuln, State: x.state, Ecosystem: f.Ecosystem, Package: f.Package, Version: version})
	}
	return hits, nil
}

// whereElseComponent finds the assets holding the component's package, in
// any version, by the components' loose package key index.
func (s *Store) whereElseComponent(ctx context.Context, q querier, comp incident.ComponentRef) ([]store.WhereElseHit, error) {
	eco, name := looseKey(comp.Ecosystem, comp.Name)
	return collect(ctx, q, s.d.Rebind(`SELECT a.name, a.team, c.ecosystem, c.name, c.version FROM components c JOIN assets a ON a.id = c.asset_id
		WHERE c.pkg_eco = ? AND c.pkg_name = ? ORDER BY a.name, c.version`), []any{eco, name},
		func(r *sql.Rows) (store.WhereElseHit, error) {
			h := store.WhereElseHit{Match: store.MatchComponent}
			if err := r.Scan(&h.Asset.Name, &h.Asset.Team, &h.Ecosystem, &h.Package, &h.Version); err != nil {
				return h, err
			}
			h.SameVersion = comp.Version != "" && h.Version == comp.Version
			which := "another version"
			switch {
			case h.SameVersion:
				which = "the same version"
			case comp.Version == "":
				which = "the package"
			}
			h.Reason = fmt.Sprintf("component %s %s (%s): %s", h.Package, h.Version, h.Ecosystem, which)
			return h, nil
		})
}

// whereElseConfiguration finds the assets the selector matches. Its terms
// narrow the query (attributes are columns; a tag is looked for, quoted,
// in the JSON list of tags), and the selector itself decides on what comes
// back.
func (s *Store) whereElseConfiguration(ctx context.Context, q querier, sel incident.Selector) ([]store.WhereElseHit, error) {
	columns := map[string]string{"kind": "kind", "team": "team", "environment": "environment", "criticality": "criticality",
		"exposure": "exposure", "group": "maintenance_group"}
	var (
		where []string
		args  []any
	)
	for _, t := range sel.Terms {
		if t.Key == "tag" {
			where, args = append(where, `tags LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(string(mustJSON(t.Value)))+"%")
			continue
		}
		where, args = append(where, columns[t.Key]+` = ?`), append(args, t.Value)
	}
	assets, err := collect(ctx, q, s.d.Rebind(`SELECT `+assetColumns+` FROM assets WHERE `+strings.Join(where, " AND ")+` ORDER BY name`), args, rowScanner(scanAsset))
	if err != nil {
		return nil, err
	}
	var hits []store.WhereElseHit
	for _, a := range assets {
		if ok, why := sel.Match(a); ok {
			hits = append(hits, store.WhereElseHit{Asset: store.AssetRef{Name: a.Name, Team: a.Team}, Match: store.MatchConfiguration,
				Reason: "configuration " + strings.Join(why, " ")})
		}
	}
	return hits, nil
}

// OpenWhereElse implements store.RootCauses.
func (s *Store) OpenWhereElse(ctx context.Context, causeID int64, req store.WhereElseTasks, actor string) ([]incident.Task, error) {
	if err := checkIncidentActor(actor); err != nil {
		return nil, err
	}
	var out []incident.Task
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		out = nil
		now := s.clock()
		c, err := s.cause(ctx, tx, causeID)
		if err != nil {
			return err
		}
		hits, err := s.whereElse(ctx, tx, c)
		if err != nil {
			return err
		}
		// The hits by asset, in their order.
		var names []string
		byAsset := map[string][]store.WhereElseHit{}
		for _, h := range hits {
			if _, ok := byAsset[h.Asset.Name]; !ok {
				names = append(names, h.Asset.Name)
			}
			byAsset[h.Asset.Name] = append(byAsset[h.Asset.Name], h)
		}
		pick := names
		if len(req.Assets) > 0 {
			pick = nil
			for _, a := range req.Assets {
				if _, ok := byAsset[a]; !ok {
					return fmt.Errorf("%w: asset %q: not found where else for cause %d", incident.ErrInvalid, a, causeID)
				}
				if !slices.Contains(pick, a) {
					pick = append(pick, a)
				}
			}
		} else {
			pick = slices.DeleteFunc(slices.Clone(names), func(a string) bool { return byAsset[a][0].InIncident })
		}
		var entries []audit.Entry
		var opened []string
		for _, a := range pick {
			hs := byAsset[a]
			if hs[0].Task != 0 {
				continue
			}
			var (
				why      []string
				findings []int64
				patch    bool
			)
			for _, h := range hs {
				why = append(why, h.Reason)
				if h.Finding != 0 {
					findings = append(findings, h.Finding)
				}
				patch = patch || h.Match != store.MatchConfiguration
			}
			var one int64
			if len(findings) == 1 {
				one = findings[0]
			}
			due := req.Due
			if !due.IsZero() {
				due = incidentTime(due)
			}
			t := incident.WhereElseTask(c, a, why, one, patch, req.Owner, due)
			if err := t.Validate(); err != nil {
				return err
			}
			t, text, err := insertTask(ctx, tx, t, now)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO incident_where_else (cause_id, asset, task_id) VALUES (?, ?, ?)`, c.ID, a, t.ID); err != nil {
				return fmt.Errorf("cause %d: where else %s: %w", c.ID, a, err)
			}
			if _, err := insertEvent(ctx, tx, incident.Event{Incident: c.Incident, At: now, Actor: actor, Kind: incident.EventTask, Text: truncateText(text)}); err != nil {
				return err
			}
			entries = append(entries, audit.Entry{At: now, Actor: actor, Action: "incident.task.create", Object: incidentObject(c.Incident),
				After: mustJSON(t), Reason: truncateText(text)})
			opened = append(opened, fmt.Sprintf("task %d for %s", t.ID, a))
			out = append(out, t)
		}
		if len(out) == 0 {
			return nil
		}
		text := truncateText(fmt.Sprintf("where else for cause %d: %s", c.ID, strings.Join(opened, ", ")))
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: c.Incident, At: now, Actor: actor, Kind: incident.EventAnalysis, Text: text}); err != nil {
			return err
		}
		entries = append(entries, audit.Entry{At: now, Actor: actor, Action: "incident.rca.where_else", Object: incidentObject(c.Incident),
			After: mustJSON(out), Reason: text})
		return appendAudit(ctx, tx, entries...)
	})
	return out, err
}

// RCACoverage implements store.RootCauses.
func (s *Store) RCACoverage(ctx context.Context, q store.RCACoverageQuery) (store.RCACoverage, error) {
	where, args := []string{`i.state IN (?, ?)`}, []any{incident.Closed, incident.Reviewed}
	if !q.From.IsZero() {
		where, args = append(where, `i.detected_at >= ?`), append(args, q.From.UTC())
	}
	if !q.To.IsZero() {
		where, args = append(where, `i.detected_at < ?`), append(args, q.To.UTC())
	}
	type row struct {
		id         int64
		documented int
	}
	rows, err := collect(ctx, s.r, s.d.Rebind(`SELECT i.id, CASE WHEN EXISTS (SELECT 1 FROM incident_causes c WHERE c.incident_id = i.id)
		AND EXISTS (SELECT 1 FROM incident_recommendations r WHERE r.incident_id = i.id) THEN 1 ELSE 0 END
		FROM incidents i WHERE `+strings.Join(where, " AND ")+` ORDER BY i.id`), args,
		func(r *sql.Rows) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.documented)
		})
	if err != nil {
		return store.RCACoverage{}, fmt.Errorf("root-cause coverage: %w", err)
	}
	cov := store.RCACoverage{Incidents: len(rows), Undocumented: []int64{}}
	for _, x := range rows {
		if x.documented == 1 {
			cov.Documented++
		} else {
			cov.Undocumented = append(cov.Undocumented, x.id)
		}
	}
	return cov, nil
}
