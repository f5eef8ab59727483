package sqlstore

import (
	"sync"
	"time"
)

// counts remembers counts that steer a query (which index to ask, which
// plan to run) and never decide its result, so counts a little old are
// as good as fresh ones: an import that changes them makes the queries
// they steer slower until they expire, never wrong. All of them expire
// together, after age or once there are more than max.
type counts struct {
	age time.Duration
	max int

	mu   sync.Mutex
	vals map[string]int64
	// since is when vals was started.
	since time.Time
}

// get returns the count remembered for key, if any at now.
func (c *counts) get(now time.Time, key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vals == nil || len(c.vals) > c.max || now.Sub(c.since) > c.age {
		c.vals, c.since = make(map[string]int64), now
	}
	n, ok := c.vals[key]
	return n, ok
}

// put remembers n for key.
func (c *counts) put(key string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vals != nil {
		c.vals[key] = n
	}
}
