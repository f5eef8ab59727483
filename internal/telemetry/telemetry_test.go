package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/fetch"
)

func TestHandlerAccess(t *testing.T) {
	m := New()
	tests := []struct {
		name, token, remote, auth, forwarded string
		want                                 int
	}{
		{name: "loopback, no token configured", remote: "127.0.0.1:5000", want: 200},
		{name: "IPv6 loopback", remote: "[::1]:5000", want: 200},
		{name: "remote, no token configured", remote: "192.0.2.7:5000", want: 401},
		{name: "loopback through a proxy", remote: "127.0.0.1:5000", forwarded: "203.0.113.9", want: 401},
		{name: "right token from anywhere", token: "s3cret", remote: "192.0.2.7:5000", auth: "Bearer s3cret", want: 200},
		{name: "wrong token", token: "s3cret", remote: "127.0.0.1:5000", auth: "Bearer s3cre", want: 401},
		{name: "token configured, none sent from loopback", token: "s3cret", remote: "127.0.0.1:5000", want: 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.RemoteAddr = tc.remote
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			if tc.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tc.forwarded)
			}
			w := httptest.NewRecorder()
			m.Handler(tc.token).ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Errorf("status %d, want %d", w.Code, tc.want)
			}
		})
	}
}

// TestQueueDepth follows two jobs through the scheduler's rule: due at
// once, one running while the other waits, then neither due until Every
// has passed since its start.
func TestQueueDepth(t *testing.T) {
	m := New()
	release := make(chan struct{})
	started := make(chan struct{})
	a := m.Job(fetch.Job{Name: "a", Every: time.Hour, Run: func(context.Context) error {
		close(started)
		<-release
		return nil
	}})
	b := m.Job(fetch.Job{Name: "b", Every: time.Hour, Run: func(context.Context) error { return nil }})
	now := time.Now()
	if q, r := m.queued(now), m.running(); q != 2 || r != 0 {
		t.Fatalf("before the first run: %d queued, %d running; want 2, 0", q, r)
	}
	done := make(chan error)
	go func() { done <- a.Run(context.Background()) }()
	<-started
	if q, r := m.queued(time.Now()), m.running(); q != 1 || r != 1 {
		t.Errorf("a running: %d queued, %d running; want 1, 1", q, r)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := b.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if q := m.queued(time.Now()); q != 0 {
		t.Errorf("both ran: %d queued, want 0", q)
	}
	if q := m.queued(time.Now().Add(time.Hour + time.Minute)); q != 2 {
		t.Errorf("an hour later: %d queued, want 2", q)
	}
}
