// Package storetest is the conformance suite every store passes. A store's
// own tests call Run with a function that opens a fresh, empty store.
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
	"github.com/vmc-dev/vmc/internal/store"
)

// Opener returns a new, empty, migrated store. now is the clock the store
// must use; it is advanced by the suite between writes so that history
// has distinct times.
type Opener func(t *testing.T, now func() time.Time) store.Store

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"CreateAndRead", testCreateAndRead},
		{"UpdateKeepsHistory", testUpdateKeepsHistory},
		{"AliasResolution", testAliasResolution},
		{"RelatedDoesNotMerge", testRelatedDoesNotMerge},
		{"RetractedAliasSplits", testRetractedAliasSplits},
		{"DocumentsKeepRecordsApart", testDocuments},
		{"FailedBatchLeavesNothing", testFailedBatchLeavesNothing},
		{"ConcurrentWriters", testConcurrentWriters},
		{"SnapshotRetiresMissing", testRetireMissing},
		{"ListPagingAndFilters", testList},
		{"SearchMatchesScan", testSearchMatchesScan},
		{"FindingSSVC", testFindingSSVC},
		{"FindingBrief", testFindingBrief},
		{"Stats", testStats},
		{"Documents", testDocumentFingerprints},
		{"Assets", testAssets},
		{"AffectedFor", testAffectedFor},
		{"AffectedForBatch", testAffectedForBatch},
		{"Stamps", testStamps},
		{"Findings", testFindings},
		{"FindingsFollowMerges", testFindingsFollowMerges},
		{"FindingKeysFollowVulns", testFindingKeysFollowVulns},
		{"FindingDecisions", testFindingDecisions},
		{"FindingPlans", testFindingPlans},
		{"Users", testUsers},
		{"Exercises", testExercises},
		{"Incidents", testIncidents},
		{"Evidence", testEvidence},
		{"EvidenceConcurrent", testEvidenceConcurrent},
		{"EvidenceLarge", testEvidenceLarge},
		{"Process", testProcess},
		{"Disclosures", testDisclosures},
		{"RootCauses", testRCA},
		{"Breaches", testBreaches},
		{"Communication", testCommunication},
		{"Patches", testPatches},
		{"Advisories", testAdvisories},
		{"IncidentMetrics", testIncidentMetrics},
		{"Baselines", testBaselines},
		{"SnapshotImport", testSnapshotImport},
		{"Trust", testTrust},
		{"AttackPaths", testAttackPaths},
		{"AttackPathMarks", testAttackPathMarks},
		{"Suggestions", testSuggestions},
		{"Maintenance", testMaintenance},
		{"AutomationRules", testAutomationRules},
		{"AutomationEvents", testAutomationEvents},
		{"AutomationAdvisoryEvents", testAutomationAdvisoryEvents},
		{"AutomationRuns", testAutomationRuns},
		{"Watches", testWatches},
		{"Identifiers", testIdentifiers},
		{"IdentifiersConcurrent", testIdentifiersConcurrent},
		{"TAXII", testTAXII},
		{"CSAFProvider", testCSAFProvider},
		{"Federation", testFederation},
		{"SignInLimits", testSignInLimits},
		{"TakeLimits", testTakeLimits},
		{"ServerSecrets", testServerSecrets},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// clock is a manual clock: every call to tick moves it one second.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) tick() {
	c.mu.Lock()
	c.t = c.t.Add(time.Second)
	c.mu.Unlock()
}

func openWithClock(t *testing.T, open Opener) (store.Store, *clock) {
	c := newClock()
	s := open(t, c.now)
	t.Cleanup(func() {
		if err := s.Check(context.Background()); err != nil {
			t.Errorf("integrity check after test: %v", err)
		}
		s.Close()
	})
	return s, c
}

// The records below carry real identifiers and texts from the Go
// vulnerability database (GO-2020-0001, GO-2020-0005) and the CVE list, cut
// down to the fields each test needs.
func goRecord() advisory.Record {
	return advisory.Record{
		Source:    "osv",
		ID:        "GO-2020-0001",
		Aliases:   []string{"CVE-2020-36567", "GHSA-6vm3-jj99-7229"},
		Published: time.Date(2021, 4, 14, 20, 4, 52, 0, time.UTC),
		Titles:    []advisory.Text{{Lang: "en", Value: "Arbitrary log line injection in github.com/gin-gonic/gin"}},
		Affected: []advisory.Affected{{Ecosystem: "Go", Package: "github.com/gin-gonic/gin",
			Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "1.6.0"}}}}}},
		References: []advisory.Reference{{Type: "FIX", URL: "https://github.com/gin-gonic/gin/pull/2237"}},
	}
}

