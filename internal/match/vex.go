package match

import (
	"slices"
	"strings"
)

// VEX is a statement, from a VEX document, that a vulnerability does or
// does not affect products. The format readers (sbom/openvex,
// sbom/cyclonedx) produce their own statements; the caller converts them.
type VEX struct {
	// Vulns are the vulnerability's ids as the statement names them (its
	// id and aliases).
	Vulns []string
	// Products are purls (or other ids) the statement is about; a purl
	// without a version covers every version. None means every product
	// the document is about: the SBOM being scanned, or the asset the
	// document was imported for.
	Products []string
	// Product names the product as the document does when it gives no
	// purl (a CSAF product's full name), for display.
	Product string `json:",omitempty"`
	// Status is OpenVEX's: not_affected, affected, fixed,
	// under_investigation.
	Status        string
	Justification string
	Detail        string
	// Source names the document.
	Source string
}

// Verdict is what a VEX statement says about a match.
type Verdict struct {
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
	Detail        string `json:"detail,omitempty"`
	Source        string `json:"source"`
}

// Suppresses reports whether the verdict removes the match from what needs
// fixing: the product is not affected, or the vulnerability is fixed in it.
func (v *Verdict) Suppresses() bool {
	return v != nil && (v.Status == "not_affected" || v.Status == "fixed")
}

// ApplyVEX sets each match's VEX verdict from the statements about its
// vulnerability (by any of aliases(m.Vuln)) and its component's purl. When
// several apply, the last wins, as later statements in a VEX stream
// supersede earlier ones. ms is changed in place.
func ApplyVEX(ms []Match, statements []VEX, aliases func(vuln string) []string) {
	for i := range ms {
		m := &ms[i]
		ids := append([]string{m.Vuln}, aliases(m.Vuln)...)
		for _, st := range statements {
			if !namesAny(st.Vulns, ids) || !coversProduct(st.Products, m.Component.PURL) {
				continue
			}
			m.VEX = &Verdict{Status: st.Status, Justification: st.Justification, Detail: st.Detail, Source: st.Source}
		}
	}
}

func namesAny(stated, ids []string) bool {
	for _, s := range stated {
		if slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, s) }) {
			return true
		}
	}
	return false
}

// coversProduct reports whether a statement's products include purl. A
// product purl's qualifiers and subpath are ignored (an OpenVEX statement
// about pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64 covers that package
// whatever the inventory's qualifiers), and a product without a version
// covers every version.
func coversProduct(products []string, purl string) bool {
	if len(products) == 0 {
		return true
	}
	have := purlBase(purl)
	if have == "" {
		return false
	}
	haveName, _, _ := strings.Cut(have, "@")
	for _, p := range products {
		want := purlBase(p)
		if want == have {
			return true
		}
		if name, version, _ := strings.Cut(want, "@"); version == "" && name == haveName {
			return true
		}
	}
	return false
}

func purlBase(p string) string {
	if !strings.HasPrefix(p, "pkg:") {
		return ""
	}
	p, _, _ = strings.Cut(p, "#")
	p, _, _ = strings.Cut(p, "?")
	return strings.ToLower(p)
}
