package cnnvd

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

// lang is the language of CNNVD's text, which the API does not state.
const lang = "zh-CN"

// vul is one vulnerability as the CNNVD web API (https://www.cnnvd.org.cn)
// returns it: an element of data.records from the list endpoint
// web/homePage/cnnvdVulList, or data.cnnvdDetail from the detail endpoint
// web/cnnvdVul/getCnnnvdDetailOnDatasource. CNNVD documents neither; the
// fields are those of the responses in testdata and of the Go types of
// github.com/y4ney/cnnvd-list-update (cnnvd/api/vul_list.go Record,
// vul_detail.go CNNVDDetail), which fetched them. The list's fields are a
// subset of the detail's, except typeName. Fields not named here are
// ignored (see doc.go).
type vul struct {
	VulName string `json:"vulName"` // the title
	// CNNVDCode is the id: CNNVD-YYYYMM-NNN, the sequence 3 digits
	// before 2011 and 4 since (CNNVD-198801-001, CNNVD-202212-2756).
	CNNVDCode string `json:"cnnvdCode"`
	CVECode   string `json:"cveCode"`
	// HazardLevel is a dictValue of the hazard_level dictionary, 1 to 4;
	// 0 or absent is no rating.
	HazardLevel int `json:"hazardLevel"`
	// PublishTime and UpdateTime are Beijing wall-clock times without a
	// zone: "1988-10-01" in a list entry, "2022-12-08 00:00:00" in a
	// detail.
	PublishTime string `json:"publishTime"`
	UpdateTime  string `json:"updateTime"`
	// TypeName is the list's label of the vulnerability type ("其他").
	TypeName string `json:"typeName"`
	// VulType is the detail's type label ("日志信息泄露"); in a list entry
	// it is "0", a selector the detail request takes, not a type.
	VulType         string `json:"vulType"`
	VulTypeName     string `json:"vulTypeName"`
	VulDesc         string `json:"vulDesc"`
	AffectedVendor  string `json:"affectedVendor"`
	AffectedProduct string `json:"affectedProduct"`
	AffectedSystem  string `json:"affectedSystem"`
	// ReferURL is free text: "来源:MISC\r\n链接:https://...\r\n\r\n来源:...".
	ReferURL string `json:"referUrl"`
	// Patch is a link to, or the name of, the fix.
	Patch string `json:"patch"`
}

var (
	idPattern  = regexp.MustCompile(`^CNNVD-[0-9]{6}-[0-9]{3,6}$`)
	cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)
)

// ratings maps hazardLevel to the English ratings vmc compares across
// sources. The levels are those of CNNVD's hazard_level dictionary:
// 1 超危 (critical), 2 高危 (high), 3 中危 (medium), 4 低危 (low).
var ratings = map[int]string{
	1: "CRITICAL",
	2: "HIGH",
	3: "MEDIUM",
	4: "LOW",
}

// timeLayouts are the forms of publishTime and updateTime.
var timeLayouts = []string{time.DateOnly, time.DateTime}

// label names the vulnerability in errors: its id when well formed, else
// its position in the document.
func (v *vul) label(pos string) string {
	if id := strings.TrimSpace(v.CNNVDCode); idPattern.MatchString(id) {
		return id
	}
	return pos
}

