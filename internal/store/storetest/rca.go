package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/store"
)

// The records below carry real identifiers, ranges and CWEs: PYSEC-2023-152
// and PYSEC-2024-74 from the PyPA advisory database, CVE-2023-37379 (CNA
// apache) and CVE-2024-24759 (CNA GitHub_M) from the CVE list, and
// CVE-2021-40438 from CISA's KEV catalogue, whose entry is its only
// source of CWE-918 here. Three packages, one weakness: server-side
// request forgery.
func ssrfRecords() []advisory.Record {
	pypi := func(id, cve, pkg, fixed string) advisory.Record {
		return advisory.Record{Source: "osv", ID: id, Aliases: []string{cve},
			Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: pkg,
				Ranges: []advisory.Range{{Type: advisory.RangeEcosystem, Events: []advisory.Event{{Introduced: "0"}, {Fixed: fixed}}}}}}}
	}
	return []advisory.Record{
		pypi("PYSEC-2023-152", "CVE-2023-37379", "apache-airflow", "2.7.0"),
		{Source: "cve5", ID: "CVE-2023-37379", State: advisory.StatePublished, Published: time.Date(2023, 8, 23, 15, 38, 56, 0, time.UTC),
			CWEs: []advisory.CWE{{ID: "CWE-400", Description: "CWE-400 Uncontrolled Resource Consumption", Provider: "apache"},
				{ID: "CWE-918", Description: "CWE-918 Server-Side Request Forgery (SSRF)", Provider: "apache"},
				{ID: "CWE-200", Description: "CWE-200 Exposure of Sensitive Information to an Unauthorized Actor", Provider: "apache"}}},
		pypi("PYSEC-2024-74", "CVE-2024-24759", "mindsdb", "23.12.4.2"),
		{Source: "cve5", ID: "CVE-2024-24759", State: advisory.StatePublished, Published: time.Date(2024, 9, 5, 16, 30, 38, 0, time.UTC),
			CWEs: []advisory.CWE{{ID: "CWE-918", Description: "CWE-918: Server-Side Request Forgery (SSRF)", Provider: "GitHub_M"}}},
		{Source: "kev", ID: "CVE-2021-40438", KEV: &advisory.KEV{DateAdded: "2021-12-01", VendorProject: "Apache", Product: "Apache",
			Name: "Apache HTTP Server-Side Request Forgery (SSRF)", CWEs: []string{"CWE-918"}}},
	}
}

// pkgMatch is a match of vuln on a package, as the matcher would make it.
func pkgMatch(eco, pkg, version, vuln, record, fixed string) match.Match {
	return match.Match{
		Component: asset.Component{Ecosystem: eco, Name: pkg, Version: version},
		Vuln:      vuln,
		Explanation: match.Explanation{Source: "osv", Record: record, Kind: "range", Ecosystem: eco, Package: pkg,
			RangeType: "ECOSYSTEM", Introduced: "0", Fixed: fixed, Installed: version, FixedVersion: fixed},
	}
}

