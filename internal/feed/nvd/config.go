package nvd

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// configs11 converts a 1.1 node forest to API 2.0 configurations, checking
// every CPE and collecting the vulnerable ones into aff. path is the JSON
// path of nodes, for errors.
//
// 1.1 nodes form trees of any depth; a 2.0 configuration is one operator
// over one level of nodes, and the configurations of a CVE are OR'ed. The
// conversion is exact wherever a tree can be written in that shape, which
// covers every tree in the corpus (a leaf, or an AND over leaves):
//
//   - A top-level leaf becomes a configuration with that one node.
//   - A top-level OR with children becomes one configuration per child (and
//     one for its own matches), since configurations are OR'ed anyway.
//   - A top-level AND (or negated node) with children becomes one
//     configuration with that operator and negation, whose nodes are its
//     own matches (as a node with the same operator) and its children.
//   - A child with children of its own is spliced into its parent when it
//     has the parent's operator and no negation, by associativity.
//
// Anything else, say an OR under an AND under an AND, would need the
// boolean expression multiplied out, and is reported as an error rather
// than approximated. Nodes with no CPE matches are dropped: they name
// nothing a matcher could test.
func configs11(nodes []node11, path string, aff *affectedSet) ([]configuration, error) {
	var out []configuration
	for i, n := range nodes {
		cs, err := top11(n, fmt.Sprintf("%s[%d]", path, i), aff)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

func top11(n node11, path string, aff *affectedSet) ([]configuration, error) {
	op, own, err := leaf11(n, path, aff)
	if err != nil {
		return nil, err
	}
	if len(n.Children) == 0 {
		if len(own) == 0 {
			return nil, nil
		}
		return []configuration{{Nodes: []node{{Operator: op, Negate: n.Negate, CPEMatch: own}}}}, nil
	}
	if op == "OR" && !n.Negate {
		var out []configuration
		if len(own) > 0 {
			out = append(out, configuration{Nodes: []node{{Operator: op, CPEMatch: own}}})
		}
		cs, err := configs11(n.Children, path+".children", aff)
		if err != nil {
			return nil, err
		}
		return append(out, cs...), nil
	}
	c := configuration{Operator: op, Negate: n.Negate}
	if len(own) > 0 {
		c.Nodes = append(c.Nodes, node{Operator: op, CPEMatch: own})
	}
	if err := flatten11(n.Children, op, path+".children", &c.Nodes, aff); err != nil {
		return nil, err
	}
	if len(c.Nodes) == 0 {
		return nil, nil
	}
	return []configuration{c}, nil
}

// flatten11 appends the children of a node with operator op to dst.
func flatten11(children []node11, op, path string, dst *[]node, aff *affectedSet) error {
	for i, ch := range children {
		p := fmt.Sprintf("%s[%d]", path, i)
		cop, own, err := leaf11(ch, p, aff)
		if err != nil {
			return err
		}
		if len(ch.Children) == 0 {
			if len(own) > 0 {
				*dst = append(*dst, node{Operator: cop, Negate: ch.Negate, CPEMatch: own})
			}
			continue
		}
		if cop != op || ch.Negate {
			return feed.Errorf("", p+".children", "nesting deeper than an API 2.0 configuration can express")
		}
		if len(own) > 0 {
			*dst = append(*dst, node{Operator: op, CPEMatch: own})
		}
		if err := flatten11(ch.Children, op, p+".children", dst, aff); err != nil {
			return err
		}
	}
	return nil
}

// leaf11 checks a node's operator and converts its own CPE matches.
func leaf11(n node11, path string, aff *affectedSet) (string, []cpeMatch, error) {
	if err := checkOperator(n.Operator, path+".operator", false); err != nil {
		return "", nil, err
	}
	var out []cpeMatch
	for i, m := range n.CPEMatch {
		if err := aff.add(m.CPE23URI, m.Vulnerable, fmt.Sprintf("%s.cpe_match[%d].cpe23Uri", path, i)); err != nil {
			return "", nil, err
		}
		out = append(out, cpeMatch{
			Vulnerable:            m.Vulnerable,
			Criteria:              m.CPE23URI,
			VersionStartExcluding: m.VersionStartExcluding,
			VersionStartIncluding: m.VersionStartIncluding,
			VersionEndExcluding:   m.VersionEndExcluding,
			VersionEndIncluding:   m.VersionEndIncluding,
		})
	}
	return n.Operator, out, nil
}

// check20 checks API 2.0 configurations, which vmc keeps as they are, and
// collects their vulnerable CPEs into aff. A missing nodes or cpeMatch
// list becomes an empty one, so that readers of the stored form never meet
// null where the schema promises an array.
func check20(configs []configuration, path string, aff *affectedSet) error {
	for i := range configs {
		c := &configs[i]
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := checkOperator(c.Operator, p+".operator", true); err != nil {
			return err
		}
		if c.Nodes == nil {
			c.Nodes = []node{}
		}
		for j := range c.Nodes {
			n := &c.Nodes[j]
			if n.CPEMatch == nil {
				n.CPEMatch = []cpeMatch{}
			}
			np := fmt.Sprintf("%s.nodes[%d]", p, j)
			if err := checkOperator(n.Operator, np+".operator", false); err != nil {
				return err
			}
			for k, m := range n.CPEMatch {
				if err := aff.add(m.Criteria, m.Vulnerable, fmt.Sprintf("%s.cpeMatch[%d].criteria", np, k)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkOperator accepts the schemas' two operators. A configuration may
// leave its operator out (it then has one node); a node may not, since a
// matcher would have to guess.
func checkOperator(op, field string, optional bool) error {
	switch {
	case op == "AND" || op == "OR":
		return nil
	case op == "" && optional:
		return nil
	case op == "":
		return feed.Errorf("", field, "missing")
	}
	return feed.Errorf("", field, "unknown operator %q", op)
}

// marshalConfigs encodes configurations for advisory.Record, or returns
// nil when there are none.
func marshalConfigs(cs []configuration) json.RawMessage {
	if len(cs) == 0 {
		return nil
	}
	b, err := json.Marshal(cs)
	if err != nil {
		// The types hold only strings, bools and slices of them.
		panic(fmt.Sprintf("nvd: marshal configurations: %v", err))
	}
	return b
}

// affectedSet builds Record.Affected from CPE matches: one entry per
// distinct vendor and product among the vulnerable ones, listing their
// CPEs, so that a product search finds the CVE. Version bounds are not
// copied: they live in Configurations, where their operators give them
// meaning.
type affectedSet struct {
	list  []advisory.Affected
	index map[string]int // vendor + "\x00" + product → position in list
}

// add checks one CPE match and, if it is vulnerable, records it. The
// vendor or product "*" (any) or "-" (not applicable) names no product and
// is not listed.
func (s *affectedSet) add(criteria string, vulnerable bool, field string) error {
	vendor, product, err := parseCPE(criteria)
	if err != nil {
		return feed.Errorf("", field, "%v", err)
	}
	if !vulnerable || vendor == "*" || vendor == "-" || product == "*" || product == "-" {
		return nil
	}
	key := vendor + "\x00" + product
	i, ok := s.index[key]
	if !ok {
		if s.index == nil {
			s.index = make(map[string]int)
		}
		i = len(s.list)
		s.index[key] = i
		s.list = append(s.list, advisory.Affected{Vendor: vendor, Product: product})
	}
	for _, c := range s.list[i].CPEs {
		if c == criteria {
			return nil
		}
	}
	s.list[i].CPEs = append(s.list[i].CPEs, criteria)
	return nil
}

// parseCPE reads the vendor and product of a CPE 2.3 formatted string
// (NIST IR 7695 §6.2): "cpe:2.3:" and eleven colon-separated components,
// in which a backslash quotes the next character, colons included. The
// returned names have the quoting removed ("jetdirect_j3111a\/j3113a"
// becomes "jetdirect_j3111a/j3113a").
func parseCPE(s string) (vendor, product string, err error) {
	const prefix = "cpe:2.3:"
	if !strings.HasPrefix(s, prefix) {
		return "", "", fmt.Errorf("not a CPE 2.3 name: %q", s)
	}
	var parts []string
	var cur strings.Builder
	quoted := false
	for _, r := range s[len(prefix):] {
		switch {
		case quoted:
			cur.WriteRune(r)
			quoted = false
		case r == '\\':
			quoted = true
		case r == ':':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	parts = append(parts, cur.String())
	if quoted {
		return "", "", fmt.Errorf("CPE 2.3 name %q ends in a lone backslash", s)
	}
	if len(parts) != 11 {
		return "", "", fmt.Errorf("CPE 2.3 name %q has %d components, want 11", s, len(parts))
	}
	if parts[1] == "" || parts[2] == "" {
		return "", "", fmt.Errorf("CPE 2.3 name %q has an empty vendor or product", s)
	}
	return parts[1], parts[2], nil
}
