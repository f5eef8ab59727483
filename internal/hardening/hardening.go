// Package hardening reads environment hardening's reports from a store:
// what package maintenance computes (triggers, progress, upgrades, gaps,
// overdue audits) and package samm scores, over the assets, findings and
// plans the store holds. The API and the command line both show these
// reports; this is the one place they are put together. It knows nothing
// of HTTP, the command line or SQL.
package hardening

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/samm"
	"github.com/vmc-dev/vmc/internal/store"
)

// Store is what the reports read.
type Store interface {
	store.Assets
	store.Findings
	store.Maintenance
}

// PlanReport is a patch plan with its progress as the re-scans measure
// it, and its findings as they stand.
type PlanReport struct {
	Plan     maintenance.PatchPlan     `json:"plan"`
	Progress maintenance.PatchProgress `json:"progress"`
	// States are the plan's findings' states, by finding id.
	States map[int64]finding.State `json:"states"`
}

// Plan reports one patch plan.
func Plan(ctx context.Context, s Store, p maintenance.PatchPlan) (PlanReport, error) {
	r := PlanReport{Plan: p, States: map[int64]finding.State{}}
	var fs []finding.Finding
	for _, id := range p.Findings {
		f, err := s.Finding(ctx, id)
		if err != nil {
			return r, fmt.Errorf("patch plan %d: %w", p.ID, err)
		}
		fs = append(fs, f)
		r.States[id] = f.State
	}
	r.Progress = maintenance.Measure(p, fs)
	return r, nil
}

