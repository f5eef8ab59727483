package qualys

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "qualys", scantest.GoldenFile, scantest.CountCVETally, []scantest.Sample[scantest.CVETally]{
		{
			// README: 7 hosts, 301 VULN_INFO (90 Vuln, 209 Ig, 2
			// Practice); "the header says 299". The header's per-host
			// TOTAL_VULNERABILITIES leave out the potential (Practice)
			// detections: hosts .243 and .244 have 21 and 24 entries,
			// one Practice each, against totals of 20 and 23. All 301
			// are results. Vuln by level: 5 ×7, 4 ×4, 3 ×32, 2 ×39,
			// 1 ×8; both Practice are level 4; Ig are info. 650 KB:
			// counts only.
			File: "Qualys_Sample_Report.xml",
			Want: scantest.CVETally{Tally: scantest.Tally{Targets: 7, Results: 301,
				BySeverity: map[scan.Severity]int{scan.SevInfo: 209, scan.SevLow: 47, scan.SevMedium: 32, scan.SevHigh: 6, scan.SevCritical: 7}}, WithCVE: 48},
		},
		{
			// README: 6 rows, all severity 5, 4 hosts.
			File:   "Qualys_Sample_Report.csv",
			Want:   scantest.CVETally{Tally: scantest.Tally{Targets: 4, Results: 6, BySeverity: map[scan.Severity]int{scan.SevCritical: 6}}, WithCVE: 1},
			Golden: true,
		},
		{
			// README: a header and no hosts.
			File:   "empty.xml",
			Want:   scantest.CVETally{Tally: scantest.Tally{BySeverity: map[scan.Severity]int{}}},
			Golden: true,
		},
	})
}

func TestSampleFields(t *testing.T) {
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "qualys/Qualys_Sample_Report.xml"))
	want := scan.Target{Kind: scan.TargetHost, Name: "64.41.200.243", IP: "64.41.200.243", FQDN: "demo13.s02.sjc01.qualys.com", OS: "Ubuntu / Tiny Core Linux / Linux 2.6.x"}
	if diff := cmp.Diff(want, rep.Targets[0]); diff != "" {
		t.Errorf("first target (-want +got):\n%s", diff)
	}
	var libxml *scan.Result
	for i, r := range rep.Results {
		if r.Rule == "11803" {
			libxml = &rep.Results[i]
			break
		}
	}
	if libxml == nil {
		t.Fatal("no QID 11803")
	}
	if r := libxml; r.Title != "libxml2 Multiple Vulnerabilities" || r.Severity != scan.SevMedium || r.ToolSeverity != "3" ||
		r.IDs[0] != "CVE-2015-8806" || !strings.Contains(r.Description, "(CVE-2016-1762)") || !strings.HasPrefix(r.Solution, "Refer to libxml2 repository libxml2") ||
		r.References[0] != "http://xmlsoft.org/news.html" || r.Location != "" {
		t.Errorf("QID 11803: %+v", r)
	}
	// A level 5 QID with both CVSS versions: v3 wins, with a version prefix.
	for _, r := range rep.Results {
		if r.Score == 9 && r.Vector != "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H" {
			t.Errorf("QID %s: vector %q", r.Rule, r.Vector)
		}
	}

	csvRep := scantest.ParseFile(t, Parse, scantest.Shared(t, "qualys/Qualys_Sample_Report.csv"))
	r := csvRep.Results[0]
	if r.Rule != "105971" || r.Severity != scan.SevCritical || r.Score != 8.1 || r.Vector != "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H" ||
		r.Title != "EOL/Obsolete Software: Microsoft ASP.NET 1.0 Detected" {
		t.Errorf("CSV row 1: %+v", r)
	}
	if t0 := csvRep.Targets[0]; t0.IP != "10.98.57.180" || t0.FQDN != "ip-10-98-57-180.eu-west-1.compute.internal" || !strings.HasPrefix(t0.OS, "Windows Server 2016") {
		t.Errorf("CSV target: %+v", t0)
	}
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" ?>` + "\n" + `<!DOCTYPE ASSET_DATA_REPORT SYSTEM "https://qualysguard.qualys.eu/asset_data_report.dtd">` + "\n"

