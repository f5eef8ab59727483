package nvd

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// nvdProvider is the source identifier NVD uses for its own analysis. The
// 1.1 feed only ever carried NVD's scores, so they get this provider too:
// a CVE imported first from a 1.1 feed and later from the API then keeps
// one severity per (type, provider) rather than two.
const nvdProvider = "nvd@nist.gov"

// rejectPrefix marks a rejected CVE in the 1.1 feed, which has no status
// field: NVD kept such entries and replaced their description.
const rejectPrefix = "** REJECT **"

// id11 and id20 find an element's id for an error message when the element
// did not decode as a whole. They return "" when there is no usable id.
func id11(raw json.RawMessage) string {
	var p struct {
		CVE struct {
			Meta struct {
				ID string `json:"ID"`
			} `json:"CVE_data_meta"`
		} `json:"cve"`
	}
	if json.Unmarshal(raw, &p) != nil || !advisory.ValidID(p.CVE.Meta.ID) {
		return ""
	}
	return p.CVE.Meta.ID
}

func id20(raw json.RawMessage) string {
	var p struct {
		CVE struct {
			ID string `json:"id"`
		} `json:"cve"`
	}
	if json.Unmarshal(raw, &p) != nil || !advisory.ValidID(p.CVE.ID) {
		return ""
	}
	return p.CVE.ID
}

// checkID rejects a missing or malformed id. The record is then named by
// position, since a malformed id may hold anything.
func checkID(id, field string) error {
	switch {
	case id == "":
		return feed.Errorf("", field, "missing")
	case !advisory.ValidID(id):
		return feed.Errorf("", field, "malformed id %q", id)
	}
	return nil
}

// record11 maps one 1.1 CVE_Items element.
func record11(raw json.RawMessage) (advisory.Record, error) {
	var it item11
	if err := json.Unmarshal(raw, &it); err != nil {
		return advisory.Record{}, err
	}
	rec := advisory.Record{Source: Source, ID: it.CVE.Meta.ID}
	if err := checkID(rec.ID, "cve.CVE_data_meta.ID"); err != nil {
		return rec, err
	}
	var err error
	if rec.Published, err = timeField(it.PublishedDate, "publishedDate"); err != nil {
		return rec, err
	}
	if rec.Modified, err = timeField(it.LastModifiedDate, "lastModifiedDate"); err != nil {
		return rec, err
	}
	rec.Descriptions = texts(it.CVE.Description.Data)
	rec.State = advisory.StatePublished
	for _, t := range rec.Descriptions {
		if t.Lang == "en" && strings.HasPrefix(t.Value, rejectPrefix) {
			rec.State = advisory.StateRejected
		}
	}
	var cwes cweSet
	for _, pt := range it.CVE.ProblemType.Data {
		for _, d := range pt.Description {
			cwes.add(d.Value, "")
		}
	}
	rec.CWEs = cwes.list

	var sevs severitySet
	if v3 := it.Impact.V3; v3 != nil {
		if err := sevs.add(v3.CVSS, v3.CVSS.BaseSeverity, nvdProvider, false, "impact.baseMetricV3.cvssV3.vectorString"); err != nil {
			return rec, err
		}
	}
	if v2 := it.Impact.V2; v2 != nil {
		if err := sevs.add(v2.CVSS, v2.Severity, nvdProvider, true, "impact.baseMetricV2.cvssV2.vectorString"); err != nil {
			return rec, err
		}
	}
	rec.Severities = sevs.list

	for i, r := range it.CVE.References.Data {
		if r.URL == "" {
			return rec, feed.Errorf("", fmt.Sprintf("cve.references.reference_data[%d].url", i), "missing")
		}
		rec.References = append(rec.References, reference(r.URL, r.Tags))
	}

	var aff affectedSet
	configs, err := configs11(it.Configurations.Nodes, "configurations.nodes", &aff)
	if err != nil {
		return rec, err
	}
	rec.Affected = aff.list
	rec.Configurations = marshalConfigs(configs)
	return rec, nil
}

