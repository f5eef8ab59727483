// Package trivy reads Trivy's JSON report (`trivy image|fs|repo|vm
// --format json`, SchemaVersion 2; github.com/aquasecurity/trivy
// pkg/types/report.go) into a scan.Report with Tool "trivy".
//
// # Input
//
// One JSON object with SchemaVersion 2; any other SchemaVersion is refused,
// since the shape of the results is what the version promises. The
// Results are streamed: each vulnerability, misconfiguration and secret
// is decoded on its own, so memory grows with the results kept, not with
// the document, and a value larger than 64 MiB is refused. Nothing but
// white space may follow the object. An empty input is an error: Trivy
// writes a document even when it finds nothing.
//
// # Mapping
//
// The report scanned one artifact, which is its one Target:
//   - ArtifactType container_image → an image target. Name is ArtifactName,
//     else the first RepoTags entry, else the image named in the os-pkgs
//     result's Target ("example-app:main-159 (debian 10.13)" → the part
//     before " ("): Trivy leaves ArtifactName empty when it scans an image
//     by ID. Digest is the digest of the first Metadata.RepoDigests entry
//     ("repo@sha256:…"); Metadata.ImageID is the config digest, which no
//     registry shows, and is not used.
//   - vm → a host target; filesystem, repository, sbom and anything else →
//     a source target named by ArtifactName (a path or a repository URL).
//   - OS is Metadata.OS "Family Name" ("debian 10.13").
//
// Trivy's own Results[].Target (a lockfile, "Dockerfile", "Java") is a
// place inside the artifact and becomes Location, not a Target.
//
// Vulnerabilities (os-pkgs and lang-pkgs results), one Result each:
//   - Rule VulnerabilityID; IDs VulnerabilityID then VendorIDs (GHSA, RHSA,
//     DLA, …). CweIDs → CWEs; NVD's "NVD-CWE-Other"/"NVD-CWE-noinfo" are
//     not CWEs and are skipped, anything else that is not a CWE is an error.
//   - Score and Vector: the newest CVSS version any source in CVSS gives
//     (V40 over a CVSS:3.1 V3 over another V3 over V2); among sources that
//     give it, nvd first, then SeveritySource, then the rest by name. Trivy's
//     Severity is its SeveritySource's rating, so Score may come from
//     another source than Severity (cvssv4_severity_source.json: ghsa's
//     v4.0 score 6.3 beside Red Hat's v3.1 5.3).
//   - Package: the purl (PkgIdentifier.PURL) decides Ecosystem and Name
//     (OSV's name, "group:artifact" for Maven); without one, os-pkgs
//     packages get the ecosystem of Metadata.OS (debian 10.13 → "Debian:10")
//     and lang-pkgs packages that of the result Type (pip → PyPI, jar →
//     Maven, …), and Name is PkgName. Version InstalledVersion, Fixed
//     FixedVersion as written (Trivy lists one fix per release branch:
//     "11.0.14, 10.1.49, 9.0.112"), Path PkgPath.
//   - Location: PkgPath, else for lang-pkgs the result's Target (the
//     lockfile). Solution "Upgrade <PkgName> to <FixedVersion>" when there
//     is a fix. References: PrimaryURL, then References.
//
// Misconfigurations: one Result per failed check (Status FAIL or absent);
// passed checks (--include-non-failures) and exceptions are not findings.
// Rule ID ("DS002"), Title, Description, Solution Resolution, Evidence
// Message, Location the result's Target with ":StartLine" when the cause
// has a line.
//
// Secrets: Rule RuleID ("github-pat"), Title, Evidence Match (Trivy
// masks the secret itself), Location Target:StartLine.
//
// Licenses and the Packages inventory are not findings and are skipped.
// CreatedAt → Finished; Trivy.Version → Version.
//
// # Severity
//
//	Trivy Severity   vmc
//	CRITICAL         critical
//	HIGH             high
//	MEDIUM           medium
//	LOW              low
//	UNKNOWN, other   unknown
//
// # Errors
//
// A record that cannot be read is a *feed.RecordError naming it by
// position and id and the field at fault:
//
//	Results[2] requirements.txt: Vulnerabilities[5] CVE-2022-40897: CVSS.nvd.V3Score: malformed input: got JSON string, want number
//
// A vulnerability without VulnerabilityID, a misconfiguration without ID
// and a secret without RuleID are errors; so are a score outside 0 to 10
// and a CreatedAt that is not a timestamp.
package trivy
