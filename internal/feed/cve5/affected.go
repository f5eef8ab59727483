package cve5

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// The CVE version model (definition "product", property "versions") is a
// first-match list: the first entry containing a version decides its
// status, and defaultStatus decides for versions no entry contains. OSV
// ranges (advisory.Range) are a union of affected intervals. The mapping
// below turns the first into the second for the patterns real CNAs write;
// doc.go lists them.

// Status values, definition "status".
const (
	statusAffected   = "affected"
	statusUnaffected = "unaffected"
	statusUnknown    = "unknown"
)

func validStatus(s string) bool {
	return s == statusAffected || s == statusUnaffected || s == statusUnknown
}

func (m *mapper) product(p product, path string) (advisory.Affected, error) {
	a := advisory.Affected{
		Vendor:        notNA(p.Vendor),
		Product:       notNA(p.Product),
		DefaultStatus: p.DefaultStatus,
	}
	if a.DefaultStatus != "" && !validStatus(a.DefaultStatus) {
		return advisory.Affected{}, m.errorf(path+".defaultStatus", "unknown %q", p.DefaultStatus)
	}
	a.Ecosystem, a.Package = ecosystem(p.CollectionURL, p.PackageName)
	for _, c := range p.CPEs {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(a.CPEs, c) {
			a.CPEs = append(a.CPEs, c)
		}
	}

	var unaffected []interval
	complementOK := true
	var complementTypes []string
	for j, v := range p.Versions {
		vp := fmt.Sprintf("%s.versions[%d]", path, j)
		switch {
		case v.Status == "":
			return advisory.Affected{}, m.errorf(vp+".status", "missing")
		case !validStatus(v.Status):
			return advisory.Affected{}, m.errorf(vp+".status", "unknown %q", v.Status)
		}
		for k, c := range v.Changes {
			if !validStatus(c.Status) {
				return advisory.Affected{}, m.errorf(fmt.Sprintf("%s.changes[%d].status", vp, k), "unknown %q", c.Status)
			}
		}
		switch v.Status {
		case statusAffected:
			addAffected(&a, v, p.Repo)
		case statusUnaffected:
			if a.DefaultStatus != statusAffected || !hasUpper(v) {
				// Under any other default an unaffected entry only
				// confirms what the ranges already leave out, and a
				// single unaffected version is a hole OSV ranges cannot
				// punch without an order.
				continue
			}
			iv, ok := unaffectedInterval(v)
			complementOK = complementOK && ok
			unaffected = append(unaffected, iv)
			if v.VersionType != "original_commit_for_fix" {
				complementTypes = append(complementTypes, v.VersionType)
			}
		}
		// Status unknown says nothing an affected list can hold.
	}

	if len(unaffected) > 0 && complementOK {
		if events, ok := complement(unaffected); ok {
			if len(events) > 0 {
				addRange(&a, advisory.Range{Type: complementType(complementTypes), Events: events})
			}
			// The ranges now hold every affected version, so what they
			// leave out is unaffected.
			a.DefaultStatus = statusUnaffected
		}
	}
	return a, nil
}

// notNA drops the "n/a" placeholder CNAs (MITRE above all) write when they
// do not know the vendor or product: empty means the same, without
// pretending to be a name.
func notNA(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "n/a") {
		return ""
	}
	return s
}

func hasUpper(v version) bool { return v.LessThan != nil || v.LessThanOrEqual != nil }

// rangeType maps versionType to an OSV range type. "semver" and "git" are
// OSV's own; everything else ("custom", "rpm", "maven", "python", a
// product name) is compared by the product's own rules, which is what
// ECOSYSTEM means.
func rangeType(versionType string) advisory.RangeType {
	switch strings.ToLower(strings.TrimSpace(versionType)) {
	case "semver":
		return advisory.RangeSemver
	case "git":
		return advisory.RangeGit
	}
	return advisory.RangeEcosystem
}

// anyVersion reports whether a range's lower bound is one of the
// placeholders CNAs use for "from the first version": "0" (the schema's
// own example), "*", "" and the "n/a" / "unspecified" that Patchstack,
// Apple and the CVE Services web form write.
func anyVersion(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "*", "n/a", "unspecified":
		return true
	}
	return false
}

