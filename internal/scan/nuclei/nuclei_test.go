package nuclei

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

func TestSharedSamples(t *testing.T) {
	tests := []struct {
		file       string
		results    int
		severities map[scan.Severity]int
	}{
		{file: "issue_14071.json", results: 27, severities: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevMedium: 2, scan.SevLow: 1, scan.SevInfo: 23}},
		{file: "many_findings.json", results: 18, severities: map[scan.Severity]int{
			scan.SevMedium: 1, scan.SevLow: 1, scan.SevInfo: 16}},
		{file: "multiple_v3.json", results: 6, severities: map[scan.Severity]int{scan.SevInfo: 6}},
		{file: "empty.jsonl", results: 0, severities: map[scan.Severity]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "nuclei/"+tt.file))
			if got := len(rep.Results); got != tt.results {
				t.Errorf("%d results, want %d", got, tt.results)
			}
			got := map[scan.Severity]int{}
			for _, r := range rep.Results {
				got[r.Severity]++
			}
			if diff := cmp.Diff(tt.severities, got); diff != "" {
				t.Errorf("severities (-want +got):\n%s", diff)
			}
			name := strings.TrimSuffix(strings.TrimSuffix(tt.file, ".json"), ".jsonl")
			scantest.Golden(t, filepath.Join("testdata", "golden", name+".golden.json"), rep)
		})
	}
}

func find(t *testing.T, rep *scan.Report, rule, loc string) scan.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Rule == rule && r.Location == loc {
			return r
		}
	}
	t.Fatalf("no result %s at %s", rule, loc)
	return scan.Result{}
}

