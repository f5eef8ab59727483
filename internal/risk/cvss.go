package risk

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
)

// CVSSVersion is a version of the Common Vulnerability Scoring System.
type CVSSVersion string

const (
	// CVSS20 is CVSS v2.0 (https://www.first.org/cvss/v2/guide). Its
	// vectors have no prefix: "AV:N/AC:L/Au:N/C:P/I:P/A:P".
	CVSS20 CVSSVersion = "2.0"
	// CVSS30 is CVSS v3.0 (https://www.first.org/cvss/v3.0/specification-document).
	CVSS30 CVSSVersion = "3.0"
	// CVSS31 is CVSS v3.1 (https://www.first.org/cvss/v3.1/specification-document).
	CVSS31 CVSSVersion = "3.1"
	// CVSS40 is CVSS v4.0 (https://www.first.org/cvss/v4.0/specification-document).
	CVSS40 CVSSVersion = "4.0"
)

func (v CVSSVersion) String() string { return string(v) }

// IsValid reports whether v is a known CVSS version.
func (v CVSSVersion) IsValid() bool {
	return slices.Contains([]CVSSVersion{CVSS20, CVSS30, CVSS31, CVSS40}, v)
}

// UnmarshalText rejects unknown versions.
func (v *CVSSVersion) UnmarshalText(b []byte) error {
	if !CVSSVersion(b).IsValid() {
		return fmt.Errorf("unknown CVSS version %q", b)
	}
	*v = CVSSVersion(b)
	return nil
}

// Severity rates a score of version v.
//
// CVSS v3.0, v3.1 and v4.0 define a qualitative rating scale (v3.1
// specification section 5, v4.0 section 6): None 0.0, Low 0.1-3.9,
// Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0. CVSS v2.0 defines none;
// for it vmc uses NVD's v2 bands (https://nvd.nist.gov/vuln-metrics/cvss):
// Low 0.0-3.9, Medium 4.0-6.9, High 7.0-10.0, so a v2 score is never None
// or Critical.
func (v CVSSVersion) Severity(score float64) Severity {
	if v == CVSS20 {
		switch {
		case score >= 7.0:
			return SeverityHigh
		case score >= 4.0:
			return SeverityMedium
		}
		return SeverityLow
	}
	switch {
	case score >= 9.0:
		return SeverityCritical
	case score >= 7.0:
		return SeverityHigh
	case score >= 4.0:
		return SeverityMedium
	case score >= 0.1:
		return SeverityLow
	}
	return SeverityNone
}

// Severity is a qualitative CVSS rating, spelled as NVD and CVE JSON 5's
// baseSeverity spell it.
type Severity string

const (
	SeverityNone     Severity = "NONE"
	SeverityLow      Severity = "LOW"
	SeverityMedium   Severity = "MEDIUM"
	SeverityHigh     Severity = "HIGH"
	SeverityCritical Severity = "CRITICAL"
)

func (s Severity) String() string { return string(s) }

// IsValid reports whether s is a known rating.
func (s Severity) IsValid() bool {
	return slices.Contains([]Severity{SeverityNone, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}, s)
}

// UnmarshalText rejects unknown ratings.
func (s *Severity) UnmarshalText(b []byte) error {
	if !Severity(b).IsValid() {
		return fmt.Errorf("unknown severity %q", b)
	}
	*s = Severity(b)
	return nil
}

// Metric is one metric of a vector: "AV:N" is {Key: "AV", Value: "N"}.
type Metric struct {
	Key   string
	Value string
}

func (m Metric) String() string { return m.Key + ":" + m.Value }

