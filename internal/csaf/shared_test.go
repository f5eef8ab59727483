package csaf

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData returns the path of rel under the shared corpus, skipping the
// test when the corpus is absent; in CI it must be there.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedDataDir(), rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not found: %v", err)
	}
	return p
}

// sharedDataDir is ../shared/data beside the repository, or
// $VMC_SHARED_DATA.
func sharedDataDir() string {
	if d := os.Getenv("VMC_SHARED_DATA"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("..", "shared", "data")
		}
		dir = parent
	}
}

// tested reports the distinct test ids among a result's findings.
func tested(r Result) map[string]bool {
	m := map[string]bool{}
	for _, f := range r.Findings {
		m[f.Test] = true
	}
	return m
}
