package nessus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

// counts is what a sample adds up to.
type counts struct {
	Targets, Results int
	// BySeverity counts results by ToolSeverity as the report spells it.
	BySeverity map[string]int
	// WithCVE counts results naming at least one CVE; CVEs counts them.
	WithCVE, CVEs int
	// WithCVSS3 counts results whose Vector is CVSS 3.x.
	WithCVSS3 int
}

func count(rep *scan.Report) counts {
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), BySeverity: map[string]int{}}
	for _, r := range rep.Results {
		c.BySeverity[r.ToolSeverity]++
		if len(r.IDs) > 0 {
			c.WithCVE++
		}
		c.CVEs += len(r.IDs)
		if strings.HasPrefix(r.Vector, "CVSS:3") {
			c.WithCVSS3++
		}
	}
	return c
}

// TestSamples parses every Tenable sample of ../shared/data/scanners and
// checks the counts its README states.
func TestSamples(t *testing.T) {
	for _, tt := range []struct {
		file   string
		want   counts
		golden bool // small enough for a golden file
	}{
		{
			// README: 49 ReportItems (severity 0: 23, 1: 1, 2: 13, 3: 10,
			// 4: 2), 138 <cve>, 9 with cvss3_base_score.
			file: "nessus_with_cvssv3.nessus",
			want: counts{Targets: 1, Results: 49, BySeverity: map[string]int{"0": 23, "1": 1, "2": 13, "3": 10, "4": 2},
				WithCVE: 19, CVEs: 138, WithCVSS3: 9},
			golden: true,
		},
		{
			// README: 7 hosts, 296 ReportItems (266 info, 7 low, 23
			// medium), 7 CVE references.
			file: "nessus_v_unknown.xml",
			want: counts{Targets: 7, Results: 296, BySeverity: map[string]int{"0": 266, "1": 7, "2": 23},
				WithCVE: 7, CVEs: 7},
		},
		{
			// README: 30 rows for one host (29 Risk None, 1 Medium). No
			// two rows differ only by CVE, so none are merged.
			file:   "nessus_many_vuln2-all.csv",
			want:   counts{Targets: 1, Results: 30, BySeverity: map[string]int{"None": 29, "Medium": 1}, WithCVE: 1, CVEs: 1},
			golden: true,
		},
		{
			// README: 1 host, 0 ReportItems.
			file:   "nessus_was_no_vuln.xml",
			want:   counts{Targets: 1, Results: 0, BySeverity: map[string]int{}},
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("tenable", tt.file)))
			if diff := cmp.Diff(tt.want, count(rep)); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			if tt.golden {
				scantest.Golden(t, filepath.Join("testdata", "golden", tt.file+".json"), rep)
			}
		})
	}
}

// find returns the results of rep with the given rule and location.
func find(rep *scan.Report, rule, loc string) []scan.Result {
	var out []scan.Result
	for _, r := range rep.Results {
		if r.Rule == rule && r.Location == loc {
			out = append(out, r)
		}
	}
	return out
}

