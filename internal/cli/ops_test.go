package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vmc-dev/vmc/internal/cli"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

// testDatabases are the stores operations tests run on: SQLite in a
// temporary directory, and a fresh database on a throwaway PostgreSQL.
func testDatabases(t *testing.T) map[string]func(t *testing.T) string {
	var srv *pgtest.Server
	t.Cleanup(func() {
		if srv != nil {
			srv.Stop()
		}
	})
	return map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "vmc.db") },
		"postgres": func(t *testing.T) string {
			if srv == nil {
				var err error
				if srv, err = pgtest.Start(context.Background()); err != nil {
					if os.Getenv("CI") != "" {
						t.Fatalf("PostgreSQL is required under CI: %v", err)
					}
					t.Skipf("no PostgreSQL: %v", err)
				}
			}
			dsn, err := srv.NewDatabase(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return dsn
		},
	}
}

// TestServeObservability runs the server on each database and checks what
// an operator relies on: request ids taken from the caller or made up,
// echoed and written into problem documents and the log; /metrics closed
// to proxied callers, open to loopback, in a format Prometheus parses,
// counting the requests by route pattern, an import through the API, the
// scheduled jobs and the database pool.
func TestServeObservability(t *testing.T) {
	for name, db := range testDatabases(t) {
		t.Run(name, func(t *testing.T) {
			addr := freeAddr(t)
			ctx, cancel := context.WithCancel(context.Background())
			out, errs := newSyncBuffer(), newSyncBuffer()
			done := make(chan int, 1)
			go func() {
				done <- cli.Run(ctx, []string{"serve", "--addr", addr, "--no-demo", "--log-format", "json", "--db", db(t),
					"--data-dir", filepath.Join(t.TempDir(), "data")}, out, errs)
			}()
			defer func() {
				cancel()
				select {
				case <-done:
				case <-time.After(15 * time.Second):
					t.Error("serve did not shut down")
				}
			}()
			base := "http://" + addr
			waitFor(t, base+"/readyz", 60*time.Second, errs)

			get := func(path string, header ...string) *http.Response {
				t.Helper()
				req, _ := http.NewRequest(http.MethodGet, base+path, nil)
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { resp.Body.Close() })
				return resp
			}
			// A caller's id is kept; one unfit for a log line is replaced.
			if got := get("/healthz", "X-Request-Id", "trace-7f3a.1").Header.Get("X-Request-Id"); got != "trace-7f3a.1" {
				t.Errorf("X-Request-Id trace-7f3a.1 echoed as %q", got)
			}
			if got := get("/healthz", "X-Request-Id", "a b\"c").Header.Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(got) {
				t.Errorf("unfit X-Request-Id replaced by %q, want a fresh 32-hex id", got)
			}
			for _, path := range []string{"/api/v1/vulns", "/api/v1/no-such-route"} {
				resp := get(path, "Accept-Language", "zh-CN")
				var problem struct {
					Status   int    `json:"status"`
					Instance string `json:"instance"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&problem); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if id := resp.Header.Get("X-Request-Id"); id == "" || problem.Instance != "urn:vmc:request:"+id {
					t.Errorf("%s: %d problem instance %q, header id %q", path, problem.Status, problem.Instance, id)
				}
			}

			// An import through the API, to be counted.
			m := regexp.MustCompile(`first admin created.*"password":"([^"]+)"`).FindStringSubmatch(errs.String())
			if m == nil {
				t.Fatalf("no first admin password in the log:\n%s", errs)
			}
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar}
			resp, err := client.Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"name":"admin","password":"`+m[1]+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			var session struct {
				CSRF string `json:"csrf_token"`
			}
			err = json.NewDecoder(resp.Body).Decode(&session)
			resp.Body.Close()
			if err != nil || session.CSRF == "" {
				t.Fatalf("sign in: %s, %v", resp.Status, err)
			}
			doc, err := os.ReadFile(filepath.Join("..", "demo", "data", "cve5", "CVE-2021-44228.json"))
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/imports?file=CVE-2021-44228.json", strings.NewReader(string(doc)))
			req.Header.Set("Content-Type", "application/octet-stream")
			req.Header.Set("X-CSRF-Token", session.CSRF)
			req.Header.Set("X-Request-Id", "import-1")
			resp, err = client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("import: %s", resp.Status)
			}

			// /metrics: not through a proxy, not without a loopback
			// connection; parsed as Prometheus would.
			if resp := get("/metrics", "X-Forwarded-For", "203.0.113.9"); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("/metrics through a proxy: %s, want 401", resp.Status)
			}
			resp = get("/metrics")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("/metrics: %s", resp.Status)
			}
			parser := expfmt.NewTextParser(model.UTF8Validation)
			families, err := parser.TextToMetricFamilies(resp.Body)
			if err != nil {
				t.Fatalf("/metrics does not parse: %v", err)
			}
			counter := func(name string, labels ...string) float64 {
				t.Helper()
				f := families[name]
				if f == nil {
					t.Errorf("/metrics has no %s", name)
					return 0
				}
				for _, m := range f.Metric {
					if hasLabels(m, labels...) {
						switch {
						case m.Counter != nil:
							return m.Counter.GetValue()
						case m.Gauge != nil:
							return m.Gauge.GetValue()
						case m.Histogram != nil:
							return float64(m.Histogram.GetSampleCount())
						}
					}
				}
				t.Errorf("/metrics: %s has no series %v", name, labels)
				return 0
			}
			if n := counter("vmc_http_request_duration_seconds", "route", "GET /api/v1/vulns", "code", "401"); n != 1 {
				t.Errorf("GET /api/v1/vulns answered 401 %v times, want 1", n)
			}
			if n := counter("vmc_http_request_duration_seconds", "route", "GET /healthz", "code", "200"); n < 2 {
				t.Errorf("GET /healthz counted %v times, want at least 2", n)
			}
			if n := counter("vmc_imports_total", "result", "ok"); n != 1 {
				t.Errorf("imports: %v, want 1", n)
			}
			if n := counter("vmc_import_records_total"); n != 1 {
				t.Errorf("records imported: %v, want 1", n)
			}
			counter("vmc_import_duration_seconds")
			counter("vmc_jobs_queued")
			counter("vmc_jobs_running")
			if name == "sqlite" {
				if n := counter("go_sql_max_open_connections", "db_name", "write"); n != 1 {
					t.Errorf("SQLite writer pool limit %v, want 1", n)
				}
			} else if n := counter("vmc_pgxpool_acquires_total"); n == 0 {
				t.Error("the pgx pool acquired no connection")
			}

			// The log: one line per request, the caller's id on it and on
			// the lines handlers wrote.
			if !regexp.MustCompile(`"msg":"request".*"route":"POST /api/v1/imports".*"status":200.*"request_id":"import-1"`).MatchString(errs.String()) {
				t.Errorf("no access log line for the import with its request id:\n%s", errs)
			}
		})
	}
}

