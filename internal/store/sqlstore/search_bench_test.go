package sqlstore_test

// A benchmark of text search (ListVulns with q) on a real corpus, skipped
// unless VMC_BENCH_SEARCH_DB names the database (a SQLite file, or a
// postgres:// URL) and VMC_BENCH_SEARCH_WORDS a file of search words, one
// a line; bench/load.sh's req/search.txt (URLs ending in q=WORD) is one:
//
//	VMC_BENCH_SEARCH_DB=/tmp/vmc-load/sqlite/vmc.db \
//	VMC_BENCH_SEARCH_WORDS=/tmp/vmc-load/req/search.txt \
//	go test -run - -bench Search -benchtime 3x -v ./internal/store/sqlstore/
//
// One op is every word searched once, one after another, after one
// untimed pass. It reports the
// CPU milliseconds a search costs in this process (the figure that
// decides latency with more requests than cores on SQLite; wall time on a
// shared machine says little): on average, at the 90th percentile and at
// most over the words (each word's most over the ops), and with -v the
// costliest words. On PostgreSQL the work is the server's: the wall
// times (p90-ms, max-ms) say more. A word's
// CPU is the process's around it, so the figures include what the
// runtime did meanwhile (garbage collection, for one).
// Neither database is migrated: the corpus must be up to date.

import (
	"bufio"
	"context"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

func BenchmarkSearch(b *testing.B) {
	db, wordsFile := os.Getenv("VMC_BENCH_SEARCH_DB"), os.Getenv("VMC_BENCH_SEARCH_WORDS")
	if db == "" || wordsFile == "" {
		b.Skip("VMC_BENCH_SEARCH_DB or VMC_BENCH_SEARCH_WORDS not set")
	}
	words := searchWords(b, wordsFile)
	ctx := context.Background()
	var s store.Advisories
	if strings.HasPrefix(db, "postgres") {
		pg, err := postgres.Open(ctx, db, postgres.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer pg.Close()
		s = pg
	} else {
		lite, err := sqlite.Open(ctx, db, sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer lite.Close()
		s = lite
	}
	type took struct {
		word string
		d    time.Duration
	}
	// One pass first, untimed: the store's trigram counts (search.go)
	// start empty and a running server has them.
	for _, w := range words {
		if _, err := s.ListVulns(ctx, store.VulnQuery{Text: w}); err != nil {
			b.Fatalf("%q: %v", w, err)
		}
	}
	slowest := make(map[string]time.Duration, len(words))
	slowestWall := make(map[string]time.Duration, len(words))
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cpu0 := cpuTime()
		for _, w := range words {
			c0, t0 := cpuTime(), time.Now()
			if _, err := s.ListVulns(ctx, store.VulnQuery{Text: w}); err != nil {
				b.Fatalf("%q: %v", w, err)
			}
			slowest[w] = max(slowest[w], cpuTime()-c0)
			slowestWall[w] = max(slowestWall[w], time.Since(t0))
		}
		cpu += cpuTime() - cpu0
	}
	b.StopTimer()
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N*len(words)), "cpu-ms/search")
	for _, m := range []struct {
		unit string
		of   map[string]time.Duration
	}{{"cpu-ms", slowest}, {"ms", slowestWall}} {
		all := make([]took, 0, len(m.of))
		for w, d := range m.of {
			all = append(all, took{w, d})
		}
		slices.SortFunc(all, func(x, y took) int { return int(y.d - x.d) })
		b.ReportMetric(float64(all[0].d.Microseconds())/1000, "max-"+m.unit)
		b.ReportMetric(float64(all[len(all)/10].d.Microseconds())/1000, "p90-"+m.unit)
		for _, t := range all[:min(5, len(all))] {
			b.Logf("%8.1f %s  %s", float64(t.d.Microseconds())/1000, m.unit, t.word)
		}
	}
}

// searchWords reads one search word a line: the word itself, or a URL
// whose q parameter holds it.
func searchWords(b *testing.B, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if _, query, ok := strings.Cut(line, "?"); ok {
			v, err := url.ParseQuery(query)
			if err != nil {
				b.Fatalf("%s: %q: %v", path, line, err)
			}
			line = v.Get("q")
		}
		if line != "" {
			words = append(words, line)
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return words
}
