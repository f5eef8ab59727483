package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/attackpath"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/automation"
	"github.com/vmc-dev/vmc/internal/demo"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/notify/smtptest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/suggest"
	"github.com/vmc-dev/vmc/internal/web"
)

// adminPassword is the test admin's; it only has to pass the policy.
const adminPassword = "correct horse battery staple 42"

// demoComponents are packages the demo data covers: Log4Shell through
// NVD's CPE configuration, Rapid Reset and the PHP-CGI injection through
// Bitnami's OSV records (all three in KEV), and EVE OS through the Go
// vulnerability database.
var demoComponents = []asset.Component{
	{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Ecosystem: "Maven",
		PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", CPEs: []string{"cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"},
		Source: "test fixture", Direct: true},
	{Name: "nginx", Version: "1.24.0", Ecosystem: "Bitnami", Source: "test fixture", Direct: true},
	{Name: "php", Version: "8.1.28", Ecosystem: "Bitnami", Source: "test fixture", Direct: true},
	{Name: "github.com/lf-edge/eve", Version: "0.0.0-20220101000000-000000000000", Ecosystem: "Go", Source: "test fixture"},
}

// newServer builds the whole centre in-process, as `vmc serve` composes
// it: a SQLite store with the demo data, an admin, an asset with
// findings, the API under /api/, the public intake pages and the health
// checks, incident notifications through a real SMTP server and webhooks
// (both on loopback, the receiver's), and the UI for everything else.
func newServer(t testing.TB, rcv *receiver) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rep, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).ImportFS(ctx, demo.FS())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Logf("demo data: %d records rejected, first: %v", len(rep.Errors), rep.Errors[0])
	}
	trainDemoModel(t, s)
	hash, err := auth.HashPassword(adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.User{{Name: "admin", Display: "Admin", Role: auth.Admin}, {Name: "lead", Display: "Security lead", Role: auth.Analyst}} {
		if _, err := s.PutUser(ctx, u, hash, "test"); err != nil {
			t.Fatal(err)
		}
	}
	a, err := s.PutAsset(ctx, asset.Asset{Name: "shop-web", Kind: asset.KindApplication, Team: "payments",
		Environment: asset.EnvProd, Criticality: asset.CritHigh, Exposure: asset.ExpInternet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetComponents(ctx, a.ID, "test fixture", demoComponents); err != nil {
		t.Fatal(err)
	}
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	chs, _, err := m.Asset(ctx, a, nil, "test fixture")
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) < 3 {
		t.Fatalf("the fixture asset has %d findings; want the demo data to match at least 3", len(chs))
	}
	// Record the events the demo data makes (advisories, findings), as
	// vmc serve's "rules" job does, for the rules page's dry-run.
	if rep, err := (&automation.Engine{Store: s}).Run(ctx); err != nil || rep.Events == 0 {
		t.Fatalf("collecting events: %+v, %v; want the demo data to make events", rep, err)
	}
	// A stored attack-path analysis of a stored model, as "vmc attackpath
	// analyse --model" leaves one, for the attack paths page's list.
	if err := storeAttackAnalysis(ctx, s); err != nil {
		t.Fatal(err)
	}
	n := &notify.Service{Store: s, Mail: notify.SMTP{Host: rcv.smtp.Host, Port: rcv.smtp.Port, From: "vmc <vmc@example.com>", TLS: notify.NoTLS},
		Hooks: notify.Webhooks{UserAgent: "vmc/test"}, Domain: "example.com", Backoff: time.Millisecond}
	apiServer := &api.Server{Store: s, Matcher: m, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Notify: n}
	// Imports run as jobs on the in-process queue over the SQLite table,
	// as `vmc serve` runs them on SQLite.
	reg := &jobs.Registry{}
	apiServer.RegisterJobs(reg)
	q := &jobs.Local{Table: s, Registry: reg, Poll: 100 * time.Millisecond}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	apiServer.Jobs = q
	apiHandler := apiServer.Handler()
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/.well-known/security.txt", apiHandler)
	mux.Handle("/security/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/readyz", apiHandler)
	mux.Handle("/", web.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// receiver is where the incident notifications of the browser test
// arrive: a real SMTP server and a webhook endpoint, both on loopback.
// Its HTTP server takes webhook calls at /hook and shows the browser
// test what arrived: GET /calls lists the webhook calls as they came
// (headers and raw body, for the test to check the signature with the
// secret the UI showed), GET /mail the e-mails.
type receiver struct {
	smtp *smtptest.Server
	http *httptest.Server

	mu    sync.Mutex
	calls []webhookCall
}

type webhookCall struct {
	Signature string `json:"signature"`
	Event     string `json:"event"`
	Body      string `json:"body"`
}

type mailMessage struct {
	To   []string `json:"to"`
	Data string   `json:"data"`
}

func newReceiver(t testing.TB) *receiver {
	t.Helper()
	smtpSrv, err := smtptest.Start(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtpSrv.Close() })
	r := &receiver{smtp: smtpSrv}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook", func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.calls = append(r.calls, webhookCall{Signature: req.Header.Get(notify.SignatureHeader), Event: req.Header.Get("X-Vmc-Event"), Body: string(body)})
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /calls", func(w http.ResponseWriter, _ *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		writeJSON(w, append([]webhookCall{}, r.calls...))
	})
	mux.HandleFunc("GET /mail", func(w http.ResponseWriter, _ *http.Request) {
		msgs := []mailMessage{}
		for _, m := range smtpSrv.Messages() {
			msgs = append(msgs, mailMessage{To: m.To, Data: string(m.Data)})
		}
		writeJSON(w, msgs)
	})
	r.http = httptest.NewServer(mux)
	t.Cleanup(r.http.Close)
	return r
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// browserEnv finds Chromium and the e2e script's node_modules; what is
// missing skips the test, except in CI, where a skipped browser test
// would pass unnoticed.
func browserEnv(t *testing.T) (node, chromium string) {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s is missing: install it (apt-get install chromium; npm ci --prefix internal/web/e2e)", what)
		}
		t.Skipf("%s is missing; the browser test needs it", what)
	}
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("Chromium (" + chromium + ")")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node")
	}
	if _, err := os.Stat(filepath.Join("e2e", "node_modules", "playwright-core")); err != nil {
		missing("e2e/node_modules/playwright-core")
	}
	return node, chromium
}

