package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/exercise"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// fixture is a server with one user of each role, each with a token of
// every scope.
type fixture struct {
	srv    *httptest.Server
	api    *api.Server
	store  store.Store
	users  map[auth.Role]auth.User
	tokens map[auth.Role]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newFixtureOn(t, s)
}

// newFixtureOn builds the fixture over s, a freshly migrated store of
// either kind; the caller closes it.
func newFixtureOn(t *testing.T, s store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{store: s, users: map[auth.Role]auth.User{}, tokens: map[auth.Role]string{}}
	for _, r := range auth.Roles {
		u := auth.User{Name: string(r) + "-user", Role: r}
		if r == auth.Owner {
			u.Teams = []string{"payments"}
		}
		hash, err := auth.HashPassword("correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		if u, err = s.PutUser(ctx, u, hash, "test"); err != nil {
			t.Fatal(err)
		}
		plain, id, thash := auth.NewToken(auth.TokenPrefix)
		now := time.Now().UTC()
		if err := s.PutToken(ctx, auth.Token{ID: id, User: u.Name, Name: "all", Scopes: auth.Scopes, Created: now, Expires: now.Add(time.Hour)}, thash, "test"); err != nil {
			t.Fatal(err)
		}
		f.users[r], f.tokens[r] = u, plain
	}
	f.api = &api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.srv = httptest.NewServer(f.api.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) do(t *testing.T, c *http.Client, method, path, token, body string, header ...string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEveryRouteEveryRole sends every route of the API a request as
// every role and checks that the access rule decides as the permission
// matrix says: a denied request is a 403 naming the permission; an
// allowed one gets past the check (whatever the handler then says). A
// route added without a rule cannot be registered (api.op takes one), and
// one registered around it is caught by TestNoRouteWithoutRule.
func TestEveryRouteEveryRole(t *testing.T) {
	f := newFixture(t)
	fill := strings.NewReplacer("{id}", "1", "{name}", "nosuch", "{env}", "default", "{kind}", "sla")
	checked := 0
	seen := map[string]bool{}
	for _, rt := range f.api.Routes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		access, ok := rules[key]
		switch {
		case !ok:
			t.Errorf("%s is a new route: add who may call it to rules", key)
			continue
		case access != rt.Access:
			t.Errorf("%s: the server says %s, rules say %s", key, rt.Access, access)
		}
		for _, role := range auth.Roles {
			u := f.users[role]
			want := true
			if access != api.Public && access != api.SignedIn {
				want = auth.CanSome(u, auth.Permission(access))
			}
			body := ""
			if rt.Method == http.MethodPost || rt.Method == http.MethodPut {
				body = "{}"
			}
			code, got := f.do(t, nil, rt.Method, fill.Replace(rt.Path), f.tokens[role], body)
			denied := code == http.StatusForbidden && strings.Contains(got, fmt.Sprintf("%s may not %s", u.Name, access))
			if denied == want {
				t.Errorf("%s %s (%s) as %s: %d %s; want allowed=%v", rt.Method, rt.Path, rt.Access, role, code, got, want)
			}
			checked++
		}
	}
	for key := range rules {
		if !seen[key] {
			t.Errorf("%s is in rules but the server has no such route", key)
		}
	}
	if checked < 20*len(auth.Roles) {
		t.Errorf("only %d route × role checks: the route list is not what it should be", checked)
	}
	t.Logf("%d routes × %d roles checked", checked/len(auth.Roles), len(auth.Roles))
}

// TestNoRouteWithoutRule: every operation the OpenAPI document describes
// is one the server registered with an access rule.
func TestNoRouteWithoutRule(t *testing.T) {
	f := newFixture(t)
	code, body := f.do(t, nil, http.MethodGet, "/api/v1/openapi.json", "", "")
	if code != http.StatusOK {
		t.Fatalf("openapi.json: %d", code)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	known := map[string]bool{}
	for _, r := range f.api.Routes() {
		if r.Access == "" {
			t.Errorf("%s %s has no access rule", r.Method, r.Path)
		}
		known[r.Method+" "+r.Path] = true
	}
	n := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			n++
			if !known[strings.ToUpper(method)+" "+path] {
				t.Errorf("%s %s is in the OpenAPI document but has no access rule", method, path)
			}
		}
	}
	if n != len(known) {
		t.Errorf("OpenAPI describes %d operations, the server registered %d", n, len(known))
	}
}

