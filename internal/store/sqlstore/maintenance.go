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
	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/samm"
	"github.com/vmc-dev/vmc/internal/store"
)

// Environment hardening (store.Maintenance). Each object is kept whole as
// JSON in a detail column, as patches are; the columns beside it are what
// queries select and order by.

// checkMaintenanceActor refuses a write nobody is named for.
func checkMaintenanceActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: actor: who does this must be named", maintenance.ErrInvalid)
	}
	return nil
}

// scanDetail reads one detail column into a T.
func scanDetail[T any](what string) func(interface{ Scan(...any) error }) (T, error) {
	return func(r interface{ Scan(...any) error }) (T, error) {
		var (
			v      T
			detail string
		)
		if err := r.Scan(&detail); err != nil {
			return v, err
		}
		if err := json.Unmarshal([]byte(detail), &v); err != nil {
			return v, fmt.Errorf("%s: %w", what, err)
		}
		return v, nil
	}
}

// one reads one object by a query selecting its detail, or ErrNotFound
// naming it.
func one[T any](ctx context.Context, q querier, what, query string, args ...any) (T, error) {
	v, err := scanDetail[T](what)(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return v, err
}

// assetExists reports ErrNotFound for an asset vmc does not hold:
// specifications and tools describe assets it does.
func (s *Store) assetExists(ctx context.Context, tx *txn, name string) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM assets WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("asset %q: %w", name, store.ErrNotFound)
	}
	return nil
}

// PutSpec implements store.Maintenance.
func (s *Store) PutSpec(ctx context.Context, sp maintenance.Spec, actor string) (maintenance.Spec, error) {
	if err := checkMaintenanceActor(actor); err != nil {
		return sp, err
	}
	if err := sp.Validate(); err != nil {
		return sp, err
	}
	var out maintenance.Spec
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if err := s.assetExists(ctx, tx, sp.Asset); err != nil {
			return err
		}
		x, now := sp, s.clock()
		x.Runtime, x.Middleware, x.Components = cloneNames(sp.Runtime), cloneNames(sp.Middleware), cloneNames(sp.Components)
		x.Config = slices.Clone(sp.Config)
		cur, err := one[maintenance.Spec](ctx, tx, "environment specification of "+sp.Asset,
			`SELECT detail FROM env_specs WHERE asset = ? ORDER BY version DESC LIMIT 1`, sp.Asset)
		switch {
		case err == nil && cur.SameContent(x):
			out = cur
			return nil
		case err == nil:
			x.Version = cur.Version + 1
		case errors.Is(err, store.ErrNotFound):
			x.Version = 1
			cur = maintenance.Spec{}
		default:
			return err
		}
		x.Created, x.By = now, actor
		after := mustJSON(x)
		if _, err := tx.exec(ctx, `INSERT INTO env_specs (asset, version, detail, created_at) VALUES (?, ?, ?, ?)`,
			x.Asset, x.Version, string(after), now); err != nil {
			return fmt.Errorf("environment specification of %s: %w", x.Asset, err)
		}
		var before []byte
		if cur.Version > 0 {
			before = mustJSON(cur)
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "env-spec.version", Object: "env-spec:" + x.Asset,
			Before: before, After: after, Reason: fmt.Sprintf("version %d: %s", x.Version, x.Change)})
	})
	return out, err
}

// Specs implements store.Maintenance.
func (s *Store) Specs(ctx context.Context, asset string) ([]maintenance.Spec, error) {
	return collect(ctx, s.r, s.d.Rebind(`SELECT detail FROM env_specs WHERE asset = ? ORDER BY version DESC`), []any{asset},
		rowScanner(scanDetail[maintenance.Spec]("environment specification")))
}

// CurrentSpecs implements store.Maintenance.
func (s *Store) CurrentSpecs(ctx context.Context) ([]maintenance.Spec, error) {
	return collect(ctx, s.r, `SELECT e.detail FROM env_specs e
		WHERE e.version = (SELECT MAX(version) FROM env_specs m WHERE m.asset = e.asset) ORDER BY e.asset`, nil,
		rowScanner(scanDetail[maintenance.Spec]("environment specification")))
}

func groupObject(name string) string { return "maintenance-group:" + name }

