package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

// planVuln is one vulnerability of testFindingPlans and the list keys
// its findings take from it.
type planVuln struct {
	id       string
	rating   string
	score    float64
	kev      bool
	epss     float64
	priority risk.Priority
}

// planVulns repeat scores, EPSS and priorities so that the sorts meet
// ties, which the finding's id breaks.
var planVulns = []planVuln{
	{"CVE-2031-1000", "CRITICAL", 9.8, true, 0.9, risk.PriorityCritical},
	{"CVE-2031-1001", "HIGH", 7.5, false, 0.2, risk.PriorityHigh},
	{"CVE-2031-1002", "HIGH", 7.5, true, 0.2, risk.PriorityHigh},
	{"CVE-2031-1003", "MEDIUM", 5.3, false, 0, risk.PriorityMedium},
	{"CVE-2031-1004", "LOW", 3.1, false, 0.05, risk.PriorityLow},
	{"CVE-2031-1005", "", 0, false, 0, risk.PriorityLow},
	{"CVE-2031-1006", "MEDIUM", 5.3, false, 0.2, risk.PriorityMedium},
	{"CVE-2031-1007", "CRITICAL", 9.1, false, 0, risk.PriorityHigh},
}

// planRow is what the brute force filters and sorts a finding by.
type planRow struct {
	f    finding.Finding
	v    planVuln
	team string
}

