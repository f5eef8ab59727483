package csaf

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// version is a parsed version_t (CSAF 3.1.11): an integer, or a semantic
// version (semver.org 2.0.0) with optional pre-release and build parts.
// Numbers stay strings, compared by length then digits, because the schema
// bounds their syntax but not their size.
type version struct {
	integer             bool
	major, minor, patch string
	pre                 []string
	build               string
}

var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

var integerRE = regexp.MustCompile(`^(0|[1-9]\d*)$`)

func parseVersion(s string) (version, bool) {
	if integerRE.MatchString(s) {
		return version{integer: true, major: s, minor: "0", patch: "0"}, true
	}
	m := semverRE.FindStringSubmatch(s)
	if m == nil {
		return version{}, false
	}
	v := version{major: m[1], minor: m[2], patch: m[3], build: m[5]}
	if m[4] != "" {
		v.pre = strings.Split(m[4], ".")
	}
	return v, true
}

// compareVersions orders by semver precedence; build metadata does not
// count, and an integer version n counts as n.0.0.
func compareVersions(a, b version) int {
	for _, p := range [][2]string{{a.major, b.major}, {a.minor, b.minor}, {a.patch, b.patch}} {
		if c := compareNumeric(p[0], p[1]); c != 0 {
			return c
		}
	}
	switch {
	case len(a.pre) == 0 && len(b.pre) == 0:
		return 0
	case len(a.pre) == 0:
		return 1
	case len(b.pre) == 0:
		return -1
	}
	for i := 0; i < len(a.pre) && i < len(b.pre); i++ {
		x, y := a.pre[i], b.pre[i]
		xn, yn := integerRE.MatchString(x), integerRE.MatchString(y)
		var c int
		switch {
		case xn && yn:
			c = compareNumeric(x, y)
		case xn:
			c = -1
		case yn:
			c = 1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.pre), len(b.pre))
}

