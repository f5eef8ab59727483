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
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// reportObject is the audit log object of a report and of everything
// recorded on it.
func reportObject(id int64) string { return fmt.Sprintf("disclosure:%d", id) }

// reportAudit is what the audit log keeps of a report: its decisions,
// dates, marking and links, without the reporter's identity (their name,
// contact, the name to credit) or the description (see
// store.Disclosures). Confirming a credit is the one decision that is
// about a name, and its entry's reason says it.
func reportAudit(r disclosure.Report) json.RawMessage {
	r.Description, r.Reporter, r.Credit.Name = "", disclosure.Reporter{}, ""
	b, _ := json.Marshal(r)
	return b
}

// normaliseReport returns r with its times as the store keeps them.
func normaliseReport(r disclosure.Report) disclosure.Report {
	for _, t := range []*time.Time{&r.Received, &r.Acknowledged, &r.Triaged, &r.Fixed, &r.Disclosed, &r.Credit.Given,
		&r.Deadlines.Ack, &r.Deadlines.Triage, &r.Deadlines.Disclosure} {
		if !t.IsZero() {
			*t = incidentTime(*t)
		}
	}
	return r
}

// maxCodeTries bounds the search for an unused acknowledgement code.
// Codes have about 39 random bits, so a second try is already rare.
const maxCodeTries = 8

// SubmitReport implements store.Disclosures.
func (s *Store) SubmitReport(ctx context.Context, sub disclosure.Submission, p disclosure.Policy, statusID, statusHash, actor string) (disclosure.Report, error) {
	if statusID == "" || len(statusHash) != 64 {
		return disclosure.Report{}, fmt.Errorf("%w: status link: no id or hash", disclosure.ErrInvalid)
	}
	var out disclosure.Report
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		code, err := s.unusedCode(ctx, tx)
		if err != nil {
			return err
		}
		r, err := sub.NewReport(now, p, code)
		if err != nil {
			return err
		}
		r = normaliseReport(r)
		by, reason := actor, "entered for the reporter"
		if by == "" {
			by, reason = r.Actor(), ""
		}
		detail, err := json.Marshal(r)
		if err != nil {
			return err
		}
		err = tx.queryRow(ctx, `INSERT INTO disclosure_reports (code, state, tlp, received_at, status_id, status_hash, detail, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.Code, r.State, r.Marking.TLP, r.Received, statusID, statusHash, string(detail), now, now).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("report %s: %w", r.Code, err)
		}
		if err := insertReportEvent(ctx, tx, disclosure.Event{Report: r.ID, At: now, Actor: by, Kind: disclosure.EventState,
			Text: fmt.Sprintf("received: %s (%s)", r.Code, deadlinesText(r.Deadlines))}); err != nil {
			return err
		}
		out = r
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: by, Action: "disclosure.submit", Object: reportObject(r.ID),
			After: reportAudit(r), Reason: reason})
	})
	return out, err
}

func (s *Store) unusedCode(ctx context.Context, tx *txn) (string, error) {
	for range maxCodeTries {
		code := disclosure.NewCode()
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM disclosure_reports WHERE code = ?`, code).Scan(&n); err != nil {
			return "", fmt.Errorf("acknowledgement code: %w", err)
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", fmt.Errorf("%w: no unused acknowledgement code in %d tries", store.ErrConflict, maxCodeTries)
}

func deadlinesText(d disclosure.Deadlines) string {
	return fmt.Sprintf("acknowledge by %s, triage by %s, disclosure %s",
		d.Ack.Format(time.RFC3339), d.Triage.Format(time.RFC3339), d.Disclosure.Format(time.RFC3339))
}

const reportColumns = `id, code, state, tlp, incident_id, detail`

func scanReport(r interface{ Scan(...any) error }) (disclosure.Report, error) {
	var (
		rep                      disclosure.Report
		id                       int64
		inc                      sql.NullInt64
		code, state, tlp, detail string
	)
	if err := r.Scan(&id, &code, &state, &tlp, &inc, &detail); err != nil {
		return rep, err
	}
	if err := json.Unmarshal([]byte(detail), &rep); err != nil {
		return rep, fmt.Errorf("report %d: %w", id, err)
	}
	// The columns are what queries see; they win over the JSON copy.
	rep.ID, rep.Code, rep.State, rep.Marking.TLP, rep.Incident = id, code, disclosure.State(state), incident.TLP(tlp), inc.Int64
	for _, t := range []*time.Time{&rep.Received, &rep.Acknowledged, &rep.Triaged, &rep.Fixed, &rep.Disclosed, &rep.Credit.Given,
		&rep.Deadlines.Ack, &rep.Deadlines.Triage, &rep.Deadlines.Disclosure} {
		*t = t.UTC()
	}
	return rep, nil
}

func (s *Store) report(ctx context.Context, q querier, where string, arg any) (disclosure.Report, error) {
	r, err := scanReport(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+reportColumns+` FROM disclosure_reports WHERE `+where+` = ?`), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("report %v: %w", arg, store.ErrNotFound)
	}
	return r, err
}

