// Package cnvd reads the weekly XML exports of the China National
// Vulnerability Database (CNVD, https://www.cnvd.org.cn) into advisory
// records with Source "cnvd", one per <vulnerability>.
//
// # Format
//
// CNVD publishes no schema. A weekly file (named by CNVD's period number,
// 243.xml to 1476.xml for 2014 to 2023) is UTF-8 XML with no attributes
// and no namespaces:
//
//	<vulnerabilitys>
//	  <vulnerability>
//	    <number>CNVD-2021-63686</number>
//	    <cves><cve><cveNumber>CVE-...</cveNumber><cveUrl>...</cveUrl></cve></cves>
//	    <bids><bid><bidNumber>96819</bidNumber><bidUrl>...</bidUrl></bid></bids>
//	    <title>...</title><serverity>中</serverity>
//	    <products><product>...</product></products>
//	    <isEvent>通用软硬件漏洞</isEvent>
//	    <submitTime>2021-08-03</submitTime><openTime>2021-10-04</openTime>
//	    <discovererName>...</discovererName><referenceLink>...</referenceLink>
//	    <formalWay>...</formalWay><description>...</description>
//	    <patchName>...</patchName><patchDescription>...</patchDescription>
//	  </vulnerability>
//	</vulnerabilitys>
//
// Every element of the 460 files is listed; all are optional but number.
// A document whose root is a single <vulnerability> is read as one entry.
//
// # Mapping
//
//	number            ID; must match CNVD-YYYY-N{4,6}
//	cves/cve          Aliases (below); cveUrl only rescues a malformed cveNumber
//	bids/bid          References, type ADVISORY: bidUrl, else
//	                  http://www.securityfocus.com/bid/N as CNVD writes it
//	title             Titles, zh-CN
//	serverity         Severities, type CNVD: 高 HIGH, 中 MEDIUM, 低 LOW. The map
//	                  is one to one, so the Chinese word is not kept beside it;
//	                  an entry without one (326 of 112,192) has no severity,
//	                  any other word is an error
//	products/product  Affected, one per distinct product, Text = the product
//	                  as written; Vendor only when the text starts with a
//	                  Chinese organisation name (ending 公司 or 集团, no space)
//	isEvent           Note "vulnerability_type", zh-CN: 通用软硬件漏洞 (in a
//	                  product) or 事件型漏洞 (in one deployed system)
//	submitTime        ignored: when the report reached CNVD, not a publication
//	openTime          Published, midnight UTC, so the date reads as CNVD's
//	referenceLink     References, type WEB (below)
//	formalWay         Note "remediation", zh-CN: CNVD's official solution. A
//	                  record-wide note rather than Affected.Remediations, which
//	                  would repeat it under every product and need a CSAF
//	                  category the free text does not state
//	description       Descriptions, zh-CN
//	patchName         Note "patch", zh-CN: title patchName, text patchDescription
//	patchDescription  (the text is patchName when there is no description)
//	discovererName    Credits, one FINDER, as written ("Oracle", "绿盟科技集团股份
//	                  有限公司", "A, B, C": lists are not split, their separators
//	                  vary). The placeholders unknown, unknwon, unknow and unkown,
//	                  in any case, are dropped
//
// Modified stays zero: the export has no update time. Text is trimmed, and
// its line breaks, written as "&#xD;\n" in some entries and "\n" in others,
// all become "\n"; nothing else is changed.
//
// # Cross-references
//
// cveNumber and bidNumber are typed by hand. Besides the ids they are for
// they hold BugTraq ids in the CVE field (184 entries), CVE ids in the
// BugTraq field, Exploit Database ids, a CWE, URLs and the entry's own
// number. Each value is read, in this order, as: empty or the entry's own
// number (ignored); a URL (a WEB reference); one or more CVE ids and
// nothing else, as typed (several per element one per line, spaces, en
// dashes or "=" for hyphens, a stray character before, the C lost:
// "VE-2018-1000652"), written canonically as Aliases; a CVE id without its
// prefix ("2019-10354"); a bare number, a BugTraq id (a reference as
// above); "EDB-ID: N" (an EVIDENCE reference to exploit-db.com); "CWE-N"
// (CWEs). When a cveNumber is none of these and its cveUrl names a CVE,
// that CVE is the alias (CNVD-2017-06724: "CVE-2017-740" with the URL of
// CVE-2017-7409). Any other value is an error naming the element
// ("cves.cve[1].cveNumber"), so that a typo never becomes a wrong alias.
//
// # References
//
// referenceLink is links one per line; since 2020 often labelled as CNNVD
// labels them, "来源:GENTOO" (kept as the link's tag) then "链接:https://...".
// URLs are taken from the text, ending at white space or Chinese
// punctuation. Some lines are not links: sentences, URLs with the scheme
// cut ("ttp://...") or broken by a space. When anything but links, labels
// and punctuation is left, the whole field is also kept as a Note
// "references", without a language (249 entries). References are
// deduplicated by URL, ignoring http/https and a trailing slash.
//
// # Repeated numbers
//
// 376 of the 112,192 entries repeat a number seen before: 288 are
// byte-identical copies in a later week, 7 are revisions (same title,
// changed text or date), and 81 are different vulnerabilities that CNVD
// published under one number, 39 of them inside one weekly file (645.xml
// alone has 37). Parse yields every entry as it is; it cannot tell a
// revision from a collision.
//
// # Hostile input
//
// The decoder is strict. Markup declarations (<!DOCTYPE>, <!ENTITY>) are
// refused wherever they appear, with an error saying so: encoding/xml
// neither fetches external entities nor expands declared ones, so an
// external-entity read or a billion-laughs expansion cannot happen anyway,
// but the error makes the rejection plain. An encoding declaration other
// than UTF-8 is refused (every export is UTF-8, and decoding GBK or Latin-1
// by guess would garble the text silently), as are invalid UTF-8, control
// characters and undeclared entities. One entry may take at most 16 MiB
// (the largest real one is under 20 KiB): a larger one is reported, and when
// it is far larger, the document ends there, as the decoder cannot find
// the next entry.
package cnvd