// record checks the vulnerability and maps it. path is its JSON path in
// the document, for errors.
func (v *vul) record(label, path string) (advisory.Record, error) {
	id := strings.TrimSpace(v.CNNVDCode)
	switch {
	case id == "":
		return advisory.Record{}, feed.Errorf(label, join(path, "cnnvdCode"), "missing")
	case !idPattern.MatchString(id):
		return advisory.Record{}, feed.Errorf(label, join(path, "cnnvdCode"), "malformed CNNVD id %q", v.CNNVDCode)
	}
	m := &mapper{rec: advisory.Record{Source: Source, ID: id}}

	if cve := strings.TrimSpace(v.CVECode); cve != "" {
		if !cvePattern.MatchString(cve) {
			return advisory.Record{}, feed.Errorf(label, join(path, "cveCode"), "malformed CVE id %q", v.CVECode)
		}
		m.rec.Aliases = []string{cve}
	}
	var err error
	if m.rec.Published, err = parseTime(v.PublishTime); err != nil {
		return advisory.Record{}, feed.Errorf(label, join(path, "publishTime"), "%v", err)
	}
	if m.rec.Modified, err = parseTime(v.UpdateTime); err != nil {
		return advisory.Record{}, feed.Errorf(label, join(path, "updateTime"), "%v", err)
	}
	if v.HazardLevel != 0 {
		r, ok := ratings[v.HazardLevel]
		if !ok {
			return advisory.Record{}, feed.Errorf(label, join(path, "hazardLevel"), "unknown level %d, want 1 to 4", v.HazardLevel)
		}
		m.rec.Severities = []advisory.Severity{{Type: advisory.RatingCNNVD, Rating: r}}
	}
	if s := clean(v.VulName); s != "" {
		m.rec.Titles = []advisory.Text{{Lang: lang, Value: s}}
	}
	if s := clean(v.VulDesc); s != "" {
		m.rec.Descriptions = []advisory.Text{{Lang: lang, Value: s}}
	}
	a := advisory.Affected{
		Vendor:  clean(v.AffectedVendor),
		Product: clean(v.AffectedProduct),
		Text:    clean(v.AffectedSystem),
	}
	if a.Vendor != "" || a.Product != "" || a.Text != "" {
		m.rec.Affected = []advisory.Affected{a}
	}
	m.referenceText(v.ReferURL)
	patch := clean(v.Patch)
	if feed.IsURL(patch) {
		m.reference(patch, "patch")
	}

	if t := v.typeLabel(); t != "" {
		m.note("vulnerability_type", t, lang)
	}
	if patch != "" && !feed.IsURL(patch) {
		m.note("patch", patch, lang)
	}
	if m.leftover != "" {
		// The language is not stated: what is left is as often a
		// broken URL as Chinese prose.
		m.note("references", m.leftover, "")
	}
	return m.rec, nil
}

// typeLabel is the vulnerability type's label: the detail's vulTypeName or
// vulType, the list's typeName. A numeric vulType is the list's request
// selector, not a type.
func (v *vul) typeLabel() string {
	for _, s := range []string{v.VulTypeName, v.TypeName, v.VulType} {
		if s = clean(s); s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
			return s
		}
	}
	return ""
}

// parseTime reads a publishTime or updateTime. CNNVD gives Beijing
// wall-clock times with no zone; they are read as UTC so that the date
// stays the one CNNVD shows, and so that a list entry's "2022-12-08" and
// its detail's "2022-12-08 00:00:00" are the same time.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil && len(s) == len(l) {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a YYYY-MM-DD or YYYY-MM-DD hh:mm:ss time: %q", s)
}

// mapper builds one record.
type mapper struct {
	rec advisory.Record
	// leftover is referUrl's text when part of it is not a link.
	leftover string
}

func (m *mapper) note(category, text, lang string) {
	m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: category, Text: text, Lang: lang})
}

// reference adds a WEB link, or only its tags when the record has it
// already. Links differing only in http/https or a trailing slash are one
// link: CNNVD cites the same advisory in referUrl and patch.
func (m *mapper) reference(u string, tags ...string) {
	key := refKey(u)
	i := slices.IndexFunc(m.rec.References, func(r advisory.Reference) bool { return refKey(r.URL) == key })
	if i < 0 {
		m.rec.References = append(m.rec.References, advisory.Reference{Type: "WEB", URL: u, Tags: slices.Clone(tags)})
		return
	}
	r := &m.rec.References[i]
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

// referenceText adds the links of referUrl as references. CNNVD writes
// them in blocks, "来源:MISC" (the source, kept as the link's tag)
// then "链接:https://...", separated by blank lines. When anything but
// links, labels and punctuation is left, the whole text is kept as a note,
// so that nothing CNNVD wrote is lost.
func (m *mapper) referenceText(text string) {
	text = clean(text)
	var tag string // the last "来源" label, for the next link
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := feed.Labelled(line, "来源"); ok {
			tag = v
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
				m.reference(u, tag)
				tag = ""
			} else {
				m.reference(u)
			}
		}
		rest.WriteString(line[last:])
		if strings.IndexFunc(rest.String(), isAlnum) >= 0 {
			m.leftover = text
		}
	}
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// clean trims white space and writes line breaks as "\n": CNNVD writes
// "\r\n".
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}
