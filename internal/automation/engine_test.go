package automation

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// backlog is a store with pages of events to collect, each taking took.
type backlog struct {
	store.Store
	pages   int
	took    time.Duration
	started chan struct{} // closed by the first call, if not nil
}

func (b *backlog) CollectEvents(ctx context.Context, limit int) (int, error) {
	if b.started != nil {
		close(b.started)
		b.started = nil
	}
	if b.pages == 0 {
		return 0, nil
	}
	b.pages--
	time.Sleep(b.took)
	return 1, nil
}

func (b *backlog) ListAutomations(context.Context) ([]rules.Rule, error)           { return nil, nil }
func (b *backlog) ListWatches(context.Context, string) ([]rules.Watch, error)      { return nil, nil }
func (b *backlog) Cursor(context.Context, string) (int64, error)                   { return 0, nil }
func (b *backlog) Events(context.Context, store.EventQuery) ([]rules.Event, error) { return nil, nil }

// TestRunPausesInABacklog: with Busy set, Run waits after each page of
// collecting in proportion to the page's time, and a context that ends
// ends the wait.
func TestRunPausesInABacklog(t *testing.T) {
	const took = 20 * time.Millisecond
	for _, tc := range []struct {
		name    string
		busy    float64
		atLeast time.Duration // pages' time plus pauses
	}{
		{"half the time", 0.5, 3 * (took + took)},
		{"a quarter", 0.25, 3 * (took + 3*took)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &Engine{Store: &backlog{pages: 3, took: took}, Busy: tc.busy}
			start := time.Now()
			rep, err := e.Run(context.Background())
			if err != nil || rep.Events != 3 {
				t.Fatalf("Run: %+v, %v; want 3 events", rep, err)
			}
			if d := time.Since(start); d < tc.atLeast {
				t.Errorf("Run took %v, want at least %v", d, tc.atLeast)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), took)
	defer cancel()
	e := &Engine{Store: &backlog{pages: 3, took: took}, Busy: 0.01}
	if _, err := e.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run with a context ending in a pause: %v, want deadline exceeded", err)
	}
}

// TestRunOnceAtATime: a Run that starts while another is running returns
// at once with nothing done, and the first one collects everything.
func TestRunOnceAtATime(t *testing.T) {
	b := &backlog{pages: 3, took: 20 * time.Millisecond, started: make(chan struct{})}
	started := b.started
	e := &Engine{Store: b}
	done := make(chan Report)
	go func() {
		rep, err := e.Run(context.Background())
		if err != nil {
			t.Error(err)
		}
		done <- rep
	}()
	<-started
	if rep, err := e.Run(context.Background()); err != nil || rep != (Report{}) {
		t.Errorf("Run beside a running one: %+v, %v; want nothing done", rep, err)
	}
	if rep := <-done; rep.Events != 3 {
		t.Errorf("the first Run collected %d events, want 3", rep.Events)
	}
}
