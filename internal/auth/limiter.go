package auth

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
// It is safe for concurrent use. NewLimiter keeps its state in memory,
// per process: a restart forgets every lock. NewSharedLimiter keeps it in
// a LimitTable (the database), so that every replica of `vmc serve`
// behind a load balancer counts the same failures: in memory, N replicas
// would give an attacker N times the guesses.
type Limiter struct {
	limits Limits

	mu sync.Mutex
	m  map[bucket]*entry

	// table, when set, holds the state instead of m, under scope.
	table LimitTable
	scope string
	// pruned is when this process last pruned table (Unix seconds).
	pruned atomic.Int64
}

// NewLimiter returns a Limiter with limits l (zero fields take the
// defaults documented on Limits), its state in memory.
func NewLimiter(l Limits) *Limiter {
	return &Limiter{limits: l.withDefaults(), m: map[bucket]*entry{}}
}

// NewSharedLimiter returns a Limiter with limits l whose state is kept
// in t under scope, shared by every process using t with that scope.
// Limiters of different scopes (ScopeSignIn, the public intake's) count
// apart in one table. MaxEntries does not apply: the table is pruned of
// what it no longer needs instead (see LimitTable).
func NewSharedLimiter(scope string, l Limits, t LimitTable) *Limiter {
	return &Limiter{limits: l.withDefaults(), table: t, scope: scope}
}

// ScopeSignIn is the scope of the sign-in limiter in a LimitTable.
const ScopeSignIn = "sign-in"

// LimitTable keeps shared Limiters' state, each limiter's under its
// scope. Keys and states are opaque to it but for pruning.
type LimitTable interface {
	// RateLimits returns the states kept under keys in scope; a key with
	// none is absent from the map.
	RateLimits(ctx context.Context, scope string, keys []LimitKey) (map[LimitKey]LimitState, error)
	// UpdateRateLimits reads the states of keys in scope and, when user
	// is not empty, of every key of scope whose User is user, and passes
	// them to fn (absent: none kept), holding every other update of them
	// off until it has stored what fn leaves in the map. A key fn
	// deletes, or leaves zero, is deleted.
	UpdateRateLimits(ctx context.Context, scope string, keys []LimitKey, user string, fn func(map[LimitKey]*LimitState)) error
	// PruneRateLimits deletes the states of scope that are not locked at
	// now, whose trust began before trustedBefore and whose last failure
	// was before failedBefore, and returns how many it deleted.
	PruneRateLimits(ctx context.Context, scope string, now, trustedBefore, failedBefore time.Time) (int64, error)
}

// LimitKey is a bucket as a LimitTable keeps it.
type LimitKey struct {
	// Kind is 0 for a user name at an address, 1 for an address, 2 for a
	// user name at every address.
	Kind uint8
	// User is the user name, lower-cased and cut to the longest valid
	// name; empty for an address.
	User string
	// Net is the client's network (see clientNet) as text; empty for a
	// user name at every address.
	Net string
}

// LimitState is what a Limiter remembers of one bucket.
type LimitState struct {
	Failures    int
	WindowStart time.Time
	LastFail    time.Time
	// Lockouts counts the locks since the key was last forgotten.
	Lockouts    int
	LockedUntil time.Time
	// Trusted is the last success; user-and-address keys only.
	Trusted time.Time
}

func (b bucket) key() LimitKey {
	k := LimitKey{Kind: uint8(b.kind), User: b.user}
	if b.ip.IsValid() {
		k.Net = b.ip.String()
	}
	return k
}

// bucketOf is the bucket a table's key names; false for one no Limiter
// wrote.
func bucketOf(k LimitKey) (bucket, bool) {
	b := bucket{kind: kind(k.Kind), user: k.User}
	if k.Net != "" {
		ip, err := netip.ParseAddr(k.Net)
		if err != nil {
			return b, false
		}
		b.ip = ip
	}
	return b, b.kind <= kindUser
}

// pruneEvery is how often a process prunes a shared table, as failures
// come in: often enough that a flood of addresses leaves no more rows
// than it made in a day or so.
const pruneEvery = 10 * time.Minute

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

// entry is what one bucket remembers.
type entry = LimitState

