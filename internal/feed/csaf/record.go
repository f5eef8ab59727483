package csaf

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// maxExpansion bounds, per record, how many product references the
// record's groups, flags, threats and remediations expand to. A remediation
// naming a group of a million products a million times would otherwise
// cost 10^12 steps; Red Hat's largest errata stay in the tens of thousands.
const maxExpansion = 1 << 21

var (
	// cvePattern is the schema's pattern for vulnerabilities[].cve.
	cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)
	// cwePattern is the 2.1 schema's pattern for a CWE id; 2.0 allows
	// CWE-0 and leading zeros, which name no weakness.
	cwePattern = regexp.MustCompile(`^CWE-[1-9][0-9]{0,5}$`)
)

// documentLevel fills d.common and d.provider from the document property
// and returns the first problem that makes every record unusable.
func (d *decoded) documentLevel() *problem {
	m := d.meta
	lang := normLang(m.Lang)
	c := &d.common
	c.Source = Source
	c.Document = m.Tracking.ID
	switch {
	case m.Tracking.ID == "":
		return &problem{"document.tracking.id", "missing"}
	case !advisory.ValidID(m.Tracking.ID):
		// The id names the record in the store, in URLs and in file
		// names; it is reported, not altered, so that two documents
		// never collide under one cleaned-up name.
		return &problem{"document.tracking.id", fmt.Sprintf("malformed %.80q", m.Tracking.ID)}
	}
	var err error
	if c.Published, err = parseTime(m.Tracking.InitialReleaseDate); err != nil {
		return &problem{"document.tracking.initial_release_date", err.Error()}
	}
	if c.Modified, err = parseTime(m.Tracking.CurrentReleaseDate); err != nil {
		return &problem{"document.tracking.current_release_date", err.Error()}
	}
	if m.Distribution != nil && m.Distribution.TLP != nil {
		label, ok := tlpLabels[strings.ToUpper(strings.TrimSpace(m.Distribution.TLP.Label))]
		if !ok {
			// Mistaking a restricted document for a shareable one is
			// the one error TLP exists to prevent.
			return &problem{"document.distribution.tlp.label", fmt.Sprintf("unknown %.40q", m.Distribution.TLP.Label)}
		}
		c.TLP = label
	}
	if t := strings.TrimSpace(m.Title); t != "" {
		c.Titles = []advisory.Text{{Lang: lang, Value: t}}
	}

	pub := m.Publisher
	d.provider = strings.TrimSpace(pub.Namespace)
	if d.provider == "" {
		d.provider = strings.TrimSpace(pub.Name)
	}
	for _, n := range m.Notes {
		if t := strings.TrimSpace(n.Text); t != "" {
			c.Notes = append(c.Notes, advisory.Note{Category: n.Category, Title: strings.TrimSpace(n.Title), Text: t, Lang: lang})
		}
	}
	if s := m.AggregateSeverity; s != nil && strings.TrimSpace(s.Text) != "" {
		c.Notes = append(c.Notes, advisory.Note{Category: "aggregate_severity", Title: strings.TrimSpace(s.Namespace), Text: strings.TrimSpace(s.Text)})
	}
	if text := publisherText(pub); text != "" {
		c.Notes = append(c.Notes, advisory.Note{Category: "publisher", Title: pub.Category, Text: text})
	}
	if s := strings.TrimSpace(m.Tracking.Status); s != "" {
		c.Notes = append(c.Notes, advisory.Note{Category: "tracking_status", Text: s})
	}
	for i, r := range m.References {
		if err := addReference(c, r); err != nil {
			return &problem{fmt.Sprintf("document.references[%d].url", i), err.Error()}
		}
	}
	for _, a := range m.Acknowledgments {
		addCredits(c, a)
	}
	return nil
}

