package acunetix

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
	BySeverity       map[string]int // by ToolSeverity
	WithCWE          int
}

func count(rep *scan.Report) counts {
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), BySeverity: map[string]int{}}
	for _, r := range rep.Results {
		c.BySeverity[r.ToolSeverity]++
		if len(r.CWEs) > 0 {
			c.WithCWE++
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
			// README: 19 ReportItems (medium 5, low 13, informational 1).
			file:   "XML_http_example_co_id_.xml",
			want:   counts{Targets: 1, Results: 19, WithCWE: 18, BySeverity: map[string]int{"medium": 5, "low": 13, "informational": 1}},
			golden: true,
		},
		{
			// README: 4 ReportItems.
			file:   "many_findings.xml",
			want:   counts{Targets: 1, Results: 4, WithCWE: 3, BySeverity: map[string]int{"medium": 1, "low": 2, "informational": 1}},
			golden: true,
		},
		{
			// README: 16 vulnerabilities (Critical 5, High 3, Medium 8).
			file:   "acunetix360_many_findings.json",
			want:   counts{Targets: 1, Results: 16, WithCWE: 16, BySeverity: map[string]int{"Critical": 5, "High": 3, "Medium": 8}},
			golden: true,
		},
		{
			// README: 0 vulnerabilities.
			file:   "acunetix360_zero_finding.json",
			want:   counts{Targets: 1, BySeverity: map[string]int{}},
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("acunetix", tt.file)))
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
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "acunetix/many_findings.xml"))
	if diff := cmp.Diff([]scan.Target{{Kind: scan.TargetWeb, Name: "www.itsecgames.com", URL: "http://www.itsecgames.com/"}}, rep.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	r := rep.Results[0]
	if r.Rule != "slow-loris" || r.Title != "Slow HTTP Denial of Service Attack" || r.Severity != scan.SevMedium || r.Score != 5.3 ||
		r.Vector != "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L" || r.Location != "http://www.itsecgames.com/" ||
		r.Evidence != "Time difference between connections: 10000 ms" || len(r.References) != 2 {
		t.Errorf("slow-loris: %+v", r)
	}

	js := scantest.ParseFile(t, Parse, scantest.Shared(t, "acunetix/acunetix360_many_findings.json"))
	c := js.Results[0]
	if c.Rule != "CookieNotMarkedAsHttpOnly" || c.Severity != scan.SevMedium || c.Score != 5.7 ||
		c.Vector != "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:N/A:N/E:H/RL:O/RC:C" || !cmp.Equal(c.CWEs, []int{16}) ||
		c.Location != "http://php.testsparker.com/auth/login.php" || !strings.Contains(c.Evidence, "Identified Cookie(s): PHPSESSID") ||
		!strings.Contains(c.Evidence, "Request:\nGET /auth/login.php HTTP/1.1") {
		t.Errorf("first 360 result: %+v", c)
	}
	// Cvss31 is preferred when given.
	if c := js.Results[1]; c.Severity != scan.SevCritical || c.Score != 10 || !strings.HasPrefix(c.Vector, "CVSS:3.1/") {
		t.Errorf("second 360 result: %+v", c)
	}
}

const xmlHead = `<?xml version="1.0"?>` + "\n"

func doc(items ...string) string {
	return xmlHead + `<ScanGroup ExportedOn="28/02/2020, 05:13:54"><Scan><Name>s</Name><StartURL><![CDATA[a.example]]></StartURL>` +
		`<Crawler StartUrl="https://a.example/"><SiteFiles><SiteFile id="1"><Name>x</Name></SiteFile></SiteFiles></Crawler><ReportItems>` +
		strings.Join(items, "") + `</ReportItems></Scan></ScanGroup>`
}

func item(elems ...string) string {
	return `<ReportItem id="1" color="orange"><Name><![CDATA[XSS]]></Name><ModuleName><![CDATA[xss.script]]></ModuleName><Affects>/login.php</Affects>` +
		`<Severity>high</Severity>` + strings.Join(elems, "") + `</ReportItem>`
}

