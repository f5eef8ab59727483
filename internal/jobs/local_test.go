package jobs_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/jobs/jobstest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// openLocal starts the in-process queue on a fresh SQLite database.
func openLocal(t *testing.T, reg *jobs.Registry) jobs.Queue {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	q := &jobs.Local{Table: s, Registry: reg, Poll: 50 * time.Millisecond}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		q.Stop(ctx)
		s.Close()
	})
	return q
}

func TestLocal(t *testing.T) { jobstest.Run(t, openLocal) }

func TestLocalPeriodic(t *testing.T) { jobstest.RunPeriodic(t, 1, openLocal) }

// TestLocalRescue: a job the previous process left running (it died) is
// retried by the next one, and counts as its second attempt.
func TestLocalRescue(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	j, _, err := s.InsertJob(ctx, jobs.NewJob{Kind: "echo", Args: []byte(`{}`), MaxAttempts: 3, RunAt: now, Created: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.ClaimJob(ctx, []string{"echo"}, "dead/1", now); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	reg := &jobs.Registry{}
	reg.Handle(jobs.Kind{Name: "echo", Handler: func(context.Context, jobs.Job) (any, error) { return "done", nil }})
	q := &jobs.Local{Table: s, Registry: reg, Poll: 20 * time.Millisecond}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got, err := q.Job(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == jobs.Completed {
			if got.Attempt != 2 {
				t.Errorf("rescued job completed on attempt %d, want 2", got.Attempt)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("rescued job is %s", got.State)
		}
	}
}
