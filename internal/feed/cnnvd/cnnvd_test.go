package cnnvd

import (
	"encoding/json"
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

// fixtures are every file in testdata with what Parse must make of it:
// how many records, and whether it is refused as a dictionary.
var fixtures = []struct {
	path       string
	records    int
	dictionary bool
}{
	{"vul_list/1988/01/CNNVD-198801-001.json", 1, false},
	{"vul_list/1988/01/CNNVD-198801-002.json", 1, false},
	{"vul_detail/2022/12/CNNVD-202212-2756.json", 1, false},
	{"api/vul_list_page.json", 2, false},
	{"api/vul_detail_response.json", 1, false},
	{"dict/vul_type.json", 0, true},
	{"dict/hazard_level.json", 0, true},
	{"dict/hazard_level_example.json", 0, true},
	{"dict/product.json", 0, true},
	{"dict/vendor.json", 0, true},
}

// result is what a golden file holds: the records and the error texts.
type result struct {
	Records []advisory.Record `json:"records"`
	Errors  []string          `json:"errors,omitempty"`
}

// TestGolden parses every fixture and compares what it yields with
// testdata/golden. Regenerate with -update.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	deep, err := filepath.Glob(filepath.Join("testdata", "*", "*", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, deep...)
	seen := 0
	for _, f := range files {
		rel, _ := filepath.Rel("testdata", f)
		if strings.HasPrefix(rel, "golden") {
			continue
		}
		seen++
		t.Run(rel, func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, f)
			res := result{Records: recs, Errors: feedtest.ErrorStrings(t, errs)}
			for _, r := range recs {
				if err := r.Validate(); err != nil {
					t.Errorf("%s: Validate: %v", r.ID, err)
				}
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", strings.ReplaceAll(filepath.ToSlash(rel), "/", "_")), res)
		})
	}
	if seen != len(fixtures) {
		t.Errorf("testdata holds %d fixtures, the fixtures table %d", seen, len(fixtures))
	}
}

// TestFixtures checks the counts and kinds the goldens record, so that a
// careless -update cannot turn a dictionary into records or lose one.
func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.path, func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, filepath.Join("testdata", fx.path))
			if len(recs) != fx.records {
				t.Errorf("got %d records, want %d", len(recs), fx.records)
			}
			switch {
			case fx.dictionary && (len(errs) != 1 || !errors.Is(errs[0], feed.ErrFormat)):
				t.Errorf("errors = %v, want one wrapping feed.ErrFormat", errs)
			case !fx.dictionary && len(errs) != 0:
				t.Errorf("unexpected errors: %v", errs)
			}
			head, err := os.ReadFile(filepath.Join("testdata", fx.path))
			if err != nil {
				t.Fatal(err)
			}
			if got := Sniff(filepath.Base(fx.path), head[:min(len(head), 4096)]); got == fx.dictionary {
				t.Errorf("Sniff = %v, want %v", got, !fx.dictionary)
			}
		})
	}
}

// TestEnvelopes checks that a list entry or detail says the same saved on
// its own and inside an API response.
func TestEnvelopes(t *testing.T) {
	parse := func(rel string) []advisory.Record {
		recs, errs := feedtest.ParseFile(t, Parse, filepath.Join("testdata", rel))
		if len(errs) > 0 {
			t.Fatalf("%s: %v", rel, errs)
		}
		return recs
	}
	entries := append(parse("vul_list/1988/01/CNNVD-198801-001.json"), parse("vul_list/1988/01/CNNVD-198801-002.json")...)
	if diff := cmp.Diff(entries, parse("api/vul_list_page.json")); diff != "" {
		t.Errorf("list page differs from the entries (-entries +page):\n%s", diff)
	}
	if diff := cmp.Diff(parse("vul_detail/2022/12/CNNVD-202212-2756.json"), parse("api/vul_detail_response.json")); diff != "" {
		t.Errorf("detail response differs from the detail (-detail +response):\n%s", diff)
	}
}

// TestHazardLevels checks the fixed hazard-level mapping against CNNVD's
// dictionary.
func TestHazardLevels(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "dict", "hazard_level.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dict []struct{ DictLabel, DictValue string }
	if err := json.Unmarshal(b, &dict); err != nil {
		t.Fatal(err)
	}
	english := map[string]string{"超危": "CRITICAL", "高危": "HIGH", "中危": "MEDIUM", "低危": "LOW"}
	got := map[int]string{}
	for _, d := range dict {
		var level int
		if _, err := fmt.Sscan(d.DictValue, &level); err != nil {
			t.Fatalf("dictValue %q: %v", d.DictValue, err)
		}
		got[level] = english[d.DictLabel]
	}
	if diff := cmp.Diff(ratings, got); diff != "" {
		t.Errorf("ratings differ from hazard_level.json (-code +dictionary):\n%s", diff)
	}
}

