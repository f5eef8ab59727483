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

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// advisoryObject is the audit log object of an advisory.
func advisoryObject(id string) string { return "advisory:" + id }

// settingsObject is the audit log object of the advisory settings.
const settingsObject = "advisory-settings"

// normalisePatch returns a copy of p as the store keeps it: times at the
// store's resolution, nothing shared with p.
func normalisePatch(p incident.Patch) incident.Patch {
	x := p
	x.FixedVersions = cloneNames(p.FixedVersions)
	x.Checklist = slices.Clone(p.Checklist)
	for i, c := range x.Checklist {
		if !c.Done.IsZero() {
			x.Checklist[i].Done = incidentTime(c.Done)
		}
	}
	for _, t := range []*time.Time{&x.Change.Approved, &x.Released, &x.Notification.At} {
		if !t.IsZero() {
			*t = incidentTime(*t)
		}
	}
	return x
}

const patchColumns = `id, incident_id, detail`

func scanPatch(r interface{ Scan(...any) error }) (incident.Patch, error) {
	var (
		p       incident.Patch
		id, inc int64
		detail  string
	)
	if err := r.Scan(&id, &inc, &detail); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(detail), &p); err != nil {
		return p, fmt.Errorf("patch %d: %w", id, err)
	}
	p.ID, p.Incident = id, inc
	for _, t := range []*time.Time{&p.Change.Approved, &p.Released, &p.Notification.At} {
		*t = t.UTC()
	}
	for i := range p.Checklist {
		p.Checklist[i].Done = p.Checklist[i].Done.UTC()
	}
	return p, nil
}

func (s *Store) patch(ctx context.Context, q querier, id int64) (incident.Patch, error) {
	p, err := scanPatch(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+patchColumns+` FROM incident_patches WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("patch %d: %w", id, store.ErrNotFound)
	}
	return p, err
}

// Patch implements store.PatchReleases.
func (s *Store) Patch(ctx context.Context, id int64) (incident.Patch, error) {
	return s.patch(ctx, s.r, id)
}

// ListPatches implements store.PatchReleases.
func (s *Store) ListPatches(ctx context.Context, incidentID int64) ([]incident.Patch, error) {
	if _, err := s.incident(ctx, s.r, incidentID); err != nil {
		return nil, err
	}
	return collect(ctx, s.r, s.d.Rebind(`SELECT `+patchColumns+` FROM incident_patches WHERE incident_id = ? ORDER BY id`), []any{incidentID}, rowScanner(scanPatch))
}

// patchText describes a patch for the timeline.
func patchText(p incident.Patch) string {
	s := fmt.Sprintf("%s %s", p.Product, strings.Join(p.FixedVersions, ", "))
	if p.Component != "" {
		s += " (" + p.Component + ")"
	}
	s += ", " + string(p.Criticality)
	if p.Change.Ticket != "" {
		s += ", change " + p.Change.Ticket
	}
	return s
}

// savePatch writes p's row.
func savePatch(ctx context.Context, tx *txn, p incident.Patch, now time.Time) error {
	detail, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE incident_patches SET product = ?, criticality = ?, released_at = ?, notification = ?, detail = ?, updated_at = ? WHERE id = ?`,
		p.Product, p.Criticality, nullTime(p.Released), p.Notification.State, string(detail), now, p.ID); err != nil {
		return fmt.Errorf("patch %d: %w", p.ID, err)
	}
	return nil
}