// TestSession signs in with a password, uses the session cookie, and
// checks CSRF, sign-out and the login rate limit.
func TestSession(t *testing.T) {
	f := newFixture(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	if code, _ := f.do(t, c, http.MethodGet, "/api/v1/me", "", ""); code != http.StatusUnauthorized {
		t.Errorf("me before signing in: %d, want 401", code)
	}
	code, body := f.do(t, c, http.MethodPost, "/api/v1/session", "", `{"name":"analyst-user","password":"correct horse battery staple"}`)
	if code != http.StatusOK {
		t.Fatalf("sign in: %d %s", code, body)
	}
	var me struct {
		User      auth.User `json:"user"`
		CSRFToken string    `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.CSRFToken == "" || me.User.Role != auth.Analyst {
		t.Fatalf("sign-in body %s: %v", body, err)
	}
	if code, _ := f.do(t, c, http.MethodGet, "/api/v1/vulns", "", ""); code != http.StatusOK {
		t.Errorf("vulns with the session: %d", code)
	}
	// A state-changing request needs the CSRF token.
	if code, body := f.do(t, c, http.MethodPost, "/api/v1/findings/1/decisions", "", `{"state":"triaged","reason":"x"}`); code != http.StatusForbidden || !strings.Contains(body, "X-CSRF-Token") {
		t.Errorf("without CSRF token: %d %s", code, body)
	}
	if code, _ := f.do(t, c, http.MethodPost, "/api/v1/findings/1/decisions", "", `{"state":"triaged","reason":"x"}`, "X-CSRF-Token", me.CSRFToken); code != http.StatusNotFound {
		t.Errorf("with the CSRF token: %d, want 404 (no finding 1)", code)
	}
	if code, _ := f.do(t, c, http.MethodDelete, "/api/v1/session", "", "", "X-CSRF-Token", me.CSRFToken); code != http.StatusNoContent {
		t.Errorf("sign out: %d", code)
	}
	if code, _ := f.do(t, c, http.MethodGet, "/api/v1/me", "", ""); code != http.StatusUnauthorized {
		t.Errorf("me after signing out: %d, want 401", code)
	}

	// Five wrong passwords lock the name at this address.
	for i := range 5 {
		if code, _ := f.do(t, c, http.MethodPost, "/api/v1/session", "", `{"name":"auditor-user","password":"wrong"}`); code != http.StatusUnauthorized {
			t.Errorf("wrong password %d: %d, want 401", i+1, code)
		}
	}
	if code, body := f.do(t, c, http.MethodPost, "/api/v1/session", "", `{"name":"auditor-user","password":"correct horse battery staple"}`); code != http.StatusTooManyRequests {
		t.Errorf("after five failures: %d %s, want 429", code, body)
	}
}

// TestTokenScopes: a token narrows its user's permissions; an expired or
// revoked token is refused.
func TestTokenScopes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	plain, id, hash := auth.NewToken(auth.TokenPrefix)
	now := time.Now().UTC()
	if err := f.store.PutToken(ctx, auth.Token{ID: id, User: "admin-user", Name: "read only", Scopes: []auth.Scope{auth.ScopeRead}, Created: now, Expires: now.Add(time.Hour)}, hash, "test"); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/users", plain, ""); code != http.StatusForbidden {
		t.Errorf("read-only admin token listing users: %d, want 403", code)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/vulns", plain, ""); code != http.StatusOK {
		t.Errorf("read-only token reading vulns: %d", code)
	}
	if code, _ := f.do(t, nil, http.MethodDelete, "/api/v1/tokens/"+id, plain, ""); code != http.StatusNoContent {
		t.Errorf("revoke own token: %d", code)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/vulns", plain, ""); code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", code)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/vulns", "vmc_aaaaaaaaaaaaaaaa_bogus", ""); code != http.StatusUnauthorized {
		t.Errorf("bogus token: %d, want 401", code)
	}
}

// TestTokenLastUseByTheMinute: a token's last use is recorded on its
// first request and again once a minute has passed, not on every request
// (that made every read a write: bench/load.sh).
func TestTokenLastUseByTheMinute(t *testing.T) {
	f := newFixture(t)
	clock := time.Now().UTC().Truncate(time.Second)
	f.api.Now = func() time.Time { return clock }
	lastUse := func() time.Time {
		t.Helper()
		ts, err := f.store.Tokens(context.Background(), "analyst-user")
		if err != nil || len(ts) != 1 {
			t.Fatalf("tokens: %v, %v", ts, err)
		}
		return ts[0].LastUsed
	}
	start := clock
	for _, step := range []struct {
		at, want time.Duration
	}{
		{0, 0}, {30 * time.Second, 0}, {59 * time.Second, 0}, {61 * time.Second, 61 * time.Second}, {90 * time.Second, 61 * time.Second},
	} {
		clock = start.Add(step.at)
		if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/vulns", f.tokens[auth.Analyst], ""); code != http.StatusOK {
			t.Fatalf("at +%s: %d", step.at, code)
		}
		if got, want := lastUse(), start.Add(step.want); !got.Equal(want) {
			t.Errorf("after a request at +%s: last use %s, want %s", step.at, got, want)
		}
	}
}

// rules is who may call each route, written out so that a new route, or
// a changed rule, shows up here as a failing test and then as a diff.
var rules = map[string]string{
	"POST /api/v1/session":                 api.Public,
	"POST /v1/query":                       api.Public, // the OSV API, open as osv.dev's unless configured
	"POST /v1/querybatch":                  api.Public,
	"GET /v1/vulns/{id}":                   api.Public,
	"GET /v1/federation/modified_id.csv":   api.Public, // open or closed with the OSV API
	"GET /api/v1/peers":                    string(auth.ImportWrite),
	"DELETE /api/v1/session":               api.SignedIn,
	"GET /api/v1/me":                       api.SignedIn,
	"PUT /api/v1/me":                       api.SignedIn,
	"POST /api/v1/tokens":                  api.SignedIn,
	"GET /api/v1/tokens":                   api.SignedIn,
	"DELETE /api/v1/tokens/{id}":           api.SignedIn,
	"GET /api/v1/users":                    string(auth.UserAdmin),
	"PUT /api/v1/users/{name}":             string(auth.UserAdmin),
	"GET /api/v1/vulns":                    string(auth.VulnRead),
	"GET /api/v1/vulns/{id}":               string(auth.VulnRead),
	"GET /api/v1/vulns/{id}/records":       string(auth.VulnRead),
	"GET /api/v1/assets":                   string(auth.AssetRead),
	"GET /api/v1/assets/{name}":            string(auth.AssetRead),
	"PUT /api/v1/assets/{name}":            string(auth.AssetWrite),
	"DELETE /api/v1/assets/{name}":         string(auth.AssetWrite),
	"PUT /api/v1/assets/{name}/inventory":  string(auth.ImportWrite),
	"PUT /api/v1/assets/{name}/vex":        string(auth.ImportWrite),
	"GET /api/v1/findings":                 string(auth.FindingRead),
	"GET /api/v1/findings/{id}":            string(auth.FindingRead),
	"POST /api/v1/findings/{id}/decisions": string(auth.FindingTriage),
	"GET /api/v1/audit":                    string(auth.AuditRead),
	"GET /api/v1/audit/verify":             string(auth.AuditRead),
	"GET /api/v1/sla":                      string(auth.FindingRead),
	"PUT /api/v1/sla/{env}":                string(auth.PolicyWrite),
	"GET /api/v1/metrics/findings":         string(auth.FindingRead),
	"POST /api/v1/imports":                 string(auth.ImportWrite),
	"GET /api/v1/imports":                  string(auth.AuditRead),
	"POST /api/v1/imports/jobs":            string(auth.ImportWrite),
	"GET /api/v1/jobs":                     string(auth.ImportWrite),
	"GET /api/v1/jobs/{id}":                string(auth.ImportWrite),
	"POST /api/v1/jobs/{id}/cancel":        string(auth.ImportWrite),
	"POST /api/v1/findings/imports":        string(auth.ImportWrite),
	"GET /api/v1/charts/{name}":            string(auth.FindingRead),
	"GET /api/v1/components":               string(auth.AssetRead),
	"GET /api/v1/acceptances":              string(auth.FindingRead),
	"GET /api/v1/teams":                    string(auth.AssetRead),
	"GET /api/v1/reports/{kind}":           string(auth.FindingRead),

	"GET /api/v1/methodologies":                                   string(auth.FindingRead),
	"GET /api/v1/exercises":                                       string(auth.FindingRead),
	"POST /api/v1/exercises":                                      string(auth.ImportWrite),
	"GET /api/v1/exercises/{id}":                                  string(auth.FindingRead),
	"PUT /api/v1/exercises/{id}":                                  string(auth.ImportWrite),
	"GET /api/v1/exercises/{id}/findings":                         string(auth.FindingRead),
	"POST /api/v1/exercises/{id}/findings":                        string(auth.FindingTriage),
	"POST /api/v1/exercises/{id}/findings/{fid}/attachments":      string(auth.FindingTriage),
	"GET /api/v1/exercises/{id}/findings/{fid}/attachments/{aid}": string(auth.FindingRead),
	"POST /api/v1/exercises/{id}/findings/{fid}/retests":          string(auth.FindingTriage),

	"GET /api/v1/incidents":                         string(auth.FindingRead),
	"POST /api/v1/incidents":                        string(auth.FindingTriage),
	"GET /api/v1/incidents/{id}":                    string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/moves":             string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/notes":             string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/tasks":             string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/tasks/{task}/done": string(auth.FindingTriage),

	"GET /api/v1/incidents/{id}/evidence":                     string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/evidence":                    string(auth.FindingTriage),
	"GET /api/v1/incidents/{id}/evidence/{eid}":               string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/evidence/{eid}/download":     string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/evidence/{eid}/transfers":    string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/evidence/bundle":             string(auth.FindingRead),
	"GET /api/v1/playbooks":                                   string(auth.ProcessRead),
	"POST /api/v1/playbooks":                                  string(auth.ProcessWrite),
	"POST /api/v1/attack-paths/analyse":                       string(auth.FindingRead),
	"GET /api/v1/playbooks/{key}":                             string(auth.ProcessRead),
	"GET /api/v1/playbooks/{key}/versions/{version}":          string(auth.ProcessRead),
	"GET /api/v1/playbooks/{key}/versions/{version}/document": string(auth.ProcessRead),
	"POST /api/v1/incidents/{id}/playbook":                    string(auth.FindingTriage),
	"PUT /api/v1/incidents/{id}/impact":                       string(auth.FindingTriage),
	"GET /api/v1/roster":                                      string(auth.ProcessRead),
	"POST /api/v1/roster":                                     string(auth.ProcessWrite),
	"GET /api/v1/roster/{id}":                                 string(auth.ProcessRead),
	"PUT /api/v1/roster/{id}":                                 string(auth.ProcessWrite),
	"GET /api/v1/trainings":                                   string(auth.ProcessRead),
	"POST /api/v1/trainings":                                  string(auth.ProcessWrite),
	"GET /api/v1/trainings/due":                               string(auth.ProcessRead),
	"GET /api/v1/briefings":                                   string(auth.ProcessRead),
	"POST /api/v1/briefings":                                  string(auth.ProcessWrite),
	"GET /api/v1/briefings/coverage":                          string(auth.ProcessRead),
	"GET /api/v1/process-reviews":                             string(auth.ProcessRead),
	"POST /api/v1/process-reviews":                            string(auth.ProcessWrite),
	"GET /api/v1/process-reviews/schedule":                    string(auth.ProcessRead),
	"PUT /api/v1/process-reviews/schedule":                    string(auth.PolicyWrite),
	"POST /api/v1/intake":                                     api.Public,
	"GET /api/v1/intake/{token}":                              api.Public,
	"POST /api/v1/intake/{token}/messages":                    api.Public,
	"GET /api/v1/disclosures":                                 string(auth.ReportRead),
	"GET /api/v1/disclosures/credits":                         string(auth.ReportRead),
	"GET /api/v1/disclosures/{id}":                            string(auth.ReportRead),
	"POST /api/v1/disclosures/{id}/ack":                       string(auth.ReportTriage),
	"POST /api/v1/disclosures/{id}/triage":                    string(auth.ReportTriage),
	"POST /api/v1/disclosures/{id}/moves":                     string(auth.ReportTriage),
	"PUT /api/v1/disclosures/{id}/deadlines/{deadline}":       string(auth.ReportTriage),
	"POST /api/v1/disclosures/{id}/messages":                  string(auth.ReportTriage),
	"POST /api/v1/disclosures/{id}/credit":                    string(auth.ReportTriage),
	"POST /api/v1/disclosures/{id}/marking":                   string(auth.ReportTriage),
	"POST /api/v1/disclosures/{id}/incident":                  string(auth.ReportTriage),
	// Root causes and breaches: management decisions need finding.accept,
	// deadline rules policy.write (see rca.go).
	"GET /api/v1/incidents/{id}/rca":                                  string(auth.FindingRead),
	"PUT /api/v1/incidents/{id}/rca/text":                             string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/rca/causes":                          string(auth.FindingTriage),
	"PUT /api/v1/incidents/{id}/rca/causes/{cause}":                   string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/rca/recommendations":                 string(auth.FindingTriage),
	"PUT /api/v1/incidents/{id}/rca/recommendations/{rec}":            string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/rca/recommendations/{rec}/decisions": string(auth.FindingAccept),
	"GET /api/v1/incidents/{id}/rca/causes/{cause}/where-else":        string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/rca/causes/{cause}/where-else/tasks": string(auth.FindingTriage),
	"GET /api/v1/rca/coverage":                                        string(auth.FindingRead),
	"GET /api/v1/incident-metrics":                                    string(auth.ProcessRead),
	"GET /api/v1/reports/incidents":                                   string(auth.ProcessRead),
	"GET /api/v1/incident-metrics/charts/{name}":                      string(auth.ProcessRead),
	"GET /api/v1/incidents/{id}/breach":                               string(auth.FindingRead),
	"PUT /api/v1/incidents/{id}/breach":                               string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/breach/decisions":                    string(auth.FindingAccept),
	"GET /api/v1/breaches":                                            string(auth.FindingRead),
	"GET /api/v1/breach-rules":                                        string(auth.FindingRead),
	"PUT /api/v1/breach-rules/{jurisdiction}":                         string(auth.PolicyWrite),
	"DELETE /api/v1/breach-rules/{jurisdiction}":                      string(auth.PolicyWrite),
	"GET /api/v1/incidents/{id}/stakeholders":                         string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/stakeholders":                        string(auth.FindingTriage),
	"PUT /api/v1/incidents/{id}/stakeholders/{stakeholder}":           string(auth.FindingTriage),
	"DELETE /api/v1/incidents/{id}/stakeholders/{stakeholder}":        string(auth.FindingTriage),
	"GET /api/v1/incidents/{id}/escalation":                           string(auth.FindingRead),
	"PUT /api/v1/incidents/{id}/escalation":                           string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/notifications":                       string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/escalations":                         string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/acknowledgements":                    string(auth.FindingTriage),
	"GET /api/v1/incidents/{id}/deliveries":                           string(auth.FindingRead),
	"GET /api/v1/communication-tree/stakeholders":                     string(auth.FindingRead),
	"POST /api/v1/communication-tree/stakeholders":                    string(auth.PolicyWrite),
	"PUT /api/v1/communication-tree/stakeholders/{stakeholder}":       string(auth.PolicyWrite),
	"DELETE /api/v1/communication-tree/stakeholders/{stakeholder}":    string(auth.PolicyWrite),
	"GET /api/v1/communication-tree/escalation":                       string(auth.FindingRead),
	"PUT /api/v1/communication-tree/escalation":                       string(auth.PolicyWrite),
	"GET /api/v1/advisories/published":                                api.Public,
	"GET /api/v1/advisories/{id}/{format}":                            api.Public,
	"GET /api/v1/advisories/criticalities":                            api.Public,
	"GET /api/v1/advisories/settings":                                 string(auth.FindingRead),
	"PUT /api/v1/advisories/settings":                                 string(auth.PolicyWrite),
	"GET /api/v1/advisories":                                          string(auth.FindingRead),
	"GET /api/v1/advisories/{id}":                                     string(auth.FindingRead),
	"GET /api/v1/advisories/{id}/export/{format}":                     string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/advisories":                          string(auth.FindingTriage),
	"PUT /api/v1/advisories/{id}":                                     string(auth.FindingTriage),
	"POST /api/v1/advisories/{id}/finalise":                           string(auth.FindingTriage),
	"POST /api/v1/advisories/{id}/publish":                            string(auth.AdvisoryPublish),
	"GET /api/v1/incidents/{id}/patches":                              string(auth.FindingRead),
	"POST /api/v1/incidents/{id}/patches":                             string(auth.FindingTriage),
	"PUT /api/v1/incidents/{id}/patches/{patch}":                      string(auth.FindingTriage),
	"POST /api/v1/incidents/{id}/patches/{patch}/steps":               string(auth.FindingTriage),
	"GET /api/v1/trust/postures":                                      string(auth.AssetRead),
	"GET /api/v1/attack-paths/latest":                                 string(auth.AssetRead),
	"GET /api/v1/attack-paths/{id}":                                   string(auth.AssetRead),
	"GET /api/v1/attack-models":                                       string(auth.AssetRead),
	"GET /api/v1/trust/gaps":                                          string(auth.AssetRead),
	"GET /api/v1/trust/postures/{asset}":                              string(auth.AssetRead),
	"POST /api/v1/trust/postures/{asset}/snapshot":                    string(auth.AssetWrite),
	"POST /api/v1/trust/postures/{asset}/verifications":               string(auth.ImportWrite),

	// Environment hardening (maintenance.go).
	"PUT /api/v1/hardening/specs/{asset}":            string(auth.ProcessWrite),
	"GET /api/v1/hardening/specs/{asset}":            string(auth.ProcessRead),
	"GET /api/v1/hardening/specs":                    string(auth.ProcessRead),
	"GET /api/v1/hardening/upgrades":                 string(auth.ProcessRead),
	"PUT /api/v1/hardening/groups/{name}":            string(auth.ProcessWrite),
	"GET /api/v1/hardening/groups/{name}":            string(auth.ProcessRead),
	"GET /api/v1/hardening/groups":                   string(auth.ProcessRead),
	"POST /api/v1/hardening/patch-plans":             string(auth.ProcessWrite),
	"GET /api/v1/hardening/patch-plans/{id}":         string(auth.ProcessRead),
	"POST /api/v1/hardening/patch-plans/{id}/status": string(auth.ProcessWrite),
	"GET /api/v1/hardening/patch-plans":              string(auth.ProcessRead),
	"PUT /api/v1/hardening/tools/{asset}/{kind}":     string(auth.ProcessWrite),
	"GET /api/v1/hardening/tools":                    string(auth.ProcessRead),
	"POST /api/v1/hardening/audits":                  string(auth.ProcessWrite),
	"POST /api/v1/hardening/audits/{id}/runs":        string(auth.ProcessWrite),
	"GET /api/v1/hardening/audits":                   string(auth.ProcessRead),
	"GET /api/v1/hardening/samm/questions":           string(auth.ProcessRead),
	"PUT /api/v1/hardening/samm/{project}":           string(auth.ProcessWrite),
	"GET /api/v1/hardening/samm":                     string(auth.ProcessRead),

	"GET /api/v1/identifiers":                string(auth.VulnRead),
	"POST /api/v1/identifiers":               string(auth.AdvisoryPublish),
	"GET /api/v1/identifiers/{id}":           string(auth.VulnRead),
	"POST /api/v1/identifiers/{id}/publish":  string(auth.AdvisoryPublish),
	"POST /api/v1/identifiers/{id}/reject":   string(auth.AdvisoryPublish),
	"POST /api/v1/identifiers/{id}/aliases":  string(auth.AdvisoryPublish),
	"GET /api/v1/vulns/{id}/export/{format}": string(auth.VulnRead),
	"GET /api/v1/stats/coverage":             string(auth.VulnRead),

	"GET /api/v1/stats/enrichment":          string(auth.VulnRead),
	"GET /api/v1/vulns/{id}/suggestions":    string(auth.VulnRead),
	"POST /api/v1/vulns/{id}/suggestions":   string(auth.AdvisoryPublish),
	"POST /api/v1/suggestions/{sid}/accept": string(auth.AdvisoryPublish),
	"POST /api/v1/suggestions/{sid}/reject": string(auth.AdvisoryPublish),
}

// TestOwnerSeesOwnTeams: an asset owner sees and changes only the assets
// of their teams; another team's asset is not found rather than
// forbidden, so that its existence does not leak.
func TestOwnerSeesOwnTeams(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, a := range []asset.Asset{{Name: "pay-api", Kind: asset.KindApplication, Team: "payments"}, {Name: "hr-app", Kind: asset.KindApplication, Team: "hr"}} {
		if _, err := f.store.PutAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	owner := f.tokens[auth.Owner]
	code, body := f.do(t, nil, http.MethodGet, "/api/v1/assets", owner, "")
	if code != http.StatusOK || !strings.Contains(body, `"pay-api"`) || strings.Contains(body, `"hr-app"`) {
		t.Errorf("owner's asset list: %d %s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/assets/hr-app", owner, ""); code != http.StatusNotFound {
		t.Errorf("another team's asset: %d, want 404", code)
	}
	if code, _ := f.do(t, nil, http.MethodPut, "/api/v1/assets/hr-app", owner, `{"kind":"application","team":"payments"}`); code != http.StatusForbidden {
		t.Errorf("taking another team's asset: %d, want 403", code)
	}
	if code, _ := f.do(t, nil, http.MethodPut, "/api/v1/assets/pay-api", owner, `{"kind":"application","team":"payments","criticality":"high"}`); code != http.StatusOK {
		t.Errorf("changing its own asset: %d", code)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/assets", f.tokens[auth.Auditor], ""); code != http.StatusOK || !strings.Contains(body, `"hr-app"`) {
		t.Errorf("auditor's asset list: %d %s", code, body)
	}
}

// ginAssets stores GO-2020-0001 (gin, from the Go vulnerability database,
// cut to what matching needs) and returns a function that adds an asset
// of a team with gin 1.5.0 on it and matches it.
func (f *fixture) ginAssets(t *testing.T) func(name, team string) {
	ctx := context.Background()
	if _, err := f.store.PutRecords(ctx, []advisory.Record{{Source: "osv", ID: "GO-2020-0001", Aliases: []string{"CVE-2020-36567", "GHSA-6vm3-jj99-7229"},
		Titles: []advisory.Text{{Lang: "en", Value: "Arbitrary log line injection in gin"}},
		Affected: []advisory.Affected{{Ecosystem: "Go", Package: "github.com/gin-gonic/gin",
			Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "1.6.0"}}}}}}}}); err != nil {
		t.Fatal(err)
	}
	gin := []asset.Component{{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "1.5.0", PURL: "pkg:golang/github.com/gin-gonic/gin@1.5.0"}}
	return func(name, team string) {
		t.Helper()
		a, err := f.store.PutAsset(ctx, asset.Asset{Name: name, Kind: asset.KindApplication, Team: team})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.SetComponents(ctx, a.ID, "go.mod", gin); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.api.Matcher.Asset(ctx, a, nil, "inventory go.mod"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScopedRuleStaysInTeams: an owner's decision made a rule for the
// vulnerability everywhere reaches the owner's team's findings only, now
// and in future matches. The advisory is GO-2020-0001 (gin) from the Go
// vulnerability database, cut to what matching needs.
func TestScopedRuleStaysInTeams(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	open := f.ginAssets(t)
	open("pay-api", "payments")
	open("hr-app", "hr")
	code, body := f.do(t, nil, http.MethodPost, "/api/v1/findings/1/decisions", f.tokens[auth.Owner],
		`{"state":"not_affected","scope":"vuln","reason":"gin's logger is not used"}`)
	if code != http.StatusOK || !strings.Contains(body, `"state":"not_affected"`) {
		t.Fatalf("owner's rule: %d %s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/findings/1", f.tokens[auth.Owner], ""); code != http.StatusOK || !strings.Contains(body, `"next_states":["triaged"]`) {
		t.Errorf("a not_affected finding's next states: %d %.300s", code, body)
	}
	open("pay-web", "payments")
	states := map[string]string{}
	page, err := f.store.ListFindings(ctx, store.FindingQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range page.Items {
		states[x.Asset] = string(x.State)
	}
	want := map[string]string{"pay-api": "not_affected", "hr-app": "new", "pay-web": "not_affected"}
	for a, st := range want {
		if states[a] != st {
			t.Errorf("%s: %s, want %s (all: %v)", a, states[a], st, states)
		}
	}
}

// TestImportAdvisories uploads a real OSV record (GO-2020-0001, from
// ../shared/data/osv/Go) as an analyst; an owner may not import advisories.
func TestImportAdvisories(t *testing.T) {
	f := newFixture(t)
	rec, err := os.ReadFile(filepath.Join(feedtest.SharedData(t, "osv/Go"), "all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/imports?file=all.zip", f.tokens[auth.Owner], string(rec), "Content-Type", "application/octet-stream"); code != http.StatusForbidden {
		t.Errorf("owner importing advisories: %d %.200s", code, body)
	}
	code, body := f.do(t, nil, http.MethodPost, "/api/v1/imports?file=all.zip", f.tokens[auth.Analyst], string(rec), "Content-Type", "application/octet-stream")
	if code != http.StatusOK || !strings.Contains(body, `"new":4291`) {
		t.Fatalf("analyst importing the Go database: %d %.300s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/vulns/GO-2020-0001", f.tokens[auth.Analyst], ""); code != http.StatusOK {
		t.Errorf("imported record: %d", code)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/imports", f.tokens[auth.Auditor], ""); code != http.StatusOK ||
		!strings.Contains(body, `"actor":"analyst-user","action":"import","file":"all.zip"`) || !strings.Contains(body, `"new":4291`) {
		t.Errorf("import jobs: %d %.400s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/imports?file=../../etc/passwd", f.tokens[auth.Analyst], "x", "Content-Type", "application/octet-stream"); code != http.StatusUnprocessableEntity {
		t.Errorf("a path as the file name: %d %.200s", code, body)
	}
	code, body = f.do(t, nil, http.MethodPost, "/api/v1/imports?file=junk.json", f.tokens[auth.Analyst], `{"not": "an advisory"}`, "Content-Type", "application/octet-stream")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "junk.json") || strings.Contains(body, "vmc-import-") {
		t.Errorf("an unreadable file: %d %.400s", code, body)
	}
}

// The vulnerability list filters and sorts as its query says, and refuses
// what it cannot do with a problem naming the parameter.
func TestListVulnsQuery(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	recs := []advisory.Record{
		{Source: "nvd", ID: "CVE-2021-44228", Published: time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC),
			Severities: []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Score: 10, Rating: "CRITICAL"}}},
		{Source: "nvd", ID: "CVE-2021-45046", Published: time.Date(2021, 12, 14, 0, 0, 0, 0, time.UTC),
			Severities: []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", Score: 9, Rating: "CRITICAL"}}},
		{Source: "cnvd", ID: "CNVD-2021-95914", Aliases: []string{"CVE-2021-44228"}, Titles: []advisory.Text{{Lang: "zh-CN", Value: "Apache Log4j2远程代码执行漏洞"}}},
		{Source: "nvd", ID: "CVE-2021-4104", Published: time.Date(2021, 12, 14, 0, 0, 0, 0, time.UTC),
			Severities: []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:H", Score: 7.5, Rating: "HIGH"}}},
	}
	if _, err := f.store.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	tok := f.tokens[auth.Analyst]
	for _, tc := range []struct {
		query string
		code  int
		want  string // ids in order, or a fragment of the problem
	}{
		{"severity=critical&sort=-score", 200, "CVE-2021-44228 CVE-2021-45046"},
		{"severity=high,critical&sort=score", 200, "CVE-2021-4104 CVE-2021-45046 CVE-2021-44228"},
		{"published_from=2021-12-14&sort=id", 200, "CVE-2021-4104 CVE-2021-45046"},
		{"q=" + url.QueryEscape("远程代码"), 200, "CVE-2021-44228"},
		{"sort=title", 422, "sort"},
		{"severity=urgent", 422, "severity"},
		{"published_from=14.12.2021", 422, "published_from"},
		{"after=bm9wZQ", 400, "cursor"},
	} {
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/vulns?"+tc.query, tok, "")
		if code != tc.code {
			t.Errorf("%s: %d %.300s, want %d", tc.query, code, body, tc.code)
			continue
		}
		if code != 200 {
			if !strings.Contains(body, tc.want) {
				t.Errorf("%s: problem %.300s does not name %q", tc.query, body, tc.want)
			}
			continue
		}
		var page store.VulnPage
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.query, got, tc.want)
		}
	}
	code, body := f.do(t, nil, http.MethodGet, "/api/v1/vulns/CNVD-2021-95914/records", tok, "")
	var view struct {
		ID      string
		Records []advisory.SourceRecord
	}
	if err := json.Unmarshal([]byte(body), &view); err != nil || code != 200 || view.ID != "CVE-2021-44228" || len(view.Records) != 2 {
		t.Fatalf("records: %d %.400s", code, body)
	}
	for _, r := range view.Records {
		if len(r.Claims) == 0 {
			t.Errorf("%s %s: no claims", r.Source, r.Record)
		}
		for _, c := range r.Claims {
			if c.Source != r.Source || c.Record != r.Record {
				t.Errorf("%s %s holds a claim of %s %s", r.Source, r.Record, c.Source, c.Record)
			}
		}
	}
}

// Charts come as SVG or PNG with their content type, labelled in the
// language asked for; bad parameters are refused by name.
func TestCharts(t *testing.T) {
	f := newFixture(t)
	tok := f.tokens[auth.Analyst]
	for _, tc := range []struct {
		path, ctype, contains string
	}{
		{"/api/v1/charts/open-by-priority", "image/svg+xml", "No data"},
		{"/api/v1/charts/mttr?lang=zh-CN", "image/svg+xml", "修复"},
		{"/api/v1/charts/exposure?lang=zh-CN", "image/svg+xml", "KEV"},
		{"/api/v1/charts/intake", "image/svg+xml", "<svg"},
		{"/api/v1/charts/open-by-priority?format=png&lang=zh-CN&width=800&height=400", "image/png", "\x89PNG"},
	} {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype || !strings.Contains(string(b), tc.contains) {
			t.Errorf("%s: %d %s, %d bytes; want %s containing %q:\n%.300s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(b), tc.ctype, tc.contains, b)
		}
	}
	for _, q := range []string{"format=gif", "width=100", "lang=fr"} {
		if code, body := f.do(t, nil, http.MethodGet, "/api/v1/charts/mttr?"+q, tok, ""); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %.200s, want 422", q, code, body)
		}
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/charts/pie", tok, ""); code != http.StatusUnprocessableEntity {
		t.Errorf("unknown chart: %d, want 422", code)
	}
}

// Components, teams, acceptances and reports show an owner only their
// teams' part; reports come as the format and language asked for.
func TestViewsAndReports(t *testing.T) {
	f := newFixture(t)
	open := f.ginAssets(t)
	open("pay-api", "payments")
	open("hr-app", "hr")
	owner, analyst := f.tokens[auth.Owner], f.tokens[auth.Analyst]

	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/components?q=gin", owner, ""); code != 200 ||
		!strings.Contains(body, `"pay-api"`) || strings.Contains(body, `"hr-app"`) || !strings.Contains(body, `"purl":"pkg:golang/github.com/gin-gonic/gin@1.5.0"`) {
		t.Errorf("owner's components: %d %s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/teams", analyst, ""); code != 200 ||
		!strings.Contains(body, `{"name":"payments","assets":1,"members":["owner-user"],"open":1}`) || !strings.Contains(body, `"name":"hr"`) {
		t.Errorf("teams: %d %s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/teams", owner, ""); code != 200 || strings.Contains(body, `"hr"`) {
		t.Errorf("owner's teams: %d %s", code, body)
	}

	until := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/findings/1/decisions", owner,
		`{"reason":"behind the WAF until the upgrade","acceptance":{"approver":"admin-user","compensating_controls":"WAF rule 942100","until":"`+until+`"}}`); code != 200 {
		t.Fatalf("acceptance: %d %s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/acceptances", analyst, ""); code != 200 || !strings.Contains(body, `"approver":"admin-user"`) || !strings.Contains(body, `"pay-api"`) {
		t.Errorf("acceptances: %d %s", code, body)
	}

	get := func(path, token string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, b := get("/api/v1/reports/findings?format=csv&lang=zh-CN&all=true", owner)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="vmc-findings-`) {
		t.Fatalf("CSV report: %d %v %.300s", resp.StatusCode, resp.Header, b)
	}
	if !strings.HasPrefix(string(b), "\ufeff") || !strings.Contains(string(b), "pay-api") || strings.Contains(string(b), "hr-app") ||
		!strings.Contains(string(b), "Arbitrary log line injection in gin") || !strings.Contains(string(b), "资产") {
		t.Errorf("owner's Chinese CSV report:\n%s", b)
	}
	// The report takes the list's filters.
	if resp, b := get("/api/v1/reports/findings?format=csv&all=true&asset=hr-app", analyst); resp.StatusCode != 200 ||
		!strings.Contains(string(b), "hr-app") || strings.Contains(string(b), "pay-api") {
		t.Errorf("filtered report: %d\n%s", resp.StatusCode, b)
	}
	for _, path := range []string{"/api/v1/reports/findings?format=pdf&lang=zh-CN", "/api/v1/reports/sla?lang=en", "/api/v1/reports/sla?format=csv"} {
		resp, b := get(path, analyst)
		if resp.StatusCode != 200 || len(b) < 100 {
			t.Errorf("%s: %d, %d bytes", path, resp.StatusCode, len(b))
		}
		if strings.Contains(path, "format=csv") != (resp.Header.Get("Content-Type") != "application/pdf") {
			t.Errorf("%s: Content-Type %s", path, resp.Header.Get("Content-Type"))
		}
		if resp.Header.Get("Content-Type") == "application/pdf" && !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s: not a PDF: %.20q", path, b)
		}
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/reports/findings?format=docx", analyst, ""); code != 422 || !strings.Contains(body, "format") {
		t.Errorf("unknown format: %d %s", code, body)
	}
}