func doc(hosts, glossary string) string {
	return xmlHead + `<ASSET_DATA_REPORT><HEADER><COMPANY>C</COMPANY></HEADER><HOST_LIST>` + hosts + `</HOST_LIST><GLOSSARY><VULN_DETAILS_LIST>` +
		glossary + `</VULN_DETAILS_LIST></GLOSSARY><APPENDICES/></ASSET_DATA_REPORT>`
}

func host(infos ...string) string {
	return `<HOST><IP>10.0.0.1</IP><DNS><![CDATA[web-01.example]]></DNS><OPERATING_SYSTEM>Linux</OPERATING_SYSTEM><VULN_INFO_LIST>` +
		strings.Join(infos, "") + `</VULN_INFO_LIST></HOST>`
}

func info(qid, kind, rest string) string {
	return fmt.Sprintf(`<VULN_INFO><QID id="qid_%s">%s</QID><TYPE>%s</TYPE>%s</VULN_INFO>`, qid, qid, kind, rest)
}

func details(qid, sev, rest string) string {
	return fmt.Sprintf(`<VULN_DETAILS id="qid_%s"><QID id="qid_%s">%s</QID><TITLE><![CDATA[T%s]]></TITLE><SEVERITY>%s</SEVERITY>%s</VULN_DETAILS>`, qid, qid, qid, qid, sev, rest)
}

