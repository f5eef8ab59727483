// Package osvscanner reads osv-scanner's JSON output (`osv-scanner
// --format json`; github.com/google/osv-scanner pkg/models/results.go) into
// a scan.Report with Tool "osvscanner".
//
// # Input
//
// One JSON object with "results"; each package entry is decoded on its
// own, and a value over 64 MiB is refused. Nothing but white space may
// follow. An empty input is a valid, empty report: osv-scanner writing to
// a file leaves it empty when it finds nothing (the shared sample
// no_findings.json is 0 bytes), so an empty file means "nothing found",
// not a failed run. Sniff does not claim an empty file, since nuclei
// leaves the same: the importer must be told the tool.
//
// # Mapping
//
// Each results[] entry is one source (a lockfile, SBOM, directory or
// image, by path) and becomes one source Target named by source.path;
// Location and Package.Path are that path too.
//
// osv-scanner groups a package's vulnerabilities that are aliases of one
// another (groups[]: ids, aliases, max_severity). One Result per package ×
// group, so that GHSA-2gwj-7jmv-h26r and PYSEC-2022-190, one flaw in
// django, are one finding:
//   - Rule the group's first id; IDs the group's ids, its aliases, then
//     each member record's aliases (BIT-, CVE-, GHSA-, PYSEC- …).
//     Vulnerabilities no group names (osv-scanner before 1.3 wrote no
//     groups) are a group each.
//   - Title and Description: the first member's summary and details.
//   - CWEs: database_specific.cwe_ids (GitHub) and
//     affected[].database_specific.cwes[].cweId (malicious packages),
//     read leniently: database_specific is free-form.
//   - Score and Vector: the newest CVSS version among the members'
//     severity[] and affected[].severity[] vectors (4.0 over 3.1 over 3.0
//     over 2.0), scored by risk.ParseCVSS (OSV gives vectors, not scores).
//     A CVSS_V2/V3/V4 entry that is no valid vector is an error.
//   - Severity: max_severity when osv-scanner gives it (a CVSS score,
//     rated by scan.SeverityFromScore); else GitHub's
//     database_specific.severity word; else the rating of Score; a MAL-
//     record (malicious package, github.com/ossf/malicious-packages)
//     without any of these is critical: the package is malware. Otherwise
//     unknown.
//   - Package: Ecosystem package.ecosystem in OSV's spelling, Name,
//     Version, a purl made from them where the ecosystem has one, and
//     Fixed: the lowest fixed event of the members' ranges for this
//     package above the installed version (ordered by package version),
//     or every fixed version joined by ", " where vmc cannot order them.
//     A git repository matched by commit has no Package; its Evidence is
//     "commit <hash>".
//   - Solution "Upgrade <name> to <fixed>"; References the members'
//     reference URLs.
//
// # Severity
//
//	osv-scanner / OSV                    vmc
//	max_severity (CVSS score)            by scan.SeverityFromScore: ≥9 critical, ≥7 high, ≥4 medium, >0 low, 0 info
//	GitHub's CRITICAL/HIGH/MODERATE/LOW  critical/high/medium/low
//	a CVSS vector only                   its base score, as max_severity
//	MAL- record with none of these       critical
//	nothing                              unknown
//
// # Errors
//
// A record that cannot be read is a *feed.RecordError naming source,
// package and record and the field at fault:
//
//	results[4] /src/requirements.txt: packages[0] django: vulnerabilities[3] GHSA-2gwj-7jmv-h26r: affected[0].ranges[0].events[1].fixed: malformed input: got JSON number, want string
package osvscanner
