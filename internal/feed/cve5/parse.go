package cve5

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "cve5"

// maxRecord bounds what Parse reads. The largest record in the
// vulnrichment snapshot is 675 KiB (CVE-2024-20433, a Cisco product list);
// 16 MiB leaves room for growth while keeping a hostile stream from
// exhausting memory.
const maxRecord = 16 << 20

// cveIDPattern is definition "cveId" of the schema.
var cveIDPattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)

// Parse reads one document and yields its records. Record-level problems are
// yielded as *feed.RecordError (naming record id or "#N" position, and the
// JSON-path-like field, e.g. "containers.cna.affected[0].versions[2].lessThan")
// and parsing goes on with the next record. A document that cannot be read at
// all yields one error wrapping feed.ErrFormat and stops.
//
// A CVE JSON 5 document holds exactly one record, so Parse yields once.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		data, err := io.ReadAll(io.LimitReader(r, maxRecord+1))
		if err != nil {
			// An I/O failure says nothing about the format, so it does not
			// wrap ErrFormat.
			yield(advisory.Record{}, &feed.RecordError{Record: "#1", Err: fmt.Errorf("read: %w", err)})
			return
		}
		if len(data) > maxRecord {
			yield(advisory.Record{}, feed.Errorf(guessID(data), "", "record larger than %d MiB", maxRecord>>20))
			return
		}
		rec, err := parse(data)
		if err != nil {
			yield(advisory.Record{}, err)
			return
		}
		yield(rec, nil)
	}
}

// Sniff reports whether a document (its file name and first bytes, up to 4 KiB)
// looks like this format, so the importer can detect the source from content.
//
// cveMetadata is unique to CVE JSON 5; dataType "CVE_RECORD" is its first
// property in most files. A producer that sorts keys writes containers
// first, and then both may sit beyond 4 KiB: a "containers" object opening
// with "cna" or "adp" is CVE JSON 5 too, no other format vmc reads has one.
func Sniff(name string, head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	return bytes.Contains(head, []byte(`"cveMetadata"`)) || dataTypeInText.Match(head) || containersFirst.Match(head)
}

var (
	dataTypeInText  = regexp.MustCompile(`"dataType"\s*:\s*"CVE_RECORD"`)
	containersFirst = regexp.MustCompile(`^\{\s*"containers"\s*:\s*\{\s*"(cna|adp)"`)
)

var utf8BOM = []byte("\xef\xbb\xbf")

// parse decodes and maps one record.
func parse(data []byte) (advisory.Record, error) {
	// Some Windows tools write a byte-order mark, which encoding/json
	// rejects as an invalid character.
	data = bytes.TrimPrefix(data, utf8BOM)
	var doc record
	if err := json.Unmarshal(data, &doc); err != nil {
		return advisory.Record{}, decodeError(guessID(data), data, "", err)
	}
	return convert(&doc)
}

// idInText finds the record's id in a document that does not decode, so the
// error can still name the record.
var idInText = regexp.MustCompile(`"cveId"\s*:\s*"(CVE-[0-9]{4}-[0-9]{4,19})"`)

func guessID(data []byte) string {
	if m := idInText.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return "#1"
}

// decodeError turns an encoding/json error into a RecordError naming the
// JSON path where decoding failed. encoding/json reports a path without
// array indices ("containers.cna.metrics.cvssV3_1.vectorString"), which is
// not enough to find the entry in a record with forty metrics, so the path
// is rebuilt from the byte offset. prefix is the path of data inside the
// record when data is a nested raw value.
func decodeError(id string, data []byte, prefix string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return feed.Errorf(id, joinPath(prefix, feed.JSONPath(data, syn.Offset)), "invalid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return feed.Errorf(id, joinPath(prefix, feed.JSONPath(data, typ.Offset)), "got %s, want %s", kindOf(typ.Value), feed.JSONKind(typ.Type))
	default:
		return feed.Errorf(id, prefix, "%v", err)
	}
}

func joinPath(prefix, p string) string {
	switch {
	case prefix == "":
		return p
	case p == "" || p[0] == '[':
		return prefix + p
	default:
		return prefix + "." + p
	}
}

// kindOf reduces encoding/json's description of a value ("number -5",
// "string") to its JSON kind.
func kindOf(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	return kind
}

// mapper builds one advisory.Record and names it in errors.
type mapper struct {
	id  string // the record's name in errors: its CVE id, or "#1"
	rec advisory.Record
}

