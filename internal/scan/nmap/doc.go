// Package nmap reads Nmap's XML output (-oX; root <nmaprun>) into a
// scan.Report with Tool "nmap", including what the vulners NSE script
// (https://github.com/vulnersCom/nmap-vulners) lists for each service.
//
//	<nmaprun scanner="nmap" version="7.91" start="1619688396">
//	  <host><status state="up"/>
//	    <address addr="10.0.0.1" addrtype="ipv4"/>
//	    <hostnames><hostname name="web-01" type="user"/><hostname name="..." type="PTR"/></hostnames>
//	    <ports><port protocol="tcp" portid="22"><state state="open"/>
//	      <service name="ssh" product="OpenSSH" version="7.4"><cpe>cpe:/a:openbsd:openssh:7.4</cpe></service>
//	      <script id="vulners" output="&#xa;  cpe:/a:openbsd:openssh:7.4: &#xa;    &#x9;CVE-2018-15919&#x9;5.0&#x9;https://vulners.com/cve/CVE-2018-15919"/>
//	    </port></ports>
//	    <os><osmatch name="Linux 4.15" accuracy="96"/></os>
//	    <hostscript><script id="smb-os-discovery" output="..."/></hostscript>
//	  </host>
//	  <runstats><finished time="1619688497"/></runstats>
//	</nmaprun>
//
// One Target per <host> whose status is "up" (hosts reported down were not
// scanned, and a target without results would read as clean): Kind host,
// IP the first IPv4 or IPv6 <address>, FQDN the hostname the user gave
// (type "user") or else the PTR name, Name the user's hostname or else the
// address, OS the first <osmatch> (Nmap lists the most accurate first).
//
// Results, all with Location "22/tcp" (none for host scripts):
//
//   - One per open port (state "open"; closed, filtered and
//     open|filtered ports are not findings): Rule "open-port", Title
//     "Open port 22/tcp: ssh", Evidence the service's product, version,
//     extra information and CPEs. Severity info.
//   - One per line of the vulners script's output that lists an entry
//     ("<id> <cvss> <url> [*EXPLOIT*]", under a "cpe:...:" line): Rule
//     "vulners", Title the id, IDs the id when it is a CVE or GHSA id,
//     Score the cvss, Severity from the score by the CVSS v3 ranges
//     (critical from 9.0, high from 7.0, medium from 4.0, low above 0,
//     info at 0), ToolSeverity the cvss as written, References the URL,
//     Description which CPE it was listed for and whether vulners marks it
//     an exploit. Exploit entries (Metasploit modules, Exploit-DB, ...)
//     are results too: they are what vulners found for the service, with
//     its score. The output is read rather than the script's <table>
//     elements because every version of the script writes it. Output
//     with no CPE line (a script error) is kept as one result, as any
//     other script's; a malformed entry under a CPE is an error.
//   - One per other script, on a port or the host: Rule the script id,
//     Title the script id, Evidence its output, Severity info (NSE
//     scripts report facts; vmc cannot tell a finding from an inventory
//     note).
//
// Report.Version is nmaprun's version, Started its start time, Finished
// runstats/finished's time (Unix seconds).
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat naming the
// record ("host[0] 10.0.0.1: port 22/tcp: script vulners: line 3",
// counting from 0) and the field ("cvss", "portid"). The document is read
// by scan.NewXMLDecoder one <host> at a time; Nmap writes <!DOCTYPE
// nmaprun>, which is allowed, but a DOCTYPE declaring entities is refused
// (encoding/xml would not expand them anyway). 0 bytes is refused as not a
// report; a run with no hosts up, or no open ports, is a valid empty
// report.
package nmap
