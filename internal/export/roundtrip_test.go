package export_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/ingest"
)

// leaves flattens a JSON document into its leaf values by path, array
// indexes left out ("affected[].ranges[].events[].fixed"), so that two
// documents compare path by path whatever their order.
func leaves(prefix string, v any, out map[string][]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			leaves(p, c, out)
		}
	case []any:
		for _, c := range x {
			leaves(prefix+"[]", c, out)
		}
	default:
		b, _ := json.Marshal(x)
		out[prefix] = append(out[prefix], string(b))
	}
}

// fate is what became of a field of the original in the round trip.
type fate struct {
	kept, changed, lost int
	// example is the first change seen: the values before and after.
	example string
}

// roundTrip imports each document alone into a fresh store, exports the
// vulnerability in format, and compares the two field by field: kept
// (the same values), changed (the field is there with other values),
// lost (the field is gone). top selects the part of the original to
// compare (a CVE record's CNA container), id the record's id.
func roundTrip(t *testing.T, format string, docs map[string][]byte, top func(map[string]any) (map[string]any, string)) map[string]*fate {
	fates := map[string]*fate{}
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for name, b := range docs {
		var orig map[string]any
		if err := json.Unmarshal(b, &orig); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		part, id := top(orig)
		s := openStore(t)
		if err := s.PutAdvisorySettings(context.Background(), incident.AdvisorySettings{Prefix: "VMC-SA", Publisher: testPublisher}, "admin"); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "doc.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).Import(context.Background(), filepath.Join(dir, "doc.json")); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res, err := export.Vuln(context.Background(), s, export.Request{ID: id, Format: format, Actor: "test", Now: now})
		if err != nil {
			t.Logf("%s: not written as %s: %v", name, format, err)
			continue
		}
		var back map[string]any
		if err := json.Unmarshal(res.Body, &back); err != nil {
			t.Fatal(err)
		}
		a, b2 := map[string][]string{}, map[string][]string{}
		leaves("", part, a)
		leaves("", back, b2)
		for p, vs := range a {
			f := fates[p]
			if f == nil {
				f = &fate{}
				fates[p] = f
			}
			ws, ok := b2[p]
			slices.Sort(vs)
			slices.Sort(ws)
			switch {
			case !ok:
				f.lost++
			case slices.Equal(vs, ws):
				f.kept++
			default:
				f.changed++
				if f.example == "" {
					f.example = fmt.Sprintf("%.120s → %.120s", strings.Join(vs, " "), strings.Join(ws, " "))
				}
			}
		}
	}
	return fates
}

// verdict names a field's usual fate: kept, changed or lost, by majority.
func (f fate) verdict() string {
	switch {
	case f.kept >= f.changed && f.kept >= f.lost:
		return "kept"
	case f.changed >= f.lost:
		return "changed"
	}
	return "lost"
}

// checkFates compares the fates with the table of what is expected, and
// writes the observed table to the test log.
func checkFates(t *testing.T, fates map[string]*fate, want map[string]string) {
	paths := make([]string, 0, len(fates))
	for p := range fates {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		f := fates[p]
		fmt.Fprintf(&b, "%-60s kept %4d  changed %4d  lost %4d  -> %s %s\n", p, f.kept, f.changed, f.lost, f.verdict(), f.example)
		w, ok := rule(want, p)
		if !ok {
			t.Errorf("%s: a field the table does not name (%s): add it with why", p, f.verdict())
			continue
		}
		if got, _, _ := strings.Cut(w, ":"); got != f.verdict() {
			t.Errorf("%s: %s, the table says %q", p, f.verdict(), w)
		}
	}
	t.Logf("field by field:\n%s", b.String())
}

// rule finds the entry of want for path p: p itself, else the longest
// entry ending in "." or "[]" that p starts with (a whole subtree).
func rule(want map[string]string, p string) (string, bool) {
	if w, ok := want[p]; ok {
		return w, true
	}
	best := ""
	for k := range want {
		if (strings.HasSuffix(k, ".") || strings.HasSuffix(k, "[]")) && strings.HasPrefix(p, k) && len(k) > len(best) {
			best = k
		}
	}
	return want[best], best != ""
}

// zipDocs reads the first n JSON documents of a zip of the shared corpus.
func zipDocs(t *testing.T, rel string, n int) map[string][]byte {
	return zipEntries(t, rel, func(string) bool { return true }, n)
}

// zipEntries reads up to n JSON entries of a zip of the shared corpus
// whose names pick accepts, in archive order, by entry name.
func zipEntries(t *testing.T, rel string, pick func(string) bool, n int) map[string][]byte {
	zr, err := zip.OpenReader(feedtest.SharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		if len(out) == n {
			break
		}
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") || !pick(f.Name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %s: %v", rel, f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}
