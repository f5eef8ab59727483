package anchore

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
		file       string
		results    int
		severities map[scan.Severity]int
	}{
		// README: all rpm; High 3, Medium 34, Low 14.
		{file: "many_vulns_2.4.1.json", results: 51, severities: map[scan.Severity]int{
			scan.SevHigh: 3, scan.SevMedium: 34, scan.SevLow: 14}},
		// README: Critical 8, High 8, Medium 24, Low 43, Unknown 1.
		{file: "new_format_issue_11552.json", results: 84, severities: map[scan.Severity]int{
			scan.SevCritical: 8, scan.SevHigh: 8, scan.SevMedium: 24, scan.SevLow: 43, scan.SevUnknown: 1}},
		// anchorectl: 20 dpkg from debian:9, 3 java; Medium 11, High 5,
		// Negligible 4, Low 1, Unknown 1, Critical 1.
		{file: "many_vulns.json", results: 23, severities: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 5, scan.SevMedium: 11, scan.SevLow: 1, scan.SevInfo: 4, scan.SevUnknown: 1}},
		{file: "no_vuln.json", results: 0, severities: map[scan.Severity]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "anchore/"+tt.file))
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
			scantest.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(tt.file, ".json")+".golden.json"), rep)
		})
	}
}

func find(t *testing.T, rep *scan.Report, rule, pkg string) scan.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Rule == rule && r.Package != nil && r.Package.Name == pkg {
			return r
		}
	}
	t.Fatalf("no result %s %s", rule, pkg)
	return scan.Result{}
}

