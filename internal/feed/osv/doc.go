// Package osv reads Open Source Vulnerability records
// (https://ossf.github.io/osv-schema/, schema 1.3 to 1.7) into
// advisory.Records with Source "osv".
//
// # Inputs
//
// One document is one of:
//   - a JSON record, as in the osv.dev all.zip bulk files (one <ID>.json per
//     zip entry; the importer opens the zip and calls Parse per entry);
//   - a JSON array of records (osv.dev /v1/querybatch style dumps), streamed
//     one element at a time, or records one after another (JSON Lines);
//   - OSV in YAML, as the PyPA advisory database keeps it
//     (vulns/<package>/PYSEC-*.yaml): a .yaml or .yml name, or any content
//     that does not start with '{' or '['. Each YAML document is re-encoded
//     as JSON and decoded by the same code, so both spellings obey the same
//     rules. Scalars keep their written text: a version written bare as 1.10
//     stays "1.10".
//
// A record larger than 16 MiB is an error. In an array or a stream it also
// ends the document, since the reader cannot find where the next record
// starts without reading the oversized one.
//
// Entry and its parts mirror the schema and are exported so that other
// feeds that convert to OSV (feed/ghsa) can build an Entry and map it with
// ToRecord.
//
// # Mapping
//
//   - id, aliases → ID, Aliases. related and upstream (1.7) → Related: both
//     are links that must never merge records (an AlmaLinux erratum lists
//     every CVE it fixes as related). RustSec writes pull-request URLs into
//     related; a URL there becomes a WEB reference.
//   - modified, published, withdrawn → the same, in UTC. RFC 3339 with or
//     without fractional seconds; the Go vulndb's 0001-01-01T00:00:00Z is
//     accepted as written (advisory.Record.Claims ignores it). withdrawn
//     also sets State WITHDRAWN.
//   - summary → Titles["en"], details → Descriptions["en"]: OSV text is
//     English by definition.
//   - severity and affected[].severity (1.5+) are folded into Severities,
//     without repeats (Bitnami gives one vector per package). CVSS_V2 →
//     CVSS_V2; CVSS_V3 → CVSS_V3.0 or CVSS_V3.1 by the vector's prefix;
//     CVSS_V4 → CVSS_V4.0. The vector goes to Vector; a bare number, which
//     the schema does not allow but some producers write, goes to Score
//     (a bare CVSS_V3 number is filed as 3.1). A qualitative scale
//     ("Ubuntu", or any later one) → Type OTHER with Rating, and the scale's
//     name as Provider.
//   - database_specific.severity → Type GHSA for GHSA records (GitHub's OSV
//     export writes LOW/MODERATE/HIGH/CRITICAL there); other databases use
//     the key for their own scale (Bitnami: "Critical", "Unknown"), which
//     becomes Type OTHER with the id's prefix ("BIT") as Provider.
//     database_specific.cwe_ids → CWEs. Other database_specific and
//     ecosystem_specific content is not read, and a database_specific of a
//     shape vmc does not expect is ignored: it is free-form by definition.
//   - affected[] → Affected: package ecosystem, name and purl, ranges (type,
//     repo, the four event kinds in order) and versions.
//   - references → References, keeping unknown types; a missing type
//     becomes WEB. credits → Credits (name, type, contact).
//
// # What rejects a record
//
// A record is rejected with a *feed.RecordError naming it and the field
// only where the schema makes it invalid and vmc could not store or use it:
// no id or a malformed one (advisory.ValidID), no modified, a timestamp
// that is not RFC 3339, a malformed alias or related id, a package without
// ecosystem or name, a range without type or events, a GIT range without a
// repo, an event that sets no version or more than one, a range with no
// introduced event, a range mixing fixed and last_affected, a severity
// without type or score, a CVSS_V3 or CVSS_V4 score that is neither a
// vector of its version nor a number, a numeric score outside 0 to 10, a
// reference without url, a credit without name. An empty version string counts as
// absent, since advisory.Event cannot tell the two apart.
//
// Not rejected: an unknown range type drops only that range (its events
// cannot be ordered without its scheme), and an unknown reference or credit
// type is kept as written. The GIT commit-hash pattern and the schema's
// closed lists of ecosystems and id prefixes are not enforced: they are for
// matching and for the databases' own linting, and a new database or
// ecosystem must not stop an import.
//
// The OSV linter's deliberately broken examples
// (tools/osv-linter/testdata in ossf/osv-schema) are decided so:
//   - nointroduced- (a GIT range of two fixed events; linter check R0001):
//     rejected. The schema requires an introduced event, and a range
//     without one affects nothing, so importing it would quietly say
//     "not affected".
//   - nondistinct- (a range introduced and fixed at the same commit; R0002):
//     imported. It is valid under the schema; the empty range matches no
//     version and the rest of the record is sound.
//   - nopackage- (a misspelt package, "Gradi0"; P0001/P0002 ask the
//     package registry): imported. Whether a package exists is a question
//     for the registry, which a parser does not ask and vmc may not reach.
package osv
