package nessus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), BySeverity: scantest.ByToolSeverity(rep),
		WithCVE: scantest.CountIf(rep, scantest.HasID)}
	for _, r := range rep.Results {
		c.CVEs += len(r.IDs)
	}
	c.WithCVSS3 = scantest.CountIf(rep, func(r *scan.Result) bool { return strings.HasPrefix(r.Vector, "CVSS:3") })
	return c
}

// TestSamples parses every Tenable sample of ../shared/data/scanners and
// checks the counts its README states.
func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "tenable", scantest.GoldenFile, count, []scantest.Sample[counts]{
		{
			// README: 49 ReportItems (severity 0: 23, 1: 1, 2: 13, 3: 10,
			// 4: 2), 138 <cve>, 9 with cvss3_base_score.
			File: "nessus_with_cvssv3.nessus",
			Want: counts{Targets: 1, Results: 49, BySeverity: map[string]int{"0": 23, "1": 1, "2": 13, "3": 10, "4": 2},
				WithCVE: 19, CVEs: 138, WithCVSS3: 9},
			Golden: true,
		},
		{
			// README: 7 hosts, 296 ReportItems (266 info, 7 low, 23
			// medium), 7 CVE references.
			File: "nessus_v_unknown.xml",
			Want: counts{Targets: 7, Results: 296, BySeverity: map[string]int{"0": 266, "1": 7, "2": 23},
				WithCVE: 7, CVEs: 7},
		},
		{
			// README: 30 rows for one host (29 Risk None, 1 Medium). No
			// two rows differ only by CVE, so none are merged.
			File:   "nessus_many_vuln2-all.csv",
			Want:   counts{Targets: 1, Results: 30, BySeverity: map[string]int{"None": 29, "Medium": 1}, WithCVE: 1, CVEs: 1},
			Golden: true,
		},
		{
			// README: 1 host, 0 ReportItems.
			File:   "nessus_was_no_vuln.xml",
			Want:   counts{Targets: 1, Results: 0, BySeverity: map[string]int{}},
			Golden: true,
		},
	})
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
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "every mapped element",
			In: doc(host(item(
				`<cve>cve-2021-1234</cve><cve>CVE-2021-5678</cve><cwe>79</cwe><xref>CWE:20</xref><xref>IAVA:2021-A-1</xref>`,
				`<cvss_base_score>5.0</cvss_base_score><cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N</cvss_vector>`,
				`<cvss3_base_score>6.1</cvss3_base_score><cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N</cvss3_vector>`,
				`<synopsis>Short.</synopsis><description> Long. </description><solution>Upgrade.</solution>`,
				`<see_also>https://a.example/1
				https://b.example/2</see_also><plugin_output>out</plugin_output>`))),
			Want: &scan.Report{Tool: "nessus", Started: started, Targets: []scan.Target{web01}, Results: []scan.Result{{
				Rule: "19506", Title: "P", IDs: []string{"CVE-2021-1234", "CVE-2021-5678"}, CWEs: []int{79, 20},
				Severity: scan.SevMedium, ToolSeverity: "2", Score: 6.1, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
				Location: "443/tcp", Description: "Short.\n\nLong.", Solution: "Upgrade.", Evidence: "out",
				References: []string{"https://a.example/1", "https://b.example/2"},
			}}},
		},
		{
			Name: "v2 only, prefix dropped; severity 0 kept",
			In: doc(host(`<ReportItem port="0" protocol="tcp" severity="0" pluginID="1" pluginName="P">` +
				`<cvss_base_score>5.0</cvss_base_score><cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N</cvss_vector><solution>n/a</solution></ReportItem>`)),
			Want: &scan.Report{Tool: "nessus", Started: started, Targets: []scan.Target{web01}, Results: []scan.Result{{
				Rule: "1", Title: "P", Severity: scan.SevInfo, ToolSeverity: "0", Score: 5, Vector: "AV:N/AC:L/Au:N/C:P/I:N/A:N", Location: "0/tcp",
			}}},
		},
		{
			Name: "a host with no items is a target",
			In:   doc(host()),
			Want: &scan.Report{Tool: "nessus", Started: started, Targets: []scan.Target{web01}},
		},
		{
			Name: "properties after the items; two hosts",
			In: doc(`<ReportHost name="a">`+item()+`<HostProperties><tag name="host-fqdn">a.example</tag></HostProperties></ReportHost>`,
				`<ReportHost name="b"><HostProperties/>`+item()+`</ReportHost>`),
			Want: &scan.Report{Tool: "nessus",
				Targets: []scan.Target{{Kind: scan.TargetHost, Name: "a", FQDN: "a.example"}, {Kind: scan.TargetHost, Name: "b"}},
				Results: []scan.Result{
					{Target: 0, Rule: "19506", Title: "P", Severity: scan.SevMedium, ToolSeverity: "2", Location: "443/tcp"},
					{Target: 1, Rule: "19506", Title: "P", Severity: scan.SevMedium, ToolSeverity: "2", Location: "443/tcp"},
				}},
		},
		{
			Name: "empty report",
			In:   xmlHead + `<NessusClientData_v2><Report name="r"/></NessusClientData_v2>`,
			Want: &scan.Report{Tool: "nessus"},
		},
		{
			Name: "byte order mark, comments, unknown elements, DOCTYPE without entities",
			In:   "\ufeff" + xmlHead + `<!DOCTYPE NessusClientData_v2><!-- c --><NessusClientData_v2><Extra><x/></Extra><Report name="r"><Other/></Report></NessusClientData_v2>` + "\n",
			Want: &scan.Report{Tool: "nessus"},
		},
		{
			Name: "CSV header only",
			In:   "Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name\n",
			Want: &scan.Report{Tool: "nessus"},
		},
		{
			Name: "CSV rows per CVE merged",
			In: "Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,XREF\n" +
				"1,CVE-2021-0001,5.0,Medium,10.0.0.1,tcp,80,N,CWE:79\n" +
				"1,CVE-2021-0002,5.0,Medium,10.0.0.1,tcp,80,N,CWE:79\n" +
				"1,CVE-2021-0003,5.0,Medium,10.0.0.1,tcp,443,N,CWE:79\n" +
				"2,,,None,host-b,udp,0,M,\n",
			Want: &scan.Report{Tool: "nessus",
				Targets: []scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1"}, {Kind: scan.TargetHost, Name: "host-b"}},
				Results: []scan.Result{
					{Rule: "1", Title: "N", IDs: []string{"CVE-2021-0001", "CVE-2021-0002"}, CWEs: []int{79}, Severity: scan.SevMedium, ToolSeverity: "Medium", Score: 5, Location: "80/tcp"},
					{Rule: "1", Title: "N", IDs: []string{"CVE-2021-0003"}, CWEs: []int{79}, Severity: scan.SevMedium, ToolSeverity: "Medium", Score: 5, Location: "443/tcp"},
					{Target: 1, Rule: "2", Title: "M", Severity: scan.SevInfo, ToolSeverity: "None", Location: "0/udp"},
				}},
		},
		{
			Name: "CSV without a CVE column: equal rows are not merged",
			In:   "Plugin ID,Risk,Host\n1,Low,h\n1,Low,h\n",
			Want: &scan.Report{Tool: "nessus", Targets: []scan.Target{{Kind: scan.TargetHost, Name: "h"}}, Results: []scan.Result{
				{Rule: "1", Severity: scan.SevLow, ToolSeverity: "Low"}, {Rule: "1", Severity: scan.SevLow, ToolSeverity: "Low"},
			}},
		},
		{
			Name: "CSV with a numeric Severity column and a v3 score",
			In:   "\ufeffPlugin ID,Host,Severity,CVSS v2.0 Base Score,CVSS v3.0 Base Score\r\n42,h,4,9.0,9.8\r\n",
			Want: &scan.Report{Tool: "nessus", Targets: []scan.Target{{Kind: scan.TargetHost, Name: "h"}}, Results: []scan.Result{
				{Rule: "42", Severity: scan.SevCritical, ToolSeverity: "4", Score: 9.8},
			}},
		},
	})
}