// tlpLabels maps the labels of CSAF 2.0 (WHITE, GREEN, AMBER, RED) and 2.1
// (CLEAR, GREEN, AMBER, AMBER+STRICT, RED) to TLP 2.0's names
// (https://www.first.org/tlp/): TLP 2.0 renamed WHITE to CLEAR with the
// same meaning.
var tlpLabels = map[string]string{
	"WHITE":        "CLEAR",
	"CLEAR":        "CLEAR",
	"GREEN":        "GREEN",
	"AMBER":        "AMBER",
	"AMBER+STRICT": "AMBER+STRICT",
	"RED":          "RED",
}

// publisherText is "name (namespace)", or whichever of the two is given.
func publisherText(p publisher) string {
	name, ns := strings.TrimSpace(p.Name), strings.TrimSpace(p.Namespace)
	switch {
	case name != "" && ns != "":
		return name + " (" + ns + ")"
	case name != "":
		return name
	}
	return ns
}

// normLang folds the English tags ("en", "en-US", "en_GB", "eng") to "en",
// as feed/cve5 does, so that one English title is one claim whichever
// source states it. Other tags are kept as written. A document without
// lang is English: the examples of the specification are.
func normLang(s string) string {
	s = strings.TrimSpace(s)
	l := strings.ToLower(strings.ReplaceAll(s, "_", "-"))
	if l == "" || l == "en" || l == "eng" || strings.HasPrefix(l, "en-") {
		return "en"
	}
	return s
}

// parseTime reads a CSAF date-time (RFC 3339, with or without fractional
// seconds) into UTC, so that equal instants encode equally. Empty gives the
// zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 time: %.40q", s)
	}
	return t.UTC(), nil
}

// normTime is parseTime for dates vmc keeps as strings (notes,
// remediation dates): RFC 3339 in UTC.
func normTime(s string) (string, error) {
	t, err := parseTime(strings.TrimSpace(s))
	if err != nil || t.IsZero() {
		return "", err
	}
	return t.Format(time.RFC3339Nano), nil
}

// addReference appends a reference, once per URL: the vulnerability's
// own references come first and win. category "self" (the advisory or
// vulnerability itself) is an ADVISORY; anything else, including the
// default "external", is WEB. The category stays as a tag; the summary,
// often the URL again, is dropped.
func addReference(rec *advisory.Record, r reference) error {
	u := strings.TrimSpace(r.URL)
	if u == "" {
		return fmt.Errorf("missing")
	}
	if slices.ContainsFunc(rec.References, func(x advisory.Reference) bool { return x.URL == u }) {
		return nil
	}
	cat := r.Category
	if cat == "" {
		cat = "external"
	}
	typ := "WEB"
	if cat == "self" {
		typ = "ADVISORY"
	}
	rec.References = append(rec.References, advisory.Reference{Type: typ, URL: u, Tags: []string{cat}})
	return nil
}

// addCredits turns an acknowledgment into credits: one per name, with the
// organisation in brackets, or the organisation alone. The summary ("for
// reporting the vulnerability") is free text with no fixed mapping to
// OSV's credit types, so Type stays empty. urls become Contact.
func addCredits(rec *advisory.Record, a acknowledgment) {
	org := strings.TrimSpace(a.Organization)
	var names []string
	for _, n := range a.Names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if org != "" {
			n += " (" + org + ")"
		}
		names = append(names, n)
	}
	if len(names) == 0 && org != "" {
		names = []string{org}
	}
	var contact []string
	for _, u := range a.URLs {
		if u = strings.TrimSpace(u); u != "" {
			contact = append(contact, u)
		}
	}
	for _, n := range names {
		if slices.ContainsFunc(rec.Credits, func(c advisory.Credit) bool { return c.Name == n }) {
			continue
		}
		rec.Credits = append(rec.Credits, advisory.Credit{Name: n, Contact: slices.Clone(contact)})
	}
}

// mapper builds the record of one vulnerability.
type mapper struct {
	d      *decoded
	name   string // the record's name in errors: its id, or "#N"
	path   string // "vulnerabilities[3]"
	lang   string
	rec    advisory.Record
	budget int // product references still allowed; see maxExpansion
	// byProduct indexes rec.Affected by product id.
	byProduct map[string][]int
}

