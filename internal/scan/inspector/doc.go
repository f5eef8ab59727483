// Package inspector reads Amazon Inspector (v2) findings
// (https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html)
// into a scan.Report with Tool "inspector": the ListFindings response
// (`aws inspector2 list-findings`) or the console's JSON export, both an
// object with findings[].
//
// # Input
//
// One JSON object; the findings are streamed, a value over 64 MiB is
// refused, and nothing but white space may follow. An empty input is an
// error; a list with no findings is `{"findings": []}`.
//
// A page of ListFindings (one with nextToken) is read as what it is: the
// findings on that page. The importer must join the pages; a single page
// is not the whole account.
//
// # Mapping
//
// Findings with status CLOSED (Inspector no longer finds them) or
// SUPPRESSED (hidden by one of the user's rules) are not results: only
// ACTIVE ones are.
//
// Targets, one per resource:
//   - AWS_ECR_CONTAINER_IMAGE → an image named
//     "<registry>.dkr.ecr.<region>.amazonaws.com/<repository>:<first tag>",
//     Digest imageHash, OS the platform as Inspector writes it ("DEBIAN_10").
//   - AWS_EC2_INSTANCE → a host named by instance id, IP its first IPv4
//     (else IPv6) address, OS its platform ("CENTOS_7").
//   - Anything else (AWS_LAMBDA_FUNCTION, …) → a source target named by
//     its ARN: scan has no kind for cloud resources, and a function is
//     code, which vmc keeps as an application.
//
// Results: a PACKAGE_VULNERABILITY finding gives one per resource and
// vulnerable package (identical package entries once), a
// CODE_VULNERABILITY or NETWORK_REACHABILITY finding one per resource.
//   - Rule: the vulnerability id (CVE-…), the code detector id
//     ("python/log-injection@v1.0"), or the finding type. IDs the
//     vulnerability id and relatedVulnerabilities; CWEs the code
//     finding's cwes.
//   - Title, Description; Solution the recommendation text (unless "None
//     Provided"), else the package's remediation ("yum update libxml2"),
//     else "Upgrade <name> to <fixed>".
//   - Score and Vector: the newest CVSS version in the cvss list (4.0 over
//     3.1 over 3.0 over 2.0); when there is none, Inspector's adjusted
//     score (inspectorScoreDetails.adjustedCvss).
//   - Package: Name, Version as the package manager writes it
//     ([epoch:]version-release from Inspector's three fields), Fixed
//     fixedInVersion (unless "NotAvailable"), Path filePath. Ecosystem:
//     for OS packages the platform's ("DEBIAN_10" → Debian:10, "CENTOS_7" →
//     Red Hat; Amazon Linux has none), for language packages the package
//     manager's (PIP/PYTHON → PyPI, NPM → npm, JAR → Maven, GOBINARY/GO →
//     Go, …); GENERIC "go/stdlib" is Go's "stdlib".
//   - Location: the package's filePath, the code finding's
//     "filePath:startLine", or the open port range ("22/tcp").
//   - References sourceUrl, referenceUrls, the recommendation URL.
//
// # Severity
//
//	Inspector severity   vmc
//	CRITICAL             critical
//	HIGH                 high
//	MEDIUM               medium
//	LOW                  low
//	INFORMATIONAL        info
//	UNTRIAGED, other     unknown
//
// # Errors
//
// A finding that cannot be read is a *feed.RecordError naming it by
// position and vulnerability id (or title) and the field at fault:
//
//	findings[3] CVE-2021-3744: packageVulnerabilityDetails.cvss[0].baseScore: malformed input: got JSON string, want number
package inspector