// Plans reports the patch plans of a group ("" for all).
func Plans(ctx context.Context, s Store, group string) ([]PlanReport, error) {
	ps, err := s.ListPatchPlans(ctx, group)
	if err != nil {
		return nil, err
	}
	out := make([]PlanReport, 0, len(ps))
	for _, p := range ps {
		r, err := Plan(ctx, s, p)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// GroupReport is a maintenance group with its members, its next window,
// the findings triggering emergency patching now and its patch plans.
type GroupReport struct {
	Group      maintenance.Group     `json:"group"`
	Members    []string              `json:"members"`
	NextWindow time.Time             `json:"next_window,omitzero"`
	Triggers   []maintenance.Trigger `json:"triggers"`
	// Open counts the members' open findings.
	Open  int          `json:"open"`
	Plans []PlanReport `json:"plans"`
}

// openFindings returns the open findings on the named assets.
func openFindings(ctx context.Context, s Store, assets []string) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, a := range assets {
		for f, err := range store.EachFinding(ctx, s, store.FindingQuery{Asset: a, Open: true, Limit: 1000}) {
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// Group reports one group as of now.
func Group(ctx context.Context, s Store, name string, now time.Time) (GroupReport, error) {
	g, err := s.Group(ctx, name)
	if err != nil {
		return GroupReport{}, err
	}
	assets, err := s.ListAssets(ctx)
	if err != nil {
		return GroupReport{}, err
	}
	return group(ctx, s, g, assets, now)
}

func group(ctx context.Context, s Store, g maintenance.Group, assets []asset.Asset, now time.Time) (GroupReport, error) {
	r := GroupReport{Group: g, Members: g.Members(assets), NextWindow: g.NextWindow(now)}
	fs, err := openFindings(ctx, s, r.Members)
	if err != nil {
		return r, err
	}
	r.Open, r.Triggers = len(fs), g.Triggers(fs)
	if r.Triggers == nil {
		r.Triggers = []maintenance.Trigger{}
	}
	r.Plans, err = Plans(ctx, s, g.Name)
	return r, err
}

// Groups reports every group.
func Groups(ctx context.Context, s Store, now time.Time) ([]GroupReport, error) {
	gs, err := s.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	assets, err := s.ListAssets(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]GroupReport, 0, len(gs))
	for _, g := range gs {
		r, err := group(ctx, s, g, assets, now)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// GroupFindings returns the open findings on a group's assets, those on
// package pkg only when it is not "" (how a patch plan picks its
// findings by the component it updates).
func GroupFindings(ctx context.Context, s Store, group, pkg string) ([]finding.Finding, error) {
	g, err := s.Group(ctx, group)
	if err != nil {
		return nil, err
	}
	assets, err := s.ListAssets(ctx)
	if err != nil {
		return nil, err
	}
	fs, err := openFindings(ctx, s, g.Members(assets))
	if err != nil || pkg == "" {
		return fs, err
	}
	return slices.DeleteFunc(fs, func(f finding.Finding) bool { return f.Package != pkg }), nil
}

// Upgrades lists the critical security upgrades the open findings call
// for, in env only when it is not "".
func Upgrades(ctx context.Context, s Store, env asset.Environment) ([]maintenance.Upgrade, error) {
	assets, err := s.ListAssets(ctx)
	if err != nil {
		return nil, err
	}
	envOf := map[string]asset.Environment{}
	var names []string
	for _, a := range assets {
		if env == "" || a.Environment == env {
			envOf[a.Name] = a.Environment
			names = append(names, a.Name)
		}
	}
	fs, err := openFindings(ctx, s, names)
	if err != nil {
		return nil, err
	}
	out := maintenance.Upgrades(fs, envOf)
	if out == nil {
		out = []maintenance.Upgrade{}
	}
	return out, nil
}

// CoverageReport is the protective tools' coverage: per group and
// environment, and each asset's gaps.
type CoverageReport struct {
	Coverage []maintenance.ToolCoverage `json:"coverage"`
	Gaps     []maintenance.Gap          `json:"gaps"`
	Tools    []maintenance.Tool         `json:"tools"`
}

// Coverage reports the protective tools' coverage.
func Coverage(ctx context.Context, s Store) (CoverageReport, error) {
	assets, err := s.ListAssets(ctx)
	if err != nil {
		return CoverageReport{}, err
	}
	tools, err := s.ListTools(ctx)
	if err != nil {
		return CoverageReport{}, err
	}
	gaps := maintenance.Gaps(assets, tools)
	r := CoverageReport{Coverage: maintenance.Coverages(assets, gaps), Gaps: gaps, Tools: tools}
	if r.Gaps == nil {
		r.Gaps = []maintenance.Gap{}
	}
	if r.Tools == nil {
		r.Tools = []maintenance.Tool{}
	}
	if r.Coverage == nil {
		r.Coverage = []maintenance.ToolCoverage{}
	}
	return r, nil
}

// AuditReport is an audit plan with when its next audit is due.
type AuditReport struct {
	Plan    maintenance.AuditPlan `json:"plan"`
	Due     time.Time             `json:"due"`
	Overdue bool                  `json:"overdue"`
}

// Audits reports every audit plan as of now, overdue ones first.
func Audits(ctx context.Context, s Store, now time.Time) ([]AuditReport, error) {
	ps, err := s.ListAuditPlans(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]AuditReport, 0, len(ps))
	for _, p := range ps {
		out = append(out, AuditReport{Plan: p, Due: p.Due(), Overdue: p.Overdue(now)})
	}
	slices.SortStableFunc(out, func(a, b AuditReport) int {
		switch {
		case a.Overdue == b.Overdue:
			return a.Due.Compare(b.Due)
		case a.Overdue:
			return -1
		}
		return 1
	})
	return out, nil
}

// SAMMReport is a project's answers and scores.
type SAMMReport struct {
	Project string       `json:"project"`
	Answers samm.Answers `json:"answers"`
	Score   samm.Score   `json:"score"`
}

// SAMM reports the named projects, or every project with answers when
// none is named.
func SAMM(ctx context.Context, s Store, projects ...string) ([]SAMMReport, error) {
	if len(projects) == 0 {
		var err error
		if projects, err = s.SAMMProjects(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]SAMMReport, 0, len(projects))
	for _, p := range projects {
		as, err := s.SAMMAnswers(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, SAMMReport{Project: p, Answers: as, Score: samm.Compute(as)})
	}
	return out, nil
}
