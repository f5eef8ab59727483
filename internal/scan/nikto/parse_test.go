package nikto

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
	Targets, Results       int
	WithCVE, WithReference int
}

func count(rep *scan.Report) counts {
	c := counts{Targets: len(rep.Targets), Results: len(rep.Results)}
	for _, r := range rep.Results {
		if len(r.IDs) > 0 {
			c.WithCVE++
		}
		if len(r.References) > 0 {
			c.WithReference++
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
			// README: juice-shop.herokuapp.com:443, 151 items; one has an
			// OSVDB id, none names a CVE.
			file:   "juice-shop.json",
			want:   counts{Targets: 1, Results: 151, WithReference: 1},
			golden: true,
		},
		{
			// README: an outer <niktoscan> wrapping 4 scandetails (hosts
			// 192.168.0.x), 10 items. (The README says one inner
			// niktoscan; there are four, one per host, each with one
			// scandetails.)
			file:   "nikto-report-many-vuln.xml",
			want:   counts{Targets: 4, Results: 10, WithReference: 1},
			golden: true,
		},
		{
			// README: 1 host (localhost:8070), 13 items.
			file:   "nikto-output.xml",
			want:   counts{Targets: 1, Results: 13, WithReference: 7},
			golden: true,
		},
		{
			// README: an empty <niktoscan>.
			file:   "nikto-report-zero-vuln.xml",
			golden: true,
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, filepath.Join("nikto", tt.file)))
			if diff := cmp.Diff(tt.want, count(rep)); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			for _, r := range rep.Results {
				if r.Severity != scan.SevUnknown {
					t.Errorf("%s: severity %q, want unknown: Nikto rates nothing", r.Rule, r.Severity)
				}
			}
			if tt.golden {
				scantest.Golden(t, filepath.Join("testdata", "golden", tt.file+".json"), rep)
			}
		})
	}
}

func TestSampleFields(t *testing.T) {
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "nikto/nikto-output.xml"))
	want := scan.Target{Kind: scan.TargetWeb, Name: "http://localhost:8070", IP: "127.0.0.1", FQDN: "localhost", URL: "http://localhost:8070"}
	if diff := cmp.Diff([]scan.Target{want}, rep.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if rep.Version != "2.1.5" {
		t.Errorf("Version = %q", rep.Version)
	}
	// The item whose namelink is empty: Location from the site and uri.
	r := rep.Results[2]
	if r.Rule != "500008" || r.Location != "http://localhost:8070/favicon.ico" || r.Evidence != "GET /favicon.ico" ||
		!cmp.Equal(r.References, []string{"http://osvdb.org/39272"}) || r.Title != "favicon.ico file identifies this server as: Apache Tomcat" {
		t.Errorf("item 500008: %+v", r)
	}

	js := scantest.ParseFile(t, Parse, scantest.Shared(t, "nikto/juice-shop.json"))
	wantJS := scan.Target{Kind: scan.TargetWeb, Name: "juice-shop.herokuapp.com:443", IP: "52.51.36.193", FQDN: "juice-shop.herokuapp.com", URL: "https://juice-shop.herokuapp.com/"}
	if diff := cmp.Diff([]scan.Target{wantJS}, js.Targets); diff != "" {
		t.Errorf("JSON targets (-want +got):\n%s", diff)
	}
	if r := js.Results[4]; r.Rule != "999997" || r.Location != "https://juice-shop.herokuapp.com/ftp/" || r.Evidence != "GET /ftp/" {
		t.Errorf("JSON result 5: %+v", r)
	}
	for _, r := range js.Results {
		if len(r.IDs) > 0 && !strings.Contains(r.Title, r.IDs[0]) {
			t.Errorf("%s: IDs %v not in the message %q", r.Rule, r.IDs, r.Title)
		}
	}
}

const xmlHead = `<?xml version="1.0" ?>` + "\n" + `<!DOCTYPE niktoscan SYSTEM "docs/nikto.dtd">` + "\n"

