// Package ghsa reads GitHub Security Advisories in GitHub's own JSON into
// advisory.Records with Source "ghsa", and converts them to OSV.
//
// # Inputs
//
// GitHub serves advisories in two shapes, and both are read:
//   - GraphQL SecurityAdvisory objects (camelCase: "ghsaId",
//     "vulnerabilities": {"nodes": [...]}), as the OSV project's
//     dump_ghsa.py saves them one per file, and whole GraphQL responses
//     ({"data": {"securityAdvisories": {"nodes" or "edges"}}}).
//     https://docs.github.com/en/graphql/reference/objects#securityadvisory
//   - REST global advisories (snake_case: "ghsa_id", "vulnerabilities":
//     [...], "first_patched_version" as a string, lower-case severities and
//     ecosystems), one per file or a JSON array as GET /advisories returns.
//     GlobalAdvisory.Advisory brings them into the GraphQL shape.
//     https://docs.github.com/en/rest/security-advisories/global-advisories
//
// GitHub's advisory-database repository publishes OSV files; those are
// feed/osv's, not this package's.
//
// # ToOSV
//
// ToOSV reproduces the OSV project's converter (tools/ghsa/convert_ghsa.py
// in ossf/osv-schema), and its test data, copied in testdata/converter,
// holds it to that. The converter's choices, kept so: ecosystems map NPM →
// npm, PIP → PyPI and so on, with SEMVER ranges for npm and Go and
// ECOSYSTEM ranges elsewhere; PyPI names are normalised (PEP 503); each
// package's vulnerable ranges fold into one event list, with introduced "0"
// put first when any range has no lower bound; "= X" with a patch becomes
// introduced X, fixed patch, and without one a listed version; "<= X" uses
// the first patched version as fixed, or leaves the range open; references
// to github.com/advisories/ and nvd.nist.gov/vuln/detail/ are ADVISORY and
// the rest WEB; each affected entry carries the advisory's permalink and
// CWEs in database_specific. The one departure is "> X", which the converter
// resolves by asking the package registry for the next release; ToOSV
// computes it (see ToOSV).
//
// # Records
//
// Parse maps through the same conversion and feed/osv's ToRecord, with two
// corrections to the ranges, since a record is matched against installed
// versions and the converter's shortcuts cost accuracy there: each of
// GitHub's ranges becomes its own range, and "<= X" without a patch becomes
// last_affected X rather than a range open to every later release. Then it
// adds what the OSV conversion leaves out:
//   - ID is the GHSA id, Aliases the other identifiers (the CVE id); a
//     withdrawn advisory gets Withdrawn and State WITHDRAWN.
//   - severity → Severity{Type GHSA, Rating} in the GraphQL spelling (LOW,
//     MODERATE, HIGH, CRITICAL; REST "medium" is MODERATE); "unknown" is no
//     rating.
//   - cvss and cvssSeverities (v3, v4) → CVSS severities typed by the
//     vector's prefix, with GitHub's score; the deprecated cvss field
//     repeats the v3 vector and is kept once.
//   - cwes → CWEs, with the CWE's name (not its long description) as
//     Description. REST credits → Credits (login, upper-cased type).
//   - epss, vulnerable_functions, and the GraphQL classification are not
//     read; EPSS comes from its own feed with the date GitHub does not give.
//
// A record is rejected with a *feed.RecordError naming the advisory and the
// field, in the spelling of the document's shape, when its id or updatedAt
// is missing or malformed, a timestamp is not RFC 3339, an identifier is not
// a well-formed id, a reference has no URL, a package has no name or an
// ecosystem that is not GitHub's, a vulnerableVersionRange does not parse,
// or a CVSS vector is not CVSS 3.0, 3.1 or 4.0. ToOSV returns the same
// conversion errors, naming the field.
package ghsa
