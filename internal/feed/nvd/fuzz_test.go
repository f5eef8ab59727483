package nvd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

func seeds(f *testing.F) []string {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	return files
}

// FuzzParse: go test -run '^$' -fuzz FuzzParse -fuzztime 15s ./internal/feed/nvd/
func FuzzParse(f *testing.F) {
	feedtest.Fuzz(f, nvd.Parse, seeds(f)...)
}

// FuzzSplitAPI checks that SplitAPI never panics, reports only format
// errors for bytes in memory, and yields only safe ids with valid JSON.
func FuzzSplitAPI(f *testing.F) {
	for _, s := range seeds(f) {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := nvd.SplitAPI(bytes.NewReader(data), func(id string, raw json.RawMessage) error {
			if !advisory.ValidID(id) {
				t.Errorf("yielded id %q", id)
			}
			if !json.Valid(raw) {
				t.Errorf("%s: yielded invalid JSON", id)
			}
			return nil
		})
		if err != nil && !errors.Is(err, feed.ErrFormat) {
			t.Errorf("error does not wrap feed.ErrFormat: %v", err)
		}
		if p.Count < 0 {
			t.Errorf("Count = %d", p.Count)
		}
	})
}
