package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// incidentObject is the audit log object of an incident and of
// everything recorded on it (timeline entries, tasks), so that an
// incident's whole history is one indexed lookup.
func incidentObject(id int64) string { return fmt.Sprintf("incident:%d", id) }

// checkIncidentActor refuses a write nobody is named for: the audit log would
// not say whose decision it was.
func checkIncidentActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: actor: who does this must be named", incident.ErrInvalid)
	}
	return nil
}

// incidentTime is t as the store keeps it: UTC, to PostgreSQL's
// microsecond, so that both stores read back what they were given.
func incidentTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// normaliseIncident returns a copy of in as the store keeps it, sharing
// nothing the caller could change afterwards.
func normaliseIncident(in incident.Incident) incident.Incident {
	x := in
	x.Assets, x.Vulns, x.Projects = cloneNames(in.Assets), cloneNames(in.Vulns), cloneNames(in.Projects)
	x.Detected, x.Reported = incidentTime(in.Detected), incidentTime(in.Reported)
	if in.Detected.IsZero() {
		x.Detected = time.Time{}
	}
	if in.Reported.IsZero() {
		x.Reported = time.Time{}
	}
	x.DataCategories, x.Jurisdictions = nil, cloneNames(in.Jurisdictions)
	if len(in.DataCategories) > 0 {
		x.DataCategories = slices.Clone(in.DataCategories)
	}
	if !in.Aware.IsZero() {
		x.Aware = incidentTime(in.Aware)
	}
	x.Marking = normaliseMarking(in.Marking)
	return x
}

// normaliseMarking returns a copy of m as the store keeps it: its
// embargo's date at the store's resolution, nothing shared with m.
func normaliseMarking(m incident.Marking) incident.Marking {
	if e := m.Embargo; e != nil {
		c := *e
		c.Until = incidentTime(e.Until)
		if e.Until.IsZero() {
			c.Until = time.Time{}
		}
		c.Recipients = cloneNames(e.Recipients)
		m.Embargo = &c
	}
	return m
}

func cloneNames(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// markingText describes a marking for the timeline.
func markingText(m incident.Marking) string {
	s := "TLP:" + string(m.TLP)
	if e := m.Embargo; e != nil {
		s += ", embargo until " + e.Until.Format(time.RFC3339)
		if e.Reason != "" {
			s += " (" + e.Reason + ")"
		}
	}
	return s
}

// classification describes what changed in an incident's classification
// (category, severity, marking), or "" when nothing did.
func classification(before, after incident.Incident) string {
	var ch []string
	if before.Category != after.Category {
		ch = append(ch, fmt.Sprintf("category %s → %s", before.Category, after.Category))
	}
	if before.Severity != after.Severity {
		ch = append(ch, fmt.Sprintf("severity %s → %s", before.Severity, after.Severity))
	}
	if b, a := markingText(before.Marking), markingText(after.Marking); b != a || !slices.Equal(embargoRecipients(before.Marking), embargoRecipients(after.Marking)) {
		ch = append(ch, fmt.Sprintf("marking %s → %s", b, a))
	}
	return strings.Join(ch, "; ")
}

func embargoRecipients(m incident.Marking) []string {
	if m.Embargo == nil {
		return nil
	}
	return m.Embargo.Recipients
}

// PutIncident implements store.Incidents.
func (s *Store) PutIncident(ctx context.Context, in incident.Incident, actor string) (incident.Incident, error) {
	if err := checkIncidentActor(actor); err != nil {
		return in, err
	}
	var out incident.Incident
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		return s.putIncident(ctx, tx, in, actor, &out)
	})
	return out, err
}

