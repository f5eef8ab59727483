// Package csaf writes a publish.Document as a CSAF 2.0 document of the
// profile csaf_security_advisory
// (https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html).
//
// What goes where:
//
//   - document: the title, language, publisher, TLP label (TLP 2.0 CLEAR is
//     CSAF 2.0's WHITE; AMBER+STRICT, which CSAF 2.0 cannot label, is RED,
//     the nearest label that does not widen the audience, with a
//     distribution text saying what was meant), the criticality as aggregate_severity with its meaning as a
//     general note, the summary as a summary note, tracking (a draft is
//     version 0; released versions are numbered 1, 2, ...) and, when the
//     publisher gives a CSAF base address, the canonical URL (section 5.1).
//   - product_tree: per affected entry, a vendor, a product name and one
//     product per affected version (product_version), per affected range
//     (product_version_range in vers notation, one interval each) and per
//     fixed version (product_version). Each product is identified by its
//     purl; a product that is no package is pkg:generic/vendor/product.
//   - vulnerabilities: one, with its CVE, the first CWE the catalogue
//     knows (CSAF 2.0 holds one; others become a note), notes (the summary as description, and
//     the levels' technical details and exploitation as details), product
//     status (affected ranges and versions as known_affected, fixed
//     versions as fixed), CVSS v3 scores computed from the vectors for the
//     affected products (CSAF 2.0 has no CVSS v4.0: a v4.0 vector is a
//     note), remediations, references and acknowledgments (credits).
//
// Keys are written in alphabetical order (test 6.2.13), which is why the
// struct fields below are declared in that order. The writer writes what
// Document.Redact leaves of the document at its level.
package csaf

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/vmc-dev/vmc/internal/advisory"
	validator "github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/risk"
)

// MediaType is a CSAF document's media type.
const MediaType = "application/json"

// Marshal writes d as CSAF 2.0 JSON, indented, and validates it with
// vmc's CSAF validator (internal/csaf). It refuses, naming the field, a
// document Validate refuses or that CSAF cannot express (a CWE outside
// the CWE catalogue, an unreadable purl or CVSS vector), and, as an error
// wrapping publish.ErrSchema, output that fails the schema or a
// mandatory test.
func Marshal(d publish.Document) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("csaf: %w", err)
	}
	d = d.Redact()
	w := &writer{d: d, lang: d.Lang}
	c, err := w.document()
	if err != nil {
		return nil, fmt.Errorf("csaf: %s: %w", d.ID, publish.Invalid(err))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("csaf: %s: %w", d.ID, err)
	}
	// What vmc writes passes vmc's own validator, or is not handed out.
	res, err := validator.Validate(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("csaf: %s: %w", d.ID, err)
	}
	if !res.Valid() {
		var first validator.Finding
		for _, f := range res.Findings {
			if f.Severity == validator.Error {
				first = f
				break
			}
		}
		return nil, fmt.Errorf("csaf: %s: %w: test %s at %s: %s", d.ID, publish.ErrSchema, first.Test, first.Path, first.Message)
	}
	return b.Bytes(), nil
}

// FileName is a document's file name as CSAF section 5.1 forms it from
// its tracking id: lower case, every run of other characters than
// [+-a-z0-9] replaced by "_", and ".json".
func FileName(id string) string {
	return fileNameRE.ReplaceAllString(strings.ToLower(id), "_") + ".json"
}

var fileNameRE = regexp.MustCompile(`[^+\-a-z0-9]+`)

// The CSAF structure, each type's fields in alphabetical order of their
// JSON names.

type csafDoc struct {
	Document        document        `json:"document"`
	ProductTree     productTree     `json:"product_tree"`
	Vulnerabilities []vulnerability `json:"vulnerabilities"`
}

type document struct {
	AggregateSeverity *aggregateSeverity `json:"aggregate_severity,omitempty"`
	Category          string             `json:"category"`
	CSAFVersion       string             `json:"csaf_version"`
	Distribution      distribution       `json:"distribution"`
	Lang              string             `json:"lang"`
	Notes             []note             `json:"notes,omitempty"`
	Publisher         publisher          `json:"publisher"`
	References        []reference        `json:"references,omitempty"`
	Title             string             `json:"title"`
	Tracking          tracking           `json:"tracking"`
}

type aggregateSeverity struct {
	Text string `json:"text"`
}

type distribution struct {
	Text string `json:"text,omitempty"`
	TLP  tlp    `json:"tlp"`
}

