package ingest

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"strings"

	feedcsaf "github.com/vmc-dev/vmc/internal/feed/csaf"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/sbom/cyclonedx"
	"github.com/vmc-dev/vmc/internal/sbom/openvex"
)

// ReadVEX reads the statements of a VEX document: OpenVEX (v0.0.1 and
// v0.2.0), CycloneDX VEX, or a CSAF document's product statuses (the CSAF
// VEX profile, or any advisory that says which products are not
// affected). Statements name products by purl. A CSAF product without a
// purl is a product as a whole ("Secvisogram <=1.14.0 is not affected by
// Log4Shell"): its statement names no products, so that it applies to
// everything in the SBOM or asset it is applied to, and Product keeps its
// name. A document with some bad statements yields the good ones and the
// error.
func ReadVEX(name string, data []byte) ([]match.VEX, error) {
	head := data[:min(len(data), 4096)]
	switch {
	case openvex.Sniff(name, head):
		return openVEX(name, data)
	case feedcsaf.Sniff(name, head):
		return csafVEX(name, data)
	}
	sts, err := cyclonedx.ParseVEX(name, bytes.NewReader(data))
	if err != nil && len(sts) == 0 {
		return nil, fmt.Errorf("%s: not OpenVEX, CSAF or CycloneDX VEX: %w", name, err)
	}
	var out []match.VEX
	for _, st := range sts {
		v := match.VEX{Vulns: append([]string{st.VulnID}, st.Aliases...), Status: cdxStatus(string(st.State)),
			Justification: string(st.Justification), Detail: st.Detail, Source: name}
		for _, t := range st.Affects {
			v.Products = append(v.Products, cmp.Or(t.PURL, bomLinkPURL(t.Ref), t.Ref))
		}
		out = append(out, v)
	}
	return out, err
}

func openVEX(name string, data []byte) ([]match.VEX, error) {
	doc, err := openvex.Parse(name, bytes.NewReader(data))
	if err != nil && len(doc.Statements) == 0 {
		return nil, err
	}
	var out []match.VEX
	for _, st := range doc.Statements {
		v := match.VEX{Vulns: append([]string{st.Vulnerability}, st.Aliases...), Status: string(st.Status),
			Justification: string(st.Justification), Detail: st.ImpactStatement, Source: name}
		for _, p := range st.Products {
			v.Products = append(v.Products, cmp.Or(p.PURL, p.ID))
			v.Products = append(v.Products, p.Subcomponents...)
		}
		out = append(out, v)
	}
	return out, err
}

// csafStatus maps CSAF product status groups onto OpenVEX's statuses
// (CSAF 2.0 §3.2.3.9; the VEX profile §4.5 uses the same four).
var csafStatus = map[string]string{
	"known_not_affected":  "not_affected",
	"fixed":               "fixed",
	"first_fixed":         "fixed",
	"known_affected":      "affected",
	"first_affected":      "affected",
	"last_affected":       "affected",
	"under_investigation": "under_investigation",
}

func csafVEX(name string, data []byte) ([]match.VEX, error) {
	var (
		out  []match.VEX
		errs []error
	)
	for rec, err := range feedcsaf.Parse(name, bytes.NewReader(data)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, a := range rec.Affected {
			status, ok := csafStatus[a.Status]
			if !ok {
				continue
			}
			v := match.VEX{Vulns: append([]string{rec.ID}, rec.Aliases...), Status: status, Justification: a.Justification, Source: name}
			if a.PURL != "" {
				v.Products = []string{a.PURL}
			} else {
				v.Product = strings.TrimSpace(strings.Join([]string{a.Vendor, a.Product, strings.Join(a.Versions, ", ")}, " "))
			}
			out = append(out, v)
		}
	}
	if len(out) == 0 && len(errs) > 0 {
		return nil, errs[0]
	}
	if len(errs) > 0 {
		return out, errors.Join(errs...)
	}
	return out, nil
}

// bomLinkPURL returns the purl a CycloneDX BOM-Link names in its fragment
// ("urn:cdx:<serial>/<version>#pkg:maven/..."), as VEX documents written
// apart from their SBOM refer to components; "" for anything else.
func bomLinkPURL(ref string) string {
	if !strings.HasPrefix(ref, "urn:cdx:") {
		return ""
	}
	_, frag, _ := strings.Cut(ref, "#")
	if p, err := url.PathUnescape(frag); err == nil && strings.HasPrefix(p, "pkg:") {
		return p
	}
	return ""
}

// cdxStatus maps CycloneDX analysis states onto OpenVEX's statuses, as
// CISA's "minimum requirements for VEX" pairs them.
func cdxStatus(state string) string {
	switch state {
	case "not_affected", "false_positive":
		return "not_affected"
	case "resolved", "resolved_with_pedigree":
		return "fixed"
	case "exploitable":
		return "affected"
	case "in_triage":
		return "under_investigation"
	}
	return state
}