// TestSampleFields spot-checks concrete fields of the samples.
func TestSampleFields(t *testing.T) {
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "tenable/nessus_with_cvssv3.nessus"))
	wantTarget := scan.Target{Kind: scan.TargetHost, Name: "testphp.vulnweb.com", IP: "44.228.249.3", FQDN: "testphp.vulnweb.com", OS: "Linux Kernel 2.6"}
	if diff := cmp.Diff([]scan.Target{wantTarget}, rep.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if rep.Version != "10.1.1" {
		t.Errorf("Version = %q, want 10.1.1 (from plugin 19506)", rep.Version)
	}
	if want := time.Date(2022, 3, 23, 13, 31, 51, 0, time.UTC); !rep.Started.Equal(want) {
		t.Errorf("Started = %v, want %v", rep.Started, want)
	}
	// PHP Unsupported Version Detection, reported twice on 80/tcp.
	php := find(rep, "58987", "80/tcp")
	if len(php) != 2 {
		t.Fatalf("plugin 58987 on 80/tcp: %d results, want 2", len(php))
	}
	if r := php[0]; r.Severity != scan.SevCritical || r.ToolSeverity != "4" || r.Score != 10 ||
		r.Vector != "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H" || r.Title != "PHP Unsupported Version Detection" {
		t.Errorf("plugin 58987: %+v", r)
	}
	// A known CVE on a known port, with CWEs from <cwe> and <xref>.
	var withCVE *scan.Result
	for i, r := range rep.Results {
		for _, id := range r.IDs {
			if id == "CVE-2009-3557" {
				withCVE = &rep.Results[i]
			}
		}
	}
	if withCVE == nil {
		t.Fatal("no result names CVE-2009-3557")
	}
	if r := withCVE; r.Rule != "43351" || r.Location != "80/tcp" || r.Severity != scan.SevMedium || r.Score != 6.8 ||
		r.Vector != "AV:N/AC:M/Au:N/C:P/I:P/A:P" || !cmp.Equal(r.CWEs, []int{79, 264}) {
		t.Errorf("CVE-2009-3557 result: rule %s location %q severity %q score %v vector %q CWEs %v", r.Rule, r.Location, r.Severity, r.Score, r.Vector, r.CWEs)
	}
	// A v2-only item has its vector without "CVSS2#".
	for _, r := range rep.Results {
		if strings.HasPrefix(r.Vector, "CVSS2#") {
			t.Errorf("plugin %s: vector %q keeps Nessus's CVSS2# prefix", r.Rule, r.Vector)
		}
	}

	csvRep := scantest.ParseFile(t, Parse, scantest.Shared(t, "tenable/nessus_many_vuln2-all.csv"))
	tls := find(csvRep, "104743", "443/tcp")
	if len(tls) != 1 || tls[0].Severity != scan.SevMedium || tls[0].Score != 6.5 || tls[0].Title != "TLS Version 1.0 Protocol Detection" {
		t.Errorf("CSV plugin 104743 on 443/tcp: %+v", tls)
	}
	if diff := cmp.Diff([]scan.Target{{Kind: scan.TargetHost, Name: "52.208.101.182", IP: "52.208.101.182"}}, csvRep.Targets); diff != "" {
		t.Errorf("CSV targets (-want +got):\n%s", diff)
	}

	was := scantest.ParseFile(t, Parse, scantest.Shared(t, "tenable/nessus_was_no_vuln.xml"))
	wantWAS := []scan.Target{{Kind: scan.TargetWeb, Name: "http://google.com/", URL: "http://google.com/"}}
	if diff := cmp.Diff(wantWAS, was.Targets); diff != "" {
		t.Errorf("WAS targets (-want +got):\n%s", diff)
	}
}

const xmlHead = `<?xml version="1.0" ?>` + "\n"

// doc wraps hosts in the root and a <Report>.
func doc(hosts ...string) string {
	return xmlHead + `<NessusClientData_v2><Policy><policyName>p</policyName></Policy><Report name="r">` +
		strings.Join(hosts, "") + `</Report></NessusClientData_v2>`
}

// host is a <ReportHost> named web-01 with address 10.0.0.1 and the items
// given.
func host(items ...string) string {
	return `<ReportHost name="web-01"><HostProperties><tag name="host-ip">10.0.0.1</tag>` +
		`<tag name="HOST_START_TIMESTAMP">1648042311</tag></HostProperties>` + strings.Join(items, "") + `</ReportHost>`
}

// item is a ReportItem of plugin 19506 at severity 2 with the elements
// given.
func item(elems ...string) string {
	return `<ReportItem port="443" svc_name="www" protocol="tcp" severity="2" pluginID="19506" pluginName="P">` +
		strings.Join(elems, "") + `</ReportItem>`
}

