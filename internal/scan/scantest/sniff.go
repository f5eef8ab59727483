package scantest

import (
	"os"
	"path/filepath"
	"testing"
)

// Head is a head written for a test and whether Sniff must claim it.
type Head struct {
	Name, Head string
	Want       bool
}

// Sniffs checks a format's sniffer against the shared data and heads
// written for the test: every file in dir of the shared data (see Shared)
// must be claimed, every one of foreign (paths in the shared data)
// refused, and each head judged as it wants. Files are given as their
// first 8 KiB, as sniffers are.
func Sniffs(t *testing.T, sniff func([]byte) bool, dir string, foreign []string, heads []Head) {
	t.Helper()
	own, _ := filepath.Glob(filepath.Join(Shared(t, dir), "*"))
	for _, f := range own {
		if !sniff(ReadHead(t, f)) {
			t.Errorf("Sniff(%s) = false, want true", filepath.Base(f))
		}
	}
	for _, f := range foreign {
		if sniff(ReadHead(t, Shared(t, f))) {
			t.Errorf("Sniff(%s) = true, want false", f)
		}
	}
	for _, h := range heads {
		if got := sniff([]byte(h.Head)); got != h.Want {
			t.Errorf("%s: Sniff = %v, want %v", h.Name, got, h.Want)
		}
	}
}

// ReadHead returns the first 8 KiB of a file, what a sniffer is given.
func ReadHead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	return b
}
