package auth

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// LoginKey is who is trying to log in: the user name as entered and the
// client's address, as the HTTP layer determined it (behind a reverse
// proxy, from the header only that proxy sets).
type LoginKey struct {
	User string
	IP   netip.Addr
}

// Limits configure a Limiter. NewLimiter takes a zero field to mean the
// default, given in brackets.
type Limits struct {
	// PerUserIP failures within Window lock one user name at one address
	// out [5 in 15 minutes]: online guessing of one account from one
	// place. The lock holds only that pair, so an attacker cannot lock a
	// user out of the address the user logs in from.
	PerUserIP int
	// PerIP failures within Window lock an address out for every user
	// name [20 in 15 minutes]: one address trying many accounts (password
	// spraying).
	PerIP  int
	Window time.Duration
	// PerUser consecutive failures on one user name, from any address,
	// lock that name out [100]: many addresses guessing one account.
	// NIST SP 800-63B-4 section 3.2.2 requires that consecutive failures
	// on an account be limited to at most 100. Once the limit is reached,
	// every further failure locks again, for twice as long, until a
	// success or Forget.
	PerUser int
	// Lockout is how long the first lock lasts; each further lock of the
	// same key lasts twice as long as the one before, up to MaxLockout
	// [15 minutes, 24 hours].
	Lockout    time.Duration
	MaxLockout time.Duration
	// Forget is how long a key must see no failure before its failures
	// and lock count are forgotten [24 hours].
	Forget time.Duration
	// Trust is how long a successful login exempts the user name at that
	// address from the per-address and per-user locks [30 days]. Those
	// locks are triggered by others, and would otherwise let anyone lock
	// a user out everywhere, or an office behind one NAT address out
	// altogether; the per-user-and-address limit still applies.
	Trust time.Duration
	// MaxEntries bounds memory [100000 keys, a few tens of MB at most]. When the
	// table is full, forgettable keys go first, then those idle longest,
	// locked keys last.
	MaxEntries int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.PerUserIP, 5)
	def(&l.PerIP, 20)
	def(&l.PerUser, 100)
	def(&l.MaxEntries, 100_000)
	defDur(&l.Window, 15*time.Minute)
	defDur(&l.Lockout, 15*time.Minute)
	defDur(&l.MaxLockout, 24*time.Hour)
	defDur(&l.Forget, 24*time.Hour)
	defDur(&l.Trust, 30*24*time.Hour)
	return l
}

// Limiter slows down password guessing. The login handler asks Allow
// before it checks a password (and, when refused, answers 429 with
// Retry-After without checking), then reports the outcome with Fail or
// Succeed. Time is passed in, never read, so tests run in no time.
//
// It is safe for concurrent use. It keeps its state in memory: a restart
// forgets every lock, which is acceptable for a brake on guessing that
// must let the service's own administrator back in.
type Limiter struct {
	limits Limits

	mu sync.Mutex
	m  map[bucket]*entry
}

// NewLimiter returns a Limiter with limits l (zero fields take the
// defaults documented on Limits).
func NewLimiter(l Limits) *Limiter {
	return &Limiter{limits: l.withDefaults(), m: map[bucket]*entry{}}
}

type kind uint8

const (
	kindUserIP kind = iota
	kindIP
	kindUser
)

// bucket keys the table. User names are lower-cased and cut to the
// longest valid name, so "Admin" counts as "admin", and a megabyte name
// costs no more memory than a valid one.
type bucket struct {
	kind kind
	user string
	ip   netip.Addr
}

func buckets(k LoginKey) [3]bucket {
	user := k.User
	if len(user) > maxName {
		user = user[:maxName]
	}
	user = strings.ToLower(user)
	ip := clientNet(k.IP)
	return [3]bucket{{kindUserIP, user, ip}, {kindIP, "", ip}, {kindUser, user, netip.Addr{}}}
}

