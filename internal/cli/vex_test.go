package cli

import (
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/match"
)

// The CycloneDX VEX example (bom-examples VEX/vex.json) states that
// CVE-2020-25649 does not affect jackson-databind 2.10.0; read and applied,
// it suppresses that match, whatever the purl's qualifiers.
func TestReadCycloneDXVEX(t *testing.T) {
	sts, err := readVEX(feedtest.SharedData(t, "cyclonedx/examples/VEX/vex.json"))
	if err != nil || len(sts) != 1 || sts[0].Status != "not_affected" {
		t.Fatalf("statements %+v, %v", sts, err)
	}
	ms := []match.Match{{Vuln: "CVE-2020-25649", Component: asset.Component{Name: "jackson-databind", Version: "2.10.0",
		PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0"}}}
	match.ApplyVEX(ms, sts, func(string) []string { return nil })
	if !ms[0].VEX.Suppresses() {
		t.Errorf("verdict %+v does not suppress the match", ms[0].VEX)
	}
	for state, want := range map[string]string{"false_positive": "not_affected", "resolved": "fixed", "exploitable": "affected", "in_triage": "under_investigation"} {
		if got := cdxStatus(state); got != want {
			t.Errorf("cdxStatus(%s) = %s, want %s", state, got, want)
		}
	}
}
