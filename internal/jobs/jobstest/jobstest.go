// Package jobstest is the suite every job queue engine passes, so that
// SQLite's in-process queue and River on PostgreSQL keep one semantics.
package jobstest

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/jobs"
)

// Open makes a started queue with reg's kinds on a fresh database; the
// suite stops it.
type Open func(t *testing.T, reg *jobs.Registry) jobs.Queue

// kit is the kinds the suite registers, with what their handlers saw.
type kit struct {
	failOnce sync.Map // args string → already failed
	blocked  chan struct{}
	ran      atomic.Int64
}

func (k *kit) registry() *jobs.Registry {
	reg := &jobs.Registry{}
	reg.Handle(jobs.Kind{Name: "echo", Handler: func(_ context.Context, j jobs.Job) (any, error) {
		k.ran.Add(1)
		return map[string]json.RawMessage{"echo": j.Args}, nil
	}})
	reg.Handle(jobs.Kind{Name: "flaky", Handler: func(_ context.Context, j jobs.Job) (any, error) {
		if _, failed := k.failOnce.LoadOrStore(string(j.Args), true); !failed {
			return nil, errors.New("feed unreachable")
		}
		return "ok", nil
	}})
	reg.Handle(jobs.Kind{Name: "broken", MaxAttempts: 1, Handler: func(context.Context, jobs.Job) (any, error) {
		panic("bad input")
	}})
	reg.Handle(jobs.Kind{Name: "block", Handler: func(ctx context.Context, _ jobs.Job) (any, error) {
		select {
		case k.blocked <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}})
	return reg
}

// wait polls job id until it is in state want.
func wait(t *testing.T, q jobs.Queue, id int64, want jobs.State) jobs.Job {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		j, err := q.Job(context.Background(), id)
		if err != nil {
			t.Fatalf("job %d: %v", id, err)
		}
		if j.State == want {
			return j
		}
		if j.State.Final() || time.Now().After(deadline) {
			t.Fatalf("job %d (%s) is %s after attempt %d, want %s; errors %v", id, j.Kind, j.State, j.Attempt, want, j.Errors)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Run runs the suite.
func Run(t *testing.T, open Open) {
	ctx := context.Background()
	k := &kit{blocked: make(chan struct{}, 1)}
	q := open(t, k.registry())

	t.Run("completes with output", func(t *testing.T) {
		j, dup, err := q.Enqueue(ctx, "echo", map[string]string{"source": "cve"}, jobs.Opts{By: "alice"})
		if err != nil || dup {
			t.Fatalf("Enqueue: %v, duplicate %v", err, dup)
		}
		j = wait(t, q, j.ID, jobs.Completed)
		if j.Attempt != 1 || j.By != "alice" || j.Finalized == nil || string(j.Output) != `{"echo":{"source":"cve"}}` {
			t.Errorf("job = attempt %d, by %q, finalized %v, output %s", j.Attempt, j.By, j.Finalized, j.Output)
		}
	})
	t.Run("retries after a failure", func(t *testing.T) {
		j, _, err := q.Enqueue(ctx, "flaky", map[string]int{"n": 1}, jobs.Opts{})
		if err != nil {
			t.Fatal(err)
		}
		j = wait(t, q, j.ID, jobs.Completed)
		if j.Attempt != 2 || len(j.Errors) != 1 || j.Errors[0].Error != "feed unreachable" || j.Errors[0].Attempt != 1 {
			t.Errorf("job = attempt %d, errors %+v; want attempt 2 after one error", j.Attempt, j.Errors)
		}
	})
	t.Run("fails after its last attempt", func(t *testing.T) {
		j, _, err := q.Enqueue(ctx, "broken", nil, jobs.Opts{})
		if err != nil {
			t.Fatal(err)
		}
		j = wait(t, q, j.ID, jobs.Failed)
		if j.Attempt != 1 || len(j.Errors) != 1 {
			t.Errorf("job = attempt %d, errors %+v", j.Attempt, j.Errors)
		}
	})
	t.Run("unique while pending, cancellable while running", func(t *testing.T) {
		a, dup, err := q.Enqueue(ctx, "block", map[string]string{"source": "nvd"}, jobs.Opts{Unique: true})
		if err != nil || dup {
			t.Fatalf("Enqueue: %v, duplicate %v", err, dup)
		}
		<-k.blocked
		b, dup, err := q.Enqueue(ctx, "block", map[string]string{"source": "nvd"}, jobs.Opts{Unique: true})
		if err != nil || !dup || b.ID != a.ID {
			t.Fatalf("second Enqueue = job %d, duplicate %v, %v; want job %d, a duplicate", b.ID, dup, err, a.ID)
		}
		other, dup, err := q.Enqueue(ctx, "echo", map[string]string{"source": "nvd"}, jobs.Opts{Unique: true})
		if err != nil || dup {
			t.Fatalf("another kind with the same arguments: %v, duplicate %v", err, dup)
		}
		wait(t, q, other.ID, jobs.Completed)
		wait(t, q, a.ID, jobs.Running)
		if _, err := q.Cancel(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		wait(t, q, a.ID, jobs.Cancelled)
		if _, err := q.Cancel(ctx, a.ID); !errors.Is(err, jobs.ErrFinal) {
			t.Errorf("cancel a cancelled job: %v, want ErrFinal", err)
		}
		c, dup, err := q.Enqueue(ctx, "block", map[string]string{"source": "nvd"}, jobs.Opts{Unique: true})
		if err != nil || dup || c.ID == a.ID {
			t.Fatalf("Enqueue after the first was cancelled = job %d, duplicate %v, %v", c.ID, dup, err)
		}
		<-k.blocked
		if _, err := q.Cancel(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		wait(t, q, c.ID, jobs.Cancelled)
	})
	t.Run("cancel a waiting job", func(t *testing.T) {
		j, _, err := q.Enqueue(ctx, "echo", "later", jobs.Opts{RunAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if j.State != jobs.Queued {
			t.Errorf("delayed job is %s, want queued", j.State)
		}
		j, err = q.Cancel(ctx, j.ID)
		if err != nil || j.State != jobs.Cancelled {
			t.Errorf("Cancel = %s, %v", j.State, err)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		if _, err := q.Job(ctx, 1<<40); !errors.Is(err, jobs.ErrNotFound) {
			t.Errorf("Job(no such id) = %v, want ErrNotFound", err)
		}
		if _, err := q.Cancel(ctx, 1<<40); !errors.Is(err, jobs.ErrNotFound) {
			t.Errorf("Cancel(no such id) = %v, want ErrNotFound", err)
		}
		if _, _, err := q.Enqueue(ctx, "nobody-handles-this", nil, jobs.Opts{}); !errors.Is(err, jobs.ErrInvalid) {
			t.Errorf("Enqueue(unknown kind) = %v, want ErrInvalid", err)
		}
		if _, err := q.List(ctx, jobs.Filter{States: []jobs.State{"lost"}}); !errors.Is(err, jobs.ErrInvalid) {
			t.Errorf("List(state lost) = %v, want ErrInvalid", err)
		}
	})
	t.Run("list and depth", func(t *testing.T) {
		js, err := q.List(ctx, jobs.Filter{States: []jobs.State{jobs.Cancelled}})
		if err != nil {
			t.Fatal(err)
		}
		if len(js) != 3 {
			t.Errorf("cancelled jobs = %d, want 3", len(js))
		}
		for i := 1; i < len(js); i++ {
			if js[i].ID > js[i-1].ID {
				t.Errorf("list not newest first: %d after %d", js[i].ID, js[i-1].ID)
			}
		}
		js, err = q.List(ctx, jobs.Filter{Kind: "echo", Limit: 1})
		if err != nil || len(js) != 1 || js[0].Kind != "echo" {
			t.Errorf("List(kind echo, limit 1) = %v, %v", js, err)
		}
		d, err := q.Depth(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[jobs.State]int{jobs.Completed: 3, jobs.Failed: 1, jobs.Cancelled: 3}
		for s, n := range want {
			if d[s] != n {
				t.Errorf("depth[%s] = %d, want %d (all: %v)", s, d[s], n, d)
			}
		}
	})
}

// RunPeriodic checks that a periodic job runs once per period however
// many queues share the database: open is called replicas times on one
// database.
func RunPeriodic(t *testing.T, replicas int, open Open) {
	var (
		mu   sync.Mutex
		runs []time.Time
	)
	const every = 2 * time.Second
	time.Sleep(time.Until(time.Now().Truncate(every).Add(every))) // start at a period's beginning
	for range replicas {
		reg := &jobs.Registry{}
		reg.Handle(jobs.Kind{Name: "tick", Handler: func(context.Context, jobs.Job) (any, error) {
			mu.Lock()
			runs = append(runs, time.Now())
			mu.Unlock()
			return nil, nil
		}})
		if err := reg.Every(jobs.Periodic{Kind: "tick", Args: map[string]string{"name": "sweep"}, Every: every}); err != nil {
			t.Fatal(err)
		}
		open(t, reg)
	}
	time.Sleep(5*every + every/2)
	mu.Lock()
	defer mu.Unlock()
	// Each replica would run it at start and every period: replicas × 6.
	// Once per period is at most 6 (a start and five periods), and the
	// unique period refuses two in one window.
	if len(runs) < 2 || len(runs) > 7 {
		t.Errorf("%d replicas ran the periodic job %d times in %s, want 2 to 7 (each on its own would make it %d)", replicas, len(runs), 5*every+every/2, 6*replicas)
	}
}
