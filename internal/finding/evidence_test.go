package finding

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/match"
)

// tools lists a finding's evidence as "tool@report".
func tools(f Finding) []string {
	var out []string
	for _, e := range f.Evidence {
		out = append(out, e.Tool+"@"+e.Report)
	}
	return out
}

// A finding several tools report is one finding with their evidence; it is
// resolved only when the last tool stops reporting it, and a tool's
// re-scan resolves only what that tool reported.
func TestReconcileEvidence(t *testing.T) {
	k := Key{PackageKey("Go", pkg), vuln}
	reported := func(tool, report string, at time.Time) Scan {
		return Scan{At: at, Source: report, Tool: tool, Details: map[Key]Evidence{k: {Rule: "R-1", Severity: "HIGH", Mapped: "high"}}}
	}
	step := func(f Finding, s Scan, ms ...match.Match) Finding {
		t.Helper()
		chs := Reconcile(app, []Finding{f}, ms, s)
		if len(chs) != 1 {
			t.Fatalf("%s: %d changes, want 1", s.Source, len(chs))
		}
		f = chs[0].Finding
		f.ID = 9
		return f
	}
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

	// vmc's own match opens it.
	chs := Reconcile(app, nil, []match.Match{hit(older, nil)}, Scan{At: at(0), Source: "inventory go.mod"})
	f := chs[0].Finding
	f.ID = 9
	if diff := cmp.Diff([]string{"vmc@inventory go.mod"}, tools(f)); diff != "" {
		t.Fatalf("opened -want +got:\n%s", diff)
	}
	// Trivy reports it too: one finding, two pieces of evidence, vmc's
	// explanation kept.
	f = step(f, reported("trivy", "trivy image.json", at(1)), func() match.Match {
		m := hit(older, nil)
		m.Explanation = match.Explanation{Source: "trivy", Kind: "reported", Installed: older}
		return m
	}())
	if diff := cmp.Diff([]string{"vmc@inventory go.mod", "trivy@trivy image.json"}, tools(f)); diff != "" || f.Explanation.Source != "osv" {
		t.Errorf("after trivy -want +got:\n%s; explanation from %s", diff, f.Explanation.Source)
	}
	if e := f.Evidence[1]; e.Rule != "R-1" || e.Severity != "HIGH" || !e.First.Equal(at(1)) {
		t.Errorf("trivy's evidence: %+v", e)
	}
	// Trivy again, still there: its first sighting is kept.
	f = step(f, reported("trivy", "trivy image2.json", at(2)), hit(older, nil))
	if e := f.Evidence[1]; !e.First.Equal(at(1)) || !e.Last.Equal(at(2)) || e.Report != "trivy image2.json" {
		t.Errorf("trivy's evidence after a second report: %+v", e)
	}
	// Trivy no longer sees it; vmc still does: open, without trivy.
	f = step(f, reported("trivy", "trivy image3.json", at(3)))
	if diff := cmp.Diff([]string{"vmc@inventory go.mod"}, tools(f)); diff != "" || f.State != New {
		t.Errorf("after trivy stops -want +got:\n%s; state %s", diff, f.State)
	}
	// A tool that never reported it says nothing by not reporting it.
	if chs := Reconcile(app, []Finding{f}, nil, reported("grype", "grype.json", at(4))); len(chs) != 0 {
		t.Errorf("grype's silence changed it: %+v", chs)
	}
	// vmc's inventory drops the package: the last evidence goes, and the
	// finding is fixed and verified by that scan.
	chs = Reconcile(app, []Finding{f}, nil, Scan{At: at(5), Source: "inventory go.mod"})
	if len(chs) != 1 || chs[0].Finding.State != Verified || len(chs[0].Finding.Evidence) != 0 {
		t.Errorf("after the inventory drops it: %+v", chs)
	}

	// A finding only a tool reports is resolved by that tool's re-scan.
	chs = Reconcile(app, nil, []match.Match{hit(older, nil)}, reported("nessus", "nessus.xml", at(0)))
	g := chs[0].Finding
	g.ID = 10
	if diff := cmp.Diff([]string{"nessus@nessus.xml"}, tools(g)); diff != "" || g.Explanation.Source != "osv" {
		t.Errorf("tool-only finding -want +got:\n%s", diff)
	}
	chs = Reconcile(app, []Finding{g}, nil, reported("nessus", "nessus-2.xml", at(1)))
	if len(chs) != 1 || chs[0].Finding.State != Verified || !slices.ContainsFunc(chs[0].Steps, func(s Step) bool { return s.To == Verified }) {
		t.Errorf("tool re-scan without it: %+v", chs)
	}

	// A finding recorded before evidence was kept counts as vmc's own.
	old := existing(Triaged, older)
	old.Explanation.Source = "osv"
	if !old.Reports(OwnTool) || old.Reports("trivy") {
		t.Error("legacy finding's evidence")
	}
}
