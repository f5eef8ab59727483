// Package nvd reads the National Vulnerability Database's CVE documents
// into advisory records (Source "nvd").
//
// # Formats
//
// Parse tells the formats apart by the top-level key that holds the CVEs,
// whichever order the keys come in:
//
//   - "CVE_Items": the retired NVD JSON 1.1 data feed (nvdcve-1.1-*.json),
//     https://csrc.nist.gov/schema/nvd/feed/1.1/nvd_cve_feed_json_1.1.schema.
//     Each item has cve (MITRE CVE JSON 4.0), configurations, impact,
//     publishedDate and lastModifiedDate.
//   - "vulnerabilities": a CVE API 2.0 response, or one of the 2.0 data
//     feeds (nvdcve-2.0-*.json), which use the same envelope,
//     https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema.
//
// Other top-level keys are skipped. The 1.1 header CVE_data_numberOfCVEs is
// not trusted: osv.dev's test feed says 660 and holds 669 items. A gzip
// feed is decompressed by the importer before Parse sees it.
//
// Feeds hold tens of thousands of CVEs in one array, so Parse walks the
// document with json.Decoder tokens and decodes one element at a time; no
// element may exceed 16 MiB (Log4Shell, the largest known, is about 150 KiB).
// An element that does is reported and ends the document, because the
// decoder cannot skip what it refused to read.
//
// SplitAPI serves the API client instead: it hands back each CVE's "cve"
// object as NVD sent it, together with the Page envelope (startIndex,
// totalResults, timestamp) the client pages with. It stops at the first
// bad element rather than skipping it, since the client advances a
// watermark. When several files hold the same CVE (a yearly feed and the
// "modified" feed), the copy with the later lastModified wins: the modified
// feed can hold an older copy.
//
// # Mapping
//
//   - ID, Published, Modified: cve.id/published/lastModified, or
//     CVE_data_meta.ID/publishedDate/lastModifiedDate. NVD's times have no
//     zone and are UTC.
//   - State: vulnStatus "Rejected" is REJECTED; NVD's other statuses
//     (Received, Awaiting Analysis, Analyzed, Modified, Deferred, ...)
//     describe its analysis, not the CVE's lifecycle, and map to PUBLISHED.
//     The 1.1 feed has no status; NVD marked rejected entries by starting
//     the English description with "** REJECT **".
//   - Descriptions: one Text per description, lang "en" where none is given.
//   - CWEs: weaknesses[].description[].value with Provider the weakness's
//     source, or 1.1 problemtype values with no provider. NVD-CWE-Other and
//     NVD-CWE-noinfo are kept: they record that NVD looked and found no
//     fitting CWE, which is not the same as no weakness data at all.
//   - Severities: one per CVSS block, newest version first (v4.0, v3.1,
//     v3.0, v2), with Provider the metric's source ("nvd@nist.gov" or a
//     CNA's). The type comes from the vector's "CVSS:x.y/" prefix; only v2
//     vectors have none. A repeated (type, provider) pair keeps the first
//     block, since severity claims are keyed that way. The 1.1 feed carried
//     only NVD's own scores, so its severities get provider nvd@nist.gov and
//     line up with the same CVE read from the API.
//   - References: tags are kept, and the most telling one sets the OSV
//     type: Patch → FIX, Exploit → EVIDENCE, Vendor/Third Party Advisory →
//     ADVISORY, Issue Tracking → REPORT, in that order of precedence; any
//     other → WEB.
//   - KEV: the cisaExploitAdd/cisaActionDue/cisaRequiredAction/
//     cisaVulnerabilityName members, when present.
//   - SSVC: metrics.ssvcV203, CISA's decision points, with Provider the
//     source identifier NVD gives.
//   - Configurations: always the API 2.0 shape, an array of {operator?,
//     negate?, nodes: [{operator, negate, cpeMatch: [{vulnerable, criteria,
//     matchCriteriaId?, versionStart*/versionEnd*}]}]}. 2.0 input is kept as
//     it is, minus members vmc does not read. 1.1 node trees are converted
//     exactly where the 2.0 shape can express them: each top-level node is
//     a configuration; an AND node over OR children becomes a configuration
//     with operator AND and the children as its nodes; an OR node with
//     children splits into one configuration per child; a node's own
//     matches beside children become a node with its operator; a child with
//     the same operator is spliced in. A tree that would need its boolean
//     expression multiplied out (say an OR under an AND under an AND) is a
//     record error, not an approximation; none occurs in the corpus. Nodes
//     without matches are dropped.
//   - Affected: one entry per distinct vendor:product among the vulnerable
//     CPE matches, listing their CPE names, so product search finds the CVE.
//     Version bounds stay in Configurations, where their operators give
//     them meaning. A vendor or product of "*" or "-" names no product and
//     is not listed.
//
// Not mapped: the API's "affected" member (the CNA's CVE JSON 5 affected
// data, which the cve5 source reads with its version semantics), cveTags,
// vendorComments, exploitability and impact subscores, and the 1.1
// refsource names.
package nvd
