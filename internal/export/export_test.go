package export_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// withAdvisory is a store in which the organisation has an advisory,
// with its marking, about the vulnerability known as cve.
type withAdvisory struct {
	store.Store
	cve     string
	marking incident.Marking
}

func (s withAdvisory) Advisory(ctx context.Context, id string) (incident.Advisory, error) {
	if strings.EqualFold(id, s.cve) {
		return incident.Advisory{ID: "ACME-SA-2026-0001", CVE: s.cve, Marking: s.marking}, nil
	}
	return s.Store.Advisory(ctx, id)
}

// goRecord is GO-2020-0001 (gin, CVE-2020-36567) from the shared corpus,
// distributed under tlp by its source when tlp is set.
func goRecord(t *testing.T, tlp string) advisory.Record {
	recs, errs := feedtest.ParseFile(t, osv.Parse, feedtest.SharedData(t, "osv/schema/linter-testdata/GO-2020-0001.json"))
	if len(errs) > 0 || len(recs) != 1 {
		t.Fatalf("%v %v", recs, errs)
	}
	recs[0].TLP = tlp
	return recs[0]
}

// TestDisclosureControls: what a source or the organisation marks beyond
// the public, or holds under embargo, leaves only for those the marking
// allows; every export is audited.
func TestDisclosureControls(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	amber := openStore(t)
	if _, err := amber.PutRecords(ctx, []advisory.Record{goRecord(t, "AMBER")}); err != nil {
		t.Fatal(err)
	}
	plain := openStore(t)
	if _, err := plain.PutRecords(ctx, []advisory.Record{goRecord(t, "")}); err != nil {
		t.Fatal(err)
	}
	embargoed := withAdvisory{Store: plain, cve: "CVE-2020-36567",
		marking: incident.Marking{TLP: incident.Clear, Embargo: &incident.Embargo{Until: now.Add(24 * time.Hour), Recipients: []string{"bob@vendor.example"}}}}
	redAdvisory := withAdvisory{Store: plain, cve: "CVE-2020-36567", marking: incident.Marking{TLP: incident.Red}}
	for _, tc := range []struct {
		name      string
		s         export.Store
		to        string
		clearance incident.TLP
		at        time.Time
		withheld  string
		tlp       string
	}{
		{"public, unmarked", plain, "", "", now, "", "CLEAR"},
		{"public, source says AMBER", amber, "", "", now, "TLP:AMBER is beyond", ""},
		{"AMBER to someone cleared for AMBER", amber, "alice", incident.Amber, now, "", "AMBER"},
		{"AMBER to someone cleared for GREEN", amber, "alice", incident.Green, now, "TLP:AMBER is beyond", ""},
		{"public, under embargo", embargoed, "", "", now, "under embargo", ""},
		{"embargo, a named recipient", embargoed, "bob@vendor.example", incident.Red, now, "", "CLEAR"},
		{"embargo, someone else", embargoed, "carol", incident.Red, now, "under embargo", ""},
		{"public, after the embargo", embargoed, "", "", now.Add(25 * time.Hour), "", "CLEAR"},
		{"public, the organisation's advisory is RED", redAdvisory, "", "", now, "TLP:RED is beyond", ""},
	} {
		for _, format := range []string{"osv", "stix"} {
			res, err := export.Vuln(ctx, tc.s, export.Request{ID: "GHSA-6vm3-jj99-7229", Format: format, To: tc.to, Clearance: tc.clearance, Actor: "test", Now: tc.at})
			switch {
			case tc.withheld != "":
				if !errors.Is(err, incident.ErrWithheld) || !strings.Contains(err.Error(), tc.withheld) {
					t.Errorf("%s, %s: %v, want withheld (%s)", tc.name, format, err, tc.withheld)
				}
			case err != nil:
				t.Errorf("%s, %s: %v", tc.name, format, err)
			case res.Document.TLP != tc.tlp || len(res.Body) == 0:
				t.Errorf("%s, %s: TLP %s, want %s", tc.name, format, res.Document.TLP, tc.tlp)
			}
		}
	}
	v, err := plain.Vuln(ctx, "GO-2020-0001", store.VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	es, err := plain.AuditOf(ctx, "vuln:"+v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 6 || es[0].Action != "vuln.export" || !strings.Contains(es[0].Reason, "osv, TLP:CLEAR, for the public") {
		t.Errorf("audit: %d entries, first %+v", len(es), es)
	}
	if _, err := export.Vuln(ctx, plain, export.Request{ID: "GO-2020-0001", Format: "cvrf", Now: now}); !errors.Is(err, export.ErrUnknownFormat) {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := export.Vuln(ctx, plain, export.Request{ID: "GO-1999-0001", Format: "osv", Now: now}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown vulnerability: %v", err)
	}
}
