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
	out.Snapshot, err = m.Store.PutSnapshot(ctx, a.ID, snap, evals, actor)
	if err != nil {
		return out, err
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
	for i, b := range bs {
		ev := out.Snapshot.Evaluations[i].Evaluation
		var records []advisory.Record
		var ms []match.Match
		details := map[finding.Key]finding.Evidence{}
		var scope []string
		for _, r := range ev.Results {
			if r.Status != baseline.Pass && r.Status != baseline.Fail {
				continue
			}
			c := asset.Component{Name: r.Place}
			scope = append(scope, finding.ComponentPackage(c))
			if r.Status != baseline.Fail || r.Severity.Rank() < FindingSeverity.Rank() {
				continue
			}
			rule, _ := b.Rule(r.Rule)
			rec := ruleRecord(b, rule)
			records = append(records, rec)
			ms = append(ms, match.Match{Component: c, Vuln: rec.ID, Explanation: match.Explanation{
				Source: BaselineSource, Record: b.ID + "/" + r.Rule, Kind: "reported", Package: r.Place, Installed: r.Actual}})
			detail := fmt.Sprintf("expected %s, actual %s", r.Expected, r.Actual)
			if r.Note != "" {
				detail += " (" + r.Note + ")"
			}
			details[finding.Key{Package: finding.ComponentPackage(c), Vuln: rec.ID}] = finding.Evidence{
				Rule: b.ID + "/" + r.Rule, Severity: string(r.Severity), Mapped: string(r.Severity), Location: r.Place, Detail: detail}
		}
		if len(records) > 0 {
			if _, err := m.Store.PutRecords(ctx, records); err != nil {
				return out, fmt.Errorf("baseline %s: the rules' records: %w", b.ID, err)
			}
		}
		// The records are new or their own: their ids are primary ids
		// unless a stored vulnerability took them in as aliases.
		for j := range ms {
			v, err := m.Store.Vuln(ctx, ms[j].Vuln, store.VulnOptions{})
			if err != nil {
				return out, fmt.Errorf("baseline %s: %s: %w", b.ID, ms[j].Vuln, err)
			}
			k := finding.Key{Package: finding.ComponentPackage(ms[j].Component), Vuln: ms[j].Vuln}
			e := details[k]
			delete(details, k)
			ms[j].Vuln, k.Vuln = v.ID, v.ID
			details[k] = e
		}
		if scope == nil {
			// Nothing decided: an empty scope would mean every place.
			continue
		}
		tool := BaselineSource + "/" + b.ID
		chs, err := m.Store.ReconcileFindings(ctx, a, ms, finding.Scan{At: now, Tool: tool,
			Source: fmt.Sprintf("%s %s snapshot %d", tool, b.Version, out.Snapshot.ID), Details: details, Scope: scope,
			Assess: m.assessor(ctx, a), Policy: &policy, Rules: rules})
		if err != nil {
			return out, err
		}
		out.Findings.add(chs, len(ms), nil)
		out.Changes = append(out.Changes, chs...)
	}
	return out, nil
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
