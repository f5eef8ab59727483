package trivy

import (
	"bytes"
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
	tests := []struct {
		file    string
		results int  // as ../shared/data/scanners/README.md counts them
		golden  bool // small enough for a golden file
	}{
		{file: "issue_9333.json", results: 13, golden: true},
		// 2 vulnerabilities, 1 misconfiguration, 2 secrets.
		{file: "misconfigurations_and_secrets.json", results: 5, golden: true},
		{file: "cvssv4_severity_source.json", results: 3, golden: true},
		{file: "scheme_2_no_vuln.json", results: 0, golden: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "trivy/"+tt.file))
			if got := len(rep.Results); got != tt.results {
				t.Errorf("%d results, want %d", got, tt.results)
			}
			if len(rep.Targets) != 1 {
				t.Errorf("%d targets, want the one artifact", len(rep.Targets))
			}
			if tt.golden {
				scantest.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(tt.file, ".json")+".golden.json"), rep)
			}
		})
	}
}

// find returns the result with rule and package name, failing the test if
// there is none.
func find(t *testing.T, rep *scan.Report, rule, pkg string) scan.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Rule == rule && (pkg == "" || r.Package != nil && r.Package.Name == pkg) {
			return r
		}
	}
	t.Fatalf("no result %s %s", rule, pkg)
	return scan.Result{}
}

