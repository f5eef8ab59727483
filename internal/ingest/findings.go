package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

// Matcher keeps findings in step with what assets run and what advisories
// say: a new inventory is matched at once, and a changed advisory
// re-matches only the components it can affect.
type Matcher struct {
	Store      store.Store
	Precedence advisory.Precedence
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Observer, when set, is told what every re-match by this matcher and
	// every import that re-matches through it did (metrics).
	Observer Observer

	// vulns, in a matcher from Bulk, keeps the vulnerabilities read for
	// assessment across the assets of one run.
	vulns map[string]advisory.Vulnerability
}

// Bulk returns a matcher for one run over many assets: it reads each
// vulnerability once for the whole run rather than once per asset. It is
// not for keeping: what it read goes stale as advisories change.
func (m *Matcher) Bulk() *Matcher {
	b := *m
	b.vulns = map[string]advisory.Vulnerability{}
	return &b
}

// Observer is told of finished imports and re-matches.
type Observer interface {
	Imported(Report, error)
	Matched(Outcome)
}

// Outcome counts what a re-match did.
type Outcome struct {
	Assets int `json:"assets"`
	// Matches counts the matches found in scope.
	Matches int `json:"matches"`
	Opened  int `json:"opened"`
	// Moved counts state moves: fixes verified, regressions, VEX.
	Moved int `json:"moved"`
	// Reassessed counts findings whose priority changed.
	Reassessed int `json:"reassessed"`
	// Problems are matching errors (an unparseable version) that did not
	// stop the run.
	Problems []string `json:"problems,omitempty"`
}

func (o *Outcome) add(chs []finding.Change, matches int, errs []error) {
	o.Assets++
	o.Matches += matches
	for _, ch := range chs {
		if ch.Opened {
			o.Opened++
		}
		o.Moved += len(ch.Steps)
		if ch.Reassessed != nil && !ch.Opened {
			o.Reassessed++
		}
	}
	for _, e := range errs {
		if len(o.Problems) < MaxErrors {
			o.Problems = append(o.Problems, e.Error())
		}
	}
}

// Merge adds another outcome's counts, keeping the bound on problems.
func (o *Outcome) Merge(p Outcome) {
	o.Assets += p.Assets
	o.Matches += p.Matches
	o.Opened += p.Opened
	o.Moved += p.Moved
	o.Reassessed += p.Reassessed
	o.Problems = append(o.Problems, p.Problems[:min(len(p.Problems), max(0, MaxErrors-len(o.Problems)))]...)
}

func (m *Matcher) now() time.Time {
	if m.Now != nil {
		return m.Now().UTC()
	}
	return time.Now().UTC()
}

// Match looks up the advisories that name the components' packages or
// CPE products and matches them. Problems with single components are
// returned beside the matches.
func (m *Matcher) Match(ctx context.Context, cs []asset.Component) ([]match.Match, []error, error) {
	seen := map[store.Package]bool{}
	var pkgs []store.Package
	add := func(p store.Package) {
		if !seen[p] {
			seen[p] = true
			pkgs = append(pkgs, p)
		}
	}
	for _, c := range cs {
		if c.Ecosystem != "" {
			add(store.Package{Ecosystem: c.Ecosystem, Name: c.Name})
		}
		for _, k := range match.CPEKeys(c.CPEs) {
			add(store.Package{Ecosystem: store.CPE, Name: k})
		}
	}
	found, err := m.Store.AffectedFor(ctx, pkgs)
	if err != nil {
		return nil, nil, err
	}
	entries := make([]match.Entry, len(found))
	for i, e := range found {
		entries[i] = match.Entry{Vuln: e.Vuln, Source: e.Source, Record: e.Record, Document: e.Document,
			Affected: e.Affected, Configurations: e.Configurations}
	}
	ms, errs := match.Components(cs, entries, m.Precedence)
	return ms, errs, nil
}

// applyVEX sets the matches' VEX verdicts from statements, reading the
// vulnerabilities' aliases only when there are statements to apply.
func (m *Matcher) applyVEX(ctx context.Context, ms []match.Match, sts []match.VEX) error {
	if len(sts) == 0 || len(ms) == 0 {
		return nil
	}
	aliases := map[string][]string{}
	for _, x := range ms {
		if _, ok := aliases[x.Vuln]; ok {
			continue
		}
		v, err := m.Store.Vuln(ctx, x.Vuln, store.VulnOptions{})
		if err != nil {
			return fmt.Errorf("aliases of %s: %w", x.Vuln, err)
		}
		aliases[x.Vuln] = v.Aliases
	}
	match.ApplyVEX(ms, sts, func(id string) []string { return aliases[id] })
	return nil
}

