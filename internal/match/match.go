// Package match decides which vulnerabilities affect which components, and
// says why. Every match carries an Explanation naming the advisory record
// and source it rests on, the range event that decided it (introduced,
// fixed, last_affected, limit) or the explicit version listed, the version
// installed and the first fixed version, so that an engineer can check the
// claim against the advisory and the inventory.
//
// It knows nothing of storage: the caller looks up the affected entries
// for the components' packages and hands both in.
package match

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/cpe"
	"github.com/vmc-dev/vmc/internal/version"
)

// Entry is one source record's statement that a package is affected.
type Entry struct {
	Vuln     string // the vulnerability's primary id
	Source   string
	Record   string
	Document string
	Affected advisory.Affected
	// Configurations are the record's NVD applicability statements; an
	// entry that names a product by CPE is decided by them.
	Configurations json.RawMessage
}

// Match is a vulnerability found on a component.
type Match struct {
	Component   asset.Component `json:"component"`
	Vuln        string          `json:"vuln"`
	Explanation Explanation     `json:"explanation"`
	// Also lists the other records that state the same, beyond the one
	// the explanation rests on.
	Also []string `json:"also,omitempty"`
	// VEX is what a VEX statement says about this match, if one does.
	VEX *Verdict `json:"vex,omitempty"`
}

// Explanation says why a component matched.
type Explanation struct {
	Source   string `json:"source"`
	Record   string `json:"record"`
	Document string `json:"document,omitempty"`
	// Kind is "range" (a range's events decided), "version" (the
	// installed version is listed explicitly), "cpe" (an NVD
	// configuration's criterion matched the component's CPE), or
	// "reported" (another tool's scan reported it; Record is its check).
	Kind      string `json:"kind"`
	Ecosystem string `json:"ecosystem"`
	Package   string `json:"package"`
	RangeType string `json:"range_type,omitempty"`
	// The events of the range the installed version fell in.
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
	Installed    string `json:"installed"`
	// FixedVersion is the lowest fixed version above the installed one
	// that the record names, if any: the upgrade that resolves it.
	FixedVersion string `json:"fixed_version,omitempty"`
	// Status is the record's own product status when it states one (CSAF
	// known_affected, a VEX statement).
	Status string `json:"status,omitempty"`
	// Criterion is the NVD criterion that matched, Bounds its version
	// bounds, and CPE the component's CPE it matched (kind "cpe").
	Criterion string     `json:"criterion,omitempty"`
	Bounds    *CPEBounds `json:"bounds,omitempty"`
	CPE       string     `json:"cpe,omitempty"`
}

// Components matches components against entries. A component matches an
// entry when the ecosystem and package agree under the ecosystem's rules
// and the installed version is affected. Several records stating the same
// vulnerability on the same component make one match: the explanation
// rests on the first by source precedence, the others are listed in Also.
// Problems (an unparseable version) are returned beside the matches; they
// never stop the run.
func Components(cs []asset.Component, entries []Entry, prec advisory.Precedence) ([]Match, []error) {
	byPkg := map[string][]Entry{}
	byCPE := map[string][]Entry{} // vendor:product → entries with configurations
	for _, e := range entries {
		if e.Affected.Ecosystem == "" {
			if len(e.Configurations) > 0 {
				k := strings.ToLower(e.Affected.Vendor + ":" + e.Affected.Product)
				byCPE[k] = append(byCPE[k], e)
			}
			continue
		}
		k := pkgKey(e.Affected.Ecosystem, e.Affected.Package)
		byPkg[k] = append(byPkg[k], e)
	}
	var (
		out  []Match
		errs []error
	)
	for _, c := range cs {
		cands := slices.Clone(byPkg[pkgKey(c.Ecosystem, c.Name)])
		for _, k := range CPEKeys(c.CPEs) {
			cands = append(cands, byCPE[k]...)
		}
		slices.SortStableFunc(cands, func(a, b Entry) int {
			return prec.Compare(advisory.FieldAffected, a.Source, b.Source)
		})
		found := map[string]int{} // vuln → index in out
		for _, e := range cands {
			var (
				ex  Explanation
				ok  bool
				err error
			)
			switch {
			case e.Affected.Ecosystem == "":
				ex, ok, err = explainCPE(c, e)
			case !sameEcosystem(c.Ecosystem, e.Affected.Ecosystem):
				continue
			default:
				ex, ok, err = explain(c, e)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %s@%s against %s %s: %w", c.Ecosystem, c.Name, c.Version, e.Source, e.Record, err))
				continue
			}
			if !ok {
				continue
			}
			if i, dup := found[e.Vuln]; dup {
				out[i].Also = append(out[i].Also, e.Source+":"+e.Record)
				continue
			}
			found[e.Vuln] = len(out)
			out = append(out, Match{Component: c, Vuln: e.Vuln, Explanation: ex})
		}
	}
	slices.SortStableFunc(out, func(a, b Match) int {
		return cmp.Or(strings.Compare(a.Component.Name, b.Component.Name), strings.Compare(a.Vuln, b.Vuln))
	})
	return out, errs
}