// sendmail is the list entry CNNVD-198801-001 as JSON, and the record it
// becomes.
const sendmail = `{"id":"f93433d1575641779b48f03fbd35c4ef","vulName":"Berkeley Sendmail 5.x DEBUG远程执行任意命令漏洞",` +
	`"cnnvdCode":"CNNVD-198801-001","cveCode":"CVE-1999-0095","hazardLevel":1,"createTime":"2022-09-21",` +
	`"publishTime":"1988-10-01","updateTime":"2019-06-12","typeName":"其他","vulType":"0"}`

func sendmailRecord() advisory.Record {
	return advisory.Record{
		Source:     "cnnvd",
		ID:         "CNNVD-198801-001",
		Aliases:    []string{"CVE-1999-0095"},
		Published:  time.Date(1988, 10, 1, 0, 0, 0, 0, time.UTC),
		Modified:   time.Date(2019, 6, 12, 0, 0, 0, 0, time.UTC),
		Titles:     []advisory.Text{{Lang: "zh-CN", Value: "Berkeley Sendmail 5.x DEBUG远程执行任意命令漏洞"}},
		Severities: []advisory.Severity{{Type: advisory.RatingCNNVD, Rating: "CRITICAL"}},
		Notes:      []advisory.Note{{Category: "vulnerability_type", Text: "其他", Lang: "zh-CN"}},
	}
}

// minimal is the smallest vulnerability Parse accepts.
const minimal = `{"cnnvdCode":"CNNVD-202212-0001"}`

func bare() advisory.Record { return advisory.Record{Source: "cnnvd", ID: "CNNVD-202212-0001"} }

// edit returns s with old replaced by new, failing the test when old is
// not there: a row whose edit silently missed would test nothing.
func edit(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("%q has no %q", s, old)
	}
	return strings.Replace(s, old, new, 1)
}

