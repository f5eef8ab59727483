package sarif

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	scantest.Tally
	Version string
}

func count(rep *scan.Report) counts { return counts{scantest.CountTally(rep), rep.Version} }

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "sarif", scantest.GoldenStem, count, []scantest.Sample[counts]{
		// CodeQL gives levels only: note 57, error 11, warning 4 (by rule
		// default, the results having no level).
		{File: "codeQL-output.sarif", Want: counts{Tally: scantest.Tally{Targets: 1, Results: 72,
			BySeverity: map[scan.Severity]int{scan.SevLow: 57, scan.SevHigh: 11, scan.SevMedium: 4}}, Version: "CodeQL 2.5.4"}, Golden: true},
		// Semgrep's security-severity words: MEDIUM 42, CRITICAL 34,
		// HIGH 1.
		{File: "issue_10191.json", Want: counts{Tally: scantest.Tally{Targets: 1, Results: 77,
			BySeverity: map[scan.Severity]int{scan.SevCritical: 34, scan.SevHigh: 1, scan.SevMedium: 42}}, Version: "Semgrep OSS 1.69.0"}, Golden: true},
		// security-severity scores rated by the CVSS v3 scale.
		{File: "cxf-3.4.6.sarif", Want: counts{Tally: scantest.Tally{Targets: 1, Results: 22,
			BySeverity: map[scan.Severity]int{scan.SevCritical: 1, scan.SevHigh: 11, scan.SevMedium: 4, scan.SevLow: 6}}, Version: "Grype 0.34.7"}, Golden: true},
		{File: "appendix_k1.sarif", Want: counts{Tally: scantest.Tally{Targets: 1, Results: 0,
			BySeverity: map[scan.Severity]int{}}, Version: "CodeScanner"}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	codeql := scantest.ParseFile(t, Parse, scantest.Shared(t, "sarif/codeQL-output.sarif"))
	semgrep := scantest.ParseFile(t, Parse, scantest.Shared(t, "sarif/issue_10191.json"))
	grype := scantest.ParseFile(t, Parse, scantest.Shared(t, "sarif/cxf-3.4.6.sarif"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "CodeQL: level from the rule's default; CWEs from external/cwe tags; snippet in evidence",
			Got:  scantest.FindAt(t, codeql, "py/path-injection", "bad/libapi.py:22"),
			Want: scan.Result{
				Rule: "py/path-injection", Title: "Uncontrolled data used in path expression",
				CWEs: []int{22, 23, 36, 73, 99}, Severity: scan.SevHigh, ToolSeverity: "error",
				Location:    "bad/libapi.py:22",
				Description: "Accessing paths influenced by users can allow an attacker to access unexpected resources.",
				Evidence: "This path depends on [a user-provided value](1).\nThis path depends on [a user-provided value](2).\n\n" +
					"    keyfile = '/tmp/vulpy.apikey.{}.{}'.format(username, key)\n\n    Path(keyfile).touch()\n\n    return key",
			},
		},
		{
			Name: "Semgrep: security-severity word, CWE tag, message repeating the description left out",
			Got: func() any {
				r := scantest.FindAt(t, semgrep, "vulnerability-management-registry.semgrep-rules.gitlab-rules.sast-rules.javascript.pathtraversal.javascript_pathtraversal_rule-non-literal-fs-filename", "Gruntfile.js:75")
				return []any{r.Severity, r.ToolSeverity, r.CWEs, r.Evidence, r.Title}
			}(),
			Want: []any{scan.SevMedium, "MEDIUM", []int{22}, "const buffer = fs.readFileSync('dist/' + file)",
				"Improper limitation of a pathname to a restricted directory ('Path Traversal')"},
		},
		{
			Name: "Grype's SARIF: CVE from the rule id, score from security-severity, package from the help text",
			Got:  scantest.FindAt(t, grype, "CVE-2008-0732-geronimo-javamail_1.4_mail", "lib/geronimo-javamail_1.4_mail-1.8.4.jar:1"),
			Want: scan.Result{
				Rule: "CVE-2008-0732-geronimo-javamail_1.4_mail", Title: "CVE-2008-0732 low vulnerability for geronimo-javamail_1.4_mail package",
				IDs: []string{"CVE-2008-0732"}, Severity: scan.SevLow, ToolSeverity: "2.1", Score: 2.1,
				Package: &scan.Package{Ecosystem: "Maven", Name: "geronimo-javamail_1.4_mail", Version: "1.8.4",
					Path: "lib/geronimo-javamail_1.4_mail-1.8.4.jar"},
				Location:    "lib/geronimo-javamail_1.4_mail-1.8.4.jar:1",
				Description: "The init script for Apache Geronimo on SUSE Linux follows symlinks when performing a chown operation, which might allow local users to obtain access to unspecified files or directories.",
				Evidence:    "The path lib/geronimo-javamail_1.4_mail-1.8.4.jar reports geronimo-javamail_1.4_mail at version 1.8.4  which would result in a vulnerable (java-archive) package installed",
				References:  []string{"https://github.com/anchore/grype"},
			},
		},
	})
}

// log wraps results in a one-run log with one rule.
func log(results string) string {
	return `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Scanner","version":"1.0","rules":[` +
		`{"id":"R1","shortDescription":{"text":"Rule one"},"properties":{"tags":["CWE-79"]}}]}},"results":[` + results + `]}]}`
}