type tlp struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

type note struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title,omitempty"`
}

type publisher struct {
	Category         string `json:"category"`
	ContactDetails   string `json:"contact_details,omitempty"`
	IssuingAuthority string `json:"issuing_authority,omitempty"`
	Name             string `json:"name"`
	Namespace        string `json:"namespace"`
}

type reference struct {
	Category string `json:"category"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

type tracking struct {
	CurrentReleaseDate string     `json:"current_release_date"`
	Generator          generator  `json:"generator"`
	ID                 string     `json:"id"`
	InitialReleaseDate string     `json:"initial_release_date"`
	RevisionHistory    []revision `json:"revision_history"`
	Status             string     `json:"status"`
	Version            string     `json:"version"`
}

type generator struct {
	Date   string `json:"date,omitempty"`
	Engine engine `json:"engine"`
}

type engine struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

type revision struct {
	Date    string `json:"date"`
	Number  string `json:"number"`
	Summary string `json:"summary"`
}

type productTree struct {
	Branches []branch `json:"branches"`
}

type branch struct {
	Branches []branch `json:"branches,omitempty"`
	Category string   `json:"category"`
	Name     string   `json:"name"`
	Product  *product `json:"product,omitempty"`
}

type product struct {
	Name   string `json:"name"`
	ID     string `json:"product_id"`
	Helper helper `json:"product_identification_helper"`
}

type helper struct {
	PURL string `json:"purl"`
}

type vulnerability struct {
	Acknowledgments []acknowledgment `json:"acknowledgments,omitempty"`
	CVE             string           `json:"cve,omitempty"`
	CWE             *cwe             `json:"cwe,omitempty"`
	IDs             []vulnID         `json:"ids,omitempty"`
	Notes           []note           `json:"notes"`
	ProductStatus   productStatus    `json:"product_status"`
	References      []reference      `json:"references,omitempty"`
	Remediations    []remediation    `json:"remediations,omitempty"`
	Scores          []score          `json:"scores,omitempty"`
	Title           string           `json:"title,omitempty"`
}

type acknowledgment struct {
	Names   []string `json:"names"`
	Summary string   `json:"summary,omitempty"`
}

type cwe struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type vulnID struct {
	SystemName string `json:"system_name"`
	Text       string `json:"text"`
}

type productStatus struct {
	Fixed         []string `json:"fixed,omitempty"`
	KnownAffected []string `json:"known_affected,omitempty"`
}

type remediation struct {
	Category   string   `json:"category"`
	Date       string   `json:"date,omitempty"`
	Details    string   `json:"details"`
	ProductIDs []string `json:"product_ids"`
	URL        string   `json:"url,omitempty"`
}

type score struct {
	CVSSv3   *cvssV3  `json:"cvss_v3"`
	Products []string `json:"products"`
}

type cvssV3 struct {
	BaseScore    float64 `json:"baseScore"`
	BaseSeverity string  `json:"baseSeverity"`
	VectorString string  `json:"vectorString"`
	Version      string  `json:"version"`
}

// writer builds one document.
type writer struct {
	d    publish.Document
	lang string
	next int // product ids handed out
}

// words are the few labels the writer adds, in the document's language.
var words = map[string][2]string{ // en, zh
	"exploit":     {"Exploitation", "漏洞利用"},
	"details":     {"Technical details", "技术细节"},
	"criticality": {"Criticality: %s", "严重等级：%s"},
	"cvss4":       {"CVSS v4.0", "CVSS v4.0"},
	"cwes":        {"Other weaknesses", "其他弱点"},
	"self":        {"Canonical URL", "规范地址"},
	"own":         {"%s advisory", "%s 安全公告"},
	"strict":      {"TLP:AMBER+STRICT: the recipient's organisation only, not its clients. CSAF 2.0 has no such label; it is marked RED so as not to widen the audience.", "TLP:AMBER+STRICT：仅限接收方组织内部，不得提供给其客户。CSAF 2.0 无此标签，故标为 RED，以免扩大受众。"},
	"draft":       {"Draft", "草稿"},
}

func (w *writer) word(key string, args ...any) string {
	i := 0
	if strings.HasPrefix(strings.ToLower(w.lang), "zh") {
		i = 1
	}
	s := words[key][i]
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

func date(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (w *writer) document() (csafDoc, error) {
	d := w.d
	doc := document{
		Category:    "csaf_security_advisory",
		CSAFVersion: "2.0",
		Lang:        d.Lang,
		Publisher: publisher{Category: d.Publisher.Category, ContactDetails: d.Publisher.ContactDetails,
			IssuingAuthority: d.Publisher.IssuingAuthority, Name: d.Publisher.Name, Namespace: d.Publisher.Namespace},
		Title: d.Title,
		Notes: []note{{Category: "summary", Text: d.Description()}},
	}
	switch d.TLP {
	case "CLEAR":
		doc.Distribution.TLP.Label = "WHITE"
	case "AMBER+STRICT":
		// AMBER would let the recipient share with its clients, which
		// the label forbids; RED errs on the side of the author.
		doc.Distribution.TLP.Label = "RED"
		doc.Distribution.Text = w.word("strict")
	default:
		doc.Distribution.TLP.Label = d.TLP
	}
	doc.Distribution.TLP.URL = "https://www.first.org/tlp/"
	if d.Criticality != "" {
		doc.AggregateSeverity = &aggregateSeverity{Text: d.Criticality}
		if d.CriticalityNote != "" {
			doc.Notes = append(doc.Notes, note{Category: "general", Title: w.word("criticality", d.Criticality), Text: d.CriticalityNote})
		}
	}
	if d.Publisher.CSAFBase != "" {
		doc.References = []reference{{Category: "self", Summary: w.word("self"),
			URL: strings.TrimSuffix(d.Publisher.CSAFBase, "/") + "/" + FileName(d.ID)}}
	}
	doc.Tracking = tracking{
		CurrentReleaseDate: date(d.Current()),
		Generator:          generator{Engine: engine{Name: "vmc", Version: d.Generator}},
		ID:                 d.ID,
		InitialReleaseDate: date(d.Initial()),
		Status:             string(d.Status),
		Version:            d.Version(),
	}
	if !d.Generated.IsZero() {
		doc.Tracking.Generator.Date = date(d.Generated)
	}
	if d.Status == publish.Draft {
		doc.Tracking.RevisionHistory = []revision{{Date: date(d.Drafted), Number: "0", Summary: w.word("draft")}}
	}
	for _, r := range d.Revisions {
		doc.Tracking.RevisionHistory = append(doc.Tracking.RevisionHistory, revision{Date: date(r.Date), Number: fmt.Sprint(r.Number), Summary: r.Summary})
	}

	tree, status, byEntry, err := w.products()
	if err != nil {
		return csafDoc{}, err
	}
	v, err := w.vulnerability(status, byEntry)
	if err != nil {
		return csafDoc{}, err
	}
	return csafDoc{Document: doc, ProductTree: tree, Vulnerabilities: []vulnerability{v}}, nil
}

// entryProducts are the product ids one affected entry became.
type entryProducts struct {
	affected, fixed []string
}

// products builds the product tree: a vendor branch per vendor, a
// product name branch per product under it, the versions under that.
func (w *writer) products() (productTree, productStatus, []entryProducts, error) {
	var (
		tree    productTree
		status  productStatus
		byEntry = make([]entryProducts, len(w.d.Vuln.Affected))
	)
	vendorAt := map[string]int{}
	for i, a := range w.d.Vuln.Affected {
		if !publish.Named(a) {
			continue
		}
		field := fmt.Sprintf("vuln.affected[%d]", i)
		base, err := purlOf(a)
		if err != nil {
			return tree, status, nil, fmt.Errorf("%s: %w", field, err)
		}
		vendor := a.Vendor
		if vendor == "" {
			vendor = w.d.Publisher.Name
		}
		name := a.Product
		if name == "" {
			name = a.Package
		}
		if name == "" {
			name = base.Name
		}
		pn := branch{Category: "product_name", Name: name}
		// add puts a product under the product name: its branch
		// (category and name), the version as its full name shows it,
		// its purl, and where its id goes.
		add := func(category, branchName, version, helperPURL string, into *[]string) {
			w.next++
			id := fmt.Sprintf("CSAFPID-%04d", w.next)
			pn.Branches = append(pn.Branches, branch{Category: category, Name: branchName,
				Product: &product{Name: vendor + " " + name + " " + version, ID: id, Helper: helper{PURL: helperPURL}}})
			*into = append(*into, id)
		}
		for _, v := range a.Versions {
			if validator.DescribesRange(v) != "" {
				// "5.7.26 and prior", "<=1.14.0": a range in words,
				// which CSAF wants as a range (test 6.1.31), as the
				// source wrote it (VLS, section 3.1.3.2 of CSAF 2.0).
				add("product_version_range", v, v, base.ToString(), &byEntry[i].affected)
				continue
			}
			add("product_version", v, v, withVersion(base, v), &byEntry[i].affected)
		}
		for j, r := range a.Ranges {
			if r.Type == advisory.RangeGit {
				continue // commits, not versions: CSAF's product tree names releases
			}
			ivs, err := intervals(r)
			if err != nil {
				return tree, status, nil, fmt.Errorf("%s.ranges[%d]: %w", field, j, err)
			}
			for _, iv := range ivs {
				add("product_version_range", "vers:"+versScheme(base)+"/"+iv, iv, base.ToString(), &byEntry[i].affected)
			}
			for _, e := range r.Events {
				if e.Fixed != "" {
					add("product_version", e.Fixed, e.Fixed, withVersion(base, e.Fixed), &byEntry[i].fixed)
				}
			}
		}
		if len(byEntry[i].affected) == 0 {
			if a.DefaultStatus != "affected" {
				// Nothing of it is affected (a merged record's list of
				// unaffected versions): it is no product of the advisory.
				continue
			}
			// Every version is affected: the product itself is.
			w.next++
			pn.Product = &product{Name: vendor + " " + name, ID: fmt.Sprintf("CSAFPID-%04d", w.next), Helper: helper{PURL: base.ToString()}}
			byEntry[i].affected = []string{pn.Product.ID}
		}
		status.KnownAffected = append(status.KnownAffected, byEntry[i].affected...)
		status.Fixed = append(status.Fixed, byEntry[i].fixed...)
		at, ok := vendorAt[vendor]
		if !ok {
			at = len(tree.Branches)
			vendorAt[vendor] = at
			tree.Branches = append(tree.Branches, branch{Category: "vendor", Name: vendor})
		}
		tree.Branches[at].Branches = append(tree.Branches[at].Branches, pn)
	}
	if len(status.KnownAffected) == 0 {
		return tree, status, nil, fmt.Errorf("vuln.affected: no affected version, range or product")
	}
	return tree, status, byEntry, nil
}

// purlOf is the affected entry's package URL without a version: its own,
// or pkg:generic/vendor/product for a product that is no package.
func purlOf(a advisory.Affected) (packageurl.PackageURL, error) {
	purl := a.PURL
	if purl == "" && a.Ecosystem != "" && a.Package != "" {
		// An ecosystem purl knows no type for stays generic below.
		purl, _ = ecosystem.PURL(a.Ecosystem, a.Package, "")
	}
	if purl == "" {
		return *packageurl.NewPackageURL(packageurl.TypeGeneric, a.Vendor, cmp.Or(a.Product, a.Package), "", nil, ""), nil
	}
	p, err := packageurl.FromString(purl)
	if err != nil {
		return p, fmt.Errorf("purl %q: %v", a.PURL, err)
	}
	p.Version = ""
	return p, nil
}

func withVersion(p packageurl.PackageURL, v string) string {
	p.Version = v
	return p.ToString()
}

// versScheme is the vers versioning scheme of a package: its purl type
// (https://github.com/package-url/purl-spec/blob/main/VERSION-RANGE-SPEC.rst).
func versScheme(p packageurl.PackageURL) string { return strings.ToLower(p.Type) }

// intervals turns an OSV range into vers constraints, one string per
// affected interval: introduced "0" has no lower bound, fixed is
// excluded, last_affected included, and an interval left open at the end
// has no upper bound.
func intervals(r advisory.Range) ([]string, error) {
	var (
		out  []string
		low  string
		open bool
	)
	esc := func(v string) string { return url.PathEscape(v) }
	for i, e := range r.Events {
		switch {
		case e.Introduced != "":
			if open {
				return nil, fmt.Errorf("events[%d]: introduced %q before the previous interval ends", i, e.Introduced)
			}
			open, low = true, ""
			if e.Introduced != "0" {
				low = ">=" + esc(e.Introduced)
			}
		case e.Fixed != "" || e.LastAffected != "" || e.Limit != "":
			if !open {
				return nil, fmt.Errorf("events[%d]: an end with no introduced before it", i)
			}
			up := "<" + esc(e.Fixed)
			switch {
			case e.LastAffected != "":
				up = "<=" + esc(e.LastAffected)
			case e.Limit != "":
				up = "<" + esc(e.Limit)
			}
			out = append(out, join(low, up))
			open = false
		}
	}
	if open {
		if low == "" {
			out = append(out, "*")
		} else {
			out = append(out, low)
		}
	}
	return out, nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "|" + b
}

func (w *writer) vulnerability(status productStatus, byEntry []entryProducts) (vulnerability, error) {
	d, r := w.d, w.d.Vuln
	v := vulnerability{CVE: d.CVE(), ProductStatus: status}
	for _, t := range r.Titles {
		if t.Lang == d.Lang {
			v.Title = t.Value
		}
	}
	if v.Title == "" {
		v.Title = d.Title
	}
	if d.ID != v.CVE {
		v.IDs = []vulnID{{SystemName: w.word("own", d.Publisher.Name), Text: d.ID}}
	}
	v.Notes = []note{{Category: "description", Text: d.Description()}}
	for _, n := range r.Notes {
		switch n.Category {
		case publish.NoteDetails:
			v.Notes = append(v.Notes, note{Category: "details", Title: w.word("details"), Text: n.Text})
		case publish.NoteExploit:
			v.Notes = append(v.Notes, note{Category: "details", Title: w.word("exploit"), Text: n.Text})
		case "description", "faq", "general", "legal_disclaimer", "other", "summary":
			v.Notes = append(v.Notes, note{Category: n.Category, Title: n.Title, Text: n.Text})
		default:
			v.Notes = append(v.Notes, note{Category: "other", Title: n.Title, Text: n.Text})
		}
	}
	// CSAF 2.0 holds one CWE, which must be in the catalogue (test
	// 6.1.11): the first the catalogue knows. The others, and ids such
	// as NVD's NVD-CWE-noinfo, are a note.
	var otherCWEs []string
	for _, c := range r.CWEs {
		if name, known := validator.CWEName(c.ID); known && v.CWE == nil {
			v.CWE = &cwe{ID: c.ID, Name: name}
			continue
		}
		otherCWEs = append(otherCWEs, c.ID)
	}
	if len(otherCWEs) > 0 {
		v.Notes = append(v.Notes, note{Category: "other", Title: w.word("cwes"), Text: strings.Join(otherCWEs, ", ")})
	}

	seen := map[risk.CVSSVersion]bool{}
	for i, s := range r.Severities {
		if !s.Type.IsCVSS() {
			continue
		}
		c, err := risk.ParseCVSS(s.Vector)
		if err != nil {
			return v, fmt.Errorf("vuln.severities[%d]: %w", i, err)
		}
		// One score per CVSS version and product (test 6.1.7): the first
		// of each version, which is the publisher's or the preferred
		// source's.
		if seen[c.Version] {
			continue
		}
		seen[c.Version] = true
		switch c.Version {
		case risk.CVSS30, risk.CVSS31:
			v.Scores = append(v.Scores, score{CVSSv3: &cvssV3{BaseScore: c.Base, BaseSeverity: string(c.Version.Severity(c.Base)),
				VectorString: c.Vector, Version: string(c.Version)}, Products: status.KnownAffected})
		case risk.CVSS40:
			v.Notes = append(v.Notes, note{Category: "other", Title: w.word("cvss4"),
				Text: fmt.Sprintf("%s (%.1f %s)", c.Vector, c.Base, c.Version.Severity(c.Base))})
		}
	}

	for i, a := range r.Affected {
		if len(byEntry[i].affected) == 0 {
			continue
		}
		for _, rem := range a.Remediations {
			x := remediation{Category: rem.Category, Details: rem.Details, ProductIDs: byEntry[i].affected, URL: rem.URL}
			if t, err := time.Parse(time.RFC3339, rem.Date); err == nil {
				x.Date = date(t)
			}
			if x.Details == "" {
				x.Details = rem.Category
			}
			v.Remediations = append(v.Remediations, x)
		}
	}
	for _, ref := range r.References {
		v.References = append(v.References, reference{Category: "external", Summary: strings.ToLower(cmp.Or(ref.Type, "web")), URL: ref.URL})
	}
	for _, c := range r.Credits {
		v.Acknowledgments = append(v.Acknowledgments, acknowledgment{Names: []string{c.Name},
			Summary: strings.ReplaceAll(strings.ToLower(c.Type), "_", " ")})
	}
	return v, nil
}
