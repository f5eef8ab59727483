package web_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/web"
)

func get(t *testing.T, h http.Handler, method, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestHandler requests the UI's files, its client-side routes and paths
// it must not answer, and checks status, type, a piece of the body and
// the security headers of every response.
func TestHandler(t *testing.T) {
	h := web.Handler()
	for _, tc := range []struct {
		name, method, path string
		status             int
		ctype              string
		body               string
	}{
		{name: "root", path: "/", status: 200, ctype: "text/html; charset=utf-8", body: `<script type="module" src="/assets/js/app.js"></script>`},
		{name: "index.html", path: "/index.html", status: 200, ctype: "text/html; charset=utf-8", body: `id="app"`},
		{name: "client route", path: "/findings/12", status: 200, ctype: "text/html; charset=utf-8", body: `id="app"`},
		{name: "client route with escapes", path: "/inventory/registry.example%2Fshop%3A1.4", status: 200, ctype: "text/html; charset=utf-8", body: `id="app"`},
		{name: "assets list route", path: "/inventory", status: 200, ctype: "text/html; charset=utf-8", body: `id="app"`},
		{name: "stylesheet", path: "/assets/app.css", status: 200, ctype: "text/css; charset=utf-8", body: ":root"},
		{name: "module", path: "/assets/js/app.js", status: 200, ctype: "text/javascript; charset=utf-8", body: "import "},
		{name: "page module", path: "/assets/js/pages/findings.js", status: 200, ctype: "text/javascript; charset=utf-8", body: "export async function findingPage"},
		{name: "icon", path: "/assets/favicon.svg", status: 200, ctype: "image/svg+xml", body: "<svg"},
		{name: "lifecycle", path: "/assets/lifecycle.json", status: 200, ctype: "application/json", body: `"triaged"`},
		{name: "catalogue", path: "/i18n/zh-CN.json", status: 200, ctype: "application/json", body: "漏洞防治中心"},
		{name: "missing asset", path: "/assets/nosuch.js", status: 404, ctype: "text/plain; charset=utf-8"},
		{name: "missing catalogue", path: "/i18n/fr.json", status: 404, ctype: "text/plain; charset=utf-8"},
		{name: "api route", path: "/api/v1/nosuch", status: 404, ctype: "application/problem+json", body: `"status":404`},
		{name: "api root", path: "/api", status: 404, ctype: "application/problem+json"},
		{name: "api openapi", path: "/api/v1/openapi.json", status: 404, ctype: "application/problem+json"},
		{name: "api post", method: http.MethodPost, path: "/api/v1/session", status: 404, ctype: "application/problem+json"},
		{name: "post", method: http.MethodPost, path: "/", status: 405, ctype: "application/problem+json"},
		{name: "delete asset", method: http.MethodDelete, path: "/assets/app.css", status: 405, ctype: "application/problem+json"},
		{name: "head", method: http.MethodHead, path: "/vulns", status: 200, ctype: "text/html; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			resp := get(t, h, method, tc.path)
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Errorf("%s %s: status %d, want %d", method, tc.path, resp.StatusCode, tc.status)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("%s %s: Content-Type %q, want %q", method, tc.path, got, tc.ctype)
			}
			if !strings.Contains(string(b), tc.body) {
				t.Errorf("%s %s: body does not contain %q:\n%.300s", method, tc.path, tc.body, b)
			}
			if method == http.MethodHead && len(b) != 0 {
				t.Errorf("HEAD %s: %d bytes of body", tc.path, len(b))
			}
			checkSecurityHeaders(t, resp)
		})
	}
}

func checkSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "http:") || strings.Contains(csp, "https:") {
		t.Errorf("Content-Security-Policy %q allows inline code, eval or other origins", csp)
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

// TestETag: a browser holding the current copy gets 304 and no body.
func TestETag(t *testing.T) {
	h := web.Handler()
	resp := get(t, h, http.MethodGet, "/assets/js/app.js")
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	resp = get(t, h, http.MethodGet, "/assets/js/app.js", "If-None-Match", etag)
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusNotModified || len(b) != 0 {
		t.Errorf("If-None-Match %s: %d with %d bytes, want 304 and none", etag, resp.StatusCode, len(b))
	}
	checkSecurityHeaders(t, resp)
	if resp := get(t, h, http.MethodGet, "/assets/js/app.js", "If-None-Match", `"other"`); resp.StatusCode != http.StatusOK {
		t.Errorf("stale ETag: %d, want 200", resp.StatusCode)
	}
}

// TestEveryFileServed: each file under static/ is served at its path
// with the right type, and is what is on disk.
func TestEveryFileServed(t *testing.T) {
	h := web.Handler()
	want := map[string]string{".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml"}
	n := 0
	err := filepath.WalkDir("static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		urlPath := strings.TrimPrefix(filepath.ToSlash(p), "static")
		resp := get(t, h, http.MethodGet, urlPath)
		body, _ := io.ReadAll(resp.Body)
		disk, _ := os.ReadFile(p)
		if resp.StatusCode != http.StatusOK || string(body) != string(disk) {
			t.Errorf("%s: %d, %d bytes; want 200 and the %d bytes of %s", urlPath, resp.StatusCode, len(body), len(disk), p)
		}
		ct, ok := want[filepath.Ext(p)]
		if !ok {
			t.Errorf("%s: unexpected file type; add it to the test and to contentTypes", p)
		} else if !strings.HasPrefix(resp.Header.Get("Content-Type"), ct) {
			t.Errorf("%s: Content-Type %q, want %s", urlPath, resp.Header.Get("Content-Type"), ct)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("only %d files under static/", n)
	}
}

// TestLifecycle: the moves the decision form offers are the finding
// package's.
func TestLifecycle(t *testing.T) {
	resp := get(t, web.Handler(), http.MethodGet, "/assets/lifecycle.json")
	var got web.Lifecycle
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(finding.States, got.States); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	for _, s := range finding.States {
		want := s.Next()
		if want == nil {
			want = []finding.State{}
		}
		if diff := cmp.Diff(want, got.Next[s]); diff != "" {
			t.Errorf("next from %s (-want +got):\n%s", s, diff)
		}
		if s.Open() != slices.Contains(got.Open, s) {
			t.Errorf("%s: open %v in lifecycle.json, %v in finding", s, slices.Contains(got.Open, s), s.Open())
		}
		if slices.Contains(got.Next[s], finding.Verified) {
			t.Errorf("a person may move %s to verified: only a re-scan verifies", s)
		}
	}
}

// sinks are the ways of turning a string into markup or code; the pages
// use none (dom.js builds everything with createElement and text nodes).
var sinks = regexp.MustCompile(`\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setAttribute\(\s*['"]on|createContextualFragment|DOMParser`)

// TestNoHTMLStrings: no script writes HTML from strings, and index.html
// has no inline script or style for the CSP to refuse.
func TestNoHTMLStrings(t *testing.T) {
	for _, p := range jsFiles(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if sinks.MatchString(line) {
				t.Errorf("%s:%d: %s", p, i+1, strings.TrimSpace(line))
			}
		}
	}
	index, err := os.ReadFile("static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`), regexp.MustCompile(`<style`), regexp.MustCompile(`\sstyle=`), regexp.MustCompile(`\son[a-z]+=`)} {
		if bad.Match(index) {
			t.Errorf("index.html has inline code or style: %s", bad)
		}
	}
}

func jsFiles(t *testing.T) []string {
	t.Helper()
	var ps []string
	err := filepath.WalkDir("static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".js") {
			ps = append(ps, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 5 {
		t.Fatalf("only %d JavaScript files under static/", len(ps))
	}
	return ps
}

// TestRuleKinds: the Rules page offers every event kind a rule may listen
// to (rules.Kinds), in the same order, so that no kind is usable from
// the CLI and the API only.
func TestRuleKinds(t *testing.T) {
	b, err := os.ReadFile("static/assets/js/pages/rules.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)const KINDS = \[(.*?)\];`).FindSubmatch(b)
	if m == nil {
		t.Fatal("rules.js: no KINDS list")
	}
	var got []rules.Kind
	for _, q := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(m[1], -1) {
		got = append(got, rules.Kind(q[1]))
	}
	if diff := cmp.Diff(rules.Kinds, got); diff != "" {
		t.Errorf("rules.js KINDS differ from rules.Kinds (-want +got):\n%s", diff)
	}
}
