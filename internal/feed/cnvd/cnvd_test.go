package cnvd

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestGolden parses the two sample weeks in testdata and compares what
// they yield with testdata/golden. Regenerate with -update.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		file    string
		records int
	}{{"921.xml", 9}, {"387.xml", 29}} {
		t.Run(tt.file, func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, filepath.Join("testdata", tt.file))
			for _, err := range errs {
				t.Errorf("unexpected error: %v", err)
			}
			if len(recs) != tt.records {
				t.Errorf("got %d records, want %d", len(recs), tt.records)
			}
			for _, r := range recs {
				if err := r.Validate(); err != nil {
					t.Errorf("%s: Validate: %v", r.ID, err)
				}
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(tt.file, ".xml")+".json"), recs)
		})
	}
}

const head = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// doc wraps entries in the export's root element.
func doc(entries ...string) string {
	return head + "<vulnerabilitys>" + strings.Join(entries, "") + "</vulnerabilitys>"
}

// entry is a <vulnerability> with the number CNVD-2021-00001 and the
// elements given.
func entry(elems ...string) string {
	return "<vulnerability><number>CNVD-2021-00001</number>" + strings.Join(elems, "") + "</vulnerability>"
}

// bare is the record of an entry with a number and nothing else.
func bare() advisory.Record { return advisory.Record{Source: "cnvd", ID: "CNVD-2021-00001"} }

// with returns bare() changed by f.
func with(f func(r *advisory.Record)) advisory.Record {
	r := bare()
	f(&r)
	return r
}

