// Package api is vmc's HTTP API under /api/v1, described by OpenAPI 3.1 at
// /api/v1/openapi.json with a docs page at /api/v1/docs. Operations are
// registered with huma; every one names the permission it needs (or that
// it is public, or open to any signed-in user), the middleware checks it
// before the handler runs, and Routes lists them all, so that a test can
// hold every route against every role. Handlers decode, call the store or a
// service, and return a value or an error; errors are RFC 9457
// problem+json.
package api

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/chart"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ident"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/samm"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/trust"
)

// Server serves the API.
type Server struct {
	Store   store.Store
	Matcher *ingest.Matcher
	Log     *slog.Logger
	// Ready reports whether the server has finished starting (demo data
	// loaded, migrations run); /readyz answers 503 until it does.
	Ready func() bool
	// CSRFKey keys the CSRF tokens of browser sessions. vmc serve takes
	// it from the database (store.Jobs.ServerSecret), so that tokens pass
	// on every replica and after a restart; nil makes a random one.
	CSRFKey []byte
	// SecureCookies marks the session cookie Secure: on, unless vmc is
	// served over plain HTTP on a loopback address.
	SecureCookies bool
	// Limiter bounds login attempts; nil counts them in Store, shared by
	// every replica on it.
	Limiter *auth.Limiter
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Intake configures vulnerability reports from outside: their
	// deadlines, the public intake's limits, security.txt.
	Intake Intake
	// Notify sends incident messages to communication trees; nil
	// answers the routes that send with 503.
	Notify *notify.Service
	// Authority is the numbering authority own identifiers are reserved
	// under.
	Authority ident.Authority
	// OSV configures the OSV-compatible API.
	OSV OSV
	// TAXII configures the TAXII 2.1 server.
	TAXII TAXII
	// Federation configures what peers are told (federation.go).
	Federation Federation
	// Jobs is the job queue background work runs in; nil answers the
	// job routes with 503.
	Jobs jobs.Queue

	routes []Route
	// models caches the decoded suggestion model.
	models modelCache
	// announcing counts the announcements still being sent (announce).
	announcing sync.WaitGroup
}

// Wait waits for the incident announcements still being sent in the
// background; a server shutting down calls it after the last request,
// so that no message is cut off half-sent.
func (s *Server) Wait() { s.announcing.Wait() }

// Route is one operation and who may call it.
type Route struct {
	Method, Path string
	// Access is "public", "signed-in" or a permission.
	Access string
}

// Access levels besides permissions.
const (
	Public   = "public"
	SignedIn = "signed-in"
)

// Routes lists every operation, in registration order.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Handler returns the routes: health checks, and the API.
func (s *Server) Handler() http.Handler {
	if s.CSRFKey == nil {
		s.CSRFKey = auth.NewCSRFKey()
	}
	if s.Limiter == nil && s.Store != nil {
		// Counted in the database: every replica on it sees the same
		// failures.
		s.Limiter = auth.NewSharedLimiter(auth.ScopeSignIn, auth.Limits{}, s.Store)
	} else if s.Limiter == nil {
		s.Limiter = auth.NewLimiter(auth.Limits{})
	}
	if s.Intake.Limiter == nil {
		// In the store too: every replica counts the same reports.
		s.Intake.Limiter = IntakeLimiter(cmp.Or(s.Intake.PerHour, 10), s.limitTable())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	cfg := huma.DefaultConfig("vmc", "1")
	cfg.Info.Description = "vmc, the vulnerability management centre: vulnerabilities merged from every source, assets, findings and their lifecycle."
	cfg.OpenAPIPath = "/api/v1/openapi"
	cfg.DocsPath = "" // docs.go serves a page that needs no CDN
	cfg.SchemasPath = "/api/v1/schemas"
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"token":   {Type: "http", Scheme: "bearer", Description: "an API token (vmc token create)"},
		"session": {Type: "apiKey", In: "cookie", Name: sessionCookie, Description: "a browser session; unsafe methods also need the X-CSRF-Token header"},
	}
	api := humago.New(mux, cfg)
	api.UseMiddleware(s.authorise(api))
	api.UseMiddleware(s.limitIntake(api))
	s.routes = nil
	s.register(api)
	s.registerIntakePages(mux)
	mux.HandleFunc("/taxii2/", s.taxiiHandler)
	mux.Handle("GET /api/v1/docs", docsHandler())
	mux.Handle("GET /api/v1/docs/", docsHandler())
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		instance := ""
		if id := RequestID(r.Context()); id != "" {
			instance = `,"instance":"` + problemInstance(id) + `"`
		}
		w.Write([]byte(`{"title":"Not Found","status":404,"detail":"no such API route"` + instance + "}\n"))
	})
	return mux
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	switch {
	case s.Ready != nil && !s.Ready():
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("starting\n"))
	case s.Store.Ping(r.Context()) != nil:
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
	default:
		w.Write([]byte("ready\n"))
	}
}

