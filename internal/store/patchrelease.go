package store

import (
	"context"

	"github.com/vmc-dev/vmc/internal/incident"
)

// PatchReleases keeps the security patch releases of incidents: patch
// records, the advisories published about them, and the settings
// advisories are published with. Every write is in the audit log as
// actor's in the same transaction: patches under their incident's object
// ("incident:<id>", and on its timeline), advisories under their own
// ("advisory:<id>"), the settings under "advisory-settings".
//
// The store enforces what depends on what is stored: a patch's steps
// (incident.Patch.Apply) against the patch as stored, the advisory moves
// (incident.CheckAdvisoryMove), and that a released advisory changes
// only by a new revision.
type PatchReleases interface {
	// PutPatch creates a patch on p.Incident (ID 0) or changes one's
	// description (product, component, fixed versions, criticality,
	// owner, change ticket, checklist items, advisory) and returns it as
	// stored. A new patch starts with its notification pending and its
	// change requested by actor; the store adds two incident tasks
	// beside it, the change (kind change) and applying the patch (kind
	// patch), owned by its owner. Approval, tests, release and
	// notification change only through ChangePatch; a released patch's
	// description stays as released.
	PutPatch(ctx context.Context, p incident.Patch, actor string) (incident.Patch, error)
	Patch(ctx context.Context, id int64) (incident.Patch, error)
	// ListPatches returns an incident's patches, oldest first.
	ListPatches(ctx context.Context, incidentID int64) ([]incident.Patch, error)
	// ChangePatch takes a step of a patch's release as actor
	// (incident.Patch.Apply), on the incident's timeline; approving the
	// change marks the change task done, releasing the patch the patch
	// task.
	ChangePatch(ctx context.Context, id int64, op incident.PatchOp, actor string) (incident.Patch, error)

	// CreateAdvisory keeps a new draft advisory for a.Incident and
	// returns it as stored. Its id is a.ID when that is its CVE (an
	// advisory known by its CVE alone), else the next of the settings'
	// prefix for the year (incident.OwnID). A zero marking is the
	// incident's; the publisher is the settings'.
	CreateAdvisory(ctx context.Context, a incident.Advisory, actor string) (incident.Advisory, error)
	// UpdateAdvisory changes an advisory's content, CVE and marking. A
	// draft changes as it is; a final or published advisory only with a
	// summary of the change, which becomes its next revision.
	UpdateAdvisory(ctx context.Context, a incident.Advisory, actor, summary string) (incident.Advisory, error)
	// MoveAdvisory finalises a draft (its first revision, summary
	// "Initial release" unless one is given) or publishes a final
	// advisory (incident.Advisory.CheckPublish).
	MoveAdvisory(ctx context.Context, id string, to incident.AdvisoryState, actor, summary string) (incident.Advisory, error)
	// Advisory returns the advisory known by id: its own id or its CVE,
	// matched case-insensitively.
	Advisory(ctx context.Context, id string) (incident.Advisory, error)
	// ListAdvisories returns the advisories q selects, newest first.
	ListAdvisories(ctx context.Context, q AdvisoryQuery) ([]incident.Advisory, error)
	// AdvisorySettings returns the settings, with incident.
	// DefaultAdvisoryPrefix and no publisher when none are stored.
	AdvisorySettings(ctx context.Context) (incident.AdvisorySettings, error)
	PutAdvisorySettings(ctx context.Context, s incident.AdvisorySettings, actor string) error
}

// AdvisoryQuery selects advisories. The zero value lists every one.
type AdvisoryQuery struct {
	Incident int64
	State    incident.AdvisoryState
}