// PutGroup implements store.Maintenance.
func (s *Store) PutGroup(ctx context.Context, g maintenance.Group, actor string) (maintenance.Group, error) {
	if err := checkMaintenanceActor(actor); err != nil {
		return g, err
	}
	if err := g.Validate(); err != nil {
		return g, err
	}
	var out maintenance.Group
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := g, s.clock()
		x.Windows = slices.Clone(g.Windows)
		cur, err := s.group(ctx, tx, g.Name)
		var before []byte
		switch {
		case err == nil:
			x.Created, x.Updated = cur.Created, cur.Updated
			if string(mustJSON(x)) == string(mustJSON(cur)) {
				out = cur
				return nil
			}
			before = mustJSON(cur)
			x.Updated = now
			if _, err := tx.exec(ctx, `UPDATE maintenance_groups SET detail = ?, updated_at = ? WHERE name = ?`, string(mustJSON(x)), now, x.Name); err != nil {
				return fmt.Errorf("maintenance group %q: %w", x.Name, err)
			}
		case errors.Is(err, store.ErrNotFound):
			x.Created, x.Updated = now, now
			if _, err := tx.exec(ctx, `INSERT INTO maintenance_groups (name, detail, created_at, updated_at) VALUES (?, ?, ?, ?)`,
				x.Name, string(mustJSON(x)), now, now); err != nil {
				return fmt.Errorf("maintenance group %q: %w", x.Name, err)
			}
		default:
			return err
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "maintenance-group.put", Object: groupObject(x.Name),
			Before: before, After: mustJSON(x)})
	})
	return out, err
}

func (s *Store) group(ctx context.Context, q querier, name string) (maintenance.Group, error) {
	return one[maintenance.Group](ctx, q, fmt.Sprintf("maintenance group %q", name), s.d.Rebind(`SELECT detail FROM maintenance_groups WHERE name = ?`), name)
}

// Group implements store.Maintenance.
func (s *Store) Group(ctx context.Context, name string) (maintenance.Group, error) {
	return s.group(ctx, s.r, name)
}

// ListGroups implements store.Maintenance.
func (s *Store) ListGroups(ctx context.Context) ([]maintenance.Group, error) {
	return collect(ctx, s.r, `SELECT detail FROM maintenance_groups ORDER BY name`, nil, rowScanner(scanDetail[maintenance.Group]("maintenance group")))
}

// normalisePatchPlan returns a copy of p as the store keeps it.
func normalisePatchPlan(p maintenance.PatchPlan) maintenance.PatchPlan {
	x := p
	x.Findings = slices.Clone(p.Findings)
	slices.Sort(x.Findings)
	x.Findings = slices.Compact(x.Findings)
	x.Updates = cloneNames(p.Updates)
	x.Scheduled = incidentTime(p.Scheduled)
	if p.Scheduled.IsZero() {
		x.Scheduled = time.Time{}
	}
	return x
}

