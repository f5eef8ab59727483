package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/exercise"
	"github.com/vmc-dev/vmc/internal/store"
)

// rowScanner adapts a scanner of one row to collect.
func rowScanner[T any](scan func(interface{ Scan(...any) error }) (T, error)) func(*sql.Rows) (T, error) {
	return func(r *sql.Rows) (T, error) { return scan(r) }
}

// exerciseObject is the audit log object of an exercise and of
// everything recorded in it (manual findings, attachments, retests), so
// that an exercise's whole history is one indexed lookup.
func exerciseObject(id int64) string { return fmt.Sprintf("exercise:%d", id) }

// PutExercise implements store.Exercises.
func (s *Store) PutExercise(ctx context.Context, e exercise.Exercise, actor string) (exercise.Exercise, error) {
	var out exercise.Exercise
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := e, s.clock()
		entry := audit.Entry{At: now, Actor: actor, Action: "exercise.create"}
		if x.ID == 0 {
			if x.Status == "" {
				x.Status = exercise.Planned
			}
			if x.Status != exercise.Planned {
				return fmt.Errorf("%w: a new exercise is planned, not %s: create it, then move it", exercise.ErrStatus, x.Status)
			}
			x.Created = now
		} else {
			before, err := s.exercise(ctx, tx, x.ID)
			if err != nil {
				return err
			}
			if err := exercise.CheckUpdate(before, x); err != nil {
				return err
			}
			x.Created = before.Created
			entry.Action = "exercise.update"
			entry.Before, _ = json.Marshal(before)
			if before.Status != x.Status {
				entry.Action, entry.Reason = "exercise.status", fmt.Sprintf("%s → %s", before.Status, x.Status)
			}
		}
		x.Updated = now
		if err := x.Validate(); err != nil {
			return err
		}
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if x.ID == 0 {
			err = tx.queryRow(ctx, `INSERT INTO exercises (name, kind, status, detail, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
				x.Name, x.Kind, x.Status, string(detail), x.Created, x.Updated).Scan(&x.ID)
		} else {
			_, err = tx.exec(ctx, `UPDATE exercises SET name = ?, kind = ?, status = ?, detail = ?, updated_at = ? WHERE id = ?`,
				x.Name, x.Kind, x.Status, string(detail), x.Updated, x.ID)
		}
		if err != nil {
			return fmt.Errorf("exercise %q: %w", x.Name, err)
		}
		entry.Object = exerciseObject(x.ID)
		entry.After, _ = json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, entry)
	})
	return out, err
}

const exerciseColumns = `id, name, kind, status, detail, created_at, updated_at`

func scanExercise(r interface{ Scan(...any) error }) (exercise.Exercise, error) {
	var (
		e                          exercise.Exercise
		id                         int64
		name, kind, status, detail string
		created, updated           time.Time
	)
	if err := r.Scan(&id, &name, &kind, &status, &detail, &created, &updated); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(detail), &e); err != nil {
		return e, fmt.Errorf("exercise %d: %w", id, err)
	}
	// The columns are what queries see; they win over the JSON copy.
	e.ID, e.Name, e.Kind, e.Status = id, name, exercise.Kind(kind), exercise.Status(status)
	e.Created, e.Updated = created.UTC(), updated.UTC()
	return e, nil
}

func (s *Store) exercise(ctx context.Context, q querier, id int64) (exercise.Exercise, error) {
	e, err := scanExercise(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+exerciseColumns+` FROM exercises WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("exercise %d: %w", id, store.ErrNotFound)
	}
	return e, err
}

// Exercise implements store.Exercises.
func (s *Store) Exercise(ctx context.Context, id int64) (exercise.Exercise, error) {
	return s.exercise(ctx, s.r, id)
}

// ListExercises implements store.Exercises.
func (s *Store) ListExercises(ctx context.Context) ([]exercise.Exercise, error) {
	return collect(ctx, s.r, `SELECT `+exerciseColumns+` FROM exercises ORDER BY id DESC`, nil, rowScanner(scanExercise))
}

// AddManualFinding implements store.Exercises.
func (s *Store) AddManualFinding(ctx context.Context, f exercise.ManualFinding) (exercise.ManualFinding, error) {
	if f.ID != 0 {
		return f, fmt.Errorf("%w: manual finding %d: manual findings are recorded once and not changed", exercise.ErrInvalid, f.ID)
	}
	f, err := f.Normalise()
	if err != nil {
		return f, err
	}
	f.Attachments, f.Retests = nil, nil
	var out exercise.ManualFinding
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := f, s.clock()
		ex, err := s.exercise(ctx, tx, x.Exercise)
		if err != nil {
			return err
		}
		if err := ex.CanRecord(x.Reporter); err != nil {
			return err
		}
		if !ex.Scope.Contains(x.Asset, x.Location) {
			return fmt.Errorf("%w: %s at %q is not in exercise %d's scope (assets %v, targets %v)", exercise.ErrScope, x.Asset, x.Location, ex.ID, ex.Scope.Assets, ex.Scope.Targets)
		}
		if x.Found.IsZero() {
			x.Found = now
		}
		x.Found = x.Found.UTC()
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO exercise_findings (exercise_id, asset, detail, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			x.Exercise, x.Asset, string(detail), now, now).Scan(&x.ID); err != nil {
			return fmt.Errorf("manual finding %q: %w", x.Title, err)
		}
		after, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: x.Reporter, Action: "exercise.finding.create", Object: exerciseObject(x.Exercise),
			After: after, Reason: x.Rule() + ": " + x.Title})
	})
	return out, err
}

