package cnvd

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// lang is the language of CNVD's text. The export does not say; it is
// written in Simplified Chinese, with English product and person names.
const lang = "zh-CN"

// vulnerability is one <vulnerability> element of a weekly export. CNVD
// publishes no schema; the elements are the ones that occur in the 460
// weekly files of 2014 to 2023, all of them optional. Each is mapped or
// deliberately ignored (see doc.go); an element not listed here is skipped.
type vulnerability struct {
	// Number is the CNVD id, CNVD-YYYY-NNNNN (4 to 6 digits after the year).
	Number string `xml:"number"`
	// CVEs are the CVE ids CNVD cross-references. cveNumber is free text
	// in practice: see crossRef. cveUrl links the id at MITRE or NVD.
	CVEs []struct {
		Number string `xml:"cveNumber"`
		URL    string `xml:"cveUrl"`
	} `xml:"cves>cve"`
	// BIDs are SecurityFocus BugTraq ids, with an optional link.
	BIDs []struct {
		Number string `xml:"bidNumber"`
		URL    string `xml:"bidUrl"`
	} `xml:"bids>bid"`
	Title string `xml:"title"`
	// Severity is 高, 中 or 低; the element name is CNVD's spelling.
	Severity string   `xml:"serverity"`
	Products []string `xml:"products>product"`
	// IsEvent is the kind of vulnerability: 通用软硬件漏洞 (in a product)
	// or 事件型漏洞 (an "incident" vulnerability in one organisation's
	// deployed system), despite its yes/no name.
	IsEvent string `xml:"isEvent"`
	// SubmitTime is when the report reached CNVD (YYYY-MM-DD); ignored.
	SubmitTime string `xml:"submitTime"`
	// OpenTime is when CNVD published the entry (YYYY-MM-DD).
	OpenTime string `xml:"openTime"`
	// ReferenceLink is free text, usually URLs one per line.
	ReferenceLink    string `xml:"referenceLink"`
	FormalWay        string `xml:"formalWay"` // the official solution, free text
	Description      string `xml:"description"`
	PatchName        string `xml:"patchName"`
	PatchDescription string `xml:"patchDescription"`
	DiscovererName   string `xml:"discovererName"`
}

var numberPattern = regexp.MustCompile(`^CNVD-[0-9]{4}-[0-9]{4,6}$`)

// ratings maps CNVD's three severity words to the English ratings vmc
// compares across sources. The mapping is one to one, so the original is
// not kept beside it.
var ratings = map[string]string{
	"高": "HIGH",
	"中": "MEDIUM",
	"低": "LOW",
}

// placeholders are what CNVD's editors write as discoverer when there is
// none, in all the spellings of the 460 weekly files; compared in lower
// case. "Anonymous" is a statement about the finder and is kept.
var placeholders = []string{"unknown", "unknwon", "unknow", "unkown"}

// label names the entry in errors: its number when well formed, else its
// position in the document.
func (v *vulnerability) label(pos string) string {
	if id := clean(v.Number); numberPattern.MatchString(id) {
		return id
	}
	return pos
}

// record checks the entry and maps it to an advisory record.
func (v *vulnerability) record(pos string) (advisory.Record, error) {
	label := v.label(pos)
	id := clean(v.Number)
	switch {
	case id == "":
		return advisory.Record{}, feed.Errorf(label, "number", "missing")
	case !numberPattern.MatchString(id):
		return advisory.Record{}, feed.Errorf(label, "number", "malformed CNVD id %q", v.Number)
	}
	m := &mapper{rec: advisory.Record{Source: Source, ID: id}}

	if s := clean(v.OpenTime); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || len(s) != len(time.DateOnly) {
			return advisory.Record{}, feed.Errorf(label, "openTime", "not a YYYY-MM-DD date: %q", v.OpenTime)
		}
		m.rec.Published = t
	}
	if s := clean(v.Severity); s != "" {
		r, ok := ratings[s]
		if !ok {
			return advisory.Record{}, feed.Errorf(label, "serverity", "unknown rating %q, want 高, 中 or 低", v.Severity)
		}
		m.rec.Severities = []advisory.Severity{{Type: advisory.RatingCNVD, Rating: r}}
	}
	if s := clean(v.Title); s != "" {
		m.rec.Titles = []advisory.Text{{Lang: lang, Value: s}}
	}
	if s := clean(v.Description); s != "" {
		m.rec.Descriptions = []advisory.Text{{Lang: lang, Value: s}}
	}

	// referenceLink first: those are the links CNVD chose. Cross-references
	// add theirs after, where they are not already there.
	m.referenceText(v.ReferenceLink)
	for i, c := range v.CVEs {
		bid, ok := m.crossRef(c.Number)
		if !ok {
			// A malformed id with a well-formed link: CNVD-2017-06724
			// has cveNumber "CVE-2017-740" and the cveUrl of
			// CVE-2017-7409.
			if cve := cveInURL.FindString(c.URL); cve != "" {
				m.alias(cve)
				continue
			}
			return advisory.Record{}, feed.Errorf(label, fmt.Sprintf("cves.cve[%d].cveNumber", i), "not a CVE id: %q", c.Number)
		}
		if bid != "" {
			m.bugtraq(bid, "")
		}
	}
	for i, b := range v.BIDs {
		bid, ok := m.crossRef(b.Number)
		if !ok {
			return advisory.Record{}, feed.Errorf(label, fmt.Sprintf("bids.bid[%d].bidNumber", i), "not a BugTraq id: %q", b.Number)
		}
		if bid != "" {
			m.bugtraq(bid, b.URL)
		}
	}

	for _, p := range v.Products {
		m.product(p)
	}
	if s := clean(v.DiscovererName); s != "" && !slices.Contains(placeholders, strings.ToLower(s)) {
		m.rec.Credits = []advisory.Credit{{Name: s, Type: "FINDER"}}
	}

	if s := clean(v.IsEvent); s != "" {
		m.note("vulnerability_type", "", s, lang)
	}
	if s := clean(v.FormalWay); s != "" {
		m.note("remediation", "", s, lang)
	}
	switch name, desc := clean(v.PatchName), clean(v.PatchDescription); {
	case desc != "":
		m.note("patch", name, desc, lang)
	case name != "":
		m.note("patch", "", name, lang)
	}
	if m.leftover != "" {
		// The language is not stated: what is left is as often a
		// broken URL as Chinese prose.
		m.note("references", "", m.leftover, "")
	}
	return m.rec, nil
}

