package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// Table is where Local keeps its jobs: the store's jobs table. Every
// method is one transaction.
type Table interface {
	// InsertJob inserts j (ID, State, Attempt are set by the table),
	// unless j.UniqueKey is set and a job with that key is in one of
	// j.UniqueStates: then it returns that job and true.
	InsertJob(ctx context.Context, j NewJob) (Job, bool, error)
	// ClaimJob marks the oldest due job of one of kinds running, counts
	// the attempt and returns it; false when none is due.
	ClaimJob(ctx context.Context, kinds []string, worker string, now time.Time) (Job, bool, error)
	// FinishJob records how an attempt of a running job ended.
	FinishJob(ctx context.Context, id int64, f Finish) error
	JobByID(ctx context.Context, id int64) (Job, error)
	ListJobs(ctx context.Context, f Filter) ([]Job, error)
	// CancelJob cancels a waiting job at once and asks for a running
	// one to be cancelled (CancelRequested then lists it).
	CancelJob(ctx context.Context, id int64, now time.Time) (Job, error)
	CancelRequested(ctx context.Context, ids []int64) ([]int64, error)
	// RescueJobs turns every running job back into a retrying one: the
	// process that ran them died with them.
	RescueJobs(ctx context.Context, now time.Time) (int, error)
	JobDepth(ctx context.Context) (map[State]int, error)
}

// NewJob is a job to insert.
type NewJob struct {
	Kind         string
	Args         json.RawMessage
	By           string
	MaxAttempts  int
	RunAt        time.Time
	Created      time.Time
	UniqueKey    string
	UniqueStates []State
}

// Finish is how an attempt ended.
type Finish struct {
	State  State // Completed, Retrying, Failed or Cancelled
	At     time.Time
	Output json.RawMessage
	Error  *AttemptError
	// RunAt is when a Retrying job runs next.
	RunAt time.Time
}

// UniqueKey is the key two jobs share when they must not both be pending:
// the kind, the arguments' digest, and the period they fall in.
func UniqueKey(kind string, args json.RawMessage, period time.Duration, now time.Time) string {
	sum := sha256.Sum256(args)
	k := kind + "/" + hex.EncodeToString(sum[:12])
	if period > 0 {
		k += "/" + strconv.FormatInt(now.Truncate(period).Unix(), 10)
	}
	return k
}

// UniqueStates are the states in which a job blocks a duplicate: while it
// is pending, or (by period) also once it completed, as River does.
func UniqueStates(byPeriod bool) []State {
	if byPeriod {
		return []State{Queued, Running, Retrying, Completed}
	}
	return []State{Queued, Running, Retrying}
}

// Backoff is River's default retry policy: attempt⁴ seconds, ±10%, so
// that a failing feed is retried after 1s, 16s, 81s, 4m16s.
func Backoff(attempt int) time.Duration {
	d := time.Duration(attempt*attempt*attempt*attempt) * time.Second
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d))
}

// Local is the in-process queue over a durable Table: SQLite's engine.
// One process owns a SQLite database, so on Start it rescues the jobs its
// predecessor left running, and its periodic jobs run once per period
// because there is no other process to run them.
type Local struct {
	Table    Table
	Registry *Registry
	Log      *slog.Logger
	// Workers is how many jobs run at once; 0 means 2.
	Workers int
	// Poll is how often it looks for due jobs that no Enqueue of its own
	// announced (retries coming due, a CLI's insert); 0 means 1s.
	Poll time.Duration
	// Backoff is the retry policy; nil means Backoff.
	Backoff func(attempt int) time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	name string
	wake chan struct{}
	// stopLoops ends claiming and scheduling; stopJobs cancels the jobs
	// running, when Stop's grace ends.
	stopLoops, stopJobs context.CancelFunc
	wg                  sync.WaitGroup
	mu                  sync.Mutex
	running             map[int64]context.CancelCauseFunc
}

var _ Queue = (*Local)(nil)

// errCancelled is the cause a cancelled job's context carries.
var errCancelled = errors.New("job cancelled")

func (q *Local) now() time.Time {
	if q.Now != nil {
		return q.Now().UTC()
	}
	return time.Now().UTC()
}