// putIncident is PutIncident within tx, setting *out, for writes that
// create an incident along with something else (a report made an
// incident, in the same transaction).
func (s *Store) putIncident(ctx context.Context, tx *txn, in incident.Incident, actor string, out *incident.Incident) error {
	x, now := normaliseIncident(in), s.clock()
	entry := audit.Entry{At: now, Actor: actor, Action: "incident.create"}
	var event *incident.Event
	created := now
	if x.ID == 0 {
		if x.State == "" {
			x.State = incident.Reported
		}
		if x.State != incident.Reported {
			return fmt.Errorf("%w: a new incident is reported, not %s: report it, then move it", incident.ErrTransition, x.State)
		}
		if x.Reported.IsZero() {
			x.Reported = now
		}
		x.Reached = nil
		x.Reach(incident.Reported, x.Reported)
		if x.Playbook != nil || x.Impact != nil {
			return fmt.Errorf("%w: playbook, impact: recorded once the incident is reported (FollowPlaybook, SetImpact)", incident.ErrInvalid)
		}
		event = &incident.Event{Kind: incident.EventState, Text: fmt.Sprintf("reported: %s (%s, %s, %s)", x.Title, x.Category, x.Severity, markingText(x.Marking))}
	} else {
		before, err := s.incident(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		if x.State == "" {
			x.State = before.State
		}
		if x.State != before.State {
			return fmt.Errorf("%w: incident %d is %s: its state changes by a move, not an update", incident.ErrTransition, x.ID, before.State)
		}
		if x.Reported.IsZero() {
			x.Reported = before.Reported
		}
		// Moves keep the state's times, as they keep the state.
		x.Reached = before.Reached
		// The playbook and the impact change through their own calls,
		// which put the change on the timeline.
		x.Playbook, x.Impact = before.Playbook, before.Impact
		entry.Action = "incident.update"
		entry.Before, _ = json.Marshal(before)
		if c := classification(before, x); c != "" {
			entry.Action, entry.Reason = "incident.classify", c
			event = &incident.Event{Kind: incident.EventClassification, Text: c}
		}
	}
	if err := x.Validate(); err != nil {
		return err
	}
	detail, err := json.Marshal(x)
	if err != nil {
		return err
	}
	var embargo sql.NullTime
	if x.Marking.Embargo != nil {
		embargo = nullTime(x.Marking.Embargo.Until)
	}
	if x.ID == 0 {
		err = tx.queryRow(ctx, `INSERT INTO incidents (title, category, severity, state, tlp, embargo_until, detected_at, reported_at, detail, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			x.Title, x.Category, x.Severity, x.State, x.Marking.TLP, embargo, x.Detected, x.Reported, string(detail), created, now).Scan(&x.ID)
	} else {
		_, err = tx.exec(ctx, `UPDATE incidents SET title = ?, category = ?, severity = ?, tlp = ?, embargo_until = ?, detected_at = ?, reported_at = ?, detail = ?, updated_at = ? WHERE id = ?`,
			x.Title, x.Category, x.Severity, x.Marking.TLP, embargo, x.Detected, x.Reported, string(detail), now, x.ID)
	}
	if err != nil {
		return fmt.Errorf("incident %q: %w", x.Title, err)
	}
	if event != nil {
		event.Incident, event.At, event.Actor = x.ID, now, actor
		if _, err := insertEvent(ctx, tx, *event); err != nil {
			return err
		}
	}
	entry.Object = incidentObject(x.ID)
	entry.After, _ = json.Marshal(x)
	*out = x
	if err := appendAudit(ctx, tx, entry); err != nil {
		return err
	}
	if in.ID == 0 {
		// A new incident starts with the organisation's communication tree.
		return s.copyDefaultTree(ctx, tx, x.ID, now, actor)
	}
	return nil
}

const incidentColumns = `id, title, category, severity, state, tlp, detail`

func scanIncident(r interface{ Scan(...any) error }) (incident.Incident, error) {
	var (
		in                                            incident.Incident
		id                                            int64
		title, category, severity, state, tlp, detail string
	)
	if err := r.Scan(&id, &title, &category, &severity, &state, &tlp, &detail); err != nil {
		return in, err
	}
	if err := json.Unmarshal([]byte(detail), &in); err != nil {
		return in, fmt.Errorf("incident %d: %w", id, err)
	}
	// The columns are what queries see; they win over the JSON copy.
	in.ID, in.Title, in.Category, in.Severity, in.State = id, title, incident.Category(category), incident.Severity(severity), incident.State(state)
	in.Marking.TLP = incident.TLP(tlp)
	in.Detected, in.Reported = in.Detected.UTC(), in.Reported.UTC()
	if !in.Aware.IsZero() {
		in.Aware = in.Aware.UTC()
	}
	if e := in.Marking.Embargo; e != nil {
		e.Until = e.Until.UTC()
	}
	return in, nil
}

func (s *Store) incident(ctx context.Context, q querier, id int64) (incident.Incident, error) {
	in, err := scanIncident(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+incidentColumns+` FROM incidents WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("incident %d: %w", id, store.ErrNotFound)
	}
	return in, err
}

// Incident implements store.Incidents.
func (s *Store) Incident(ctx context.Context, id int64) (incident.Incident, error) {
	return s.incident(ctx, s.r, id)
}

// ListIncidents implements store.Incidents.
func (s *Store) ListIncidents(ctx context.Context, q store.IncidentQuery) ([]incident.Incident, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, vs ...any) { where, args = append(where, cond), append(args, vs...) }
	if q.State != "" {
		add(`state = ?`, q.State)
	}
	if q.Category != "" {
		add(`category = ?`, q.Category)
	}
	if q.Severity != "" {
		add(`severity = ?`, q.Severity)
	}
	if q.Open {
		// Open is the domain's word (State.Open): the query lists the
		// states it calls open rather than repeating which are not.
		var open []any
		for _, st := range incident.States {
			if st.Open() {
				open = append(open, st)
			}
		}
		add(`state IN (`+placeholders(len(open))+`)`, open...)
	}
	query := `SELECT ` + incidentColumns + ` FROM incidents`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return collect(ctx, s.r, s.d.Rebind(query+` ORDER BY id DESC`), args, rowScanner(scanIncident))
}

// MoveIncident implements store.Incidents.
func (s *Store) MoveIncident(ctx context.Context, id int64, to incident.State, actor, reason string) (incident.Incident, error) {
	if err := checkIncidentActor(actor); err != nil {
		return incident.Incident{}, err
	}
	var out incident.Incident
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.incident(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := incident.CheckMove(before.State, to); err != nil {
			return fmt.Errorf("incident %d: %w", id, err)
		}
		tasks, err := s.tasks(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := incident.CheckTasks(to, tasks); err != nil {
			return fmt.Errorf("incident %d: %w", id, err)
		}
		x := before
		x.State = to
		x.Reached = maps.Clone(before.Reached)
		x.Reach(to, now)
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE incidents SET state = ?, detail = ?, updated_at = ? WHERE id = ?`, x.State, string(detail), now, x.ID); err != nil {
			return fmt.Errorf("incident %d: %w", id, err)
		}
		text := fmt.Sprintf("%s → %s", before.State, to)
		if reason != "" {
			text += ": " + reason
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: id, At: now, Actor: actor, Kind: incident.EventState, Text: text}); err != nil {
			return err
		}
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.state", Object: incidentObject(id), Before: b, After: a, Reason: text})
	})
	return out, err
}

// insertEvent appends e to its incident's timeline.
func insertEvent(ctx context.Context, tx *txn, e incident.Event) (incident.Event, error) {
	if err := e.Validate(); err != nil {
		return e, err
	}
	err := tx.queryRow(ctx, `INSERT INTO incident_events (incident_id, at, actor, kind, text) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		e.Incident, e.At, e.Actor, e.Kind, e.Text).Scan(&e.ID)
	if err != nil {
		return e, fmt.Errorf("incident %d: timeline: %w", e.Incident, err)
	}
	return e, nil
}

// AddEvent implements store.Incidents.
func (s *Store) AddEvent(ctx context.Context, incidentID int64, e incident.Event) (incident.Event, error) {
	e.Incident = incidentID
	if err := e.Validate(); err != nil {
		return e, err
	}
	if e.Kind.ByStore() {
		return e, fmt.Errorf("%w: event kind: %s events are recorded as the incident changes, not added", incident.ErrInvalid, e.Kind)
	}
	var out incident.Event
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := e, s.clock()
		if _, err := s.incident(ctx, tx, incidentID); err != nil {
			return err
		}
		if x.At.IsZero() {
			x.At = now
		}
		x.At = incidentTime(x.At)
		x, err := insertEvent(ctx, tx, x)
		if err != nil {
			return err
		}
		after, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: x.Actor, Action: "incident.event", Object: incidentObject(incidentID),
			After: after, Reason: string(x.Kind)})
	})
	return out, err
}

