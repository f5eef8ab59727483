// Package sarif reads SARIF 2.1.0 logs
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) from
// any tool — CodeQL, Semgrep, Grype, Trivy, … — into a scan.Report with
// Tool "sarif" and Version the producing tool's driver name and version
// ("CodeQL 2.5.4"; runs of several tools are joined by "; ").
//
// # Input
//
// One JSON object with version "2.1.0" (any other version is refused:
// SARIF 2.0 and the drafts differ in shape) and runs[]. Each run's results
// are streamed when the run gives its tool first, as every writer does;
// results written before the tool are held until it comes. A value over
// 64 MiB is refused, and nothing but white space may follow the log. An
// empty input is an error: a tool that writes SARIF writes a log with an
// empty results array when it finds nothing.
//
// # Mapping
//
// Each run is one source Target. SARIF rarely says what was analysed; the
// name is the run's versionControlProvenance repositoryUri, else the URI
// of its %SRCROOT% base, else its first invocation's working directory,
// else empty (as in all four samples) and the importer must be told.
//
// One Result per result, except those that are no finding: kind pass or
// notApplicable, baselineState absent (fixed since the baseline), and
// results suppressed in the tool (a suppression without status or with
// status accepted).
//   - Rule the ruleId (or rule.id, or the id of the rule at ruleIndex).
//     The rule is looked up by ruleIndex in the driver, else by id in the
//     driver and its extensions.
//   - Title the rule's shortDescription, else its name when that is not
//     the id. Description the rule's fullDescription, else its help text.
//   - IDs: a CVE or GHSA id that starts the rule id (Grype names its rules
//     "CVE-2008-0732-geronimo-javamail_1.4_mail") and tags that are one.
//   - CWEs: tags ("CWE-346", CodeQL's "external/cwe/cwe-022"), a cwe
//     property (a string or list), and references to a taxonomy named CWE
//     (rule relationships, result taxa).
//   - Location "uri:startLine" of the first location (the URI as written,
//     relative to its uriBaseId; through artifacts[index] when only an
//     index is given), else the first logical location's name.
//   - Evidence the result's message (or the rule's messageStrings entry it
//     names) and the first location's snippet; a message that only repeats
//     the description (Semgrep) is left out.
//   - References the rule's helpUri.
//   - Grype's SARIF keeps the package in the rule's help text ("Package:",
//     "Version:", "Fix Version:", "Type:", "Location:"): for a run whose
//     driver is Grype that becomes Package (java-archive → Maven, …) and
//     Solution "Upgrade <name> to <fix>".
//
// # Severity
//
// The security-severity property (GitHub code scanning's convention), on
// the result or its rule, decides when present: a number, or a numeric
// string as CodeQL and Grype write it, is a CVSS-like score, kept as Score
// and rated by scan.SeverityFromScore; a word, as Semgrep writes it
// ("MEDIUM"), by scan.ParseSeverity. Otherwise the level decides: the
// result's, else its rule's defaultConfiguration, else "warning", SARIF's
// default. ToolSeverity is whichever was used, as written.
//
//	security-severity        vmc
//	≥ 9.0                    critical
//	7.0 – 8.9                high
//	4.0 – 6.9                medium
//	0.1 – 3.9                low
//	0                        info
//	CRITICAL/HIGH/MEDIUM/LOW critical/high/medium/low
//
//	level                    vmc
//	error                    high
//	warning                  medium
//	note                     low
//	none                     info (so is kind informational)
//
// A level outside SARIF's four, a security-severity that is neither a
// number nor a string, and a score outside 0 to 10 are errors.
//
// # Errors
//
// A result that cannot be read is a *feed.RecordError naming run, result
// and rule and the field at fault:
//
//	runs[0]: results[5] py/empty-except: locations[0].physicalLocation.region.startLine: malformed input: got JSON string, want number
package sarif
