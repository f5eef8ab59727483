package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/store"
)

// Audit log objects of the process records: a playbook across its
// versions, a roster member with their trainings, a briefing, a review.
func playbookObject(key string) string { return "playbook:" + key }
func memberObject(id int64) string     { return fmt.Sprintf("member:%d", id) }
func briefingObject(id int64) string   { return fmt.Sprintf("briefing:%d", id) }
func reviewObject(id int64) string     { return fmt.Sprintf("process-review:%d", id) }

const reviewScheduleObject = "process-review:schedule"

// checkProcessActor refuses a write nobody is named for.
func checkProcessActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: actor: who does this must be named", process.ErrInvalid)
	}
	return nil
}

// auditJSON marshals v for an audit entry. Everything the process
// records marshals; an error here is a bug worth failing the write for.
func auditJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit entry: %w", err)
	}
	return b, nil
}

const playbookColumns = `playbook_key, version, detail, created_at, created_by`

func scanPlaybook(r interface{ Scan(...any) error }) (process.Playbook, error) {
	var (
		p               process.Playbook
		key, detail, by string
		version         int
		created         time.Time
	)
	if err := r.Scan(&key, &version, &detail, &created, &by); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(detail), &p); err != nil {
		return p, fmt.Errorf("playbook %s v%d: %w", key, version, err)
	}
	// The columns are what the constraints hold; they win over the JSON
	// copy.
	p.Key, p.Version, p.Created, p.CreatedBy = key, version, created.UTC(), by
	return p, nil
}

