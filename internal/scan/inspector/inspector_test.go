package inspector

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "aws-inspector2", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		// README: 8 findings (7 ACTIVE, 1 CLOSED). The CLOSED one is no
		// result; two ACTIVE ones name two packages each (libxml2 7 and
		// 7+b3 on the Debian image, libxml2 and libxml2-python on the EC2
		// instance): 5 + 2×2 = 9.
		{File: "aws_inspector2_many_vul.json", Want: scantest.Tally{Targets: 2, Results: 9, BySeverity: map[scan.Severity]int{
			scan.SevHigh: 2, scan.SevMedium: 3, scan.SevLow: 2, scan.SevUnknown: 2}}, Golden: true},
		// README: 28 findings (27 PACKAGE_VULNERABILITY, 1 CODE_VULNERABILITY;
		// CRITICAL 1, HIGH 13, MEDIUM 13, LOW 1). Three package findings
		// name the same package in two files (requests, cryptography twice):
		// 28 + 3 = 31.
		{File: "aws_inspector2_package_vuln_metadata.json", Want: scantest.Tally{Targets: 2, Results: 31, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 13, scan.SevMedium: 16, scan.SevLow: 1}}, Golden: true},
		{File: "aws_inspector2_zero_vul.json", Want: scantest.Tally{Targets: 0, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
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
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "ECR image and EC2 host targets",
			Got:  many.Targets,
			Want: []scan.Target{
				{Kind: scan.TargetImage, Name: "012345678901.dkr.ecr.us-east-1.amazonaws.com/my-awesome-docker-image:2.3.0", OS: "DEBIAN_10",
					Digest: "sha256:d667ad018b538adadb5bd1db75836c8561b23bc7d31d9cd8941fa74f5df93802"},
				{Kind: scan.TargetHost, Name: "i-0b22a22eec53b9321", IP: "8.84.11.16", OS: "CENTOS_7"},
			},
		},
		{
			Name: "CentOS package on EC2: Red Hat, version-release, CVSS v2, yum remediation",
			Got:  find(many, "CVE-2015-8035", "libxml2-python", ""),
			Want: scan.Result{Target: 1, Rule: "CVE-2015-8035", Title: "CVE-2015-8035 - libxml2, libxml2-python", IDs: []string{"CVE-2015-8035"},
				Severity: scan.SevLow, ToolSeverity: "LOW", Score: 2.6, Vector: "AV:N/AC:H/Au:N/C:N/I:N/A:P",
				Package:     &scan.Package{Ecosystem: "Red Hat", Name: "libxml2-python", Version: "2.9.1-6.el7_2.3", Fixed: "0:2.9.1-6.el7.4"},
				Description: "The xz_decomp function in xzlib.c in libxml2 2.9.1 does not properly detect compression errors, which allows context-dependent attackers to cause a denial of service (process hang) via crafted XML data.",
				Solution:    "yum update libxml2-python",
				References: []string{"https://nvd.nist.gov/vuln/detail/CVE-2015-8035", "https://security.gentoo.org/glsa/201701-37",
					"https://support.apple.com/HT206168", "https://support.apple.com/HT206167", "https://bugzilla.gnome.org/show_bug.cgi?id=757466",
					"https://support.apple.com/HT206166", "https://support.apple.com/HT206169"}},
		},
		{
			Name: "UNTRIAGED is unknown; fix not available",
			Got: func() any {
				r := find(many, "CVE-2024-37021", "linux", "")
				return []any{r.Severity, r.ToolSeverity, r.Package.Ecosystem, r.Package.Fixed, r.Solution}
			}(),
			Want: []any{scan.SevUnknown, "UNTRIAGED", "Debian:10", "", ""},
		},
		{
			Name: "CLOSED finding left out",
			Got: func() any {
				for _, r := range many.Results {
					if r.Rule == "CVE-2021-3744" {
						return true
					}
				}
				return false
			}(),
			Want: false,
		},
		{
			Name: "Lambda: go/stdlib in a binary is Go's stdlib",
			Got:  find(lambda, "CVE-2025-68121", "stdlib", "extensions/collector").Package,
			Want: &scan.Package{Ecosystem: "Go", Name: "stdlib", Version: "1.24.4", Fixed: "1.26.0-rc.3", Path: "extensions/collector"},
		},
		{
			Name: "CVSS 4.0 over 3.1",
			Got: func() any {
				r := find(lambda, "CVE-2026-26007", "cryptography", "requirements.txt")
				return []any{r.Score, r.Vector[:9], r.Package.Ecosystem}
			}(),
			Want: []any{8.2, "CVSS:4.0/", "PyPI"},
		},
		{
			Name: "code finding: detector, CWEs, file and line",
			Got: func() any {
				r := find(lambda, "python/log-injection@v1.0", "", "src/project_api/service/api_client.py:268")
				return []any{r.CWEs, r.Severity, r.Target, strings.HasPrefix(r.Solution, "You have a log statement")}
			}(),
			Want: []any{[]int{117, 93}, scan.SevHigh, 1, true},
		},
	})
}