func doc(items ...string) string {
	return xmlHead + `<niktoscan hoststest="0" version="2.1.6" nxmlversion="1.2"><scandetails targetip="10.0.0.1" targethostname="web-01" targetport="443" sitename="https://web-01:443/">` +
		strings.Join(items, "") + `</scandetails></niktoscan>`
}

func item(id, osvdb, desc, uri, link string) string {
	return fmt.Sprintf(`<item id="%s" osvdbid="%s" osvdblink="http://osvdb.org/%s" method="GET"><description><![CDATA[%s]]></description><uri><![CDATA[%s]]></uri><namelink><![CDATA[%s]]></namelink></item>`,
		id, osvdb, osvdb, desc, uri, link)
}

func TestParse(t *testing.T) {
	web01 := scan.Target{Kind: scan.TargetWeb, Name: "https://web-01:443/", IP: "10.0.0.1", FQDN: "web-01", URL: "https://web-01:443/"}
	tests := []struct {
		name string
		in   string
		want *scan.Report
	}{
		{
			name: "items",
			in: doc(item("999986", "0", "Retrieved x-powered-by header: PHP/5.2", "/", "https://web-01:443/"),
				item("000834", "3931", "/cgi-bin/x: CVE-2003-1418 and CVE-2003-1418 again", "/cgi-bin/x", "")),
			want: &scan.Report{Tool: "nikto", Version: "2.1.6", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "999986", Title: "Retrieved x-powered-by header: PHP/5.2", Severity: scan.SevUnknown, Location: "https://web-01:443/", Evidence: "GET /"},
				{Rule: "000834", Title: "/cgi-bin/x: CVE-2003-1418 and CVE-2003-1418 again", IDs: []string{"CVE-2003-1418"}, Severity: scan.SevUnknown,
					Location: "https://web-01:443/cgi-bin/x", Evidence: "GET /cgi-bin/x", References: []string{"http://osvdb.org/3931"}},
			}},
		},
		{
			name: "JSON array, numbers as numbers, http on another port",
			in: `[{"host": "10.0.0.2", "ip": "10.0.0.2", "port": 8080, "banner": "", "vulnerabilities": [` +
				`{"id": 999100, "OSVDB": 0, "method": "GET", "url": "/a", "msg": "m", "references": "https://r.example/1"}]},` +
				`{"host": "b.example", "ip": "", "port": "80", "banner": "", "vulnerabilities": []}]`,
			want: &scan.Report{Tool: "nikto", Targets: []scan.Target{
				{Kind: scan.TargetWeb, Name: "10.0.0.2:8080", IP: "10.0.0.2", URL: "http://10.0.0.2:8080/"},
				{Kind: scan.TargetWeb, Name: "b.example:80", FQDN: "b.example", URL: "http://b.example/"},
			}, Results: []scan.Result{
				{Rule: "999100", Title: "m", Severity: scan.SevUnknown, Location: "http://10.0.0.2:8080/a", Evidence: "GET /a", References: []string{"https://r.example/1"}},
			}},
		},
		{
			name: "empty niktoscan",
			in:   `<?xml version="1.0" ?><niktoscan></niktoscan>`,
			want: &scan.Report{Tool: "nikto"},
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
	b.WriteString(`<!DOCTYPE niktoscan [<!ENTITY lol "lol">`)
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
	full := doc(item("1", "0", "d", "/", ""))
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "malformed input: empty document"},
		{"other root", `<?xml version="1.0"?><nmaprun/>`, "malformed input: root element <nmaprun>, want <niktoscan>"},
		{"not XML or JSON", `host,port`, "malformed input: text outside the root element"},
		{"malformed XML", `<niktoscan><scandetails sitename="x"><item></scandetails></niktoscan>`,
			"scandetails[0]: malformed input: XML syntax error on line 1: element <item> closed by </scandetails>"},
		{"truncated in scandetails", full[:strings.Index(full, "</scandetails>")], "scandetails[0]: malformed input: XML syntax error on line 3: unexpected EOF"},
		{"truncated after scandetails", strings.TrimSuffix(full, "</niktoscan>"), "malformed input: XML syntax error on line 3: unexpected EOF"},
		{"billion laughs", `<?xml version="1.0"?>` + laughs() + `<niktoscan><scandetails sitename="x">` + item("1", "0", "&lol9;", "/", "") + `</scandetails></niktoscan>`,
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE niktoscan [<!ENTITY e SYSTEM "file:///etc/passwd">]><niktoscan/>`,
			"malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{"undeclared entity", doc(`<item id="1"><description>&e;</description></item>`),
			"scandetails[0]: malformed input: XML syntax error on line 3: invalid character entity &e;"},
		{"osvdbid not a number", doc(item("1", "x7", "d", "/", "")), `scandetails[0] https://web-01:443/: item[0] 1: osvdbid: malformed input: not a number: "x7"`},
		{"item id missing", doc(item("", "0", "d", "/", "")), `scandetails[0] https://web-01:443/: item[0] : id: malformed input: missing`},
		{"sitename missing", `<niktoscan><scandetails targetip="10.0.0.1"/></niktoscan>`, `scandetails[0] : sitename: malformed input: missing`},

		{"JSON syntax", `{"host": "a", "port": "80", "vulnerabilities": [}`, "malformed input: JSON syntax error at byte 49: invalid character '}' looking for beginning of value"},
		{"JSON truncated", `{"host": "a", "port": "80", "vulnerabilities": [{"id": "1"`, "malformed input: JSON ends early"},
		{"JSON wrong type", `{"host": "a", "port": "80", "vulnerabilities": [{"id": "1", "msg": 5}]}`,
			"JSON: vulnerabilities.msg: malformed input: number where string belongs"},
		{"JSON port not a number", `{"host": "a", "port": "https", "vulnerabilities": []}`, `[0]: port: malformed input: not a port number: "https"`},
		{"JSON port out of range", `[{"host": "a", "port": "80", "vulnerabilities": []}, {"host": "b", "port": 70000, "vulnerabilities": []}]`,
			`[1]: port: malformed input: not a port number: "70000"`},
		{"JSON id missing", `{"host": "a", "port": "80", "vulnerabilities": [{"msg": "m"}]}`, "[0].vulnerabilities[0] : id: malformed input: missing"},
		{"JSON trailing data", `{"host": "a", "port": "80", "vulnerabilities": []} {}`, "malformed input: data after the JSON value"},
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
	own, _ := filepath.Glob(filepath.Join(filepath.Dir(scantest.Shared(t, "nikto/juice-shop.json")), "*"))
	for _, f := range own {
		if !Sniff(head(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range []string{"nmap/issue12411.xml", "acunetix/acunetix360_many_findings.json", "snyk/single_project_many_vulns.json",
		"nuclei/multiple_v3.json", "zap/empty_2.9.0.xml"} {
		if Sniff(head(t, scantest.Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"generic XML", `<?xml version="1.0"?><scan><niktoscan/></scan>`, false},
		{"generic JSON", `{"host": "a", "results": []}`, false},
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
	f.Add([]byte(`[{"host": "a.example", "ip": "10.0.0.1", "port": 443, "banner": "", "vulnerabilities": [{"id": "1", "OSVDB": "3931", "method": "GET", "url": "/", "msg": "CVE-2003-1418"}]}]`))
	f.Add([]byte(`<?xml version="1.0"?>` + laughs() + `<niktoscan><scandetails sitename="x">` + item("1", "0", "&lol9;", "/", "") + `</scandetails></niktoscan>`))
	scantest.Fuzz(f, Parse, "testdata/nikto-output.xml", "testdata/nikto-report-zero-vuln.xml")
}

// BenchmarkParseSample parses the largest Nikto sample.
func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "nikto/juice-shop.json"))
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
