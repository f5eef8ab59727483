package osvscanner

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "osv-scanner", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		// README: 6 sources, 11 packages, 66 vulnerabilities in 37 groups;
		// a result is a package × group.
		{File: "many_findings.json", Want: scantest.Tally{Targets: 6, Results: 37,
			BySeverity: map[scan.Severity]int{scan.SevCritical: 5, scan.SevHigh: 18, scan.SevMedium: 14}}, Golden: true},
		{File: "some_findings.json", Want: scantest.Tally{Targets: 1, Results: 1, BySeverity: map[scan.Severity]int{scan.SevCritical: 1}}, Golden: true},
		// 0 bytes: nothing found.
		{File: "no_findings.json", Want: scantest.Tally{Targets: 0, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	many := scantest.ParseFile(t, Parse, scantest.Shared(t, "osv-scanner/many_findings.json"))
	some := scantest.ParseFile(t, Parse, scantest.Shared(t, "osv-scanner/some_findings.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "a group of a GHSA and a PYSEC record with all aliases; GitHub's word; the fix on the installed branch",
			Got:  scantest.FindPackage(t, many, "GHSA-2gwj-7jmv-h26r", "django"),
			Want: scan.Result{
				Target: 4, Rule: "GHSA-2gwj-7jmv-h26r", Title: "SQL Injection in Django",
				IDs:  []string{"GHSA-2gwj-7jmv-h26r", "PYSEC-2022-190", "BIT-django-2022-28346", "CVE-2022-28346"},
				CWEs: []int{89}, Severity: scan.SevCritical, ToolSeverity: "CRITICAL",
				Score: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
				Package: &scan.Package{Ecosystem: "PyPI", Name: "django", Version: "3.2.4", PURL: "pkg:pypi/django@3.2.4",
					Fixed: "3.2.13", Path: "/tmprengine/web/requirements.txt"},
				Location:    "/tmprengine/web/requirements.txt",
				Description: scantest.FindPackage(t, many, "GHSA-2gwj-7jmv-h26r", "django").Description,
				Solution:    "Upgrade django to 3.2.13",
				References:  scantest.FindPackage(t, many, "GHSA-2gwj-7jmv-h26r", "django").References,
			},
		},
		{
			Name: "PYSEC only: severity from the vector's score",
			Got: func() any {
				r := scantest.FindPackage(t, many, "PYSEC-2023-206", "selenium")
				return []any{r.IDs, r.Severity, r.ToolSeverity, r.Score, r.Package.Fixed}
			}(),
			Want: []any{[]string{"PYSEC-2023-206", "CVE-2023-5590"}, scan.SevHigh, "", 7.5, "4.14.0"},
		},
		{
			Name: "git source matched by commit: no package",
			Got: func() any {
				r := scantest.FindPackage(t, many, "CVE-2023-50094", "")
				return []any{r.Target, r.Location, r.Evidence, r.Severity, r.Score}
			}(),
			Want: []any{3, "/tmprengine/", "commit f5f3c22f3ed5a6804a2a8d9ee9fa43044cfa24a6", scan.SevHigh, 8.8},
		},
		{
			Name: "one group with two GHSA ids (psr7)",
			Got:  scantest.FindPackage(t, many, "GHSA-q7rv-6hp3-vh96", "guzzlehttp/psr7").IDs,
			Want: []string{"GHSA-q7rv-6hp3-vh96", "GHSA-wxmh-65f7-jcvw", "BIT-drupal-2022-24775", "CVE-2022-24775",
				"CVE-2023-29197", "CVE-2023-29530", "GHSA-xv3h-4844-9h36"},
		},
		{
			Name: "malicious package: critical, CWE-506 from affected database_specific",
			Got: func() any {
				r := scantest.FindPackage(t, some, "MAL-2023-1035", "flot-axis")
				return []any{r.Severity, r.CWEs, r.Package.Ecosystem, r.Package.PURL, r.IDs}
			}(),
			Want: []any{scan.SevCritical, []int{506}, "npm", "pkg:npm/flot-axis@0.0.0", []string{"MAL-2023-1035", "GHSA-8348-2q94-ffjx"}},
		},
	})
}

// doc wraps a package entry in a minimal report.
func doc(pkg string) string {
	return `{"results":[{"source":{"path":"/src/requirements.txt","type":"lockfile"},"packages":[` + pkg + `]}]}`
}

