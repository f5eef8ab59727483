package advisory

import (
	"encoding/json"
	"time"
)

// Record is what one source document says about one vulnerability.
//
// The fields cover what CVE JSON 5 (https://cveproject.github.io/cve-schema/),
// OSV 1.6 (https://ossf.github.io/osv-schema/), the NVD CVE API 2.0, CSAF 2.0,
// CNVD, CNNVD and JVN can say; a source leaves empty what it does not say.
// Empty means "no claim", never "the value is empty".
type Record struct {
	// Source names the feed the record came from: "cve5", "osv", "nvd",
	// "kev", "epss", "cnvd", ... It is the unit of source precedence.
	Source string `json:"source"`
	// ID is the record's identifier in that source: CVE-2021-44228,
	// GO-2022-0001, GHSA-jfh8-c2jp-5v3q, CNVD-2021-95914.
	ID string `json:"id"`
	// Document names the document the record came from, for sources whose
	// documents each describe several vulnerabilities under ids they do not
	// own (a CSAF advisory's vulnerabilities are named by CVE). Two
	// vendors' advisories about one CVE are then two records. Empty for
	// sources with one record per id.
	Document string `json:"document,omitempty"`
	// Modified is when the source last changed the record, as the source says.
	// Some sources never set it (the Go vulndb publishes 0001-01-01).
	Modified time.Time `json:"modified,omitzero"`

	// Aliases are ids the source says name the same vulnerability
	// (OSV "aliases", CNVD "cves", a GHSA's CVE). They merge records.
	Aliases []string `json:"aliases,omitempty"`
	// Related are ids the source says are connected but not the same
	// (OSV "related"). They are links and never merge records: an
	// AlmaLinux erratum lists every CVE it fixes as related.
	Related []string `json:"related,omitempty"`

	Published time.Time `json:"published,omitzero"`
	// Withdrawn is when the source withdrew the record (OSV "withdrawn").
	Withdrawn time.Time `json:"withdrawn,omitzero"`
	// State is the record's lifecycle state in its source, when it has one
	// (CVE JSON 5 cveMetadata.state).
	State State `json:"state,omitempty"`

	Titles       []Text `json:"titles,omitempty"`
	Descriptions []Text `json:"descriptions,omitempty"`

	CWEs       []CWE       `json:"cwes,omitempty"`
	Severities []Severity  `json:"severities,omitempty"`
	Affected   []Affected  `json:"affected,omitempty"`
	References []Reference `json:"references,omitempty"`
	Credits    []Credit    `json:"credits,omitempty"`

	// Notes are the source's free-text notes beyond the description
	// (CSAF notes: summary, details, general, legal_disclaimer, ...).
	Notes []Note `json:"notes,omitempty"`
	// TLP is the Traffic Light Protocol label the source distributes the
	// record under (CSAF document.distribution.tlp.label), if any.
	TLP string `json:"tlp,omitempty"`

	KEV  *KEV  `json:"kev,omitempty"`
	EPSS *EPSS `json:"epss,omitempty"`
	SSVC *SSVC `json:"ssvc,omitempty"`

	// Configurations are NVD applicability statements (CPE match trees),
	// kept as the NVD API 2.0 "configurations" array so the matcher can
	// evaluate them.
	Configurations json.RawMessage `json:"configurations,omitempty"`
}

// Text is a string in a language. Lang is a BCP 47 tag as the source gives it
// ("en", "zh-CN", "ja"); sources that do not say get the language the format
// is defined in.
type Text struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

// CWE is a weakness the source assigns.
type CWE struct {
	ID          string `json:"id"` // "CWE-79", or "NVD-CWE-noinfo" as NVD writes it
	Description string `json:"description,omitempty"`
	// Provider is who inside the source said it, when a source carries
	// several voices (a CVE record's CNA and its ADP containers).
	Provider string `json:"provider,omitempty"`
}

// Severity is one scoring of the vulnerability.
type Severity struct {
	// Type is the scoring system: CVSS_V2, CVSS_V3.0, CVSS_V3.1, CVSS_V4.0,
	// or a qualitative scale named after its owner (CNVD, CNNVD, GHSA).
	Type SeverityType `json:"type"`
	// Vector is the CVSS vector string; empty for qualitative ratings.
	Vector string `json:"vector,omitempty"`
	// Score is the base score as the source states it (not recomputed).
	Score float64 `json:"score,omitempty"`
	// Rating is the qualitative severity as the source states it
	// ("CRITICAL", "高").
	Rating   string `json:"rating,omitempty"`
	Provider string `json:"provider,omitempty"`
}

