package cpe

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/knqyf263/go-cpe/common"
	"github.com/knqyf263/go-cpe/matching"

	"github.com/vmc-dev/vmc/internal/version"
)

// ErrConfig marks configurations that cannot be evaluated.
var ErrConfig = errors.New("invalid configurations")

// Configuration is one applicability statement of the NVD CVE API 2.0
// ("configurations[]" in https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema).
// A CVE's configurations are OR'ed.
type Configuration struct {
	// Operator combines the nodes, AND or OR; absent means OR (NVD leaves
	// it out when there is one node).
	Operator string `json:"operator,omitempty"`
	Negate   bool   `json:"negate,omitempty"`
	Nodes    []Node `json:"nodes"`
}

// Node is one operator over CPE match criteria.
type Node struct {
	Operator string      `json:"operator"`
	Negate   bool        `json:"negate,omitempty"`
	CPEMatch []Criterion `json:"cpeMatch"`
}

// Criterion is NVD's "cpe_match": a CPE name, usually with wildcards, and
// optional version bounds. Vulnerable says whether a product it matches is
// vulnerable or only part of the environment (an operating system or
// hardware the vulnerable product runs on).
type Criterion struct {
	Vulnerable            bool   `json:"vulnerable"`
	Criteria              string `json:"criteria"`
	MatchCriteriaID       string `json:"matchCriteriaId,omitempty"`
	VersionStartIncluding string `json:"versionStartIncluding,omitempty"`
	VersionStartExcluding string `json:"versionStartExcluding,omitempty"`
	VersionEndIncluding   string `json:"versionEndIncluding,omitempty"`
	VersionEndExcluding   string `json:"versionEndExcluding,omitempty"`
}

func (c Criterion) bounded() bool {
	return c.VersionStartIncluding != "" || c.VersionStartExcluding != "" ||
		c.VersionEndIncluding != "" || c.VersionEndExcluding != ""
}

// Match is why a configuration matched: the vulnerable criterion, where it
// is, and what of the inventory it matched.
type Match struct {
	// Path locates the criterion: "configurations[5].nodes[0].cpeMatch[2]".
	Path      string
	Criterion Criterion
	// CPE is the inventory's CPE that matched, as given.
	CPE string
	// Version is the version compared with the criterion, from the CPE or
	// from MatchConfigurations' version argument; empty when the criterion
	// constrains no version.
	Version string
}

