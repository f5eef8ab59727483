package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/auth"
)

// The automation routes' access rules, added to TestEveryRouteEveryRole's.
func init() {
	for k, v := range map[string]string{
		"GET /api/v1/rules":               string(auth.FindingRead),
		"POST /api/v1/rules":              string(auth.PolicyWrite),
		"PUT /api/v1/rules/{id}":          string(auth.PolicyWrite),
		"GET /api/v1/rules/{id}/versions": string(auth.FindingRead),
		"GET /api/v1/rules/{id}/runs":     string(auth.FindingRead),
		"POST /api/v1/rules/dry-run":      string(auth.FindingRead),
		"GET /api/v1/events":              string(auth.FindingRead),
		"GET /api/v1/watches":             "signed-in",
		"POST /api/v1/watches":            "signed-in",
		"DELETE /api/v1/watches/{id}":     "signed-in",
	} {
		rules[k] = v
	}
}

func TestAutomationAPI(t *testing.T) {
	f := newFixture(t)
	admin, auditor := f.tokens[auth.Admin], f.tokens[auth.Auditor]
	for _, tc := range []struct {
		name, method, path, token, body string
		header                          []string
		code                            int
		want                            string
	}{
		{"save refused with the position", http.MethodPost, "/api/v1/rules", admin,
			`{"name":"x","when":"advisory.kev &&\n advisory.cvs > 1","then":"tag(\"x\")","enabled":true}`, nil,
			http.StatusUnprocessableEntity, `when: line 2, column 11: type rules.Advisory has no field cvs`},
		{"in Chinese", http.MethodPost, "/api/v1/rules", admin,
			`{"name":"x","then":"[tag(\"x\"), page(1)]","enabled":true}`, []string{"Accept-Language", "zh-CN"},
			http.StatusUnprocessableEntity, `动作第 1 行第 12 列`},
		{"saved", http.MethodPost, "/api/v1/rules", admin,
			`{"name":"KEV","on":["advisory.changed"],"when":"advisory.kev_added","then":"tag(\"kev\")","enabled":true}`, nil,
			http.StatusCreated, `"version":1`},
		{"new version", http.MethodPut, "/api/v1/rules/1", admin,
			`{"name":"KEV","when":"advisory.kev_added && advisory.cvss >= 9","then":"tag(\"kev\")","enabled":true}`, nil,
			http.StatusOK, `"version":2`},
		{"versions", http.MethodGet, "/api/v1/rules/1/versions", auditor, "", nil, http.StatusOK, `"version":2`},
		{"dry-run compile error", http.MethodPost, "/api/v1/rules/dry-run", auditor, `{"then":"tag("}`, nil,
			http.StatusOK, `"error":{"part":"then","line":1,"column":`},
		{"dry-run", http.MethodPost, "/api/v1/rules/dry-run", auditor, `{"then":"tag(\"x\")"}`, nil,
			http.StatusOK, `"dry_run":{"evaluated":0,"results":[]}`},
		{"watch", http.MethodPost, "/api/v1/watches", auditor, `{"kind":"keyword","value":"远程代码执行","to":"a@example.com"}`, nil,
			http.StatusCreated, `"value":"远程代码执行"`},
		{"bad watch", http.MethodPost, "/api/v1/watches", auditor, `{"kind":"keyword","value":"x","to":"a@example.com"}`, nil,
			http.StatusUnprocessableEntity, `a keyword needs at least two characters`},
		{"own watches only", http.MethodDelete, "/api/v1/watches/1", admin, "", nil, http.StatusNotFound, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := f.do(t, nil, tc.method, tc.path, tc.token, tc.body, tc.header...)
			if code != tc.code || !strings.Contains(body, tc.want) {
				t.Errorf("%d %.400s; want %d with %s", code, body, tc.code, tc.want)
			}
		})
	}
}
