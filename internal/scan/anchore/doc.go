// Package anchore reads Anchore's image vulnerability reports into a
// scan.Report with Tool "anchore". Grype, Anchore's open-source scanner,
// is scan/grype's.
//
// # Input
//
// Three shapes, told apart by their top level:
//   - Anchore Engine (API GET /images/{digest}/vuln/all,
//     `anchore-cli --json image vuln <image> all`): an object with
//     imageDigest (or image_digest), vulnerability_type and
//     vulnerabilities[] of feed, feed_group, package_name, package_version,
//     package_type, package_path, fix, severity, url, vuln, nvd_data,
//     vendor_data and, in 2.4, extra (description and CVSS vectors) and
//     inherited_from_base.
//   - anchorectl (`anchorectl image vulnerabilities <image> -o json`): a
//     top-level array of the same entries with camel-case names
//     (feedGroup, packageName, nvdData, …). It does not name the image.
//   - Anchore Enterprise's newer report: metadata (registry, repository,
//     tag, imageDigest, timestamp) and securityEvaluation[] of
//     vulnerabilityId, cves, severity, packageType, path, package
//     ("name-version" in one string), fixAvailable, link and
//     nvdCvssBaseScore (a number, or "N/A").
//
// The list is streamed; a value over 64 MiB is refused, and nothing but
// white space may follow. An empty input is an error.
//
// # Mapping
//
// The report is about one image, its one Target: named by imageFullTag or
// registry/repository:tag, Digest the image digest; OS the first
// distribution feed group ("rhel:8" → "rhel 8"). anchorectl's list names
// no image, so its target has no name and the importer must be told.
//
// One Result per entry:
//   - Rule vuln / vulnerabilityId (CVE-…, VULNDB-…); IDs that and the ids
//     of its nvd_data and vendor_data entries, and the newer report's cves
//     (comma-separated).
//   - Score and Vector: the first v3 score, else the first v2, from
//     extra.nvd_data (which has vectors), extra.vendor_data, nvd_data,
//     vendor_data in that order; -1 is Anchore's "no score". The newer
//     report gives nvdCvssBaseScore only.
//   - Package: Name and Version (the newer report's "name-version" split
//     at the last dash before a digit; an RPM's name-[epoch:]version-release
//     at its last two dashes), Fixed fix / fixAvailable unless "None", Path
//     package_path unless "None" or "pkgdb" (Anchore's word for the
//     distribution's package database). Ecosystem: distribution packages
//     (rpm, dpkg, apk) by their feed group ("rhel:8" → Red Hat, "debian:9" →
//     Debian:9; Oracle and Amazon Linux have no OSV ecosystem); the newer
//     report gives no feed group, so its RPMs get none. Language packages
//     by type: java → Maven (with Anchore's bare artifact name, not
//     group:artifact), python → PyPI, npm, gem → RubyGems, go, nuget.
//   - Location the package path; Description extra.description; Solution
//     "Upgrade <name> to <fix>"; References url / link; Evidence "inherited
//     from the base image" when inherited_from_base says so.
//
// metadata.timestamp → Finished.
//
// # Severity
//
//	Anchore severity   vmc
//	Critical           critical
//	High               high
//	Medium             medium
//	Low                low
//	Negligible         info
//	Unknown, other     unknown
//
// # Errors
//
// An entry that cannot be read is a *feed.RecordError naming it by list,
// position and id and the field at fault:
//
//	vulnerabilities[3] CVE-2020-8927: nvd_data[0].cvss_v3.base_score: malformed input: got JSON string, want number
package anchore
