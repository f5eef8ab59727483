package nvd

// The types in this file mirror the parts of NVD's two JSON schemas that vmc
// reads. Fields vmc does not map (exploitabilityScore, cveTags,
// vendorComments, the 1.1 cpe_name lists, ...) are left out, and
// encoding/json skips them.

// item11 is one entry of CVE_Items in the NVD JSON 1.1 data feed.
// https://csrc.nist.gov/schema/nvd/feed/1.1/nvd_cve_feed_json_1.1.schema
// ("def_cve_item"); the cve member follows the MITRE CVE JSON 4.0 schema.
type item11 struct {
	CVE struct {
		Meta struct {
			ID string `json:"ID"`
		} `json:"CVE_data_meta"`
		ProblemType struct {
			Data []struct {
				Description []langString `json:"description"`
			} `json:"problemtype_data"`
		} `json:"problemtype"`
		References struct {
			Data []reference11 `json:"reference_data"`
		} `json:"references"`
		Description struct {
			Data []langString `json:"description_data"`
		} `json:"description"`
	} `json:"cve"`
	Configurations struct {
		Nodes []node11 `json:"nodes"`
	} `json:"configurations"`
	Impact struct {
		// BaseMetricV3 is NVD's own CVSS v3.x assessment ("def_impact").
		V3 *struct {
			CVSS cvssData `json:"cvssV3"`
		} `json:"baseMetricV3"`
		// BaseMetricV2 is NVD's CVSS v2 assessment. Its qualitative rating
		// sits beside cvssV2, not inside it.
		V2 *struct {
			CVSS     cvssData `json:"cvssV2"`
			Severity string   `json:"severity"`
		} `json:"baseMetricV2"`
	} `json:"impact"`
	PublishedDate    string `json:"publishedDate"`    // "2022-01-18T17:15Z"
	LastModifiedDate string `json:"lastModifiedDate"` // same layout
}

// langString is the {lang, value} pair both schemas use for text.
type langString struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

// reference11 is "reference" in CVE JSON 4.0 as NVD 1.1 extends it with
// tags. name and refsource are not mapped: name repeats the URL or a
// mailing-list subject, and refsource is MITRE's old source code list.
type reference11 struct {
	URL  string   `json:"url"`
	Tags []string `json:"tags"`
}

// node11 is "def_node" of the 1.1 schema: a boolean operator over CPE
// matches and, recursively, over child nodes.
type node11 struct {
	Operator string       `json:"operator"` // "AND" or "OR"
	Negate   bool         `json:"negate"`
	Children []node11     `json:"children"`
	CPEMatch []cpeMatch11 `json:"cpe_match"`
}

// cpeMatch11 is "def_cpe_match" of the 1.1 schema.
type cpeMatch11 struct {
	Vulnerable            bool   `json:"vulnerable"`
	CPE23URI              string `json:"cpe23Uri"`
	VersionStartExcluding string `json:"versionStartExcluding"`
	VersionStartIncluding string `json:"versionStartIncluding"`
	VersionEndExcluding   string `json:"versionEndExcluding"`
	VersionEndIncluding   string `json:"versionEndIncluding"`
}

// cvssData is the part of a CVSS block vmc keeps: the vector, the base
// score and, for v3 and v4, the base severity. The same member names are
// used by 1.1 cvssV2/cvssV3 and by 2.0 cvssData.
// https://csrc.nist.gov/schema/nvd/api/2.0/external/cvss-v3.1.json
type cvssData struct {
	Version      string  `json:"version"`
	VectorString string  `json:"vectorString"`
	BaseScore    float64 `json:"baseScore"`
	BaseSeverity string  `json:"baseSeverity"`
}

// item20 is one element of "vulnerabilities" in an NVD CVE API 2.0
// response and in the 2.0 data feeds.
// https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema
type item20 struct {
	CVE *cve20 `json:"cve"`
}