var web01 = scan.Target{Kind: scan.TargetHost, Name: "web-01", IP: "10.0.0.1"}

func TestParse(t *testing.T) {
	started := time.Unix(1648042311, 0).UTC()
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "every mapped element",
			in: doc(host(item(
				`<cve>cve-2021-1234</cve><cve>CVE-2021-5678</cve><cwe>79</cwe><xref>CWE:20</xref><xref>IAVA:2021-A-1</xref>`,
				`<cvss_base_score>5.0</cvss_base_score><cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N</cvss_vector>`,
				`<cvss3_base_score>6.1</cvss3_base_score><cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N</cvss3_vector>`,
				`<synopsis>Short.</synopsis><description> Long. </description><solution>Upgrade.</solution>`,
				`<see_also>https://a.example/1
				https://b.example/2</see_also><plugin_output>out</plugin_output>`))),
			want: &scan.Report{Tool: "nessus", Started: started, Targets: []scan.Target{web01}, Results: []scan.Result{{
				Rule: "19506", Title: "P", IDs: []string{"CVE-2021-1234", "CVE-2021-5678"}, CWEs: []int{79, 20},
				Severity: scan.SevMedium, ToolSeverity: "2", Score: 6.1, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
				Location: "443/tcp", Description: "Short.\n\nLong.", Solution: "Upgrade.", Evidence: "out",
				References: []string{"https://a.example/1", "https://b.example/2"},
			}}},
		},
		{
			name: "v2 only, prefix dropped; severity 0 kept",
			in: doc(host(`<ReportItem port="0" protocol="tcp" severity="0" pluginID="1" pluginName="P">` +
				`<cvss_base_score>5.0</cvss_base_score><cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N</cvss_vector><solution>n/a</solution></ReportItem>`)),
			want: &scan.Report{Tool: "nessus", Started: started, Targets: []scan.Target{web01}, Results: []scan.Result{{
				Rule: "1", Title: "P", Severity: scan.SevInfo, ToolSeverity: "0", Score: 5, Vector: "AV:N/AC:L/Au:N/C:P/I:N/A:N", Location: "0/tcp",
			}}},
		},
		{
			name: "a host with no items is a target",
			in:   doc(host()),
			want: &scan.Report{Tool: "nessus", Started: started, Targets: []scan.Target{web01}},
		},
		{
			name: "properties after the items; two hosts",
			in: doc(`<ReportHost name="a">`+item()+`<HostProperties><tag name="host-fqdn">a.example</tag></HostProperties></ReportHost>`,
				`<ReportHost name="b"><HostProperties/>`+item()+`</ReportHost>`),
			want: &scan.Report{Tool: "nessus",
				Targets: []scan.Target{{Kind: scan.TargetHost, Name: "a", FQDN: "a.example"}, {Kind: scan.TargetHost, Name: "b"}},
				Results: []scan.Result{
					{Target: 0, Rule: "19506", Title: "P", Severity: scan.SevMedium, ToolSeverity: "2", Location: "443/tcp"},
					{Target: 1, Rule: "19506", Title: "P", Severity: scan.SevMedium, ToolSeverity: "2", Location: "443/tcp"},
				}},
		},
		{
			name: "empty report",
			in:   xmlHead + `<NessusClientData_v2><Report name="r"/></NessusClientData_v2>`,
			want: &scan.Report{Tool: "nessus"},
		},
		{
			name: "byte order mark, comments, unknown elements, DOCTYPE without entities",
			in:   "\ufeff" + xmlHead + `<!DOCTYPE NessusClientData_v2><!-- c --><NessusClientData_v2><Extra><x/></Extra><Report name="r"><Other/></Report></NessusClientData_v2>` + "\n",
			want: &scan.Report{Tool: "nessus"},
		},
		{
			name: "CSV header only",
			in:   "Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name\n",
			want: &scan.Report{Tool: "nessus"},
		},
		{
			name: "CSV rows per CVE merged",
			in: "Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,XREF\n" +
				"1,CVE-2021-0001,5.0,Medium,10.0.0.1,tcp,80,N,CWE:79\n" +
				"1,CVE-2021-0002,5.0,Medium,10.0.0.1,tcp,80,N,CWE:79\n" +
				"1,CVE-2021-0003,5.0,Medium,10.0.0.1,tcp,443,N,CWE:79\n" +
				"2,,,None,host-b,udp,0,M,\n",
			want: &scan.Report{Tool: "nessus",
				Targets: []scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1"}, {Kind: scan.TargetHost, Name: "host-b"}},
				Results: []scan.Result{
					{Rule: "1", Title: "N", IDs: []string{"CVE-2021-0001", "CVE-2021-0002"}, CWEs: []int{79}, Severity: scan.SevMedium, ToolSeverity: "Medium", Score: 5, Location: "80/tcp"},
					{Rule: "1", Title: "N", IDs: []string{"CVE-2021-0003"}, CWEs: []int{79}, Severity: scan.SevMedium, ToolSeverity: "Medium", Score: 5, Location: "443/tcp"},
					{Target: 1, Rule: "2", Title: "M", Severity: scan.SevInfo, ToolSeverity: "None", Location: "0/udp"},
				}},
		},
		{
			name: "CSV without a CVE column: equal rows are not merged",
			in:   "Plugin ID,Risk,Host\n1,Low,h\n1,Low,h\n",
			want: &scan.Report{Tool: "nessus", Targets: []scan.Target{{Kind: scan.TargetHost, Name: "h"}}, Results: []scan.Result{
				{Rule: "1", Severity: scan.SevLow, ToolSeverity: "Low"}, {Rule: "1", Severity: scan.SevLow, ToolSeverity: "Low"},
			}},
		},
		{
			name: "CSV with a numeric Severity column and a v3 score",
			in:   "\ufeffPlugin ID,Host,Severity,CVSS v2.0 Base Score,CVSS v3.0 Base Score\r\n42,h,4,9.0,9.8\r\n",
			want: &scan.Report{Tool: "nessus", Targets: []scan.Target{{Kind: scan.TargetHost, Name: "h"}}, Results: []scan.Result{
				{Rule: "42", Severity: scan.SevCritical, ToolSeverity: "4", Score: 9.8},
			}},
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

// laughs is a DTD declaring a billion-laughs expansion: lol9 would be 10^9
// "lol"s.
func laughs() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE NessusClientData_v2 [<!ENTITY lol "lol">`)
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

// TestParseErrors gives the error each bad input must produce. No partial
// report comes with any of them.
func TestParseErrors(t *testing.T) {
	full := doc(host(item()))
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"white space only", " \n\t", "malformed input: empty document"},
		{"not XML", "<html><body>hi</body></html>", "malformed input: root element <html>, want <NessusClientData_v2>"},
		{"other XML root", xmlHead + `<OWASPZAPReport version="2.9.0"/>`, "malformed input: root element <OWASPZAPReport>, want <NessusClientData_v2>"},
		{"malformed XML", xmlHead + `<NessusClientData_v2><Report></Rport></NessusClientData_v2>`,
			"malformed input: XML syntax error on line 2: element <Report> closed by </Rport>"},
		{"truncated in an item", full[:strings.Index(full, "</ReportItem>")],
			"ReportHost[0] web-01: ReportItem[0] plugin 19506: malformed input: XML syntax error on line 2: unexpected EOF"},
		{"truncated between hosts", strings.TrimSuffix(full, "</Report></NessusClientData_v2>"),
			"malformed input: XML syntax error on line 2: unexpected EOF"},
		{"text after the root", full + "junk", "malformed input: text outside the root element"},
		{"second root", full + "<NessusClientData_v2/>", "malformed input: element <NessusClientData_v2> after the root element"},
		{"billion laughs", xmlHead + laughs() + doc(host(item("<description>&lol9;</description>")))[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", xmlHead + `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + doc(host(item("<description>&e;</description>")))[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(host(item("<description>&e;</description>"))),
			"ReportHost[0] web-01: ReportItem[0] plugin 19506: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{"Latin-1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?><NessusClientData_v2/>`,
			`malformed input: xml: opening charset "ISO-8859-1": encoding "ISO-8859-1": only UTF-8 reports are read`},
		{"cvss3 score not a number", doc(host(item("<cvss3_base_score>high</cvss3_base_score>"))),
			`ReportHost[0] web-01: ReportItem[0] plugin 19506: cvss3_base_score: malformed input: not a CVSS score from 0 to 10: "high"`},
		{"cvss score out of range", doc(host(item("<cvss_base_score>11</cvss_base_score>"))),
			`ReportHost[0] web-01: ReportItem[0] plugin 19506: cvss_base_score: malformed input: not a CVSS score from 0 to 10: "11"`},
		{"cvss score NaN", doc(host(item("<cvss3_base_score>NaN</cvss3_base_score>"))),
			`ReportHost[0] web-01: ReportItem[0] plugin 19506: cvss3_base_score: malformed input: not a CVSS score from 0 to 10: "NaN"`},
		{"severity off the scale", doc(host(`<ReportItem port="1" protocol="tcp" severity="5" pluginID="7"/>`)),
			`ReportHost[0] web-01: ReportItem[0] plugin 7: severity: malformed input: "5" not on the 0–4 scale`},
		{"severity missing", doc(host(`<ReportItem port="1" protocol="tcp" pluginID="7"/>`)),
			`ReportHost[0] web-01: ReportItem[0] plugin 7: severity: malformed input: missing`},
		{"plugin id missing", doc(host(`<ReportItem port="1" protocol="tcp" severity="1"/>`)),
			`ReportHost[0] web-01: ReportItem[0] plugin : pluginID: malformed input: missing`},
		{"port not a number", doc(host(`<ReportItem port="http" protocol="tcp" severity="1" pluginID="7"/>`)),
			`ReportHost[0] web-01: ReportItem[0] plugin 7: port: malformed input: not a port number: "http"`},
		{"CVE field holds no CVE", doc(host(item("<cve>CVE-2021-1234</cve><cve>see advisory</cve>"))),
			`ReportHost[0] web-01: ReportItem[0] plugin 19506: cve[1]: malformed input: not a CVE id: "see advisory"`},
		{"CWE not a number", doc(host(item("<cwe>NVD-CWE-Other</cwe>"))),
			`ReportHost[0] web-01: ReportItem[0] plugin 19506: cwe[0]: malformed input: not a CWE id: "NVD-CWE-Other"`},
		{"timestamp not a number", doc(`<ReportHost name="h"><HostProperties><tag name="HOST_END_TIMESTAMP">yesterday</tag></HostProperties></ReportHost>`),
			`ReportHost[0] h: HostProperties.HOST_END_TIMESTAMP: malformed input: not a Unix time: "yesterday"`},
		{"timestamp past year 9999", doc(`<ReportHost name="h"><HostProperties><tag name="HOST_END_TIMESTAMP">999999999999</tag></HostProperties></ReportHost>`),
			`ReportHost[0] h: HostProperties.HOST_END_TIMESTAMP: malformed input: not a Unix time: "999999999999"`},
		{"second host bad", doc(host(item()), `<ReportHost name="db-02">`+item()+item("<cvss3_base_score>x</cvss3_base_score>")+`</ReportHost>`),
			`ReportHost[1] db-02: ReportItem[1] plugin 19506: cvss3_base_score: malformed input: not a CVSS score from 0 to 10: "x"`},

		{"CSV wrong header", "IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name\n1.2.3.4,,,,5.0,Medium,x\n",
			`line 1: malformed input: header has no "Plugin ID" column: not a Nessus CSV export`},
		{"CSV without Risk or Severity", "Plugin ID,Host\n1,h\n",
			`line 1: malformed input: header has neither a "Risk" nor a "Severity" column: not a Nessus CSV export`},
		{"CSV ragged row", "Plugin ID,Risk,Host\n1,None,h\n2,None\n", "line 3: malformed input: 2 fields, want 3 as in the header"},
		{"CSV bad quote", "Plugin ID,Risk,Host\n1,\"None,h\n", `line 2: malformed input: extraneous or missing " in quoted-field`},
		{"CSV bad risk", "Plugin ID,Risk,Host\n1,Urgent,h\n", `line 2: Risk: malformed input: "Urgent" is not None, Low, Medium, High or Critical`},
		{"CSV bad score", "Plugin ID,Risk,Host,CVSS v3.0 Base Score\n1,Low,h,9,8\n", "line 2: malformed input: 5 fields, want 4 as in the header"},
		{"CSV score not a number", "Plugin ID,Risk,Host,CVSS v3.0 Base Score\n1,Low,h,nine\n",
			`line 2: CVSS v3.0 Base Score: malformed input: not a CVSS score from 0 to 10: "nine"`},
		{"CSV host missing", "Plugin ID,Risk,Host\n1,Low,\n", "line 2: Host: malformed input: missing"},
		{"CSV invalid UTF-8", "Plugin ID,Risk,Host,Name\n1,Low,h,\xff\n", "line 2: Name: malformed input: invalid UTF-8"},
		{"CSV multi-line cell, error after it", "Plugin ID,Risk,Host,Plugin Output\n1,Low,h,\"a\nb\"\n2,Low,h,x,y\n",
			"line 4: malformed input: 5 fields, want 4 as in the header"},
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

// TestParseRecordError checks that a bad field comes as a
// *feed.RecordError naming the record and field.
func TestParseRecordError(t *testing.T) {
	_, err := Parse(strings.NewReader(doc(host(item(), item("<cvss3_base_score>x</cvss3_base_score>")))))
	var re *feed.RecordError
	if !errors.As(err, &re) || !errors.Is(err, feed.ErrFormat) {
		t.Fatalf("error %v is not a RecordError wrapping feed.ErrFormat", err)
	}
	if re.Record != "ReportHost[0] web-01: ReportItem[1] plugin 19506" || re.Field != "cvss3_base_score" {
		t.Errorf("RecordError names %q, %q", re.Record, re.Field)
	}
}

// TestParseReadError checks that a failing reader fails the parse with its
// cause kept.
func TestParseReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	in := doc(host(item(), item()))
	_, err := Parse(io.MultiReader(strings.NewReader(in[:len(in)/2]), errReader{errDisk}))
	if !errors.Is(err, errDisk) || !errors.Is(err, feed.ErrFormat) {
		t.Errorf("error %v, want one wrapping %v and feed.ErrFormat", err, errDisk)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestSniff(t *testing.T) {
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "tenable/nessus_v_unknown.xml")), "*"))
	foreign := []string{"openvas/many_vuln.xml", "openvas/report_using_CVE.csv", "qualys/Qualys_Sample_Report.csv",
		"zap/empty_2.9.0.xml", "burp/one_finding_with_cwe.xml", "nmap/issue12411.xml", "nikto/juice-shop.json"}
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range foreign {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic XML", xmlHead + `<config><item name="Plugin ID"/></config>`, false},
		{"Nessus root in a comment of another root? still XML with the root name", xmlHead + `<NessusClientData_v2>`, true},
		{"CSV of another tool", "IP,Hostname,Port\n", false},
		{"CSV with Plugin ID not first", "Host,Plugin ID,Risk\n", false},
		{"quoted CSV header", `"Plugin ID","CVE","Host"` + "\n", true},
		{"empty", "", false},
	} {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// head returns the first 8 KiB of a file, what Sniff is given.
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

// FuzzParse feeds mutated reports to Parse: it must not panic, must fail
// with a feed error, and whatever it returns must keep scantest.Check's
// invariants and survive JSON.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	var files []string
	for _, s := range seeds {
		if !strings.HasSuffix(s, ".md") {
			files = append(files, s)
		}
	}
	f.Add([]byte(doc(host(item("<cve>CVE-2021-1234</cve><cwe>79</cwe><cvss3_base_score>6.1</cvss3_base_score><plugin_output>x</plugin_output>")))))
	f.Add([]byte(xmlHead + laughs() + doc(host(item("<description>&lol9;</description>")))[len(xmlHead):]))
	f.Add([]byte("Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name\n1,CVE-2021-0001,5.0,Medium,10.0.0.1,tcp,80,N\n1,CVE-2021-0002,5.0,Medium,10.0.0.1,tcp,80,N\n"))
	scantest.Fuzz(f, Parse, files...)
}

// BenchmarkParseSample parses the largest Tenable sample (1.4 MiB, 88% of
// it the <Policy> that is skipped).
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "tenable/nessus_with_cvssv3.nessus"))
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

