package inspector

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
		targets    int
		severities map[scan.Severity]int
	}{
		// README: 8 findings (7 ACTIVE, 1 CLOSED). The CLOSED one is no
		// result; two ACTIVE ones name two packages each (libxml2 7 and
		// 7+b3 on the Debian image, libxml2 and libxml2-python on the EC2
		// instance): 5 + 2×2 = 9.
		{file: "aws_inspector2_many_vul.json", results: 9, targets: 2, severities: map[scan.Severity]int{
			scan.SevHigh: 2, scan.SevMedium: 3, scan.SevLow: 2, scan.SevUnknown: 2}},
		// README: 28 findings (27 PACKAGE_VULNERABILITY, 1 CODE_VULNERABILITY;
		// CRITICAL 1, HIGH 13, MEDIUM 13, LOW 1). Three package findings
		// name the same package in two files (requests, cryptography twice):
		// 28 + 3 = 31.
		{file: "aws_inspector2_package_vuln_metadata.json", results: 31, targets: 2, severities: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 13, scan.SevMedium: 16, scan.SevLow: 1}},
		{file: "aws_inspector2_zero_vul.json", results: 0, targets: 0, severities: map[scan.Severity]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "aws-inspector2/"+tt.file))
			if got := len(rep.Results); got != tt.results {
				t.Errorf("%d results, want %d", got, tt.results)
			}
			if got := len(rep.Targets); got != tt.targets {
				t.Errorf("%d targets, want %d", got, tt.targets)
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

func TestSpotChecks(t *testing.T) {
	many := scantest.ParseFile(t, Parse, scantest.Shared(t, "aws-inspector2/aws_inspector2_many_vul.json"))
	lambda := scantest.ParseFile(t, Parse, scantest.Shared(t, "aws-inspector2/aws_inspector2_package_vuln_metadata.json"))
	find := func(rep *scan.Report, rule, pkg, loc string) scan.Result {
		t.Helper()
		for _, r := range rep.Results {
			if r.Rule == rule && (r.Package == nil || r.Package.Name == pkg) && r.Location == loc {
				return r
			}
		}
		t.Fatalf("no result %s %s %s", rule, pkg, loc)
		return scan.Result{}
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "ECR image and EC2 host targets",
			got:  many.Targets,
			want: []scan.Target{
				{Kind: scan.TargetImage, Name: "012345678901.dkr.ecr.us-east-1.amazonaws.com/my-awesome-docker-image:2.3.0", OS: "DEBIAN_10",
					Digest: "sha256:d667ad018b538adadb5bd1db75836c8561b23bc7d31d9cd8941fa74f5df93802"},
				{Kind: scan.TargetHost, Name: "i-0b22a22eec53b9321", IP: "8.84.11.16", OS: "CENTOS_7"},
			},
		},
		{
			name: "CentOS package on EC2: Red Hat, version-release, CVSS v2, yum remediation",
			got:  find(many, "CVE-2015-8035", "libxml2-python", ""),
			want: scan.Result{Target: 1, Rule: "CVE-2015-8035", Title: "CVE-2015-8035 - libxml2, libxml2-python", IDs: []string{"CVE-2015-8035"},
				Severity: scan.SevLow, ToolSeverity: "LOW", Score: 2.6, Vector: "AV:N/AC:H/Au:N/C:N/I:N/A:P",
				Package:     &scan.Package{Ecosystem: "Red Hat", Name: "libxml2-python", Version: "2.9.1-6.el7_2.3", Fixed: "0:2.9.1-6.el7.4"},
				Description: "The xz_decomp function in xzlib.c in libxml2 2.9.1 does not properly detect compression errors, which allows context-dependent attackers to cause a denial of service (process hang) via crafted XML data.",
				Solution:    "yum update libxml2-python",
				References: []string{"https://nvd.nist.gov/vuln/detail/CVE-2015-8035", "https://security.gentoo.org/glsa/201701-37",
					"https://support.apple.com/HT206168", "https://support.apple.com/HT206167", "https://bugzilla.gnome.org/show_bug.cgi?id=757466",
					"https://support.apple.com/HT206166", "https://support.apple.com/HT206169"}},
		},
		{
			name: "UNTRIAGED is unknown; fix not available",
			got: func() any {
				r := find(many, "CVE-2024-37021", "linux", "")
				return []any{r.Severity, r.ToolSeverity, r.Package.Ecosystem, r.Package.Fixed, r.Solution}
			}(),
			want: []any{scan.SevUnknown, "UNTRIAGED", "Debian:10", "", ""},
		},
		{
			name: "CLOSED finding left out",
			got: func() any {
				for _, r := range many.Results {
					if r.Rule == "CVE-2021-3744" {
						return true
					}
				}
				return false
			}(),
			want: false,
		},
		{
			name: "Lambda: go/stdlib in a binary is Go's stdlib",
			got:  find(lambda, "CVE-2025-68121", "stdlib", "extensions/collector").Package,
			want: &scan.Package{Ecosystem: "Go", Name: "stdlib", Version: "1.24.4", Fixed: "1.26.0-rc.3", Path: "extensions/collector"},
		},
		{
			name: "CVSS 4.0 over 3.1",
			got: func() any {
				r := find(lambda, "CVE-2026-26007", "cryptography", "requirements.txt")
				return []any{r.Score, r.Vector[:9], r.Package.Ecosystem}
			}(),
			want: []any{8.2, "CVSS:4.0/", "PyPI"},
		},
		{
			name: "code finding: detector, CWEs, file and line",
			got: func() any {
				r := find(lambda, "python/log-injection@v1.0", "", "src/project_api/service/api_client.py:268")
				return []any{r.CWEs, r.Severity, r.Target, strings.HasPrefix(r.Solution, "You have a log statement")}
			}(),
			want: []any{[]int{117, 93}, scan.SevHigh, 1, true},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// findings wraps findings in a list.
func findings(f string) string { return `{"findings":[` + f + `]}` }

// pkgFinding is a minimal package finding with extra fields for its details.
func pkgFinding(details string) string {
	return `{"findingArn":"arn:1","type":"PACKAGE_VULNERABILITY","severity":"HIGH","status":"ACTIVE",` +
		`"resources":[{"type":"AWS_EC2_INSTANCE","id":"i-1","details":{"awsEc2Instance":{"platform":"UBUNTU_22_04"}}}],` +
		`"packageVulnerabilityDetails":{"vulnerabilityId":"CVE-2024-1"` + details + `}}`
}

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "empty", doc: "",
		want: "malformed input: empty input: an Inspector findings list is a JSON object"},
	{name: "malformed JSON", doc: `{"findings":[{"type":}]}`,
		want: "findings[0]: malformed input: invalid JSON after byte 13: invalid character '}' looking for beginning of value"},
	{name: "wrong top-level type", doc: `[{"findingArn":"x"}]`,
		want: `malformed input: got '[', want a JSON object (Inspector findings)`},
	{name: "findings an object", doc: `{"findings":{}}`,
		want: "report: findings: malformed input: got JSON object, want array"},
	{name: "wrong-typed field deep in a finding", doc: findings(pkgFinding(`,"cvss":[{"baseScore":"7.5","version":"3.1"}]`)),
		want: "findings[0] CVE-2024-1: packageVulnerabilityDetails.cvss[0].baseScore: malformed input: got JSON string, want number"},
	{name: "wrong-typed epoch", doc: findings(pkgFinding(`,"vulnerablePackages":[{"name":"x","epoch":"0"}]`)),
		want: "findings[0] CVE-2024-1: packageVulnerabilityDetails.vulnerablePackages[0].epoch: malformed input: got JSON string, want number"},
	{name: "score above 10", doc: findings(pkgFinding(`,"cvss":[{"baseScore":75,"version":"3.1"}]`)),
		want: "findings[0] CVE-2024-1: packageVulnerabilityDetails.cvss[0].baseScore: malformed input: score 75 outside 0 to 10"},
	{name: "NaN literal", doc: findings(pkgFinding(`,"cvss":[{"baseScore":NaN}]`)),
		want: "findings[0]: malformed input: invalid JSON after byte 13: invalid character 'N' looking for beginning of value"},
	{name: "no vulnerability id", doc: findings(`{"type":"PACKAGE_VULNERABILITY","packageVulnerabilityDetails":{}}`),
		want: "findings[0]: packageVulnerabilityDetails.vulnerabilityId: malformed input: missing"},
	{name: "not a CWE", doc: findings(`{"title":"t","codeVulnerabilityDetails":{"detectorId":"d","cwes":["injection"]}}`),
		want: `findings[0] t: codeVulnerabilityDetails.cwes[0]: malformed input: not a CWE id: "injection"`},
	{name: "trailing garbage", doc: findings(``) + `}`,
		want: "malformed input: data after the report at byte 15"},
	{name: "truncated", doc: findings(pkgFinding(``))[:50],
		want: "findings[0]: malformed input: truncated: unexpected end of input"},
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

func TestUbuntuAndEpoch(t *testing.T) {
	rep, err := Parse(strings.NewReader(findings(pkgFinding(`,"vulnerablePackages":[{"name":"openssl","version":"3.0.2","release":"0ubuntu1.10","epoch":1,"packageManager":"OS"}]`))))
	if err != nil {
		t.Fatal(err)
	}
	want := &scan.Package{Ecosystem: "Ubuntu:22.04:LTS", Name: "openssl", Version: "1:3.0.2-0ubuntu1.10"}
	if diff := cmp.Diff(want, rep.Results[0].Package); diff != "" {
		t.Errorf("package (-want +got):\n%s", diff)
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
	data, err := os.ReadFile(scantest.Shared(b, "aws-inspector2/aws_inspector2_package_vuln_metadata.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(31*b.N)/b.Elapsed().Seconds(), "results/s")
}
