package anchore

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "anchore", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		// README: all rpm; High 3, Medium 34, Low 14.
		{File: "many_vulns_2.4.1.json", Want: scantest.Tally{Targets: 1, Results: 51, BySeverity: map[scan.Severity]int{
			scan.SevHigh: 3, scan.SevMedium: 34, scan.SevLow: 14}}, Golden: true},
		// README: Critical 8, High 8, Medium 24, Low 43, Unknown 1.
		{File: "new_format_issue_11552.json", Want: scantest.Tally{Targets: 1, Results: 84, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 8, scan.SevHigh: 8, scan.SevMedium: 24, scan.SevLow: 43, scan.SevUnknown: 1}}, Golden: true},
		// anchorectl: 20 dpkg from debian:9, 3 java; Medium 11, High 5,
		// Negligible 4, Low 1, Unknown 1, Critical 1.
		{File: "many_vulns.json", Want: scantest.Tally{Targets: 1, Results: 23, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 5, scan.SevMedium: 11, scan.SevLow: 1, scan.SevInfo: 4, scan.SevUnknown: 1}}, Golden: true},
		{File: "no_vuln.json", Want: scantest.Tally{Targets: 1, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	engine := scantest.ParseFile(t, Parse, scantest.Shared(t, "anchore/many_vulns_2.4.1.json"))
	newer := scantest.ParseFile(t, Parse, scantest.Shared(t, "anchore/new_format_issue_11552.json"))
	ctl := scantest.ParseFile(t, Parse, scantest.Shared(t, "anchore/many_vulns.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "engine: image by full tag and digest, OS from the feed group",
			Got:  engine.Targets,
			Want: []scan.Target{{Kind: scan.TargetImage, Name: "registry1.dsop.io/ironbank-staging/cloudbees/core/agent:152299", OS: "rhel 8",
				Digest: "sha256:e010a676dba57f2110960b4e81a1d9098585ed6a8ac79e8c4a552ba4018d1674"}},
		},
		{
			Name: "engine: the v3.1 vector from extra; Red Hat from rhel:8; pkgdb is no path",
			Got: func() any {
				r := scantest.FindPackage(t, engine, "CVE-2020-8927", "brotli")
				return []any{r.Score, r.Vector, r.Package, r.Location, r.Evidence}
			}(),
			Want: []any{6.5, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:L",
				&scan.Package{Ecosystem: "Red Hat", Name: "brotli", Version: "1.0.6-2.el8"}, "", "inherited from the base image"},
		},
		{
			Name: "newer report: image reference from metadata",
			Got:  []any{newer.Targets, newer.Finished.String()},
			Want: []any{[]scan.Target{{Kind: scan.TargetImage, Name: "docker.io/myimage:new",
				Digest: "sha256:100ec0d69914788c491567bccaea0ab9aa50f0ddd00584db7afb264718c010d6"}}, "2025-01-13 10:09:59.971 +0000 UTC"},
		},
		{
			Name: "newer report: Java package split from its version, fixes as written",
			Got:  scantest.FindPackage(t, newer, "CVE-2024-50379", "tomcat-annotations-api"),
			Want: scan.Result{Rule: "CVE-2024-50379", IDs: []string{"CVE-2024-50379"}, Severity: scan.SevCritical, ToolSeverity: "Critical", Score: 9.8,
				Package: &scan.Package{Ecosystem: "Maven", Name: "tomcat-annotations-api", Version: "9.0.97",
					Fixed: "10.1.34,11.0.2,9.0.98", Path: "/aci/base/lib/tomcat-annotations-api-9.0.97.jar"},
				Location: "/aci/base/lib/tomcat-annotations-api-9.0.97.jar", Solution: "Upgrade tomcat-annotations-api to 10.1.34,11.0.2,9.0.98",
				References: []string{"https://nvd.nist.gov/vuln/detail/CVE-2024-50379"}},
		},
		{
			Name: "newer report: RPM with epoch split at its last two dashes; N/A score; Unknown severity",
			Got: func() any {
				r := scantest.FindPackage(t, newer, "CVE-2023-2004", "java-11-openjdk-headless")
				return []any{r.Package.Version, r.Package.Ecosystem, r.Score, r.Severity, r.ToolSeverity}
			}(),
			Want: []any{"1:11.0.25.0.9-2.el8", "", 0.0, scan.SevUnknown, "Unknown"},
		},
		{
			Name: "anchorectl: VulnDB id, v3 of -1 passed over for v2, Maven by type",
			Got: func() any {
				r := scantest.FindPackage(t, ctl, "VULNDB-103881", "jersey")
				return []any{r.Score, r.Package.Ecosystem, r.Package.Fixed, r.Location}
			}(),
			Want: []any{5.0, "Maven", "1.18", "/usr/share/myapp/myapp.war:sources/jersey-apache-client-1.13-sources-jar/jersey-apache-client-1.13-sources.jar"},
		},
		{
			Name: "anchorectl: Negligible is info, Debian:9 from the feed group, no image name",
			Got: func() any {
				r := scantest.FindPackage(t, ctl, "CVE-2011-3374", "apt")
				return []any{r.Severity, r.Package.Ecosystem, ctl.Targets}
			}(),
			Want: []any{scan.SevInfo, "Debian:9", []scan.Target{{Kind: scan.TargetImage, OS: "debian 9"}}},
		},
	})
}