// page wraps list entries in an API response.
func page(entries ...string) string {
	return `{"code":200,"success":true,"message":"操作成功","data":{"total":` + fmt.Sprint(len(entries)) +
		`,"records":[` + strings.Join(entries, ",") + `],"pageIndex":1,"pageSize":100},"time":"2022-12-13 10:00:00"}`
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       func(t *testing.T) string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name: "list entry",
			in:   func(t *testing.T) string { return sendmail },
			want: []advisory.Record{sendmailRecord()},
		},
		{
			name: "list entry with BOM and white space",
			in:   func(t *testing.T) string { return "\ufeff\n " + sendmail + "\n" },
			want: []advisory.Record{sendmailRecord()},
		},
		{
			name: "list page",
			in:   func(t *testing.T) string { return page(sendmail, minimal) },
			want: []advisory.Record{sendmailRecord(), bare()},
		},
		{
			name: "empty list page",
			in:   func(t *testing.T) string { return page() },
		},
		{
			name: "list page without records",
			in:   func(t *testing.T) string { return `{"code":200,"success":true,"data":{"total":0}}` },
		},
		{
			name: "list page with null records",
			in:   func(t *testing.T) string { return `{"data":{"records":null}}` },
		},
		{
			name: "detail",
			in: func(t *testing.T) string {
				return `{"cnnvdDetail":{"vulName":" 某漏洞 ","cnnvdCode":"CNNVD-202212-0001","cveCode":"","publishTime":"2022-12-08 00:00:00",` +
					`"hazardLevel":4,"vulType":"日志信息泄露","vulDesc":"第一行\r\n第二行","affectedVendor":"Containous",` +
					`"affectedProduct":"Traefik","affectedSystem":"< 2.9.6","referUrl":"来源:MISC\r\n链接:https://example.com/a\r\n\r\n链接:https://example.com/b/",` +
					`"patch":"http://example.com/b","updateTime":"2022-12-13 08:30:00","cveVulVO":{"x":1},"nvdVulVO":null}}`
			},
			want: []advisory.Record{{
				Source:       "cnnvd",
				ID:           "CNNVD-202212-0001",
				Published:    time.Date(2022, 12, 8, 0, 0, 0, 0, time.UTC),
				Modified:     time.Date(2022, 12, 13, 8, 30, 0, 0, time.UTC),
				Titles:       []advisory.Text{{Lang: "zh-CN", Value: "某漏洞"}},
				Descriptions: []advisory.Text{{Lang: "zh-CN", Value: "第一行\n第二行"}},
				Severities:   []advisory.Severity{{Type: advisory.RatingCNNVD, Rating: "LOW"}},
				Affected:     []advisory.Affected{{Vendor: "Containous", Product: "Traefik", Text: "< 2.9.6"}},
				References: []advisory.Reference{
					{Type: "WEB", URL: "https://example.com/a", Tags: []string{"MISC"}},
					{Type: "WEB", URL: "https://example.com/b/", Tags: []string{"patch"}},
				},
				Notes: []advisory.Note{{Category: "vulnerability_type", Text: "日志信息泄露", Lang: "zh-CN"}},
			}},
		},
		{
			name: "detail with a patch that is no link, and stray reference text",
			in: func(t *testing.T) string {
				return `{"cnnvdDetail":{"cnnvdCode":"CNNVD-202212-0001","patch":"升级到 2.9.6","referUrl":"见厂商公告 https://example.com/a"}}`
			},
			want: []advisory.Record{{
				Source:     "cnnvd",
				ID:         "CNNVD-202212-0001",
				References: []advisory.Reference{{Type: "WEB", URL: "https://example.com/a"}},
				Notes: []advisory.Note{
					{Category: "patch", Text: "升级到 2.9.6", Lang: "zh-CN"},
					{Category: "references", Text: "见厂商公告 https://example.com/a"},
				},
			}},
		},
		{
			name: "detail response",
			in: func(t *testing.T) string {
				return `{"code":200,"success":true,"message":"","data":{"receviceVulDetail":null,"cnnvdDetail":` + minimal + `}}`
			},
			want: []advisory.Record{bare()},
		},
		{
			name: "unknown fields of every type ignored",
			in: func(t *testing.T) string {
				return `{"x":{"y":[1,{"z":null}]},"cnnvdCode":"CNNVD-202212-0001","isOfficial":1,"vendor":"1000971","hazardLevel":0,"publishTime":""}`
			},
			want: []advisory.Record{bare()},
		},

		// Bad vulnerabilities are reported and the next one is read.
		{
			name:     "missing id",
			in:       func(t *testing.T) string { return page(`{"vulName":"x"}`, minimal) },
			want:     []advisory.Record{bare()},
			wantErrs: []string{"#1: data.records[0].cnnvdCode: malformed input: missing"},
		},
		{
			name:     "malformed id",
			in:       func(t *testing.T) string { return page(`{"cnnvdCode":"CNNVD-2022-1"}`, minimal) },
			want:     []advisory.Record{bare()},
			wantErrs: []string{`#1: data.records[0].cnnvdCode: malformed input: malformed CNNVD id "CNNVD-2022-1"`},
		},
		{
			name:     "malformed CVE id",
			in:       func(t *testing.T) string { return page(edit(t, sendmail, "CVE-1999-0095", "CVE-99-95"), minimal) },
			want:     []advisory.Record{bare()},
			wantErrs: []string{`CNNVD-198801-001: data.records[0].cveCode: malformed input: malformed CVE id "CVE-99-95"`},
		},
		{
			name: "unknown hazard level",
			in: func(t *testing.T) string {
				return page(minimal, edit(t, sendmail, `"hazardLevel":1`, `"hazardLevel":5`))
			},
			want:     []advisory.Record{bare()},
			wantErrs: []string{"CNNVD-198801-001: data.records[1].hazardLevel: malformed input: unknown level 5, want 1 to 4"},
		},
		{
			name:     "hazard level as a string",
			in:       func(t *testing.T) string { return edit(t, sendmail, `"hazardLevel":1`, `"hazardLevel":"1"`) },
			wantErrs: []string{"CNNVD-198801-001: hazardLevel: malformed input: got JSON string, want integer"},
		},
		{
			name:     "hazard level a fraction",
			in:       func(t *testing.T) string { return edit(t, sendmail, `"hazardLevel":1`, `"hazardLevel":1.5`) },
			wantErrs: []string{"CNNVD-198801-001: hazardLevel: malformed input: got JSON number, want integer"},
		},
		{
			name: "title not a string",
			in: func(t *testing.T) string {
				return `{"cnnvdDetail":` + edit(t, minimal, `{`, `{"vulName":["x"],`) + `}`
			},
			wantErrs: []string{"CNNVD-202212-0001: cnnvdDetail.vulName: malformed input: got JSON array, want string"},
		},
		{
			name:     "record not an object",
			in:       func(t *testing.T) string { return page(`"CNNVD-202212-0001"`, minimal) },
			want:     []advisory.Record{bare()},
			wantErrs: []string{"#1: data.records[0]: malformed input: got JSON string, want object"},
		},
		{
			name:     "publish time that does not parse",
			in:       func(t *testing.T) string { return edit(t, sendmail, `"1988-10-01"`, `"1988/10/01"`) },
			wantErrs: []string{`CNNVD-198801-001: publishTime: malformed input: not a YYYY-MM-DD or YYYY-MM-DD hh:mm:ss time: "1988/10/01"`},
		},
		{
			name:     "update time with an impossible day",
			in:       func(t *testing.T) string { return edit(t, sendmail, `"2019-06-12"`, `"2019-02-30"`) },
			wantErrs: []string{`CNNVD-198801-001: updateTime: malformed input: not a YYYY-MM-DD or YYYY-MM-DD hh:mm:ss time: "2019-02-30"`},
		},

		// Documents that cannot be read, or are not vulnerabilities.
		{
			name:     "empty",
			in:       func(t *testing.T) string { return " \n" },
			wantErrs: []string{"malformed input: empty document"},
		},
		{
			name:     "not JSON",
			in:       func(t *testing.T) string { return "<vulnerabilitys/>" },
			wantErrs: []string{"malformed input: not a JSON object"},
		},
		{
			name:     "dictionary",
			in:       func(t *testing.T) string { return `[{"dictLabel":"超危","dictValue":"1"}]` },
			wantErrs: []string{"malformed input: a JSON array, as CNNVD's dictionaries of types, hazard levels, vendors and products are; not a vulnerability document"},
		},
		{
			name: "dictionary response",
			in: func(t *testing.T) string {
				return `{"code":200,"success":true,"data":[{"label":"1000","value":"PowerDNS Recursor"}]}`
			},
			wantErrs: []string{"malformed input: data is an array, as in a dictionary response; not vulnerabilities"},
		},
		{
			name:     "failed response",
			in:       func(t *testing.T) string { return `{"code":500,"success":false,"message":"系统繁忙","data":null}` },
			wantErrs: []string{`malformed input: an API response reporting failure, without data: "系统繁忙"`},
		},
		{
			name:     "other object",
			in:       func(t *testing.T) string { return `{"cveMetadata":{"cveId":"CVE-2021-44228"}}` },
			wantErrs: []string{"malformed input: no CNNVD vulnerability: the object has no cnnvdCode, cnnvdDetail or data"},
		},
		{
			name:     "data neither object nor array",
			in:       func(t *testing.T) string { return `{"data":"x"}` },
			wantErrs: []string{"malformed input: data: found x, want an object"},
		},
		{
			name:     "records not an array",
			in:       func(t *testing.T) string { return `{"data":{"records":{}}}` },
			wantErrs: []string{"malformed input: data.records: found {, want an array"},
		},
		{
			name:     "truncated page",
			in:       func(t *testing.T) string { p := page(sendmail, minimal); return p[:strings.Index(p, minimal)+10] },
			want:     []advisory.Record{sendmailRecord()},
			wantErrs: []string{"malformed input: data.records[1]: unexpected EOF"},
		},
		{
			name:     "truncated entry",
			in:       func(t *testing.T) string { return sendmail[:40] },
			wantErrs: []string{"malformed input: unexpected EOF"},
		},
		{
			name:     "data after the object",
			in:       func(t *testing.T) string { return sendmail + "{}" },
			want:     []advisory.Record{sendmailRecord()},
			wantErrs: []string{"malformed input: data after the top-level object"},
		},
		{
			name:     "invalid JSON",
			in:       func(t *testing.T) string { return `{"cnnvdCode":CNNVD}` },
			wantErrs: []string{"malformed input: cnnvdCode: invalid character 'C' looking for beginning of value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feedtest.Expect(t, Parse("cnnvd.json", strings.NewReader(tt.in(t))), tt.want, tt.wantErrs)
		})
	}
}