// Allow reports whether a login attempt for k may go ahead at now, and if
// not, how long until it may. A shared Limiter whose table fails refuses
// for a minute: AllowContext reports the error.
func (l *Limiter) Allow(k LoginKey, now time.Time) (ok bool, retryAfter time.Duration) {
	ok, retryAfter, err := l.AllowContext(context.Background(), k, now)
	if err != nil {
		return false, time.Minute
	}
	return ok, retryAfter
}

// AllowContext is Allow, which on a shared Limiter reads the table.
func (l *Limiter) AllowContext(ctx context.Context, k LoginKey, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	b := buckets(k)
	if l.table == nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		ok, retryAfter = l.allow(l.m, b, now)
		return ok, retryAfter, nil
	}
	keys := make([]LimitKey, len(b))
	for i, bk := range b {
		keys[i] = bk.key()
	}
	st, err := l.table.RateLimits(ctx, l.scope, keys)
	if err != nil {
		return false, 0, fmt.Errorf("%s limits: %w", l.scope, err)
	}
	m := make(map[bucket]*entry, len(st))
	for i, bk := range b {
		if e, ok := st[keys[i]]; ok {
			m[bk] = &e
		}
	}
	ok, retryAfter = l.allow(m, b, now)
	return ok, retryAfter, nil
}

func (l *Limiter) allow(m map[bucket]*entry, b [3]bucket, now time.Time) (ok bool, retryAfter time.Duration) {
	trusted := l.trusted(m[b[0]], now)
	for i, bk := range b {
		if i > 0 && trusted {
			break
		}
		if e := m[bk]; e != nil && now.Before(e.LockedUntil) {
			retryAfter = max(retryAfter, e.LockedUntil.Sub(now))
		}
	}
	return retryAfter == 0, retryAfter
}

func (l *Limiter) trusted(pair *entry, now time.Time) bool {
	return pair != nil && !pair.Trusted.IsZero() && now.Sub(pair.Trusted) < l.limits.Trust
}

// update runs fn on the state of b (and, with user set, of every key of
// that user name): in memory under the mutex, or in the table under its
// lock. get adds a missing bucket.
func (l *Limiter) update(ctx context.Context, b []bucket, user string, now time.Time, fn func(m map[bucket]*entry, get func(bucket) *entry)) error {
	if l.table == nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		fn(l.m, func(bk bucket) *entry { return l.get(bk, now) })
		return nil
	}
	keys := make([]LimitKey, len(b))
	for i, bk := range b {
		keys[i] = bk.key()
	}
	err := l.table.UpdateRateLimits(ctx, l.scope, keys, user, func(st map[LimitKey]*LimitState) {
		m := make(map[bucket]*entry, len(st))
		for k, e := range st {
			if bk, ok := bucketOf(k); ok {
				m[bk] = e
			}
		}
		fn(m, func(bk bucket) *entry {
			if e := m[bk]; e != nil {
				return e
			}
			e := &entry{}
			m[bk] = e
			return e
		})
		clear(st)
		for bk, e := range m {
			st[bk.key()] = e
		}
	})
	if err != nil {
		return fmt.Errorf("%s limits: %w", l.scope, err)
	}
	return nil
}

// prune drops what the shared table no longer needs, at most once per
// pruneEvery per process. Locked keys and current trust stay; a count
// goes once Forget has passed since its last failure.
func (l *Limiter) prune(ctx context.Context, now time.Time) error {
	last := l.pruned.Load()
	if l.table == nil || now.Unix()-last < int64(pruneEvery/time.Second) || !l.pruned.CompareAndSwap(last, now.Unix()) {
		return nil
	}
	if _, err := l.table.PruneRateLimits(ctx, l.scope, now, now.Add(-l.limits.Trust), now.Add(-l.limits.Forget)); err != nil {
		return fmt.Errorf("%s limits: prune: %w", l.scope, err)
	}
	return nil
}

// Fail records a failed login for k at now.
func (l *Limiter) Fail(k LoginKey, now time.Time) { _ = l.FailContext(context.Background(), k, now) }

// FailContext is Fail, which on a shared Limiter writes the table.
func (l *Limiter) FailContext(ctx context.Context, k LoginKey, now time.Time) error {
	b := buckets(k)
	err := l.update(ctx, b[:], "", now, func(_ map[bucket]*entry, get func(bucket) *entry) {
		for _, bk := range b {
			l.fail(bk, get(bk), now)
		}
	})
	if err != nil {
		return err
	}
	return l.prune(ctx, now)
}

