package grype

import (
	"path/filepath"
	"testing"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "grype", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		// No golden file: it would be 270 KB.
		{File: "many_vulns3.json", Want: scantest.Tally{Targets: 1, Results: 327, BySeverity: map[scan.Severity]int{
			// README: Critical 5, High 24, Medium 155, Low 27, Negligible 106, Unknown 10.
			scan.SevCritical: 5, scan.SevHigh: 24, scan.SevMedium: 155, scan.SevLow: 27, scan.SevInfo: 106, scan.SevUnknown: 10}}},
		{File: "issue_9618.json", Want: scantest.Tally{Targets: 1, Results: 35, BySeverity: map[scan.Severity]int{
			// 18 High, 13 Medium, 2 Low, 1 Critical, and the match with no
			// severity takes its related GHSA's High.
			scan.SevCritical: 1, scan.SevHigh: 19, scan.SevMedium: 13, scan.SevLow: 2}}, Golden: true},
		{File: "many_vulns_with_epss_values.json", Want: scantest.Tally{Targets: 1, Results: 15, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 10, scan.SevMedium: 2, scan.SevLow: 2}}, Golden: true},
		{File: "no_vuln.json", Want: scantest.Tally{Targets: 1, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	old := scantest.ParseFile(t, Parse, scantest.Shared(t, "grype/many_vulns3.json"))
	rhel := scantest.ParseFile(t, Parse, scantest.Shared(t, "grype/issue_9618.json"))
	epss := scantest.ParseFile(t, Parse, scantest.Shared(t, "grype/many_vulns_with_epss_values.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "image target: user input, manifest digest, distro",
			Got:  old.Targets[0],
			Want: scan.Target{Kind: scan.TargetImage, Name: "defectdojo/defectdojo-django:1.13.1", OS: "debian 10",
				Digest: "sha256:91bc0f1478c6d26e04da5c2a59ac20262ec2661942418e2a3e7c77245d872658"},
		},
		{
			Name: "registry digest preferred to the manifest digest",
			Got:  rhel.Targets[0].Digest,
			Want: "sha256:97e6d5aeed19f627205b218f45b284cd01ff658dd181416ab1d3e21aeb28d68e",
		},
		{
			Name: "Grype 0.7: Negligible is info, cvssV2 score, the distro's ecosystem",
			Got: func() any {
				r := scantest.FindPackage(t, old, "CVE-2019-18276", "bash")
				return []any{r.Severity, r.ToolSeverity, r.Score, r.Vector, r.Package.Ecosystem, r.Evidence}
			}(),
			Want: []any{scan.SevInfo, "Negligible", 7.2, "AV:L/AC:L/Au:N/C:C/I:C/A:C", "Debian:10", "dpkg-matcher: none (deb)"},
		},
		{
			Name: "Grype 0.7 python package: cvssV3 over cvssV2, PyPI from the purl",
			Got: func() any {
				r := scantest.FindPackage(t, old, "CVE-2015-5237", "protobuf")
				return []any{r.Score, r.Vector, r.Package, r.Severity}
			}(),
			Want: []any{8.8, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", &scan.Package{Ecosystem: "PyPI", Name: "protobuf",
				Version: "3.15.3", PURL: "pkg:pypi/protobuf@3.15.3",
				Path: "/usr/local/lib/python3.6/site-packages/protobuf-3.15.3.dist-info/METADATA"}, scan.SevHigh},
		},
		{
			Name: "RHEL rpm: Red Hat ecosystem, epoch in the fix, RHSA link",
			Got: func() any {
				r := scantest.FindPackage(t, rhel, "CVE-2023-38473", "avahi-libs")
				return []any{r.Package.Ecosystem, r.Package.Fixed, r.Solution, r.Score, r.References}
			}(),
			Want: []any{"Red Hat", "0:0.7-21.el8_9.1", "Upgrade avahi-libs to 0:0.7-21.el8_9.1", 6.2,
				[]string{"https://access.redhat.com/security/cve/CVE-2023-38473", "https://access.redhat.com/errata/RHSA-2023:7836"}},
		},
		{
			Name: "no severity: the related GHSA's; Maven name from the purl; related id",
			Got: func() any {
				r := scantest.FindPackage(t, rhel, "CVE-2024-26308", "org.apache.commons:commons-compress")
				return []any{r.IDs, r.Severity, r.ToolSeverity, r.Score, r.Package.Ecosystem, r.Package.Version, r.Package.Fixed}
			}(),
			Want: []any{[]string{"CVE-2024-26308", "GHSA-4265-ccf5-phj5"}, scan.SevHigh, "High", 7.5, "Maven", "1.21", "1.26.0"},
		},
		{
			Name: "generic purl: no ecosystem; NVD v3.1 Primary score",
			Got: func() any {
				r := scantest.FindPackage(t, epss, "CVE-2022-28391", "busybox")
				return []any{r.Package.Ecosystem, r.Score, r.Vector, r.Evidence}
			}(),
			Want: []any{"", 8.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "stock-matcher (cpe-match): <= 1.35.0 (unknown)"},
		},
	})
}

