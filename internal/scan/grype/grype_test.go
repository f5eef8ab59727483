package grype

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
		results    int // as ../shared/data/scanners/README.md counts them
		severities map[scan.Severity]int
		golden     bool // small enough for a golden file
	}{
		// No golden file: it would be 270 KB.
		{file: "many_vulns3.json", results: 327, severities: map[scan.Severity]int{
			// README: Critical 5, High 24, Medium 155, Low 27, Negligible 106, Unknown 10.
			scan.SevCritical: 5, scan.SevHigh: 24, scan.SevMedium: 155, scan.SevLow: 27, scan.SevInfo: 106, scan.SevUnknown: 10}},
		{file: "issue_9618.json", results: 35, golden: true, severities: map[scan.Severity]int{
			// 18 High, 13 Medium, 2 Low, 1 Critical, and the match with no
			// severity takes its related GHSA's High.
			scan.SevCritical: 1, scan.SevHigh: 19, scan.SevMedium: 13, scan.SevLow: 2}},
		{file: "many_vulns_with_epss_values.json", results: 15, golden: true, severities: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 10, scan.SevMedium: 2, scan.SevLow: 2}},
		{file: "no_vuln.json", results: 0, golden: true, severities: map[scan.Severity]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "grype/"+tt.file))
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
	old := scantest.ParseFile(t, Parse, scantest.Shared(t, "grype/many_vulns3.json"))
	rhel := scantest.ParseFile(t, Parse, scantest.Shared(t, "grype/issue_9618.json"))
	epss := scantest.ParseFile(t, Parse, scantest.Shared(t, "grype/many_vulns_with_epss_values.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "image target: user input, manifest digest, distro",
			got:  old.Targets[0],
			want: scan.Target{Kind: scan.TargetImage, Name: "defectdojo/defectdojo-django:1.13.1", OS: "debian 10",
				Digest: "sha256:91bc0f1478c6d26e04da5c2a59ac20262ec2661942418e2a3e7c77245d872658"},
		},
		{
			name: "registry digest preferred to the manifest digest",
			got:  rhel.Targets[0].Digest,
			want: "sha256:97e6d5aeed19f627205b218f45b284cd01ff658dd181416ab1d3e21aeb28d68e",
		},
		{
			name: "Grype 0.7: Negligible is info, cvssV2 score, the distro's ecosystem",
			got: func() any {
				r := find(t, old, "CVE-2019-18276", "bash")
				return []any{r.Severity, r.ToolSeverity, r.Score, r.Vector, r.Package.Ecosystem, r.Evidence}
			}(),
			want: []any{scan.SevInfo, "Negligible", 7.2, "AV:L/AC:L/Au:N/C:C/I:C/A:C", "Debian:10", "dpkg-matcher: none (deb)"},
		},
		{
			name: "Grype 0.7 python package: cvssV3 over cvssV2, PyPI from the purl",
			got: func() any {
				r := find(t, old, "CVE-2015-5237", "protobuf")
				return []any{r.Score, r.Vector, r.Package, r.Severity}
			}(),
			want: []any{8.8, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", &scan.Package{Ecosystem: "PyPI", Name: "protobuf",
				Version: "3.15.3", PURL: "pkg:pypi/protobuf@3.15.3",
				Path: "/usr/local/lib/python3.6/site-packages/protobuf-3.15.3.dist-info/METADATA"}, scan.SevHigh},
		},
		{
			name: "RHEL rpm: Red Hat ecosystem, epoch in the fix, RHSA link",
			got: func() any {
				r := find(t, rhel, "CVE-2023-38473", "avahi-libs")
				return []any{r.Package.Ecosystem, r.Package.Fixed, r.Solution, r.Score, r.References}
			}(),
			want: []any{"Red Hat", "0:0.7-21.el8_9.1", "Upgrade avahi-libs to 0:0.7-21.el8_9.1", 6.2,
				[]string{"https://access.redhat.com/security/cve/CVE-2023-38473", "https://access.redhat.com/errata/RHSA-2023:7836"}},
		},
		{
			name: "no severity: the related GHSA's; Maven name from the purl; related id",
			got: func() any {
				r := find(t, rhel, "CVE-2024-26308", "org.apache.commons:commons-compress")
				return []any{r.IDs, r.Severity, r.ToolSeverity, r.Score, r.Package.Ecosystem, r.Package.Version, r.Package.Fixed}
			}(),
			want: []any{[]string{"CVE-2024-26308", "GHSA-4265-ccf5-phj5"}, scan.SevHigh, "High", 7.5, "Maven", "1.21", "1.26.0"},
		},
		{
			name: "generic purl: no ecosystem; NVD v3.1 Primary score",
			got: func() any {
				r := find(t, epss, "CVE-2022-28391", "busybox")
				return []any{r.Package.Ecosystem, r.Score, r.Vector, r.Evidence}
			}(),
			want: []any{"", 8.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "stock-matcher (cpe-match): <= 1.35.0 (unknown)"},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// doc wraps matches in a minimal report.
func doc(matches string) string {
	return `{"matches":[` + matches + `],"source":{"type":"directory","target":"/src"},"descriptor":{"name":"grype","version":"0.80.0"}}`
}

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "empty", doc: " \n",
		want: "malformed input: empty input: Grype writes a JSON document even when it finds nothing"},
	{name: "malformed JSON", doc: `{"matches":[}`,
		want: "report: matches: malformed input: invalid JSON after byte 12: invalid character '}' looking for beginning of value"},
	{name: "wrong top-level type", doc: `[]`,
		want: `malformed input: got '[', want a JSON object (Grype JSON)`},
	{name: "matches not an array", doc: `{"matches":"none"}`,
		want: "report: matches: malformed input: got JSON string, want array"},
	{name: "wrong-typed score deep in a match", doc: doc(`{"vulnerability":{"id":"CVE-2019-18276","cvss":[{"version":"3.1","metrics":{"baseScore":"7.8"}}]}}`),
		want: "matches[0] CVE-2019-18276: vulnerability.cvss[0].metrics.baseScore: malformed input: got JSON string, want number"},
	{name: "wrong-typed fix version", doc: doc(`{"vulnerability":{"id":"CVE-1","fix":{"versions":["1.0",2]}}}`),
		want: "matches[0] CVE-1: vulnerability.fix.versions[1]: malformed input: got JSON number, want string"},
	{name: "related score out of range", doc: doc(`{"vulnerability":{"id":"GHSA-xxxx-xxxx-xxxx"},"relatedVulnerabilities":[{"id":"CVE-1","cvss":[{"metrics":{"baseScore":98}}]}]}`),
		want: "matches[0] GHSA-xxxx-xxxx-xxxx: relatedVulnerabilities[0].cvss[0].metrics.baseScore: malformed input: score 98 outside 0 to 10"},
	{name: "NaN score", doc: doc(`{"vulnerability":{"id":"CVE-1","cvssV2":{"baseScore":NaN}}}`),
		want: "matches[0]: malformed input: invalid JSON after byte 12: invalid character 'N' looking for beginning of value"},
	{name: "no vulnerability id", doc: doc(`{"artifact":{"name":"x"}}`),
		want: "matches[0]: vulnerability.id: malformed input: missing"},
	{name: "matchDetails of the wrong type", doc: doc(`{"vulnerability":{"id":"CVE-1"},"matchDetails":[{"matcher":1}]}`),
		want: "matches[0] CVE-1: matchDetails[0].matcher: malformed input: got JSON number, want string"},
	{name: "bad timestamp", doc: `{"matches":[],"descriptor":{"timestamp":"2024-02-30T00:00:00Z"}}`,
		want: `report: descriptor.timestamp: malformed input: not a timestamp: "2024-02-30T00:00:00Z"`},
	{name: "source target a number", doc: `{"matches":[],"source":{"type":"image","target":5}}`,
		want: "report: source.target: malformed input: got JSON number, want object or string"},
	{name: "trailing garbage", doc: doc(``) + `]`,
		want: "malformed input: data after the report at byte 109"},
	{name: "truncated", doc: doc(`{"vulnerability":{"id":"CVE-1"}}`)[:40],
		want: "matches[0]: malformed input: truncated: unexpected end of input"},
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

func TestDirectorySource(t *testing.T) {
	rep, err := Parse(strings.NewReader(doc(`{"vulnerability":{"id":"GHSA-abcd-efgh-ijkl","severity":"High"},"artifact":{"name":"left-pad","version":"1.0.0","type":"npm"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	want := &scan.Report{Tool: "grype", Version: "0.80.0",
		Targets: []scan.Target{{Kind: scan.TargetSource, Name: "/src"}},
		Results: []scan.Result{{Rule: "GHSA-abcd-efgh-ijkl", IDs: []string{"GHSA-abcd-efgh-ijkl"}, Severity: scan.SevHigh, ToolSeverity: "High",
			Package: &scan.Package{Ecosystem: "npm", Name: "left-pad", Version: "1.0.0"}}}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
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
	data, err := os.ReadFile(scantest.Shared(b, "grype/many_vulns3.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(327*b.N)/b.Elapsed().Seconds(), "results/s")
}
