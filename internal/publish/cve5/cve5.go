// Package cve5 writes a publish.Document as the CNA container of a CVE
// record, CVE JSON 5.1 (definition cnaPublishedContainer of
// https://github.com/CVEProject/cve-schema, 5.1.1): what a CNA submits
// through CVE Services (POST /cve/{id}/cna, or cvelib's
// "cve publish CVE-ID -f container.json"). It validates what it writes
// against the container's schema, a copy of which is embedded
// (schema/README.md names its source).
//
// A CVE record needs what a document may lack; Marshal refuses, naming
// the field, a document without a CVE id, without a description in
// English (the schema requires one), or whose publisher has no CNA
// organisation id.
//
// What goes where:
//
//   - providerMetadata: the publisher's CNA org id and short name.
//     datePublic: the first release (a draft has none). title: the
//     vulnerability's.
//   - descriptions: the summary and, from the standard level, the
//     technical details, in the document's language. exploits: the
//     exploitation, at the full level.
//   - affected: per entry, the package (collectionURL and packageName,
//     for the registries CVE records name) and the vendor and product;
//     versions as CVE's version ranges (introduced..fixed as version and
//     lessThan, last_affected as lessThanOrEqual, an open end as "*"),
//     listed versions one by one, everything else unaffected.
//   - metrics: the first CVSS v3.0, v3.1 and v4.0 vector, scored.
//     problemTypes: the CWEs, with the catalogue's names.
//   - solutions and workarounds: the entries' remediations (vendor_fix,
//     none_available, no_fix_planned; workaround, mitigation).
//   - references: the document's canonical CSAF address, when the
//     publisher has one, and the references, tagged from their OSV types.
//   - credits: as they are. source.advisory: the document id.
package cve5

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/package-url/packageurl-go"

	"github.com/vmc-dev/vmc/internal/advisory"
	validator "github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/csaf"
	"github.com/vmc-dev/vmc/internal/risk"
)

// MediaType is a CVE JSON 5 container's media type.
const MediaType = "application/json"

// The CNA published container schema of CVE JSON 5.1.1, an unmodified
// copy; schema/README.md names its source.
//
//go:embed schema/CVE_JSON_cnaPublishedContainer_5.1.1.json
var schema []byte

// Validate checks a CNA container against the cnaPublishedContainer
// schema of CVE JSON 5.1.1. The error wraps publish.ErrSchema.
var Validate = publish.SchemaCheck("https://cveproject.github.io/cve-schema/cnaPublishedContainer-5.1.1.json", schema)

// container is cnaPublishedContainer.
type container struct {
	ProviderMetadata providerMetadata `json:"providerMetadata"`
	DatePublic       string           `json:"datePublic,omitempty"`
	Title            string           `json:"title,omitempty"`
	Descriptions     []text           `json:"descriptions"`
	Affected         []product        `json:"affected"`
	ProblemTypes     []problemType    `json:"problemTypes,omitempty"`
	Metrics          []metric         `json:"metrics,omitempty"`
	Solutions        []text           `json:"solutions,omitempty"`
	Workarounds      []text           `json:"workarounds,omitempty"`
	Exploits         []text           `json:"exploits,omitempty"`
	References       []reference      `json:"references"`
	Credits          []credit         `json:"credits,omitempty"`
	Source           source           `json:"source"`
	Generator        generator        `json:"x_generator"`
}

type providerMetadata struct {
	OrgID     string `json:"orgId"`
	ShortName string `json:"shortName,omitempty"`
}

type text struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type product struct {
	Vendor        string    `json:"vendor,omitempty"`
	Product       string    `json:"product,omitempty"`
	CollectionURL string    `json:"collectionURL,omitempty"`
	PackageName   string    `json:"packageName,omitempty"`
	Repo          string    `json:"repo,omitempty"`
	CPEs          []string  `json:"cpes,omitempty"`
	DefaultStatus string    `json:"defaultStatus"`
	Versions      []version `json:"versions,omitempty"`
}

type version struct {
	Version         string `json:"version"`
	Status          string `json:"status"`
	VersionType     string `json:"versionType,omitempty"`
	LessThan        string `json:"lessThan,omitempty"`
	LessThanOrEqual string `json:"lessThanOrEqual,omitempty"`
}

