package csaf

import "encoding/json"

// The types below mirror the parts of a CSAF document that Parse reads.
// Section numbers refer to CSAF 2.0
// (https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html, JSON
// schema https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json);
// fields that only CSAF 2.1 has say so and name the 2.1 schema
// (https://docs.oasis-open.org/csaf/csaf/v2.1/schema/csaf.json). Both
// versions decode into the same types, because 2.1 renames a few
// properties (cwe → cwes, purl → purls, scores → metrics, release_date →
// disclosure_date) and keeps the rest, and early 2.1 drafts still wrote the
// 2.0 spelling under csaf_version "2.1".
//
// Vocabulary values (TLP labels, flag labels, remediation categories,
// product status keys) stay strings so that an unknown value reaches the
// mapper, which names the record and field, instead of failing the decoder.
// Properties Parse does not read (generator, revision_history, hashes,
// model numbers, involvements, ...) are not declared and so are skipped.

// document is the whole JSON document (§3.2).
type document struct {
	Document    *meta        `json:"document"`
	ProductTree *productTree `json:"product_tree"`
	// Vulnerabilities are decoded one at a time, so that a malformed entry
	// rejects its own record and not the document.
	Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
}

// meta is the document property (§3.2.1): what is said about the document
// as a whole.
type meta struct {
	Acknowledgments   []acknowledgment   `json:"acknowledgments"`    // §3.2.1.1
	AggregateSeverity *aggregateSeverity `json:"aggregate_severity"` // §3.2.1.2
	// Category is the profile: csaf_base, csaf_security_advisory,
	// csaf_vex, csaf_security_incident_response,
	// csaf_informational_advisory, or any other text (a csaf_base
	// document, such as Cisco's "Cisco Security Advisory"). §3.2.1.3
	Category     string        `json:"category"`
	CSAFVersion  string        `json:"csaf_version"` // "2.0" or "2.1", §3.2.1.4
	Distribution *distribution `json:"distribution"` // §3.2.1.5
	Lang         string        `json:"lang"`         // BCP 47, §3.2.1.6
	Notes        []note        `json:"notes"`        // §3.2.1.7
	Publisher    publisher     `json:"publisher"`    // §3.2.1.8
	References   []reference   `json:"references"`   // §3.2.1.9
	Title        string        `json:"title"`        // §3.2.1.11
	Tracking     tracking      `json:"tracking"`     // §3.2.1.12
}

// aggregateSeverity is the publisher's own rating of the whole document,
// not of any one vulnerability (§3.2.1.2).
type aggregateSeverity struct {
	Namespace string `json:"namespace"`
	Text      string `json:"text"`
}

// distribution says how the document may be shared (§3.2.1.5).
type distribution struct {
	Text string `json:"text"`
	TLP  *struct {
		// Label is WHITE, GREEN, AMBER or RED in 2.0 (§3.2.1.5.2.1);
		// CLEAR, GREEN, AMBER, AMBER+STRICT or RED in 2.1.
		Label string `json:"label"`
		URL   string `json:"url"`
	} `json:"tlp"`
}

// publisher is who issued the document (§3.2.1.8).
type publisher struct {
	// Category is coordinator, discoverer, other, translator, user or
	// vendor; 2.1 adds multiplier.
	Category       string `json:"category"`
	ContactDetails string `json:"contact_details"`
	Name           string `json:"name"`
	// Namespace is a URL the publisher controls; it identifies the
	// publisher globally.
	Namespace string `json:"namespace"`
}

// tracking holds the document's identity and dates (§3.2.1.12).
type tracking struct {
	CurrentReleaseDate string `json:"current_release_date"` // §3.2.1.12.1
	ID                 string `json:"id"`                   // §3.2.1.12.3
	InitialReleaseDate string `json:"initial_release_date"` // §3.2.1.12.4
	Status             string `json:"status"`               // draft, final, interim; §3.2.1.12.6
	Version            string `json:"version"`              // §3.2.1.12.7
}

// acknowledgment credits contributors (§3.1.1).
type acknowledgment struct {
	Names        []string `json:"names"`
	Organization string   `json:"organization"`
	Summary      string   `json:"summary"`
	URLs         []string `json:"urls"`
}

