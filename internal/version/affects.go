package version

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

var (
	// ErrNotEvaluable marks a range that versions alone cannot decide: a
	// GIT range, whose events are commits and whose order is the
	// repository's history. Matching by commit is out of vmc's scope.
	ErrNotEvaluable = errors.New("range not evaluable by version")
	// ErrRange marks a malformed range.
	ErrRange = errors.New("invalid range")
)

// The OSV range types (https://ossf.github.io/osv-schema/#affectedrangestype-field).
const (
	RangeSemVer    = "SEMVER"
	RangeEcosystem = "ECOSYSTEM"
	RangeGit       = "GIT"
)

// Range is an OSV range: a type and its events, as
// https://ossf.github.io/osv-schema/#affectedranges-field defines them.
//
// It mirrors advisory.Range field for field, so that package version sees
// only package ecosystem (../shared/STYLE.md); an advisory.Event converts
// with version.Event(e), and a range with
//
//	version.Range{Type: string(r.Type), Repo: r.Repo, Events: events}
type Range struct {
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one point of a range; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Hit is what Affects decided, with the events that decided it, for
// explanations ("affected: introduced in 1.0.0, fixed in 1.0.2").
//
// When Affected is true, Introduced is the event that opened the interval
// the version lies in and Fixed or LastAffected the event that closes it,
// if any ("fixed in"). When Affected is false, Fixed or LastAffected is the
// event the version is at or past, with the Introduced it closed; all
// three are empty when the version comes before every introduced event.
// Limit is the limit event the version lies below, or, when the version is
// at or above every limit, the highest of them.
type Hit struct {
	Affected     bool
	Introduced   string
	Fixed        string
	LastAffected string
	Limit        string
}

// event is a parsed Event: its kind, its text and its version (unset for
// introduced "0" and for limits containing "*").
type event struct {
	kind string // "introduced", "fixed", "last_affected", "limit"
	text string
	v    Version
	// zero is introduced "0", which sorts before every version; infinite
	// is a limit containing "*", which sorts after every version.
	zero, infinite bool
}

// Affects reports whether version v of ecosystem eco lies in rng,
// evaluating it as the OSV schema's pseudo-code does
// (https://ossf.github.io/osv-schema/#evaluation): the events are sorted
// by version and walked in order; an introduced event at or below v makes
// it vulnerable, a fixed event at or below v or a last_affected event
// below v makes it not; and with limit events, v must lie below one of
// them.
//
// SEMVER ranges compare as SemVer whatever the ecosystem, unless the
// installed version is not SemVer and the ecosystem has an order of its
// own (then the range is read in it); ECOSYSTEM ranges in the ecosystem's
// scheme; GIT ranges return ErrNotEvaluable. Events at
// the same version keep the order the record gives them (a stable sort,
// as golang/vuln does). rng is not modified: the events are parsed into a
// new slice, and that is what is sorted.
//
// Errors name the event: `events[2].fixed: PyPI: invalid version "1..2"`.
// An invalid v is an *Error naming the ecosystem and the version.
func Affects(rng Range, eco, v string) (Hit, error) {
	var (
		sch  Scheme
		name string
	)
	switch rng.Type {
	case RangeSemVer:
		// Errors still name the ecosystem the range belongs to, in OSV's
		// spelling where it has one.
		sch, name = SemVer, string(SemVer)
		if _, n, err := SchemeFor(eco); err == nil || errors.Is(err, ErrUnsupported) {
			name = n
		} else if eco != "" {
			name = eco
		}
	case RangeEcosystem:
		var err error
		if sch, name, err = SchemeFor(eco); err != nil {
			return Hit{}, err
		}
	case RangeGit:
		repo := rng.Repo
		if repo == "" {
			repo = "no repo"
		}
		return Hit{}, fmt.Errorf("%w: GIT range (%s): commit matching is out of scope", ErrNotEvaluable, repo)
	default:
		return Hit{}, fmt.Errorf("%w: unknown range type %q", ErrRange, rng.Type)
	}
	ver, err := sch.parseAs(name, v)
	if err != nil && rng.Type == RangeSemVer {
		// CVE JSON 5 producers label ranges "semver" for ecosystems whose
		// versions are not (a Maven 9.4.18.v20190429): where the
		// ecosystem has an order of its own, the range is read in it.
		if own, _, serr := SchemeFor(eco); serr == nil && own != SemVer {
			rng.Type = RangeEcosystem
			return Affects(rng, eco, v)
		}
	}
	if err != nil {
		return Hit{}, err
	}
	evs, err := parseEvents(rng.Events, sch, name)
	if err != nil {
		return Hit{}, err
	}
	return evaluate(evs, ver)
}

// parseEvents checks and parses the events, in a new slice.
func parseEvents(in []Event, sch Scheme, name string) ([]event, error) {
	out := make([]event, 0, len(in))
	introduced := false
	for i, e := range in {
		kind, text, n := "", "", 0
		for _, f := range [...]struct{ kind, text string }{
			{"introduced", e.Introduced}, {"fixed", e.Fixed}, {"last_affected", e.LastAffected}, {"limit", e.Limit},
		} {
			if f.text != "" {
				kind, text = f.kind, f.text
				n++
			}
		}
		if n != 1 {
			return nil, fmt.Errorf("%w: events[%d]: %d of introduced, fixed, last_affected and limit set; want 1", ErrRange, i, n)
		}
		ev := event{kind: kind, text: text}
		switch {
		case kind == "introduced" && text == "0":
			ev.zero = true
		case kind == "limit" && strings.Contains(text, "*"):
			ev.infinite = true
		default:
			pv, err := sch.parseAs(name, text)
			if err != nil {
				return nil, fmt.Errorf("events[%d].%s: %w", i, kind, err)
			}
			ev.v = pv
		}
		introduced = introduced || kind == "introduced"
		out = append(out, ev)
	}
	if !introduced {
		return nil, fmt.Errorf("%w: no introduced event", ErrRange)
	}
	return out, nil
}

// cmpEvent orders an event's point against a version: "0" is below
// everything, "*" above.
func cmpEvent(e event, v Version) (int, error) {
	switch {
	case e.zero:
		return -1, nil
	case e.infinite:
		return +1, nil
	}
	return e.v.Compare(v)
}

func evaluate(evs []event, v Version) (Hit, error) {
	var hit Hit

	// BeforeLimits: with limit events, v must lie below one of them.
	var below, highest *event
	limits := false
	for i := range evs {
		e := &evs[i]
		if e.kind != "limit" {
			continue
		}
		limits = true
		c, err := cmpEvent(*e, v)
		if err != nil {
			return Hit{}, err
		}
		if c > 0 {
			if below == nil || less(*e, *below) {
				below = e
			}
		} else if highest == nil || less(*highest, *e) {
			highest = e
		}
	}
	if limits && below == nil {
		hit.Limit = highest.text
		return hit, nil
	}
	if below != nil {
		hit.Limit = below.text
	}

	// evs is parseEvents' own slice, never the caller's, so sorting it in
	// place leaves the record as it was.
	sorted := evs
	var sortErr error
	slices.SortStableFunc(sorted, func(a, b event) int {
		c, err := compareEvents(a, b)
		if err != nil && sortErr == nil {
			sortErr = err
		}
		return c
	})
	if sortErr != nil {
		return Hit{}, sortErr
	}

	vulnerable := false
	opened := -1 // index in sorted of the introduced event that opened the current interval
	for i, e := range sorted {
		c, err := cmpEvent(e, v) // event's point against v
		if err != nil {
			return Hit{}, err
		}
		switch e.kind {
		case "introduced":
			if c <= 0 {
				vulnerable, opened = true, i
				hit.Fixed, hit.LastAffected = "", ""
			}
		case "fixed":
			// A bound below every introduced event decides nothing.
			if c <= 0 && opened >= 0 {
				vulnerable = false
				hit.Fixed, hit.LastAffected = e.text, ""
				hit.Introduced = introducedText(sorted, opened)
			}
		case "last_affected":
			if c < 0 && opened >= 0 {
				vulnerable = false
				hit.Fixed, hit.LastAffected = "", e.text
				hit.Introduced = introducedText(sorted, opened)
			}
		}
	}
	hit.Affected = vulnerable
	if vulnerable {
		hit.Introduced = sorted[opened].text
		hit.Fixed, hit.LastAffected = "", ""
		// The interval's upper bound, for "fixed in": the first fixed or
		// last_affected event after the one that opened it.
		for _, e := range sorted[opened+1:] {
			if e.kind == "fixed" {
				hit.Fixed = e.text
				break
			}
			if e.kind == "last_affected" {
				hit.LastAffected = e.text
				break
			}
		}
	}
	return hit, nil
}

func introducedText(sorted []event, i int) string {
	if i < 0 {
		return ""
	}
	return sorted[i].text
}

// compareEvents orders two events by their points.
func compareEvents(a, b event) (int, error) {
	switch {
	case a.zero && b.zero, a.infinite && b.infinite:
		return 0, nil
	case a.zero, b.infinite:
		return -1, nil
	case b.zero, a.infinite:
		return +1, nil
	}
	return a.v.Compare(b.v)
}

// less reports whether a's point is below b's; the points of one range
// always compare, having been parsed in one scheme.
func less(a, b event) bool {
	c, _ := compareEvents(a, b)
	return c < 0
}

// InVersions reports whether v is one of an OSV record's listed versions
// (affected[].versions) and returns the entry that matched. An entry
// matches when it is the same string, or when both parse in the
// ecosystem's scheme and compare equal ("1.0" and "1.0.0" in PyPI).
// Entries that do not parse are matched as strings only: OSV fills the
// list of GIT-ranged records with upstream tags that follow no scheme. An
// ecosystem without an ordering is matched as strings too, without error.
func InVersions(versions []string, eco, v string) (string, bool, error) {
	for _, l := range versions {
		if l == v {
			return l, true, nil
		}
	}
	sch, name, err := SchemeFor(eco)
	if errors.Is(err, ErrUnsupported) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	pv, err := sch.parseAs(name, v)
	if err != nil {
		return "", false, err
	}
	for _, l := range versions {
		lv, err := sch.parseAs(name, l)
		if err != nil {
			continue
		}
		if c, err := lv.Compare(pv); err == nil && c == 0 {
			return l, true, nil
		}
	}
	return "", false, nil
}
