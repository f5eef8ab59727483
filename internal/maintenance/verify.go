package maintenance

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
)

// ToolKind is a kind of protective tool (SAMM O-EM level 3, stream A:
// verify the environment against best practice).
type ToolKind string

const (
	WAF          ToolKind = "waf"           // web application firewall
	EDR          ToolKind = "edr"           // endpoint detection and response, antivirus
	RASP         ToolKind = "rasp"          // runtime application self-protection
	HostFirewall ToolKind = "host_firewall" // host-based firewall
	FIM          ToolKind = "fim"           // file integrity monitoring
)

// ToolKinds lists every kind.
var ToolKinds = []ToolKind{WAF, EDR, RASP, HostFirewall, FIM}

func (k ToolKind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k ToolKind) IsValid() bool { return slices.Contains(ToolKinds, k) }

// UnmarshalText rejects unknown kinds.
func (k *ToolKind) UnmarshalText(b []byte) error {
	if !ToolKind(b).IsValid() {
		return fmt.Errorf("unknown protective tool %q (waf, edr, rasp, host_firewall, fim)", b)
	}
	*k = ToolKind(b)
	return nil
}

// Required returns the protective tools an asset should have, by what
// it is: a host needs EDR, a host firewall and file integrity monitoring
// (it runs code and keeps files an attacker would change); an application
// needs RASP, and a WAF as well when it faces the internet; an image
// exposed to the internet needs a WAF in front of what it serves.
func Required(a asset.Asset) []ToolKind {
	switch a.Kind {
	case asset.KindHost:
		return []ToolKind{EDR, HostFirewall, FIM}
	case asset.KindApplication:
		if a.Exposure == asset.ExpInternet {
			return []ToolKind{WAF, RASP}
		}
		return []ToolKind{RASP}
	case asset.KindImage:
		if a.Exposure == asset.ExpInternet {
			return []ToolKind{WAF}
		}
	}
	return nil
}

// Tool is one protective tool on an asset.
type Tool struct {
	Asset string   `json:"asset"`
	Kind  ToolKind `json:"kind"`
	// Product names it: "ModSecurity 3.0 + OWASP CRS 4", "Wazuh agent".
	Product string `json:"product"`
	// Active is false for a tool installed but switched off or only
	// watching; it does not cover the asset.
	Active  bool      `json:"active"`
	Note    string    `json:"note,omitempty"`
	Updated time.Time `json:"updated,omitzero"`
	By      string    `json:"by,omitempty"`
}

// Validate checks a tool before it is stored.
func (t Tool) Validate() error {
	if err := checkText("asset", t.Asset, 512, true); err != nil {
		return err
	}
	if !t.Kind.IsValid() {
		return fmt.Errorf("%w: kind: unknown %q (waf, edr, rasp, host_firewall, fim)", ErrInvalid, t.Kind)
	}
	if err := checkText("product", t.Product, maxLine, true); err != nil {
		return err
	}
	return checkText("note", t.Note, maxText, false)
}

// Gap is an asset missing protective tools it should have.
type Gap struct {
	Asset       string            `json:"asset"`
	Group       string            `json:"group,omitempty"`
	Environment asset.Environment `json:"environment,omitempty"`
	Missing     []ToolKind        `json:"missing"`
}

// Gaps returns the assets lacking an active tool of a required kind,
// ordered by group, environment and asset.
func Gaps(assets []asset.Asset, tools []Tool) []Gap {
	has := map[string]map[ToolKind]bool{}
	for _, t := range tools {
		if !t.Active {
			continue
		}
		if has[t.Asset] == nil {
			has[t.Asset] = map[ToolKind]bool{}
		}
		has[t.Asset][t.Kind] = true
	}
	var out []Gap
	for _, a := range assets {
		var missing []ToolKind
		for _, k := range Required(a) {
			if !has[a.Name][k] {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			out = append(out, Gap{Asset: a.Name, Group: a.MaintenanceGroup, Environment: a.Environment, Missing: missing})
		}
	}
	slices.SortFunc(out, func(a, b Gap) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Environment, b.Environment), cmp.Compare(a.Asset, b.Asset))
	})
	return out
}

