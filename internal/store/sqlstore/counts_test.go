package sqlstore

import (
	"testing"
	"time"
)

// TestCounts: remembered counts are forgotten together, once older than
// their age or once there are more than their bound.
func TestCounts(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	c := counts{age: time.Minute, max: 2}
	if _, ok := c.get(t0, "a"); ok {
		t.Fatal("a count before any was put")
	}
	c.put("a", 7)
	if n, ok := c.get(t0.Add(time.Minute), "a"); !ok || n != 7 {
		t.Errorf("within the age: %d, %v", n, ok)
	}
	if _, ok := c.get(t0.Add(time.Minute+time.Second), "a"); ok {
		t.Error("past the age: still remembered")
	}
	now := t0.Add(2 * time.Minute)
	for i, k := range []string{"a", "b", "c"} {
		c.get(now, k)
		c.put(k, int64(i))
	}
	if _, ok := c.get(now, "a"); ok {
		t.Error("past the bound: still remembered")
	}
}