// The docs page and its scripts come from vmc itself, under a policy that
// allows no other origin.
func TestDocsPage(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ path, ctype, contains string }{
		{"/api/v1/docs", "text/html; charset=utf-8", `<script src="/api/v1/docs/init.js">`},
		{"/api/v1/docs/init.js", "text/javascript; charset=utf-8", "/api/v1/openapi.json"},
		{"/api/v1/docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8", "SwaggerUIBundle"},
		{"/api/v1/docs/swagger-ui.css", "text/css; charset=utf-8", ".swagger-ui"},
	} {
		resp, err := http.Get(f.srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype || !strings.Contains(string(b), tc.contains) {
			t.Errorf("%s: %d %s, want %s containing %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.ctype, tc.contains)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", tc.path, csp)
		}
	}
	if resp, err := http.Get(f.srv.URL + "/api/v1/docs/../api.go"); err == nil && resp.StatusCode == 200 {
		t.Error("the docs handler serves files outside docs/")
	}
}

// Problems speak the request's language: a translated title, and the kind
// of problem in a translated sentence before vmc's own detail.
func TestLocalisedProblems(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		lang, method, path, role string
		code                     int
		title, detail            string
	}{
		{"zh-CN,zh;q=0.9", "GET", "/api/v1/findings/999", "analyst", 404, "未找到", "对象不存在。 finding 999: "},
		{"zh-CN", "GET", "/api/v1/vulns?sort=title", "analyst", 422, "无法处理", "请求不符合 API 的定义"},
		{"zh-CN", "PUT", "/api/v1/sla/prod", "owner", 403, "无权操作", "您的角色或团队无权执行此操作。 owner-user may not"},
		{"zh-CN", "GET", "/api/v1/vulns?after=bm9wZQ", "analyst", 400, "请求有误", "无法执行该列表查询。"},
		{"en-GB", "GET", "/api/v1/findings/999", "analyst", 404, "Not Found", "finding 999: "},
		{"", "GET", "/api/v1/vulns?sort=title", "analyst", 422, "Unprocessable Entity", "validation failed"},
	} {
		body := ""
		if tc.method == "PUT" {
			body = "{}"
		}
		code, got := f.do(t, nil, tc.method, tc.path, f.tokens[auth.Role(tc.role)], body, "Accept-Language", tc.lang)
		var p struct{ Title, Detail string }
		json.Unmarshal([]byte(got), &p)
		if code != tc.code || p.Title != tc.title || !strings.HasPrefix(p.Detail, tc.detail) {
			t.Errorf("%s %s (%s): %d %q %q; want %d %q %q…", tc.method, tc.path, tc.lang, code, p.Title, p.Detail, tc.code, tc.title, tc.detail)
		}
	}
}

