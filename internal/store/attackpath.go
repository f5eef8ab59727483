package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/attackpath"
	"github.com/vmc-dev/vmc/internal/risk"
)

// AttackModel is a stored network model: the facts a person imported
// (MulVAL input or vmc's JSON format, docs/attack-paths.md), which add
// reachability, services and accounts to what the inventory says.
type AttackModel struct {
	Name    string    `json:"name"`
	Format  string    `json:"format"` // "mulval" or "json"
	Source  string    `json:"source,omitempty"`
	By      string    `json:"by"`
	Updated time.Time `json:"updated"`
}

// AttackAnalysis is one computed attack graph, kept as it came out.
type AttackAnalysis struct {
	ID int64 `json:"id"`
	// Model names the stored model analysed ("" for the inventory alone).
	Model string `json:"model"`
	// Inventory says the stored assets and findings were part of the model.
	Inventory bool                    `json:"inventory"`
	At        time.Time               `json:"at"`
	By        string                  `json:"by"`
	Notes     []string                `json:"notes,omitempty"` // findings left out, and why
	Report    attackpath.AttackReport `json:"report"`
	// OnPaths are the open findings the ranked paths exploit, with their
	// priority raised by risk.WithAttackPath.
	OnPaths []FindingOnPath `json:"on_paths,omitempty"`
	// Unmarked, set by AddAttackAnalysis for an inventory analysis, are
	// the findings the previous one marked and this one does not: their
	// priority falls back when they are re-assessed.
	Unmarked []int64 `json:"-"`
}

// FindingOnPath is a finding an attack path uses, and what that does to
// its priority.
type FindingOnPath struct {
	FindingID int64         `json:"finding_id"`
	Asset     string        `json:"asset"`
	Vuln      string        `json:"vuln"`
	Priority  risk.Priority `json:"priority"`
	Raised    risk.Priority `json:"raised"`
	Why       string        `json:"why"`
	// Goals and Path are the crown-jewel goals reached through the
	// finding and the most likely such path, as the mark keeps them.
	Goals []string `json:"goals,omitempty"`
	Path  string   `json:"path,omitempty"`
}

// AttackPaths keeps network models and attack-path analyses. Writes are in
// the audit log as actor's in the same transaction: "attackpath.model"
// under "attackmodel:<name>", "attackpath.analyse" under
// "attackanalysis:<id>".
type AttackPaths interface {
	// PutAttackModel creates or replaces the model called m.Name.
	PutAttackModel(ctx context.Context, m AttackModel, actor string) (AttackModel, error)
	AttackModel(ctx context.Context, name string) (AttackModel, error)
	// ListAttackModels returns the models by name, without their source.
	ListAttackModels(ctx context.Context) ([]AttackModel, error)
	// AddAttackAnalysis stores an analysis and returns it with its id.
	// An analysis of the inventory also replaces, in the same transaction,
	// every finding's attack-path mark with its OnPaths (those with goals),
	// and reports in Unmarked the findings that lost theirs.
	AddAttackAnalysis(ctx context.Context, a AttackAnalysis, actor string) (AttackAnalysis, error)
	AttackAnalysis(ctx context.Context, id int64) (AttackAnalysis, error)
	// LatestAttackAnalysis returns the newest analysis (of any model).
	LatestAttackAnalysis(ctx context.Context) (AttackAnalysis, error)
	// AttackPathMarks returns the marks of the asset's findings, by
	// vulnerability id, as risk.WithAttackPath takes them.
	AttackPathMarks(ctx context.Context, assetID int64) (map[string]risk.AttackPathInput, error)
}
