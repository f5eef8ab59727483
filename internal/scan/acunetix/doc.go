// Package acunetix reads Acunetix results into a scan.Report with Tool
// "acunetix": the Acunetix WVS XML export (root <ScanGroup>) and the
// Acunetix 360 JSON report ({"Generated", "Target", "Vulnerabilities"},
// also what Netsparker/Invicti Enterprise write). Parse tells them apart
// by the first byte that is not white space or a byte order mark: "<" is
// XML, "{" JSON.
//
// # XML
//
//	<ScanGroup ExportedOn="28/02/2020, 05:13:54">
//	  <Scan>
//	    <Name/> <StartURL>www.example.com</StartURL> <Os/> <WebServer/>
//	    <Crawler StartUrl="http://www.example.com/">...</Crawler>
//	    <ReportItems>
//	      <ReportItem id="1" color="orange">
//	        <Name/> <ModuleName>slow-loris</ModuleName> <Details/> <Affects>/</Affects> <Parameter/>
//	        <IsFalsePositive/> <Severity>medium</Severity> <Type/> <Impact/> <Description/> <Recommendation/>
//	        <TechnicalDetails><Request/></TechnicalDetails>
//	        <CWEList><CWE id="352">CWE-352</CWE></CWEList> <CVEList><CVE>CVE-...</CVE></CVEList>
//	        <CVSS><Descriptor>AV:N/...</Descriptor><Score>5.0</Score></CVSS>
//	        <CVSS3><Descriptor>CVSS:3.0/...</Descriptor><Score>5.3</Score></CVSS3>
//	        <References><Reference><Database/><URL/></Reference></References>
//	      </ReportItem>
//	    </ReportItems>
//	  </Scan>
//	</ScanGroup>
//
// One Target per <Scan>: Kind web, Name the StartURL, URL the crawler's
// StartUrl (a full URL) or else the StartURL.
//
// One Result per <ReportItem>, except those marked IsFalsePositive True
// (the user's own verdict; importing them would reopen them):
//
//	ModuleName, else Type   Rule (Acunetix's check; required)
//	Name                    Title
//	Severity                Severity by the table below, ToolSeverity as written
//	CVEList/CVE             IDs; each must be a CVE id
//	CWEList/CWE             CWEs, from the id attribute or the text
//	CVSS3, CVSS             Score and Vector: v3 over v2
//	URL + Affects           Location ("http://www.example.com/login.php")
//	Description, Impact     Description, a blank line apart
//	Recommendation          Solution
//	Details, Parameter,     Evidence: the details, "Parameter: ...", and the
//	TechnicalDetails/Request first request's head, shortened
//	References/Reference    References: their URLs
//
// # JSON (Acunetix 360)
//
// One Target: Kind web, Name and URL Target.Url. One Result per entry of
// Vulnerabilities, except those whose State says they are fixed or not
// findings ("Fixed ...", "False Positive", "Ignored", "Accepted Risk";
// Present and Revived are kept):
//
//	Type                         Rule (required)
//	Name                         Title
//	Severity                     Severity by the table, ToolSeverity as written
//	Classification.Cvss31/Cvss   Score (BaseScore.Value) and Vector: 3.1 over 3.0
//	Classification.Cwe           CWEs (comma-separated numbers)
//	Url                          Location
//	Description, Impact          Description
//	RemedialProcedure,           Solution
//	RemedialActions
//	ProofOfConcept, ExtraInformation, Evidence: the proof, the "Name: Value" lines,
//	HttpRequest.Content          the request's head
//	ExternalReferences,          References: the links in them
//	RemedyReferences
//
// KnownVulnerabilities lists titles only (no ids), so IDs stay empty.
//
// Severity (both encodings; case ignored):
//
//	Severity                    scan.Severity
//	critical                    critical
//	high                        high
//	medium                      medium
//	low                         low
//	informational, information,
//	bestpractice                info
//	anything else               unknown
//
// Text fields are HTML; they become plain text.
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat naming the
// record ("Scan[0] www.example.com: ReportItem[3] slow-loris",
// "Vulnerabilities[3] CookieNotMarkedAsHttpOnly", counting from 0) and the
// field ("CVSS3.Score", "Classification.Cvss.BaseScore.Value"). The XML is
// read by scan.NewXMLDecoder one <ReportItem> at a time; a DOCTYPE
// declaring entities is refused (encoding/xml would not expand them
// anyway). JSON is read by encoding/json. 0 bytes is refused as not a
// report; a scan with no items is a valid empty report.
package acunetix
