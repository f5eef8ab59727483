package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// testStamps reads many vulnerabilities at once: their stamps say what
// reading each whole says (when it changed, the TLP its sources give,
// the markings of the organisation's advisories about it), and Vulns
// returns what Vuln does.
func testStamps(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	amber := advisory.Record{Source: "osv", ID: "PYSEC-2021-19", Aliases: []string{"CVE-2021-21330"}, TLP: "AMBER",
		Modified: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC),
		Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: "aiohttp"}}}
	put(t, s, goRecord(), amber)
	c.tick()
	// A second source for the gin vulnerability changes it later.
	put(t, s, advisory.Record{Source: "nvd", ID: "CVE-2020-36567", Modified: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		Descriptions: []advisory.Text{{Lang: "en", Value: "gin before 1.6.0 logs unsanitised input."}}})

	// The organisation's advisory about the PyPI one, under embargo.
	in, err := s.PutIncident(ctx, incident.Incident{Title: "aiohttp", Category: incident.Exploitation, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Green, Embargo: &incident.Embargo{Until: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}, Detected: c.now()}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAdvisory(ctx, incident.Advisory{Incident: in.ID, CVE: "CVE-2021-21330", Content: shopContent()}, "alice"); err != nil {
		t.Fatal(err)
	}

	ids := []string{"CVE-2020-36567", "CVE-2021-21330", "CVE-1999-0001"}
	got, err := s.VulnStamps(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["CVE-1999-0001"]; ok || len(got) != 2 {
		t.Errorf("stamps of %v: %v", ids, got)
	}
	want := map[string]store.VulnStamp{}
	for _, id := range ids[:2] {
		v := vuln(t, s, id, false)
		st := store.VulnStamp{ID: v.ID}
		r, err := v.Record()
		if err != nil {
			t.Fatal(err)
		}
		st.Changed = r.Published
		for _, src := range v.Sources {
			for _, at := range []time.Time{src.Modified, src.Seen} {
				if at.After(st.Changed) {
					st.Changed = at
				}
			}
		}
		want[id] = st
	}
	gin, py := want["CVE-2020-36567"], want["CVE-2021-21330"]
	py.TLPs = []json.RawMessage{json.RawMessage(`"AMBER"`)}
	py.Advisories = []incident.Marking{{TLP: incident.Green, Embargo: &incident.Embargo{Until: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	want["CVE-2021-21330"] = py
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stamps -want +got:\n%s", diff)
	}
	if !gin.Changed.Equal(c.now()) {
		t.Errorf("gin changed %v, want the second import's time %v", gin.Changed, c.now())
	}

	vs, err := s.Vulns(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 {
		t.Errorf("Vulns(%v): %d", ids, len(vs))
	}
	for _, id := range ids[:2] {
		if diff := cmp.Diff(vuln(t, s, id, false), vs[id]); diff != "" {
			t.Errorf("Vulns[%s] -Vuln +Vulns:\n%s", id, diff)
		}
	}
	if got, err := s.VulnStamps(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v %v", got, err)
	}
}