func hasLabels(m *dto.Metric, kv ...string) bool {
	for i := 0; i+1 < len(kv); i += 2 {
		found := false
		for _, l := range m.Label {
			if l.GetName() == kv[i] && l.GetValue() == kv[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// vmc runs one command against db and returns its output; it fails the
// test on a non-zero exit unless want says which.
func vmc(t *testing.T, db string, want int, args ...string) string {
	t.Helper()
	var out, errs strings.Builder
	code := cli.Run(context.Background(), append(args, "--db", db, "--data-dir", filepath.Join(t.TempDir(), "d")), &out, &errs)
	if code != want {
		t.Fatalf("vmc %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errs.String())
	}
	return out.String() + errs.String()
}

// TestBackupRestore backs up a database holding real records, an asset,
// its findings and audited decisions, restores it into a fresh database
// and checks rows per table and the audit chain there; a target holding
// data is refused until --force, and a copy changed after the backup is
// refused before anything is touched.
func TestBackupRestore(t *testing.T) {
	shared := sharedData(t)
	for name, newDB := range testDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Setenv("VMC_USER", "alice")
			src := newDB(t)
			vmc(t, src, 0, "import", filepath.Join(shared, "osv", "Go", "all.zip"))
			vmc(t, src, 0, "asset", "import", "--asset", "build-tools", "--team", "platform", "--env", "prod",
				filepath.Join("..", "sbom", "lockfile", "testdata", "gomod", "indirect-1.23", "go.mod"))
			vmc(t, src, 0, "finding", "set", "1", "--state", "triaged", "--reason", "reachable from the Windows build")
			vmc(t, src, 0, "finding", "assign", "1", "--to", "bob", "--reason", "owns the build tools")
			verified := vmc(t, src, 0, "audit", "verify")
			head := regexp.MustCompile(`(\d+) entries, chain intact, head (\w+)`).FindStringSubmatch(verified)
			if head == nil || head[1] == "0" {
				t.Fatalf("source audit log: %s", verified)
			}

			dir := filepath.Join(t.TempDir(), "backup")
			out := vmc(t, src, 0, "backup", dir)
			if !strings.Contains(out, "backup of "+name) {
				t.Errorf("backup said: %s", out)
			}
			m, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var manifest struct {
				Tables map[string]int64 `json:"tables"`
				Audit  struct {
					Entries int64  `json:"entries"`
					Head    string `json:"head"`
				} `json:"audit"`
			}
			if err := json.Unmarshal(m, &manifest); err != nil {
				t.Fatal(err)
			}
			if manifest.Tables["source_records"] < 4000 || manifest.Tables["findings"] == 0 || manifest.Audit.Head != head[2] {
				t.Errorf("manifest: %d source records, %d findings, audit head %s; want the Go database, findings, head %s",
					manifest.Tables["source_records"], manifest.Tables["findings"], manifest.Audit.Head, head[2])
			}

			// Into a fresh database: the same chain, the same records.
			dst := newDB(t)
			out = vmc(t, dst, 0, "restore", dir)
			if got := vmc(t, dst, 0, "check"); !strings.Contains(got, "no problems found") {
				t.Errorf("check of the restored database said: %s", got)
			}
			if !strings.Contains(out, "rows per table and the audit chain match the manifest") {
				t.Errorf("restore said: %s", out)
			}
			if got := vmc(t, dst, 0, "audit", "verify"); !strings.Contains(got, "chain intact, head "+head[2]) {
				t.Errorf("restored audit log: %s, want head %s", got, head[2])
			}
			if got := vmc(t, dst, 0, "finding", "show", "1"); !strings.Contains(got, "bob") {
				t.Errorf("restored finding 1 lost its assignee:\n%s", got)
			}

			// The restored database now holds data: refused, then forced.
			vmc(t, dst, 0, "finding", "set", "1", "--state", "in_remediation", "--reason", "bump x/sys")
			if got := vmc(t, dst, 1, "restore", dir); !strings.Contains(got, "not empty") {
				t.Errorf("restore over data: %s", got)
			}
			vmc(t, dst, 0, "restore", "--force", dir)
			if got := vmc(t, dst, 0, "audit", "verify"); !strings.Contains(got, "head "+head[2]) {
				t.Errorf("after a forced restore: %s, want head %s again", got, head[2])
			}

			// A manifest that does not describe the copy: the restore
			// lands, but the check names the difference and fails.
			edited := strings.Replace(string(m), `"audit_log": `+strconv.FormatInt(manifest.Tables["audit_log"], 10),
				`"audit_log": `+strconv.FormatInt(manifest.Tables["audit_log"]+1, 10), 1)
			if edited == string(m) {
				t.Fatal("manifest has no audit_log count to edit")
			}
			if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(edited), 0o600); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("table audit_log: %d rows, want %d", manifest.Tables["audit_log"], manifest.Tables["audit_log"]+1)
			if got := vmc(t, newDB(t), 1, "restore", dir); !strings.Contains(got, "differs from the backup's manifest") || !strings.Contains(got, want) {
				t.Errorf("manifest edited: %s, want %q", got, want)
			}
			if err := os.WriteFile(filepath.Join(dir, "manifest.json"), m, 0o600); err != nil {
				t.Fatal(err)
			}

			// A copy altered after the backup is refused, target untouched.
			copyPath := filepath.Join(dir, map[string]string{"sqlite": "vmc.sqlite", "postgres": "vmc.pgdump"}[name])
			b, err := os.ReadFile(copyPath)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 1
			if err := os.WriteFile(copyPath, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if got := vmc(t, newDB(t), 1, "restore", dir); !strings.Contains(got, "invalid backup") || !strings.Contains(got, "SHA-256") {
				t.Errorf("altered copy: %s", got)
			}
		})
	}
}
