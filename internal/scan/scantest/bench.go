package scantest

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Benchmark parses data, reporting bytes and results per second. Each
// report must pass check, when it is not nil.
func Benchmark(b *testing.B, parse ParseFunc, data []byte, check func(*scan.Report) error) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	results := 0
	for b.Loop() {
		rep, err := parse(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if check != nil {
			if err := check(rep); err != nil {
				b.Fatal(err)
			}
		}
		results = len(rep.Results)
	}
	b.ReportMetric(float64(results*b.N)/b.Elapsed().Seconds(), "results/s")
}

// BenchmarkSample is Benchmark over the shared sample rel (see Shared).
func BenchmarkSample(b *testing.B, parse ParseFunc, rel string) {
	b.Helper()
	data, err := os.ReadFile(Shared(b, rel))
	if err != nil {
		b.Fatal(err)
	}
	Benchmark(b, parse, data, nil)
}

// ResultCount is a Benchmark check that the report has n results.
func ResultCount(n int) func(*scan.Report) error {
	return func(rep *scan.Report) error {
		if len(rep.Results) != n {
			return fmt.Errorf("%d results, want %d", len(rep.Results), n)
		}
		return nil
	}
}
