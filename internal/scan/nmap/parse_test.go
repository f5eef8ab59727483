package nmap

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	Targets, Results int
	// ByRule counts results by rule: open ports, vulners entries, other
	// scripts.
	ByRule  map[string]int
	WithCVE int
}

func count(rep *scan.Report) counts {
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), ByRule: map[string]int{}, WithCVE: scantest.CountIf(rep, scantest.HasID)}
	for _, r := range rep.Results {
		c.ByRule[r.Rule]++
	}
	return c
}

func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "nmap", scantest.GoldenFile, count, []scantest.Sample[counts]{
		{
			// README: 1 host, 25 open ports, 42 vulners entries (8 of
			// them CVEs, 34 exploits), plus fingerprint-strings (5) and
			// rpcinfo (1) output.
			File: "issue4406.xml",
			Want: counts{Targets: 1, Results: 73, WithCVE: 8,
				ByRule: map[string]int{"open-port": 25, "vulners": 42, "fingerprint-strings": 5, "rpcinfo": 1}},
			Golden: true,
		},
		{
			// README: 1 open port with 2 vulners CVEs.
			File:   "nmap_script_vulners.xml",
			Want:   counts{Targets: 1, Results: 3, WithCVE: 2, ByRule: map[string]int{"open-port": 1, "vulners": 2}},
			Golden: true,
		},
		{
			// README: 2 hosts, 7 ports (4 open), no scripts.
			File:   "issue12411.xml",
			Want:   counts{Targets: 2, Results: 4, ByRule: map[string]int{"open-port": 4}},
			Golden: true,
		},
		{
			// README: 1 host, 0 ports.
			File:   "nmap_0port.xml",
			Want:   counts{Targets: 1, ByRule: map[string]int{}},
			Golden: true,
		},
	})
}

func TestSampleFields(t *testing.T) {
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "nmap/nmap_script_vulners.xml"))
	want := &scan.Report{Tool: "nmap", Version: "7.60",
		Started: time.Unix(1581930445, 0).UTC(), Finished: time.Unix(1581930455, 0).UTC(),
		Targets: []scan.Target{{Kind: scan.TargetHost, Name: "192.168.0.1", IP: "192.168.0.1"}},
		Results: []scan.Result{
			{Rule: "open-port", Title: "Open port 5022/tcp: ssh", Severity: scan.SevInfo, Location: "5022/tcp",
				Evidence: "OpenSSH 7.4 (protocol 2.0)\ncpe:/a:openbsd:openssh:7.4"},
			{Rule: "vulners", Title: "CVE-2018-15919", IDs: []string{"CVE-2018-15919"}, Severity: scan.SevMedium, ToolSeverity: "5.0", Score: 5,
				Location: "5022/tcp", Description: "Listed by vulners for cpe:/a:openbsd:openssh:7.4.", References: []string{"https://vulners.com/cve/CVE-2018-15919"}},
			{Rule: "vulners", Title: "CVE-2017-15906", IDs: []string{"CVE-2017-15906"}, Severity: scan.SevMedium, ToolSeverity: "5.0", Score: 5,
				Location: "5022/tcp", Description: "Listed by vulners for cpe:/a:openbsd:openssh:7.4.", References: []string{"https://vulners.com/cve/CVE-2017-15906"}},
		}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}

	big := scantest.ParseFile(t, Parse, scantest.Shared(t, "nmap/issue4406.xml"))
	if tg := big.Targets[0]; tg.IP != "10.250.195.71" || tg.FQDN != "ip-10-250-195-71.eu-west-1.compute.internal" || tg.Name != "10.250.195.71" {
		t.Errorf("issue4406 target: %+v", tg)
	}
	var cve, exploit *scan.Result
	for i, r := range big.Results {
		switch r.Title {
		case "CVE-2019-6111":
			cve = &big.Results[i]
		case "EDB-ID:46516":
			exploit = &big.Results[i]
		}
	}
	if cve == nil || cve.Location != "22/tcp" || cve.Score != 5.8 || cve.Severity != scan.SevMedium || !cmp.Equal(cve.IDs, []string{"CVE-2019-6111"}) {
		t.Errorf("CVE-2019-6111: %+v", cve)
	}
	if exploit == nil || len(exploit.IDs) != 0 || exploit.Description != "Exploit listed by vulners for cpe:/a:openbsd:openssh:7.4." {
		t.Errorf("EDB-ID:46516: %+v", exploit)
	}

	two := scantest.ParseFile(t, Parse, scantest.Shared(t, "nmap/issue12411.xml"))
	wantT := []scan.Target{
		{Kind: scan.TargetHost, Name: "google.com", IP: "172.217.18.238", FQDN: "google.com"},
		{Kind: scan.TargetHost, Name: "amazon.com", IP: "54.239.28.85", FQDN: "amazon.com"},
	}
	if diff := cmp.Diff(wantT, two.Targets); diff != "" {
		t.Errorf("issue12411 targets (-want +got):\n%s", diff)
	}
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<!DOCTYPE nmaprun>\n"