// playbook reads a version of a playbook, the latest for version 0.
func (s *Store) playbook(ctx context.Context, q querier, key string, version int) (process.Playbook, error) {
	query, args := `SELECT `+playbookColumns+` FROM playbook_versions WHERE playbook_key = ? AND version = ?`, []any{key, version}
	if version == 0 {
		query, args = `SELECT `+playbookColumns+` FROM playbook_versions WHERE playbook_key = ? ORDER BY version DESC LIMIT 1`, []any{key}
	}
	p, err := scanPlaybook(q.QueryRowContext(ctx, s.d.Rebind(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		if version == 0 {
			return p, fmt.Errorf("playbook %s: %w", key, store.ErrNotFound)
		}
		return p, fmt.Errorf("playbook %s v%d: %w", key, version, store.ErrNotFound)
	}
	return p, err
}

// PutPlaybook implements store.Process. Two writers making a version of
// the same playbook at once both pick the same number; the second to
// commit fails on the (key, version) key and is retried, and then sees
// the first's version.
func (s *Store) PutPlaybook(ctx context.Context, p process.Playbook, actor string) (process.Playbook, error) {
	if err := checkProcessActor(actor); err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	var out process.Playbook
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		x := p
		x.Categories, x.Steps = slices.Clone(p.Categories), slices.Clone(p.Steps)
		x.Version, x.Created, x.CreatedBy = 1, now, actor
		entry := audit.Entry{At: now, Actor: actor, Action: "playbook.version", Object: playbookObject(p.Key)}
		latest, err := s.playbook(ctx, tx, p.Key, 0)
		switch {
		case err == nil:
			if process.SameContent(latest, x) {
				out = latest
				return nil
			}
			x.Version = latest.Version + 1
			if entry.Before, err = auditJSON(latest); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO playbook_versions (playbook_key, version, detail, created_at, created_by) VALUES (?, ?, ?, ?, ?)`,
			x.Key, x.Version, string(detail), now, actor); err != nil {
			return fmt.Errorf("playbook %s v%d: %w", x.Key, x.Version, err)
		}
		entry.After, entry.Reason = detail, fmt.Sprintf("%s v%d", x.Key, x.Version)
		if x.Note != "" {
			entry.Reason += ": " + x.Note
		}
		out = x
		return appendAudit(ctx, tx, entry)
	})
	return out, err
}

// Playbook implements store.Process.
func (s *Store) Playbook(ctx context.Context, key string, version int) (process.Playbook, error) {
	return s.playbook(ctx, s.r, key, version)
}

// PlaybookVersions implements store.Process.
func (s *Store) PlaybookVersions(ctx context.Context, key string) ([]process.Playbook, error) {
	ps, err := collect(ctx, s.r, s.d.Rebind(`SELECT `+playbookColumns+` FROM playbook_versions WHERE playbook_key = ? ORDER BY version`), []any{key}, rowScanner(scanPlaybook))
	if err != nil {
		return nil, fmt.Errorf("playbook %s: %w", key, err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("playbook %s: %w", key, store.ErrNotFound)
	}
	return ps, nil
}

// ListPlaybooks implements store.Process.
func (s *Store) ListPlaybooks(ctx context.Context) ([]process.Playbook, error) {
	ps, err := collect(ctx, s.r, `SELECT `+playbookColumns+` FROM playbook_versions p
		WHERE version = (SELECT MAX(version) FROM playbook_versions q WHERE q.playbook_key = p.playbook_key)`, nil, rowScanner(scanPlaybook))
	if err != nil {
		return nil, fmt.Errorf("playbooks: %w", err)
	}
	// Sorted here, not by the database: PostgreSQL's collation and
	// SQLite's byte order disagree on punctuation and case, and both
	// stores must list alike.
	slices.SortFunc(ps, func(a, b process.Playbook) int { return strings.Compare(a.Key, b.Key) })
	return ps, nil
}

// updateIncidentDetail writes an incident's JSON copy after a change of
// what only the copy holds (its playbook, its impact, its projects).
func updateIncidentDetail(ctx context.Context, tx *txn, x incident.Incident, now time.Time) error {
	detail, err := json.Marshal(x)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE incidents SET detail = ?, updated_at = ? WHERE id = ?`, string(detail), now, x.ID); err != nil {
		return fmt.Errorf("incident %d: %w", x.ID, err)
	}
	return nil
}

// FollowPlaybook implements store.Process.
func (s *Store) FollowPlaybook(ctx context.Context, incidentID int64, f store.Follow, actor string) (incident.Incident, []incident.Task, error) {
	if err := checkIncidentActor(actor); err != nil {
		return incident.Incident{}, nil, err
	}
	lang := f.Lang
	switch lang {
	case "":
		lang = "en"
	case "en", "zh-CN":
	default:
		return incident.Incident{}, nil, fmt.Errorf("%w: lang: %q is neither en nor zh-CN", incident.ErrInvalid, f.Lang)
	}
	var (
		out   incident.Incident
		added []incident.Task
	)
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		added = nil
		before, err := s.incident(ctx, tx, incidentID)
		if err != nil {
			return err
		}
		pb, err := s.playbook(ctx, tx, f.Playbook.Key, f.Playbook.Version)
		if err != nil {
			return err
		}
		x, ref := before, pb.Ref()
		x.Playbook = &ref
		if before.Playbook == nil || *before.Playbook != ref {
			if err := updateIncidentDetail(ctx, tx, x, now); err != nil {
				return err
			}
			from := "-"
			if before.Playbook != nil {
				from = before.Playbook.String()
			}
			text := fmt.Sprintf("playbook %s → %s", from, ref)
			if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.ID, At: now, Actor: actor, Kind: incident.EventClassification, Text: text}); err != nil {
				return err
			}
			b, err := auditJSON(before)
			if err != nil {
				return err
			}
			a, err := auditJSON(x)
			if err != nil {
				return err
			}
			if err := appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.playbook", Object: incidentObject(x.ID), Before: b, After: a, Reason: text}); err != nil {
				return err
			}
		}
		out = x
		if !f.Tasks {
			return nil
		}
		added, err = s.addStepTasks(ctx, tx, x, pb, lang, actor, now)
		return err
	})
	return out, added, err
}