// TestParseRecordErrors checks that vulnerability problems come as a
// *feed.RecordError naming the record and the field.
func TestParseRecordErrors(t *testing.T) {
	_, errs := feedtest.Collect(Parse("x.json", strings.NewReader(page(minimal, edit(t, sendmail, `"hazardLevel":1`, `"hazardLevel":9`)))))
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
	}
	var re *feed.RecordError
	if !errors.As(errs[0], &re) {
		t.Fatalf("error %v is not a *feed.RecordError", errs[0])
	}
	if re.Record != "CNNVD-198801-001" || re.Field != "data.records[1].hazardLevel" {
		t.Errorf("RecordError names %q, %q; want CNNVD-198801-001, data.records[1].hazardLevel", re.Record, re.Field)
	}
}

// TestParseLarge checks the 16 MiB bound on one vulnerability.
func TestParseLarge(t *testing.T) {
	big := `{"cnnvdCode":"CNNVD-202212-0002","vulDesc":"` + strings.Repeat("x", maxRecord) + `"}`
	huge := `{"cnnvdCode":"CNNVD-202212-0002","vulDesc":"` + strings.Repeat("x", maxRecord+slack) + `"}`
	tests := []struct {
		name     string
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name:     "just over",
			in:       page(big, minimal),
			want:     []advisory.Record{bare()},
			wantErrs: []string{"#1: data.records[0]: malformed input: larger than 16 MiB"},
		},
		{
			name:     "far over",
			in:       page(minimal, huge, minimal),
			want:     []advisory.Record{bare()},
			wantErrs: []string{"#2: data.records[1]: malformed input: larger than 16 MiB"},
		},
		{
			name:     "a bare entry far over",
			in:       huge,
			wantErrs: []string{"malformed input: vulDesc: more than 16 MiB without a complete value"},
		},
		{
			name:     "envelope fields far over",
			in:       `{"message":"` + strings.Repeat("x", maxRecord+slack) + `","data":{"records":[]}}`,
			wantErrs: []string{"malformed input: message: more than 16 MiB without a complete value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feedtest.Expect(t, Parse("x.json", strings.NewReader(tt.in)), tt.want, tt.wantErrs)
		})
	}
}

