package publish

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// Document is one security advisory about one vulnerability, as the
// writers publish it.
type Document struct {
	// ID is the document's tracking id (CSAF document.tracking.id, the
	// OSV id): the publisher's own id ("VMC-SA-2026-0001"), or a CVE id
	// when the document has no other.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Lang is the BCP 47 language of every text ("en", "zh-CN").
	Lang      string    `json:"lang"`
	Publisher Publisher `json:"publisher"`
	Status    Status    `json:"status"`
	// TLP is the TLP 2.0 label the document is distributed under:
	// CLEAR, GREEN, AMBER, AMBER+STRICT or RED. Writing a document says
	// nothing about whether it may leave: that is incident.Release's
	// question, asked before.
	TLP   string `json:"tlp"`
	Level Level  `json:"level"`
	// Criticality is the publisher's own rating for operators and users
	// ("Critical", "Important", ...; CSAF document.aggregate_severity),
	// and CriticalityNote what it means for them, in Lang.
	Criticality     string `json:"criticality,omitempty"`
	CriticalityNote string `json:"criticality_note,omitempty"`
	// Revisions are the released versions, oldest first, numbered 1, 2,
	// ... A draft has none: it is written as version 0, dated Drafted.
	Revisions []Revision `json:"revisions,omitempty"`
	Drafted   time.Time  `json:"drafted,omitzero"`
	// Generated is when the document is written (CSAF
	// tracking.generator.date); zero leaves it out, as golden files want.
	Generated time.Time `json:"generated,omitzero"`
	// Generator names the writing software's version (CSAF
	// tracking.generator.engine.version); empty leaves it out.
	Generator string `json:"generator,omitempty"`
	// Vuln is the vulnerability: its ids (ID and Aliases; a CVE id among
	// them is the CVE), title, descriptions (the summary), notes of
	// category NoteDetails and NoteExploit, CWEs, CVSS severities,
	// affected products with their remediations, references and
	// credits. Each affected entry names a package (PURL, or Ecosystem
	// and Package) or a product (Vendor and Product). Vuln.Source and
	// Vuln.Document are not written.
	Vuln advisory.Record `json:"vuln"`
}

// Note categories in Vuln.Notes that the detail levels govern. Notes of
// other categories are written at every level.
const (
	// NoteDetails is the technical description: what is wrong, where.
	NoteDetails = "details"
	// NoteExploit describes exploitation: conditions, steps, proof of
	// concept, whether it is exploited.
	NoteExploit = "exploit"
)

// Publisher is who issues the document (CSAF document.publisher; for CVE
// JSON 5, the CNA).
type Publisher struct {
	Name string `json:"name"`
	// Namespace is the publisher's web address (https://psirt.example.com).
	Namespace string `json:"namespace"`
	// Category is CSAF's: coordinator, discoverer, other, translator,
	// user or vendor.
	Category       string `json:"category"`
	ContactDetails string `json:"contact_details,omitempty"`
	// IssuingAuthority says on whose authority the publisher issues it.
	IssuingAuthority string `json:"issuing_authority,omitempty"`
	// CSAFBase is the https address under which the CSAF documents are
	// published: a document's canonical URL is CSAFBase followed by its
	// file name (CSAF section 5.1). Empty leaves the URL out.
	CSAFBase string `json:"csaf_base,omitempty"`
	// CNAOrgID and CNAShortName identify the publisher as a CVE
	// Numbering Authority (CVE JSON 5 providerMetadata): the UUID CVE
	// Services knows it by, and its short name.
	CNAOrgID     string `json:"cna_org_id,omitempty"`
	CNAShortName string `json:"cna_short_name,omitempty"`
}

// PublisherCategories are CSAF 2.0's publisher categories.
var PublisherCategories = []string{"coordinator", "discoverer", "other", "translator", "user", "vendor"}

// Status is a document's tracking status.
type Status string

const (
	// Draft is being written; nothing is released.
	Draft Status = "draft"
	// Final is released; changes make new revisions.
	Final Status = "final"
)

func (s Status) String() string { return string(s) }

// IsValid reports whether s is a known status.
func (s Status) IsValid() bool { return s == Draft || s == Final }

// Revision is one released version.
type Revision struct {
	Number  int       `json:"number"`
	Date    time.Time `json:"date"`
	Summary string    `json:"summary"`
}

// ErrInvalid marks a document a writer cannot write; the message names
// the field.
var ErrInvalid = errors.New("invalid document")

// Invalid marks err, a writer's refusal of a document, as ErrInvalid
// (unless it already is), so that callers tell a document a format
// cannot express from a failure of their own.
func Invalid(err error) error {
	if err == nil || errors.Is(err, ErrInvalid) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalid, err)
}

func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
}

var (
	langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	cveRE  = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)
)

// tlpLabels are the TLP 2.0 labels.
var tlpLabels = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

// Validate checks what every writer relies on, naming the field at fault.
// Each writer checks further what its format needs (OSV a package
// ecosystem, CVE JSON 5 a CVE id and an English description).
func (d Document) Validate() error {
	if err := d.ValidateHead(); err != nil {
		return err
	}
	if len(d.Vuln.Affected) == 0 {
		return invalid("vuln.affected", "no affected product")
	}
	if !slices.ContainsFunc(d.Vuln.Affected, Named) {
		return invalid("vuln.affected", "no entry names a purl, package or product")
	}
	return nil
}