// addStepTasks adds to an incident the tasks of the playbook's steps it
// does not have yet, each owned by the first member on the roster now
// who holds the step's role, else by the incident's owner, else by
// actor.
func (s *Store) addStepTasks(ctx context.Context, tx *txn, in incident.Incident, pb process.Playbook, lang, actor string, now time.Time) ([]incident.Task, error) {
	existing, err := s.tasks(ctx, tx, in.ID)
	if err != nil {
		return nil, err
	}
	members, err := s.members(ctx, tx, store.MemberQuery{ActiveOn: now})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(members, func(a, b process.Member) int { return cmp.Compare(a.ID, b.ID) })
	owner := func(r process.Role) string {
		for _, m := range members {
			if m.Role == r {
				// A user is named as vmc names them, so that the task
				// shows on their list; an external person by name.
				if m.User != "" {
					return m.User
				}
				return m.Name
			}
		}
		if in.Owner != "" {
			return in.Owner
		}
		return actor
	}
	var added []incident.Task
	for _, t := range pb.Tasks(lang, owner) {
		if slices.ContainsFunc(existing, func(e incident.Task) bool { return e.Link == t.Link }) {
			continue
		}
		t.Incident = in.ID
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("playbook %s: %w", pb.Ref(), err)
		}
		t, text, err := insertTask(ctx, tx, t, now)
		if err != nil {
			return nil, err
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: in.ID, At: now, Actor: actor, Kind: incident.EventTask, Text: text}); err != nil {
			return nil, err
		}
		a, err := auditJSON(t)
		if err != nil {
			return nil, err
		}
		if err := appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.task.create", Object: incidentObject(in.ID), After: a, Reason: text}); err != nil {
			return nil, err
		}
		added = append(added, t)
	}
	return added, nil
}

// maxProjects bounds the projects an incident names.
const maxProjects = 1000

// SetImpact implements store.Process.
func (s *Store) SetImpact(ctx context.Context, incidentID int64, im incident.Impact, projects []string, actor, reason string) (incident.Incident, error) {
	if err := checkIncidentActor(actor); err != nil {
		return incident.Incident{}, err
	}
	if err := im.Validate(); err != nil {
		return incident.Incident{}, err
	}
	if len(projects) > maxProjects {
		return incident.Incident{}, fmt.Errorf("%w: projects: more than %d", incident.ErrInvalid, maxProjects)
	}
	for i, p := range projects {
		if !incident.IsName(p) || slices.Contains(projects[:i], p) {
			return incident.Incident{}, fmt.Errorf("%w: projects[%d]: %q is not a project name, or is listed twice", incident.ErrInvalid, i, p)
		}
	}
	// A copy the caller cannot change afterwards.
	x := im
	if m := im.DirectCost; m != nil {
		c := *m
		x.DirectCost = &c
	}
	if e := im.LongTermCost; e != nil {
		c := *e
		x.LongTermCost = &c
	}
	var out incident.Incident
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.incident(ctx, tx, incidentID)
		if err != nil {
			return err
		}
		after := before
		after.Impact = &x
		if projects != nil {
			after.Projects = cloneNames(projects)
		}
		moved := !slices.Equal(before.Projects, after.Projects)
		if reflect.DeepEqual(before.Impact, after.Impact) && !moved {
			out = before
			return nil
		}
		if err := after.Validate(); err != nil {
			return err
		}
		if err := updateIncidentDetail(ctx, tx, after, now); err != nil {
			return err
		}
		text := "impact: " + after.Impact.String()
		if moved {
			text += "; projects: " + cmp.Or(strings.Join(after.Projects, ", "), "-")
		}
		if reason = strings.TrimSpace(reason); reason != "" {
			text += " (" + reason + ")"
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: after.ID, At: now, Actor: actor, Kind: incident.EventClassification, Text: text}); err != nil {
			return err
		}
		b, err := auditJSON(before)
		if err != nil {
			return err
		}
		a, err := auditJSON(after)
		if err != nil {
			return err
		}
		out = after
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.impact", Object: incidentObject(after.ID), Before: b, After: a, Reason: text})
	})
	return out, err
}

