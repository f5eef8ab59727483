// Package snyk reads the Snyk CLI's JSON output into a scan.Report with
// Tool "snyk": `snyk test --json` (one project), `snyk test
// --all-projects --json` (an array of projects) and `snyk container test
// --json` (an image, with the language projects found in it under
// applications[]).
//
// # Input
//
// A JSON object or an array of them. Each project's vulnerabilities are
// streamed; an image's applications are read once the image is (they are
// short). A value over 64 MiB is refused, and nothing but white space may
// follow. An empty input is an error: the CLI writes a document even when
// it finds nothing.
//
// # Mapping
//
// Targets: a code project scanned the directory in its "path" (a source
// target; --all-projects gives every project the same path, so they share
// it, and Location tells the manifests apart). A container project is an
// image target named by its path (else its projectName without
// "docker-image|"), with OS the distribution its packages come from
// ("debian:11" → "debian 11"); its applications are results on the same
// image.
//
// Snyk lists a vulnerability once per dependency path. One Result per
// vulnerability × package (id, packageName, version), with every
// dependency path ("a@1 > b@2 > c@3") one a line in Evidence; for
// distribution packages packageName is the source package ("gcc-10"),
// the unit a fix comes in, so its binary packages (gcc-10/libgcc-s1,
// gcc-10/libstdc++6) are one result. Licence issues (type "license")
// are policy findings, not vulnerabilities, and are skipped.
//   - Rule the Snyk id (SNYK-JAVA-…, npm:…); IDs that, identifiers.CVE and
//     identifiers.GHSA; CWEs identifiers.CWE.
//   - Title, Description (Snyk's markdown), Score cvssScore, Vector CVSSv3.
//   - Package: Ecosystem from the package manager (maven → Maven, npm,
//     nuget → NuGet, pip → PyPI, …; a distribution "debian:11" →
//     Debian:11), Name packageName (Maven "group:artifact" as OSV writes
//     it), Version, a purl made from them, Fixed fixedIn joined by ", ",
//     Path the project's manifest (displayTargetFile, else targetFile).
//   - Location the manifest; Solution "Upgrade <name> to <fixedIn>";
//     References the reference URLs.
//
// # Severity
//
// severityWithCritical when present (older output's severity stops at
// high), else severity:
//
//	Snyk severity   vmc
//	critical        critical
//	high            high
//	medium          medium
//	low             low
//	other           unknown
//
// # Errors
//
// A vulnerability that cannot be read is a *feed.RecordError naming
// project, position and id and the field at fault:
//
//	[1]: vulnerabilities[4] SNYK-JS-LODASH-567746: cvssScore: malformed input: got JSON string, want number
//
// A vulnerability without id and a cvssScore outside 0 to 10 are errors.
package snyk
