package store

import (
	"context"

	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/samm"
)

// Maintenance keeps environment hardening (package maintenance): asset
// environment specifications with their versions, maintenance groups and
// their plans, patch plans, protective tools, audit plans with their runs,
// and each project's answers to SAMM's Environment Management questions.
// Every write is in the audit log as actor's in the same transaction,
// under "env-spec:<asset>", "maintenance-group:<name>", "patch-plan:<id>",
// "protective-tool:<asset>", "audit-plan:<id>" or "samm:<project>".
// Specifications, audit runs and SAMM answers are append-only: a change
// is a new row, and the old ones stay.
type Maintenance interface {
	// PutSpec stores a new version of an asset's environment
	// specification and returns it with its version. A specification
	// whose content equals the current one is not a change: the current
	// one is returned.
	PutSpec(ctx context.Context, s maintenance.Spec, actor string) (maintenance.Spec, error)
	// Specs returns every version of an asset's specification, newest
	// first.
	Specs(ctx context.Context, asset string) ([]maintenance.Spec, error)
	// CurrentSpecs returns the newest version of each asset's
	// specification, by asset name.
	CurrentSpecs(ctx context.Context) ([]maintenance.Spec, error)

	// PutGroup creates or changes the maintenance group with g's name.
	PutGroup(ctx context.Context, g maintenance.Group, actor string) (maintenance.Group, error)
	Group(ctx context.Context, name string) (maintenance.Group, error)
	ListGroups(ctx context.Context) ([]maintenance.Group, error)

	// PutPatchPlan creates a patch plan (ID 0; it starts planned) or
	// changes one; a change of status is checked against the status
	// stored (maintenance.CheckPatchMove). Its group must exist.
	PutPatchPlan(ctx context.Context, p maintenance.PatchPlan, actor string) (maintenance.PatchPlan, error)
	PatchPlan(ctx context.Context, id int64) (maintenance.PatchPlan, error)
	// ListPatchPlans returns the plans of a group ("" for every group),
	// oldest first.
	ListPatchPlans(ctx context.Context, group string) ([]maintenance.PatchPlan, error)

	// PutTool records or changes the protective tool of its kind on an
	// asset.
	PutTool(ctx context.Context, t maintenance.Tool, actor string) (maintenance.Tool, error)
	// ListTools returns every protective tool, by asset and kind.
	ListTools(ctx context.Context) ([]maintenance.Tool, error)

	// PutAuditPlan creates an audit plan (ID 0) or changes one.
	PutAuditPlan(ctx context.Context, p maintenance.AuditPlan, actor string) (maintenance.AuditPlan, error)
	// AuditPlan returns a plan with its runs.
	AuditPlan(ctx context.Context, id int64) (maintenance.AuditPlan, error)
	// ListAuditPlans returns every plan with its runs, oldest first.
	ListAuditPlans(ctx context.Context) ([]maintenance.AuditPlan, error)
	// AddAuditRun records an audit done under a plan, checked against
	// the plan as stored (maintenance.AuditRun.Validate).
	AddAuditRun(ctx context.Context, r maintenance.AuditRun, actor string) (maintenance.AuditRun, error)

	// PutSAMMAnswers records a project's answers to some questions; the
	// others keep their last answers.
	PutSAMMAnswers(ctx context.Context, project string, as samm.Answers, actor string) error
	// SAMMAnswers returns a project's current answers.
	SAMMAnswers(ctx context.Context, project string) (samm.Answers, error)
	// SAMMProjects returns the projects with answers, sorted.
	SAMMProjects(ctx context.Context) ([]string, error)
}
