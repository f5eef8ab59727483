package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/hardening"
)

// TestMaintenance walks environment hardening over the API: a maintenance
// group with its plan, a patch plan for gin whose progress goes from 0%
// to 100% only when a re-scan verifies the fix, tool gaps, an overdue
// audit and SAMM scores; reads and writes as the matrix allows, invalid
// input 422 naming the field, in Chinese too.
func TestMaintenance(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.ginAssets(t)("shop-api", "payments")
	a, err := f.store.Asset(ctx, "shop-api")
	if err != nil {
		t.Fatal(err)
	}
	a.MaintenanceGroup, a.Environment, a.Exposure = "web", asset.EnvProd, asset.ExpInternet
	if a, err = f.store.PutAsset(ctx, a); err != nil {
		t.Fatal(err)
	}
	analyst, auditor, owner := f.tokens[auth.Analyst], f.tokens[auth.Auditor], f.tokens[auth.Owner]
	group := `{"function":"public web shop","risk":"high","owner":"platform","windows":[{"day":"sun","start":"02:00","hours":4}],
		"plan":{"routine_days":30,"emergency_hours":48,"on_kev":true,"on_ssvc_act":true,"mitigation":"WAF virtual patch",
		"isolation":"drain from the load balancer","acceptance":"the CISO, up to 30 days"}}`
	for _, tc := range []struct {
		who, token, body string
		code             int
		want             string
	}{
		{"an owner", owner, group, http.StatusForbidden, "may not process.write"},
		{"an auditor", auditor, group, http.StatusForbidden, "may not process.write"},
		{"an analyst, no trigger", analyst, strings.Replace(strings.Replace(group, `"on_kev":true`, `"on_kev":false`, 1), `"on_ssvc_act":true`, `"on_ssvc_act":false`, 1),
			http.StatusUnprocessableEntity, "plan: no emergency trigger"},
		{"an analyst, a bad window", analyst, strings.Replace(group, `"sun"`, `"sunday"`, 1), http.StatusUnprocessableEntity, `window: day \"sunday\"`},
		{"an analyst", analyst, group, http.StatusOK, `"members":["shop-api"]`},
	} {
		if code, body := f.do(t, nil, http.MethodPut, "/api/v1/hardening/groups/web", tc.token, tc.body); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s putting the group: %d %.300s; want %d %q", tc.who, code, body, tc.code, tc.want)
		}
	}
	code, body := f.do(t, nil, http.MethodPut, "/api/v1/hardening/groups/web", analyst, strings.Replace(group, `"routine_days":30`, `"routine_days":0`, 1), "Accept-Language", "zh-CN")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `环境加固记录无效。 invalid: plan.routine_days: 0 (1 to 365)`) {
		t.Errorf("a problem in Chinese: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/hardening/groups/web", owner, ""); code != http.StatusForbidden {
		t.Errorf("an owner reading the group: %d %.200s", code, body)
	}

	// The patch plan, by package; 0% until the re-scan verifies the fix.
	var plan hardening.PlanReport
	f.json(t, http.MethodPost, "/api/v1/hardening/patch-plans", analyst,
		`{"group":"web","title":"gin to 1.6.0","package":"github.com/gin-gonic/gin","rollback":"redeploy 1.4.2"}`, http.StatusCreated, &plan)
	if plan.Plan.ID == 0 || len(plan.Plan.Findings) != 1 || plan.Progress.Percent != 0 || plan.Plan.Scheduled.IsZero() || plan.Plan.Status != "planned" {
		t.Fatalf("new plan: %+v", plan)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/hardening/patch-plans/1/status", analyst, `{"status":"deployed"}`); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "planned → deployed not allowed") {
		t.Errorf("planned → deployed: %d %.300s", code, body)
	}
	f.json(t, http.MethodPost, "/api/v1/hardening/patch-plans/1/status", analyst, `{"status":"approved"}`, http.StatusOK, &plan)
	// The re-scan: gin 1.6.0 deployed, the inventory matched again.
	if _, err := f.store.SetComponents(ctx, a.ID, "go.mod", []asset.Component{{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "1.6.0"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.api.Matcher.Asset(ctx, a, nil, "inventory go.mod"); err != nil {
		t.Fatal(err)
	}
	f.json(t, http.MethodGet, "/api/v1/hardening/patch-plans/1", auditor, "", http.StatusOK, &plan)
	if plan.Progress.Percent != 100 || plan.Progress.Patched != 1 || plan.States[plan.Plan.Findings[0]] != "verified" {
		t.Errorf("after the re-scan: %+v", plan)
	}

	// Tools, audits, SAMM.
	f.json(t, http.MethodPut, "/api/v1/hardening/tools/shop-api/waf", analyst, `{"product":"ModSecurity 3","active":true}`, http.StatusOK, nil)
	var cov hardening.CoverageReport
	f.json(t, http.MethodGet, "/api/v1/hardening/tools", auditor, "", http.StatusOK, &cov)
	if len(cov.Gaps) != 1 || cov.Gaps[0].Asset != "shop-api" || len(cov.Gaps[0].Missing) != 1 || cov.Gaps[0].Missing[0] != "rasp" {
		t.Errorf("gaps: %+v", cov.Gaps)
	}
	f.json(t, http.MethodPost, "/api/v1/hardening/audits", analyst, `{"name":"prod config","environment":"prod","scope":"web tier",
		"checklist":["sshd hardened"],"every_days":90,"start":"2026-01-05T00:00:00Z"}`, http.StatusCreated, nil)
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/hardening/audits/1/runs", analyst, `{"results":[{"item":"sshd hardened","outcome":"fail"}]}`); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "results[0].follow_up") {
		t.Errorf("a failure without follow-up: %d %.300s", code, body)
	}
	var audits struct{ Items []hardening.AuditReport }
	f.json(t, http.MethodGet, "/api/v1/hardening/audits", auditor, "", http.StatusOK, &audits)
	if len(audits.Items) != 1 || !audits.Items[0].Overdue {
		t.Errorf("audits: %+v", audits.Items)
	}
	var sc hardening.SAMMReport
	f.json(t, http.MethodPut, "/api/v1/hardening/samm/shop", analyst, `{"answers":{"O-EM-1-A":3,"O-EM-1-B":2}}`, http.StatusOK, &sc)
	if sc.Score.Practice != 0.75 || sc.Score.Answered != 2 {
		t.Errorf("SAMM: %+v", sc)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/hardening/samm/shop", analyst, `{"answers":{"O-EM-1-A":7}}`); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "answer 7 (0 to 3)") {
		t.Errorf("an answer out of range: %d %.300s", code, body)
	}
}