// CVSS is a parsed and scored CVSS vector.
//
// Scores are those of FIRST's specifications and calculators: v2.0 in
// exact decimal arithmetic (cvss20.go), v3.0 and v3.1 by
// github.com/pandatix/go-cvss, v4.0 by the calculator's algorithm and
// rounding (cvss40.go). They reproduce all of Red Hat's 7,667 scored
// vectors (cvss_redhat_test.go). A metric the vector leaves out counts as
// Not Defined.
type CVSS struct {
	Version CVSSVersion `json:"version"`
	// Vector is the vector string as given, trimmed of surrounding space.
	Vector string `json:"vector"`
	// Metrics are the vector's metrics in the order it gives them,
	// including any set to Not Defined ("X", "ND").
	Metrics []Metric `json:"-"`
	// Base is the base score (v4.0: CVSS-B, the score of the base metrics
	// alone).
	Base float64 `json:"base"`
	// Temporal is the temporal score of v2.0 and v3.x, or the threat score
	// of v4.0 (CVSS-BT, the score of the base and threat metrics). It is
	// nil when the vector sets no temporal or threat metric.
	Temporal *float64 `json:"temporal,omitempty"`
	// Environmental is the environmental score (v4.0: CVSS-BE or
	// CVSS-BTE, the score of every metric). It is nil when the vector sets
	// no environmental metric. Like FIRST's calculators, it includes the
	// temporal (threat) metrics.
	Environmental *float64 `json:"environmental,omitempty"`
	// Score is the most specific of the three: Environmental if set, else
	// Temporal if set, else Base. For v4.0 it is the score of the whole
	// vector, which the specification names by the groups it covers
	// (CVSS-B, -BT, -BE or -BTE).
	Score float64 `json:"score"`
	// Severity rates Score (see CVSSVersion.Severity).
	Severity Severity `json:"severity"`
}

// Get returns the value the vector gives metric key, or "" when it gives
// none.
func (c CVSS) Get(key string) string {
	for _, m := range c.Metrics {
		if m.Key == key {
			return m.Value
		}
	}
	return ""
}

// ErrInvalidCVSS marks a vector string that is not valid CVSS.
var ErrInvalidCVSS = errors.New("invalid CVSS vector")

// CVSSError is a vector that ParseCVSS rejects. It wraps ErrInvalidCVSS.
// Its message names the metric at fault:
//
//	cvss "CVSS:3.1/AV:X/AC:L/...": metric AV: invalid value "X" (N, A, L, P)
type CVSSError struct {
	Vector string
	// Metric is the abbreviation of the metric at fault; it is empty when
	// the fault is not one known metric's (an unknown prefix or metric, a
	// stray "/").
	Metric string
	// Reason says what is wrong, in words.
	Reason string
}

// maxShown bounds how much of a vector an error message quotes.
const maxShown = 300

func (e *CVSSError) Error() string {
	v := e.Vector
	if len(v) > maxShown {
		v = v[:maxShown] + "..."
	}
	if e.Metric != "" {
		return fmt.Sprintf("cvss %q: metric %s: %s", v, e.Metric, e.Reason)
	}
	return fmt.Sprintf("cvss %q: %s", v, e.Reason)
}

func (e *CVSSError) Unwrap() error { return ErrInvalidCVSS }

// maxVectorLen bounds the vectors ParseCVSS reads. The longest valid one,
// a v4.0 vector giving every metric, is under 200 bytes; anything far
// longer is not CVSS, and refusing it early keeps hostile input cheap.
const maxVectorLen = 512

// ParseCVSS parses a CVSS v2.0, v3.0, v3.1 or v4.0 vector string and
// scores it. The version is read from the "CVSS:3.1/" prefix; a vector
// without one is read as v2.0.
//
// Metrics of v2.0 and v3.x may come in any order, as FIRST's calculators
// and JSON schemas allow; v4.0's must come in the order its specification
// and schema fix. A v2.0 vector may give part of a metric group
// ("AV:N/.../RL:W/RC:UC"), as FIRST's v2.0 schema and Red Hat's library
// allow; the rest count as Not Defined.
//
// An invalid vector is a *CVSSError naming the metric at fault.
func ParseCVSS(vector string) (CVSS, error) {
	v := strings.TrimSpace(vector)
	sp, rest, err := splitVersion(v)
	if err != nil {
		return CVSS{}, err
	}
	ms, err := sp.parse(v, rest)
	if err != nil {
		return CVSS{}, err
	}
	c := CVSS{Version: sp.version, Vector: v, Metrics: ms}
	sc, err := computeScores(sp, ms)
	if err != nil {
		return CVSS{}, &CVSSError{Vector: v, Reason: fmt.Sprintf("scoring: %v", err)}
	}
	c.Base, c.Score = sc.base, sc.base
	if sets(sp, ms, groupTemporal) {
		t := sc.temporal
		c.Temporal, c.Score = &t, t
	}
	if sets(sp, ms, groupEnvironmental) {
		e := sc.environmental
		c.Environmental, c.Score = &e, e
	}
	c.Severity = c.Version.Severity(c.Score)
	return c, nil
}

