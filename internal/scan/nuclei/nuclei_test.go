package nuclei

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "nuclei", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		{File: "issue_14071.json", Want: scantest.Tally{Targets: 2, Results: 27, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevMedium: 2, scan.SevLow: 1, scan.SevInfo: 23}}, Golden: true},
		{File: "many_findings.json", Want: scantest.Tally{Targets: 3, Results: 18, BySeverity: map[scan.Severity]int{
			scan.SevMedium: 1, scan.SevLow: 1, scan.SevInfo: 16}}, Golden: true},
		{File: "multiple_v3.json", Want: scantest.Tally{Targets: 1, Results: 6, BySeverity: map[scan.Severity]int{scan.SevInfo: 6}}, Golden: true},
		{File: "empty.jsonl", Want: scantest.Tally{Targets: 0, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	v3 := scantest.ParseFile(t, Parse, scantest.Shared(t, "nuclei/issue_14071.json"))
	v2 := scantest.ParseFile(t, Parse, scantest.Shared(t, "nuclei/many_findings.json"))
	export := scantest.ParseFile(t, Parse, scantest.Shared(t, "nuclei/multiple_v3.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "nuclei 3 JSON Lines: web target from path; the DNS template's empty target",
			Got:  v3.Targets,
			Want: []scan.Target{
				{Kind: scan.TargetWeb, Name: "http://dvwa_dvwa_1/", URL: "http://dvwa_dvwa_1/", FQDN: "dvwa_dvwa_1", IP: "172.18.0.3"},
				{Kind: scan.TargetHost},
			},
		},
		{
			Name: "critical default login: CWE, matched-at, references, curl command as evidence",
			Got: func() any {
				r := scantest.FindAt(t, v3, "dvwa-default-login", "http://dvwa_dvwa_1/index.php")
				return []any{r.Title, r.Severity, r.CWEs, r.References, strings.HasPrefix(r.Evidence, "curl -X 'GET'")}
			}(),
			Want: []any{"DVWA Default Login", scan.SevCritical, []int{798},
				[]string{"https://opensourcelibs.com/lib/dvwa"}, true},
		},
		{
			Name: "classification score and vector",
			Got: func() any {
				r := scantest.FindAt(t, v3, "git-config", "http://dvwa_dvwa_1/.git/config")
				return []any{r.Score, r.Vector, r.Severity, r.CWEs}
			}(),
			Want: []any{5.3, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", scan.SevMedium, []int{200}},
		},
		{
			Name: "nuclei 2: templateID, matched, YAML reference list in a string",
			Got: func() any {
				r := scantest.FindAt(t, v2, "openssh5.3-detect", "nuclei-example.com:22")
				return []any{r.Target, r.Severity, r.References}
			}(),
			Want: []any{0, scan.SevLow, []string{"http://seclists.org/fulldisclosure/2016/Jul/51",
				"https://security-tracker.debian.org/tracker/CVE-2016-6210", "http://openwall.com/lists/oss-security/2016/08/01/2"}},
		},
		{
			Name: "nuclei 2: one web target per input URL",
			Got:  v2.Targets,
			Want: []scan.Target{
				{Kind: scan.TargetWeb, Name: "https://nuclei-example.com", URL: "https://nuclei-example.com", FQDN: "nuclei-example.com", IP: "178.21.15.56"},
				{Kind: scan.TargetWeb, Name: "http://127.0.0.1:8080/WebGoat", URL: "http://127.0.0.1:8080/WebGoat", IP: "127.0.0.1"},
				{Kind: scan.TargetWeb, Name: "http://127.0.0.1:9090/WebWolf", URL: "http://127.0.0.1:9090/WebWolf", IP: "127.0.0.1"},
			},
		},
		{
			Name: "nuclei 2 matcher_name and extracted_results",
			Got:  []string{scantest.FindAt(t, v2, "nginx-version", "https://nuclei-example.com").Evidence, v2.Results[3].Evidence},
			Want: []string{"extracted: nginx/1.14.2", "matcher: animate.css"},
		},
		{
			Name: "-json-export array: a host target for DNS and TLS templates, address from the TLS records",
			Got:  []any{export.Targets, export.Started.String(), export.Finished.String()},
			Want: []any{[]scan.Target{{Kind: scan.TargetHost, Name: "www.asdf.de", FQDN: "www.asdf.de", IP: "8.8.8.8"}},
				"2023-11-06 13:48:31.559886 +0000 UTC", "2023-11-06 13:58:58.56985 +0000 UTC"},
		},
	})
}

// line is a minimal nuclei 3 event with extra info fields.
func line(info string) string {
	return `{"template-id":"git-config","info":{"name":"Git Config","severity":"medium"` + info + `},"host":"https://a.example","matched-at":"https://a.example/.git/config"}`
}

var badInputs = []scantest.BadInput{
	{Name: "malformed JSON", In: line("") + "\n" + `{"template-id":}`,
		Want: "#2: malformed input: invalid JSON after byte 150: invalid character '}' looking for beginning of value"},
	{Name: "wrong top-level type", In: `"git-config"`,
		Want: `malformed input: got '"', want JSON Lines or a JSON array of nuclei results`},
	{Name: "a line that is not an object", In: line("") + "\n42\n",
		Want: "#2: malformed input: got JSON number, want object"},
	{Name: "array element not an object", In: `[` + line("") + `,[]]`,
		Want: "[1]: malformed input: got JSON array, want object"},
	{Name: "wrong-typed field deep in a record", In: line(`,"classification":{"cwe-id":[200,"cwe-201"]}`),
		Want: "#1 git-config: info.classification.cwe-id[0]: malformed input: got JSON number, want string"},
	{Name: "cve-id an object", In: line(`,"classification":{"cve-id":{}}`),
		Want: "#1 git-config: info.classification.cve-id: malformed input: got JSON object, want string or array of strings"},
	{Name: "not a CWE", In: line(`,"classification":{"cwe-id":"information disclosure"}`),
		Want: `#1 git-config: info.classification.cwe-id[0]: malformed input: not a CWE id: "information disclosure"`},
	{Name: "score out of range", In: line(`,"classification":{"cvss-score":53}`),
		Want: "#1 git-config: info.classification.cvss-score: malformed input: score 53 outside 0 to 10"},
	{Name: "NaN score string", In: line(`,"classification":{"cvss-score":"NaN"}`),
		Want: "#1 git-config: info.classification.cvss-score: malformed input: score NaN outside 0 to 10"},
	{Name: "NaN literal", In: line(`,"classification":{"cvss-score":NaN}`),
		Want: "#1: malformed input: invalid JSON after byte 0: invalid character 'N' looking for beginning of value"},
	{Name: "no template id", In: `{"info":{"name":"x"}}`,
		Want: "#1: template-id: malformed input: missing"},
	{Name: "bad timestamp", In: `{"template-id":"t","timestamp":"2021-05-20 11:11"}`,
		Want: `#1 t: timestamp: malformed input: not a timestamp: "2021-05-20 11:11"`},
	{Name: "trailing garbage after JSON Lines", In: line("") + "\n}",
		Want: "#2: malformed input: not a JSON object"},
	{Name: "trailing garbage after an array", In: `[` + line("") + `] x`,
		Want: "malformed input: data after the report at byte 152"},
	{Name: "truncated", In: line("")[:60],
		Want: "#1: malformed input: truncated: unexpected end of input"},
	{Name: "truncated array", In: `[` + line(""),
		Want: "malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
}

func TestEmptyAndUnmatched(t *testing.T) {
	var inputs []scantest.Input
	for _, in := range []string{"", "\n\n", "[]", line("")[:len(line(""))-1] + `,"matcher-status":false}`} {
		inputs = append(inputs, scantest.Input{Name: fmt.Sprintf("%q", in), In: in, Want: &scan.Report{Tool: "nuclei"}})
	}
	scantest.Parses(t, Parse, inputs)
}

func FuzzParse(f *testing.F) {
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "nuclei/issue_14071.json")
}

// BenchmarkParseLines measures a long JSON Lines stream: 100,000 events
// over 1,000 hosts, to show that targets cost a lookup, not a scan.
func BenchmarkParseLines(b *testing.B) {
	var buf bytes.Buffer
	const n = 100_000
	for i := range n {
		fmt.Fprintf(&buf, `{"template-id":"t%d","info":{"name":"n","severity":"low"},"host":"https://h%d.example","matched-at":"https://h%d.example/x"}`+"\n", i%50, i%1000, i%1000)
	}
	scantest.Benchmark(b, Parse, buf.Bytes(), func(rep *scan.Report) error {
		if len(rep.Results) != n || len(rep.Targets) != 1000 {
			return fmt.Errorf("%d results, %d targets", len(rep.Results), len(rep.Targets))
		}
		return nil
	})
}
