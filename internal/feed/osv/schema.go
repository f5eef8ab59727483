package osv

import "encoding/json"

// Entry is one OSV record as the OSV schema (versions 1.3 to 1.7) defines it.
// https://ossf.github.io/osv-schema/
//
// Fields keep the schema's JSON names and its string forms: timestamps and
// vocabulary values (range types, severity types, reference types) stay
// strings here, so that a value vmc does not know reaches ToRecord, which
// decides what to drop and what to reject, instead of failing the decoder
// with no record or field to name.
//
// Slices use omitzero rather than omitempty: an absent list stays absent and
// an empty one ("aliases": []) stays empty when an Entry is encoded again,
// which the GHSA converter's expected outputs rely on.
type Entry struct {
	// SchemaVersion is the OSV schema version the record follows ("1.6.0").
	// https://ossf.github.io/osv-schema/#schema_version-field
	SchemaVersion string `json:"schema_version,omitempty"`
	// ID is the record's identifier in its home database.
	// https://ossf.github.io/osv-schema/#id-modified-fields
	ID string `json:"id"`
	// Modified is when the record was last changed, RFC 3339 in UTC.
	// The Go vulndb source writes 0001-01-01T00:00:00Z.
	Modified string `json:"modified"`
	// Published is when the record was first published.
	// https://ossf.github.io/osv-schema/#published-field
	Published string `json:"published,omitempty"`
	// Withdrawn is when the record was withdrawn; absent while it stands.
	// https://ossf.github.io/osv-schema/#withdrawn-field
	Withdrawn string `json:"withdrawn,omitempty"`
	// Aliases are ids of the same vulnerability in other databases.
	// https://ossf.github.io/osv-schema/#aliases-field
	Aliases []string `json:"aliases,omitzero"`
	// Related are ids of closely related but different vulnerabilities.
	// https://ossf.github.io/osv-schema/#related-field
	Related []string `json:"related,omitzero"`
	// Upstream are ids of the vulnerabilities this one derives from (1.7).
	// https://ossf.github.io/osv-schema/#upstream-field
	Upstream []string `json:"upstream,omitzero"`
	// Summary is a one-line English description.
	// https://ossf.github.io/osv-schema/#summary-details-fields
	Summary string `json:"summary,omitempty"`
	// Details is the full English description, in CommonMark.
	Details string `json:"details,omitempty"`
	// Severity holds the record's scores.
	// https://ossf.github.io/osv-schema/#severity-field
	Severity []Severity `json:"severity,omitzero"`
	// Affected lists the affected packages and their versions.
	// https://ossf.github.io/osv-schema/#affected-fields
	Affected []Affected `json:"affected,omitzero"`
	// References are links about the vulnerability.
	// https://ossf.github.io/osv-schema/#references-field
	References []Reference `json:"references,omitzero"`
	// Credits name who found, reported or fixed the vulnerability.
	// https://ossf.github.io/osv-schema/#credits-fields
	Credits []Credit `json:"credits,omitzero"`
	// DatabaseSpecific is free-form data of the home database: GHSA-derived
	// records put "severity" and "cwe_ids" here.
	// https://ossf.github.io/osv-schema/#database_specific-field
	DatabaseSpecific json.RawMessage `json:"database_specific,omitzero"`
}

// Severity is one score.
// https://ossf.github.io/osv-schema/#severity-field
type Severity struct {
	// Type is CVSS_V2, CVSS_V3, CVSS_V4 or Ubuntu.
	Type string `json:"type"`
	// Score is a CVSS vector for the CVSS types and a word for Ubuntu
	// ("negligible" ... "critical").
	Score string `json:"score"`
}

// Affected is one affected package with its affected versions.
// https://ossf.github.io/osv-schema/#affected-fields
type Affected struct {
	// Package is absent for records that name only git commits.
	Package *Package `json:"package,omitempty"`
	// Severity is a per-package score (schema 1.5 and later); the schema
	// forbids it when the record has a top-level severity.
	Severity []Severity `json:"severity,omitzero"`
	Ranges   []Range    `json:"ranges,omitzero"`
	// Versions are affected versions listed one by one.
	Versions          []string        `json:"versions,omitzero"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitzero"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitzero"`
}

// Package names a package in an ecosystem.
// https://ossf.github.io/osv-schema/#affectedpackage-field
type Package struct {
	// Ecosystem is an OSV ecosystem name, possibly with a ":suffix"
	// ("AlmaLinux:8", "Alpine:v3.5").
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range is a version scheme and an ordered list of events.
// https://ossf.github.io/osv-schema/#affectedranges-field
type Range struct {
	// Type is SEMVER, ECOSYSTEM or GIT.
	Type string `json:"type"`
	// Repo is the repository URL of a GIT range.
	Repo             string          `json:"repo,omitempty"`
	Events           []Event         `json:"events"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitzero"`
}

// Event is one point of a range. The schema allows exactly one field.
// https://ossf.github.io/osv-schema/#affectedrangesevents-fields
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a typed link.
// https://ossf.github.io/osv-schema/#references-field
type Reference struct {
	// Type is ADVISORY, ARTICLE, DETECTION, DISCUSSION, REPORT, FIX,
	// INTRODUCED, GIT, PACKAGE, EVIDENCE or WEB.
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Credit is a person or organisation credited for the record.
// https://ossf.github.io/osv-schema/#credits-fields
type Credit struct {
	Name    string   `json:"name"`
	Contact []string `json:"contact,omitzero"`
	// Type is FINDER, REPORTER, ANALYST, COORDINATOR,
	// REMEDIATION_DEVELOPER, REMEDIATION_REVIEWER, REMEDIATION_VERIFIER,
	// TOOL, SPONSOR or OTHER.
	Type string `json:"type,omitempty"`
}
