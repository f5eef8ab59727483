package sqlstore_test

// Benchmarks of the write path on real data, skipped unless
// VMC_BENCH_INPUT names the inputs (comma-separated):
//
//	VMC_BENCH_INPUT=/work/shared/data/cnvd/cnvd.zip go test -run - -bench . -benchtime 1x -cpuprofile cpu.out ./internal/store/sqlstore/
//
// Both report CPU seconds beside wall time: on a shared machine they
// say more. For trying SQLite settings, VMC_BENCH_SQL lists statements
// (separated by ";") to run on the write connection first, and
// VMC_BENCH_CHECKPOINT=MS checkpoints the WAL from a second connection
// every MS milliseconds (with "PRAGMA wal_autocheckpoint=0" in
// VMC_BENCH_SQL, checkpoints leave the writer's path).

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// An import prepares each batch as it queues it (ingest.Preparer).
var _ ingest.Preparer = (*sqlstore.Store)(nil)

// collector is an ingest writer that keeps every record, so the benchmark
// below times writing alone, without parsing.
type collector struct{ recs []advisory.Record }

func (c *collector) PutRecords(_ context.Context, recs []advisory.Record) (store.BatchResult, error) {
	c.recs = append(c.recs, recs...)
	return store.BatchResult{New: len(recs)}, nil
}

func (c *collector) RetireMissing(context.Context, string, []string, time.Time) (int, error) {
	return 0, nil
}

// BenchmarkPutRecords writes the records of the inputs, parsed before
// the timer starts, into a fresh SQLite store in batches of 500, as the
// importer does.
func BenchmarkPutRecords(b *testing.B) {
	in := os.Getenv("VMC_BENCH_INPUT")
	if in == "" {
		b.Skip("VMC_BENCH_INPUT not set")
	}
	c := &collector{}
	im := &ingest.Importer{Store: c, Sources: ingest.Sources()}
	if _, err := im.Import(context.Background(), strings.Split(in, ",")...); err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		setup(b, s)
		b.StartTimer()
		cpu0 := cpuTime()
		for j := 0; j < len(c.recs); j += 500 {
			if _, err := s.PutRecords(context.Background(), c.recs[j:min(j+500, len(c.recs))]); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuTime() - cpu0
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(len(c.recs)), "records")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImport is `vmc import` of the inputs into a fresh SQLite
// store: parsing and writing, pipelined as the importer does.
func BenchmarkImport(b *testing.B) {
	in := os.Getenv("VMC_BENCH_INPUT")
	if in == "" {
		b.Skip("VMC_BENCH_INPUT not set")
	}
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		setup(b, s)
		stop := checkpointer(b, s)
		b.StartTimer()
		cpu0 := cpuTime()
		im := &ingest.Importer{Store: s, Sources: ingest.Sources()}
		if _, err := im.Import(context.Background(), strings.Split(in, ",")...); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - cpu0
		b.StopTimer()
		stop()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// checkpointer starts the checkpoints VMC_BENCH_CHECKPOINT asks for.
func checkpointer(b *testing.B, s *sqlstore.Store) (stop func()) {
	ms, _ := strconv.Atoi(os.Getenv("VMC_BENCH_CHECKPOINT"))
	if ms <= 0 {
		return func() {}
	}
	var path string
	if err := s.DB().QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	})
	return func() { close(done); wg.Wait(); db.Close() }
}

// setup runs the statements VMC_BENCH_SQL lists.
func setup(b *testing.B, s *sqlstore.Store) {
	for _, q := range strings.Split(os.Getenv("VMC_BENCH_SQL"), ";") {
		if strings.TrimSpace(q) != "" {
			if _, err := s.DB().Exec(q); err != nil {
				b.Fatal(err)
			}
		}
	}
}
