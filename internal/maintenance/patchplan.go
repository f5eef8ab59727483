package maintenance

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/version"
)

// PatchStatus is where a patch plan's deployment stands, as its owner
// reports it. It is a claim; Measure says what the re-scans confirm.
type PatchStatus string

const (
	PatchPlanned    PatchStatus = "planned"
	PatchApproved   PatchStatus = "approved"
	PatchDeploying  PatchStatus = "deploying"
	PatchDeployed   PatchStatus = "deployed"
	PatchRolledBack PatchStatus = "rolled_back"
	PatchCancelled  PatchStatus = "cancelled"
)

// PatchStatuses lists the statuses in workflow order.
var PatchStatuses = []PatchStatus{PatchPlanned, PatchApproved, PatchDeploying, PatchDeployed, PatchRolledBack, PatchCancelled}

func (s PatchStatus) String() string { return string(s) }

// IsValid reports whether s is a known status.
func (s PatchStatus) IsValid() bool { return slices.Contains(PatchStatuses, s) }

// UnmarshalText rejects unknown statuses.
func (s *PatchStatus) UnmarshalText(b []byte) error {
	if !PatchStatus(b).IsValid() {
		return fmt.Errorf("unknown patch plan status %q", b)
	}
	*s = PatchStatus(b)
	return nil
}

// patchMoves are the status changes a plan may make: a deployment is
// approved before it starts, and one that went wrong is rolled back and
// planned again. Deployed and cancelled plans are finished; what a later
// re-scan finds again is a new plan's.
var patchMoves = map[PatchStatus][]PatchStatus{
	PatchPlanned:    {PatchApproved, PatchCancelled},
	PatchApproved:   {PatchDeploying, PatchPlanned, PatchCancelled},
	PatchDeploying:  {PatchDeployed, PatchRolledBack},
	PatchRolledBack: {PatchPlanned, PatchCancelled},
}

// CheckPatchMove reports whether a plan may move from one status to
// another, saying what it may move to instead.
func CheckPatchMove(from, to PatchStatus) error {
	if from == to {
		return nil
	}
	if !slices.Contains(patchMoves[from], to) {
		return fmt.Errorf("%w: status: %s → %s not allowed (from %s: %v)", ErrInvalid, from, to, from, patchMoves[from])
	}
	return nil
}

// PatchPlan is a planned deployment of updates to a maintenance group:
// which findings it fixes, when, how to undo it, and where it stands.
type PatchPlan struct {
	ID    int64  `json:"id"`
	Group string `json:"group"`
	Title string `json:"title"`
	// Findings are the findings the updates fix; their re-scans measure
	// the plan's progress.
	Findings []int64 `json:"findings"`
	// Updates says which updates: "github.com/gin-gonic/gin 1.5.0 → 1.9.1".
	Updates   []string    `json:"updates,omitempty"`
	Scheduled time.Time   `json:"scheduled"`
	Rollback  string      `json:"rollback"`
	Status    PatchStatus `json:"status"`
	Owner     string      `json:"owner"`
	Created   time.Time   `json:"created,omitzero"`
	Updated   time.Time   `json:"updated,omitzero"`
}

// Validate checks a plan before it is stored.
func (p PatchPlan) Validate() error {
	if err := checkText("group", p.Group, maxName, true); err != nil {
		return err
	}
	if err := checkText("title", p.Title, maxLine, true); err != nil {
		return err
	}
	if len(p.Findings) == 0 || len(p.Findings) > 10000 {
		return fmt.Errorf("%w: findings: %d (a plan fixes 1 to 10000 findings)", ErrInvalid, len(p.Findings))
	}
	if err := checkList("updates", p.Updates); err != nil {
		return err
	}
	if p.Scheduled.IsZero() {
		return fmt.Errorf("%w: scheduled: not set", ErrInvalid)
	}
	if err := checkText("rollback", p.Rollback, maxText, true); err != nil {
		return err
	}
	if !p.Status.IsValid() {
		return fmt.Errorf("%w: status: unknown %q", ErrInvalid, p.Status)
	}
	return checkText("owner", p.Owner, maxName, true)
}

// PatchProgress is a patch plan's deployment as the re-scans see it.
type PatchProgress struct {
	// Findings is how many the plan fixes; Patched those a later scan
	// no longer found (verified, the verify step of the lifecycle);
	// Claimed those someone marked fixed that no scan has confirmed yet;
	// Open the rest still open; Excluded those closed as not needing a
	// patch (false positive, not affected, duplicate).
	Findings int `json:"findings"`
	Patched  int `json:"patched"`
	Claimed  int `json:"claimed"`
	Open     int `json:"open"`
	Excluded int `json:"excluded"`
	// Percent is Patched of the findings that need a patch, rounded down.
	Percent int `json:"percent"`
}

