package csaf

import (
	"fmt"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// FuzzParse feeds mutated documents to Parse. Besides feedtest.Fuzz's
// checks (no panic, errors of the right kind, records that survive a JSON
// round trip), every record must pass advisory.Record.Validate, which the
// store relies on. The seeds are the fixtures in testdata, the Cisco
// example aside (130 KB of products slows every mutation), and the
// documents of the table tests.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, s := range fixtures(f) {
		if !strings.Contains(s, "cisco") {
			seeds = append(seeds, s)
		}
	}
	f.Add("tree.json", []byte(vuln(`{"cve":"CVE-2024-0001","product_status":{"known_affected":["P1-OS7"],"known_not_affected":["OS7","P2"]},
		"flags":[{"label":"component_not_present","group_ids":["G1"]}],"threats":[{"category":"impact","details":"d","product_ids":["OS7"]}],
		"remediations":[{"category":"vendor_fix","details":"d","group_ids":["G1"],"product_ids":["P1-OS7"]}]}`)))
	f.Add("v21.json", []byte(doc(strings.Replace(testMeta, `"2.0"`, `"2.1"`, 1), testTree, `{"ids":[{"system_name":"x","text":"GHSA-2222-3333-4444"}],
		"cwes":[{"id":"CWE-79","name":"x","version":"4.13"}],"metrics":[{"products":["P1"],"content":{"cvss_v4":{"vectorString":"CVSS:4.0/AV:N","baseScore":5},
		"epss":{"probability":"0.1","percentile":"0.5","timestamp":"2024-01-01T00:00:00Z"},
		"ssvc_v2":{"selections":[{"namespace":"ssvc","key":"E","values":[{"key":"A"}]}],"timestamp":"2024-01-01T00:00:00Z"}}}]}`)))
	feedtest.Fuzz(f, validated, seeds...)
}

// validated is Parse with Validate's verdict turned into an error that
// feedtest.Fuzz refuses, since it wraps neither RecordError nor ErrFormat.
func validated(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		for rec, err := range Parse(name, r) {
			if err == nil {
				if verr := rec.Validate(); verr != nil {
					err = fmt.Errorf("record fails Validate: %v", verr)
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}
