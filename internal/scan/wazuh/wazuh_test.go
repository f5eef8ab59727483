package wazuh

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
		// 10 hits of "total": 125: a page of the index (see doc.go).
		{file: "v4-8_many_findings.json", results: 10, targets: 2, severities: map[scan.Severity]int{scan.SevCritical: 10}},
		// Medium 5, High 3, Critical 2, Low 2, Untriaged 1.
		{file: "v4-7_many_findings.json", results: 13, targets: 1, severities: map[scan.Severity]int{
			scan.SevMedium: 5, scan.SevHigh: 3, scan.SevCritical: 2, scan.SevLow: 2, scan.SevUnknown: 1}},
		{file: "v4-7_no_findings.json", results: 0, targets: 1, severities: map[scan.Severity]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "wazuh/"+tt.file))
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
	v48 := scantest.ParseFile(t, Parse, scantest.Shared(t, "wazuh/v4-8_many_findings.json"))
	v47 := scantest.ParseFile(t, Parse, scantest.Shared(t, "wazuh/v4-7_many_findings.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "4.8: one host per agent name",
			got:  v48.Targets,
			want: []scan.Target{
				{Kind: scan.TargetHost, Name: "myhost0", OS: "Ubuntu 24.04.2 LTS (Noble Numbat)"},
				{Kind: scan.TargetHost, Name: "myhost1", OS: "Ubuntu 24.04.1 LTS (Noble Numbat)"},
			},
		},
		{
			name: "4.8: a kernel CVE on an Ubuntu 24.04 package",
			got:  v48.Results[0],
			want: scan.Result{Rule: "CVE-2025-27558", IDs: []string{"CVE-2025-27558"}, Severity: scan.SevCritical, ToolSeverity: "Critical", Score: 9.1,
				Package:     &scan.Package{Ecosystem: "Ubuntu:24.04:LTS", Name: "linux-image-6.8.0-60-generic", Version: "6.8.0-60.63"},
				Description: v48.Results[0].Description,
				Evidence:    "Package default status",
				References:  []string{"https://ubuntu.com/security/CVE-2025-27558", "https://www.cve.org/CVERecord?id=CVE-2025-27558"}},
		},
		{
			name: "4.7: placeholders normalised in IDs, cvss3 over cvss2, Untriaged is unknown",
			got: func() any {
				var untriaged string
				for _, r := range v47.Results {
					if r.ToolSeverity == "Untriaged" {
						untriaged = string(r.Severity)
					}
				}
				r := v47.Results[0]
				return []any{r.Rule, r.IDs, r.Score, r.Title, r.Evidence, untriaged, v47.Targets}
			}(),
			want: []any{"CVE-YYYY-fjiewof", []string{"CVE-YYYY-FJIEWOF"}, 9.8, "CVE-YYYY-fjiewof affects 123123", "Package unfixed", "unknown",
				[]scan.Target{{Kind: scan.TargetHost}}},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func v47(items string) string {
	return `{"data":{"affected_items":[` + items + `],"total_affected_items":1},"error":0}`
}

func v48(source string) string {
	return `{"took":1,"hits":{"total":{"value":1},"hits":[{"_index":"wazuh-states-vulnerabilities-x","_source":` + source + `}]}}`
}

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "empty", doc: "",
		want: "malformed input: empty input: a Wazuh response is a JSON object"},
	{name: "malformed JSON", doc: `{"data":{"affected_items":[{"cve":"CVE-1",}]}}`,
		want: "data.affected_items[0]: malformed input: invalid JSON after byte 27: invalid character '}' looking for beginning of object key string"},
	{name: "wrong top-level type", doc: `[]`,
		want: `malformed input: got '[', want a JSON object (Wazuh API or indexer response)`},
	{name: "neither shape", doc: `{"error":0}`,
		want: `report: malformed input: neither "data" (Wazuh 4.7 API) nor "hits" (Wazuh 4.8 indexer)`},
	{name: "affected_items an object", doc: `{"data":{"affected_items":{}}}`,
		want: "data: affected_items: malformed input: got JSON object, want array"},
	{name: "4.7 score a string", doc: v47(`{"cve":"CVE-2020-1","cvss3_score":"9.8"}`),
		want: "data.affected_items[0] CVE-2020-1: cvss3_score: malformed input: got JSON string, want number"},
	{name: "4.7 score above 10", doc: v47(`{"cve":"CVE-2020-1","cvss2_score":75}`),
		want: "data.affected_items[0] CVE-2020-1: cvss2_score: malformed input: score 75 outside 0 to 10"},
	{name: "4.7 item without cve", doc: v47(`{"name":"openssl"}`),
		want: "data.affected_items[0]: cve: malformed input: missing"},
	{name: "4.8 wrong-typed field deep in a document", doc: v48(`{"vulnerability":{"id":"CVE-2025-27558","score":{"base":"9.1"}}}`),
		want: "hits.hits[0] CVE-2025-27558: _source.vulnerability.score.base: malformed input: got JSON string, want number"},
	{name: "4.8 score out of range", doc: v48(`{"vulnerability":{"id":"CVE-2025-27558","score":{"base":-1}}}`),
		want: "hits.hits[0] CVE-2025-27558: _source.vulnerability.score.base: malformed input: score -1 outside 0 to 10"},
	{name: "4.8 hit without _source", doc: `{"hits":{"hits":[{"_id":"x"}]}}`,
		want: "hits.hits[0]: _source: malformed input: missing"},
	{name: "NaN literal", doc: v48(`{"vulnerability":{"id":"CVE-1","score":{"base":NaN}}}`),
		want: "hits.hits[0]: malformed input: invalid JSON after byte 46: invalid character 'N' looking for beginning of value"},
	{name: "trailing garbage", doc: v47(``) + `x`,
		want: "malformed input: data after the report at byte 65"},
	{name: "truncated", doc: v48(`{"vulnerability":{"id":"CVE-1"}}`)[:90],
		want: "hits.hits[0]: malformed input: truncated: unexpected end of input"},
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

func TestObsoleteSkipped(t *testing.T) {
	rep, err := Parse(strings.NewReader(v47(`{"cve":"CVE-2020-1","status":"OBSOLETE"},{"cve":"CVE-2020-2","status":"VALID","severity":"High"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Rule != "CVE-2020-2" {
		t.Errorf("results %+v, want CVE-2020-2 only", rep.Results)
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
	data, err := os.ReadFile(scantest.Shared(b, "wazuh/v4-8_many_findings.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10*b.N)/b.Elapsed().Seconds(), "results/s")
}
