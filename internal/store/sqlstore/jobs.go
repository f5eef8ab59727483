package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/store"
)

var _ jobs.Table = (*Store)(nil)

const jobColumns = `id, kind, args, by_actor, state, attempt, max_attempts, errors, output, created_at, run_at, attempted_at, finalized_at, worker`

func scanJob(r interface{ Scan(...any) error }) (jobs.Job, error) {
	var (
		j                    jobs.Job
		args, errs           string
		output               sql.NullString
		attempted, finalized sql.NullTime
	)
	if err := r.Scan(&j.ID, &j.Kind, &args, &j.By, &j.State, &j.Attempt, &j.MaxAttempts, &errs, &output, &j.Created, &j.RunAt, &attempted, &finalized, &j.Worker); err != nil {
		return j, err
	}
	j.Args = json.RawMessage(args)
	if err := json.Unmarshal([]byte(errs), &j.Errors); err != nil {
		return j, fmt.Errorf("job %d: errors: %w", j.ID, err)
	}
	if output.Valid {
		j.Output = json.RawMessage(output.String)
	}
	j.Created, j.RunAt = j.Created.UTC(), j.RunAt.UTC()
	if attempted.Valid {
		t := attempted.Time.UTC()
		j.Attempted = &t
	}
	if finalized.Valid {
		t := finalized.Time.UTC()
		j.Finalized = &t
	}
	return j, nil
}

func (s *Store) job(ctx context.Context, q querier, id int64) (jobs.Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+jobColumns+` FROM jobs WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %d: %w", id, jobs.ErrNotFound)
	}
	return j, err
}

// InsertJob implements jobs.Table.
func (s *Store) InsertJob(ctx context.Context, n jobs.NewJob) (jobs.Job, bool, error) {
	var (
		out jobs.Job
		dup bool
	)
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		dup = false
		var unique any
		if n.UniqueKey != "" {
			unique = n.UniqueKey
			args := []any{n.UniqueKey}
			for _, st := range n.UniqueStates {
				args = append(args, string(st))
			}
			var id int64
			err := tx.QueryRowContext(ctx, s.d.Rebind(`SELECT id FROM jobs WHERE unique_key = ? AND state IN (`+placeholders(len(n.UniqueStates))+`) ORDER BY id LIMIT 1`), args...).Scan(&id)
			if err == nil {
				dup = true
				out, err = s.job(ctx, tx, id)
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.d.Rebind(`INSERT INTO jobs (kind, args, by_actor, state, max_attempts, created_at, run_at, unique_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			n.Kind, string(n.Args), n.By, string(jobs.Queued), n.MaxAttempts, n.Created, n.RunAt, unique).Scan(&id); err != nil {
			return fmt.Errorf("insert job: %w", err)
		}
		var err error
		out, err = s.job(ctx, tx, id)
		return err
	})
	return out, dup, err
}

// ClaimJob implements jobs.Table. SQLite has one writer, so the select
// and the update cannot interleave with another claim; on PostgreSQL the
// state in the WHERE makes a second claimer of the same row update
// nothing.
func (s *Store) ClaimJob(ctx context.Context, kinds []string, worker string, now time.Time) (jobs.Job, bool, error) {
	if len(kinds) == 0 {
		return jobs.Job{}, false, nil
	}
	var (
		out jobs.Job
		ok  bool
	)
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		ok = false
		args := []any{string(jobs.Queued), string(jobs.Retrying), now}
		for _, k := range kinds {
			args = append(args, k)
		}
		var id int64
		err := tx.QueryRowContext(ctx, s.d.Rebind(`SELECT id FROM jobs WHERE state IN (?, ?) AND run_at <= ? AND kind IN (`+placeholders(len(kinds))+`)
			ORDER BY run_at, id LIMIT 1`), args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		res, err := tx.ExecContext(ctx, s.d.Rebind(`UPDATE jobs SET state = ?, attempt = attempt + 1, attempted_at = ?, worker = ?
			WHERE id = ? AND state IN (?, ?)`), string(jobs.Running), now, worker, id, string(jobs.Queued), string(jobs.Retrying))
		if err != nil {
			return fmt.Errorf("claim job %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errLostRace
		}
		out, err = s.job(ctx, tx, id)
		ok = err == nil
		return err
	})
	return out, ok, err
}

// FinishJob implements jobs.Table.
func (s *Store) FinishJob(ctx context.Context, id int64, f jobs.Finish) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		j, err := s.job(ctx, tx, id)
		if err != nil {
			return err
		}
		if f.Error != nil {
			j.Errors = append(j.Errors, *f.Error)
		}
		errs, err := json.Marshal(j.Errors)
		if err != nil {
			return err
		}
		var output, finalized any
		if f.Output != nil {
			output = string(f.Output)
		}
		runAt := j.RunAt
		if f.State.Final() {
			finalized = f.At
		} else {
			runAt = f.RunAt
		}
		_, err = tx.ExecContext(ctx, s.d.Rebind(`UPDATE jobs SET state = ?, errors = ?, output = COALESCE(?, output), finalized_at = ?, run_at = ? WHERE id = ?`),
			string(f.State), string(errs), output, finalized, runAt, id)
		return err
	})
}