// testFindingPlans: a finding page is found either by sorting every
// finding that passes its filter or by walking an index in the sort's
// order until the page is full (sqlstore's pageFindingPlan picks by a
// count). Both must give, for every filter, sort and page, exactly the
// findings a brute-force filter and sort of all of them gives.
func testFindingPlans(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	plans, ok := s.(interface{ SetFindingFew(int) })
	if !ok {
		t.Fatalf("%T cannot set its finding plan bound", s)
	}
	var recs []advisory.Record
	vulns := map[string]planVuln{}
	for i, v := range planVulns {
		r := advisory.Record{Source: "cve5", ID: v.id, State: advisory.StatePublished, Published: time.Date(2031, 1, 1+i, 0, 0, 0, 0, time.UTC),
			Descriptions: []advisory.Text{{Lang: "en", Value: fmt.Sprintf("Plan flaw number %d in gin.", i)}}}
		if v.rating != "" {
			r.Severities = []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", Score: v.score, Rating: v.rating, Provider: "test"}}
		}
		recs = append(recs, r)
		if v.kev {
			recs = append(recs, advisory.Record{Source: "kev", ID: v.id, KEV: &advisory.KEV{DateAdded: "2031-02-01"}})
		}
		if v.epss > 0 {
			recs = append(recs, advisory.Record{Source: "epss", ID: v.id, EPSS: &advisory.EPSS{Score: v.epss, Date: "2031-02-01"}})
		}
		vulns[v.id] = v
	}
	put(t, s, recs...)
	assess := func(vuln string, _ []risk.SSVCOverride) (risk.Assessment, error) {
		return risk.Assessment{Priority: vulns[vuln].priority}, nil
	}
	// Low and unrated findings get no due date, which sorts last.
	policy := &finding.Policy{Days: map[risk.Priority]int{risk.PriorityCritical: 3, risk.PriorityHigh: 7, risk.PriorityMedium: 30}}
	teams, matched := map[string]string{}, map[string]bool{}
	scan := func(i int) {
		name := fmt.Sprintf("plan-%02d", i)
		a, err := s.PutAsset(ctx, asset.Asset{Name: name, Kind: asset.KindApplication, Team: teams[name]})
		if err != nil {
			t.Fatal(err)
		}
		var ms []match.Match
		for j, v := range planVulns {
			if (i+j)%3 != 0 {
				ms = append(ms, ginMatch("1.5.0", v.id))
				matched[name+" "+v.id] = true
			}
		}
		reconcile(t, s, a, finding.Scan{At: c.now(), Source: "inventory go.mod", Assess: assess, Policy: policy}, ms...)
	}
	for i := range 12 {
		teams[fmt.Sprintf("plan-%02d", i)] = []string{"red", "blue", "green"}[i%3]
		// Two assets at a time: their findings share first_seen.
		if i%2 == 0 {
			c.tick()
		}
		scan(i)
	}
	// A later scan of some assets moves their last_seen only.
	c.tick()
	for i := 0; i < 12; i += 4 {
		scan(i)
	}
	// Every seventh finding leaves the open states.
	all, err := s.ListFindings(ctx, store.FindingQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range all.Items {
		if i%7 != 3 {
			continue
		}
		if _, err := s.ChangeFinding(ctx, f.ID, "alice", func(f *finding.Finding) ([]finding.Decision, error) {
			d, err := f.Move(finding.FalsePositive, "not reachable", c.now())
			return []finding.Decision{d}, err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if all, err = s.ListFindings(ctx, store.FindingQuery{Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	if len(all.Items) != len(matched) {
		t.Fatalf("%d findings, want %d", len(all.Items), len(matched))
	}
	var rows []planRow
	for _, f := range all.Items {
		rows = append(rows, planRow{f: f, v: vulns[f.Vuln], team: teams[f.Asset]})
	}

	isOpen := func(r planRow) bool { return r.f.State.Open() }
	filters := []struct {
		q    store.FindingQuery
		keep func(planRow) bool
	}{
		{store.FindingQuery{}, func(planRow) bool { return true }},
		{store.FindingQuery{Open: true}, isOpen},
		{store.FindingQuery{Open: true, Priority: risk.PriorityHigh}, func(r planRow) bool { return isOpen(r) && r.f.Priority == risk.PriorityHigh }},
		{store.FindingQuery{Open: true, Priority: risk.PriorityLow}, func(r planRow) bool { return isOpen(r) && r.f.Priority == risk.PriorityLow }},
		{store.FindingQuery{Priority: risk.PriorityCritical}, func(r planRow) bool { return r.f.Priority == risk.PriorityCritical }},
		{store.FindingQuery{Open: true, Severity: []string{"critical", "high"}}, func(r planRow) bool { return isOpen(r) && (r.v.rating == "CRITICAL" || r.v.rating == "HIGH") }},
		{store.FindingQuery{Open: true, KEV: true}, func(r planRow) bool { return isOpen(r) && r.v.kev }},
		{store.FindingQuery{Open: true, KEV: true, Team: "blue"}, func(r planRow) bool { return isOpen(r) && r.v.kev && r.team == "blue" }},
		{store.FindingQuery{Open: true, Team: "red"}, func(r planRow) bool { return isOpen(r) && r.team == "red" }},
		{store.FindingQuery{Open: true, Asset: "plan-05"}, func(r planRow) bool { return isOpen(r) && r.f.Asset == "plan-05" }},
		{store.FindingQuery{State: finding.FalsePositive}, func(r planRow) bool { return r.f.State == finding.FalsePositive }},
		{store.FindingQuery{Open: true, MinEPSS: 0.2}, func(r planRow) bool { return isOpen(r) && r.v.epss >= 0.2 }},
		{store.FindingQuery{Open: true, Text: "flaw number 2"}, func(r planRow) bool { return isOpen(r) && r.v.id == "CVE-2031-1002" }},
	}
	rank := map[risk.Priority]int{risk.PriorityCritical: 4, risk.PriorityHigh: 3, risk.PriorityMedium: 2, risk.PriorityLow: 1}
	// The sort keys, ascending; descending reverses the key, never the
	// tiebreak by id.
	keys := map[string]func(a, b planRow) int{
		"priority": func(a, b planRow) int { return cmp.Compare(rank[a.f.Priority], rank[b.f.Priority]) },
		"due": func(a, b planRow) int {
			if c := cmp.Compare(boolInt(a.f.Due.IsZero()), boolInt(b.f.Due.IsZero())); c != 0 {
				return c
			}
			return a.f.Due.Compare(b.f.Due)
		},
		"first_seen": func(a, b planRow) int { return a.f.FirstSeen.Compare(b.f.FirstSeen) },
		"last_seen":  func(a, b planRow) int { return a.f.LastSeen.Compare(b.f.LastSeen) },
		"epss":       func(a, b planRow) int { return cmp.Compare(a.v.epss, b.v.epss) },
		"score":      func(a, b planRow) int { return cmp.Compare(a.v.score, b.v.score) },
		"id":         func(a, b planRow) int { return 0 },
	}
	for _, bound := range []int{0, 1 << 30} {
		plans.SetFindingFew(bound)
		for _, fl := range filters {
			for _, sort := range store.FindingSorts {
				for _, desc := range []bool{false, true} {
					var want []int64
					kept := slices.DeleteFunc(slices.Clone(rows), func(r planRow) bool { return !fl.keep(r) })
					slices.SortStableFunc(kept, func(a, b planRow) int {
						c := keys[sort](a, b)
						if desc {
							c = -c
						}
						if sort == "id" && desc {
							return cmp.Compare(b.f.ID, a.f.ID)
						}
						return cmp.Or(c, cmp.Compare(a.f.ID, b.f.ID))
					})
					for _, r := range kept {
						want = append(want, r.f.ID)
					}
					q := fl.q
					if q.Sort = sort; desc {
						q.Sort = "-" + sort
					}
					got := pageAll(t, s, q, 4)
					if diff := gocmp.Diff(want, got); diff != "" {
						t.Errorf("bound %d: ListFindings(%+v) ids -brute force +got:\n%s", bound, q, diff)
					}
				}
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pageAll reads every page of q, limit findings a page, following Next
// as the sort wants it (keyset for id order, offset for the others), and
// returns the findings' ids.
func pageAll(t *testing.T, s store.Store, q store.FindingQuery, limit int) []int64 {
	t.Helper()
	var ids []int64
	q.Limit = limit
	for range 1000 {
		page, err := s.ListFindings(context.Background(), q)
		if err != nil {
			t.Fatalf("ListFindings(%+v): %v", q, err)
		}
		for _, f := range page.Items {
			ids = append(ids, f.ID)
		}
		if page.Next == 0 {
			return ids
		}
		if q.Sort == "id" || q.Sort == "" {
			q.After = page.Next
		} else {
			q.Offset = int(page.Next)
		}
	}
	t.Fatalf("ListFindings(%+v): no last page", q)
	return nil
}