// findings wraps findings in a list.
func findings(f string) string { return `{"findings":[` + f + `]}` }

// pkgFinding is a minimal package finding with extra fields for its details.
func pkgFinding(details string) string {
	return `{"findingArn":"arn:1","type":"PACKAGE_VULNERABILITY","severity":"HIGH","status":"ACTIVE",` +
		`"resources":[{"type":"AWS_EC2_INSTANCE","id":"i-1","details":{"awsEc2Instance":{"platform":"UBUNTU_22_04"}}}],` +
		`"packageVulnerabilityDetails":{"vulnerabilityId":"CVE-2024-1"` + details + `}}`
}

var badInputs = []scantest.BadInput{
	{Name: "empty", In: "",
		Want: "malformed input: empty input: an Inspector findings list is a JSON object"},
	{Name: "malformed JSON", In: `{"findings":[{"type":}]}`,
		Want: "findings[0]: malformed input: invalid JSON after byte 13: invalid character '}' looking for beginning of value"},
	{Name: "wrong top-level type", In: `[{"findingArn":"x"}]`,
		Want: `malformed input: got '[', want a JSON object (Inspector findings)`},
	{Name: "findings an object", In: `{"findings":{}}`,
		Want: "report: findings: malformed input: got JSON object, want array"},
	{Name: "wrong-typed field deep in a finding", In: findings(pkgFinding(`,"cvss":[{"baseScore":"7.5","version":"3.1"}]`)),
		Want: "findings[0] CVE-2024-1: packageVulnerabilityDetails.cvss[0].baseScore: malformed input: got JSON string, want number"},
	{Name: "wrong-typed epoch", In: findings(pkgFinding(`,"vulnerablePackages":[{"name":"x","epoch":"0"}]`)),
		Want: "findings[0] CVE-2024-1: packageVulnerabilityDetails.vulnerablePackages[0].epoch: malformed input: got JSON string, want number"},
	{Name: "score above 10", In: findings(pkgFinding(`,"cvss":[{"baseScore":75,"version":"3.1"}]`)),
		Want: "findings[0] CVE-2024-1: packageVulnerabilityDetails.cvss[0].baseScore: malformed input: score 75 outside 0 to 10"},
	{Name: "NaN literal", In: findings(pkgFinding(`,"cvss":[{"baseScore":NaN}]`)),
		Want: "findings[0]: malformed input: invalid JSON after byte 13: invalid character 'N' looking for beginning of value"},
	{Name: "no vulnerability id", In: findings(`{"type":"PACKAGE_VULNERABILITY","packageVulnerabilityDetails":{}}`),
		Want: "findings[0]: packageVulnerabilityDetails.vulnerabilityId: malformed input: missing"},
	{Name: "not a CWE", In: findings(`{"title":"t","codeVulnerabilityDetails":{"detectorId":"d","cwes":["injection"]}}`),
		Want: `findings[0] t: codeVulnerabilityDetails.cwes[0]: malformed input: not a CWE id: "injection"`},
	{Name: "trailing garbage", In: findings(``) + `}`,
		Want: "malformed input: data after the report at byte 15"},
	{Name: "truncated", In: findings(pkgFinding(``))[:50],
		Want: "findings[0]: malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
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
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "aws-inspector2/aws_inspector2_package_vuln_metadata.json")
}
