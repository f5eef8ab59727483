package snyk

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
		golden     bool
	}{
		// README: 41 vulnerabilities (29 medium, 12 high), one path each.
		// The README counts "severity", which stops at high; three of the
		// twelve are critical by severityWithCritical, which vmc reads.
		{file: "single_project_many_vulns.json", results: 41, golden: true, severities: map[scan.Severity]int{
			scan.SevCritical: 3, scan.SevMedium: 29, scan.SevHigh: 9}},
		// README: 24 (NuGet) + 58 (npm) = 82 dependency paths. No golden
		// file: it would be 240 KB. One npm entry
		// is a licence issue (tinymce LGPL-2.1), skipped; the other 81 are
		// 13 + 36 vulnerability × package pairs.
		{file: "all_projects_issue4277.json", results: 49, severities: map[scan.Severity]int{
			scan.SevCritical: 4, scan.SevHigh: 15, scan.SevMedium: 28, scan.SevLow: 2}},
		// README: 25 vulnerabilities (13 unique), all low: 25 paths to 13
		// vulnerable source packages. The 12 vulnerabilities of the
		// juice-shop npm application inside the image, which the README
		// does not count, are results too: 13 + 12.
		{file: "snykcontainer_issue_9270.json", results: 25, golden: true, severities: map[scan.Severity]int{
			scan.SevLow: 13, scan.SevCritical: 1, scan.SevHigh: 2, scan.SevMedium: 9}},
		{file: "single_project_no_vulns.json", results: 0, severities: map[scan.Severity]int{}, golden: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "snyk/"+tt.file))
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
			if tt.golden {
				scantest.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(tt.file, ".json")+".golden.json"), rep)
			}
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
	single := scantest.ParseFile(t, Parse, scantest.Shared(t, "snyk/single_project_many_vulns.json"))
	all := scantest.ParseFile(t, Parse, scantest.Shared(t, "snyk/all_projects_issue4277.json"))
	image := scantest.ParseFile(t, Parse, scantest.Shared(t, "snyk/snykcontainer_issue_9270.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "Maven: CVE, CWE, score, vector, fix, purl",
			got: func() any {
				r := find(t, single, "SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302", "com.fasterxml.jackson.core:jackson-databind")
				return []any{r.IDs, r.CWEs, r.Severity, r.Score, r.Vector, r.Package, r.Location}
			}(),
			want: []any{[]string{"SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302", "CVE-2020-25649"}, []int{611}, scan.SevHigh, 8.2,
				"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:L",
				&scan.Package{Ecosystem: "Maven", Name: "com.fasterxml.jackson.core:jackson-databind", Version: "2.10.5",
					PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.5", Fixed: "2.6.7.4, 2.9.10.7, 2.10.5.1", Path: "pom.xml"},
				"pom.xml"},
		},
		{
			name: "all projects: one directory target, manifests as locations",
			got: func() any {
				var locs []string
				for _, r := range all.Results {
					if !strings.Contains(strings.Join(locs, "|"), r.Location) {
						locs = append(locs, r.Location)
					}
				}
				return []any{all.Targets, locs}
			}(),
			want: []any{[]scan.Target{{Kind: scan.TargetSource, Name: `C:\Users\uac\source\repos\project`}},
				[]string{`company.Api.project\src\obj\project.assets.json`, `company.Ux.project\package-lock.json`}},
		},
		{
			name: "npm: GHSA among the ids; every dependency path in one result",
			got: func() any {
				r := find(t, all, "SNYK-JS-KINDOF-537849", "kind-of")
				return []any{r.IDs, r.CWEs, strings.Count(r.Evidence, "\n") + 1, r.Package.Ecosystem, r.Package.PURL}
			}(),
			want: []any{[]string{"SNYK-JS-KINDOF-537849", "CVE-2019-20149", "GHSA-6c8f-qphg-qjgp"}, []int{20}, 2, "npm", "pkg:npm/kind-of@6.0.2"},
		},
		{
			name: "container: image target with its distribution; binary packages of one source package are one result",
			got: func() any {
				r := find(t, image, "SNYK-DEBIAN11-GCC10-5901313", "gcc-10")
				return []any{image.Targets, r.Package, r.Evidence}
			}(),
			want: []any{[]scan.Target{{Kind: scan.TargetImage, Name: "sarim04/juiceshop:latest/juiceshop", OS: "debian 11"}},
				&scan.Package{Ecosystem: "Debian:11", Name: "gcc-10", Version: "10.2.1-6", PURL: "pkg:deb/debian/gcc-10@10.2.1-6?distro=debian-11"},
				"docker-image|sarim04/juiceshop@latest > gcc-10/libgcc-s1@10.2.1-6\n" +
					"docker-image|sarim04/juiceshop@latest > gcc-10/libstdc++6@10.2.1-6 > gcc-10/libgcc-s1@10.2.1-6\n" +
					"docker-image|sarim04/juiceshop@latest > gcc-10/libgomp1@10.2.1-6\n" +
					"docker-image|sarim04/juiceshop@latest > gcc-10/libstdc++6@10.2.1-6"},
		},
		{
			name: "container application: an npm result on the image, at its manifest",
			got: func() any {
				r := find(t, image, "SNYK-JS-EXPRESSJWT-575022", "express-jwt")
				return []any{r.Target, r.Location, r.IDs, r.Severity, r.Package.Fixed}
			}(),
			want: []any{0, "/juice-shop/package.json", []string{"SNYK-JS-EXPRESSJWT-575022", "CVE-2020-15084", "GHSA-6g6m-m6h5-w9gf"}, scan.SevHigh, "6.0.0"},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// projectDoc wraps vulnerabilities in a minimal project.
func projectDoc(vulns string) string {
	return `{"vulnerabilities":[` + vulns + `],"ok":false,"packageManager":"npm","path":"/src","displayTargetFile":"package-lock.json"}`
}

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "empty", doc: "",
		want: "malformed input: empty input: snyk test --json writes a JSON document even when it finds nothing"},
	{name: "malformed JSON", doc: `{"vulnerabilities":[{"id":"SNYK-JS-X-1",]}`,
		want: "vulnerabilities[0]: malformed input: invalid JSON after byte 20: invalid character ']' looking for beginning of object key string"},
	{name: "wrong top-level type", doc: `true`,
		want: `malformed input: got 't', want a JSON object or array (snyk test --json)`},
	{name: "project not an object", doc: `[{"vulnerabilities":[]},"x"]`,
		want: "[1]: malformed input: got JSON string, want object"},
	{name: "wrong-typed field deep in a vulnerability", doc: projectDoc(`{"id":"SNYK-JS-LODASH-567746","identifiers":{"CVE":["CVE-2020-8203",8203]}}`),
		want: "vulnerabilities[0] SNYK-JS-LODASH-567746: identifiers.CVE[1]: malformed input: got JSON number, want string"},
	{name: "score a string", doc: `[{"vulnerabilities":[]},` + projectDoc(`{"id":"SNYK-JS-LODASH-567746","cvssScore":"7.4"}`) + `]`,
		want: "[1]: vulnerabilities[0] SNYK-JS-LODASH-567746: cvssScore: malformed input: got JSON string, want number"},
	{name: "score above 10", doc: projectDoc(`{"id":"SNYK-JS-X-1","cvssScore":74}`),
		want: "vulnerabilities[0] SNYK-JS-X-1: cvssScore: malformed input: score 74 outside 0 to 10"},
	{name: "NaN literal", doc: projectDoc(`{"id":"SNYK-JS-X-1","cvssScore":NaN}`),
		want: "vulnerabilities[0]: malformed input: invalid JSON after byte 20: invalid character 'N' looking for beginning of value"},
	{name: "no id", doc: projectDoc(`{"title":"x"}`),
		want: "vulnerabilities[0]: id: malformed input: missing"},
	{name: "path a number", doc: `{"vulnerabilities":[],"path":1}`,
		want: "project: path: malformed input: got JSON number, want string"},
	{name: "bad application", doc: `{"docker":{},"vulnerabilities":[],"applications":[{"vulnerabilities":[{"id":5}]}]}`,
		want: "applications[0]: vulnerabilities[0]: id: malformed input: got JSON number, want string"},
	{name: "trailing garbage", doc: projectDoc(``) + `{}`,
		want: "malformed input: data after the report at byte 111"},
	{name: "truncated", doc: projectDoc(`{"id":"SNYK-JS-X-1"}`)[:30],
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

func FuzzParse(f *testing.F) {
	for _, b := range badInputs {
		f.Add([]byte(b.doc))
	}
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "snyk/all_projects_issue4277.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(49*b.N)/b.Elapsed().Seconds(), "results/s")
}
