package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store"
)

// TestSignInLimitAcrossReplicas runs two API servers on one store, as
// two replicas of vmc serve behind a load balancer, and spreads wrong
// passwords over them: the fifth locks the name at that address on both.
// With a limiter per process (the case "per process") the same five
// leave both open: what an attacker gained from each added replica.
func TestSignInLimitAcrossReplicas(t *testing.T) {
	run := func(t *testing.T, s store.Store) {
		for _, tc := range []struct {
			name    string
			limiter func() *auth.Limiter
			locked  bool
		}{
			{"shared", func() *auth.Limiter { return nil }, true},
			{"per process", func() *auth.Limiter { return auth.NewLimiter(auth.Limits{}) }, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var replicas []*httptest.Server
				for range 2 {
					srv := httptest.NewServer((&api.Server{Store: s, Limiter: tc.limiter(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
					t.Cleanup(srv.Close)
					replicas = append(replicas, srv)
				}
				user := strings.ReplaceAll(tc.name, " ", "-") + "-target"
				signIn := func(r int, password string) int {
					t.Helper()
					resp, err := http.Post(replicas[r].URL+"/api/v1/session", "application/json",
						strings.NewReader(`{"name":"`+user+`","password":"`+password+`"}`))
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					return resp.StatusCode
				}
				if _, err := s.PutUser(context.Background(), auth.User{Name: user, Role: auth.Auditor}, mustHash(t), "test"); err != nil {
					t.Fatal(err)
				}
				for i := range 5 {
					if code := signIn(i%2, "wrong"); code != http.StatusUnauthorized {
						t.Fatalf("wrong password %d on replica %d: %d, want 401", i+1, i%2, code)
					}
				}
				want := http.StatusOK
				if tc.locked {
					want = http.StatusTooManyRequests
				}
				for r := range replicas {
					if code := signIn(r, "correct horse battery staple"); code != want {
						t.Errorf("replica %d after five failures spread over two: %d, want %d", r, code, want)
					}
				}
			})
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, newFixture(t).store) })
	t.Run("postgres", func(t *testing.T) { run(t, openPostgres(t)) })
}

func mustHash(t *testing.T) string {
	t.Helper()
	h, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestIntakeLimitAcrossReplicas sends a burst of reports from one
// address to the public intake of three API servers on one store, all
// at once and spread over them: exactly the limit are taken, wherever
// they land. With a limiter per process (the case "per process") each
// server takes the limit.
func TestIntakeLimitAcrossReplicas(t *testing.T) {
	const perHour = 4
	run := func(t *testing.T, s store.Store) {
		for _, tc := range []struct {
			name    string
			limiter func() *auth.Limiter
			want    int
		}{
			{"shared", func() *auth.Limiter { return nil }, perHour},
			{"per process", func() *auth.Limiter { return api.IntakeLimiter(perHour, nil) }, 3 * perHour},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var replicas []*httptest.Server
				for range 3 {
					srv := httptest.NewServer((&api.Server{Store: s, Intake: api.Intake{PerHour: perHour, Limiter: tc.limiter()},
						Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
					t.Cleanup(srv.Close)
					replicas = append(replicas, srv)
				}
				codes := make(chan int, 4*3*perHour)
				var wg sync.WaitGroup
				for i := range cap(codes) {
					wg.Go(func() {
						resp, err := http.Post(replicas[i%3].URL+"/api/v1/intake", "application/json",
							strings.NewReader(`{"title":"flood `+tc.name+`","description":"one of many"}`))
						if err != nil {
							t.Error(err)
							return
						}
						resp.Body.Close()
						codes <- resp.StatusCode
					})
				}
				wg.Wait()
				close(codes)
				got := map[int]int{}
				for c := range codes {
					got[c]++
				}
				if got[http.StatusCreated] != tc.want || got[http.StatusTooManyRequests] != cap(codes)-tc.want {
					t.Errorf("%d reports at once over 3 replicas: %v, want %d created and the rest 429", cap(codes), got, tc.want)
				}
			})
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, newFixture(t).store) })
	t.Run("postgres", func(t *testing.T) { run(t, openPostgres(t)) })
}