const memberColumns = `id, name, user_name, role, active_from, active_to, detail`

func scanMember(r interface{ Scan(...any) error }) (process.Member, error) {
	var (
		m                        process.Member
		id                       int64
		name, user, role, detail string
		from                     time.Time
		to                       sql.NullTime
	)
	if err := r.Scan(&id, &name, &user, &role, &from, &to, &detail); err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(detail), &m); err != nil {
		return m, fmt.Errorf("member %d: %w", id, err)
	}
	m.ID, m.Name, m.User, m.Role, m.From, m.To = id, name, user, process.Role(role), from.UTC(), time.Time{}
	if to.Valid {
		m.To = to.Time.UTC()
	}
	return m, nil
}

func (s *Store) member(ctx context.Context, q querier, id int64) (process.Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+memberColumns+` FROM response_members WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("member %d: %w", id, store.ErrNotFound)
	}
	return m, err
}

func (s *Store) members(ctx context.Context, q querier, mq store.MemberQuery) ([]process.Member, error) {
	query, args := `SELECT `+memberColumns+` FROM response_members`, []any{}
	if mq.Role != "" {
		query, args = query+` WHERE role = ?`, append(args, mq.Role)
	}
	ms, err := collect(ctx, q, s.d.Rebind(query), args, rowScanner(scanMember))
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	// By name as Go compares them, for both stores alike (see
	// ListPlaybooks).
	slices.SortFunc(ms, func(a, b process.Member) int { return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	// Who is on the team at a time is the domain's rule (ActiveOn); a
	// roster is short enough to ask it of every entry.
	if !mq.ActiveOn.IsZero() {
		ms = slices.DeleteFunc(ms, func(m process.Member) bool { return !m.ActiveOn(mq.ActiveOn) })
	}
	return ms, nil
}

// sameMember reports whether a and b say the same: a write of an
// unchanged entry leaves no trace.
func sameMember(a, b process.Member) bool {
	return a.ID == b.ID && a.Name == b.Name && a.User == b.User && a.Organisation == b.Organisation && a.Role == b.Role &&
		a.Contact == b.Contact && a.Team == b.Team && a.From.Equal(b.From) && a.To.Equal(b.To)
}

// PutMember implements store.Process.
func (s *Store) PutMember(ctx context.Context, m process.Member, actor string) (process.Member, error) {
	if err := checkProcessActor(actor); err != nil {
		return m, err
	}
	var out process.Member
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		x := m
		x.From = process.Day(m.From)
		if m.From.IsZero() {
			x.From = time.Time{}
		}
		if !m.To.IsZero() {
			x.To = process.Day(m.To)
		}
		if x.User != "" {
			var display string
			err := tx.queryRow(ctx, `SELECT display FROM users WHERE name = ?`, x.User).Scan(&display)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("%w: user: no vmc user %q (an external person has no user)", process.ErrInvalid, x.User)
			case err != nil:
				return fmt.Errorf("member %s: user: %w", x.User, err)
			}
			if x.Name == "" {
				x.Name = cmp.Or(display, x.User)
			}
		}
		if err := x.Validate(); err != nil {
			return err
		}
		entry := audit.Entry{At: now, Actor: actor, Action: "roster.add"}
		if x.ID != 0 {
			before, err := s.member(ctx, tx, x.ID)
			if err != nil {
				return err
			}
			if sameMember(before, x) {
				out = x
				return nil
			}
			entry.Action = "roster.update"
			if entry.Before, err = auditJSON(before); err != nil {
				return err
			}
		}
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if x.ID == 0 {
			err = tx.queryRow(ctx, `INSERT INTO response_members (name, user_name, role, active_from, active_to, detail, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, x.Name, x.User, x.Role, x.From, nullTime(x.To), string(detail), now, now).Scan(&x.ID)
		} else {
			_, err = tx.exec(ctx, `UPDATE response_members SET name = ?, user_name = ?, role = ?, active_from = ?, active_to = ?, detail = ?, updated_at = ? WHERE id = ?`,
				x.Name, x.User, x.Role, x.From, nullTime(x.To), string(detail), now, x.ID)
		}
		if err != nil {
			return fmt.Errorf("member %q: %w", x.Name, err)
		}
		entry.Object, entry.Reason = memberObject(x.ID), fmt.Sprintf("%s (%s)", x.Name, x.Role)
		if entry.After, err = auditJSON(x); err != nil {
			return err
		}
		out = x
		return appendAudit(ctx, tx, entry)
	})
	return out, err
}