// django is a package entry with one vulnerability's extra fields.
func django(vuln, groups string) string {
	return `{"package":{"name":"django","version":"3.2.4","ecosystem":"PyPI"},"vulnerabilities":[{"id":"GHSA-2gwj-7jmv-h26r"` + vuln + `}],"groups":[` + groups + `]}`
}

var badInputs = []scantest.BadInput{
	{Name: "malformed JSON", In: `{"results":[{"source":}]}`,
		Want: "results[0]: source: malformed input: invalid JSON after byte 22: invalid character '}' looking for beginning of value"},
	{Name: "wrong top-level type", In: `"results"`,
		Want: `malformed input: got '"', want a JSON object (osv-scanner JSON)`},
	{Name: "results an object", In: `{"results":{}}`,
		Want: "report: results: malformed input: got JSON object, want array"},
	{Name: "wrong-typed fixed event deep in a record",
		In:   doc(django(`,"affected":[{"package":{"name":"django"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":3.2}]}]}]`, ``)),
		Want: "results[0] /src/requirements.txt: packages[0] django: vulnerabilities[0] GHSA-2gwj-7jmv-h26r: affected[0].ranges[0].events[1].fixed: malformed input: got JSON number, want string"},
	{Name: "wrong-typed group", In: doc(django(``, `{"ids":"GHSA-2gwj-7jmv-h26r"}`)),
		Want: "results[0] /src/requirements.txt: packages[0] django: groups[0].ids: malformed input: got JSON string, want array"},
	{Name: "not a CVSS vector", In: doc(django(`,"severity":[{"type":"CVSS_V3","score":"9.8"}]`, ``)),
		Want: `results[0] /src/requirements.txt: packages[0] django: groups[0] GHSA-2gwj-7jmv-h26r: vulnerabilities[0].severity[0].score: malformed input: cvss "9.8": not a CVSS vector: no "CVSS:3.x/" or "CVSS:4.0/" prefix, and not v2.0 metrics`},
	{Name: "NaN max_severity", In: doc(django(``, `{"ids":["GHSA-2gwj-7jmv-h26r"],"max_severity":"NaN"}`)),
		Want: "results[0] /src/requirements.txt: packages[0] django: groups[0] GHSA-2gwj-7jmv-h26r: max_severity: malformed input: score NaN outside 0 to 10"},
	{Name: "NaN literal", In: doc(`{"package":{"name":"x"},"groups":[{"max_severity":NaN}]}`),
		Want: "results[0] /src/requirements.txt: packages[0]: malformed input: invalid JSON after byte 85: invalid character 'N' looking for beginning of value"},
	{Name: "record without id", In: doc(`{"package":{"name":"x"},"vulnerabilities":[{"summary":"s"}]}`),
		Want: "results[0] /src/requirements.txt: packages[0] x: vulnerabilities[0]: id: malformed input: missing"},
	{Name: "trailing garbage", In: doc(``) + `{}`,
		Want: "malformed input: data after the report at byte 90"},
	{Name: "truncated", In: doc(django(``, ``))[:100],
		Want: "results[0] /src/requirements.txt: packages[0]: malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
}

func TestEmptyInputIsNothingFound(t *testing.T) {
	var inputs []scantest.Input
	for _, in := range []string{"", "\n", "\xef\xbb\xbf  "} {
		inputs = append(inputs, scantest.Input{Name: fmt.Sprintf("%q", in), In: in, Want: &scan.Report{Tool: "osvscanner"}})
	}
	scantest.Parses(t, Parse, inputs)
}

func TestMaxSeverityAndUngrouped(t *testing.T) {
	// max_severity decides the severity; a record no group names is a
	// result of its own.
	rep, err := Parse(strings.NewReader(doc(`{"package":{"name":"left-pad","version":"1.0.0","ecosystem":"npm"},` +
		`"vulnerabilities":[{"id":"GHSA-aaaa-bbbb-cccc","database_specific":{"severity":"LOW"}},{"id":"OSV-2024-1"}],` +
		`"groups":[{"ids":["GHSA-aaaa-bbbb-cccc"],"aliases":["CVE-2024-1"],"max_severity":"9.1"}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Rule+" "+strings.Join(r.IDs, ",")+" "+string(r.Severity)+" "+r.ToolSeverity)
	}
	want := []string{"GHSA-aaaa-bbbb-cccc GHSA-aaaa-bbbb-cccc,CVE-2024-1 critical 9.1", "OSV-2024-1 OSV-2024-1 unknown "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "osv-scanner/many_findings.json")
}