// ValidateHead is Validate without the affected products: what a format
// that can describe a vulnerability without naming what it affects
// (STIX) relies on.
func (d Document) ValidateHead() error {
	switch {
	case !advisory.ValidID(d.ID):
		return invalid("id", "%q is not an identifier", d.ID)
	case strings.TrimSpace(d.Title) == "" || len(d.Title) > 500 || !utf8.ValidString(d.Title):
		return invalid("title", "empty, longer than 500 bytes or not UTF-8")
	case !langRE.MatchString(d.Lang):
		return invalid("lang", "%q is not a language tag", d.Lang)
	case !slices.Contains(tlpLabels, d.TLP):
		return invalid("tlp", "%q is not a TLP 2.0 label (%s)", d.TLP, strings.Join(tlpLabels, ", "))
	case !d.Level.IsValid():
		return invalid("level", "unknown %q (minimal, standard, full)", d.Level)
	case !d.Status.IsValid():
		return invalid("status", "unknown %q (draft, final)", d.Status)
	}
	if err := d.Publisher.validate(); err != nil {
		return err
	}
	if err := d.validateRevisions(); err != nil {
		return err
	}
	if len(d.Vuln.Descriptions) == 0 {
		return invalid("vuln.descriptions", "no summary")
	}
	return nil
}

// Named reports whether an affected entry names what is affected: a
// purl, a package or a product. The writers leave out entries that name
// nothing (a CVE record's "n/a" vendor and product), which say nothing a
// reader could act on.
func Named(a advisory.Affected) bool { return a.PURL != "" || a.Package != "" || a.Product != "" }

func (p Publisher) validate() error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return invalid("publisher.name", "empty")
	case !webURL(p.Namespace):
		return invalid("publisher.namespace", "%q is not an http(s) address", p.Namespace)
	case !slices.Contains(PublisherCategories, p.Category):
		return invalid("publisher.category", "unknown %q (%s)", p.Category, strings.Join(PublisherCategories, ", "))
	case p.CSAFBase != "" && (!webURL(p.CSAFBase) || !strings.HasPrefix(p.CSAFBase, "https://")):
		return invalid("publisher.csaf_base", "%q is not an https address", p.CSAFBase)
	}
	return nil
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func (d Document) validateRevisions() error {
	if d.Status == Draft {
		if len(d.Revisions) > 0 {
			return invalid("revisions", "a draft has no released revisions")
		}
		if d.Drafted.IsZero() {
			return invalid("drafted", "a draft needs the time it was last changed")
		}
		return nil
	}
	if len(d.Revisions) == 0 {
		return invalid("revisions", "a final document has at least one")
	}
	for i, r := range d.Revisions {
		field := fmt.Sprintf("revisions[%d]", i)
		switch {
		case r.Number != i+1:
			return invalid(field+".number", "%d, want %d: revisions are numbered 1, 2, ... in order", r.Number, i+1)
		case r.Date.IsZero():
			return invalid(field+".date", "missing")
		case i > 0 && r.Date.Before(d.Revisions[i-1].Date):
			return invalid(field+".date", "%s is before the previous revision's", r.Date.Format(time.RFC3339))
		case strings.TrimSpace(r.Summary) == "":
			return invalid(field+".summary", "empty")
		}
	}
	return nil
}

// Version is the document's version: the last revision's number, or 0
// for a draft.
func (d Document) Version() string {
	if d.Status == Draft || len(d.Revisions) == 0 {
		return "0"
	}
	return strconv.Itoa(d.Revisions[len(d.Revisions)-1].Number)
}

// Initial is when the document was first released, or last changed for
// a draft.
func (d Document) Initial() time.Time {
	if d.Status == Draft || len(d.Revisions) == 0 {
		return d.Drafted
	}
	return d.Revisions[0].Date
}

// Current is when the document's current version was released, or last
// changed for a draft.
func (d Document) Current() time.Time {
	if d.Status == Draft || len(d.Revisions) == 0 {
		return d.Drafted
	}
	return d.Revisions[len(d.Revisions)-1].Date
}

// CVE is the vulnerability's CVE id, or "".
func (d Document) CVE() string {
	for _, id := range append([]string{d.Vuln.ID}, d.Vuln.Aliases...) {
		if cveRE.MatchString(id) {
			return id
		}
	}
	return ""
}

// Description is the summary in the document's language, else the first
// there is.
func (d Document) Description() string {
	for _, t := range d.Vuln.Descriptions {
		if t.Lang == d.Lang {
			return t.Value
		}
	}
	if len(d.Vuln.Descriptions) > 0 {
		return d.Vuln.Descriptions[0].Value
	}
	return ""
}

// Note returns the text of the first note of category c, or "".
func (d Document) Note(c string) string {
	for _, n := range d.Vuln.Notes {
		if n.Category == c {
			return n.Text
		}
	}
	return ""
}
