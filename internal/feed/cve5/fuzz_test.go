package cve5

import (
	"path/filepath"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// FuzzParse feeds mutated records to Parse: it must not panic, and what it
// yields must survive a JSON round trip (feedtest.Fuzz checks both).
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*", "CVE-*.json"))
	if err != nil {
		f.Fatal(err)
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds in testdata")
	}
	f.Add("minimal.json", []byte(minimal))
	feedtest.Fuzz(f, Parse, seeds...)
}
