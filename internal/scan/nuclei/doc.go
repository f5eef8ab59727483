// Package nuclei reads the JSON output of ProjectDiscovery's nuclei
// (github.com/projectdiscovery/nuclei, pkg/output ResultEvent) into a
// scan.Report with Tool "nuclei".
//
// # Input
//
// Either JSON Lines, one result event per line (`-jsonl`, and `-json` in
// nuclei 2), or one JSON array of events (`-json-export`). Both are
// streamed one record at a time; a record over 64 MiB is refused. Field
// names of nuclei 3 (template-id, matched-at, matcher-name,
// extracted-results) and nuclei 2 (templateID, matched, matcher_name,
// extracted_results) are both read.
//
// An empty input is a valid, empty report: nuclei writes nothing when
// no template matches, so an empty file means "nothing found". Sniff does
// not claim an empty file (osv-scanner leaves the same), nor an empty
// array: the importer must be told the tool.
//
// Events with matcher-status false (written under -matcher-status for
// templates that did not match) are not results.
//
// # Mapping
//
// Target: the input nuclei was given, read from "host" (nuclei 2, and 3's
// -json-export) or "path" (3's JSON Lines, where "url" repeats it behind a
// "/"). An input that is an http(s) URL is a web target with that URL; an
// input that is not (a host name for DNS and TLS templates) takes the base
// of the matched URL when that is one, else it is a host target
// ("www.asdf.de"). FQDN is the host name, IP the event's ip. A target is
// one per kind, name and URL; the first address given is kept.
//
// One Result per event:
//   - Rule template-id; Title info.name; Severity info.severity.
//   - IDs info.classification.cve-id; CWEs cwe-id ("cwe-798"); both a
//     string or a list. Score cvss-score (a number or a numeric string),
//     Vector cvss-metrics as written.
//   - Location matched-at ("http://dvwa/.git/config", "host:22").
//   - Description info.description, with info.impact after it; Solution
//     info.remediation; References info.reference (a list, or nuclei 2's
//     "- url" lines in one string).
//   - Evidence: the matcher and extractor that fired, what was extracted,
//     and the curl command (else the request), shortened.
//
// Started and Finished are the earliest and latest event timestamps.
//
// # Severity
//
//	nuclei info.severity   vmc
//	critical               critical
//	high                   high
//	medium                 medium
//	low                    low
//	info                   info
//	unknown, other         unknown
//
// # Errors
//
// A record that cannot be read is a *feed.RecordError naming it ("#3" in
// JSON Lines, counting from 1; "[2]" in an array) with its template id and
// the field at fault:
//
//	#3 git-config: info.classification.cvss-score: malformed input: score 53 outside 0 to 10
//
// A record without template id, a CWE that is not one and a timestamp
// that is not one are errors.
package nuclei