type problemType struct {
	Descriptions []problem `json:"descriptions"`
}

type problem struct {
	CWEID       string `json:"cweId,omitempty"`
	Description string `json:"description"`
	Lang        string `json:"lang"`
	Type        string `json:"type"`
}

type metric struct {
	Format    string `json:"format"`
	Scenarios []text `json:"scenarios"`
	CVSSv30   *cvss  `json:"cvssV3_0,omitempty"`
	CVSSv31   *cvss  `json:"cvssV3_1,omitempty"`
	CVSSv40   *cvss  `json:"cvssV4_0,omitempty"`
}

type cvss struct {
	Version      string  `json:"version"`
	VectorString string  `json:"vectorString"`
	BaseScore    float64 `json:"baseScore"`
	BaseSeverity string  `json:"baseSeverity"`
}

type reference struct {
	URL  string   `json:"url"`
	Tags []string `json:"tags,omitempty"`
}

type credit struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

type source struct {
	Advisory string `json:"advisory"`
}

type generator struct {
	Engine string `json:"engine"`
}

var cweID = regexp.MustCompile(`^CWE-[1-9][0-9]*$`)

var englishRE = regexp.MustCompile(`^en([_-][A-Za-z]{4})?([_-]([A-Za-z]{2}|[0-9]{3}))?$`)

// Marshal writes d as a CNA container, indented, and checks it against
// the schema.
func Marshal(d publish.Document) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("cve5: %w", err)
	}
	if err := Applies(d); err != nil {
		return nil, err
	}
	d = d.Redact()
	c, err := build(d)
	if err != nil {
		return nil, fmt.Errorf("cve5: %s: %w", d.ID, publish.Invalid(err))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("cve5: %s: %w", d.ID, err)
	}
	if err := Validate(b.Bytes()); err != nil {
		return nil, fmt.Errorf("cve5: %s: %w", d.ID, err)
	}
	return b.Bytes(), nil
}

// Applies reports whether a CVE record can be made of d, and if not why:
// it needs a CVE id, its description in English, a CNA publisher and a
// reference (its own CSAF address will do). It is what Marshal checks
// first, without writing anything.
func Applies(d publish.Document) error {
	d = d.Redact()
	var err error
	switch {
	case d.CVE() == "":
		err = fmt.Errorf("%w: vuln.aliases: no CVE id: a CVE record is about a CVE", publish.ErrInvalid)
	case !englishRE.MatchString(d.Lang):
		err = fmt.Errorf("%w: lang: %q: a CVE record needs its description in English", publish.ErrInvalid, d.Lang)
	case d.Publisher.CNAOrgID == "":
		err = fmt.Errorf("%w: publisher.cna_org_id: empty: the CNA's organisation id (a UUID) is needed", publish.ErrInvalid)
	case len(d.Vuln.References) == 0 && d.Publisher.CSAFBase == "":
		err = fmt.Errorf("%w: vuln.references: none: a CVE record needs at least one (or a publisher.csaf_base for the advisory's own)", publish.ErrInvalid)
	case utf8.RuneCountInString(title(d)) > 256:
		err = fmt.Errorf("%w: title: longer than 256 characters, a CVE record's limit", publish.ErrInvalid)
	case utf8.RuneCountInString(description(d)) > maxText || utf8.RuneCountInString(d.Note(publish.NoteExploit)) > maxText:
		err = fmt.Errorf("%w: vuln: the description (summary and details) or the exploitation is longer than %d characters, a CVE record's limit", publish.ErrInvalid, maxText)
	}
	if err != nil {
		return fmt.Errorf("cve5: %s: %w", d.ID, err)
	}
	return nil
}