// MatchConfigurations evaluates NVD configurations (a CVE's
// "configurations" array, as advisory.Record keeps it) against the CPEs
// of what is installed, and returns the first vulnerable criterion that
// matched, in document order.
//
// Evaluation follows NVD's reading: configurations are OR'ed; a
// configuration's operator combines its nodes, a node's its criteria;
// negate inverts a node or a configuration. A criterion holds when one of
// cpes matches it. A configuration that holds is a match only through a
// criterion marked vulnerable that one of cpes matched: a configuration
// made true by platform criteria alone, or by negation, says the
// environment fits, not which installed thing is vulnerable. For AND
// configurations naming a platform ("firmware AND hardware"), cpes must
// include the platform's CPEs (the asset's operating system or hardware)
// as well as the component's.
//
// Attributes other than version and update match as CPE name matching
// (NIST IR 7696) says, with one leniency: an attribute the inventory
// leaves ANY ("*") matches any value of the criterion, since an SBOM that
// does not know a product's target_sw or edition has not said it differs.
//
// Versions: version, when not empty, is the component's version; it is
// used for a CPE whose version is ANY when testing vulnerable criteria (not
// platform ones, whose CPEs keep their own versions). A criterion with
// version ANY and bounds (versionStart/End Including/Excluding) holds for a
// known version within them; an unknown version matches no bounded or
// version-specific criterion, so that a CPE without a version does not
// match every CVE of its product. A specific criterion version matches
// the same version, or one equal in order ("2.0" and "2.0.0"). NVD writes
// pre-releases in the update attribute ("2.0" update "beta9"); when the
// inventory leaves the update ANY, such a criterion matches a version that
// is the two joined ("2.0-beta9"), and not the release "2.0".
//
// Versions are compared in Maven's order (version.Maven). CPE versions
// follow no one scheme, and Maven's is the general one that handles what
// they hold: numbers of any length and count ("2019.1", "10.0.19041.1"),
// pre-release qualifiers before the release ("2.15.0-rc1" < "2.15.0"), and
// unknown suffixes after it ("1.0.2k" > "1.0.2", as OpenSSL numbers).
//
// cpes that are not CPE names and configurations that are not NVD's shape
// are errors (ErrInvalid, ErrConfig) naming what and where.
func MatchConfigurations(configs json.RawMessage, cpes []string, ver string) (Match, bool, error) {
	if len(configs) == 0 || string(configs) == "null" {
		return Match{}, false, nil
	}
	var cs []Configuration
	if err := json.Unmarshal(configs, &cs); err != nil {
		return Match{}, false, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	names := make([]Name, 0, len(cpes))
	for i, s := range cpes {
		n, err := Parse(s)
		if err != nil {
			return Match{}, false, fmt.Errorf("cpes[%d]: %w", i, err)
		}
		names = append(names, n)
	}
	var comp version.Version
	if ver != "" {
		v, err := version.Maven.Parse(ver)
		if err != nil {
			return Match{}, false, fmt.Errorf("version: %w", err)
		}
		comp = v
	}
	e := evaluator{names: names, version: comp, hasVersion: ver != ""}
	for i, c := range cs {
		path := fmt.Sprintf("configurations[%d]", i)
		ok, m, err := e.configuration(c, path)
		if err != nil {
			return Match{}, false, err
		}
		if ok && m != nil {
			return *m, true, nil
		}
	}
	return Match{}, false, nil
}

type evaluator struct {
	names      []Name
	version    version.Version
	hasVersion bool
}

func (e evaluator) configuration(c Configuration, path string) (bool, *Match, error) {
	op, err := operator(c.Operator, path+".operator", true)
	if err != nil {
		return false, nil, err
	}
	var first *Match
	result := op == "AND"
	for i, n := range c.Nodes {
		ok, m, err := e.node(n, fmt.Sprintf("%s.nodes[%d]", path, i))
		if err != nil {
			return false, nil, err
		}
		if ok && first == nil {
			first = m
		}
		if op == "AND" {
			result = result && ok
		} else {
			result = result || ok
		}
	}
	if len(c.Nodes) == 0 {
		result = false
	}
	if c.Negate {
		return !result, nil, nil
	}
	return result, first, nil
}

// node evaluates one node and returns the first vulnerable criterion that
// matched, when the node holds and is not negated.
func (e evaluator) node(n Node, path string) (bool, *Match, error) {
	op, err := operator(n.Operator, path+".operator", false)
	if err != nil {
		return false, nil, err
	}
	var first *Match
	result := op == "AND"
	for i, c := range n.CPEMatch {
		cp := fmt.Sprintf("%s.cpeMatch[%d]", path, i)
		m, err := e.criterion(c, cp)
		if err != nil {
			return false, nil, err
		}
		ok := m != nil
		if ok && c.Vulnerable && first == nil {
			first = m
		}
		if op == "AND" {
			result = result && ok
		} else {
			result = result || ok
		}
	}
	if len(n.CPEMatch) == 0 {
		result = false
	}
	if n.Negate {
		return !result, nil, nil
	}
	return result, first, nil
}

func operator(op, field string, optional bool) (string, error) {
	switch {
	case op == "AND" || op == "OR":
		return op, nil
	case op == "" && optional:
		return "OR", nil
	case op == "":
		return "", fmt.Errorf("%w: %s: missing", ErrConfig, field)
	}
	return "", fmt.Errorf("%w: %s: unknown operator %q", ErrConfig, field, op)
}

// criterion returns a Match when one of the inventory's names matches c.
func (e evaluator) criterion(c Criterion, path string) (*Match, error) {
	crit, err := Parse(c.Criteria)
	if err != nil {
		return nil, fmt.Errorf("%s.criteria: %w", path, err)
	}
	bounds, err := parseBounds(c, path)
	if err != nil {
		return nil, err
	}
	for _, n := range e.names {
		target := n.wfn
		if c.Vulnerable && e.hasVersion {
			if lv, ok := target.Get(common.AttributeVersion).(common.LogicalValue); ok && lv.IsANY() {
				target = maps.Clone(target)
				target[common.AttributeVersion] = quote(e.version.String())
			}
		}
		ok, used, err := matches(crit, target, bounds)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, n.text, err)
		}
		if ok {
			return &Match{Path: path, Criterion: c, CPE: n.text, Version: used}, nil
		}
	}
	return nil, nil
}

// bounds are a criterion's version bounds, parsed; nil where absent.
type bounds struct {
	startIncl, startExcl, endIncl, endExcl *version.Version
}

func (b bounds) any() bool {
	return b.startIncl != nil || b.startExcl != nil || b.endIncl != nil || b.endExcl != nil
}

