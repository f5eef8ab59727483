// Package formats lists vmc's publishers: one entry per format, name →
// writer, in a plain list (no registration magic), so that the API, the
// command line and the tests all offer the same formats the same way.
package formats

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	validator "github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/csaf"
	"github.com/vmc-dev/vmc/internal/publish/cve5"
	"github.com/vmc-dev/vmc/internal/publish/osv"
	"github.com/vmc-dev/vmc/internal/publish/stix"
)

// Format is one publishing format.
type Format struct {
	// Name is how the API and the command line call it.
	Name string
	// Title names it for people.
	Title     string
	MediaType string
	// Marshal writes a document; it refuses what the format cannot say.
	Marshal func(publish.Document) ([]byte, error)
	// Applies reports, without writing, whether the format can express a
	// valid document, and why not: cheap enough for every entry of a
	// feed, where Check writes (and CSAF validates) each document.
	Applies func(publish.Document) error
	// FileName is the file a document is saved as.
	FileName func(publish.Document) string
}

// All lists the formats.
var All = []Format{
	{Name: "csaf", Title: "CSAF 2.0", MediaType: csaf.MediaType, Marshal: csaf.Marshal, Applies: func(publish.Document) error { return nil },
		FileName: func(d publish.Document) string { return csaf.FileName(d.ID) }},
	{Name: "osv", Title: "OSV", MediaType: osv.MediaType, Marshal: osv.Marshal, Applies: osv.Applies,
		FileName: func(d publish.Document) string { return osv.ID(d.ID) + ".json" }},
	{Name: "cve5", Title: "CVE JSON 5.1 (CNA container)", MediaType: cve5.MediaType, Marshal: cve5.Marshal, Applies: cve5.Applies,
		FileName: func(d publish.Document) string { return d.CVE() + ".cna.json" }},
	{Name: "stix", Title: "STIX 2.1 bundle", MediaType: stix.MediaType, Marshal: stix.Marshal, Applies: stix.Applies,
		FileName: func(d publish.Document) string { return d.ID + ".stix.json" }},
}

// Names lists the formats' names.
func Names() []string {
	out := make([]string, len(All))
	for i, f := range All {
		out[i] = f.Name
	}
	return out
}

// Get returns the format called name.
func Get(name string) (Format, error) {
	i := slices.IndexFunc(All, func(f Format) bool { return f.Name == name })
	if i < 0 {
		return Format{}, fmt.Errorf("unknown format %q (%s)", name, strings.Join(Names(), ", "))
	}
	return All[i], nil
}

// Check writes d in every format and reports the formats that can
// express it. A format that cannot (OSV for a product that is no
// package, CVE JSON 5 without a CVE id) is left out with its reason in
// unavailable; a document CSAF cannot express, and output a format's
// schema or validator rejects, is an error: it is vmc's to fix or the
// author's, before the advisory is released.
func Check(d publish.Document) (available []string, unavailable map[string]error, err error) {
	unavailable = map[string]error{}
	for _, f := range All {
		_, ferr := f.Marshal(d)
		switch {
		case ferr == nil:
			available = append(available, f.Name)
		case f.Name == "csaf", errors.Is(ferr, publish.ErrSchema):
			return available, unavailable, ferr
		default:
			unavailable[f.Name] = ferr
		}
	}
	return available, unavailable, nil
}

// CheckRelease is Check for a document about to be released: beyond the
// schema and the mandatory tests, its CSAF must pass every optional test
// of CSAF 2.0 section 6.2 (a score for every affected product, a
// remediation, a canonical URL, ...), which Check leaves as warnings for
// documents vmc only converts.
func CheckRelease(d publish.Document) (available []string, unavailable map[string]error, err error) {
	available, unavailable, err = Check(d)
	if err != nil {
		return available, unavailable, err
	}
	b, err := csaf.Marshal(d)
	if err != nil {
		return available, unavailable, err
	}
	res, err := validator.Validate(b)
	if err != nil {
		return available, unavailable, err
	}
	var warnings []string
	for _, f := range res.Findings {
		if f.Severity == validator.Warning {
			warnings = append(warnings, fmt.Sprintf("test %s at %s: %s", f.Test, f.Path, f.Message))
		}
	}
	if len(warnings) > 0 {
		return available, unavailable, fmt.Errorf("csaf: %s: %w: CSAF's optional tests fail: %s", d.ID, publish.ErrInvalid, strings.Join(warnings, "; "))
	}
	return available, unavailable, nil
}

// Available lists the formats that can express d, asking each format's
// Applies: what a feed offers, without writing the documents.
func Available(d publish.Document) []string {
	var out []string
	for _, f := range All {
		if f.Applies(d) == nil {
			out = append(out, f.Name)
		}
	}
	return out
}
