package burp

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	Targets, Results int
	BySeverity       map[string]int // by ToolSeverity
	WithCWE, WithCVE int
}

func count(rep *scan.Report) counts {
	return counts{len(rep.Targets), len(rep.Results), scantest.ByToolSeverity(rep),
		scantest.CountIf(rep, scantest.HasCWE), scantest.CountIf(rep, scantest.HasID)}
}

func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "burp", scantest.GoldenFile, count, []scantest.Sample[counts]{
		{
			// README: 441 issues (High 24, Medium 3, Low 343,
			// Information 71), 97 with vulnerabilityClassifications, all
			// of which link CWEs. 2.1 MiB: counts only.
			File: "issue4399.xml",
			Want: counts{Targets: 1, Results: 441, BySeverity: map[string]int{"High": 24, "Medium": 3, "Low": 343, "Information": 71},
				WithCWE: 97, WithCVE: 1},
		},
		{
			// README: 16 issues (High 5, Low 2, Information 9).
			File:   "seven_findings.xml",
			Want:   counts{Targets: 1, Results: 16, BySeverity: map[string]int{"High": 5, "Low": 2, "Information": 9}},
			Golden: true,
		},
		{
			// README: 1 Information issue with a CWE list.
			File:   "one_finding_with_cwe.xml",
			Want:   counts{Targets: 1, Results: 1, BySeverity: map[string]int{"Information": 1}, WithCWE: 1},
			Golden: true,
		},
	})
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
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "every mapped element",
			In: doc(issue(
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
			Want: &scan.Report{Tool: "burp", Version: "2021.4.2", Targets: []scan.Target{bwa}, Results: []scan.Result{{
				Rule: "5245344", Title: "Frameable response", IDs: []string{"CVE-2020-11022", "CVE-2020-11023"}, CWEs: []int{79, 116},
				Severity: scan.SevMedium, ToolSeverity: "Medium", Location: "http://bwa/a [q parameter]",
				Description: "Back & ground.\n\nMore.", Solution: "Upgrade.\n\nDo this:\n\n- one\n- two",
				Evidence:   "The library is vulnerable (CVE-2020-11022, cve-2020-11023).\n\nitem one\n\nRequest:\nGET /a?q=1 HTTP/1.1\nHost: bwa\n\nResponse: HTTP/1.1 200 OK",
				References: []string{"https://r.example/1?a=1&b=2"},
			}}},
		},
		{
			Name: "two hosts; Information; unknown severity word",
			In: doc(issue(), issue(`<severity>Information</severity>`),
				`<issue><type>1</type><host>https://b.example</host><location>/</location><severity>Critical</severity></issue>`),
			Want: &scan.Report{Tool: "burp", Version: "2021.4.2",
				Targets: []scan.Target{bwa, {Kind: scan.TargetWeb, Name: "https://b.example", URL: "https://b.example"}},
				Results: []scan.Result{
					{Rule: "5245344", Title: "Frameable response", Severity: scan.SevMedium, ToolSeverity: "Medium", Location: "http://bwa/a [q parameter]"},
					{Rule: "5245344", Title: "Frameable response", Severity: scan.SevInfo, ToolSeverity: "Information", Location: "http://bwa/a [q parameter]"},
					{Target: 1, Rule: "1", Severity: scan.SevUnknown, ToolSeverity: "Critical", Location: "https://b.example/"},
				}},
		},
		{
			Name: "no issues, no DTD",
			In:   xmlHead + `<issues burpVersion="1.6"/>`,
			Want: &scan.Report{Tool: "burp", Version: "1.6"},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(issue())
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "other root", In: xmlHead + `<OWASPZAPReport/>`, Want: "malformed input: root element <OWASPZAPReport>, want <issues>"},
		{Name: "malformed XML", In: xmlHead + `<issues><issue><type>1</typ></issue></issues>`,
			Want: "issue[0]: malformed input: XML syntax error on line 2: element <type> closed by </typ>"},
		{Name: "truncated in an issue", In: full[:strings.Index(full, "<severity>")], Want: "issue[0]: malformed input: XML syntax error on line 7: unexpected EOF"},
		{Name: "truncated after an issue", In: strings.TrimSuffix(full, "</issues>"), Want: "malformed input: XML syntax error on line 7: unexpected EOF"},
		{Name: "billion laughs", In: xmlHead + scantest.Laughs("issues", `<!ELEMENT issues (issue*)>`) + `<issues>` + issue("<issueDetail>&lol9;</issueDetail>") + `</issues>`,
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: xmlHead + `<!DOCTYPE issues [<!ENTITY e SYSTEM "file:///etc/passwd">]><issues>` + issue("<issueDetail>&e;</issueDetail>") + `</issues>`,
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(issue("<issueDetail>&e;</issueDetail>")),
			Want: "issue[0]: malformed input: XML syntax error on line 7: invalid character entity &e;"},
		{Name: "bad base64 request", In: doc(issue(), issue(`<requestresponse><request base64="true">R0VU!!</request></requestresponse>`)),
			Want: "issue[1] type 5245344: requestresponse[0].request: malformed input: invalid base64: illegal base64 data at input byte 4"},
		{Name: "bad base64 response", In: doc(issue(`<requestresponse><request base64="true">R0VU</request><response base64="true">x</response></requestresponse>`)),
			Want: "issue[0] type 5245344: requestresponse[0].response: malformed input: invalid base64: illegal base64 data at input byte 0"},
		{Name: "type missing", In: doc(`<issue><host>http://a</host></issue>`), Want: "issue[0] type : type: malformed input: missing"},
		{Name: "host missing", In: doc(`<issue><type>1</type></issue>`), Want: "issue[0] type 1: host: malformed input: missing"},
		{Name: "text after the root", In: full + "x", Want: "malformed input: text outside the root element"},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "burp", []string{"zap/empty_2.9.0.xml", "acunetix/many_findings.xml", "nikto/nikto-report-zero-vuln.xml", "qualys/empty.xml"}, []scantest.Head{
		{Name: "generic issues list", Head: xmlHead + `<issues><issue id="1">bug</issue></issues>`, Want: false},
		{Name: "Burp root", Head: `<issues burpVersion="2023.1">`, Want: true},
		{Name: "DTD past the head", Head: xmlHead + dtd[:60], Want: false},
		{Name: "empty", Head: "", Want: false},
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(issue(`<issueDetail><![CDATA[<p>CVE-2020-11022</p>]]></issueDetail>`,
		`<vulnerabilityClassifications><![CDATA[<li>CWE-79</li>]]></vulnerabilityClassifications>`,
		`<requestresponse><request base64="true">`+b64("GET / HTTP/1.1\r\n\r\n")+`</request><response base64="true">`+b64("HTTP/1.1 200 OK\r\n")+`</response></requestresponse>`))))
	f.Add([]byte(xmlHead + scantest.Laughs("issues", `<!ELEMENT issues (issue*)>`) + `<issues>` + issue("<issueDetail>&lol9;</issueDetail>") + `</issues>`))
	scantest.Fuzz(f, Parse, "testdata/one_finding_with_cwe.xml")
}

// BenchmarkParseSample parses the largest Burp sample (2.1 MiB, 441
// issues, 403 base64 request/response pairs).
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "burp/issue4399.xml")
}
