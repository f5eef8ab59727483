package cyclonedx

import (
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// Statement is one vulnerabilities[] entry of a CycloneDX document read as
// VEX: what its author says about one vulnerability in the components it
// names. CycloneDX 1.4 added analysis and affects; the fields follow the
// schema's "vulnerability" definition.
type Statement struct {
	// VulnID is vulnerabilities[].id ("CVE-2021-44228", "GHSA-...").
	VulnID string `json:"vuln_id"`
	// Aliases are the ids of references[], the same vulnerability in other
	// databases.
	Aliases []string `json:"aliases,omitempty"`
	// Affects are the targets of affects[], each a bom-ref.
	Affects []Target `json:"affects,omitempty"`
	// State is analysis.state; empty when the entry has no analysis (a
	// vulnerability disclosure report rather than VEX).
	State         State         `json:"state,omitempty"`
	Justification Justification `json:"justification,omitempty"`
	Response      []Response    `json:"response,omitempty"`
	// Detail is analysis.detail, the author's free-text reasoning.
	Detail string `json:"detail,omitempty"`
}

// Target is one affects[] entry.
type Target struct {
	// Ref is affects[].ref as written: a bom-ref of this document
	// ("acme-product"), a BOM-Link into another one
	// ("urn:cdx:<serial>/<version>#<bom-ref>"), or a purl.
	Ref string `json:"ref"`
	// PURL is the purl of the component Ref names, when Ref is a purl or a
	// bom-ref of a component in this document that has one.
	PURL string `json:"purl,omitempty"`
}

// ParseVEX reads the vulnerabilities[] of a CycloneDX document, JSON or
// XML. A document that cannot be read returns no statements and an error
// that names the file and wraps feed.ErrFormat. Otherwise the statements
// are returned, and an entry that is unusable (no id, or an analysis word
// the schema does not define, which vmc must not guess at) is left out
// and reported in the error, an errors.Join of *feed.RecordError. A
// document with no vulnerabilities returns neither.
func ParseVEX(name string, r io.Reader) ([]Statement, error) {
	data, err := inventory.ReadAll(name, r)
	if err != nil {
		return nil, err
	}
	b := inventory.NewBuilder(name)
	bom, err := decode(name, data, b)
	if err != nil {
		return nil, err
	}
	errs := b.Inventory().Errors
	if bom.Vulnerabilities == nil {
		return nil, errors.Join(errs...)
	}
	purls := componentPURLs(bom)
	var out []Statement
	for i, v := range *bom.Vulnerabilities {
		record := fmt.Sprintf("vulnerabilities[%d]", i)
		if v.ID != "" {
			record += " (" + v.ID + ")"
		}
		s, err := statement(v, purls)
		if err != nil {
			errs = append(errs, &feed.RecordError{Record: record, Field: err.field, Err: err.err})
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

type fieldError struct {
	field string
	err   error
}

func statement(v cdx.Vulnerability, purls map[string]string) (Statement, *fieldError) {
	s := Statement{VulnID: strings.TrimSpace(v.ID)}
	if s.VulnID == "" {
		return s, &fieldError{"id", fmt.Errorf("%w: empty", feed.ErrFormat)}
	}
	if v.References != nil {
		for _, ref := range *v.References {
			if id := strings.TrimSpace(ref.ID); id != "" && id != s.VulnID {
				s.Aliases = append(s.Aliases, id)
			}
		}
	}
	if v.Affects != nil {
		for j, a := range *v.Affects {
			ref := strings.TrimSpace(a.Ref)
			if ref == "" {
				return s, &fieldError{fmt.Sprintf("affects[%d].ref", j), fmt.Errorf("%w: empty", feed.ErrFormat)}
			}
			t := Target{Ref: ref, PURL: purls[ref]}
			if t.PURL == "" && strings.HasPrefix(ref, "pkg:") {
				t.PURL = ref
			}
			s.Affects = append(s.Affects, t)
		}
	}
	a := v.Analysis
	if a == nil {
		return s, nil
	}
	s.Detail = strings.TrimSpace(a.Detail)
	if a.State != "" {
		if err := s.State.UnmarshalText([]byte(a.State)); err != nil {
			return s, &fieldError{"analysis.state", fmt.Errorf("%w: %v", feed.ErrFormat, err)}
		}
	}
	if a.Justification != "" {
		if err := s.Justification.UnmarshalText([]byte(a.Justification)); err != nil {
			return s, &fieldError{"analysis.justification", fmt.Errorf("%w: %v", feed.ErrFormat, err)}
		}
	}
	if a.Response != nil {
		for j, w := range *a.Response {
			var r Response
			if err := r.UnmarshalText([]byte(w)); err != nil {
				return s, &fieldError{fmt.Sprintf("analysis.response[%d]", j), fmt.Errorf("%w: %v", feed.ErrFormat, err)}
			}
			s.Response = append(s.Response, r)
		}
	}
	return s, nil
}

// componentPURLs maps the bom-refs of the document's components,
// metadata.component included, to their purls.
func componentPURLs(bom *cdx.BOM) map[string]string {
	m := map[string]string{}
	var walk func(c *cdx.Component)
	walk = func(c *cdx.Component) {
		if c.BOMRef != "" && c.PackageURL != "" {
			m[c.BOMRef] = strings.TrimSpace(c.PackageURL)
		}
		if c.Components != nil {
			for i := range *c.Components {
				walk(&(*c.Components)[i])
			}
		}
	}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		walk(bom.Metadata.Component)
	}
	if bom.Components != nil {
		for i := range *bom.Components {
			walk(&(*bom.Components)[i])
		}
	}
	return m
}