// JobByID implements jobs.Table.
func (s *Store) JobByID(ctx context.Context, id int64) (jobs.Job, error) { return s.job(ctx, s.r, id) }

// ListJobs implements jobs.Table.
func (s *Store) ListJobs(ctx context.Context, f jobs.Filter) ([]jobs.Job, error) {
	q, args := `SELECT `+jobColumns+` FROM jobs WHERE 1 = 1`, []any{}
	if len(f.States) > 0 {
		q += ` AND state IN (` + placeholders(len(f.States)) + `)`
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	return collect(ctx, s.r, q, args, rowScanner(scanJob))
}

// CancelJob implements jobs.Table.
func (s *Store) CancelJob(ctx context.Context, id int64, now time.Time) (jobs.Job, error) {
	var out jobs.Job
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		j, err := s.job(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case j.State.Final():
			out = j
			return fmt.Errorf("job %d is %s: %w", id, j.State, jobs.ErrFinal)
		case j.State == jobs.Running:
			_, err = tx.ExecContext(ctx, s.d.Rebind(`UPDATE jobs SET cancel_requested = ? WHERE id = ?`), true, id)
		default:
			_, err = tx.ExecContext(ctx, s.d.Rebind(`UPDATE jobs SET state = ?, finalized_at = ?, cancel_requested = ? WHERE id = ?`), string(jobs.Cancelled), now, true, id)
		}
		if err != nil {
			return fmt.Errorf("cancel job %d: %w", id, err)
		}
		out, err = s.job(ctx, tx, id)
		return err
	})
	return out, err
}

// CancelRequested implements jobs.Table.
func (s *Store) CancelRequested(ctx context.Context, ids []int64) ([]int64, error) {
	args := []any{true}
	for _, id := range ids {
		args = append(args, id)
	}
	return collect(ctx, s.r, `SELECT id FROM jobs WHERE cancel_requested = ? AND id IN (`+placeholders(len(ids))+`)`, args,
		func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
}

// RescueJobs implements jobs.Table.
func (s *Store) RescueJobs(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.ExecContext(ctx, s.d.Rebind(`UPDATE jobs SET state = ?, run_at = ? WHERE state = ?`), string(jobs.Retrying), now, string(jobs.Running))
		if err != nil {
			return fmt.Errorf("rescue jobs: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// JobDepth implements jobs.Table.
func (s *Store) JobDepth(ctx context.Context) (map[jobs.State]int, error) {
	type count struct {
		st jobs.State
		n  int
	}
	cs, err := collect(ctx, s.r, `SELECT state, COUNT(*) FROM jobs GROUP BY state`, nil, func(r *sql.Rows) (count, error) {
		var c count
		return c, r.Scan(&c.st, &c.n)
	})
	out := map[jobs.State]int{}
	for _, c := range cs {
		out[c.st] = c.n
	}
	return out, err
}

// PutJobFile implements store.Jobs.
func (s *Store) PutJobFile(ctx context.Context, name string, data []byte) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		return tx.QueryRowContext(ctx, s.d.Rebind(`INSERT INTO job_files (name, data, created_at) VALUES (?, ?, ?) RETURNING id`), name, data, s.clock()).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("keep upload %s: %w", name, err)
	}
	return id, nil
}

// JobFile implements store.Jobs.
func (s *Store) JobFile(ctx context.Context, id int64) (string, []byte, error) {
	var (
		name string
		data []byte
	)
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT name, data FROM job_files WHERE id = ?`), id).Scan(&name, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("job file %d: %w", id, store.ErrNotFound)
	}
	return name, data, err
}

// DeleteJobFile implements store.Jobs.
func (s *Store) DeleteJobFile(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, s.d.Rebind(`DELETE FROM job_files WHERE id = ?`), id)
		return err
	})
}

// ServerSecret implements store.Jobs. The insert does nothing when
// another replica stored the secret first; the select then reads theirs.
func (s *Store) ServerSecret(ctx context.Context, name string, gen func() []byte) ([]byte, error) {
	var v []byte
	if gen == nil {
		err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT value FROM server_secrets WHERE name = ?`), name).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("server secret %s: %w", name, store.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("server secret %s: %w", name, err)
		}
		return v, nil
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if _, err := tx.ExecContext(ctx, s.d.Rebind(`INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`),
			name, gen(), s.clock()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.d.Rebind(`SELECT value FROM server_secrets WHERE name = ?`), name).Scan(&v)
	})
	if err != nil {
		return nil, fmt.Errorf("server secret %s: %w", name, err)
	}
	return v, nil
}
