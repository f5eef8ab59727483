package export_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
)

// osvScanner finds osv-scanner v2.5.0: $OSV_SCANNER (.ci/run installs it
// and sets it), else on PATH. Missing, the test skips loudly, and fails
// under CI=true.
func osvScanner(t *testing.T) string {
	t.Helper()
	p := os.Getenv("OSV_SCANNER")
	if p == "" {
		p, _ = exec.LookPath("osv-scanner")
	}
	out, err := exec.Command(p, "--version").CombinedOutput()
	if p == "" || err != nil || !strings.Contains(string(out), "osv-scanner version: 2.5.0") {
		msg := "osv-scanner v2.5.0 NOT RUN: set OSV_SCANNER (GOBIN=$PWD/.tools/bin go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// scan runs osv-scanner offline over a lockfile against the database in
// dir and returns, per vulnerability it reports, its id and aliases.
func scan(t *testing.T, bin, dir, lockfile string) [][]string {
	t.Helper()
	cmd := exec.Command(bin, "scan", "source", "--offline", "--offline-vulnerabilities", "--local-db-path", dir,
		"--no-call-analysis=all", "--format", "json", "-L", lockfile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// Exit status 1 means vulnerabilities were found.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("osv-scanner: %v\n%s", err, stderr.String())
	}
	var res struct {
		Results []struct {
			Packages []struct {
				Vulnerabilities []struct {
					ID      string   `json:"id"`
					Aliases []string `json:"aliases"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("osv-scanner output: %v\n%.500s", err, out)
	}
	var found [][]string
	for _, r := range res.Results {
		for _, p := range r.Packages {
			for _, v := range p.Vulnerabilities {
				found = append(found, append([]string{v.ID}, v.Aliases...))
			}
		}
	}
	return found
}

// TestOSVScannerReadsExport: osv-scanner v2.5.0, reading vmc's bulk OSV
// export offline, finds in real inventories (the proton-bridge SBOMs of
// the shared corpus, Go) what it finds reading osv.dev's own archives of
// the same records. vmc's records are merged (a GO id is an alias of its
// CVE), so a vulnerability counts as found when any of its ids is. Since
// osv-scanner skips records it cannot parse silently, the ids are
// compared, not exit codes, and the count must not be trivially zero.
func TestOSVScannerReadsExport(t *testing.T) {
	bin := osvScanner(t)
	ctx := context.Background()
	goZip := feedtest.SharedData(t, "osv/Go/all.zip")
	s := openStore(t)
	if _, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).Import(ctx, goZip); err != nil {
		t.Fatal(err)
	}
	exported := t.TempDir()
	rep, err := export.OSVTree(ctx, s, exported, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exported: %+v", rep)
	if rep.Written["Go"] < 4000 {
		t.Errorf("only %d Go records written", rep.Written["Go"])
	}
	// osv.dev's archive as osv-scanner downloads it.
	original := t.TempDir()
	if err := os.MkdirAll(filepath.Join(original, "osv-scalibr", "Go"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(goZip)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(original, "osv-scalibr", "Go", "all.zip"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"1.6.3", "1.8.0"} {
		sbom := feedtest.SharedData(t, "cyclonedx/examples/SBOM/proton-bridge/proton-bridge-v"+v+".bom.json")
		// osv-scanner recognises an SBOM by its name.
		lock := filepath.Join(t.TempDir(), "proton-bridge.cdx.json")
		b, err := os.ReadFile(sbom)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(lock, b, 0o644); err != nil {
			t.Fatal(err)
		}
		want := scan(t, bin, original, lock)
		got := scan(t, bin, exported, lock)
		var ids []string
		for _, w := range want {
			ids = append(ids, w[0])
			if !slices.ContainsFunc(got, func(g []string) bool { return slices.Contains(g, w[0]) }) {
				t.Errorf("proton-bridge %s: osv-scanner finds %s in osv.dev's archive, not in vmc's export", v, w[0])
			}
		}
		for _, g := range got {
			if !slices.ContainsFunc(want, func(w []string) bool { return slices.ContainsFunc(g, func(id string) bool { return id == w[0] }) }) {
				t.Errorf("proton-bridge %s: osv-scanner finds %v in vmc's export only", v, g)
			}
		}
		slices.Sort(ids)
		t.Logf("proton-bridge %s: %d vulnerabilities: %v", v, len(ids), ids)
		// golang.org/x/text v0.3.x, which both SBOMs carry, is before
		// GO-2021-0113's fix (0.3.7), read off the record.
		if !slices.Contains(ids, "GO-2021-0113") {
			t.Errorf("proton-bridge %s: GO-2021-0113 (golang.org/x/text) not found", v)
		}
		if len(want) < 5 {
			t.Errorf("proton-bridge %s: osv-scanner finds %d vulnerabilities in osv.dev's archive, expected many (old dependencies)", v, len(want))
		}
	}
}
