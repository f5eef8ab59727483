package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vmc-dev/vmc/internal/attackpath"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

func checkAttackActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: no actor", attackpath.ErrInvalid)
	}
	return nil
}

// PutAttackModel implements store.AttackPaths.
func (s *Store) PutAttackModel(ctx context.Context, m store.AttackModel, actor string) (store.AttackModel, error) {
	if err := checkAttackActor(actor); err != nil {
		return m, err
	}
	if strings.TrimSpace(m.Name) == "" || len(m.Name) > 200 {
		return m, fmt.Errorf("%w: model name empty or longer than 200 bytes", attackpath.ErrInvalid)
	}
	if m.Format != "mulval" && m.Format != "json" {
		return m, fmt.Errorf("%w: model format %q (mulval or json)", attackpath.ErrInvalid, m.Format)
	}
	x := m
	x.By, x.Updated = actor, s.clock()
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if _, err := tx.exec(ctx, `INSERT INTO attack_models (name, format, source, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET format = excluded.format, source = excluded.source, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			x.Name, x.Format, x.Source, actor, x.Updated); err != nil {
			return fmt.Errorf("attack model %s: %w", x.Name, err)
		}
		after, _ := json.Marshal(struct {
			Format string `json:"format"`
			Bytes  int    `json:"bytes"`
		}{x.Format, len(x.Source)})
		return appendAudit(ctx, tx, audit.Entry{At: x.Updated, Actor: actor, Action: "attackpath.model", Object: "attackmodel:" + x.Name,
			After: after, Reason: fmt.Sprintf("%s model, %d bytes", x.Format, len(x.Source))})
	})
	return x, err
}

const attackModelColumns = `name, format, source, updated_by, updated_at`

func scanAttackModel(r interface{ Scan(...any) error }) (store.AttackModel, error) {
	var m store.AttackModel
	err := r.Scan(&m.Name, &m.Format, &m.Source, &m.By, &m.Updated)
	m.Updated = m.Updated.UTC()
	return m, err
}

// AttackModel implements store.AttackPaths.
func (s *Store) AttackModel(ctx context.Context, name string) (store.AttackModel, error) {
	m, err := scanAttackModel(s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT `+attackModelColumns+` FROM attack_models WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("attack model %s: %w", name, store.ErrNotFound)
	}
	return m, err
}

// ListAttackModels implements store.AttackPaths.
func (s *Store) ListAttackModels(ctx context.Context) ([]store.AttackModel, error) {
	return collect(ctx, s.r, `SELECT name, format, '', updated_by, updated_at FROM attack_models ORDER BY name`, nil, rowScanner(scanAttackModel))
}

// AddAttackAnalysis implements store.AttackPaths.
func (s *Store) AddAttackAnalysis(ctx context.Context, a store.AttackAnalysis, actor string) (store.AttackAnalysis, error) {
	if err := checkAttackActor(actor); err != nil {
		return a, err
	}
	x := a
	x.By, x.At = actor, s.clock()
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO attack_analyses (model, inventory, at, actor, goals, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			x.Model, x.Inventory, x.At, actor, len(x.Report.Goals), string(detail)).Scan(&x.ID); err != nil {
			return fmt.Errorf("attack analysis: %w", err)
		}
		if x.Inventory {
			if x.Unmarked, err = markFindings(ctx, tx, x); err != nil {
				return err
			}
		}
		fixes := -1
		if x.Report.Fixes != nil {
			fixes = len(x.Report.Fixes.Fixes)
		}
		after, _ := json.Marshal(struct {
			Model     string   `json:"model"`
			Inventory bool     `json:"inventory"`
			Goals     []string `json:"goals"`
			Fixes     int      `json:"fixes"`
		}{x.Model, x.Inventory, x.Report.Goals, fixes})
		return appendAudit(ctx, tx, audit.Entry{At: x.At, Actor: actor, Action: "attackpath.analyse", Object: fmt.Sprintf("attackanalysis:%d", x.ID),
			After: after, Reason: fmt.Sprintf("%d goals reached, %d nodes", len(x.Report.Goals), len(x.Report.Graph.Nodes))})
	})
	return x, err
}

func scanAttackAnalysis(r interface{ Scan(...any) error }) (store.AttackAnalysis, error) {
	var (
		a      store.AttackAnalysis
		id     int64
		detail string
	)
	if err := r.Scan(&id, &detail); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(detail), &a); err != nil {
		return a, fmt.Errorf("attack analysis %d: %w", id, err)
	}
	a.ID, a.At = id, a.At.UTC()
	return a, nil
}

// AttackAnalysis implements store.AttackPaths.
func (s *Store) AttackAnalysis(ctx context.Context, id int64) (store.AttackAnalysis, error) {
	a, err := scanAttackAnalysis(s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT id, detail FROM attack_analyses WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("attack analysis %d: %w", id, store.ErrNotFound)
	}
	return a, err
}

// LatestAttackAnalysis implements store.AttackPaths.
func (s *Store) LatestAttackAnalysis(ctx context.Context) (store.AttackAnalysis, error) {
	a, err := scanAttackAnalysis(s.r.QueryRowContext(ctx, `SELECT id, detail FROM attack_analyses ORDER BY id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("attack analysis: %w", store.ErrNotFound)
	}
	return a, err
}

