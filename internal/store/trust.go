package store

import (
	"context"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/trust"
)

// Trust keeps hosts' trusted-computing postures and the integrity
// verifications of their measurement lists. Every write is in the audit
// log as actor's in the same transaction, under the asset's object
// ("asset:<name>"): "trust.posture" and "trust.verify".
type Trust interface {
	// PutPosture records p as its asset's posture (p.AssetID), replacing
	// the one before, and in the same transaction replaces the asset's
	// components from trust snapshots (trust.IsSnapshotComponent) with
	// p.Components, leaving its other components as they are. It returns
	// the posture as stored and the change to the inventory.
	PutPosture(ctx context.Context, p trust.Posture, actor string) (trust.Posture, asset.Change, error)
	// Posture returns an asset's posture.
	Posture(ctx context.Context, assetID int64) (trust.Posture, error)
	// ListPostures returns every posture, by asset name.
	ListPostures(ctx context.Context) ([]trust.Posture, error)
	// AddVerification records a verification (its deviations cut to
	// trust.MaxRecordedDeviations) and returns it with its id.
	AddVerification(ctx context.Context, v trust.Verification, actor string) (trust.Verification, error)
	// ListVerifications returns an asset's verifications, newest first.
	ListVerifications(ctx context.Context, assetID int64) ([]trust.Verification, error)
}