// mapper builds one record.
type mapper struct {
	rec advisory.Record
	// leftover is referenceLink's text when part of it is not a URL.
	leftover string
}

func (m *mapper) alias(id string) {
	if !slices.Contains(m.rec.Aliases, id) {
		m.rec.Aliases = append(m.rec.Aliases, id)
	}
}

func (m *mapper) note(category, title, text, lang string) {
	m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: category, Title: title, Text: text, Lang: lang})
}

// reference adds a link, or, when the record has it already, the new type
// (over WEB, which says nothing) and tags. Links differing only in
// http/https or a trailing slash are one link: CNVD writes one BugTraq
// entry as http://www.securityfocus.com/bid/N in one field and
// https://www.securityfocus.com/bid/N/ in another.
func (m *mapper) reference(typ, u string, tags ...string) {
	key := refKey(u)
	i := slices.IndexFunc(m.rec.References, func(r advisory.Reference) bool { return refKey(r.URL) == key })
	if i < 0 {
		m.rec.References = append(m.rec.References, advisory.Reference{Type: typ, URL: u, Tags: slices.Clone(tags)})
		return
	}
	r := &m.rec.References[i]
	if r.Type == "WEB" {
		r.Type = typ
	}
	for _, t := range tags {
		if !slices.Contains(r.Tags, t) {
			r.Tags = append(r.Tags, t)
		}
	}
}

func refKey(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
	return strings.TrimSuffix(u, "/")
}

// bugtraq links a BugTraq id: to the <bid>'s own bidUrl when it has a
// usable one, else to the SecurityFocus page, written as CNVD writes it
// in bidUrl and referenceLink. SecurityFocus is offline since 2020 but
// the URL is how NVD and CVE records cite BugTraq ids too, so it still
// joins the records that cite the same entry.
func (m *mapper) bugtraq(bid, link string) {
	if link = clean(link); !feed.IsURL(link) {
		link = "http://www.securityfocus.com/bid/" + bid
	}
	m.reference("ADVISORY", link)
}

var (
	// cveLoose finds CVE ids as CNVD's editors typed them into cveNumber:
	// several in one element, one per line ("CVE-2018-9513\nCVE-2018-9514"),
	// with spaces, en dashes or "=" for the hyphens ("CVE 2022 47501",
	// "CVE-2019–17621", "CVE-2018=0338"), with a stray character before
	// ("?CVE-2021-21067") or the C lost ("VE-2018-1000652").
	cveLoose = regexp.MustCompile(`(?i)C?VE[\s\-‐‑–—_=]*([0-9]{4})[\s\-‐‑–—_=]+([0-9]{4,19})`)
	// cveBare is a CVE id without its prefix ("2019-10354"), in a field
	// that holds nothing but CVE ids.
	cveBare = regexp.MustCompile(`^((?:19|20)[0-9]{2})-([0-9]{4,19})$`)
	// bidBare is a BugTraq id: a plain number, once with a stray slash.
	bidBare = regexp.MustCompile(`^/?([0-9]{1,9})$`)
	// edbID is an Exploit Database id as CNVD writes it: "EDB-ID: 42173".
	edbID = regexp.MustCompile(`(?i)^EDB-ID\s*[:：]?\s*([0-9]{1,9})$`)
	cweID = regexp.MustCompile(`(?i)^CWE-([0-9]{1,6})$`)
	// cveInURL finds the CVE a cveUrl links to.
	cveInURL = regexp.MustCompile(`CVE-[0-9]{4}-[0-9]{4,19}`)
)

