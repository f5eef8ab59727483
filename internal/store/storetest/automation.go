package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// testAutomationRules: every save is a new version of the rule, audited
// as automation.version with its reason, and a version acts on events
// recorded after it (After is the last event id at save).
func testAutomationRules(t *testing.T, open Opener) {
	s, clk := openWithClock(t, open)
	ctx := context.Background()
	if _, err := s.PutAutomation(ctx, rules.Rule{Name: "x", Then: `tag("x")`}, " "); err == nil {
		t.Error("a rule saved without an actor was accepted")
	}
	if _, err := s.PutAutomation(ctx, rules.Rule{ID: 9, Name: "x", Then: `tag("x")`}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a version of rule 9, which does not exist: %v, want ErrNotFound", err)
	}
	kev := rules.Rule{Name: "KEV additions", On: []rules.Kind{rules.AdvisoryCreated, rules.AdvisoryChanged},
		When: "advisory.kev_added", Then: `tag("kev")`, Enabled: true, Reason: "CISA BOD 22-01"}
	v1, err := s.PutAutomation(ctx, kev, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if v1.ID != 1 || v1.Version != 1 || v1.By != "alice" || !v1.At.Equal(clk.now()) || v1.After != 0 {
		t.Errorf("first save = %+v, want rule 1 version 1 by alice at %s after event 0", v1, clk.now())
	}
	clk.tick()
	if n, err := s.AddEvents(ctx, []rules.Event{{Kind: rules.SLABreached, Key: "k1", Object: "finding:1"}}); err != nil || n != 1 {
		t.Fatalf("AddEvents: %d, %v", n, err)
	}
	clk.tick()
	sla, err := s.PutAutomation(ctx, rules.Rule{Name: "SLA", On: []rules.Kind{rules.SLABreached}, Then: `assign("ops")`}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if sla.ID != 2 || sla.Version != 1 || sla.After != 1 || sla.Enabled {
		t.Errorf("second rule = %+v, want rule 2 version 1, disabled, after event 1", sla)
	}
	clk.tick()
	edit := v1
	edit.When, edit.Enabled, edit.Reason = "advisory.kev_added && advisory.cvss >= 9", false, "too noisy"
	v2, err := s.PutAutomation(ctx, edit, "carol")
	if err != nil {
		t.Fatal(err)
	}
	if v2.ID != 1 || v2.Version != 2 || v2.By != "carol" || v2.After != 1 {
		t.Errorf("edit = %+v, want rule 1 version 2 by carol after event 1", v2)
	}

	for _, tc := range []struct {
		version int
		want    rules.Rule
	}{{0, v2}, {1, v1}, {2, v2}} {
		got, err := s.Automation(ctx, 1, tc.version)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Automation(1, %d) (-want +got):\n%s", tc.version, diff)
		}
	}
	if _, err := s.Automation(ctx, 1, 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Automation(1, 3): %v, want ErrNotFound", err)
	}
	vs, err := s.AutomationVersions(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]rules.Rule{v1, v2}, vs); diff != "" {
		t.Errorf("AutomationVersions(1) (-want +got):\n%s", diff)
	}
	if _, err := s.AutomationVersions(ctx, 7); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AutomationVersions(7): %v, want ErrNotFound", err)
	}
	all, err := s.ListAutomations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]rules.Rule{v2, sla}, all); diff != "" {
		t.Errorf("ListAutomations: latest versions by id (-want +got):\n%s", diff)
	}

	entries, err := s.AuditOf(ctx, "automation:1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, fmt.Sprintf("%s %s %s", e.Actor, e.Action, e.Reason))
	}
	if diff := cmp.Diff([]string{"alice automation.version CISA BOD 22-01", "carol automation.version too noisy"}, got); diff != "" {
		t.Errorf("audit of automation:1 (-want +got):\n%s", diff)
	}
}

