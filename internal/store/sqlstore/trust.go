package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/trust"
)

// trustObject is the audit log object of trust decisions: the asset.
func trustObject(name string) string { return "asset:" + name }

func scanPosture(r interface{ Scan(...any) error }) (trust.Posture, error) {
	var (
		p      trust.Posture
		id     int64
		detail string
	)
	if err := r.Scan(&id, &detail); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(detail), &p); err != nil {
		return p, fmt.Errorf("trust posture of asset %d: %w", id, err)
	}
	p.AssetID, p.Imported = id, p.Imported.UTC()
	return p, nil
}

func (s *Store) posture(ctx context.Context, q querier, assetID int64) (trust.Posture, error) {
	p, err := scanPosture(q.QueryRowContext(ctx, s.d.Rebind(`SELECT asset_id, detail FROM trust_postures WHERE asset_id = ?`), assetID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("trust posture of asset %d: %w", assetID, store.ErrNotFound)
	}
	return p, err
}

// Posture implements store.Trust.
func (s *Store) Posture(ctx context.Context, assetID int64) (trust.Posture, error) {
	return s.posture(ctx, s.r, assetID)
}

// ListPostures implements store.Trust.
func (s *Store) ListPostures(ctx context.Context) ([]trust.Posture, error) {
	return collect(ctx, s.r, `SELECT p.asset_id, p.detail FROM trust_postures p JOIN assets a ON a.id = p.asset_id ORDER BY a.name`, nil,
		rowScanner(scanPosture))
}

// checkTrustActor refuses a write nobody makes.
func checkTrustActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: no actor", trust.ErrFormat)
	}
	return nil
}

// PutPosture implements store.Trust.
func (s *Store) PutPosture(ctx context.Context, p trust.Posture, actor string) (trust.Posture, asset.Change, error) {
	if err := checkTrustActor(actor); err != nil {
		return p, asset.Change{}, err
	}
	if !p.Root.IsValid() || !p.SecureBoot.IsValid() || !p.MeasuredBoot.IsValid() {
		return p, asset.Change{}, fmt.Errorf("%w: root %q, secure boot %q, measured boot %q", trust.ErrFormat, p.Root, p.SecureBoot, p.MeasuredBoot)
	}
	for i, c := range p.Components {
		if err := c.Validate(); err != nil {
			return p, asset.Change{}, fmt.Errorf("components[%d] (%s): %w", i, c.Name, err)
		}
	}
	var (
		out trust.Posture
		ch  asset.Change
	)
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		a, err := scanAsset(tx.queryRow(ctx, `SELECT `+assetColumns+` FROM assets WHERE id = ?`, p.AssetID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("asset %d: %w", p.AssetID, store.ErrNotFound)
		} else if err != nil {
			return err
		}
		now := s.clock()
		x := p
		x.Asset, x.Imported, x.By = a.Name, now, actor
		x.Controls, x.Components, x.Sources = slices.Clone(p.Controls), slices.Clone(p.Components), slices.Clone(p.Sources)
		before, err := s.posture(ctx, tx, a.ID)
		var prev json.RawMessage
		switch {
		case err == nil:
			prev, _ = json.Marshal(before)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		// The snapshot's components replace the last snapshot's; the
		// rest of the inventory stays.
		old, err := s.components(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		var cs []asset.Component
		for _, c := range old {
			if !trust.IsSnapshotComponent(c) {
				cs = append(cs, c)
			}
		}
		cs = append(cs, x.Components...)
		if ch, err = s.setComponents(ctx, tx, a.ID, trust.ComponentSource, cs); err != nil {
			return err
		}
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO trust_postures (asset_id, root, detail, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (asset_id) DO UPDATE SET root = excluded.root, detail = excluded.detail, updated_at = excluded.updated_at`,
			a.ID, string(x.Root), string(detail), now); err != nil {
			return fmt.Errorf("trust posture of %s: %w", a.Name, err)
		}
		out = x
		gaps := x.Gaps()
		reason := fmt.Sprintf("root %s, secure boot %s, measured boot %s; %d gaps", trustWord(string(x.Root)), trustWord(string(x.SecureBoot)),
			trustWord(string(x.MeasuredBoot)), len(gaps))
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "trust.posture", Object: trustObject(a.Name),
			Before: prev, After: detail, Reason: reason})
	})
	return out, ch, err
}

func trustWord(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// AddVerification implements store.Trust.
func (s *Store) AddVerification(ctx context.Context, v trust.Verification, actor string) (trust.Verification, error) {
	if err := checkTrustActor(actor); err != nil {
		return v, err
	}
	x := v
	x.Result.Deviations = slices.Clone(v.Result.Deviations[:min(len(v.Result.Deviations), trust.MaxRecordedDeviations)])
	x.Result.Tampered = slices.Clone(v.Result.Tampered[:min(len(v.Result.Tampered), trust.MaxRecordedDeviations)])
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		a, err := scanAsset(tx.queryRow(ctx, `SELECT `+assetColumns+` FROM assets WHERE id = ?`, v.AssetID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("asset %d: %w", v.AssetID, store.ErrNotFound)
		} else if err != nil {
			return err
		}
		x.Asset, x.At, x.By = a.Name, s.clock(), actor
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO trust_verifications (asset_id, asset, at, actor, deviations, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			a.ID, a.Name, x.At, actor, len(v.Result.Deviations), string(detail)).Scan(&x.ID); err != nil {
			return fmt.Errorf("verification of %s: %w", a.Name, err)
		}
		summary, _ := json.Marshal(struct {
			ID         int64  `json:"id"`
			List       string `json:"list"`
			Manifest   string `json:"manifest"`
			Checked    int    `json:"checked"`
			Deviations int    `json:"deviations"`
			Opened     int    `json:"opened"`
			Resolved   int    `json:"resolved"`
		}{x.ID, x.List, x.Manifest, x.Result.Checked, len(v.Result.Deviations), x.Opened, x.Resolved})
		return appendAudit(ctx, tx, audit.Entry{At: x.At, Actor: actor, Action: "trust.verify", Object: trustObject(a.Name), After: summary,
			Reason: fmt.Sprintf("%s against %s: %d checked, %d deviations", x.List, x.Manifest, x.Result.Checked, len(v.Result.Deviations))})
	})
	return x, err
}

// ListVerifications implements store.Trust.
func (s *Store) ListVerifications(ctx context.Context, assetID int64) ([]trust.Verification, error) {
	return collect(ctx, s.r, s.d.Rebind(`SELECT id, detail FROM trust_verifications WHERE asset_id = ? ORDER BY id DESC`), []any{assetID},
		func(r *sql.Rows) (trust.Verification, error) {
			var (
				v      trust.Verification
				id     int64
				detail string
			)
			if err := r.Scan(&id, &detail); err != nil {
				return v, err
			}
			if err := json.Unmarshal([]byte(detail), &v); err != nil {
				return v, fmt.Errorf("verification %d: %w", id, err)
			}
			v.ID, v.At = id, v.At.UTC()
			return v, nil
		})
}