// TestParseErrors gives the error each bad input must produce. No partial
// report comes with any of them.
func TestParseErrors(t *testing.T) {
	full := doc(host(item()))
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "white space only", In: " \n\t", Want: "malformed input: empty document"},
		{Name: "not XML", In: "<html><body>hi</body></html>", Want: "malformed input: root element <html>, want <NessusClientData_v2>"},
		{Name: "other XML root", In: xmlHead + `<OWASPZAPReport version="2.9.0"/>`, Want: "malformed input: root element <OWASPZAPReport>, want <NessusClientData_v2>"},
		{Name: "malformed XML", In: xmlHead + `<NessusClientData_v2><Report></Rport></NessusClientData_v2>`,
			Want: "malformed input: XML syntax error on line 2: element <Report> closed by </Rport>"},
		{Name: "truncated in an item", In: full[:strings.Index(full, "</ReportItem>")],
			Want: "ReportHost[0] web-01: ReportItem[0] plugin 19506: malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "truncated between hosts", In: strings.TrimSuffix(full, "</Report></NessusClientData_v2>"),
			Want: "malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "text after the root", In: full + "junk", Want: "malformed input: text outside the root element"},
		{Name: "second root", In: full + "<NessusClientData_v2/>", Want: "malformed input: element <NessusClientData_v2> after the root element"},
		{Name: "billion laughs", In: xmlHead + scantest.Laughs("NessusClientData_v2") + doc(host(item("<description>&lol9;</description>")))[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: xmlHead + `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + doc(host(item("<description>&e;</description>")))[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(host(item("<description>&e;</description>"))),
			Want: "ReportHost[0] web-01: ReportItem[0] plugin 19506: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{Name: "Latin-1 declared", In: `<?xml version="1.0" encoding="ISO-8859-1"?><NessusClientData_v2/>`,
			Want: `malformed input: xml: opening charset "ISO-8859-1": encoding "ISO-8859-1": only UTF-8 reports are read`},
		{Name: "cvss3 score not a number", In: doc(host(item("<cvss3_base_score>high</cvss3_base_score>"))),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 19506: cvss3_base_score: malformed input: not a CVSS score from 0 to 10: "high"`},
		{Name: "cvss score out of range", In: doc(host(item("<cvss_base_score>11</cvss_base_score>"))),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 19506: cvss_base_score: malformed input: not a CVSS score from 0 to 10: "11"`},
		{Name: "cvss score NaN", In: doc(host(item("<cvss3_base_score>NaN</cvss3_base_score>"))),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 19506: cvss3_base_score: malformed input: not a CVSS score from 0 to 10: "NaN"`},
		{Name: "severity off the scale", In: doc(host(`<ReportItem port="1" protocol="tcp" severity="5" pluginID="7"/>`)),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 7: severity: malformed input: "5" not on the 0–4 scale`},
		{Name: "severity missing", In: doc(host(`<ReportItem port="1" protocol="tcp" pluginID="7"/>`)),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 7: severity: malformed input: missing`},
		{Name: "plugin id missing", In: doc(host(`<ReportItem port="1" protocol="tcp" severity="1"/>`)),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin : pluginID: malformed input: missing`},
		{Name: "port not a number", In: doc(host(`<ReportItem port="http" protocol="tcp" severity="1" pluginID="7"/>`)),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 7: port: malformed input: not a port number: "http"`},
		{Name: "CVE field holds no CVE", In: doc(host(item("<cve>CVE-2021-1234</cve><cve>see advisory</cve>"))),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 19506: cve[1]: malformed input: not a CVE id: "see advisory"`},
		{Name: "CWE not a number", In: doc(host(item("<cwe>NVD-CWE-Other</cwe>"))),
			Want: `ReportHost[0] web-01: ReportItem[0] plugin 19506: cwe[0]: malformed input: not a CWE id: "NVD-CWE-Other"`},
		{Name: "timestamp not a number", In: doc(`<ReportHost name="h"><HostProperties><tag name="HOST_END_TIMESTAMP">yesterday</tag></HostProperties></ReportHost>`),
			Want: `ReportHost[0] h: HostProperties.HOST_END_TIMESTAMP: malformed input: not a Unix time: "yesterday"`},
		{Name: "timestamp past year 9999", In: doc(`<ReportHost name="h"><HostProperties><tag name="HOST_END_TIMESTAMP">999999999999</tag></HostProperties></ReportHost>`),
			Want: `ReportHost[0] h: HostProperties.HOST_END_TIMESTAMP: malformed input: not a Unix time: "999999999999"`},
		{Name: "second host bad", In: doc(host(item()), `<ReportHost name="db-02">`+item()+item("<cvss3_base_score>x</cvss3_base_score>")+`</ReportHost>`),
			Want: `ReportHost[1] db-02: ReportItem[1] plugin 19506: cvss3_base_score: malformed input: not a CVSS score from 0 to 10: "x"`},

		{Name: "CSV wrong header", In: "IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name\n1.2.3.4,,,,5.0,Medium,x\n",
			Want: `line 1: malformed input: header has no "Plugin ID" column: not a Nessus CSV export`},
		{Name: "CSV without Risk or Severity", In: "Plugin ID,Host\n1,h\n",
			Want: `line 1: malformed input: header has neither a "Risk" nor a "Severity" column: not a Nessus CSV export`},
		{Name: "CSV ragged row", In: "Plugin ID,Risk,Host\n1,None,h\n2,None\n", Want: "line 3: malformed input: 2 fields, want 3 as in the header"},
		{Name: "CSV bad quote", In: "Plugin ID,Risk,Host\n1,\"None,h\n", Want: `line 2: malformed input: extraneous or missing " in quoted-field`},
		{Name: "CSV bad risk", In: "Plugin ID,Risk,Host\n1,Urgent,h\n", Want: `line 2: Risk: malformed input: "Urgent" is not None, Low, Medium, High or Critical`},
		{Name: "CSV bad score", In: "Plugin ID,Risk,Host,CVSS v3.0 Base Score\n1,Low,h,9,8\n", Want: "line 2: malformed input: 5 fields, want 4 as in the header"},
		{Name: "CSV score not a number", In: "Plugin ID,Risk,Host,CVSS v3.0 Base Score\n1,Low,h,nine\n",
			Want: `line 2: CVSS v3.0 Base Score: malformed input: not a CVSS score from 0 to 10: "nine"`},
		{Name: "CSV host missing", In: "Plugin ID,Risk,Host\n1,Low,\n", Want: "line 2: Host: malformed input: missing"},
		{Name: "CSV invalid UTF-8", In: "Plugin ID,Risk,Host,Name\n1,Low,h,\xff\n", Want: "line 2: Name: malformed input: invalid UTF-8"},
		{Name: "CSV multi-line cell, error after it", In: "Plugin ID,Risk,Host,Plugin Output\n1,Low,h,\"a\nb\"\n2,Low,h,x,y\n",
			Want: "line 4: malformed input: 5 fields, want 4 as in the header"},
	})
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
	scantest.ReadFails(t, Parse, doc(host(item(), item())))
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "tenable", []string{"openvas/many_vuln.xml", "openvas/report_using_CVE.csv", "qualys/Qualys_Sample_Report.csv",
		"zap/empty_2.9.0.xml", "burp/one_finding_with_cwe.xml", "nmap/issue12411.xml", "nikto/juice-shop.json"}, []scantest.Head{
		{Name: "generic XML", Head: xmlHead + `<config><item name="Plugin ID"/></config>`, Want: false},
		{Name: "Nessus root in a comment of another root? still XML with the root name", Head: xmlHead + `<NessusClientData_v2>`, Want: true},
		{Name: "CSV of another tool", Head: "IP,Hostname,Port\n", Want: false},
		{Name: "CSV with Plugin ID not first", Head: "Host,Plugin ID,Risk\n", Want: false},
		{Name: "quoted CSV header", Head: `"Plugin ID","CVE","Host"` + "\n", Want: true},
		{Name: "empty", Head: "", Want: false},
	})
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
	f.Add([]byte(xmlHead + scantest.Laughs("NessusClientData_v2") + doc(host(item("<description>&lol9;</description>")))[len(xmlHead):]))
	f.Add([]byte("Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name\n1,CVE-2021-0001,5.0,Medium,10.0.0.1,tcp,80,N\n1,CVE-2021-0002,5.0,Medium,10.0.0.1,tcp,80,N\n"))
	scantest.Fuzz(f, Parse, files...)
}

// BenchmarkParseSample parses the largest Tenable sample (1.4 MiB, 88% of
// it the <Policy> that is skipped).
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "tenable/nessus_with_cvssv3.nessus")
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
	scantest.Benchmark(b, Parse, synth(500, 200), scantest.ResultCount(100_000))
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