func TestSpotChecks(t *testing.T) {
	engine := scantest.ParseFile(t, Parse, scantest.Shared(t, "anchore/many_vulns_2.4.1.json"))
	newer := scantest.ParseFile(t, Parse, scantest.Shared(t, "anchore/new_format_issue_11552.json"))
	ctl := scantest.ParseFile(t, Parse, scantest.Shared(t, "anchore/many_vulns.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "engine: image by full tag and digest, OS from the feed group",
			got:  engine.Targets,
			want: []scan.Target{{Kind: scan.TargetImage, Name: "registry1.dsop.io/ironbank-staging/cloudbees/core/agent:152299", OS: "rhel 8",
				Digest: "sha256:e010a676dba57f2110960b4e81a1d9098585ed6a8ac79e8c4a552ba4018d1674"}},
		},
		{
			name: "engine: the v3.1 vector from extra; Red Hat from rhel:8; pkgdb is no path",
			got: func() any {
				r := find(t, engine, "CVE-2020-8927", "brotli")
				return []any{r.Score, r.Vector, r.Package, r.Location, r.Evidence}
			}(),
			want: []any{6.5, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:L",
				&scan.Package{Ecosystem: "Red Hat", Name: "brotli", Version: "1.0.6-2.el8"}, "", "inherited from the base image"},
		},
		{
			name: "newer report: image reference from metadata",
			got:  []any{newer.Targets, newer.Finished.String()},
			want: []any{[]scan.Target{{Kind: scan.TargetImage, Name: "docker.io/myimage:new",
				Digest: "sha256:100ec0d69914788c491567bccaea0ab9aa50f0ddd00584db7afb264718c010d6"}}, "2025-01-13 10:09:59.971 +0000 UTC"},
		},
		{
			name: "newer report: Java package split from its version, fixes as written",
			got:  find(t, newer, "CVE-2024-50379", "tomcat-annotations-api"),
			want: scan.Result{Rule: "CVE-2024-50379", IDs: []string{"CVE-2024-50379"}, Severity: scan.SevCritical, ToolSeverity: "Critical", Score: 9.8,
				Package: &scan.Package{Ecosystem: "Maven", Name: "tomcat-annotations-api", Version: "9.0.97",
					Fixed: "10.1.34,11.0.2,9.0.98", Path: "/aci/base/lib/tomcat-annotations-api-9.0.97.jar"},
				Location: "/aci/base/lib/tomcat-annotations-api-9.0.97.jar", Solution: "Upgrade tomcat-annotations-api to 10.1.34,11.0.2,9.0.98",
				References: []string{"https://nvd.nist.gov/vuln/detail/CVE-2024-50379"}},
		},
		{
			name: "newer report: RPM with epoch split at its last two dashes; N/A score; Unknown severity",
			got: func() any {
				r := find(t, newer, "CVE-2023-2004", "java-11-openjdk-headless")
				return []any{r.Package.Version, r.Package.Ecosystem, r.Score, r.Severity, r.ToolSeverity}
			}(),
			want: []any{"1:11.0.25.0.9-2.el8", "", 0.0, scan.SevUnknown, "Unknown"},
		},
		{
			name: "anchorectl: VulnDB id, v3 of -1 passed over for v2, Maven by type",
			got: func() any {
				r := find(t, ctl, "VULNDB-103881", "jersey")
				return []any{r.Score, r.Package.Ecosystem, r.Package.Fixed, r.Location}
			}(),
			want: []any{5.0, "Maven", "1.18", "/usr/share/myapp/myapp.war:sources/jersey-apache-client-1.13-sources-jar/jersey-apache-client-1.13-sources.jar"},
		},
		{
			name: "anchorectl: Negligible is info, Debian:9 from the feed group, no image name",
			got: func() any {
				r := find(t, ctl, "CVE-2011-3374", "apt")
				return []any{r.Severity, r.Package.Ecosystem, ctl.Targets}
			}(),
			want: []any{scan.SevInfo, "Debian:9", []scan.Target{{Kind: scan.TargetImage, OS: "debian 9"}}},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func engineDoc(vulns string) string {
	return `{"imageDigest":"sha256:1","vulnerability_type":"all","vulnerabilities":[` + vulns + `]}`
}

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "empty", doc: "",
		want: "malformed input: empty input: Anchore writes a JSON document even when it finds nothing"},
	{name: "malformed JSON", doc: `{"imageDigest":"sha256:1","vulnerabilities":[{"vuln":"CVE-1",}]}`,
		want: "vulnerabilities[0]: malformed input: invalid JSON after byte 45: invalid character '}' looking for beginning of object key string"},
	{name: "wrong top-level type", doc: `"anchore"`,
		want: `malformed input: got '"', want a JSON object or array (Anchore report)`},
	{name: "vulnerabilities an object", doc: `{"vulnerabilities":{}}`,
		want: "report: vulnerabilities: malformed input: got JSON object, want array"},
	{name: "wrong-typed score deep in an entry", doc: engineDoc(`{"vuln":"CVE-2020-8927","nvd_data":[{"id":"CVE-2020-8927","cvss_v3":{"base_score":"6.5"}}]}`),
		want: "vulnerabilities[0] CVE-2020-8927: nvd_data[0].cvss_v3.base_score: malformed input: got JSON string, want number"},
	{name: "score above 10", doc: engineDoc(`{"vuln":"CVE-1","vendor_data":[{"cvss_v2":{"base_score":50}}]}`),
		want: "vulnerabilities[0] CVE-1: malformed input: score 50 outside 0 to 10"},
	{name: "NaN literal", doc: engineDoc(`{"vuln":"CVE-1","nvd_data":[{"cvss_v2":{"base_score":NaN}}]}`),
		want: "vulnerabilities[0]: malformed input: invalid JSON after byte 72: invalid character 'N' looking for beginning of value"},
	{name: "NaN string score", doc: `{"metadata":{},"securityEvaluation":[{"vulnerabilityId":"CVE-1","nvdCvssBaseScore":"NaN"}]}`,
		want: "securityEvaluation[0] CVE-1: nvdCvssBaseScore: malformed input: score NaN outside 0 to 10"},
	{name: "score an array", doc: `{"metadata":{},"securityEvaluation":[{"vulnerabilityId":"CVE-1","nvdCvssBaseScore":[]}]}`,
		want: "securityEvaluation[0] CVE-1: nvdCvssBaseScore: malformed input: got JSON array, want number or string"},
	{name: "anchorectl entry without vuln", doc: `[{"packageName":"apt"}]`,
		want: "[0]: vuln: malformed input: missing"},
	{name: "bad timestamp", doc: `{"metadata":{"timestamp":"13/01/2025"},"securityEvaluation":[]}`,
		want: `report: metadata.timestamp: malformed input: not a timestamp: "13/01/2025"`},
	{name: "trailing garbage", doc: `[]]`,
		want: "malformed input: data after the report at byte 2"},
	{name: "truncated", doc: engineDoc(`{"vuln":"CVE-1"}`)[:80],
		want: "vulnerabilities[0]: malformed input: truncated: unexpected end of input"},
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

func TestSplitPackage(t *testing.T) {
	tests := []struct{ in, typ, name, version string }{
		{"tomcat-annotations-api-9.0.97", "Java", "tomcat-annotations-api", "9.0.97"},
		{"java-11-openjdk-headless-1:11.0.25.0.9-2.el8", "RPM", "java-11-openjdk-headless", "1:11.0.25.0.9-2.el8"},
		{"lz4-libs-1.8.3-3.el8_4", "RPM", "lz4-libs", "1.8.3-3.el8_4"},
		{"noversion", "Java", "noversion", ""},
		{"x-1", "RPM", "x-1", ""},
	}
	for _, tt := range tests {
		name, version := splitPackage(tt.in, tt.typ)
		if name != tt.name || version != tt.version {
			t.Errorf("splitPackage(%q, %q) = %q, %q, want %q, %q", tt.in, tt.typ, name, version, tt.name, tt.version)
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
	data, err := os.ReadFile(scantest.Shared(b, "anchore/many_vulns_2.4.1.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(51*b.N)/b.Elapsed().Seconds(), "results/s")
}

func TestSniffVulnerabilitiesFirst(t *testing.T) {
	entry := `{"feed":"vulnerabilities","feed_group":"debian:9","package_name":"apt","vuln":"CVE-2011-3374"},`
	head := []byte(`{"vulnerabilities":[` + strings.Repeat(entry, 200))
	if !Sniff(head[:8<<10]) {
		t.Error("an engine report with its list first is not claimed")
	}
	if Sniff([]byte(`{"vulnerabilities":[{"id":"SNYK-JS-X-1","packageName":"x","semver":{}}]`)) {
		t.Error("a Snyk project claimed")
	}
}
