// Package grype reads Grype's JSON output (`grype <source> -o json`;
// github.com/anchore/grype grype/presenter/models) into a scan.Report with
// Tool "grype". Grype 0.7's shape (cvssV2/cvssV3, links, fixedInVersion,
// one matchDetails object) and today's (cvss[], urls, fix, a list of
// matchDetails) are both read. Grype's SARIF output is scan/sarif's.
//
// # Input
//
// One JSON object with "matches"; the matches are streamed, one decoded at
// a time, and a value over 64 MiB is refused. Nothing but white space may
// follow. An empty input is an error: Grype writes a document even when
// it matches nothing. ignoredMatches (the user's own exclusions) are not
// results.
//
// # Mapping
//
// Target: source.type image → an image target named by target.userInput
// (else the first tag); Digest is the digest of the first repoDigests
// entry (the registry's), else manifestDigest. A directory or file source
// → a source target named by its path. OS is distro "name version"
// ("debian 10", "redhat 8.7").
//
// One Result per match:
//   - Rule vulnerability.id; IDs the id and each relatedVulnerabilities id
//     (the CVE behind a GHSA, or the other way round).
//   - Severity vulnerability.severity; when Grype gives none (an NVD
//     record not yet scored), the first related record's severity, as
//     Grype's table shows it.
//   - Score and Vector: the newest CVSS version (4.0 over 3.1 over 3.0
//     over 2.0) among vulnerability.cvss (or 0.7's cvssV3 and cvssV2), then
//     the related records'; among equals, the vulnerability's own first and
//     then the order listed (Grype lists NVD's Primary score first).
//   - Package: the purl decides Ecosystem and Name (OSV's name: Maven
//     "group:artifact", PyPI normalised), except that distribution packages
//     (deb, rpm, apk) take the ecosystem of the scanned distro, which is
//     more exact than a purl without a distro qualifier ("Debian:10" rather
//     than "Debian"). Without a usable purl ("pkg:generic/busybox") Name is
//     artifact.name and the ecosystem comes from the artifact type where
//     OSV has one (python → PyPI, java-archive → Maven, …). Version
//     artifact.version, Fixed fix.versions joined by ", " (or
//     fixedInVersion), Path the first location.
//   - Location the first location's path. Solution "Upgrade <name> to
//     <fixed>". Evidence how Grype matched, one line per match detail:
//     "rpm-matcher (exact-indirect-match): < 0:0.7-21.el8_9.1 (rpm)".
//     References dataSource, urls (or links), advisory links.
//
// descriptor.version → Version; descriptor.timestamp → Finished.
//
// # Severity
//
//	Grype severity   vmc
//	Critical         critical
//	High             high
//	Medium           medium
//	Low              low
//	Negligible       info
//	Unknown, other   unknown
//
// # Errors
//
// A match that cannot be read is a *feed.RecordError naming it by position
// and id and the field at fault:
//
//	matches[7] CVE-2019-18276: vulnerability.cvss[0].metrics.baseScore: malformed input: got JSON string, want number
//
// A match without vulnerability.id is an error, and so are a CVSS score
// outside 0 to 10 and a descriptor timestamp that is not one.
package grype
