package fetch

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// Job is work that Schedule repeats: a sync and its import, for a server.
type Job struct {
	Name  string
	Every time.Duration // a Job with Every ≤ 0 never runs
	Run   func(ctx context.Context) error
}

// Schedule runs each job once at the start and then Every after its
// previous run began (at once if that run took longer), until ctx ends.
// Jobs run one at a time: they share the store, and a sync is mostly
// waiting on the network or on NVD's rate limit anyway. A failed or
// panicking run is logged and the job runs again at its next time.
// Schedule returns when ctx ends, after the run in progress returns.
func Schedule(ctx context.Context, log *slog.Logger, jobs ...Job) {
	var due []Job
	for _, j := range jobs {
		if j.Every > 0 {
			due = append(due, j)
		}
	}
	if len(due) == 0 {
		return
	}
	next := make([]time.Time, len(due)) // zero: due now
	for {
		i := 0
		for k := range next {
			if next[k].Before(next[i]) {
				i = k
			}
		}
		t := time.NewTimer(time.Until(next[i]))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		start := time.Now()
		next[i] = start.Add(due[i].Every)
		log.Info("feed sync started", "job", due[i].Name)
		if err := runJob(ctx, due[i]); err != nil {
			log.Error("feed sync failed", "job", due[i].Name, "err", err, "took", time.Since(start).Round(time.Millisecond), "next", next[i].Format(time.RFC3339))
			continue
		}
		log.Info("feed sync done", "job", due[i].Name, "took", time.Since(start).Round(time.Millisecond), "next", next[i].Format(time.RFC3339))
	}
}

// runJob runs j, turning a panic into an error: a sync parses what a
// remote server sent, and one bad answer must not take the server down.
func runJob(ctx context.Context, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return j.Run(ctx)
}
