package jobs_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// BenchmarkLocal measures the in-process queue on SQLite: jobs enqueued
// and worked per second, against a baseline of bare inserts of the same
// size into the same database in the same run (job_files rows, one
// transaction each, as Enqueue is).
//
//	go test ./internal/jobs -run '^$' -bench Local -benchtime 2000x
func BenchmarkLocal(b *testing.B) {
	ctx := context.Background()
	open := func(b *testing.B) *sqlstore.Store {
		s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	b.Run("baseline=insert", func(b *testing.B) {
		s := open(b)
		b.ResetTimer()
		for range b.N {
			if _, err := s.PutJobFile(ctx, "x", []byte(`{"source":"nvd"}`)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
	b.Run("enqueue+work", func(b *testing.B) {
		s := open(b)
		var done atomic.Int64
		reg := &jobs.Registry{}
		reg.Handle(jobs.Kind{Name: "noop", Handler: func(context.Context, jobs.Job) (any, error) {
			done.Add(1)
			return nil, nil
		}})
		q := &jobs.Local{Table: s, Registry: reg, Poll: 10 * time.Millisecond}
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