// rcaFixture stores the SSRF records, six assets and their findings; it
// returns the incident (Airflow's connection test abused on
// airflow-prod) and the finding ids by asset.
func rcaFixture(t *testing.T, s store.Store, c *clock) (incident.Incident, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	put(t, s, append(ssrfRecords(), goRecord(), cveRecord())...)
	findings := map[string]int64{}
	for _, a := range []struct {
		asset asset.Asset
		comps []asset.Component
		m     *match.Match
	}{
		{asset.Asset{Name: "airflow-prod", Kind: asset.KindHost, Team: "data", Environment: asset.EnvProd, Exposure: asset.ExpInternet, Tags: []string{"airflow", "python"}},
			[]asset.Component{{Ecosystem: "PyPI", Name: "apache-airflow", Version: "2.6.3"}},
			new(pkgMatch("PyPI", "apache-airflow", "2.6.3", "PYSEC-2023-152", "PYSEC-2023-152", "2.7.0"))},
		{asset.Asset{Name: "airflow-stage", Kind: asset.KindHost, Team: "data", Environment: asset.EnvStaging, Exposure: asset.ExpInternal, Tags: []string{"airflow"}},
			[]asset.Component{{Ecosystem: "PyPI", Name: "Apache_Airflow", Version: "2.5.0"}},
			new(pkgMatch("PyPI", "Apache_Airflow", "2.5.0", "CVE-2023-37379", "PYSEC-2023-152", "2.7.0"))},
		{asset.Asset{Name: "airflow-dr", Kind: asset.KindHost, Team: "data", Environment: asset.EnvProd, Exposure: asset.ExpInternet, Tags: []string{"dr", "airflow"}},
			nil, nil},
		{asset.Asset{Name: "ml-api", Kind: asset.KindApplication, Team: "ml", Exposure: asset.ExpInternet, Tags: []string{"python"}},
			[]asset.Component{{Ecosystem: "PyPI", Name: "mindsdb", Version: "23.12.4.0"}},
			new(pkgMatch("PyPI", "mindsdb", "23.12.4.0", "CVE-2024-24759", "PYSEC-2024-74", "23.12.4.2"))},
		{asset.Asset{Name: "ml-old", Kind: asset.KindApplication, Team: "ml"},
			[]asset.Component{{Ecosystem: "PyPI", Name: "mindsdb", Version: "23.1.0"}},
			new(pkgMatch("PyPI", "mindsdb", "23.1.0", "CVE-2024-24759", "PYSEC-2024-74", "23.12.4.2"))},
		{asset.Asset{Name: "edge-proxy", Kind: asset.KindHost, Team: "platform", Exposure: asset.ExpInternet, Tags: []string{"apache"}},
			[]asset.Component{{Ecosystem: "Debian:11", Name: "apache2", Version: "2.4.48-3.1"}},
			new(pkgMatch("Debian:11", "apache2", "2.4.48-3.1", "CVE-2021-40438", "CVE-2021-40438", "2.4.51-1"))},
		{asset.Asset{Name: "shop-api", Kind: asset.KindApplication, Team: "shop"},
			[]asset.Component{{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "1.5.0"}},
			new(ginMatch("1.5.0", "GO-2020-0001"))},
	} {
		x, err := s.PutAsset(ctx, a.asset)
		if err != nil {
			t.Fatal(err)
		}
		if a.comps != nil {
			if _, err := s.SetComponents(ctx, x.ID, "inventory requirements.txt", a.comps); err != nil {
				t.Fatal(err)
			}
		}
		if a.m != nil {
			c.tick()
			chs := reconcile(t, s, x, finding.Scan{At: c.now(), Source: "inventory requirements.txt"}, *a.m)
			findings[x.Name] = chs[0].Finding.ID
		}
	}
	// ml-old's mindsdb is not reachable: the finding is closed, and not
	// "where else".
	c.tick()
	if _, err := s.ChangeFinding(ctx, findings["ml-old"], "alice", func(f *finding.Finding) ([]finding.Decision, error) {
		d, err := f.Move(finding.FalsePositive, "mindsdb vendored for its docs only, never imported", c.now())
		return []finding.Decision{d}, err
	}); err != nil {
		t.Fatal(err)
	}
	c.tick()
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Airflow connection test used to reach the cloud metadata service",
		Category: incident.Exploitation, Severity: incident.SevHigh, Assets: []string{"airflow-prod"}, Vulns: []string{"CVE-2023-37379"},
		Marking: incident.Marking{TLP: incident.Amber}, Detected: c.now().Add(-6 * time.Hour)}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	return in, findings
}