// testAutomationEvents: events are unique by key, also when writers race
// to record the same deadline; the store fills the Env's kind, object and
// time; queries page either way and filter by kind; cursors keep where
// a consumer stopped; and claims turn into advisory events once.
func testAutomationEvents(t *testing.T, open Opener) {
	s, clk := openWithClock(t, open)
	ctx := context.Background()
	due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ev := func(k rules.Kind, id int64) rules.Event {
		return rules.Event{Kind: k, Key: rules.SLAKey(k, id, due), Object: fmt.Sprintf("finding:%d", id),
			Env: rules.Env{Finding: rules.Finding{ID: id, Asset: "web-01", Vuln: "CVE-2021-44228", Due: due, DaysLeft: -3}}}
	}
	first := []rules.Event{ev(rules.SLABreached, 1), ev(rules.SLABreached, 2), ev(rules.SLANear, 3), ev(rules.SLABreached, 1)}
	if n, err := s.AddEvents(ctx, first); err != nil || n != 3 {
		t.Fatalf("AddEvents with a key twice: %d new, %v; want 3", n, err)
	}
	clk.tick()
	if n, err := s.AddEvents(ctx, first[:2]); err != nil || n != 0 {
		t.Errorf("AddEvents again: %d new, %v; want 0", n, err)
	}

	// Eight checks race to record the same forty deadlines: each is one
	// event, and the new counts add up to forty.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
		errs  []error
	)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var evs []rules.Event
			for i := range 40 {
				// Each writer walks the keys from a different start, so
				// that their inserts interleave.
				evs = append(evs, ev(rules.AcceptanceExpiring, int64(100+(i+w*5)%40)))
			}
			n, err := s.AddEvents(ctx, evs)
			mu.Lock()
			defer mu.Unlock()
			total += n
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	// A writer that lost a race may be told to retry (ErrConflict); what
	// it did not record, a retry does, and nothing is ever doubled.
	for _, err := range errs {
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("concurrent AddEvents: %v", err)
		}
	}
	if len(errs) > 0 {
		var evs []rules.Event
		for i := range 40 {
			evs = append(evs, ev(rules.AcceptanceExpiring, int64(100+i)))
		}
		n, err := s.AddEvents(ctx, evs)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != 40 {
		t.Errorf("concurrent AddEvents recorded %d new events, want 40", total)
	}
	exp, err := s.Events(ctx, store.EventQuery{Kinds: []rules.Kind{rules.AcceptanceExpiring}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, e := range exp {
		if keys[e.Key] {
			t.Errorf("key %s recorded twice", e.Key)
		}
		keys[e.Key] = true
	}
	if len(exp) != 40 {
		t.Errorf("%d acceptance.expiring events, want 40", len(exp))
	}

	evs, err := s.Events(ctx, store.EventQuery{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Fatalf("Events(limit 3) gave %d", len(evs))
	}
	want := first[0]
	want.ID, want.At = evs[0].ID, clk.now().Add(-time.Second)
	want.Env.Kind, want.Env.Object, want.Env.At = string(want.Kind), want.Object, want.At
	if diff := cmp.Diff(want, evs[0]); diff != "" {
		t.Errorf("first event as stored (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		q    store.EventQuery
		want []int64
	}{
		{"after", store.EventQuery{After: evs[0].ID, Kinds: []rules.Kind{rules.SLABreached, rules.SLANear}}, []int64{evs[1].ID, evs[2].ID}},
		{"kind", store.EventQuery{Kinds: []rules.Kind{rules.SLANear}}, []int64{evs[2].ID}},
		{"newest before", store.EventQuery{Before: evs[2].ID, Newest: true}, []int64{evs[1].ID, evs[0].ID}},
		{"unknown kind", store.EventQuery{Kinds: []rules.Kind{rules.ReviewOverdue}}, nil},
	} {
		got, err := s.Events(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if diff := cmp.Diff(tc.want, ids); diff != "" {
			t.Errorf("%s: event ids (-want +got):\n%s", tc.name, diff)
		}
	}

	if pos, err := s.Cursor(ctx, "engine"); err != nil || pos != 0 {
		t.Errorf("Cursor of a consumer that never ran: %d, %v", pos, err)
	}
	for _, pos := range []int64{evs[1].ID, evs[2].ID} {
		if err := s.SetCursor(ctx, "engine", pos); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Cursor(ctx, "engine"); err != nil || got != pos {
			t.Errorf("Cursor after SetCursor(%d): %d, %v", pos, got, err)
		}
	}

	// A claim is an advisory.created event, once however often the
	// collector runs.
	if _, err := s.PutRecords(ctx, []advisory.Record{goRecord()}); err != nil {
		t.Fatal(err)
	}
	created := 0
	for range 3 {
		n, err := s.CollectEvents(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		created += n
	}
	adv, err := s.Events(ctx, store.EventQuery{Kinds: []rules.Kind{rules.AdvisoryCreated}})
	if err != nil {
		t.Fatal(err)
	}
	// The vulnerability's primary id is the CVE its GO record aliases.
	if created != 1 || len(adv) != 1 || adv[0].Object != "vuln:CVE-2020-36567" || !slices.Contains(adv[0].Env.Advisory.Aliases, "GO-2020-0001") ||
		!slices.Equal(adv[0].Env.Advisory.Sources, []string{"osv"}) {
		t.Errorf("collected %d events, advisory.created %+v; want one for CVE-2020-36567 from osv", created, adv)
	}
}

// testAutomationRuns: a (rule version, event) is claimed once, also by
// racing engines; a claimed run is pending until finished; runs list
// newest event first and filter by rule. Tags keep their first writer.
func testAutomationRuns(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	if _, err := s.AddEvents(ctx, []rules.Event{{Kind: rules.IncidentOpened, Key: "a", Object: "incident:1"},
		{Kind: rules.IncidentOpened, Key: "b", Object: "incident:2"}}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, store.EventQuery{})
	if err != nil || len(evs) != 2 {
		t.Fatalf("events %v, %v", evs, err)
	}
	if claimed := race(t, func() (bool, error) { return s.ClaimRun(ctx, 1, 1, evs[0].ID) }); claimed != 1 {
		t.Errorf("8 racing claims of one run: %d succeeded, want 1", claimed)
	}
	for _, c := range []struct {
		rule    int64
		version int
		event   int64
		want    bool
	}{{1, 1, evs[0].ID, false}, {1, 2, evs[0].ID, true}, {2, 1, evs[1].ID, true}, {1, 1, evs[1].ID, true}} {
		if ok, err := s.ClaimRun(ctx, c.rule, c.version, c.event); err != nil || ok != c.want {
			t.Errorf("ClaimRun(%d, %d, %d) = %v, %v; want %v", c.rule, c.version, c.event, ok, err, c.want)
		}
	}
	done := store.RuleRun{Rule: 1, Version: 1, Event: evs[0].ID, Status: "done",
		Outcome: rules.Outcome{Matched: true, Actions: []rules.Action{{Verb: rules.Tag, Args: []string{"x"}}}}, Results: []string{`tag("x"): incident:1`}}
	if err := s.FinishRun(ctx, done); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs(ctx, store.RunQuery{Rule: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, fmt.Sprintf("%d/v%d e%d %s %v %v", r.Rule, r.Version, r.Event, r.Status, r.Outcome.Actions, r.Results))
	}
	want := []string{
		fmt.Sprintf("1/v1 e%d pending [] []", evs[1].ID),
		fmt.Sprintf(`1/v1 e%d done [tag("x")] [tag("x"): incident:1]`, evs[0].ID),
		fmt.Sprintf("1/v2 e%d pending [] []", evs[0].ID),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Runs(rule 1), newest event first (-want +got):\n%s", diff)
	}
	if all, err := s.Runs(ctx, store.RunQuery{Limit: 2}); err != nil || len(all) != 2 {
		t.Errorf("Runs(limit 2): %d, %v", len(all), err)
	}

	for _, by := range []string{"rule:1/v1", "rule:2/v1"} {
		if err := s.AddTag(ctx, "incident:1", "exploited", by); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddTag(ctx, "vuln:CVE-2021-44228", "kev", "rule:1/v1"); err != nil {
		t.Fatal(err)
	}
	tags, err := s.Tags(ctx, "incident:1")
	if err != nil || len(tags) != 1 || tags[0].By != "rule:1/v1" || tags[0].Tag != "exploited" {
		t.Errorf("Tags(incident:1) = %+v, %v; want exploited by its first writer", tags, err)
	}
	if all, err := s.Tags(ctx, ""); err != nil || len(all) != 2 {
		t.Errorf("Tags() = %+v, %v; want 2", all, err)
	}
}

// testWatches: watches per owner, removed by their owner only, and a
// watch tells of each event once (ClaimWatchSend), also when engines race.
func testWatches(t *testing.T, open Opener) {
	s, clk := openWithClock(t, open)
	ctx := context.Background()
	w1, err := s.PutWatch(ctx, rules.Watch{User: "alice", Kind: rules.WatchKeyword, Value: " log4j ", To: "alice@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if w1.ID == 0 || w1.Value != "log4j" || !w1.Created.Equal(clk.now()) {
		t.Errorf("PutWatch = %+v, want an id, the value trimmed, created now", w1)
	}
	w2, err := s.PutWatch(ctx, rules.Watch{User: "王芳", Kind: rules.WatchKeyword, Value: "SQL注入", To: "https://hooks.example.cn/vmc"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.ListWatches(ctx, "王芳"); err != nil || len(got) != 1 || !cmp.Equal(got[0], w2) {
		t.Errorf("ListWatches(王芳) = %+v, %v; want %+v", got, err, w2)
	}
	if got, err := s.ListWatches(ctx, ""); err != nil || len(got) != 2 || got[0].ID != w1.ID {
		t.Errorf("ListWatches() = %+v, %v; want both, by id", got, err)
	}
	if err := s.DeleteWatch(ctx, w2.ID, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alice deleting 王芳's watch: %v, want ErrNotFound", err)
	}
	if claimed := race(t, func() (bool, error) { return s.ClaimWatchSend(ctx, w2.ID, 42, "sent") }); claimed != 1 {
		t.Errorf("8 racing claims of one notice: %d succeeded, want 1", claimed)
	}
	if ok, err := s.ClaimWatchSend(ctx, w1.ID, 42, "sent"); err != nil || !ok {
		t.Errorf("another watch on the same event: %v, %v; want claimed", ok, err)
	}
	if err := s.DeleteWatch(ctx, w2.ID, "王芳"); err != nil {
		t.Errorf("王芳 deleting her watch: %v", err)
	}
	if err := s.DeleteWatch(ctx, w2.ID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting it again: %v, want ErrNotFound", err)
	}
	if got, err := s.ListWatches(ctx, "王芳"); err != nil || len(got) != 0 {
		t.Errorf("ListWatches(王芳) after delete = %+v, %v", got, err)
	}
}

// race runs claim from eight goroutines at once and counts the claims
// that succeeded. A claim that lost may be told to retry (ErrConflict),
// which is not a success; any other error fails the test.
func race(t *testing.T, claim func() (bool, error)) int {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed int
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := claim()
			if err != nil && !errors.Is(err, store.ErrConflict) {
				t.Errorf("racing claim: %v", err)
			}
			if ok {
				mu.Lock()
				claimed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return claimed
}

// testAutomationAdvisoryEvents: what the collector says of a
// vulnerability's new claims, step by step. kev_added is set only by a
// vulnerability's first KEV claim, whichever record made the earlier one
// and whether that one is still current or history since; epss_before is
// the score a record's new EPSS claim replaced; a vulnerability with
// earlier claims is changed, not created.
func testAutomationAdvisoryEvents(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	kev := func(source, id, added string) advisory.Record {
		return advisory.Record{Source: source, ID: id, KEV: &advisory.KEV{DateAdded: added}}
	}
	epss := func(id string, score float64, date string) advisory.Record {
		return advisory.Record{Source: "epss", ID: id, EPSS: &advisory.EPSS{Score: score, Date: date}}
	}
	type want struct {
		kind       rules.Kind
		kevAdded   bool
		epssBefore float64
	}
	var last int64
	for _, step := range []struct {
		name string
		put  []advisory.Record
		want map[string]want // by object
	}{
		{"a new vulnerability", []advisory.Record{goRecord()},
			map[string]want{"vuln:CVE-2020-36567": {kind: rules.AdvisoryCreated}}},
		{"listed in KEV", []advisory.Record{kev("kev", "CVE-2020-36567", "2021-12-10")},
			map[string]want{"vuln:CVE-2020-36567": {kind: rules.AdvisoryChanged, kevAdded: true}}},
		{"listed again by another record", []advisory.Record{kev("cve5", "CVE-2020-36567", "2021-12-10")},
			map[string]want{"vuln:CVE-2020-36567": {kind: rules.AdvisoryChanged}}},
		{"created listed, scored", []advisory.Record{kev("kev", "CVE-2020-28483", "2022-01-10"), epss("CVE-2020-36567", 0.1, "2024-01-01")},
			map[string]want{"vuln:CVE-2020-28483": {kind: rules.AdvisoryCreated, kevAdded: true}, "vuln:CVE-2020-36567": {kind: rules.AdvisoryChanged}}},
		// The first KEV claim of CVE-2020-28483 is history now.
		{"entry changed, score changed", []advisory.Record{kev("kev", "CVE-2020-28483", "2022-01-11"), epss("CVE-2020-36567", 0.9, "2024-01-02")},
			map[string]want{"vuln:CVE-2020-28483": {kind: rules.AdvisoryChanged}, "vuln:CVE-2020-36567": {kind: rules.AdvisoryChanged, epssBefore: 0.1}}},
	} {
		put(t, s, step.put...)
		for {
			n, err := s.CollectEvents(ctx, 0)
			if err != nil {
				t.Fatalf("%s: CollectEvents: %v", step.name, err)
			}
			if n == 0 {
				break
			}
		}
		evs, err := s.Events(ctx, store.EventQuery{After: last, Kinds: []rules.Kind{rules.AdvisoryCreated, rules.AdvisoryChanged}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]want{}
		for _, e := range evs {
			if _, dup := got[e.Object]; dup {
				t.Errorf("%s: two events for %s", step.name, e.Object)
			}
			got[e.Object] = want{kind: e.Kind, kevAdded: e.Env.Advisory.KEVAdded, epssBefore: e.Env.Advisory.EPSSBefore}
			last = e.ID
		}
		if diff := cmp.Diff(step.want, got, cmp.AllowUnexported(want{})); diff != "" {
			t.Errorf("%s: events (-want +got):\n%s", step.name, diff)
		}
	}
}
