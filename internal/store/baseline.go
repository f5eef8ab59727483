package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
)

// Baselines keeps hosts' configuration snapshots and their evaluations
// against baselines: each host's compliance history. Snapshots and
// evaluations are never rewritten. Every import is in the audit log as
// actor's ("snapshot.import" on "asset:<name>") in its transaction.
type Baselines interface {
	// PutSnapshot keeps a snapshot of an asset with its evaluations in
	// one transaction and returns them as stored. Each evaluation's
	// Changes are set against the asset's previous evaluation of the
	// same baseline (baseline.Diff), read in the same transaction.
	PutSnapshot(ctx context.Context, assetID int64, snap baseline.Snapshot, evals []baseline.Evaluation, actor string) (HostSnapshot, error)
	// ImportSnapshot is PutSnapshot and the findings its evaluations
	// open and verify, in one transaction: when any part fails nothing is
	// kept, so a host's compliance history and its findings never tell
	// different stories. scans is called in the transaction with the
	// snapshot as stored (its id names the scans' source), again if the
	// transaction is retried, and returns for each evaluation the asset's
	// findings to reconcile with its failed rules (ReconcileFindings; the
	// rules' records are stored beforehand, the scan's Details keyed by
	// the vulnerabilities the matches name). The changes come back per
	// scan, in order.
	ImportSnapshot(ctx context.Context, a asset.Asset, snap baseline.Snapshot, evals []baseline.Evaluation, actor string,
		scans func(HostSnapshot) ([]SnapshotScan, error)) (HostSnapshot, [][]finding.Change, error)
	// HostSnapshot returns a snapshot with its evaluations.
	HostSnapshot(ctx context.Context, id int64) (HostSnapshot, error)
	// ListSnapshots returns an asset's snapshots, newest first, without
	// their content or evaluations' results.
	ListSnapshots(ctx context.Context, assetID int64) ([]HostSnapshot, error)
	// Evaluations returns an asset's evaluations of a baseline (every
	// baseline when id is ""), oldest first: its compliance over time.
	// Results are left out unless withResults.
	Evaluations(ctx context.Context, assetID int64, id string, withResults bool) ([]Evaluation, error)
}

// SnapshotScan is what one evaluation of a snapshot does to the asset's
// findings: its failed rules as matches, and the scan they come from.
type SnapshotScan struct {
	Matches []match.Match
	Scan    finding.Scan
}

// HostSnapshot is a snapshot as stored.
type HostSnapshot struct {
	ID      int64     `json:"id"`
	AssetID int64     `json:"asset_id"`
	Taken   time.Time `json:"taken"`
	Actor   string    `json:"actor"`
	// Snapshot is empty in lists.
	Snapshot    baseline.Snapshot `json:"snapshot"`
	Evaluations []Evaluation      `json:"evaluations,omitempty"`
}

// Evaluation is an evaluation as stored.
type Evaluation struct {
	ID       int64 `json:"id"`
	Snapshot int64 `json:"snapshot"`
	baseline.Evaluation
}