// PutPatch implements store.PatchReleases.
func (s *Store) PutPatch(ctx context.Context, p incident.Patch, actor string) (incident.Patch, error) {
	if err := checkIncidentActor(actor); err != nil {
		return p, err
	}
	var out incident.Patch
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := normalisePatch(p), s.clock()
		if x.ID == 0 {
			var err error
			out, err = s.createPatch(ctx, tx, x, actor, now)
			return err
		}
		before, err := s.patch(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		if x.Incident != 0 && x.Incident != before.Incident {
			return fmt.Errorf("%w: patch %d is on incident %d, not %d", incident.ErrInvalid, x.ID, before.Incident, x.Incident)
		}
		// What the steps decide stays as they decided it.
		x.Incident, x.Released, x.ReleasedBy, x.Notification = before.Incident, before.Released, before.ReleasedBy, before.Notification
		x.ChangeTask, x.PatchTask = before.ChangeTask, before.PatchTask
		ticket := x.Change.Ticket
		x.Change = before.Change
		x.Change.Ticket = ticket
		if x.Owner == "" {
			x.Owner = before.Owner
		}
		// A test keeps its result while its item stays; a new item is
		// open.
		for i, c := range x.Checklist {
			x.Checklist[i].Done, x.Checklist[i].By = time.Time{}, ""
			if j := slices.IndexFunc(before.Checklist, func(b incident.RegressionTest) bool { return b.Item == c.Item }); j >= 0 {
				x.Checklist[i] = before.Checklist[j]
			}
		}
		switch {
		case before.Approved() && ticket != before.Change.Ticket:
			return fmt.Errorf("%w: patch %d: change %s was approved; a new ticket is a new patch", incident.ErrPatchStep, x.ID, before.Change.Ticket)
		case !before.Released.IsZero() && (x.Product != before.Product || x.Component != before.Component ||
			!slices.Equal(x.FixedVersions, before.FixedVersions) || !slices.Equal(x.Checklist, before.Checklist)):
			return fmt.Errorf("%w: patch %d was released on %s; what was released stays as it was", incident.ErrPatchStep, x.ID, before.Released.Format(time.RFC3339))
		}
		if err := x.Validate(); err != nil {
			return err
		}
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(x)
		if string(a) == string(b) {
			out = before
			return nil
		}
		if err := savePatch(ctx, tx, x, now); err != nil {
			return err
		}
		text := fmt.Sprintf("patch %d changed: %s", x.ID, patchText(x))
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: incident.EventTask, Text: text}); err != nil {
			return err
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.patch.update", Object: incidentObject(x.Incident),
			Before: b, After: a, Reason: text})
	})
	return out, err
}

// createPatch records a new patch and the two tasks beside it.
func (s *Store) createPatch(ctx context.Context, tx *txn, x incident.Patch, actor string, now time.Time) (incident.Patch, error) {
	if _, err := s.incident(ctx, tx, x.Incident); err != nil {
		return x, err
	}
	x.Change = incident.PatchChange{Ticket: x.Change.Ticket, RequestedBy: actor}
	x.Released, x.ReleasedBy, x.ChangeTask, x.PatchTask = time.Time{}, "", 0, 0
	x.Notification = incident.PatchNotice{State: incident.NotifyPending}
	x.Owner = cmp.Or(x.Owner, actor)
	for i := range x.Checklist {
		x.Checklist[i].Done, x.Checklist[i].By = time.Time{}, ""
	}
	if err := x.Validate(); err != nil {
		return x, err
	}
	err := tx.queryRow(ctx, `INSERT INTO incident_patches (incident_id, product, criticality, notification, detail, created_at, updated_at)
		VALUES (?, ?, ?, ?, '{}', ?, ?) RETURNING id`, x.Incident, x.Product, x.Criticality, x.Notification.State, now, now).Scan(&x.ID)
	if err != nil {
		return x, fmt.Errorf("patch %q: %w", x.Product, err)
	}
	text := fmt.Sprintf("patch %d recorded: %s", x.ID, patchText(x))
	if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: incident.EventTask, Text: text}); err != nil {
		return x, err
	}
	what := strings.TrimSpace(x.Product + " " + strings.Join(x.FixedVersions, ", "))
	changeTitle := "Approve the change for " + what
	if x.Change.Ticket != "" {
		changeTitle = "Approve change " + x.Change.Ticket + ": " + what
	}
	for _, t := range []struct {
		id    *int64
		title string
		kind  incident.TaskKind
		link  string
	}{
		{&x.ChangeTask, changeTitle, incident.TaskChange, x.Change.Ticket},
		{&x.PatchTask, "Release and apply " + what, incident.TaskPatch, fmt.Sprintf("patch:%d", x.ID)},
	} {
		task, err := normaliseTask(incident.Task{Incident: x.Incident, Title: truncate(t.title, 500), Kind: t.kind, Owner: x.Owner, Link: t.link}, actor)
		if err != nil {
			return x, err
		}
		if task, err = s.putTask(ctx, tx, task, actor, now); err != nil {
			return x, err
		}
		*t.id = task.ID
	}
	if err := savePatch(ctx, tx, x, now); err != nil {
		return x, err
	}
	after, _ := json.Marshal(x)
	return x, appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.patch.create", Object: incidentObject(x.Incident),
		After: after, Reason: text})
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

