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