// record20 maps one API 2.0 vulnerabilities element.
func record20(raw json.RawMessage) (advisory.Record, error) {
	var it item20
	if err := json.Unmarshal(raw, &it); err != nil {
		return advisory.Record{}, err
	}
	c := it.CVE
	if c == nil {
		return advisory.Record{}, feed.Errorf("", "cve", "missing")
	}
	rec := advisory.Record{Source: Source, ID: c.ID}
	if err := checkID(rec.ID, "cve.id"); err != nil {
		return rec, err
	}
	var err error
	if rec.Published, err = timeField(c.Published, "cve.published"); err != nil {
		return rec, err
	}
	if rec.Modified, err = timeField(c.LastModified, "cve.lastModified"); err != nil {
		return rec, err
	}
	// NVD's statuses other than Rejected describe how far its analysis
	// has got, not the CVE's lifecycle: a CVE NVD lists is published.
	switch c.VulnStatus {
	case "":
	case "Rejected":
		rec.State = advisory.StateRejected
	default:
		rec.State = advisory.StatePublished
	}
	rec.Descriptions = texts(c.Descriptions)

	var cwes cweSet
	for _, w := range c.Weaknesses {
		for _, d := range w.Description {
			cwes.add(d.Value, w.Source)
		}
	}
	rec.CWEs = cwes.list

	// Newest CVSS version first, so that a reader taking the first
	// severity gets the most expressive one.
	var sevs severitySet
	for _, m := range []struct {
		key     string
		metrics []metric20
	}{
		{"cvssMetricV40", c.Metrics.V40},
		{"cvssMetricV31", c.Metrics.V31},
		{"cvssMetricV30", c.Metrics.V30},
		{"cvssMetricV2", c.Metrics.V2},
	} {
		for i, mt := range m.metrics {
			rating := mt.Data.BaseSeverity
			if rating == "" {
				rating = mt.BaseSeverity
			}
			field := fmt.Sprintf("cve.metrics.%s[%d].cvssData.vectorString", m.key, i)
			if err := sevs.add(mt.Data, rating, mt.Source, m.key == "cvssMetricV2", field); err != nil {
				return rec, err
			}
		}
	}
	rec.Severities = sevs.list

	for i, r := range c.References {
		if r.URL == "" {
			return rec, feed.Errorf("", fmt.Sprintf("cve.references[%d].url", i), "missing")
		}
		rec.References = append(rec.References, reference(r.URL, r.Tags))
	}

	var aff affectedSet
	if err := check20(c.Configurations, "cve.configurations", &aff); err != nil {
		return rec, err
	}
	rec.Affected = aff.list
	rec.Configurations = marshalConfigs(c.Configurations)

	if c.CISAExploitAdd != "" {
		rec.KEV = &advisory.KEV{
			DateAdded:      c.CISAExploitAdd,
			DueDate:        c.CISAActionDue,
			RequiredAction: c.CISARequiredAction,
			Name:           c.CISAVulnerabilityName,
		}
	}
	rec.SSVC = ssvc(c.Metrics.SSVC)
	return rec, nil
}

// parseTime reads NVD's timestamps: "2022-01-18T17:15Z" in the 1.1 feed,
// "2023-11-09T06:15:24.290" in API 2.0. NVD documents both as UTC, so a
// time without a zone is taken as UTC. Go's parser accepts any number of
// fractional digits after the seconds without a layout for them.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time %q", s)
}

// timeField reads a record's timestamp. An empty one is no claim.
func timeField(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := parseTime(s)
	if err != nil {
		return t, feed.Errorf("", field, "%v", err)
	}
	return t, nil
}

// texts keeps non-empty texts. The schemas make lang required; a missing
// one is taken to be English, the language NVD writes in.
func texts(in []langString) []advisory.Text {
	var out []advisory.Text
	for _, t := range in {
		if t.Value == "" {
			continue
		}
		lang := t.Lang
		if lang == "" {
			lang = "en"
		}
		out = append(out, advisory.Text{Lang: lang, Value: t.Value})
	}
	return out
}

