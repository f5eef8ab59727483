// Package nikto reads Nikto web server scanner results into a scan.Report
// with Tool "nikto": the XML output (-Format xml; root <niktoscan>,
// nxmlversion 1.2) and the JSON output (-Format json). Parse tells them
// apart by the first byte that is not white space or a byte order mark:
// "<" is XML, "{" or "[" JSON.
//
// # XML
//
//	<niktoscan>                               (one per run; several hosts read from
//	  <niktoscan version="2.1.6" ...>          stdin nest one <niktoscan> per host)
//	    <scandetails targetip="10.0.0.1" targethostname="web-01" targetport="443"
//	                 sitename="https://web-01:443/" ...>
//	      <item id="999986" osvdbid="0" osvdblink="http://osvdb.org/0" method="GET">
//	        <description/> <uri/> <namelink/> <iplink/>
//	      </item>
//	    </scandetails>
//	  </niktoscan>
//	</niktoscan>
//
// One Target per <scandetails>: Kind web, Name and URL the sitename, IP
// targetip when it is an address, FQDN targethostname unless it is one.
//
// One Result per <item>:
//
//	id                 Rule (Nikto's test id; required)
//	description        Title; also IDs: the CVE ids it names
//	namelink           Location; when empty, the sitename joined with uri
//	method, uri        Evidence "GET /favicon.ico"
//	osvdbid, osvdblink References: the link, when osvdbid is not 0
//
// # JSON
//
// An object, or an array of them (Nikto 2.5 writes one per host):
//
//	{"host": "web-01", "ip": "10.0.0.1", "port": "443", "banner": "...",
//	 "vulnerabilities": [{"id": "999986", "OSVDB": "0", "method": "GET", "url": "/", "msg": "...", "references": "..."}]}
//
// One Target per object: Kind web, Name "host:port", IP and FQDN as in the
// XML, URL built from host and port, as the JSON gives no scheme: port 443
// is https://host/, 80 http://host/, any other port http://host:port/.
// One Result per vulnerability, mapped as the XML's item: id → Rule, msg →
// Title and IDs, URL and url → Location, method and url → Evidence, OSVDB
// → the osvdb.org link, references → References.
//
// Severity: Nikto rates nothing, so every result has Severity unknown and
// no ToolSeverity; importers triage them. Score and Vector stay empty.
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat naming the
// record ("scandetails[0] https://web-01:443/: item[3] 999986",
// "[0].vulnerabilities[3] 999986", counting from 0) and the field. The XML
// is read by scan.NewXMLDecoder one <scandetails> at a time; the DOCTYPE
// naming nikto.dtd is allowed (encoding/xml never fetches it), one
// declaring entities is refused. JSON is read by encoding/json; a port
// must be a number from 1 to 65535. 0 bytes is refused as not a report;
// an empty <niktoscan/> or an empty vulnerabilities list is a valid empty
// report.
package nikto