// Measure computes a plan's progress from its findings as stored (fs:
// those of p.Findings that exist). Only a scan moves a finding to
// verified, so a claim of "fixed" is never progress.
func Measure(p PatchPlan, fs []finding.Finding) PatchProgress {
	pr := PatchProgress{Findings: len(p.Findings)}
	for _, f := range fs {
		if !slices.Contains(p.Findings, f.ID) {
			continue
		}
		switch f.State {
		case finding.Verified:
			pr.Patched++
		case finding.Fixed:
			pr.Claimed++
		case finding.FalsePositive, finding.NotAffected, finding.Duplicate:
			pr.Excluded++
		}
	}
	pr.Open = pr.Findings - pr.Patched - pr.Excluded
	if need := pr.Findings - pr.Excluded; need > 0 {
		pr.Percent = pr.Patched * 100 / need
	}
	return pr
}

// Upgrade is a critical security upgrade (SAMM O-EM level 1, stream B):
// a third-party component in an environment with open findings that an
// update fixes.
type Upgrade struct {
	Environment asset.Environment `json:"environment"`
	Ecosystem   string            `json:"ecosystem,omitempty"`
	Package     string            `json:"package"`
	Installed   []string          `json:"installed"`
	// FixedVersion is the lowest version that fixes every listed
	// vulnerability: the highest of their advisories' first fixed
	// versions above what is installed.
	FixedVersion string `json:"fixed_version"`
	// Vulns are the vulnerabilities the upgrade fixes; NoFix those on the
	// same package whose advisories name no fixed version (the no-patch
	// path of the group's plan).
	Vulns    []string `json:"vulns"`
	NoFix    []string `json:"no_fix,omitempty"`
	Assets   []string `json:"assets"`
	Findings []int64  `json:"findings"`
	// KEV says one of the vulnerabilities is known exploited.
	KEV bool `json:"kev,omitempty"`
}

// Upgrades lists the security upgrades the open findings fs call for, per
// environment (envOf maps asset names to theirs; "" when unset) and
// package, those with a known exploited vulnerability first.
func Upgrades(fs []finding.Finding, envOf map[string]asset.Environment) []Upgrade {
	type key struct {
		env      asset.Environment
		eco, pkg string
	}
	byKey := map[key]*Upgrade{}
	var order []key
	for _, f := range fs {
		if !f.State.Open() {
			continue
		}
		k := key{envOf[f.Asset], f.Ecosystem, f.Package}
		u := byKey[k]
		if u == nil {
			u = &Upgrade{Environment: k.env, Ecosystem: k.eco, Package: k.pkg}
			byKey[k] = u
			order = append(order, k)
		}
		fixed := fixedVersion(f)
		if fixed == "" {
			u.NoFix = appendNew(u.NoFix, f.Vuln)
			continue
		}
		u.Vulns = appendNew(u.Vulns, f.Vuln)
		u.Assets = appendNew(u.Assets, f.Asset)
		u.Findings = append(u.Findings, f.ID)
		for _, v := range f.Versions {
			u.Installed = appendNew(u.Installed, v)
		}
		if u.FixedVersion == "" || higher(f.Ecosystem, fixed, u.FixedVersion) {
			u.FixedVersion = fixed
		}
		u.KEV = u.KEV || (f.Assessment != nil && f.Assessment.KEV != nil)
	}
	var out []Upgrade
	for _, k := range order {
		u := byKey[k]
		if u.FixedVersion == "" {
			continue
		}
		for _, s := range [][]string{u.Vulns, u.NoFix, u.Assets, u.Installed} {
			slices.Sort(s)
		}
		slices.Sort(u.Findings)
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b Upgrade) int {
		if a.KEV != b.KEV {
			if a.KEV {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Environment, b.Environment), cmp.Compare(a.Ecosystem, b.Ecosystem), cmp.Compare(a.Package, b.Package))
	})
	return out
}

// higher reports whether version a is after b in ecosystem eco; versions
// the ecosystem cannot order compare as text, so that the choice is at
// least stable.
func higher(eco, a, b string) bool {
	if c, err := version.Compare(eco, a, b); err == nil {
		return c > 0
	}
	return strings.Compare(a, b) > 0
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
