package wazuh

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "wazuh", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		// 10 hits of "total": 125: a page of the index (see doc.go).
		{File: "v4-8_many_findings.json", Want: scantest.Tally{Targets: 2, Results: 10, BySeverity: map[scan.Severity]int{scan.SevCritical: 10}}, Golden: true},
		// Medium 5, High 3, Critical 2, Low 2, Untriaged 1.
		{File: "v4-7_many_findings.json", Want: scantest.Tally{Targets: 1, Results: 13, BySeverity: map[scan.Severity]int{
			scan.SevMedium: 5, scan.SevHigh: 3, scan.SevCritical: 2, scan.SevLow: 2, scan.SevUnknown: 1}}, Golden: true},
		{File: "v4-7_no_findings.json", Want: scantest.Tally{Targets: 1, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	v48 := scantest.ParseFile(t, Parse, scantest.Shared(t, "wazuh/v4-8_many_findings.json"))
	v47 := scantest.ParseFile(t, Parse, scantest.Shared(t, "wazuh/v4-7_many_findings.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "4.8: one host per agent name",
			Got:  v48.Targets,
			Want: []scan.Target{
				{Kind: scan.TargetHost, Name: "myhost0", OS: "Ubuntu 24.04.2 LTS (Noble Numbat)"},
				{Kind: scan.TargetHost, Name: "myhost1", OS: "Ubuntu 24.04.1 LTS (Noble Numbat)"},
			},
		},
		{
			Name: "4.8: a kernel CVE on an Ubuntu 24.04 package",
			Got:  v48.Results[0],
			Want: scan.Result{Rule: "CVE-2025-27558", IDs: []string{"CVE-2025-27558"}, Severity: scan.SevCritical, ToolSeverity: "Critical", Score: 9.1,
				Package:     &scan.Package{Ecosystem: "Ubuntu:24.04:LTS", Name: "linux-image-6.8.0-60-generic", Version: "6.8.0-60.63"},
				Description: v48.Results[0].Description,
				Evidence:    "Package default status",
				References:  []string{"https://ubuntu.com/security/CVE-2025-27558", "https://www.cve.org/CVERecord?id=CVE-2025-27558"}},
		},
		{
			Name: "4.7: placeholders normalised in IDs, cvss3 over cvss2, Untriaged is unknown",
			Got: func() any {
				var untriaged string
				for _, r := range v47.Results {
					if r.ToolSeverity == "Untriaged" {
						untriaged = string(r.Severity)
					}
				}
				r := v47.Results[0]
				return []any{r.Rule, r.IDs, r.Score, r.Title, r.Evidence, untriaged, v47.Targets}
			}(),
			Want: []any{"CVE-YYYY-fjiewof", []string{"CVE-YYYY-FJIEWOF"}, 9.8, "CVE-YYYY-fjiewof affects 123123", "Package unfixed", "unknown",
				[]scan.Target{{Kind: scan.TargetHost}}},
		},
	})
}

func v47(items string) string {
	return `{"data":{"affected_items":[` + items + `],"total_affected_items":1},"error":0}`
}

func v48(source string) string {
	return `{"took":1,"hits":{"total":{"value":1},"hits":[{"_index":"wazuh-states-vulnerabilities-x","_source":` + source + `}]}}`
}

var badInputs = []scantest.BadInput{
	{Name: "empty", In: "",
		Want: "malformed input: empty input: a Wazuh response is a JSON object"},
	{Name: "malformed JSON", In: `{"data":{"affected_items":[{"cve":"CVE-1",}]}}`,
		Want: "data.affected_items[0]: malformed input: invalid JSON after byte 27: invalid character '}' looking for beginning of object key string"},
	{Name: "wrong top-level type", In: `[]`,
		Want: `malformed input: got '[', want a JSON object (Wazuh API or indexer response)`},
	{Name: "neither shape", In: `{"error":0}`,
		Want: `report: malformed input: neither "data" (Wazuh 4.7 API) nor "hits" (Wazuh 4.8 indexer)`},
	{Name: "affected_items an object", In: `{"data":{"affected_items":{}}}`,
		Want: "data: affected_items: malformed input: got JSON object, want array"},
	{Name: "4.7 score a string", In: v47(`{"cve":"CVE-2020-1","cvss3_score":"9.8"}`),
		Want: "data.affected_items[0] CVE-2020-1: cvss3_score: malformed input: got JSON string, want number"},
	{Name: "4.7 score above 10", In: v47(`{"cve":"CVE-2020-1","cvss2_score":75}`),
		Want: "data.affected_items[0] CVE-2020-1: cvss2_score: malformed input: score 75 outside 0 to 10"},
	{Name: "4.7 item without cve", In: v47(`{"name":"openssl"}`),
		Want: "data.affected_items[0]: cve: malformed input: missing"},
	{Name: "4.8 wrong-typed field deep in a document", In: v48(`{"vulnerability":{"id":"CVE-2025-27558","score":{"base":"9.1"}}}`),
		Want: "hits.hits[0] CVE-2025-27558: _source.vulnerability.score.base: malformed input: got JSON string, want number"},
	{Name: "4.8 score out of range", In: v48(`{"vulnerability":{"id":"CVE-2025-27558","score":{"base":-1}}}`),
		Want: "hits.hits[0] CVE-2025-27558: _source.vulnerability.score.base: malformed input: score -1 outside 0 to 10"},
	{Name: "4.8 hit without _source", In: `{"hits":{"hits":[{"_id":"x"}]}}`,
		Want: "hits.hits[0]: _source: malformed input: missing"},
	{Name: "NaN literal", In: v48(`{"vulnerability":{"id":"CVE-1","score":{"base":NaN}}}`),
		Want: "hits.hits[0]: malformed input: invalid JSON after byte 46: invalid character 'N' looking for beginning of value"},
	{Name: "trailing garbage", In: v47(``) + `x`,
		Want: "malformed input: data after the report at byte 65"},
	{Name: "truncated", In: v48(`{"vulnerability":{"id":"CVE-1"}}`)[:90],
		Want: "hits.hits[0]: malformed input: truncated: unexpected end of input"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
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
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "wazuh/v4-8_many_findings.json")
}
