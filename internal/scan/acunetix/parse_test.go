package acunetix

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	Targets, Results int
	BySeverity       map[string]int // by ToolSeverity
	WithCWE          int
}

func count(rep *scan.Report) counts {
	return counts{len(rep.Targets), len(rep.Results), scantest.ByToolSeverity(rep), scantest.CountIf(rep, scantest.HasCWE)}
}

func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "acunetix", scantest.GoldenFile, count, []scantest.Sample[counts]{
		{
			// README: 19 ReportItems (medium 5, low 13, informational 1).
			File:   "XML_http_example_co_id_.xml",
			Want:   counts{Targets: 1, Results: 19, WithCWE: 18, BySeverity: map[string]int{"medium": 5, "low": 13, "informational": 1}},
			Golden: true,
		},
		{
			// README: 4 ReportItems.
			File:   "many_findings.xml",
			Want:   counts{Targets: 1, Results: 4, WithCWE: 3, BySeverity: map[string]int{"medium": 1, "low": 2, "informational": 1}},
			Golden: true,
		},
		{
			// README: 16 vulnerabilities (Critical 5, High 3, Medium 8).
			File:   "acunetix360_many_findings.json",
			Want:   counts{Targets: 1, Results: 16, WithCWE: 16, BySeverity: map[string]int{"Critical": 5, "High": 3, "Medium": 8}},
			Golden: true,
		},
		{
			// README: 0 vulnerabilities.
			File:   "acunetix360_zero_finding.json",
			Want:   counts{Targets: 1, BySeverity: map[string]int{}},
			Golden: true,
		},
	})
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
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "every mapped element; a false positive left out",
			In: doc(item(`<Details><![CDATA[Payload <code>x</code> reflected.]]></Details><Parameter>q</Parameter>`,
				`<Type>xss</Type><Impact>Bad.</Impact><Description><![CDATA[<p>Cross-site scripting.</p>]]></Description><Recommendation>Encode.</Recommendation>`,
				`<TechnicalDetails><Request><![CDATA[GET /login.php?q=x HTTP/1.1`+"\r\n"+`Host: a.example`+"\r\n\r\n"+`body]]></Request></TechnicalDetails>`,
				`<CWEList><CWE id="79"><![CDATA[CWE-79]]></CWE><CWE><![CDATA[CWE-80]]></CWE></CWEList><CVEList><CVE>CVE-2021-1234</CVE></CVEList>`,
				`<CVSS><Descriptor>AV:N/AC:M/Au:N/C:N/I:P/A:N</Descriptor><Score>4.3</Score></CVSS><CVSS3><Descriptor>CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N</Descriptor><Score>6.1</Score></CVSS3>`,
				`<References><Reference><Database>OWASP</Database><URL>https://owasp.example/</URL></Reference></References>`),
				item(`<IsFalsePositive>True</IsFalsePositive>`)),
			Want: &scan.Report{Tool: "acunetix", Targets: []scan.Target{siteA}, Results: []scan.Result{{
				Rule: "xss.script", Title: "XSS", IDs: []string{"CVE-2021-1234"}, CWEs: []int{79, 80}, Severity: scan.SevHigh, ToolSeverity: "high",
				Score: 6.1, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", Location: "https://a.example/login.php",
				Description: "Cross-site scripting.\n\nBad.", Solution: "Encode.",
				Evidence:   "Payload x reflected.\n\nParameter: q\n\nRequest:\nGET /login.php?q=x HTTP/1.1\nHost: a.example",
				References: []string{"https://owasp.example/"},
			}}},
		},
		{
			Name: "no crawler URL: the StartURL; Type as rule; a full URL in Affects",
			In: xmlHead + `<ScanGroup><Scan><StartURL>b.example</StartURL><ReportItems><ReportItem><Name>N</Name><Type>t</Type>` +
				`<Affects>https://other.example/x</Affects><Severity>informational</Severity></ReportItem></ReportItems></Scan></ScanGroup>`,
			Want: &scan.Report{Tool: "acunetix", Targets: []scan.Target{{Kind: scan.TargetWeb, Name: "b.example", URL: "b.example"}}, Results: []scan.Result{
				{Rule: "t", Title: "N", Severity: scan.SevInfo, ToolSeverity: "informational", Location: "https://other.example/x"},
			}},
		},
		{
			Name: "360: states, severities, no CVSS",
			In: `{"Generated": "25/06/2021 09:57 AM", "Target": {"Url": "http://c.example/"}, "Vulnerabilities": [` +
				`{"Type": "A", "Name": "a", "Severity": "BestPractice", "State": "Present", "Url": "http://c.example/a", "Classification": {"Cvss": null, "Cvss31": null, "Cwe": "16, 79"},` +
				` "ExternalReferences": "<a href='https://x.example/1'>x</a>", "RemedyReferences": "", "ExtraInformation": [{"Name": "K", "Value": "V"}], "HttpRequest": {"Content": ""}},` +
				`{"Type": "B", "Severity": "High", "State": "Fixed (Unconfirmed)", "Classification": {}},` +
				`{"Type": "C", "Severity": "Low", "State": "False Positive", "Classification": {}}]}`,
			Want: &scan.Report{Tool: "acunetix", Targets: []scan.Target{{Kind: scan.TargetWeb, Name: "http://c.example/", URL: "http://c.example/"}}, Results: []scan.Result{
				{Rule: "A", Title: "a", CWEs: []int{16, 79}, Severity: scan.SevInfo, ToolSeverity: "BestPractice", Location: "http://c.example/a",
					Evidence: "K: V", References: []string{"https://x.example/1"}},
			}},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(item())
	const j = `{"Generated": "x", "Target": {"Url": "http://c.example/"}, "Vulnerabilities": [`
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "other root", In: xmlHead + `<issues burpVersion="1"/>`, Want: "malformed input: root element <issues>, want <ScanGroup>"},
		{Name: "malformed XML", In: xmlHead + `<ScanGroup><Scan><ReportItems><ReportItem></ReportItems></Scan></ScanGroup>`,
			Want: "Scan[0] : ReportItem[0]: malformed input: XML syntax error on line 2: element <ReportItem> closed by </ReportItems>"},
		{Name: "truncated in an item", In: full[:strings.Index(full, "</ReportItem>")], Want: "Scan[0] a.example: ReportItem[0]: malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "truncated after the scan", In: strings.TrimSuffix(full, "</ScanGroup>"), Want: "malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "billion laughs", In: xmlHead + scantest.Laughs("ScanGroup") + doc(item("<Details>&lol9;</Details>"))[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: xmlHead + `<!DOCTYPE ScanGroup [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + full[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(item("<Details>&e;</Details>")),
			Want: "Scan[0] a.example: ReportItem[0]: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{Name: "CVSS3 score not a number", In: doc(item("<CVSS3><Score>high</Score></CVSS3>")),
			Want: `Scan[0] a.example: ReportItem[0] xss.script: CVSS3.Score: malformed input: not a CVSS score from 0 to 10: "high"`},
		{Name: "CVSS score out of range", In: doc(item(), item("<CVSS><Score>50</Score></CVSS>")),
			Want: `Scan[0] a.example: ReportItem[1] xss.script: CVSS.Score: malformed input: not a CVSS score from 0 to 10: "50"`},
		{Name: "CVE not an id", In: doc(item("<CVEList><CVE>n/a</CVE></CVEList>")),
			Want: `Scan[0] a.example: ReportItem[0] xss.script: CVEList.CVE[0]: malformed input: not a CVE id: "n/a"`},
		{Name: "CWE not an id", In: doc(item(`<CWEList><CWE>XSS</CWE></CWEList>`)),
			Want: `Scan[0] a.example: ReportItem[0] xss.script: CWEList.CWE[0]: malformed input: not a CWE id: "XSS"`},
		{Name: "rule missing", In: doc(`<ReportItem><Name>x</Name></ReportItem>`), Want: "Scan[0] a.example: ReportItem[0] : ModuleName: malformed input: missing"},

		{Name: "360 syntax", In: j + `}`, Want: "malformed input: JSON syntax error at byte 80: invalid character '}' looking for beginning of value"},
		{Name: "360 truncated", In: j + `{"Type": "A"`, Want: "malformed input: JSON ends early"},
		{Name: "360 wrong type", In: j + `{"Type": 5}]}`, Want: "JSON: Vulnerabilities.Type: malformed input: number where string belongs"},
		{Name: "360 score not a number", In: j + `{"Type": "A", "Classification": {"Cvss": {"BaseScore": {"Value": "high"}}}}]}`,
			Want: `Vulnerabilities[0] A: Classification.Cvss.BaseScore.Value: malformed input: not a CVSS score from 0 to 10: "high"`},
		{Name: "360 CWE not a number", In: j + `{"Type": "A", "Classification": {"Cwe": "XSS"}}]}`,
			Want: `Vulnerabilities[0] A: Classification.Cwe: malformed input: not a CWE id: "XSS"`},
		{Name: "360 type missing", In: j + `{"Name": "A"}]}`, Want: "Vulnerabilities[0] : Type: malformed input: missing"},
		{Name: "360 other JSON", In: `{"vulnerabilities": []}`, Want: "malformed input: no Target or no Vulnerabilities: not an Acunetix 360 report"},
		{Name: "360 trailing data", In: j + `]} x`, Want: "malformed input: data after the JSON value"},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "acunetix", []string{"burp/one_finding_with_cwe.xml", "nikto/juice-shop.json", "zap/empty_2.9.0.xml", "snyk/single_project_no_vulns.json"}, []scantest.Head{
		{Name: "generic ScanGroup", Head: xmlHead + `<ScanGroup><Group/></ScanGroup>`, Want: false},
		{Name: "JSON without Generated", Head: `{"Target": {}, "Vulnerabilities": []}`, Want: false},
		{Name: "empty", Head: "", Want: false},
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(item(`<CWEList><CWE id="79">CWE-79</CWE></CWEList><CVSS3><Descriptor>CVSS:3.0/AV:N</Descriptor><Score>6.1</Score></CVSS3>`))))
	f.Add([]byte(xmlHead + scantest.Laughs("ScanGroup") + doc(item("<Details>&lol9;</Details>"))[len(xmlHead):]))
	f.Add([]byte(`{"Generated": "x", "Target": {"Url": "http://c.example/"}, "Vulnerabilities": [{"Type": "A", "Severity": "High", "Classification": {"Cvss31": {"BaseScore": {"Value": "7.5"}, "Vector": "CVSS:3.1/AV:N"}, "Cwe": "79"}}]}`))
	scantest.Fuzz(f, Parse, "testdata/many_findings.xml", "testdata/acunetix360_zero_finding.json")
}

// BenchmarkParseSample parses the largest Acunetix sample.
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "acunetix/acunetix360_many_findings.json")
}