func build(d publish.Document) (container, error) {
	r := d.Vuln
	c := container{
		ProviderMetadata: providerMetadata{OrgID: d.Publisher.CNAOrgID, ShortName: d.Publisher.CNAShortName},
		Source:           source{Advisory: d.ID},
		Generator:        generator{Engine: strings.TrimSpace("vmc " + d.Generator)},
	}
	if d.Status == publish.Final {
		c.DatePublic = d.Initial().UTC().Format(time.RFC3339)
	}
	c.Title = title(d)
	c.Descriptions = []text{{Lang: d.Lang, Value: description(d)}}
	if t := d.Note(publish.NoteExploit); t != "" {
		c.Exploits = []text{{Lang: d.Lang, Value: t}}
	}

	for i, a := range r.Affected {
		if !publish.Named(a) {
			continue
		}
		p, err := affected(a, d.Publisher.Name)
		if err != nil {
			return c, fmt.Errorf("vuln.affected[%d]: %w", i, err)
		}
		c.Affected = append(c.Affected, p)
		for _, rem := range a.Remediations {
			t := text{Lang: d.Lang, Value: cmp.Or(rem.Details, rem.Category)}
			switch rem.Category {
			case "workaround", "mitigation":
				if !slices.Contains(c.Workarounds, t) {
					c.Workarounds = append(c.Workarounds, t)
				}
			default:
				if !slices.Contains(c.Solutions, t) {
					c.Solutions = append(c.Solutions, t)
				}
			}
		}
	}

	for _, w := range r.CWEs {
		// Only a CWE id goes in cweId (^CWE-[1-9][0-9]*$); others, such
		// as NVD's NVD-CWE-noinfo, are text.
		p := problem{Description: w.ID, Lang: "en", Type: "text"}
		if cweID.MatchString(w.ID) {
			p.CWEID, p.Type = w.ID, "CWE"
			if name, ok := validator.CWEName(w.ID); ok {
				p.Description += " " + name
			}
		}
		c.ProblemTypes = append(c.ProblemTypes, problemType{Descriptions: []problem{p}})
	}

	seen := map[risk.CVSSVersion]bool{}
	for i, s := range r.Severities {
		if !s.Type.IsCVSS() {
			continue
		}
		v, err := risk.ParseCVSS(s.Vector)
		if err != nil {
			return c, fmt.Errorf("vuln.severities[%d]: %w", i, err)
		}
		if seen[v.Version] {
			continue
		}
		seen[v.Version] = true
		m := metric{Format: "CVSS", Scenarios: []text{{Lang: "en", Value: "GENERAL"}}}
		score := &cvss{Version: string(v.Version), VectorString: v.Vector, BaseScore: v.Base, BaseSeverity: string(v.Version.Severity(v.Base))}
		switch v.Version {
		case risk.CVSS30:
			m.CVSSv30 = score
		case risk.CVSS31:
			m.CVSSv31 = score
		case risk.CVSS40:
			m.CVSSv40 = score
		default:
			continue
		}
		c.Metrics = append(c.Metrics, m)
	}

	if d.Publisher.CSAFBase != "" {
		c.References = append(c.References, reference{URL: strings.TrimSuffix(d.Publisher.CSAFBase, "/") + "/" + csaf.FileName(d.ID), Tags: []string{"vendor-advisory"}})
	}
	for _, ref := range r.References {
		x := reference{URL: ref.URL}
		if t, ok := tags[ref.Type]; ok {
			x.Tags = []string{t}
		}
		if !slices.ContainsFunc(c.References, func(y reference) bool { return y.URL == x.URL }) {
			c.References = append(c.References, x)
		}
	}
	for _, cr := range r.Credits {
		c.Credits = append(c.Credits, credit{Lang: d.Lang, Value: cr.Name, Type: strings.ReplaceAll(strings.ToLower(cr.Type), "_", " ")})
	}
	return c, nil
}

// maxText is the length limit of CVE JSON 5's texts (definition
// "description": 4096 characters).
const maxText = 4096

// title is the vulnerability's title in the document's language, else
// the document's.
func title(d publish.Document) string {
	for _, t := range d.Vuln.Titles {
		if t.Lang == d.Lang {
			return t.Value
		}
	}
	return d.Title
}

// description is the summary and, when the level publishes them, the
// technical details.
func description(d publish.Document) string {
	desc := d.Description()
	if t := d.Note(publish.NoteDetails); t != "" {
		desc += "\n\n" + t
	}
	return desc
}