// Member implements store.Process.
func (s *Store) Member(ctx context.Context, id int64) (process.Member, error) {
	return s.member(ctx, s.r, id)
}

// ListMembers implements store.Process.
func (s *Store) ListMembers(ctx context.Context, q store.MemberQuery) ([]process.Member, error) {
	return s.members(ctx, s.r, q)
}

const trainingColumns = `id, member_id, playbook_key, playbook_version, trained_on, trainer, note`

func scanTraining(r interface{ Scan(...any) error }) (process.Training, error) {
	var t process.Training
	err := r.Scan(&t.ID, &t.Member, &t.Playbook.Key, &t.Playbook.Version, &t.On, &t.Trainer, &t.Note)
	t.On = t.On.UTC()
	return t, err
}

// AddTraining implements store.Process.
func (s *Store) AddTraining(ctx context.Context, t process.Training, actor string) (process.Training, error) {
	if err := checkProcessActor(actor); err != nil {
		return t, err
	}
	if !t.On.IsZero() {
		t.On = process.Day(t.On)
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	var out process.Training
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := t, s.clock()
		m, err := s.member(ctx, tx, x.Member)
		if err != nil {
			return err
		}
		if _, err := s.playbook(ctx, tx, x.Playbook.Key, x.Playbook.Version); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO trainings (member_id, playbook_key, playbook_version, trained_on, trainer, note, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, x.Member, x.Playbook.Key, x.Playbook.Version, x.On, x.Trainer, x.Note, now, actor).Scan(&x.ID); err != nil {
			return fmt.Errorf("training of member %d: %w", x.Member, err)
		}
		a, err := auditJSON(x)
		if err != nil {
			return err
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "training.record", Object: memberObject(m.ID), After: a,
			Reason: fmt.Sprintf("%s trained on %s on %s by %s", m.Name, x.Playbook, x.On.Format(time.DateOnly), x.Trainer)})
	})
	return out, err
}

// ListTrainings implements store.Process.
func (s *Store) ListTrainings(ctx context.Context, member int64) ([]process.Training, error) {
	query, args := `SELECT `+trainingColumns+` FROM trainings`, []any{}
	if member != 0 {
		if _, err := s.member(ctx, s.r, member); err != nil {
			return nil, err
		}
		query, args = query+` WHERE member_id = ?`, append(args, member)
	}
	ts, err := collect(ctx, s.r, s.d.Rebind(query+` ORDER BY trained_on, id`), args, rowScanner(scanTraining))
	if err != nil {
		return nil, fmt.Errorf("trainings: %w", err)
	}
	return ts, nil
}

func scanBriefing(r interface{ Scan(...any) error }) (process.Briefing, error) {
	var (
		b      process.Briefing
		id     int64
		at     time.Time
		detail string
	)
	if err := r.Scan(&id, &at, &detail); err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(detail), &b); err != nil {
		return b, fmt.Errorf("briefing %d: %w", id, err)
	}
	b.ID, b.At = id, at.UTC()
	return b, nil
}