// doc wraps matches in a minimal report.
func doc(matches string) string {
	return `{"matches":[` + matches + `],"source":{"type":"directory","target":"/src"},"descriptor":{"name":"grype","version":"0.80.0"}}`
}

var badInputs = []scantest.BadInput{
	{Name: "empty", In: " \n",
		Want: "malformed input: empty input: Grype writes a JSON document even when it finds nothing"},
	{Name: "malformed JSON", In: `{"matches":[}`,
		Want: "report: matches: malformed input: invalid JSON after byte 12: invalid character '}' looking for beginning of value"},
	{Name: "wrong top-level type", In: `[]`,
		Want: `malformed input: got '[', want a JSON object (Grype JSON)`},
	{Name: "matches not an array", In: `{"matches":"none"}`,
		Want: "report: matches: malformed input: got JSON string, want array"},
	{Name: "wrong-typed score deep in a match", In: doc(`{"vulnerability":{"id":"CVE-2019-18276","cvss":[{"version":"3.1","metrics":{"baseScore":"7.8"}}]}}`),
		Want: "matches[0] CVE-2019-18276: vulnerability.cvss[0].metrics.baseScore: malformed input: got JSON string, want number"},
	{Name: "wrong-typed fix version", In: doc(`{"vulnerability":{"id":"CVE-1","fix":{"versions":["1.0",2]}}}`),
		Want: "matches[0] CVE-1: vulnerability.fix.versions[1]: malformed input: got JSON number, want string"},
	{Name: "related score out of range", In: doc(`{"vulnerability":{"id":"GHSA-xxxx-xxxx-xxxx"},"relatedVulnerabilities":[{"id":"CVE-1","cvss":[{"metrics":{"baseScore":98}}]}]}`),
		Want: "matches[0] GHSA-xxxx-xxxx-xxxx: relatedVulnerabilities[0].cvss[0].metrics.baseScore: malformed input: score 98 outside 0 to 10"},
	{Name: "NaN score", In: doc(`{"vulnerability":{"id":"CVE-1","cvssV2":{"baseScore":NaN}}}`),
		Want: "matches[0]: malformed input: invalid JSON after byte 12: invalid character 'N' looking for beginning of value"},
	{Name: "no vulnerability id", In: doc(`{"artifact":{"name":"x"}}`),
		Want: "matches[0]: vulnerability.id: malformed input: missing"},
	{Name: "matchDetails of the wrong type", In: doc(`{"vulnerability":{"id":"CVE-1"},"matchDetails":[{"matcher":1}]}`),
		Want: "matches[0] CVE-1: matchDetails[0].matcher: malformed input: got JSON number, want string"},
	{Name: "bad timestamp", In: `{"matches":[],"descriptor":{"timestamp":"2024-02-30T00:00:00Z"}}`,
		Want: `report: descriptor.timestamp: malformed input: not a timestamp: "2024-02-30T00:00:00Z"`},
	{Name: "source target a number", In: `{"matches":[],"source":{"type":"image","target":5}}`,
		Want: "report: source.target: malformed input: got JSON number, want object or string"},
	{Name: "trailing garbage", In: doc(``) + `]`,
		Want: "malformed input: data after the report at byte 109"},
	{Name: "truncated", In: doc(`{"vulnerability":{"id":"CVE-1"}}`)[:40],
		Want: "matches[0]: malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
}

func TestDirectorySource(t *testing.T) {
	scantest.Parses(t, Parse, []scantest.Input{{
		Name: "a directory scanned",
		In:   doc(`{"vulnerability":{"id":"GHSA-abcd-efgh-ijkl","severity":"High"},"artifact":{"name":"left-pad","version":"1.0.0","type":"npm"}}`),
		Want: &scan.Report{Tool: "grype", Version: "0.80.0",
			Targets: []scan.Target{{Kind: scan.TargetSource, Name: "/src"}},
			Results: []scan.Result{{Rule: "GHSA-abcd-efgh-ijkl", IDs: []string{"GHSA-abcd-efgh-ijkl"}, Severity: scan.SevHigh, ToolSeverity: "High",
				Package: &scan.Package{Ecosystem: "npm", Name: "left-pad", Version: "1.0.0"}}}},
	}})
}

func FuzzParse(f *testing.F) {
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "grype/many_vulns3.json")
}
