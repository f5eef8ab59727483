package attackpath

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
)

func TestVulnProperties(t *testing.T) {
	for _, tc := range []struct {
		vector     string
		cwes       []string
		rng, priv  string
		ok         bool
		whyContain string
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", nil, "remoteExploit", "root", true, ""},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", nil, "remoteClient", "user", true, ""},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", nil, "localExploit", "root", true, ""},
		{"CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N", nil, "remoteExploit", "user", true, ""},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", nil, "", "", false, "no integrity impact"},
		// CWE-78 (OS command injection) means code execution even so.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", []string{"CWE-78"}, "remoteExploit", "user", true, ""},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", nil, "remoteClient", "root", true, ""},
		{"AV:N/AC:L/Au:N/C:C/I:C/A:C", nil, "remoteExploit", "root", true, ""},
		{"AV:P/AC:L/Au:N/C:P/I:P/A:P", nil, "localExploit", "user", true, ""},
		{"", nil, "", "", false, "no attack vector"},
	} {
		rng, priv, ok, why := VulnProperties(tc.vector, tc.cwes)
		if rng != tc.rng || priv != tc.priv || ok != tc.ok || !strings.Contains(why, tc.whyContain) {
			t.Errorf("%s %v = %q %q %v %q, want %q %q %v %q", tc.vector, tc.cwes, rng, priv, ok, why, tc.rng, tc.priv, tc.ok, tc.whyContain)
		}
	}
}

// An inventory: an internet-facing web server and a critical database in
// the prod zone, and an office workstation. The web server's nginx hole
// gives root there; from it the prod zone is open, and postgres's remote
// hole gives root on the database. The workstation is taken too (its user
// opens a malicious page, then a local kernel hole), but the office zone
// does not reach prod, so its findings are on no path to the crown jewel.
func TestFromInventory(t *testing.T) {
	assets := []asset.Asset{
		{Name: "web", Kind: asset.KindHost, Exposure: asset.ExpInternet, Tags: []string{"zone:prod"}},
		{Name: "db", Kind: asset.KindHost, Exposure: asset.ExpInternal, Criticality: asset.CritCritical, Tags: []string{"zone:prod"}},
		{Name: "pc", Kind: asset.KindHost, Exposure: asset.ExpInternal, Tags: []string{"zone:office"}},
	}
	vulns := []InventoryVuln{
		{FindingID: 1, Asset: "web", Vuln: "CVE-2024-1", Package: "nginx", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", EPSS: 0.7},
		{FindingID: 2, Asset: "db", Vuln: "CVE-2024-2", Package: "postgres", Vector: "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H"},
		{FindingID: 3, Asset: "db", Vuln: "CVE-2024-3", Package: "openssl", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"},
		{FindingID: 4, Asset: "pc", Vuln: "CVE-2024-4", Package: "firefox", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H"},
		{FindingID: 5, Asset: "pc", Vuln: "CVE-2024-5", Package: "linux", Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"},
		{FindingID: 6, Asset: "gone", Vuln: "CVE-2024-6", Package: "x", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
	}
	m, notes, err := FromInventory(assets, vulns, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantNotes := []string{
		`finding 3 (CVE-2024-3 on db): no integrity impact: not a code-execution step`,
		`finding 6: asset "gone" not in the inventory`,
	}
	if !reflect.DeepEqual(notes, wantNotes) {
		t.Errorf("notes = %q, want %q", notes, wantNotes)
	}
	r := analyse(t, m, Options{})
	if got := r.Goals(); !reflect.DeepEqual(got, []string{"execCode(db,root)"}) {
		t.Fatalf("goals = %v", got)
	}
	if !r.Has("execCode(pc,root)") {
		t.Error("the workstation should be taken (client then local exploit)")
	}
	ps, err := r.Paths(3)
	if err != nil {
		t.Fatal(err)
	}
	on := FindingsOnPaths(ps)
	if got := on[[2]string{"web", "CVE-2024-1"}]; !reflect.DeepEqual(got, []string{"execCode(db,root)"}) {
		t.Errorf("web's finding on %v", got)
	}
	if _, ok := on[[2]string{"db", "CVE-2024-2"}]; !ok {
		t.Error("db's postgres finding is on no path")
	}
	for _, k := range [][2]string{{"pc", "CVE-2024-4"}, {"pc", "CVE-2024-5"}} {
		if g, ok := on[k]; ok {
			t.Errorf("%v is on a path to %v; the office zone does not reach prod", k, g)
		}
	}
	if got := ps[0].Summary(); got != "internet → web (CVE-2024-1) → db (CVE-2024-2)" {
		t.Errorf("summary = %q", got)
	}
	// The EPSS (0.7) is the nginx exploit's likelihood.
	if ps[0].Steps[1].Prob < 0.699 || ps[0].Steps[1].Prob > 0.701 {
		t.Errorf("nginx step likelihood = %v, want 0.7", ps[0].Steps[1].Prob)
	}
	p, err := r.MinimalFixes()
	if err != nil || len(p.Fixes) != 1 {
		t.Errorf("fixes = %+v, %v; want one", p, err)
	}
}