// TestBrowser drives the UI in headless Chromium (e2e/run.mjs): sign in,
// the dashboard with its charts, 中文, the findings report as a Chinese
// PDF, findings, a triage decision, vulnerabilities and their sources,
// the filters of both lists, bulk triage, risk acceptances, SLA policies,
// an advisory import, users and teams, incidents with their playbook,
// impact, root causes, breach deadlines and notifications (checked where
// they arrive), the response process, a report through the public intake
// form handled in Disclosures, components, the audit chain, sign out.
// Screenshots (dashboard-en.png, dashboard-zh-CN.png, a finding in
// both languages …) and the downloaded findings-zh-CN.pdf go to /tmp, or
// to $E2E_SCREENSHOTS.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	node, chromium := browserEnv(t)
	rcv := newReceiver(t)
	srv := newServer(t, rcv)
	// The run takes about a minute; the bound is generous because
	// CI machines (and this one, shared) are sometimes several times
	// slower than that, and a browser step waiting is not a failure.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e/run.mjs", srv.URL)
	cmd.Env = append(os.Environ(), "ADMIN_PASSWORD="+adminPassword, "CHROMIUM="+chromium, "RECEIVER="+rcv.http.URL)
	if dir := os.Getenv("E2E_SCREENSHOTS"); dir != "" {
		cmd.Env = append(cmd.Env, "SCREENSHOTS="+dir)
	}
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	t.Logf("e2e/run.mjs:\n%s", out)
	var exit *exec.ExitError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		t.Fatalf("e2e/run.mjs did not finish in time")
	case errors.As(err, &exit):
		t.Fatalf("e2e/run.mjs failed (exit %d)", exit.ExitCode())
	case err != nil:
		t.Fatal(err)
	}
}

// trainDemoModel stores a suggestion model trained on the demo data, so
// that the vulnerability page can suggest: the demo's two dozen records
// are too few for the corpus thresholds, so every feature and class is
// kept and nothing held out.
func trainDemoModel(t testing.TB, s store.Store) {
	t.Helper()
	ctx := context.Background()
	ex, err := store.TrainingExamples(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	cfg := suggest.DefaultConfig
	cfg.HoldOut, cfg.MinDF, cfg.MinClass = 0, 1, 1
	m := suggest.Train(ex, cfg)
	data, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutModel(ctx, store.Model{Version: m.Version, Data: data, Report: suggest.Evaluate(m, ex)}); err != nil {
		t.Fatal(err)
	}
}

// shopModel is a small network in vmc's JSON model format: the internet
// reaches a shop's web server, whose nginx has a remote exploit; the web
// server reaches the database's PostgreSQL, which has one too.
const shopModel = `{
  "attackers": ["internet"],
  "goals": ["execCode(db1,_)"],
  "reachability": [
    {"from": "internet", "to": "web1", "protocol": "tcp", "port": "443"},
    {"from": "web1", "to": "db1", "protocol": "tcp", "port": "5432"}
  ],
  "services": [
    {"host": "web1", "program": "nginx", "protocol": "tcp", "port": "443", "privilege": "www"},
    {"host": "db1", "program": "postgres", "protocol": "tcp", "port": "5432", "privilege": "postgres"}
  ],
  "vulnerabilities": [
    {"host": "web1", "id": "CVE-2099-2001", "program": "nginx", "range": "remoteExploit", "consequence": "privEscalation", "complexity": "l"},
    {"host": "db1", "id": "CVE-2099-2002", "program": "postgres", "range": "remoteExploit", "consequence": "privEscalation", "complexity": "m"}
  ]
}`

func storeAttackAnalysis(ctx context.Context, s store.Store) error {
	m, err := attackpath.ParseModel("shop.json", []byte(shopModel))
	if err != nil {
		return err
	}
	res, err := attackpath.Analyse(m, attackpath.Options{})
	if err != nil {
		return err
	}
	rep, err := res.Report(3, true)
	if err != nil {
		return err
	}
	if _, err := s.PutAttackModel(ctx, store.AttackModel{Name: "shop", Format: "json", Source: shopModel}, "admin"); err != nil {
		return err
	}
	_, err = s.AddAttackAnalysis(ctx, store.AttackAnalysis{Model: "shop", Report: rep}, "admin")
	return err
}
