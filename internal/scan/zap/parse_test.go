package zap

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
	// Alerts counts distinct (target, rule, title): the README's alerts.
	Alerts     int
	BySeverity map[scan.Severity]int
	WithCWE    int
}

func count(rep *scan.Report) counts {
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results), BySeverity: map[scan.Severity]int{}}
	alerts := map[string]bool{}
	for _, r := range rep.Results {
		alerts[fmt.Sprint(r.Target, r.Rule, r.Title)] = true
		c.BySeverity[r.Severity]++
		if len(r.CWEs) > 0 {
			c.WithCWE++
		}
	}
	c.Alerts = len(alerts)
	return c
}

// TestSamples parses every ZAP sample of ../shared/data/scanners: one
// result per instance, so Results is the README's instance count and
// Alerts its alert count.
func TestSamples(t *testing.T) {
	for _, tt := range []struct {
		file   string
		want   counts
		golden bool
	}{
		{
			// README: 19 alerts, 124 instances. Two alertitems are rule
			// 10027 under one name, at confidence 2 and 1, so 18 differ.
			file: "dvwa_baseline_dojo.xml",
			want: counts{Targets: 1, Results: 124, Alerts: 18, WithCWE: 112,
				BySeverity: map[scan.Severity]int{scan.SevInfo: 42, scan.SevLow: 47, scan.SevMedium: 35}},
			// No golden: 170 KB of it, each instance repeating its
			// alert's text.
		},
		{
			// README: 15 alerts, 130 instances.
			file: "zap-results-first-scan.xml",
			want: counts{Targets: 1, Results: 130, Alerts: 15, WithCWE: 118,
				BySeverity: map[scan.Severity]int{scan.SevInfo: 47, scan.SevLow: 48, scan.SevMedium: 30, scan.SevHigh: 5}},
			// No golden: 230 KB.
		},
		{
			// README: 4 alerts, 13 instances.
			file: "zap_2.16.1_with_req_resp.xml",
			want: counts{Targets: 1, Results: 13, Alerts: 4, WithCWE: 12,
				BySeverity: map[scan.Severity]int{scan.SevInfo: 13}},
			golden: true,
		},
		{
			// README: one site with an empty <alerts>.
			file:   "empty_2.9.0.xml",
			want:   counts{Targets: 1, BySeverity: map[scan.Severity]int{}},
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("zap", tt.file)))
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
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "instances",
			in: doc(alert(`<desc>&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;</desc><solution>Fix.</solution><otherinfo>alert info</otherinfo>`,
				`<reference>&lt;p&gt;https://r.example/1&lt;/p&gt;&lt;p&gt;see https://r.example/2&lt;/p&gt;</reference><cweid>1021</cweid>`,
				`<tags><tag><tag>CWE-1021</tag><link/></tag><tag><tag>OWASP_2021_A05</tag></tag></tags>`,
				`<instances><instance><uri>https://a.example/x</uri><method>GET</method><param>q</param><attack>'</attack><evidence>ev</evidence></instance>`,
				`<instance><uri>https://a.example/y</uri><otherinfo>own info</otherinfo></instance></instances>`)),
			want: &scan.Report{Tool: "zap", Version: "2.10.0", Targets: []scan.Target{siteA}, Results: []scan.Result{
				{Rule: "10020-1", Title: "A", CWEs: []int{1021}, Severity: scan.SevMedium, ToolSeverity: "2", Location: "https://a.example/x",
					Description: "One.\nTwo.", Solution: "Fix.", Evidence: "ev\nParameter: q\nAttack: '\nalert info",
					References: []string{"https://r.example/1", "https://r.example/2"}},
				{Rule: "10020-1", Title: "A", CWEs: []int{1021}, Severity: scan.SevMedium, ToolSeverity: "2", Location: "https://a.example/y",
					Description: "One.\nTwo.", Solution: "Fix.", Evidence: "own info",
					References: []string{"https://r.example/1", "https://r.example/2"}},
			}},
		},
		{
			name: "old report: the instance in the alertitem, no alertRef, cweid -1",
			in:   doc(`<alertitem><pluginid>40012</pluginid><alert>XSS</alert><riskcode>3</riskcode><uri>https://a.example/z</uri><param>p</param><cweid>-1</cweid></alertitem>`),
			want: &scan.Report{Tool: "zap", Version: "2.10.0", Targets: []scan.Target{siteA}, Results: []scan.Result{
				{Rule: "40012", Title: "XSS", Severity: scan.SevHigh, ToolSeverity: "3", Location: "https://a.example/z", Evidence: "Parameter: p"},
			}},
		},
		{
			name: "two sites, one by address",
			in: xmlHead + `<OWASPZAPReport><site name="http://10.0.0.1:8080" host="10.0.0.1"><alerts>` + alert("<riskcode>0</riskcode>") +
				`</alerts></site><site name="https://b.example" host="b.example"><alerts/></site></OWASPZAPReport>`,
			want: &scan.Report{Tool: "zap", Targets: []scan.Target{
				{Kind: scan.TargetWeb, Name: "http://10.0.0.1:8080", IP: "10.0.0.1", URL: "http://10.0.0.1:8080"},
				{Kind: scan.TargetWeb, Name: "https://b.example", FQDN: "b.example", URL: "https://b.example"},
			}, Results: []scan.Result{{Rule: "10020-1", Title: "A", Severity: scan.SevInfo, ToolSeverity: "0"}}},
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
	b.WriteString(`<!DOCTYPE OWASPZAPReport [<!ENTITY lol "lol">`)
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
	full := doc(alert())
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"not XML", `{"site": []}`, "malformed input: text outside the root element"},
		{"other root", xmlHead + `<niktoscan/>`, "malformed input: root element <niktoscan>, want <OWASPZAPReport>"},
		{"malformed XML", xmlHead + `<OWASPZAPReport><site></sit></OWASPZAPReport>`,
			"site[0] : malformed input: XML syntax error on line 2: element <site> closed by </sit>"},
		{"truncated in an alert", full[:strings.Index(full, "<riskcode>")],
			"site[0] https://a.example: alertitem[0]: malformed input: XML syntax error on line 2: unexpected EOF"},
		{"truncated after the site", strings.TrimSuffix(full, "</OWASPZAPReport>"), "malformed input: XML syntax error on line 2: unexpected EOF"},
		{"second root", full + "<OWASPZAPReport/>", "malformed input: element <OWASPZAPReport> after the root element"},
		{"billion laughs", xmlHead + laughs() + doc(alert("<desc>&lol9;</desc>"))[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", xmlHead + `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + doc(alert("<desc>&e;</desc>"))[len(xmlHead):],
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(alert("<desc>&e;</desc>")),
			"site[0] https://a.example: alertitem[0]: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{"riskcode not a number", doc(alert("<riskcode>High</riskcode>")),
			`site[0] https://a.example: alertitem[0] 10020-1: riskcode: malformed input: "High" is not 0, 1, 2 or 3`},
		{"riskcode out of range", doc(alert(), alert("<riskcode>4</riskcode>")),
			`site[0] https://a.example: alertitem[1] 10020-1: riskcode: malformed input: "4" is not 0, 1, 2 or 3`},
		{"riskcode missing", doc(`<alertitem><pluginid>1</pluginid></alertitem>`),
			`site[0] https://a.example: alertitem[0] 1: riskcode: malformed input: missing`},
		{"cweid not a number", doc(alert("<cweid>CWE-79x</cweid>")),
			`site[0] https://a.example: alertitem[0] 10020-1: cweid: malformed input: not a CWE id: "CWE-79x"`},
		{"pluginid missing", doc(`<alertitem><riskcode>1</riskcode></alertitem>`),
			`site[0] https://a.example: alertitem[0] : pluginid: malformed input: missing`},
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
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "zap/empty_2.9.0.xml")), "*"))
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range []string{"burp/one_finding_with_cwe.xml", "nikto/nikto-output.xml", "acunetix/many_findings.xml", "tenable/nessus_was_no_vuln.xml"} {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic XML", xmlHead + `<report><OWASPZAPReport/></report>`, false},
		{"root only", `<OWASPZAPReport version="2.9.0">`, true},
		{"JSON", `{"@version": "2.11.0", "site": []}`, false},
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
	f.Add([]byte(doc(alert(`<desc>&lt;p&gt;x&lt;/p&gt;</desc><cweid>79</cweid><tags><tag><tag>CWE-79</tag></tag></tags>`,
		`<instances><instance><uri>https://a.example/x</uri><param>q</param><evidence>e</evidence></instance></instances>`))))
	f.Add([]byte(xmlHead + laughs() + doc(alert("<desc>&lol9;</desc>"))[len(xmlHead):]))
	scantest.Fuzz(f, Parse, "testdata/empty_2.9.0.xml")
}

// BenchmarkParseSample parses the largest ZAP sample.
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "zap/zap-results-first-scan.xml"))
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
