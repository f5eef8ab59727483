package csaf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// statusLists returns the product_status lists (§3.2.3.9) in the order
// their Affected entries appear: affected, then fixed, then not affected,
// then undecided.
func statusLists(ps *productStatus) []struct {
	key string
	ids []string
} {
	return []struct {
		key string
		ids []string
	}{
		{"first_affected", ps.FirstAffected},
		{"known_affected", ps.KnownAffected},
		{"last_affected", ps.LastAffected},
		{"first_fixed", ps.FirstFixed},
		{"fixed", ps.Fixed},
		{"recommended", ps.Recommended},
		{"known_not_affected", ps.KnownNotAffected},
		{"under_investigation", ps.UnderInvestigation},
		{"unknown", ps.Unknown},
	}
}

// flagLabels are the flag labels of §3.2.3.5.2, the VEX justifications
// for "not affected". 2.1 keeps the same five.
var flagLabels = map[string]bool{
	"component_not_present":                             true,
	"inline_mitigations_already_exist":                  true,
	"vulnerable_code_cannot_be_controlled_by_adversary": true,
	"vulnerable_code_not_in_execute_path":               true,
	"vulnerable_code_not_present":                       true,
}

// remediationCategories are §3.2.3.12.1's five and CSAF 2.1's
// fix_planned and optional_patch.
var remediationCategories = map[string]bool{
	"mitigation":     true,
	"no_fix_planned": true,
	"none_available": true,
	"vendor_fix":     true,
	"workaround":     true,
	"fix_planned":    true,
	"optional_patch": true,
}

// affected builds one Affected entry per product and status, then puts
// flags and impact statements on the not-affected entries as
// justifications and remediations on the entries of the products they
// name.
func (m *mapper) affected(v *vulnerability) error {
	if ps := v.ProductStatus; ps != nil {
		for _, st := range statusLists(ps) {
			seen := map[string]bool{}
			for j, id := range st.ids {
				a, err := m.product(id, fmt.Sprintf("%s.product_status.%s[%d]", m.path, st.key, j))
				if err != nil {
					return err
				}
				if seen[id] {
					continue
				}
				seen[id] = true
				a.Status = st.key
				m.byProduct[id] = append(m.byProduct[id], len(m.rec.Affected))
				m.rec.Affected = append(m.rec.Affected, a)
			}
		}
	}

	// Flags first: a flag is the machine-readable justification, and an
	// impact statement only stands in for a product without one.
	for j, f := range v.Flags {
		path := fmt.Sprintf("%s.flags[%d]", m.path, j)
		if !flagLabels[f.Label] {
			return m.errorf(path+".label", "unknown %.80q", f.Label)
		}
		ids, err := m.expand(f.ProductIDs, path+".product_ids", f.GroupIDs, path+".group_ids")
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: "flag", Text: f.Label})
		}
		for _, id := range ids {
			m.justify(id, f.Label)
		}
	}

	for j, th := range v.Threats {
		path := fmt.Sprintf("%s.threats[%d]", m.path, j)
		ids, err := m.expand(th.ProductIDs, path+".product_ids", th.GroupIDs, path+".group_ids")
		if err != nil {
			return err
		}
		details := strings.TrimSpace(th.Details)
		if details == "" {
			continue
		}
		// An impact statement for a not-affected product is the VEX
		// "impact statement": why the product is not affected.
		used := 0
		if th.Category == "impact" {
			for _, id := range ids {
				if m.justify(id, details) {
					used++
				}
			}
		}
		if len(ids) == 0 || used < len(ids) {
			m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: "threat", Title: th.Category, Text: details, Lang: m.lang})
		}
	}

	for j, rm := range v.Remediations {
		path := fmt.Sprintf("%s.remediations[%d]", m.path, j)
		if !remediationCategories[rm.Category] {
			return m.errorf(path+".category", "unknown %.80q", rm.Category)
		}
		date, err := normTime(rm.Date)
		if err != nil {
			return m.errorf(path+".date", "%v", err)
		}
		ids, err := m.expand(rm.ProductIDs, path+".product_ids", rm.GroupIDs, path+".group_ids")
		if err != nil {
			return err
		}
		r := advisory.Remediation{Category: rm.Category, Details: strings.TrimSpace(rm.Details), URL: strings.TrimSpace(rm.URL), Date: date}
		attached := false
		for _, id := range ids {
			for _, k := range m.byProduct[id] {
				if m.budget--; m.budget < 0 {
					return m.errorf(path, "product references expand to more than %d entries", maxExpansion)
				}
				m.rec.Affected[k].Remediations = append(m.rec.Affected[k].Remediations, r)
				attached = true
			}
		}
		// A remediation for no product with a status (or for none at
		// all, which test 6.1.29 forbids) is still advice worth keeping.
		if !attached {
			if text := strings.TrimSpace(r.Details + "\n" + r.URL); text != "" {
				m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: "remediation", Title: rm.Category, Text: text, Lang: m.lang})
			}
		}
	}
	return nil
}

// justify sets the justification of product id's not-affected entry, if
// it has one without a justification yet, and reports whether it did.
func (m *mapper) justify(id, text string) bool {
	for _, k := range m.byProduct[id] {
		if a := &m.rec.Affected[k]; a.Status == "known_not_affected" && a.Justification == "" {
			a.Justification = text
			return true
		}
	}
	return false
}

// product returns product id's Affected entry without status. An id the
// tree does not define rejects the record at path; a broken definition
// (twice defined, a relationship to an undefined or circular product)
// rejects it at the definition.
func (m *mapper) product(id, path string) (advisory.Affected, error) {
	if _, ok := m.d.tree.products[id]; !ok {
		return advisory.Affected{}, m.errorf(path, "undefined product %.80q", id)
	}
	r := m.d.tree.resolve(id)
	if r.prob != nil {
		return advisory.Affected{}, m.errorf(r.prob.field, "%s (referenced at %s)", r.prob.msg, path)
	}
	a := r.affected
	a.CPEs = slices.Clone(a.CPEs)
	a.Versions = slices.Clone(a.Versions)
	return a, nil
}

// expand returns the product ids named by ids and by the members of
// groups, each once, in order, after checking that all are defined.
func (m *mapper) expand(ids []string, idsPath string, groups []string, groupsPath string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(id, path string) error {
		if m.budget--; m.budget < 0 {
			return m.errorf(path, "product references expand to more than %d entries", maxExpansion)
		}
		if _, err := m.product(id, path); err != nil {
			return err
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
		return nil
	}
	for k, id := range ids {
		if err := add(id, fmt.Sprintf("%s[%d]", idsPath, k)); err != nil {
			return nil, err
		}
	}
	for k, gid := range groups {
		path := fmt.Sprintf("%s[%d]", groupsPath, k)
		g, ok := m.d.tree.groups[gid]
		switch {
		case !ok:
			return nil, m.errorf(path, "undefined product group %.80q", gid)
		case g.dupPath != "":
			return nil, m.errorf(g.dupPath, "product group id %.80q defined again (first at %s, referenced at %s)", gid, g.path, path)
		}
		for n, id := range g.ids {
			if err := add(id, fmt.Sprintf("%s.product_ids[%d]", g.path, n)); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
