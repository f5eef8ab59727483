package auth

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	lt0    = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	office = netip.MustParseAddr("198.51.100.7")
	home   = netip.MustParseAddr("203.0.113.9")
)

// nthIP is a distinct IPv4 address for each n, for floods.
func nthIP(n int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
}

func fails(l *Limiter, k LoginKey, now time.Time, n int) {
	for range n {
		l.Fail(k, now)
	}
}

func wantAllow(t *testing.T, l *Limiter, k LoginKey, now time.Time, ok bool, retry time.Duration) {
	t.Helper()
	gotOK, gotRetry := l.Allow(k, now)
	if gotOK != ok || gotRetry != retry {
		t.Errorf("Allow(%s@%s, +%s) = %v, %s; want %v, %s", k.User, k.IP, now.Sub(lt0), gotOK, gotRetry, ok, retry)
	}
}

func TestLimiterUserIP(t *testing.T) {
	l := NewLimiter(Limits{})
	alice := LoginKey{"alice", home}
	fails(l, alice, lt0, 4)
	wantAllow(t, l, alice, lt0, true, 0)
	l.Fail(alice, lt0)
	wantAllow(t, l, alice, lt0, false, 15*time.Minute)
	wantAllow(t, l, alice, lt0.Add(10*time.Minute), false, 5*time.Minute)
	// The lock holds this pair only.
	wantAllow(t, l, LoginKey{"alice", office}, lt0, true, 0)
	wantAllow(t, l, LoginKey{"bob", home}, lt0, true, 0)
	// Each further lock lasts twice as long.
	at := lt0.Add(15 * time.Minute)
	wantAllow(t, l, alice, at, true, 0)
	fails(l, alice, at, 5)
	wantAllow(t, l, alice, at, false, 30*time.Minute)
	at = at.Add(30 * time.Minute)
	fails(l, alice, at, 5)
	wantAllow(t, l, alice, at, false, time.Hour)
}

func TestLimiterWindow(t *testing.T) {
	l := NewLimiter(Limits{})
	alice := LoginKey{"alice", home}
	fails(l, alice, lt0, 4)
	// 15 minutes on, the first four no longer count.
	fails(l, alice, lt0.Add(15*time.Minute), 4)
	wantAllow(t, l, alice, lt0.Add(15*time.Minute), true, 0)
	l.Fail(alice, lt0.Add(16*time.Minute))
	wantAllow(t, l, alice, lt0.Add(16*time.Minute), false, 15*time.Minute)
}

func TestLimiterBackoff(t *testing.T) {
	l := NewLimiter(Limits{})
	want := []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour,
		8 * time.Hour, 16 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour}
	for i, w := range want {
		if got := l.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	if got := l.backoff(1000); got != 24*time.Hour {
		t.Errorf("backoff(1000) = %s", got)
	}
}

func TestLimiterForget(t *testing.T) {
	l := NewLimiter(Limits{})
	alice := LoginKey{"alice", home}
	fails(l, alice, lt0, 5)
	fails(l, alice, lt0.Add(15*time.Minute), 5)
	wantAllow(t, l, alice, lt0.Add(15*time.Minute), false, 30*time.Minute)
	// A quiet day later, the count of locks starts again.
	at := lt0.Add(15*time.Minute + 24*time.Hour)
	fails(l, alice, at, 5)
	wantAllow(t, l, alice, at, false, 15*time.Minute)
}

func TestLimiterPerIP(t *testing.T) {
	l := NewLimiter(Limits{})
	// bob logged in from the office before.
	l.Succeed(LoginKey{"bob", office}, lt0)
	// Someone at the office sprays 20 accounts.
	for i := range 20 {
		l.Fail(LoginKey{fmt.Sprintf("user%d", i), office}, lt0.Add(time.Minute))
	}
	at := lt0.Add(time.Minute)
	wantAllow(t, l, LoginKey{"carol", office}, at, false, 15*time.Minute)
	wantAllow(t, l, LoginKey{"carol", home}, at, true, 0)
	// bob, trusted at the office, is not locked out by someone else.
	wantAllow(t, l, LoginKey{"bob", office}, at, true, 0)
	// A trusted pair still has its own limit.
	fails(l, LoginKey{"bob", office}, at, 5)
	wantAllow(t, l, LoginKey{"bob", office}, at, false, 15*time.Minute)
}

