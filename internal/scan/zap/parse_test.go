package zap

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	scantest.Tally
	// Alerts counts distinct (target, rule, title): the README's alerts.
	Alerts  int
	WithCWE int
}

func count(rep *scan.Report) counts {
	alerts := map[string]bool{}
	for _, r := range rep.Results {
		alerts[fmt.Sprint(r.Target, r.Rule, r.Title)] = true
	}
	return counts{scantest.CountTally(rep), len(alerts), scantest.CountIf(rep, scantest.HasCWE)}
}

// TestSamples parses every ZAP sample of ../shared/data/scanners: one
// result per instance, so Results is the README's instance count and
// Alerts its alert count.
func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "zap", scantest.GoldenFile, count, []scantest.Sample[counts]{
		{
			// README: 19 alerts, 124 instances. Two alertitems are rule
			// 10027 under one name, at confidence 2 and 1, so 18 differ.
			File: "dvwa_baseline_dojo.xml",
			Want: counts{Tally: scantest.Tally{Targets: 1, Results: 124,
				BySeverity: map[scan.Severity]int{scan.SevInfo: 42, scan.SevLow: 47, scan.SevMedium: 35}}, Alerts: 18, WithCWE: 112},
			// No golden: 170 KB of it, each instance repeating its
			// alert's text.
		},
		{
			// README: 15 alerts, 130 instances.
			File: "zap-results-first-scan.xml",
			Want: counts{Tally: scantest.Tally{Targets: 1, Results: 130,
				BySeverity: map[scan.Severity]int{scan.SevInfo: 47, scan.SevLow: 48, scan.SevMedium: 30, scan.SevHigh: 5}}, Alerts: 15, WithCWE: 118},
			// No golden: 230 KB.
		},
		{
			// README: 4 alerts, 13 instances.
			File:   "zap_2.16.1_with_req_resp.xml",
			Want:   counts{Tally: scantest.Tally{Targets: 1, Results: 13, BySeverity: map[scan.Severity]int{scan.SevInfo: 13}}, Alerts: 4, WithCWE: 12},
			Golden: true,
		},
		{
			// README: one site with an empty <alerts>.
			File:   "empty_2.9.0.xml",
			Want:   counts{Tally: scantest.Tally{Targets: 1, BySeverity: map[scan.Severity]int{}}},
			Golden: true,
		},
	})
}

func TestSampleFields(t *testing.T) {
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "zap/dvwa_baseline_dojo.xml"))
	if diff := cmp.Diff([]scan.Target{{Kind: scan.TargetWeb, Name: "http://172.17.0.2", IP: "172.17.0.2", URL: "http://172.17.0.2"}}, rep.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if rep.Version != "D-2021-03-29" {
		t.Errorf("Version = %q", rep.Version)
	}
	r := rep.Results[0]
	if r.Rule != "10020" || r.Title != "X-Frame-Options Header Not Set" || r.Severity != scan.SevMedium || r.ToolSeverity != "2" ||
		!cmp.Equal(r.CWEs, []int{16}) || r.Location != "http://172.17.0.2/vulnerabilities/brute/" || r.Evidence != "Parameter: X-Frame-Options" ||
		!cmp.Equal(r.References, []string{"https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options"}) {
		t.Errorf("first result: %+v", r)
	}

	zap216 := scantest.ParseFile(t, Parse, scantest.Shared(t, "zap/zap_2.16.1_with_req_resp.xml"))
	if zap216.Targets[0].FQDN != "example-domain.com" {
		t.Errorf("2.16 target: %+v", zap216.Targets[0])
	}
	// The CWE comes from cweid and again from the CWE-565 tag.
	for _, r := range zap216.Results {
		if r.Rule == "10029" && !cmp.Equal(r.CWEs, []int{565}) {
			t.Errorf("rule 10029 CWEs = %v, want [565]", r.CWEs)
		}
	}
}

const xmlHead = `<?xml version="1.0"?>` + "\n"

func doc(alerts ...string) string {
	return xmlHead + `<OWASPZAPReport version="2.10.0" generated="Wed, 1 Jan 2021"><site name="https://a.example" host="a.example" port="443" ssl="true"><alerts>` +
		strings.Join(alerts, "") + `</alerts></site></OWASPZAPReport>`
}

func alert(elems ...string) string {
	return `<alertitem><pluginid>10020</pluginid><alertRef>10020-1</alertRef><alert>A</alert><name>A</name><riskcode>2</riskcode>` +
		strings.Join(elems, "") + `</alertitem>`
}

var siteA = scan.Target{Kind: scan.TargetWeb, Name: "https://a.example", FQDN: "a.example", URL: "https://a.example"}

