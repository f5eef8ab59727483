// Package jvn reads JVN iPedia (https://jvndb.jvn.jp/), the vulnerability
// database IPA and JPCERT/CC run for products used in Japan, into advisory
// records with Source "jvn", one per JVNDB id (JVNDB-2021-005429).
//
// # Formats
//
// Parse tells the formats apart by the root element:
//
//   - rdf:RDF: an RSS 1.0 feed (jvndb.rdf, jvndb_new.rdf, the yearly
//     jvndb_YYYY.rdf; https://jvndb.jvn.jp/ja/rss/), schema
//     https://jvndb.jvn.jp/schema/jvnrss_2.0.xsd. Each <item> carries
//     title, link, description, dc:date, dcterms:issued and
//     dcterms:modified, and JVN's mod_sec elements (namespace
//     http://jvn.jp/rss/mod_sec/): sec:identifier, sec:references, sec:cpe
//     and sec:cvss.
//   - VULDEF-Document: a detail feed (jvndb_detail_YYYY.rdf), in JVN's
//     VULDEF 3.2 format (https://jvndb.jvn.jp/schema/vuldef_3.2.xsd), which
//     is also what the MyJVN API's getVulnDetailInfo returns. Each
//     <Vulinfo> is one advisory in full: affected products with version
//     text, impact, solution, related links, history.
//
// The MyJVN product dictionary (myjvn_product_YYYYMM.rdf, a MyJVN
// <Result>) lists vendors and products, not advisories: Parse refuses it,
// Sniff turns it down, and ParseProducts reads it.
//
// ParseRSS, ParseDetail and ParseProducts hand back the feeds' content as
// typed values (Item, Vulinfo, Product) in the shape
// github.com/MaineK00n/vuls-data-update writes for the same feeds, and the
// tests hold them to that project's expected outputs. They keep the feeds'
// text as it is; Parse builds records from the same values.
//
// Feeds are UTF-8 and say their language with xml:lang on the root
// element: "ja" for the Japanese feeds, "en" for the English ones under
// jvndb.jvn.jp/en/. An item's own xml:lang wins; a document that says
// nothing is taken to be Japanese.
//
// # Mapping
//
//   - ID is sec:identifier or VulinfoID, checked against
//     ^JVNDB-[0-9]{4}-[0-9]{6,}$.
//   - Published and Modified are dcterms:issued and dcterms:modified, or
//     DateFirstPublished and DateLastUpdated, in UTC. The RSS times are cut
//     to the minute; the detail times have seconds. dc:date and DatePublic
//     (when the vulnerability became public) are not mapped.
//   - Titles and Descriptions are the title and the description or
//     Overview, in the document's language, with "\r\n" (JVN writes
//     "&#13;\n") made "\n" and surrounding space trimmed.
//   - Aliases are the ids of references and related items that are CVE ids
//     exactly; a related document titled "CVE-2022-25026 &
//     CVE-2022-25027: ..." names no alias. JVN's own ids (JVN#16765254,
//     JVNVU#96768815) are not valid record ids and stay links.
//   - CWEs: a sec:references whose id is a CWE id, or a RelatedItem of
//     type "cwe", with its Japanese or English name as the description
//     (the RSS title's "(CWE-79)" suffix cut, so that both feeds agree).
//     JVN's CWE-noinfo and CWE-Other are kept as they are.
//   - Severities: each sec:cvss or Cvss of type Base, typed by its version
//     attribute (2.0, 3.0, 3.1, 4.0) with Provider "JVN", the score as
//     stated and the qualitative severity ("Critical") as Rating. A vector
//     whose "CVSS:x.y/" prefix disagrees with the version is a record
//     error. Temporal and environmental scores are skipped.
//   - Affected: one entry per sec:cpe or AffectedItem, with JVN's vendor
//     and product names and the CPE as JVN gives it, a CPE 2.2 URI
//     ("cpe:/a:apache:log4j"), not converted. The detail feed's
//     VersionNumber texts ("2.13.0 から 2.15.0 より前のバージョン") go to
//     Text, one per line: they describe versions in prose.
//   - References: every other link, once per URL, tagged with JVN's label
//     (the RSS source attribute, the detail Name). Entries of a named
//     publisher (JVN, CVE, NVD, JPCERT, CERT/CC, a vendor) are ADVISORY;
//     related documents (関連文書) are WEB.
//   - Notes (detail only): the impact and solution descriptions, with
//     categories "impact" and "solution".
//
// Not mapped: the channel, rdf:about and link (the advisory page, which
// the id determines), the History items, the TLP marking and the MyJVN
// status element.
//
// # RSS and detail records share ids
//
// An advisory appears in the RSS feeds and in a detail feed under one
// JVNDB id, and both become the record (jvn, JVNDB-...): importing one
// replaces what the other said. The detail mapping is a superset of the
// RSS mapping (same titles, CVSS, CWEs, CPEs and links; more affected
// products, version text, notes, vendor links), and its Modified is the
// RSS one with seconds, so it is never earlier. The store keeps a record
// over an older version of itself, so after importing both feeds, in
// either order, the detail record stands — unless the advisory changed
// between the two downloads, when the newer one wins. The one tie is a
// detail time on a whole minute, equal to the RSS time: then the later
// import wins. The descriptions differ in form: the RSS feed breaks lines
// where the detail feed has spaces.
//
// # Limits and hostile input
//
// Parse streams: it walks the document with xml.Decoder tokens and decodes
// one item at a time, so a yearly feed costs the memory of its largest
// item. No item may exceed 16 MiB after its start tag, and no other token
// 16 MiB; an item that does is reported and ends the document, as the
// decoder cannot find the next item after one it gave up on. Elements may
// nest 64 deep (real feeds nest six): encoding/xml would otherwise keep a
// stack entry for every open element, some 600 MB for one 16 MiB item of
// nothing but start tags, so Parse counts them on the raw tokens before
// the decoder that keeps the stack sees them.
//
// The decoder is strict and knows only XML's five entities and character
// references. encoding/xml never reads a DOCTYPE's internal subset, so
// external entities (<!ENTITY x SYSTEM "file:///etc/passwd">) and
// billion-laughs chains are neither read nor expanded, and using one is an
// "invalid character entity" error; Parse goes further and refuses any
// DOCTYPE with an error that says why. JVN's feeds have none. A document
// declaring an encoding other than UTF-8 is refused.
package jvn