const eventColumns = `id, incident_id, at, actor, kind, text`

func scanEvent(r interface{ Scan(...any) error }) (incident.Event, error) {
	var e incident.Event
	err := r.Scan(&e.ID, &e.Incident, &e.At, &e.Actor, &e.Kind, &e.Text)
	e.At = e.At.UTC()
	return e, err
}

// Timeline implements store.Incidents.
func (s *Store) Timeline(ctx context.Context, incidentID int64) ([]incident.Event, error) {
	if _, err := s.incident(ctx, s.r, incidentID); err != nil {
		return nil, err
	}
	return collect(ctx, s.r, s.d.Rebind(`SELECT `+eventColumns+` FROM incident_events WHERE incident_id = ? ORDER BY id`), []any{incidentID}, rowScanner(scanEvent))
}

const taskColumns = `id, incident_id, title, kind, owner, due, done_at, done_by, link`

func scanTask(r interface{ Scan(...any) error }) (incident.Task, error) {
	var (
		t         incident.Task
		due, done sql.NullTime
	)
	if err := r.Scan(&t.ID, &t.Incident, &t.Title, &t.Kind, &t.Owner, &due, &done, &t.DoneBy, &t.Link); err != nil {
		return t, err
	}
	if due.Valid {
		t.Due = due.Time.UTC()
	}
	if done.Valid {
		t.Done = done.Time.UTC()
	}
	return t, nil
}