// Report implements store.Disclosures.
func (s *Store) Report(ctx context.Context, id int64) (disclosure.Report, error) {
	return s.report(ctx, s.r, "id", id)
}

// ReportByCode implements store.Disclosures.
func (s *Store) ReportByCode(ctx context.Context, code string) (disclosure.Report, error) {
	return s.report(ctx, s.r, "code", code)
}

// ReportByStatus implements store.Disclosures.
func (s *Store) ReportByStatus(ctx context.Context, statusID string) (disclosure.Report, string, error) {
	var id int64
	var hash string
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT id, status_hash FROM disclosure_reports WHERE status_id = ?`), statusID).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return disclosure.Report{}, "", fmt.Errorf("status link: %w", store.ErrNotFound)
	}
	if err != nil {
		return disclosure.Report{}, "", err
	}
	r, err := s.report(ctx, s.r, "id", id)
	return r, hash, err
}

// ListReports implements store.Disclosures. Overdue is the domain's
// rule (Report.Overdue), applied to what the query selects rather than
// restated in SQL: reports come in tens a year, not millions.
func (s *Store) ListReports(ctx context.Context, q store.ReportQuery) ([]disclosure.Report, error) {
	var (
		where []string
		args  []any
	)
	if q.State != "" {
		where, args = append(where, `state = ?`), append(args, q.State)
	}
	if q.Open || !q.OverdueAt.IsZero() {
		var open []any
		for _, st := range disclosure.States {
			if st.Open() {
				open = append(open, st)
			}
		}
		where, args = append(where, `state IN (`+placeholders(len(open))+`)`), append(args, open...)
	}
	query := `SELECT ` + reportColumns + ` FROM disclosure_reports`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	list, err := collect(ctx, s.r, s.d.Rebind(query+` ORDER BY id DESC`), args, rowScanner(scanReport))
	if err != nil || q.OverdueAt.IsZero() {
		return list, err
	}
	return slices.DeleteFunc(list, func(r disclosure.Report) bool { return len(r.Overdue(q.OverdueAt)) == 0 }), nil
}

// changeReport loads report id in a transaction, lets fn change it and
// say what it did (the log entry and the audit action and reason), and
// writes the report, the log entry and the audit entry together.
func (s *Store) changeReport(ctx context.Context, id int64, actor string, fn func(tx *txn, r *disclosure.Report, now time.Time) (reportChange, error)) (disclosure.Report, error) {
	if strings.TrimSpace(actor) == "" {
		return disclosure.Report{}, fmt.Errorf("%w: actor: who does this must be named", disclosure.ErrInvalid)
	}
	var out disclosure.Report
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, err := s.report(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		x := before
		ch, err := fn(tx, &x, now)
		if err != nil {
			return fmt.Errorf("report %d: %w", id, err)
		}
		x = normaliseReport(x)
		if err := x.Validate(); err != nil {
			return fmt.Errorf("report %d: %w", id, err)
		}
		if err := s.writeReport(ctx, tx, x, now); err != nil {
			return err
		}
		if err := insertReportEvent(ctx, tx, disclosure.Event{Report: id, At: now, Actor: actor, Kind: ch.kind, Text: ch.text}); err != nil {
			return err
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: ch.action, Object: reportObject(id),
			Before: reportAudit(before), After: reportAudit(x), Reason: ch.text})
	})
	return out, err
}

// reportChange is what a change to a report did: its log entry and its
// audit action.
type reportChange struct {
	kind   disclosure.EventKind
	action string
	text   string
}

func (s *Store) writeReport(ctx context.Context, tx *txn, r disclosure.Report, now time.Time) error {
	detail, err := json.Marshal(r)
	if err != nil {
		return err
	}
	var inc sql.NullInt64
	if r.Incident != 0 {
		inc = sql.NullInt64{Int64: r.Incident, Valid: true}
	}
	if _, err := tx.exec(ctx, `UPDATE disclosure_reports SET state = ?, tlp = ?, incident_id = ?, detail = ?, updated_at = ? WHERE id = ?`,
		r.State, r.Marking.TLP, inc, string(detail), now, r.ID); err != nil {
		return fmt.Errorf("report %d: %w", r.ID, err)
	}
	return nil
}

// MoveReport implements store.Disclosures.
func (s *Store) MoveReport(ctx context.Context, id int64, to disclosure.State, reason string, duplicateOf int64, actor string) (disclosure.Report, error) {
	reason = strings.TrimSpace(reason)
	return s.changeReport(ctx, id, actor, func(tx *txn, r *disclosure.Report, now time.Time) (reportChange, error) {
		from := r.State
		if err := r.Move(to, reason, now); err != nil {
			return reportChange{}, err
		}
		text := fmt.Sprintf("%s → %s", from, to)
		if duplicateOf != 0 {
			if to != disclosure.Duplicate {
				return reportChange{}, fmt.Errorf("%w: duplicate_of: only a duplicate duplicates another report", disclosure.ErrInvalid)
			}
			orig, err := s.report(ctx, tx, "id", duplicateOf)
			if err != nil {
				return reportChange{}, err
			}
			if orig.ID == id {
				return reportChange{}, fmt.Errorf("%w: duplicate_of: a report does not duplicate itself", disclosure.ErrInvalid)
			}
			r.DuplicateOf = orig.ID
			text += fmt.Sprintf(" of %d (%s)", orig.ID, orig.Code)
		}
		if reason != "" {
			text += ": " + reason
		}
		return reportChange{kind: disclosure.EventState, action: "disclosure.state", text: text}, nil
	})
}

// SetReportDeadline implements store.Disclosures.
func (s *Store) SetReportDeadline(ctx context.Context, id int64, d disclosure.Deadline, at time.Time, reason, actor string) (disclosure.Report, error) {
	reason = strings.TrimSpace(reason)
	return s.changeReport(ctx, id, actor, func(_ *txn, r *disclosure.Report, _ time.Time) (reportChange, error) {
		switch {
		case !d.IsValid():
			return reportChange{}, fmt.Errorf("%w: deadline: unknown %q", disclosure.ErrInvalid, d)
		case reason == "":
			return reportChange{}, fmt.Errorf("%w: reason: a deadline is moved for a reason, which the reporter may ask for", disclosure.ErrInvalid)
		case at.IsZero():
			return reportChange{}, fmt.Errorf("%w: at: missing", disclosure.ErrInvalid)
		}
		was := r.Deadlines.Get(d)
		r.Deadlines.Set(d, incidentTime(at))
		return reportChange{kind: disclosure.EventDeadline, action: "disclosure.deadline",
			text: fmt.Sprintf("%s deadline %s → %s: %s", d, was.Format(time.RFC3339), r.Deadlines.Get(d).Format(time.RFC3339), reason)}, nil
	})
}

// MarkReport implements store.Disclosures.
func (s *Store) MarkReport(ctx context.Context, id int64, tlp incident.TLP, reason, actor string) (disclosure.Report, error) {
	reason = strings.TrimSpace(reason)
	return s.changeReport(ctx, id, actor, func(_ *txn, r *disclosure.Report, _ time.Time) (reportChange, error) {
		if reason == "" {
			return reportChange{}, fmt.Errorf("%w: reason: a marking changes for a reason", disclosure.ErrInvalid)
		}
		was := r.Marking.TLP
		r.Marking.TLP = tlp
		return reportChange{kind: disclosure.EventMarking, action: "disclosure.marking",
			text: fmt.Sprintf("TLP:%s → TLP:%s: %s", was, tlp, reason)}, nil
	})
}

// CreditReport implements store.Disclosures.
func (s *Store) CreditReport(ctx context.Context, id int64, name, actor string) (disclosure.Report, error) {
	name = strings.TrimSpace(name)
	return s.changeReport(ctx, id, actor, func(_ *txn, r *disclosure.Report, now time.Time) (reportChange, error) {
		if name == "" {
			name = r.Credit.Name
		}
		if name == "" {
			return reportChange{}, fmt.Errorf("%w: credit_name: the reporter gave no name to credit; give one", disclosure.ErrInvalid)
		}
		r.Credit = disclosure.Credit{Wanted: true, Name: name, Given: now}
		return reportChange{kind: disclosure.EventCredit, action: "disclosure.credit", text: "credited as " + name}, nil
	})
}

// LinkReport implements store.Disclosures.
func (s *Store) LinkReport(ctx context.Context, id, incidentID int64, actor string) (disclosure.Report, error) {
	return s.changeReport(ctx, id, actor, func(tx *txn, r *disclosure.Report, now time.Time) (reportChange, error) {
		in, err := s.incident(ctx, tx, incidentID)
		if err != nil {
			return reportChange{}, err
		}
		return s.linkIncident(ctx, tx, r, in, actor, now, "linked to")
	})
}

// linkIncident links r to in and puts the link on the incident's
// timeline, where its responders look.
func (s *Store) linkIncident(ctx context.Context, tx *txn, r *disclosure.Report, in incident.Incident, actor string, now time.Time, verb string) (reportChange, error) {
	if r.Incident == in.ID {
		return reportChange{}, fmt.Errorf("%w: already linked to incident %d", disclosure.ErrInvalid, in.ID)
	}
	r.Incident = in.ID
	if _, err := insertEvent(ctx, tx, incident.Event{Incident: in.ID, At: now, Actor: actor, Kind: incident.EventCommunication,
		Text: fmt.Sprintf("third-party vulnerability report %s (disclosure %d) %s this incident", r.Code, r.ID, verb)}); err != nil {
		return reportChange{}, err
	}
	return reportChange{kind: disclosure.EventLink, action: "disclosure.link",
		text: fmt.Sprintf("%s incident %d: %s", verb, in.ID, in.Title)}, nil
}

// ReportToIncident implements store.Disclosures. The incident takes the
// report's title, marking and receipt (as its detection) unless in says
// otherwise.
func (s *Store) ReportToIncident(ctx context.Context, id int64, in incident.Incident, actor string) (disclosure.Report, incident.Incident, error) {
	if in.ID != 0 {
		return disclosure.Report{}, in, fmt.Errorf("%w: incident %d exists: link the report to it", incident.ErrInvalid, in.ID)
	}
	var created incident.Incident
	r, err := s.changeReport(ctx, id, actor, func(tx *txn, r *disclosure.Report, now time.Time) (reportChange, error) {
		if r.Incident != 0 {
			return reportChange{}, fmt.Errorf("%w: already linked to incident %d", disclosure.ErrInvalid, r.Incident)
		}
		if in.Title == "" {
			in.Title = r.Title
		}
		if in.Marking.TLP == "" {
			in.Marking = r.Marking
		}
		if in.Detected.IsZero() {
			in.Detected = r.Received
		}
		if err := s.putIncident(ctx, tx, in, actor, &created); err != nil {
			return reportChange{}, err
		}
		return s.linkIncident(ctx, tx, r, created, actor, now, "opened")
	})
	if err != nil {
		return r, incident.Incident{}, err
	}
	return r, created, nil
}

// insertReportEvent appends e to its report's log.
func insertReportEvent(ctx context.Context, tx *txn, e disclosure.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO disclosure_events (report_id, at, actor, kind, text) VALUES (?, ?, ?, ?, ?)`,
		e.Report, e.At, e.Actor, e.Kind, e.Text)
	if err != nil {
		return fmt.Errorf("report %d: log: %w", e.Report, err)
	}
	return nil
}

