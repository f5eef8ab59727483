package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// opener opens a fresh store whose clock stands still, so that stores
// written in different ways can be compared.
type opener func(t *testing.T) *sqlstore.Store

var batchClock = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

func openSQLite(t *testing.T) *sqlstore.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"),
		sqlite.Options{Migrate: true, Options: sqlstore.Options{Now: func() time.Time { return batchClock }}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostgres(t *testing.T) *sqlstore.Store {
	s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t),
		postgres.Options{Migrate: true, Options: sqlstore.Options{Now: func() time.Time { return batchClock }}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Store
}

// TestBatchEqualsRecordByRecord writes the same records one per batch,
// all in one batch, and in batches of three, and requires the three
// stores to hold the same thing. A batch is planned in memory and
// written table by table; record by record is what that must equal. The
// records take every path a batch can: new vulnerabilities joined,
// folded and split within the batch, folds of stored ones, a record met
// twice, changed, unchanged and stale records, and records of documents.
func TestBatchEqualsRecordByRecord(t *testing.T) {
	for _, db := range []struct {
		name string
		open opener
	}{{"sqlite", openSQLite}, {"postgres", openPostgres}} {
		t.Run(db.name, func(t *testing.T) {
			var want dump
			for i, size := range []int{1, len(batchRecords()), 3} {
				s := db.open(t)
				for _, r := range storedBefore() {
					put(t, s, r)
				}
				recs := batchRecords()
				var res store.BatchResult
				for lo := 0; lo < len(recs); lo += size {
					res.Add(put(t, s, recs[lo:min(lo+size, len(recs))]...))
				}
				got := dumpStore(t, s)
				got.Result = res
				if err := s.Check(context.Background()); err != nil {
					t.Errorf("batches of %d: %v", size, err)
				}
				if i == 0 {
					want = got
					continue
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("batches of %d differ from one record a batch -want +got:\n%s", size, diff)
				}
			}
			// The script does what it is meant to.
			if want.Result.Merged < 3 || want.Result.Stale != 1 || want.Result.Unchanged != 1 || want.Result.Changed < 4 {
				t.Errorf("result %+v: the records do not take the paths they should", want.Result)
			}
		})
	}
}

func put(t *testing.T, s *sqlstore.Store, recs ...advisory.Record) store.BatchResult {
	t.Helper()
	res, err := s.PutRecords(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func gin(source, id string, aliases ...string) advisory.Record {
	return advisory.Record{Source: source, ID: id, Aliases: aliases,
		Titles: []advisory.Text{{Lang: "en", Value: "gin " + id}},
		Affected: []advisory.Affected{{Ecosystem: "Go", Package: "github.com/gin-gonic/gin",
			Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "1.7.7"}}}}}}}
}

func titled(source, id, title string, aliases ...string) advisory.Record {
	return advisory.Record{Source: source, ID: id, Aliases: aliases, Titles: []advisory.Text{{Lang: "en", Value: title}}}
}

func kev(id string, modified time.Time, due string) advisory.Record {
	return advisory.Record{Source: "kev", ID: id, KEV: &advisory.KEV{DateAdded: "2021-12-10", DueDate: due}, Modified: modified}
}

// storedBefore is what the store holds before the batch.
func storedBefore() []advisory.Record {
	return []advisory.Record{
		titled("cve5", "CVE-2020-0001", "first"),
		titled("cve5", "CVE-2020-0002", "second"),
		titled("cve5", "CVE-2017-12568", "Brother DCP-J132W denial of service"),
		titled("cve5", "CVE-2017-13995", "iniNet SCADA Webserver"),
		titled("cnvd", "CNVD-2017-27958", "Brother DCP-J132W拒绝服务漏洞", "CVE-2017-12568"),
		kev("CVE-2021-44228", time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC), "2021-12-24"),
		titled("ghsa", "GHSA-p4g4-wgrh-qrg2", "etcd", "CVE-2020-0002", "CVE-2020-0003"),
		titled("osv", "GO-2020-0100", "unchanged", "CVE-2020-0100"),
	}
}