func (s *Store) tasks(ctx context.Context, q querier, incidentID int64) ([]incident.Task, error) {
	ts, err := collect(ctx, q, s.d.Rebind(`SELECT `+taskColumns+` FROM incident_tasks WHERE incident_id = ? ORDER BY id`), []any{incidentID}, rowScanner(scanTask))
	if err != nil {
		return nil, fmt.Errorf("incident %d: tasks: %w", incidentID, err)
	}
	return ts, nil
}

func (s *Store) task(ctx context.Context, q querier, id int64) (incident.Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+taskColumns+` FROM incident_tasks WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("task %d: %w", id, store.ErrNotFound)
	}
	return t, err
}

// Task implements store.Incidents.
func (s *Store) Task(ctx context.Context, id int64) (incident.Task, error) {
	return s.task(ctx, s.r, id)
}

// ListTasks implements store.Incidents.
func (s *Store) ListTasks(ctx context.Context, incidentID int64) ([]incident.Task, error) {
	if _, err := s.incident(ctx, s.r, incidentID); err != nil {
		return nil, err
	}
	return s.tasks(ctx, s.r, incidentID)
}

// taskText describes a task for the timeline.
func taskText(t incident.Task) string {
	s := fmt.Sprintf("%s (%s, owner %s", t.Title, t.Kind, t.Owner)
	if !t.Due.IsZero() {
		s += ", due " + t.Due.Format(time.DateOnly)
	}
	if t.Link != "" {
		s += ", " + t.Link
	}
	return s + ")"
}

// sameTask reports whether a and b say the same: a write of an unchanged
// task changes nothing, and leaves no trace.
func sameTask(a, b incident.Task) bool {
	return a.ID == b.ID && a.Incident == b.Incident && a.Title == b.Title && a.Kind == b.Kind && a.Owner == b.Owner &&
		a.Due.Equal(b.Due) && a.Done.Equal(b.Done) && a.DoneBy == b.DoneBy && a.Link == b.Link
}

// insertTask adds a new task to its incident, and returns it with its id
// and the timeline's words for it.
func insertTask(ctx context.Context, tx *txn, x incident.Task, now time.Time) (incident.Task, string, error) {
	err := tx.queryRow(ctx, `INSERT INTO incident_tasks (incident_id, title, kind, owner, due, done_at, done_by, link, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		x.Incident, x.Title, x.Kind, x.Owner, nullTime(x.Due), nullTime(x.Done), x.DoneBy, x.Link, now, now).Scan(&x.ID)
	if err != nil {
		return x, "", fmt.Errorf("task %q: %w", x.Title, err)
	}
	return x, fmt.Sprintf("task %d added: %s", x.ID, taskText(x)), nil
}