func convert(doc *record) (advisory.Record, error) {
	md := doc.Metadata
	m := &mapper{id: "#1"}
	if cveIDPattern.MatchString(md.ID) {
		m.id = md.ID
	}
	switch {
	case doc.DataType == "":
		return m.fail("dataType", "missing")
	case doc.DataType != "CVE_RECORD":
		return m.fail("dataType", "unknown %q", doc.DataType)
	case doc.DataVersion == "":
		return m.fail("dataVersion", "missing")
	case !dataVersionPattern.MatchString(doc.DataVersion):
		return m.fail("dataVersion", "unsupported %q", doc.DataVersion)
	case md.ID == "":
		return m.fail("cveMetadata.cveId", "missing")
	case m.id == "#1":
		return m.fail("cveMetadata.cveId", "malformed %q", md.ID)
	}
	m.rec = advisory.Record{Source: Source, ID: md.ID}

	switch s := advisory.State(md.State); s {
	case advisory.StatePublished, advisory.StateRejected, advisory.StateReserved:
		m.rec.State = s
	case "":
		return m.fail("cveMetadata.state", "missing")
	default:
		return m.fail("cveMetadata.state", "unknown %q", md.State)
	}

	var err error
	if m.rec.Published, err = m.date("cveMetadata.datePublished", md.DatePublished); err != nil {
		return advisory.Record{}, err
	}
	if m.rec.Modified, err = m.date("cveMetadata.dateUpdated", md.DateUpdated); err != nil {
		return advisory.Record{}, err
	}
	if m.rec.Modified.IsZero() && doc.Containers.CNA != nil {
		// dateUpdated is optional in 5.0 records; the CNA container's own
		// update time is the next best statement of when the record
		// changed.
		m.rec.Modified, err = m.date("containers.cna.providerMetadata.dateUpdated", doc.Containers.CNA.ProviderMetadata.DateUpdated)
		if err != nil {
			return advisory.Record{}, err
		}
	}
	// A rejected CVE is withdrawn in OSV's sense: it once named a
	// vulnerability and no longer does.
	if m.rec.Withdrawn, err = m.date("cveMetadata.dateRejected", md.DateRejected); err != nil {
		return advisory.Record{}, err
	}

	cna := doc.Containers.CNA
	if cna == nil {
		if m.rec.State == advisory.StatePublished {
			return m.fail("containers.cna", "missing")
		}
		return m.rec, nil
	}
	if err := m.cna(cna, md.AssignerShortName); err != nil {
		return advisory.Record{}, err
	}
	for i := range doc.Containers.ADP {
		if err := m.adp(&doc.Containers.ADP[i], fmt.Sprintf("containers.adp[%d]", i)); err != nil {
			return advisory.Record{}, err
		}
	}
	return m.rec, nil
}

// dataVersionPattern is definition "dataVersion": any 5.x schema. A 6.0
// record may change meaning, so it is refused rather than half-read.
var dataVersionPattern = regexp.MustCompile(`^5\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$`)

func (m *mapper) fail(field, format string, args ...any) (advisory.Record, error) {
	return advisory.Record{}, feed.Errorf(m.id, field, format, args...)
}

func (m *mapper) errorf(field, format string, args ...any) error {
	return feed.Errorf(m.id, field, format, args...)
}

// date parses a "timestamp" value; empty gives the zero time.
func (m *mapper) date(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := parseTime(s)
	if err != nil {
		return time.Time{}, m.errorf(field, "invalid date %q", s)
	}
	return t, nil
}

// parseTime reads the timestamps real CVE records carry:
// "2021-12-10T00:00:00", "2024-03-29T15:51:12.824Z",
// "2024-02-13T17:13:53.427706" and "2023-06-27T13:02:00.000-04:00". The
// schema says a time without a zone is GMT. The result is in UTC so that
// equal instants encode equally.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	// The fractional part of this layout is optional when parsing.
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	if err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// provider names a container's author for the Provider fields: its
// shortName, else (for the CNA) the assigner's, else its org UUID.
func provider(pm providerMetadata, fallback string) string {
	switch {
	case pm.ShortName != "":
		return pm.ShortName
	case fallback != "":
		return fallback
	}
	return pm.OrgID
}

