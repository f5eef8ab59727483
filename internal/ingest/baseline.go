package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/store"
)

// BaselineSource is the source name of the records vmc writes for
// baseline rules, and the prefix of the tools their findings are
// evidence of ("baseline/openssh-server").
const BaselineSource = "baseline"

// FindingSeverity is the least severity of a failed rule that opens a
// finding: low and info rules are reported in the results only.
const FindingSeverity = baseline.Medium

// SnapshotOutcome is what importing a host's snapshot did.
type SnapshotOutcome struct {
	Asset    string             `json:"asset"`
	Snapshot store.HostSnapshot `json:"snapshot"`
	Findings Outcome            `json:"findings"`
	// Changes are the findings the evaluation opened or changed.
	Changes []finding.Change `json:"-"`
}

// ImportSnapshot evaluates a host's snapshot against baselines, keeps
// the snapshot and the evaluations on the asset (a host, created when
// new), and files the rules that failed as findings. Each baseline is a
// tool of its own ("baseline/<id>") reconciled like a scanner's report:
// a failed rule of severity medium or more opens a finding on its place
// ("sshd:PermitRootLogin") of the asset, its record the rule
// ("BASELINE-<baseline>-<rule>", with its title, rationale, severity
// and citation); a rule that passes again resolves it, the snapshot
// being the verification. Rules the snapshot could not decide (unknown,
// not applicable) leave their findings as they are.
func (m *Matcher) ImportSnapshot(ctx context.Context, assetName string, snap baseline.Snapshot, bs []baseline.Baseline, actor string) (SnapshotOutcome, error) {
	out := SnapshotOutcome{Asset: assetName}
	a, err := m.Store.Asset(ctx, assetName)
	if errors.Is(err, store.ErrNotFound) {
		a, err = m.Store.PutAsset(ctx, asset.Asset{Name: assetName, Kind: asset.KindHost})
	}
	if err != nil {
		return out, fmt.Errorf("asset %s: %w", assetName, err)
	}
	now := m.now()
	evals := make([]baseline.Evaluation, len(bs))
	for i, b := range bs {
		evals[i] = baseline.Evaluate(b, snap, now)
	}
	policies, err := m.Store.SLAPolicies(ctx)
	if err != nil {
		return out, err
	}
	rules, err := m.Store.Rules(ctx)
	if err != nil {
		return out, err
	}
	policy := finding.PolicyFor(policies, a.Environment)
	assess := m.assessor(ctx, a, true)
	scans := make([]store.SnapshotScan, len(bs))
	decided := make([]bool, len(bs))
	var records []advisory.Record
	for i, b := range bs {
		var recs []advisory.Record
		scans[i], recs, decided[i] = snapshotScan(b, evals[i])
		records = append(records, recs...)
	}
	// The rules' records come first, in their own transaction: they are
	// the rules' text, the same at every import, and the findings'
	// assessment reads them.
	if len(records) > 0 {
		if _, err := m.Store.PutRecords(ctx, records); err != nil {
			return out, fmt.Errorf("the baselines' records: %w", err)
		}
	}
	// The snapshot, its evaluations and the findings they decide are kept
	// in one transaction: an import that fails leaves no evaluation whose
	// findings were never filed.
	var matched []int
	snapshot, changes, err := m.Store.ImportSnapshot(ctx, a, snap, evals, actor, func(stored store.HostSnapshot) ([]store.SnapshotScan, error) {
		var todo []store.SnapshotScan
		matched = matched[:0]
		for i, b := range bs {
			if !decided[i] {
				// Nothing decided: an empty scope would mean every place.
				continue
			}
			sc := scans[i]
			tool := BaselineSource + "/" + b.ID
			sc.Scan = finding.Scan{At: now, Tool: tool, Source: fmt.Sprintf("%s %s snapshot %d", tool, b.Version, stored.ID),
				Details: sc.Scan.Details, Scope: sc.Scan.Scope, Assess: assess, Policy: &policy, Rules: rules}
			todo = append(todo, sc)
			matched = append(matched, len(sc.Matches))
		}
		return todo, nil
	})
	if err != nil {
		return out, err
	}
	out.Snapshot = snapshot
	for i, chs := range changes {
		out.Findings.add(chs, matched[i], nil)
		out.Changes = append(out.Changes, chs...)
	}
	return out, nil
}

// snapshotScan is what an evaluation says of the asset's findings: a
// match, with its rule's record and evidence, for each failed rule of
// FindingSeverity or worse, and every decided place as the scope (false
// when no rule was decided). The evaluation's results do not depend on
// the previous one the store compares it with.
func snapshotScan(b baseline.Baseline, ev baseline.Evaluation) (store.SnapshotScan, []advisory.Record, bool) {
	var (
		sc   store.SnapshotScan
		recs []advisory.Record
	)
	sc.Scan.Details = map[finding.Key]finding.Evidence{}
	for _, r := range ev.Results {
		if r.Status != baseline.Pass && r.Status != baseline.Fail {
			continue
		}
		c := asset.Component{Name: r.Place}
		sc.Scan.Scope = append(sc.Scan.Scope, finding.ComponentPackage(c))
		if r.Status != baseline.Fail || r.Severity.Rank() < FindingSeverity.Rank() {
			continue
		}
		rule, _ := b.Rule(r.Rule)
		rec := ruleRecord(b, rule)
		recs = append(recs, rec)
		sc.Matches = append(sc.Matches, match.Match{Component: c, Vuln: rec.ID, Explanation: match.Explanation{
			Source: BaselineSource, Record: b.ID + "/" + r.Rule, Kind: "reported", Package: r.Place, Installed: r.Actual}})
		detail := fmt.Sprintf("expected %s, actual %s", r.Expected, r.Actual)
		if r.Note != "" {
			detail += " (" + r.Note + ")"
		}
		sc.Scan.Details[finding.Key{Package: finding.ComponentPackage(c), Vuln: rec.ID}] = finding.Evidence{
			Rule: b.ID + "/" + r.Rule, Severity: string(r.Severity), Mapped: string(r.Severity), Location: r.Place, Detail: detail}
	}
	return sc, recs, sc.Scan.Scope != nil
}

// ruleRecord is the vulnerability record a failed rule's finding refers
// to: the rule as a check with no CVE, as a scanner's check is.
func ruleRecord(b baseline.Baseline, r baseline.Rule) advisory.Record {
	rec := advisory.Record{
		Source: BaselineSource,
		ID:     "BASELINE-" + b.ID + "-" + r.ID,
		Titles: []advisory.Text{{Lang: "en", Value: r.Title.En}, {Lang: "zh-CN", Value: r.Title.ZH}},
		Descriptions: []advisory.Text{
			{Lang: "en", Value: r.Rationale.En + " Source: " + citation(r.Source) + "."},
			{Lang: "zh-CN", Value: r.Rationale.ZH + " 来源：" + citation(r.Source) + "。"},
		},
		Severities: []advisory.Severity{{Type: advisory.RatingOther, Rating: strings.ToUpper(string(r.Severity)), Provider: BaselineSource}},
		References: []advisory.Reference{{Type: "WEB", URL: r.Source.URL}},
	}
	return rec
}

func citation(c baseline.Citation) string {
	if c.Section == "" {
		return c.Name
	}
	return c.Name + ", " + c.Section
}
