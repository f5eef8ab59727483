package openvas

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
	// BySeverity counts results by vmc severity.
	BySeverity map[scan.Severity]int
	// WithCVE counts results naming at least one CVE.
	WithCVE int
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

// TestSamples parses every OpenVAS sample of ../shared/data/scanners and
// checks the counts its README states.
func TestSamples(t *testing.T) {
	for _, tt := range []struct {
		file   string
		want   counts
		golden bool
	}{
		{
			// README: 1 host, 44 results (19 High, 23 Medium, 2 with an
			// empty <threat>), 23 citing CVEs. Of the 19 High, the 8 at
			// severity 9.0 to 10.0 are critical on vmc's scale; the two
			// without a threat have severity 4.0, medium.
			file: "many_vuln.xml",
			want: counts{Targets: 1, Results: 44, WithCVE: 23,
				BySeverity: map[scan.Severity]int{scan.SevCritical: 8, scan.SevHigh: 11, scan.SevMedium: 25}},
			golden: true,
		},
		{
			// README: 1 High result, severity 9.8.
			file:   "report_detail_v2.xml",
			want:   counts{Targets: 1, Results: 1, WithCVE: 1, BySeverity: map[scan.Severity]int{scan.SevCritical: 1}},
			golden: true,
		},
		{
			// README: 43 rows (21 High, 22 Medium), 1 host; the CVE is
			// in the NVT Name column.
			file: "report_using_CVE.csv",
			want: counts{Targets: 1, Results: 43, WithCVE: 43,
				BySeverity: map[scan.Severity]int{scan.SevCritical: 8, scan.SevHigh: 13, scan.SevMedium: 22}},
			golden: true,
		},
		{
			// README: 0 results (and no host).
			file:   "no_vuln.xml",
			want:   counts{BySeverity: map[scan.Severity]int{}},
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("openvas", tt.file)))
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
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "every mapped element",
			in: doc(`<scan_start>2023-09-26T10:50:34Z</scan_start>`, results(result(
				`<cvss_base>5.0</cvss_base><severities score="6.1"><severity type="cvss_base_v2"><score>5.0</score><value>AV:N/AC:L/Au:N/C:P/I:N/A:N</value></severity>`+
					`<severity type="cvss_base_v3"><score>6.1</score><value>CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N</value></severity></severities>`+
					`<tags>summary=Sum|insight=a|b|impact=Imp|solution=from tags|cvss_base_vector=AV:N/AC:L/Au:N/C:P/I:N/A:N</tags>`+
					`<solution type="VendorFix">Upgrade.</solution>`+
					`<refs><ref type="cve" id="cve-2021-1234"/><ref type="cwe" id="CWE-79"/><ref type="url" id="https://a.example/"/><ref type="cert-bund" id="WID-SEC-1"/></refs>`,
				`<threat>Medium</threat><severity>6.1</severity><description>found it</description>`)),
				`<host><ip>10.0.0.1</ip><detail><name>best_os_txt</name><value>Debian</value></detail></host>`,
				`<scan_end>2023-09-26T13:04:00Z</scan_end>`),
			want: &scan.Report{Tool: "openvas", Started: time.Date(2023, 9, 26, 10, 50, 34, 0, time.UTC), Finished: time.Date(2023, 9, 26, 13, 4, 0, 0, time.UTC),
				Targets: []scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.1", IP: "10.0.0.1", FQDN: "web-01", OS: "Debian"}},
				Results: []scan.Result{{
					Rule: "1.2.3", Title: "N", IDs: []string{"CVE-2021-1234"}, CWEs: []int{79}, Severity: scan.SevMedium, ToolSeverity: "6.1",
					Score: 6.1, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", Location: "443/tcp",
					Description: "Sum\n\na|b\n\nImp", Solution: "Upgrade.", Evidence: "found it", References: []string{"https://a.example/"},
				}}},
		},
		{
			name: "old OMP: cve and xref text, cvss_base with the tags' vector, log level",
			in: doc(results(result(`<cvss_base>0.0</cvss_base><cve>CVE-2011-3192, NOCVE</cve><xref>URL:http://x.example/, CERT:DFN-1</xref>`+
				`<tags>cvss_base_vector=AV:N/AC:L/Au:N/C:N/I:N/A:N|solution=Do it.</tags>`, `<threat>Log</threat><severity>0.0</severity>`))),
			want: &scan.Report{Tool: "openvas", Targets: []scan.Target{web01}, Results: []scan.Result{{
				Rule: "1.2.3", Title: "N", IDs: []string{"CVE-2011-3192"}, Severity: scan.SevInfo, ToolSeverity: "0.0",
				Vector: "AV:N/AC:L/Au:N/C:N/I:N/A:N", Location: "443/tcp", Solution: "Do it.", References: []string{"http://x.example/"},
			}}},
		},
		{
			name: "threat word without severity; false positive",
			in: doc(results(result("", `<threat>High</threat>`), result("", `<threat>False Positive</threat><severity>-1</severity>`),
				result("", `<threat>Alarm</threat>`))),
			want: &scan.Report{Tool: "openvas", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "1.2.3", Title: "N", Severity: scan.SevHigh, ToolSeverity: "High", Location: "443/tcp"},
				{Rule: "1.2.3", Title: "N", Severity: scan.SevInfo, ToolSeverity: "-1", Location: "443/tcp"},
				{Rule: "1.2.3", Title: "N", Severity: scan.SevUnknown, ToolSeverity: "Alarm", Location: "443/tcp"},
			}},
		},
		{
			name: "CVE scanner result named by its CVE",
			in:   doc(results(`<result><host>10.0.0.2</host><port>general/tcp</port><nvt oid="CVE-2021-26690"><name>CVE-2021-26690</name></nvt><severity>7.5</severity></result>`)),
			want: &scan.Report{Tool: "openvas", Targets: []scan.Target{{Kind: scan.TargetHost, Name: "10.0.0.2", IP: "10.0.0.2"}}, Results: []scan.Result{
				{Rule: "CVE-2021-26690", Title: "CVE-2021-26690", IDs: []string{"CVE-2021-26690"}, Severity: scan.SevHigh, ToolSeverity: "7.5", Location: "general/tcp"},
			}},
		},
		{
			name: "get_reports_response around one report; no results",
			in:   xmlHead + `<get_reports_response status="200"><report id="r"><report id="r"><results/></report></report></get_reports_response>`,
			want: &scan.Report{Tool: "openvas"},
		},
		{
			name: "CSV header only",
			in:   "IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID,CVEs\n",
			want: &scan.Report{Tool: "openvas"},
		},
		{
			name: "CSV rows",
			in: "IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID,CVEs,Summary,Specific Result,Other References\n" +
				"10.0.0.1,web-01,443,tcp,5.0,Medium,TLS,1.2.3,\"CVE-2021-1234,CVE-2021-5678\",S,R,\"https://a.example/,https://b.example/\"\n" +
				"10.0.0.1,web-01,,,0.0,Log,OS,1.2.4,,,,\n" +
				"10.0.0.2,,,,,High,CVE-2021-26690,CVE-2021-26690,,,,\n",
			want: &scan.Report{Tool: "openvas",
				Targets: []scan.Target{web01, {Kind: scan.TargetHost, Name: "10.0.0.2", IP: "10.0.0.2"}},
				Results: []scan.Result{
					{Rule: "1.2.3", Title: "TLS", IDs: []string{"CVE-2021-1234", "CVE-2021-5678"}, Severity: scan.SevMedium, ToolSeverity: "5.0", Score: 5,
						Location: "443/tcp", Description: "S", Evidence: "R", References: []string{"https://a.example/", "https://b.example/"}},
					{Rule: "1.2.4", Title: "OS", Severity: scan.SevInfo, ToolSeverity: "0.0"},
					{Target: 1, Rule: "CVE-2021-26690", Title: "CVE-2021-26690", IDs: []string{"CVE-2021-26690"}, Severity: scan.SevHigh, ToolSeverity: "High"},
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

// laughs is a DTD declaring a billion-laughs expansion.
func laughs() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE report [<!ENTITY lol "lol">`)
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
	full := doc(results(result("", "<severity>5.0</severity>")))
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"other XML root", xmlHead + `<NessusClientData_v2/>`, "malformed input: root element <NessusClientData_v2>, want <report> or <get_reports_response>"},
		{"malformed XML", xmlHead + `<report><report><results></result></report></report>`,
			"malformed input: XML syntax error on line 2: element <results> closed by </result>"},
		{"truncated in a result", full[:strings.Index(full, "</nvt>")], "result[0]: malformed input: XML syntax error on line 2: unexpected EOF"},
		{"truncated after the results", strings.TrimSuffix(full, "</report></report>"), "malformed input: XML syntax error on line 2: unexpected EOF"},
		{"text after the root", full + "x", "malformed input: text outside the root element"},
		{"billion laughs", xmlHead + laughs() + doc(results(result("", "<description>&lol9;</description>")))[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", xmlHead + `<!DOCTYPE report [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + full[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(results(result("", "<description>&e;</description>"))),
			"result[0]: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{"severity not a number", doc(results(result("", "<severity>high</severity>"))),
			`result[0] nvt 1.2.3: severity: malformed input: not a severity from -3 to 10: "high"`},
		{"severity out of range", doc(results(result("", "<severity>10.5</severity>"))),
			`result[0] nvt 1.2.3: severity: malformed input: not a severity from -3 to 10: "10.5"`},
		{"cvss_base not a number", doc(results(result("<cvss_base>n/a</cvss_base>", ""))),
			`result[0] nvt 1.2.3: nvt.cvss_base: malformed input: not a CVSS score from 0 to 10: "n/a"`},
		{"severities score not a number", doc(results(result(`<severities><severity type="cvss_base_v3"><score>x</score></severity></severities>`, ""))),
			`result[0] nvt 1.2.3: nvt.severities.severity[0].score: malformed input: not a CVSS score from 0 to 10: "x"`},
		{"cve ref no CVE", doc(results(result(`<refs><ref type="cve" id="CVE-2021-1234"/><ref type="cve" id="bogus"/></refs>`, ""))),
			`result[0] nvt 1.2.3: nvt.refs.ref[1]: malformed input: not a CVE id: "bogus"`},
		{"oid missing", doc(results(`<result><host>1.2.3.4</host><nvt><name>x</name></nvt></result>`)),
			"result[0] nvt : nvt.oid: malformed input: missing"},
		{"scan_start not a time", doc(`<scan_start>yesterday</scan_start>`), `report.report: scan_start: malformed input: not an RFC 3339 time: "yesterday"`},
		{"second result bad", doc(results(result("", ""), result("<cvss_base>11</cvss_base>", ""))),
			`result[1] nvt 1.2.3: nvt.cvss_base: malformed input: not a CVSS score from 0 to 10: "11"`},

		{"CSV wrong header", "Plugin ID,CVE,CVSS,Risk,Host\n1,,,None,h\n", `line 1: malformed input: header has no "IP" column: not a GVM CSV export`},
		{"CSV ragged row", "IP,NVT Name,NVT OID\n1.2.3.4,n,1.2\n1.2.3.4,n\n", "line 3: malformed input: 2 fields, want 3 as in the header"},
		{"CSV bad CVSS", "IP,CVSS,NVT Name,NVT OID\n1.2.3.4,high,n,1.2\n", `line 2: CVSS: malformed input: not a severity from -3 to 10: "high"`},
		{"CSV bad CVE", "IP,NVT Name,NVT OID,CVEs\n1.2.3.4,n,1.2,\"CVE-2021-1234, see x\"\n", `line 2: CVEs: malformed input: not a CVE id: "see x"`},
		{"CSV bare quote", "IP,NVT Name,NVT OID\n1.2.3.4,n\"x,1.2\n", `line 2: malformed input: bare " in non-quoted-field`},
		{"CSV missing OID", "IP,NVT Name,NVT OID\n1.2.3.4,n,\n", "line 2: NVT OID: malformed input: missing"},
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
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "openvas/many_vuln.xml")), "*"))
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range []string{"tenable/nessus_was_no_vuln.xml", "tenable/nessus_many_vuln2-all.csv", "qualys/Qualys_Sample_Report.csv",
		"qualys/empty.xml", "zap/empty_2.9.0.xml", "dependency-check/dc_empty.xml", "nmap/nmap_0port.xml"} {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic report XML", xmlHead + `<report><title>Q3</title></report>`, false},
		{"GMP report", xmlHead + `<report id="x"><report id="x"><gmp><version>22.6</version></gmp>`, true},
		{"report mentioning gmp below another root", xmlHead + `<doc><gmp></gmp></doc>`, false},
		{"CSV without NVT OID", "IP,Hostname,NVT Name\n", false},
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

func TestParseReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	in := doc(results(result("", ""), result("", "")))
	_, err := Parse(io.MultiReader(strings.NewReader(in[:len(in)/2]), errReader{errDisk}))
	if !errors.Is(err, errDisk) || !errors.Is(err, feed.ErrFormat) {
		t.Errorf("error %v, want one wrapping %v and feed.ErrFormat", err, errDisk)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(results(result(`<severities><severity type="cvss_base_v3"><score>6.1</score><value>v</value></severity></severities>`+
		`<tags>summary=s|insight=i</tags><refs><ref type="cve" id="CVE-2021-1234"/></refs>`, "<severity>6.1</severity>")),
		`<host><ip>10.0.0.1</ip></host>`)))
	f.Add([]byte(xmlHead + laughs() + doc(results(result("", "<description>&lol9;</description>")))[len(xmlHead):]))
	f.Add([]byte("IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID,CVEs\n1.2.3.4,h,80,tcp,5.0,Medium,CVE-2021-1234,1.2.3,CVE-2021-1234\n"))
	scantest.Fuzz(f, Parse, "testdata/report_detail_v2.xml", "testdata/no_vuln.xml")
}

// BenchmarkParseSample parses the largest OpenVAS sample.
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "openvas/many_vuln.xml"))
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
