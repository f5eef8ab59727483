package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/demo"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// firstSchema is the first schema vmc shipped: migration 00001, the
// advisories. No release was tagged before it was; it is the version a
// database from the first vmc carries.
const firstSchema = 1

// TestUpgradeFromFirstSchema builds a database at the first schema with
// real records in it (the demo set: CVE, NVD, OSV, KEV and EPSS records of
// Log4Shell, xz and others, as vmc writes them, in the columns schema 1
// had), migrates it to the current schema and reads it through the
// current store: every vulnerability, its history, the list with its
// summaries (the rating column migration 00009 fills from them), the
// statistics and the affected ranges must be what a database created at
// the current schema holds for the same records.
func TestUpgradeFromFirstSchema(t *testing.T) {
	for _, db := range upgradeDatabases() {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			// The records as the current vmc writes them.
			current := db.demo(t)
			want := dumpStore(t, current)
			if len(want.Vulns) < 20 {
				t.Fatalf("demo data gave %d vulnerabilities", len(want.Vulns))
			}

			// A database at the first schema holding the same rows, cut
			// to the columns that schema had.
			old, where := db.open(t)
			defer old.Close()
			if err := db.migrations.UpTo(ctx, old, firstSchema); err != nil {
				t.Fatal(err)
			}
			if v, _, err := db.migrations.Versions(ctx, old); err != nil || v != firstSchema {
				t.Fatalf("old database at version %d, %v", v, err)
			}
			n := 0
			for _, table := range []string{"vulns", "aliases", "source_records", "claims", "vuln_merges", "documents"} {
				n += copyRows(t, current.DB(), old, table)
			}
			if n < 100 {
				t.Fatalf("only %d rows at the first schema", n)
			}
			old.Close()

			upgraded := db.store(t, where)
			if v, latest, err := db.migrations.Versions(ctx, upgraded.DB()); err != nil || v != latest {
				t.Fatalf("upgraded to version %d of %d: %v", v, latest, err)
			}
			if err := upgraded.Check(ctx); err != nil {
				t.Errorf("upgraded database: %v", err)
			}
			got := dumpStore(t, upgraded)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("read back after the upgrade -want +got:\n%s", diff)
			}
		})
	}
}

// upgradeDatabase is a kind of database an upgrade test starts at an old
// schema: how to open it bare and through the current store.
type upgradeDatabase struct {
	name       string
	open       func(t *testing.T) (*sql.DB, string)
	store      func(t *testing.T, where string) *sqlstore.Store
	migrations sqlstore.Migrations
}

func upgradeDatabases() []upgradeDatabase {
	return []upgradeDatabase{
		{"sqlite", func(t *testing.T) (*sql.DB, string) {
			path := filepath.Join(t.TempDir(), "old.db")
			d, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
			if err != nil {
				t.Fatal(err)
			}
			return d, path
		}, func(t *testing.T, path string) *sqlstore.Store {
			s, err := sqlite.Open(context.Background(), path, sqlite.Options{Migrate: true, Options: sqlstore.Options{Now: frozen}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}, sqlite.Migrations},
		{"postgres", func(t *testing.T) (*sql.DB, string) {
			dsn := pgtest.NewDatabase(t)
			d, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return d, dsn
		}, func(t *testing.T, dsn string) *sqlstore.Store {
			s, err := postgres.Open(context.Background(), dsn, postgres.Options{Migrate: true, Options: sqlstore.Options{Now: frozen}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s.Store
		}, postgres.Migrations},
	}
}

// TestUpgradeFindingBasis: before migration 00044 a finding's detail
// column held the whole finding; the migration moves its basis (match
// explanation, evidence, the assessment's inputs and SSVC points) to a
// column of its own. Findings written the old way, with real
// assessments of demo vulnerabilities on an asset's components, must
// read back whole after it, and briefly without their basis.
func TestUpgradeFindingBasis(t *testing.T) {
	for _, db := range upgradeDatabases() {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			current := db.demo(t)
			a, err := current.PutAsset(ctx, asset.Asset{Name: "edge", Kind: asset.KindHost, Criticality: asset.CritHigh, Exposure: "internet"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := current.SetComponents(ctx, a.ID, "test", []asset.Component{
				{Ecosystem: "Bitnami", Name: "nginx", Version: "1.24.0"},
				{Ecosystem: "Bitnami", Name: "php", Version: "8.1.0"},
				{Ecosystem: "Bitnami", Name: "tomcat", Version: "8.5.90"},
			}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := (&ingest.Matcher{Store: current, Now: frozen}).Asset(ctx, a, nil, "inventory test"); err != nil {
				t.Fatal(err)
			}
			want, err := current.ListFindings(ctx, store.FindingQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Items) < 3 {
				t.Fatalf("%d findings, want one a component", len(want.Items))
			}
			for _, f := range want.Items {
				if f.Assessment == nil || len(f.Assessment.Inputs) == 0 || len(f.Assessment.SSVC.Points) == 0 || len(f.Evidence) == 0 || f.Explanation.Record == "" {
					t.Fatalf("finding %d has no whole basis to move: %+v", f.ID, f)
				}
			}

			// The same rows at the schema before, each finding's detail
			// the whole finding as vmc then wrote it.
			old, where := db.open(t)
			defer old.Close()
			if err := db.migrations.UpTo(ctx, old, 43); err != nil {
				t.Fatal(err)
			}
			for _, table := range []string{"vulns", "aliases", "source_records", "claims", "vuln_merges", "documents", "assets", "components", "findings"} {
				copyRows(t, current.DB(), old, table)
			}
			for _, f := range want.Items {
				whole, err := json.Marshal(f)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := old.Exec(sqlstore.Rebind(`UPDATE findings SET detail = ? WHERE id = ?`), string(whole), f.ID); err != nil {
					t.Fatal(err)
				}
			}
			old.Close()

			upgraded := db.store(t, where)
			got, err := upgraded.ListFindings(ctx, store.FindingQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings after the upgrade -want +got:\n%s", diff)
			}
			brief, err := upgraded.ListFindings(ctx, store.FindingQuery{Brief: true})
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range want.Items {
				b, _ := f.Brief()
				if diff := cmp.Diff(b, brief.Items[i]); diff != "" {
					t.Errorf("finding %d listed briefly after the upgrade -want +got:\n%s", f.ID, diff)
				}
			}
		})
	}
}

// demo is a fresh database at the current schema holding the demo
// records, as the current vmc writes them.
func (db upgradeDatabase) demo(t *testing.T) *sqlstore.Store {
	t.Helper()
	s := db.store(t, newWhere(t, db.open))
	if _, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).ImportFS(context.Background(), demo.FS()); err != nil {
		t.Fatal(err)
	}
	return s
}

// newWhere opens a fresh database just to learn where it is.
func newWhere(t *testing.T, open func(t *testing.T) (*sql.DB, string)) string {
	d, where := open(t)
	d.Close()
	return where
}

// copyRows copies table from → to in the columns to has, and returns how
// many rows it copied.
func copyRows(t *testing.T, from, to *sql.DB, table string) int {
	t.Helper()
	probe, err := to.Query(`SELECT * FROM ` + table + ` WHERE 1 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := probe.Columns()
	probe.Close()
	if err != nil {
		t.Fatal(err)
	}
	list := strings.Join(cols, ", ")
	rows, err := from.Query(`SELECT ` + list + ` FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	insert := sqlstore.Rebind(fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, table, list, marks))
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if _, err := to.Exec(insert, vals...); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// frozen is the stores' clock here, so that two databases written at
// different moments can be compared.
func frozen() time.Time { return batchClock }