// Enqueue implements Queue.
func (q *Local) Enqueue(ctx context.Context, kind string, args any, o Opts) (Job, bool, error) {
	k, ok := q.Registry.Lookup(kind)
	if !ok {
		return Job{}, false, fmt.Errorf("%w: kind %q", ErrInvalid, kind)
	}
	raw, err := EncodeArgs(kind, args)
	if err != nil {
		return Job{}, false, err
	}
	now := q.now()
	n := NewJob{Kind: kind, Args: raw, By: o.By, MaxAttempts: k.MaxAttempts, RunAt: o.RunAt.UTC(), Created: now}
	if n.RunAt.IsZero() || n.RunAt.Before(now) {
		n.RunAt = now
	}
	if o.Unique || o.UniquePeriod > 0 {
		n.UniqueKey = UniqueKey(kind, raw, o.UniquePeriod, now)
		n.UniqueStates = UniqueStates(o.UniquePeriod > 0)
	}
	j, dup, err := q.Table.InsertJob(ctx, n)
	if err != nil {
		return Job{}, false, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	q.poke()
	return j, dup, nil
}

func (q *Local) poke() {
	if q.wake == nil {
		return
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Job implements Queue.
func (q *Local) Job(ctx context.Context, id int64) (Job, error) { return q.Table.JobByID(ctx, id) }

// List implements Queue.
func (q *Local) List(ctx context.Context, f Filter) ([]Job, error) {
	f, err := f.Normalise()
	if err != nil {
		return nil, err
	}
	return q.Table.ListJobs(ctx, f)
}

// Cancel implements Queue.
func (q *Local) Cancel(ctx context.Context, id int64) (Job, error) {
	j, err := q.Table.CancelJob(ctx, id, q.now())
	if err != nil {
		return j, err
	}
	q.mu.Lock()
	if cancel, ok := q.running[id]; ok {
		cancel(errCancelled)
	}
	q.mu.Unlock()
	return j, nil
}

// Depth implements Queue.
func (q *Local) Depth(ctx context.Context) (map[State]int, error) { return q.Table.JobDepth(ctx) }

// Start implements Queue: it rescues what a previous process left
// running, then works jobs and enqueues periodic ones until Stop.
func (q *Local) Start(ctx context.Context) error {
	if q.Log == nil {
		q.Log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	q.name = fmt.Sprintf("%s/%d", host, os.Getpid())
	if n, err := q.Table.RescueJobs(ctx, q.now()); err != nil {
		return fmt.Errorf("jobs: rescue: %w", err)
	} else if n > 0 {
		q.Log.Warn("jobs left running by a stopped process will be retried", "jobs", n)
	}
	q.wake = make(chan struct{}, 1)
	q.running = map[int64]context.CancelCauseFunc{}
	jobCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	loopCtx, stopLoops := context.WithCancel(jobCtx)
	q.stopJobs, q.stopLoops = stopJobs, stopLoops
	workers := q.Workers
	if workers <= 0 {
		workers = 2
	}
	for range workers {
		q.wg.Go(func() { q.work(loopCtx, jobCtx) })
	}
	q.wg.Go(func() { q.watchCancels(jobCtx) })
	for _, p := range q.Registry.PeriodicJobs() {
		q.wg.Go(func() { q.schedule(loopCtx, p) })
	}
	return nil
}

// Stop implements Queue.
func (q *Local) Stop(ctx context.Context) error {
	if q.stopLoops == nil {
		return nil
	}
	q.stopLoops()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	go func() {
		// watchCancels runs until the jobs are done.
		for {
			q.mu.Lock()
			n := len(q.running)
			q.mu.Unlock()
			if n == 0 {
				break
			}
			select {
			case <-ctx.Done():
				q.stopJobs()
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
		q.stopJobs()
	}()
	<-done
	return nil
}

func (q *Local) poll() time.Duration {
	if q.Poll > 0 {
		return q.Poll
	}
	return time.Second
}

// schedule enqueues p at once and every period after.
func (q *Local) schedule(ctx context.Context, p Periodic) {
	t := time.NewTicker(p.Every)
	defer t.Stop()
	for {
		if _, _, err := q.Enqueue(ctx, p.Kind, p.Args, Opts{By: "schedule", UniquePeriod: p.Every}); err != nil && ctx.Err() == nil {
			q.Log.Error("periodic job not enqueued", "kind", p.Kind, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (q *Local) kinds() []string {
	var ks []string
	for _, k := range q.Registry.Kinds() {
		ks = append(ks, k.Name)
	}
	return ks
}

// work claims due jobs and runs them until ctx ends; the job in hand
// runs under jobCtx, which Stop cancels only when its grace ends.
func (q *Local) work(ctx, jobCtx context.Context) {
	kinds := q.kinds()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-t.C:
		}
		for ctx.Err() == nil {
			j, ok, err := q.Table.ClaimJob(jobCtx, kinds, q.name, q.now())
			if err != nil {
				if ctx.Err() == nil {
					q.Log.Error("jobs: claim", "err", err)
				}
				break
			}
			if !ok {
				break
			}
			q.run(jobCtx, j)
		}
		t.Reset(q.poll())
	}
}

// run runs one attempt of j and records its end.
func (q *Local) run(ctx context.Context, j Job) {
	k, _ := q.Registry.Lookup(j.Kind)
	jctx, cancel := context.WithCancelCause(ctx)
	q.mu.Lock()
	q.running[j.ID] = cancel
	q.mu.Unlock()
	start := time.Now()
	out, err := CallHandler(jctx, k.Handler, j)
	cause := context.Cause(jctx)
	cancel(nil)
	q.mu.Lock()
	delete(q.running, j.ID)
	q.mu.Unlock()

	now := q.now()
	f := Finish{At: now}
	switch {
	case errors.Is(cause, errCancelled):
		f.State = Cancelled
		f.Error = &AttemptError{Attempt: j.Attempt, At: now, Error: "cancelled"}
	case ctx.Err() != nil:
		// The process is stopping: the attempt does not count against
		// the job, which runs again at the next start.
		f.State = Retrying
		f.RunAt = now
		f.Error = &AttemptError{Attempt: j.Attempt, At: now, Error: "interrupted: the server stopped"}
	case err == nil:
		f.State = Completed
		if out != nil {
			b, merr := json.Marshal(out)
			if merr != nil {
				b, _ = json.Marshal(map[string]string{"error": "output: " + merr.Error()})
			}
			f.Output = b
		}
	default:
		f.Error = &AttemptError{Attempt: j.Attempt, At: now, Error: err.Error()}
		if j.Attempt >= j.MaxAttempts {
			f.State = Failed
		} else {
			f.State = Retrying
			backoff := q.Backoff
			if backoff == nil {
				backoff = Backoff
			}
			f.RunAt = now.Add(backoff(j.Attempt))
		}
	}
	// The job's own context may be gone; recording its end must not be.
	if err := q.Table.FinishJob(context.WithoutCancel(ctx), j.ID, f); err != nil {
		q.Log.Error("jobs: record the end of a job", "id", j.ID, "kind", j.Kind, "err", err)
	}
	q.Log.Info("job ended", "id", j.ID, "kind", j.Kind, "attempt", j.Attempt, "state", f.State, "took", time.Since(start).Round(time.Millisecond))
}

// CallHandler runs h, turning a panic into an error: a job parses what a
// remote server or an uploader sent, and one bad input must not take the
// process down.
func CallHandler(ctx context.Context, h Handler, j Job) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// watchCancels cancels running jobs that another process (vmc jobs
// cancel) asked to cancel through the table.
func (q *Local) watchCancels(ctx context.Context) {
	t := time.NewTicker(q.poll())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		q.mu.Lock()
		ids := make([]int64, 0, len(q.running))
		for id := range q.running {
			ids = append(ids, id)
		}
		q.mu.Unlock()
		if len(ids) == 0 {
			continue
		}
		cancel, err := q.Table.CancelRequested(ctx, ids)
		if err != nil {
			continue
		}
		q.mu.Lock()
		for _, id := range cancel {
			if c, ok := q.running[id]; ok {
				c(errCancelled)
			}
		}
		q.mu.Unlock()
	}
}
