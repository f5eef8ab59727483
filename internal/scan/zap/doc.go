// Package zap reads OWASP ZAP's "Traditional XML" report (root
// <OWASPZAPReport>, ZAP 2.x) into a scan.Report with Tool "zap".
//
//	<OWASPZAPReport version="2.16.1" generated="...">
//	  <site name="https://example.com" host="example.com" port="443" ssl="true">
//	    <alerts>
//	      <alertitem>
//	        <pluginid>10020</pluginid> <alertRef>10020-1</alertRef> <alert/> <name/>
//	        <riskcode>2</riskcode> <confidence>2</confidence> <riskdesc>Medium (Medium)</riskdesc>
//	        <desc>&lt;p&gt;...&lt;/p&gt;</desc> <solution/> <reference/> <otherinfo/>
//	        <instances><instance><uri/><method/><param/><attack/><evidence/><otherinfo/></instance></instances>
//	        <cweid>1021</cweid> <wascid>15</wascid> <tags><tag><tag>CWE-1021</tag><link/></tag></tags>
//	      </alertitem>
//	    </alerts>
//	  </site>
//	</OWASPZAPReport>
//
// One Target per <site>: Kind web, Name and URL the site's name attribute;
// the host attribute fills IP when it is an address, FQDN otherwise.
//
// One Result per <instance>, since each instance is one URL and a Result
// has one Location: an alert seen on 12 pages is 12 results. An alert
// without <instances> (reports before ZAP 2.8 put the instance's <uri>,
// <param>, <attack> and <evidence> in the <alertitem> itself) is one
// result.
//
//	alertRef, else pluginid     Rule (alertRef tells variants of one scan rule apart)
//	name, else alert            Title
//	riskcode                    Severity by the table below, ToolSeverity as written
//	cweid, tags/tag CWE-N       CWEs; cweid -1 or 0 means none
//	desc                        Description
//	solution                    Solution
//	reference                   References: the URLs in it
//	uri                         Location
//	evidence, param, attack,    Evidence: the evidence, "Parameter: ...",
//	otherinfo                   "Attack: ...", then the instance's otherinfo or
//	                            else the alert's, shortened
//
// ZAP reports no CVE ids or CVSS, so IDs, Score and Vector stay empty.
// Text fields hold HTML paragraphs as escaped text ("<p>...</p>"); they
// become plain lines.
//
// Severity:
//
//	riskcode  riskdesc        scan.Severity
//	0         Informational   info
//	1         Low             low
//	2         Medium          medium
//	3         High            high
//	other                     an error
//
// Confidence (0 false positive, 1 low, 2 medium, 3 high, 4 user
// confirmed) is not kept.
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat naming the
// record ("site[0] https://example.com: alertitem[3] 10020-1", counting
// from 0) and the field ("riskcode", "cweid"). The document is read by
// scan.NewXMLDecoder one <alertitem> at a time; a DOCTYPE declaring
// entities is refused (encoding/xml would not expand them anyway). 0 bytes
// is refused as not a report; a site with no alerts is a valid empty
// report.
package zap
