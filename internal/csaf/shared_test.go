package csaf

import (
	"testing"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// sharedData returns the path of rel under the shared corpus (see
// feedtest.SharedData: skipped when absent, fatal in CI).
func sharedData(t testing.TB, rel string) string { return feedtest.SharedData(t, rel) }

// tested reports the distinct test ids among a result's findings.
func tested(r Result) map[string]bool {
	m := map[string]bool{}
	for _, f := range r.Findings {
		m[f.Test] = true
	}
	return m
}
