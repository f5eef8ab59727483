package csaf

import (
	"regexp"
	"strings"
)

// checkMissingRemediation is test 6.2.2: every affected product and every
// product under investigation has a remediation.
func checkMissingRemediation(d *doc) {
	t := d.products()
	for _, v := range d.root.get("vulnerabilities").items() {
		remediated := t.covered(v.get("remediations").items(), nil)
		for _, l := range []string{"first_affected", "known_affected", "last_affected", "under_investigation"} {
			for _, p := range v.get("product_status").get(l).ids() {
				if !remediated[p.text()] {
					d.report(p.path, "product %q (%s) has no remediation", p.text(), l)
				}
			}
		}
	}
}

// checkMissingScore is test 6.2.3: every affected product has a score.
func checkMissingScore(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		scored := map[string]bool{}
		for _, s := range v.get("scores").items() {
			for _, p := range s.get("products").ids() {
				scored[p.text()] = true
			}
		}
		for _, l := range []string{"first_affected", "known_affected", "last_affected"} {
			for _, p := range v.get("product_status").get(l).ids() {
				if !scored[p.text()] {
					d.report(p.path, "product %q (%s) has no score", p.text(), l)
				}
			}
		}
	}
}

// checkInvolvementDate is test 6.2.7: every involvement is dated.
func checkInvolvementDate(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		for _, inv := range v.get("involvements").items() {
			if !inv.get("date").exists() {
				d.report(inv.path, "involvement has no date")
			}
		}
	}
}

// onlyHash reports hash items whose only algorithm is alg: tests 6.2.8 and
// 6.2.9, since MD5 and SHA-1 no longer resist collisions.
func onlyHash(d *doc, alg string) {
	for _, h := range d.hashes() {
		algs := map[string]bool{}
		for _, fh := range h.get("file_hashes").items() {
			if a, ok := fh.get("algorithm").str(); ok {
				algs[a] = true
			}
		}
		if len(algs) == 1 && algs[alg] {
			d.report(h.path, "%s is the only hash algorithm", alg)
		}
	}
}

func checkOnlyMD5(d *doc)  { onlyHash(d, "md5") }
func checkOnlySHA1(d *doc) { onlyHash(d, "sha1") }

// checkTLPLabel is test 6.2.10: the distribution has a TLP label.
func checkTLPLabel(d *doc) {
	dist := d.root.get("document").get("distribution")
	if _, ok := dist.get("tlp").get("label").str(); !ok {
		d.report(dist.path, "document.distribution.tlp.label is missing")
	}
}

// fileNameRE matches what section 5.1 replaces in tracking.id to form the
// file name.
var fileNameRE = regexp.MustCompile(`[^+\-a-z0-9]+`)

// checkCanonicalURL is test 6.2.11: a reference of category self points to
// the document over https, ending in its file name (section 5.1).
func checkCanonicalURL(d *doc) {
	doc := d.root.get("document")
	id, ok := doc.get("tracking").get("id").str()
	if ok {
		want := fileNameRE.ReplaceAllString(strings.ToLower(id), "_") + ".json"
		for _, r := range doc.get("references").items() {
			u := r.get("url").text()
			if r.get("category").text() == "self" && strings.HasPrefix(u, "https://") && strings.HasSuffix(u, "/"+want) {
				return
			}
		}
	}
	d.report(doc.get("references").path, "no reference of category self gives the canonical URL (https://…/%s)",
		fileNameRE.ReplaceAllString(strings.ToLower(id), "_")+".json")
}

// checkIdentificationHelper is test 6.2.16: every full product name has a
// product identification helper.
func checkIdentificationHelper(d *doc) {
	for _, n := range d.products().names {
		if !n.get("product_identification_helper").exists() {
			d.report(n.path, "product %q has no product_identification_helper", n.get("product_id").text())
		}
	}
}

var cveRE = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// checkCVEInIDs is test 6.2.17: a CVE id belongs in cve, not ids.
func checkCVEInIDs(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		for _, id := range v.get("ids").items() {
			if cveRE.MatchString(id.get("text").text()) {
				d.report(id.path, "%s is a CVE id; put it in cve", id.get("text").text())
			}
		}
	}
}

var versRE = regexp.MustCompile(`^vers:[a-z.\-+][a-z0-9.\-+]*/.+`)

// checkVersionRangeVers is test 6.2.18: a product_version_range is written
// in vers notation.
func checkVersionRangeVers(d *doc) {
	for _, b := range branches(d.root.get("product_tree")) {
		name, ok := b.get("name").str()
		if ok && b.get("category").text() == "product_version_range" && !versRE.MatchString(name) {
			d.report(b.get("name").path, "product_version_range %q is not in vers notation", name)
		}
	}
}

// checkMissingCVE is test 6.3.3.
func checkMissingCVE(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		if !v.get("cve").exists() {
			d.report(v.path, "vulnerability has no CVE")
		}
	}
}

// checkMissingCWE is test 6.3.4.
func checkMissingCWE(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		if !v.get("cwe").exists() {
			d.report(v.path, "vulnerability has no CWE")
		}
	}
}

// checkShortHash is test 6.3.5: hash values shorter than 64 characters
// (256 bits) are weak.
func checkShortHash(d *doc) {
	for _, h := range d.hashes() {
		for _, fh := range h.get("file_hashes").items() {
			if v, ok := fh.get("value").str(); ok && len(v) < 64 {
				d.report(fh.get("value").path, "hash value has %d characters, fewer than 64", len(v))
			}
		}
	}
}

// checkBranchCategories is test 6.3.9: the branches leading to a product
// include vendor, product_name and product_version, in that order.
func checkBranchCategories(d *doc) {
	type frame struct {
		n    node
		cats []string
	}
	stack := []frame{{n: d.root.get("product_tree")}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		kids := f.n.get("branches").items()
		for i := len(kids) - 1; i >= 0; i-- {
			cats := f.cats
			if c, ok := kids[i].get("category").str(); ok {
				cats = append(cats[:len(cats):len(cats)], c)
			}
			stack = append(stack, frame{kids[i], cats})
		}
		if f.n.get("product").get("product_id").text() == "" {
			continue
		}
		next := 0
		want := []string{"vendor", "product_name", "product_version"}
		for _, c := range f.cats {
			if next < len(want) && c == want[next] {
				next++
			}
		}
		if next < len(want) {
			d.report(f.n.path, "the branches leading to product %q lack %s (in the order vendor, product_name, product_version)",
				f.n.get("product").get("product_id").text(), want[next])
		}
	}
}

// checkVersionRangeUse is test 6.3.10: product_version_range is allowed but
// less precise than listing versions.
func checkVersionRangeUse(d *doc) {
	for _, b := range branches(d.root.get("product_tree")) {
		if b.get("category").text() == "product_version_range" {
			d.report(b.path, "uses the branch category product_version_range")
		}
	}
}

var vPrefixRE = regexp.MustCompile(`^[vV][0-9]`)

// checkVersionIndicator is test 6.3.11: a product_version is the version
// itself, without a leading "v".
func checkVersionIndicator(d *doc) {
	for _, b := range branches(d.root.get("product_tree")) {
		name := b.get("name").text()
		if b.get("category").text() == "product_version" && vPrefixRE.MatchString(name) {
			d.report(b.get("name").path, "product_version %q starts with the indicator v", name)
		}
	}
}