// tags are the CVE reference tags of OSV reference types.
var tags = map[string]string{
	"ADVISORY":   "vendor-advisory",
	"ARTICLE":    "technical-description",
	"DETECTION":  "signature",
	"DISCUSSION": "mailing-list",
	"EVIDENCE":   "exploit",
	"FIX":        "patch",
	"PACKAGE":    "product",
	"REPORT":     "issue-tracking",
}

// collections are the package registries CVE records name, by OSV
// ecosystem: the addresses feed/cve5 reads back as these ecosystems.
var collections = map[ecosystem.Name]string{
	ecosystem.PyPI:      "https://pypi.org",
	ecosystem.NPM:       "https://registry.npmjs.org",
	ecosystem.Maven:     "https://repo.maven.apache.org/maven2",
	ecosystem.Go:        "https://pkg.go.dev",
	ecosystem.CratesIO:  "https://crates.io",
	ecosystem.Packagist: "https://packagist.org",
	ecosystem.RubyGems:  "https://rubygems.org",
	ecosystem.NuGet:     "https://nuget.org",
	ecosystem.Hackage:   "https://hackage.haskell.org",
	ecosystem.Pub:       "https://pub.dev",
	ecosystem.Hex:       "https://hex.pm",
	ecosystem.CRAN:      "https://cran.r-project.org",
}

// rangeVersionType is the CVE versionType of an ecosystem's ECOSYSTEM
// ranges: the package's purl type ("maven", "npm", "deb"), PyPI's
// "python" as CVE records write it.
func rangeVersionType(id ecosystem.ID, name, purl string) string {
	if id.Name == ecosystem.PyPI {
		return "python"
	}
	if purl == "" {
		purl, _ = ecosystem.PURL(id.String(), name, "")
	}
	if pu, err := packageurl.FromString(purl); err == nil {
		return pu.Type
	}
	return "custom"
}

func affected(a advisory.Affected, publisher string) (product, error) {
	p := product{Vendor: a.Vendor, Product: a.Product, CPEs: slices.Clone(a.CPEs), DefaultStatus: cmp.Or(a.DefaultStatus, "unaffected")}
	eco, name := a.Ecosystem, a.Package
	if eco == "" && a.PURL != "" {
		var err error
		if eco, name, _, err = ecosystem.FromPURL(a.PURL); err != nil {
			return p, err
		}
	}
	versionType := "custom"
	if eco != "" {
		id, err := ecosystem.Parse(eco)
		if err != nil {
			return p, fmt.Errorf("ecosystem: %w", err)
		}
		if u, ok := collections[id.Name]; ok {
			p.CollectionURL, p.PackageName = u, name
		}
		versionType = rangeVersionType(id, name, a.PURL)
	}
	if p.CollectionURL == "" && (p.Vendor == "" || p.Product == "") {
		p.Vendor, p.Product = cmp.Or(p.Vendor, publisher), cmp.Or(p.Product, name)
	}
	for _, v := range a.Versions {
		p.Versions = append(p.Versions, version{Version: v, Status: "affected"})
	}
	for j, r := range a.Ranges {
		vt := versionType
		switch r.Type {
		case advisory.RangeSemver:
			vt = "semver"
		case advisory.RangeGit:
			vt, p.Repo = "git", r.Repo
		}
		var open *version
		for k, e := range r.Events {
			switch {
			case e.Introduced != "":
				if open != nil {
					return p, fmt.Errorf("ranges[%d].events[%d]: introduced %q before the previous interval ends", j, k, e.Introduced)
				}
				open = &version{Version: e.Introduced, Status: "affected", VersionType: vt}
			case open == nil:
				return p, fmt.Errorf("ranges[%d].events[%d]: an end with no introduced before it", j, k)
			case e.LastAffected != "":
				open.LessThanOrEqual = e.LastAffected
			default:
				open.LessThan = cmp.Or(e.Fixed, e.Limit)
			}
			if open != nil && (open.LessThan != "" || open.LessThanOrEqual != "") {
				p.Versions = append(p.Versions, *open)
				open = nil
			}
		}
		if open != nil {
			open.LessThanOrEqual = "*"
			p.Versions = append(p.Versions, *open)
		}
	}
	return p, nil
}