// clientNet is the network one client controls: its IPv4 address, or
// its IPv6 /64. A single IPv6 host usually holds a whole /64, so limiting
// single IPv6 addresses would limit nothing. An IPv4-mapped IPv6 address
// counts as the IPv4 address.
func clientNet(a netip.Addr) netip.Addr {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

type entry struct {
	failures    int
	windowStart time.Time
	lastFail    time.Time
	lockouts    int // locks since the key was last forgotten
	lockedUntil time.Time
	trusted     time.Time // last success; user-and-address keys only
}

// Allow reports whether a login attempt for k may go ahead at now, and if
// not, how long until it may.
func (l *Limiter) Allow(k LoginKey, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := buckets(k)
	trusted := l.trusted(b[0], now)
	for i, bk := range b {
		if i > 0 && trusted {
			break
		}
		if e := l.m[bk]; e != nil && now.Before(e.lockedUntil) {
			retryAfter = max(retryAfter, e.lockedUntil.Sub(now))
		}
	}
	return retryAfter == 0, retryAfter
}

func (l *Limiter) trusted(pair bucket, now time.Time) bool {
	e := l.m[pair]
	return e != nil && !e.trusted.IsZero() && now.Sub(e.trusted) < l.limits.Trust
}

// Fail records a failed login for k at now.
func (l *Limiter) Fail(k LoginKey, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.limits
	for _, bk := range buckets(k) {
		e := l.get(bk, now)
		if !e.lastFail.IsZero() && now.Sub(e.lastFail) >= lim.Forget {
			e.failures, e.lockouts = 0, 0
		}
		limit, window := lim.PerUserIP, lim.Window
		switch bk.kind {
		case kindIP:
			limit = lim.PerIP
		case kindUser:
			limit, window = lim.PerUser, 0 // consecutive: no window
		}
		if window > 0 && now.Sub(e.windowStart) >= window {
			e.failures = 0
		}
		if e.failures == 0 {
			e.windowStart = now
		}
		e.failures++
		e.lastFail = now
		if e.failures < limit {
			continue
		}
		e.lockouts++
		e.lockedUntil = now.Add(l.backoff(e.lockouts))
		if window > 0 {
			// The next lock takes a full limit's worth of failures again.
			// Consecutive counts stay at the limit instead, so each further
			// failure locks again.
			e.failures = 0
		}
	}
}

// backoff is the length of the nth lock: Lockout doubled n-1 times, at
// most MaxLockout.
func (l *Limiter) backoff(n int) time.Duration {
	d := l.limits.Lockout
	for i := 1; i < n && d < l.limits.MaxLockout; i++ {
		d *= 2
	}
	return min(d, l.limits.MaxLockout)
}

// Succeed records a successful login for k at now: the user name's
// failures are forgiven, at this address and in total, and the pair is
// trusted (see Limits.Trust). The address's own count stays: one valid
// account must not let its holder reset the count of their guesses at
// others'.
func (l *Limiter) Succeed(k LoginKey, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := buckets(k)
	delete(l.m, b[2])
	e := l.get(b[0], now)
	*e = entry{trusted: now}
}

// Unlock forgets every failure and lock of the user name user, at every
// address: for an administrator letting a locked-out user back in.
func (l *Limiter) Unlock(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	name := buckets(LoginKey{User: user})[2].user
	for bk, e := range l.m {
		switch {
		case bk.kind == kindUser && bk.user == name:
			delete(l.m, bk)
		case bk.kind == kindUserIP && bk.user == name:
			*e = entry{trusted: e.trusted}
		}
	}
}

// get returns the entry for bk, adding it (and making room first) if
// there is none.
func (l *Limiter) get(bk bucket, now time.Time) *entry {
	if e := l.m[bk]; e != nil {
		return e
	}
	if len(l.m) >= l.limits.MaxEntries {
		l.evict(now)
	}
	e := &entry{}
	l.m[bk] = e
	return e
}

// evict drops every entry that remembers nothing worth keeping, then, if
// the table is still more than 7/8 full, the least worth keeping until it
// is not: unlocked before locked, idle longest first. Evicting down to
// 7/8 rather than one below full makes the next eviction MaxEntries/8
// insertions away, so the O(n log n) cost is paid rarely even under a
// flood of new addresses.
func (l *Limiter) evict(now time.Time) {
	for bk, e := range l.m {
		if l.forgettable(bk, e, now) {
			delete(l.m, bk)
		}
	}
	target := l.limits.MaxEntries - l.limits.MaxEntries/8
	if len(l.m) <= target {
		return
	}
	type kv struct {
		bk bucket
		e  *entry
	}
	all := make([]kv, 0, len(l.m))
	for bk, e := range l.m {
		all = append(all, kv{bk, e})
	}
	locked := func(e *entry) int {
		if now.Before(e.lockedUntil) {
			return 1
		}
		return 0
	}
	slices.SortFunc(all, func(a, b kv) int {
		if c := cmp.Compare(locked(a.e), locked(b.e)); c != 0 {
			return c
		}
		return cmp.Compare(lastActive(a.e).UnixNano(), lastActive(b.e).UnixNano())
	})
	for _, x := range all[:len(all)-target] {
		delete(l.m, x.bk)
	}
}

func lastActive(e *entry) time.Time {
	if e.trusted.After(e.lastFail) {
		return e.trusted
	}
	return e.lastFail
}

// forgettable reports whether dropping e loses nothing: it is not locked,
// no trust is current, and its failures no longer count, because Forget
// has passed or, for a windowed key that was never locked, the window
// has.
func (l *Limiter) forgettable(bk bucket, e *entry, now time.Time) bool {
	lim := l.limits
	if now.Before(e.lockedUntil) || (!e.trusted.IsZero() && now.Sub(e.trusted) < lim.Trust) {
		return false
	}
	if e.lastFail.IsZero() || now.Sub(e.lastFail) >= lim.Forget {
		return true
	}
	return bk.kind != kindUser && e.lockouts == 0 && now.Sub(e.windowStart) >= lim.Window
}