func doc(hosts ...string) string {
	return xmlHead + `<nmaprun scanner="nmap" version="7.94" start="1700000000">` + strings.Join(hosts, "") +
		`<runstats><finished time="1700000100"/></runstats></nmaprun>`
}

func host(ports ...string) string {
	return `<host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><address addr="00:11:22:33:44:55" addrtype="mac"/>` +
		`<hostnames><hostname name="h.example" type="PTR"/></hostnames><ports>` + strings.Join(ports, "") + `</ports></host>`
}

func port(id, state, inner string) string {
	return fmt.Sprintf(`<port protocol="tcp" portid="%s"><state state="%s"/>%s</port>`, id, state, inner)
}

func vulners(out string) string {
	return `<script id="vulners" output="` + strings.NewReplacer("\n", "&#xa;", "\t", "&#x9;").Replace(out) + `"/>`
}

func TestParse(t *testing.T) {
	h := scan.Target{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1", FQDN: "h.example"}
	base := scan.Report{Tool: "nmap", Version: "7.94", Started: time.Unix(1700000000, 0).UTC(), Finished: time.Unix(1700000100, 0).UTC()}
	with := func(targets []scan.Target, results ...scan.Result) *scan.Report {
		r := base
		r.Targets, r.Results = targets, results
		return &r
	}
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "vulners entries, another script, a host script, closed and filtered ports",
			In: doc(`<host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><hostnames><hostname name="h.example" type="PTR"/></hostnames><ports>` +
				port("22", "open", `<service name="ssh" product="OpenSSH" version="8.9p1"><cpe>cpe:/a:openbsd:openssh:8.9p1</cpe></service>`+
					vulners("\n  cpe:/a:openbsd:openssh:8.9p1: \n    \tCVE-2023-38408\t9.8\thttps://vulners.com/cve/CVE-2023-38408\n"+
						"    \tPACKETSTORM:173661\t9.8\thttps://vulners.com/packetstorm/PACKETSTORM:173661\t*EXPLOIT*\n    \tGHSA-XXXX-yyyy-zzzz\t0.0\n")+
					`<script id="ssh-hostkey" output="2048 aa:bb (RSA)"/>`) +
				port("23", "closed", "") + port("25", "filtered", "") +
				`</ports><os><osmatch name="Linux 5.0 - 5.14" accuracy="95"/><osmatch name="Linux 4.15" accuracy="90"/></os>` +
				`<hostscript><script id="smb-os-discovery" output="OS: Windows"/><script id="vulners" output="ERROR: Script execution failed"/></hostscript></host>`),
			Want: with([]scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1", FQDN: "h.example", OS: "Linux 5.0 - 5.14"}},
				scan.Result{Rule: "open-port", Title: "Open port 22/tcp: ssh", Severity: scan.SevInfo, Location: "22/tcp", Evidence: "OpenSSH 8.9p1\ncpe:/a:openbsd:openssh:8.9p1"},
				scan.Result{Rule: "vulners", Title: "CVE-2023-38408", IDs: []string{"CVE-2023-38408"}, Severity: scan.SevCritical, ToolSeverity: "9.8", Score: 9.8,
					Location: "22/tcp", Description: "Listed by vulners for cpe:/a:openbsd:openssh:8.9p1.", References: []string{"https://vulners.com/cve/CVE-2023-38408"}},
				scan.Result{Rule: "vulners", Title: "PACKETSTORM:173661", Severity: scan.SevCritical, ToolSeverity: "9.8", Score: 9.8,
					Location: "22/tcp", Description: "Exploit listed by vulners for cpe:/a:openbsd:openssh:8.9p1.", References: []string{"https://vulners.com/packetstorm/PACKETSTORM:173661"}},
				scan.Result{Rule: "vulners", Title: "GHSA-XXXX-yyyy-zzzz", IDs: []string{"GHSA-xxxx-yyyy-zzzz"}, Severity: scan.SevInfo, ToolSeverity: "0.0",
					Location: "22/tcp", Description: "Listed by vulners for cpe:/a:openbsd:openssh:8.9p1."},
				scan.Result{Rule: "ssh-hostkey", Title: "ssh-hostkey", Severity: scan.SevInfo, Location: "22/tcp", Evidence: "2048 aa:bb (RSA)"},
				scan.Result{Rule: "smb-os-discovery", Title: "smb-os-discovery", Severity: scan.SevInfo, Evidence: "OS: Windows"},
				scan.Result{Rule: "vulners", Title: "vulners", Severity: scan.SevInfo, Evidence: "ERROR: Script execution failed"},
			),
		},
		{
			Name: "a host that is down is no target",
			In:   doc(`<host><status state="down"/><address addr="10.0.0.9" addrtype="ipv4"/></host>`, host()),
			Want: with([]scan.Target{h}),
		},
		{
			Name: "no hosts",
			In:   `<?xml version="1.0"?><nmaprun version="6.40"></nmaprun>`,
			Want: &scan.Report{Tool: "nmap", Version: "6.40"},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(host(port("22", "open", "")))
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "other root", In: `<?xml version="1.0"?><niktoscan/>`, Want: "malformed input: root element <niktoscan>, want <nmaprun>"},
		{Name: "malformed XML", In: `<nmaprun><host><status state="up"></host></nmaprun>`,
			Want: "host[0]: malformed input: XML syntax error on line 1: element <status> closed by </host>"},
		{Name: "truncated in a host", In: full[:strings.Index(full, "</ports>")], Want: "host[0]: malformed input: XML syntax error on line 3: unexpected EOF"},
		{Name: "truncated after the hosts", In: full[:strings.Index(full, "<runstats>")], Want: "malformed input: XML syntax error on line 3: unexpected EOF"},
		{Name: "billion laughs", In: `<?xml version="1.0"?>` + scantest.Laughs("nmaprun") + `<nmaprun>` + host(port("22", "open", `<script id="x" output="&lol9;"/>`)) + `</nmaprun>`,
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: `<?xml version="1.0"?><!DOCTYPE nmaprun [<!ENTITY e SYSTEM "file:///etc/passwd">]><nmaprun>` + host() + `</nmaprun>`,
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(host(port("22", "open", `<script id="x" output="&e;"/>`))),
			Want: "host[0]: malformed input: XML syntax error on line 3: invalid character entity &e;"},
		{Name: "vulners score not a number", In: doc(host(port("22", "open", vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\thigh\thttps://v.example/\n")))),
			Want: `host[0] 10.0.0.1: port 22/tcp: script vulners: line 2: cvss: malformed input: not a CVSS score from 0 to 10: "high"`},
		{Name: "vulners score out of range", In: doc(host(port("22", "open", vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\t10.1\n")))),
			Want: `host[0] 10.0.0.1: port 22/tcp: script vulners: line 2: cvss: malformed input: not a CVSS score from 0 to 10: "10.1"`},
		{Name: "vulners line malformed", In: doc(host(port("22", "open", vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\t5.0\tnot-a-url\n")))),
			Want: `host[0] 10.0.0.1: port 22/tcp: script vulners: line 2: malformed input: not a vulners entry (id, cvss, url): "CVE-2021-1234\t5.0\tnot-a-url"`},
		{Name: "port not a number", In: doc(host(port("ssh", "open", ""))), Want: `host[0] 10.0.0.1: port[0]: portid: malformed input: not a port number: "ssh"`},
		{Name: "start not a time", In: `<nmaprun start="yesterday"></nmaprun>`, Want: `nmaprun: start: malformed input: not a Unix time: "yesterday"`},
		{Name: "finished past year 9999", In: `<nmaprun><runstats><finished time="999999999999"/></runstats></nmaprun>`,
			Want: `runstats: finished.time: malformed input: not a Unix time: "999999999999"`},
		{Name: "host without address", In: doc(`<host><status state="up"/></host>`), Want: "host[0] : address: malformed input: host has no IP address or hostname"},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "nmap", []string{"nikto/nikto-output.xml", "nikto/nikto-report-zero-vuln.xml", "openvas/no_vuln.xml", "zap/empty_2.9.0.xml"}, []scantest.Head{
		{Name: "generic XML mentioning nmaprun", Head: `<?xml version="1.0"?><config><tool>nmaprun</tool></config>`, Want: false},
		{Name: "masscan (nmaprun root, scanner masscan)", Head: `<?xml version="1.0"?><nmaprun scanner="masscan">`, Want: true},
		{Name: "empty", Head: "", Want: false},
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(host(port("22", "open", `<service name="ssh"/>`+vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\t5.0\thttps://v.example/\t*EXPLOIT*\n"))))))
	f.Add([]byte(`<?xml version="1.0"?>` + scantest.Laughs("nmaprun") + `<nmaprun>` + host(port("22", "open", `<script id="x" output="&lol9;"/>`)) + `</nmaprun>`))
	scantest.Fuzz(f, Parse, "testdata/nmap_script_vulners.xml", "testdata/nmap_0port.xml")
}

// BenchmarkParseSample parses the largest Nmap sample.
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "nmap/issue4406.xml")
}