// ChangePatch implements store.PatchReleases.
func (s *Store) ChangePatch(ctx context.Context, id int64, op incident.PatchOp, actor string) (incident.Patch, error) {
	if err := checkIncidentActor(actor); err != nil {
		return incident.Patch{}, err
	}
	var out incident.Patch
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.patch(ctx, tx, id)
		if err != nil {
			return err
		}
		x := normalisePatch(before)
		text, err := x.Apply(op, actor, now)
		if err != nil {
			return fmt.Errorf("incident %d: %w", before.Incident, err)
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if err := savePatch(ctx, tx, x, now); err != nil {
			return err
		}
		kind := incident.EventTask
		if op.Action == incident.PatchNotify {
			kind = incident.EventCommunication
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: kind, Text: text}); err != nil {
			return err
		}
		// The step finishes the task it stands for.
		var done int64
		switch op.Action {
		case incident.PatchApprove:
			done = x.ChangeTask
		case incident.PatchRelease:
			done = x.PatchTask
		}
		if done != 0 {
			t, err := s.task(ctx, tx, done)
			if err != nil {
				return err
			}
			if t.Open() {
				t.Done, t.DoneBy = now, actor
				if t, err = normaliseTask(t, actor); err != nil {
					return err
				}
				if _, err := s.putTask(ctx, tx, t, actor, now); err != nil {
					return err
				}
			}
		}
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.patch." + string(op.Action), Object: incidentObject(x.Incident),
			Before: b, After: a, Reason: text})
	})
	return out, err
}

// Advisories.

const advisoryColumns = `id, advisory_id, cve, incident_id, state, tlp, detail`

// advisoryRow is an advisory with its row id, which its revisions name.
type advisoryRow struct {
	row int64
	a   incident.Advisory
}

func scanAdvisory(r interface{ Scan(...any) error }) (advisoryRow, error) {
	var (
		x                           advisoryRow
		id, cve, state, tlp, detail string
		inc                         int64
		utc                         = func(t *time.Time) { *t = t.UTC() }
	)
	if err := r.Scan(&x.row, &id, &cve, &inc, &state, &tlp, &detail); err != nil {
		return x, err
	}
	if err := json.Unmarshal([]byte(detail), &x.a); err != nil {
		return x, fmt.Errorf("advisory %s: %w", id, err)
	}
	// The columns are what queries see; they win over the JSON copy.
	x.a.ID, x.a.CVE, x.a.Incident, x.a.State, x.a.Marking.TLP = id, cve, inc, incident.AdvisoryState(state), incident.TLP(tlp)
	utc(&x.a.Created)
	utc(&x.a.Updated)
	utc(&x.a.Published)
	if e := x.a.Marking.Embargo; e != nil {
		utc(&e.Until)
	}
	return x, nil
}

// withRevisions reads the revisions of the advisories rows hold, in one
// query, into them.
func (s *Store) withRevisions(ctx context.Context, q querier, rows []advisoryRow) ([]incident.Advisory, error) {
	out := make([]incident.Advisory, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	at := make(map[int64]int, len(rows))
	ids := make([]any, len(rows))
	for i, r := range rows {
		at[r.row], ids[i], out[i] = i, r.row, r.a
		out[i].Revisions = nil
	}
	type rev struct {
		advisory int64
		r        incident.AdvisoryRevision
	}
	revs, err := collect(ctx, q, s.d.Rebind(`SELECT advisory, number, at, actor, summary FROM security_advisory_revisions WHERE advisory IN (`+placeholders(len(ids))+`) ORDER BY advisory, number`), ids,
		func(rs *sql.Rows) (rev, error) {
			var x rev
			err := rs.Scan(&x.advisory, &x.r.Number, &x.r.Date, &x.r.By, &x.r.Summary)
			x.r.Date = x.r.Date.UTC()
			return x, err
		})
	if err != nil {
		return nil, fmt.Errorf("advisory revisions: %w", err)
	}
	for _, x := range revs {
		i := at[x.advisory]
		out[i].Revisions = append(out[i].Revisions, x.r)
	}
	return out, nil
}

// advisory reads the advisory known by id (its own or its CVE).
func (s *Store) advisory(ctx context.Context, q querier, id string) (advisoryRow, error) {
	u := strings.ToUpper(strings.TrimSpace(id))
	x, err := scanAdvisory(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+advisoryColumns+` FROM security_advisories WHERE advisory_id = ? OR cve = ?`), u, u))
	if errors.Is(err, sql.ErrNoRows) {
		return x, fmt.Errorf("advisory %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return x, err
	}
	as, err := s.withRevisions(ctx, q, []advisoryRow{x})
	if err != nil {
		return x, err
	}
	x.a = as[0]
	return x, nil
}