// Take reports whether an attempt for k may go ahead at now and, if it
// may, counts it as a failure, in one step: of N attempts racing on any
// number of processes sharing a table, exactly as many go ahead as the
// limits allow, where Allow followed by Fail would let every attempt
// that asked before the others counted go ahead. An attempt refused is
// not counted. It is for limits on something done rather than guessed
// (the public intake's reports), where every attempt counts.
func (l *Limiter) Take(ctx context.Context, k LoginKey, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	b := buckets(k)
	err = l.update(ctx, b[:], "", now, func(m map[bucket]*entry, get func(bucket) *entry) {
		if ok, retryAfter = l.allow(m, b, now); ok {
			for _, bk := range b {
				l.fail(bk, get(bk), now)
			}
		}
	})
	if err != nil {
		return false, 0, err
	}
	return ok, retryAfter, l.prune(ctx, now)
}

func (l *Limiter) fail(bk bucket, e *entry, now time.Time) {
	lim := l.limits
	if !e.LastFail.IsZero() && now.Sub(e.LastFail) >= lim.Forget {
		e.Failures, e.Lockouts = 0, 0
	}
	limit, window := lim.PerUserIP, lim.Window
	switch bk.kind {
	case kindIP:
		limit = lim.PerIP
	case kindUser:
		limit, window = lim.PerUser, 0 // consecutive: no window
	}
	if window > 0 && now.Sub(e.WindowStart) >= window {
		e.Failures = 0
	}
	if e.Failures == 0 {
		e.WindowStart = now
	}
	e.Failures++
	e.LastFail = now
	if e.Failures < limit {
		return
	}
	e.Lockouts++
	e.LockedUntil = now.Add(l.backoff(e.Lockouts))
	if window > 0 {
		// The next lock takes a full limit's worth of failures again.
		// Consecutive counts stay at the limit instead, so each further
		// failure locks again.
		e.Failures = 0
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
	_ = l.SucceedContext(context.Background(), k, now)
}

// SucceedContext is Succeed, which on a shared Limiter writes the table.
func (l *Limiter) SucceedContext(ctx context.Context, k LoginKey, now time.Time) error {
	b := buckets(k)
	return l.update(ctx, []bucket{b[0], b[2]}, "", now, func(m map[bucket]*entry, get func(bucket) *entry) {
		delete(m, b[2])
		*get(b[0]) = entry{Trusted: now}
	})
}

// Unlock forgets every failure and lock of the user name user, at every
// address: for an administrator letting a locked-out user back in.
func (l *Limiter) Unlock(user string) { _ = l.UnlockContext(context.Background(), user) }

// UnlockContext is Unlock, which on a shared Limiter writes the table.
func (l *Limiter) UnlockContext(ctx context.Context, user string) error {
	name := buckets(LoginKey{User: user})[2].user
	return l.update(ctx, nil, name, time.Time{}, func(m map[bucket]*entry, _ func(bucket) *entry) {
		for bk, e := range m {
			switch {
			case bk.kind == kindUser && bk.user == name:
				delete(m, bk)
			case bk.kind == kindUserIP && bk.user == name:
				*e = entry{Trusted: e.Trusted}
			}
		}
	})
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
		if now.Before(e.LockedUntil) {
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
	if e.Trusted.After(e.LastFail) {
		return e.Trusted
	}
	return e.LastFail
}

// forgettable reports whether dropping e loses nothing: it is not locked,
// no trust is current, and its failures no longer count, because Forget
// has passed or, for a windowed key that was never locked, the window
// has.
func (l *Limiter) forgettable(bk bucket, e *entry, now time.Time) bool {
	lim := l.limits
	if now.Before(e.LockedUntil) || (!e.Trusted.IsZero() && now.Sub(e.Trusted) < lim.Trust) {
		return false
	}
	if e.LastFail.IsZero() || now.Sub(e.LastFail) >= lim.Forget {
		return true
	}
	return bk.kind != kindUser && e.Lockouts == 0 && now.Sub(e.WindowStart) >= lim.Window
}