// Asset re-matches an asset's components and reconciles its findings.
// scope lists the finding.PackageKeys to re-match; nil means all. source
// says what prompted it, as the evidence findings record.
func (m *Matcher) Asset(ctx context.Context, a asset.Asset, scope []string, source string) ([]finding.Change, Outcome, error) {
	var out Outcome
	cs, err := m.Store.Components(ctx, a.ID)
	if err != nil {
		return nil, out, err
	}
	if scope != nil {
		cs = slices.DeleteFunc(cs, func(c asset.Component) bool { return !slices.Contains(scope, finding.ComponentPackage(c)) })
	}
	present := map[string][]string{}
	for _, c := range cs {
		k := finding.ComponentPackage(c)
		present[k] = append(present[k], c.Version)
	}
	ms, errs, err := m.Match(ctx, cs)
	if err != nil {
		return nil, out, fmt.Errorf("match asset %s: %w", a.Name, err)
	}
	sts, err := m.Store.VEXFor(ctx, a.ID)
	if err != nil {
		return nil, out, err
	}
	if err := m.applyVEX(ctx, ms, sts); err != nil {
		return nil, out, fmt.Errorf("asset %s: %w", a.Name, err)
	}
	policies, err := m.Store.SLAPolicies(ctx)
	if err != nil {
		return nil, out, err
	}
	policy := finding.PolicyFor(policies, a.Environment)
	rules, err := m.Store.Rules(ctx)
	if err != nil {
		return nil, out, err
	}
	chs, err := m.Store.ReconcileFindings(ctx, a, ms, finding.Scan{At: m.now(), Source: source, Scope: scope, Present: present,
		Assess: m.assessor(ctx, a, true), Policy: &policy, Rules: rules})
	if err != nil {
		return nil, out, err
	}
	out.add(chs, len(ms), errs)
	if m.Observer != nil {
		m.Observer.Matched(out)
	}
	return chs, out, nil
}

// assessor assesses vulnerabilities on a, reading each once (for the
// asset, or for the run of a Bulk matcher). A finding the latest
// inventory attack-path analysis put on a path to a crown jewel is raised
// a priority (risk.WithAttackPath), unless paths is false.
func (m *Matcher) assessor(ctx context.Context, a asset.Asset, paths bool) func(string, []risk.SSVCOverride) (risk.Assessment, error) {
	vulns := m.vulns
	if vulns == nil {
		vulns = map[string]advisory.Vulnerability{}
	}
	var marks map[string]risk.AttackPathInput // read at the first assessment
	return func(id string, overrides []risk.SSVCOverride) (risk.Assessment, error) {
		v, ok := vulns[id]
		if !ok {
			var err error
			// With history: the EPSS trend is read from replaced scores.
			if v, err = m.Store.Vuln(ctx, id, store.VulnOptions{History: true}); err != nil {
				return risk.Assessment{}, err
			}
			vulns[id] = v
		}
		as, err := risk.Assess(v, a, overrides)
		if err != nil || !paths {
			return as, err
		}
		if marks == nil {
			if marks, err = m.Store.AttackPathMarks(ctx, a.ID); err != nil {
				return as, err
			}
		}
		if in, ok := marks[v.ID]; ok {
			as = risk.WithAttackPath(as, in)
		}
		return as, nil
	}
}

// Assess assesses one vulnerability on an asset, as re-matching does.
func (m *Matcher) Assess(ctx context.Context, a asset.Asset, vuln string, overrides []risk.SSVCOverride) (risk.Assessment, error) {
	return m.assessor(ctx, a, true)(vuln, overrides)
}

// AssessOffPath assesses as Assess does but without the attack-path mark:
// the priority an attack-path analysis raises.
func (m *Matcher) AssessOffPath(ctx context.Context, a asset.Asset, vuln string, overrides []risk.SSVCOverride) (risk.Assessment, error) {
	return m.assessor(ctx, a, false)(vuln, overrides)
}