func TestLimiterSucceedKeepsIPCount(t *testing.T) {
	l := NewLimiter(Limits{})
	for i := range 19 {
		l.Fail(LoginKey{fmt.Sprintf("user%d", i), home}, lt0)
	}
	// The sprayer logs in to their own account: that must not reset the
	// count of their guesses at others'.
	l.Succeed(LoginKey{"mallory", home}, lt0)
	l.Fail(LoginKey{"user19", home}, lt0)
	wantAllow(t, l, LoginKey{"user20", home}, lt0, false, 15*time.Minute)
	wantAllow(t, l, LoginKey{"mallory", home}, lt0, true, 0)
}

func TestLimiterPerUser(t *testing.T) {
	l := NewLimiter(Limits{})
	admin := func(ip netip.Addr) LoginKey { return LoginKey{"admin", ip} }
	l.Succeed(admin(office), lt0)
	// 100 addresses, one guess each.
	for i := range 100 {
		at := lt0.Add(time.Duration(i) * time.Second)
		wantAllow(t, l, admin(nthIP(i)), at, true, 0)
		l.Fail(admin(nthIP(i)), at)
	}
	at := lt0.Add(99 * time.Second)
	wantAllow(t, l, admin(home), at, false, 15*time.Minute)
	wantAllow(t, l, admin(office), at, true, 0)
	// Each further failure locks again, for longer.
	at = at.Add(15 * time.Minute)
	wantAllow(t, l, admin(home), at, true, 0)
	l.Fail(admin(home), at)
	wantAllow(t, l, admin(nthIP(1000)), at, false, 30*time.Minute)
	// The real admin logs in: the count is forgiven everywhere.
	l.Succeed(admin(office), at)
	wantAllow(t, l, admin(nthIP(1000)), at, true, 0)
	// But not the pair lock of an address that guessed five times.
	fails(l, admin(home), at, 4)
	wantAllow(t, l, admin(home), at, false, 15*time.Minute)
}

func TestLimiterUnlock(t *testing.T) {
	l := NewLimiter(Limits{})
	fails(l, LoginKey{"alice", home}, lt0, 5)
	for i := range 100 {
		l.Fail(LoginKey{"alice", nthIP(i)}, lt0)
	}
	fails(l, LoginKey{"bob", home}, lt0, 5)
	l.Unlock("Alice")
	wantAllow(t, l, LoginKey{"alice", home}, lt0, true, 0)
	wantAllow(t, l, LoginKey{"alice", office}, lt0, true, 0)
	wantAllow(t, l, LoginKey{"bob", home}, lt0, false, 15*time.Minute)
}

func TestLimiterNames(t *testing.T) {
	l := NewLimiter(Limits{})
	for _, u := range []string{"alice", "Alice", "ALICE", "aLiCe", "alice"} {
		l.Fail(LoginKey{u, home}, lt0)
	}
	wantAllow(t, l, LoginKey{"alice", home}, lt0, false, 15*time.Minute)
	long := strings.Repeat("x", 1<<20)
	fails(l, LoginKey{long, home}, lt0, 5)
	wantAllow(t, l, LoginKey{strings.Repeat("x", 64), home}, lt0, false, 15*time.Minute)
	for bk := range l.m {
		if len(bk.user) > maxName {
			t.Errorf("key holds a %d-byte name", len(bk.user))
		}
	}
}