// TestParseStops checks that Parse stops when the consumer does.
func TestParseStops(t *testing.T) {
	n := 0
	for range Parse("x.json", strings.NewReader(page(minimal, minimal, minimal))) {
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
	in := page(minimal, minimal)
	r := io.MultiReader(strings.NewReader(in[:len(in)-80]), errReader{errDisk})
	recs, errs := feedtest.Collect(Parse("x.json", r))
	if len(recs) != 1 || len(errs) != 1 || !errors.Is(errs[0], errDisk) || !errors.Is(errs[0], feed.ErrFormat) {
		t.Errorf("got %d records and errors %v, want 1 record and one error wrapping %v and feed.ErrFormat", len(recs), errs, errDisk)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestParseStreams reads a generated response of many entries and checks
// that records come out while it is still being read.
func TestParseStreams(t *testing.T) {
	g := &feedtest.Generated{N: 9_999, Head: `{"code":200,"success":true,"data":{"records":[`, Sep: ",", Tail: `]}}`,
		Item: func(i int) string {
			return strings.Replace(sendmail, "CNNVD-198801-001", fmt.Sprintf("CNNVD-202201-%04d", i), 1)
		}}
	feedtest.Streams(t, Parse("x.json", g), g, nil)
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, file, head string
		want             bool
	}{
		{"list entry", "x.json", sendmail, true},
		{"list page", "page.json", page(sendmail), true},
		{"detail", "d.json", `{"cnnvdDetail":{"vulName":"x"}}`, true},
		{"pretty detail with BOM", "d.json", "\ufeff{\n  \"cnnvdDetail\" : {", true},
		{"type tree", "vul_type.json", `[{"id":"0680","pid":"0","label":"代码问题"}]`, false},
		{"dictionary response", "vendor.json", `{"code":200,"data":[{"label":"1001216","value":"Docker"}]}`, false},
		{"key only in a value", "x.json", `{"note":"\"cnnvdCode\" is the id"}`, false},
		{"cnvd xml", "921.xml", "<vulnerabilitys><vulnerability><number>CNVD-2021-1</number>", false},
		{"cve5", "CVE-2021-44228.json", `{"dataType":"CVE_RECORD","cveMetadata":{}}`, false},
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

// FuzzParse feeds mutated documents to Parse: it must not panic, every
// error must be a feed error, and every record must validate and survive
// a JSON round trip.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, fx := range fixtures {
		seeds = append(seeds, filepath.Join("testdata", fx.path))
	}
	f.Add("page.json", []byte(page(sendmail, minimal)))
	f.Add("fail.json", []byte(`{"success":false,"message":"x","data":null}`))
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