func engineDoc(vulns string) string {
	return `{"imageDigest":"sha256:1","vulnerability_type":"all","vulnerabilities":[` + vulns + `]}`
}

var badInputs = []scantest.BadInput{
	{Name: "empty", In: "",
		Want: "malformed input: empty input: Anchore writes a JSON document even when it finds nothing"},
	{Name: "malformed JSON", In: `{"imageDigest":"sha256:1","vulnerabilities":[{"vuln":"CVE-1",}]}`,
		Want: "vulnerabilities[0]: malformed input: invalid JSON after byte 45: invalid character '}' looking for beginning of object key string"},
	{Name: "wrong top-level type", In: `"anchore"`,
		Want: `malformed input: got '"', want a JSON object or array (Anchore report)`},
	{Name: "vulnerabilities an object", In: `{"vulnerabilities":{}}`,
		Want: "report: vulnerabilities: malformed input: got JSON object, want array"},
	{Name: "wrong-typed score deep in an entry", In: engineDoc(`{"vuln":"CVE-2020-8927","nvd_data":[{"id":"CVE-2020-8927","cvss_v3":{"base_score":"6.5"}}]}`),
		Want: "vulnerabilities[0] CVE-2020-8927: nvd_data[0].cvss_v3.base_score: malformed input: got JSON string, want number"},
	{Name: "score above 10", In: engineDoc(`{"vuln":"CVE-1","vendor_data":[{"cvss_v2":{"base_score":50}}]}`),
		Want: "vulnerabilities[0] CVE-1: malformed input: score 50 outside 0 to 10"},
	{Name: "NaN literal", In: engineDoc(`{"vuln":"CVE-1","nvd_data":[{"cvss_v2":{"base_score":NaN}}]}`),
		Want: "vulnerabilities[0]: malformed input: invalid JSON after byte 72: invalid character 'N' looking for beginning of value"},
	{Name: "NaN string score", In: `{"metadata":{},"securityEvaluation":[{"vulnerabilityId":"CVE-1","nvdCvssBaseScore":"NaN"}]}`,
		Want: "securityEvaluation[0] CVE-1: nvdCvssBaseScore: malformed input: score NaN outside 0 to 10"},
	{Name: "score an array", In: `{"metadata":{},"securityEvaluation":[{"vulnerabilityId":"CVE-1","nvdCvssBaseScore":[]}]}`,
		Want: "securityEvaluation[0] CVE-1: nvdCvssBaseScore: malformed input: got JSON array, want number or string"},
	{Name: "anchorectl entry without vuln", In: `[{"packageName":"apt"}]`,
		Want: "[0]: vuln: malformed input: missing"},
	{Name: "bad timestamp", In: `{"metadata":{"timestamp":"13/01/2025"},"securityEvaluation":[]}`,
		Want: `report: metadata.timestamp: malformed input: not a timestamp: "13/01/2025"`},
	{Name: "trailing garbage", In: `[]]`,
		Want: "malformed input: data after the report at byte 2"},
	{Name: "truncated", In: engineDoc(`{"vuln":"CVE-1"}`)[:80],
		Want: "vulnerabilities[0]: malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
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
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "anchore/many_vulns_2.4.1.json")
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