// note is a piece of text with a category (§3.1.5): description, details,
// faq, general, legal_disclaimer, other or summary.
type note struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title"`
}

// reference is a link (§3.1.10). Category is "self" for the document or
// vulnerability itself and "external" (the default) for anything else.
type reference struct {
	Category string `json:"category"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

// productTree defines every product the document talks about (§3.2.2).
type productTree struct {
	Branches         []branch          `json:"branches"`           // §3.2.2.1
	FullProductNames []fullProductName `json:"full_product_names"` // §3.2.2.2
	ProductGroups    []productGroup    `json:"product_groups"`     // §3.2.2.3
	Relationships    []relationship    `json:"relationships"`      // §3.2.2.4
}

// branch is one level of the product hierarchy (§3.1.2): vendor →
// product_name → product_version, with architecture, language,
// patch_level, platform, product_family, product_version_range,
// service_pack, specification, host_name and legacy levels between. A
// branch holds either further branches or a product.
type branch struct {
	Branches []branch         `json:"branches"`
	Category string           `json:"category"`
	Name     string           `json:"name"`
	Product  *fullProductName `json:"product"`
}

// fullProductName defines a product and its id (§3.1.3).
type fullProductName struct {
	Name       string  `json:"name"`
	ProductID  string  `json:"product_id"`
	Identifier *helper `json:"product_identification_helper"`
}

// helper identifies a product outside the document (§3.1.3.3). Hashes,
// model numbers, SBOM URLs, serial numbers, SKUs and generic URIs are not
// read: advisory.Affected has no place for them.
type helper struct {
	CPE  string `json:"cpe"`
	PURL string `json:"purl"` // 2.0
	// PURLs replaces PURL in CSAF 2.1.
	PURLs []string `json:"purls"`
}

// productGroup names a set of products (§3.2.2.3).
type productGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
}

// relationship defines a product made of two others (§3.2.2.4): the
// product_reference is a default, optional or external component of,
// installed on, or installed with the relates_to product.
type relationship struct {
	Category                  string          `json:"category"`
	FullProductName           fullProductName `json:"full_product_name"`
	ProductReference          string          `json:"product_reference"`
	RelatesToProductReference string          `json:"relates_to_product_reference"`
}

// vulnerability is one entry of the vulnerabilities property (§3.2.3).
type vulnerability struct {
	Acknowledgments []acknowledgment `json:"acknowledgments"` // §3.2.3.1
	CVE             string           `json:"cve"`             // §3.2.3.2
	CWE             *cwe             `json:"cwe"`             // 2.0, §3.2.3.3
	// CWEs replaces CWE in CSAF 2.1.
	CWEs          []cwe  `json:"cwes"`
	DiscoveryDate string `json:"discovery_date"` // §3.2.3.4
	// DisclosureDate replaces release_date in CSAF 2.1.
	DisclosureDate string `json:"disclosure_date"`
	// FirstKnownExploitationDates is CSAF 2.1.
	FirstKnownExploitationDates []exploitationDate `json:"first_known_exploitation_dates"`
	Flags                       []flag             `json:"flags"` // §3.2.3.5
	IDs                         []vulnID           `json:"ids"`   // §3.2.3.6
	// Metrics replaces scores in CSAF 2.1.
	Metrics       []metric       `json:"metrics"`
	Notes         []note         `json:"notes"`          // §3.2.3.8
	ProductStatus *productStatus `json:"product_status"` // §3.2.3.9
	References    []reference    `json:"references"`     // §3.2.3.10
	ReleaseDate   string         `json:"release_date"`   // §3.2.3.11
	Remediations  []remediation  `json:"remediations"`   // §3.2.3.12
	Scores        []score        `json:"scores"`         // §3.2.3.13
	Threats       []threat       `json:"threats"`        // §3.2.3.14
	Title         string         `json:"title"`          // §3.2.3.15
}

// cwe is a weakness (§3.2.3.3). Version is CSAF 2.1's.
type cwe struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// exploitationDate says when the vulnerability was first exploited in the
// products named (CSAF 2.1).
type exploitationDate struct {
	Date             string `json:"date"`
	ExploitationDate string `json:"exploitation_date"`
}

// flag is a machine-readable statement about products (§3.2.3.5); its
// label is one of the five VEX justifications.
type flag struct {
	Date       string   `json:"date"`
	GroupIDs   []string `json:"group_ids"`
	Label      string   `json:"label"`
	ProductIDs []string `json:"product_ids"`
}

// vulnID is an id of the vulnerability in some tracking system (§3.2.3.6):
// a vendor bug id, a GitHub issue, a GHSA.
type vulnID struct {
	SystemName string `json:"system_name"`
	Text       string `json:"text"`
}

// productStatus lists product ids by status (§3.2.3.9). Unknown is CSAF
// 2.1's.
type productStatus struct {
	FirstAffected      []string `json:"first_affected"`
	FirstFixed         []string `json:"first_fixed"`
	Fixed              []string `json:"fixed"`
	KnownAffected      []string `json:"known_affected"`
	KnownNotAffected   []string `json:"known_not_affected"`
	LastAffected       []string `json:"last_affected"`
	Recommended        []string `json:"recommended"`
	UnderInvestigation []string `json:"under_investigation"`
	Unknown            []string `json:"unknown"`
}

// remediation is advice for the products named (§3.2.3.12).
type remediation struct {
	// Category is mitigation, no_fix_planned, none_available, vendor_fix
	// or workaround; 2.1 adds fix_planned and optional_patch.
	Category   string   `json:"category"`
	Date       string   `json:"date"`
	Details    string   `json:"details"`
	GroupIDs   []string `json:"group_ids"`
	ProductIDs []string `json:"product_ids"`
	URL        string   `json:"url"`
}

// score is a CSAF 2.0 score (§3.2.3.13): CVSS v2 and v3 for the products
// named.
type score struct {
	CVSSv2   *cvss    `json:"cvss_v2"`
	CVSSv3   *cvss    `json:"cvss_v3"`
	Products []string `json:"products"`
}

// metric is CSAF 2.1's replacement of score: a content object of several
// scoring systems, the products it applies to, and who determined it.
type metric struct {
	Content  metricContent `json:"content"`
	Products []string      `json:"products"`
	// Source is the URL of whoever determined the metric, when it is not
	// the publisher.
	Source string `json:"source"`
}

type metricContent struct {
	CVSSv2 *cvss `json:"cvss_v2"`
	CVSSv3 *cvss `json:"cvss_v3"`
	CVSSv4 *cvss `json:"cvss_v4"`
	EPSS   *epss `json:"epss"`
	// QualitativeSeverityRating is critical, high, medium, low or none.
	QualitativeSeverityRating string `json:"qualitative_severity_rating"`
	SSVCv2                    *ssvc  `json:"ssvc_v2"`
}

// cvss holds the fields of a FIRST CVSS JSON object (v2.0, v3.0, v3.1,
// v4.0; https://www.first.org/cvss/data-representations) that vmc keeps.
// v2 objects have no baseSeverity.
type cvss struct {
	VectorString string   `json:"vectorString"`
	BaseScore    *float64 `json:"baseScore"`
	BaseSeverity string   `json:"baseSeverity"`
}

// epss is an EPSS score as CSAF 2.1 writes it: decimal strings and the
// time the score was recorded.
type epss struct {
	Percentile  string `json:"percentile"`
	Probability string `json:"probability"`
	Timestamp   string `json:"timestamp"`
}

// ssvc is an SSVC v2 selection list
// (https://certcc.github.io/SSVC/data/schema/v2/SelectionList_2_0_0.schema.json).
type ssvc struct {
	Selections []struct {
		Key       string `json:"key"`
		Namespace string `json:"namespace"`
		Values    []struct {
			Key string `json:"key"`
		} `json:"values"`
	} `json:"selections"`
	Timestamp string `json:"timestamp"`
}

// threat is information that changes with time (§3.2.3.14): impact,
// exploit_status or target_set.
type threat struct {
	Category   string   `json:"category"`
	Date       string   `json:"date"`
	Details    string   `json:"details"`
	GroupIDs   []string `json:"group_ids"`
	ProductIDs []string `json:"product_ids"`
}