// Affected is one product or package the source says is affected.
//
// Package sources (OSV, GHSA) name an ecosystem and package; product
// sources (CVE JSON 5, CNVD, CSAF) name a vendor and product, often with a
// CPE. Both kinds fit here so that one merged record can carry both.
type Affected struct {
	Ecosystem string   `json:"ecosystem,omitempty"` // OSV ecosystem name: "Go", "npm", "AlmaLinux:8"
	Package   string   `json:"package,omitempty"`
	PURL      string   `json:"purl,omitempty"`
	Vendor    string   `json:"vendor,omitempty"`
	Product   string   `json:"product,omitempty"`
	CPEs      []string `json:"cpes,omitempty"`
	// Ranges are OSV-style event lists (introduced/fixed/last_affected/limit).
	Ranges []Range `json:"ranges,omitempty"`
	// Versions are explicitly listed affected versions.
	Versions []string `json:"versions,omitempty"`
	// Status is the default status for versions not covered by Ranges or
	// Versions, as CVE JSON 5 defaultStatus says ("affected", "unaffected",
	// "unknown"); empty where the format has no such notion.
	DefaultStatus string `json:"default_status,omitempty"`
	// Text is free-form product text from sources that have no structure
	// (CNVD "products").
	Text string `json:"text,omitempty"`
	// Status is the product's status for the vulnerability, for sources
	// that state one per product (CSAF product_status, VEX): known_affected,
	// fixed, known_not_affected, under_investigation, first_affected,
	// last_affected, first_fixed, recommended.
	Status string `json:"status,omitempty"`
	// Justification says why a product is not affected (a CSAF flag label
	// or VEX justification such as vulnerable_code_not_present).
	Justification string `json:"justification,omitempty"`
	// Remediations are what the source advises for this product.
	Remediations []Remediation `json:"remediations,omitempty"`
	// Provider is who inside the source said it (a CVE record's ADP).
	Provider string `json:"provider,omitempty"`
}

// Remediation is advice for an affected product (CSAF remediations).
type Remediation struct {
	// Category is CSAF's: mitigation, no_fix_planned, none_available,
	// vendor_fix, workaround.
	Category string `json:"category"`
	Details  string `json:"details,omitempty"`
	URL      string `json:"url,omitempty"`
	Date     string `json:"date,omitempty"`
}

// Note is a titled piece of text from the source.
type Note struct {
	Category string `json:"category,omitempty"`
	Title    string `json:"title,omitempty"`
	Text     string `json:"text"`
	Lang     string `json:"lang,omitempty"`
}

// Range is an OSV range: a version scheme and an ordered list of events.
// https://ossf.github.io/osv-schema/#affectedranges-field
type Range struct {
	Type   RangeType `json:"type"`
	Repo   string    `json:"repo,omitempty"` // GIT ranges only
	Events []Event   `json:"events"`
}

// Event is one point on a range. Exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a link the source gives.
type Reference struct {
	// Type is the OSV reference type (ADVISORY, ARTICLE, FIX, PACKAGE,
	// REPORT, WEB, ...) where the source has one, else "WEB".
	Type string `json:"type"`
	URL  string `json:"url"`
	// Tags are the source's own labels (CVE JSON 5 tags, NVD tags).
	Tags []string `json:"tags,omitempty"`
}

// Credit is a person or organisation the source credits.
type Credit struct {
	Name    string   `json:"name"`
	Type    string   `json:"type,omitempty"` // OSV credit type: FINDER, REPORTER, ...
	Contact []string `json:"contact,omitempty"`
	Lang    string   `json:"lang,omitempty"`
}

// KEV is an entry in CISA's Known Exploited Vulnerabilities catalogue.
// https://www.cisa.gov/known-exploited-vulnerabilities-catalog
type KEV struct {
	DateAdded                  string   `json:"date_added"` // YYYY-MM-DD
	DueDate                    string   `json:"due_date,omitempty"`
	VendorProject              string   `json:"vendor_project,omitempty"`
	Product                    string   `json:"product,omitempty"`
	Name                       string   `json:"name,omitempty"`
	RequiredAction             string   `json:"required_action,omitempty"`
	KnownRansomwareCampaignUse string   `json:"known_ransomware_campaign_use,omitempty"`
	Notes                      string   `json:"notes,omitempty"`
	CWEs                       []string `json:"cwes,omitempty"`
	// Catalog is the catalogue version the entry was read from.
	Catalog string `json:"catalog,omitempty"`
}

// EPSS is one day's Exploit Prediction Scoring System score.
// https://www.first.org/epss/data_stats
type EPSS struct {
	Score      float64 `json:"score"`
	Percentile float64 `json:"percentile,omitempty"` // absent before 2021-09-01
	Date       string  `json:"date"`                 // YYYY-MM-DD of the score
	Model      string  `json:"model,omitempty"`
}

// SSVC holds the decision-point values a provider (CISA's vulnrichment ADP)
// published for the vulnerability.
type SSVC struct {
	Exploitation    string `json:"exploitation,omitempty"`
	Automatable     string `json:"automatable,omitempty"`
	TechnicalImpact string `json:"technical_impact,omitempty"`
	Timestamp       string `json:"timestamp,omitempty"`
	Provider        string `json:"provider,omitempty"`
}
