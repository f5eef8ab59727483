package fetch

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// lockedBuffer lets the scheduler log while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSchedule runs jobs on short intervals: one that works, one that
// fails and one that panics; a fourth, without an interval, never runs.
func TestSchedule(t *testing.T) {
	var (
		running         atomic.Int32 // jobs running now
		overlapped      atomic.Bool
		ok, bad, panics atomic.Int32
	)
	job := func(n *atomic.Int32, body func() error) func(context.Context) error {
		return func(context.Context) error {
			if running.Add(1) > 1 {
				overlapped.Store(true)
			}
			defer running.Add(-1)
			n.Add(1)
			time.Sleep(time.Millisecond)
			return body()
		}
	}
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Schedule(ctx, log,
			Job{Name: "kev", Every: 20 * time.Millisecond, Run: job(&ok, func() error { return nil })},
			Job{Name: "nvd", Every: 20 * time.Millisecond, Run: job(&bad, func() error {
				return errors.New("GET https://services.nvd.nist.gov/rest/json/cves/2.0: 503 Service Unavailable")
			})},
			Job{Name: "osv", Every: 20 * time.Millisecond, Run: job(&panics, func() error { panic("boom") })},
			Job{Name: "off", Run: func(context.Context) error { t.Error("a job without an interval ran"); return nil }},
		)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for ok.Load() < 3 || bad.Load() < 3 || panics.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("after 5s: %d, %d and %d runs, want 3 of each", ok.Load(), bad.Load(), panics.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Schedule did not return after its context ended")
	}
	if overlapped.Load() {
		t.Error("two jobs ran at once")
	}
	out := logs.String()
	for _, want := range []string{
		`level=INFO msg="feed sync done" job=kev`,
		`level=ERROR msg="feed sync failed" job=nvd err="GET https://services.nvd.nist.gov/rest/json/cves/2.0: 503 Service Unavailable"`,
		`level=ERROR msg="feed sync failed" job=osv err="panic: boom`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestScheduleNothing(t *testing.T) {
	done := make(chan struct{})
	go func() {
		Schedule(context.Background(), slog.New(slog.DiscardHandler), Job{Name: "off"})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Schedule of no runnable job did not return")
	}
}