// AddReportEvent implements store.Disclosures.
func (s *Store) AddReportEvent(ctx context.Context, id int64, e disclosure.Event) (disclosure.Event, error) {
	e.Report = id
	if err := e.Validate(); err != nil {
		return e, err
	}
	if e.Kind.ByStore() {
		return e, fmt.Errorf("%w: kind: %s entries are recorded as the report changes, not added", disclosure.ErrInvalid, e.Kind)
	}
	var out disclosure.Event
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := e, s.clock()
		r, err := s.report(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		// Only the reporter writes as the reporter, and the reporter
		// writes nothing else.
		if (x.Kind == disclosure.EventReporter) != (x.Actor == r.Actor()) {
			return fmt.Errorf("%w: actor: %s may not write a %s entry on report %d", disclosure.ErrInvalid, x.Actor, x.Kind, id)
		}
		if x.At.IsZero() {
			x.At = now
		}
		x.At = incidentTime(x.At)
		err = tx.queryRow(ctx, `INSERT INTO disclosure_events (report_id, at, actor, kind, text) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			x.Report, x.At, x.Actor, x.Kind, x.Text).Scan(&x.ID)
		if err != nil {
			return fmt.Errorf("report %d: log: %w", id, err)
		}
		if _, err := tx.exec(ctx, `UPDATE disclosure_reports SET updated_at = ? WHERE id = ?`, now, id); err != nil {
			return fmt.Errorf("report %d: %w", id, err)
		}
		out = x
		// The message's text stays on the report's log: it may hold
		// vulnerability detail, which the audit log does not keep.
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: x.Actor, Action: "disclosure." + string(x.Kind), Object: reportObject(id),
			Reason: fmt.Sprintf("%s entry %d, %d bytes", x.Kind, x.ID, len(x.Text))})
	})
	return out, err
}

const reportEventColumns = `id, report_id, at, actor, kind, text`

func scanReportEvent(r interface{ Scan(...any) error }) (disclosure.Event, error) {
	var e disclosure.Event
	err := r.Scan(&e.ID, &e.Report, &e.At, &e.Actor, &e.Kind, &e.Text)
	e.At = e.At.UTC()
	return e, err
}

// ReportEvents implements store.Disclosures.
func (s *Store) ReportEvents(ctx context.Context, id int64) ([]disclosure.Event, error) {
	if _, err := s.report(ctx, s.r, "id", id); err != nil {
		return nil, err
	}
	return collect(ctx, s.r, s.d.Rebind(`SELECT `+reportEventColumns+` FROM disclosure_events WHERE report_id = ? ORDER BY id`), []any{id}, rowScanner(scanReportEvent))
}