func cveRecord() advisory.Record {
	return advisory.Record{
		Source:       "cve5",
		ID:           "CVE-2020-36567",
		State:        advisory.StatePublished,
		Published:    time.Date(2022, 8, 4, 0, 0, 0, 0, time.UTC),
		Descriptions: []advisory.Text{{Lang: "en", Value: "Unsanitized input in the default logger in github.com/gin-gonic/gin before v1.6.0 allows remote attackers to inject arbitrary log lines."}},
		Severities:   []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", Score: 7.5, Rating: "HIGH", Provider: "CISA-ADP"}},
		CWEs:         []advisory.CWE{{ID: "CWE-117", Provider: "Go"}},
	}
}

func put(t *testing.T, s store.Store, recs ...advisory.Record) store.BatchResult {
	t.Helper()
	res, err := s.PutRecords(context.Background(), recs)
	if err != nil {
		t.Fatalf("PutRecords: %v", err)
	}
	return res
}

func vuln(t *testing.T, s store.Store, id string, history bool) advisory.Vulnerability {
	t.Helper()
	v, err := s.Vuln(context.Background(), id, store.VulnOptions{History: history})
	if err != nil {
		t.Fatalf("Vuln(%s): %v", id, err)
	}
	return v
}

func testCreateAndRead(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	if got, want := put(t, s, goRecord(), cveRecord()), (store.BatchResult{New: 2}); got != want {
		t.Errorf("first put: got %+v, want %+v", got, want)
	}
	v := vuln(t, s, "CVE-2020-36567", false)
	if v.ID != "CVE-2020-36567" {
		t.Errorf("primary id = %s, want the CVE", v.ID)
	}
	wantAliases := []string{"CVE-2020-36567", "GHSA-6vm3-jj99-7229", "GO-2020-0001"}
	if diff := cmp.Diff(wantAliases, v.Aliases); diff != "" {
		t.Errorf("aliases -want +got:\n%s", diff)
	}
	title, ok := v.Field(advisory.FieldTitle, "en")
	if !ok {
		t.Fatal("no title claim")
	}
	wantProv := advisory.Provenance{Source: "osv", Record: "GO-2020-0001", Seen: c.now()}
	if diff := cmp.Diff(wantProv, title.Chosen().Provenance); diff != "" {
		t.Errorf("title provenance -want +got:\n%s", diff)
	}
	// Both sources state a publication date; the CVE record outranks OSV.
	pub, _ := v.Field(advisory.FieldPublished, "")
	if len(pub.Claims) != 2 || pub.Chosen().Source != "cve5" {
		t.Errorf("published: got %d claims chosen from %q, want 2 from cve5", len(pub.Claims), pub.Chosen().Source)
	}
	rec, err := v.Record()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Affected) != 1 || rec.Affected[0].Package != "github.com/gin-gonic/gin" {
		t.Errorf("merged affected = %+v", rec.Affected)
	}
	for _, alias := range []string{"go-2020-0001", "GHSA-6VM3-JJ99-7229", "cve-2020-36567"} {
		if got := vuln(t, s, alias, false); got.ID != v.ID {
			t.Errorf("Vuln(%s).ID = %s, want %s", alias, got.ID, v.ID)
		}
	}
	if _, err := s.Vuln(context.Background(), "CVE-1999-0001", store.VulnOptions{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Vuln(unknown) error = %v, want ErrNotFound", err)
	}
}