// cweSet collects weaknesses without repeats. NVD's placeholders
// NVD-CWE-Other ("a CWE outside NVD's view") and NVD-CWE-noinfo ("not
// enough information") are kept as ids: they are NVD's statement that it
// looked, which differs from a record with no weakness at all.
type cweSet struct{ list []advisory.CWE }

func (s *cweSet) add(id, provider string) {
	if id == "" {
		return
	}
	c := advisory.CWE{ID: id, Provider: provider}
	for _, have := range s.list {
		if have == c {
			return
		}
	}
	s.list = append(s.list, c)
}

// severitySet collects one severity per (type, provider), which is how the
// advisory package keys severity claims. A later metric with the same key
// is a repeat and is dropped.
type severitySet struct{ list []advisory.Severity }

// add records one CVSS block. The type comes from the vector's prefix, not
// from the metric it was filed under, because the vector is what a CVSS
// calculator reads; the metric only says that an unprefixed vector is v2.
func (s *severitySet) add(d cvssData, rating, provider string, v2 bool, field string) error {
	var t advisory.SeverityType
	switch v := d.VectorString; {
	case v == "":
		return feed.Errorf("", field, "missing")
	case strings.HasPrefix(v, "CVSS:3.0/"):
		t = advisory.CVSSv30
	case strings.HasPrefix(v, "CVSS:3.1/"):
		t = advisory.CVSSv31
	case strings.HasPrefix(v, "CVSS:4.0/"):
		t = advisory.CVSSv40
	case strings.HasPrefix(v, "CVSS:"):
		return feed.Errorf("", field, "unknown CVSS version in %q", v)
	case v2:
		t = advisory.CVSSv2
	default:
		return feed.Errorf("", field, "vector %q has no CVSS version prefix", v)
	}
	for _, have := range s.list {
		if have.Type == t && have.Provider == provider {
			return nil
		}
	}
	s.list = append(s.list, advisory.Severity{
		Type: t, Vector: d.VectorString, Score: d.BaseScore, Rating: rating, Provider: provider,
	})
	return nil
}

// reference maps NVD's reference tags to an OSV reference type. A
// reference can carry several tags; the most specific wins, in the order
// FIX, EVIDENCE, ADVISORY, REPORT. An exploit is ranked above an advisory
// because NVD tags Exploit-DB and PoC pages "Exploit" together with "Third
// Party Advisory", and that an exploit exists is what risk scoring needs.
func reference(url string, tags []string) advisory.Reference {
	typ, rank := "WEB", 0
	for _, tag := range tags {
		if t, r := tagType(tag); r > rank {
			typ, rank = t, r
		}
	}
	return advisory.Reference{Type: typ, URL: url, Tags: tags}
}

// tagType gives the OSV type an NVD tag implies and its rank; other tags
// ("Mailing List", "VDB Entry", "Release Notes", ...) imply WEB, rank 0.
func tagType(tag string) (string, int) {
	switch tag {
	case "Patch":
		return "FIX", 4
	case "Exploit":
		return "EVIDENCE", 3
	case "Vendor Advisory", "Third Party Advisory":
		return "ADVISORY", 2
	case "Issue Tracking":
		return "REPORT", 1
	}
	return "WEB", 0
}

// ssvc takes the first SSVC assessment that says anything. NVD has only
// ever carried CISA's, one per CVE.
func ssvc(in []ssvc20) *advisory.SSVC {
	for _, a := range in {
		s := advisory.SSVC{Timestamp: a.Data.Timestamp, Provider: a.Source}
		for _, opt := range a.Data.Options {
			for k, v := range opt {
				switch k {
				case "exploitation":
					s.Exploitation = v
				case "automatable":
					s.Automatable = v
				case "technicalImpact":
					s.TechnicalImpact = v
				}
			}
		}
		if s.Exploitation != "" || s.Automatable != "" || s.TechnicalImpact != "" {
			return &s
		}
	}
	return nil
}
