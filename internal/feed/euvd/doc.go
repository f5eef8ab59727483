// Package euvd reads answers of ENISA's European Union Vulnerability
// Database API (https://euvd.enisa.europa.eu, documented at
// https://euvd.enisa.europa.eu/apidoc) into advisory records with Source
// "euvd", one per EUVD entry.
//
// # Inputs
//
// The API (base https://euvdservices.enisa.europa.eu/api) answers in three
// shapes, and Parse reads all three:
//   - /search?fromDate=...&page=0&size=100 returns a page,
//     {"items": [entry, ...], "total": N}, where total counts every match
//     of the query, not the page. The items array is streamed.
//   - /lastvulnerabilities, /exploitedvulnerabilities and
//     /criticalvulnerabilities return a bare JSON array of at most 8
//     entries, also streamed.
//   - /enisaid?id=EUVD-2024-45012 returns one entry (or, for an unknown
//     id, HTTP 204 with no body, which is the client's business).
//
// A top-level object is a page when its first key is "items" or "total",
// and an entry otherwise. Key order is otherwise free: some clients save
// responses re-serialised with sorted keys.
//
// # Mapping
//
//	id                  ID, which must match ^EUVD-\d{4}-\d{4,19}$
//	description         Descriptions, language "en"
//	datePublished       Published
//	dateUpdated         Modified
//	aliases             Aliases: one string, an id per line; each must be a
//	                    valid id (advisory.ValidID), the record's own is dropped
//	references          References of type WEB: one string, a URL per line
//	baseScore,          Severities: one CVSS_V2, CVSS_V3.0, CVSS_V3.1 or
//	baseScoreVersion,   CVSS_V4.0 with the vector as written, temporal
//	baseScoreVector     metrics included
//	epss                EPSS: the percentage divided by 100, dated with the day
//	                    of dateUpdated (else datePublished)
//	exploitedSince      Notes: {category "exploited", title "Exploited since",
//	                    text YYYY-MM-DD}
//	enisaIdProduct,     Affected: vendor, product, versions, and range text
//	enisaIdVendor
//
// Not read: enisaUuid and assigner, which advisory.Record has no place for,
// and, in /enisaid answers, enisaIdVulnerability (the CVE and GHSA records
// EUVD merged, which vmc imports from their own sources) and
// enisaIdAdvisory.
//
// # Decisions
//
// Dates. The API writes "Oct 8, 2024, 5:35:48 PM": Java's US medium format,
// in UTC (CVE-2024-43468's EUVD datePublished is its CVE record's
// 2024-10-08T17:35:48Z). Parse reads that form only, also with the no-break
// spaces newer Java versions put before AM/PM; any other form rejects the
// record, so that a change of format is noticed rather than half-read.
//
// Scores. baseScore -1.0 means no score; a version without a usable score
// or vector, and a placeholder score without a version, give no severity. A
// version outside 2.0, 3.0, 3.1 and 4.0, a vector whose prefix disagrees
// with the version ("CVSS:3.1/..." for "4.0", or any "CVSS:" prefix for
// "2.0", whose vectors have none), a vector without a version, and a score
// outside 0 to 10 reject the record.
//
// EPSS. EUVD gives the probability in percent (87.46), rounded to two
// decimals, with no date and no percentile. 0.0, which EUVD writes for
// entries not scored yet, makes no claim, and neither does a score on an
// entry with no dates. The date is a stand-in: the score may be newer than
// the entry's last update. FIRST's own feed (feed/epss) is the better
// source; note that advisory.DefaultPrecedence ranks "euvd" before "epss",
// so where both are imported the merged record takes EUVD's value.
//
// Exploitation. exploitedSince (present only on exploited entries, and
// the only exploitation flag) becomes a note, not an advisory.KEV: KEV is
// CISA's catalogue and carries its dates and required action, which EUVD
// does not have, and a KEV claim from "euvd", which outranks "kev", would
// displace CISA's entry in the merged record. SSVC's exploitation point
// was not used either: it is a provider's decision record, which ENISA
// does not publish.
//
// Affected. product_version is display text: one version ("6.0.7",
// "15SU4"), a CVE range printed as "0 <v8.5" or "* ≤2.6.03", a GHSA range
// ("< 12.3.0", "10.3.0, < 12.2.0"), a hyphenated span ("1.0.0-6.6.1"), or a
// model name (Qualcomm lists its chips there). A string without white
// space, comparison signs or commas goes to Versions; any other is kept
// verbatim in Text, one per line, because turning it into ranges would
// mean guessing the version scheme and what a hyphen means. Products are
// grouped by vendor and product. The vendor is the product's own
// product.vendor, which the answers captured in July 2026 carry and earlier
// captures lack; enisaIdVendor is not linked to products, so without it the
// vendor is the record's only vendor, or unknown when it names several. The
// placeholders "n/a", "-", "*", "unspecified" and "" are dropped as names
// and as versions, and names are trimmed ("BigProf "). A record that names
// vendors but no product keeps one Affected per vendor.
//
// # Limits
//
// An entry larger than 16 MiB is reported. One that is read whole within a
// further 64 KiB is skipped and the next one read; a larger one ends the
// document, because the decoder cannot find where the next entry starts
// without reading it. The largest real entry seen, EUVD-2025-10000, which
// lists Qualcomm chips as product versions, is about 80 KiB.
package euvd
