package nmap

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
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
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), ByRule: map[string]int{}}
	for _, r := range rep.Results {
		c.ByRule[r.Rule]++
		if len(r.IDs) > 0 {
			c.WithCVE++
		}
	}
	return c
}

func TestSamples(t *testing.T) {
	for _, tt := range []struct {
		file   string
		want   counts
		golden bool
	}{
		{
			// README: 1 host, 25 open ports, 42 vulners entries (8 of
			// them CVEs, 34 exploits), plus fingerprint-strings (5) and
			// rpcinfo (1) output.
			file: "issue4406.xml",
			want: counts{Targets: 1, Results: 73, WithCVE: 8,
				ByRule: map[string]int{"open-port": 25, "vulners": 42, "fingerprint-strings": 5, "rpcinfo": 1}},
			golden: true,
		},
		{
			// README: 1 open port with 2 vulners CVEs.
			file:   "nmap_script_vulners.xml",
			want:   counts{Targets: 1, Results: 3, WithCVE: 2, ByRule: map[string]int{"open-port": 1, "vulners": 2}},
			golden: true,
		},
		{
			// README: 2 hosts, 7 ports (4 open), no scripts.
			file:   "issue12411.xml",
			want:   counts{Targets: 2, Results: 4, ByRule: map[string]int{"open-port": 4}},
			golden: true,
		},
		{
			// README: 1 host, 0 ports.
			file:   "nmap_0port.xml",
			want:   counts{Targets: 1, ByRule: map[string]int{}},
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("nmap", tt.file)))
			if diff := cmp.Diff(tt.want, count(rep)); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			if tt.golden {
				scantest.Golden(t, filepath.Join("testdata", "golden", tt.file+".json"), rep)
			}
		})
	}
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
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "vulners entries, another script, a host script, closed and filtered ports",
			in: doc(`<host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><hostnames><hostname name="h.example" type="PTR"/></hostnames><ports>` +
				port("22", "open", `<service name="ssh" product="OpenSSH" version="8.9p1"><cpe>cpe:/a:openbsd:openssh:8.9p1</cpe></service>`+
					vulners("\n  cpe:/a:openbsd:openssh:8.9p1: \n    \tCVE-2023-38408\t9.8\thttps://vulners.com/cve/CVE-2023-38408\n"+
						"    \tPACKETSTORM:173661\t9.8\thttps://vulners.com/packetstorm/PACKETSTORM:173661\t*EXPLOIT*\n    \tGHSA-XXXX-yyyy-zzzz\t0.0\n")+
					`<script id="ssh-hostkey" output="2048 aa:bb (RSA)"/>`) +
				port("23", "closed", "") + port("25", "filtered", "") +
				`</ports><os><osmatch name="Linux 5.0 - 5.14" accuracy="95"/><osmatch name="Linux 4.15" accuracy="90"/></os>` +
				`<hostscript><script id="smb-os-discovery" output="OS: Windows"/><script id="vulners" output="ERROR: Script execution failed"/></hostscript></host>`),
			want: with([]scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1", FQDN: "h.example", OS: "Linux 5.0 - 5.14"}},
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
			name: "a host that is down is no target",
			in:   doc(`<host><status state="down"/><address addr="10.0.0.9" addrtype="ipv4"/></host>`, host()),
			want: with([]scan.Target{h}),
		},
		{
			name: "no hosts",
			in:   `<?xml version="1.0"?><nmaprun version="6.40"></nmaprun>`,
			want: &scan.Report{Tool: "nmap", Version: "6.40"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}
}

func laughs() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE nmaprun [<!ENTITY lol "lol">`)
	for i := 1; i <= 9; i++ {
		prev := "lol"
		if i > 1 {
			prev = fmt.Sprintf("lol%d", i-1)
		}
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`, i, strings.Repeat("&"+prev+";", 10))
	}
	b.WriteString("]>\n")
	return b.String()
}