func (m *mapper) errorf(field, format string, args ...any) error {
	return feed.Errorf(m.name, field, format, args...)
}

// record maps vulnerabilities[i]. seen maps the ids of earlier
// vulnerabilities to their paths, to reject a repeated one.
func (d *decoded) record(i int, raw json.RawMessage, seen map[string]string) (advisory.Record, error) {
	m := &mapper{d: d, name: "#" + strconv.Itoa(i+1), path: fmt.Sprintf("vulnerabilities[%d]", i),
		lang: normLang(d.meta.Lang), budget: maxExpansion, byProduct: map[string][]int{}}
	var v vulnerability
	err := json.Unmarshal(raw, &v)
	// encoding/json fills what it can before reporting a type error, so
	// the id may be known even when the entry is malformed.
	idField := m.identify(&v)
	if err != nil {
		return advisory.Record{}, recordDecodeError(m.name, raw, m.path, err)
	}
	if idField == "" {
		return advisory.Record{}, m.errorf(m.path, "no cve and no usable id in ids")
	}
	if err := m.checkID(&v, idField); err != nil {
		return advisory.Record{}, err
	}
	if prev, ok := seen[m.rec.ID]; ok {
		return advisory.Record{}, m.errorf(idField, "%s again (first at %s)", m.rec.ID, prev)
	}
	seen[m.rec.ID] = idField
	if p := d.prob; p != nil {
		return advisory.Record{}, m.errorf(p.field, "%s", p.msg)
	}
	if err := m.fill(&v); err != nil {
		return advisory.Record{}, err
	}
	return m.rec, nil
}

// identify picks the record's id: the CVE, else the first entry of ids
// that is a well-formed id (a vendor's bug id such as Cisco's
// "CSCvg76186"). It sets m.name for errors and returns the id's field
// path, or "" if there is none.
func (m *mapper) identify(v *vulnerability) string {
	if v.CVE != "" {
		if cvePattern.MatchString(v.CVE) {
			m.name = v.CVE
		}
		m.rec.ID = v.CVE
		return m.path + ".cve"
	}
	for j, x := range v.IDs {
		if t := strings.TrimSpace(x.Text); advisory.ValidID(t) {
			m.name, m.rec.ID = t, t
			return fmt.Sprintf("%s.ids[%d].text", m.path, j)
		}
	}
	return ""
}

// checkID rejects a malformed CVE and sorts the other ids into aliases
// and notes.
func (m *mapper) checkID(v *vulnerability, idField string) error {
	if v.CVE != "" && !cvePattern.MatchString(v.CVE) {
		return m.errorf(idField, "malformed %.80q", v.CVE)
	}
	for _, x := range v.IDs {
		t := strings.TrimSpace(x.Text)
		switch {
		case t == "" || t == m.rec.ID:
		case isVulnID(t):
			if !slices.Contains(m.rec.Aliases, t) {
				m.rec.Aliases = append(m.rec.Aliases, t)
			}
		default:
			// A vendor's bug id or tracker URL (Red Hat writes Bugzilla
			// URLs) names a ticket, not the vulnerability: merging
			// records on it would join unrelated vulnerabilities that
			// share a ticket. It stays readable as a note.
			m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: "id", Title: strings.TrimSpace(x.SystemName), Text: t})
		}
	}
	return nil
}

// vulnDatabases are the prefixes (advisory.Kind) of vulnerability
// databases whose ids name one vulnerability each, so that an entry of
// ids carrying one is an alias. Advisory ids (RHSA, DSA, USN) cover
// several vulnerabilities and are not here.
var vulnDatabases = map[string]bool{
	"CVE": true, "GHSA": true, "GO": true, "PYSEC": true, "RUSTSEC": true,
	"OSV": true, "CNVD": true, "CNNVD": true, "JVNDB": true, "BDU": true,
	"EUVD": true, "GCVE": true, "GSD": true, "SNYK": true,
}

