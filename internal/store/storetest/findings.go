package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

// ginMatch is what the matcher says of gin at version on GO-2020-0001.
func ginMatch(version, vuln string) match.Match {
	return match.Match{
		Component: asset.Component{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: version, PURL: "pkg:golang/github.com/gin-gonic/gin@" + version},
		Vuln:      vuln,
		Explanation: match.Explanation{Source: "osv", Record: vuln, Kind: "range", Ecosystem: "Go", Package: "github.com/gin-gonic/gin",
			RangeType: "SEMVER", Introduced: "0", Fixed: "1.6.0", Installed: version, FixedVersion: "1.6.0"},
	}
}

func reconcile(t *testing.T, s store.Store, a asset.Asset, scan finding.Scan, ms ...match.Match) []finding.Change {
	t.Helper()
	chs, err := s.ReconcileFindings(context.Background(), a, ms, scan)
	if err != nil {
		t.Fatalf("ReconcileFindings(%s): %v", scan.Source, err)
	}
	return chs
}

func states(t *testing.T, s store.Store, q store.FindingQuery) []string {
	t.Helper()
	page, err := s.ListFindings(context.Background(), q)
	if err != nil {
		t.Fatalf("ListFindings(%+v): %v", q, err)
	}
	var out []string
	for _, f := range page.Items {
		out = append(out, f.Asset+" "+f.Vuln+" "+string(f.State))
	}
	return out
}

func verifyAudit(t *testing.T, s store.Store) int64 {
	t.Helper()
	n, _, err := audit.Verify(s.AuditLog(context.Background(), 0))
	if err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	return n
}

const ginKey = "Go\x1fgithub.com/gin-gonic/gin"

