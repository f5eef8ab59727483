package openvas

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

// TestSamples parses every OpenVAS sample of ../shared/data/scanners and
// checks the counts its README states.
func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "openvas", scantest.GoldenFile, scantest.CountCVETally, []scantest.Sample[scantest.CVETally]{
		{
			// README: 1 host, 44 results (19 High, 23 Medium, 2 with an
			// empty <threat>), 23 citing CVEs. Of the 19 High, the 8 at
			// severity 9.0 to 10.0 are critical on vmc's scale; the two
			// without a threat have severity 4.0, medium.
			File: "many_vuln.xml",
			Want: scantest.CVETally{Tally: scantest.Tally{Targets: 1, Results: 44,
				BySeverity: map[scan.Severity]int{scan.SevCritical: 8, scan.SevHigh: 11, scan.SevMedium: 25}}, WithCVE: 23},
			Golden: true,
		},
		{
			// README: 1 High result, severity 9.8.
			File:   "report_detail_v2.xml",
			Want:   scantest.CVETally{Tally: scantest.Tally{Targets: 1, Results: 1, BySeverity: map[scan.Severity]int{scan.SevCritical: 1}}, WithCVE: 1},
			Golden: true,
		},
		{
			// README: 43 rows (21 High, 22 Medium), 1 host; the CVE is
			// in the NVT Name column.
			File: "report_using_CVE.csv",
			Want: scantest.CVETally{Tally: scantest.Tally{Targets: 1, Results: 43,
				BySeverity: map[scan.Severity]int{scan.SevCritical: 8, scan.SevHigh: 13, scan.SevMedium: 22}}, WithCVE: 43},
			Golden: true,
		},
		{
			// README: 0 results (and no host).
			File:   "no_vuln.xml",
			Want:   scantest.CVETally{Tally: scantest.Tally{BySeverity: map[scan.Severity]int{}}},
			Golden: true,
		},
	})
}

func TestSampleFields(t *testing.T) {
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "openvas/report_detail_v2.xml"))
	wantT := []scan.Target{{Kind: scan.TargetHost, Name: "10.99.99.99", IP: "10.99.99.99", FQDN: "server99"}}
	if diff := cmp.Diff(wantT, rep.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	r := rep.Results[0]
	if r.Rule != "1.3.6.1.4.1.25623.1.0.836484" || r.Location != "42/tcp" || r.Severity != scan.SevCritical || r.ToolSeverity != "9.8" ||
		r.Score != 9.8 || r.Vector != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" || len(r.IDs) != 93 || r.IDs[0] != "CVE-2025-49659" ||
		!cmp.Equal(r.References, []string{"https://support.microsoft.com/en-us/help/5062557"}) {
		t.Errorf("result: %+v", r)
	}
	if want := time.Date(2025, 8, 22, 13, 1, 38, 0, time.UTC); !rep.Started.Equal(want) {
		t.Errorf("Started = %v, want %v", rep.Started, want)
	}

	mv := scantest.ParseFile(t, Parse, scantest.Shared(t, "openvas/many_vuln.xml"))
	// The anonymised address is no IP, so only Name holds it.
	if diff := cmp.Diff([]scan.Target{{Kind: scan.TargetHost, Name: "192.168.1.1001", FQDN: "b6b9f466d63"}}, mv.Targets); diff != "" {
		t.Errorf("many_vuln targets (-want +got):\n%s", diff)
	}
	rexec := mv.Results[0]
	if rexec.Rule != "1.3.6.1.4.1.25623.1.0.100111" || rexec.Location != "512/tcp" || !cmp.Equal(rexec.IDs, []string{"CVE-1999-0618"}) ||
		rexec.Severity != scan.SevCritical || rexec.Score != 10 || !strings.HasPrefix(rexec.Solution, "Disable the rexec service") {
		t.Errorf("rexec result: %+v", rexec)
	}

	csvRep := scantest.ParseFile(t, Parse, scantest.Shared(t, "openvas/report_using_CVE.csv"))
	c := csvRep.Results[0]
	if c.Rule != "CVE-2021-26690" || !cmp.Equal(c.IDs, []string{"CVE-2021-26690"}) || c.Severity != scan.SevHigh || c.ToolSeverity != "7.5" || c.Score != 7.5 {
		t.Errorf("CSV row 1: %+v", c)
	}
	if diff := cmp.Diff([]scan.Target{{Kind: scan.TargetHost, Name: "45.33.32.156", IP: "45.33.32.156"}}, csvRep.Targets); diff != "" {
		t.Errorf("CSV targets (-want +got):\n%s", diff)
	}
}

