// Package burp reads Burp Suite's "Report issues" XML export (root
// <issues burpVersion=... exportTime=...>, with an inline DTD) into a
// scan.Report with Tool "burp".
//
//	<issues burpVersion="2021.4.2" exportTime="...">
//	  <issue>
//	    <serialNumber/> <type>5245344</type> <name/>
//	    <host ip="192.168.1.10">http://bwa</host> <path/> <location>/x [q parameter]</location>
//	    <severity>High</severity> <confidence>Firm</confidence>
//	    <issueBackground/> <remediationBackground/> <references/> <vulnerabilityClassifications/>
//	    <issueDetail/> <issueDetailItems><issueDetailItem/></issueDetailItems> <remediationDetail/>
//	    <requestresponse><request method="GET" base64="true">R0VU...</request><response base64="true"/></requestresponse>
//	  </issue>
//	</issues>
//
// One Target per distinct <host>: Kind web, Name and URL the host text
// (scheme, name and port), IP the ip attribute when it is an address.
//
// One Result per <issue>:
//
//	type                        Rule (Burp's issue type id; required)
//	name                        Title
//	severity                    Severity by the table below, ToolSeverity as written
//	vulnerabilityClassifications CWEs: the CWE-N it links
//	issueDetail, references,    IDs: the CVE ids named in them (Burp's
//	vulnerabilityClassifications vulnerable-dependency issues cite CVEs)
//	host + location             Location ("http://bwa/bodgeit/search.jsp [q parameter]")
//	issueBackground             Description
//	remediationDetail,          Solution, a blank line apart
//	remediationBackground
//	issueDetail, issueDetailItems, Evidence: the detail, its items, the first
//	requestresponse             request's head (request line and headers) and the
//	                            first response's status line, shortened
//	references                  References: the links in it
//
// Burp gives no CVSS, so Score and Vector stay empty. Text fields are HTML
// fragments; they become plain text (tags dropped, paragraphs and list
// items on their own lines, entities decoded). Requests and responses with
// base64="true" are decoded, every one of them, so a corrupt one fails the
// parse; bytes that are not UTF-8 (binary bodies) become U+FFFD in the
// evidence.
//
// Severity:
//
//	severity        scan.Severity
//	High            high
//	Medium          medium
//	Low             low
//	Information     info
//	anything else   unknown
//
// Confidence (Certain, Firm, Tentative) is not kept.
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat naming the
// record ("issue[17] type 5245344", counting from 0) and the field
// ("requestresponse[0].request"). Burp writes a DOCTYPE with an internal
// subset of element declarations; it is allowed, but one that declares
// entities is refused (encoding/xml would not expand them anyway: an
// undeclared entity is a syntax error, and declared ones are never read).
// The export is read by scan.NewXMLDecoder one <issue> at a time, and only
// the results are kept; exports run to megabytes of base64 traffic. 0
// bytes is refused as not a report; <issues/> is a valid empty report.
package burp
