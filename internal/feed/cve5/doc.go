// Package cve5 reads CVE Record Format JSON 5 (5.0 to 5.2), the format of
// the CVE Program's cvelistV5 repository and of CISA's vulnrichment
// snapshot, into advisory records with Source "cve5".
//
// The schema is https://github.com/CVEProject/cve-schema (a 5.1.1 copy is
// in ../shared/data/cve5/schema/). One file holds one record: cveMetadata
// (id, state, dates) and containers, which are the CNA's container (the
// assigning authority's statement) and any number of ADP containers
// (enrichment by others: "CVE Program Container" with the legacy
// references, "CISA ADP Vulnrichment" with SSVC, KEV, CWE and CVSS).
//
// # Mapping
//
//	cveMetadata.cveId            ID (must match ^CVE-\d{4}-\d{4,19}$)
//	cveMetadata.state            State: PUBLISHED, REJECTED, RESERVED
//	cveMetadata.datePublished    Published
//	cveMetadata.dateUpdated      Modified; else containers.cna.providerMetadata.dateUpdated
//	cveMetadata.dateRejected     Withdrawn: a rejected CVE no longer names a vulnerability
//	cna.title                    Titles, language "en"
//	cna.descriptions             Descriptions, one per language
//	cna.rejectedReasons          Descriptions of a REJECTED record
//	cna.replacedBy               Related (not Aliases: a rejected id must not merge
//	                             its REJECTED state into the record that replaced it)
//	problemTypes[].descriptions  CWEs: cweId, or a "CWE-n" that starts the text
//	metrics[].cvssV2_0 .. V4_0   Severities CVSS_V2, CVSS_V3.0, CVSS_V3.1, CVSS_V4.0
//	metrics[].other "ssvc"       SSVC (the first one in the record)
//	metrics[].other "kev"        KEV, DateAdded only: the flag carries nothing else
//	metrics[].other, rating      Severities OTHER: Red Hat's {"value"}, {"text"},
//	                             Vulnogram's {"other"}; other content is skipped
//	cna.affected                 Affected (below)
//	references                   References, deduplicated by URL (tags merged)
//	cna.credits                  Credits
//	cna.cpeApplicability         Configurations: it is NVD's configurations array
//
// Every CWE, severity and SSVC carries the Provider of its container: the
// providerMetadata.shortName ("Linux", "CISA-ADP", "CVE"), else the
// assigner's short name, else the org UUID. ADP containers add CWEs,
// severities, SSVC, KEV and references. Their titles name the container,
// not the vulnerability, and their affected lists (CISA's CPE-based
// restatement of the CNA's) are not read, because advisory.Affected has no
// provider to tell them from the CNA's statement.
//
// # Normalisation
//
// Dates come with and without a zone and with 0, 3 or 6 fractional digits
// ("2021-12-10T00:00:00", "2024-03-29T15:51:12.824Z",
// "2023-06-27T13:02:00.000-04:00"); a missing zone is UTC, as the schema
// says, and every time is stored in UTC. SSVC timestamps are re-written in
// RFC 3339 UTC and SSVC values in lower case (older records say "PoC",
// "Total"). Language tags "en", "en-US", "en_GB" and "eng" become "en";
// other tags are kept as written. Vendor and product "n/a" are dropped.
// Credits without a type are FINDER, the schema's default; the other types
// become OSV's upper-case names ("remediation developer" is
// REMEDIATION_DEVELOPER).
//
// Reference tags map to OSV types, first match wins: patch FIX;
// vendor-advisory, third-party-advisory, vdb-entry ADVISORY; exploit
// EVIDENCE; issue-tracking REPORT; signature DETECTION; release-notes,
// technical-description, research-report, media-coverage ARTICLE (release
// notes announce a fix but are not the change); mailing-list DISCUSSION;
// product PACKAGE; anything else WEB. The raw tags stay in Tags.
//
// # Affected versions
//
// packageName with a known collectionURL gives an OSV ecosystem: PyPI
// (pypi.org, pypi.python.org, pypi.org/project/NAME), npm, Maven
// (repo.maven.apache.org/maven2), Go (pkg.go.dev, golang.org/pkg),
// crates.io, Packagist, RubyGems, NuGet, Hackage, Pub, Hex, CRAN. Other
// collections (wordpress.org/plugins, Red Hat's package browser, GitHub
// repositories) keep Package, Vendor and Product without an ecosystem.
//
// A CVE version list is first-match (the first entry containing a version
// decides; defaultStatus decides the rest); OSV ranges are a union of
// affected spans. versionType "semver" gives SEMVER ranges, "git" GIT
// ranges with the product's repo (GitLab's "git://git@gitlab.com:..."
// included, as written), anything else ECOSYSTEM. The patterns mapped:
//
//   - status affected with lessThan / lessThanOrEqual: introduced = version,
//     or "0" for the placeholders "0", "*", "", "n/a", "unspecified";
//     fixed = lessThan, last_affected = lessThanOrEqual. An upper bound of
//     "*", "n/a", "unspecified" or a non-numeric pattern ending in "*"
//     ("log4j-core*") is no bound; "5.15.*" ends the 5.15 branch and gives
//     limit "5.16". A repeated operator ("<=9.3.0") is dropped.
//   - changes inside such a range: "affected" adds introduced, "unaffected"
//     adds fixed, "unknown" nothing (Log4Shell's 2.0-beta9 .. 2.15.0 with
//     its 2.3.1 and 2.12.2 fixes). A fix named by a change replaces
//     last_affected, which OSV forbids beside fixed (Patchstack).
//   - {version: X, lessThanOrEqual: X} is the single version X (curl).
//   - a single affected version is a Version; "*" alone is every version
//     (a range introduced "0"); "n/a" or "unspecified" alone is nothing. A
//     single git commit is a GIT range introduced at it with no fix: the
//     kernel CNA writes one for a backport never fixed on its branch.
//   - GitHub's comparison strings in a single version (">= 1.7.0, < 1.18.4",
//     "< 2.0", "<= 0.9", "= 1.2.3") become ranges or a Version; ">" and
//     anything with other text stay as written in Versions.
//   - defaultStatus "affected" with unaffected ranges, the way the Linux
//     kernel CNA, Red Hat and Jenkins describe fixes: the affected range is
//     the complement of the unaffected spans. {0, lessThan: 5.10} gives
//     introduced 5.10, {5.10.227, lessThanOrEqual: 5.10.*} gives fixed
//     5.10.227 and introduced 5.11, {6.12-rc2, lessThanOrEqual: *} gives
//     fixed 6.12-rc2. Several spans need a version order, which this package
//     has only for dotted numbers with an optional -rcN; the kernel's
//     "original_commit_for_fix" entries hold such release numbers. After the
//     complement DefaultStatus becomes "unaffected", since the ranges now
//     hold every affected version.
//
// Deliberately not mapped, and why:
//
//   - unaffected entries under any other default: they only confirm what
//     the affected ranges leave out.
//   - a single unaffected version under default affected (AMD, Samsung
//     write their fix this way): strictly it is one version, and an OSV
//     range cannot punch a one-version hole without an order.
//   - several unaffected spans whose versions are not dotted numbers, an
//     inclusive unaffected end ("lessThanOrEqual: 1.5", after which the
//     affected versions start at a version with no name), and unaffected
//     git spans: the product keeps defaultStatus "affected" and no derived
//     range, which over-states rather than hides. 5 of the 5,209 such
//     products in the vulnrichment snapshot fall here.
//   - the next branch's release candidates: "6.11.*" ends at 6.12, so
//     6.12-rc1 counts as past the 6.11 fix although the CVE calls it
//     affected.
//   - status unknown, platforms, modules, programFiles, programRoutines,
//     datePublic, impacts (CAPEC), solutions, workarounds, exploits,
//     timeline, x_* extensions and CVSS scenarios.
//
// # Errors
//
// A record that breaks the schema in a way that changes its meaning is
// reported as a *feed.RecordError naming the CVE id (or "#1" when it has
// none) and the JSON path ("containers.cna.affected[0].versions[2].status"),
// wrapping feed.ErrFormat: unreadable JSON (with the path where it breaks
// off), a value of the wrong JSON type, a missing or malformed cveId, an
// unknown dataType, state, status or credit type, a dataVersion other than
// 5.x, a date that does not parse, a CVSS metric without vector or score, a
// malformed cweId or replacedBy id, a reference without URL. Free text is
// never an error.
package cve5