func isVulnID(s string) bool {
	return advisory.ValidID(s) && vulnDatabases[advisory.Kind(s)] && (advisory.Kind(s) != "CVE" || cvePattern.MatchString(s))
}

// fill maps everything but the id.
func (m *mapper) fill(v *vulnerability) error {
	c := &m.d.common
	r := &m.rec
	r.Source, r.Document = c.Source, c.Document
	r.Published, r.Modified, r.TLP = c.Published, c.Modified, c.TLP

	if t := strings.TrimSpace(v.Title); t != "" {
		r.Titles = []advisory.Text{{Lang: m.lang, Value: t}}
	} else {
		r.Titles = slices.Clone(c.Titles)
	}
	m.notes(v)
	if err := m.dates(v); err != nil {
		return err
	}
	if err := m.cwes(v); err != nil {
		return err
	}
	if err := m.scores(v); err != nil {
		return err
	}
	if err := m.affected(v); err != nil {
		return err
	}
	for j, ref := range v.References {
		if err := addReference(r, ref); err != nil {
			return m.errorf(fmt.Sprintf("%s.references[%d].url", m.path, j), "%v", err)
		}
	}
	for _, ref := range c.References {
		if !slices.ContainsFunc(r.References, func(x advisory.Reference) bool { return x.URL == ref.URL }) {
			ref.Tags = slices.Clone(ref.Tags)
			r.References = append(r.References, ref)
		}
	}
	for _, a := range v.Acknowledgments {
		addCredits(r, a)
	}
	for _, cr := range c.Credits {
		if !slices.ContainsFunc(r.Credits, func(x advisory.Credit) bool { return x.Name == cr.Name }) {
			cr.Contact = slices.Clone(cr.Contact)
			r.Credits = append(r.Credits, cr)
		}
	}
	// Document-level notes follow the vulnerability's own.
	r.Notes = append(r.Notes, c.Notes...)
	return nil
}

// notes splits the vulnerability's notes into descriptions and notes.
// Descriptions are the notes of category description, else of category
// summary, else Red Hat's convention, a general note titled "Vulnerability
// Description"; several are joined by blank lines, since a record has one
// description per language.
func (m *mapper) notes(v *vulnerability) {
	isDesc := func(n note) bool { return n.Category == "description" }
	switch {
	case slices.ContainsFunc(v.Notes, isDesc):
	case slices.ContainsFunc(v.Notes, func(n note) bool { return n.Category == "summary" }):
		isDesc = func(n note) bool { return n.Category == "summary" }
	default:
		isDesc = func(n note) bool {
			return n.Category == "general" && strings.EqualFold(strings.TrimSpace(n.Title), "vulnerability description")
		}
	}
	var desc []string
	for _, n := range v.Notes {
		t := strings.TrimSpace(n.Text)
		switch {
		case t == "":
		case isDesc(n):
			desc = append(desc, t)
		default:
			m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: n.Category, Title: strings.TrimSpace(n.Title), Text: t, Lang: m.lang})
		}
	}
	if len(desc) > 0 {
		m.rec.Descriptions = []advisory.Text{{Lang: m.lang, Value: strings.Join(desc, "\n\n")}}
	}
}

// dates keeps the vulnerability's own dates as notes named after their
// field: Published and Modified are the document's, and a record has no
// field for when a vulnerability was discovered or disclosed.
func (m *mapper) dates(v *vulnerability) error {
	for _, f := range []struct{ name, value string }{
		{"discovery_date", v.DiscoveryDate},
		{"release_date", v.ReleaseDate},
		{"disclosure_date", v.DisclosureDate},
	} {
		t, err := normTime(f.value)
		if err != nil {
			return m.errorf(m.path+"."+f.name, "%v", err)
		}
		if t != "" {
			m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: f.name, Text: t})
		}
	}
	for j, e := range v.FirstKnownExploitationDates {
		t, err := normTime(e.ExploitationDate)
		if err != nil {
			return m.errorf(fmt.Sprintf("%s.first_known_exploitation_dates[%d].exploitation_date", m.path, j), "%v", err)
		}
		if t != "" {
			m.rec.Notes = append(m.rec.Notes, advisory.Note{Category: "first_known_exploitation_date", Text: t})
		}
	}
	return nil
}