const xmlHead = `<?xml version="1.0"?>` + "\n"

// doc is an exported report, outer and inner <report>, around body.
func doc(body ...string) string {
	return xmlHead + `<report id="r" format_id="a994b278-1f62-11e1-96ac-406186ea4fc5"><report_format id="x"><name>XML</name></report_format>` +
		`<report id="r"><gmp><version>22.6</version></gmp>` + strings.Join(body, "") + `</report></report>`
}

func results(rs ...string) string { return "<results>" + strings.Join(rs, "") + "</results>" }

// result is a <result> on 10.0.0.1, 443/tcp, NVT 1.2.3, with the elements
// given inside <nvt> and after it.
func result(nvt, rest string) string {
	return `<result id="x"><name>N</name><host>10.0.0.1<asset asset_id=""/><hostname>web-01</hostname></host><port>443/tcp</port>` +
		`<nvt oid="1.2.3"><type>nvt</type><name>N</name>` + nvt + `</nvt>` + rest + `</result>`
}

func TestParse(t *testing.T) {
	web01 := scan.Target{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1", FQDN: "web-01"}
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "every mapped element",
			In: doc(`<scan_start>2023-09-26T10:50:34Z</scan_start>`, results(result(
				`<cvss_base>5.0</cvss_base><severities score="6.1"><severity type="cvss_base_v2"><score>5.0</score><value>AV:N/AC:L/Au:N/C:P/I:N/A:N</value></severity>`+
					`<severity type="cvss_base_v3"><score>6.1</score><value>CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N</value></severity></severities>`+
					`<tags>summary=Sum|insight=a|b|impact=Imp|solution=from tags|cvss_base_vector=AV:N/AC:L/Au:N/C:P/I:N/A:N</tags>`+
					`<solution type="VendorFix">Upgrade.</solution>`+
					`<refs><ref type="cve" id="cve-2021-1234"/><ref type="cwe" id="CWE-79"/><ref type="url" id="https://a.example/"/><ref type="cert-bund" id="WID-SEC-1"/></refs>`,
				`<threat>Medium</threat><severity>6.1</severity><description>found it</description>`)),
				`<host><ip>10.0.0.1</ip><detail><name>best_os_txt</name><value>Debian</value></detail></host>`,
				`<scan_end>2023-09-26T13:04:00Z</scan_end>`),
			Want: &scan.Report{Tool: "openvas", Started: time.Date(2023, 9, 26, 10, 50, 34, 0, time.UTC), Finished: time.Date(2023, 9, 26, 13, 4, 0, 0, time.UTC),
				Targets: []scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1", FQDN: "web-01", OS: "Debian"}},
				Results: []scan.Result{{
					Rule: "1.2.3", Title: "N", IDs: []string{"CVE-2021-1234"}, CWEs: []int{79}, Severity: scan.SevMedium, ToolSeverity: "6.1",
					Score: 6.1, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", Location: "443/tcp",
					Description: "Sum\n\na|b\n\nImp", Solution: "Upgrade.", Evidence: "found it", References: []string{"https://a.example/"},
				}}},
		},
		{
			Name: "old OMP: cve and xref text, cvss_base with the tags' vector, log level",
			In: doc(results(result(`<cvss_base>0.0</cvss_base><cve>CVE-2011-3192, NOCVE</cve><xref>URL:http://x.example/, CERT:DFN-1</xref>`+
				`<tags>cvss_base_vector=AV:N/AC:L/Au:N/C:N/I:N/A:N|solution=Do it.</tags>`, `<threat>Log</threat><severity>0.0</severity>`))),
			Want: &scan.Report{Tool: "openvas", Targets: []scan.Target{web01}, Results: []scan.Result{{
				Rule: "1.2.3", Title: "N", IDs: []string{"CVE-2011-3192"}, Severity: scan.SevInfo, ToolSeverity: "0.0",
				Vector: "AV:N/AC:L/Au:N/C:N/I:N/A:N", Location: "443/tcp", Solution: "Do it.", References: []string{"http://x.example/"},
			}}},
		},
		{
			Name: "threat word without severity; false positive",
			In: doc(results(result("", `<threat>High</threat>`), result("", `<threat>False Positive</threat><severity>-1</severity>`),
				result("", `<threat>Alarm</threat>`))),
			Want: &scan.Report{Tool: "openvas", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "1.2.3", Title: "N", Severity: scan.SevHigh, ToolSeverity: "High", Location: "443/tcp"},
				{Rule: "1.2.3", Title: "N", Severity: scan.SevInfo, ToolSeverity: "-1", Location: "443/tcp"},
				{Rule: "1.2.3", Title: "N", Severity: scan.SevUnknown, ToolSeverity: "Alarm", Location: "443/tcp"},
			}},
		},
		{
			Name: "CVE scanner result named by its CVE",
			In:   doc(results(`<result><host>10.0.0.2</host><port>general/tcp</port><nvt oid="CVE-2021-26690"><name>CVE-2021-26690</name></nvt><severity>7.5</severity></result>`)),
			Want: &scan.Report{Tool: "openvas", Targets: []scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.2", IP: "10.0.0.2"}}, Results: []scan.Result{
				{Rule: "CVE-2021-26690", Title: "CVE-2021-26690", IDs: []string{"CVE-2021-26690"}, Severity: scan.SevHigh, ToolSeverity: "7.5", Location: "general/tcp"},
			}},
		},
		{
			Name: "get_reports_response around one report; no results",
			In:   xmlHead + `<get_reports_response status="200"><report id="r"><report id="r"><results/></report></report></get_reports_response>`,
			Want: &scan.Report{Tool: "openvas"},
		},
		{
			Name: "CSV header only",
			In:   "IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID,CVEs\n",
			Want: &scan.Report{Tool: "openvas"},
		},
		{
			Name: "CSV rows",
			In: "IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID,CVEs,Summary,Specific Result,Other References\n" +
				"10.0.0.1,web-01,443,tcp,5.0,Medium,TLS,1.2.3,\"CVE-2021-1234,CVE-2021-5678\",S,R,\"https://a.example/,https://b.example/\"\n" +
				"10.0.0.1,web-01,,,0.0,Log,OS,1.2.4,,,,\n" +
				"10.0.0.2,,,,,High,CVE-2021-26690,CVE-2021-26690,,,,\n",
			Want: &scan.Report{Tool: "openvas",
				Targets: []scan.Target{web01, {Kind: scan.TargetHost, Name: "10.0.0.2", IP: "10.0.0.2"}},
				Results: []scan.Result{
					{Rule: "1.2.3", Title: "TLS", IDs: []string{"CVE-2021-1234", "CVE-2021-5678"}, Severity: scan.SevMedium, ToolSeverity: "5.0", Score: 5,
						Location: "443/tcp", Description: "S", Evidence: "R", References: []string{"https://a.example/", "https://b.example/"}},
					{Rule: "1.2.4", Title: "OS", Severity: scan.SevInfo, ToolSeverity: "0.0"},
					{Target: 1, Rule: "CVE-2021-26690", Title: "CVE-2021-26690", IDs: []string{"CVE-2021-26690"}, Severity: scan.SevHigh, ToolSeverity: "High"},
				}},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(results(result("", "<severity>5.0</severity>")))
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "other XML root", In: xmlHead + `<NessusClientData_v2/>`, Want: "malformed input: root element <NessusClientData_v2>, want <report> or <get_reports_response>"},
		{Name: "malformed XML", In: xmlHead + `<report><report><results></result></report></report>`,
			Want: "malformed input: XML syntax error on line 2: element <results> closed by </result>"},
		{Name: "truncated in a result", In: full[:strings.Index(full, "</nvt>")], Want: "result[0]: malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "truncated after the results", In: strings.TrimSuffix(full, "</report></report>"), Want: "malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "text after the root", In: full + "x", Want: "malformed input: text outside the root element"},
		{Name: "billion laughs", In: xmlHead + scantest.Laughs("report") + doc(results(result("", "<description>&lol9;</description>")))[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: xmlHead + `<!DOCTYPE report [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + full[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(results(result("", "<description>&e;</description>"))),
			Want: "result[0]: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{Name: "severity not a number", In: doc(results(result("", "<severity>high</severity>"))),
			Want: `result[0] nvt 1.2.3: severity: malformed input: not a severity from -3 to 10: "high"`},
		{Name: "severity out of range", In: doc(results(result("", "<severity>10.5</severity>"))),
			Want: `result[0] nvt 1.2.3: severity: malformed input: not a severity from -3 to 10: "10.5"`},
		{Name: "cvss_base not a number", In: doc(results(result("<cvss_base>n/a</cvss_base>", ""))),
			Want: `result[0] nvt 1.2.3: nvt.cvss_base: malformed input: not a CVSS score from 0 to 10: "n/a"`},
		{Name: "severities score not a number", In: doc(results(result(`<severities><severity type="cvss_base_v3"><score>x</score></severity></severities>`, ""))),
			Want: `result[0] nvt 1.2.3: nvt.severities.severity[0].score: malformed input: not a CVSS score from 0 to 10: "x"`},
		{Name: "cve ref no CVE", In: doc(results(result(`<refs><ref type="cve" id="CVE-2021-1234"/><ref type="cve" id="bogus"/></refs>`, ""))),
			Want: `result[0] nvt 1.2.3: nvt.refs.ref[1]: malformed input: not a CVE id: "bogus"`},
		{Name: "oid missing", In: doc(results(`<result><host>1.2.3.4</host><nvt><name>x</name></nvt></result>`)),
			Want: "result[0] nvt : nvt.oid: malformed input: missing"},
		{Name: "scan_start not a time", In: doc(`<scan_start>yesterday</scan_start>`), Want: `report.report: scan_start: malformed input: not an RFC 3339 time: "yesterday"`},
		{Name: "second result bad", In: doc(results(result("", ""), result("<cvss_base>11</cvss_base>", ""))),
			Want: `result[1] nvt 1.2.3: nvt.cvss_base: malformed input: not a CVSS score from 0 to 10: "11"`},

		{Name: "CSV wrong header", In: "Plugin ID,CVE,CVSS,Risk,Host\n1,,,None,h\n", Want: `line 1: malformed input: header has no "IP" column: not a GVM CSV export`},
		{Name: "CSV ragged row", In: "IP,NVT Name,NVT OID\n1.2.3.4,n,1.2\n1.2.3.4,n\n", Want: "line 3: malformed input: 2 fields, want 3 as in the header"},
		{Name: "CSV bad CVSS", In: "IP,CVSS,NVT Name,NVT OID\n1.2.3.4,high,n,1.2\n", Want: `line 2: CVSS: malformed input: not a severity from -3 to 10: "high"`},
		{Name: "CSV bad CVE", In: "IP,NVT Name,NVT OID,CVEs\n1.2.3.4,n,1.2,\"CVE-2021-1234, see x\"\n", Want: `line 2: CVEs: malformed input: not a CVE id: "see x"`},
		{Name: "CSV bare quote", In: "IP,NVT Name,NVT OID\n1.2.3.4,n\"x,1.2\n", Want: `line 2: malformed input: bare " in non-quoted-field`},
		{Name: "CSV missing OID", In: "IP,NVT Name,NVT OID\n1.2.3.4,n,\n", Want: "line 2: NVT OID: malformed input: missing"},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "openvas", []string{"tenable/nessus_was_no_vuln.xml", "tenable/nessus_many_vuln2-all.csv", "qualys/Qualys_Sample_Report.csv",
		"qualys/empty.xml", "zap/empty_2.9.0.xml", "dependency-check/dc_empty.xml", "nmap/nmap_0port.xml"}, []scantest.Head{
		{Name: "generic report XML", Head: xmlHead + `<report><title>Q3</title></report>`, Want: false},
		{Name: "GMP report", Head: xmlHead + `<report id="x"><report id="x"><gmp><version>22.6</version></gmp>`, Want: true},
		{Name: "report mentioning gmp below another root", Head: xmlHead + `<doc><gmp></gmp></doc>`, Want: false},
		{Name: "CSV without NVT OID", Head: "IP,Hostname,NVT Name\n", Want: false},
		{Name: "empty", Head: "", Want: false},
	})
}

func TestParseReadError(t *testing.T) {
	scantest.ReadFails(t, Parse, doc(results(result("", ""), result("", ""))))
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(results(result(`<severities><severity type="cvss_base_v3"><score>6.1</score><value>v</value></severity></severities>`+
		`<tags>summary=s|insight=i</tags><refs><ref type="cve" id="CVE-2021-1234"/></refs>`, "<severity>6.1</severity>")),
		`<host><ip>10.0.0.1</ip></host>`)))
	f.Add([]byte(xmlHead + scantest.Laughs("report") + doc(results(result("", "<description>&lol9;</description>")))[len(xmlHead):]))
	f.Add([]byte("IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID,CVEs\n1.2.3.4,h,80,tcp,5.0,Medium,CVE-2021-1234,1.2.3,CVE-2021-1234\n"))
	scantest.Fuzz(f, Parse, "testdata/report_detail_v2.xml", "testdata/no_vuln.xml")
}

// BenchmarkParseSample parses the largest OpenVAS sample.
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "openvas/many_vuln.xml")
}