func compareNumeric(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// revision is one item of /document/tracking/revision_history.
type revision struct {
	node    node
	number  string
	version version
	valid   bool // number parses as a version
	date    time.Time
	dated   bool // date parses
}

func (d *doc) revisions() []revision {
	var out []revision
	for _, r := range d.root.get("document").get("tracking").get("revision_history").items() {
		rev := revision{node: r, number: r.get("number").text()}
		rev.version, rev.valid = parseVersion(rev.number)
		rev.date, rev.dated = parseDate(r.get("date").text())
		out = append(out, rev)
	}
	return out
}

// parseDate reads an RFC 3339 date-time (the schema's format for every date
// in CSAF).
func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// byDate sorts revisions ascending by date, then by version, keeping
// document order otherwise. A date that does not parse compares equal to
// every other (the schema reports it).
func byDate(revs []revision) []revision {
	out := slices.Clone(revs)
	slices.SortStableFunc(out, func(a, b revision) int {
		if a.dated && b.dated {
			if c := a.date.Compare(b.date); c != 0 {
				return c
			}
		}
		if a.valid && b.valid {
			return compareVersions(a.version, b.version)
		}
		return 0
	})
	return out
}

func (d *doc) tracking() node { return d.root.get("document").get("tracking") }

// checkSortedRevisionHistory is test 6.1.14: sorted by date, the revision
// numbers ascend.
func checkSortedRevisionHistory(d *doc) {
	sorted := byDate(d.revisions())
	var prev *revision
	for i := range sorted {
		r := &sorted[i]
		if !r.valid {
			continue
		}
		if prev != nil && compareVersions(r.version, prev.version) < 0 {
			d.report(d.tracking().get("revision_history").path,
				"sorted by date, revision %q (%s) comes after %q (%s): the numbers do not ascend with the dates",
				r.number, r.node.get("date").text(), prev.number, prev.node.get("date").text())
			return
		}
		prev = r
	}
}

// checkTranslator is test 6.1.15: a translator's document names its source
// language.
func checkTranslator(d *doc) {
	doc := d.root.get("document")
	if doc.get("publisher").get("category").text() == "translator" && !doc.get("source_lang").exists() {
		d.report(doc.get("publisher").get("category").path, "the publisher is a translator, but document.source_lang is missing")
	}
}

// checkLatestVersion is test 6.1.16: the document version equals the number
// of the newest revision, ignoring build metadata, and for drafts also the
// pre-release part.
func checkLatestVersion(d *doc) {
	t := d.tracking()
	ver, ok := t.get("version").str()
	sorted := byDate(d.revisions())
	if !ok || len(sorted) == 0 {
		return
	}
	draft := t.get("status").text() == "draft"
	normalize := func(s string) string {
		s, _, _ = strings.Cut(s, "+")
		if draft {
			s, _, _ = strings.Cut(s, "-")
		}
		return s
	}
	latest := sorted[len(sorted)-1].number
	if normalize(latest) != normalize(ver) {
		d.report(t.get("version").path, "version %q does not match the newest revision %q", ver, latest)
	}
}

// checkDraftStatus is test 6.1.17: version 0, 0.y.z or a pre-release means
// the document is a draft.
func checkDraftStatus(d *doc) {
	t := d.tracking()
	status, ok := t.get("status").str()
	v, valid := parseVersion(t.get("version").text())
	if !ok || status == "draft" || !valid {
		return
	}
	if v.major == "0" || len(v.pre) > 0 {
		d.report(t.get("status").path, "status is %q, but version %q makes the document a draft", status, t.get("version").text())
	}
}

func released(t node) bool {
	s := t.get("status").text()
	return s == "final" || s == "interim"
}

// checkReleasedRevisionHistory is test 6.1.18: a final or interim document
// has no revision with version 0 or 0.y.z.
func checkReleasedRevisionHistory(d *doc) {
	t := d.tracking()
	if !released(t) {
		return
	}
	for _, r := range d.revisions() {
		if r.valid && r.version.major == "0" {
			d.report(r.node.get("number").path, "revision %q has major version 0, which a %s document must not contain", r.number, t.get("status").text())
		}
	}
}

// checkPreReleaseRevisions is test 6.1.19: no revision is a pre-release.
func checkPreReleaseRevisions(d *doc) {
	for _, r := range d.revisions() {
		if r.valid && len(r.version.pre) > 0 {
			d.report(r.node.get("number").path, "revision %q has a pre-release part", r.number)
		}
	}
}

// checkNonDraftVersion is test 6.1.20: a final or interim document's version
// has no pre-release part.
func checkNonDraftVersion(d *doc) {
	t := d.tracking()
	v, ok := parseVersion(t.get("version").text())
	if released(t) && ok && len(v.pre) > 0 {
		d.report(t.get("version").path, "status is %q, but version %q has a pre-release part", t.get("status").text(), t.get("version").text())
	}
}

// checkMissingRevision is test 6.1.21: sorted by date, the revisions start
// at (major) version 0 or 1 and skip no (major) version.
func checkMissingRevision(d *doc) {
	var majors []uint64
	seen := map[uint64]bool{}
	for _, r := range byDate(d.revisions()) {
		if !r.valid {
			continue
		}
		m, err := strconv.ParseUint(r.version.major, 10, 64)
		if err != nil || seen[m] {
			continue
		}
		seen[m] = true
		majors = append(majors, m)
	}
	if len(majors) == 0 {
		return
	}
	path := d.tracking().get("revision_history").path
	if majors[0] > 1 {
		d.report(path, "sorted by date, the first revision has (major) version %d, not 0 or 1", majors[0])
	}
	for i, m := range majors {
		if want := majors[0] + uint64(i); m > want {
			d.report(path, "sorted by date, (major) version %d is missing", want)
			return
		}
	}
}

// checkMultipleRevisionDefinition is test 6.1.22: no revision number is used
// twice.
func checkMultipleRevisionDefinition(d *doc) {
	seen := map[string]bool{}
	for _, r := range d.revisions() {
		if _, ok := r.node.get("number").str(); !ok {
			continue
		}
		if seen[r.number] {
			d.report(r.node.get("number").path, "revision number %q is used more than once", r.number)
		}
		seen[r.number] = true
	}
}

// checkMixedVersioning is test 6.1.30: the version and all revision numbers
// use one scheme, integer or semantic.
func checkMixedVersioning(d *doc) {
	scheme := func(s string) string {
		if integerRE.MatchString(s) {
			return "integer"
		}
		return "semantic"
	}
	var first string
	for _, r := range d.revisions() {
		n := r.node.get("number")
		if _, ok := n.str(); !ok {
			continue
		}
		if first == "" {
			first = scheme(r.number)
		} else if scheme(r.number) != first {
			d.report(n.path, "revision %q uses %s versioning, but the first revision uses %s", r.number, scheme(r.number), first)
		}
	}
	v := d.tracking().get("version")
	if s, ok := v.str(); ok && first != "" && scheme(s) != first {
		d.report(v.path, "version %q uses %s versioning, but the revision history uses %s", s, scheme(s), first)
	}
}

// checkBuildMetadata is test 6.2.4: revision numbers carry no build
// metadata.
func checkBuildMetadata(d *doc) {
	for _, r := range d.revisions() {
		if strings.Contains(r.number, "+") {
			d.report(r.node.get("number").path, "revision %q has build metadata", r.number)
		}
	}
}

// releaseDateBound compares a tracking date with the oldest (newest=false)
// or newest revision date: tests 6.2.5 and 6.2.6.
func releaseDateBound(d *doc, key string, newest bool) {
	n := d.tracking().get(key)
	date, ok := parseDate(n.text())
	if !ok {
		return
	}
	var bound *revision
	revs := d.revisions()
	for i := range revs {
		r := &revs[i]
		if r.dated && (bound == nil || (newest && r.date.After(bound.date)) || (!newest && r.date.Before(bound.date))) {
			bound = r
		}
	}
	if bound != nil && date.Before(bound.date) {
		which := "oldest"
		if newest {
			which = "newest"
		}
		d.report(n.path, "%s %s is older than the %s revision's date %s", key, n.text(), which, bound.node.get("date").text())
	}
}

func checkInitialReleaseDate(d *doc) { releaseDateBound(d, "initial_release_date", false) }

func checkCurrentReleaseDate(d *doc) { releaseDateBound(d, "current_release_date", true) }
