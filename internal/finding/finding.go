// Package finding is the lifecycle of a vulnerability found on an asset:
// its states and the moves between them, and how a scan's matches
// reconcile with the findings already recorded (opening new ones,
// verifying fixes, re-opening regressions, applying VEX).
//
// A finding is one vulnerability on one package of one asset. Several
// installed versions of the package that the vulnerability affects are
// one finding (Versions lists them), and the vulnerability is the merged
// one, so a CVE and its GHSA, GO and CNVD aliases make one finding.
//
// This package knows nothing of storage, HTTP or the command line.
package finding

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/risk"
)

// Finding is a vulnerability on a package of an asset.
type Finding struct {
	ID      int64  `json:"id"`
	AssetID int64  `json:"asset_id"`
	Asset   string `json:"asset"`
	// Ecosystem and Package name the package as the inventory does.
	Ecosystem string `json:"ecosystem,omitempty"`
	Package   string `json:"package"`
	// Versions are the installed versions the vulnerability affects.
	Versions []string `json:"versions"`
	// PURL is the first matching component's.
	PURL string `json:"purl,omitempty"`
	Vuln string `json:"vuln"`
	// Explanation is why the first version matched; Also the other
	// records that say the same.
	Explanation match.Explanation `json:"explanation,omitzero"`
	Also        []string          `json:"also,omitempty"`
	// VEX is what a VEX statement says about it, if one does.
	VEX *match.Verdict `json:"vex,omitempty"`
	// Evidence is each tool's sighting of it (see Evidence).
	Evidence []Evidence `json:"evidence,omitempty"`
	State    State      `json:"state"`
	// Reason is why it is in its state: the last move's reason.
	Reason string `json:"reason,omitempty"`
	// Regression says it was verified fixed once and came back.
	Regression bool `json:"regression,omitempty"`
	// Priority is the assessment's, or an analyst's override of it.
	Priority   risk.Priority    `json:"priority,omitempty"`
	Assessment *risk.Assessment `json:"assessment,omitempty"`
	// Overrides are analysts' SSVC decision-point overrides for it.
	Overrides []risk.SSVCOverride `json:"ssvc_overrides,omitempty"`
	// PriorityOverride is an analyst's priority, which the assessment
	// no longer changes.
	PriorityOverride *PriorityOverride `json:"priority_override,omitempty"`
	// Assignee is the person or team working on it.
	Assignee string `json:"assignee,omitempty"`
	// Acceptance is the risk acceptance in effect or last in effect.
	Acceptance *Acceptance `json:"acceptance,omitempty"`
	// Due is when it must be fixed by (zero: no deadline), DueRule the
	// policy rule that set it.
	Due     time.Time `json:"due,omitzero"`
	DueRule string    `json:"due_rule,omitempty"`
	// Breached is when the finding was first seen past its due date.
	Breached  time.Time `json:"breached,omitzero"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	Updated   time.Time `json:"updated,omitzero"`
	// Closed is when it last left the open states; zero while open.
	Closed time.Time `json:"closed,omitzero"`
}

// Basis is what a finding rests on and only its own page shows: why it
// matched, each tool's sighting of it, and its assessment's inputs and
// SSVC decision points. It is most of a finding (1.9 of 2.8 KB on
// average across bench/load.sh's 66,000), so a list of findings leaves
// it out: decoding it was half of a finding page's CPU.
type Basis struct {
	Explanation match.Explanation `json:"explanation,omitzero"`
	Evidence    []Evidence        `json:"evidence,omitempty"`
	Inputs      []risk.Input      `json:"inputs,omitempty"`
	Points      []risk.PointValue `json:"points,omitempty"`
}

// Brief returns f without its basis, and the basis. f is not changed.
func (f Finding) Brief() (Finding, Basis) {
	b := Basis{Explanation: f.Explanation, Evidence: f.Evidence}
	f.Explanation, f.Evidence = match.Explanation{}, nil
	if f.Assessment != nil {
		a := *f.Assessment
		b.Inputs, b.Points = a.Inputs, a.SSVC.Points
		a.Inputs, a.SSVC.Points = nil, nil
		f.Assessment = &a
	}
	return f, b
}

// SetBasis puts a basis that Brief took out back into f.
func (f *Finding) SetBasis(b Basis) {
	f.Explanation, f.Evidence = b.Explanation, b.Evidence
	if f.Assessment != nil {
		f.Assessment.Inputs, f.Assessment.SSVC.Points = b.Inputs, b.Points
	}
}

// PriorityOverride is an analyst's priority for a finding, and why.
type PriorityOverride struct {
	Priority risk.Priority `json:"priority"`
	By       string        `json:"by"`
	Reason   string        `json:"reason"`
	At       time.Time     `json:"at"`
}

// move puts f in state to for why at t, keeping Closed in step.
func (f *Finding) move(to State, why string, t time.Time) Step {
	st := Step{From: f.State, To: to, Reason: why}
	f.State, f.Reason, f.Updated = to, why, t
	switch {
	case !to.Open() && f.Closed.IsZero():
		f.Closed = t
	case to.Open():
		f.Closed = time.Time{}
	}
	return st
}

// Reassessment is a change of a finding's priority.
type Reassessment struct {
	From, To risk.Priority
	Why      string
}

// reassess sets f's assessment and, unless an analyst fixed it, its
// priority; it returns the change when the priority moved.
func (f *Finding) reassess(as risk.Assessment) *Reassessment {
	f.Assessment = &as
	to := as.Priority
	if f.PriorityOverride != nil {
		to = f.PriorityOverride.Priority
	}
	if to == f.Priority {
		return nil
	}
	r := &Reassessment{From: f.Priority, To: to, Why: strings.Join(as.Why, "; ")}
	f.Priority = to
	return r
}

// Outcome is the finding's lifecycle facts, for metrics.
func (f Finding) Outcome() Outcome {
	return Outcome{Priority: f.Priority, FirstSeen: f.FirstSeen, Closed: f.Closed, Due: f.Due, State: f.State,
		KEV: f.Assessment != nil && f.Assessment.KEV != nil}
}

// Key identifies a finding within an asset.
func (f Finding) Key() Key { return Key{PackageKey(f.Ecosystem, f.Package), f.Vuln} }

// Key is a finding's identity within its asset: package and vulnerability.
type Key struct {
	Package string // PackageKey
	Vuln    string
}

// PackageKey names a package of an asset whatever its version.
func PackageKey(ecosystem, name string) string { return ecosystem + "\x1f" + name }

// ComponentPackage is the PackageKey of a component.
func ComponentPackage(c asset.Component) string { return PackageKey(c.Ecosystem, c.Name) }

// Explain says in plain language, in English ("en") or Simplified Chinese
// ("zh-CN"), what the finding is, why it matched, and where it stands.
func (f Finding) Explain(lang string) string {
	m := match.Match{
		Component:   asset.Component{Name: f.Package, Ecosystem: f.Ecosystem, Version: f.Explanation.Installed, PURL: f.PURL},
		Vuln:        f.Vuln,
		Explanation: f.Explanation,
		Also:        f.Also,
		VEX:         f.VEX,
	}
	var b strings.Builder
	zh := strings.HasPrefix(lang, "zh")
	if zh {
		fmt.Fprintf(&b, "发现 #%d：资产 %s 上的 %s，状态 %s", f.ID, f.Asset, f.Vuln, stateZH[f.State])
		if f.Regression {
			b.WriteString("（曾验证修复后再次出现）")
		}
		b.WriteString("。\n")
	} else {
		fmt.Fprintf(&b, "Finding #%d: %s on asset %s, %s", f.ID, f.Vuln, f.Asset, strings.ReplaceAll(string(f.State), "_", " "))
		if f.Regression {
			b.WriteString(" (a regression: it was verified fixed and came back)")
		}
		b.WriteString(".\n")
	}
	b.WriteString(m.Text(lang))
	if len(f.Versions) > 1 {
		if zh {
			fmt.Fprintf(&b, "\n受影响的已安装版本：%s。", strings.Join(f.Versions, "、"))
		} else {
			fmt.Fprintf(&b, "\nAffected installed versions: %s.", strings.Join(f.Versions, ", "))
		}
	}
	if f.Reason != "" {
		if zh {
			fmt.Fprintf(&b, "\n当前状态的原因：%s", f.Reason)
		} else {
			fmt.Fprintf(&b, "\nReason for the current state: %s", f.Reason)
		}
	}
	return b.String()
}

var stateZH = map[State]string{
	New: "新发现", Triaged: "已研判", InRemediation: "修复中", Fixed: "已修复（待验证）", Verified: "已验证（关闭）",
	RiskAccepted: "风险已接受", FalsePositive: "误报", NotAffected: "不受影响", Duplicate: "重复",
}

// Scan is one look at an asset's components: a re-import of its
// inventory, or a re-match after advisories changed.
type Scan struct {
	At time.Time
	// Source says what the scan was, as evidence: "inventory bom.json",
	// "advisory update", "trivy report image.json".
	Source string
	// Tool is the tool whose results the matches are; empty for vmc's own
	// matching (OwnTool). A tool's scan resolves only the findings that
	// tool reported, and only when no other tool still reports them.
	Tool string
	// Details holds, per finding key, what the tool said beyond the
	// match: its rule, severity, location and proof.
	Details map[Key]Evidence
	// Scope lists the PackageKeys the scan covered; nil means every
	// package of the asset. Findings outside the scope are left alone.
	Scope []string
	// Present lists, per PackageKey in scope, the versions the asset has
	// after the scan, to tell an upgrade from a removal.
	Present map[string][]string
	// Assess, when set, assesses a vulnerability on the asset with a
	// finding's SSVC overrides; findings the scan touches are
	// re-assessed. An error leaves the finding's assessment as it was.
	Assess func(vuln string, overrides []risk.SSVCOverride) (risk.Assessment, error)
	// Policy, when set, is the SLA policy of the asset's environment;
	// findings the scan assesses get their due dates from it.
	Policy *Policy
	// Rules are the triage rules in force: the findings the scan opens
	// get the decisions of those that reach them.
	Rules []Rule
}

func (s Scan) covers(pkg string) bool { return s.Scope == nil || slices.Contains(s.Scope, pkg) }

func (s Scan) tool() string {
	if s.Tool == "" {
		return OwnTool
	}
	return s.Tool
}

// sighting is the evidence the scan gives for a finding.
func (s Scan) sighting(k Key) Evidence {
	e := s.Details[k]
	e.Tool, e.Report, e.First, e.Last = s.tool(), s.Source, s.At, s.At
	return e
}

func (s Scan) assess(f *Finding) *Reassessment {
	if s.Assess == nil {
		return nil
	}
	as, err := s.Assess(f.Vuln, f.Overrides)
	if err != nil {
		return nil
	}
	r := f.reassess(as)
	if s.Policy != nil {
		f.Schedule(*s.Policy)
	}
	return r
}

// Schedule sets the finding's due date from the policy, its priority
// and its assessment's KEV due date and BOD 26-04 outcome. A finding the
// policy gives no deadline keeps none.
func (f *Finding) Schedule(p Policy) {
	var kevDue, bod string
	if as := f.Assessment; as != nil {
		if as.KEV != nil {
			kevDue = as.KEV.DueDate
		}
		bod = as.SSVC.BOD2604.Value
	}
	d, err := DueDate(p, f.FirstSeen, f.Priority, kevDue, bod)
	if err != nil {
		f.Due, f.DueRule = time.Time{}, ""
		return
	}
	f.Due, f.DueRule = d.Due, d.Rule
}

// Step is one move of a finding's state, with its reason.
type Step struct {
	From, To State
	Reason   string
}

// Change is what Reconcile decided for one finding: its new content and
// the moves that led there.
type Change struct {
	Finding Finding
	// Opened says the finding is new (its ID is 0 until stored).
	Opened bool
	Steps  []Step
	// Reassessed is set when the finding's priority changed.
	Reassessed *Reassessment
	// Decisions are those triage rules made on a new finding.
	Decisions []Decision
}

// Findings returns the findings of changes, in order.
func Findings(chs []Change) []Finding {
	out := make([]Finding, len(chs))
	for i, ch := range chs {
		out[i] = ch.Finding
	}
	return out
}

// Reconcile compares the findings recorded for an asset with the matches
// of a scan of it and says what changes. Matches must come with their VEX
// verdicts applied. Within the scan's scope:
//   - a match with no finding opens one (new; not_affected or fixed when
//     a VEX statement says so);
//   - a finding still matched is refreshed (versions, explanation, last
//     seen); a verified one comes back as a regression, and one marked
//     fixed by a person goes back to remediation, the re-scan showing the
//     fix did not take;
//   - an open finding no longer matched is fixed and, the scan being the
//     evidence, verified; the reason says whether the package was removed,
//     upgraded, or the advisories no longer cover its version.
//
// Findings in side states (false positive, not affected, duplicate) are
// only refreshed: a person decided them.
func Reconcile(a asset.Asset, existing []Finding, matches []match.Match, scan Scan) []Change {
	type group struct {
		ms []match.Match
	}
	groups := map[Key]*group{}
	var order []Key
	for _, m := range matches {
		k := Key{ComponentPackage(m.Component), m.Vuln}
		if !scan.covers(k.Package) {
			continue
		}
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
			order = append(order, k)
		}
		g.ms = append(g.ms, m)
	}
	var out []Change
	seen := map[Key]bool{}
	for _, f := range existing {
		k := f.Key()
		if !scan.covers(k.Package) || seen[k] {
			continue
		}
		seen[k] = true
		if g := groups[k]; g != nil {
			out = append(out, refresh(f, g.ms, scan))
			continue
		}
		if !f.Reports(scan.tool()) {
			continue // the tool never reported it: its silence says nothing
		}
		if rest := f.drop(scan.tool()); len(rest) > 0 && f.State.Open() {
			// Another tool still reports it: it stays as it is, without
			// this tool's evidence.
			f.Updated = scan.At
			out = append(out, Change{Finding: f})
			continue
		}
		if ch, ok := resolve(f, scan); ok {
			out = append(out, ch)
		}
	}
	for _, k := range order {
		if seen[k] {
			continue
		}
		f := Finding{AssetID: a.ID, Asset: a.Name, FirstSeen: scan.At, State: New}
		fill(&f, groups[k].ms, scan)
		f.Reason = "found by " + scan.Source
		ch := Change{Opened: true}
		if to, why, ok := vexState(f.VEX); ok {
			ch.Steps = append(ch.Steps, f.move(to, why, scan.At))
		}
		ch.Reassessed = scan.assess(&f)
		for _, r := range scan.Rules {
			if !r.Reaches(f, a.Team) {
				continue
			}
			if d, ok, err := r.Apply(&f, scan.At); err == nil && ok {
				ch.Decisions = append(ch.Decisions, d)
			}
		}
		if scan.Policy != nil && len(ch.Decisions) > 0 {
			f.Schedule(*scan.Policy)
		}
		ch.Finding = f
		out = append(out, ch)
	}
	return out
}

// fill sets what a scan's matches say about a finding. Another tool's
// report does not replace the explanation of vmc's own match, which says
// more (the advisory's range), nor its VEX verdict.
func fill(f *Finding, ms []match.Match, scan Scan) {
	slices.SortFunc(ms, func(a, b match.Match) int { return cmp.Compare(a.Component.Version, b.Component.Version) })
	first := ms[0]
	f.see(scan.sighting(Key{ComponentPackage(first.Component), first.Vuln}))
	if scan.tool() != OwnTool && f.Reports(OwnTool) {
		f.LastSeen, f.Updated = scan.At, scan.At
		return
	}
	f.Ecosystem, f.Package, f.Vuln, f.PURL = first.Component.Ecosystem, first.Component.Name, first.Vuln, first.Component.PURL
	f.Explanation, f.Also, f.VEX = first.Explanation, first.Also, nil
	f.Versions = f.Versions[:0:0]
	for _, m := range ms {
		if !slices.Contains(f.Versions, m.Component.Version) {
			f.Versions = append(f.Versions, m.Component.Version)
		}
		if m.VEX != nil {
			f.VEX = m.VEX
		}
	}
	f.LastSeen, f.Updated = scan.At, scan.At
}

// vexState is the state a VEX verdict puts a finding in, if any.
func vexState(v *match.Verdict) (State, string, bool) {
	if v == nil {
		return "", "", false
	}
	switch v.Status {
	case "not_affected":
		why := "VEX " + v.Source + ": not affected"
		if v.Justification != "" {
			why += " (" + v.Justification + ")"
		}
		if v.Detail != "" {
			why += ": " + v.Detail
		}
		return NotAffected, why, true
	case "fixed":
		return Fixed, "VEX " + v.Source + ": fixed", true
	}
	return "", "", false
}

// refresh updates a finding the scan still matches.
func refresh(f Finding, ms []match.Match, scan Scan) Change {
	before := f
	fill(&f, ms, scan)
	var ch Change
	move := func(to State, why string) { ch.Steps = append(ch.Steps, f.move(to, why, scan.At)) }
	vexTo, vexWhy, vexSays := vexState(f.VEX)
	switch {
	case vexSays && f.State != vexTo && f.State.Open():
		move(vexTo, vexWhy)
	case f.State == NotAffected && before.VEX != nil && before.VEX.Status == "not_affected" && !vexSays:
		move(Triaged, "the VEX statement that it is not affected no longer applies; re-examine")
	case f.State == Verified:
		f.Regression = true
		move(New, fmt.Sprintf("regression: %s finds %s %s again", scan.Source, f.Package, strings.Join(f.Versions, ", ")))
	case f.State == Fixed && !(vexSays && vexTo == Fixed):
		move(InRemediation, fmt.Sprintf("verification failed: %s still finds %s %s", scan.Source, f.Package, strings.Join(f.Versions, ", ")))
	}
	ch.Reassessed = scan.assess(&f)
	ch.Finding = f
	return ch
}

// resolve closes an open finding a scan no longer matches.
func resolve(f Finding, scan Scan) (Change, bool) {
	if !f.State.Open() {
		return Change{}, false
	}
	present := scan.Present[f.Key().Package]
	var why string
	switch {
	case scan.Tool != "":
		why = fmt.Sprintf("no longer reported: %s does not report %s on %s", scan.Source, f.Vuln, f.Package)
	case len(present) == 0:
		why = fmt.Sprintf("component removed: %s no longer has %s", scan.Source, f.Package)
	case slices.ContainsFunc(f.Versions, func(v string) bool { return slices.Contains(present, v) }):
		why = fmt.Sprintf("no longer affected: after %s the advisories do not cover %s %s", scan.Source, f.Package, strings.Join(f.Versions, ", "))
	default:
		why = fmt.Sprintf("upgraded: %s has %s %s", scan.Source, f.Package, strings.Join(present, ", "))
	}
	var ch Change
	if f.State != Fixed {
		ch.Steps = append(ch.Steps, f.move(Fixed, why, scan.At))
	}
	verify := fmt.Sprintf("verified by %s at %s", scan.Source, scan.At.UTC().Format(time.RFC3339))
	ch.Steps = append(ch.Steps, f.move(Verified, verify, scan.At))
	f.Reason = why + "; " + verify
	ch.Finding = f
	return ch, true
}