func (m *mapper) cna(c *container, assigner string) error {
	const path = "containers.cna"
	prov := provider(c.ProviderMetadata, assigner)
	if t := strings.TrimSpace(c.Title); t != "" {
		// The CNA title has no language of its own; CVE records are
		// English unless a description says otherwise.
		m.rec.Titles = append(m.rec.Titles, advisory.Text{Lang: "en", Value: t})
	}
	m.texts(c.Descriptions)
	m.texts(c.RejectedReasons)
	for i, id := range c.ReplacedBy {
		if !cveIDPattern.MatchString(id) {
			return m.errorf(fmt.Sprintf("%s.replacedBy[%d]", path, i), "malformed %q", id)
		}
		if !slices.Contains(m.rec.Related, id) {
			m.rec.Related = append(m.rec.Related, id)
		}
	}
	if err := m.common(c, path, prov); err != nil {
		return err
	}
	for i, p := range c.Affected {
		a, err := m.product(p, fmt.Sprintf("%s.affected[%d]", path, i))
		if err != nil {
			return err
		}
		m.rec.Affected = append(m.rec.Affected, a)
	}
	for i, cr := range c.Credits {
		if err := m.credit(cr, fmt.Sprintf("%s.credits[%d]", path, i)); err != nil {
			return err
		}
	}
	return m.configurations(c.CPEApplicability, path+".cpeApplicability")
}

// adp folds an ADP container's weaknesses, scores and references into the
// record. Its title ("CISA ADP Vulnrichment") names the container, not the
// vulnerability, and its affected list restates the CNA's in CPE terms
// without a way to say who said it, so neither is read.
func (m *mapper) adp(c *container, path string) error {
	return m.common(c, path, provider(c.ProviderMetadata, ""))
}