// crossRef adds to the record what one cveNumber or bidNumber value
// names, and reports whether it recognised the value. The two fields are
// typed by hand and hold, besides the ids they are for, BugTraq ids in the
// CVE field (184 entries), CVE ids in the BugTraq field, Exploit Database
// ids, a CWE, URLs and the entry's own number; each goes where it belongs.
// A BugTraq id is returned for the caller to link, as a <bid> may carry its
// own URL.
func (m *mapper) crossRef(value string) (bid string, ok bool) {
	v := clean(value)
	switch {
	case v == "", strings.EqualFold(v, m.rec.ID):
		return "", true
	case feed.IsURL(v):
		m.reference("WEB", v)
		return "", true
	}
	if ids := looseCVEs(v); ids != nil {
		for _, id := range ids {
			m.alias(id)
		}
		return "", true
	}
	if cveBare.MatchString(v) {
		m.alias("CVE-" + v)
		return "", true
	}
	if s := bidBare.FindStringSubmatch(v); s != nil {
		return s[1], true
	}
	if s := edbID.FindStringSubmatch(v); s != nil {
		m.reference("EVIDENCE", "https://www.exploit-db.com/exploits/"+s[1])
		return "", true
	}
	if s := cweID.FindStringSubmatch(v); s != nil {
		id := "CWE-" + s[1]
		if !slices.ContainsFunc(m.rec.CWEs, func(c advisory.CWE) bool { return c.ID == id }) {
			m.rec.CWEs = append(m.rec.CWEs, advisory.CWE{ID: id})
		}
		return "", true
	}
	return "", false
}

// looseCVEs returns the CVE ids in v, written canonically, when v holds
// nothing else: no letter or digit is left once they are cut out. It
// returns nil otherwise, so that "CVE-2017-740" (three digits) or a
// sentence naming a CVE is not read as an id.
func looseCVEs(v string) []string {
	locs := cveLoose.FindAllStringSubmatchIndex(v, -1)
	if locs == nil {
		return nil
	}
	var ids []string
	var rest strings.Builder
	last := 0
	for _, l := range locs {
		rest.WriteString(v[last:l[0]])
		last = l[1]
		ids = append(ids, "CVE-"+v[l[2]:l[3]]+"-"+v[l[4]:l[5]])
	}
	rest.WriteString(v[last:])
	if strings.IndexFunc(rest.String(), isAlnum) >= 0 {
		return nil
	}
	return ids
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// referenceText adds the URLs of referenceLink as references. The field
// holds links one per line, since 2020 often labelled the way CNNVD labels
// them: "来源:GENTOO" (the source, kept as the link's tag) then
// "链接:https://..."; some start with a "参考链接：" (links) heading. But
// 511 of its lines in the weekly files are not a link: a sentence
// ("厂商尚未提供漏洞修补方案"), a URL with its scheme cut ("ttp://",
// "www.securityfocus.com/bid/94770") or broken by a space or a line
// break. When anything but links, labels and punctuation is left, the
// whole text is kept as a note, so that nothing CNVD wrote is lost.
func (m *mapper) referenceText(text string) {
	text = clean(text)
	var tag string // the last "来源" label, for the next link
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := feed.Labelled(line, "来源"); ok {
			tag = v
			continue
		}
		if v, ok := feed.Labelled(line, "参考链接"); ok && v == "" {
			continue
		}
		if v, ok := feed.Labelled(line, "链接"); ok {
			line = v
		}
		var rest strings.Builder
		last := 0
		for _, l := range feed.URLSpans(line) {
			u := feed.TrimURL(line[l[0]:l[1]])
			if !feed.IsURL(u) {
				continue
			}
			rest.WriteString(line[last:l[0]])
			last = l[0] + len(u)
			if tag != "" {
				m.reference("WEB", u, tag)
				tag = ""
			} else {
				m.reference("WEB", u)
			}
		}
		rest.WriteString(line[last:])
		if strings.IndexFunc(rest.String(), isAlnum) >= 0 {
			m.leftover = text
		}
	}
}

// corporate are the endings of a Chinese organisation's name: 公司
// (company, 有限公司 included) and 集团 (group).
var corporate = []string{"公司", "集团"}

// product adds one <product>. The text is "vendor product version" with
// no separator that can be trusted: "Palo Alto Networks PAN-OS <7.0.15"
// has a three-word vendor, "Google Chrome(for Android)  56.0.2924.87" a
// one-word one. Only a Chinese organisation name, which ends in 公司 or
// 集团 and never contains a space, is split off reliably as the vendor
// ("吉翁电子（深圳）有限公司 TOTOLINK N600R V5.3c.2043"); the text is
// kept whole either way.
func (m *mapper) product(p string) {
	p = clean(p)
	if p == "" || slices.ContainsFunc(m.rec.Affected, func(a advisory.Affected) bool { return a.Text == p }) {
		return
	}
	a := advisory.Affected{Text: p}
	if first, _, _ := strings.Cut(p, " "); slices.ContainsFunc(corporate, func(s string) bool { return strings.HasSuffix(first, s) }) {
		a.Vendor = first
	}
	m.rec.Affected = append(m.rec.Affected, a)
}

// clean trims white space and writes line breaks as "\n". CNVD writes
// them as "&#xD;\n" in some entries and "\n" in others, and an XML parser
// turns only a literal CR LF into LF, so the same text would otherwise
// come out two ways.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}