// synth builds a report of hosts × items ReportItems shaped like real ones:
// a vulnerability with CVEs, CVSS and plugin output.
func synth(hosts, items int) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHead + "<NessusClientData_v2><Report name=\"synthetic\">\n")
	for h := range hosts {
		fmt.Fprintf(&b, `<ReportHost name="host-%d"><HostProperties><tag name="host-ip">10.%d.%d.%d</tag>`+
			`<tag name="operating-system">Linux Kernel 5.10</tag><tag name="HOST_START_TIMESTAMP">1648042311</tag></HostProperties>`+"\n",
			h, h>>16&255, h>>8&255, h&255)
		for i := range items {
			fmt.Fprintf(&b, `<ReportItem port="%d" svc_name="www" protocol="tcp" severity="%d" pluginID="%d" pluginName="Plugin %d">`+
				`<cvss3_base_score>7.5</cvss3_base_score><cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N</cvss3_vector>`+
				`<cve>CVE-2021-%d</cve><cve>CVE-2022-%d</cve><cwe>79</cwe>`+
				`<synopsis>The remote host is affected by a vulnerability.</synopsis>`+
				`<description>The version of the software on the remote host is older than the fixed version and is affected by a flaw.</description>`+
				`<solution>Upgrade to the latest version.</solution><see_also>https://example.com/advisory/%d</see_also>`+
				`<plugin_output>Installed version : 1.2.3&#xA;Fixed version : 1.2.4</plugin_output></ReportItem>`+"\n",
				1+i%1000, i%5, 10000+i, i, 10000+i, 20000+i, i)
		}
		b.WriteString("</ReportHost>\n")
	}
	b.WriteString("</Report></NessusClientData_v2>\n")
	return b.Bytes()
}

// BenchmarkParse100k parses a synthesised report of 500 hosts × 200
// ReportItems; BenchmarkDecode100k reads the same bytes as bare
// xml.Decoder tokens, the floor any encoding/xml parser stands on.
func BenchmarkParse100k(b *testing.B) {
	data := synth(500, 200)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := Parse(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Results) != 100_000 {
			b.Fatalf("%d results", len(rep.Results))
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "results/s")
}

func BenchmarkDecode100k(b *testing.B) {
	data := synth(500, 200)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		d := scan.NewXMLDecoder(bytes.NewReader(data))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "results/s")
}

// TestSynth keeps the benchmark's report honest: it parses, with every
// item a result.
func TestSynth(t *testing.T) {
	rep, err := Parse(bytes.NewReader(synth(3, 7)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Targets) != 3 || len(rep.Results) != 21 {
		t.Errorf("%d targets, %d results; want 3, 21", len(rep.Targets), len(rep.Results))
	}
}
