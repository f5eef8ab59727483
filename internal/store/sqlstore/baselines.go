package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/store"
)

// PutSnapshot implements store.Baselines.
func (s *Store) PutSnapshot(ctx context.Context, assetID int64, snap baseline.Snapshot, evals []baseline.Evaluation, actor string) (store.HostSnapshot, error) {
	detail, err := snapshotDetail(snap, actor)
	if err != nil {
		return store.HostSnapshot{}, err
	}
	var out store.HostSnapshot
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) (err error) {
		out, err = s.putSnapshot(ctx, tx, assetID, snap, detail, evals, actor)
		return err
	})
	return out, err
}

// ImportSnapshot implements store.Baselines.
func (s *Store) ImportSnapshot(ctx context.Context, a asset.Asset, snap baseline.Snapshot, evals []baseline.Evaluation, actor string,
	scans func(store.HostSnapshot) ([]store.SnapshotScan, error)) (store.HostSnapshot, [][]finding.Change, error) {
	detail, err := snapshotDetail(snap, actor)
	if err != nil {
		return store.HostSnapshot{}, nil, err
	}
	var (
		out     store.HostSnapshot
		changes [][]finding.Change
	)
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) (err error) {
		if out, err = s.putSnapshot(ctx, tx, a.ID, snap, detail, evals, actor); err != nil {
			return err
		}
		todo, err := scans(out)
		if err != nil {
			return err
		}
		changes = make([][]finding.Change, len(todo))
		for i, sc := range todo {
			if changes[i], err = s.snapshotScan(ctx, tx, a, sc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return store.HostSnapshot{}, nil, fmt.Errorf("snapshot of asset %s: %w", a.Name, err)
	}
	return out, changes, nil
}

// snapshotScan reconciles the asset's findings with one evaluation's
// failed rules, in tx.
func (s *Store) snapshotScan(ctx context.Context, tx *txn, a asset.Asset, sc store.SnapshotScan) ([]finding.Change, error) {
	// A rule's record id is its primary id unless a stored vulnerability
	// took it in as an alias: the details follow the matches to the
	// primary ids, as reconcile names them.
	ms, _, err := s.resolveMatches(ctx, tx, sc.Matches)
	if err != nil {
		return nil, err
	}
	scan := sc.Scan
	if len(scan.Details) > 0 {
		scan.Details = make(map[finding.Key]finding.Evidence, len(sc.Scan.Details))
		for k, e := range sc.Scan.Details {
			scan.Details[k] = e
		}
		for i, m := range sc.Matches {
			from := finding.Key{Package: finding.ComponentPackage(m.Component), Vuln: m.Vuln}
			if e, ok := sc.Scan.Details[from]; ok && ms[i].Vuln != m.Vuln {
				delete(scan.Details, from)
				scan.Details[finding.Key{Package: from.Package, Vuln: ms[i].Vuln}] = e
			}
		}
	}
	return s.reconcile(ctx, tx, a, ms, scan)
}

func snapshotDetail(snap baseline.Snapshot, actor string) (string, error) {
	if actor == "" {
		return "", errors.New("snapshot: no actor")
	}
	detail, err := json.Marshal(snap)
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	return string(detail), nil
}

// putSnapshot is PutSnapshot in tx, the snapshot already encoded.
func (s *Store) putSnapshot(ctx context.Context, tx *txn, assetID int64, snap baseline.Snapshot, detail string, evals []baseline.Evaluation, actor string) (store.HostSnapshot, error) {
	now := s.clock()
	var name string
	if err := tx.queryRow(ctx, `SELECT name FROM assets WHERE id = ?`, assetID).Scan(&name); errors.Is(err, sql.ErrNoRows) {
		return store.HostSnapshot{}, fmt.Errorf("asset %d: %w", assetID, store.ErrNotFound)
	} else if err != nil {
		return store.HostSnapshot{}, fmt.Errorf("asset %d: %w", assetID, err)
	}
	out := store.HostSnapshot{AssetID: assetID, Taken: now, Actor: actor, Snapshot: snap}
	if err := tx.queryRow(ctx, `INSERT INTO host_snapshots (asset_id, taken_at, actor, detail) VALUES (?, ?, ?, ?) RETURNING id`,
		assetID, now, actor, detail).Scan(&out.ID); err != nil {
		return store.HostSnapshot{}, fmt.Errorf("snapshot of asset %d: %w", assetID, err)
	}
	type summary struct {
		Baseline   string                  `json:"baseline"`
		Version    string                  `json:"version"`
		Passed     int                     `json:"passed"`
		Failed     int                     `json:"failed"`
		Compliance float64                 `json:"compliance"`
		Drift      []baseline.StatusChange `json:"drift,omitempty"`
	}
	var sums []summary
	for _, ev := range evals {
		prev, err := s.lastEvaluation(ctx, tx, assetID, ev.Baseline)
		if err != nil {
			return store.HostSnapshot{}, err
		}
		baseline.Diff(prev, &ev)
		ev.At = baselineTime(ev.At)
		body, err := json.Marshal(ev)
		if err != nil {
			return store.HostSnapshot{}, err
		}
		st := store.Evaluation{Snapshot: out.ID, Evaluation: ev}
		if err := tx.queryRow(ctx, `INSERT INTO baseline_evaluations (snapshot_id, asset_id, baseline, version, at, passed, failed, compliance, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, out.ID, assetID, ev.Baseline, ev.Version, ev.At, ev.Passed, ev.Failed, ev.Compliance, string(body)).Scan(&st.ID); err != nil {
			return store.HostSnapshot{}, fmt.Errorf("evaluation of %s: %w", ev.Baseline, err)
		}
		out.Evaluations = append(out.Evaluations, st)
		sums = append(sums, summary{ev.Baseline, ev.Version, ev.Passed, ev.Failed, ev.Compliance, ev.Drift()})
	}
	after, _ := json.Marshal(map[string]any{"snapshot": out.ID, "sources": snap.Sources, "evaluations": sums})
	return out, appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "snapshot.import", Object: "asset:" + name, After: after})
}

// baselineTime is t at the store's resolution, in UTC.
func baselineTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// lastEvaluation is the asset's latest evaluation of a baseline, or nil.
func (s *Store) lastEvaluation(ctx context.Context, q querier, assetID int64, id string) (*baseline.Evaluation, error) {
	evs, err := collect(ctx, q, s.d.Rebind(`SELECT `+evaluationColumns+` FROM baseline_evaluations WHERE asset_id = ? AND baseline = ? ORDER BY id DESC LIMIT 1`),
		[]any{assetID, id}, scanEvaluation(true))
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	return &evs[0].Evaluation, nil
}

const evaluationColumns = `id, snapshot_id, baseline, version, at, passed, failed, compliance, detail`

// scanEvaluation reads an evaluation row; without results only the
// counts and changes are decoded.
func scanEvaluation(withResults bool) func(*sql.Rows) (store.Evaluation, error) {
	return func(r *sql.Rows) (store.Evaluation, error) {
		var (
			e      store.Evaluation
			at     time.Time
			detail string
		)
		if err := r.Scan(&e.ID, &e.Snapshot, &e.Baseline, &e.Version, &at, &e.Passed, &e.Failed, &e.Compliance, &detail); err != nil {
			return e, err
		}
		var full baseline.Evaluation
		if err := json.Unmarshal([]byte(detail), &full); err != nil {
			return e, fmt.Errorf("evaluation %d: %w", e.ID, err)
		}
		full.At = at.UTC()
		if !withResults {
			full.Results = nil
		}
		e.Evaluation = full
		return e, nil
	}
}

// HostSnapshot implements store.Baselines.
func (s *Store) HostSnapshot(ctx context.Context, id int64) (store.HostSnapshot, error) {
	var (
		out    store.HostSnapshot
		detail string
	)
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT id, asset_id, taken_at, actor, detail FROM host_snapshots WHERE id = ?`), id).
		Scan(&out.ID, &out.AssetID, &out.Taken, &out.Actor, &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("snapshot %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return out, err
	}
	out.Taken = out.Taken.UTC()
	if err := json.Unmarshal([]byte(detail), &out.Snapshot); err != nil {
		return out, fmt.Errorf("snapshot %d: %w", id, err)
	}
	out.Evaluations, err = collect(ctx, s.r, s.d.Rebind(`SELECT `+evaluationColumns+` FROM baseline_evaluations WHERE snapshot_id = ? ORDER BY id`),
		[]any{id}, scanEvaluation(true))
	return out, err
}

// ListSnapshots implements store.Baselines.
func (s *Store) ListSnapshots(ctx context.Context, assetID int64) ([]store.HostSnapshot, error) {
	return collect(ctx, s.r, s.d.Rebind(`SELECT id, asset_id, taken_at, actor FROM host_snapshots WHERE asset_id = ? ORDER BY id DESC`), []any{assetID},
		func(r *sql.Rows) (store.HostSnapshot, error) {
			var h store.HostSnapshot
			err := r.Scan(&h.ID, &h.AssetID, &h.Taken, &h.Actor)
			h.Taken = h.Taken.UTC()
			return h, err
		})
}

// Evaluations implements store.Baselines.
func (s *Store) Evaluations(ctx context.Context, assetID int64, id string, withResults bool) ([]store.Evaluation, error) {
	q, args := `SELECT `+evaluationColumns+` FROM baseline_evaluations WHERE asset_id = ?`, []any{assetID}
	if id != "" {
		q, args = q+` AND baseline = ?`, append(args, id)
	}
	return collect(ctx, s.r, s.d.Rebind(q+` ORDER BY id`), args, scanEvaluation(withResults))
}