// Records re-matches what changed advisory records can affect: the
// components of the packages and CPE products they name, and the packages
// with findings on their vulnerabilities.
func (m *Matcher) Records(ctx context.Context, recs []advisory.Record) (Outcome, error) {
	var (
		out  Outcome
		pkgs []store.Package
		refs []store.RecordRef
		seen = map[store.Package]bool{}
	)
	add := func(p store.Package) {
		if !seen[p] {
			seen[p] = true
			pkgs = append(pkgs, p)
		}
	}
	for _, r := range recs {
		refs = append(refs, store.RecordRef{Source: r.Source, ID: r.ID})
		for _, a := range r.Affected {
			if a.Ecosystem != "" && a.Package != "" {
				add(store.Package{Ecosystem: a.Ecosystem, Name: a.Package})
			}
			if a.Vendor != "" && a.Product != "" {
				add(store.Package{Ecosystem: store.CPE, Name: a.Vendor + ":" + a.Product})
			}
		}
	}
	// Most imports run where no asset is kept yet: nothing to re-match.
	assets, err := m.Store.ListAssets(ctx)
	if err != nil || len(assets) == 0 {
		return out, err
	}
	scopes, err := m.Store.RematchScope(ctx, pkgs, refs)
	if err != nil || len(scopes) == 0 {
		return out, err
	}
	bulk := m.Bulk()
	for _, a := range assets {
		scope, ok := scopes[a.ID]
		if !ok {
			continue
		}
		_, o, err := bulk.Asset(ctx, a, scope, "advisory update")
		if err != nil {
			return out, err
		}
		out.Merge(o)
	}
	return out, nil
}

// ApplyRule keeps a triage rule and makes its decision, as actor, on every
// finding it reaches now; future matches get it from the rule. It returns
// the findings it changed.
func (m *Matcher) ApplyRule(ctx context.Context, r finding.Rule, actor string) (finding.Rule, []finding.Finding, error) {
	r, err := m.Store.PutRule(ctx, r)
	if err != nil {
		return r, nil, err
	}
	policies, err := m.Store.SLAPolicies(ctx)
	if err != nil {
		return r, nil, err
	}
	assets := map[string]asset.Asset{}
	var changed []finding.Finding
	for f, err := range store.EachFinding(ctx, m.Store, store.FindingQuery{Vuln: r.Vuln, Limit: 1000}) {
		if err != nil {
			return r, changed, err
		}
		a, ok := assets[f.Asset]
		if !ok {
			if a, err = m.Store.Asset(ctx, f.Asset); err != nil {
				return r, changed, err
			}
			assets[f.Asset] = a
		}
		if !r.Reaches(f, a.Team) {
			continue
		}
		applied := false
		g, err := m.Store.ChangeFinding(ctx, f.ID, actor, func(f *finding.Finding) ([]finding.Decision, error) {
			d, ok, err := r.Apply(f, m.now())
			if err != nil || !ok {
				return nil, err
			}
			applied = true
			f.Schedule(finding.PolicyFor(policies, a.Environment))
			return []finding.Decision{d}, nil
		})
		if err != nil {
			return r, changed, err
		}
		if applied {
			changed = append(changed, g)
		}
	}
	return r, changed, nil
}

// ReassessMarked re-assesses the findings an inventory attack-path
// analysis (stored by AddAttackAnalysis) marked or unmarked, so their
// stored priority and explanation follow the path; each priority change
// is audited as actor's finding.priority. It returns the findings whose
// priority moved; one deleted since the analysis is passed over.
func (m *Matcher) ReassessMarked(ctx context.Context, a store.AttackAnalysis, actor string) ([]finding.Finding, error) {
	ids := slices.Clone(a.Unmarked)
	for _, f := range a.OnPaths {
		ids = append(ids, f.FindingID)
	}
	slices.Sort(ids)
	ps, err := m.Store.SLAPolicies(ctx)
	if err != nil {
		return nil, err
	}
	var out []finding.Finding
	for _, id := range slices.Compact(ids) {
		moved := false
		f, err := m.Store.ChangeFinding(ctx, id, actor, func(f *finding.Finding) ([]finding.Decision, error) {
			at, err := m.Store.Asset(ctx, f.Asset)
			if err != nil {
				return nil, err
			}
			as, err := m.Assess(ctx, at, f.Vuln, f.Overrides)
			if err != nil {
				return nil, err
			}
			d, ok := f.Reassess(as, m.now())
			if !ok {
				return nil, nil
			}
			f.Schedule(finding.PolicyFor(ps, at.Environment))
			moved = true
			return []finding.Decision{d}, nil
		})
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return out, err
		}
		if moved {
			out = append(out, f)
		}
	}
	return out, nil
}
