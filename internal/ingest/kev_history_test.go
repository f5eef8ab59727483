package ingest_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// TestKEVReimportHistory imports two releases of the KEV catalogue and
// checks that the second's additions, changes and removals show up as
// history. The newer release is the real catalogue 2025.08.25 without one
// entry; the older is derived from it as CISA's earlier releases differ:
// without the five newest entries, with one entry's notes as they were
// before an edit, and with the entry the newer release drops.
func TestKEVReimportHistory(t *testing.T) {
	raw, err := os.ReadFile(feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]any
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	entries := cat["vulnerabilities"].([]any)
	id := func(e any) string { return e.(map[string]any)["cveID"].(string) }
	// Entries are newest first.
	added := []string{id(entries[0]), id(entries[1]), id(entries[2]), id(entries[3]), id(entries[4])}
	const dropped, edited = "CVE-2021-44228", "CVE-2024-4577"

	write := func(name, version string, keep func(any) bool, edit func(map[string]any)) string {
		c := map[string]any{}
		for k, v := range cat {
			c[k] = v
		}
		c["catalogVersion"] = version
		var es []any
		for _, e := range entries {
			if !keep(e) {
				continue
			}
			m := map[string]any{}
			for k, v := range e.(map[string]any) {
				m[k] = v
			}
			if edit != nil {
				edit(m)
			}
			es = append(es, m)
		}
		c["vulnerabilities"], c["count"] = es, len(es)
		b, _ := json.Marshal(c)
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	older := write("kev-older.json", "2025.08.18",
		func(e any) bool { return !slices.Contains(added, id(e)) },
		func(m map[string]any) {
			if m["cveID"] == edited {
				m["notes"] = "https://www.php.net/ChangeLog-8.php"
			}
		})
	newer := write("kev-newer.json", "2025.08.25", func(e any) bool { return id(e) != dropped }, nil)

	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	im := &ingest.Importer{Store: s, Sources: ingest.Sources()}
	rep, err := im.Import(context.Background(), older)
	if err != nil || rep.New != 1399 || rep.Rejected != 0 {
		t.Fatalf("older catalogue: %+v, %v; want 1399 new", rep.BatchResult, err)
	}
	rep, err = im.Import(context.Background(), newer)
	if err != nil {
		t.Fatal(err)
	}
	// Every entry's catalogue version changed, so all 1,398 carried over
	// count as changed; the five newest are new; one is retired.
	want := store.BatchResult{New: 5, Changed: 1398, Retired: 1}
	if rep.BatchResult != want {
		t.Errorf("newer catalogue: %+v, want %+v", rep.BatchResult, want)
	}

	ctx := context.Background()
	v, err := s.Vuln(ctx, edited, store.VulnOptions{History: true})
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, h := range v.History {
		if h.Field == advisory.FieldKEV {
			var k advisory.KEV
			json.Unmarshal(h.Value, &k)
			notes = append(notes, k.Notes)
		}
	}
	if len(notes) != 1 || notes[0] != "https://www.php.net/ChangeLog-8.php" {
		t.Errorf("%s: KEV history notes %q, want the older notes", edited, notes)
	}
	v, err = s.Vuln(ctx, dropped, store.VulnOptions{History: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.Field(advisory.FieldKEV, ""); ok || v.Sources[0].Retired.IsZero() {
		t.Errorf("%s dropped from the catalogue is still current: %+v", dropped, v.Sources)
	}
	if len(v.History) == 0 {
		t.Errorf("%s: no history kept", dropped)
	}
	v, err = s.Vuln(ctx, added[0], store.VulnOptions{History: true})
	if err != nil || len(v.History) != 0 {
		t.Errorf("%s added in the newer catalogue: history %v, err %v", added[0], v.History, err)
	}

	// Importing either catalogue again is recognised without reading it.
	rep, err = im.Import(context.Background(), older, newer)
	if err != nil || rep.DocumentsUnchanged != 2 || rep.Read != 0 {
		t.Errorf("both again: %d unchanged documents, %d records read, %v; want 2 and 0", rep.DocumentsUnchanged, rep.Read, err)
	}
	// Read again by force, the older catalogue changes nothing: its
	// entries, the dropped one too, are stale, and it retires nothing.
	im.Force = true
	rep, err = im.Import(context.Background(), older)
	if err != nil || rep.Changed != 0 || rep.Retired != 0 || rep.Stale != 1399 {
		t.Errorf("older catalogue again: %+v, %v; want all 1399 stale, nothing changed or retired", rep.BatchResult, err)
	}
}
