package cve5

import "encoding/json"

// The types in this file mirror the parts of the CVE Record Format that vmc
// reads. Field comments name the schema definition they come from, in
// https://github.com/CVEProject/cve-schema/blob/main/schema/CVE_Record_Format.json
// (5.1.1; a copy is in ../shared/data/cve5/schema/). Properties vmc does not
// map (impacts, solutions, workarounds, exploits, timeline, taxonomyMappings,
// x_* extensions) are not declared, so the decoder skips them.
//
// Every field is a plain Go type. Closed vocabularies (state, status,
// credit type) are read as strings and checked by the mapping code, which
// knows the field's path and can name it in the error; a custom
// UnmarshalJSON would fail without that context.

// record is the whole document: definitions "dataType", "dataVersion",
// "cveMetadataPublished" / "cveMetadataRejected" and "containers".
type record struct {
	// DataType is always "CVE_RECORD".
	DataType string `json:"dataType"`
	// DataVersion is the schema version, "5.0", "5.1", "5.1.1", "5.2".
	DataVersion string     `json:"dataVersion"`
	Metadata    metadata   `json:"cveMetadata"`
	Containers  containers `json:"containers"`
}

// metadata is cveMetadataPublished or cveMetadataRejected. A RESERVED
// record has the same shape and no containers.
type metadata struct {
	// ID is the CVE id, definition "cveId": ^CVE-[0-9]{4}-[0-9]{4,19}$.
	ID string `json:"cveId"`
	// AssignerShortName names the CNA; it stands in for a CNA container
	// whose providerMetadata has no shortName.
	AssignerShortName string `json:"assignerShortName"`
	// State is PUBLISHED, REJECTED or RESERVED.
	State string `json:"state"`
	// The dates are definition "timestamp": RFC 3339 with optional
	// fraction and optional zone, GMT when no zone is given.
	DatePublished string `json:"datePublished"`
	DateUpdated   string `json:"dateUpdated"`
	DateRejected  string `json:"dateRejected"`
}

// containers holds the CNA's container and any ADP containers (definition
// "containers").
type containers struct {
	CNA *container  `json:"cna"`
	ADP []container `json:"adp"`
}

// container is the union of cnaPublishedContainer, cnaRejectedContainer and
// adpContainer: they share their property names, and the mapping code
// decides which parts it reads from which kind.
type container struct {
	ProviderMetadata providerMetadata `json:"providerMetadata"`
	Title            string           `json:"title"`
	Descriptions     []description    `json:"descriptions"`
	// RejectedReasons replace descriptions in a REJECTED record.
	RejectedReasons []description `json:"rejectedReasons"`
	// ReplacedBy lists the CVE ids a REJECTED record was rejected in
	// favour of (cnaRejectedContainer.replacedBy).
	ReplacedBy   []string      `json:"replacedBy"`
	Affected     []product     `json:"affected"`
	ProblemTypes []problemType `json:"problemTypes"`
	Metrics      []metric      `json:"metrics"`
	References   []reference   `json:"references"`
	Credits      []credit      `json:"credits"`
	// CPEApplicability is the CVE 5.1 port of NVD's configurations: an
	// array of {operator, negate, nodes[{operator, negate, cpeMatch}]}
	// (definition "cpeApplicabilityElement").
	CPEApplicability json.RawMessage `json:"cpeApplicability"`
}

// providerMetadata says who wrote a container (definition
// "providerMetadata").
type providerMetadata struct {
	OrgID       string `json:"orgId"`
	ShortName   string `json:"shortName"`
	DateUpdated string `json:"dateUpdated"`
}

// description is definition "description": a text in a language.
// supportingMedia (an HTML rendering of the same text) is not read.
type description struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

// product is one entry of "affected" (definition "product").
type product struct {
	Vendor  string `json:"vendor"`
	Product string `json:"product"`
	// CollectionURL names the package collection in which PackageName is
	// meaningful ("https://pypi.org", "https://wordpress.org/plugins").
	CollectionURL string   `json:"collectionURL"`
	PackageName   string   `json:"packageName"`
	CPEs          []string `json:"cpes"`
	// Repo is the source repository; it resolves git version ranges.
	Repo string `json:"repo"`
	// DefaultStatus is the status of versions the list does not mention:
	// affected, unaffected or unknown (the schema's default).
	DefaultStatus string    `json:"defaultStatus"`
	Versions      []version `json:"versions"`
}