func TestParse(t *testing.T) {
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "instances",
			In: doc(alert(`<desc>&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;</desc><solution>Fix.</solution><otherinfo>alert info</otherinfo>`,
				`<reference>&lt;p&gt;https://r.example/1&lt;/p&gt;&lt;p&gt;see https://r.example/2&lt;/p&gt;</reference><cweid>1021</cweid>`,
				`<tags><tag><tag>CWE-1021</tag><link/></tag><tag><tag>OWASP_2021_A05</tag></tag></tags>`,
				`<instances><instance><uri>https://a.example/x</uri><method>GET</method><param>q</param><attack>'</attack><evidence>ev</evidence></instance>`,
				`<instance><uri>https://a.example/y</uri><otherinfo>own info</otherinfo></instance></instances>`)),
			Want: &scan.Report{Tool: "zap", Version: "2.10.0", Targets: []scan.Target{siteA}, Results: []scan.Result{
				{Rule: "10020-1", Title: "A", CWEs: []int{1021}, Severity: scan.SevMedium, ToolSeverity: "2", Location: "https://a.example/x",
					Description: "One.\nTwo.", Solution: "Fix.", Evidence: "ev\nParameter: q\nAttack: '\nalert info",
					References: []string{"https://r.example/1", "https://r.example/2"}},
				{Rule: "10020-1", Title: "A", CWEs: []int{1021}, Severity: scan.SevMedium, ToolSeverity: "2", Location: "https://a.example/y",
					Description: "One.\nTwo.", Solution: "Fix.", Evidence: "own info",
					References: []string{"https://r.example/1", "https://r.example/2"}},
			}},
		},
		{
			Name: "old report: the instance in the alertitem, no alertRef, cweid -1",
			In:   doc(`<alertitem><pluginid>40012</pluginid><alert>XSS</alert><riskcode>3</riskcode><uri>https://a.example/z</uri><param>p</param><cweid>-1</cweid></alertitem>`),
			Want: &scan.Report{Tool: "zap", Version: "2.10.0", Targets: []scan.Target{siteA}, Results: []scan.Result{
				{Rule: "40012", Title: "XSS", Severity: scan.SevHigh, ToolSeverity: "3", Location: "https://a.example/z", Evidence: "Parameter: p"},
			}},
		},
		{
			Name: "two sites, one by address",
			In: xmlHead + `<OWASPZAPReport><site name="http://10.0.0.1:8080" host="10.0.0.1"><alerts>` + alert("<riskcode>0</riskcode>") +
				`</alerts></site><site name="https://b.example" host="b.example"><alerts/></site></OWASPZAPReport>`,
			Want: &scan.Report{Tool: "zap", Targets: []scan.Target{
				{Kind: scan.TargetWeb, Name: "http://10.0.0.1:8080", IP: "10.0.0.1", URL: "http://10.0.0.1:8080"},
				{Kind: scan.TargetWeb, Name: "https://b.example", FQDN: "b.example", URL: "https://b.example"},
			}, Results: []scan.Result{{Rule: "10020-1", Title: "A", Severity: scan.SevInfo, ToolSeverity: "0"}}},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(alert())
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "not XML", In: `{"site": []}`, Want: "malformed input: text outside the root element"},
		{Name: "other root", In: xmlHead + `<niktoscan/>`, Want: "malformed input: root element <niktoscan>, want <OWASPZAPReport>"},
		{Name: "malformed XML", In: xmlHead + `<OWASPZAPReport><site></sit></OWASPZAPReport>`,
			Want: "site[0] : malformed input: XML syntax error on line 2: element <site> closed by </sit>"},
		{Name: "truncated in an alert", In: full[:strings.Index(full, "<riskcode>")],
			Want: "site[0] https://a.example: alertitem[0]: malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "truncated after the site", In: strings.TrimSuffix(full, "</OWASPZAPReport>"), Want: "malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "second root", In: full + "<OWASPZAPReport/>", Want: "malformed input: element <OWASPZAPReport> after the root element"},
		{Name: "billion laughs", In: xmlHead + scantest.Laughs("OWASPZAPReport") + doc(alert("<desc>&lol9;</desc>"))[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: xmlHead + `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + doc(alert("<desc>&e;</desc>"))[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(alert("<desc>&e;</desc>")),
			Want: "site[0] https://a.example: alertitem[0]: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{Name: "riskcode not a number", In: doc(alert("<riskcode>High</riskcode>")),
			Want: `site[0] https://a.example: alertitem[0] 10020-1: riskcode: malformed input: "High" is not 0, 1, 2 or 3`},
		{Name: "riskcode out of range", In: doc(alert(), alert("<riskcode>4</riskcode>")),
			Want: `site[0] https://a.example: alertitem[1] 10020-1: riskcode: malformed input: "4" is not 0, 1, 2 or 3`},
		{Name: "riskcode missing", In: doc(`<alertitem><pluginid>1</pluginid></alertitem>`),
			Want: `site[0] https://a.example: alertitem[0] 1: riskcode: malformed input: missing`},
		{Name: "cweid not a number", In: doc(alert("<cweid>CWE-79x</cweid>")),
			Want: `site[0] https://a.example: alertitem[0] 10020-1: cweid: malformed input: not a CWE id: "CWE-79x"`},
		{Name: "pluginid missing", In: doc(`<alertitem><riskcode>1</riskcode></alertitem>`),
			Want: `site[0] https://a.example: alertitem[0] : pluginid: malformed input: missing`},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "zap", []string{"burp/one_finding_with_cwe.xml", "nikto/nikto-output.xml", "acunetix/many_findings.xml", "tenable/nessus_was_no_vuln.xml"}, []scantest.Head{
		{Name: "generic XML", Head: xmlHead + `<report><OWASPZAPReport/></report>`, Want: false},
		{Name: "root only", Head: `<OWASPZAPReport version="2.9.0">`, Want: true},
		{Name: "JSON", Head: `{"@version": "2.11.0", "site": []}`, Want: false},
		{Name: "empty", Head: "", Want: false},
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(alert(`<desc>&lt;p&gt;x&lt;/p&gt;</desc><cweid>79</cweid><tags><tag><tag>CWE-79</tag></tag></tags>`,
		`<instances><instance><uri>https://a.example/x</uri><param>q</param><evidence>e</evidence></instance></instances>`))))
	f.Add([]byte(xmlHead + scantest.Laughs("OWASPZAPReport") + doc(alert("<desc>&lol9;</desc>"))[len(xmlHead):]))
	scantest.Fuzz(f, Parse, "testdata/empty_2.9.0.xml")
}

// BenchmarkParseSample parses the largest ZAP sample.
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "zap/zap-results-first-scan.xml")
}