func scanManualFinding(r interface{ Scan(...any) error }) (exercise.ManualFinding, error) {
	var (
		f                 exercise.ManualFinding
		id, ex            int64
		assetName, detail string
	)
	if err := r.Scan(&id, &ex, &assetName, &detail); err != nil {
		return f, err
	}
	if err := json.Unmarshal([]byte(detail), &f); err != nil {
		return f, fmt.Errorf("manual finding %d: %w", id, err)
	}
	f.ID, f.Exercise, f.Asset = id, ex, assetName
	f.Found = f.Found.UTC()
	return f, nil
}

const attachmentColumns = `a.id, a.finding_id, a.name, a.media_type, a.size, a.sha256, a.added_at, a.added_by`

func scanAttachment(r interface{ Scan(...any) error }) (exercise.Attachment, error) {
	var a exercise.Attachment
	err := r.Scan(&a.ID, &a.Finding, &a.Name, &a.MediaType, &a.Size, &a.SHA256, &a.Added, &a.By)
	a.Added = a.Added.UTC()
	return a, err
}

const retestColumns = `t.id, t.finding_id, t.at, t.retester, t.result, t.note`

func scanRetest(r interface{ Scan(...any) error }) (exercise.Retest, error) {
	var t exercise.Retest
	err := r.Scan(&t.ID, &t.Finding, &t.At, &t.By, &t.Result, &t.Note)
	t.At = t.At.UTC()
	return t, err
}

// manualFindings reads the manual findings a condition on f (the
// findings table) selects, with their attachments and retests.
func (s *Store) manualFindings(ctx context.Context, q querier, where string, arg any) ([]exercise.ManualFinding, error) {
	fs, err := collect(ctx, q, s.d.Rebind(`SELECT f.id, f.exercise_id, f.asset, f.detail FROM exercise_findings f WHERE `+where+` ORDER BY f.id`), []any{arg}, rowScanner(scanManualFinding))
	if err != nil {
		return nil, fmt.Errorf("read manual findings: %w", err)
	}
	index := make(map[int64]int, len(fs))
	for i, f := range fs {
		index[f.ID] = i
	}
	as, err := collect(ctx, q, s.d.Rebind(`SELECT `+attachmentColumns+` FROM exercise_attachments a JOIN exercise_findings f ON f.id = a.finding_id WHERE `+where+` ORDER BY a.id`), []any{arg}, rowScanner(scanAttachment))
	if err != nil {
		return nil, fmt.Errorf("read attachments: %w", err)
	}
	for _, a := range as {
		if i, ok := index[a.Finding]; ok {
			fs[i].Attachments = append(fs[i].Attachments, a)
		}
	}
	ts, err := collect(ctx, q, s.d.Rebind(`SELECT `+retestColumns+` FROM exercise_retests t JOIN exercise_findings f ON f.id = t.finding_id WHERE `+where+` ORDER BY t.id`), []any{arg}, rowScanner(scanRetest))
	if err != nil {
		return nil, fmt.Errorf("read retests: %w", err)
	}
	for _, t := range ts {
		if i, ok := index[t.Finding]; ok {
			fs[i].Retests = append(fs[i].Retests, t)
		}
	}
	return fs, nil
}

func (s *Store) manualFinding(ctx context.Context, q querier, id int64) (exercise.ManualFinding, error) {
	fs, err := s.manualFindings(ctx, q, `f.id = ?`, id)
	if err != nil {
		return exercise.ManualFinding{}, err
	}
	if len(fs) == 0 {
		return exercise.ManualFinding{}, fmt.Errorf("manual finding MF-%d: %w", id, store.ErrNotFound)
	}
	return fs[0], nil
}

// ManualFinding implements store.Exercises.
func (s *Store) ManualFinding(ctx context.Context, id int64) (exercise.ManualFinding, error) {
	return s.manualFinding(ctx, s.r, id)
}