// cwes maps cwe (2.0) and cwes (2.1), without repeats.
func (m *mapper) cwes(v *vulnerability) error {
	type entry struct {
		c    cwe
		path string
	}
	var all []entry
	if v.CWE != nil {
		all = append(all, entry{*v.CWE, m.path + ".cwe.id"})
	}
	for j, c := range v.CWEs {
		all = append(all, entry{c, fmt.Sprintf("%s.cwes[%d].id", m.path, j)})
	}
	for _, e := range all {
		id := strings.TrimSpace(e.c.ID)
		if !cwePattern.MatchString(id) {
			return m.errorf(e.path, "malformed %.40q", e.c.ID)
		}
		if !slices.ContainsFunc(m.rec.CWEs, func(x advisory.CWE) bool { return x.ID == id }) {
			m.rec.CWEs = append(m.rec.CWEs, advisory.CWE{ID: id, Description: strings.TrimSpace(e.c.Name)})
		}
	}
	return nil
}

// scores maps scores (2.0) and metrics (2.1) into Severities, EPSS and
// SSVC. A score applies to the products it names; a record's severities do
// not say which products, so the same vector given for several product
// groups is kept once. The products are still checked, so that a score for
// an undefined product rejects the record as a status would.
func (m *mapper) scores(v *vulnerability) error {
	for j, s := range v.Scores {
		path := fmt.Sprintf("%s.scores[%d]", m.path, j)
		if _, err := m.expand(s.Products, path+".products", nil, ""); err != nil {
			return err
		}
		if err := m.cvss(s.CVSSv2, path+".cvss_v2", advisory.CVSSv2, m.d.provider); err != nil {
			return err
		}
		if err := m.cvss(s.CVSSv3, path+".cvss_v3", "", m.d.provider); err != nil {
			return err
		}
	}
	for j, mt := range v.Metrics {
		path := fmt.Sprintf("%s.metrics[%d]", m.path, j)
		if _, err := m.expand(mt.Products, path+".products", nil, ""); err != nil {
			return err
		}
		// A metric's source is whoever determined it (NVD, a CNA), which
		// is the better provider when the publisher only relays it.
		prov := strings.TrimSpace(mt.Source)
		if prov == "" {
			prov = m.d.provider
		}
		cp := path + ".content"
		if err := m.cvss(mt.Content.CVSSv2, cp+".cvss_v2", advisory.CVSSv2, prov); err != nil {
			return err
		}
		if err := m.cvss(mt.Content.CVSSv3, cp+".cvss_v3", "", prov); err != nil {
			return err
		}
		if err := m.cvss(mt.Content.CVSSv4, cp+".cvss_v4", advisory.CVSSv40, prov); err != nil {
			return err
		}
		if q := strings.TrimSpace(mt.Content.QualitativeSeverityRating); q != "" {
			m.addSeverity(advisory.Severity{Type: advisory.RatingOther, Rating: q, Provider: prov})
		}
		if err := m.epss(mt.Content.EPSS, cp+".epss"); err != nil {
			return err
		}
		if err := m.ssvc(mt.Content.SSVCv2, cp+".ssvc_v2", prov); err != nil {
			return err
		}
	}
	return nil
}