func parseBounds(c Criterion, path string) (bounds, error) {
	var b bounds
	for _, f := range []struct {
		name, text string
		dst        **version.Version
	}{
		{"versionStartIncluding", c.VersionStartIncluding, &b.startIncl},
		{"versionStartExcluding", c.VersionStartExcluding, &b.startExcl},
		{"versionEndIncluding", c.VersionEndIncluding, &b.endIncl},
		{"versionEndExcluding", c.VersionEndExcluding, &b.endExcl},
	} {
		if f.text == "" {
			continue
		}
		v, err := version.Maven.Parse(f.text)
		if err != nil {
			return bounds{}, fmt.Errorf("%s.%s: %w", path, f.name, err)
		}
		*f.dst = &v
	}
	return b, nil
}

// within reports whether v lies within the bounds.
func (b bounds) within(v version.Version) (bool, error) {
	for _, t := range []struct {
		bound *version.Version
		ok    func(c int) bool // c is Compare(v, bound)
	}{
		{b.startIncl, func(c int) bool { return c >= 0 }},
		{b.startExcl, func(c int) bool { return c > 0 }},
		{b.endIncl, func(c int) bool { return c <= 0 }},
		{b.endExcl, func(c int) bool { return c < 0 }},
	} {
		if t.bound == nil {
			continue
		}
		c, err := v.Compare(*t.bound)
		if err != nil {
			return false, err
		}
		if !t.ok(c) {
			return false, nil
		}
	}
	return true, nil
}

// related reports whether a criterion's attribute relation admits the
// target: the criterion's value covers it (EQUAL, SUPERSET) or the target
// says nothing (SUBSET, which go-cpe returns only for a target ANY).
func related(r matching.Relation) bool {
	return r == matching.EQUAL || r == matching.SUPERSET || r == matching.SUBSET
}

// matches reports whether target matches the criterion crit with bounds,
// and the target version it compared.
func matches(crit Name, target common.WellFormedName, b bounds) (bool, string, error) {
	rel := matching.CompareWFNs(crit.wfn, target)
	for _, a := range attributes {
		if a == common.AttributeVersion || a == common.AttributeUpdate {
			continue
		}
		if !related(rel[a]) {
			return false, "", nil
		}
	}
	tv, known := target.Get(common.AttributeVersion).(string)
	used := ""
	if known {
		used = unquote(tv)
	}
	cv, critValue := crit.wfn.Get(common.AttributeVersion).(string)
	var v version.Version
	if known && (b.any() || critValue) {
		var err error
		if v, err = version.Maven.Parse(used); err != nil {
			return false, "", fmt.Errorf("version: %w", err)
		}
	}
	if b.any() {
		if !known {
			return false, "", nil
		}
		if ok, err := b.within(v); err != nil || !ok {
			return false, "", err
		}
	}

	// The update attribute. NVD writes a pre-release as version 2.0,
	// update beta9, where an inventory writes version "2.0-beta9" and
	// leaves the update ANY. So a criterion's update value is matched
	// against the inventory's version, joined to the criterion's version;
	// an update the inventory does not give is otherwise taken as none, or
	// every release would match the criteria for its own pre-releases.
	cu, critUpdate := crit.wfn.Get(common.AttributeUpdate).(string)
	tu, _ := target.Get(common.AttributeUpdate).(common.LogicalValue)
	if critUpdate && tu.IsANY() {
		ok := critValue && known && !hasWildcard(cv) && !hasWildcard(cu) && joined(unquote(cv), unquote(cu), used)
		return ok, used, nil
	}
	if !related(rel[common.AttributeUpdate]) {
		return false, "", nil
	}

	if !critValue {
		if crit.wfn.Get(common.AttributeVersion).(common.LogicalValue).IsANY() {
			if !b.any() {
				used = ""
			}
			return true, used, nil
		}
		// NA: the product has no versions; the target must have none
		// either, or not say.
		return !known, "", nil
	}
	if !known {
		return false, "", nil
	}
	if r := rel[common.AttributeVersion]; r == matching.EQUAL || r == matching.SUPERSET {
		return true, used, nil
	}
	if hasWildcard(cv) {
		return false, "", nil
	}
	cver, err := version.Maven.Parse(unquote(cv))
	if err != nil {
		return false, "", nil
	}
	c, err := cver.Compare(v)
	return err == nil && c == 0, used, nil
}

// joined reports whether v is version and update written as one
// ("2.0-beta9", "2.0.beta9", "2.0_beta9", "2.0beta9"), ignoring case.
func joined(ver, update, v string) bool {
	rest, ok := cutPrefixFold(v, ver)
	if !ok {
		return false
	}
	if rest != "" && strings.ContainsRune("-._", rune(rest[0])) {
		rest = rest[1:]
	}
	return strings.EqualFold(rest, update)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// quote writes a version as a WFN value: every character but letters,
// digits and "_" is escaped, as unbinding a formatted string would.
func quote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('\\')
		b.WriteByte(c)
	}
	return b.String()
}