// ToolCoverage counts, for one group or environment, the assets that should
// have protective tools and those missing some.
type ToolCoverage struct {
	// Scope is "group" or "environment", Name the group's or
	// environment's ("" for assets in none).
	Scope  string `json:"scope"`
	Name   string `json:"name"`
	Assets int    `json:"assets"`
	// Gaps is how many of them lack a required tool; Missing counts the
	// missing tools by kind.
	Gaps    int              `json:"gaps"`
	Missing map[ToolKind]int `json:"missing"`
}

// Coverages sums gaps per group and per environment, groups first.
func Coverages(assets []asset.Asset, gaps []Gap) []ToolCoverage {
	idx := map[[2]string]*ToolCoverage{}
	var order [][2]string
	at := func(scope, name string) *ToolCoverage {
		k := [2]string{scope, name}
		if c := idx[k]; c != nil {
			return c
		}
		idx[k] = &ToolCoverage{Scope: scope, Name: name, Missing: map[ToolKind]int{}}
		order = append(order, k)
		return idx[k]
	}
	for _, a := range assets {
		if len(Required(a)) == 0 {
			continue
		}
		at("group", a.MaintenanceGroup).Assets++
		at("environment", string(a.Environment)).Assets++
	}
	for _, g := range gaps {
		for _, c := range []*ToolCoverage{at("group", g.Group), at("environment", string(g.Environment))} {
			c.Gaps++
			for _, k := range g.Missing {
				c.Missing[k]++
			}
		}
	}
	slices.SortFunc(order, func(a, b [2]string) int { return cmp.Or(-cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	out := make([]ToolCoverage, len(order))
	for i, k := range order {
		out[i] = *idx[k]
	}
	return out
}

// AuditPlan is a scheduled configuration audit of an environment (SAMM
// O-EM level 3, stream A: conformity checks performed regularly, their
// results kept, non-conformities followed up).
type AuditPlan struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	Environment asset.Environment `json:"environment"`
	// Scope says what is audited: "the prod web tier's hosts and their
	// TLS endpoints".
	Scope     string   `json:"scope"`
	Checklist []string `json:"checklist"`
	// EveryDays is the audit's interval; the first is due on Start.
	EveryDays int       `json:"every_days"`
	Start     time.Time `json:"start"`
	Owner     string    `json:"owner"`
	Created   time.Time `json:"created,omitzero"`
	Updated   time.Time `json:"updated,omitzero"`
	// Runs are the audits done under the plan, oldest first; the store
	// fills them in.
	Runs []AuditRun `json:"runs"`
}

// Validate checks a plan before it is stored.
func (p AuditPlan) Validate() error {
	if err := checkText("name", p.Name, maxName, true); err != nil {
		return err
	}
	if !p.Environment.IsValid() {
		return fmt.Errorf("%w: environment: %q (prod, staging, test, dev)", ErrInvalid, p.Environment)
	}
	if err := checkText("scope", p.Scope, maxText, true); err != nil {
		return err
	}
	if len(p.Checklist) == 0 {
		return fmt.Errorf("%w: checklist: empty; an audit checks something", ErrInvalid)
	}
	if err := checkList("checklist", p.Checklist); err != nil {
		return err
	}
	for i, c := range p.Checklist {
		if slices.Index(p.Checklist, c) != i {
			return fmt.Errorf("%w: checklist[%d]: %q given twice", ErrInvalid, i, c)
		}
	}
	switch {
	case p.EveryDays < 1 || p.EveryDays > 3660:
		return fmt.Errorf("%w: every_days: %d (1 to 3660)", ErrInvalid, p.EveryDays)
	case p.Start.IsZero():
		return fmt.Errorf("%w: start: not set", ErrInvalid)
	}
	return checkText("owner", p.Owner, maxName, true)
}

// Due returns when the next audit is due: Start before any run, else
// EveryDays after the last one.
func (p AuditPlan) Due() time.Time {
	if len(p.Runs) == 0 {
		return p.Start
	}
	return p.Runs[len(p.Runs)-1].At.AddDate(0, 0, p.EveryDays)
}

// Overdue reports whether the next audit was due before now.
func (p AuditPlan) Overdue(now time.Time) bool { return p.Due().Before(now) }

// CheckOutcome is one checklist item's result.
type CheckOutcome string

const (
	Pass CheckOutcome = "pass"
	Fail CheckOutcome = "fail"
	NA   CheckOutcome = "na" // not applicable this time, with a note saying why
)

// AuditRun is one audit done under a plan: each checklist item's
// outcome, and for each failure the follow-up that will fix it.
type AuditRun struct {
	ID      int64         `json:"id"`
	Plan    int64         `json:"plan"`
	At      time.Time     `json:"at"`
	By      string        `json:"by"`
	Results []CheckResult `json:"results"`
	Note    string        `json:"note,omitempty"`
}

// CheckResult is a checklist item's outcome. A failure names its follow-up:
// the finding, ticket or task that tracks the fix.
type CheckResult struct {
	Item     string       `json:"item"`
	Outcome  CheckOutcome `json:"outcome"`
	Note     string       `json:"note,omitempty"`
	FollowUp string       `json:"follow_up,omitempty"`
}

// Failed returns the results that failed.
func (r AuditRun) Failed() []CheckResult {
	var out []CheckResult
	for _, x := range r.Results {
		if x.Outcome == Fail {
			out = append(out, x)
		}
	}
	return out
}

// Validate checks a run against its plan as stored: every checklist item
// answered once and nothing else, a note for each item not applicable, a
// follow-up for each failure, and a time that is not in the future.
func (r AuditRun) Validate(p AuditPlan, now time.Time) error {
	if err := checkText("by", r.By, maxName, true); err != nil {
		return err
	}
	if r.At.IsZero() || r.At.After(now) {
		return fmt.Errorf("%w: at: %s is not set or in the future", ErrInvalid, r.At.Format(time.RFC3339))
	}
	if err := checkText("note", r.Note, maxText, false); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, x := range r.Results {
		field := fmt.Sprintf("results[%d]", i)
		switch {
		case !slices.Contains(p.Checklist, x.Item):
			return fmt.Errorf("%w: %s.item: %q is not on audit plan %d's checklist", ErrInvalid, field, x.Item, p.ID)
		case seen[x.Item]:
			return fmt.Errorf("%w: %s.item: %q answered twice", ErrInvalid, field, x.Item)
		case x.Outcome != Pass && x.Outcome != Fail && x.Outcome != NA:
			return fmt.Errorf("%w: %s.outcome: %q (pass, fail, na)", ErrInvalid, field, x.Outcome)
		case x.Outcome == Fail && x.FollowUp == "":
			return fmt.Errorf("%w: %s.follow_up: %q failed; name the finding, ticket or task that follows it up", ErrInvalid, field, x.Item)
		case x.Outcome == NA && x.Note == "":
			return fmt.Errorf("%w: %s.note: %q is not applicable; say why", ErrInvalid, field, x.Item)
		}
		if err := checkText(field+".note", x.Note, maxText, false); err != nil {
			return err
		}
		if err := checkText(field+".follow_up", x.FollowUp, maxLine, false); err != nil {
			return err
		}
		seen[x.Item] = true
	}
	for _, c := range p.Checklist {
		if !seen[c] {
			return fmt.Errorf("%w: results: %q not answered", ErrInvalid, c)
		}
	}
	return nil
}