func TestSpotChecks(t *testing.T) {
	v3 := scantest.ParseFile(t, Parse, scantest.Shared(t, "nuclei/issue_14071.json"))
	v2 := scantest.ParseFile(t, Parse, scantest.Shared(t, "nuclei/many_findings.json"))
	export := scantest.ParseFile(t, Parse, scantest.Shared(t, "nuclei/multiple_v3.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "nuclei 3 JSON Lines: web target from path; the DNS template's empty target",
			got:  v3.Targets,
			want: []scan.Target{
				{Kind: scan.TargetWeb, Name: "http://dvwa_dvwa_1/", URL: "http://dvwa_dvwa_1/", FQDN: "dvwa_dvwa_1", IP: "172.18.0.3"},
				{Kind: scan.TargetHost},
			},
		},
		{
			name: "critical default login: CWE, matched-at, references, curl command as evidence",
			got: func() any {
				r := find(t, v3, "dvwa-default-login", "http://dvwa_dvwa_1/index.php")
				return []any{r.Title, r.Severity, r.CWEs, r.References, strings.HasPrefix(r.Evidence, "curl -X 'GET'")}
			}(),
			want: []any{"DVWA Default Login", scan.SevCritical, []int{798},
				[]string{"https://opensourcelibs.com/lib/dvwa"}, true},
		},
		{
			name: "classification score and vector",
			got: func() any {
				r := find(t, v3, "git-config", "http://dvwa_dvwa_1/.git/config")
				return []any{r.Score, r.Vector, r.Severity, r.CWEs}
			}(),
			want: []any{5.3, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", scan.SevMedium, []int{200}},
		},
		{
			name: "nuclei 2: templateID, matched, YAML reference list in a string",
			got: func() any {
				r := find(t, v2, "openssh5.3-detect", "nuclei-example.com:22")
				return []any{r.Target, r.Severity, r.References}
			}(),
			want: []any{0, scan.SevLow, []string{"http://seclists.org/fulldisclosure/2016/Jul/51",
				"https://security-tracker.debian.org/tracker/CVE-2016-6210", "http://openwall.com/lists/oss-security/2016/08/01/2"}},
		},
		{
			name: "nuclei 2: one web target per input URL",
			got:  v2.Targets,
			want: []scan.Target{
				{Kind: scan.TargetWeb, Name: "https://nuclei-example.com", URL: "https://nuclei-example.com", FQDN: "nuclei-example.com", IP: "178.21.15.56"},
				{Kind: scan.TargetWeb, Name: "http://127.0.0.1:8080/WebGoat", URL: "http://127.0.0.1:8080/WebGoat", IP: "127.0.0.1"},
				{Kind: scan.TargetWeb, Name: "http://127.0.0.1:9090/WebWolf", URL: "http://127.0.0.1:9090/WebWolf", IP: "127.0.0.1"},
			},
		},
		{
			name: "nuclei 2 matcher_name and extracted_results",
			got:  []string{find(t, v2, "nginx-version", "https://nuclei-example.com").Evidence, v2.Results[3].Evidence},
			want: []string{"extracted: nginx/1.14.2", "matcher: animate.css"},
		},
		{
			name: "-json-export array: a host target for DNS and TLS templates, address from the TLS records",
			got:  []any{export.Targets, export.Started.String(), export.Finished.String()},
			want: []any{[]scan.Target{{Kind: scan.TargetHost, Name: "www.asdf.de", FQDN: "www.asdf.de", IP: "8.8.8.8"}},
				"2023-11-06 13:48:31.559886 +0000 UTC", "2023-11-06 13:58:58.56985 +0000 UTC"},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// line is a minimal nuclei 3 event with extra info fields.
func line(info string) string {
	return `{"template-id":"git-config","info":{"name":"Git Config","severity":"medium"` + info + `},"host":"https://a.example","matched-at":"https://a.example/.git/config"}`
}

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "malformed JSON", doc: line("") + "\n" + `{"template-id":}`,
		want: "#2: malformed input: invalid JSON after byte 150: invalid character '}' looking for beginning of value"},
	{name: "wrong top-level type", doc: `"git-config"`,
		want: `malformed input: got '"', want JSON Lines or a JSON array of nuclei results`},
	{name: "a line that is not an object", doc: line("") + "\n42\n",
		want: "#2: malformed input: got JSON number, want object"},
	{name: "array element not an object", doc: `[` + line("") + `,[]]`,
		want: "[1]: malformed input: got JSON array, want object"},
	{name: "wrong-typed field deep in a record", doc: line(`,"classification":{"cwe-id":[200,"cwe-201"]}`),
		want: "#1 git-config: info.classification.cwe-id[0]: malformed input: got JSON number, want string"},
	{name: "cve-id an object", doc: line(`,"classification":{"cve-id":{}}`),
		want: "#1 git-config: info.classification.cve-id: malformed input: got JSON object, want string or array of strings"},
	{name: "not a CWE", doc: line(`,"classification":{"cwe-id":"information disclosure"}`),
		want: `#1 git-config: info.classification.cwe-id[0]: malformed input: not a CWE id: "information disclosure"`},
	{name: "score out of range", doc: line(`,"classification":{"cvss-score":53}`),
		want: "#1 git-config: info.classification.cvss-score: malformed input: score 53 outside 0 to 10"},
	{name: "NaN score string", doc: line(`,"classification":{"cvss-score":"NaN"}`),
		want: "#1 git-config: info.classification.cvss-score: malformed input: score NaN outside 0 to 10"},
	{name: "NaN literal", doc: line(`,"classification":{"cvss-score":NaN}`),
		want: "#1: malformed input: invalid JSON after byte 0: invalid character 'N' looking for beginning of value"},
	{name: "no template id", doc: `{"info":{"name":"x"}}`,
		want: "#1: template-id: malformed input: missing"},
	{name: "bad timestamp", doc: `{"template-id":"t","timestamp":"2021-05-20 11:11"}`,
		want: `#1 t: timestamp: malformed input: not a timestamp: "2021-05-20 11:11"`},
	{name: "trailing garbage after JSON Lines", doc: line("") + "\n}",
		want: "#2: malformed input: not a JSON object"},
	{name: "trailing garbage after an array", doc: `[` + line("") + `] x`,
		want: "malformed input: data after the report at byte 152"},
	{name: "truncated", doc: line("")[:60],
		want: "#1: malformed input: truncated: unexpected end of input"},
	{name: "truncated array", doc: `[` + line(""),
		want: "malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	for _, tt := range badInputs {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatalf("no error; report %+v", rep)
			}
			if rep != nil {
				t.Errorf("a report beside the error: %+v", rep)
			}
			if !errors.Is(err, feed.ErrFormat) {
				t.Errorf("error does not wrap feed.ErrFormat: %v", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmptyAndUnmatched(t *testing.T) {
	for _, in := range []string{"", "\n\n", "[]", line("")[:len(line(""))-1] + `,"matcher-status":false}`} {
		rep, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if diff := cmp.Diff(&scan.Report{Tool: "nuclei"}, rep); diff != "" {
			t.Errorf("%q (-want +got):\n%s", in, diff)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, b := range badInputs {
		f.Add([]byte(b.doc))
	}
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "nuclei/issue_14071.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(27*b.N)/b.Elapsed().Seconds(), "results/s")
}

// BenchmarkParseLines measures a long JSON Lines stream: 100,000 events
// over 1,000 hosts, to show that targets cost a lookup, not a scan.
func BenchmarkParseLines(b *testing.B) {
	var buf bytes.Buffer
	const n = 100_000
	for i := range n {
		fmt.Fprintf(&buf, `{"template-id":"t%d","info":{"name":"n","severity":"low"},"host":"https://h%d.example","matched-at":"https://h%d.example/x"}`+"\n", i%50, i%1000, i%1000)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rep, err := Parse(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Results) != n || len(rep.Targets) != 1000 {
			b.Fatalf("%d results, %d targets", len(rep.Results), len(rep.Targets))
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "results/s")
}
