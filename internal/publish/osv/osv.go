// Package osv writes a publish.Document as an OSV record
// (https://ossf.github.io/osv-schema/, schema 1.6), and validates what it
// writes against the OSV JSON schema, a copy of which is embedded
// (schema/README.md names its source).
//
// What goes where:
//
//   - id: the document id when it carries a prefix the OSV schema
//     registers (CVE, GHSA, ...); any other id, such as a publisher's own
//     ACME-SA-2026-0007 or a CNVD id, gets the schema's prefix for
//     unregistered databases, "x_". aliases: the CVE and the
//     vulnerability's other ids.
//   - modified: the current version's date; published: the first
//     release's (a draft has none); withdrawn: the vulnerability's.
//   - summary: the vulnerability's title. details, in CommonMark: the
//     summary, then, as the level allows, the technical details and the
//     exploitation, then what to do (the affected entries' remediations),
//     and the criticality's meaning.
//   - severity: the first CVSS v3.x and the first v4.0 vector (CVSS_V3,
//     CVSS_V4).
//   - affected: each entry as package (OSV ecosystem, name, purl), ranges
//     and versions. OSV describes packages only: entries that name no OSV
//     ecosystem (a product that is no package) are left out, and a
//     document with no package at all is refused, naming the entry.
//   - references, credits: as they are, with their OSV types.
//   - database_specific: the TLP label, the criticality and, from the
//     standard level, the CWE ids (as GHSA's records write them).
//
// The writer writes what Document.Redact leaves of the document at its
// level. Entry is the conversion; vmc's OSV API serves what it returns for
// the document publish.OfRecord makes of a vulnerability, as vmc export
// writes it.
package osv

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	feedosv "github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/risk"
)

// MediaType is an OSV record's media type.
const MediaType = "application/json"

// SchemaVersion is the OSV schema version the writer follows.
const SchemaVersion = "1.6.0"

// registered matches the id prefixes the OSV schema knows ($defs/prefix),
// besides "x_".
var registered = regexp.MustCompile(`^(ASB-A|PUB-A|ALPINE|ALSA|ALBA|ALEA|AZL|BELL|BIT|CGA|CLEANSTART|CLSA|CURL|CVE|DEBIAN|DHI|DRUPAL|DSA|DLA|ELA|DTSA|ECHO|EEF|FreeBSD|GHSA|GO|GSD|HSEC|JLSEC|KUBE|LBSEC|LSN|MAL|MINI|MGASA|OESA|OSEC|OSV|openSUSE-SU|PHSA|PSF|PYSEC|RHBA|RHEA|RHSA|RLSA|RXSA|RSEC|ROOT|RUSTSEC|SUSE-[SRFO]U|UBUNTU|USN|V8)-`)

// ID is the OSV id of a document id: itself under a registered prefix,
// else "x_" and itself.
func ID(docID string) string {
	if registered.MatchString(docID) {
		return docID
	}
	return "x_" + docID
}

// Marshal writes d as an OSV record, indented, and checks it against the
// OSV schema. It refuses, naming the field, a document Validate refuses
// or Applies finds OSV cannot express, and (as an error wrapping
// ErrSchema) output the schema rejects. What it writes is Entry's.
func Marshal(d publish.Document) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("osv: %w", err)
	}
	if err := Applies(d); err != nil {
		return nil, err
	}
	e, err := Entry(d)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return nil, fmt.Errorf("osv: %s: %w", d.ID, err)
	}
	if err := Validate(b.Bytes()); err != nil {
		return nil, fmt.Errorf("osv: %s: %w", d.ID, err)
	}
	return b.Bytes(), nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// headings are the details' section titles, in English and Chinese.
var headings = map[string][2]string{
	publish.NoteDetails: {"Technical details", "技术细节"},
	publish.NoteExploit: {"Exploitation", "漏洞利用"},
	"remediation":       {"Remediation", "修复措施"},
	"criticality":       {"Criticality: %s", "严重等级：%s"},
}

func heading(lang, key string, args ...any) string {
	i := 0
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		i = 1
	}
	s := headings[key][i]
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return "## " + s
}

// Entry is d as an OSV record: the one conversion behind Marshal (vmc
// export --format osv, one record or all of them) and vmc's OSV API, so
// that both say the same of every vulnerability. It writes what
// Document.Redact leaves at d's level and what OSV can say of it: affected
// entries that are no package in an OSV ecosystem (a product named by
// vendor and name, a CPE) and scores whose vectors do not parse are left
// out, where Marshal's Applies refuses a document with nothing else.
// The record is withdrawn when d.Vuln is.
func Entry(d publish.Document) (feedosv.Entry, error) {
	d = d.Redact()
	r := d.Vuln
	e := feedosv.Entry{SchemaVersion: SchemaVersion, ID: ID(d.ID), Modified: stamp(d.Current()), Summary: d.Title}
	if d.Status == publish.Final {
		e.Published = stamp(d.Initial())
	}
	if !r.Withdrawn.IsZero() {
		e.Withdrawn = stamp(r.Withdrawn)
	}
	for _, t := range r.Titles {
		if t.Lang == d.Lang {
			e.Summary = t.Value
		}
	}
	for _, id := range append([]string{r.ID}, r.Aliases...) {
		if id != "" && id != d.ID && !slices.Contains(e.Aliases, id) {
			e.Aliases = append(e.Aliases, id)
		}
	}
	e.Related = slices.Clone(r.Related)

	parts := []string{d.Description()}
	for _, c := range []string{publish.NoteDetails, publish.NoteExploit} {
		if t := d.Note(c); t != "" {
			parts = append(parts, heading(d.Lang, c)+"\n\n"+t)
		}
	}
	var fixes []string
	for _, a := range r.Affected {
		for _, rem := range a.Remediations {
			if rem.Details != "" && !slices.Contains(fixes, "- "+rem.Details) {
				fixes = append(fixes, "- "+rem.Details)
			}
		}
	}
	if len(fixes) > 0 {
		parts = append(parts, heading(d.Lang, "remediation")+"\n\n"+strings.Join(fixes, "\n"))
	}
	if d.Criticality != "" && d.CriticalityNote != "" {
		parts = append(parts, heading(d.Lang, "criticality", d.Criticality)+"\n\n"+d.CriticalityNote)
	}
	e.Details = strings.Join(parts, "\n\n")

	describe(&e, r)

	ds := map[string]any{"tlp": d.TLP}
	if d.Criticality != "" {
		// Not "severity": GHSA's records use that key for their own
		// rating scale, and readers (feed/osv) take it for one.
		ds["criticality"] = d.Criticality
	}
	var cwes []string
	for _, c := range r.CWEs {
		cwes = append(cwes, c.ID)
	}
	if len(cwes) > 0 {
		ds["cwe_ids"] = cwes
	}
	b, err := json.Marshal(ds)
	if err != nil {
		return e, err
	}
	e.DatabaseSpecific = b
	return e, nil
}