var web01 = scan.Target{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1", FQDN: "web-01.example", OS: "Linux"}

func TestParse(t *testing.T) {
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "every mapped element",
			In: doc(host(info("38739", "Vuln", `<PORT>22</PORT><PROTOCOL>tcp</PROTOCOL><RESULT><![CDATA[SSH-2.0-OpenSSH_5.3]]></RESULT>`),
				info("6", "Ig", "<RESULT>dns</RESULT>"), info("9", "Practice", ""), info("77", "Vuln", "")),
				details("38739", "3", `<THREAT><![CDATA[Bad.<P>Really.]]></THREAT><IMPACT>Worse.</IMPACT><SOLUTION><![CDATA[See <A HREF="http://x.example/">x</A>.]]></SOLUTION>`+
					`<CVSS_SCORE><CVSS_BASE>5.0 (AV:N/AC:L/Au:N/C:P/I:N/A:N)</CVSS_BASE></CVSS_SCORE><CVSS3_SCORE><CVSS3_BASE>7.5 (AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N)</CVSS3_BASE></CVSS3_SCORE>`+
					`<VENDOR_REFERENCE_LIST><VENDOR_REFERENCE><ID>v</ID><URL>https://v.example/</URL></VENDOR_REFERENCE></VENDOR_REFERENCE_LIST>`+
					`<CVE_ID_LIST><CVE_ID><ID>CVE-2010-4478</ID></CVE_ID></CVE_ID_LIST><BUGTRAQ_ID_LIST><BUGTRAQ_ID><ID>1</ID><URL>http://b.example/1</URL></BUGTRAQ_ID></BUGTRAQ_ID_LIST>`)+
					details("6", "5", "")+details("9", "4", `<CVSS_SCORE><CVSS_BASE>-</CVSS_BASE></CVSS_SCORE>`)),
			Want: &scan.Report{Tool: "qualys", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "38739", Title: "T38739", IDs: []string{"CVE-2010-4478"}, Severity: scan.SevMedium, ToolSeverity: "3", Score: 7.5,
					Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Location: "22/tcp", Description: "Bad.\n\nReally.\n\nWorse.",
					Solution: "See x.", Evidence: "SSH-2.0-OpenSSH_5.3", References: []string{"https://v.example/", "http://b.example/1"}},
				{Rule: "6", Title: "T6", Severity: scan.SevInfo, ToolSeverity: "5", Evidence: "dns"},
				{Rule: "9", Title: "T9", Severity: scan.SevHigh, ToolSeverity: "4"},
				{Rule: "77", Title: "QID 77", Severity: scan.SevUnknown},
			}},
		},
		{
			Name: "no hosts",
			In:   doc("", ""),
			Want: &scan.Report{Tool: "qualys"},
		},
		{
			Name: "CSV after a preamble",
			In: "\"Scan Results\",\"2021\"\n\"Company\"\n" +
				"\"IP\",\"DNS\",\"OS\",\"QID\",\"Title\",\"Type\",\"Severity\",\"Port\",\"Protocol\",\"CVE ID\",\"CVSS Base\",\"CVSS3 Base\",\"Threat\",\"Results\"\n" +
				"\"10.0.0.1\",\"web-01.example\",\"Linux\",\"38739\",\"T\",\"Vuln\",\"4\",\"22\",\"tcp\",\"CVE-2010-4478, CVE-2010-4755\",\"5.0 (AV:N/AC:L/Au:N/C:P/I:N/A:N)\",\"\",\"<P>x\",\"r\"\n" +
				"\"10.0.0.1\",\"web-01.example\",\"Linux\",\"6\",\"DNS\",\"Ig\",\"1\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n",
			Want: &scan.Report{Tool: "qualys", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "38739", Title: "T", IDs: []string{"CVE-2010-4478", "CVE-2010-4755"}, Severity: scan.SevHigh, ToolSeverity: "4", Score: 5,
					Vector: "AV:N/AC:L/Au:N/C:P/I:N/A:N", Location: "22/tcp", Description: "x", Evidence: "r"},
				{Rule: "6", Title: "DNS", Severity: scan.SevInfo, ToolSeverity: "1"},
			}},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(host(info("6", "Ig", "")), details("6", "1", ""))
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "other root", In: `<?xml version="1.0"?><SCAN value="x"/>`, Want: "malformed input: root element <SCAN>, want <ASSET_DATA_REPORT>"},
		{Name: "malformed XML", In: `<ASSET_DATA_REPORT><HOST_LIST><HOST><IP>1</HOST></HOST_LIST></ASSET_DATA_REPORT>`,
			Want: "HOST[0]: malformed input: XML syntax error on line 1: element <IP> closed by </HOST>"},
		{Name: "truncated in a host", In: full[:strings.Index(full, "</VULN_INFO_LIST>")], Want: "HOST[0]: malformed input: XML syntax error on line 3: unexpected EOF"},
		{Name: "truncated in the glossary", In: full[:strings.Index(full, "</VULN_DETAILS_LIST>")], Want: "malformed input: XML syntax error on line 3: unexpected EOF"},
		{Name: "billion laughs", In: `<?xml version="1.0"?>` + scantest.Laughs("ASSET_DATA_REPORT") + `<ASSET_DATA_REPORT><HEADER><COMPANY>&lol9;</COMPANY></HEADER></ASSET_DATA_REPORT>`,
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: `<?xml version="1.0"?><!DOCTYPE ASSET_DATA_REPORT [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + full[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(host(info("6", "Ig", "<RESULT>&e;</RESULT>")), ""),
			Want: "HOST[0]: malformed input: XML syntax error on line 3: invalid character entity &e;"},
		{Name: "severity off the scale", In: doc(host(info("6", "Ig", "")), details("6", "1", "")+details("7", "6", "")),
			Want: `VULN_DETAILS[1] QID 7: SEVERITY: malformed input: "6" is not a level from 1 to 5`},
		{Name: "CVSS not a number", In: doc("", details("7", "3", "<CVSS3_SCORE><CVSS3_BASE>high (AV:N)</CVSS3_BASE></CVSS3_SCORE>")),
			Want: `VULN_DETAILS[0] QID 7: CVSS3_SCORE.CVSS3_BASE: malformed input: not a CVSS score from 0 to 10: "high"`},
		{Name: "CVSS out of range", In: doc("", details("7", "3", "<CVSS_SCORE><CVSS_BASE>12.0</CVSS_BASE></CVSS_SCORE>")),
			Want: `VULN_DETAILS[0] QID 7: CVSS_SCORE.CVSS_BASE: malformed input: not a CVSS score from 0 to 10: "12.0"`},
		{Name: "CVE id wrong", In: doc("", details("7", "3", "<CVE_ID_LIST><CVE_ID><ID>CVE-20-1</ID></CVE_ID></CVE_ID_LIST>")),
			Want: `VULN_DETAILS[0] QID 7: CVE_ID_LIST.CVE_ID[0].ID: malformed input: not a CVE id: "CVE-20-1"`},
		{Name: "QID not a number", In: doc(host(info("6", "Ig", ""), info("x1", "Vuln", "")), ""),
			Want: `HOST[0] 10.0.0.1: VULN_INFO[1] QID x1: QID: malformed input: not a QID: "x1"`},
		{Name: "port not a number", In: doc(host(info("6", "Vuln", "<PORT>ssh</PORT>")), ""),
			Want: `HOST[0] 10.0.0.1: VULN_INFO[0] QID 6: PORT: malformed input: not a port number: "ssh"`},
		{Name: "host without IP", In: doc(`<HOST><DNS>x</DNS></HOST>`, ""), Want: "HOST[0] : IP: malformed input: missing"},

		{Name: "CSV wrong header", In: "Plugin ID,CVE,CVSS,Risk,Host\n1,,,None,h\n",
			Want: "line 1: malformed input: no header row with IP and QID columns in the first 20 rows: not a Qualys CSV export"},
		{Name: "CSV header without Severity", In: "IP,QID,Title\n1.2.3.4,6,x\n", Want: `line 1: malformed input: header has no "Severity" column: not a Qualys CSV export`},
		{Name: "CSV ragged row", In: "IP,QID,Title,Severity\n1.2.3.4,6,x,1\n1.2.3.4,6,x\n", Want: "line 3: malformed input: 3 fields, want 4 as in the header"},
		{Name: "CSV bad severity", In: "IP,QID,Title,Severity\n1.2.3.4,6,x,urgent\n", Want: `line 2: Severity: malformed input: "urgent" is not a level from 1 to 5`},
		{Name: "CSV bad CVSS", In: "IP,QID,Title,Severity,CVSS3 Base\n1.2.3.4,6,x,1,9.8 AV:N\n", Want: `line 2: CVSS3 Base: malformed input: not "score (vector)": "9.8 AV:N"`},
		{Name: "CSV bad quote", In: "IP,QID,Title,Severity\n1.2.3.4,6,\"x,1\n", Want: `line 2: malformed input: extraneous or missing " in quoted-field`},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "qualys", []string{"openvas/report_using_CVE.csv", "tenable/nessus_many_vuln2-all.csv", "openvas/no_vuln.xml", "nikto/nikto-output.xml", "prowler/many_vuln2.csv"}, []scantest.Head{
		{Name: "generic XML", Head: `<?xml version="1.0"?><REPORT/>`, Want: false},
		{Name: "CSV with IP and QID only", Head: "IP,QID\n", Want: false},
		{Name: "CSV after a preamble", Head: "\"Report\"\n\"IP\",\"QID\",\"Title\",\"Severity\"\n", Want: true},
		{Name: "empty", Head: "", Want: false},
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(host(info("38739", "Vuln", `<PORT>22</PORT><PROTOCOL>tcp</PROTOCOL><RESULT>r</RESULT>`)),
		details("38739", "3", `<CVSS3_SCORE><CVSS3_BASE>7.5 (AV:N)</CVSS3_BASE></CVSS3_SCORE><CVE_ID_LIST><CVE_ID><ID>CVE-2010-4478</ID></CVE_ID></CVE_ID_LIST>`))))
	f.Add([]byte(`<?xml version="1.0"?>` + scantest.Laughs("ASSET_DATA_REPORT") + `<ASSET_DATA_REPORT><HEADER><COMPANY>&lol9;</COMPANY></HEADER></ASSET_DATA_REPORT>`))
	scantest.Fuzz(f, Parse, "testdata/empty.xml", "testdata/Qualys_Sample_Report.csv")
}

// BenchmarkParseSample parses the largest Qualys sample (650 KB, 301
// detections).
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "qualys/Qualys_Sample_Report.xml")
}
