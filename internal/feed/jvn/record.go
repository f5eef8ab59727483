package jvn

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

var (
	// jvndbID is JVN iPedia's id: JVNDB-, the year, and a six-digit
	// number, allowed to grow.
	jvndbID = regexp.MustCompile(`^JVNDB-[0-9]{4}-[0-9]{6,}$`)
	// cveID is a CVE id as CVE's JSON schema defines it. Only ids of
	// exactly this shape become aliases: a related document's "id" can be
	// a title such as "CVE-2022-25026 & CVE-2022-25027: Vulnerabilities
	// in ...", which names CVEs that are not this advisory's.
	cveID = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)
	// cweID is a CWE id as JVN writes it: CWE-79, or its own CWE-noinfo
	// (not enough information) and CWE-Other (no fitting CWE), which play
	// the part of NVD's NVD-CWE-noinfo and NVD-CWE-Other.
	cweID = regexp.MustCompile(`^CWE-([0-9]{1,9}|[A-Za-z]{1,32})$`)
)

// cvssTypes maps JVN's CVSS version attribute to the scoring system.
var cvssTypes = map[string]advisory.SeverityType{
	"2.0": advisory.CVSSv2,
	"3.0": advisory.CVSSv30,
	"3.1": advisory.CVSSv31,
	"4.0": advisory.CVSSv40,
}

// relatedDocuments is the label JVN gives links to third-party write-ups
// (関連文書, "related documents"): blog posts, commits, issue trackers.
// They are the only links not typed ADVISORY.
const relatedDocuments = "関連文書"

// itemRecord maps an RSS item, the n-th of its document, to a record.
func itemRecord(n int, it *Item, lang string) (advisory.Record, error) {
	id, err := recordID(n, "sec:identifier", it.Identifier)
	if err != nil {
		return advisory.Record{}, err
	}
	b := newBuilder(id)
	rec := &b.rec
	if rec.Published, err = parseTime(id, "dcterms:issued", it.Issued); err != nil {
		return advisory.Record{}, err
	}
	if rec.Modified, err = parseTime(id, "dcterms:modified", it.Modified); err != nil {
		return advisory.Record{}, err
	}
	rec.Titles = texts(lang, it.Title)
	rec.Descriptions = texts(lang, it.Description)
	for _, ref := range it.References {
		refID := strings.TrimSpace(ref.ID)
		if cweID.MatchString(refID) {
			// The title is the CWE's name with the id in parentheses,
			// "不適切な入力確認(CWE-20)"; the detail feed has the bare name,
			// and both should say the same.
			name := strings.TrimSpace(ref.Title)
			name = strings.TrimSpace(strings.TrimSuffix(name, "("+refID+")"))
			b.cwe(refID, name)
			continue
		}
		b.alias(refID)
		label := strings.TrimSpace(ref.Source)
		b.reference(ref.Text, label != "" && label != relatedDocuments, label)
	}
	for _, c := range it.CPEs {
		b.affected(c.Vendor, c.Product, c.Text, nil)
	}
	for i, c := range it.CVSS {
		path := fmt.Sprintf("sec:cvss[%d]", i)
		sev, ok, err := severity(id, cvss{
			version: c.Version, score: c.Score, typ: c.Type, rating: c.Severity, vector: c.Vector,
			versionField: path + ".version", scoreField: path + ".score", vectorField: path + ".vector",
		})
		if err != nil {
			return advisory.Record{}, err
		}
		if ok {
			rec.Severities = append(rec.Severities, sev)
		}
	}
	return *rec, nil
}