// markFindings replaces every finding's attack-path mark with those of
// the inventory analysis a, and returns the findings that lost theirs.
// A finding deleted since the analysis read it gets no mark.
func markFindings(ctx context.Context, tx *txn, a store.AttackAnalysis) ([]int64, error) {
	var old []int64
	if err := tx.scanAll(ctx, `SELECT finding_id FROM finding_attack_paths ORDER BY finding_id`, nil, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		old = append(old, id)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("attack-path marks: %w", err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM finding_attack_paths`); err != nil {
		return nil, fmt.Errorf("attack-path marks: %w", err)
	}
	marked := map[int64]bool{}
	for _, f := range a.OnPaths {
		if len(f.Goals) == 0 || marked[f.FindingID] {
			continue
		}
		marked[f.FindingID] = true
		goals, err := json.Marshal(f.Goals)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `INSERT INTO finding_attack_paths (finding_id, analysis_id, goals, path) SELECT id, ?, ?, ? FROM findings WHERE id = ?`,
			a.ID, string(goals), f.Path, f.FindingID); err != nil {
			return nil, fmt.Errorf("attack-path mark of finding %d: %w", f.FindingID, err)
		}
	}
	var unmarked []int64
	for _, id := range old {
		if !marked[id] {
			unmarked = append(unmarked, id)
		}
	}
	return unmarked, nil
}

// AttackPathMarks implements store.AttackPaths.
func (s *Store) AttackPathMarks(ctx context.Context, assetID int64) (map[string]risk.AttackPathInput, error) {
	rows, err := s.r.QueryContext(ctx, s.d.Rebind(`SELECT v.primary_id, m.analysis_id, m.goals, m.path FROM finding_attack_paths m
		JOIN findings f ON f.id = m.finding_id JOIN vulns v ON v.id = f.vuln_id WHERE f.asset_id = ?`), assetID)
	if err != nil {
		return nil, fmt.Errorf("attack-path marks of asset %d: %w", assetID, err)
	}
	defer rows.Close()
	out := map[string]risk.AttackPathInput{}
	for rows.Next() {
		var (
			vuln, goals string
			analysis    int64
			in          risk.AttackPathInput
		)
		if err := rows.Scan(&vuln, &analysis, &goals, &in.Path); err != nil {
			return nil, fmt.Errorf("attack-path marks of asset %d: %w", assetID, err)
		}
		if err := json.Unmarshal([]byte(goals), &in.Goals); err != nil {
			return nil, fmt.Errorf("attack-path mark of %s on asset %d: %w", vuln, assetID, err)
		}
		in.Analysis = fmt.Sprintf("attack-path analysis %d", analysis)
		out[vuln] = in
	}
	return out, rows.Err()
}