func TestSpotChecks(t *testing.T) {
	img := scantest.ParseFile(t, Parse, scantest.Shared(t, "trivy/issue_9333.json"))
	fs := scantest.ParseFile(t, Parse, scantest.Shared(t, "trivy/misconfigurations_and_secrets.json"))
	v4 := scantest.ParseFile(t, Parse, scantest.Shared(t, "trivy/cvssv4_severity_source.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "image target named from the os-pkgs result, ArtifactName being empty",
			got:  img.Targets[0],
			want: scan.Target{Kind: scan.TargetImage, Name: "noppaknopsta/example-app:main-159", OS: "debian 10.13"},
		},
		{
			name: "Debian package gets the ecosystem of Metadata.OS",
			got:  find(t, img, "CVE-2019-18276", "bash").Package,
			want: &scan.Package{Ecosystem: "Debian:10", Name: "bash", Version: "5.0-4"},
		},
		{
			name: "the one fixed vulnerability: fixed version, solution; nvd's v3.1 score beats the SeveritySource's (ghsa, 6.5)",
			got: func() any {
				r := find(t, img, "CVE-2023-26136", "tough-cookie")
				return []any{r.Package.Fixed, r.Solution, r.Severity, r.ToolSeverity, r.Score, r.Vector, r.CWEs}
			}(),
			want: []any{"4.1.3", "Upgrade tough-cookie to 4.1.3", scan.SevMedium, "MEDIUM", 9.8,
				"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []int{1321}},
		},
		{
			name: "Debian's TEMP id: a rule with no CVE and no score",
			got: func() any {
				r := find(t, img, "TEMP-0841856-B18BAF", "bash")
				return []any{r.IDs, r.Score, r.Severity}
			}(),
			want: []any{[]string{"TEMP-0841856-B18BAF"}, 0.0, scan.SevLow},
		},
		{
			name: "pip package: PyPI from the result type, located in its lockfile",
			got: func() any {
				r := find(t, fs, "CVE-2021-33503", "urllib3")
				return []any{r.Package, r.Location, r.CWEs, r.Severity}
			}(),
			want: []any{&scan.Package{Ecosystem: "PyPI", Name: "urllib3", Version: "1.26.3", Fixed: "1.26.5"},
				"requirements.txt", []int{400}, scan.SevHigh},
		},
		{
			name: "misconfiguration",
			got: func() any {
				r := find(t, fs, "DS002", "")
				return []any{r.Title, r.Location, r.Severity, r.Solution, r.Evidence}
			}(),
			want: []any{"Image user should not be 'root'", "Dockerfile", scan.SevHigh,
				"Add 'USER <non root user name>' line to the Dockerfile",
				"Specify at least 1 USER command in Dockerfile with non-root user as argument"},
		},
		{
			name: "secrets: one per file, with the line",
			got: func() any {
				var locs []string
				for _, r := range fs.Results {
					if r.Rule == "github-pat" {
						locs = append(locs, r.Location+" "+string(r.Severity)+" "+r.Evidence)
					}
				}
				return locs
			}(),
			want: []string{"Dockerfile:24 critical ENV GITHUB_PAT=*****", "secret.txt:1 critical GITHUB_PAT=*****"},
		},
		{
			name: "CVSS v4.0 from ghsa beats Red Hat's v3.1; purl gives Maven; GHSA from VendorIDs",
			got: func() any {
				r := find(t, v4, "CVE-2025-66614", "org.apache.tomcat:tomcat-catalina")
				return []any{r.IDs, r.Score, r.Vector, r.Package}
			}(),
			want: []any{[]string{"CVE-2025-66614", "GHSA-fpj8-gq4v-p354"}, 6.3,
				"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
				&scan.Package{Ecosystem: "Maven", Name: "org.apache.tomcat:tomcat-catalina", Version: "9.0.109",
					PURL: "pkg:maven/org.apache.tomcat/tomcat-catalina@9.0.109", Fixed: "11.0.14, 10.1.49, 9.0.112", Path: "catalina.jar"}},
		},
		{
			name: "report version and time",
			got:  []any{v4.Version, v4.Finished.Format("2006-01-02T15:04:05.999999Z07:00")},
			want: []any{"0.69.1", "2026-02-24T07:07:53.487381Z"},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
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

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "empty", doc: "",
		want: "malformed input: empty input: Trivy writes a JSON document even when it finds nothing"},
	{name: "malformed JSON", doc: `{"SchemaVersion":2,,}`,
		want: "report: malformed input: invalid JSON after byte 19: invalid character ',' looking for beginning of object key string"},
	{name: "wrong top-level type", doc: `[{"SchemaVersion":2}]`,
		want: `malformed input: got '[', want a JSON object (Trivy SchemaVersion 2)`},
	{name: "no SchemaVersion", doc: `{"ArtifactName":"x","Results":[]}`,
		want: "report: SchemaVersion: malformed input: missing"},
	{name: "SchemaVersion 1", doc: `{"SchemaVersion":1,"Results":[]}`,
		want: "report: SchemaVersion: malformed input: unsupported 1 (vmc reads 2)"},
	{name: "SchemaVersion a string", doc: `{"SchemaVersion":"2"}`,
		want: "report: SchemaVersion: malformed input: got JSON string, want number"},
	{name: "Results an object", doc: `{"SchemaVersion":2,"Results":{}}`,
		want: "report: Results: malformed input: got JSON object, want array"},
	{name: "result not an object", doc: doc(`"x"`),
		want: "Results[0]: malformed input: got JSON string, want object"},
	{name: "wrong-typed score deep in a vulnerability", doc: vuln(`,"CVSS":{"nvd":{"V3Score":"7.5"}}`),
		want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CVSS.nvd.V3Score: malformed input: got JSON string, want number"},
	{name: "wrong-typed CWE list element", doc: vuln(`,"CweIDs":["CWE-79",79]`),
		want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CweIDs[1]: malformed input: got JSON number, want string"},
	{name: "not a CWE", doc: vuln(`,"CweIDs":["XSS"]`),
		want: `Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CweIDs[0]: malformed input: not a CWE id: "XSS"`},
	{name: "NaN score", doc: vuln(`,"CVSS":{"nvd":{"V3Score":NaN}}`),
		want: "Results[0] requirements.txt: Vulnerabilities[0]: malformed input: invalid JSON after byte 158: invalid character 'N' looking for beginning of value"},
	{name: "infinite score", doc: vuln(`,"CVSS":{"nvd":{"V3Score":1e999}}`),
		want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CVSS.nvd.V3Score: malformed input: got JSON number 1e999, want number"},
	{name: "score above 10", doc: vuln(`,"CVSS":{"redhat":{"V3Score":75}}`),
		want: "Results[0] requirements.txt: Vulnerabilities[0] CVE-2022-40897: CVSS.redhat.V3Score: malformed input: score 75 outside 0 to 10"},
	{name: "vulnerability without id", doc: doc(`{"Target":"go.sum","Vulnerabilities":[{"PkgName":"x"}]}`),
		want: "Results[0] go.sum: Vulnerabilities[0]: VulnerabilityID: malformed input: missing"},
	{name: "misconfiguration without id", doc: doc(`{"Target":"Dockerfile","Misconfigurations":[{"Title":"x"}]}`),
		want: "Results[0] Dockerfile: Misconfigurations[0]: ID: malformed input: missing"},
	{name: "secret line a string", doc: doc(`{"Target":"a.env","Secrets":[{"RuleID":"aws-access-key-id","StartLine":"3"}]}`),
		want: "Results[0] a.env: Secrets[0] aws-access-key-id: StartLine: malformed input: got JSON string, want number"},
	{name: "CreatedAt not a time", doc: `{"SchemaVersion":2,"CreatedAt":"yesterday"}`,
		want: `report: CreatedAt: malformed input: not a timestamp: "yesterday"`},
	{name: "trailing garbage", doc: doc(``) + ` {"SchemaVersion":2}`,
		want: "malformed input: data after the report at byte 81"},
	{name: "truncated", doc: vuln(`,"CVSS":{"nvd":{"V3Score":7.5}}`)[:170],
		want: "Results[0] requirements.txt: Vulnerabilities[0]: malformed input: truncated: unexpected end of input"},
	{name: "truncated between results", doc: strings.TrimSuffix(doc(`{"Target":"a"},`), "]}"),
		want: "Results[1]: malformed input: truncated: unexpected end of input"},
	{name: "trailing comma in Results", doc: doc(`{"Target":"a"},`),
		want: "Results[1]: malformed input: invalid JSON after byte 92: invalid character ']' looking for beginning of value"},
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
	for _, b := range badInputs {
		f.Add([]byte(b.doc))
	}
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "trivy/issue_9333.json"))
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
	data := synthetic(b, n)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := Parse(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Results) != n {
			b.Fatalf("%d results", len(rep.Results))
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "results/s")
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