func TestClientNet(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"192.0.2.1", "192.0.2.1", true},
		{"192.0.2.1", "192.0.2.2", false},
		{"192.0.2.1", "::ffff:192.0.2.1", true},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"fe80::1%eth0", "fe80::2%eth1", true},
	}
	for _, tt := range tests {
		a, b := clientNet(netip.MustParseAddr(tt.a)), clientNet(netip.MustParseAddr(tt.b))
		if (a == b) != tt.same {
			t.Errorf("clientNet(%s) = %s, clientNet(%s) = %s; same = %v, want %v", tt.a, a, tt.b, b, a == b, tt.same)
		}
	}
	// One IPv6 host trying new addresses in its /64 gets nowhere.
	l := NewLimiter(Limits{})
	for i := range 5 {
		l.Fail(LoginKey{"alice", netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", i+1))}, lt0)
	}
	wantAllow(t, l, LoginKey{"alice", netip.MustParseAddr("2001:db8::abcd")}, lt0, false, 15*time.Minute)
}

func TestLimiterBounded(t *testing.T) {
	l := NewLimiter(Limits{MaxEntries: 64})
	fails(l, LoginKey{"alice", home}, lt0, 5)
	for i := range 1000 {
		l.Fail(LoginKey{fmt.Sprintf("u%d", i), nthIP(i)}, lt0.Add(time.Duration(i)*time.Millisecond))
		if len(l.m) > 64 {
			t.Fatalf("after %d keys the table holds %d entries", i, len(l.m))
		}
	}
	// The lock survived the flood: unlocked keys go first.
	wantAllow(t, l, LoginKey{"alice", home}, lt0.Add(time.Second), false, 15*time.Minute-time.Second)

	// Keys whose failures no longer count are dropped before any other:
	// old's windowed keys, but not its consecutive count, which lasts
	// until Forget.
	l = NewLimiter(Limits{MaxEntries: 8})
	fails(l, LoginKey{"old", home}, lt0, 1)
	fails(l, LoginKey{"new", office}, lt0.Add(20*time.Minute), 1)
	l.evict(lt0.Add(20 * time.Minute))
	var kept []string
	for bk := range l.m {
		kept = append(kept, fmt.Sprintf("%d/%s/%s", bk.kind, bk.user, bk.ip))
	}
	slices.Sort(kept)
	want := []string{"0/new/198.51.100.7", "1//198.51.100.7", "2/new/invalid IP", "2/old/invalid IP"}
	if !slices.Equal(kept, want) {
		t.Errorf("evict kept %q, want %q", kept, want)
	}
	l.evict(lt0.Add(24 * time.Hour))
	if _, ok := l.m[bucket{kind: kindUser, user: "old"}]; ok {
		t.Error("evict kept old's count a day later")
	}
}

// TestLimiterBudget measures what an attacker gets in a day under the
// default limits, so that a change to them shows its effect here.
func TestLimiterBudget(t *testing.T) {
	day := lt0.Add(24 * time.Hour)
	attack := func(next func(i int) LoginKey) int {
		l := NewLimiter(Limits{})
		n := 0
		for now := lt0; now.Before(day); {
			k := next(n)
			if ok, wait := l.Allow(k, now); !ok {
				now = now.Add(wait)
				continue
			}
			l.Fail(k, now)
			n++
		}
		return n
	}
	tests := []struct {
		name string
		next func(i int) LoginKey
		want int
	}{
		// 5 guesses per lock: 15m, 30m, 1h, …, 16h.
		{"one account from one address", func(int) LoginKey { return LoginKey{"admin", home} }, 35},
		// 100, then one per lock.
		{"one account from a new address each time", func(i int) LoginKey { return LoginKey{"admin", nthIP(i)} }, 106},
		// 20 per lock.
		{"a new account each time from one address", func(i int) LoginKey { return LoginKey{fmt.Sprint("u", i), home} }, 140},
	}
	for _, tt := range tests {
		if got := attack(tt.next); got != tt.want {
			t.Errorf("%s: %d guesses in a day, want %d", tt.name, got, tt.want)
		}
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(Limits{MaxEntries: 100})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := LoginKey{fmt.Sprint("u", i%7), nthIP(g*1000 + i)}
				now := lt0.Add(time.Duration(i) * time.Second)
				l.Allow(k, now)
				l.Fail(k, now)
				if i%50 == 0 {
					l.Succeed(k, now)
					l.Unlock("u3")
				}
			}
		})
	}
	wg.Wait()
	if len(l.m) > 100 {
		t.Errorf("table holds %d entries, over its 100", len(l.m))
	}
}

// TestLimiterTake: attempts racing through Take go ahead exactly as
// often as the limit allows; Allow then Fail would let them all through
// before any was counted. A refused attempt is not counted.
func TestLimiterTake(t *testing.T) {
	l := NewLimiter(Limits{PerUserIP: 4, PerIP: 4, PerUser: 1 << 30, Window: time.Hour, Lockout: time.Hour})
	k := LoginKey{"intake", office}
	var (
		wg   sync.WaitGroup
		took atomic.Int32
	)
	for range 40 {
		wg.Go(func() {
			if ok, _, err := l.Take(t.Context(), k, lt0); err != nil {
				t.Error(err)
			} else if ok {
				took.Add(1)
			}
		})
	}
	wg.Wait()
	if n := took.Load(); n != 4 {
		t.Errorf("40 racing Takes with a limit of 4: %d went ahead", n)
	}
	wantAllow(t, l, k, lt0.Add(59*time.Minute), false, time.Minute)
	// The 36 refused did not lengthen the lock or count towards another.
	if ok, _, _ := l.Take(t.Context(), k, lt0.Add(time.Hour)); !ok {
		t.Error("Take once the lock ended was refused")
	}
	wantAllow(t, l, k, lt0.Add(time.Hour), true, 0)
}