// op registers an operation with its access rule. Every operation goes
// through here, so none lacks a rule.
func op[I, O any](s *Server, api huma.API, o huma.Operation, access string, h func(context.Context, *I) (*O, error)) {
	if o.Metadata == nil {
		o.Metadata = map[string]any{}
	}
	o.Metadata[accessKey] = access
	switch access {
	case Public:
	default:
		o.Security = []map[string][]string{{"token": {}}, {"session": {}}}
	}
	s.routes = append(s.routes, Route{Method: o.Method, Path: o.Path, Access: access})
	huma.Register(api, o, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		return out, s.problem(ctx, err)
	})
}

// problem maps an error to its API error, in the request's language;
// unknown errors are 500 and their text is logged, not shown.
func (s *Server) problem(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	se, kind := s.classify(ctx, err)
	return withInstance(ctx, localise(langOf(ctx), se, kind))
}

// withInstance names the request in a problem document, so that whoever
// reports the error hands over the id the server's log lines carry.
func withInstance(ctx context.Context, se huma.StatusError) huma.StatusError {
	if em, ok := se.(*huma.ErrorModel); ok && em.Instance == "" {
		if id := RequestID(ctx); id != "" {
			em.Instance = problemInstance(id)
		}
	}
	return se
}

// classify maps an error to its status and the catalogue id of the
// sentence that explains its kind ("" when the message says enough).
func (s *Server) classify(ctx context.Context, err error) (huma.StatusError, string) {
	var se huma.StatusError
	switch {
	case errors.As(err, &se):
		if se.GetStatus() == http.StatusForbidden {
			return se, "forbidden"
		}
		return se, ""
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound(err.Error()), "notFound"
	case errors.Is(err, store.ErrConflict):
		return huma.Error409Conflict(err.Error()), "conflict"
	case errors.Is(err, store.ErrBadQuery):
		return huma.Error400BadRequest(err.Error()), "badQuery"
	case errors.Is(err, chart.ErrOptions):
		return huma.Error422UnprocessableEntity(err.Error()), "chart"
	case errors.Is(err, metrics.ErrWindow):
		return huma.Error422UnprocessableEntity(err.Error()), "window"
	case errors.Is(err, finding.ErrTransition):
		return huma.Error422UnprocessableEntity(err.Error()), "transition"
	case errors.Is(err, incident.ErrTransition):
		return huma.Error422UnprocessableEntity(err.Error()), "transition"
	case errors.Is(err, incident.ErrTampered):
		// Not an internal error to hide: the evidence store found content
		// changed behind its back, and whoever asked must know.
		s.Log.ErrorContext(ctx, "evidence tampered with", "err", err)
		return huma.Error500InternalServerError(err.Error()), "tampered"
	case errors.Is(err, incident.ErrTooLarge):
		return huma.Error413RequestEntityTooLarge(err.Error()), ""
	case errors.Is(err, incident.ErrEvidence), errors.Is(err, incident.ErrCustody):
		return huma.Error422UnprocessableEntity(err.Error()), "evidence"
	case errors.Is(err, incident.ErrWithheld):
		return huma.Error404NotFound(err.Error()), "notFound"
	case errors.Is(err, process.ErrInvalid):
		return huma.Error422UnprocessableEntity(err.Error()), "process"
	case errors.Is(err, disclosure.ErrTransition):
		return huma.Error422UnprocessableEntity(err.Error()), "reportTransition"
	case errors.Is(err, incident.ErrDecision):
		return huma.Error422UnprocessableEntity(err.Error()), "decision"
	case errors.Is(err, incident.ErrPatchStep):
		return huma.Error422UnprocessableEntity(err.Error()), "patchStep"
	case errors.Is(err, finding.ErrReason):
		return huma.Error422UnprocessableEntity(err.Error()), "reason"
	case errors.Is(err, finding.ErrAcceptance):
		return huma.Error422UnprocessableEntity(err.Error()), "acceptance"
	case errors.Is(err, baseline.ErrSyntax):
		return huma.Error422UnprocessableEntity(err.Error()), "baselineInput"
	case errors.Is(err, finding.ErrPolicy):
		return huma.Error422UnprocessableEntity(err.Error()), "policy"
	case errors.Is(err, trust.ErrFormat):
		return huma.Error422UnprocessableEntity(err.Error()), "trust"
	case errors.Is(err, maintenance.ErrInvalid), errors.Is(err, samm.ErrInvalid):
		return huma.Error422UnprocessableEntity(err.Error()), "hardening"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return huma.Error503ServiceUnavailable("request cancelled"), ""
	}
	s.Log.ErrorContext(ctx, "request failed", "err", err)
	return huma.Error500InternalServerError("internal error"), ""
}