func TestParseErrors(t *testing.T) {
	full := doc(host(port("22", "open", "")))
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"other root", `<?xml version="1.0"?><niktoscan/>`, "malformed input: root element <niktoscan>, want <nmaprun>"},
		{"malformed XML", `<nmaprun><host><status state="up"></host></nmaprun>`,
			"host[0]: malformed input: XML syntax error on line 1: element <status> closed by </host>"},
		{"truncated in a host", full[:strings.Index(full, "</ports>")], "host[0]: malformed input: XML syntax error on line 3: unexpected EOF"},
		{"truncated after the hosts", full[:strings.Index(full, "<runstats>")], "malformed input: XML syntax error on line 3: unexpected EOF"},
		{"billion laughs", `<?xml version="1.0"?>` + laughs() + `<nmaprun>` + host(port("22", "open", `<script id="x" output="&lol9;"/>`)) + `</nmaprun>`,
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE nmaprun [<!ENTITY e SYSTEM "file:///etc/passwd">]><nmaprun>` + host() + `</nmaprun>`,
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(host(port("22", "open", `<script id="x" output="&e;"/>`))),
			"host[0]: malformed input: XML syntax error on line 3: invalid character entity &e;"},
		{"vulners score not a number", doc(host(port("22", "open", vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\thigh\thttps://v.example/\n")))),
			`host[0] 10.0.0.1: port 22/tcp: script vulners: line 2: cvss: malformed input: not a CVSS score from 0 to 10: "high"`},
		{"vulners score out of range", doc(host(port("22", "open", vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\t10.1\n")))),
			`host[0] 10.0.0.1: port 22/tcp: script vulners: line 2: cvss: malformed input: not a CVSS score from 0 to 10: "10.1"`},
		{"vulners line malformed", doc(host(port("22", "open", vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\t5.0\tnot-a-url\n")))),
			`host[0] 10.0.0.1: port 22/tcp: script vulners: line 2: malformed input: not a vulners entry (id, cvss, url): "CVE-2021-1234\t5.0\tnot-a-url"`},
		{"port not a number", doc(host(port("ssh", "open", ""))), `host[0] 10.0.0.1: port[0]: portid: malformed input: not a port number: "ssh"`},
		{"start not a time", `<nmaprun start="yesterday"></nmaprun>`, `nmaprun: start: malformed input: not a Unix time: "yesterday"`},
		{"finished past year 9999", `<nmaprun><runstats><finished time="999999999999"/></runstats></nmaprun>`,
			`runstats: finished.time: malformed input: not a Unix time: "999999999999"`},
		{"host without address", doc(`<host><status state="up"/></host>`), "host[0] : address: malformed input: host has no IP address or hostname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded with %d results, want error %q", len(rep.Results), tt.wantErr)
			}
			if rep != nil {
				t.Errorf("Parse returned a report with the error")
			}
			if got := err.Error(); got != tt.wantErr {
				t.Errorf("error:\n got %s\nwant %s", got, tt.wantErr)
			}
			var re *feed.RecordError
			if !errors.Is(err, feed.ErrFormat) && !errors.As(err, &re) {
				t.Errorf("error %v wraps neither feed.ErrFormat nor a RecordError", err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "nmap/nmap_0port.xml")), "*"))
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range []string{"nikto/nikto-output.xml", "nikto/nikto-report-zero-vuln.xml", "openvas/no_vuln.xml", "zap/empty_2.9.0.xml"} {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic XML mentioning nmaprun", `<?xml version="1.0"?><config><tool>nmaprun</tool></config>`, false},
		{"masscan (nmaprun root, scanner masscan)", `<?xml version="1.0"?><nmaprun scanner="masscan">`, true},
		{"empty", "", false},
	} {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func head(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	return b
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(host(port("22", "open", `<service name="ssh"/>`+vulners("cpe:/a:x:y:1:\n\tCVE-2021-1234\t5.0\thttps://v.example/\t*EXPLOIT*\n"))))))
	f.Add([]byte(`<?xml version="1.0"?>` + laughs() + `<nmaprun>` + host(port("22", "open", `<script id="x" output="&lol9;"/>`)) + `</nmaprun>`))
	scantest.Fuzz(f, Parse, "testdata/nmap_script_vulners.xml", "testdata/nmap_0port.xml")
}

// BenchmarkParseSample parses the largest Nmap sample.
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "nmap/issue4406.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