// pkgKey groups entries loosely; sameEcosystem and the version check then
// decide exactly.
func pkgKey(ecosystem, name string) string {
	eco, _, _ := strings.Cut(ecosystem, ":")
	return strings.ToLower(eco) + "\x1f" + normalName(ecosystem, name)
}

// normalName is the package name as the ecosystem compares it: PyPI
// names are case-insensitive with '-', '_' and '.' equivalent (PEP 503);
// Composer and NuGet names are case-insensitive; others compare exactly.
func normalName(ecosystem, name string) string {
	eco, _, _ := strings.Cut(ecosystem, ":")
	switch strings.ToLower(eco) {
	case "pypi":
		return strings.Join(strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' || r == '.' }), "-")
	case "packagist", "nuget":
		return strings.ToLower(name)
	}
	return name
}

// sameEcosystem reports whether an advisory's ecosystem covers a
// component's. A distribution release must agree when both state one
// ("Debian:12" is not "Debian:11"); an advisory without a release
// ("Debian") covers every release.
func sameEcosystem(component, advisory string) bool {
	cBase, cRel, _ := strings.Cut(component, ":")
	aBase, aRel, _ := strings.Cut(advisory, ":")
	if !strings.EqualFold(cBase, aBase) {
		return false
	}
	return aRel == "" || cRel == "" || strings.EqualFold(cRel, aRel)
}

// explain decides whether entry e affects component c and says why.
func explain(c asset.Component, e Entry) (Explanation, bool, error) {
	a := e.Affected
	ex := Explanation{Source: e.Source, Record: e.Record, Document: e.Document,
		Ecosystem: a.Ecosystem, Package: a.Package, Installed: c.Version, Status: a.Status}
	switch a.Status {
	case "fixed", "first_fixed", "known_not_affected", "recommended":
		// A CSAF or VEX statement that this product is not affected is
		// not a match; it is applied to findings as VEX, not here.
		return ex, false, nil
	}
	if c.Version == "" {
		return ex, false, nil
	}
	if _, listed, err := version.InVersions(a.Versions, c.Ecosystem, c.Version); err != nil {
		return ex, false, err
	} else if listed {
		ex.Kind = "version"
		ex.FixedVersion = firstFixed(a, c.Ecosystem, c.Version)
		return ex, true, nil
	}
	var firstErr error
	for _, r := range a.Ranges {
		if r.Type == advisory.RangeGit {
			continue // commit ranges need the repository; see package doc
		}
		hit, err := version.Affects(toVersionRange(r), c.Ecosystem, c.Version)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if !hit.Affected {
			continue
		}
		ex.Kind = "range"
		ex.RangeType = string(r.Type)
		ex.Introduced, ex.Fixed, ex.LastAffected, ex.Limit = hit.Introduced, hit.Fixed, hit.LastAffected, hit.Limit
		ex.FixedVersion = firstFixed(a, c.Ecosystem, c.Version)
		return ex, true, nil
	}
	return ex, false, firstErr
}

// firstFixed returns the lowest fixed event above installed across the
// entry's ranges.
func firstFixed(a advisory.Affected, ecosystem, installed string) string {
	best := ""
	for _, r := range a.Ranges {
		if r.Type == advisory.RangeGit {
			continue
		}
		for _, ev := range r.Events {
			if ev.Fixed == "" {
				continue
			}
			if c, err := version.Compare(ecosystem, ev.Fixed, installed); err != nil || c <= 0 {
				continue
			}
			if best == "" {
				best = ev.Fixed
			} else if c, err := version.Compare(ecosystem, ev.Fixed, best); err == nil && c < 0 {
				best = ev.Fixed
			}
		}
	}
	return best
}

// toVersionRange converts an advisory range into the version package's
// mirror of it (version sees no domain package but ecosystem).
func toVersionRange(r advisory.Range) version.Range {
	events := make([]version.Event, len(r.Events))
	for i, e := range r.Events {
		events[i] = version.Event(e)
	}
	return version.Range{Type: string(r.Type), Repo: r.Repo, Events: events}
}

// CPEKeys returns the lower-cased "vendor:product" of each CPE that
// parses, without repeats: what an inventory's CPEs are looked up by.
func CPEKeys(cpes []string) []string {
	var keys []string
	for _, s := range cpes {
		n, err := cpe.Parse(s)
		if err != nil {
			continue
		}
		k := strings.ToLower(n.Vendor() + ":" + n.Product())
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// explainCPE decides an entry by its NVD configurations.
func explainCPE(c asset.Component, e Entry) (Explanation, bool, error) {
	ex := Explanation{Source: e.Source, Record: e.Record, Document: e.Document, Kind: "cpe",
		Package: e.Affected.Vendor + ":" + e.Affected.Product, Installed: c.Version}
	m, ok, err := cpe.MatchConfigurations(e.Configurations, c.CPEs, c.Version)
	if err != nil || !ok {
		return ex, false, err
	}
	ex.CPE = m.CPE
	if m.Version != "" {
		ex.Installed = m.Version
	}
	cr := m.Criterion
	ex.Criterion = cr.Criteria
	if b := (CPEBounds{cr.VersionStartIncluding, cr.VersionStartExcluding, cr.VersionEndIncluding, cr.VersionEndExcluding}); b != (CPEBounds{}) {
		ex.Bounds = &b
	}
	ex.FixedVersion = cr.VersionEndExcluding
	return ex, true, nil
}

// CPEBounds are an NVD criterion's version bounds (versionStartIncluding
// and the rest), any of them empty.
type CPEBounds struct {
	StartIncluding string `json:"start_including,omitempty"`
	StartExcluding string `json:"start_excluding,omitempty"`
	EndIncluding   string `json:"end_including,omitempty"`
	EndExcluding   string `json:"end_excluding,omitempty"`
}

// text says the bounds in English (after a space) or Simplified Chinese
// (in full-width brackets, or a space before the text that follows when
// there are none).
func (b *CPEBounds) text(zh bool) string {
	if b == nil {
		if zh {
			return " "
		}
		return ""
	}
	var parts []string
	for _, x := range []struct{ v, en, zh string }{
		{b.StartIncluding, "from %s", "自 %s（含）"}, {b.StartExcluding, "after %s", "%s 之后"},
		{b.EndIncluding, "up to and including %s", "至 %s（含）"}, {b.EndExcluding, "before %s", "%s 之前"},
	} {
		if x.v == "" {
			continue
		}
		f := x.en
		if zh {
			f = x.zh
		}
		parts = append(parts, fmt.Sprintf(f, x.v))
	}
	if zh {
		return "（" + strings.Join(parts, "、") + "）"
	}
	return " " + strings.Join(parts, " ")
}

// Names reports whether an entry names a component's package under the
// ecosystem's rules, whatever the version: what a question about a
// package without a version (the OSV API's) asks.
func Names(c asset.Component, e Entry) bool {
	a := e.Affected
	return a.Ecosystem != "" && sameEcosystem(c.Ecosystem, a.Ecosystem) && pkgKey(c.Ecosystem, c.Name) == pkgKey(a.Ecosystem, a.Package)
}
