package match

import (
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
)

// Statements from go-vex's test documents (v0.0.1.json, vex.yaml).
func TestApplyVEX(t *testing.T) {
	wolfiGit := VEX{Vulns: []string{"CVE-2023-12345"}, Status: "fixed", Source: "v0.0.1.json",
		Products: []string{"pkg:apk/wolfi/git@2.39.0-r1?arch=armv7", "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"}}
	log4j := VEX{Vulns: []string{"CVE-2021-44228", "FEDORA-2021-66d6c484f3", "cisco-sa-apache-log4j-qRuKNEbd"}, Status: "affected", Source: "vex.yaml"}
	notAffected := VEX{Vulns: []string{"CVE-2022-31030", "DSA-5162"}, Status: "not_affected",
		Justification: "vulnerable_code_not_in_execute_path", Source: "vex.yaml"}

	ms := []Match{
		{Vuln: "CVE-2023-12345", Component: asset.Component{Name: "git", Version: "2.39.0-r1", PURL: "pkg:apk/wolfi/git@2.39.0-r1?arch=aarch64"}},
		{Vuln: "CVE-2023-12345", Component: asset.Component{Name: "git", Version: "2.38.0-r0", PURL: "pkg:apk/wolfi/git@2.38.0-r0"}},
		{Vuln: "GHSA-jfh8-c2jp-5v3q", Component: asset.Component{Name: "log4j-core", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}},
		{Vuln: "CVE-2022-31030", Component: asset.Component{Name: "containerd", PURL: "pkg:golang/github.com/containerd/containerd@1.6.5"}},
	}
	aliases := map[string][]string{"GHSA-jfh8-c2jp-5v3q": {"CVE-2021-44228"}}
	ApplyVEX(ms, []VEX{wolfiGit, log4j, notAffected}, func(v string) []string { return aliases[v] })

	want := []struct {
		status     string
		suppressed bool
	}{
		{"fixed", true},        // same package and version, other qualifiers
		{"", false},            // another version: not covered
		{"affected", false},    // by alias, no products: the whole document's
		{"not_affected", true}, // with its justification
	}
	for i, w := range want {
		got := ""
		if ms[i].VEX != nil {
			got = ms[i].VEX.Status
		}
		if got != w.status || ms[i].VEX.Suppresses() != w.suppressed {
			t.Errorf("match %d (%s %s): verdict %q suppresses %v; want %q, %v", i, ms[i].Vuln, ms[i].Component.PURL, got, ms[i].VEX.Suppresses(), w.status, w.suppressed)
		}
	}
	if ms[3].VEX.Justification != "vulnerable_code_not_in_execute_path" {
		t.Errorf("justification lost: %+v", ms[3].VEX)
	}
	// A later statement supersedes an earlier one.
	later := notAffected
	later.Status, later.Justification = "affected", ""
	ApplyVEX(ms[3:], []VEX{notAffected, later}, func(string) []string { return nil })
	if ms[3].VEX.Status != "affected" {
		t.Errorf("later statement did not win: %+v", ms[3].VEX)
	}
}