// PutPatchPlan implements store.Maintenance.
func (s *Store) PutPatchPlan(ctx context.Context, p maintenance.PatchPlan, actor string) (maintenance.PatchPlan, error) {
	if err := checkMaintenanceActor(actor); err != nil {
		return p, err
	}
	var out maintenance.PatchPlan
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := normalisePatchPlan(p), s.clock()
		var groupID int64
		if err := tx.queryRow(ctx, `SELECT id FROM maintenance_groups WHERE name = ?`, x.Group).Scan(&groupID); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("maintenance group %q: %w", x.Group, store.ErrNotFound)
		} else if err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM findings WHERE id IN (`+placeholders(len(x.Findings))+`)`, int64sAny(x.Findings)...).Scan(&n); err != nil {
			return err
		}
		if n != len(x.Findings) {
			return fmt.Errorf("patch plan: findings: %d of %d do not exist: %w", len(x.Findings)-n, len(x.Findings), store.ErrNotFound)
		}
		if x.ID == 0 {
			x.Status, x.Created, x.Updated = maintenance.PatchPlanned, now, now
			if x.Owner == "" {
				x.Owner = actor
			}
			if err := x.Validate(); err != nil {
				return err
			}
			if err := tx.queryRow(ctx, `INSERT INTO patch_plans (group_id, status, detail, created_at, updated_at) VALUES (?, ?, '{}', ?, ?) RETURNING id`,
				groupID, x.Status, now, now).Scan(&x.ID); err != nil {
				return fmt.Errorf("patch plan %q: %w", x.Title, err)
			}
			if _, err := tx.exec(ctx, `UPDATE patch_plans SET detail = ? WHERE id = ?`, string(mustJSON(x)), x.ID); err != nil {
				return err
			}
			out = x
			return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "patch-plan.create", Object: fmt.Sprintf("patch-plan:%d", x.ID),
				After: mustJSON(x), Reason: x.Title})
		}
		cur, err := s.patchPlan(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		if x.Status == "" {
			x.Status = cur.Status
		}
		if err := maintenance.CheckPatchMove(cur.Status, x.Status); err != nil {
			return fmt.Errorf("patch plan %d: %w", x.ID, err)
		}
		x.Created, x.Updated = cur.Created, cur.Updated
		if x.Owner == "" {
			x.Owner = cur.Owner
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if string(mustJSON(x)) == string(mustJSON(cur)) {
			out = cur
			return nil
		}
		x.Updated = now
		if _, err := tx.exec(ctx, `UPDATE patch_plans SET group_id = ?, status = ?, detail = ?, updated_at = ? WHERE id = ?`,
			groupID, x.Status, string(mustJSON(x)), now, x.ID); err != nil {
			return fmt.Errorf("patch plan %d: %w", x.ID, err)
		}
		out = x
		reason := x.Title
		if cur.Status != x.Status {
			reason = fmt.Sprintf("status %s → %s", cur.Status, x.Status)
		}
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "patch-plan.update", Object: fmt.Sprintf("patch-plan:%d", x.ID),
			Before: mustJSON(cur), After: mustJSON(x), Reason: reason})
	})
	return out, err
}

func int64sAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func (s *Store) patchPlan(ctx context.Context, q querier, id int64) (maintenance.PatchPlan, error) {
	return one[maintenance.PatchPlan](ctx, q, fmt.Sprintf("patch plan %d", id), s.d.Rebind(`SELECT detail FROM patch_plans WHERE id = ?`), id)
}

// PatchPlan implements store.Maintenance.
func (s *Store) PatchPlan(ctx context.Context, id int64) (maintenance.PatchPlan, error) {
	return s.patchPlan(ctx, s.r, id)
}

// ListPatchPlans implements store.Maintenance.
func (s *Store) ListPatchPlans(ctx context.Context, group string) ([]maintenance.PatchPlan, error) {
	q, args := `SELECT p.detail FROM patch_plans p ORDER BY p.id`, []any(nil)
	if group != "" {
		q, args = `SELECT p.detail FROM patch_plans p JOIN maintenance_groups g ON g.id = p.group_id WHERE g.name = ? ORDER BY p.id`, []any{group}
	}
	return collect(ctx, s.r, s.d.Rebind(q), args, rowScanner(scanDetail[maintenance.PatchPlan]("patch plan")))
}

// PutTool implements store.Maintenance.
func (s *Store) PutTool(ctx context.Context, t maintenance.Tool, actor string) (maintenance.Tool, error) {
	if err := checkMaintenanceActor(actor); err != nil {
		return t, err
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	var out maintenance.Tool
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if err := s.assetExists(ctx, tx, t.Asset); err != nil {
			return err
		}
		x, now := t, s.clock()
		cur, err := one[maintenance.Tool](ctx, tx, "protective tool", `SELECT detail FROM protective_tools WHERE asset = ? AND kind = ?`, t.Asset, t.Kind)
		var before []byte
		switch {
		case err == nil:
			x.Updated, x.By = cur.Updated, cur.By
			if string(mustJSON(x)) == string(mustJSON(cur)) {
				out = cur
				return nil
			}
			before = mustJSON(cur)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		x.Updated, x.By = now, actor
		if _, err := tx.exec(ctx, `INSERT INTO protective_tools (asset, kind, detail, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (asset, kind) DO UPDATE SET detail = excluded.detail, updated_at = excluded.updated_at`,
			x.Asset, x.Kind, string(mustJSON(x)), now); err != nil {
			return fmt.Errorf("protective tool %s on %s: %w", x.Kind, x.Asset, err)
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "protective-tool.put", Object: "protective-tool:" + x.Asset,
			Before: before, After: mustJSON(x), Reason: string(x.Kind)})
	})
	return out, err
}

// ListTools implements store.Maintenance.
func (s *Store) ListTools(ctx context.Context) ([]maintenance.Tool, error) {
	return collect(ctx, s.r, `SELECT detail FROM protective_tools ORDER BY asset, kind`, nil, rowScanner(scanDetail[maintenance.Tool]("protective tool")))
}

func auditPlanObject(id int64) string { return fmt.Sprintf("audit-plan:%d", id) }

// PutAuditPlan implements store.Maintenance.
func (s *Store) PutAuditPlan(ctx context.Context, p maintenance.AuditPlan, actor string) (maintenance.AuditPlan, error) {
	if err := checkMaintenanceActor(actor); err != nil {
		return p, err
	}
	var out maintenance.AuditPlan
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, now := p, s.clock()
		x.Checklist, x.Runs = cloneNames(p.Checklist), nil
		x.Start = incidentTime(p.Start)
		if p.Start.IsZero() {
			x.Start = time.Time{}
		}
		if x.ID == 0 {
			x.Created, x.Updated = now, now
			if x.Owner == "" {
				x.Owner = actor
			}
			if err := x.Validate(); err != nil {
				return err
			}
			if err := tx.queryRow(ctx, `INSERT INTO audit_plans (environment, detail, created_at, updated_at) VALUES (?, '{}', ?, ?) RETURNING id`,
				x.Environment, now, now).Scan(&x.ID); err != nil {
				return fmt.Errorf("audit plan %q: %w", x.Name, err)
			}
			if _, err := tx.exec(ctx, `UPDATE audit_plans SET detail = ? WHERE id = ?`, string(mustJSON(x)), x.ID); err != nil {
				return err
			}
			out = x
			return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "audit-plan.create", Object: auditPlanObject(x.ID), After: mustJSON(x), Reason: x.Name})
		}
		cur, err := one[maintenance.AuditPlan](ctx, tx, fmt.Sprintf("audit plan %d", x.ID), `SELECT detail FROM audit_plans WHERE id = ?`, x.ID)
		if err != nil {
			return err
		}
		x.Created, x.Updated = cur.Created, cur.Updated
		if x.Owner == "" {
			x.Owner = cur.Owner
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if string(mustJSON(x)) == string(mustJSON(cur)) {
			out, err = s.auditPlan(ctx, tx, x.ID)
			return err
		}
		x.Updated = now
		if _, err := tx.exec(ctx, `UPDATE audit_plans SET environment = ?, detail = ?, updated_at = ? WHERE id = ?`, x.Environment, string(mustJSON(x)), now, x.ID); err != nil {
			return fmt.Errorf("audit plan %d: %w", x.ID, err)
		}
		if err := appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "audit-plan.update", Object: auditPlanObject(x.ID),
			Before: mustJSON(cur), After: mustJSON(x), Reason: x.Name}); err != nil {
			return err
		}
		out, err = s.auditPlan(ctx, tx, x.ID)
		return err
	})
	return out, err
}

// auditPlan reads a plan and its runs.
func (s *Store) auditPlan(ctx context.Context, q querier, id int64) (maintenance.AuditPlan, error) {
	p, err := one[maintenance.AuditPlan](ctx, q, fmt.Sprintf("audit plan %d", id), s.d.Rebind(`SELECT detail FROM audit_plans WHERE id = ?`), id)
	if err != nil {
		return p, err
	}
	p.Runs, err = collect(ctx, q, s.d.Rebind(`SELECT id, detail FROM audit_runs WHERE plan_id = ? ORDER BY at, id`), []any{id},
		func(r *sql.Rows) (maintenance.AuditRun, error) {
			var (
				run    maintenance.AuditRun
				detail string
			)
			if err := r.Scan(&run.ID, &detail); err != nil {
				return run, err
			}
			id := run.ID
			if err := json.Unmarshal([]byte(detail), &run); err != nil {
				return run, fmt.Errorf("audit run %d: %w", id, err)
			}
			run.ID = id
			return run, nil
		})
	if p.Runs == nil {
		p.Runs = []maintenance.AuditRun{}
	}
	return p, err
}

// AuditPlan implements store.Maintenance.
func (s *Store) AuditPlan(ctx context.Context, id int64) (maintenance.AuditPlan, error) {
	return s.auditPlan(ctx, s.r, id)
}

// ListAuditPlans implements store.Maintenance.
func (s *Store) ListAuditPlans(ctx context.Context) ([]maintenance.AuditPlan, error) {
	ids, err := collect(ctx, s.r, `SELECT id FROM audit_plans ORDER BY id`, nil, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	out := make([]maintenance.AuditPlan, 0, len(ids))
	for _, id := range ids {
		p, err := s.auditPlan(ctx, s.r, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// AddAuditRun implements store.Maintenance.
func (s *Store) AddAuditRun(ctx context.Context, r maintenance.AuditRun, actor string) (maintenance.AuditRun, error) {
	if err := checkMaintenanceActor(actor); err != nil {
		return r, err
	}
	var out maintenance.AuditRun
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		p, err := s.auditPlan(ctx, tx, r.Plan)
		if err != nil {
			return err
		}
		x, now := r, s.clock()
		x.Results = slices.Clone(r.Results)
		if x.By == "" {
			x.By = actor
		}
		if x.At.IsZero() {
			x.At = now
		}
		x.At = incidentTime(x.At)
		if err := x.Validate(p, now); err != nil {
			return fmt.Errorf("audit plan %d: %w", p.ID, err)
		}
		// The row is append-only, so its detail is written once, without
		// the id the row is given; scanAuditRun puts the id back.
		detail := x
		detail.ID = 0
		if err := tx.queryRow(ctx, `INSERT INTO audit_runs (plan_id, at, detail) VALUES (?, ?, ?) RETURNING id`, p.ID, x.At, string(mustJSON(detail))).Scan(&x.ID); err != nil {
			return fmt.Errorf("audit run of plan %d: %w", p.ID, err)
		}
		out = x
		reason := fmt.Sprintf("audit run %d: %d checks, %d failed", x.ID, len(x.Results), len(x.Failed()))
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "audit-plan.run", Object: auditPlanObject(p.ID), After: mustJSON(x), Reason: reason})
	})
	return out, err
}

func sammObject(project string) string { return "samm:" + project }

// PutSAMMAnswers implements store.Maintenance.
func (s *Store) PutSAMMAnswers(ctx context.Context, project string, as samm.Answers, actor string) error {
	if err := checkMaintenanceActor(actor); err != nil {
		return err
	}
	if strings.TrimSpace(project) == "" || len(project) > 200 {
		return fmt.Errorf("%w: project: empty or longer than 200 bytes", samm.ErrInvalid)
	}
	if err := as.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		before, err := s.sammAnswers(ctx, tx, project)
		if err != nil {
			return err
		}
		after, now := samm.Answers{}, s.clock()
		for id, a := range before {
			after[id] = a
		}
		ids := make([]string, 0, len(as))
		for id := range as {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		changed := false
		for _, id := range ids {
			q, _ := samm.QuestionByID(id)
			if cur, ok := before[q.ID]; ok && cur == as[id] {
				continue
			}
			changed = true
			after[q.ID] = as[id]
			if _, err := tx.exec(ctx, `INSERT INTO samm_answers (project, question, answer, at, actor) VALUES (?, ?, ?, ?, ?)`,
				project, q.ID, int(as[id]), now, actor); err != nil {
				return fmt.Errorf("SAMM answer of %s to %s: %w", project, q.ID, err)
			}
		}
		if !changed {
			return nil
		}
		var b []byte
		if len(before) > 0 {
			b = mustJSON(before)
		}
		sc := samm.Compute(after)
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "samm.answer", Object: sammObject(project),
			Before: b, After: mustJSON(after), Reason: fmt.Sprintf("%s score %.3g", samm.Practice, sc.Practice)})
	})
}

func (s *Store) sammAnswers(ctx context.Context, q querier, project string) (samm.Answers, error) {
	rows, err := q.QueryContext(ctx, s.d.Rebind(`SELECT question, answer FROM samm_answers a
		WHERE project = ? AND id = (SELECT MAX(id) FROM samm_answers b WHERE b.project = a.project AND b.question = a.question)`), project)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := samm.Answers{}
	for rows.Next() {
		var (
			id string
			a  int
		)
		if err := rows.Scan(&id, &a); err != nil {
			return nil, err
		}
		out[id] = samm.Answer(a)
	}
	return out, rows.Err()
}

// SAMMAnswers implements store.Maintenance.
func (s *Store) SAMMAnswers(ctx context.Context, project string) (samm.Answers, error) {
	return s.sammAnswers(ctx, s.r, project)
}

// SAMMProjects implements store.Maintenance.
func (s *Store) SAMMProjects(ctx context.Context) ([]string, error) {
	return collect(ctx, s.r, `SELECT DISTINCT project FROM samm_answers ORDER BY project`, nil, func(r *sql.Rows) (string, error) {
		var p string
		return p, r.Scan(&p)
	})
}
