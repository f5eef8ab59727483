package storetest

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/samm"
	"github.com/vmc-dev/vmc/internal/store"
)

// testMaintenance keeps environment hardening: an asset's specification
// versioned, a maintenance group with its plan, a patch plan whose
// progress moves only when a re-scan verifies its finding, protective
// tools, an audit plan that falls overdue until a run is recorded, and a
// project's SAMM answers; every write in the audit log, the append-only
// tables refusing changes behind the store's back.
func testMaintenance(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	put(t, s, goRecord())
	shop, err := s.PutAsset(ctx, asset.Asset{Name: "shop-api", Kind: asset.KindApplication, Environment: asset.EnvProd,
		Exposure: asset.ExpInternet, MaintenanceGroup: "web"})
	if err != nil {
		t.Fatal(err)
	}

	// Specifications: every change a version, the same content none.
	spec := maintenance.Spec{Asset: "shop-api", Owner: "platform", OS: "Debian", OSVersion: "12",
		Runtime: []string{"go 1.22.5"}, Components: []string{"github.com/gin-gonic/gin 1.5.0"},
		Config: []maintenance.Setting{{Key: "GIN_MODE", Value: "release"}}, Change: "first"}
	if _, err := s.PutSpec(ctx, maintenance.Spec{Asset: "nowhere", Owner: "x"}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a spec of no asset: %v", err)
	}
	if _, err := s.PutSpec(ctx, spec, ""); !errors.Is(err, maintenance.ErrInvalid) {
		t.Errorf("a spec nobody writes: %v", err)
	}
	v1, err := s.PutSpec(ctx, spec, "alice")
	if err != nil || v1.Version != 1 || v1.By != "alice" || v1.Created.IsZero() {
		t.Fatalf("v1: %+v %v", v1, err)
	}
	c.tick()
	if again, err := s.PutSpec(ctx, spec, "bob"); err != nil || again.Version != 1 || again.By != "alice" {
		t.Errorf("the same spec again: %+v %v", again, err)
	}
	spec2 := spec
	spec2.Components = []string{"github.com/gin-gonic/gin 1.9.1"}
	spec2.Change = "gin upgraded"
	v2, err := s.PutSpec(ctx, spec2, "bob")
	if err != nil || v2.Version != 2 {
		t.Fatalf("v2: %+v %v", v2, err)
	}
	hist, err := s.Specs(ctx, "shop-api")
	if err != nil || len(hist) != 2 || hist[0].Version != 2 || !cmp.Equal(hist[1], v1) {
		t.Errorf("history: %+v %v", hist, err)
	}
	if cur, err := s.CurrentSpecs(ctx); err != nil || len(cur) != 1 || !cmp.Equal(cur[0], v2) {
		t.Errorf("current: %+v %v", cur, err)
	}

	// A maintenance group and its plan.
	g := maintenance.Group{Name: "web", Function: "public web shop", Risk: asset.CritHigh, Owner: "platform",
		Windows: []maintenance.PatchWindow{{Day: "sun", Start: "02:00", Hours: 4}},
		Plan: maintenance.Plan{RoutineDays: 30, EmergencyHours: 48, OnKEV: true, OnSSVCAct: true,
			Mitigation: "WAF virtual patch", Isolation: "drain from the load balancer", Acceptance: "CISO approves a 30-day acceptance"}}
	if _, err := s.PutGroup(ctx, maintenance.Group{Name: "bad"}, "alice"); !errors.Is(err, maintenance.ErrInvalid) {
		t.Errorf("an invalid group: %v", err)
	}
	gotG, err := s.PutGroup(ctx, g, "alice")
	if err != nil || gotG.Created.IsZero() {
		t.Fatalf("group: %+v %v", gotG, err)
	}
	c.tick()
	g.Plan.RoutineDays = 14
	if gotG, err = s.PutGroup(ctx, g, "alice"); err != nil || gotG.Plan.RoutineDays != 14 || !gotG.Updated.After(gotG.Created) {
		t.Errorf("group changed: %+v %v", gotG, err)
	}
	if back, err := s.Group(ctx, "web"); err != nil || !cmp.Equal(back, gotG) {
		t.Errorf("group read back: %s %v", cmp.Diff(gotG, back), err)
	}
	if _, err := s.Group(ctx, "db"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such group: %v", err)
	}
	if gs, err := s.ListGroups(ctx); err != nil || len(gs) != 1 {
		t.Errorf("groups: %+v %v", gs, err)
	}

	// A patch plan for a real finding; a re-scan that no longer finds
	// it, not a claim, makes the progress.
	c.tick()
	chs := reconcile(t, s, shop, finding.Scan{At: c.now(), Source: "inventory go.mod"}, ginMatch("1.5.0", "GO-2020-0001"))
	fid := chs[0].Finding.ID
	pp := maintenance.PatchPlan{Group: "web", Title: "gin to 1.9.1", Findings: []int64{fid, fid}, Updates: []string{"github.com/gin-gonic/gin 1.5.0 → 1.9.1"},
		Scheduled: c.now().Add(72 * time.Hour), Rollback: "redeploy the previous image", Status: maintenance.PatchDeployed}
	if _, err := s.PutPatchPlan(ctx, maintenance.PatchPlan{Group: "db", Title: "x", Findings: []int64{fid}}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a plan for no group: %v", err)
	}
	if _, err := s.PutPatchPlan(ctx, maintenance.PatchPlan{Group: "web", Title: "x", Findings: []int64{fid, 999}}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a plan for no finding: %v", err)
	}
	plan, err := s.PutPatchPlan(ctx, pp, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if plan.ID == 0 || plan.Status != maintenance.PatchPlanned || plan.Owner != "alice" || !slices.Equal(plan.Findings, []int64{fid}) {
		t.Errorf("new plan: %+v", plan)
	}
	if pp.Status != maintenance.PatchDeployed || len(pp.Findings) != 2 {
		t.Error("PutPatchPlan changed its input")
	}
	progress := func() maintenance.PatchProgress {
		t.Helper()
		f, err := s.Finding(ctx, fid)
		if err != nil {
			t.Fatal(err)
		}
		return maintenance.Measure(plan, []finding.Finding{f})
	}
	if p := progress(); p.Percent != 0 || p.Open != 1 {
		t.Errorf("before: %+v", p)
	}
	plan.Status = maintenance.PatchDeployed
	if _, err := s.PutPatchPlan(ctx, plan, "alice"); !errors.Is(err, maintenance.ErrInvalid) {
		t.Errorf("planned → deployed: %v", err)
	}
	for _, st := range []maintenance.PatchStatus{maintenance.PatchApproved, maintenance.PatchDeploying, maintenance.PatchDeployed} {
		c.tick()
		plan.Status = st
		if plan, err = s.PutPatchPlan(ctx, plan, "bob"); err != nil {
			t.Fatalf("→ %s: %v", st, err)
		}
	}
	// Deployed, says bob; someone marks the finding fixed: still 0%.
	if _, err := s.ChangeFinding(ctx, fid, "bob", func(f *finding.Finding) ([]finding.Decision, error) {
		var ds []finding.Decision
		for _, to := range []finding.State{finding.InRemediation, finding.Fixed} {
			d, err := f.Move(to, "deploying gin 1.9.1", c.now())
			if err != nil {
				return nil, err
			}
			ds = append(ds, d)
		}
		return ds, nil
	}); err != nil {
		t.Fatal(err)
	}
	if p := progress(); p.Percent != 0 || p.Claimed != 1 {
		t.Errorf("claimed: %+v", p)
	}
	c.tick()
	reconcile(t, s, shop, finding.Scan{At: c.now(), Source: "inventory go.mod"})
	if p := progress(); p.Percent != 100 || p.Patched != 1 {
		t.Errorf("after the re-scan: %+v", p)
	}
	if ps, err := s.ListPatchPlans(ctx, "web"); err != nil || len(ps) != 1 || !cmp.Equal(ps[0], plan) {
		t.Errorf("plans of web: %+v %v", ps, err)
	}
	if ps, err := s.ListPatchPlans(ctx, "db"); err != nil || len(ps) != 0 {
		t.Errorf("plans of db: %+v %v", ps, err)
	}

	// Protective tools and the gaps they leave.
	if _, err := s.PutTool(ctx, maintenance.Tool{Asset: "nowhere", Kind: maintenance.WAF, Product: "x"}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a tool on no asset: %v", err)
	}
	if _, err := s.PutTool(ctx, maintenance.Tool{Asset: "shop-api", Kind: "ids", Product: "x"}, "alice"); !errors.Is(err, maintenance.ErrInvalid) {
		t.Errorf("an unknown kind: %v", err)
	}
	waf, err := s.PutTool(ctx, maintenance.Tool{Asset: "shop-api", Kind: maintenance.WAF, Product: "ModSecurity 3 + CRS 4", Active: true}, "alice")
	if err != nil || waf.By != "alice" {
		t.Fatalf("waf: %+v %v", waf, err)
	}
	tools, err := s.ListTools(ctx)
	if err != nil || len(tools) != 1 {
		t.Fatalf("tools: %+v %v", tools, err)
	}
	assets, _ := s.ListAssets(ctx)
	if gaps := maintenance.Gaps(assets, tools); len(gaps) != 1 || !slices.Equal(gaps[0].Missing, []maintenance.ToolKind{maintenance.RASP}) {
		t.Errorf("gaps: %+v", gaps)
	}

	// An audit plan, overdue until audited.
	ap, err := s.PutAuditPlan(ctx, maintenance.AuditPlan{Name: "prod configuration", Environment: asset.EnvProd, Scope: "prod web tier",
		Checklist: []string{"sshd hardened", "TLS 1.2+"}, EveryDays: 90, Start: c.now().AddDate(0, 0, -1)}, "alice")
	if err != nil || ap.ID == 0 || ap.Owner != "alice" || len(ap.Runs) != 0 {
		t.Fatalf("audit plan: %+v %v", ap, err)
	}
	if !ap.Overdue(c.now()) {
		t.Error("not overdue before its first audit")
	}
	if _, err := s.AddAuditRun(ctx, maintenance.AuditRun{Plan: ap.ID, Results: []maintenance.CheckResult{{Item: "sshd hardened", Outcome: maintenance.Pass}}}, "carol"); !errors.Is(err, maintenance.ErrInvalid) {
		t.Errorf("a run missing an item: %v", err)
	}
	if _, err := s.AddAuditRun(ctx, maintenance.AuditRun{Plan: 999}, "carol"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a run of no plan: %v", err)
	}
	run, err := s.AddAuditRun(ctx, maintenance.AuditRun{Plan: ap.ID, Results: []maintenance.CheckResult{
		{Item: "sshd hardened", Outcome: maintenance.Pass}, {Item: "TLS 1.2+", Outcome: maintenance.Fail, FollowUp: "CHG-77"}}}, "carol")
	if err != nil || run.ID == 0 || run.By != "carol" {
		t.Fatalf("run: %+v %v", run, err)
	}
	if ap, err = s.AuditPlan(ctx, ap.ID); err != nil || len(ap.Runs) != 1 || !cmp.Equal(ap.Runs[0], run) || ap.Overdue(c.now()) {
		t.Errorf("audited: %+v %v", ap, err)
	}
	if aps, err := s.ListAuditPlans(ctx); err != nil || len(aps) != 1 || !cmp.Equal(aps[0], ap) {
		t.Errorf("audit plans: %s %v", cmp.Diff([]maintenance.AuditPlan{ap}, aps), err)
	}

	// SAMM answers: the latest per question, history kept.
	if err := s.PutSAMMAnswers(ctx, "shop", samm.Answers{"O-EM-9-A": 1}, "alice"); !errors.Is(err, samm.ErrInvalid) {
		t.Errorf("an unknown question: %v", err)
	}
	if err := s.PutSAMMAnswers(ctx, "shop", samm.Answers{"O-EM-1-A": 3, "O-EM-1-B": 2}, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSAMMAnswers(ctx, "shop", samm.Answers{"O-EM-1-B": 3, "O-EM-1-A": 3}, "alice"); err != nil {
		t.Fatal(err)
	}
	if as, err := s.SAMMAnswers(ctx, "shop"); err != nil || !cmp.Equal(as, samm.Answers{"O-EM-1-A": 3, "O-EM-1-B": 3}) {
		t.Errorf("answers: %v %v", as, err)
	}
	if ps, err := s.SAMMProjects(ctx); err != nil || !slices.Equal(ps, []string{"shop"}) {
		t.Errorf("projects: %v %v", ps, err)
	}

	verifyAudit(t, s)
	var acts []string
	for _, obj := range []string{"env-spec:shop-api", "maintenance-group:web", "protective-tool:shop-api", "samm:shop"} {
		es, err := s.AuditOf(ctx, obj)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			acts = append(acts, e.Actor+" "+e.Action)
		}
	}
	want := []string{"alice env-spec.version", "bob env-spec.version", "alice maintenance-group.put", "alice maintenance-group.put",
		"alice protective-tool.put", "alice samm.answer", "alice samm.answer"}
	if diff := cmp.Diff(want, acts); diff != "" {
		t.Errorf("audit -want +got:\n%s", diff)
	}

	if db, ok := s.(interface{ DB() *sql.DB }); ok {
		for _, q := range []string{`UPDATE env_specs SET version = 9`, `DELETE FROM env_specs`, `UPDATE audit_runs SET detail = '{}'`,
			`DELETE FROM audit_runs`, `UPDATE samm_answers SET answer = 0`, `DELETE FROM samm_answers`} {
			if _, err := db.DB().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused as append-only", q, err)
			}
		}
	}
}