// A tool's report uploaded over the API becomes findings with the tool as
// evidence; an owner may import only onto an asset of their team.
func TestImportScanReport(t *testing.T) {
	f := newFixture(t)
	open := f.ginAssets(t)
	open("pay-api", "payments")
	open("hr-app", "hr")
	report, err := os.ReadFile(filepath.Join("..", "cli", "testdata", "scans", "osv-scanner.json"))
	if err != nil {
		t.Fatal(err)
	}
	post := func(role auth.Role, query, body string) (int, string) {
		return f.do(t, nil, http.MethodPost, "/api/v1/findings/imports?"+query, f.tokens[role], body, "Content-Type", "application/octet-stream")
	}
	for _, tc := range []struct {
		role  auth.Role
		query string
		code  int
	}{
		{auth.Owner, "file=osv.json", http.StatusForbidden},
		{auth.Owner, "file=osv.json&asset=hr-app", http.StatusForbidden},
		{auth.Auditor, "file=osv.json&asset=pay-api", http.StatusForbidden},
	} {
		if code, body := post(tc.role, tc.query, string(report)); code != tc.code {
			t.Errorf("%s %s: %d %.300s, want %d", tc.role, tc.query, code, body, tc.code)
		}
	}
	code, body := post(auth.Owner, "file=osv.json&asset=pay-api", string(report))
	// GO-2020-0001 is vmc's (and found by its own match); the report's
	// other two it learns from the report.
	if code != http.StatusOK || !strings.Contains(body, `"tool":"osvscanner"`) || !strings.Contains(body, `"linked":1,"recorded":2`) {
		t.Fatalf("owner's import onto their asset: %d %.400s", code, body)
	}
	page, err := f.store.ListFindings(context.Background(), store.FindingQuery{Asset: "pay-api"})
	if err != nil || len(page.Items) != 3 {
		t.Fatalf("pay-api findings: %+v, %v", page.Items, err)
	}
	for _, x := range page.Items {
		want := 1
		if x.Vuln == "CVE-2020-36567" {
			want = 2 // vmc's match and the report
		}
		if ev := x.Evidence; len(ev) != want || ev[len(ev)-1].Tool != "osvscanner" || ev[len(ev)-1].Report != "osvscanner osv.json" {
			t.Errorf("%s evidence: %+v", x.Vuln, ev)
		}
	}
	if code, body := post(auth.Analyst, "file=x.json", `{"hello": 1}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, "name the tool") {
		t.Errorf("an unknown report: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/imports", f.tokens[auth.Auditor], ""); code != 200 ||
		!strings.Contains(body, `"action":"findings.import"`) || !strings.Contains(body, `"actor":"owner-user"`) {
		t.Errorf("imports list: %d %.400s", code, body)
	}
}

// The asset list filters, sorts and pages, the next page in a Link header.
func TestListAssetsQuery(t *testing.T) {
	f := newFixture(t)
	for _, a := range []asset.Asset{
		{Name: "pay-api", Kind: asset.KindApplication, Team: "payments", Environment: asset.EnvProd, Criticality: asset.CritCritical},
		{Name: "pay-web", Kind: asset.KindApplication, Team: "payments", Environment: asset.EnvStaging, Criticality: asset.CritLow, Tags: []string{"pci"}},
		{Name: "hr-db", Kind: asset.KindHost, Team: "hr", Environment: asset.EnvProd, Criticality: asset.CritHigh},
	} {
		if _, err := f.store.PutAsset(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	names := func(query string) (string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/assets?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[auth.Analyst])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var as []asset.Asset
		if err := json.NewDecoder(resp.Body).Decode(&as); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", query, resp.StatusCode, err)
		}
		var out []string
		for _, a := range as {
			out = append(out, a.Name)
		}
		return strings.Join(out, " "), resp.Header
	}
	for query, want := range map[string]string{
		"":                           "hr-db pay-api pay-web",
		"team=payments&sort=-name":   "pay-web pay-api",
		"environment=prod&kind=host": "hr-db",
		"sort=-criticality":          "pay-api hr-db pay-web",
		"q=PCI":                      "pay-web",
		"q=pay&criticality=critical": "pay-api",
		"limit=2&offset=2":           "pay-web",
	} {
		if got, _ := names(query); got != want {
			t.Errorf("%q: %s, want %s", query, got, want)
		}
	}
	got, h := names("limit=2&sort=name")
	if got != "hr-db pay-api" || h.Get("X-Total-Count") != "3" || h.Get("Link") != `</api/v1/assets?limit=2&offset=2&sort=name>; rel="next"` {
		t.Errorf("first page: %s %v", got, h)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/assets?kind=server", f.tokens[auth.Analyst], ""); code != 422 {
		t.Errorf("unknown kind: %d", code)
	}
}

// A user's chosen language words their problem details whatever the
// browser asks, survives an admin's change to the user, and is refused
// when vmc does not speak it.
func TestUserLanguage(t *testing.T) {
	f := newFixture(t)
	tok := f.tokens[auth.Analyst]
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/me", tok, `{"lang":"zh-CN"}`); code != 200 || !strings.Contains(body, `"lang":"zh-CN"`) {
		t.Fatalf("choosing Chinese: %d %s", code, body)
	}
	_, body := f.do(t, nil, http.MethodGet, "/api/v1/findings/999", tok, "", "Accept-Language", "en-US")
	if !strings.Contains(body, `"title":"未找到"`) {
		t.Errorf("problem for a Chinese-speaking user: %s", body)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/users/analyst-user", f.tokens[auth.Admin], `{"role":"analyst","display":"A. Analyst"}`); code != 200 || !strings.Contains(body, `"lang":"zh-CN"`) {
		t.Errorf("an admin's change kept the language? %d %s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodPut, "/api/v1/me", tok, `{"lang":"fr"}`); code != 422 {
		t.Errorf("French: %d, want 422", code)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/me", tok, `{"lang":""}`); code != 200 || strings.Contains(body, `"lang"`) {
		t.Errorf("back to the browser's language: %d %s", code, body)
	}
}

// An exercise over the API: the security team plans it, an owner whom
// it made a tester records a manual finding on their team's asset, which
// becomes a finding with the exercise as evidence; evidence is attached,
// hashed on receipt and served back safely; a retest that finds it fixed
// verifies the finding. Owners see only exercises on their teams'
// assets and may not plan them.
func TestExercises(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, a := range []asset.Asset{{Name: "pay-api", Kind: asset.KindApplication, Team: "payments"}, {Name: "hr-app", Kind: asset.KindApplication, Team: "hr"}} {
		if _, err := f.store.PutAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	analyst, owner, auditor, admin := f.tokens[auth.Analyst], f.tokens[auth.Owner], f.tokens[auth.Auditor], f.tokens[auth.Admin]
	plan := `{"name":"Payments API pen test","kind":"pentest","scope":["pay-api","https://pay.example.com"],"start":"2026-11-01","end":"2026-11-14",
		"lead":"analyst-user","testers":["owner-user"],"methodology":"owasp-wstg-4.2","rules_of_engagement":"No denial of service."}`
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/exercises", owner, plan); code != http.StatusForbidden || !strings.Contains(body, "owner-user may not import.write exercises") {
		t.Errorf("owner planning: %d %.300s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodPost, "/api/v1/exercises", auditor, plan); code != http.StatusForbidden {
		t.Errorf("auditor planning: %d", code)
	}
	code, body := f.do(t, nil, http.MethodPost, "/api/v1/exercises", analyst, plan)
	if code != http.StatusCreated || !strings.Contains(body, `"status":"planned"`) || !strings.Contains(body, `"tool":"exercise-1"`) ||
		!strings.Contains(body, `"targets":["https://pay.example.com"]`) {
		t.Fatalf("analyst planning: %d %.400s", code, body)
	}
	for _, tc := range []struct{ body, want string }{
		{strings.Replace(plan, `"end":"2026-11-14"`, `"end":"2026-10-01"`, 1), "exercise end: 2026-10-01 is before the start"},
		{strings.Replace(plan, `"owasp-wstg-4.2"`, `"owasp-top-10"`, 1), `methodology: \"owasp-top-10\" is not one of`},
		{strings.Replace(plan, `"pay-api",`, `"ftp://x.example.com",`, 1), "is neither an asset vmc knows nor a target"},
	} {
		if code, body := f.do(t, nil, http.MethodPost, "/api/v1/exercises", analyst, tc.body); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("bad plan: %d %.300s, want %q", code, body, tc.want)
		}
	}
	hr := strings.NewReplacer("Payments API", "HR", `"pay-api","https://pay.example.com"`, `"hr-app"`).Replace(plan)
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/exercises", analyst, hr); code != http.StatusCreated {
		t.Fatalf("second exercise: %d %.300s", code, body)
	}

	// The owner of payments sees the payments exercise, not HR's.
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/exercises", owner, ""); code != http.StatusOK || !strings.Contains(body, "Payments API pen test") || strings.Contains(body, "HR pen test") {
		t.Errorf("owner's exercise list: %d %.400s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/exercises/2", owner, ""); code != http.StatusNotFound {
		t.Errorf("owner reading another team's exercise: %d, want 404", code)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/exercises/1?lang=zh-CN", owner, ""); code != http.StatusOK || !strings.Contains(body, `"kind_title":"渗透测试"`) ||
		!strings.Contains(body, `"WSTG-APIT"`) || !strings.Contains(body, `"next_statuses":["running","closed"]`) {
		t.Errorf("owner reading the exercise: %d %.400s", code, body)
	}

	sqli := `{"asset":"pay-api","title":"SQL injection in refund lookup","cwes":[89],"cvss":"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N",
		"steps_to_reproduce":"GET /api/refunds?id=1%20OR%201=1 lists every refund","location":"https://pay.example.com/api/refunds?id=1"}`
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/exercises/1/findings", owner, sqli); code != http.StatusUnprocessableEntity || !strings.Contains(body, "exercise 1 is planned") {
		t.Errorf("a finding before the exercise runs: %d %.300s", code, body)
	}
	running := strings.Replace(plan, `"methodology"`, `"status":"running","methodology"`, 1)
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/exercises/1", analyst, strings.Replace(running, "running", "reporting", 1)); code != http.StatusUnprocessableEntity || !strings.Contains(body, "planned → reporting") {
		t.Errorf("planned → reporting: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/exercises/1", owner, running); code != http.StatusForbidden {
		t.Errorf("owner moving the exercise: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/exercises/1", analyst, running); code != http.StatusOK || !strings.Contains(body, `"status":"running"`) {
		t.Fatalf("planned → running: %d %.300s", code, body)
	}

	// The owner, a tester of this exercise, records a finding on their
	// team's asset; the admin, not on the exercise's team, may not.
	code, body = f.do(t, nil, http.MethodPost, "/api/v1/exercises/1/findings", owner, sqli)
	if code != http.StatusCreated || !strings.Contains(body, `"reporter":"owner-user"`) || !strings.Contains(body, `"vuln":"EXERCISE-1-MF-1"`) ||
		!strings.Contains(body, `"tool":"exercise-1"`) || !strings.Contains(body, `"severity":"high"`) {
		t.Fatalf("owner's manual finding: %d %.600s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/exercises/1/findings", admin, sqli); code != http.StatusForbidden || !strings.Contains(body, "not on the exercise's team") {
		t.Errorf("a finding by someone off the team: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/exercises/1/findings", owner, strings.Replace(sqli, "pay-api", "hr-app", 1)); code != http.StatusForbidden {
		t.Errorf("owner's finding on another team's asset: %d %.300s", code, body)
	}
	page, err := f.store.ListFindings(ctx, store.FindingQuery{Asset: "pay-api"})
	if err != nil || len(page.Items) != 1 || page.Items[0].Vuln != "EXERCISE-1-MF-1" || len(page.Items[0].Evidence) != 1 || page.Items[0].Evidence[0].Rule != "MF-1" {
		t.Fatalf("pay-api findings: %+v, %v", page.Items, err)
	}
	findingID := page.Items[0].ID

	// Evidence: hashed on receipt, served back with a safe type.
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR screenshot of the refund list"
	sum := sha256.Sum256([]byte(png))
	attach := func(token, name, ct, content string) (int, string) {
		return f.do(t, nil, http.MethodPost, "/api/v1/exercises/1/findings/1/attachments?name="+url.QueryEscape(name), token, content, "Content-Type", ct)
	}
	if code, body := attach(owner, "refunds.png", "image/png", png); code != http.StatusCreated || !strings.Contains(body, `"sha256":"`+hex.EncodeToString(sum[:])+`"`) ||
		!strings.Contains(body, `"media_type":"image/png"`) || !strings.Contains(body, `"by":"owner-user"`) {
		t.Fatalf("attaching a screenshot: %d %.300s", code, body)
	}
	if code, body := attach(owner, "poc.html", "text/html", "<script>alert(document.cookie)</script>"); code != http.StatusCreated {
		t.Fatalf("attaching a proof of concept page: %d %.300s", code, body)
	}
	if code, body := attach(owner, "capture.pcap", "application/vnd.tcpdump.pcap", strings.Repeat("x", exercise.MaxAttachment+1)); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "too large") {
		t.Errorf("an attachment over 20 MiB: %d %.300s", code, body)
	}
	if code, _ := attach(auditor, "x.txt", "text/plain", "x"); code != http.StatusForbidden {
		t.Errorf("auditor attaching: %d", code)
	}
	get := func(path, token string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get("/api/v1/exercises/1/findings/1/attachments/1", auditor)
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(got) != png || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("Content-Disposition") != "attachment; filename=refunds.png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		resp.Header.Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" {
		t.Errorf("downloading the screenshot: %d %q %v", resp.StatusCode, got, resp.Header)
	}
	resp = get("/api/v1/exercises/1/findings/1/attachments/2", auditor)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "application/octet-stream" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("an HTML attachment is served as %q (%d), want application/octet-stream", ct, resp.StatusCode)
	}
	for _, path := range []string{"/api/v1/exercises/2/findings/1/attachments/1", "/api/v1/exercises/1/findings/1/attachments/9"} {
		if resp := get(path, auditor); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	es, err := f.store.AuditOf(ctx, "exercise:1")
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range es {
		if e.Action == "exercise.attachment.read" && e.Actor == "auditor-user" {
			reads++
		}
	}
	if reads != 2 {
		t.Errorf("%d attachment reads by the auditor in the audit log, want 2", reads)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/exercises/1/findings", auditor, ""); code != http.StatusOK ||
		!strings.Contains(body, `"title":"SQL injection in refund lookup"`) || !strings.Contains(body, `"name":"refunds.png"`) {
		t.Errorf("the exercise's findings: %d %.400s", code, body)
	}

	// Retests: still vulnerable keeps the finding; fixed verifies it.
	retest := func(token, result string) (int, string) {
		return f.do(t, nil, http.MethodPost, "/api/v1/exercises/1/findings/1/retests", token, `{"result":"`+result+`","note":"retested from 203.0.113.10"}`)
	}
	if code, body := retest(owner, "still_vulnerable"); code != http.StatusCreated || !strings.Contains(body, `"result":"still_vulnerable"`) {
		t.Errorf("still vulnerable: %d %.300s", code, body)
	}
	if x, _ := f.store.Finding(ctx, findingID); x.State != finding.New {
		t.Errorf("after still_vulnerable the finding is %s", x.State)
	}
	if code, _ := retest(admin, "fixed"); code != http.StatusForbidden {
		t.Errorf("a retest by someone off the team: %d", code)
	}
	if code, body := retest(analyst, "fixed"); code != http.StatusCreated || !strings.Contains(body, `"state":"verified"`) {
		t.Errorf("fixed: %d %.500s", code, body)
	}
	x, err := f.store.Finding(ctx, findingID)
	if err != nil || x.State != finding.Verified || !strings.Contains(x.Reason, "verified by exercise-1 retest of MF-1 by analyst-user: fixed") {
		t.Errorf("after the fixed retest: %s %q %v", x.State, x.Reason, err)
	}

	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/methodologies", owner, ""); code != http.StatusOK || !strings.Contains(body, `"id":"ptes"`) ||
		!strings.Contains(body, `"zh-CN":"后渗透攻击"`) || !strings.Contains(body, `"WSTG-INPV-05 Testing for SQL Injection"`) {
		t.Errorf("methodologies: %d %.300s", code, body)
	}
	if n, _, err := audit.Verify(f.store.AuditLog(ctx, 0)); err != nil || n == 0 {
		t.Errorf("audit chain: %d entries, %v", n, err)
	}
}

// reportIncident reports an incident over the API as token and returns
// its id.
func (f *fixture) reportIncident(t *testing.T, token, body string) int64 {
	t.Helper()
	code, got := f.do(t, nil, http.MethodPost, "/api/v1/incidents", token, body)
	var out struct {
		ID int64 `json:"id"`
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(got), &out) != nil || out.ID == 0 {
		t.Fatalf("report %s: %d %.400s", body, code, got)
	}
	return out.ID
}

func incidentBody(title, tlp, embargo string) string {
	b := `{"title":"` + title + `","category":"intrusion","severity":"high","tlp":"` + tlp + `","detected":"2026-11-20T08:00:00Z"`
	if embargo != "" {
		b += `,"embargo":` + embargo
	}
	return b + "}"
}

// TestIncidentDisclosure: every incident the API returns has passed
// incident.Release on the API channel with the caller as recipient; a
// withheld one is left out of lists and not found by id, on reads and
// writes, rather than forbidden.
func TestIncidentDisclosure(t *testing.T) {
	f := newFixture(t)
	analyst, owner, auditor, admin := f.tokens[auth.Analyst], f.tokens[auth.Owner], f.tokens[auth.Auditor], f.tokens[auth.Admin]
	now := time.Now().UTC()
	during := now.Add(48 * time.Hour).Format(time.RFC3339)
	after := now.Add(-time.Hour).Format(time.RFC3339)

	red := f.reportIncident(t, analyst, incidentBody("red intrusion", "RED", ""))
	embargoed := f.reportIncident(t, analyst, incidentBody("embargoed, names the owner", "AMBER",
		`{"until":"`+during+`","reason":"coordinated disclosure","recipients":["psirt@vendor.example","OWNER-USER"]}`))
	elsewhere := f.reportIncident(t, analyst, incidentBody("embargoed, names others", "AMBER",
		`{"until":"`+during+`","recipients":["psirt@vendor.example"]}`))
	liftedAmber := f.reportIncident(t, analyst, incidentBody("embargo lifted, amber", "amber",
		`{"until":"`+after+`","recipients":["psirt@vendor.example"]}`))
	liftedRed := f.reportIncident(t, analyst, incidentBody("embargo lifted, red", "TLP:RED",
		`{"until":"`+after+`","recipients":["owner-user"]}`))
	strict := f.reportIncident(t, analyst, incidentBody("amber strict", "AMBER+STRICT", ""))
	clear := f.reportIncident(t, analyst, incidentBody("clear", "CLEAR", ""))

	get := func(token string, id int64) int {
		code, _ := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d", id), token, "")
		return code
	}
	list := func(token string) string {
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/incidents", token, "")
		if code != http.StatusOK {
			t.Fatalf("list: %d %.300s", code, body)
		}
		return body
	}
	for _, tc := range []struct {
		who   string
		token string
		id    int64
		title string
		want  bool
	}{
		{"analyst", analyst, red, "red intrusion", true},
		{"admin", admin, red, "red intrusion", true},
		{"owner", owner, red, "red intrusion", false},
		{"auditor", auditor, red, "red intrusion", false},
		// During the embargo only its named recipients see it: the owner
		// named (in any case), not the analyst who reported it.
		{"owner", owner, embargoed, "embargoed, names the owner", true},
		{"analyst", analyst, embargoed, "embargoed, names the owner", false},
		{"owner", owner, elsewhere, "embargoed, names others", false},
		{"admin", admin, elsewhere, "embargoed, names others", false},
		// After it, the label alone decides.
		{"owner", owner, liftedAmber, "embargo lifted, amber", true},
		{"analyst", analyst, liftedAmber, "embargo lifted, amber", true},
		{"owner", owner, liftedRed, "embargo lifted, red", false},
		{"analyst", analyst, liftedRed, "embargo lifted, red", true},
		{"auditor", auditor, strict, "amber strict", true},
		{"owner", owner, strict, "amber strict", false},
		{"owner", owner, clear, `"title":"clear"`, true},
		{"auditor", auditor, clear, `"title":"clear"`, true},
	} {
		code, l := get(tc.token, tc.id), list(tc.token)
		if want := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[tc.want]; code != want {
			t.Errorf("%s reading incident %d (%s): %d, want %d", tc.who, tc.id, tc.title, code, want)
		}
		if strings.Contains(l, tc.title) != tc.want {
			t.Errorf("%s's list shows %q: %v, want %v", tc.who, tc.title, !tc.want, tc.want)
		}
	}
	// Withheld is not found, in the store's words: nothing says it exists.
	_, withheld := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d", red), owner, "")
	_, missing := f.do(t, nil, http.MethodGet, "/api/v1/incidents/999", owner, "")
	detail := func(body string) string {
		var p struct {
			Status int
			Detail string
		}
		json.Unmarshal([]byte(body), &p)
		return fmt.Sprint(p.Status, " ", p.Detail)
	}
	if strings.Replace(detail(withheld), fmt.Sprint(red), "999", 1) != detail(missing) {
		t.Errorf("withheld %s\nmissing  %s", withheld, missing)
	}
	// Writes to a withheld incident are not found either.
	for _, w := range []struct{ path, body string }{
		{"moves", `{"to":"triaged"}`}, {"notes", `{"text":"seen it"}`}, {"tasks", `{"title":"isolate","kind":"containment"}`},
	} {
		if code, body := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/%s", red, w.path), owner, w.body); code != http.StatusNotFound {
			t.Errorf("owner posting %s to a RED incident: %d %.300s", w.path, code, body)
		}
	}
	// Reporting an incident one may not read answers with its id only.
	code, body := f.do(t, nil, http.MethodPost, "/api/v1/incidents", owner, incidentBody("owner reports red", "RED", ""))
	if code != http.StatusCreated || strings.Contains(body, "owner reports red") || !strings.Contains(body, `"withheld":"withheld: TLP:RED is beyond owner-user's clearance (TLP:AMBER)"`) {
		t.Errorf("owner reporting a RED incident: %d %.400s", code, body)
	}
	// A reporter holds no finding.read, and their clearance is CLEAR.
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/incidents", f.tokens[auth.Reporter], ""); code != http.StatusForbidden {
		t.Errorf("reporter listing incidents: %d", code)
	}
	rep := incident.Recipient{Name: "reporter-user", Clearance: api.Clearance(auth.Reporter)}
	for _, tlp := range incident.TLPs {
		err := incident.Release(incident.Marking{TLP: tlp}, incident.ChannelAPI, rep, now)
		if (err == nil) != (tlp == incident.Clear) {
			t.Errorf("reporter and TLP:%s: %v", tlp, err)
		}
	}
	for role, want := range map[auth.Role]incident.TLP{auth.Admin: incident.Red, auth.Analyst: incident.Red,
		auth.Auditor: incident.AmberStrict, auth.Owner: incident.Amber, auth.Reporter: incident.Clear, "intern": ""} {
		if got := api.Clearance(role); got != want {
			t.Errorf("Clearance(%s) = %q, want %q", role, got, want)
		}
	}
	// Bad labels and embargoes are refused.
	for _, tc := range []struct{ body, want string }{
		{incidentBody("x", "WHITE-ish", ""), `unknown TLP label \"WHITE-ish\"`},
		{strings.Replace(incidentBody("x", "AMBER", ""), "intrusion", "gossip", 1), "validation failed"},
	} {
		if code, body := f.do(t, nil, http.MethodPost, "/api/v1/incidents", analyst, tc.body); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.300s", tc.body, code, body)
		}
	}
}

