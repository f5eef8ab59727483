// Package qualys reads Qualys VM results into a scan.Report with Tool
// "qualys": the Asset Data Report XML (root <ASSET_DATA_REPORT>, DTD
// asset_data_report.dtd) and the VM detection CSV export. Parse tells them
// apart by the first byte that is not white space or a byte order mark:
// "<" is XML, anything else CSV.
//
// # XML
//
//	<ASSET_DATA_REPORT>
//	  <HEADER>...</HEADER> <RISK_SCORE_PER_HOST>...</RISK_SCORE_PER_HOST>
//	  <HOST_LIST>
//	    <HOST><IP/><DNS/><NETBIOS/><OPERATING_SYSTEM/>
//	      <VULN_INFO_LIST><VULN_INFO>
//	        <QID id="qid_38739">38739</QID><TYPE>Vuln</TYPE><PORT>22</PORT><PROTOCOL>tcp</PROTOCOL><RESULT/>
//	      </VULN_INFO></VULN_INFO_LIST>
//	    </HOST>
//	  </HOST_LIST>
//	  <GLOSSARY><VULN_DETAILS_LIST><VULN_DETAILS id="qid_38739">
//	    <QID/><TITLE/><SEVERITY>3</SEVERITY><THREAT/><IMPACT/><SOLUTION/>
//	    <CVSS_SCORE><CVSS_BASE>5.0 (AV:N/...)</CVSS_BASE></CVSS_SCORE>
//	    <CVSS3_SCORE><CVSS3_BASE>7.5 (AV:N/...)</CVSS3_BASE></CVSS3_SCORE>
//	    <VENDOR_REFERENCE_LIST/> <CVE_ID_LIST><CVE_ID><ID/><URL/></CVE_ID></CVE_ID_LIST> <BUGTRAQ_ID_LIST/>
//	  </VULN_DETAILS></VULN_DETAILS_LIST></GLOSSARY>
//	  <APPENDICES>...</APPENDICES>
//	</ASSET_DATA_REPORT>
//
// One Target per <HOST>: Name and IP the <IP> (IP only when it is an
// address), FQDN the <DNS> name, OS <OPERATING_SYSTEM>.
//
// One Result per <VULN_INFO>, information-gathered ones included. The
// detection says where; what the QID is comes from the glossary at the
// end of the report, so results are completed once it is read:
//
//	QID                       Rule (a number; required)
//	TITLE                     Title ("QID n" when the glossary lacks it)
//	SEVERITY and TYPE         Severity by the table below; ToolSeverity the level
//	CVE_ID_LIST               IDs; each must be a CVE id
//	CVSS3_BASE, CVSS_BASE     Score and Vector, v3 over v2. Qualys writes
//	                          "7.5 (AV:N/AC:L/...)" without a version prefix; a
//	                          v3 vector is given "CVSS:3.1/" (3.0 and 3.1 share
//	                          the base metrics), a v2 vector is left as it is
//	PORT/PROTOCOL             Location "22/tcp"; none for host-level QIDs
//	THREAT, IMPACT            Description, a blank line apart
//	SOLUTION                  Solution
//	RESULT                    Evidence, shortened
//	VENDOR_REFERENCE, BUGTRAQ_ID References: their URLs
//
// Glossary text is HTML-ish (<P>, <BR>, <A HREF>) and becomes plain text.
//
// Severity: Qualys rates QIDs 1 (minimal) to 5 (urgent). Confirmed
// vulnerabilities (TYPE Vuln) and potential ones (Practice) map by level;
// information gathered (Ig) is information at any level:
//
//	SEVERITY  Vuln, Practice   Ig
//	5         critical         info
//	4         high             info
//	3         medium           info
//	2         low              info
//	1         low              info
//	other     an error
//	(no glossary entry)        unknown, or info for Ig
//
// Report.Started and Finished stay zero: the report's date is when it was
// generated, not when the hosts were scanned.
//
// # CSV
//
// The header may follow a few lines of report metadata: the first of the
// first 20 rows with both an IP and a QID column is the header; it also
// needs Title and Severity. Read when present: DNS (FQDN), OS, Type
// (default Vuln), Port and Protocol, CVE ID (comma-separated),
// "CVSS3 Base" or CVSS3, "CVSS Base" or CVSS, Threat and Impact
// (Description), Solution and Results (Evidence). Severity
// and Type map as in the XML. One Target per distinct IP.
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat naming the
// record ("HOST[2] 10.0.0.1: VULN_INFO[17] QID 38739", "VULN_DETAILS[4]
// QID 38739", counting from 0; "line 12" in CSV) and the field. The XML is
// read by scan.NewXMLDecoder one <HOST> and one <VULN_DETAILS> at a time;
// the DOCTYPE naming Qualys's external DTD is allowed (encoding/xml never
// fetches it) but one declaring entities is refused. 0 bytes is refused as
// not a report; a report with no hosts is a valid empty report, as is a
// CSV with only its header.
package qualys