var siteA = scan.Target{Kind: scan.TargetWeb, Name: "a.example", URL: "https://a.example/"}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "every mapped element; a false positive left out",
			in: doc(item(`<Details><![CDATA[Payload <code>x</code> reflected.]]></Details><Parameter>q</Parameter>`,
				`<Type>xss</Type><Impact>Bad.</Impact><Description><![CDATA[<p>Cross-site scripting.</p>]]></Description><Recommendation>Encode.</Recommendation>`,
				`<TechnicalDetails><Request><![CDATA[GET /login.php?q=x HTTP/1.1`+"\r\n"+`Host: a.example`+"\r\n\r\n"+`body]]></Request></TechnicalDetails>`,
				`<CWEList><CWE id="79"><![CDATA[CWE-79]]></CWE><CWE><![CDATA[CWE-80]]></CWE></CWEList><CVEList><CVE>CVE-2021-1234</CVE></CVEList>`,
				`<CVSS><Descriptor>AV:N/AC:M/Au:N/C:N/I:P/A:N</Descriptor><Score>4.3</Score></CVSS><CVSS3><Descriptor>CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N</Descriptor><Score>6.1</Score></CVSS3>`,
				`<References><Reference><Database>OWASP</Database><URL>https://owasp.example/</URL></Reference></References>`),
				item(`<IsFalsePositive>True</IsFalsePositive>`)),
			want: &scan.Report{Tool: "acunetix", Targets: []scan.Target{siteA}, Results: []scan.Result{{
				Rule: "xss.script", Title: "XSS", IDs: []string{"CVE-2021-1234"}, CWEs: []int{79, 80}, Severity: scan.SevHigh, ToolSeverity: "high",
				Score: 6.1, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", Location: "https://a.example/login.php",
				Description: "Cross-site scripting.\n\nBad.", Solution: "Encode.",
				Evidence:   "Payload x reflected.\n\nParameter: q\n\nRequest:\nGET /login.php?q=x HTTP/1.1\nHost: a.example",
				References: []string{"https://owasp.example/"},
			}}},
		},
		{
			name: "no crawler URL: the StartURL; Type as rule; a full URL in Affects",
			in: xmlHead + `<ScanGroup><Scan><StartURL>b.example</StartURL><ReportItems><ReportItem><Name>N</Name><Type>t</Type>` +
				`<Affects>https://other.example/x</Affects><Severity>informational</Severity></ReportItem></ReportItems></Scan></ScanGroup>`,
			want: &scan.Report{Tool: "acunetix", Targets: []scan.Target{{Kind: scan.TargetWeb, Name: "b.example", URL: "b.example"}}, Results: []scan.Result{
				{Rule: "t", Title: "N", Severity: scan.SevInfo, ToolSeverity: "informational", Location: "https://other.example/x"},
			}},
		},
		{
			name: "360: states, severities, no CVSS",
			in: `{"Generated": "25/06/2021 09:57 AM", "Target": {"Url": "http://c.example/"}, "Vulnerabilities": [` +
				`{"Type": "A", "Name": "a", "Severity": "BestPractice", "State": "Present", "Url": "http://c.example/a", "Classification": {"Cvss": null, "Cvss31": null, "Cwe": "16, 79"},` +
				` "ExternalReferences": "<a href='https://x.example/1'>x</a>", "RemedyReferences": "", "ExtraInformation": [{"Name": "K", "Value": "V"}], "HttpRequest": {"Content": ""}},` +
				`{"Type": "B", "Severity": "High", "State": "Fixed (Unconfirmed)", "Classification": {}},` +
				`{"Type": "C", "Severity": "Low", "State": "False Positive", "Classification": {}}]}`,
			want: &scan.Report{Tool: "acunetix", Targets: []scan.Target{{Kind: scan.TargetWeb, Name: "http://c.example/", URL: "http://c.example/"}}, Results: []scan.Result{
				{Rule: "A", Title: "a", CWEs: []int{16, 79}, Severity: scan.SevInfo, ToolSeverity: "BestPractice", Location: "http://c.example/a",
					Evidence: "K: V", References: []string{"https://x.example/1"}},
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
	b.WriteString(`<!DOCTYPE ScanGroup [<!ENTITY lol "lol">`)
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
	full := doc(item())
	const j = `{"Generated": "x", "Target": {"Url": "http://c.example/"}, "Vulnerabilities": [`
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"other root", xmlHead + `<issues burpVersion="1"/>`, "malformed input: root element <issues>, want <ScanGroup>"},
		{"malformed XML", xmlHead + `<ScanGroup><Scan><ReportItems><ReportItem></ReportItems></Scan></ScanGroup>`,
			"Scan[0] : ReportItem[0]: malformed input: XML syntax error on line 2: element <ReportItem> closed by </ReportItems>"},
		{"truncated in an item", full[:strings.Index(full, "</ReportItem>")], "Scan[0] a.example: ReportItem[0]: malformed input: XML syntax error on line 2: unexpected EOF"},
		{"truncated after the scan", strings.TrimSuffix(full, "</ScanGroup>"), "malformed input: XML syntax error on line 2: unexpected EOF"},
		{"billion laughs", xmlHead + laughs() + doc(item("<Details>&lol9;</Details>"))[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", xmlHead + `<!DOCTYPE ScanGroup [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + full[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(item("<Details>&e;</Details>")),
			"Scan[0] a.example: ReportItem[0]: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{"CVSS3 score not a number", doc(item("<CVSS3><Score>high</Score></CVSS3>")),
			`Scan[0] a.example: ReportItem[0] xss.script: CVSS3.Score: malformed input: not a CVSS score from 0 to 10: "high"`},
		{"CVSS score out of range", doc(item(), item("<CVSS><Score>50</Score></CVSS>")),
			`Scan[0] a.example: ReportItem[1] xss.script: CVSS.Score: malformed input: not a CVSS score from 0 to 10: "50"`},
		{"CVE not an id", doc(item("<CVEList><CVE>n/a</CVE></CVEList>")),
			`Scan[0] a.example: ReportItem[0] xss.script: CVEList.CVE[0]: malformed input: not a CVE id: "n/a"`},
		{"CWE not an id", doc(item(`<CWEList><CWE>XSS</CWE></CWEList>`)),
			`Scan[0] a.example: ReportItem[0] xss.script: CWEList.CWE[0]: malformed input: not a CWE id: "XSS"`},
		{"rule missing", doc(`<ReportItem><Name>x</Name></ReportItem>`), "Scan[0] a.example: ReportItem[0] : ModuleName: malformed input: missing"},

		{"360 syntax", j + `}`, "malformed input: JSON syntax error at byte 80: invalid character '}' looking for beginning of value"},
		{"360 truncated", j + `{"Type": "A"`, "malformed input: JSON ends early"},
		{"360 wrong type", j + `{"Type": 5}]}`, "JSON: Vulnerabilities.Type: malformed input: number where string belongs"},
		{"360 score not a number", j + `{"Type": "A", "Classification": {"Cvss": {"BaseScore": {"Value": "high"}}}}]}`,
			`Vulnerabilities[0] A: Classification.Cvss.BaseScore.Value: malformed input: not a CVSS score from 0 to 10: "high"`},
		{"360 CWE not a number", j + `{"Type": "A", "Classification": {"Cwe": "XSS"}}]}`,
			`Vulnerabilities[0] A: Classification.Cwe: malformed input: not a CWE id: "XSS"`},
		{"360 type missing", j + `{"Name": "A"}]}`, "Vulnerabilities[0] : Type: malformed input: missing"},
		{"360 other JSON", `{"vulnerabilities": []}`, "malformed input: no Target or no Vulnerabilities: not an Acunetix 360 report"},
		{"360 trailing data", j + `]} x`, "malformed input: data after the JSON value"},
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
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "acunetix/many_findings.xml")), "*"))
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range []string{"burp/one_finding_with_cwe.xml", "nikto/juice-shop.json", "zap/empty_2.9.0.xml", "snyk/single_project_no_vulns.json"} {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic ScanGroup", xmlHead + `<ScanGroup><Group/></ScanGroup>`, false},
		{"JSON without Generated", `{"Target": {}, "Vulnerabilities": []}`, false},
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
	f.Add([]byte(doc(item(`<CWEList><CWE id="79">CWE-79</CWE></CWEList><CVSS3><Descriptor>CVSS:3.0/AV:N</Descriptor><Score>6.1</Score></CVSS3>`))))
	f.Add([]byte(xmlHead + laughs() + doc(item("<Details>&lol9;</Details>"))[len(xmlHead):]))
	f.Add([]byte(`{"Generated": "x", "Target": {"Url": "http://c.example/"}, "Vulnerabilities": [{"Type": "A", "Severity": "High", "Classification": {"Cvss31": {"BaseScore": {"Value": "7.5"}, "Vector": "CVSS:3.1/AV:N"}, "Cwe": "79"}}]}`))
	scantest.Fuzz(f, Parse, "testdata/many_findings.xml", "testdata/acunetix360_zero_finding.json")
}

// BenchmarkParseSample parses the largest Acunetix sample.
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "acunetix/acunetix360_many_findings.json"))
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
