package csaf

import "slices"

// The tests of section 6.1.27 apply to the profiles of section 4: each
// checks what one profile requires beyond CSAF Base.

// inProfile reports whether the document's category is one of categories.
func (d *doc) inProfile(categories ...string) bool {
	return slices.Contains(categories, d.root.get("document").get("category").text())
}

// checkProfileDocumentNotes is test 6.1.27.1: informational advisories and
// incident responses describe themselves in a document note.
func checkProfileDocumentNotes(d *doc) {
	if !d.inProfile("csaf_informational_advisory", "csaf_security_incident_response") {
		return
	}
	notes := d.root.get("document").get("notes")
	for _, n := range notes.items() {
		switch n.get("category").text() {
		case "description", "details", "general", "summary":
			return
		}
	}
	d.report(notes.path, "a %s needs a document note of category description, details, general or summary",
		d.root.get("document").get("category").text())
}

// checkProfileDocumentReferences is test 6.1.27.2: the same profiles point
// to at least one external reference.
func checkProfileDocumentReferences(d *doc) {
	if !d.inProfile("csaf_informational_advisory", "csaf_security_incident_response") {
		return
	}
	refs := d.root.get("document").get("references")
	for _, r := range refs.items() {
		if r.get("category").text() == "external" {
			return
		}
	}
	d.report(refs.path, "a %s needs a document reference of category external", d.root.get("document").get("category").text())
}

// checkProfileNoVulnerabilities is test 6.1.27.3: an informational advisory
// has no vulnerabilities element.
func checkProfileNoVulnerabilities(d *doc) {
	if d.inProfile("csaf_informational_advisory") && d.root.get("vulnerabilities").exists() {
		d.report(d.root.get("vulnerabilities").path, "an informational advisory must not have vulnerabilities; use csaf_security_advisory")
	}
}

// checkProfileProductTree is test 6.1.27.4: security advisories and VEX
// documents have a product tree.
func checkProfileProductTree(d *doc) {
	if d.inProfile("csaf_security_advisory", "csaf_vex") && !d.root.get("product_tree").exists() {
		d.report(d.root.path, "a %s needs a product_tree", d.root.get("document").get("category").text())
	}
}

// checkProfileVulnerabilityNotes is test 6.1.27.5: in those profiles every
// vulnerability has notes.
func checkProfileVulnerabilityNotes(d *doc) {
	if !d.inProfile("csaf_security_advisory", "csaf_vex") {
		return
	}
	for _, v := range d.root.get("vulnerabilities").items() {
		if !v.get("notes").exists() {
			d.report(v.path, "vulnerability needs notes")
		}
	}
}

// checkProfileProductStatus is test 6.1.27.6: in a security advisory every
// vulnerability has a product status.
func checkProfileProductStatus(d *doc) {
	if !d.inProfile("csaf_security_advisory") {
		return
	}
	for _, v := range d.root.get("vulnerabilities").items() {
		if !v.get("product_status").exists() {
			d.report(v.path, "vulnerability needs product_status")
		}
	}
}

// checkProfileVEXStatus is test 6.1.27.7: in a VEX document every
// vulnerability lists products as fixed, known_affected, known_not_affected
// or under_investigation.
func checkProfileVEXStatus(d *doc) {
	if !d.inProfile("csaf_vex") {
		return
	}
	for _, v := range d.root.get("vulnerabilities").items() {
		ps := v.get("product_status")
		if !ps.exists() {
			d.report(v.path, "vulnerability needs product_status")
			continue
		}
		if !ps.get("fixed").isArray() && !ps.get("known_affected").isArray() &&
			!ps.get("known_not_affected").isArray() && !ps.get("under_investigation").isArray() {
			d.report(ps.path, "product_status needs at least one of fixed, known_affected, known_not_affected or under_investigation")
		}
	}
}

// checkProfileVulnerabilityID is test 6.1.27.8: in a VEX document every
// vulnerability is identified by cve or ids.
func checkProfileVulnerabilityID(d *doc) {
	if !d.inProfile("csaf_vex") {
		return
	}
	for _, v := range d.root.get("vulnerabilities").items() {
		if !v.get("cve").exists() && !v.get("ids").exists() {
			d.report(v.path, "vulnerability needs cve or ids")
		}
	}
}

// checkProfileImpactStatement is test 6.1.27.9: in a VEX document every
// known_not_affected product has an impact statement, a flag or a threat of
// category impact that names it directly or through a group.
func checkProfileImpactStatement(d *doc) {
	if !d.inProfile("csaf_vex") {
		return
	}
	t := d.products()
	for _, v := range d.root.get("vulnerabilities").items() {
		notAffected := v.get("product_status").get("known_not_affected").ids()
		if len(notAffected) == 0 {
			continue
		}
		flagged := t.covered(v.get("flags").items(), nil)
		impact := t.covered(v.get("threats").items(), func(n node) bool { return n.get("category").text() == "impact" })
		for _, p := range notAffected {
			if !flagged[p.text()] && !impact[p.text()] {
				d.report(p.path, "product %q is known_not_affected but has no impact statement (a flag or an impact threat)", p.text())
			}
		}
	}
}

// checkProfileActionStatement is test 6.1.27.10: in a VEX document every
// known_affected product has a remediation.
func checkProfileActionStatement(d *doc) {
	if !d.inProfile("csaf_vex") {
		return
	}
	t := d.products()
	for _, v := range d.root.get("vulnerabilities").items() {
		affected := v.get("product_status").get("known_affected").ids()
		if len(affected) == 0 {
			continue
		}
		remediated := t.covered(v.get("remediations").items(), nil)
		for _, p := range affected {
			if !remediated[p.text()] {
				d.report(p.path, "product %q is known_affected but has no action statement (remediation)", p.text())
			}
		}
	}
}

// checkProfileVulnerabilities is test 6.1.27.11: security advisories and VEX
// documents have vulnerabilities.
func checkProfileVulnerabilities(d *doc) {
	if d.inProfile("csaf_security_advisory", "csaf_vex") && !d.root.get("vulnerabilities").exists() {
		d.report(d.root.path, "a %s needs vulnerabilities", d.root.get("document").get("category").text())
	}
}