func testUpdateKeepsHistory(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	put(t, s, cveRecord())
	first := c.now()
	c.tick()

	if got, want := put(t, s, cveRecord()), (store.BatchResult{Unchanged: 1}); got != want {
		t.Errorf("identical re-put: got %+v, want %+v", got, want)
	}

	changed := cveRecord()
	changed.Descriptions[0].Value += " (updated)"
	changed.Severities = nil // the ADP withdrew its score
	changed.Titles = []advisory.Text{{Lang: "en", Value: "Log injection in gin"}}
	if got, want := put(t, s, changed), (store.BatchResult{Changed: 1}); got != want {
		t.Errorf("changed re-put: got %+v, want %+v", got, want)
	}
	v := vuln(t, s, "CVE-2020-36567", true)
	desc, _ := v.Field(advisory.FieldDescription, "en")
	if len(desc.Claims) != 1 || desc.Chosen().Seen != c.now() {
		t.Errorf("description: %d claims, seen %v; want 1 seen %v", len(desc.Claims), desc.Chosen().Seen, c.now())
	}
	if _, ok := v.Field(advisory.FieldSeverity, "CVSS_V3.1/CISA-ADP"); ok {
		t.Error("withdrawn severity is still current")
	}
	type hist struct {
		Field    advisory.Field
		Key      string
		Seen     time.Time
		Replaced time.Time
	}
	var got []hist
	for _, h := range v.History {
		got = append(got, hist{h.Field, h.Key, h.Seen, h.Replaced})
	}
	want := []hist{
		{advisory.FieldDescription, "en", first, c.now()},
		{advisory.FieldSeverity, "CVSS_V3.1/CISA-ADP", first, c.now()},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history -want +got:\n%s", diff)
	}
	var old string
	for _, h := range v.History {
		if h.Field == advisory.FieldDescription {
			old = string(h.Value)
		}
	}
	if want := `"Unsanitized input in the default logger in github.com/gin-gonic/gin before v1.6.0 allows remote attackers to inject arbitrary log lines."`; old != want {
		t.Errorf("history keeps %s, want the old description %s", old, want)
	}
}

func testAliasResolution(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	// Three records that only become one vulnerability together:
	// GO-2020-0005 names two CVEs and two GHSAs; each CVE record names none.
	put(t, s, advisory.Record{Source: "cve5", ID: "CVE-2020-15106"})
	put(t, s, advisory.Record{Source: "cve5", ID: "CVE-2020-15112"})
	put(t, s, advisory.Record{Source: "ghsa", ID: "GHSA-p4g4-wgrh-qrg2", Aliases: []string{"CVE-2020-15112"}})
	st, _ := s.Stats(context.Background())
	if st.Vulnerabilities != 2 {
		t.Fatalf("before the joining record: %d vulnerabilities, want 2", st.Vulnerabilities)
	}
	res := put(t, s, advisory.Record{Source: "osv", ID: "GO-2020-0005",
		Aliases: []string{"CVE-2020-15106", "CVE-2020-15112", "GHSA-m332-53r6-2w93", "GHSA-p4g4-wgrh-qrg2"}})
	if res.Merged != 1 {
		t.Errorf("merged = %d, want 1", res.Merged)
	}
	st, _ = s.Stats(context.Background())
	if st.Vulnerabilities != 1 {
		t.Errorf("after: %d vulnerabilities, want 1", st.Vulnerabilities)
	}
	v := vuln(t, s, "GHSA-m332-53r6-2w93", false)
	if v.ID != "CVE-2020-15106" {
		t.Errorf("primary = %s, want CVE-2020-15106", v.ID)
	}
	if len(v.Sources) != 4 {
		t.Errorf("sources = %+v, want 4 records", v.Sources)
	}
}

func testRelatedDoesNotMerge(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	// An AlmaLinux erratum lists the CVEs it fixes as related, not aliases.
	put(t, s, advisory.Record{Source: "cve5", ID: "CVE-2023-38408"},
		advisory.Record{Source: "osv", ID: "ALSA-2023:4419", Related: []string{"CVE-2023-38408"}})
	st, _ := s.Stats(context.Background())
	if st.Vulnerabilities != 2 {
		t.Errorf("%d vulnerabilities, want 2: related ids must not merge", st.Vulnerabilities)
	}
	if _, err := s.Vuln(context.Background(), "ALSA-2023:4419", store.VulnOptions{}); err != nil {
		t.Errorf("Vuln(ALSA-2023:4419): %v", err)
	}
}