// AddBriefing implements store.Process.
func (s *Store) AddBriefing(ctx context.Context, b process.Briefing, actor string) (process.Briefing, error) {
	if err := checkProcessActor(actor); err != nil {
		return b, err
	}
	x := b
	x.At = incidentTime(b.At)
	if b.At.IsZero() {
		x.At = time.Time{}
	}
	x.Attendees = cloneNames(b.Attendees)
	if b.Playbook != nil {
		ref := *b.Playbook
		x.Playbook = &ref
	}
	if err := x.Validate(); err != nil {
		return b, err
	}
	var out process.Briefing
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		y := x
		var key sql.NullString
		var version sql.NullInt64
		if y.Playbook != nil {
			pb, err := s.playbook(ctx, tx, y.Playbook.Key, y.Playbook.Version)
			if err != nil {
				return err
			}
			ref := pb.Ref()
			y.Playbook = &ref
			key, version = sql.NullString{String: ref.Key, Valid: true}, sql.NullInt64{Int64: int64(ref.Version), Valid: true}
		}
		detail, err := json.Marshal(y)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO briefings (held_at, team, playbook_key, playbook_version, detail, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, y.At, y.Team, key, version, string(detail), now, actor).Scan(&y.ID); err != nil {
			return fmt.Errorf("briefing of %s: %w", y.Team, err)
		}
		a, err := auditJSON(y)
		if err != nil {
			return err
		}
		out = y
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "briefing.record", Object: briefingObject(y.ID), After: a,
			Reason: fmt.Sprintf("%s briefed by %s on %s", y.Team, y.By, y.At.Format(time.RFC3339))})
	})
	return out, err
}

// ListBriefings implements store.Process.
func (s *Store) ListBriefings(ctx context.Context, q store.BriefingQuery) ([]process.Briefing, error) {
	var (
		where []string
		args  []any
	)
	if !q.From.IsZero() {
		where, args = append(where, `held_at >= ?`), append(args, q.From.UTC())
	}
	if !q.To.IsZero() {
		where, args = append(where, `held_at < ?`), append(args, q.To.UTC())
	}

	query := `SELECT id, held_at, detail FROM briefings`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	bs, err := collect(ctx, s.r, s.d.Rebind(query+` ORDER BY held_at, id`), args, rowScanner(scanBriefing))
	if err != nil {
		return nil, fmt.Errorf("briefings: %w", err)
	}
	// The audience is matched ignoring case as the domain does
	// (strings.EqualFold), which SQLite's ASCII-only LOWER would not.
	if q.Team != "" {
		bs = slices.DeleteFunc(bs, func(b process.Briefing) bool { return !strings.EqualFold(b.Team, q.Team) })
	}
	return bs, nil
}

// Teams implements store.Process.
func (s *Store) Teams(ctx context.Context) ([]string, error) {
	teams, err := collect(ctx, s.r, `SELECT DISTINCT team FROM assets WHERE team <> ''`, nil, func(r *sql.Rows) (string, error) {
		var t string
		return t, r.Scan(&t)
	})
	if err != nil {
		return nil, fmt.Errorf("teams of assets: %w", err)
	}
	lists, err := collect(ctx, s.r, `SELECT teams FROM users`, nil, func(r *sql.Rows) ([]string, error) {
		var (
			raw string
			ts  []string
		)
		if err := r.Scan(&raw); err != nil {
			return nil, err
		}
		return ts, json.Unmarshal([]byte(raw), &ts)
	})
	if err != nil {
		return nil, fmt.Errorf("teams of users: %w", err)
	}
	for _, ts := range lists {
		teams = append(teams, ts...)
	}
	slices.Sort(teams)
	return slices.Compact(teams), nil
}

// BriefingCoverage implements store.Process.
func (s *Store) BriefingCoverage(ctx context.Context, from, to time.Time) (process.Coverage, error) {
	teams, err := s.Teams(ctx)
	if err != nil {
		return process.Coverage{}, err
	}
	bs, err := s.ListBriefings(ctx, store.BriefingQuery{From: from, To: to})
	if err != nil {
		return process.Coverage{}, err
	}
	return process.CoverageOf(teams, bs, from.UTC(), to.UTC()), nil
}