// describe fills in what a record says the same way whoever publishes
// it: its CVSS vectors, affected packages, references and credits. What
// OSV cannot say is left out: affected entries that name nothing or no
// package in an OSV ecosystem, vectors that do not parse.
func describe(e *feedosv.Entry, r advisory.Record) {
	seen := map[string]bool{}
	for _, s := range r.Severities {
		if !s.Type.IsCVSS() {
			continue
		}
		c, err := risk.ParseCVSS(s.Vector)
		if err != nil {
			continue
		}
		var typ string
		switch c.Version {
		case risk.CVSS30, risk.CVSS31:
			typ = "CVSS_V3"
		case risk.CVSS40:
			typ = "CVSS_V4"
		default:
			continue
		}
		if !seen[typ] {
			seen[typ] = true
			e.Severity = append(e.Severity, feedosv.Severity{Type: typ, Score: c.Vector})
		}
	}

	for _, a := range r.Affected {
		if x, err := affected(a); err == nil && publish.Named(a) {
			e.Affected = append(e.Affected, x)
		}
	}
	for _, ref := range r.References {
		e.References = append(e.References, feedosv.Reference{Type: cmp.Or(ref.Type, "WEB"), URL: ref.URL})
	}
	for _, c := range r.Credits {
		e.Credits = append(e.Credits, feedosv.Credit{Name: c.Name, Contact: slices.Clone(c.Contact), Type: c.Type})
	}
}

// Applies reports whether OSV can express d, and if not why: an affected
// entry must not name an ecosystem OSV does not know, its CVSS vectors
// must parse, and at least one entry must be a package in an OSV
// ecosystem (OSV describes packages only). Products that are no package
// beside such a package are left out of what Entry writes; CSAF carries
// them. It is what Marshal checks first, without writing anything.
func Applies(d publish.Document) error {
	var first error
	packages := 0
	for i, a := range d.Vuln.Affected {
		if !publish.Named(a) {
			continue
		}
		_, _, err := pkg(a)
		switch {
		case errors.Is(err, errEcosystem):
			return fmt.Errorf("osv: %s: vuln.affected[%d]: %w", d.ID, i, err)
		case err != nil && first == nil:
			first = fmt.Errorf("osv: %s: vuln.affected[%d]: %w", d.ID, i, err)
		case err == nil:
			packages++
		}
	}
	if packages == 0 && first != nil {
		return first
	}
	for i, s := range d.Vuln.Severities {
		if _, err := risk.ParseCVSS(s.Vector); s.Type.IsCVSS() && err != nil {
			return fmt.Errorf("osv: %s: vuln.severities[%d]: %w", d.ID, i, publish.Invalid(err))
		}
	}
	return nil
}

// errEcosystem marks an entry whose ecosystem OSV does not know.
var errEcosystem = errors.New("ecosystem")

// Package is an affected entry's OSV ecosystem and package name, or why
// the entry is no package in an OSV ecosystem.
func Package(a advisory.Affected) (eco, name string, err error) { return pkg(a) }

// pkg is an affected entry's OSV ecosystem and package name.
func pkg(a advisory.Affected) (eco, name string, err error) {
	eco, name = a.Ecosystem, a.Package
	if eco == "" && a.PURL != "" {
		if eco, name, _, err = ecosystem.FromPURL(a.PURL); err != nil {
			return "", "", err
		}
	}
	if eco == "" || name == "" {
		return "", "", fmt.Errorf("%w: %q is no package in an OSV ecosystem: OSV describes packages only", publish.ErrInvalid, cmp.Or(a.Product, a.PURL))
	}
	if eco, err = ecosystem.Normalize(eco); err != nil {
		return "", "", fmt.Errorf("%w: %w: %w", publish.ErrInvalid, errEcosystem, err)
	}
	return eco, name, nil
}

func affected(a advisory.Affected) (feedosv.Affected, error) {
	eco, name, err := pkg(a)
	if err != nil {
		return feedosv.Affected{}, err
	}
	x := feedosv.Affected{Package: &feedosv.Package{Ecosystem: eco, Name: name, PURL: a.PURL}, Versions: slices.Clone(a.Versions)}
	for _, r := range a.Ranges {
		y := feedosv.Range{Type: string(r.Type), Repo: r.Repo}
		for _, ev := range r.Events {
			y.Events = append(y.Events, feedosv.Event{Introduced: ev.Introduced, Fixed: ev.Fixed, LastAffected: ev.LastAffected, Limit: ev.Limit})
		}
		x.Ranges = append(x.Ranges, y)
	}
	return x, nil
}
