package riverjobs_test

import (
	"context"
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
