package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"
)

// Every request carries an id: the caller's X-Request-Id when it sends a
// sane one (a proxy in front, a script correlating its own calls), else a
// fresh one. The id is echoed in the response header, written as the
// instance of every problem document, and attached to every log line
// written with the request's context, so that a user's error report, the
// access log and the server's error log meet on one string.

const requestIDHeader = "X-Request-Id"

// maxRequestID bounds an id taken from a caller: it goes into every log
// line and a label-free log is no place for a caller's megabyte.
const maxRequestID = 128

type requestIDKey struct{}

// RequestID is the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID is the caller's id when it is short and made only of
// characters safe in a header, a log line and a URN; otherwise a new one.
func requestID(given string) string {
	ok := given != "" && len(given) <= maxRequestID
	for i := 0; ok && i < len(given); i++ {
		c := given[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
	}
	if ok {
		return given
	}
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// problemInstance is the RFC 9457 "instance" of a problem met while
// serving the request with this id.
func problemInstance(id string) string { return "urn:vmc:request:" + id }

// HTTPObserver is told of every request served, for metrics. route is
// the pattern that served it ("GET /api/v1/vulns/{id}"), never the path,
// so that the number of series stays bounded.
type HTTPObserver interface {
	ObserveHTTP(method, route string, status int, took time.Duration)
}

// Observe wraps the whole server: it gives each request its id, logs one
// line per request when it ends and tells obs (nil: nobody) about it.
func Observe(next http.Handler, log *slog.Logger, obs HTTPObserver) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r.Header.Get(requestIDHeader))
		w.Header().Set(requestIDHeader, id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		// The mux sets Pattern on the request it routes; a request no
		// pattern matched is counted under one name.
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if obs != nil {
			obs.ObserveHTTP(r.Method, route, status, took)
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.String("path", r.URL.Path),
			slog.Int("status", status), slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(took.Microseconds())/1000), slog.String("remote", r.RemoteAddr))
	})
}

// statusRecorder remembers what a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the writer's own abilities
// (flushing, deadlines) through the recorder.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// LogHandler adds the request id to every record logged with a request's
// context, so that handlers need not pass it along by hand.
func LogHandler(h slog.Handler) slog.Handler { return requestLog{h} }

type requestLog struct{ slog.Handler }

func (h requestLog) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestLog) WithAttrs(as []slog.Attr) slog.Handler {
	return requestLog{h.Handler.WithAttrs(as)}
}

func (h requestLog) WithGroup(name string) slog.Handler {
	return requestLog{h.Handler.WithGroup(name)}
}
