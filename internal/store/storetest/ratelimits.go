package storetest

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store"
)

// testSignInLimits runs two shared limiters on one store, as two
// replicas would: failures counted by either lock out on both, no
// concurrent failure is lost, and pruning keeps locks and trust.
func testSignInLimits(t *testing.T, open Opener) {
	s := open(t, time.Now)
	ctx := context.Background()
	a, b := auth.NewSharedLimiter(auth.ScopeSignIn, auth.Limits{}, s), auth.NewSharedLimiter(auth.ScopeSignIn, auth.Limits{}, s)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	home := netip.MustParseAddr("203.0.113.9")
	alice := auth.LoginKey{User: "alice", IP: home}
	allow := func(l *auth.Limiter, k auth.LoginKey, at time.Time, wantOK bool, wantRetry time.Duration) {
		t.Helper()
		ok, retry, err := l.AllowContext(ctx, k, at)
		if err != nil {
			t.Fatal(err)
		}
		if ok != wantOK || retry != wantRetry {
			t.Errorf("Allow(%s@%s, %s) = %v, %s; want %v, %s", k.User, k.IP, at.Format(time.TimeOnly), ok, retry, wantOK, wantRetry)
		}
	}
	fail := func(l *auth.Limiter, k auth.LoginKey, at time.Time) {
		t.Helper()
		if err := l.FailContext(ctx, k, at); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		fail([]*auth.Limiter{a, b}[i%2], alice, t0)
	}
	allow(a, alice, t0, true, 0)
	allow(b, alice, t0, true, 0)
	fail(b, alice, t0)
	allow(a, alice, t0.Add(time.Minute), false, 14*time.Minute)
	allow(b, alice, t0.Add(time.Minute), false, 14*time.Minute)

	// Unlock on one replica lets the user in on the other.
	if err := a.UnlockContext(ctx, "ALICE"); err != nil {
		t.Fatal(err)
	}
	allow(b, alice, t0.Add(time.Minute), true, 0)

	// Concurrent failures from one address, half on each replica, none
	// lost: 19 leave the address open, the 20th locks it.
	spray := netip.MustParseAddr("198.51.100.77")
	var wg sync.WaitGroup
	errs := make(chan error, 19)
	for i := range 19 {
		wg.Go(func() {
			errs <- []*auth.Limiter{a, b}[i%2].FailContext(ctx, auth.LoginKey{User: fmt.Sprintf("user%d", i), IP: spray}, t0)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	allow(a, auth.LoginKey{User: "victim", IP: spray}, t0, true, 0)
	fail(b, auth.LoginKey{User: "user19", IP: spray}, t0)
	allow(a, auth.LoginKey{User: "victim", IP: spray}, t0, false, 15*time.Minute)

	// A success trusts the pair against the address's lock, everywhere.
	if err := b.SucceedContext(ctx, auth.LoginKey{User: "bob", IP: spray}, t0); err != nil {
		t.Fatal(err)
	}
	allow(a, auth.LoginKey{User: "bob", IP: spray}, t0, true, 0)

	// Pruning a day on drops spent counts, keeps trust.
	at := t0.Add(25 * time.Hour)
	n, err := s.PruneRateLimits(ctx, auth.ScopeSignIn, at, at.Add(-30*24*time.Hour), at.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("prune deleted nothing a day on")
	}
	got, err := s.RateLimits(ctx, auth.ScopeSignIn, []auth.LimitKey{{Kind: 0, User: "bob", Net: spray.String()}, {Kind: 1, Net: spray.String()}})
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := got[auth.LimitKey{Kind: 0, User: "bob", Net: spray.String()}]; !ok || !st.Trusted.Equal(t0) {
		t.Errorf("bob's trust after pruning: %+v, %v", st, ok)
	}
	if _, ok := got[auth.LimitKey{Kind: 1, Net: spray.String()}]; ok {
		t.Error("the address's spent count survived pruning")
	}
	var _ store.SharedLimits = s
}

// testTakeLimits races 3×limit attempts from one address over three
// shared limiters of one scope, as three replicas taking reports from
// the public intake would: exactly limit go ahead, wherever they land,
// and the rest are refused until the lock ends. Another scope's counts
// of the same address are apart: the reports lock no one out of
// signing in.
func testTakeLimits(t *testing.T, open Opener) {
	s := open(t, time.Now)
	ctx := context.Background()
	const limit = 7
	l := auth.Limits{PerUserIP: limit, PerIP: limit, PerUser: math.MaxInt32, Window: time.Hour, Lockout: time.Hour}
	replicas := []*auth.Limiter{auth.NewSharedLimiter("intake", l, s), auth.NewSharedLimiter("intake", l, s), auth.NewSharedLimiter("intake", l, s)}
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	flood := auth.LoginKey{User: "intake", IP: netip.MustParseAddr("2001:db8:5:7::1")}

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		took    int
		refused []time.Duration
	)
	errs := make(chan error, 3*limit)
	for i := range 3 * limit {
		wg.Go(func() {
			// Any address in the /64 is the same client.
			k := flood
			k.IP = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 7, 15: byte(i)})
			ok, retry, err := replicas[i%3].Take(ctx, k, t0)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				took++
			} else {
				refused = append(refused, retry)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if took != limit || len(refused) != 2*limit {
		t.Errorf("%d racing attempts on 3 replicas: %d went ahead, %d refused; want %d and %d", 3*limit, took, len(refused), limit, 2*limit)
	}
	for _, r := range refused {
		if r != time.Hour {
			t.Errorf("a refused attempt waits %s, want 1h", r)
			break
		}
	}
	if ok, retry, err := replicas[0].Take(ctx, flood, t0.Add(59*time.Minute)); err != nil || ok || retry != time.Minute {
		t.Errorf("Take 59 minutes on = %v, %s, %v; want refused for a minute", ok, retry, err)
	}
	if ok, _, err := replicas[1].Take(ctx, flood, t0.Add(time.Hour)); err != nil || !ok {
		t.Errorf("Take once the lock ended = %v, %v; want it to go ahead", ok, err)
	}

	// The sign-in limiter does not see the intake's counts.
	signIn := auth.NewSharedLimiter(auth.ScopeSignIn, auth.Limits{}, s)
	if ok, retry, err := signIn.AllowContext(ctx, flood, t0); err != nil || !ok {
		t.Errorf("sign-in from the flooding address = %v, %s, %v; want allowed", ok, retry, err)
	}
	got, err := s.RateLimits(ctx, "intake", []auth.LimitKey{{Kind: 1, Net: "2001:db8:5:7::"}})
	if err != nil {
		t.Fatal(err)
	}
	if st := got[auth.LimitKey{Kind: 1, Net: "2001:db8:5:7::"}]; st.Lockouts != 1 {
		t.Errorf("the intake's count of the network: %+v, want one lock", st)
	}
}