// cve20 is "cve_item" of the API 2.0 schema.
type cve20 struct {
	ID           string       `json:"id"`
	Published    string       `json:"published"`    // "2023-11-09T06:15:24.290", UTC without a zone
	LastModified string       `json:"lastModified"` // same layout
	VulnStatus   string       `json:"vulnStatus"`   // "Received", "Analyzed", "Rejected", ...
	Descriptions []langString `json:"descriptions"`

	// The cisa* members repeat the CISA KEV catalogue entry, when there is
	// one.
	CISAExploitAdd        string `json:"cisaExploitAdd"` // YYYY-MM-DD
	CISAActionDue         string `json:"cisaActionDue"`  // YYYY-MM-DD
	CISARequiredAction    string `json:"cisaRequiredAction"`
	CISAVulnerabilityName string `json:"cisaVulnerabilityName"`

	Metrics struct {
		V40  []metric20 `json:"cvssMetricV40"`
		V31  []metric20 `json:"cvssMetricV31"`
		V30  []metric20 `json:"cvssMetricV30"`
		V2   []metric20 `json:"cvssMetricV2"`
		SSVC []ssvc20   `json:"ssvcV203"`
	} `json:"metrics"`
	Weaknesses []struct {
		Source      string       `json:"source"`
		Description []langString `json:"description"`
	} `json:"weaknesses"`
	Configurations []configuration `json:"configurations"`
	References     []struct {
		URL  string   `json:"url"`
		Tags []string `json:"tags"`
	} `json:"references"`
}

// metric20 is one element of cvssMetricV2/V30/V31/V40.
type metric20 struct {
	// Source says who scored: "nvd@nist.gov" for NVD's own ("Primary")
	// score, a CNA's source identifier for its ("Secondary") score. The
	// type member only repeats that, so it is not read.
	Source string   `json:"source"`
	Data   cvssData `json:"cvssData"`
	// BaseSeverity is set on cvssMetricV2 only; v3 and v4 carry it inside
	// cvssData.
	BaseSeverity string `json:"baseSeverity"`
}

// ssvc20 is one element of metrics.ssvcV203: CISA's SSVC decision points,
// as NVD copies them from the CISA ADP container of the CVE record.
type ssvc20 struct {
	Source string `json:"source"`
	Data   struct {
		Timestamp string `json:"timestamp"`
		// Options is a list of one-member objects:
		// [{"exploitation":"none"},{"automatable":"yes"},{"technicalImpact":"total"}].
		Options []map[string]string `json:"options"`
	} `json:"ssvcData"`
}

// configuration is "config" of the API 2.0 schema, and the shape vmc stores
// in advisory.Record.Configurations for both formats. The configurations of
// a CVE are alternatives: the CVE applies when any of them matches.
type configuration struct {
	Operator string `json:"operator,omitempty"` // over Nodes; absent means OR
	Negate   bool   `json:"negate,omitempty"`
	Nodes    []node `json:"nodes"`
}

// node is "node" of the API 2.0 schema: one operator over CPE matches,
// with no children.
type node struct {
	Operator string     `json:"operator"`
	Negate   bool       `json:"negate"`
	CPEMatch []cpeMatch `json:"cpeMatch"`
}

// cpeMatch is "cpe_match" of the API 2.0 schema.
type cpeMatch struct {
	Vulnerable bool   `json:"vulnerable"`
	Criteria   string `json:"criteria"` // a CPE 2.3 formatted string
	// MatchCriteriaID links to the NVD CPE Match API. The 1.1 feed has no
	// such id, so converted 1.1 matches leave it empty.
	MatchCriteriaID       string `json:"matchCriteriaId,omitempty"`
	VersionStartExcluding string `json:"versionStartExcluding,omitempty"`
	VersionStartIncluding string `json:"versionStartIncluding,omitempty"`
	VersionEndExcluding   string `json:"versionEndExcluding,omitempty"`
	VersionEndIncluding   string `json:"versionEndIncluding,omitempty"`
}
