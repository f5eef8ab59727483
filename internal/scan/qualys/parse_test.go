package qualys

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	Targets, Results int
	BySeverity       map[scan.Severity]int
	WithCVE          int
}

func count(rep *scan.Report) counts {
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), BySeverity: map[scan.Severity]int{}}
	for _, r := range rep.Results {
		c.BySeverity[r.Severity]++
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
			// README: 7 hosts, 301 VULN_INFO (90 Vuln, 209 Ig, 2
			// Practice); "the header says 299". The header's per-host
			// TOTAL_VULNERABILITIES leave out the potential (Practice)
			// detections: hosts .243 and .244 have 21 and 24 entries,
			// one Practice each, against totals of 20 and 23. All 301
			// are results. Vuln by level: 5 ×7, 4 ×4, 3 ×32, 2 ×39,
			// 1 ×8; both Practice are level 4; Ig are info. 650 KB:
			// counts only.
			file: "Qualys_Sample_Report.xml",
			want: counts{Targets: 7, Results: 301, WithCVE: 48,
				BySeverity: map[scan.Severity]int{scan.SevInfo: 209, scan.SevLow: 47, scan.SevMedium: 32, scan.SevHigh: 6, scan.SevCritical: 7}},
		},
		{
			// README: 6 rows, all severity 5, 4 hosts.
			file:   "Qualys_Sample_Report.csv",
			want:   counts{Targets: 4, Results: 6, WithCVE: 1, BySeverity: map[scan.Severity]int{scan.SevCritical: 6}},
			golden: true,
		},
		{
			// README: a header and no hosts.
			file:   "empty.xml",
			want:   counts{BySeverity: map[scan.Severity]int{}},
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("qualys", tt.file)))
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
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "every mapped element",
			in: doc(host(info("38739", "Vuln", `<PORT>22</PORT><PROTOCOL>tcp</PROTOCOL><RESULT><![CDATA[SSH-2.0-OpenSSH_5.3]]></RESULT>`),
				info("6", "Ig", "<RESULT>dns</RESULT>"), info("9", "Practice", ""), info("77", "Vuln", "")),
				details("38739", "3", `<THREAT><![CDATA[Bad.<P>Really.]]></THREAT><IMPACT>Worse.</IMPACT><SOLUTION><![CDATA[See <A HREF="http://x.example/">x</A>.]]></SOLUTION>`+
					`<CVSS_SCORE><CVSS_BASE>5.0 (AV:N/AC:L/Au:N/C:P/I:N/A:N)</CVSS_BASE></CVSS_SCORE><CVSS3_SCORE><CVSS3_BASE>7.5 (AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N)</CVSS3_BASE></CVSS3_SCORE>`+
					`<VENDOR_REFERENCE_LIST><VENDOR_REFERENCE><ID>v</ID><URL>https://v.example/</URL></VENDOR_REFERENCE></VENDOR_REFERENCE_LIST>`+
					`<CVE_ID_LIST><CVE_ID><ID>CVE-2010-4478</ID></CVE_ID></CVE_ID_LIST><BUGTRAQ_ID_LIST><BUGTRAQ_ID><ID>1</ID><URL>http://b.example/1</URL></BUGTRAQ_ID></BUGTRAQ_ID_LIST>`)+
					details("6", "5", "")+details("9", "4", `<CVSS_SCORE><CVSS_BASE>-</CVSS_BASE></CVSS_SCORE>`)),
			want: &scan.Report{Tool: "qualys", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "38739", Title: "T38739", IDs: []string{"CVE-2010-4478"}, Severity: scan.SevMedium, ToolSeverity: "3", Score: 7.5,
					Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Location: "22/tcp", Description: "Bad.\n\nReally.\n\nWorse.",
					Solution: "See x.", Evidence: "SSH-2.0-OpenSSH_5.3", References: []string{"https://v.example/", "http://b.example/1"}},
				{Rule: "6", Title: "T6", Severity: scan.SevInfo, ToolSeverity: "5", Evidence: "dns"},
				{Rule: "9", Title: "T9", Severity: scan.SevHigh, ToolSeverity: "4"},
				{Rule: "77", Title: "QID 77", Severity: scan.SevUnknown},
			}},
		},
		{
			name: "no hosts",
			in:   doc("", ""),
			want: &scan.Report{Tool: "qualys"},
		},
		{
			name: "CSV after a preamble",
			in: "\"Scan Results\",\"2021\"\n\"Company\"\n" +
				"\"IP\",\"DNS\",\"OS\",\"QID\",\"Title\",\"Type\",\"Severity\",\"Port\",\"Protocol\",\"CVE ID\",\"CVSS Base\",\"CVSS3 Base\",\"Threat\",\"Results\"\n" +
				"\"10.0.0.1\",\"web-01.example\",\"Linux\",\"38739\",\"T\",\"Vuln\",\"4\",\"22\",\"tcp\",\"CVE-2010-4478, CVE-2010-4755\",\"5.0 (AV:N/AC:L/Au:N/C:P/I:N/A:N)\",\"\",\"<P>x\",\"r\"\n" +
				"\"10.0.0.1\",\"web-01.example\",\"Linux\",\"6\",\"DNS\",\"Ig\",\"1\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n",
			want: &scan.Report{Tool: "qualys", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "38739", Title: "T", IDs: []string{"CVE-2010-4478", "CVE-2010-4755"}, Severity: scan.SevHigh, ToolSeverity: "4", Score: 5,
					Vector: "AV:N/AC:L/Au:N/C:P/I:N/A:N", Location: "22/tcp", Description: "x", Evidence: "r"},
				{Rule: "6", Title: "DNS", Severity: scan.SevInfo, ToolSeverity: "1"},
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

func laughs() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE ASSET_DATA_REPORT [<!ENTITY lol "lol">`)
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
	full := doc(host(info("6", "Ig", "")), details("6", "1", ""))
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"other root", `<?xml version="1.0"?><SCAN value="x"/>`, "malformed input: root element <SCAN>, want <ASSET_DATA_REPORT>"},
		{"malformed XML", `<ASSET_DATA_REPORT><HOST_LIST><HOST><IP>1</HOST></HOST_LIST></ASSET_DATA_REPORT>`,
			"HOST[0]: malformed input: XML syntax error on line 1: element <IP> closed by </HOST>"},
		{"truncated in a host", full[:strings.Index(full, "</VULN_INFO_LIST>")], "HOST[0]: malformed input: XML syntax error on line 3: unexpected EOF"},
		{"truncated in the glossary", full[:strings.Index(full, "</VULN_DETAILS_LIST>")], "malformed input: XML syntax error on line 3: unexpected EOF"},
		{"billion laughs", `<?xml version="1.0"?>` + laughs() + `<ASSET_DATA_REPORT><HEADER><COMPANY>&lol9;</COMPANY></HEADER></ASSET_DATA_REPORT>`,
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE ASSET_DATA_REPORT [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + full[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(host(info("6", "Ig", "<RESULT>&e;</RESULT>")), ""),
			"HOST[0]: malformed input: XML syntax error on line 3: invalid character entity &e;"},
		{"severity off the scale", doc(host(info("6", "Ig", "")), details("6", "1", "")+details("7", "6", "")),
			`VULN_DETAILS[1] QID 7: SEVERITY: malformed input: "6" is not a level from 1 to 5`},
		{"CVSS not a number", doc("", details("7", "3", "<CVSS3_SCORE><CVSS3_BASE>high (AV:N)</CVSS3_BASE></CVSS3_SCORE>")),
			`VULN_DETAILS[0] QID 7: CVSS3_SCORE.CVSS3_BASE: malformed input: not a CVSS score from 0 to 10: "high"`},
		{"CVSS out of range", doc("", details("7", "3", "<CVSS_SCORE><CVSS_BASE>12.0</CVSS_BASE></CVSS_SCORE>")),
			`VULN_DETAILS[0] QID 7: CVSS_SCORE.CVSS_BASE: malformed input: not a CVSS score from 0 to 10: "12.0"`},
		{"CVE id wrong", doc("", details("7", "3", "<CVE_ID_LIST><CVE_ID><ID>CVE-20-1</ID></CVE_ID></CVE_ID_LIST>")),
			`VULN_DETAILS[0] QID 7: CVE_ID_LIST.CVE_ID[0].ID: malformed input: not a CVE id: "CVE-20-1"`},
		{"QID not a number", doc(host(info("6", "Ig", ""), info("x1", "Vuln", "")), ""),
			`HOST[0] 10.0.0.1: VULN_INFO[1] QID x1: QID: malformed input: not a QID: "x1"`},
		{"port not a number", doc(host(info("6", "Vuln", "<PORT>ssh</PORT>")), ""),
			`HOST[0] 10.0.0.1: VULN_INFO[0] QID 6: PORT: malformed input: not a port number: "ssh"`},
		{"host without IP", doc(`<HOST><DNS>x</DNS></HOST>`, ""), "HOST[0] : IP: malformed input: missing"},

		{"CSV wrong header", "Plugin ID,CVE,CVSS,Risk,Host\n1,,,None,h\n",
			"line 1: malformed input: no header row with IP and QID columns in the first 20 rows: not a Qualys CSV export"},
		{"CSV header without Severity", "IP,QID,Title\n1.2.3.4,6,x\n", `line 1: malformed input: header has no "Severity" column: not a Qualys CSV export`},
		{"CSV ragged row", "IP,QID,Title,Severity\n1.2.3.4,6,x,1\n1.2.3.4,6,x\n", "line 3: malformed input: 3 fields, want 4 as in the header"},
		{"CSV bad severity", "IP,QID,Title,Severity\n1.2.3.4,6,x,urgent\n", `line 2: Severity: malformed input: "urgent" is not a level from 1 to 5`},
		{"CSV bad CVSS", "IP,QID,Title,Severity,CVSS3 Base\n1.2.3.4,6,x,1,9.8 AV:N\n", `line 2: CVSS3 Base: malformed input: not "score (vector)": "9.8 AV:N"`},
		{"CSV bad quote", "IP,QID,Title,Severity\n1.2.3.4,6,\"x,1\n", `line 2: malformed input: extraneous or missing " in quoted-field`},
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
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "qualys/empty.xml")), "*"))
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range []string{"openvas/report_using_CVE.csv", "tenable/nessus_many_vuln2-all.csv", "openvas/no_vuln.xml", "nikto/nikto-output.xml", "prowler/many_vuln2.csv"} {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic XML", `<?xml version="1.0"?><REPORT/>`, false},
		{"CSV with IP and QID only", "IP,QID\n", false},
		{"CSV after a preamble", "\"Report\"\n\"IP\",\"QID\",\"Title\",\"Severity\"\n", true},
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
	f.Add([]byte(doc(host(info("38739", "Vuln", `<PORT>22</PORT><PROTOCOL>tcp</PROTOCOL><RESULT>r</RESULT>`)),
		details("38739", "3", `<CVSS3_SCORE><CVSS3_BASE>7.5 (AV:N)</CVSS3_BASE></CVSS3_SCORE><CVE_ID_LIST><CVE_ID><ID>CVE-2010-4478</ID></CVE_ID></CVE_ID_LIST>`))))
	f.Add([]byte(`<?xml version="1.0"?>` + laughs() + `<ASSET_DATA_REPORT><HEADER><COMPANY>&lol9;</COMPANY></HEADER></ASSET_DATA_REPORT>`))
	scantest.Fuzz(f, Parse, "testdata/empty.xml", "testdata/Qualys_Sample_Report.csv")
}

// BenchmarkParseSample parses the largest Qualys sample (650 KB, 301
// detections).
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "qualys/Qualys_Sample_Report.xml"))
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
