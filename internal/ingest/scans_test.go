package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

func readScan(t *testing.T, rel, tool string) *scan.Report {
	t.Helper()
	path := feedtest.SharedData(t, filepath.Join("scanners", rel))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := ingest.ReadScan(filepath.Base(path), tool, f)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// Every sample of every tool is read by the format that claims it, and
// only that one; the samples that say nothing of their tool (empty files,
// a bare "[]") need the tool named.
func TestReadScanDetectsEverySample(t *testing.T) {
	root := feedtest.SharedData(t, "scanners")
	dirTool := map[string]string{"tenable": "nessus", "openvas": "openvas", "qualys": "qualys", "nmap": "nmap", "zap": "zap",
		"burp": "burp", "acunetix": "acunetix", "nikto": "nikto", "nuclei": "nuclei", "trivy": "trivy", "grype": "grype",
		"anchore": "anchore", "osv-scanner": "osvscanner", "snyk": "snyk", "dependency-check": "depcheck", "sarif": "sarif",
		"aws-inspector2": "inspector", "prowler": "prowler", "wazuh": "wazuh"}
	unclaimed := map[string]bool{"osv-scanner/no_findings.json": true, "nuclei/empty.jsonl": true, "prowler/no_vuln.ocsf.json": true}
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err
		}
		n++
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		tool := dirTool[filepath.Dir(rel)]
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rep, err := ingest.ReadScan(rel, "", f)
		if unclaimed[rel] {
			if !errors.Is(err, ingest.ErrUnknownTool) {
				t.Errorf("%s: %v, want ErrUnknownTool", rel, err)
			}
			f.Seek(0, 0)
			if _, err := ingest.ReadScan(rel, tool, f); err != nil {
				t.Errorf("%s as %s: %v", rel, tool, err)
			}
			return nil
		}
		switch {
		case err != nil:
			t.Errorf("%s: %v", rel, err)
		case rep.Tool != tool:
			t.Errorf("%s: read as %s, want %s", rel, rep.Tool, tool)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 70 {
		t.Errorf("walked %d samples, want the README's 70", n)
	}
	if _, err := ingest.ReadScan("x", "nessus9", strings.NewReader("")); !errors.Is(err, ingest.ErrUnknownTool) {
		t.Errorf("unknown tool: %v", err)
	}
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A Nessus scan files its results on the host it names (created), links
// CVEs vmc holds, records the tool's own for the rest, and a second
// import of the same report changes nothing.
func TestImportScanNessus(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := s.PutRecords(ctx, []advisory.Record{{Source: "cve5", ID: "CVE-2014-3566",
		Titles: []advisory.Text{{Lang: "en", Value: "POODLE"}}}}); err != nil {
		t.Fatal(err)
	}
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	rep := readScan(t, "tenable/nessus_with_cvssv3.nessus", "")
	out, err := m.ImportScan(ctx, rep, "nessus_with_cvssv3.nessus", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Placements) != 1 || out.Placements[0].Rule != "created" || out.Placements[0].Asset == "" {
		t.Fatalf("placements: %+v", out.Placements)
	}
	host := out.Placements[0].Asset
	if out.Results != 49 || out.Linked+out.Recorded+out.Unnamed != 49 || out.Findings.Opened == 0 {
		t.Errorf("outcome: %+v", out)
	}
	fs := findings(t, s, store.FindingQuery{Asset: host})
	if len(fs) != out.Findings.Opened {
		t.Errorf("%d findings stored, %d opened", len(fs), out.Findings.Opened)
	}
	for _, f := range fs {
		if len(f.Evidence) != 1 || f.Evidence[0].Tool != "nessus" || f.Evidence[0].Rule == "" {
			t.Errorf("finding %d %s: evidence %+v", f.ID, f.Vuln, f.Evidence)
		}
	}
	// The same report again: everything is seen again, nothing moves.
	again, err := m.ImportScan(ctx, rep, "nessus_with_cvssv3.nessus", "")
	if err != nil {
		t.Fatal(err)
	}
	if again.Placements[0].Rule == "created" || again.Findings.Opened != 0 || again.Findings.Moved != 0 {
		t.Errorf("identical re-import: %+v", again)
	}
	if got := findings(t, s, store.FindingQuery{Asset: host}); len(got) != len(fs) {
		t.Errorf("re-import left %d findings, want %d", len(got), len(fs))
	}
}

func findings(t *testing.T, s store.Store, q store.FindingQuery) []finding.Finding {
	t.Helper()
	var out []finding.Finding
	for f, err := range store.EachFinding(context.Background(), s, q) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// Two tools reporting the same vulnerability on the same package of an
// asset make one finding with two pieces of evidence; a re-scan by one
// that no longer reports it leaves the other's; a re-scan by the last
// resolves it, verified by that scan.
func TestImportScanDeduplicatesAcrossTools(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	// Trivy's filesystem scan: urllib3 1.26.3 in requirements.txt with
	// CVE-2021-33503 and CVE-2021-28363, a Dockerfile misconfiguration.
	rep := readScan(t, "trivy/misconfigurations_and_secrets.json", "trivy")
	if _, err := m.ImportScan(ctx, rep, "trivy.json", "shop-api"); err != nil {
		t.Fatal(err)
	}
	// A second tool's report of the same package and one of the CVEs,
	// built from Trivy's own result.
	i := slices.IndexFunc(rep.Results, func(r scan.Result) bool { return slices.Contains(r.IDs, "CVE-2021-33503") })
	if i < 0 {
		t.Fatal("trivy's report has no CVE-2021-33503")
	}
	other := &scan.Report{Tool: "grype", Targets: []scan.Target{{Kind: scan.TargetSource, Name: "."}},
		Results: []scan.Result{{Rule: "CVE-2021-33503", IDs: []string{"CVE-2021-33503"}, Severity: scan.SevHigh, ToolSeverity: "High",
			Package: rep.Results[i].Package}}}
	if _, err := m.ImportScan(ctx, other, "grype.json", "shop-api"); err != nil {
		t.Fatal(err)
	}
	byVuln := func() map[string]finding.Finding {
		out := map[string]finding.Finding{}
		for _, f := range findings(t, s, store.FindingQuery{Asset: "shop-api"}) {
			out[f.Vuln] = f
		}
		return out
	}
	fs := byVuln()
	f := fs["CVE-2021-33503"]
	if len(f.Evidence) != 2 || f.Evidence[0].Tool != "trivy" || f.Evidence[1].Tool != "grype" || f.Package != "urllib3" {
		t.Fatalf("CVE-2021-33503: %+v", f)
	}
	// Trivy again without CVE-2021-33503: grype still reports it.
	rescan := *rep
	rescan.Results = slices.Delete(slices.Clone(rep.Results), i, i+1)
	if _, err := m.ImportScan(ctx, &rescan, "trivy-2.json", "shop-api"); err != nil {
		t.Fatal(err)
	}
	if f := byVuln()["CVE-2021-33503"]; f.State != finding.New || len(f.Evidence) != 1 || f.Evidence[0].Tool != "grype" {
		t.Errorf("after trivy stops reporting it: %s %+v", f.State, f.Evidence)
	}
	// Grype's re-scan without it: resolved by that scan.
	if _, err := m.ImportScan(ctx, &scan.Report{Tool: "grype", Targets: other.Targets}, "grype-2.json", "shop-api"); err != nil {
		t.Fatal(err)
	}
	f = byVuln()["CVE-2021-33503"]
	if f.State != finding.Verified || !strings.Contains(f.Reason, "grype grype-2.json") {
		t.Errorf("after grype stops reporting it: %s %q", f.State, f.Reason)
	}
	// The other CVE stays open: trivy still reports it.
	if f := byVuln()["CVE-2021-28363"]; f.State != finding.New {
		t.Errorf("CVE-2021-28363: %s", f.State)
	}
}

// A web finding with no identifier and no CVSS vector takes its priority
// from the tool's rating: ZAP's High is a high-priority finding, kept with
// its CWE.
func TestImportScanRatesByTool(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	rep := readScan(t, "zap/zap-results-first-scan.xml", "")
	out, err := m.ImportScan(ctx, rep, "zap.xml", "")
	if err != nil {
		t.Fatal(err)
	}
	if out.Unnamed != out.Results || len(out.Placements) != 1 {
		t.Fatalf("outcome: %+v", out)
	}
	seen := map[string]bool{}
	for _, f := range findings(t, s, store.FindingQuery{Asset: out.Placements[0].Asset}) {
		if len(f.Evidence) != 1 || f.Assessment == nil {
			t.Fatalf("%s: %+v", f.Vuln, f)
		}
		mapped := f.Evidence[0].Mapped
		seen[mapped] = true
		want := map[string]string{"high": "high", "medium": "medium", "low": "low"}[mapped]
		if want != "" && (string(f.Priority) != want || !slices.ContainsFunc(f.Assessment.Why, func(w string) bool { return strings.Contains(w, "by zap, with no CVSS vector") }) && want != "low") {
			t.Errorf("%s (ZAP %s): priority %s, why %q", f.Vuln, f.Evidence[0].Severity, f.Priority, f.Assessment.Why)
		}
		v, err := s.Vuln(ctx, f.Vuln, store.VulnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := v.Record()
		if !strings.HasPrefix(f.Vuln, "ZAP-") {
			t.Errorf("%s: not the tool's own record", f.Vuln)
		}
		if len(rec.CWEs) > 0 {
			seen["cwe"] = true
		}
	}
	if !seen["high"] || !seen["medium"] || !seen["cwe"] {
		t.Errorf("ratings seen: %v", seen)
	}
}

// Every sample imports into one store: placed on assets (a report that
// names no target goes on an asset named for it), linked or recorded, and
// reconciled, with no error.
func TestImportScanEverySample(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	root := feedtest.SharedData(t, "scanners")
	tools := map[string]string{"osv-scanner/no_findings.json": "osvscanner", "nuclei/empty.jsonl": "nuclei", "prowler/no_vuln.ocsf.json": "prowler"}
	total := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		rep := readScan(t, rel, tools[rel])
		given := ""
		if slices.ContainsFunc(rep.Targets, func(tg scan.Target) bool { return tg.Name == "" && tg.FQDN == "" && tg.IP == "" && tg.URL == "" }) {
			given = "sample-" + filepath.Dir(rel)
		}
		out, err := m.ImportScan(ctx, rep, rel, given)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		total += out.Results
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total < 2900 {
		t.Errorf("imported %d results, fewer than the samples hold", total)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}
