package burp

import (
	"bytes"
	"encoding/base64"
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
	WithCWE, WithCVE int
}

func count(rep *scan.Report) counts {
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), BySeverity: map[string]int{}}
	for _, r := range rep.Results {
		c.BySeverity[r.ToolSeverity]++
		if len(r.CWEs) > 0 {
			c.WithCWE++
		}
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
			// README: 441 issues (High 24, Medium 3, Low 343,
			// Information 71), 97 with vulnerabilityClassifications, all
			// of which link CWEs. 2.1 MiB: counts only.
			file: "issue4399.xml",
			want: counts{Targets: 1, Results: 441, BySeverity: map[string]int{"High": 24, "Medium": 3, "Low": 343, "Information": 71},
				WithCWE: 97, WithCVE: 1},
		},
		{
			// README: 16 issues (High 5, Low 2, Information 9).
			file:   "seven_findings.xml",
			want:   counts{Targets: 1, Results: 16, BySeverity: map[string]int{"High": 5, "Low": 2, "Information": 9}},
			golden: true,
		},
		{
			// README: 1 Information issue with a CWE list.
			file:   "one_finding_with_cwe.xml",
			want:   counts{Targets: 1, Results: 1, BySeverity: map[string]int{"Information": 1}, WithCWE: 1},
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("burp", tt.file)))
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
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "burp/one_finding_with_cwe.xml"))
	want := &scan.Report{Tool: "burp", Version: "2020.12.1",
		Targets: []scan.Target{{Kind: scan.TargetWeb, Name: "https://example.com", IP: "54.12.18.21", URL: "https://example.com"}}}
	got := *rep
	got.Results = nil
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	r := rep.Results[0]
	if r.Rule != "7340288" || r.Title != "Cacheable HTTPS response" || r.Severity != scan.SevInfo || !cmp.Equal(r.CWEs, []int{524, 525}) ||
		r.Location != "https://example.com/test/v4/public/users/fake" ||
		!strings.HasPrefix(r.Evidence, "Request:\nGET /test/v4/public/users/fake HTTP/1.1\nHost: exemple.com") ||
		!strings.HasPrefix(r.Description, "Unless directed otherwise, browsers may store") ||
		!strings.Contains(r.Solution, "- Cache-control: no-store\n- Pragma: no-cache") {
		t.Errorf("result: %+v", r)
	}

	big := scantest.ParseFile(t, Parse, scantest.Shared(t, "burp/issue4399.xml"))
	var sqli *scan.Result
	for i, r := range big.Results {
		if r.Rule == "1049088" && sqli == nil {
			sqli = &big.Results[i]
		}
	}
	if sqli == nil || sqli.Severity != scan.SevHigh || !strings.Contains(sqli.Title, "SQL injection") || !cmp.Equal(sqli.CWEs, []int{89, 94, 116}) ||
		!strings.HasPrefix(sqli.Location, "http://testphp.vulnweb.com/") {
		t.Errorf("first SQL injection: %+v", sqli)
	}
}

const xmlHead = `<?xml version="1.0"?>` + "\n"

const dtd = `<!DOCTYPE issues [
<!ELEMENT issues (issue*)>
<!ATTLIST issues burpVersion CDATA "">
<!ATTLIST request base64 (true|false) "false">
]>
`

func doc(issues ...string) string {
	return xmlHead + dtd + `<issues burpVersion="2021.4.2" exportTime="Wed Jan 27 22:43:35 WIB 2021">` + strings.Join(issues, "") + `</issues>`
}

