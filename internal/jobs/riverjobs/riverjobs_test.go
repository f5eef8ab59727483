package riverjobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/jobs/jobstest"
	"github.com/vmc-dev/vmc/internal/jobs/riverjobs"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// opener returns an Open that starts River queues on one fresh database,
// migrated by vmc's and River's migrations.
func opener(t *testing.T) jobstest.Open {
	dsn := pgtest.NewDatabase(t)
	return func(t *testing.T, reg *jobs.Registry) jobs.Queue {
		t.Helper()
		ctx := context.Background()
		s, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := riverjobs.Migrate(ctx, s.Pool); err != nil {
			t.Fatal(err)
		}
		q, err := riverjobs.New(riverjobs.Config{Pool: s.Pool, Registry: reg, Workers: 4, Poll: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			q.Stop(sctx)
			s.Close()
		})
		return q
	}
}

func TestRiver(t *testing.T) { jobstest.Run(t, opener(t)) }

// TestRiverPeriodicReplicas: three queues on one database, as three
// replicas, run a periodic job once per period, not three times.
func TestRiverPeriodicReplicas(t *testing.T) { jobstest.RunPeriodic(t, 3, opener(t)) }

// BenchmarkRiver measures River on the throwaway PostgreSQL: jobs
// enqueued and worked per second by one queue, against a baseline of
// bare inserts of the same size into the same database in the same run.
//
//	go test ./internal/jobs/riverjobs -run '^$' -bench River -benchtime 2000x
func BenchmarkRiver(b *testing.B) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(b)
	s, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := riverjobs.Migrate(ctx, s.Pool); err != nil {
		b.Fatal(err)
	}
	b.Run("baseline=insert", func(b *testing.B) {
		for range b.N {
			if _, err := s.PutJobFile(ctx, "x", []byte(`{"source":"nvd"}`)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
	b.Run("enqueue+work", func(b *testing.B) {
		var done atomic.Int64
		reg := &jobs.Registry{}
		reg.Handle(jobs.Kind{Name: "noop", Handler: func(context.Context, jobs.Job) (any, error) {
			done.Add(1)
			return nil, nil
		}})
		q, err := riverjobs.New(riverjobs.Config{Pool: s.Pool, Registry: reg, Workers: 4, Poll: 200 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			b.Fatal(err)
		}
		defer q.Stop(ctx)
		b.ResetTimer()
		for range b.N {
			if _, _, err := q.Enqueue(ctx, "noop", map[string]string{"source": "nvd"}, jobs.Opts{}); err != nil {
				b.Fatal(err)
			}
		}
		for done.Load() < int64(b.N) {
			time.Sleep(time.Millisecond)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
}