// Advisory implements store.PatchReleases.
func (s *Store) Advisory(ctx context.Context, id string) (incident.Advisory, error) {
	x, err := s.advisory(ctx, s.r, id)
	return x.a, err
}

// ListAdvisories implements store.PatchReleases.
func (s *Store) ListAdvisories(ctx context.Context, q store.AdvisoryQuery) ([]incident.Advisory, error) {
	var (
		where []string
		args  []any
	)
	if q.Incident != 0 {
		where, args = append(where, `incident_id = ?`), append(args, q.Incident)
	}
	if q.State != "" {
		where, args = append(where, `state = ?`), append(args, q.State)
	}
	query := `SELECT ` + advisoryColumns + ` FROM security_advisories`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := collect(ctx, s.r, s.d.Rebind(query+` ORDER BY id DESC`), args, rowScanner(scanAdvisory))
	if err != nil {
		return nil, err
	}
	return s.withRevisions(ctx, s.r, rows)
}

// normaliseAdvisory returns a copy of a as the store keeps it.
func normaliseAdvisory(a incident.Advisory) incident.Advisory {
	x := a
	x.CVE = strings.ToUpper(strings.TrimSpace(a.CVE))
	x.Marking = normaliseMarking(a.Marking)
	x.Content.Lang = cmp.Or(x.Content.Lang, "en")
	x.Content.Level = cmp.Or(x.Content.Level, "standard")
	x.Revisions = slices.Clone(a.Revisions)
	return x
}

// saveAdvisory writes x's row; revisions are not in it (their table
// holds them).
func saveAdvisory(ctx context.Context, tx *txn, row int64, x incident.Advisory, now time.Time) error {
	keep := x
	keep.Revisions = nil
	detail, err := json.Marshal(keep)
	if err != nil {
		return err
	}
	var embargo sql.NullTime
	if e := x.Marking.Embargo; e != nil {
		embargo = nullTime(e.Until)
	}
	if _, err := tx.exec(ctx, `UPDATE security_advisories SET cve = ?, state = ?, tlp = ?, embargo_until = ?, detail = ?, updated_at = ?, published_at = ? WHERE id = ?`,
		x.CVE, x.State, x.Marking.TLP, embargo, string(detail), now, nullTime(x.Published), row); err != nil {
		return fmt.Errorf("advisory %s: %w", x.ID, err)
	}
	return nil
}

