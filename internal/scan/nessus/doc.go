// Package nessus reads Tenable Nessus results into a scan.Report with Tool
// "nessus": the .nessus XML export (root <NessusClientData_v2>, also what
// Tenable Web App Scanning exports) and the Nessus CSV export. Parse tells
// the two apart by the first byte that is not white space or a byte order
// mark: "<" is XML, anything else CSV.
//
// # XML
//
//	<NessusClientData_v2>
//	  <Policy>...</Policy>                  skipped (often 90% of the file)
//	  <Report name="...">
//	    <ReportHost name="web-01">
//	      <HostProperties><tag name="host-ip">10.0.0.1</tag>...</HostProperties>
//	      <ReportItem port="443" protocol="tcp" severity="2" pluginID="51192" pluginName="...">
//	        <cve>CVE-...</cve> <cwe>20</cwe> <xref>CWE:20</xref>
//	        <cvss3_base_score>6.5</cvss3_base_score> <cvss3_vector>CVSS:3.0/...</cvss3_vector>
//	        <synopsis/> <description/> <solution/> <see_also/> <plugin_output/>
//	      </ReportItem>
//	    </ReportHost>
//	  </Report>
//	</NessusClientData_v2>
//
// One Target per <ReportHost>:
//
//	name attribute          Name
//	tag host-ip             IP (only when it is an IP address)
//	tag host-fqdn           FQDN (unless it is a URL, as WAS writes it)
//	tag operating-system    OS
//	name is an http(s) URL  Kind web and URL = name (Tenable WAS); else Kind host
//
// One Result per <ReportItem>, severity 0 included (as info):
//
//	pluginID                Rule (required)
//	pluginName              Title (else <plugin_name>)
//	<cve>                   IDs; each must be a CVE id
//	<cwe>, <xref>CWE:N      CWEs; other xrefs (IAVA, OSVDB, MSFT, ...) are not kept
//	severity                Severity by the table below, ToolSeverity as written
//	cvss4/cvss3/cvss        Score and Vector: the newest version given
//	_base_score/_vector     (cvss4 over cvss3 over cvss2). A v2 vector loses
//	                        Nessus's "CVSS2#" prefix, so it reads as plain v2
//	port/protocol           Location "443/tcp"; port 0 is host-level ("0/tcp")
//	synopsis, description   Description: the synopsis, a blank line, the description
//	solution                Solution ("n/a" is dropped)
//	plugin_output           Evidence, shortened by scan.Shorten
//	see_also                References, one per white-space separated word
//
// Severity:
//
//	severity  risk_factor  scan.Severity
//	0         None         info
//	1         Low          low
//	2         Medium       medium
//	3         High         high
//	4         Critical     critical
//	other                  an error
//
// Report.Started and Finished are the earliest HOST_START_TIMESTAMP and
// latest HOST_END_TIMESTAMP (Unix seconds); WAS writes HOST_START and
// HOST_END as RFC 3339 instead, and those are read when there is no
// timestamp. The ctime-like HOST_START of older scanners has no time zone
// and is not read. Report.Version is the "Nessus version" that plugin 19506
// (Nessus Scan Information) prints, when it is there.
//
// # CSV
//
// The export's first row names the columns; Tenable lets the user pick
// them, so they are found by name (case-insensitive): Plugin ID and Host
// are required, and one of Risk or Severity. The others are read when
// present: CVE, CVSS or "CVSS v2.0 Base Score", "CVSS v3.0 Base Score",
// "CVSS v4.0 Base Score", Protocol, Port, Name, Synopsis, Description,
// Solution, See Also, Plugin Output, XREF (CWE:N entries). The CSV has no
// vectors, so Vector stays empty. Risk is a word: None → info, then Low,
// Medium, High, Critical as their names; a numeric Severity column maps as
// in the XML table. One Target per distinct Host value (an IP address also
// fills IP).
//
// Nessus writes one row per CVE of a plugin result, the other cells
// repeated. Consecutive rows equal but for the CVE cell are merged into one
// Result with all the CVEs, so a plugin with 40 CVEs is one result, as in
// the XML.
//
// # Errors and hostile input
//
// Parse reads the whole report or fails with a *feed.RecordError wrapping
// feed.ErrFormat that names the record ("ReportHost[2] web-01:
// ReportItem[17] plugin 19506", indexes from 0; "line 12" in CSV) and the
// field ("cvss3_base_score", "Port"). A score must be a number from 0 to 10,
// a port a number from 0 to 65535, a timestamp a Unix time before year
// 10000.
//
// The XML is read by scan.NewXMLDecoder as a stream of tokens, one
// ReportItem decoded at a time; only the results are kept, so the raw
// bytes are never held. encoding/xml neither fetches external entities nor
// expands the ones a DTD declares; on top of that a DOCTYPE that declares
// entities is refused with an error saying so, rather than failing later on
// the first reference. 0 bytes is refused: every Nessus export has at least
// its root element, and an empty upload is more likely a failed export than
// a clean scan. A CSV with a header and no rows is a valid empty report.
package nessus
