package risk

import (
	"bufio"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
)

// FuzzParseCVSS checks that ParseCVSS never panics, that what it rejects
// is a *CVSSError, and that what it accepts keeps CVSS's laws: every score
// within 0 to 10 with one decimal, Score the most specific score, the
// severity the rating of Score; the vector re-encoded in the
// specification's order scores the same; and scoring in any asset context
// keeps the same laws. The corpus is seeded from testdata/cvss and a
// sample of Red Hat's vectors.
func FuzzParseCVSS(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	ctxs := []AssetContext{
		{Criticality: asset.CritCritical, Exposure: asset.ExpInternet},
		{Criticality: asset.CritMedium, Exposure: asset.ExpInternal},
		{Criticality: asset.CritLow, Exposure: asset.ExpIsolated},
	}
	f.Fuzz(func(t *testing.T, vector string) {
		c, err := ParseCVSS(vector)
		if err != nil {
			var ce *CVSSError
			if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidCVSS) {
				t.Fatalf("ParseCVSS(%q): error %v is not a *CVSSError", vector, err)
			}
			if !strings.HasPrefix(err.Error(), `cvss "`) {
				t.Fatalf("ParseCVSS(%q): message %q", vector, err)
			}
			return
		}
		checkCVSS(t, vector, c)

		sp := specOf(c.Version)
		again, err := ParseCVSS(vectorString(sp, c.Metrics))
		if err != nil {
			t.Fatalf("ParseCVSS(%q) re-encoded as %q: %v", vector, vectorString(sp, c.Metrics), err)
		}
		if again.Base != c.Base || again.Score != c.Score || again.Severity != c.Severity {
			t.Fatalf("ParseCVSS(%q) = %+v, but re-encoded %+v", vector, c, again)
		}

		for _, ctx := range ctxs {
			e, err := Environmental(vector, ctx)
			if err != nil {
				t.Fatalf("Environmental(%q, %+v): %v", vector, ctx, err)
			}
			checkCVSS(t, vector, e)
			if e.Base != c.Base {
				t.Fatalf("Environmental(%q, %+v) changed the base score: %.1f, was %.1f", vector, ctx, e.Base, c.Base)
			}
		}
	})
}

func checkCVSS(t *testing.T, vector string, c CVSS) {
	t.Helper()
	if !c.Version.IsValid() || len(c.Metrics) == 0 {
		t.Fatalf("ParseCVSS(%q) = %+v", vector, c)
	}
	score := func(name string, f float64) {
		if f < 0 || f > 10 || math.IsNaN(f) {
			t.Fatalf("ParseCVSS(%q): %s score %v out of 0..10", vector, name, f)
		}
		if d := f*10 - math.Round(f*10); math.Abs(d) > 1e-9 {
			t.Fatalf("ParseCVSS(%q): %s score %v has more than one decimal", vector, name, f)
		}
	}
	score("base", c.Base)
	score("overall", c.Score)
	want := c.Base
	if c.Temporal != nil {
		score("temporal", *c.Temporal)
		want = *c.Temporal
	}
	if c.Environmental != nil {
		score("environmental", *c.Environmental)
		want = *c.Environmental
	}
	if c.Score != want {
		t.Fatalf("ParseCVSS(%q): Score %.1f is not the most specific score %.1f", vector, c.Score, want)
	}
	if !c.Severity.IsValid() || c.Severity != c.Version.Severity(c.Score) {
		t.Fatalf("ParseCVSS(%q): severity %q for score %.1f", vector, c.Severity, c.Score)
	}
}

// fuzzSeeds reads testdata/cvss/*.txt and every 40th Red Hat vector.
func fuzzSeeds(f *testing.F) []string {
	var seeds []string
	read := func(path string, every int, cut bool) {
		file, err := os.Open(path)
		if err != nil {
			return
		}
		defer file.Close()
		sc := bufio.NewScanner(file)
		for n := 0; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") || n%every != 0 {
				continue
			}
			if cut {
				line, _, _ = strings.Cut(line, " - ")
			}
			seeds = append(seeds, line)
		}
	}
	local, _ := filepath.Glob(filepath.Join("testdata", "cvss", "*.txt"))
	for _, p := range local {
		read(p, 1, false)
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds in testdata/cvss")
	}
	redhat, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "cvss", "redhat-vectors", "vectors_*"))
	for _, p := range redhat {
		read(p, 40, true)
	}
	return seeds
}