// AddReview implements store.Process.
func (s *Store) AddReview(ctx context.Context, r process.Review, actor string) (process.Review, error) {
	if err := checkProcessActor(actor); err != nil {
		return r, err
	}
	x := r
	if !r.On.IsZero() {
		x.On = process.Day(r.On)
	}
	x.Participants, x.RecordedBy = cloneNames(r.Participants), actor
	if err := x.Validate(); err != nil {
		return r, err
	}
	var out process.Review
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		y, now := x, s.clock()
		detail, err := json.Marshal(y)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO process_reviews (held_on, detail, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
			y.On, string(detail), now, actor).Scan(&y.ID); err != nil {
			return fmt.Errorf("review of %s: %w", y.On.Format(time.DateOnly), err)
		}
		out = y
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "process.review", Object: reviewObject(y.ID), After: detail,
			Reason: fmt.Sprintf("review held on %s with %s", y.On.Format(time.DateOnly), strings.Join(y.Participants, ", "))})
	})
	return out, err
}

// ListReviews implements store.Process.
func (s *Store) ListReviews(ctx context.Context) ([]process.Review, error) {
	rs, err := collect(ctx, s.r, `SELECT id, held_on, detail FROM process_reviews ORDER BY held_on DESC, id DESC`, nil, rowScanner(func(r interface{ Scan(...any) error }) (process.Review, error) {
		var (
			x      process.Review
			id     int64
			on     time.Time
			detail string
		)
		if err := r.Scan(&id, &on, &detail); err != nil {
			return x, err
		}
		if err := json.Unmarshal([]byte(detail), &x); err != nil {
			return x, fmt.Errorf("review %d: %w", id, err)
		}
		x.ID, x.On = id, on.UTC()
		return x, nil
	}))
	if err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	return rs, nil
}

func (s *Store) reviewSchedule(ctx context.Context, q querier) (process.Schedule, error) {
	var (
		sch   process.Schedule
		start sql.NullTime
	)
	err := q.QueryRowContext(ctx, `SELECT every_months, start_on FROM process_review_schedule WHERE id = 1`).Scan(&sch.EveryMonths, &start)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return process.DefaultSchedule, nil
	case err != nil:
		return sch, fmt.Errorf("review schedule: %w", err)
	}
	if start.Valid {
		sch.Start = start.Time.UTC()
	}
	return sch, nil
}

// ReviewSchedule implements store.Process.
func (s *Store) ReviewSchedule(ctx context.Context) (process.Schedule, error) {
	return s.reviewSchedule(ctx, s.r)
}

// PutReviewSchedule implements store.Process.
func (s *Store) PutReviewSchedule(ctx context.Context, sch process.Schedule, actor string) (process.Schedule, error) {
	if err := checkProcessActor(actor); err != nil {
		return sch, err
	}
	if !sch.Start.IsZero() {
		sch.Start = process.Day(sch.Start)
	}
	if err := sch.Validate(); err != nil {
		return sch, err
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.reviewSchedule(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO process_review_schedule (id, every_months, start_on, updated_at, updated_by) VALUES (1, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET every_months = excluded.every_months, start_on = excluded.start_on, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			sch.EveryMonths, nullTime(sch.Start), now, actor); err != nil {
			return fmt.Errorf("review schedule: %w", err)
		}
		e := audit.Entry{At: now, Actor: actor, Action: "process.review.schedule", Object: reviewScheduleObject,
			Reason: fmt.Sprintf("a review at least every %d months", sch.EveryMonths)}
		if e.Before, err = auditJSON(before); err != nil {
			return err
		}
		if e.After, err = auditJSON(sch); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
	return sch, err
}