// addRevision appends x's newest revision, with x as released in it.
func addRevision(ctx context.Context, tx *txn, row int64, x incident.Advisory) error {
	r := x.Revisions[len(x.Revisions)-1]
	content, err := json.Marshal(x)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO security_advisory_revisions (advisory, number, at, actor, summary, content) VALUES (?, ?, ?, ?, ?, ?)`,
		row, r.Number, r.Date, r.By, r.Summary, string(content)); err != nil {
		return fmt.Errorf("advisory %s: revision %d: %w", x.ID, r.Number, err)
	}
	return nil
}

// checkCVEFree refuses a CVE another advisory than id already has.
func (s *Store) checkCVEFree(ctx context.Context, tx *txn, cve, id string) error {
	if cve == "" {
		return nil
	}
	var other string
	err := tx.queryRow(ctx, `SELECT advisory_id FROM security_advisories WHERE (cve = ? OR advisory_id = ?) AND advisory_id <> ?`, cve, cve, id).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("%w: %s already has advisory %s", store.ErrConflict, cve, other)
}

// CreateAdvisory implements store.PatchReleases.
func (s *Store) CreateAdvisory(ctx context.Context, a incident.Advisory, actor string) (incident.Advisory, error) {
	if err := checkIncidentActor(actor); err != nil {
		return a, err
	}
	var out incident.Advisory
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		in, err := s.incident(ctx, tx, a.Incident)
		if err != nil {
			return err
		}
		settings, err := s.advisorySettings(ctx, tx)
		if err != nil {
			return err
		}
		x := normaliseAdvisory(a)
		if x.Marking.TLP == "" {
			x.Marking = normaliseMarking(in.Marking)
		}
		x.State, x.Revisions, x.Publisher = incident.AdvisoryDraft, nil, settings.Publisher
		x.Created, x.CreatedBy, x.Updated, x.Published, x.PublishedBy = now, actor, now, time.Time{}, ""
		var (
			prefix    string
			year, seq int
		)
		switch id := strings.ToUpper(strings.TrimSpace(x.ID)); {
		case id == "":
			prefix, year = settings.Prefix, now.Year()
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id_seq), 0) + 1 FROM security_advisories WHERE id_prefix = ? AND id_year = ?`, prefix, year).Scan(&seq); err != nil {
				return fmt.Errorf("number the advisory: %w", err)
			}
			x.ID = incident.OwnID(prefix, year, seq)
		case id == x.CVE:
			x.ID = id
		default:
			return fmt.Errorf("%w: advisory id: %q: give none (vmc numbers it) or its CVE (an advisory known by its CVE alone)", incident.ErrInvalid, a.ID)
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if err := s.checkCVEFree(ctx, tx, x.CVE, x.ID); err != nil {
			return err
		}
		keep := x
		keep.Revisions = nil
		detail, err := json.Marshal(keep)
		if err != nil {
			return err
		}
		var embargo sql.NullTime
		if e := x.Marking.Embargo; e != nil {
			embargo = nullTime(e.Until)
		}
		if _, err := tx.exec(ctx, `INSERT INTO security_advisories (advisory_id, cve, incident_id, state, tlp, embargo_until, id_prefix, id_year, id_seq, detail, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			x.ID, x.CVE, x.Incident, x.State, x.Marking.TLP, embargo, prefix, year, seq, string(detail), now, now); err != nil {
			return fmt.Errorf("advisory %s: %w", x.ID, err)
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "advisory.create", Object: advisoryObject(x.ID), After: detail,
			Reason: fmt.Sprintf("draft for incident %d: %s (%s)", x.Incident, x.Content.Title, markingText(x.Marking))})
	})
	return out, err
}

// sameAdvisory reports whether two versions of an advisory say the same.
func sameAdvisory(a, b incident.Advisory) bool {
	type said struct {
		CVE     string
		Content incident.AdvisoryContent
		Marking incident.Marking
	}
	x, _ := json.Marshal(said{a.CVE, a.Content, a.Marking})
	y, _ := json.Marshal(said{b.CVE, b.Content, b.Marking})
	return string(x) == string(y)
}

// UpdateAdvisory implements store.PatchReleases.
func (s *Store) UpdateAdvisory(ctx context.Context, a incident.Advisory, actor, summary string) (incident.Advisory, error) {
	if err := checkIncidentActor(actor); err != nil {
		return a, err
	}
	summary = strings.TrimSpace(summary)
	var out incident.Advisory
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		row, err := s.advisory(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		before := row.a
		n := normaliseAdvisory(a)
		x := before
		x.Revisions = slices.Clone(before.Revisions)
		x.Content, x.CVE = n.Content, n.CVE
		if n.Marking.TLP != "" {
			x.Marking = n.Marking
		}
		if before.ID == before.CVE && x.CVE != before.CVE {
			return fmt.Errorf("%w: advisory %s is known by its CVE, which does not change", incident.ErrInvalid, before.ID)
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if sameAdvisory(before, x) {
			out = before
			return nil
		}
		if err := s.checkCVEFree(ctx, tx, x.CVE, x.ID); err != nil {
			return err
		}
		action, reason := "advisory.update", summary
		if b, a := markingText(before.Marking), markingText(x.Marking); b != a {
			reason = strings.TrimPrefix(reason+"; marking "+b+" → "+a, "; ")
		}
		if x, err = x.Changed(actor, summary, now); err != nil {
			return fmt.Errorf("advisory %s: %w", before.ID, err)
		}
		if before.State != incident.AdvisoryDraft {
			action = "advisory.revise"
		}
		if err := saveAdvisory(ctx, tx, row.row, x, now); err != nil {
			return err
		}
		if action == "advisory.revise" {
			if err := addRevision(ctx, tx, row.row, x); err != nil {
				return err
			}
			if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: incident.EventCommunication,
				Text: fmt.Sprintf("advisory %s revised to version %d: %s", x.ID, len(x.Revisions), summary)}); err != nil {
				return err
			}
		}
		b, _ := json.Marshal(before)
		af, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: action, Object: advisoryObject(x.ID), Before: b, After: af, Reason: reason})
	})
	return out, err
}

// MoveAdvisory implements store.PatchReleases.
func (s *Store) MoveAdvisory(ctx context.Context, id string, to incident.AdvisoryState, actor, summary string) (incident.Advisory, error) {
	if err := checkIncidentActor(actor); err != nil {
		return incident.Advisory{}, err
	}
	var out incident.Advisory
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		row, err := s.advisory(ctx, tx, id)
		if err != nil {
			return err
		}
		before := row.a
		x, err := before.Moved(to, actor, summary, now)
		if err != nil {
			return err
		}
		var action, text string
		switch to {
		case incident.AdvisoryFinal:
			if err := x.Document().Validate(); err != nil {
				return fmt.Errorf("%w: advisory %s cannot be written: %v", incident.ErrInvalid, x.ID, err)
			}
			action = "advisory.finalise"
			text = fmt.Sprintf("advisory %s version 1 released (%s): %s", x.ID, markingText(x.Marking), x.Content.Title)
		case incident.AdvisoryPublished:
			action = "advisory.publish"
			text = fmt.Sprintf("advisory %s published on the public advisory feed", x.ID)
			if e := x.Marking.Embargo; e != nil && now.Before(e.Until) {
				text += ", withheld until the embargo lifts at " + e.Until.Format(time.RFC3339)
			}
		}
		if err := saveAdvisory(ctx, tx, row.row, x, now); err != nil {
			return err
		}
		if to == incident.AdvisoryFinal {
			if err := addRevision(ctx, tx, row.row, x); err != nil {
				return err
			}
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: actor, Kind: incident.EventCommunication, Text: text}); err != nil {
			return err
		}
		b, _ := json.Marshal(before)
		af, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: action, Object: advisoryObject(x.ID), Before: b, After: af, Reason: text})
	})
	return out, err
}

func (s *Store) advisorySettings(ctx context.Context, q querier) (incident.AdvisorySettings, error) {
	var detail string
	err := q.QueryRowContext(ctx, s.d.Rebind(`SELECT detail FROM advisory_settings WHERE id = 1`)).Scan(&detail)
	if errors.Is(err, sql.ErrNoRows) {
		return incident.AdvisorySettings{Prefix: incident.DefaultAdvisoryPrefix}, nil
	}
	if err != nil {
		return incident.AdvisorySettings{}, fmt.Errorf("advisory settings: %w", err)
	}
	var st incident.AdvisorySettings
	if err := json.Unmarshal([]byte(detail), &st); err != nil {
		return st, fmt.Errorf("advisory settings: %w", err)
	}
	return st, nil
}

// AdvisorySettings implements store.PatchReleases.
func (s *Store) AdvisorySettings(ctx context.Context) (incident.AdvisorySettings, error) {
	return s.advisorySettings(ctx, s.r)
}

// PutAdvisorySettings implements store.PatchReleases.
func (s *Store) PutAdvisorySettings(ctx context.Context, st incident.AdvisorySettings, actor string) error {
	if err := checkIncidentActor(actor); err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.advisorySettings(ctx, tx)
		if err != nil {
			return err
		}
		detail, err := json.Marshal(st)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(before)
		if string(b) == string(detail) {
			return nil
		}
		if _, err := tx.exec(ctx, `INSERT INTO advisory_settings (id, detail, updated_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET detail = excluded.detail, updated_at = excluded.updated_at`, string(detail), now); err != nil {
			return fmt.Errorf("advisory settings: %w", err)
		}
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "advisory.settings", Object: settingsObject, Before: b, After: detail,
			Reason: fmt.Sprintf("publisher %s, prefix %s", st.Publisher.Name, st.Prefix)})
	})
}