func batchRecords() []advisory.Record {
	return []advisory.Record{
		gin("osv", "GO-2020-0001", "CVE-2020-0001"),                                                         // joins a stored vulnerability
		gin("osv", "GO-2020-0002", "CVE-2020-9001"),                                                         // new
		gin("ghsa", "GHSA-h395-qcrw-5vmq", "CVE-2020-9001", "CVE-2020-9002"),                                // joins the new one
		gin("osv", "GO-2020-0003", "CVE-2020-9003"),                                                         // new
		gin("osv", "GO-2020-0004", "CVE-2020-9002", "CVE-2020-9003"),                                        // folds two new ones
		gin("osv", "GO-2020-0005", "CVE-2020-0001", "CVE-2020-0002"),                                        // folds two stored ones
		titled("cve5", "CVE-2020-0001", "first, revised"),                                                   // changed
		titled("osv", "GO-2020-0002", "met twice", "CVE-2020-9001"),                                         // again, changed
		titled("cnvd", "CNVD-2017-27958", "iniNet Solutions GmbH SCADA Webserver未授权访问漏洞", "CVE-2017-13995"), // splits
		titled("cve5", "CVE-2017-12568", "Brother, revised"),                                                // after the split
		kev("CVE-2021-44228", time.Date(2025, 8, 18, 0, 0, 0, 0, time.UTC), "2021-12-31"),                   // stale
		titled("osv", "GO-2020-0100", "unchanged", "CVE-2020-0100"),                                         // unchanged
		titled("ghsa", "GHSA-p4g4-wgrh-qrg2", "etcd, corrected", "CVE-2020-0003"),                           // retracts: splits the fold above
		titled("cve5", "CVE-2020-0002", "second, revised"),                                                  // after that split
		{Source: "csaf", Document: "RHSA-2022:0216", ID: "CVE-2020-9003", Notes: []advisory.Note{{Category: "summary", Text: "Red Hat"}}},
		{Source: "csaf", Document: "cisco-sa-gin", ID: "CVE-2020-9003", Notes: []advisory.Note{{Category: "summary", Text: "Cisco"}}},
		gin("osv", "GO-2020-0006", "cve-2020-9004", "CVE-2020-9004"), // one id in two spellings
	}
}

// dump is what a store shows of its advisories.
type dump struct {
	Result store.BatchResult
	Stats  store.Stats
	Vulns  []advisory.Vulnerability
	List   []advisory.Summary
	Merges []string
	Gin    []string // AffectedFor gin
}

func dumpStore(t *testing.T, s *sqlstore.Store) dump {
	t.Helper()
	ctx := context.Background()
	var d dump
	var err error
	if d.Stats, err = s.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := s.ListVulns(ctx, store.VulnQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	d.List = p.Items
	for _, sum := range p.Items {
		v, err := s.Vuln(ctx, sum.ID, store.VulnOptions{History: true})
		if err != nil {
			t.Fatal(err)
		}
		d.Vulns = append(d.Vulns, v)
		if diff := cmp.Diff(v.Summary(), sum); diff != "" {
			t.Errorf("%s: stored summary differs from the merged view's -want +got:\n%s", sum.ID, diff)
		}
	}
	rows, err := s.DB().Query(`SELECT v.primary_id, m.from_primary, m.via FROM vuln_merges m JOIN vulns v ON v.id = m.into_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var into, from, via string
		if err := rows.Scan(&into, &from, &via); err != nil {
			t.Fatal(err)
		}
		d.Merges = append(d.Merges, fmt.Sprintf("%s <- %s via %s", into, from, via))
	}
	rows.Close()
	slices.Sort(d.Merges)
	es, err := s.AffectedFor(ctx, []store.Package{{Ecosystem: "Go", Name: "github.com/gin-gonic/gin"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		d.Gin = append(d.Gin, e.Vuln+" "+e.Source+" "+e.Record)
	}
	return d
}
