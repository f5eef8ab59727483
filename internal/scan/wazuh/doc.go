// Package wazuh reads the vulnerability data of the Wazuh XDR/SIEM
// platform into a scan.Report with Tool "wazuh".
//
// # Input
//
// Two shapes:
//   - Wazuh 4.7 and before: the manager API's GET /vulnerability/{agent_id}
//     response, {"data": {"affected_items": [...], "total_affected_items":
//     N, …}, "error": 0, "message": …}. Items have cve, name, version,
//     architecture, severity, cvss2_score, cvss3_score, condition, status,
//     title, external_references.
//   - Wazuh 4.8 and later: a search response of the indexer (OpenSearch)
//     over the wazuh-states-vulnerabilities-* indices, {"hits": {"hits":
//     [{"_source": {agent, host.os, package, vulnerability}}]}}, in ECS
//     field names.
//
// The items are streamed; a value over 64 MiB is refused, and nothing but
// white space may follow. An empty input is an error, and so is an object
// with neither "data" nor "hits".
//
// A search response is one page: hits.total may count more documents than
// hits.hits holds (the shared sample holds 10 of 125). Parse reads the
// page it is given; the importer must page through the index (or raise
// "size") to have all of an agent's vulnerabilities, since a missing one
// would pass for fixed. scan.Report cannot say a report is partial.
//
// # Mapping
//
// Targets: Wazuh 4.8 names the agent in each document: one host target
// per agent, named agent.name (else agent.id), IP agent.ip, OS
// host.os.full ("Ubuntu 24.04.2 LTS (Noble Numbat)"). A 4.7 response is
// for the one agent in the request's path, which the response does not
// name: one host target without a name, for the importer to fill in.
//
// One Result per item (4.7 items with status OBSOLETE, which no longer
// apply, are skipped):
//   - Rule the CVE id as written; IDs it, normalised (the hand-edited
//     sample's placeholders "CVE-YYYY-fjiewof" become "CVE-YYYY-FJIEWOF").
//   - Score: 4.7's cvss3_score, else cvss2_score (0 is "none"); 4.8's
//     vulnerability.score.base. Wazuh gives no vector.
//   - Package: name, version; 4.8's path. Ecosystem: a deb, rpm or apk
//     package takes the agent's distribution (host.os.platform and
//     version: ubuntu 24.04.2 → Ubuntu:24.04:LTS); 4.7 says no distribution,
//     so its packages have none.
//   - Title (4.7), Description (4.8), Evidence the detector's condition
//     ("Package unfixed", "Package default status"), References
//     external_references (4.7) or the comma-separated reference (4.8).
//
// # Severity
//
//	Wazuh severity            vmc
//	Critical                  critical
//	High                      high
//	Medium                    medium
//	Low                       low
//	Untriaged, "-", other     unknown
//
// # Errors
//
// An item that cannot be read is a *feed.RecordError naming it by
// position and CVE and the field at fault:
//
//	hits.hits[3] CVE-2025-27558: _source.vulnerability.score.base: malformed input: got JSON string, want number
package wazuh