// vulinfoRecord maps a detail feed's entry, the n-th of its document, to a
// record. It says everything itemRecord says about the same advisory, and
// more: versions, impact and solution, vendor links.
func vulinfoRecord(n int, v *Vulinfo, lang string) (advisory.Record, error) {
	id, err := recordID(n, "VulinfoID", v.VulinfoID)
	if err != nil {
		return advisory.Record{}, err
	}
	data := &v.VulinfoData
	b := newBuilder(id)
	rec := &b.rec
	if rec.Published, err = parseTime(id, "VulinfoData.DateFirstPublished", data.DateFirstPublished); err != nil {
		return advisory.Record{}, err
	}
	if rec.Modified, err = parseTime(id, "VulinfoData.DateLastUpdated", data.DateLastUpdated); err != nil {
		return advisory.Record{}, err
	}
	rec.Titles = texts(lang, data.Title)
	rec.Descriptions = texts(lang, data.VulinfoDescription.Overview)
	for i, r := range data.Related.RelatedItem {
		refID, typ := strings.TrimSpace(r.VulinfoID), strings.TrimSpace(r.Type)
		if typ == "cwe" {
			if !cweID.MatchString(refID) {
				return advisory.Record{}, feed.Errorf(id, fmt.Sprintf("VulinfoData.Related.RelatedItem[%d].VulinfoID", i),
					"not a CWE id: %q", truncate(refID, 40))
			}
			b.cwe(refID, strings.TrimSpace(r.Title))
			continue
		}
		b.alias(refID)
		label := strings.TrimSpace(r.Name)
		b.reference(r.URL, (typ == "vendor" || typ == "advisory") && label != relatedDocuments, label)
	}
	for _, a := range data.Affected.AffectedItem {
		var cpe string
		if a.Cpe != nil {
			cpe = a.Cpe.Text
		}
		b.affected(a.Name, a.ProductName, cpe, a.VersionNumber)
	}
	for i, c := range data.Impact.Cvss {
		path := fmt.Sprintf("VulinfoData.Impact.Cvss[%d]", i)
		sev, ok, err := severity(id, cvss{
			version: c.Version, score: c.Base, typ: c.Severity.Type, rating: c.Severity.Text, vector: c.Vector,
			versionField: path + ".version", scoreField: path + ".Base", vectorField: path + ".Vector",
		})
		if err != nil {
			return advisory.Record{}, err
		}
		if ok {
			rec.Severities = append(rec.Severities, sev)
		}
	}
	for _, note := range []struct{ category, text string }{
		{"impact", data.Impact.ImpactItem.Description},
		{"solution", data.Solution.SolutionItem.Description},
	} {
		if t := clean(note.text); t != "" {
			rec.Notes = append(rec.Notes, advisory.Note{Category: note.category, Text: t, Lang: lang})
		}
	}
	return *rec, nil
}

// recordID checks an item's JVNDB id. Until it is known, the item is
// named by its position.
func recordID(n int, field, raw string) (string, error) {
	id := strings.TrimSpace(raw)
	switch {
	case id == "":
		return "", feed.Errorf(fmt.Sprintf("#%d", n), field, "missing")
	case !jvndbID.MatchString(id):
		return "", feed.Errorf(fmt.Sprintf("#%d", n), field, "not a JVNDB id: %q", truncate(id, 40))
	}
	return id, nil
}

// timeLayouts are the forms JVN writes times in: RFC 3339 in the detail
// feed and the RSS channel, minutes only in RSS items
// ("2023-01-05T12:02+09:00").
var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04Z07:00"}

// parseTime reads a time, returned in UTC as the other feeds' are. An
// empty value is no claim.
func parseTime(id, field, raw string) (time.Time, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		// "0000-01-01T00:00+09:00" is year -1 in UTC, which JSON
		// cannot carry.
		if u := t.UTC(); u.Year() >= 1 && u.Year() <= 9999 {
			return u, nil
		}
		break
	}
	return time.Time{}, feed.Errorf(id, field, "invalid time %q", truncate(s, 40))
}

