package nvd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

// TestConfigurations11 checks how 1.1 node trees become API 2.0
// configurations. In the JSON below, $a, $b, $c and $d stand for CPE
// matches, which the
// test expands.
func TestConfigurations11(t *testing.T) {
	tests := []struct {
		name    string
		nodes   string // the 1.1 configurations.nodes array
		want    string // the 2.0 configurations array; "" for none
		wantErr string
	}{
		{
			name:  "leaf",
			nodes: `[{"operator":"OR","cpe_match":[$a,$b]}]`,
			want:  `[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[$a,$b]}]}]`,
		},
		{
			name:  "negated leaf",
			nodes: `[{"operator":"OR","negate":true,"cpe_match":[$a]}]`,
			want:  `[{"nodes":[{"operator":"OR","negate":true,"cpeMatch":[$a]}]}]`,
		},
		{
			name:  "two top-level nodes are two configurations",
			nodes: `[{"operator":"OR","children":[],"cpe_match":[$a]},{"operator":"OR","cpe_match":[$b]}]`,
			want:  `[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[$a]}]},{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[$b]}]}]`,
		},
		{
			name:  "AND over OR leaves, NVD's running-on shape",
			nodes: `[{"operator":"AND","children":[{"operator":"OR","cpe_match":[$a,$b]},{"operator":"OR","cpe_match":[$c]}],"cpe_match":[]}]`,
			want:  `[{"operator":"AND","nodes":[{"operator":"OR","negate":false,"cpeMatch":[$a,$b]},{"operator":"OR","negate":false,"cpeMatch":[$c]}]}]`,
		},
		{
			name:  "negated AND",
			nodes: `[{"operator":"AND","negate":true,"children":[{"operator":"OR","cpe_match":[$a]},{"operator":"OR","negate":true,"cpe_match":[$b]}]}]`,
			want:  `[{"operator":"AND","negate":true,"nodes":[{"operator":"OR","negate":false,"cpeMatch":[$a]},{"operator":"OR","negate":true,"cpeMatch":[$b]}]}]`,
		},
		{
			name:  "AND with matches of its own: they become a node with its operator",
			nodes: `[{"operator":"AND","cpe_match":[$a,$b],"children":[{"operator":"OR","cpe_match":[$c,$d]}]}]`,
			want:  `[{"operator":"AND","nodes":[{"operator":"AND","negate":false,"cpeMatch":[$a,$b]},{"operator":"OR","negate":false,"cpeMatch":[$c,$d]}]}]`,
		},
		{
			name:  "OR with children splits into configurations",
			nodes: `[{"operator":"OR","cpe_match":[$a],"children":[{"operator":"OR","cpe_match":[$b]},{"operator":"AND","children":[{"operator":"OR","cpe_match":[$c]},{"operator":"OR","cpe_match":[$d]}]}]}]`,
			want: `[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[$a]}]},
				{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[$b]}]},
				{"operator":"AND","nodes":[{"operator":"OR","negate":false,"cpeMatch":[$c]},{"operator":"OR","negate":false,"cpeMatch":[$d]}]}]`,
		},
		{
			name:  "AND under AND is spliced",
			nodes: `[{"operator":"AND","children":[{"operator":"OR","cpe_match":[$a]},{"operator":"AND","cpe_match":[$b],"children":[{"operator":"OR","cpe_match":[$c]},{"operator":"OR","cpe_match":[$d]}]}]}]`,
			want: `[{"operator":"AND","nodes":[{"operator":"OR","negate":false,"cpeMatch":[$a]},{"operator":"AND","negate":false,"cpeMatch":[$b]},
				{"operator":"OR","negate":false,"cpeMatch":[$c]},{"operator":"OR","negate":false,"cpeMatch":[$d]}]}]`,
		},
		{
			name:  "nodes without matches are dropped",
			nodes: `[{"operator":"OR","children":[],"cpe_match":[]},{"operator":"AND","children":[{"operator":"OR","cpe_match":[]},{"operator":"OR","cpe_match":[$a]}]},{"operator":"AND","children":[{"operator":"OR"}]}]`,
			want:  `[{"operator":"AND","nodes":[{"operator":"OR","negate":false,"cpeMatch":[$a]}]}]`,
		},
		{
			name:  "nothing left",
			nodes: `[{"operator":"OR","children":[],"cpe_match":[]}]`,
		},
		{
			name:    "OR under AND under AND cannot be expressed",
			nodes:   `[{"operator":"AND","children":[{"operator":"OR","cpe_match":[$a],"children":[{"operator":"AND","cpe_match":[$b,$c]}]},{"operator":"OR","cpe_match":[$d]}]}]`,
			wantErr: "CVE-2019-0001: configurations.nodes[0].children[0].children: malformed input: nesting deeper than an API 2.0 configuration can express",
		},
		{
			name:    "negated child with children cannot be expressed",
			nodes:   `[{"operator":"AND","children":[{"operator":"AND","negate":true,"children":[{"operator":"OR","cpe_match":[$a]}]}]}]`,
			wantErr: "CVE-2019-0001: configurations.nodes[0].children[0].children: malformed input: nesting deeper than an API 2.0 configuration can express",
		},
		{
			name:    "missing operator",
			nodes:   `[{"operator":"AND","children":[{"cpe_match":[$a]}]}]`,
			wantErr: "CVE-2019-0001: configurations.nodes[0].children[0].operator: malformed input: missing",
		},
		{
			name:    "lower-case operator",
			nodes:   `[{"operator":"or","cpe_match":[$a]}]`,
			wantErr: `CVE-2019-0001: configurations.nodes[0].operator: malformed input: unknown operator "or"`,
		},
	}
	cpe := strings.NewReplacer(
		"$a", `{"vulnerable":true,"cpe23Uri":"cpe:2.3:a:acme:alpha:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0"}`,
		"$b", `{"vulnerable":true,"cpe23Uri":"cpe:2.3:a:acme:beta:1.0:*:*:*:*:*:*:*"}`,
		"$c", `{"vulnerable":false,"cpe23Uri":"cpe:2.3:o:acme:gamma:-:*:*:*:*:*:*:*"}`,
		"$d", `{"vulnerable":true,"cpe23Uri":"cpe:2.3:h:acme:delta:*:*:*:*:*:*:*:*","versionStartIncluding":"3"}`,
	)
	// The same matches as they appear in 2.0 output.
	cpe20 := strings.NewReplacer(
		"$a", `{"vulnerable":true,"criteria":"cpe:2.3:a:acme:alpha:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0"}`,
		"$b", `{"vulnerable":true,"criteria":"cpe:2.3:a:acme:beta:1.0:*:*:*:*:*:*:*"}`,
		"$c", `{"vulnerable":false,"criteria":"cpe:2.3:o:acme:gamma:-:*:*:*:*:*:*:*"}`,
		"$d", `{"vulnerable":true,"criteria":"cpe:2.3:h:acme:delta:*:*:*:*:*:*:*:*","versionStartIncluding":"3"}`,
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"}},"configurations":{"CVE_data_version":"4.0","nodes":` + cpe.Replace(tt.nodes) + `}}`)
			recs, errs := feedtest.Collect(nvd.Parse("nvdcve-1.1.json", strings.NewReader(in)))
			var gotErr string
			for _, err := range errs {
				gotErr += err.Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("error = %q, want %q", gotErr, tt.wantErr)
			}
			if tt.wantErr != "" {
				return
			}
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1", len(recs))
			}
			var want, got any
			if tt.want != "" {
				if err := json.Unmarshal([]byte(cpe20.Replace(tt.want)), &want); err != nil {
					t.Fatalf("test's want: %v", err)
				}
			}
			if recs[0].Configurations != nil {
				if err := json.Unmarshal(recs[0].Configurations, &got); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("configurations (-want +got):\n%s", diff)
			}
		})
	}
}