// ManualFindings implements store.Exercises.
func (s *Store) ManualFindings(ctx context.Context, exerciseID int64) ([]exercise.ManualFinding, error) {
	if _, err := s.exercise(ctx, s.r, exerciseID); err != nil {
		return nil, err
	}
	return s.manualFindings(ctx, s.r, `f.exercise_id = ?`, exerciseID)
}

// AddAttachment implements store.Exercises.
func (s *Store) AddAttachment(ctx context.Context, findingID int64, name, mediaType string, content []byte, by string) (exercise.Attachment, error) {
	// Size, name and hash are checked before the transaction: a file
	// refused costs no database work.
	a, err := exercise.NewAttachment(findingID, name, mediaType, content, by, s.clock())
	if err != nil {
		return a, err
	}
	var out exercise.Attachment
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x := a
		x.Added = s.clock()
		f, ex, err := s.findingAndExercise(ctx, tx, findingID)
		if err != nil {
			return err
		}
		if err := ex.CanRecord(by); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO exercise_attachments (finding_id, name, media_type, size, sha256, content, added_at, added_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			x.Finding, x.Name, x.MediaType, x.Size, x.SHA256, content, x.Added, x.By).Scan(&x.ID); err != nil {
			return fmt.Errorf("attachment %s: %w", x.Name, err)
		}
		after, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: x.Added, Actor: by, Action: "exercise.attachment.add", Object: exerciseObject(ex.ID),
			After: after, Reason: fmt.Sprintf("%s: %s (sha256 %s)", f.Rule(), x.Name, x.SHA256)})
	})
	return out, err
}

// findingAndExercise reads a manual finding's row and its exercise.
func (s *Store) findingAndExercise(ctx context.Context, q querier, findingID int64) (exercise.ManualFinding, exercise.Exercise, error) {
	f, err := scanManualFinding(q.QueryRowContext(ctx, s.d.Rebind(`SELECT f.id, f.exercise_id, f.asset, f.detail FROM exercise_findings f WHERE f.id = ?`), findingID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, exercise.Exercise{}, fmt.Errorf("manual finding MF-%d: %w", findingID, store.ErrNotFound)
	}
	if err != nil {
		return f, exercise.Exercise{}, err
	}
	ex, err := s.exercise(ctx, q, f.Exercise)
	return f, ex, err
}

// AttachmentContent implements store.Exercises. The content is checked
// against the hash taken at intake before it is handed out, and the read
// is in the audit log: evidence shown to someone is a custody event.
func (s *Store) AttachmentContent(ctx context.Context, id int64, actor string) ([]byte, exercise.Attachment, error) {
	if actor == "" {
		return nil, exercise.Attachment{}, fmt.Errorf("%w: attachment %d: who reads it must be named", exercise.ErrInvalid, id)
	}
	var (
		content []byte
		a       exercise.Attachment
		ex      int64
	)
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT a.id, a.finding_id, a.name, a.media_type, a.size, a.sha256, a.added_at, a.added_by, a.content, f.exercise_id
		FROM exercise_attachments a JOIN exercise_findings f ON f.id = a.finding_id WHERE a.id = ?`), id).
		Scan(&a.ID, &a.Finding, &a.Name, &a.MediaType, &a.Size, &a.SHA256, &a.Added, &a.By, &content, &ex)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, a, fmt.Errorf("attachment %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, a, fmt.Errorf("attachment %d: %w", id, err)
	}
	a.Added = a.Added.UTC()
	if err := a.Verify(content); err != nil {
		return nil, a, err
	}
	after, _ := json.Marshal(map[string]any{"attachment": a.ID, "sha256": a.SHA256})
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: actor, Action: "exercise.attachment.read", Object: exerciseObject(ex),
			After: after, Reason: fmt.Sprintf("MF-%d: %s", a.Finding, a.Name)})
	})
	if err != nil {
		return nil, a, err
	}
	return content, a, nil
}

// AddRetest implements store.Exercises.
func (s *Store) AddRetest(ctx context.Context, findingID int64, r exercise.Retest) (exercise.Retest, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	var out exercise.Retest
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := r, s.clock()
		x.Finding = findingID
		f, ex, err := s.findingAndExercise(ctx, tx, findingID)
		if err != nil {
			return err
		}
		if err := ex.CanRetest(x.By); err != nil {
			return err
		}
		if x.At.IsZero() {
			x.At = now
		}
		x.At = x.At.UTC().Truncate(time.Microsecond)
		if err := tx.queryRow(ctx, `INSERT INTO exercise_retests (finding_id, at, retester, result, note) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			x.Finding, x.At, x.By, x.Result, x.Note).Scan(&x.ID); err != nil {
			return fmt.Errorf("retest of %s: %w", f.Rule(), err)
		}
		after, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: x.By, Action: "exercise.retest", Object: exerciseObject(ex.ID),
			After: after, Reason: fmt.Sprintf("%s: %s", f.Rule(), x.Result)})
	})
	return out, err
}