// clean tidies text for a record: JVN's "\r\n" line ends (written as
// "&#13;\n") become "\n", and surrounding white space goes.
func clean(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// texts is the one-element Text list for s, or nil when s is empty.
func texts(lang, s string) []advisory.Text {
	if s = clean(s); s == "" {
		return nil
	}
	return []advisory.Text{{Lang: lang, Value: s}}
}

// builder assembles a record, keeping each alias, CWE and link once. It
// remembers what it added in sets rather than searching the lists, since a
// hostile 16 MiB item can hold a hundred thousand references.
type builder struct {
	rec  advisory.Record
	seen map[string]bool // "alias ", "cwe " and "url " followed by the value
}

func newBuilder(id string) *builder {
	return &builder{rec: advisory.Record{Source: Source, ID: id}, seen: map[string]bool{}}
}

// once reports whether key is new, and remembers it.
func (b *builder) once(key string) bool {
	if b.seen[key] {
		return false
	}
	b.seen[key] = true
	return true
}

// alias adds id to the aliases if it is a CVE id not yet there.
func (b *builder) alias(id string) {
	if cveID.MatchString(id) && b.once("alias "+id) {
		b.rec.Aliases = append(b.rec.Aliases, id)
	}
}

// cwe adds a CWE once; a repeated id keeps its first name.
func (b *builder) cwe(id, name string) {
	if b.once("cwe " + id) {
		b.rec.CWEs = append(b.rec.CWEs, advisory.CWE{ID: id, Description: name})
	}
}

// reference adds a link once per URL, typed ADVISORY when it is an
// entry of a named publisher (JVN, CVE, NVD, CERT/CC, JPCERT, a vendor)
// and WEB for related documents, and tagged with JVN's label for it
// (trimmed; the RSS source attribute or the detail feed's Name). A
// reference without a URL links nothing and is dropped.
func (b *builder) reference(url string, advisoryLink bool, label string) {
	url = strings.TrimSpace(url)
	if url == "" || !b.once("url "+url) {
		return
	}
	ref := advisory.Reference{Type: "WEB", URL: url}
	if advisoryLink {
		ref.Type = "ADVISORY"
	}
	if label != "" {
		ref.Tags = []string{label}
	}
	b.rec.References = append(b.rec.References, ref)
}

// affected adds a product. JVN's CPEs are CPE 2.2 URIs
// ("cpe:/a:apache:log4j") and are kept so. Versions are JVN's free-text
// version descriptions, which go to Text, one per line, since they are
// not versions a matcher could compare.
func (b *builder) affected(vendor, product, cpe string, versions []string) {
	a := advisory.Affected{Vendor: strings.TrimSpace(vendor), Product: strings.TrimSpace(product)}
	if cpe = strings.TrimSpace(cpe); cpe != "" {
		a.CPEs = []string{cpe}
	}
	var lines []string
	for _, v := range versions {
		if v = clean(v); v != "" {
			lines = append(lines, v)
		}
	}
	a.Text = strings.Join(lines, "\n")
	if a.Vendor == "" && a.Product == "" && a.CPEs == nil && a.Text == "" {
		return
	}
	b.rec.Affected = append(b.rec.Affected, a)
}

// cvss is one CVSS element of either feed, with the paths its errors name.
type cvss struct {
	version, score, typ, rating, vector   string
	versionField, scoreField, vectorField string
}

// severity maps a CVSS element. Only base scores are kept (ok is false
// for a temporal or environmental one): a record has one severity per
// scoring system and provider, and JVN publishes base scores only.
func severity(id string, c cvss) (sev advisory.Severity, ok bool, err error) {
	if t := strings.TrimSpace(c.typ); t != "" && t != "Base" {
		return advisory.Severity{}, false, nil
	}
	version := strings.TrimSpace(c.version)
	typ, known := cvssTypes[version]
	if !known {
		return advisory.Severity{}, false, feed.Errorf(id, c.versionField, "unknown CVSS version %q", truncate(version, 20))
	}
	sev = advisory.Severity{Type: typ, Provider: "JVN", Rating: strings.TrimSpace(c.rating)}

	sev.Vector = strings.TrimSpace(c.vector)
	switch prefix, _, _ := strings.Cut(sev.Vector, "/"); {
	case sev.Vector == "":
		return advisory.Severity{}, false, feed.Errorf(id, c.vectorField, "missing")
	case typ == advisory.CVSSv2 && strings.HasPrefix(prefix, "CVSS:"),
		typ != advisory.CVSSv2 && prefix != "CVSS:"+version:
		// The type comes from the version attribute; a vector of
		// another version means one of the two is wrong, and
		// guessing which would misscore the record.
		return advisory.Severity{}, false, feed.Errorf(id, c.vectorField, "vector %q does not match CVSS version %s", truncate(sev.Vector, 80), version)
	}

	if s := strings.TrimSpace(c.score); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > 10 {
			return advisory.Severity{}, false, feed.Errorf(id, c.scoreField, "invalid score %q", truncate(s, 20))
		}
		sev.Score = f
	}
	return sev, true, nil
}
