package csaf

import (
	"fmt"
	"strings"
	"time"
)

// checkMultipleCVE is test 6.1.23: no two vulnerabilities carry the same CVE.
func checkMultipleCVE(d *doc) {
	seen := map[string]bool{}
	for _, v := range d.root.get("vulnerabilities").items() {
		cve, ok := v.get("cve").str()
		if !ok {
			continue
		}
		if seen[cve] {
			d.report(v.get("cve").path, "%s is the CVE of an earlier vulnerability too", cve)
		}
		seen[cve] = true
	}
}

// checkMultipleInvolvements is test 6.1.24: a party has at most one
// involvement per date in a vulnerability. Dates are compared as instants,
// so the same moment written in two time zones counts as one date.
func checkMultipleInvolvements(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		seen := map[string]bool{}
		for _, inv := range v.get("involvements").items() {
			party, ok1 := inv.get("party").str()
			date, ok2 := inv.get("date").str()
			if !ok1 || !ok2 {
				continue
			}
			if t, ok := parseDate(date); ok {
				date = t.UTC().Format(time.RFC3339Nano)
			}
			key := party + "\x00" + date
			if seen[key] {
				d.report(inv.path, "party %q already has an involvement dated %s", party, inv.get("date").text())
			}
			seen[key] = true
		}
	}
}

// checkMultipleHashAlgorithms is test 6.1.25: within one item of hashes, an
// algorithm is used once.
func checkMultipleHashAlgorithms(d *doc) {
	for _, h := range d.hashes() {
		seen := map[string]bool{}
		for _, fh := range h.get("file_hashes").items() {
			alg, ok := fh.get("algorithm").str()
			if !ok {
				continue
			}
			if seen[alg] {
				d.report(fh.path, "hash algorithm %q is used twice for this file", alg)
			}
			seen[alg] = true
		}
	}
}

// hashes returns every item of product_identification_helper.hashes.
func (d *doc) hashes() []node {
	var out []node
	for _, n := range d.products().names {
		out = append(out, n.get("product_identification_helper").get("hashes").items()...)
	}
	return out
}

// profiles are the document categories of CSAF section 4 other than
// csaf_base, with their names as the section titles them.
var profiles = []struct{ value, name string }{
	{"csaf_security_incident_response", "Security incident response"},
	{"csaf_informational_advisory", "Informational Advisory"},
	{"csaf_security_advisory", "Security Advisory"},
	{"csaf_vex", "VEX"},
}

// checkProhibitedCategory is test 6.1.26: a csaf_base document's category
// does not start with the reserved prefix csaf_ and does not look like
// another profile's value (with or without csaf_) or name once case, dashes,
// underscores and white space are ignored.
func checkProhibitedCategory(d *doc) {
	c := d.root.get("document").get("category")
	cat, ok := c.str()
	if !ok || cat == "csaf_base" {
		return
	}
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch r {
			case '-', '_', ' ', '\t', '\n', '\r', '\f', '\v':
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	for _, p := range profiles {
		if cat == p.value {
			return
		}
	}
	if strings.HasPrefix(strings.ToLower(cat), "csaf_") {
		d.report(c.path, "category %q uses the reserved prefix csaf_", cat)
		return
	}
	for _, p := range profiles {
		if sq := squash(cat); sq == squash(p.value) || sq == squash(strings.TrimPrefix(p.value, "csaf_")) || sq == squash(p.name) {
			d.report(c.path, "category %q is too close to the profile %s (%s)", cat, p.name, p.value)
			return
		}
	}
}

// checkRemediationReference is test 6.1.29: every remediation names the
// products it applies to.
func checkRemediationReference(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		for _, r := range v.get("remediations").items() {
			if !r.get("product_ids").exists() && !r.get("group_ids").exists() {
				d.report(r.path, "remediation has neither product_ids nor group_ids")
			}
		}
	}
}

// rangeWords are the words that make a product_version name a range (test
// 6.1.31), compared case-insensitively as whole words.
var rangeWords = map[string]bool{
	"after": true, "all": true, "before": true, "earlier": true, "later": true, "prior": true, "versions": true,
}

// checkVersionRange is test 6.1.31: a branch of category product_version
// names one version, not a range; ranges belong in product_version_range.
func checkVersionRange(d *doc) {
	for _, b := range branches(d.root.get("product_tree")) {
		name, ok := b.get("name").str()
		if !ok || b.get("category").text() != "product_version" {
			continue
		}
		if why := DescribesRange(name); why != "" {
			d.report(b.get("name").path, "product_version %q %s; use product_version_range", name, why)
		}
	}
}

// DescribesRange says why a version string names a range rather than one
// version (test 6.1.31: a range operator, or a word such as "prior"), or
// "" when it names one version. Writers ask it before choosing between
// product_version and product_version_range.
func DescribesRange(version string) string {
	if strings.ContainsAny(version, "<>") {
		return "contains a range operator"
	}
	for _, w := range strings.Fields(strings.ToLower(version)) {
		if rangeWords[w] {
			return fmt.Sprintf("describes a range (%q)", w)
		}
	}
	return ""
}

// checkFlagReference is test 6.1.32: every flag names the products it
// applies to.
func checkFlagReference(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		for _, f := range v.get("flags").items() {
			if !f.get("product_ids").exists() && !f.get("group_ids").exists() {
				d.report(f.path, "flag has neither product_ids nor group_ids")
			}
		}
	}
}

// checkMultipleFlags is test 6.1.33: within a vulnerability a product is a
// member of at most one flag, since each flag is a VEX justification and two
// would contradict or repeat each other. A product named twice by the same
// flag is still in one flag. Each group is expanded once per vulnerability:
// a group named again by a later flag repeats all its members.
func checkMultipleFlags(d *doc) {
	t := d.products()
	for _, v := range d.root.get("vulnerabilities").items() {
		seen := map[string]bool{}    // products of earlier flags
		expanded := map[string]int{} // group → index of the flag that expanded it
		for i, f := range v.get("flags").items() {
			var dup string
			var members []string
			note := func(p string) {
				if seen[p] && dup == "" {
					dup = p
				}
				members = append(members, p)
			}
			for _, p := range f.get("product_ids").ids() {
				note(p.text())
			}
			for _, g := range f.get("group_ids").ids() {
				first, done := expanded[g.text()]
				switch {
				case !done:
					expanded[g.text()] = i
					for _, p := range t.members[g.text()] {
						note(p)
					}
				case first < i && dup == "" && len(t.members[g.text()]) > 0:
					dup = t.members[g.text()][0]
				}
			}
			if dup != "" {
				d.report(f.path, "product %q already has a flag in this vulnerability", dup)
			}
			for _, p := range members {
				seen[p] = true
			}
		}
	}
}