// splitVersion finds the grammar of v from its prefix and returns the
// metrics part of v.
func splitVersion(v string) (*spec, string, error) {
	switch {
	case v == "":
		return nil, "", &CVSSError{Vector: v, Reason: "empty vector"}
	case len(v) > maxVectorLen:
		return nil, "", &CVSSError{Vector: v, Reason: fmt.Sprintf("longer than %d bytes", maxVectorLen)}
	}
	if after, ok := strings.CutPrefix(v, "CVSS:"); ok {
		ver, rest, _ := strings.Cut(after, "/")
		sp := specs[ver]
		if sp == nil {
			return nil, "", &CVSSError{Vector: v, Reason: fmt.Sprintf("unknown version %q (3.0, 3.1 or 4.0; v2.0 vectors have no prefix)", ver)}
		}
		return sp, rest, nil
	}
	// A v2.0 vector starts with a v2.0 metric; anything else is not CVSS
	// at all, and saying "unknown metric" of it would mislead.
	first, _, _ := strings.Cut(v, "/")
	key, _, ok := strings.Cut(first, ":")
	if !ok || specV2.def(key) == nil {
		return nil, "", &CVSSError{Vector: v, Reason: `not a CVSS vector: no "CVSS:3.x/" or "CVSS:4.0/" prefix, and not v2.0 metrics`}
	}
	return specV2, v, nil
}

// parse reads the metrics part of vector v and checks each metric against
// the specification.
func (sp *spec) parse(v, rest string) ([]Metric, error) {
	bad := func(metric, format string, args ...any) error {
		return &CVSSError{Vector: v, Metric: metric, Reason: fmt.Sprintf(format, args...)}
	}
	var ms []Metric
	if rest != "" {
		parts := strings.Split(rest, "/") // at most maxVectorLen/2 parts
		ms = make([]Metric, 0, len(parts))
		last := -1
		for _, p := range parts {
			if p == "" {
				return nil, bad("", `empty metric (a stray "/")`)
			}
			key, val, ok := strings.Cut(p, ":")
			if !ok {
				return nil, bad("", "%q is not a KEY:VALUE metric", p)
			}
			d := sp.def(key)
			if d == nil {
				return nil, bad("", "unknown metric %q (not in CVSS v%s)", key, sp.version)
			}
			if slices.ContainsFunc(ms, func(m Metric) bool { return m.Key == key }) {
				return nil, bad(key, "given twice")
			}
			if !slices.Contains(d.values, val) {
				return nil, bad(key, "invalid value %q (%s)", val, strings.Join(d.values, ", "))
			}
			if sp.ordered {
				i := sp.index(key)
				if i < last {
					return nil, bad(key, "out of order: must come before %s", sp.metrics[last].key)
				}
				last = i
			}
			ms = append(ms, Metric{Key: key, Value: val})
		}
	}
	for _, d := range sp.metrics {
		if d.group == groupBase && !slices.ContainsFunc(ms, func(m Metric) bool { return m.Key == d.key }) {
			return nil, bad(d.key, "missing")
		}
	}
	return ms, nil
}

// sets reports whether ms gives a metric of group g a value other than Not
// Defined.
func sets(sp *spec, ms []Metric, g group) bool {
	for _, m := range ms {
		if d := sp.def(m.Key); d != nil && d.group == g && m.Value != sp.notDefined {
			return true
		}
	}
	return false
}

// scores are a vector's three scores as FIRST's calculators show them,
// whether or not the vector sets metrics of the group.
type scores struct {
	base, temporal, environmental float64
}

