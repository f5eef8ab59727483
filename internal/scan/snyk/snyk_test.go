package snyk

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "snyk", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		// README: 41 vulnerabilities (29 medium, 12 high), one path each.
		// The README counts "severity", which stops at high; three of the
		// twelve are critical by severityWithCritical, which vmc reads.
		{File: "single_project_many_vulns.json", Want: scantest.Tally{Targets: 1, Results: 41, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 3, scan.SevMedium: 29, scan.SevHigh: 9}}, Golden: true},
		// README: 24 (NuGet) + 58 (npm) = 82 dependency paths. No golden
		// file: it would be 240 KB. One npm entry
		// is a licence issue (tinymce LGPL-2.1), skipped; the other 81 are
		// 13 + 36 vulnerability × package pairs.
		{File: "all_projects_issue4277.json", Want: scantest.Tally{Targets: 1, Results: 49, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 4, scan.SevHigh: 15, scan.SevMedium: 28, scan.SevLow: 2}}},
		// README: 25 vulnerabilities (13 unique), all low: 25 paths to 13
		// vulnerable source packages. The 12 vulnerabilities of the
		// juice-shop npm application inside the image, which the README
		// does not count, are results too: 13 + 12.
		{File: "snykcontainer_issue_9270.json", Want: scantest.Tally{Targets: 1, Results: 25, BySeverity: map[scan.Severity]int{
			scan.SevLow: 13, scan.SevCritical: 1, scan.SevHigh: 2, scan.SevMedium: 9}}, Golden: true},
		{File: "single_project_no_vulns.json", Want: scantest.Tally{Targets: 1, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	single := scantest.ParseFile(t, Parse, scantest.Shared(t, "snyk/single_project_many_vulns.json"))
	all := scantest.ParseFile(t, Parse, scantest.Shared(t, "snyk/all_projects_issue4277.json"))
	image := scantest.ParseFile(t, Parse, scantest.Shared(t, "snyk/snykcontainer_issue_9270.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "Maven: CVE, CWE, score, vector, fix, purl",
			Got: func() any {
				r := scantest.FindPackage(t, single, "SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302", "com.fasterxml.jackson.core:jackson-databind")
				return []any{r.IDs, r.CWEs, r.Severity, r.Score, r.Vector, r.Package, r.Location}
			}(),
			Want: []any{[]string{"SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302", "CVE-2020-25649"}, []int{611}, scan.SevHigh, 8.2,
				"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:L",
				&scan.Package{Ecosystem: "Maven", Name: "com.fasterxml.jackson.core:jackson-databind", Version: "2.10.5",
					PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.5", Fixed: "2.6.7.4, 2.9.10.7, 2.10.5.1", Path: "pom.xml"},
				"pom.xml"},
		},
		{
			Name: "all projects: one directory target, manifests as locations",
			Got: func() any {
				var locs []string
				for _, r := range all.Results {
					if !strings.Contains(strings.Join(locs, "|"), r.Location) {
						locs = append(locs, r.Location)
					}
				}
				return []any{all.Targets, locs}
			}(),
			Want: []any{[]scan.Target{{Kind: scan.TargetSource, Name: `C:\Users\uac\source\repos\project`}},
				[]string{`company.Api.project\src\obj\project.assets.json`, `company.Ux.project\package-lock.json`}},
		},
		{
			Name: "npm: GHSA among the ids; every dependency path in one result",
			Got: func() any {
				r := scantest.FindPackage(t, all, "SNYK-JS-KINDOF-537849", "kind-of")
				return []any{r.IDs, r.CWEs, strings.Count(r.Evidence, "\n") + 1, r.Package.Ecosystem, r.Package.PURL}
			}(),
			Want: []any{[]string{"SNYK-JS-KINDOF-537849", "CVE-2019-20149", "GHSA-6c8f-qphg-qjgp"}, []int{20}, 2, "npm", "pkg:npm/kind-of@6.0.2"},
		},
		{
			Name: "container: image target with its distribution; binary packages of one source package are one result",
			Got: func() any {
				r := scantest.FindPackage(t, image, "SNYK-DEBIAN11-GCC10-5901313", "gcc-10")
				return []any{image.Targets, r.Package, r.Evidence}
			}(),
			Want: []any{[]scan.Target{{Kind: scan.TargetImage, Name: "sarim04/juiceshop:latest/juiceshop", OS: "debian 11"}},
				&scan.Package{Ecosystem: "Debian:11", Name: "gcc-10", Version: "10.2.1-6", PURL: "pkg:deb/debian/gcc-10@10.2.1-6?distro=debian-11"},
				"docker-image|sarim04/juiceshop@latest > gcc-10/libgcc-s1@10.2.1-6\n" +
					"docker-image|sarim04/juiceshop@latest > gcc-10/libstdc++6@10.2.1-6 > gcc-10/libgcc-s1@10.2.1-6\n" +
					"docker-image|sarim04/juiceshop@latest > gcc-10/libgomp1@10.2.1-6\n" +
					"docker-image|sarim04/juiceshop@latest > gcc-10/libstdc++6@10.2.1-6"},
		},
		{
			Name: "container application: an npm result on the image, at its manifest",
			Got: func() any {
				r := scantest.FindPackage(t, image, "SNYK-JS-EXPRESSJWT-575022", "express-jwt")
				return []any{r.Target, r.Location, r.IDs, r.Severity, r.Package.Fixed}
			}(),
			Want: []any{0, "/juice-shop/package.json", []string{"SNYK-JS-EXPRESSJWT-575022", "CVE-2020-15084", "GHSA-6g6m-m6h5-w9gf"}, scan.SevHigh, "6.0.0"},
		},
	})
}

// projectDoc wraps vulnerabilities in a minimal project.
func projectDoc(vulns string) string {
	return `{"vulnerabilities":[` + vulns + `],"ok":false,"packageManager":"npm","path":"/src","displayTargetFile":"package-lock.json"}`
}

var badInputs = []scantest.BadInput{
	{Name: "empty", In: "",
		Want: "malformed input: empty input: snyk test --json writes a JSON document even when it finds nothing"},
	{Name: "malformed JSON", In: `{"vulnerabilities":[{"id":"SNYK-JS-X-1",]}`,
		Want: "vulnerabilities[0]: malformed input: invalid JSON after byte 20: invalid character ']' looking for beginning of object key string"},
	{Name: "wrong top-level type", In: `true`,
		Want: `malformed input: got 't', want a JSON object or array (snyk test --json)`},
	{Name: "project not an object", In: `[{"vulnerabilities":[]},"x"]`,
		Want: "[1]: malformed input: got JSON string, want object"},
	{Name: "wrong-typed field deep in a vulnerability", In: projectDoc(`{"id":"SNYK-JS-LODASH-567746","identifiers":{"CVE":["CVE-2020-8203",8203]}}`),
		Want: "vulnerabilities[0] SNYK-JS-LODASH-567746: identifiers.CVE[1]: malformed input: got JSON number, want string"},
	{Name: "score a string", In: `[{"vulnerabilities":[]},` + projectDoc(`{"id":"SNYK-JS-LODASH-567746","cvssScore":"7.4"}`) + `]`,
		Want: "[1]: vulnerabilities[0] SNYK-JS-LODASH-567746: cvssScore: malformed input: got JSON string, want number"},
	{Name: "score above 10", In: projectDoc(`{"id":"SNYK-JS-X-1","cvssScore":74}`),
		Want: "vulnerabilities[0] SNYK-JS-X-1: cvssScore: malformed input: score 74 outside 0 to 10"},
	{Name: "NaN literal", In: projectDoc(`{"id":"SNYK-JS-X-1","cvssScore":NaN}`),
		Want: "vulnerabilities[0]: malformed input: invalid JSON after byte 20: invalid character 'N' looking for beginning of value"},
	{Name: "no id", In: projectDoc(`{"title":"x"}`),
		Want: "vulnerabilities[0]: id: malformed input: missing"},
	{Name: "path a number", In: `{"vulnerabilities":[],"path":1}`,
		Want: "project: path: malformed input: got JSON number, want string"},
	{Name: "bad application", In: `{"docker":{},"vulnerabilities":[],"applications":[{"vulnerabilities":[{"id":5}]}]}`,
		Want: "applications[0]: vulnerabilities[0]: id: malformed input: got JSON number, want string"},
	{Name: "trailing garbage", In: projectDoc(``) + `{}`,
		Want: "malformed input: data after the report at byte 111"},
	{Name: "truncated", In: projectDoc(`{"id":"SNYK-JS-X-1"}`)[:30],
		Want: "vulnerabilities[0]: malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
}

func FuzzParse(f *testing.F) {
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "snyk/all_projects_issue4277.json")
}
