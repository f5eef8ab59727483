package ghsa

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed/osv"
)

// ecosystems maps GitHub's ecosystem names to OSV's. The first eight are
// the OSV project converter's (tools/ghsa/convert_ghsa.py in ossf/osv-schema);
// the rest complete GitHub's list with the names OSV gives those ecosystems.
var ecosystems = map[string]string{
	"NPM":      "npm",
	"GO":       "Go",
	"MAVEN":    "Maven",
	"PIP":      "PyPI",
	"RUBYGEMS": "RubyGems",
	"NUGET":    "NuGet",
	"COMPOSER": "Packagist",
	"RUST":     "crates.io",
	"ERLANG":   "Hex",
	"PUB":      "Pub",
	"SWIFT":    "SwiftURL",
	"ACTIONS":  "GitHub Actions",
}

// semverEcosystems get SEMVER ranges; every other ecosystem gets ECOSYSTEM,
// as in the OSV project's converter.
var semverEcosystems = map[string]bool{"npm": true, "Go": true}

// pep503 is PEP 503 name normalisation, which the OSV project's converter
// applies to PyPI names: https://peps.python.org/pep-0503/#normalized-names
var pep503 = regexp.MustCompile(`[-_.]+`)

// ToOSV converts an advisory to OSV the way the OSV project's GHSA converter
// (tools/ghsa/convert_ghsa.py in ossf/osv-schema) does, reproducing its
// test data exactly when compared as decoded JSON: one affected entry per
// (ecosystem, package), all of a package's ranges folded into one event
// list led by introduced "0" when any range is open below, "<= X" without a
// patch left open above, an exact version without a patch listed in
// versions, and the advisory's page and CWEs under
// affected[].database_specific.
//
// "> X" is where it departs: the converter asks the package registry for
// the version after X, which a parser cannot. ToOSV computes it instead:
// for SEMVER ecosystems the least greater version, X with the patch
// incremented and "-0" (or X+".0" for a prerelease); elsewhere X+".1",
// which misses a release that sorts between X and X.1 (PyPI X.post1, Maven
// X-sp1) where the registry's answer would have included it.
// Both rules give the converter's test data.
func ToOSV(a Advisory) (osv.Entry, error) {
	return convert(a, false)
}

// convert is ToOSV; exact changes the ranges to what the advisory says
// rather than what the upstream converter writes. Parse uses it: each of
// GitHub's ranges becomes its own OSV range, and "<= X" without a patch
// becomes last_affected X instead of an open range that would claim every
// later release affected too.
func convert(a Advisory, exact bool) (osv.Entry, error) {
	e := osv.Entry{
		SchemaVersion: "1.5.0",
		ID:            a.GHSAID,
		Aliases:       []string{},
		Published:     a.PublishedAt,
		Modified:      a.UpdatedAt,
		Withdrawn:     a.WithdrawnAt,
		Summary:       a.Summary,
		Details:       a.Description,
		References:    []osv.Reference{},
		Affected:      []osv.Affected{},
	}
	for _, id := range a.Identifiers {
		if id.Value != a.GHSAID {
			e.Aliases = append(e.Aliases, id.Value)
		}
	}
	for i, r := range a.References {
		if r.URL == "" {
			return osv.Entry{}, fieldError(a.field(fmt.Sprintf("references[%d].url", i), fmt.Sprintf("references[%d]", i)), "missing")
		}
		typ := "WEB"
		if strings.Contains(r.URL, "github.com/advisories/") || strings.Contains(r.URL, "nvd.nist.gov/vuln/detail/") {
			typ = "ADVISORY"
		}
		e.References = append(e.References, osv.Reference{Type: typ, URL: r.URL})
	}

	cwes := a.CWEs.Nodes
	if cwes == nil {
		cwes = []CWE{}
	}
	// A struct of strings always encodes.
	dbSpecific, _ := json.Marshal(struct {
		GHSA string `json:"ghsa"`
		CWEs []CWE  `json:"cwes"`
	}{a.Permalink, cwes})

	// Group by (ecosystem, name) in order of first appearance.
	type key struct{ ecosystem, name string }
	var order []key
	groups := map[key][]int{}
	for i, v := range a.Vulnerabilities.Nodes {
		eco, ok := ecosystems[v.Package.Ecosystem]
		switch {
		case !ok:
			return osv.Entry{}, fieldError(a.vulnField(i, "package.ecosystem", "package.ecosystem"), "unknown ecosystem %.40q", v.Package.Ecosystem)
		case v.Package.Name == "":
			return osv.Entry{}, fieldError(a.vulnField(i, "package.name", "package.name"), "missing")
		}
		k := key{eco, v.Package.Name}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}

	for _, k := range order {
		name := k.name
		if k.ecosystem == "PyPI" {
			name = strings.ToLower(pep503.ReplaceAllString(name, "-"))
		}
		aff := osv.Affected{
			Package:          &osv.Package{Ecosystem: k.ecosystem, Name: name},
			Ranges:           []osv.Range{},
			Versions:         []string{},
			DatabaseSpecific: dbSpecific,
		}
		rangeType := "ECOSYSTEM"
		if semverEcosystems[k.ecosystem] {
			rangeType = "SEMVER"
		}
		var events []osv.Event
		allPrior := false
		for _, i := range groups[k] {
			v := a.Vulnerabilities.Nodes[i]
			patched := ""
			if v.FirstPatchedVersion != nil {
				patched = v.FirstPatchedVersion.Identifier
			}
			r, err := parseRange(v.VulnerableVersionRange)
			if err != nil {
				return osv.Entry{}, fieldError(a.vulnField(i, "vulnerableVersionRange", "vulnerable_version_range"), "%v", err)
			}
			var ev []osv.Event
			switch {
			case r.exact != "" && patched != "":
				ev = []osv.Event{{Introduced: r.exact}, {Fixed: patched}}
			case r.exact != "":
				aff.Versions = append(aff.Versions, r.exact)
				continue
			default:
				switch {
				case r.lowerOp == ">=":
					ev = append(ev, osv.Event{Introduced: r.lower})
				case r.lowerOp == ">":
					ev = append(ev, osv.Event{Introduced: nextVersion(k.ecosystem, r.lower)})
				case exact:
					ev = append(ev, osv.Event{Introduced: "0"})
				default:
					allPrior = true
				}
				switch {
				case r.upperOp == "<":
					ev = append(ev, osv.Event{Fixed: r.upper})
				case patched != "":
					ev = append(ev, osv.Event{Fixed: patched})
				case r.upperOp == "<=" && exact:
					ev = append(ev, osv.Event{LastAffected: r.upper})
				}
			}
			if exact {
				aff.Ranges = append(aff.Ranges, osv.Range{Type: rangeType, Events: ev})
			} else {
				events = append(events, ev...)
			}
		}
		if allPrior {
			events = append([]osv.Event{{Introduced: "0"}}, events...)
		}
		if len(events) > 0 {
			aff.Ranges = append(aff.Ranges, osv.Range{Type: rangeType, Events: events})
		}
		e.Affected = append(e.Affected, aff)
	}
	return e, nil
}