// testRCA: a root-cause analysis from text to management's decisions,
// "where else?" on real vulnerability records, and the SAMM coverage.
func testRCA(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	in, fs := rcaFixture(t, s, c)

	a, err := s.Analysis(ctx, in.ID)
	if err != nil || a.Text != "" || len(a.Causes) != 0 || len(a.Recommendations) != 0 || a.Documented() {
		t.Fatalf("empty analysis: %+v, %v", a, err)
	}
	if _, err := s.Analysis(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("analysis of no incident: %v", err)
	}
	c.tick()
	if a, err = s.PutAnalysisText(ctx, in.ID, "The connection test fetched http://169.254.169.254/ for a viewer.", "alice"); err != nil || a.UpdatedBy != "alice" || !a.Updated.Equal(c.now()) {
		t.Fatalf("analysis: %+v, %v", a, err)
	}
	if _, err := s.PutAnalysisText(ctx, in.ID, "The connection test fetched http://169.254.169.254/ for a viewer.", "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutAnalysisText(ctx, in.ID, strings.Repeat("x", incident.MaxAnalysis+1), "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an analysis too long: %v", err)
	}

	// Causes: one technical, with its CWE, component and configuration;
	// one of process.
	c.tick()
	if _, err := s.PutCause(ctx, incident.Cause{Incident: in.ID, Kind: incident.CauseCodeVulnerability, Description: "SSRF"}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a code vulnerability without CWE: %v", err)
	}
	if _, err := s.PutCause(ctx, incident.Cause{Incident: 99, Kind: incident.CauseHumanError, Description: "x"}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a cause on no incident: %v", err)
	}
	ssrf, err := s.PutCause(ctx, incident.Cause{Incident: in.ID, Kind: incident.CauseCodeVulnerability, CWE: "CWE-918",
		CWEName: "Server-Side Request Forgery (SSRF)", Component: &incident.ComponentRef{Ecosystem: "PyPI", Name: "apache-airflow", Version: "2.6.3"},
		Configuration: "tag=airflow exposure=internet", Description: "Airflow before 2.7.0 lets a viewer test a connection to any URL."}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if ssrf.ID == 0 || ssrf.Configuration != "exposure=internet tag=airflow" || ssrf.AddedBy != "alice" || !ssrf.Added.Equal(c.now()) {
		t.Errorf("cause: %+v", ssrf)
	}
	c.tick()
	patching, err := s.PutCause(ctx, incident.Cause{Incident: in.ID, Kind: incident.CauseProcedureIgnored,
		Description: "Airflow 2.7.0 was out for three months; the data team's patch window was skipped twice."}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	c.tick()
	patching.Description += " Nobody checked."
	if patching, err = s.PutCause(ctx, patching, "bob"); err != nil || patching.AddedBy != "alice" {
		t.Fatalf("cause changed: %+v, %v", patching, err)
	}
	if got, err := s.Cause(ctx, patching.ID); err != nil || !cmp.Equal(got, patching) {
		t.Errorf("cause read back -put +got:\n%s (%v)", cmp.Diff(patching, got), err)
	}
	other, err := s.PutIncident(ctx, incident.Incident{Title: "Lost laptop", Category: incident.DataBreach, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Amber}, Detected: c.now()}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	moved := patching
	moved.Incident = other.ID
	if _, err := s.PutCause(ctx, moved, "bob"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a cause moved to another incident: %v", err)
	}

	// Where else? CWE-918 through findings whose vulnerabilities carry it
	// (from the CVE list and from KEV), the package in any version, the
	// configuration; not ml-old's closed finding, nor gin's CWE-117.
	hits, err := s.WhereElse(ctx, ssrf.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"airflow-dr data configuration in-incident=false finding=0: configuration exposure=internet tag=airflow",
		fmt.Sprintf("airflow-prod data cwe in-incident=true finding=%d: finding %d: CVE-2023-37379 (CWE-918) in apache-airflow 2.6.3, new", fs["airflow-prod"], fs["airflow-prod"]),
		"airflow-prod data component in-incident=true finding=0: component apache-airflow 2.6.3 (PyPI): the same version",
		"airflow-prod data configuration in-incident=true finding=0: configuration exposure=internet tag=airflow",
		fmt.Sprintf("airflow-stage data cwe in-incident=false finding=%d: finding %d: CVE-2023-37379 (CWE-918) in Apache_Airflow 2.5.0, new", fs["airflow-stage"], fs["airflow-stage"]),
		"airflow-stage data component in-incident=false finding=0: component Apache_Airflow 2.5.0 (PyPI): another version",
		fmt.Sprintf("edge-proxy platform cwe in-incident=false finding=%d: finding %d: CVE-2021-40438 (CWE-918) in apache2 2.4.48-3.1, new", fs["edge-proxy"], fs["edge-proxy"]),
		fmt.Sprintf("ml-api ml cwe in-incident=false finding=%d: finding %d: CVE-2024-24759 (CWE-918) in mindsdb 23.12.4.0, new", fs["ml-api"], fs["ml-api"]),
	}
	if diff := cmp.Diff(want, hitLines(hits)); diff != "" {
		t.Errorf("where else -want +got:\n%s", diff)
	}
	// A CWE is matched whole: CWE-91 is not CWE-918.
	probe, err := s.PutCause(ctx, incident.Cause{Incident: other.ID, Kind: incident.CauseCodeVulnerability, CWE: "CWE-91", Description: "XML injection"}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if hits, err := s.WhereElse(ctx, probe.ID); err != nil || len(hits) != 0 {
		t.Errorf("where else for CWE-91: %v, %v", hitLines(hits), err)
	}
	if _, err := s.WhereElse(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("where else for no cause: %v", err)
	}

	// Tasks for every asset found but the incident's own, once.
	c.tick()
	due := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	if _, err := s.OpenWhereElse(ctx, ssrf.ID, store.WhereElseTasks{Assets: []string{"shop-api"}, Owner: "bob"}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a task for an asset not found: %v", err)
	}
	if _, err := s.OpenWhereElse(ctx, ssrf.ID, store.WhereElseTasks{Owner: ""}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("tasks without an owner: %v", err)
	}
	tasks, err := s.OpenWhereElse(ctx, ssrf.ID, store.WhereElseTasks{Owner: "bob", Due: due}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range tasks {
		got = append(got, fmt.Sprintf("%s %s %s %s", x.Kind, x.Link, x.Owner, x.Due.Format(time.DateOnly)))
	}
	wantTasks := []string{
		"change asset:airflow-dr bob 2026-11-30",
		fmt.Sprintf("patch finding:%d bob 2026-11-30", fs["airflow-stage"]),
		fmt.Sprintf("patch finding:%d bob 2026-11-30", fs["edge-proxy"]),
		fmt.Sprintf("patch finding:%d bob 2026-11-30", fs["ml-api"]),
	}
	if diff := cmp.Diff(wantTasks, got); diff != "" {
		t.Errorf("where-else tasks -want +got:\n%s", diff)
	}
	if len(tasks) > 1 && tasks[1].Title != fmt.Sprintf("Where else (cause %d, CWE-918): airflow-stage — finding %d: CVE-2023-37379 (CWE-918) in Apache_Airflow 2.5.0, new; component Apache_Airflow 2.5.0 (PyPI): another version", ssrf.ID, fs["airflow-stage"]) {
		t.Errorf("task title %q", tasks[1].Title)
	}
	if again, err := s.OpenWhereElse(ctx, ssrf.ID, store.WhereElseTasks{Owner: "bob"}, "alice"); err != nil || len(again) != 0 {
		t.Errorf("asking again: %+v, %v", again, err)
	}
	if own, err := s.OpenWhereElse(ctx, ssrf.ID, store.WhereElseTasks{Assets: []string{"airflow-prod"}, Owner: "carol"}, "alice"); err != nil || len(own) != 1 || own[0].Kind != incident.TaskPatch {
		t.Errorf("a task for the incident's own asset, asked for: %+v, %v", own, err)
	}
	hits, _ = s.WhereElse(ctx, ssrf.ID)
	for _, h := range hits {
		if h.Task == 0 {
			t.Errorf("%s: no task after opening them", h.Asset.Name)
		}
	}

	// Recommendations, and management's decisions on them.
	c.tick()
	recDue := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	upgrade, err := s.PutRecommendation(ctx, incident.Recommendation{Incident: in.ID, Cause: ssrf.ID, Text: "Upgrade Airflow to 2.7.0 or later everywhere.", Owner: "bob", Due: recDue}, "alice")
	if err != nil || upgrade.ID == 0 || upgrade.AddedBy != "alice" {
		t.Fatalf("recommendation: %+v, %v", upgrade, err)
	}
	window, err := s.PutRecommendation(ctx, incident.Recommendation{Incident: in.ID, Cause: patching.ID, Text: "Make the monthly patch window mandatory for the data team.", Owner: "dave"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRecommendation(ctx, incident.Recommendation{Incident: in.ID, Cause: probe.ID, Text: "x", Owner: "bob"}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a recommendation for another incident's cause: %v", err)
	}
	if _, err := s.PutRecommendation(ctx, incident.Recommendation{Incident: in.ID, Text: "x"}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a recommendation without an owner: %v", err)
	}
	c.tick()
	upgrade, err = s.DecideRecommendation(ctx, upgrade.ID, incident.Decision{Kind: incident.Schedule, DecidedBy: "carol", TaskKind: incident.TaskPatch})
	if err != nil {
		t.Fatal(err)
	}
	d := upgrade.Current()
	if d == nil || d.Task == 0 || d.Owner != "bob" || !d.Due.Equal(recDue) || !d.Decided.Equal(c.now()) || d.ID == 0 {
		t.Fatalf("scheduled: %+v", d)
	}
	task, err := s.Task(ctx, d.Task)
	if err != nil || task.Incident != in.ID || task.Kind != incident.TaskPatch || task.Link != fmt.Sprintf("recommendation:%d", upgrade.ID) ||
		task.Title != fmt.Sprintf("Recommendation %d: Upgrade Airflow to 2.7.0 or later everywhere.", upgrade.ID) || !task.Due.Equal(recDue) {
		t.Errorf("scheduled task: %+v, %v", task, err)
	}
	if _, err := s.DecideRecommendation(ctx, upgrade.ID, incident.Decision{Kind: incident.AcceptRisk, DecidedBy: "carol", Reason: "r", Expires: c.now().AddDate(0, 1, 0)}); !errors.Is(err, incident.ErrDecision) ||
		!strings.Contains(err.Error(), "still open") {
		t.Errorf("deciding a scheduled recommendation again: %v", err)
	}
	if _, err := s.DecideRecommendation(ctx, window.ID, incident.Decision{Kind: incident.Schedule, DecidedBy: "carol"}); !errors.Is(err, incident.ErrDecision) {
		t.Errorf("scheduling without any due day: %v", err)
	}
	if _, err := s.DecideRecommendation(ctx, window.ID, incident.Decision{Kind: incident.AcceptRisk, DecidedBy: "dave", Reason: "busy", Expires: c.now().AddDate(0, 3, 0)}); !errors.Is(err, incident.ErrDecision) {
		t.Errorf("the owner accepting the risk: %v", err)
	}
	c.tick()
	expires := c.now().AddDate(0, 3, 0)
	if window, err = s.DecideRecommendation(ctx, window.ID, incident.Decision{Kind: incident.AcceptRisk, DecidedBy: "carol",
		Reason: "Airflow moves to the managed service in Q1; until then the data team patches monthly by hand.", Expires: expires}); err != nil {
		t.Fatal(err)
	}
	if st := window.Status(nil, c.now()); st != incident.RiskAccepted {
		t.Errorf("accepted: %s", st)
	}
	window.Text = "changed after the decision"
	if _, err := s.PutRecommendation(ctx, window, "alice"); !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), "stays as decided") {
		t.Errorf("changing a decided recommendation: %v", err)
	}
	if _, err := s.DecideRecommendation(ctx, 99, incident.Decision{Kind: incident.Schedule, DecidedBy: "carol"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deciding no recommendation: %v", err)
	}
	// Reviewed again when the acceptance is up: scheduled this time.
	c.tick()
	if window, err = s.DecideRecommendation(ctx, window.ID, incident.Decision{Kind: incident.Schedule, DecidedBy: "erin", Owner: "dave",
		Due: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), Reason: "the managed service slipped to Q3"}); err != nil || len(window.Decisions) != 2 {
		t.Fatalf("re-review: %+v, %v", window, err)
	}

	a, err = s.Analysis(ctx, in.ID)
	if err != nil || !a.Documented() || len(a.Causes) != 2 || len(a.Recommendations) != 2 || len(a.Recommendations[1].Decisions) != 2 ||
		a.Recommendations[1].Decisions[0].Kind != incident.AcceptRisk || !a.Recommendations[1].Decisions[0].Expires.Equal(expires) {
		t.Errorf("analysis: %+v, %v", a, err)
	}

	// The timeline tells it, and the audit log holds every write.
	tl, err := s.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl {
		if e.Kind == incident.EventAnalysis || e.Kind == incident.EventDecision {
			lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
		}
	}
	wantLines := []string{
		"alice analysis analysis written (65 characters)",
		fmt.Sprintf("alice analysis cause %d added: code_vulnerability (CWE-918 Server-Side Request Forgery (SSRF); component apache-airflow 2.6.3 (PyPI); configuration exposure=internet tag=airflow): Airflow before 2.7.0 lets a viewer test a connection to any URL.", ssrf.ID),
		fmt.Sprintf("alice analysis cause %d added: procedure_not_followed: Airflow 2.7.0 was out for three months; the data team's patch window was skipped twice.", patching.ID),
		fmt.Sprintf("bob analysis cause %d changed: procedure_not_followed: Airflow 2.7.0 was out for three months; the data team's patch window was skipped twice. Nobody checked.", patching.ID),
		fmt.Sprintf("alice analysis where else for cause %d: task %d for airflow-dr, task %d for airflow-stage, task %d for edge-proxy, task %d for ml-api", ssrf.ID, tasks[0].ID, tasks[1].ID, tasks[2].ID, tasks[3].ID),
		fmt.Sprintf("alice analysis where else for cause %d: task %d for airflow-prod", ssrf.ID, tasks[3].ID+1),
		fmt.Sprintf("alice analysis recommendation %d added: Upgrade Airflow to 2.7.0 or later everywhere. (owner bob, due 2026-11-15, cause %d)", upgrade.ID, ssrf.ID),
		fmt.Sprintf("alice analysis recommendation %d added: Make the monthly patch window mandatory for the data team. (owner dave, due -, cause %d)", window.ID, patching.ID),
		fmt.Sprintf("carol decision recommendation %d scheduled by carol: task %d (patch, owner bob, due 2026-11-15)", upgrade.ID, d.Task),
		fmt.Sprintf("carol decision recommendation %d: risk accepted by carol until %s: Airflow moves to the managed service in Q1; until then the data team patches monthly by hand.", window.ID, expires.Format(time.DateOnly)),
		fmt.Sprintf("erin decision recommendation %d scheduled by erin: task %d (change, owner dave, due 2027-01-31): the managed service slipped to Q3", window.ID, window.Decisions[1].Task),
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}
	es, err := s.AuditOf(ctx, fmt.Sprintf("incident:%d", in.ID))
	if err != nil {
		t.Fatal(err)
	}
	acts := map[string]int{}
	for _, e := range es {
		acts[e.Actor+" "+e.Action]++
	}
	for act, n := range map[string]int{"alice incident.rca.analysis": 1, "alice incident.rca.cause.create": 2, "bob incident.rca.cause.update": 1,
		"alice incident.rca.where_else": 2, "alice incident.task.create": 5, "alice incident.rca.recommendation.create": 2,
		"carol incident.task.create": 1, "carol incident.rca.decision": 2, "erin incident.rca.decision": 1, "erin incident.task.create": 1} {
		if acts[act] != n {
			t.Errorf("audit: %d × %q, want %d (%v)", acts[act], act, n, acts)
		}
	}
	verifyAudit(t, s)

	// SAMM VM3: of the closed and reviewed incidents, the share with a
	// documented root cause and recommendations.
	closeIncident := func(id int64) {
		t.Helper()
		if _, err := s.MoveIncident(ctx, id, incident.Closed, "alice", "done"); err != nil {
			t.Fatal(err)
		}
	}
	if cov, err := s.RCACoverage(ctx, store.RCACoverageQuery{}); err != nil || cov.Incidents != 0 || cov.Percent() != 0 {
		t.Errorf("coverage with nothing closed: %+v, %v", cov, err)
	}
	closeIncident(other.ID)
	for _, to := range []incident.State{incident.Triaged, incident.Eradicated, incident.Recovered, incident.Closed, incident.Reviewed} {
		if _, err := s.MoveIncident(ctx, in.ID, to, "alice", ""); err != nil {
			t.Fatalf("→ %s: %v", to, err)
		}
	}
	c.tick()
	noRCA, err := s.PutIncident(ctx, incident.Incident{Title: "Spam run from a contact form", Category: incident.Other, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Green}, Detected: c.now()}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	closeIncident(noRCA.ID)
	if _, err := s.PutIncident(ctx, incident.Incident{Title: "Open one", Category: incident.Other, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Green}, Detected: c.now()}, "bob"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    store.RCACoverageQuery
		want store.RCACoverage
	}{
		// other has a cause (the probe) and no recommendation.
		{store.RCACoverageQuery{}, store.RCACoverage{Incidents: 3, Documented: 1, Undocumented: []int64{other.ID, noRCA.ID}}},
		{store.RCACoverageQuery{To: in.Detected.Add(time.Second)}, store.RCACoverage{Incidents: 1, Documented: 1, Undocumented: []int64{}}},
		{store.RCACoverageQuery{From: c.now()}, store.RCACoverage{Incidents: 1, Documented: 0, Undocumented: []int64{noRCA.ID}}},
	} {
		got, err := s.RCACoverage(ctx, tc.q)
		if err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("RCACoverage(%+v) = %+v, %v; want %+v", tc.q, got, err, tc.want)
		}
	}
	if cov, _ := s.RCACoverage(ctx, store.RCACoverageQuery{}); fmt.Sprintf("%.1f", cov.Percent()) != "33.3" {
		t.Errorf("percent %.3f", cov.Percent())
	}
}

func hitLines(hits []store.WhereElseHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s %s %s in-incident=%v finding=%d: %s", h.Asset.Name, h.Asset.Team, h.Match, h.InIncident, h.Finding, h.Reason))
	}
	return out
}

// testBreaches: a personal data breach's facts, the deadline rules in
// force, management's decisions per jurisdiction and where each deadline
// stands.
func testBreaches(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	detected := c.now().Add(-100 * time.Hour)
	aware := detected.Add(10 * time.Hour)
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Customer table dumped through the reporting API", Category: incident.DataBreach,
		Severity: incident.SevCritical, Marking: incident.Marking{TLP: incident.Red}, Detected: detected}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	facts := incident.BreachFacts{PersonalData: true, Aware: aware, Categories: []incident.DataCategory{incident.DataContact, incident.DataHealth},
		Subjects: 1200, Jurisdictions: []string{"EU", "CN", "US-CO", "SG"}}
	if _, err := s.PutBreach(ctx, in.ID, incident.BreachFacts{Categories: facts.Categories}, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("categories without the flag: %v", err)
	}
	if _, err := s.PutBreach(ctx, 99, facts, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no incident: %v", err)
	}
	c.tick()
	if in, err = s.PutBreach(ctx, in.ID, facts, "alice"); err != nil || !cmp.Equal(in.Breach(), facts) || !in.Sensitive() {
		t.Fatalf("breach: %+v, %v", in.Breach(), err)
	}
	if got, err := s.Incident(ctx, in.ID); err != nil || !cmp.Equal(got, in) {
		t.Errorf("read back -put +got:\n%s (%v)", cmp.Diff(in, got), err)
	}
	if _, err := s.PutBreach(ctx, in.ID, facts, "bob"); err != nil {
		t.Fatal(err)
	}

	// Rules: the defaults, one replaced, one added, one reverted.
	rules, err := s.BreachRules(ctx)
	if err != nil || len(rules) != 4 || !cmp.Equal(rules, incident.Rules(incident.DefaultDeadlineRules(), nil)) {
		t.Fatalf("default rules: %+v, %v", rules, err)
	}
	cii := rules[0]
	cii.Hours, cii.Note = 1, "We operate critical information infrastructure (Art. 4, first paragraph)."
	c.tick()
	if err := s.PutBreachRule(ctx, cii, "ciso", "we are a CII operator"); err != nil {
		t.Fatal(err)
	}
	sg := incident.DeadlineRule{Jurisdiction: "SG", Law: "PDPA", Authority: "PDPC", Days: 3, TimeZone: "Asia/Singapore",
		Source: "Personal Data Protection Act 2012, s. 26D(1): within 3 calendar days after assessing the breach notifiable"}
	if err := s.PutBreachRule(ctx, sg, "ciso", "Singapore customers since 2026"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBreachRule(ctx, incident.DeadlineRule{Jurisdiction: "FR", Hours: 72}, "ciso", ""); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an invalid rule: %v", err)
	}
	if err := s.PutBreachRule(ctx, cii, "ciso", "again"); err != nil {
		t.Fatal(err)
	}
	rules, _ = s.BreachRules(ctx)
	var within []string
	for _, r := range rules {
		within = append(within, r.Jurisdiction+" "+r.Within())
	}
	if want := []string{"CN 1 hours", "EU 72 hours", "SG 3 days", "UK 72 hours", "US-CO 30 days"}; !slices.Equal(within, want) {
		t.Errorf("rules %q, want %q", within, want)
	}
	if err := s.DeleteBreachRule(ctx, "UK", "ciso", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a default: %v", err)
	}

	// Decisions.
	c.tick()
	if _, err := s.DecideBreach(ctx, incident.BreachDecision{Incident: in.ID, Jurisdiction: "UK", Action: incident.Notify, DecidedBy: "dpo"}); !errors.Is(err, incident.ErrDecision) {
		t.Errorf("a jurisdiction not named: %v", err)
	}
	if _, err := s.DecideBreach(ctx, incident.BreachDecision{Incident: in.ID, Jurisdiction: "EU", Action: incident.Notified, DecidedBy: "dpo",
		NotifiedAt: aware.Add(80 * time.Hour)}); !errors.Is(err, incident.ErrDecision) || !strings.Contains(err.Error(), "give the reasons for the delay") {
		t.Errorf("late without reasons: %v", err)
	}
	eu, err := s.DecideBreach(ctx, incident.BreachDecision{Incident: in.ID, Jurisdiction: "EU", Action: incident.Notified, DecidedBy: "dpo",
		NotifiedAt: aware.Add(70 * time.Hour), Reference: "DPC-2026-1182", Authority: "Data Protection Commission (IE)"})
	if err != nil || eu.ID == 0 || !eu.Decided.Equal(c.now()) {
		t.Fatalf("EU notified: %+v, %v", eu, err)
	}
	c.tick()
	cn, err := s.DecideBreach(ctx, incident.BreachDecision{Incident: in.ID, Jurisdiction: "CN", Action: incident.NoNotify, DecidedBy: "ciso",
		Reason: "No data of people in mainland China: the table holds EU customers only."})
	if err != nil || cn.Authority != cii.Authority {
		t.Fatalf("CN: %+v, %v", cn, err)
	}
	if _, err := s.DecideBreach(ctx, incident.BreachDecision{Incident: in.ID, Jurisdiction: "EU", Action: incident.NoNotify, DecidedBy: "dpo", Reason: "oops"}); !errors.Is(err, incident.ErrDecision) {
		t.Errorf("declining after notifying: %v", err)
	}
	ds, err := s.BreachDecisions(ctx, in.ID)
	if err != nil || len(ds) != 2 || ds[0].ID != eu.ID || ds[1].ID != cn.ID || !cmp.Equal(ds[0], eu) {
		t.Errorf("decisions: %+v, %v", ds, err)
	}

	// The list: this breach with where each deadline stands, one overdue
	// elsewhere, and no incident without personal data.
	c.tick()
	late, err := s.PutIncident(ctx, incident.Incident{Title: "Mail sent to the wrong customer", Category: incident.DataBreach, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Amber}, Detected: c.now().Add(-80 * time.Hour), PersonalData: true, Jurisdictions: []string{"UK"}}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutIncident(ctx, incident.Incident{Title: "Port scan", Category: incident.Other, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Clear}, Detected: c.now(), Owner: `"personal_data":true`}, "bob"); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListBreaches(ctx, c.now())
	if err != nil {
		t.Fatal(err)
	}
	var status []string
	for _, b := range list {
		line := fmt.Sprintf("%d overdue=%v", b.Incident.ID, b.Overdue())
		for _, o := range b.Obligations {
			line += " " + o.Jurisdiction + ":" + string(o.Status)
		}
		status = append(status, line)
	}
	wantStatus := []string{
		fmt.Sprintf("%d overdue=true UK:overdue", late.ID),
		fmt.Sprintf("%d overdue=true EU:notified CN:not_notifying US-CO:pending SG:overdue", in.ID),
	}
	if diff := cmp.Diff(wantStatus, status); diff != "" {
		t.Errorf("breaches -want +got:\n%s", diff)
	}
	c.tick()
	if err := s.DeleteBreachRule(ctx, "SG", "ciso", "no Singapore customers after all"); err != nil {
		t.Fatal(err)
	}
	if list, _ = s.ListBreaches(ctx, c.now()); len(list) != 2 || list[1].Obligations[3].Status != incident.NoRule {
		t.Errorf("after deleting SG's rule: %+v", list)
	}

	tl, _ := s.Timeline(ctx, in.ID)
	var lines []string
	for _, e := range tl {
		if e.Kind != incident.EventState {
			lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
		}
	}
	wantLines := []string{
		"alice classification personal data: categories contact, health (sensitive); 1200 people; jurisdictions EU, CN, US-CO, SG; aware " + aware.Format(time.RFC3339),
		"dpo decision breach EU: Data Protection Commission (IE) notified at " + aware.Add(70*time.Hour).Format(time.RFC3339) + ", reference DPC-2026-1182",
		"ciso decision breach CN: ciso decided not to notify 属地省级网信部门 (the provincial Cyberspace Administration): No data of people in mainland China: the table holds EU customers only.",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}
	var acts []string
	for _, obj := range []string{fmt.Sprintf("incident:%d", in.ID), "breach-rule:CN", "breach-rule:SG"} {
		es, err := s.AuditOf(ctx, obj)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			acts = append(acts, e.Actor+" "+e.Action+" "+e.Object)
		}
	}
	wantActs := []string{
		fmt.Sprintf("alice incident.create incident:%d", in.ID), fmt.Sprintf("alice incident.breach incident:%d", in.ID),
		fmt.Sprintf("dpo incident.breach.decision incident:%d", in.ID), fmt.Sprintf("ciso incident.breach.decision incident:%d", in.ID),
		"ciso breach.rule.put breach-rule:CN", "ciso breach.rule.put breach-rule:SG", "ciso breach.rule.delete breach-rule:SG",
	}
	if diff := cmp.Diff(wantActs, acts); diff != "" {
		t.Errorf("audit -want +got:\n%s", diff)
	}
	verifyAudit(t, s)
}
