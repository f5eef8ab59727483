package ingest

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/match"
)

// TestReadVEX reads the real VEX documents in ../shared: OpenVEX v0.0.1
// and v0.2.0 (go-vex's test data), CycloneDX VEX (bom-examples) and CSAF
// VEX (the OASIS example, and go-vex's CSAF, which is not valid CSAF).
func TestReadVEX(t *testing.T) {
	tests := []struct {
		file    string
		n       int
		first   match.VEX
		wantErr string
	}{
		{file: "openvex/go-vex-testdata/vex/v0.0.1.json", n: 1, first: match.VEX{Vulns: []string{"CVE-2023-12345"},
			Products: []string{"pkg:apk/wolfi/git@2.39.0-r1?arch=armv7", "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"}, Status: "fixed"}},
		{file: "openvex/go-vex-testdata/vex/v0.2.0.json", n: 5, first: match.VEX{Vulns: []string{"CVE-2023-1255"},
			Products: []string{"pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126", "pkg:apk/alpine/libssl3@3.0.8-r3", "pkg:apk/alpine/libcrypto3@3.0.8-r3"},
			Status:   "fixed"}},
		{file: "cyclonedx/examples/VEX/vex.json", n: 1, first: match.VEX{Vulns: []string{"CVE-2020-25649", "SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"},
			Products: []string{"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"}, Status: "not_affected", Justification: "code_not_reachable",
			Detail: "Automated dataflow analysis and manual code review indicates that the vulnerable code is not reachable, either directly or indirectly."}},
		// A product without a purl: the statement is about the product as a whole.
		{file: "csaf/examples/csaf/csaf_vex/sec-vex-2022-0001.json", n: 3, first: match.VEX{Vulns: []string{"CVE-2021-44228"},
			Product: "Secvisogram Secvisogram <=1.14.0", Status: "not_affected", Justification: "component_not_present"}},
		{file: "openvex/go-vex-testdata/csaf/csaf.json", wantErr: `vulnerabilities[0].product_status.known_affected[0]: malformed input: undefined product "ABC:CSAFPID-0002"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := feedtest.SharedData(t, tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sts, err := ReadVEX(tt.file, data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(sts) != tt.n {
				t.Fatalf("ReadVEX = %d statements, %v; want %d", len(sts), err, tt.n)
			}
			tt.first.Source = tt.file
			if diff := cmp.Diff(tt.first, sts[0]); diff != "" {
				t.Errorf("first statement -want +got:\n%s", diff)
			}
		})
	}
}

// The CycloneDX example's statement suppresses the match it is about,
// whatever the purl's qualifiers; a CSAF statement about the product as a
// whole covers every component of what it is applied to.
func TestApplyReadVEX(t *testing.T) {
	read := func(file string) []match.VEX {
		data, err := os.ReadFile(feedtest.SharedData(t, file))
		if err != nil {
			t.Fatal(err)
		}
		sts, err := ReadVEX(file, data)
		if err != nil {
			t.Fatal(err)
		}
		return sts
	}
	ms := []match.Match{
		{Vuln: "CVE-2020-25649", Component: asset.Component{Name: "jackson-databind", Version: "2.10.0", PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0"}},
		{Vuln: "CVE-2021-44228", Component: asset.Component{Name: "log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}},
	}
	match.ApplyVEX(ms, append(read("cyclonedx/examples/VEX/vex.json"), read("csaf/examples/csaf/csaf_vex/sec-vex-2022-0001.json")...),
		func(string) []string { return nil })
	for _, m := range ms {
		if !m.VEX.Suppresses() {
			t.Errorf("%s on %s: verdict %+v does not suppress it", m.Vuln, m.Component.Name, m.VEX)
		}
	}
	for state, want := range map[string]string{"false_positive": "not_affected", "resolved": "fixed", "exploitable": "affected", "in_triage": "under_investigation"} {
		if got := cdxStatus(state); got != want {
			t.Errorf("cdxStatus(%s) = %s, want %s", state, got, want)
		}
	}
}

// FuzzReadVEX: any bytes give statements or an error, never a panic, and
// every statement names a vulnerability.
func FuzzReadVEX(f *testing.F) {
	for _, file := range []string{"openvex/go-vex-testdata/vex/v0.2.0.json", "cyclonedx/examples/VEX/vex.json", "csaf/examples/csaf/csaf_vex/sec-vex-2022-0001.json"} {
		if data, err := os.ReadFile(feedtest.SharedData(f, file)); err == nil {
			f.Add(file, data)
		}
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		sts, _ := ReadVEX(name, data)
		for _, st := range sts {
			if len(st.Vulns) == 0 {
				t.Errorf("statement without a vulnerability: %+v", st)
			}
		}
	})
}