// computeScores scores valid metrics: v2.0 and v4.0 here (cvss20.go,
// cvss40.go), v3.0 and v3.1 with go-cvss. The vector go-cvss is handed is
// rebuilt from the metrics in the specification's order.
func computeScores(sp *spec, ms []Metric) (scores, error) {
	var sc scores
	switch sp.version {
	case CVSS20:
		sc = scoreV2(sp.values(ms))
	case CVSS30:
		c, err := gocvss30.ParseVector(vectorString(sp, ms))
		if err != nil {
			return sc, err
		}
		sc = scores{c.BaseScore(), c.TemporalScore(), c.EnvironmentalScore()}
	case CVSS31:
		c, err := gocvss31.ParseVector(vectorString(sp, ms))
		if err != nil {
			return sc, err
		}
		sc = scores{c.BaseScore(), c.TemporalScore(), c.EnvironmentalScore()}
	case CVSS40:
		// v4.0 has one formula over whatever metrics are given; the base
		// and threat scores are those of the vector cut down to its base
		// (and threat) metrics, the rest Not Defined.
		v := sp.values(ms)
		sc.environmental = scoreV4(v)
		sc.temporal = sc.environmental
		if sets(sp, ms, groupEnvironmental) {
			sc.temporal = scoreV4(sp.cut(v, groupTemporal))
		}
		sc.base = sc.temporal
		if sets(sp, ms, groupTemporal) {
			sc.base = scoreV4(sp.cut(v, groupBase))
		}
	default:
		return sc, fmt.Errorf("no formula for CVSS v%s", sp.version)
	}
	// v2.0's equations can fall below zero, which its guide's 0 to 10
	// range does not allow: a low requirement can shrink a small impact
	// until the adjusted base is negative (AV:L/AC:H/Au:M/C:N/I:N/A:P/AR:L
	// gives -0.2), and float implementations give -0.0 for a zero impact
	// (Red Hat's vectors_simple2 shows it). vmc clamps at 0.
	for _, p := range []*float64{&sc.base, &sc.temporal, &sc.environmental} {
		if *p <= 0 {
			*p = 0
		}
	}
	return sc, nil
}

// values returns the value ms gives each metric of sp, in sp's order, and
// Not Defined for each metric ms leaves out.
func (sp *spec) values(ms []Metric) []string {
	v := make([]string, len(sp.metrics))
	for i := range v {
		v[i] = sp.notDefined
	}
	for _, m := range ms {
		if i := sp.index(m.Key); i >= 0 {
			v[i] = m.Value
		}
	}
	return v
}

// cut returns a copy of values v (in sp's order) with every metric of a
// group after g Not Defined.
func (sp *spec) cut(v []string, g group) []string {
	c := slices.Clone(v)
	for i, d := range sp.metrics {
		if d.group > g {
			c[i] = sp.notDefined
		}
	}
	return c
}

// vectorString writes metrics as a vector of sp, in the specification's
// order.
func vectorString(sp *spec, ms []Metric) string {
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, func(a, b Metric) int { return sp.index(a.Key) - sp.index(b.Key) })
	var b strings.Builder
	b.WriteString(sp.prefix)
	for i, m := range ms {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(m.String())
	}
	return b.String()
}

// With returns c with metrics ms set, replacing the values the vector gave
// them, and scored again. Only temporal (threat), environmental and
// supplemental metrics can be set: the base metrics describe the
// vulnerability, not where it is found. The result's Vector lists the
// metrics in the specification's order.
func (c CVSS) With(ms ...Metric) (CVSS, error) {
	sp := specOf(c.Version)
	if sp == nil {
		return CVSS{}, &CVSSError{Vector: c.Vector, Reason: fmt.Sprintf("unknown version %q", c.Version)}
	}
	merged := slices.Clone(c.Metrics)
	for _, m := range ms {
		d := sp.def(m.Key)
		switch {
		case d == nil:
			return CVSS{}, &CVSSError{Vector: c.Vector, Reason: fmt.Sprintf("unknown metric %q (not in CVSS v%s)", m.Key, sp.version)}
		case d.group == groupBase:
			return CVSS{}, &CVSSError{Vector: c.Vector, Metric: m.Key, Reason: "a base metric cannot be modified"}
		case !slices.Contains(d.values, m.Value):
			return CVSS{}, &CVSSError{Vector: c.Vector, Metric: m.Key, Reason: fmt.Sprintf("invalid value %q (%s)", m.Value, strings.Join(d.values, ", "))}
		}
		if i := slices.IndexFunc(merged, func(x Metric) bool { return x.Key == m.Key }); i >= 0 {
			merged[i] = m
		} else {
			merged = append(merged, m)
		}
	}
	return ParseCVSS(vectorString(sp, merged))
}

// specOf returns the grammar of version v, or nil.
func specOf(v CVSSVersion) *spec {
	if v == CVSS20 {
		return specV2
	}
	return specs[string(v)]
}
