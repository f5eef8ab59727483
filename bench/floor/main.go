// Command floor is the baseline of the import benchmark: it reads the same
// inputs as `vmc import` and decodes every record with vmc's own parsers
// into Go structs, but stores nothing. An import cannot be faster than
// this; bench/import.sh reports import time as a multiple of it.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

// discard is a store that counts and drops.
type discard struct{ n int }

func (d *discard) PutRecords(_ context.Context, recs []advisory.Record) (store.BatchResult, error) {
	d.n += len(recs)
	return store.BatchResult{New: len(recs)}, nil
}

func (d *discard) RetireMissing(context.Context, string, []string, time.Time) (int, error) {
	return 0, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: floor PATH...")
		os.Exit(2)
	}
	d := &discard{}
	im := &ingest.Importer{Store: d, Sources: ingest.Sources()}
	rep, err := im.Import(context.Background(), os.Args[1:]...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("decoded %d records from %d documents in %s (%d rejected)\n", d.n, rep.Documents, rep.Duration.Round(time.Millisecond), rep.Rejected)
}