// TestIncidentResponse: an incident moved through the whole response
// over the API, with a task that holds its closing back, a note, and a
// refused move naming the moves allowed.
func TestIncidentResponse(t *testing.T) {
	f := newFixture(t)
	analyst, auditor := f.tokens[auth.Analyst], f.tokens[auth.Auditor]
	id := f.reportIncident(t, analyst, `{"title":"webshell on pay-api","category":"exploitation","severity":"critical","tlp":"AMBER",
		"assets":["pay-api"],"vulns":["CVE-2026-0001"],"personal_data":true,"detected":"2026-11-20T08:00:00Z"}`)
	path := fmt.Sprintf("/api/v1/incidents/%d", id)
	move := func(to string) (int, string) {
		return f.do(t, nil, http.MethodPost, path+"/moves", analyst, `{"to":"`+to+`","reason":"step `+to+`"}`)
	}
	if code, body := f.do(t, nil, http.MethodPost, path+"/moves", auditor, `{"to":"triaged"}`); code != http.StatusForbidden {
		t.Errorf("auditor moving: %d %.300s", code, body)
	}
	for _, to := range []string{"triaged", "contained"} {
		if code, body := move(to); code != http.StatusOK || !strings.Contains(body, `"state":"`+to+`"`) {
			t.Fatalf("move to %s: %d %.400s", to, code, body)
		}
	}
	code, body := f.do(t, nil, http.MethodPost, path+"/tasks", analyst, `{"title":"rebuild pay-api","kind":"recovery","due":"2026-11-22"}`)
	if code != http.StatusCreated || !strings.Contains(body, `"owner":"analyst-user"`) {
		t.Fatalf("task: %d %.400s", code, body)
	}
	var task incident.Task
	if err := json.Unmarshal([]byte(body), &task); err != nil {
		t.Fatal(err)
	}
	if code, body := f.do(t, nil, http.MethodPost, path+"/notes", analyst, `{"text":"webshell removed from /var/www"}`); code != http.StatusCreated || !strings.Contains(body, `"kind":"note"`) {
		t.Errorf("note: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, path+"/notes", analyst, `{"text":"typed a move","kind":"state"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("a state event by hand: %d %.300s", code, body)
	}
	for _, to := range []string{"eradicated", "recovered"} {
		if code, body := move(to); code != http.StatusOK {
			t.Fatalf("move to %s: %d %.400s", to, code, body)
		}
	}
	if code, body := move("closed"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "not closed while these are open") {
		t.Errorf("closing with a recovery task open: %d %.400s", code, body)
	}
	done := fmt.Sprintf("%s/tasks/%d/done", path, task.ID)
	if code, body := f.do(t, nil, http.MethodPost, done, analyst, ""); code != http.StatusOK || !strings.Contains(body, `"done_by":"analyst-user"`) {
		t.Fatalf("task done: %d %.400s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodPost, done, analyst, ""); code != http.StatusConflict {
		t.Errorf("task done twice: %d", code)
	}
	if code, _ := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/tasks/%d/done", id+1, task.ID), analyst, ""); code != http.StatusNotFound {
		t.Errorf("a task under another incident: %d", code)
	}
	for _, to := range []string{"closed", "reviewed"} {
		if code, body := move(to); code != http.StatusOK || !strings.Contains(body, `"state":"`+to+`"`) {
			t.Fatalf("move to %s: %d %.400s", to, code, body)
		}
	}
	code, body = move("contained")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "incident transition not allowed: reviewed → contained (from reviewed: triaged)") {
		t.Errorf("refused move: %d %.400s", code, body)
	}
	code, body = f.do(t, nil, http.MethodGet, path, auditor, "")
	var v struct {
		Incident   incident.Incident `json:"incident"`
		NextStates []incident.State  `json:"next_states"`
		Timeline   []incident.Event  `json:"timeline"`
		Tasks      []incident.Task   `json:"tasks"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil {
		t.Fatalf("detail: %d %.400s", code, body)
	}
	var states []string
	for _, e := range v.Timeline {
		if e.Kind == incident.EventState {
			states = append(states, e.Text)
		}
	}
	want := []string{"reported: webshell on pay-api (exploitation, critical, TLP:AMBER)", "reported → triaged: step triaged", "triaged → contained: step contained", "contained → eradicated: step eradicated",
		"eradicated → recovered: step recovered", "recovered → closed: step closed", "closed → reviewed: step reviewed"}
	if strings.Join(states, "\n") != strings.Join(want, "\n") {
		t.Errorf("moves on the timeline:\n-want\n%s\n+got\n%s", strings.Join(want, "\n"), strings.Join(states, "\n"))
	}
	if v.Incident.State != incident.Reviewed || len(v.NextStates) != 1 || v.NextStates[0] != incident.Triaged || len(v.Tasks) != 1 || v.Tasks[0].Open() {
		t.Errorf("detail: %+v next %v tasks %+v", v.Incident, v.NextStates, v.Tasks)
	}
	for _, q := range []struct {
		query string
		want  bool
	}{{"?state=reviewed", true}, {"?state=triaged", false}, {"?open=true", false}, {"?severity=critical&category=exploitation", true}} {
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/incidents"+q.query, auditor, "")
		if code != http.StatusOK || strings.Contains(body, "webshell on pay-api") != q.want {
			t.Errorf("list%s: %d %.300s", q.query, code, body)
		}
	}
}

// TestFindingStateFilter: the list's state filter takes exactly the
// lifecycle's states; any other word ("open" was the load benchmark's)
// is refused, where it used to answer an empty page as if nothing were in
// that state.
func TestFindingStateFilter(t *testing.T) {
	f := newFixture(t)
	f.ginAssets(t)("pay-api", "payments")
	for _, st := range finding.States {
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/findings?state="+string(st), f.tokens[auth.Analyst], "")
		if code != http.StatusOK {
			t.Errorf("state=%s: %d %.300s", st, code, body)
		}
		if n := strings.Count(body, `"state":"new"`); (st == finding.New) != (n > 0) {
			t.Errorf("state=%s: %d findings in state new, want them only for state=new", st, n)
		}
	}
	for _, st := range []string{"open", "in_triage", "NEW"} {
		if code, body := f.do(t, nil, http.MethodGet, "/api/v1/findings?state="+st, f.tokens[auth.Analyst], ""); code != http.StatusUnprocessableEntity || !strings.Contains(body, "state") {
			t.Errorf("state=%s: %d %.300s, want 422 naming the parameter", st, code, body)
		}
	}
}

// TestFindingListBrief: a findings list leaves each finding's basis out
// unless asked for it whole; the finding's own route always has it.
func TestFindingListBrief(t *testing.T) {
	f := newFixture(t)
	f.ginAssets(t)("pay-api", "payments")
	items := func(query string) []finding.Finding {
		t.Helper()
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/findings"+query, f.tokens[auth.Analyst], "")
		var page struct{ Items []finding.Finding }
		if code != http.StatusOK || json.Unmarshal([]byte(body), &page) != nil || len(page.Items) == 0 {
			t.Fatalf("list%s: %d %.300s", query, code, body)
		}
		return page.Items
	}
	brief, full := items(""), items("?full=true")
	if len(brief) != len(full) {
		t.Fatalf("%d brief findings, %d whole", len(brief), len(full))
	}
	for i, w := range full {
		if w.Explanation.Record == "" || len(w.Evidence) == 0 || w.Assessment == nil || len(w.Assessment.Inputs) == 0 {
			t.Errorf("finding %d listed whole without its basis: %+v", w.ID, w)
		}
		want, _ := w.Brief()
		if diff := cmp.Diff(want, brief[i]); diff != "" {
			t.Errorf("finding %d listed briefly -want +got:\n%s", w.ID, diff)
		}
		code, body := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/findings/%d", w.ID), f.tokens[auth.Analyst], "")
		var one struct{ Finding finding.Finding }
		if code != http.StatusOK || json.Unmarshal([]byte(body), &one) != nil {
			t.Fatalf("finding %d: %d %.300s", w.ID, code, body)
		}
		if diff := cmp.Diff(w, one.Finding); diff != "" {
			t.Errorf("finding %d -listed whole +on its own route:\n%s", w.ID, diff)
		}
	}
}