// version is one entry of product.versions: a single version, or the range
// version <= V < lessThan (or <= lessThanOrEqual) with optional status
// changes inside it.
type version struct {
	Version string `json:"version"`
	// Status is affected, unaffected or unknown.
	Status string `json:"status"`
	// VersionType names the version scheme: "semver", "git", "custom",
	// "maven", "rpm", "python", or anything else a CNA makes up.
	VersionType string `json:"versionType"`
	// LessThan and LessThanOrEqual are pointers because the schema gives
	// their presence meaning: without either the entry is one version.
	LessThan        *string  `json:"lessThan"`
	LessThanOrEqual *string  `json:"lessThanOrEqual"`
	Changes         []change `json:"changes"`
}

// change is a status change at a version inside a range.
type change struct {
	At     string `json:"at"`
	Status string `json:"status"`
}

// problemType is an entry of "problemTypes".
type problemType struct {
	Descriptions []problemDescription `json:"descriptions"`
}

// problemDescription names a weakness, as a CWE id or as free text.
type problemDescription struct {
	CWEID       string `json:"cweId"`
	Description string `json:"description"`
	Lang        string `json:"lang"`
	Type        string `json:"type"`
}

// metric is one entry of "metrics": one of the CVSS objects, or "other".
// format and scenarios are not read.
type metric struct {
	CVSSv2  *cvss        `json:"cvssV2_0"`
	CVSSv30 *cvss        `json:"cvssV3_0"`
	CVSSv31 *cvss        `json:"cvssV3_1"`
	CVSSv40 *cvss        `json:"cvssV4_0"`
	Other   *otherMetric `json:"other"`
}

// cvss holds the fields of the FIRST CVSS JSON schemas that vmc keeps; the
// metric-by-metric fields repeat what the vector says.
type cvss struct {
	VectorString *string  `json:"vectorString"`
	BaseScore    *float64 `json:"baseScore"`
	// BaseSeverity is absent in CVSS v2.
	BaseSeverity string `json:"baseSeverity"`
}

// otherMetric is a metric in a format the schema does not define. Content
// stays raw because its shape depends on Type; the two types vmc reads
// (CISA's "ssvc" and "kev") are decoded into ssvcContent and kevContent.
type otherMetric struct {
	Type    string          `json:"type"`
	Content json.RawMessage `json:"content"`
}

// ssvcContent is CISA vulnrichment's SSVC decision: options is a list of
// single-key objects, [{"Exploitation":"none"}, {"Automatable":"no"},
// {"Technical Impact":"partial"}].
// https://github.com/cisagov/vulnrichment#ssvc
type ssvcContent struct {
	ID        string              `json:"id"`
	Role      string              `json:"role"`
	Version   string              `json:"version"`
	Timestamp string              `json:"timestamp"`
	Options   []map[string]string `json:"options"`
}

// kevContent is CISA vulnrichment's KEV flag: the date the CVE entered the
// catalogue and a link to the catalogue.
type kevContent struct {
	DateAdded string `json:"dateAdded"`
	Reference string `json:"reference"`
}

// ratingContent covers the qualitative ratings CNAs put in "other" metrics:
// Red Hat's {"value":"Moderate","namespace":...}, the common
// {"text":"important"} and Vulnogram's {"other":"critical"} (Apache). The
// fields are raw because content is free-form: a number there is not an
// error, just not a rating.
type ratingContent struct {
	Value json.RawMessage `json:"value"`
	Text  json.RawMessage `json:"text"`
	Other json.RawMessage `json:"other"`
}

// reference is definition "reference".
type reference struct {
	URL  string   `json:"url"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// credit is an entry of "credits".
type credit struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
	// Type is finder, reporter, analyst, coordinator, remediation
	// developer, remediation reviewer, remediation verifier, tool, sponsor
	// or other; the schema's default is finder.
	Type string `json:"type"`
}
