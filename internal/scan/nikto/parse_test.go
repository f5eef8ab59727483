package nikto

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	Targets, Results       int
	WithCVE, WithReference int
	// Rated counts results with a severity: Nikto rates nothing, so
	// every result's is unknown.
	Rated int
}

func count(rep *scan.Report) counts {
	return counts{len(rep.Targets), len(rep.Results), scantest.CountIf(rep, scantest.HasID),
		scantest.CountIf(rep, func(r *scan.Result) bool { return len(r.References) > 0 }),
		scantest.CountIf(rep, func(r *scan.Result) bool { return r.Severity != scan.SevUnknown })}
}

func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "nikto", scantest.GoldenFile, count, []scantest.Sample[counts]{
		{
			// README: juice-shop.herokuapp.com:443, 151 items; one has an
			// OSVDB id, none names a CVE.
			File:   "juice-shop.json",
			Want:   counts{Targets: 1, Results: 151, WithReference: 1},
			Golden: true,
		},
		{
			// README: an outer <niktoscan> wrapping 4 scandetails (hosts
			// 192.168.0.x), 10 items. (The README says one inner
			// niktoscan; there are four, one per host, each with one
			// scandetails.)
			File:   "nikto-report-many-vuln.xml",
			Want:   counts{Targets: 4, Results: 10, WithReference: 1},
			Golden: true,
		},
		{
			// README: 1 host (localhost:8070), 13 items.
			File:   "nikto-output.xml",
			Want:   counts{Targets: 1, Results: 13, WithReference: 7},
			Golden: true,
		},
		{
			// README: an empty <niktoscan>.
			File:   "nikto-report-zero-vuln.xml",
			Golden: true,
		},
	})
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
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "items",
			In: doc(item("999986", "0", "Retrieved x-powered-by header: PHP/5.2", "/", "https://web-01:443/"),
				item("000834", "3931", "/cgi-bin/x: CVE-2003-1418 and CVE-2003-1418 again", "/cgi-bin/x", "")),
			Want: &scan.Report{Tool: "nikto", Version: "2.1.6", Targets: []scan.Target{web01}, Results: []scan.Result{
				{Rule: "999986", Title: "Retrieved x-powered-by header: PHP/5.2", Severity: scan.SevUnknown, Location: "https://web-01:443/", Evidence: "GET /"},
				{Rule: "000834", Title: "/cgi-bin/x: CVE-2003-1418 and CVE-2003-1418 again", IDs: []string{"CVE-2003-1418"}, Severity: scan.SevUnknown,
					Location: "https://web-01:443/cgi-bin/x", Evidence: "GET /cgi-bin/x", References: []string{"http://osvdb.org/3931"}},
			}},
		},
		{
			Name: "JSON array, numbers as numbers, http on another port",
			In: `[{"host": "10.0.0.2", "ip": "10.0.0.2", "port": 8080, "banner": "", "vulnerabilities": [` +
				`{"id": 999100, "OSVDB": 0, "method": "GET", "url": "/a", "msg": "m", "references": "https://r.example/1"}]},` +
				`{"host": "b.example", "ip": "", "port": "80", "banner": "", "vulnerabilities": []}]`,
			Want: &scan.Report{Tool: "nikto", Targets: []scan.Target{
				{Kind: scan.TargetWeb, Name: "10.0.0.2:8080", IP: "10.0.0.2", URL: "http://10.0.0.2:8080/"},
				{Kind: scan.TargetWeb, Name: "b.example:80", FQDN: "b.example", URL: "http://b.example/"},
			}, Results: []scan.Result{
				{Rule: "999100", Title: "m", Severity: scan.SevUnknown, Location: "http://10.0.0.2:8080/a", Evidence: "GET /a", References: []string{"https://r.example/1"}},
			}},
		},
		{
			Name: "empty niktoscan",
			In:   `<?xml version="1.0" ?><niktoscan></niktoscan>`,
			Want: &scan.Report{Tool: "nikto"},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(item("1", "0", "d", "/", ""))
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "other root", In: `<?xml version="1.0"?><nmaprun/>`, Want: "malformed input: root element <nmaprun>, want <niktoscan>"},
		{Name: "not XML or JSON", In: `host,port`, Want: "malformed input: text outside the root element"},
		{Name: "malformed XML", In: `<niktoscan><scandetails sitename="x"><item></scandetails></niktoscan>`,
			Want: "scandetails[0]: malformed input: XML syntax error on line 1: element <item> closed by </scandetails>"},
		{Name: "truncated in scandetails", In: full[:strings.Index(full, "</scandetails>")], Want: "scandetails[0]: malformed input: XML syntax error on line 3: unexpected EOF"},
		{Name: "truncated after scandetails", In: strings.TrimSuffix(full, "</niktoscan>"), Want: "malformed input: XML syntax error on line 3: unexpected EOF"},
		{Name: "billion laughs", In: `<?xml version="1.0"?>` + scantest.Laughs("niktoscan") + `<niktoscan><scandetails sitename="x">` + item("1", "0", "&lol9;", "/", "") + `</scandetails></niktoscan>`,
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: `<?xml version="1.0"?><!DOCTYPE niktoscan [<!ENTITY e SYSTEM "file:///etc/passwd">]><niktoscan/>`,
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(`<item id="1"><description>&e;</description></item>`),
			Want: "scandetails[0]: malformed input: XML syntax error on line 3: invalid character entity &e;"},
		{Name: "osvdbid not a number", In: doc(item("1", "x7", "d", "/", "")), Want: `scandetails[0] https://web-01:443/: item[0] 1: osvdbid: malformed input: not a number: "x7"`},
		{Name: "item id missing", In: doc(item("", "0", "d", "/", "")), Want: `scandetails[0] https://web-01:443/: item[0] : id: malformed input: missing`},
		{Name: "sitename missing", In: `<niktoscan><scandetails targetip="10.0.0.1"/></niktoscan>`, Want: `scandetails[0] : sitename: malformed input: missing`},

		{Name: "JSON syntax", In: `{"host": "a", "port": "80", "vulnerabilities": [}`, Want: "malformed input: JSON syntax error at byte 49: invalid character '}' looking for beginning of value"},
		{Name: "JSON truncated", In: `{"host": "a", "port": "80", "vulnerabilities": [{"id": "1"`, Want: "malformed input: JSON ends early"},
		{Name: "JSON wrong type", In: `{"host": "a", "port": "80", "vulnerabilities": [{"id": "1", "msg": 5}]}`,
			Want: "JSON: vulnerabilities.msg: malformed input: number where string belongs"},
		{Name: "JSON port not a number", In: `{"host": "a", "port": "https", "vulnerabilities": []}`, Want: `[0]: port: malformed input: not a port number: "https"`},
		{Name: "JSON port out of range", In: `[{"host": "a", "port": "80", "vulnerabilities": []}, {"host": "b", "port": 70000, "vulnerabilities": []}]`,
			Want: `[1]: port: malformed input: not a port number: "70000"`},
		{Name: "JSON id missing", In: `{"host": "a", "port": "80", "vulnerabilities": [{"msg": "m"}]}`, Want: "[0].vulnerabilities[0] : id: malformed input: missing"},
		{Name: "JSON trailing data", In: `{"host": "a", "port": "80", "vulnerabilities": []} {}`, Want: "malformed input: data after the JSON value"},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "nikto", []string{"nmap/issue12411.xml", "acunetix/acunetix360_many_findings.json", "snyk/single_project_many_vulns.json",
		"nuclei/multiple_v3.json", "zap/empty_2.9.0.xml"}, []scantest.Head{
		{Name: "generic XML", Head: `<?xml version="1.0"?><scan><niktoscan/></scan>`, Want: false},
		{Name: "generic JSON", Head: `{"host": "a", "results": []}`, Want: false},
		{Name: "empty", Head: "", Want: false},
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`[{"host": "a.example", "ip": "10.0.0.1", "port": 443, "banner": "", "vulnerabilities": [{"id": "1", "OSVDB": "3931", "method": "GET", "url": "/", "msg": "CVE-2003-1418"}]}]`))
	f.Add([]byte(`<?xml version="1.0"?>` + scantest.Laughs("niktoscan") + `<niktoscan><scandetails sitename="x">` + item("1", "0", "&lol9;", "/", "") + `</scandetails></niktoscan>`))
	scantest.Fuzz(f, Parse, "testdata/nikto-output.xml", "testdata/nikto-report-zero-vuln.xml")
}

// BenchmarkParseSample parses the largest Nikto sample.
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "nikto/juice-shop.json")
}