func issue(elems ...string) string {
	return `<issue><serialNumber>1</serialNumber><type>5245344</type><name>Frameable response</name><host ip="10.0.0.1">http://bwa</host>` +
		`<path><![CDATA[/a]]></path><location><![CDATA[/a [q parameter]]]></location><severity>Medium</severity><confidence>Firm</confidence>` +
		strings.Join(elems, "") + `</issue>`
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

var bwa = scan.Target{Kind: scan.TargetWeb, Name: "http://bwa", IP: "10.0.0.1", URL: "http://bwa"}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "every mapped element",
			in: doc(issue(
				`<issueBackground><![CDATA[<p>Back &amp; ground.</p><p>More.</p>]]></issueBackground>`,
				`<remediationBackground><![CDATA[Do <b>this</b>:<ul><li>one</li><li>two</li></ul>]]></remediationBackground>`,
				`<references><![CDATA[<ul><li><a href="https://r.example/1?a=1&amp;b=2">R1</a></li></ul>]]></references>`,
				`<vulnerabilityClassifications><![CDATA[<ul><li><a href="https://cwe.mitre.org/data/definitions/79.html">CWE-79: XSS</a></li><li>CWE-116</li></ul>]]></vulnerabilityClassifications>`,
				`<issueDetail><![CDATA[The library is vulnerable (CVE-2020-11022, cve-2020-11023).]]></issueDetail>`,
				`<issueDetailItems><issueDetailItem><![CDATA[item one]]></issueDetailItem></issueDetailItems>`,
				`<remediationDetail>Upgrade.</remediationDetail>`,
				`<requestresponse><request method="GET" base64="true">`+b64("GET /a?q=1 HTTP/1.1\r\nHost: bwa\r\n\r\nbody")+`</request>`,
				`<response base64="true">`+b64("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n\xff\xfe")+`</response></requestresponse>`,
				`<requestresponse><request base64="false">GET /b HTTP/1.1</request></requestresponse>`)),
			want: &scan.Report{Tool: "burp", Version: "2021.4.2", Targets: []scan.Target{bwa}, Results: []scan.Result{{
				Rule: "5245344", Title: "Frameable response", IDs: []string{"CVE-2020-11022", "CVE-2020-11023"}, CWEs: []int{79, 116},
				Severity: scan.SevMedium, ToolSeverity: "Medium", Location: "http://bwa/a [q parameter]",
				Description: "Back & ground.\n\nMore.", Solution: "Upgrade.\n\nDo this:\n\n- one\n- two",
				Evidence:   "The library is vulnerable (CVE-2020-11022, cve-2020-11023).\n\nitem one\n\nRequest:\nGET /a?q=1 HTTP/1.1\nHost: bwa\n\nResponse: HTTP/1.1 200 OK",
				References: []string{"https://r.example/1?a=1&b=2"},
			}}},
		},
		{
			name: "two hosts; Information; unknown severity word",
			in: doc(issue(), issue(`<severity>Information</severity>`),
				`<issue><type>1</type><host>https://b.example</host><location>/</location><severity>Critical</severity></issue>`),
			want: &scan.Report{Tool: "burp", Version: "2021.4.2",
				Targets: []scan.Target{bwa, {Kind: scan.TargetWeb, Name: "https://b.example", URL: "https://b.example"}},
				Results: []scan.Result{
					{Rule: "5245344", Title: "Frameable response", Severity: scan.SevMedium, ToolSeverity: "Medium", Location: "http://bwa/a [q parameter]"},
					{Rule: "5245344", Title: "Frameable response", Severity: scan.SevInfo, ToolSeverity: "Information", Location: "http://bwa/a [q parameter]"},
					{Target: 1, Rule: "1", Severity: scan.SevUnknown, ToolSeverity: "Critical", Location: "https://b.example/"},
				}},
		},
		{
			name: "no issues, no DTD",
			in:   xmlHead + `<issues burpVersion="1.6"/>`,
			want: &scan.Report{Tool: "burp", Version: "1.6"},
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
	b.WriteString(`<!DOCTYPE issues [<!ELEMENT issues (issue*)><!ENTITY lol "lol">`)
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
	full := doc(issue())
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"other root", xmlHead + `<OWASPZAPReport/>`, "malformed input: root element <OWASPZAPReport>, want <issues>"},
		{"malformed XML", xmlHead + `<issues><issue><type>1</typ></issue></issues>`,
			"issue[0]: malformed input: XML syntax error on line 2: element <type> closed by </typ>"},
		{"truncated in an issue", full[:strings.Index(full, "<severity>")], "issue[0]: malformed input: XML syntax error on line 7: unexpected EOF"},
		{"truncated after an issue", strings.TrimSuffix(full, "</issues>"), "malformed input: XML syntax error on line 7: unexpected EOF"},
		{"billion laughs", xmlHead + laughs() + `<issues>` + issue("<issueDetail>&lol9;</issueDetail>") + `</issues>`,
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", xmlHead + `<!DOCTYPE issues [<!ENTITY e SYSTEM "file:///etc/passwd">]><issues>` + issue("<issueDetail>&e;</issueDetail>") + `</issues>`,
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(issue("<issueDetail>&e;</issueDetail>")),
			"issue[0]: malformed input: XML syntax error on line 7: invalid character entity &e;"},
		{"bad base64 request", doc(issue(), issue(`<requestresponse><request base64="true">R0VU!!</request></requestresponse>`)),
			"issue[1] type 5245344: requestresponse[0].request: malformed input: invalid base64: illegal base64 data at input byte 4"},
		{"bad base64 response", doc(issue(`<requestresponse><request base64="true">R0VU</request><response base64="true">x</response></requestresponse>`)),
			"issue[0] type 5245344: requestresponse[0].response: malformed input: invalid base64: illegal base64 data at input byte 0"},
		{"type missing", doc(`<issue><host>http://a</host></issue>`), "issue[0] type : type: malformed input: missing"},
		{"host missing", doc(`<issue><type>1</type></issue>`), "issue[0] type 1: host: malformed input: missing"},
		{"text after the root", full + "x", "malformed input: text outside the root element"},
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
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "burp/one_finding_with_cwe.xml")), "*"))
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range []string{"zap/empty_2.9.0.xml", "acunetix/many_findings.xml", "nikto/nikto-report-zero-vuln.xml", "qualys/empty.xml"} {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic issues list", xmlHead + `<issues><issue id="1">bug</issue></issues>`, false},
		{"Burp root", `<issues burpVersion="2023.1">`, true},
		{"DTD past the head", xmlHead + dtd[:60], false},
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
	f.Add([]byte(doc(issue(`<issueDetail><![CDATA[<p>CVE-2020-11022</p>]]></issueDetail>`,
		`<vulnerabilityClassifications><![CDATA[<li>CWE-79</li>]]></vulnerabilityClassifications>`,
		`<requestresponse><request base64="true">`+b64("GET / HTTP/1.1\r\n\r\n")+`</request><response base64="true">`+b64("HTTP/1.1 200 OK\r\n")+`</response></requestresponse>`))))
	f.Add([]byte(xmlHead + laughs() + `<issues>` + issue("<issueDetail>&lol9;</issueDetail>") + `</issues>`))
	scantest.Fuzz(f, Parse, "testdata/one_finding_with_cwe.xml")
}

// BenchmarkParseSample parses the largest Burp sample (2.1 MiB, 441
// issues, 403 base64 request/response pairs).
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "burp/issue4399.xml"))
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