// cvss maps one CVSS object. For cvss_v3 (typ "") the version comes from
// the vector's prefix, since the object's own "version" may disagree with
// the vector and the vector is what a scorer reads.
func (m *mapper) cvss(c *cvss, path string, typ advisory.SeverityType, prov string) error {
	if c == nil {
		return nil
	}
	vec := strings.TrimSpace(c.VectorString)
	switch {
	case vec == "":
		return m.errorf(path+".vectorString", "missing")
	case typ == "" && strings.HasPrefix(vec, "CVSS:3.0/"):
		typ = advisory.CVSSv30
	case typ == "" && strings.HasPrefix(vec, "CVSS:3.1/"):
		typ = advisory.CVSSv31
	case typ == "":
		return m.errorf(path+".vectorString", "not a CVSS 3.0 or 3.1 vector: %.80q", vec)
	case typ == advisory.CVSSv40 && !strings.HasPrefix(vec, "CVSS:4.0/"):
		return m.errorf(path+".vectorString", "not a CVSS 4.0 vector: %.80q", vec)
	}
	s := advisory.Severity{Type: typ, Vector: vec, Rating: strings.TrimSpace(c.BaseSeverity), Provider: prov}
	if c.BaseScore != nil {
		if *c.BaseScore < 0 || *c.BaseScore > 10 {
			return m.errorf(path+".baseScore", "%v is outside 0 to 10", *c.BaseScore)
		}
		s.Score = *c.BaseScore
	}
	m.addSeverity(s)
	return nil
}

func (m *mapper) addSeverity(s advisory.Severity) {
	if !slices.Contains(m.rec.Severities, s) {
		m.rec.Severities = append(m.rec.Severities, s)
	}
}

// epss maps CSAF 2.1's EPSS content; the first one in the record is kept,
// as advisory.Record holds one.
func (m *mapper) epss(e *epss, path string) error {
	if e == nil || m.rec.EPSS != nil {
		return nil
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(e.Probability), 64)
	if err != nil || p < 0 || p > 1 {
		return m.errorf(path+".probability", "not a probability: %.40q", e.Probability)
	}
	out := &advisory.EPSS{Score: p}
	if e.Percentile != "" {
		q, err := strconv.ParseFloat(strings.TrimSpace(e.Percentile), 64)
		if err != nil || q < 0 || q > 1 {
			return m.errorf(path+".percentile", "not a percentile: %.40q", e.Percentile)
		}
		out.Percentile = q
	}
	t, err := parseTime(e.Timestamp)
	switch {
	case err != nil:
		return m.errorf(path+".timestamp", "%v", err)
	case t.IsZero():
		return m.errorf(path+".timestamp", "missing")
	}
	out.Date = t.Format(time.DateOnly)
	m.rec.EPSS = out
	return nil
}

// ssvcValues maps the SSVC decision points advisory.SSVC has, by key, to
// the words CISA writes for their values (feed/cve5 reads those): keys
// are stable across SSVC versions where value names are not.
var ssvcValues = map[string]map[string]string{
	"E":  {"N": "none", "P": "poc", "A": "active"},
	"A":  {"N": "no", "Y": "yes"},
	"TI": {"P": "partial", "T": "total"},
}

// ssvc maps the first SSVC v2 selection list of the record. Decision
// points outside the ssvc namespace, or that advisory.SSVC has no field
// for, are skipped.
func (m *mapper) ssvc(s *ssvc, path, prov string) error {
	if s == nil || m.rec.SSVC != nil {
		return nil
	}
	out := advisory.SSVC{Provider: prov}
	for _, sel := range s.Selections {
		if sel.Namespace != "ssvc" || len(sel.Values) != 1 {
			continue
		}
		v := ssvcValues[sel.Key][sel.Values[0].Key]
		switch sel.Key {
		case "E":
			out.Exploitation = v
		case "A":
			out.Automatable = v
		case "TI":
			out.TechnicalImpact = v
		}
	}
	if out.Exploitation == "" && out.Automatable == "" && out.TechnicalImpact == "" {
		return nil
	}
	t, err := normTime(s.Timestamp)
	if err != nil {
		return m.errorf(path+".timestamp", "%v", err)
	}
	out.Timestamp = t
	m.rec.SSVC = &out
	return nil
}