// upper classifies a range's upper bound.
type upperKind int

const (
	upperVersion upperKind = iota // a version: the bound as written
	upperNone                     // no upper bound
	upperBranch                   // "6.1.*": every version of a release branch
)

// classifyUpper reads lessThan / lessThanOrEqual. The schema lets a bound
// end in "*", "an arbitrarily large number": "*" alone is no bound, and
// "6.1.*" ends the 6.1 branch, which for dotted numbers is the version
// before "6.2". Other starred bounds ("log4j-core*" in Log4Shell's record)
// have no computable end and count as no bound, as do "unspecified" and
// "n/a", which say the end is not known.
func classifyUpper(s string) (upperKind, string) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "*", "n/a", "unspecified":
		return upperNone, ""
	}
	if prefix, ok := strings.CutSuffix(s, "*"); ok {
		if branch, ok := strings.CutSuffix(prefix, "."); ok {
			if next, ok := nextBranch(branch); ok {
				return upperBranch, next
			}
		}
		return upperNone, ""
	}
	return upperVersion, s
}

// addAffected maps an entry with status affected.
func addAffected(a *advisory.Affected, v version, repo string) {
	lower := strings.TrimSpace(v.Version)
	if !hasUpper(v) {
		switch {
		case lower == "*":
			// Every version, as Wordfence and Qualcomm write it.
			addRange(a, advisory.Range{Type: rangeType(v.VersionType), Events: []advisory.Event{{Introduced: "0"}}})
		case anyVersion(lower):
			// "n/a" or "unspecified" alone names no version at all.
		case rangeType(v.VersionType) == advisory.RangeGit:
			// A commit is not a release anyone runs: the kernel CNA lists
			// a bare commit for a backport that was never fixed on its
			// branch (its cpeApplicability has versionStartIncluding and
			// no end there). Every descendant carries the bug, which is
			// what an OSV GIT range with no fix says.
			addRange(a, advisory.Range{Type: advisory.RangeGit, Repo: strings.TrimSpace(repo),
				Events: []advisory.Event{{Introduced: lower}}})
		default:
			r, exact, ok := constraint(lower, v.VersionType)
			switch {
			case !ok:
				addVersion(a, lower)
			case exact != "":
				addVersion(a, exact)
			default:
				addRange(a, r)
			}
		}
		return
	}

	// A few CNAs repeat the operator in the bound ("lessThanOrEqual":
	// "<=9.3.0"); it says nothing the property name does not.
	var upper string
	inclusive := v.LessThan == nil
	if inclusive {
		upper = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(*v.LessThanOrEqual), "<="))
	} else {
		upper = strings.TrimSpace(*v.LessThan)
		if !strings.HasPrefix(upper, "<=") {
			upper = strings.TrimSpace(strings.TrimPrefix(upper, "<"))
		}
	}
	// curl lists each affected release as {version: X, lessThanOrEqual: X}:
	// a range of one version, which is a version.
	if inclusive && !anyVersion(lower) && upper == lower && len(v.Changes) == 0 {
		addVersion(a, lower)
		return
	}

	r := advisory.Range{Type: rangeType(v.VersionType)}
	if r.Type == advisory.RangeGit {
		r.Repo = strings.TrimSpace(repo)
	}
	intro := lower
	if anyVersion(lower) {
		intro = "0"
	}
	r.Events = append(r.Events, advisory.Event{Introduced: intro})
	var last string
	switch kind, u := classifyUpper(upper); {
	case kind == upperBranch:
		// The branch ends where the next one starts; that is a limit of
		// the range, not a fix.
		r.Events = append(r.Events, advisory.Event{Limit: u})
	case kind == upperVersion && inclusive:
		last = u
	case kind == upperVersion:
		r.Events = append(r.Events, advisory.Event{Fixed: u})
	}
	// changes flip the status inside the range; OSV's sorted events say
	// the same with introduced and fixed. A change to unknown is not a
	// fix, so the range stays affected there.
	fixedInside := false
	for _, c := range v.Changes {
		at := strings.TrimSpace(c.At)
		if at == "" {
			continue
		}
		switch c.Status {
		case statusAffected:
			r.Events = append(r.Events, advisory.Event{Introduced: at})
		case statusUnaffected:
			r.Events = append(r.Events, advisory.Event{Fixed: at})
			fixedInside = true
		}
	}
	// OSV forbids fixed and last_affected in one range. When a change
	// names the fix, it is the better statement: Patchstack writes
	// {lessThanOrEqual: 1.9.3, changes: [{at: 1.9.4, status: unaffected}]}.
	if last != "" && !fixedInside {
		r.Events = append(r.Events, advisory.Event{LastAffected: last})
	}
	addRange(a, r)
}