// common maps what CNA and ADP containers share.
func (m *mapper) common(c *container, path, prov string) error {
	for i, pt := range c.ProblemTypes {
		for j, d := range pt.Descriptions {
			if err := m.cwe(d, fmt.Sprintf("%s.problemTypes[%d].descriptions[%d]", path, i, j), prov); err != nil {
				return err
			}
		}
	}
	for i, mt := range c.Metrics {
		if err := m.metric(mt, fmt.Sprintf("%s.metrics[%d]", path, i), prov); err != nil {
			return err
		}
	}
	for i, r := range c.References {
		if err := m.reference(r, fmt.Sprintf("%s.references[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// texts adds descriptions, one per language: the first text in a language
// wins, as it does when the record is flattened into claims.
func (m *mapper) texts(ds []description) {
	for _, d := range ds {
		v := strings.TrimSpace(d.Value)
		if v == "" {
			continue
		}
		lang := normLang(d.Lang)
		if slices.ContainsFunc(m.rec.Descriptions, func(t advisory.Text) bool { return t.Lang == lang }) {
			continue
		}
		m.rec.Descriptions = append(m.rec.Descriptions, advisory.Text{Lang: lang, Value: v})
	}
}

// normLang folds the English tags CNAs write ("en", "en-US", "en_GB",
// "eng") to "en", so that one English description is one claim. Other tags
// are kept as written: they are rare ("de" from a few German-speaking
// CNAs) and already BCP 47. The schema's default language is English.
func normLang(s string) string {
	s = strings.TrimSpace(s)
	l := strings.ToLower(strings.ReplaceAll(s, "_", "-"))
	if l == "" || l == "en" || l == "eng" || strings.HasPrefix(l, "en-") {
		return "en"
	}
	return s
}

var (
	cweIDPattern = regexp.MustCompile(`^CWE-[0-9]+$`)
	// cweInText finds a CWE id leading a free-text problem type, as 5.0
	// records and some CNAs write it: "CWE-79 Improper Neutralization...",
	// "CWE-284: Improper Access Control".
	cweInText = regexp.MustCompile(`^CWE-[0-9]+\b`)
)

func (m *mapper) cwe(d problemDescription, path, prov string) error {
	id := strings.TrimSpace(d.CWEID)
	switch {
	case id != "" && !cweIDPattern.MatchString(id):
		return m.errorf(path+".cweId", "malformed %q", d.CWEID)
	case id == "":
		// Text without an id ("n/a", "Denial of service") is not a
		// weakness vmc can classify, so it is not kept.
		id = cweInText.FindString(strings.TrimSpace(d.Description))
		if id == "" {
			return nil
		}
	}
	if slices.ContainsFunc(m.rec.CWEs, func(c advisory.CWE) bool { return c.ID == id && c.Provider == prov }) {
		return nil
	}
	m.rec.CWEs = append(m.rec.CWEs, advisory.CWE{ID: id, Description: strings.TrimSpace(d.Description), Provider: prov})
	return nil
}

func (m *mapper) metric(mt metric, path, prov string) error {
	for _, s := range []struct {
		key string
		typ advisory.SeverityType
		v   *cvss
	}{
		{"cvssV4_0", advisory.CVSSv40, mt.CVSSv40},
		{"cvssV3_1", advisory.CVSSv31, mt.CVSSv31},
		{"cvssV3_0", advisory.CVSSv30, mt.CVSSv30},
		{"cvssV2_0", advisory.CVSSv2, mt.CVSSv2},
	} {
		if s.v == nil {
			continue
		}
		p := path + "." + s.key
		switch {
		case s.v.VectorString == nil:
			return m.errorf(p+".vectorString", "missing")
		case strings.TrimSpace(*s.v.VectorString) == "":
			return m.errorf(p+".vectorString", "empty")
		case s.v.BaseScore == nil:
			return m.errorf(p+".baseScore", "missing")
		case *s.v.BaseScore < 0 || *s.v.BaseScore > 10:
			return m.errorf(p+".baseScore", "out of range: %v", *s.v.BaseScore)
		}
		sev := advisory.Severity{
			Type:     s.typ,
			Vector:   strings.TrimSpace(*s.v.VectorString),
			Score:    *s.v.BaseScore,
			Rating:   strings.TrimSpace(s.v.BaseSeverity),
			Provider: prov,
		}
		if !slices.Contains(m.rec.Severities, sev) {
			m.rec.Severities = append(m.rec.Severities, sev)
		}
	}
	if mt.Other != nil {
		return m.other(mt.Other, path+".other", prov)
	}
	return nil
}

// other maps the "other" metrics vmc understands: CISA's SSVC decision and
// KEV flag, and the qualitative ratings some CNAs publish instead of (or
// beside) CVSS. Anything else is skipped: the format is open-ended.
func (m *mapper) other(o *otherMetric, path, prov string) error {
	known := strings.EqualFold(o.Type, "ssvc") || strings.EqualFold(o.Type, "kev")
	if known && len(o.Content) == 0 {
		return m.errorf(path+".content", "missing")
	}
	switch {
	case strings.EqualFold(o.Type, "ssvc"):
		var c ssvcContent
		if err := json.Unmarshal(o.Content, &c); err != nil {
			return decodeError(m.id, o.Content, path+".content", err)
		}
		return m.ssvc(c, path+".content", prov)
	case strings.EqualFold(o.Type, "kev"):
		var c kevContent
		if err := json.Unmarshal(o.Content, &c); err != nil {
			return decodeError(m.id, o.Content, path+".content", err)
		}
		switch {
		case c.DateAdded == "":
			return m.errorf(path+".content.dateAdded", "missing")
		case !validDate(c.DateAdded):
			return m.errorf(path+".content.dateAdded", "invalid date %q", c.DateAdded)
		}
		// One catalogue, one entry: a second KEV flag (from another
		// provider) cannot say anything the first did not.
		if m.rec.KEV == nil {
			m.rec.KEV = &advisory.KEV{DateAdded: c.DateAdded}
		}
		return nil
	}
	var c ratingContent
	if json.Unmarshal(o.Content, &c) != nil {
		return nil
	}
	var rating string
	for _, raw := range []json.RawMessage{c.Value, c.Text, c.Other} {
		var s string
		if json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != "" {
			rating = strings.TrimSpace(s)
			break
		}
	}
	if rating == "" {
		return nil
	}
	sev := advisory.Severity{Type: advisory.RatingOther, Rating: rating, Provider: prov}
	if !slices.Contains(m.rec.Severities, sev) {
		m.rec.Severities = append(m.rec.Severities, sev)
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// ssvc reads CISA's decision points. CISA writes the values in lower case
// ("none", "poc", "total") in current records and capitalised ("None",
// "PoC", "Total") in older ones; they are folded to lower case so that the
// same decision compares equal.
func (m *mapper) ssvc(c ssvcContent, path, prov string) error {
	s := advisory.SSVC{Provider: prov}
	for _, opt := range c.Options {
		for _, k := range slices.Sorted(maps.Keys(opt)) {
			v := strings.ToLower(strings.TrimSpace(opt[k]))
			switch strings.ToLower(strings.ReplaceAll(k, " ", "")) {
			case "exploitation":
				s.Exploitation = v
			case "automatable":
				s.Automatable = v
			case "technicalimpact":
				s.TechnicalImpact = v
			}
			// Other decision points (Mission Prevalence, Value Density)
			// are not in CISA's Coordinator decision and have no field.
		}
	}
	if c.Timestamp != "" {
		t, err := parseTime(c.Timestamp)
		if err != nil {
			return m.errorf(path+".timestamp", "invalid date %q", c.Timestamp)
		}
		s.Timestamp = t.Format(time.RFC3339Nano)
	}
	if s.Exploitation == "" && s.Automatable == "" && s.TechnicalImpact == "" {
		return nil
	}
	// The record holds one SSVC decision; CISA's ADP is the only provider
	// in practice, and a second decision would come later in the record.
	if m.rec.SSVC == nil {
		m.rec.SSVC = &s
	}
	return nil
}

// refTypes maps CVE reference tags to OSV reference types, in order of
// precedence: a reference tagged both "patch" and "vendor-advisory" is a
// FIX, because the fix is the more specific thing to know about it.
//
// "release-notes" becomes ARTICLE rather than FIX: release notes say that a
// version fixes the problem, but they are not the change itself, and OSV's
// FIX is for the change. "mailing-list" is OSV's DISCUSSION and
// "technical-description", "media-coverage" and "research-report" are
// ARTICLEs. Other tags, and the legacy x_refsource_* tags, leave WEB.
var refTypes = []struct{ tag, typ string }{
	{"patch", "FIX"},
	{"vendor-advisory", "ADVISORY"},
	{"third-party-advisory", "ADVISORY"},
	{"vdb-entry", "ADVISORY"},
	{"exploit", "EVIDENCE"},
	{"issue-tracking", "REPORT"},
	{"signature", "DETECTION"},
	{"release-notes", "ARTICLE"},
	{"technical-description", "ARTICLE"},
	{"research-report", "ARTICLE"},
	{"media-coverage", "ARTICLE"},
	{"mailing-list", "DISCUSSION"},
	{"product", "PACKAGE"},
}

func refType(tags []string) string {
	for _, rt := range refTypes {
		if slices.Contains(tags, rt.tag) {
			return rt.typ
		}
	}
	return "WEB"
}

// reference adds a link. ADP containers repeat the CNA's links (the "CVE
// Program Container" re-publishes every legacy reference with an
// x_transferred tag), so a URL already present only gains the new tags.
func (m *mapper) reference(r reference, path string) error {
	u := strings.TrimSpace(r.URL)
	if u == "" {
		return m.errorf(path+".url", "missing")
	}
	var tags []string
	for _, t := range r.Tags {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	if i := slices.IndexFunc(m.rec.References, func(x advisory.Reference) bool { return x.URL == u }); i >= 0 {
		x := &m.rec.References[i]
		for _, t := range tags {
			if !slices.Contains(x.Tags, t) {
				x.Tags = append(x.Tags, t)
			}
		}
		x.Type = refType(x.Tags)
		return nil
	}
	m.rec.References = append(m.rec.References, advisory.Reference{Type: refType(tags), URL: u, Tags: tags})
	return nil
}

// creditTypes maps the schema's credit types to OSV's.
var creditTypes = map[string]string{
	"finder":                "FINDER",
	"reporter":              "REPORTER",
	"analyst":               "ANALYST",
	"coordinator":           "COORDINATOR",
	"remediation developer": "REMEDIATION_DEVELOPER",
	"remediation reviewer":  "REMEDIATION_REVIEWER",
	"remediation verifier":  "REMEDIATION_VERIFIER",
	"tool":                  "TOOL",
	"sponsor":               "SPONSOR",
	"other":                 "OTHER",
}

func (m *mapper) credit(c credit, path string) error {
	name := strings.TrimSpace(c.Value)
	if name == "" {
		return nil
	}
	t := strings.ToLower(strings.TrimSpace(c.Type))
	if t == "" {
		// The schema's stated default.
		t = "finder"
	}
	typ, ok := creditTypes[t]
	if !ok {
		return m.errorf(path+".type", "unknown %q", c.Type)
	}
	cr := advisory.Credit{Name: name, Type: typ, Lang: normLang(c.Lang)}
	if !slices.ContainsFunc(m.rec.Credits, func(x advisory.Credit) bool {
		return x.Name == cr.Name && x.Type == cr.Type && x.Lang == cr.Lang
	}) {
		m.rec.Credits = append(m.rec.Credits, cr)
	}
	return nil
}

// configurations keeps the CNA's cpeApplicability as the record's
// Configurations: it is the CVE 5.1 copy of NVD's configurations array, so
// the matcher can read both alike. It is compacted so that re-encoding
// the record leaves it unchanged.
func (m *mapper) configurations(raw json.RawMessage, path string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var nodes []json.RawMessage
	if err := json.Unmarshal(raw, &nodes); err != nil {
		return decodeError(m.id, raw, path, err)
	}
	if len(nodes) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return m.errorf(path, "%v", err)
	}
	m.rec.Configurations = b.Bytes()
	return nil
}
