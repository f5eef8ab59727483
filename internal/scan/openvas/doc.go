// Package openvas reads OpenVAS / Greenbone (GVM) results into a
// scan.Report with Tool "openvas": the GMP XML report (report format
// "XML", a994b278-1f62-11e1-96ac-406186ea4fc5, from GMP 7 to 22.x) and the
// GVM CSV results export. Parse tells them apart by the first byte that is
// not white space or a byte order mark: "<" is XML, anything else CSV.
//
// # XML
//
//	<report id="..." format_id="a994b278-...">     (or <get_reports_response><report>)
//	  <report id="...">
//	    <scan_start>2023-09-26T10:50:34Z</scan_start>
//	    <results>
//	      <result id="...">
//	        <host>10.0.0.1<hostname>web-01</hostname></host>
//	        <port>443/tcp</port>
//	        <nvt oid="1.3.6.1.4.1.25623.1.0.100111">
//	          <name/> <cvss_base/> <severities><severity type="cvss_base_v3"><score/><value/></severity></severities>
//	          <tags>summary=...|insight=...|impact=...|solution=...|cvss_base_vector=...</tags>
//	          <solution/> <refs><ref type="cve" id="CVE-..."/><ref type="url" id="https://..."/></refs>
//	        </nvt>
//	        <threat>High</threat> <severity>10.0</severity> <description/>
//	      </result>
//	    </results>
//	    <host><ip>10.0.0.1</ip><detail><name>best_os_txt</name><value>...</value></detail></host>
//	    <scan_end/>
//	  </report>
//	</report>
//
// Targets: one per report-level <host> element (Name and IP from <ip>,
// FQDN from the "hostname" detail, else from the results' <hostname>, OS
// from "best_os_txt"); a result whose host has no such element gets one
// Target per distinct address. IP is set only when the address parses as
// one (anonymised reports hold "192.168.1.1001").
//
// One Result per <result>, log-level results (severity 0) included:
//
//	nvt@oid                    Rule (required)
//	nvt/name                   Title (in results of the GVM "CVE" scanner, a CVE id)
//	refs/ref type=cve, <cve>   IDs; each must be a CVE id ("NOCVE" is skipped).
//	                           A Title that is a CVE id is also an ID
//	refs/ref type=cwe          CWEs
//	refs/ref type=url, <xref>  References (URL: entries of the older <xref>)
//	severity, threat           Severity by the table below; ToolSeverity is the
//	                           <severity> number as written, or the threat
//	                           word when there is no number
//	nvt/severities             Score and Vector: cvss_base_v4 over v3 over v2;
//	nvt/cvss_base + tags       else cvss_base with the tags' cvss_base_vector
//	port                       Location as written ("443/tcp", "general/tcp")
//	tags summary, insight,     Description, the parts a blank line apart
//	impact
//	nvt/solution, tags solution Solution
//	description                Evidence (the result's own output), shortened
//
// Severity (<severity> is what the report shows after overrides; the
// ranges are CVSS v3's, so a 9.0 to 10.0 result is critical, as GVM 24
// calls it):
//
//	severity         threat (no severity)     scan.Severity
//	9.0 – 10.0                                critical
//	7.0 – 8.9        High                     high
//	4.0 – 6.9        Medium                   medium
//	0.1 – 3.9        Low                      low
//	0 (log), -1 (false positive),
//	-2 (error), -3 (debug)  Log, Debug, False Positive   info
//	                 anything else            unknown
//	not a number from -3 to 10                an error
//
// Report.Started and Finished are <scan_start> and <scan_end>, RFC 3339.
//
// # CSV
//
// The header names the columns; IP, NVT Name and NVT OID are required, the
// rest read when present: Hostname (FQDN), Port and Port Protocol
// (Location "80/tcp"), CVSS (Score, and the severity as in the table,
// ToolSeverity the number), Severity (the threat word, used when CVSS is
// empty), CVEs (comma-separated), Summary, Vulnerability Insight and Impact
// (Description), Solution, Specific Result (Evidence) and Other References
// (comma-separated URLs). The CSV has no vectors. In the rows of the GVM
// "CVE" scanner the CVE id is the NVT Name (and the NVT OID) while CVEs is
// empty: a Name or OID that is a CVE id is added to IDs. One Target per
// distinct IP.
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat, naming the
// record ("result[3] nvt 1.3.6.1.4.1.25623.1.0.100111", counting from 0;
// "line 12" in CSV) and the field ("severity", "CVSS"). The XML is read by
// scan.NewXMLDecoder, one <result> decoded at a time; a DOCTYPE that
// declares entities is refused (encoding/xml would not expand them
// anyway). 0 bytes is refused as not a report; a report with no results is
// a valid empty report, as is a CSV with only its header.
package openvas