func addVersion(a *advisory.Affected, v string) {
	if !slices.Contains(a.Versions, v) {
		a.Versions = append(a.Versions, v)
	}
}

// addRange adds r after removing repeated events, unless an equal range is
// there already: some CNAs list one product once per platform with the
// same versions.
func addRange(a *advisory.Affected, r advisory.Range) {
	var events []advisory.Event
	for _, e := range r.Events {
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	r.Events = events
	for _, x := range a.Ranges {
		if x.Type == r.Type && x.Repo == r.Repo && slices.Equal(x.Events, r.Events) {
			return
		}
	}
	a.Ranges = append(a.Ranges, r)
}

// constraint reads the comparison strings GitHub's CNA (and a few others)
// write into a single version: "< 2.15.0", ">= 1.7.0, < 1.18.4",
// ">= 2.0.0-beta1, <= 2.3". A bare "= 1.2.3" is one version, returned as
// exact. ok is false for anything else, including ">" (which OSV cannot
// say) and text around the comparisons.
func constraint(s, versionType string) (r advisory.Range, exact string, ok bool) {
	var lower, fixed, last string
	rest := strings.TrimSpace(s)
	for rest != "" {
		var op string
		for _, o := range []string{">=", "<=", "<", "=", ">"} {
			if strings.HasPrefix(rest, o) {
				op = o
				break
			}
		}
		if op == "" {
			return advisory.Range{}, "", false
		}
		rest = strings.TrimLeft(rest[len(op):], " ")
		end := strings.IndexAny(rest, " ,")
		if end < 0 {
			end = len(rest)
		}
		v := rest[:end]
		rest = strings.TrimLeft(rest[end:], " ,")
		if v == "" || strings.ContainsAny(v, "<>=") {
			return advisory.Range{}, "", false
		}
		var dst *string
		switch op {
		case ">=":
			dst = &lower
		case "<":
			dst = &fixed
		case "<=":
			dst = &last
		case "=":
			dst = &exact
		default:
			return advisory.Range{}, "", false
		}
		if *dst != "" {
			return advisory.Range{}, "", false
		}
		*dst = v
	}
	switch {
	case exact != "" && lower+fixed+last == "":
		return advisory.Range{}, exact, true
	case exact != "", fixed != "" && last != "", lower+fixed+last == "":
		return advisory.Range{}, "", false
	}
	if lower == "" {
		lower = "0"
	}
	r = advisory.Range{Type: rangeType(versionType), Events: []advisory.Event{{Introduced: lower}}}
	switch {
	case fixed != "":
		r.Events = append(r.Events, advisory.Event{Fixed: fixed})
	case last != "":
		r.Events = append(r.Events, advisory.Event{LastAffected: last})
	}
	return r, "", true
}

// interval is a span of unaffected versions: [lo, hi), or [lo, ∞) when
// hi is empty.
type interval struct {
	lo, hi string
}

// unaffectedInterval reads an unaffected range entry. ok is false when the
// entry's end cannot be written as an exclusive bound: an inclusive
// "lessThanOrEqual: 1.5" is followed by affected versions that start at
// "the version after 1.5", which has no name.
func unaffectedInterval(v version) (iv interval, ok bool) {
	if rangeType(v.VersionType) == advisory.RangeGit {
		// Commits have no order without the repository.
		return interval{}, false
	}
	iv.lo = strings.TrimSpace(v.Version)
	if anyVersion(iv.lo) {
		iv.lo = "0"
	}
	upper := v.LessThanOrEqual
	if v.LessThan != nil {
		upper = v.LessThan
	}
	switch kind, u := classifyUpper(*upper); {
	case kind == upperNone:
		return iv, true
	case kind == upperBranch:
		iv.hi = u
		return iv, true
	case v.LessThan != nil:
		iv.hi = u
		return iv, true
	}
	return interval{}, false
}

// complement turns the unaffected intervals of a defaultStatus "affected"
// product into the events of one range of affected versions. This is how
// the Linux kernel CNA, Red Hat and Jenkins describe fixes:
//
//	{version: 0, lessThan: 5.10, unaffected}            introduced 5.10
//	{version: 5.10.227, lessThanOrEqual: 5.10.*, ...}   fixed 5.10.227, introduced 5.11
//	{version: 6.12-rc2, lessThanOrEqual: *, ...}        fixed 6.12-rc2
//
// One interval needs no version order. Several must be sorted and merged,
// which is done here only for dotted numbers with an optional "-rcN" (the
// kernel's and Jenkins' versions); for anything else ok is false and the
// product keeps defaultStatus "affected" with no range, which over-states
// rather than hides.
func complement(ivs []interval) (events []advisory.Event, ok bool) {
	if len(ivs) > 1 {
		type parsed struct {
			iv     interval
			lo, hi dotted
		}
		ps := make([]parsed, 0, len(ivs))
		for _, iv := range ivs {
			p := parsed{iv: iv}
			if p.lo, ok = parseDotted(iv.lo); !ok {
				return nil, false
			}
			if iv.hi != "" {
				if p.hi, ok = parseDotted(iv.hi); !ok {
					return nil, false
				}
			}
			ps = append(ps, p)
		}
		slices.SortStableFunc(ps, func(a, b parsed) int { return a.lo.compare(b.lo) })
		merged := []parsed{ps[0]}
		for _, p := range ps[1:] {
			cur := &merged[len(merged)-1]
			if cur.iv.hi != "" && p.lo.compare(cur.hi) > 0 {
				merged = append(merged, p)
				continue
			}
			// Overlapping or touching: extend cur to the later end.
			if cur.iv.hi != "" && (p.iv.hi == "" || p.hi.compare(cur.hi) > 0) {
				cur.iv.hi, cur.hi = p.iv.hi, p.hi
			}
		}
		ivs = ivs[:0:0]
		for _, p := range merged {
			ivs = append(ivs, p.iv)
		}
	}
	start := "0"
	for _, iv := range ivs {
		if iv.lo != "0" {
			events = append(events, advisory.Event{Introduced: start}, advisory.Event{Fixed: iv.lo})
		}
		if iv.hi == "" {
			return events, true
		}
		start = iv.hi
	}
	return append(events, advisory.Event{Introduced: start}), true
}

// complementType is the range type of a complement: SEMVER when every
// entry says semver, else ECOSYSTEM. The kernel's "original_commit_for_fix"
// entries carry a release number despite the name and do not vote.
func complementType(types []string) advisory.RangeType {
	if len(types) == 0 {
		return advisory.RangeEcosystem
	}
	for _, t := range types {
		if rangeType(t) != advisory.RangeSemver {
			return advisory.RangeEcosystem
		}
	}
	return advisory.RangeSemver
}

// dotted is a version of dot-separated numbers with an optional "-rcN"
// release candidate, which sorts before the release: 6.12-rc2 < 6.12.
type dotted struct {
	nums []uint64
	rc   uint64 // 0 for a release; candidates count from 1
}

func parseDotted(s string) (dotted, bool) {
	var d dotted
	main, rc, hasRC := strings.Cut(s, "-rc")
	if hasRC {
		n, err := strconv.ParseUint(rc, 10, 64)
		if err != nil || n == 0 {
			return dotted{}, false
		}
		d.rc = n
	}
	for part := range strings.SplitSeq(main, ".") {
		// In base 10 ParseUint takes digits only: no sign, no "_".
		n, err := strconv.ParseUint(part, 10, 64)
		if err != nil {
			return dotted{}, false
		}
		d.nums = append(d.nums, n)
	}
	return d, true
}

// compare orders by the numbers, missing ones counting as 0 (6.12 equals
// 6.12.0), then puts a release after its candidates.
func (d dotted) compare(e dotted) int {
	for i := range max(len(d.nums), len(e.nums)) {
		var x, y uint64
		if i < len(d.nums) {
			x = d.nums[i]
		}
		if i < len(e.nums) {
			y = e.nums[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	switch {
	case d.rc == e.rc:
		return 0
	case d.rc == 0:
		return 1
	case e.rc == 0:
		return -1
	}
	return cmp.Compare(d.rc, e.rc)
}

// nextBranch returns the first version after the branch "6.1": "6.2". It
// works on dotted numbers only; "v2.x" has no successor vmc can name.
func nextBranch(branch string) (string, bool) {
	d, ok := parseDotted(branch)
	if !ok || d.rc != 0 {
		return "", false
	}
	last := len(d.nums) - 1
	if d.nums[last] == ^uint64(0) {
		return "", false
	}
	parts := strings.Split(branch, ".")
	parts[last] = strconv.FormatUint(d.nums[last]+1, 10)
	return strings.Join(parts, "."), true
}

// registries maps package collection URLs (scheme, "www." and trailing
// slashes removed, lower case) to OSV ecosystem names. They are the
// collections the schema lists that OSV also knows, with the spellings
// CNAs use ("pypi.python.org" as well as "pypi.org").
var registries = map[string]string{
	"pypi.org":                     "PyPI",
	"pypi.python.org":              "PyPI",
	"pypi.org/simple":              "PyPI",
	"registry.npmjs.org":           "npm",
	"npmjs.com":                    "npm",
	"npmjs.org":                    "npm",
	"repo.maven.apache.org/maven2": "Maven",
	"repo1.maven.org/maven2":       "Maven",
	"pkg.go.dev":                   "Go",
	"golang.org/pkg":               "Go",
	"proxy.golang.org":             "Go",
	"crates.io":                    "crates.io",
	"packagist.org":                "Packagist",
	"rubygems.org":                 "RubyGems",
	"nuget.org":                    "NuGet",
	"nuget.org/packages":           "NuGet",
	"hackage.haskell.org":          "Hackage",
	"pub.dev":                      "Pub",
	"repo.hex.pm":                  "Hex",
	"hex.pm":                       "Hex",
	"cran.r-project.org":           "CRAN",
}

// packagePages are registry URL prefixes after which the package name
// follows; some CNAs give "https://pypi.org/project/protobuf/" as the
// collection and no packageName.
var packagePages = []struct{ prefix, ecosystem string }{
	{"pypi.org/project/", "PyPI"},
	{"npmjs.com/package/", "npm"},
	{"crates.io/crates/", "crates.io"},
	{"rubygems.org/gems/", "RubyGems"},
	{"nuget.org/packages/", "NuGet"},
	{"packagist.org/packages/", "Packagist"},
}

// ecosystem returns the OSV ecosystem and package name for a collection
// and package. A collection vmc does not know (wordpress.org/plugins, Red
// Hat's package browser, a GitHub repository) gives no ecosystem but keeps
// the package name.
func ecosystem(collectionURL, packageName string) (eco, pkg string) {
	pkg = strings.TrimSpace(packageName)
	u := strings.ToLower(strings.TrimSpace(collectionURL))
	u = strings.TrimPrefix(u, "https://")
	u = strings.TrimPrefix(u, "http://")
	u = strings.TrimPrefix(u, "www.")
	u = strings.TrimRight(u, "/")
	if e, ok := registries[u]; ok && pkg != "" {
		return e, pkg
	}
	for _, pp := range packagePages {
		name, ok := strings.CutPrefix(u, pp.prefix)
		if !ok || name == "" || strings.Contains(name, "/") {
			continue
		}
		if pkg == "" {
			pkg = name
		}
		return pp.ecosystem, pkg
	}
	return "", pkg
}