// PutTask implements store.Incidents.
func (s *Store) PutTask(ctx context.Context, t incident.Task, actor string) (incident.Task, error) {
	t, err := normaliseTask(t, actor)
	if err != nil {
		return t, err
	}
	var out incident.Task
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		var err error
		out, err = s.putTask(ctx, tx, t, actor, s.clock())
		return err
	})
	return out, err
}

// normaliseTask returns t as the store keeps it, checked: done by actor
// unless it says by whom, times at the store's resolution.
func normaliseTask(t incident.Task, actor string) (incident.Task, error) {
	if err := checkIncidentActor(actor); err != nil {
		return t, err
	}
	if !t.Done.IsZero() && t.DoneBy == "" {
		t.DoneBy = actor
	}
	if t.Done.IsZero() {
		t.DoneBy = ""
	}
	if !t.Due.IsZero() {
		t.Due = incidentTime(t.Due)
	}
	if !t.Done.IsZero() {
		t.Done = incidentTime(t.Done)
	}
	return t, t.Validate()
}

// putTask creates or changes a task normalised by normaliseTask in tx,
// on its incident's timeline and in the audit log, and returns it as
// stored. Other writes that keep tasks (patch releases) share it, so a
// task is recorded the same way whoever writes it.
func (s *Store) putTask(ctx context.Context, tx *txn, x incident.Task, actor string, now time.Time) (incident.Task, error) {
	entry := audit.Entry{At: now, Actor: actor, Action: "incident.task.create"}
	var text string
	if x.ID == 0 {
		if _, err := s.incident(ctx, tx, x.Incident); err != nil {
			return x, err
		}
		var err error
		if x, text, err = insertTask(ctx, tx, x, now); err != nil {
			return x, err
		}
	} else {
		before, err := s.task(ctx, tx, x.ID)
		if err != nil {
			return x, err
		}
		if x.Incident != 0 && x.Incident != before.Incident {
			return x, fmt.Errorf("%w: task %d is on incident %d, not %d", incident.ErrInvalid, x.ID, before.Incident, x.Incident)
		}
		x.Incident = before.Incident
		if sameTask(x, before) {
			return x, nil
		}
		switch {
		case before.Open() && !x.Open():
			entry.Action, text = "incident.task.done", fmt.Sprintf("task %d done by %s: %s", x.ID, x.DoneBy, x.Title)
		case !before.Open() && x.Open():
			entry.Action, text = "incident.task.reopen", fmt.Sprintf("task %d reopened: %s", x.ID, taskText(x))
		default:
			entry.Action, text = "incident.task.update", fmt.Sprintf("task %d changed: %s", x.ID, taskText(x))
		}
		entry.Before, _ = json.Marshal(before)
		if _, err := tx.exec(ctx, `UPDATE incident_tasks SET title = ?, kind = ?, owner = ?, due = ?, done_at = ?, done_by = ?, link = ?, updated_at = ? WHERE id = ?`,
			x.Title, x.Kind, x.Owner, nullTime(x.Due), nullTime(x.Done), x.DoneBy, x.Link, now, x.ID); err != nil {
			return x, fmt.Errorf("task %d: %w", x.ID, err)
		}
	}
	if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: incident.EventTask, Text: text}); err != nil {
		return x, err
	}
	entry.Object, entry.Reason = incidentObject(x.Incident), text
	entry.After, _ = json.Marshal(x)
	return x, appendAudit(ctx, tx, entry)
}
