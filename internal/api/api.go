// Package api is vmc's HTTP API under /api/v1. Handlers decode a request,
// call the store or a service and return a value or an error; one function
// writes every response, and one table maps error kinds to status codes,
// so that no handler writes HTTP itself.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// Server serves the API.
type Server struct {
	Store store.Store
	Log   *slog.Logger
	// Ready reports whether the server has finished starting (demo data
	// loaded, migrations run); /readyz answers 503 until it does.
	Ready func() bool
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /readyz", s.handle(s.readyz))
	mux.Handle("GET /api/v1/vulns", s.handle(s.listVulns))
	mux.Handle("GET /api/v1/vulns/{id}", s.handle(s.getVuln))
	mux.Handle("/api/", s.handle(func(*http.Request) (any, error) {
		return nil, errNotFound("no such API route")
	}))
	return mux
}

// apiFunc is a handler that returns its response body or an error.
type apiFunc func(r *http.Request) (any, error)

// Error is an API error with its HTTP status, rendered as RFC 9457
// problem+json.
type Error struct {
	Status int
	Detail string
	Err    error
}

func (e *Error) Error() string { return e.Detail }
func (e *Error) Unwrap() error { return e.Err }

func errBadRequest(detail string) *Error {
	return &Error{Status: http.StatusBadRequest, Detail: detail}
}
func errNotFound(detail string) *Error { return &Error{Status: http.StatusNotFound, Detail: detail} }

// status maps an error to its HTTP status; unknown errors are 500 and
// their text is not shown to the client.
func status(err error) (int, string) {
	var ae *Error
	switch {
	case errors.As(err, &ae):
		return ae.Status, ae.Detail
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, err.Error()
	case errors.Is(err, sqlstore.ErrBadCursor):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "request cancelled"
	}
	return http.StatusInternalServerError, "internal error"
}

func (s *Server) handle(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(r)
		if err != nil {
			code, detail := status(err)
			// Only failures nobody planned for are worth an error log; a
			// 503 while starting or a 404 is the API working.
			if code == http.StatusInternalServerError {
				s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(code)
			json.NewEncoder(w).Encode(map[string]any{
				"type": "about:blank", "title": http.StatusText(code), "status": code, "detail": detail,
			})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			s.Log.Warn("write response", "path", r.URL.Path, "err", err)
		}
	})
}

func (s *Server) readyz(r *http.Request) (any, error) {
	if s.Ready != nil && !s.Ready() {
		return nil, &Error{Status: http.StatusServiceUnavailable, Detail: "starting"}
	}
	if err := s.Store.Ping(r.Context()); err != nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Detail: "database unavailable", Err: err}
	}
	return map[string]string{"status": "ready"}, nil
}

func (s *Server) listVulns(r *http.Request) (any, error) {
	q := r.URL.Query()
	vq := store.VulnQuery{After: q.Get("after"), Text: q.Get("q"), Source: q.Get("source")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, errBadRequest("limit: want a positive whole number")
		}
		vq.Limit = n
	}
	if v := q.Get("kev"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errBadRequest("kev: want true or false")
		}
		vq.KEV = b
	}
	return s.Store.ListVulns(r.Context(), vq)
}

func (s *Server) getVuln(r *http.Request) (any, error) {
	history, _ := strconv.ParseBool(r.URL.Query().Get("history"))
	return s.Store.Vuln(r.Context(), r.PathValue("id"), store.VulnOptions{History: history})
}
