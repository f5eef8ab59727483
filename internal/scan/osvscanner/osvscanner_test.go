package osvscanner

import (
	"bytes"
	"errors"
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
		results int
		targets int
	}{
		// README: 6 sources, 11 packages, 66 vulnerabilities in 37 groups;
		// a result is a package × group.
		{file: "many_findings.json", results: 37, targets: 6},
		{file: "some_findings.json", results: 1, targets: 1},
		// 0 bytes: nothing found.
		{file: "no_findings.json", results: 0, targets: 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "osv-scanner/"+tt.file))
			if got := len(rep.Results); got != tt.results {
				t.Errorf("%d results, want %d", got, tt.results)
			}
			if got := len(rep.Targets); got != tt.targets {
				t.Errorf("%d targets, want %d", got, tt.targets)
			}
			scantest.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(tt.file, ".json")+".golden.json"), rep)
		})
	}
}

func find(t *testing.T, rep *scan.Report, rule, pkg string) scan.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Rule == rule && (pkg == "" && r.Package == nil || r.Package != nil && r.Package.Name == pkg) {
			return r
		}
	}
	t.Fatalf("no result %s %s", rule, pkg)
	return scan.Result{}
}

func TestSpotChecks(t *testing.T) {
	many := scantest.ParseFile(t, Parse, scantest.Shared(t, "osv-scanner/many_findings.json"))
	some := scantest.ParseFile(t, Parse, scantest.Shared(t, "osv-scanner/some_findings.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "a group of a GHSA and a PYSEC record with all aliases; GitHub's word; the fix on the installed branch",
			got:  find(t, many, "GHSA-2gwj-7jmv-h26r", "django"),
			want: scan.Result{
				Target: 4, Rule: "GHSA-2gwj-7jmv-h26r", Title: "SQL Injection in Django",
				IDs:  []string{"GHSA-2gwj-7jmv-h26r", "PYSEC-2022-190", "BIT-django-2022-28346", "CVE-2022-28346"},
				CWEs: []int{89}, Severity: scan.SevCritical, ToolSeverity: "CRITICAL",
				Score: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
				Package: &scan.Package{Ecosystem: "PyPI", Name: "django", Version: "3.2.4", PURL: "pkg:pypi/django@3.2.4",
					Fixed: "3.2.13", Path: "/tmprengine/web/requirements.txt"},
				Location:    "/tmprengine/web/requirements.txt",
				Description: find(t, many, "GHSA-2gwj-7jmv-h26r", "django").Description,
				Solution:    "Upgrade django to 3.2.13",
				References:  find(t, many, "GHSA-2gwj-7jmv-h26r", "django").References,
			},
		},
		{
			name: "PYSEC only: severity from the vector's score",
			got: func() any {
				r := find(t, many, "PYSEC-2023-206", "selenium")
				return []any{r.IDs, r.Severity, r.ToolSeverity, r.Score, r.Package.Fixed}
			}(),
			want: []any{[]string{"PYSEC-2023-206", "CVE-2023-5590"}, scan.SevHigh, "", 7.5, "4.14.0"},
		},
		{
			name: "git source matched by commit: no package",
			got: func() any {
				r := find(t, many, "CVE-2023-50094", "")
				return []any{r.Target, r.Location, r.Evidence, r.Severity, r.Score}
			}(),
			want: []any{3, "/tmprengine/", "commit f5f3c22f3ed5a6804a2a8d9ee9fa43044cfa24a6", scan.SevHigh, 8.8},
		},
		{
			name: "one group with two GHSA ids (psr7)",
			got:  find(t, many, "GHSA-q7rv-6hp3-vh96", "guzzlehttp/psr7").IDs,
			want: []string{"GHSA-q7rv-6hp3-vh96", "GHSA-wxmh-65f7-jcvw", "BIT-drupal-2022-24775", "CVE-2022-24775",
				"CVE-2023-29197", "CVE-2023-29530", "GHSA-xv3h-4844-9h36"},
		},
		{
			name: "malicious package: critical, CWE-506 from affected database_specific",
			got: func() any {
				r := find(t, some, "MAL-2023-1035", "flot-axis")
				return []any{r.Severity, r.CWEs, r.Package.Ecosystem, r.Package.PURL, r.IDs}
			}(),
			want: []any{scan.SevCritical, []int{506}, "npm", "pkg:npm/flot-axis@0.0.0", []string{"MAL-2023-1035", "GHSA-8348-2q94-ffjx"}},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// doc wraps a package entry in a minimal report.
func doc(pkg string) string {
	return `{"results":[{"source":{"path":"/src/requirements.txt","type":"lockfile"},"packages":[` + pkg + `]}]}`
}

// django is a package entry with one vulnerability's extra fields.
func django(vuln, groups string) string {
	return `{"package":{"name":"django","version":"3.2.4","ecosystem":"PyPI"},"vulnerabilities":[{"id":"GHSA-2gwj-7jmv-h26r"` + vuln + `}],"groups":[` + groups + `]}`
}

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "malformed JSON", doc: `{"results":[{"source":}]}`,
		want: "results[0]: source: malformed input: invalid JSON after byte 22: invalid character '}' looking for beginning of value"},
	{name: "wrong top-level type", doc: `"results"`,
		want: `malformed input: got '"', want a JSON object (osv-scanner JSON)`},
	{name: "results an object", doc: `{"results":{}}`,
		want: "report: results: malformed input: got JSON object, want array"},
	{name: "wrong-typed fixed event deep in a record",
		doc:  doc(django(`,"affected":[{"package":{"name":"django"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":3.2}]}]}]`, ``)),
		want: "results[0] /src/requirements.txt: packages[0] django: vulnerabilities[0] GHSA-2gwj-7jmv-h26r: affected[0].ranges[0].events[1].fixed: malformed input: got JSON number, want string"},
	{name: "wrong-typed group", doc: doc(django(``, `{"ids":"GHSA-2gwj-7jmv-h26r"}`)),
		want: "results[0] /src/requirements.txt: packages[0] django: groups[0].ids: malformed input: got JSON string, want array"},
	{name: "not a CVSS vector", doc: doc(django(`,"severity":[{"type":"CVSS_V3","score":"9.8"}]`, ``)),
		want: `results[0] /src/requirements.txt: packages[0] django: groups[0] GHSA-2gwj-7jmv-h26r: vulnerabilities[0].severity[0].score: malformed input: cvss "9.8": not a CVSS vector: no "CVSS:3.x/" or "CVSS:4.0/" prefix, and not v2.0 metrics`},
	{name: "NaN max_severity", doc: doc(django(``, `{"ids":["GHSA-2gwj-7jmv-h26r"],"max_severity":"NaN"}`)),
		want: "results[0] /src/requirements.txt: packages[0] django: groups[0] GHSA-2gwj-7jmv-h26r: max_severity: malformed input: score NaN outside 0 to 10"},
	{name: "NaN literal", doc: doc(`{"package":{"name":"x"},"groups":[{"max_severity":NaN}]}`),
		want: "results[0] /src/requirements.txt: packages[0]: malformed input: invalid JSON after byte 85: invalid character 'N' looking for beginning of value"},
	{name: "record without id", doc: doc(`{"package":{"name":"x"},"vulnerabilities":[{"summary":"s"}]}`),
		want: "results[0] /src/requirements.txt: packages[0] x: vulnerabilities[0]: id: malformed input: missing"},
	{name: "trailing garbage", doc: doc(``) + `{}`,
		want: "malformed input: data after the report at byte 90"},
	{name: "truncated", doc: doc(django(``, ``))[:100],
		want: "results[0] /src/requirements.txt: packages[0]: malformed input: truncated: unexpected end of input"},
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

func TestEmptyInputIsNothingFound(t *testing.T) {
	for _, in := range []string{"", "\n", "\xef\xbb\xbf  "} {
		rep, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if diff := cmp.Diff(&scan.Report{Tool: "osvscanner"}, rep); diff != "" {
			t.Errorf("%q (-want +got):\n%s", in, diff)
		}
	}
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
	for _, b := range badInputs {
		f.Add([]byte(b.doc))
	}
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "osv-scanner/many_findings.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(37*b.N)/b.Elapsed().Seconds(), "results/s")
}