func cves(ids ...string) string {
	var b strings.Builder
	b.WriteString("<cves>")
	for _, id := range ids {
		b.WriteString("<cve><cveNumber>" + id + "</cveNumber></cve>")
	}
	b.WriteString("</cves>")
	return b.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name: "every element",
			in: doc(entry(
				`<cves><cve><cveNumber>CVE-2021-1234</cveNumber><cveUrl>https://nvd.nist.gov/vuln/detail/CVE-2021-1234</cveUrl></cve></cves>`,
				`<bids><bid><bidNumber>96819</bidNumber><bidUrl>https://www.securityfocus.com/bid/96819/</bidUrl></bid></bids>`,
				`<title> 某公司某产品存在SQL注入漏洞 </title><serverity>高</serverity>`,
				`<products><product>某某科技有限公司 某产品 V1.0 </product><product>Palo Alto Networks PAN-OS &lt;7.0.15</product></products>`,
				`<isEvent>通用软硬件漏洞</isEvent><submitTime>2021-08-03</submitTime><openTime>2021-10-04</openTime>`,
				`<discovererName>张三</discovererName>`,
				`<referenceLink>http://www.securityfocus.com/bid/96819&#xD;`+"\n"+`https://example.com/advisory.</referenceLink>`,
				`<formalWay>厂商已提供漏洞修复方案，请关注厂商主页更新：&#xD;`+"\n"+`https://example.com/</formalWay>`,
				`<description>某产品是一款软件。&#xD;`+"\n&#xD;\n"+`某产品存在SQL注入漏洞。</description>`,
				`<patchName>某产品存在SQL注入漏洞的补丁</patchName><patchDescription>升级。</patchDescription>`,
			)),
			want: []advisory.Record{{
				Source:       "cnvd",
				ID:           "CNVD-2021-00001",
				Aliases:      []string{"CVE-2021-1234"},
				Published:    time.Date(2021, 10, 4, 0, 0, 0, 0, time.UTC),
				Titles:       []advisory.Text{{Lang: "zh-CN", Value: "某公司某产品存在SQL注入漏洞"}},
				Descriptions: []advisory.Text{{Lang: "zh-CN", Value: "某产品是一款软件。\n\n某产品存在SQL注入漏洞。"}},
				Severities:   []advisory.Severity{{Type: advisory.RatingCNVD, Rating: "HIGH"}},
				Affected: []advisory.Affected{
					{Vendor: "某某科技有限公司", Text: "某某科技有限公司 某产品 V1.0"},
					{Text: "Palo Alto Networks PAN-OS <7.0.15"},
				},
				References: []advisory.Reference{
					// The BugTraq link is the referenceLink's, typed by the <bid>.
					{Type: "ADVISORY", URL: "http://www.securityfocus.com/bid/96819"},
					{Type: "WEB", URL: "https://example.com/advisory"},
				},
				Credits: []advisory.Credit{{Name: "张三", Type: "FINDER"}},
				Notes: []advisory.Note{
					{Category: "vulnerability_type", Text: "通用软硬件漏洞", Lang: "zh-CN"},
					{Category: "remediation", Text: "厂商已提供漏洞修复方案，请关注厂商主页更新：\nhttps://example.com/", Lang: "zh-CN"},
					{Category: "patch", Title: "某产品存在SQL注入漏洞的补丁", Text: "升级。", Lang: "zh-CN"},
				},
			}},
		},
		{
			name: "number only",
			in:   doc(entry()),
			want: []advisory.Record{bare()},
		},
		{
			name: "a lone entry as the document",
			in:   head + entry(),
			want: []advisory.Record{bare()},
		},
		{
			name: "empty export",
			in:   doc(),
		},
		{
			name: "byte order mark, comments and unknown elements",
			in:   "\ufeff" + head + "<!-- week 921 --><vulnerabilitys><period>921</period>" + entry("<cvss>9.8</cvss>") + "</vulnerabilitys>\n<!-- end -->\n",
			want: []advisory.Record{bare()},
		},
		{
			name: "CVE ids as typed",
			in: doc(entry(cves(
				"CVE-2018-9513\nCVE-2018-9514", "CVE 2022 47501", "CVE-2019–17621", "CVE-2018=0338",
				"?CVE-2021-21067", "VE-2018-1000652", "cve-2020-0001", "2019-10354", "CVE-2018-9513",
			))),
			want: []advisory.Record{with(func(r *advisory.Record) {
				r.Aliases = []string{"CVE-2018-9513", "CVE-2018-9514", "CVE-2022-47501", "CVE-2019-17621", "CVE-2018-0338",
					"CVE-2021-21067", "CVE-2018-1000652", "CVE-2020-0001", "CVE-2019-10354"}
			})},
		},
		{
			name: "other ids in the CVE field",
			in:   doc(entry(cves("95226", "EDB-ID: 42173", "CWE-264", "CNVD-2021-00001", "https://example.com/x", ""))),
			want: []advisory.Record{with(func(r *advisory.Record) {
				r.CWEs = []advisory.CWE{{ID: "CWE-264"}}
				r.References = []advisory.Reference{
					{Type: "ADVISORY", URL: "http://www.securityfocus.com/bid/95226"},
					{Type: "EVIDENCE", URL: "https://www.exploit-db.com/exploits/42173"},
					{Type: "WEB", URL: "https://example.com/x"},
				}
			})},
		},
		{
			name: "malformed CVE id rescued by its URL",
			in:   doc(entry(`<cves><cve><cveNumber>CVE-2017-740</cveNumber><cveUrl>https://nvd.nist.gov/vuln/detail/CVE-2017-7409</cveUrl></cve></cves>`)),
			want: []advisory.Record{with(func(r *advisory.Record) { r.Aliases = []string{"CVE-2017-7409"} })},
		},
		{
			name: "other ids in the BugTraq field",
			in: doc(entry(`<bids><bid><bidNumber>/97953 </bidNumber></bid><bid><bidNumber>CVE-2017-0001</bidNumber></bid>` +
				`<bid><bidNumber>EDB-ID:1</bidNumber></bid><bid><bidNumber>1</bidNumber><bidUrl>not a url</bidUrl></bid></bids>`)),
			want: []advisory.Record{with(func(r *advisory.Record) {
				r.Aliases = []string{"CVE-2017-0001"}
				r.References = []advisory.Reference{
					{Type: "ADVISORY", URL: "http://www.securityfocus.com/bid/97953"},
					{Type: "EVIDENCE", URL: "https://www.exploit-db.com/exploits/1"},
					{Type: "ADVISORY", URL: "http://www.securityfocus.com/bid/1"},
				}
			})},
		},
		{
			name: "labelled links",
			in: doc(entry("<referenceLink>参考链接：\n来源:GENTOO\n\n链接:https://security.gentoo.org/glsa/202009-18\n\n" +
				"来源:MISC\n链接：\nhttps://example.com/a\nhttps://example.com/b</referenceLink>")),
			want: []advisory.Record{with(func(r *advisory.Record) {
				r.References = []advisory.Reference{
					{Type: "WEB", URL: "https://security.gentoo.org/glsa/202009-18", Tags: []string{"GENTOO"}},
					{Type: "WEB", URL: "https://example.com/a", Tags: []string{"MISC"}},
					{Type: "WEB", URL: "https://example.com/b"},
				}
			})},
		},
		{
			name: "reference text that is not all links is kept",
			in:   doc(entry("<referenceLink>hthttp://example.com/a\nttp://example.com/b\n1.http://example.com/(c)).</referenceLink>")),
			want: []advisory.Record{with(func(r *advisory.Record) {
				r.References = []advisory.Reference{
					{Type: "WEB", URL: "http://example.com/a"},
					{Type: "WEB", URL: "http://example.com/(c)"},
				}
				r.Notes = []advisory.Note{{Category: "references", Text: "hthttp://example.com/a\nttp://example.com/b\n1.http://example.com/(c))."}}
			})},
		},
		{
			name: "placeholders and empty elements dropped",
			in: doc(entry("<discovererName> UnKnwon </discovererName><title> </title><serverity></serverity>",
				"<products><product> </product><product>X</product><product>X</product></products>",
				"<patchName>补丁</patchName><patchDescription> </patchDescription><openTime></openTime>")),
			want: []advisory.Record{with(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{{Text: "X"}}
				r.Notes = []advisory.Note{{Category: "patch", Text: "补丁", Lang: "zh-CN"}}
			})},
		},
		{
			name: "a company alone is the vendor",
			in:   doc(entry("<products><product>天锐科技股份有限公司</product><product>某集团 平台</product></products>")),
			want: []advisory.Record{with(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{
					{Vendor: "天锐科技股份有限公司", Text: "天锐科技股份有限公司"},
					{Vendor: "某集团", Text: "某集团 平台"},
				}
			})},
		},

		// Bad entries are reported and the next one is read.
		{
			name:     "missing number",
			in:       doc("<vulnerability><title>x</title></vulnerability>", entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{"#1: number: malformed input: missing"},
		},
		{
			name:     "malformed number",
			in:       doc("<vulnerability><number>CNVD-21-1</number></vulnerability>", entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{`#1: number: malformed input: malformed CNVD id "CNVD-21-1"`},
		},
		{
			name:     "unknown severity",
			in:       doc(entry("<serverity>超危</serverity>"), entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{`CNVD-2021-00001: serverity: malformed input: unknown rating "超危", want 高, 中 or 低`},
		},
		{
			name:     "openTime not a date",
			in:       doc(entry("<openTime>2021-13-01</openTime>"), entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{`CNVD-2021-00001: openTime: malformed input: not a YYYY-MM-DD date: "2021-13-01"`},
		},
		{
			name:     "openTime with a time",
			in:       doc(entry("<openTime>2021-10-01 10:00:00</openTime>")),
			wantErrs: []string{`CNVD-2021-00001: openTime: malformed input: not a YYYY-MM-DD date: "2021-10-01 10:00:00"`},
		},
		{
			name:     "cveNumber that is no id",
			in:       doc(entry(cves("CVE-2021-1234", "see advisory")), entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{`CNVD-2021-00001: cves.cve[1].cveNumber: malformed input: not a CVE id: "see advisory"`},
		},
		{
			name:     "CVE id with three digits and no URL",
			in:       doc(entry(cves("CVE-2017-740"))),
			wantErrs: []string{`CNVD-2021-00001: cves.cve[0].cveNumber: malformed input: not a CVE id: "CVE-2017-740"`},
		},
		{
			name:     "CVE id inside a sentence",
			in:       doc(entry(cves("fixed in CVE-2021-1234"))),
			wantErrs: []string{`CNVD-2021-00001: cves.cve[0].cveNumber: malformed input: not a CVE id: "fixed in CVE-2021-1234"`},
		},
		{
			name:     "bidNumber that is no id",
			in:       doc(entry("<bids><bid><bidNumber>BID 1</bidNumber></bid></bids>")),
			wantErrs: []string{`CNVD-2021-00001: bids.bid[0].bidNumber: malformed input: not a BugTraq id: "BID 1"`},
		},

		// Documents that cannot be read end with one error.
		{
			name:     "empty document",
			in:       "",
			wantErrs: []string{"malformed input: no <vulnerabilitys> element"},
		},
		{
			name:     "not XML",
			in:       `{"number": "CNVD-2021-00001"}`,
			wantErrs: []string{"malformed input: text outside the root element"},
		},
		{
			name:     "other root element",
			in:       head + "<rss><channel/></rss>",
			wantErrs: []string{"malformed input: root element <rss>, want <vulnerabilitys> or <vulnerability>"},
		},
		{
			name:     "truncated inside an entry",
			in:       head + "<vulnerabilitys><vulnerability><number>CNVD-2021-00001</number><title>x",
			want:     nil,
			wantErrs: []string{"CNVD-2021-00001: malformed input: XML syntax error on line 2: unexpected EOF"},
		},
		{
			name:     "truncated between entries",
			in:       strings.TrimSuffix(doc(entry()), "</vulnerabilitys>"),
			want:     []advisory.Record{bare()},
			wantErrs: []string{"malformed input: XML syntax error on line 2: unexpected EOF"},
		},
		{
			name:     "mismatched end tag",
			in:       doc("<vulnerability><number>CNVD-2021-00001</number><title>x</titel></vulnerability>"),
			wantErrs: []string{"CNVD-2021-00001: malformed input: XML syntax error on line 2: element <title> closed by </titel>"},
		},
		{
			name:     "second root element",
			in:       doc(entry()) + "<vulnerabilitys/>",
			want:     []advisory.Record{bare()},
			wantErrs: []string{"malformed input: element <vulnerabilitys> after the root element"},
		},
		{
			name:     "text after the root element",
			in:       doc(entry()) + "junk",
			want:     []advisory.Record{bare()},
			wantErrs: []string{"malformed input: text outside the root element"},
		},
		{
			name:     "invalid UTF-8",
			in:       doc(entry("<title>\xff</title>")),
			wantErrs: []string{"CNVD-2021-00001: malformed input: XML syntax error on line 2: invalid UTF-8"},
		},
		{
			name:     "control character",
			in:       doc(entry("<title>\x01</title>")),
			wantErrs: []string{"CNVD-2021-00001: malformed input: XML syntax error on line 2: illegal character code U+0001"},
		},
		{
			name:     "GBK declared",
			in:       `<?xml version="1.0" encoding="GBK"?><vulnerabilitys/>`,
			wantErrs: []string{`malformed input: xml: opening charset "GBK": encoding "GBK" not supported: CNVD exports are UTF-8`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feedtest.Expect(t, Parse("921.xml", strings.NewReader(tt.in)), tt.want, tt.wantErrs)
		})
	}
}

// TestParseRecordErrors checks that record problems come as a
// *feed.RecordError naming the record and the field.
func TestParseRecordErrors(t *testing.T) {
	in := doc(entry(cves("CVE-2021-1234", "nonsense")))
	_, errs := feedtest.Collect(Parse("x.xml", strings.NewReader(in)))
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
	}
	var re *feed.RecordError
	if !errors.As(errs[0], &re) {
		t.Fatalf("error %v is not a *feed.RecordError", errs[0])
	}
	if re.Record != "CNVD-2021-00001" || re.Field != "cves.cve[1].cveNumber" {
		t.Errorf("RecordError names %q, %q; want CNVD-2021-00001, cves.cve[1].cveNumber", re.Record, re.Field)
	}
}

// TestParseHostile feeds the classic XML attacks. None may read a file or
// expand an entity; each must end with an error that says why.
func TestParseHostile(t *testing.T) {
	// laughs declares a billion-laughs expansion: lol9 would be 10^9 "lol"s.
	var laughs strings.Builder
	laughs.WriteString(`<!ENTITY lol "lol">`)
	for i := 1; i <= 9; i++ {
		prev := "lol"
		if i > 1 {
			prev = fmt.Sprintf("lol%d", i-1)
		}
		fmt.Fprintf(&laughs, `<!ENTITY lol%d "%s">`, i, strings.Repeat("&"+prev+";", 10))
	}
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{
			name:    "external entity",
			in:      head + `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + doc(entry("<title>&e;</title>")),
			wantErr: "malformed input: line 2: markup declarations (<!DOCTYPE>, <!ENTITY>) are not allowed",
		},
		{
			name:    "external DTD",
			in:      head + `<!DOCTYPE vulnerabilitys SYSTEM "http://127.0.0.1:1/x.dtd">` + doc(entry()),
			wantErr: "malformed input: line 2: markup declarations (<!DOCTYPE>, <!ENTITY>) are not allowed",
		},
		{
			name:    "billion laughs",
			in:      head + "<!DOCTYPE lolz [" + laughs.String() + "]>\n" + doc(entry("<title>&lol9;</title>")),
			wantErr: "malformed input: line 2: markup declarations (<!DOCTYPE>, <!ENTITY>) are not allowed",
		},
		{
			name:    "declaration inside an entry",
			in:      doc(entry(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><title>&e;</title>`)),
			wantErr: "CNVD-2021-00001: malformed input: line 2: markup declarations (<!DOCTYPE>, <!ENTITY>) are not allowed",
		},
		{
			name:    "undeclared entity",
			in:      doc(entry("<title>&lol9;</title>")),
			wantErr: "CNVD-2021-00001: malformed input: XML syntax error on line 2: invalid character entity &lol9;",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := feedtest.Collect(Parse("x.xml", strings.NewReader(tt.in)))
			if len(got) != 0 {
				t.Errorf("yielded %d records, want none: %+v", len(got), got)
			}
			if diff := cmp.Diff([]string{tt.wantErr}, feedtest.ErrorStrings(t, errs)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseLarge checks the 16 MiB bound on one entry: just over it, the
// entry is reported and the next read; far over it, the document ends.
func TestParseLarge(t *testing.T) {
	big := entry("<description>" + strings.Repeat("x", maxRecord) + "</description>")
	huge := entry("<description>" + strings.Repeat("x", maxRecord+slack) + "</description>")
	tests := []struct {
		name     string
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name:     "just over",
			in:       doc(big, entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{"CNVD-2021-00001: malformed input: entry larger than 16 MiB"},
		},
		{
			name:     "far over",
			in:       doc(entry(), huge, entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{"CNVD-2021-00001: malformed input: entry larger than 16 MiB"},
		},
		{
			name:     "text between entries far over",
			in:       doc(entry(), strings.Repeat(" ", maxRecord+slack), entry()),
			want:     []advisory.Record{bare()},
			wantErrs: []string{"malformed input: more than 16 MiB without a complete element"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feedtest.Expect(t, Parse("x.xml", strings.NewReader(tt.in)), tt.want, tt.wantErrs)
		})
	}
}

// TestParseStops checks that Parse stops when the consumer does.
func TestParseStops(t *testing.T) {
	n := 0
	for range Parse("x.xml", strings.NewReader(doc(entry(), entry(), entry()))) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("yielded %d times after break", n)
	}
}

// TestParseReadError checks that a failing reader ends the document with
// one error that keeps its cause.
func TestParseReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	in := doc(entry(), entry())
	r := io.MultiReader(strings.NewReader(in[:len(in)-30]), errReader{errDisk})
	recs, errs := feedtest.Collect(Parse("x.xml", r))
	if len(recs) != 1 || len(errs) != 1 || !errors.Is(errs[0], errDisk) || !errors.Is(errs[0], feed.ErrFormat) {
		t.Errorf("got %d records and errors %v, want 1 record and one error wrapping %v and feed.ErrFormat", len(recs), errs, errDisk)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestParseStreams reads a generated export larger than any real week and
// checks that records come out while it is still being read.
func TestParseStreams(t *testing.T) {
	g := &feedtest.Generated{N: 20_000, Head: head + "<vulnerabilitys>", Tail: "</vulnerabilitys>",
		Item: func(i int) string {
			return fmt.Sprintf("<vulnerability><number>CNVD-2021-%05d</number><title>%s</title></vulnerability>\n", i, strings.Repeat("标题", 100))
		}}
	feedtest.Streams(t, Parse("x.xml", g), g, nil)
}

func TestSniff(t *testing.T) {
	sample, err := os.ReadFile("testdata/921.xml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, head string
		want             bool
	}{
		{"weekly export", "921.xml", string(sample[:4096]), true},
		{"export under another name", "download", string(sample[:200]), true},
		{"with BOM and no declaration", "x", "\ufeff\n<vulnerabilitys>", true},
		{"empty export", "x.xml", "<vulnerabilitys/>", true},
		{"lone entry", "x.xml", head + entry(), true},
		{"entry of another database", "x.xml", "<vulnerability><number>42</number></vulnerability>", false},
		{"similar root", "x.xml", "<vulnerabilitysets>", false},
		{"cnnvd json", "CNNVD-202212-2756.json", `{"cnnvdDetail":{"vulName":"<vulnerabilitys>"}}`, false},
		{"jvn rdf", "jvndb.rdf", `<?xml version="1.0"?><rdf:RDF xmlns="http://purl.org/rss/1.0/">`, false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.file, []byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q, %.40q...) = %v, want %v", tt.file, tt.head, got, tt.want)
			}
		})
	}
}

// FuzzParse feeds mutated exports to Parse: it must not panic, every error
// must be a feed error, and every record must validate and survive a JSON
// round trip.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	// Small seeds too: the weekly files take the fuzzer long to minimise.
	f.Add("x.xml", []byte(doc(entry(cves("CVE-2018-9513\nCVE-2018-9514", "95226", "EDB-ID: 1"),
		"<serverity>中</serverity><referenceLink>来源:MISC\n链接:https://example.com/</referenceLink>"))))
	f.Add("x.xml", []byte(head+`<!DOCTYPE x [<!ENTITY e "e">]>`+doc(entry("<title>&e;</title>"))))
	feedtest.Fuzz(f, validated, seeds...)
}

// validated wraps Parse so that the fuzzer also fails on a yielded record
// that advisory.Record.Validate rejects: feedtest.Fuzz fails on any error
// that is not a feed error.
func validated(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		for rec, err := range Parse(name, r) {
			if err == nil {
				if verr := rec.Validate(); verr != nil {
					yield(rec, verr)
					return
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}