func TestMapping(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []scan.Result
	}{
		{
			name: "level default is warning; rule by id; message by id",
			doc:  `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S","rules":[{"id":"R9","messageStrings":{"m":{"text":"from the rule"}}}]}},"results":[{"ruleId":"R9","message":{"id":"m"}}]}]}`,
			want: []scan.Result{{Rule: "R9", Severity: scan.SevMedium, ToolSeverity: "warning", Evidence: "from the rule"}},
		},
		{
			name: "pass, notApplicable, absent and suppressed results are no findings; informational is info",
			doc: log(`{"ruleId":"R1","kind":"pass"},{"ruleId":"R1","kind":"notApplicable"},{"ruleId":"R1","baselineState":"absent"},` +
				`{"ruleId":"R1","suppressions":[{"kind":"inSource"}]},{"ruleId":"R1","suppressions":[{"kind":"external","status":"rejected"}],"level":"error"},` +
				`{"ruleId":"R1","kind":"informational","level":"none"}`),
			want: []scan.Result{
				{Rule: "R1", Title: "Rule one", CWEs: []int{79}, Severity: scan.SevHigh, ToolSeverity: "error"},
				{Rule: "R1", Title: "Rule one", CWEs: []int{79}, Severity: scan.SevInfo, ToolSeverity: "none"},
			},
		},
		{
			name: "numeric security-severity on the result; CWE taxa and property; GHSA tag; logical location",
			doc: log(`{"ruleIndex":0,"properties":{"security-severity":9.1,"cwe":["CWE-89"],"tags":["GHSA-jfh8-c2jp-5v3q"]},` +
				`"taxa":[{"id":"352","toolComponent":{"name":"CWE"}}],"locations":[{"logicalLocations":[{"fullyQualifiedName":"pkg.Func"}]}]}`),
			want: []scan.Result{{Rule: "R1", Title: "Rule one", IDs: []string{"GHSA-jfh8-c2jp-5v3q"}, CWEs: []int{79, 89, 352},
				Severity: scan.SevCritical, ToolSeverity: "9.1", Score: 9.1, Location: "pkg.Func"}},
		},
		{
			name: "results before the tool are kept",
			doc:  `{"version":"2.1.0","runs":[{"results":[{"ruleId":"R1","level":"note"}],"tool":{"driver":{"name":"S"}}}]}`,
			want: []scan.Result{{Rule: "R1", Severity: scan.SevLow, ToolSeverity: "note"}},
		},
	}
	for _, tt := range tests {
		rep, err := Parse(strings.NewReader(tt.doc))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, rep.Results); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

var badInputs = []scantest.BadInput{
	{Name: "empty", In: "",
		Want: "malformed input: empty input: a SARIF log is a JSON object"},
	{Name: "malformed JSON", In: `{"version":"2.1.0","runs":[{]}`,
		Want: "runs[0]: malformed input: invalid JSON after byte 28: invalid character ']'"},
	{Name: "wrong top-level type", In: `[{"version":"2.1.0"}]`,
		Want: `malformed input: got '[', want a JSON object (SARIF log)`},
	{Name: "SARIF 2.0", In: `{"version":"2.0.0","runs":[]}`,
		Want: `log: version: malformed input: "2.0.0", want "2.1.0"`},
	{Name: "run without tool", In: `{"version":"2.1.0","runs":[{"results":[]}]}`,
		Want: "runs[0]: tool: malformed input: missing"},
	{Name: "wrong-typed line deep in a result", In: log(`{"ruleId":"R1","locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.py"},"region":{"startLine":"12"}}}]}`),
		Want: "runs[0]: results[0] R1: locations[0].physicalLocation.region.startLine: malformed input: got JSON string, want number"},
	{Name: "unknown level", In: log(`{"ruleId":"R1","level":"fatal"}`),
		Want: `runs[0]: results[0] R1: level: malformed input: "fatal" is no SARIF level (error, warning, note, none)`},
	{Name: "security-severity an object", In: log(`{"ruleId":"R1","properties":{"security-severity":{}}}`),
		Want: "runs[0]: results[0] R1: properties.security-severity: malformed input: got JSON object, want number or string"},
	{Name: "security-severity above 10", In: log(`{"ruleId":"R1","properties":{"security-severity":"75"}}`),
		Want: "runs[0]: results[0] R1: properties.security-severity: malformed input: score 75 outside 0 to 10"},
	{Name: "NaN security-severity", In: log(`{"ruleId":"R1","properties":{"security-severity":"NaN"}}`),
		Want: "runs[0]: results[0] R1: properties.security-severity: malformed input: score NaN outside 0 to 10"},
	{Name: "NaN literal", In: log(`{"ruleId":"R1","properties":{"security-severity":NaN}}`),
		Want: "runs[0]: results[0]: malformed input: invalid JSON after byte 186: invalid character 'N' looking for beginning of value"},
	{Name: "bad cwe property", In: log(`{"ruleId":"R1","properties":{"cwe":"XSS"}}`),
		Want: `runs[0]: results[0] R1: properties.cwe: malformed input: not a CWE id: "XSS"`},
	{Name: "bad invocation time", In: `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"invocations":[{"startTimeUtc":"now"}]}]}`,
		Want: `runs[0]: invocations[0].startTimeUtc: malformed input: not a timestamp: "now"`},
	{Name: "trailing garbage", In: log(``) + "\n,",
		Want: "malformed input: data after the report at byte 191"},
	{Name: "truncated", In: log(`{"ruleId":"R1"}`)[:90],
		Want: "runs[0]: tool: malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
}

func FuzzParse(f *testing.F) {
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.sarif")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "sarif/codeQL-output.sarif")
}

func TestSniffRunsFirst(t *testing.T) {
	head := []byte(`{"runs":[{"tool":{"driver":{"name":"X","rules":[` + strings.Repeat(`{"id":"R"},`, 1000))
	if !Sniff(head[:8<<10]) {
		t.Error("a log with runs first and version past the head is not claimed")
	}
	if Sniff([]byte(`{"runs":[{"results":[]}]}`)) {
		t.Error("runs without a tool or version claimed")
	}
}
