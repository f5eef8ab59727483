package trivy

import (
	"encoding/json"
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
	scantest.Samples(t, Parse, "trivy", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		{File: "issue_9333.json", Want: scantest.Tally{Targets: 1, Results: 13, BySeverity: map[scan.Severity]int{scan.SevMedium: 1, scan.SevLow: 12}}, Golden: true},
		// 2 vulnerabilities, 1 misconfiguration, 2 secrets.
		{File: "misconfigurations_and_secrets.json", Want: scantest.Tally{Targets: 1, Results: 5,
			BySeverity: map[scan.Severity]int{scan.SevCritical: 2, scan.SevHigh: 2, scan.SevMedium: 1}}, Golden: true},
		{File: "cvssv4_severity_source.json", Want: scantest.Tally{Targets: 1, Results: 3,
			BySeverity: map[scan.Severity]int{scan.SevMedium: 1, scan.SevLow: 2}}, Golden: true},
		{File: "scheme_2_no_vuln.json", Want: scantest.Tally{Targets: 1, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	img := scantest.ParseFile(t, Parse, scantest.Shared(t, "trivy/issue_9333.json"))
	fs := scantest.ParseFile(t, Parse, scantest.Shared(t, "trivy/misconfigurations_and_secrets.json"))
	v4 := scantest.ParseFile(t, Parse, scantest.Shared(t, "trivy/cvssv4_severity_source.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "image target named from the os-pkgs result, ArtifactName being empty",
			Got:  img.Targets[0],
			Want: scan.Target{Kind: scan.TargetImage, Name: "noppaknopsta/example-app:main-159", OS: "debian 10.13"},
		},
		{
			Name: "Debian package gets the ecosystem of Metadata.OS",
			Got:  scantest.FindPackage(t, img, "CVE-2019-18276", "bash").Package,
			Want: &scan.Package{Ecosystem: "Debian:10", Name: "bash", Version: "5.0-4"},
		},
		{
			Name: "the one fixed vulnerability: fixed version, solution; nvd's v3.1 score beats the SeveritySource's (ghsa, 6.5)",
			Got: func() any {
				r := scantest.FindPackage(t, img, "CVE-2023-26136", "tough-cookie")
				return []any{r.Package.Fixed, r.Solution, r.Severity, r.ToolSeverity, r.Score, r.Vector, r.CWEs}
			}(),
			Want: []any{"4.1.3", "Upgrade tough-cookie to 4.1.3", scan.SevMedium, "MEDIUM", 9.8,
				"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []int{1321}},
		},
		{
			Name: "Debian's TEMP id: a rule with no CVE and no score",
			Got: func() any {
				r := scantest.FindPackage(t, img, "TEMP-0841856-B18BAF", "bash")
				return []any{r.IDs, r.Score, r.Severity}
			}(),
			Want: []any{[]string{"TEMP-0841856-B18BAF"}, 0.0, scan.SevLow},
		},
		{
			Name: "pip package: PyPI from the result type, located in its lockfile",
			Got: func() any {
				r := scantest.FindPackage(t, fs, "CVE-2021-33503", "urllib3")
				return []any{r.Package, r.Location, r.CWEs, r.Severity}
			}(),
			Want: []any{&scan.Package{Ecosystem: "PyPI", Name: "urllib3", Version: "1.26.3", Fixed: "1.26.5"},
				"requirements.txt", []int{400}, scan.SevHigh},
		},
		{
			Name: "misconfiguration",
			Got: func() any {
				r := scantest.FindPackage(t, fs, "DS002", "")
				return []any{r.Title, r.Location, r.Severity, r.Solution, r.Evidence}
			}(),
			Want: []any{"Image user should not be 'root'", "Dockerfile", scan.SevHigh,
				"Add 'USER <non root user name>' line to the Dockerfile",
				"Specify at least 1 USER command in Dockerfile with non-root user as argument"},
		},
		{
			Name: "secrets: one per file, with the line",
			Got: func() any {
				var locs []string
				for _, r := range fs.Results {
					if r.Rule == "github-pat" {
						locs = append(locs, r.Location+" "+string(r.Severity)+" "+r.Evidence)
					}
				}
				return locs
			}(),
			Want: []string{"Dockerfile:24 critical ENV GITHUB_PAT=*****", "secret.txt:1 critical GITHUB_PAT=*****"},
		},
		{
			Name: "CVSS v4.0 from ghsa beats Red Hat's v3.1; purl gives Maven; GHSA from VendorIDs",
			Got: func() any {
				r := scantest.FindPackage(t, v4, "CVE-2025-66614", "org.apache.tomcat:tomcat-catalina")
				return []any{r.IDs, r.Score, r.Vector, r.Package}
			}(),
			Want: []any{[]string{"CVE-2025-66614", "GHSA-fpj8-gq4v-p354"}, 6.3,
				"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
				&scan.Package{Ecosystem: "Maven", Name: "org.apache.tomcat:tomcat-catalina", Version: "9.0.109",
					PURL: "pkg:maven/org.apache.tomcat/tomcat-catalina@9.0.109", Fixed: "11.0.14, 10.1.49, 9.0.112", Path: "catalina.jar"}},
		},
		{
			Name: "report version and time",
			Got:  []any{v4.Version, v4.Finished.Format("2006-01-02T15:04:05.999999Z07:00")},
			Want: []any{"0.69.1", "2026-02-24T07:07:53.487381Z"},
		},
	})
}

// doc wraps one result's JSON in a minimal report.
func doc(result string) string {
	return `{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[` + result + `]}`
}

// vuln is a minimal vulnerability with extra fields.
func vuln(fields string) string {
	return doc(`{"Target":"requirements.txt","Class":"lang-pkgs","Type":"pip","Vulnerabilities":[` +
		`{"VulnerabilityID":"CVE-2022-40897","PkgName":"setuptools","InstalledVersion":"1"` + fields + `}]}`)
}

var badInputs = []scantest.BadInput{
	{Name: "empty", In: "",
		Want: "malformed input: empty input: Trivy writes a JSON document even when it finds nothing"},
	{Name: "malformed JSON", In: `{"SchemaVersion":2,,}`,
		Want: "report: malformed input: invalid JSON after byte 19: invalid character ',' looking for beginning of object key string"},
	{Name: "wrong top-level type", In: `[{"SchemaVersion":2}]`,
		Want: `malformed input: got '[', want a JSON object (Trivy SchemaVersion 2)`},
	{Name: "no SchemaVersion", In: `{"ArtifactName":"x","Results":[]}`,
		Want: "report: SchemaVersion: malformed input: missing"},
	{Name: "SchemaVersion 1", In: `{"SchemaVersion":1,"Results":[]}`,
		Want: "report: SchemaVersion: malformed input: unsupported 1 (vmc reads 2)"},
	{Name: "SchemaVersion a string", In: `{"SchemaVersion":"2"}`,
		Want: "report: SchemaVersion: malformed input: got JSON string, want number"},
	{Name: "Results an object", In: `{"SchemaVersion":2,"Results":{}}`,
		Want: "report: Results: malformed input: got JSON object, want array"},
	{Name: "result not an object", In: doc(`"x"`),
		Want: "Results[0]: malformed input: got JSON string, want object"},
	{Name: "wrong-typed score deep in a vulnerability", In: vuln(`,"CVSS":{"nvd":{"V3Score":"7.5"}}`),
		Want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CVSS.nvd.V3Score: malformed input: got JSON string, want number"},
	{Name: "wrong-typed CWE list element", In: vuln(`,"CweIDs":["CWE-79",79]`),
		Want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CweIDs[1]: malformed input: got JSON number, want string"},
	{Name: "not a CWE", In: vuln(`,"CweIDs":["XSS"]`),
		Want: `Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CweIDs[0]: malformed input: not a CWE id: "XSS"`},
	{Name: "NaN score", In: vuln(`,"CVSS":{"nvd":{"V3Score":NaN}}`),
		Want: "Results[0] requirements.txt: Vulnerabilities[0]: malformed input: invalid JSON after byte 158: invalid character 'N' looking for beginning of value"},
	{Name: "infinite score", In: vuln(`,"CVSS":{"nvd":{"V3Score":1e999}}`),
		Want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CVSS.nvd.V3Score: malformed input: got JSON number 1e999, want number"},
	{Name: "score above 10", In: vuln(`,"CVSS":{"redhat":{"V3Score":75}}`),
		Want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CVSS.redhat.V3Score: malformed input: score 75 outside 0 to 10"},
	{Name: "vulnerability without id", In: doc(`{"Target":"go.sum","Vulnerabilities":[{"PkgName":"x"}]}`),
		Want: "Results[0] go.sum: Vulnerabilities[0]: VulnerabilityID: malformed input: missing"},
	{Name: "misconfiguration without id", In: doc(`{"Target":"Dockerfile","Misconfigurations":[{"Title":"x"}]}`),
		Want: "Results[0] Dockerfile: Misconfigurations[0]: ID: malformed input: missing"},
	{Name: "secret line a string", In: doc(`{"Target":"a.env","Secrets":[{"RuleID":"aws-access-key-id","StartLine":"3"}]}`),
		Want: "Results[0] a.env: Secrets[0] aws-access-key-id: StartLine: malformed input: got JSON string, want number"},
	{Name: "CreatedAt not a time", In: `{"SchemaVersion":2,"CreatedAt":"yesterday"}`,
		Want: `report: CreatedAt: malformed input: not a timestamp: "yesterday"`},
	{Name: "trailing garbage", In: doc(``) + ` {"SchemaVersion":2}`,
		Want: "malformed input: data after the report at byte 81"},
	{Name: "truncated", In: vuln(`,"CVSS":{"nvd":{"V3Score":7.5}}`)[:170],
		Want: "Results[0] requirements.txt: Vulnerabilities[0]: malformed input: truncated: unexpected end of input"},
	{Name: "truncated between results", In: strings.TrimSuffix(doc(`{"Target":"a"},`), "]}"),
		Want: "Results[1]: malformed input: truncated: unexpected end of input"},
	{Name: "trailing comma in Results", In: doc(`{"Target":"a"},`),
		Want: "Results[1]: malformed input: invalid JSON after byte 92: invalid character ']' looking for beginning of value"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
}

func TestNonFailingMisconfigurationsSkipped(t *testing.T) {
	rep, err := Parse(strings.NewReader(doc(`{"Target":"Dockerfile","Class":"config","Misconfigurations":[` +
		`{"ID":"DS001","Status":"PASS"},{"ID":"DS002","Status":"FAIL","CauseMetadata":{"StartLine":3}},{"ID":"DS003","Status":"EXCEPTION"}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Rule+" "+r.Location)
	}
	if diff := cmp.Diff([]string{"DS002 Dockerfile:3"}, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "trivy/issue_9333.json")
}

// synthetic returns a report of n vulnerabilities: issue_9333.json's
// thirteen, repeated with distinct ids and package names.
func synthetic(b *testing.B, n int) []byte {
	data, err := os.ReadFile(scantest.Shared(b, "trivy/issue_9333.json"))
	if err != nil {
		b.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		b.Fatal(err)
	}
	res := doc["Results"].([]any)[0].(map[string]any)
	proto := res["Vulnerabilities"].([]any)
	vulns := make([]any, n)
	for i := range vulns {
		v := map[string]any{}
		for k, x := range proto[i%len(proto)].(map[string]any) {
			v[k] = x
		}
		v["VulnerabilityID"] = fmt.Sprintf("CVE-2024-%06d", i)
		v["PkgName"] = fmt.Sprintf("%s-%d", v["PkgName"], i/len(proto))
		vulns[i] = v
	}
	res["Vulnerabilities"] = vulns
	out, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func BenchmarkParse100k(b *testing.B) {
	const n = 100_000
	scantest.Benchmark(b, Parse, synthetic(b, n), scantest.ResultCount(n))
}

// BenchmarkDecodeAny100k is the baseline for BenchmarkParse100k: bare
// decoding of the same bytes into any.
func BenchmarkDecodeAny100k(b *testing.B) {
	const n = 100_000
	data := synthetic(b, n)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "results/s")
}

// failingReader fails after handing out its data.
type failingReader struct{ data []byte }

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadErrorIsNoFormatError(t *testing.T) {
	for _, data := range []string{"", `{"SchemaVersion":2,"Results":[`} {
		_, err := Parse(&failingReader{data: []byte(data)})
		var re *feed.RecordError
		if !errors.As(err, &re) || errors.Is(err, feed.ErrFormat) || !strings.Contains(err.Error(), "read: disk on fire") {
			t.Errorf("%q: error %v; want a located read error that does not wrap feed.ErrFormat", data, err)
		}
	}
}
