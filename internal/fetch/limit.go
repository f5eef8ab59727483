package fetch

import (
	"context"
	"sync"
	"time"
)

// Limiter lets at most N requests start in any window of length Per. It is
// a bucket of N tokens in which each spent token comes back Per after it
// was spent. NVD states its limits this way ("5 requests in a rolling 30
// second window"); the usual bucket that refills at a steady N per Per
// would let a client that starts with a full bucket send nearly 2N in its
// first window, and be refused.
type Limiter struct {
	n   int
	per time.Duration

	mu    sync.Mutex
	spent []time.Time // when the tokens in use were taken, oldest first
}

// NewLimiter returns a Limiter of n requests per window (n < 1 counts as 1).
func NewLimiter(n int, per time.Duration) *Limiter {
	return &Limiter{n: max(n, 1), per: per}
}

// Wait blocks until a request may start, or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		now := time.Now()
		for len(l.spent) > 0 && now.Sub(l.spent[0]) >= l.per {
			l.spent = l.spent[1:]
		}
		if len(l.spent) < l.n {
			l.spent = append(l.spent, now)
			l.mu.Unlock()
			return nil
		}
		wait := l.per - now.Sub(l.spent[0])
		l.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