// versionRange is one parsed vulnerableVersionRange.
type versionRange struct {
	exact          string
	lowerOp, lower string
	upperOp, upper string
}

// parseRange reads GitHub's range syntax: comma-separated "OP VERSION"
// parts with OP one of =, >=, >, <=, <, at most one lower and one upper
// bound, and an exact version alone.
func parseRange(s string) (versionRange, error) {
	var r versionRange
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		rest := strings.TrimLeft(part, "<>=")
		op, version := part[:len(part)-len(rest)], strings.TrimSpace(rest)
		if version == "" || strings.ContainsAny(version, " \t<>=") {
			return versionRange{}, fmt.Errorf("malformed range %.80q", s)
		}
		dup := false
		switch op {
		case "=":
			dup = r.exact != ""
			r.exact = version
		case ">=", ">":
			dup = r.lowerOp != ""
			r.lowerOp, r.lower = op, version
		case "<=", "<":
			dup = r.upperOp != ""
			r.upperOp, r.upper = op, version
		default:
			return versionRange{}, fmt.Errorf("unknown operator %.10q in range %.80q", op, s)
		}
		if dup {
			return versionRange{}, fmt.Errorf("two bounds of one kind in range %.80q", s)
		}
	}
	if r.exact != "" && (r.lower != "" || r.upper != "") {
		return versionRange{}, fmt.Errorf("exact version with bounds in range %.80q", s)
	}
	return r, nil
}

// nextVersion returns the version OSV's "introduced" needs for GitHub's
// "> v": the least version after v in SEMVER ecosystems, and v+".1"
// elsewhere, where no such version can be computed without the registry.
func nextVersion(ecosystem, v string) string {
	if !semverEcosystems[ecosystem] {
		return v + ".1"
	}
	core, _, _ := strings.Cut(v, "+") // build metadata does not order
	if strings.Contains(core, "-") {
		return core + ".0" // the least version after a prerelease
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v + ".1"
	}
	patch, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil || patch == ^uint64(0) {
		return v + ".1"
	}
	return parts[0] + "." + parts[1] + "." + strconv.FormatUint(patch+1, 10) + "-0"
}

// vulnField names a field of the i'th vulnerability.
func (a *Advisory) vulnField(i int, graphql, rest string) string {
	if a.rest {
		return fmt.Sprintf("vulnerabilities[%d].%s", i, rest)
	}
	return fmt.Sprintf("vulnerabilities.nodes[%d].%s", i, graphql)
}

// fieldErr is a conversion error at one field of the advisory; Parse turns
// it into a *feed.RecordError.
type fieldErr struct {
	field string
	err   error
}

func (e *fieldErr) Error() string { return e.field + ": " + e.err.Error() }
func (e *fieldErr) Unwrap() error { return e.err }

func fieldError(field, format string, args ...any) error {
	return &fieldErr{field, fmt.Errorf(format, args...)}
}