func testFindings(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	put(t, s, goRecord())
	a, err := s.PutAsset(ctx, asset.Asset{Name: "shop-api", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.PutAsset(ctx, asset.Asset{Name: "shop-web", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	at := func() time.Time { c.tick(); return c.now() }

	// Found, named by an alias: kept against the merged vulnerability.
	chs := reconcile(t, s, a, finding.Scan{At: at(), Source: "inventory go.mod"}, ginMatch("1.5.0", "GHSA-6vm3-jj99-7229"))
	if len(chs) != 1 || chs[0].Finding.ID == 0 || chs[0].Finding.Vuln != "CVE-2020-36567" {
		t.Fatalf("first scan: %+v", chs)
	}
	id := chs[0].Finding.ID
	f, err := s.Finding(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if f.Asset != "shop-api" || f.State != finding.New || f.Explanation.FixedVersion != "1.6.0" || !slices.Equal(f.Versions, []string{"1.5.0"}) || f.FirstSeen.IsZero() {
		t.Errorf("stored finding: %+v", f)
	}
	reconcile(t, s, b, finding.Scan{At: at(), Source: "inventory package.json"}, ginMatch("1.4.0", "GO-2020-0001"))
	for _, tc := range []struct {
		q    store.FindingQuery
		want []string
	}{
		{store.FindingQuery{}, []string{"shop-api CVE-2020-36567 new", "shop-web CVE-2020-36567 new"}},
		{store.FindingQuery{Asset: "shop-web"}, []string{"shop-web CVE-2020-36567 new"}},
		{store.FindingQuery{Vuln: "ghsa-6vm3-jj99-7229"}, []string{"shop-api CVE-2020-36567 new", "shop-web CVE-2020-36567 new"}},
		{store.FindingQuery{Vuln: "CVE-1999-0001"}, nil},
		{store.FindingQuery{State: finding.Verified}, nil},
	} {
		if diff := cmp.Diff(tc.want, states(t, s, tc.q)); diff != "" {
			t.Errorf("ListFindings(%+v) -want +got:\n%s", tc.q, diff)
		}
	}
	page, err := s.ListFindings(ctx, store.FindingQuery{Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Next == 0 {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	if page, _ = s.ListFindings(ctx, store.FindingQuery{Limit: 1, After: page.Next}); len(page.Items) != 1 || page.Next != 0 || page.Items[0].Asset != "shop-web" {
		t.Errorf("second page: %+v", page)
	}
	api, web := "shop-api CVE-2020-36567 new", "shop-web CVE-2020-36567 new"
	webSeen := page.Items[0].FirstSeen
	for _, tc := range []struct {
		q    store.FindingQuery
		want []string
	}{
		{store.FindingQuery{Sort: "-id"}, []string{web, api}},
		{store.FindingQuery{Sort: "-first_seen"}, []string{web, api}},
		{store.FindingQuery{Sort: "first_seen", FirstSeenFrom: webSeen}, []string{web}},
		{store.FindingQuery{FirstSeenTo: webSeen}, []string{api}},
		{store.FindingQuery{Text: "2020-3656"}, []string{api, web}},
		{store.FindingQuery{Text: "log4j"}, nil},
		{store.FindingQuery{KEV: true}, nil},
		{store.FindingQuery{SSVC: []string{"Act", "attend"}}, nil},
		{store.FindingQuery{Sort: "priority", Severity: []string{"low", "medium", "high", "critical"}}, nil},
	} {
		if diff := cmp.Diff(tc.want, states(t, s, tc.q)); diff != "" {
			t.Errorf("ListFindings(%+v) -want +got:\n%s", tc.q, diff)
		}
	}
	// Orders other than by id page by offset.
	page, err = s.ListFindings(ctx, store.FindingQuery{Sort: "-id", Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Items[0].Asset != "shop-web" || page.Next != 1 {
		t.Fatalf("first page by -id: %+v, %v", page, err)
	}
	if page, err = s.ListFindings(ctx, store.FindingQuery{Sort: "-id", Limit: 1, Offset: int(page.Next)}); err != nil || len(page.Items) != 1 || page.Items[0].Asset != "shop-api" || page.Next != 0 {
		t.Errorf("second page by -id: %+v, %v", page, err)
	}
	if _, err := s.ListFindings(ctx, store.FindingQuery{Sort: "asset"}); !errors.Is(err, store.ErrBadQuery) {
		t.Errorf("unknown sort: %v, want ErrBadQuery", err)
	}

	// Upgraded: fixed and verified; back again: a regression.
	reconcile(t, s, a, finding.Scan{At: at(), Source: "inventory go.mod", Present: map[string][]string{ginKey: {"1.6.3"}}})
	if f, _ = s.Finding(ctx, id); f.State != finding.Verified {
		t.Errorf("after the upgrade: %s (%s)", f.State, f.Reason)
	}
	if diff := cmp.Diff([]string{"shop-web CVE-2020-36567 new"}, states(t, s, store.FindingQuery{Open: true})); diff != "" {
		t.Errorf("open findings -want +got:\n%s", diff)
	}
	reconcile(t, s, a, finding.Scan{At: at(), Source: "inventory go.mod"}, ginMatch("1.5.0", "GO-2020-0001"))
	if f, _ = s.Finding(ctx, id); f.State != finding.New || !f.Regression {
		t.Errorf("after the downgrade: %s regression=%v", f.State, f.Regression)
	}
	// open, open (shop-web), fixed, verified, regression
	if n := verifyAudit(t, s); n != 5 {
		t.Errorf("audit entries = %d, want 5", n)
	}

	// What a changed advisory may affect.
	if _, err := s.SetComponents(ctx, a.ID, "go.mod", []asset.Component{
		{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "1.5.0", CPEs: []string{"cpe:2.3:a:gin-gonic:gin:1.5.0:*:*:*:*:*:*:*"}},
		{Ecosystem: "PyPI", Name: "Flask_Cors", Version: "3.0.8"},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		pkgs    []store.Package
		records []store.RecordRef
		want    map[int64][]string
	}{
		{"package, loosely", []store.Package{{Ecosystem: "PyPI", Name: "flask.cors"}}, nil, map[int64][]string{a.ID: {"PyPI\x1fFlask_Cors"}}},
		{"CPE product", []store.Package{{Ecosystem: store.CPE, Name: "Gin-Gonic:Gin"}}, nil, map[int64][]string{a.ID: {ginKey}}},
		{"record with findings", nil, []store.RecordRef{{Source: "osv", ID: "GO-2020-0001"}}, map[int64][]string{a.ID: {ginKey}, b.ID: {ginKey}}},
		{"nothing", []store.Package{{Ecosystem: "npm", Name: "left-pad"}}, []store.RecordRef{{Source: "osv", ID: "GO-2099-0001"}}, map[int64][]string{}},
	} {
		got, err := s.RematchScope(ctx, tc.pkgs, tc.records)
		if err != nil {
			t.Fatalf("RematchScope %s: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("RematchScope %s -want +got:\n%s", tc.name, diff)
		}
	}

	// VEX statements: per asset and global, replaced by document.
	st := match.VEX{Vulns: []string{"CVE-2020-36567"}, Products: []string{"pkg:golang/github.com/gin-gonic/gin"}, Status: "not_affected",
		Justification: "vulnerable_code_not_in_execute_path", Source: "vex.json"}
	if err := s.PutVEX(ctx, a.ID, "vex.json", []match.VEX{st, st}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutVEX(ctx, a.ID, "vex.json", []match.VEX{st}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutVEX(ctx, 0, "global.json", []match.VEX{{Vulns: []string{"CVE-2021-44228"}, Status: "under_investigation", Source: "global.json"}}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.VEXFor(ctx, a.ID); err != nil || len(got) != 2 || !cmp.Equal(got[0], st) {
		t.Errorf("VEXFor(shop-api) = %+v, %v", got, err)
	}
	if got, err := s.VEXFor(ctx, b.ID); err != nil || len(got) != 1 || got[0].Status != "under_investigation" {
		t.Errorf("VEXFor(shop-web) = %+v, %v", got, err)
	}

	if err := s.DeleteAsset(ctx, "shop-web"); err != nil {
		t.Fatal(err)
	}
	if got := states(t, s, store.FindingQuery{}); len(got) != 1 {
		t.Errorf("findings after deleting shop-web: %v", got)
	}
}

// testFindingsFollowMerges: findings on two vulnerabilities that a new
// record shows to be one (the CVE and GHSA of GO-2021-0052, gin) become
// one finding, the fold in the audit log.
func testFindingsFollowMerges(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	gin := func(source, id string, aliases ...string) advisory.Record {
		return advisory.Record{Source: source, ID: id, Aliases: aliases,
			Affected: []advisory.Affected{{Ecosystem: "Go", Package: "github.com/gin-gonic/gin",
				Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "1.7.7"}}}}}}}
	}
	put(t, s, gin("cve5", "CVE-2020-28483"), gin("ghsa", "GHSA-h395-qcrw-5vmq"),
		advisory.Record{Source: "kev", ID: "CVE-2020-28483", KEV: &advisory.KEV{DateAdded: "2021-12-10"}})
	a, err := s.PutAsset(ctx, asset.Asset{Name: "shop-api", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	c.tick()
	reconcile(t, s, a, finding.Scan{At: c.now(), Source: "inventory go.mod"},
		ginMatch("1.6.3", "CVE-2020-28483"), ginMatch("1.6.3", "GHSA-h395-qcrw-5vmq"))
	// Another asset has the GHSA's finding only, which the merge moves
	// rather than folds.
	web, err := s.PutAsset(ctx, asset.Asset{Name: "shop-web", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	reconcile(t, s, web, finding.Scan{At: c.now(), Source: "inventory go.mod"}, ginMatch("1.6.3", "GHSA-h395-qcrw-5vmq"))
	if got := states(t, s, store.FindingQuery{}); len(got) != 3 {
		t.Fatalf("before the merge: %v", got)
	}
	rule, err := s.PutRule(ctx, finding.Rule{Scope: finding.ScopeVuln, Vuln: "GHSA-h395-qcrw-5vmq", Priority: risk.PriorityLow,
		Reason: "dev-only dependency", By: "alice", Created: c.now()})
	if err != nil || rule.ID == 0 {
		t.Fatalf("PutRule: %+v, %v", rule, err)
	}
	c.tick()
	put(t, s, gin("osv", "GO-2021-0052", "CVE-2020-28483", "GHSA-h395-qcrw-5vmq"))
	// The rule follows its vulnerability into the merge.
	if rs, err := s.Rules(ctx); err != nil || len(rs) != 1 || rs[0].Vuln != "CVE-2020-28483" || rs[0].ID != rule.ID || rs[0].Reason != "dev-only dependency" {
		t.Errorf("Rules after the merge: %+v, %v", rs, err)
	}
	if diff := cmp.Diff([]string{"shop-api CVE-2020-28483 new", "shop-web CVE-2020-28483 new"}, states(t, s, store.FindingQuery{Vuln: "GO-2021-0052"})); diff != "" {
		t.Errorf("after the merge -want +got:\n%s", diff)
	}
	// Every finding of the merged vulnerability carries its KEV flag (the
	// CVE's before the merge), the moved one too.
	if diff := cmp.Diff([]string{"shop-api CVE-2020-28483 new", "shop-web CVE-2020-28483 new"}, states(t, s, store.FindingQuery{KEV: true})); diff != "" {
		t.Errorf("KEV findings after the merge -want +got:\n%s", diff)
	}
	var actions []string
	for e, err := range s.AuditLog(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		actions = append(actions, e.Action)
	}
	if diff := cmp.Diff([]string{"finding.open", "finding.open", "finding.open", "rule.create", "finding.merge"}, actions); diff != "" {
		t.Errorf("audit actions -want +got:\n%s", diff)
	}
	verifyAudit(t, s)
}

// testFindingDecisions: a person's decisions with their audit entries and
// notifications, SLA policies, and the overdue filter.
func testFindingDecisions(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	put(t, s, goRecord())
	a, err := s.PutAsset(ctx, asset.Asset{Name: "shop-api", Kind: asset.KindApplication, Team: "payments", Environment: asset.EnvProd})
	if err != nil {
		t.Fatal(err)
	}
	c.tick()
	chs := reconcile(t, s, a, finding.Scan{At: c.now(), Source: "inventory go.mod"}, ginMatch("1.5.0", "GO-2020-0001"))
	id := chs[0].Finding.ID

	// A refused decision changes nothing.
	_, err = s.ChangeFinding(ctx, id, "alice", func(f *finding.Finding) ([]finding.Decision, error) {
		f.Assignee = "mallory"
		d, err := f.Move(finding.Verified, "", c.now())
		return []finding.Decision{d}, err
	})
	if !errors.Is(err, finding.ErrTransition) {
		t.Fatalf("new → verified: %v, want ErrTransition", err)
	}
	if f, _ := s.Finding(ctx, id); f.Assignee != "" || f.State != finding.New {
		t.Errorf("after a refused decision: %+v", f)
	}
	due := c.now().Add(24 * time.Hour)
	f, err := s.ChangeFinding(ctx, id, "alice", func(f *finding.Finding) ([]finding.Decision, error) {
		d, err := f.Move(finding.Triaged, "reachable", c.now())
		f.Due = due
		a := f.Assign("bob", "owner", c.now())
		a.Notify = "bob"
		return []finding.Decision{d, a}, err
	})
	if err != nil || f.State != finding.Triaged || f.Assignee != "bob" {
		t.Fatalf("triage: %+v, %v", f, err)
	}
	es, err := s.AuditOf(ctx, fmt.Sprintf("finding:%d", id))
	if err != nil || len(es) != 3 || es[1].Actor != "alice" || es[2].Action != "finding.assign" {
		t.Errorf("audit of the finding: %+v, %v", es, err)
	}
	ns, err := s.Notifications(ctx, 0)
	if err != nil || len(ns) != 1 || ns[0].Recipient != "bob" || ns[0].Object != fmt.Sprintf("finding:%d", id) {
		t.Errorf("notifications: %+v, %v", ns, err)
	}
	for _, tc := range []struct {
		at   time.Time
		want int
	}{{due.Add(-time.Minute), 0}, {due.Add(time.Minute), 1}} {
		page, err := s.ListFindings(ctx, store.FindingQuery{OverdueAt: tc.at})
		if err != nil || len(page.Items) != tc.want {
			t.Errorf("overdue at %s: %d findings, %v; want %d", tc.at, len(page.Items), err, tc.want)
		}
	}

	for _, tc := range []struct {
		q    store.FindingQuery
		want int
	}{{store.FindingQuery{Team: "payments"}, 1}, {store.FindingQuery{Team: "hr"}, 0}, {store.FindingQuery{Priority: f.Priority}, 1}, {store.FindingQuery{Priority: "nonesuch"}, 0}} {
		if page, err := s.ListFindings(ctx, tc.q); err != nil || len(page.Items) != tc.want {
			t.Errorf("ListFindings(%+v) = %d, %v; want %d", tc.q, len(page.Items), err, tc.want)
		}
	}

	// SLA policies: the defaults until one is set; a change is audited.
	ps, err := s.SLAPolicies(ctx)
	if err != nil || !cmp.Equal(ps, finding.DefaultPolicies()) {
		t.Fatalf("default policies: %+v, %v", ps, err)
	}
	prod := finding.PolicyFor(ps, asset.EnvProd)
	prod.Days[risk.PriorityCritical] = 3
	if err := s.PutSLAPolicy(ctx, prod, "alice", "audit finding 7"); err != nil {
		t.Fatal(err)
	}
	bad := prod
	bad.Days = map[risk.Priority]int{risk.PriorityCritical: -1}
	if err := s.PutSLAPolicy(ctx, bad, "alice", "typo"); !errors.Is(err, finding.ErrPolicy) {
		t.Errorf("invalid policy: %v, want ErrPolicy", err)
	}
	ps, _ = s.SLAPolicies(ctx)
	if got := finding.PolicyFor(ps, asset.EnvProd).Days[risk.PriorityCritical]; got != 3 || len(ps) != len(finding.DefaultPolicies()) {
		t.Errorf("after the change: prod critical %d days, %d policies", got, len(ps))
	}
	if es, _ := s.AuditOf(ctx, "sla:prod"); len(es) != 1 || es[0].Reason != "audit finding 7" {
		t.Errorf("policy audit: %+v", es)
	}
	verifyAudit(t, s)
}

// An assessed finding is found by its SSVC outcome, in any case.
func testFindingSSVC(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	put(t, s, goRecord())
	ops, err := s.PutAsset(ctx, asset.Asset{Name: "shop-ops", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	attend := func(string, []risk.SSVCOverride) (risk.Assessment, error) {
		return risk.Assessment{Priority: risk.PriorityHigh, SSVC: risk.SSVCDecision{Coordinator: risk.SSVCOutcome{Value: "AT", Name: "Attend"}}}, nil
	}
	reconcile(t, s, ops, finding.Scan{At: c.now(), Source: "inventory go.mod", Assess: attend}, ginMatch("1.5.0", "CVE-2020-36567"))
	if diff := cmp.Diff([]string{"shop-ops CVE-2020-36567 new"}, states(t, s, store.FindingQuery{SSVC: []string{"ATTEND"}, Sort: "-priority"})); diff != "" {
		t.Errorf("by SSVC outcome -want +got:\n%s", diff)
	}
	if got := states(t, s, store.FindingQuery{SSVC: []string{"act"}}); got != nil {
		t.Errorf("by another outcome: %v", got)
	}
	// Record appends to the same chain, at the store's time.
	if err := s.Record(ctx, audit.Entry{Actor: "alice", Action: "import", Object: "imports", After: []byte(`{"file":"cves.zip"}`), Reason: "cves.zip"}); err != nil {
		t.Fatal(err)
	}
	es, err := s.AuditOf(ctx, "imports")
	if err != nil || len(es) != 1 || es[0].Actor != "alice" || es[0].At.IsZero() || string(es[0].After) != `{"file":"cves.zip"}` {
		t.Errorf("recorded entry: %+v, %v", es, err)
	}
	verifyAudit(t, s)
}

// testFindingKeysFollowVulns: the finding list filters and sorts on its
// vulnerability's rating, KEV, EPSS and score, which the store keeps on
// the finding (migration 00033); they must follow the vulnerability when
// a later record changes them, for findings opened before and after.
func testFindingKeysFollowVulns(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	other := goRecord()
	other.ID, other.Aliases = "GO-2021-0052", []string{"CVE-2020-28483"}
	put(t, s, goRecord(), other)
	a, err := s.PutAsset(ctx, asset.Asset{Name: "shop-api", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	c.tick()
	reconcile(t, s, a, finding.Scan{At: c.now(), Source: "inventory go.mod"}, ginMatch("1.5.0", "GO-2020-0001"), ginMatch("1.5.0", "GO-2021-0052"))
	logInjection, other28483 := "shop-api CVE-2020-36567 new", "shop-api CVE-2020-28483 new"
	check := func(when string, cases []struct {
		q    store.FindingQuery
		want []string
	}) {
		t.Helper()
		for _, tc := range cases {
			if diff := cmp.Diff(tc.want, states(t, s, tc.q)); diff != "" {
				t.Errorf("%s: ListFindings(%+v) -want +got:\n%s", when, tc.q, diff)
			}
		}
	}
	type cases = []struct {
		q    store.FindingQuery
		want []string
	}
	check("before any rating, KEV or EPSS", cases{
		{store.FindingQuery{}, []string{logInjection, other28483}},
		{store.FindingQuery{KEV: true}, nil},
		{store.FindingQuery{Severity: []string{"high"}}, nil},
		{store.FindingQuery{MinEPSS: 0.01}, nil},
	})

	c.tick()
	put(t, s, cveRecord(),
		advisory.Record{Source: "kev", ID: "CVE-2020-28483", KEV: &advisory.KEV{DateAdded: "2021-12-10"}},
		advisory.Record{Source: "epss", ID: "CVE-2020-36567", EPSS: &advisory.EPSS{Score: 0.1, Date: "2024-01-01"}},
		advisory.Record{Source: "epss", ID: "CVE-2020-28483", EPSS: &advisory.EPSS{Score: 0.5, Date: "2024-01-01"}})
	check("after CVE, KEV and EPSS records", cases{
		{store.FindingQuery{KEV: true}, []string{other28483}},
		{store.FindingQuery{Severity: []string{"high"}}, []string{logInjection}},
		{store.FindingQuery{MinEPSS: 0.3}, []string{other28483}},
		{store.FindingQuery{Sort: "-epss"}, []string{other28483, logInjection}},
		{store.FindingQuery{Sort: "-score"}, []string{logInjection, other28483}},
	})

	// A finding opened now takes the keys its vulnerability has.
	b, err := s.PutAsset(ctx, asset.Asset{Name: "shop-web", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	c.tick()
	reconcile(t, s, b, finding.Scan{At: c.now(), Source: "inventory go.mod"}, ginMatch("1.5.0", "GO-2021-0052"))
	check("a finding opened after", cases{
		{store.FindingQuery{KEV: true}, []string{other28483, "shop-web CVE-2020-28483 new"}},
	})

	// EPSS moves on the next day's scores.
	c.tick()
	put(t, s, advisory.Record{Source: "epss", ID: "CVE-2020-36567", EPSS: &advisory.EPSS{Score: 0.9, Date: "2024-01-02"}})
	check("after the EPSS update", cases{
		{store.FindingQuery{Sort: "-epss", Asset: "shop-api"}, []string{logInjection, other28483}},
		{store.FindingQuery{MinEPSS: 0.8}, []string{logInjection}},
	})
}

// testFindingBrief: the store keeps a finding's basis apart from the
// rest (sqlstore's detail and basis columns); a brief list leaves it
// out and every other read puts it back, so a finding read any way but
// briefly is the finding as written.
func testFindingBrief(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	put(t, s, goRecord())
	shop, err := s.PutAsset(ctx, asset.Asset{Name: "shop", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := s.PutAsset(ctx, asset.Asset{Name: "bare", Kind: asset.KindApplication})
	if err != nil {
		t.Fatal(err)
	}
	assess := func(string, []risk.SSVCOverride) (risk.Assessment, error) {
		return risk.Assessment{Priority: risk.PriorityHigh, Why: []string{"in CISA KEV"},
			KEV:    &advisory.KEV{DateAdded: "2031-02-01"},
			SSVC:   risk.SSVCDecision{Coordinator: risk.SSVCOutcome{Value: "AT", Name: "Attend"}, Points: []risk.PointValue{{Point: "ssvc:E:1.1.0", Value: "A", Name: "Active", Derived: "A", Why: "in CISA KEV"}}},
			Inputs: []risk.Input{{Name: "asset", Value: "criticality high", Source: "shop"}}}, nil
	}
	reconcile(t, s, shop, finding.Scan{At: c.now(), Source: "inventory go.mod", Assess: assess}, ginMatch("1.5.0", "CVE-2020-36567"))
	// Without an assessment there are no inputs or points to put back.
	reconcile(t, s, bare, finding.Scan{At: c.now(), Source: "inventory go.mod"}, ginMatch("1.4.0", "CVE-2020-36567"))
	full, err := s.ListFindings(ctx, store.FindingQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Items) != 2 {
		t.Fatalf("%d findings, want 2", len(full.Items))
	}
	var f finding.Finding
	if f = full.Items[0]; f.Assessment == nil || len(f.Assessment.Inputs) != 1 || len(f.Assessment.SSVC.Points) != 1 ||
		len(f.Evidence) == 0 || f.Explanation.Fixed != "1.6.0" || f.Assessment.SSVC.Coordinator.Name != "Attend" {
		t.Fatalf("the assessed finding lost part of itself: %+v", f)
	}
	if full.Items[1].Assessment != nil {
		t.Errorf("the finding without an assessment read back with one: %+v", full.Items[1].Assessment)
	}
	// A decision rewrites the finding; its basis must survive that too.
	if _, err := s.ChangeFinding(ctx, f.ID, "alice", func(f *finding.Finding) ([]finding.Decision, error) {
		return []finding.Decision{f.Assign("bob", "owns the shop", c.now())}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if full, err = s.ListFindings(ctx, store.FindingQuery{}); err != nil {
		t.Fatal(err)
	}
	brief, err := s.ListFindings(ctx, store.FindingQuery{Brief: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(brief.Items) != len(full.Items) {
		t.Fatalf("brief list has %d findings, full %d", len(brief.Items), len(full.Items))
	}
	for i, f := range full.Items {
		one, err := s.Finding(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(one, f); diff != "" {
			t.Errorf("finding %d listed -read alone +listed:\n%s", f.ID, diff)
		}
		want, basis := f.Brief()
		if diff := cmp.Diff(want, brief.Items[i]); diff != "" {
			t.Errorf("finding %d listed briefly -want +got:\n%s", f.ID, diff)
		}
		if basis.Explanation.Record == "" || len(basis.Evidence) == 0 {
			t.Errorf("finding %d: basis without explanation or evidence: %+v", f.ID, basis)
		}
	}
	if f := full.Items[0]; f.Assignee != "bob" || f.Assessment == nil || len(f.Assessment.Inputs) != 1 || len(f.Assessment.SSVC.Points) != 1 || len(f.Evidence) == 0 {
		t.Errorf("after a decision: %+v", f)
	}
}