func testFailedBatchLeavesNothing(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	bad := advisory.Record{Source: "osv", ID: "GO-2020-0003", Aliases: []string{"CVE-2020-36568", "not an id"}}
	_, err := s.PutRecords(context.Background(), []advisory.Record{goRecord(), cveRecord(), bad})
	if !errors.Is(err, advisory.ErrInvalid) {
		t.Fatalf("error = %v, want ErrInvalid", err)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Vulnerabilities != 0 || st.Records != 0 || st.CurrentClaims != 0 || len(st.ByKind) != 0 {
		t.Errorf("after a failed batch the store holds %+v, want nothing", st)
	}
	// The same store still takes the good records.
	if got := put(t, s, goRecord(), cveRecord()); got.New != 2 {
		t.Errorf("put after failure: %+v", got)
	}
}

func testConcurrentWriters(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	const writers, groups = 6, 40
	// Every writer writes every group in its own order, each group being a
	// CVE and an OSV record that aliases it: the same vulnerabilities race
	// to be created and merged.
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range groups {
				g := (i*7 + w*13) % groups
				cve := fmt.Sprintf("CVE-2024-%05d", 1000+g)
				recs := []advisory.Record{
					{Source: fmt.Sprintf("src%d", w), ID: fmt.Sprintf("GO-2024-%04d", g), Aliases: []string{cve}},
					{Source: "cve5", ID: cve, Titles: []advisory.Text{{Lang: "en", Value: fmt.Sprintf("writer %d", w)}}},
				}
				if _, err := s.PutRecords(context.Background(), recs); err != nil {
					errs <- fmt.Errorf("writer %d group %d: %w", w, g, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := store.Stats{Vulnerabilities: groups, Records: groups * (writers + 1)}
	if st.Vulnerabilities != want.Vulnerabilities || st.Records != want.Records {
		t.Errorf("got %d vulnerabilities, %d records; want %d, %d", st.Vulnerabilities, st.Records, want.Vulnerabilities, want.Records)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

func testList(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	var recs []advisory.Record
	for i := range 25 {
		recs = append(recs, advisory.Record{Source: "cve5", ID: fmt.Sprintf("CVE-2023-%05d", 20000+i),
			Published: time.Date(2023, 1, 1+i, 0, 0, 0, 0, time.UTC),
			Titles:    []advisory.Text{{Lang: "en", Value: fmt.Sprintf("Title %d", i)}}})
	}
	// Two records with the same publication date and one with none, to
	// exercise the tie-break and the unknown date.
	recs = append(recs,
		advisory.Record{Source: "cve5", ID: "CVE-2023-10001", Published: time.Date(2023, 1, 25, 0, 0, 0, 0, time.UTC)},
		advisory.Record{Source: "kev", ID: "CVE-2021-44228", KEV: &advisory.KEV{DateAdded: "2021-12-10"},
			Titles: []advisory.Text{{Lang: "en", Value: "Apache Log4j2 Remote Code Execution Vulnerability"}}})
	put(t, s, recs...)

	var all []string
	q := store.VulnQuery{Limit: 10}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		p, err := s.ListVulns(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			all = append(all, it.ID)
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if len(all) != 27 {
		t.Fatalf("paged through %d items, want 27", len(all))
	}
	// The stored summaries, computed as the batch was written, equal the
	// summaries of the vulnerabilities read back.
	p, err := s.ListVulns(context.Background(), store.VulnQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		v := vuln(t, s, it.ID, false)
		if diff := cmp.Diff(v.Summary(), it); diff != "" {
			t.Errorf("%s: stored summary differs from the merged view's -want +got:\n%s", it.ID, diff)
		}
	}
	if all[0] != "CVE-2023-10001" || all[1] != "CVE-2023-20024" || all[26] != "CVE-2021-44228" {
		t.Errorf("order: first %v, last %s", all[:2], all[26])
	}
	filters := []struct {
		name string
		q    store.VulnQuery
		want []string
	}{
		{"text in title, any case", store.VulnQuery{Text: "log4J"}, []string{"CVE-2021-44228"}},
		{"text in id", store.VulnQuery{Text: "2023-2002"}, []string{"CVE-2023-20024", "CVE-2023-20023", "CVE-2023-20022", "CVE-2023-20021", "CVE-2023-20020"}},
		{"like wildcards are literal", store.VulnQuery{Text: "%"}, nil},
		{"kev", store.VulnQuery{KEV: true}, []string{"CVE-2021-44228"}},
		{"source", store.VulnQuery{Source: "kev"}, []string{"CVE-2021-44228"}},
	}
	for _, f := range filters {
		p, err := s.ListVulns(context.Background(), f.q)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		var got []string
		for _, it := range p.Items {
			got = append(got, it.ID)
		}
		if diff := cmp.Diff(f.want, got); diff != "" {
			t.Errorf("%s: -want +got:\n%s", f.name, diff)
		}
	}
	if _, err := s.ListVulns(context.Background(), store.VulnQuery{After: "!!"}); err == nil {
		t.Error("a malformed cursor was accepted")
	}
	testListSorted(t, s)
	testSearchFollowsChanges(t, s)
}

// testSearchFollowsChanges changes a title and merges two vulnerabilities,
// then searches: the text index (SQLite's trigram table, PostgreSQL's
// trigram index) must follow every write of the searched text.
func testSearchFollowsChanges(t *testing.T, s store.Store) {
	ids := func(text string) []string {
		t.Helper()
		p, err := s.ListVulns(context.Background(), store.VulnQuery{Text: text})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		var got []string
		for _, it := range p.Items {
			got = append(got, it.ID)
		}
		return got
	}
	put(t, s, advisory.Record{Source: "cve5", ID: "CVE-2024-30001", Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Titles: []advisory.Text{{Lang: "en", Value: "Frobnicator overflow"}}})
	put(t, s, advisory.Record{Source: "cve5", ID: "CVE-2024-30001", Modified: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
		Titles: []advisory.Text{{Lang: "en", Value: "Quuxifier overflow"}}})
	put(t, s, advisory.Record{Source: "cnvd", ID: "CNVD-2024-30002", Titles: []advisory.Text{{Lang: "zh", Value: "某路由器命令注入漏洞"}}})
	put(t, s, advisory.Record{Source: "ghsa", ID: "GHSA-aaaa-bbbb-cccc", Aliases: []string{"CVE-2024-30001", "CNVD-2024-30002"}})
	for _, c := range []struct {
		text string
		want []string
	}{
		{"frobnicator", nil},
		{"quuxifier", []string{"CVE-2024-30001"}},
		{"路由器命令", []string{"CVE-2024-30001"}},
		{"CNVD-2024-30002", []string{"CVE-2024-30001"}},
		{"ghsa-aaaa", []string{"CVE-2024-30001"}},
	} {
		if diff := cmp.Diff(c.want, ids(c.text)); diff != "" {
			t.Errorf("search %q after the changes: -want +got:\n%s", c.text, diff)
		}
	}
}

// testListSorted scores and rates three of testList's records, then sorts
// and filters by what it set, paging in twos so cursors of every sort key
// are used.
func testListSorted(t *testing.T, s store.Store) {
	put(t, s,
		advisory.Record{Source: "nvd", ID: "CVE-2023-20001", Published: time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC),
			Severities: []advisory.Severity{{Type: "CVSS_V3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "CRITICAL"}}},
		advisory.Record{Source: "nvd", ID: "CVE-2023-20002", Published: time.Date(2023, 1, 3, 0, 0, 0, 0, time.UTC),
			Severities: []advisory.Severity{{Type: "CVSS_V3.1", Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", Score: 5.9, Rating: "MEDIUM"}}},
		advisory.Record{Source: "cnvd", ID: "CNVD-2023-00001", Aliases: []string{"CVE-2023-20003"},
			Titles:     []advisory.Text{{Lang: "zh-CN", Value: "某产品远程代码执行漏洞"}},
			Severities: []advisory.Severity{{Type: "CNVD", Rating: "HIGH"}}},
		advisory.Record{Source: "epss", ID: "CVE-2023-20002", EPSS: &advisory.EPSS{Score: 0.42, Date: "2023-02-01"}},
		advisory.Record{Source: "epss", ID: "CVE-2023-20001", EPSS: &advisory.EPSS{Score: 0.07, Date: "2023-02-01"}})
	ids := func(q store.VulnQuery) []string {
		t.Helper()
		var got []string
		q.Limit = 2
		for pages := 0; pages < 20; pages++ {
			p, err := s.ListVulns(context.Background(), q)
			if err != nil {
				t.Fatalf("ListVulns(%+v): %v", q, err)
			}
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			if p.Next == "" {
				return got
			}
			q.After = p.Next
		}
		t.Fatalf("ListVulns(%+v): paging does not end", q)
		return nil
	}
	for _, tc := range []struct {
		name string
		q    store.VulnQuery
		want []string
	}{
		{"score descending, ties by id", store.VulnQuery{Sort: "-score", Severity: []string{"critical", "medium", "high"}},
			[]string{"CVE-2023-20001", "CVE-2023-20002", "CVE-2023-20003"}},
		{"severity is any of, any case", store.VulnQuery{Severity: []string{"High"}}, []string{"CVE-2023-20003"}},
		{"epss at least", store.VulnQuery{MinEPSS: 0.05, Sort: "epss"}, []string{"CVE-2023-20001", "CVE-2023-20002"}},
		{"id ascending", store.VulnQuery{Text: "CVE-2023-2000", Sort: "id"},
			[]string{"CVE-2023-20000", "CVE-2023-20001", "CVE-2023-20002", "CVE-2023-20003", "CVE-2023-20004", "CVE-2023-20005", "CVE-2023-20006", "CVE-2023-20007", "CVE-2023-20008", "CVE-2023-20009"}},
		{"published in a range", store.VulnQuery{PublishedFrom: time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC), PublishedTo: time.Date(2023, 1, 4, 0, 0, 0, 0, time.UTC), Sort: "published"},
			[]string{"CVE-2023-20001", "CVE-2023-20002"}},
		{"Chinese title text", store.VulnQuery{Text: "远程代码执行"}, []string{"CVE-2023-20003"}},
	} {
		if diff := cmp.Diff(tc.want, ids(tc.q)); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tc.name, diff)
		}
	}
	p, err := s.ListVulns(context.Background(), store.VulnQuery{Sort: "score", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListVulns(context.Background(), store.VulnQuery{Sort: "epss", After: p.Next}); !errors.Is(err, store.ErrBadQuery) {
		t.Errorf("a cursor of another sort: %v, want ErrBadQuery", err)
	}
	if _, err := s.ListVulns(context.Background(), store.VulnQuery{Sort: "title"}); !errors.Is(err, store.ErrBadQuery) {
		t.Errorf("unknown sort: %v, want ErrBadQuery", err)
	}
}

func testStats(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	put(t, s, goRecord(), cveRecord())
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := store.Stats{
		Vulnerabilities: 1, Records: 2,
		BySource: map[string]int{"osv": 1, "cve5": 1},
		ByKind:   map[string]int{"CVE": 1, "GHSA": 1, "GO": 1},
		// osv: aliases, published, title, affected, references;
		// cve5: published, state, description, cwes, severity.
		CurrentClaims: 10,
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats -want +got:\n%s", diff)
	}

	// A CNVD entry no other source carries (CNVD-2021-95914, which cites
	// no CVE in this store) is what CNVD alone keeps.
	put(t, s, advisory.Record{Source: "cnvd", ID: "CNVD-2021-95914"})
	cov, err := s.Coverage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantCov := map[string]store.Coverage{"osv": {Vulnerabilities: 1}, "cve5": {Vulnerabilities: 1}, "cnvd": {Vulnerabilities: 1, Only: 1}}
	if diff := cmp.Diff(wantCov, cov); diff != "" {
		t.Errorf("coverage -want +got:\n%s", diff)
	}
}

// kevRecord is a real entry of CISA's KEV catalogue 2025.08.25, cut to the
// fields the test needs.
func kevRecord(id, added string) advisory.Record {
	return advisory.Record{Source: "kev", ID: id, KEV: &advisory.KEV{DateAdded: added, Catalog: "2025.08.25"},
		Modified: time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC)}
}

func testRetireMissing(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	catalog := time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	put(t, s, kevRecord("CVE-2021-44228", "2021-12-10"), kevRecord("CVE-2024-4577", "2024-06-12"), kevRecord("CVE-2023-44487", "2023-10-10"))
	c.tick()
	n, err := s.RetireMissing(ctx, "kev", []string{"CVE-2021-44228", "CVE-2024-4577"}, catalog)
	if err != nil || n != 1 {
		t.Fatalf("RetireMissing = %d, %v; want 1", n, err)
	}
	v := vuln(t, s, "CVE-2023-44487", true)
	if _, ok := v.Field(advisory.FieldKEV, ""); ok {
		t.Error("a retired record's KEV claim is still current")
	}
	// Retiring closes every claim of the record: its KEV entry and the
	// catalogue date it carried as modified.
	var closed []advisory.Field
	for _, h := range v.History {
		if h.Replaced == c.now() {
			closed = append(closed, h.Field)
		}
	}
	if diff := cmp.Diff([]advisory.Field{advisory.FieldModified, advisory.FieldKEV}, closed); diff != "" {
		t.Errorf("claims closed by retiring -want +got:\n%s", diff)
	}
	if len(v.Sources) != 1 || v.Sources[0].Retired != c.now() {
		t.Errorf("sources = %+v, want the kev record retired now", v.Sources)
	}
	if sum := v.Summary(); sum.KEV {
		t.Error("summary still says KEV")
	}
	p, _ := s.ListVulns(ctx, store.VulnQuery{KEV: true})
	if len(p.Items) != 2 {
		t.Errorf("KEV filter lists %d, want 2", len(p.Items))
	}
	st, _ := s.Stats(ctx)
	if st.Records != 2 {
		t.Errorf("records = %d, want 2 current", st.Records)
	}
	// Retiring again with the same snapshot does nothing more.
	if n, _ := s.RetireMissing(ctx, "kev", []string{"CVE-2021-44228", "CVE-2024-4577"}, catalog); n != 0 {
		t.Errorf("second RetireMissing = %d, want 0", n)
	}
	// An older catalogue's entry does not overwrite a newer one.
	older := kevRecord("CVE-2021-44228", "2021-12-10")
	older.KEV.DueDate = "2021-12-24"
	older.Modified = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := put(t, s, older); got.Stale != 1 {
		t.Errorf("older catalogue entry: %+v, want stale", got)
	}
	// The retired entry in a copy of an older catalogue stays retired.
	olderCopy := kevRecord("CVE-2023-44487", "2023-10-10")
	olderCopy.Modified = time.Date(2025, 8, 18, 0, 0, 0, 0, time.UTC)
	if got := put(t, s, olderCopy); got.Stale != 1 {
		t.Errorf("retired entry from an older catalogue: %+v, want stale", got)
	}
	// The entry returns in a later catalogue: the record is revived.
	c.tick()
	back := kevRecord("CVE-2023-44487", "2023-10-10")
	back.Modified = catalog.AddDate(0, 0, 7)
	if got := put(t, s, back); got.Changed != 1 {
		t.Errorf("re-adding: %+v, want changed", got)
	}
	v = vuln(t, s, "CVE-2023-44487", false)
	if _, ok := v.Field(advisory.FieldKEV, ""); !ok || !v.Sources[0].Retired.IsZero() {
		t.Errorf("revived record: kev claim present %v, retired %v", ok, v.Sources[0].Retired)
	}
}

// Two vendors' CSAF advisories about one CVE are two records of one
// vulnerability, each keeping its own claims. (The tracking ids are real:
// Red Hat's RHSA-2022:0216 and Cisco's advisory for Log4Shell.)
func testDocuments(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	rh := advisory.Record{Source: "csaf", Document: "RHSA-2022:0216", ID: "CVE-2021-44228",
		Notes: []advisory.Note{{Category: "summary", Text: "An update for log4j is now available"}}}
	cisco := advisory.Record{Source: "csaf", Document: "cisco-sa-apache-log4j-qRuKNEbd", ID: "CVE-2021-44228",
		Notes: []advisory.Note{{Category: "summary", Text: "Vulnerability in Apache Log4j Library Affecting Cisco Products"}}}
	if got := put(t, s, rh, cisco); got.New != 2 {
		t.Fatalf("put: %+v, want 2 new records", got)
	}
	v := vuln(t, s, "CVE-2021-44228", false)
	notes, _ := v.Field(advisory.FieldNotes, "")
	if len(v.Sources) != 2 || len(notes.Claims) != 2 {
		t.Fatalf("sources %+v, %d notes claims; want 2 and 2", v.Sources, len(notes.Claims))
	}
	var docs []string
	for _, c := range notes.Claims {
		docs = append(docs, c.Document)
	}
	slices.Sort(docs)
	if diff := cmp.Diff([]string{"RHSA-2022:0216", "cisco-sa-apache-log4j-qRuKNEbd"}, docs); diff != "" {
		t.Errorf("claim documents -want +got:\n%s", diff)
	}
	// The document id is provenance, not a name of the vulnerability.
	if _, err := s.Vuln(context.Background(), "RHSA-2022:0216", store.VulnOptions{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a document id resolves as an alias: %v", err)
	}
}

func testDocumentFingerprints(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	const name = "cves.zip:cves/2021/44xxx/CVE-2021-44228.json"
	if fp, err := s.DocumentFingerprint(ctx, name); err != nil || fp != "" {
		t.Fatalf("unknown document: %q, %v", fp, err)
	}
	for _, fp := range []string{"r1:crc32:1a2b3c4d:8125", "r1:crc32:5e6f7a8b:8200"} {
		if err := s.PutDocuments(ctx, []store.Document{{Name: name, Fingerprint: fp}}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.DocumentFingerprint(ctx, name); err != nil || got != fp {
			t.Errorf("fingerprint = %q, %v; want %q", got, err, fp)
		}
	}
	other := "kev.zip:known_exploited_vulnerabilities.json"
	if err := s.PutDocuments(ctx, []store.Document{{Name: other, Fingerprint: "r1:crc32:00000001:1"}}); err != nil {
		t.Fatal(err)
	}
	all, err := s.DocumentFingerprints(ctx, "cves.zip:")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{name: "r1:crc32:5e6f7a8b:8200"}, all); diff != "" {
		t.Errorf("DocumentFingerprints(cves.zip:) -want +got:\n%s", diff)
	}
}

// CNVD's weekly file 385.xml publishes CNVD-2017-27958 twice: first for a
// Brother printer denial of service (CVE-2017-12568), then for an iniNet
// SCADA web server flaw (CVE-2017-13995). The later entry replaces the
// earlier, and the vulnerabilities the first one joined come apart again.
func testRetractedAliasSplits(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	brother := advisory.Record{Source: "cve5", ID: "CVE-2017-12568", Titles: []advisory.Text{{Lang: "en", Value: "Brother DCP-J132W denial of service"}}}
	inet := advisory.Record{Source: "cve5", ID: "CVE-2017-13995", Titles: []advisory.Text{{Lang: "en", Value: "iniNet SCADA Webserver"}}}
	cnvd := func(cve, title string) advisory.Record {
		return advisory.Record{Source: "cnvd", ID: "CNVD-2017-27958", Aliases: []string{cve},
			Titles: []advisory.Text{{Lang: "zh-CN", Value: title}}}
	}
	put(t, s, brother, inet, cnvd("CVE-2017-12568", "Brother DCP-J132W拒绝服务漏洞"))
	if v := vuln(t, s, "CNVD-2017-27958", false); v.ID != "CVE-2017-12568" {
		t.Fatalf("before: CNVD-2017-27958 is part of %s", v.ID)
	}
	put(t, s, cnvd("CVE-2017-13995", "iniNet Solutions GmbH SCADA Webserver未授权访问漏洞"))

	st, _ := s.Stats(ctx)
	if st.Vulnerabilities != 2 {
		t.Errorf("%d vulnerabilities, want 2", st.Vulnerabilities)
	}
	v := vuln(t, s, "CNVD-2017-27958", false)
	if diff := cmp.Diff([]string{"CNVD-2017-27958", "CVE-2017-13995"}, v.Aliases); v.ID != "CVE-2017-13995" || diff != "" {
		t.Errorf("CNVD-2017-27958 is part of %s with aliases -want +got:\n%s", v.ID, diff)
	}
	b := vuln(t, s, "CVE-2017-12568", false)
	if diff := cmp.Diff([]string{"CVE-2017-12568"}, b.Aliases); diff != "" || len(b.Sources) != 1 {
		t.Errorf("Brother's CVE kept aliases -want +got:\n%s\nsources %+v", diff, b.Sources)
	}
	// The stored summaries agree with the split vulnerabilities.
	p, _ := s.ListVulns(ctx, store.VulnQuery{})
	for _, it := range p.Items {
		v := vuln(t, s, it.ID, false)
		if diff := cmp.Diff(v.Summary(), it); diff != "" {
			t.Errorf("%s: summary -want +got:\n%s", it.ID, diff)
		}
	}
}
