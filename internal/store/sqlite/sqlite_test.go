package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
	"github.com/vmc-dev/vmc/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"),
			sqlite.Options{Migrate: true, Options: sqlstore.Options{Now: now}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// A database migrated by a newer vmc is refused, with a message that says
// what to do, and left untouched.
func TestSchemaNewerThanBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vmc.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, 1)`); err != nil {
		t.Fatal(err)
	}
	var latest int
	if err := s.DB().QueryRow(`SELECT MAX(version_id) FROM goose_db_version WHERE version_id < 999`).Scan(&latest); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, migrate := range []bool{false, true} {
		_, err := sqlite.Open(context.Background(), path, sqlite.Options{Migrate: migrate})
		if !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("migrate=%v: error = %v, want ErrSchemaTooNew", migrate, err)
		}
		if want := fmt.Sprintf("database is at version 999, this vmc knows up to %d; upgrade vmc", latest); !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
}

// An existing database whose schema is behind is refused unless asked to
// migrate.
func TestSchemaBehindNeedsMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vmc.db")
	_, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err == nil || !strings.Contains(err.Error(), "run 'vmc migrate'") {
		t.Errorf("opening an empty database without migrating: %v, want a hint to migrate", err)
	}
}

// Writes reach the database file without the writer checkpointing: the
// background checkpointer moves them while the WAL is still open, and
// Close leaves no WAL behind.
func TestCheckpointer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vmc.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := s.DB().QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer's wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	if _, err := s.DB().Exec(`CREATE TABLE t (x TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := s.DB().Exec(`INSERT INTO t VALUES (?)`, strings.Repeat("x", 4000)+fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	// A PASSIVE checkpoint now finds nothing left to copy once the
	// background one has run.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var busy, log, done int
		if err := s.DB().QueryRow(`PRAGMA wal_checkpoint(NOOP)`).Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		}
		if log > 0 && log == done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the WAL has %d frames, %d checkpointed", log, done)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL left at %d bytes after Close", fi.Size())
	}
	s, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 200 {
		t.Fatalf("rows = %d, %v; want 200", n, err)
	}
}

// Under writes that leave no moment between one transaction and the next
// (two goroutines writing batches at once), the WAL still starts again
// from its beginning once it passes walRestart pages: the writer
// checkpoints what is left when asked, before its next transaction. Were
// it never to restart, the WAL file would grow as large as everything
// written; the RESTART checkpoints of the checkpointer itself are out of
// reach here (walGiveUp is past anything written).
func TestWALRestartsUnderContinuousWrites(t *testing.T) {
	defer sqlite.SetWALLimits(100*time.Millisecond, 1024, 1<<30)()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vmc.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const writers, batches, size = 2, 60, 50
	title := strings.Repeat("跨站脚本漏洞", 150) // 2.7 KB
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	// The WAL's size is sampled after every batch, one goroutine at a
	// time, so that a frame count lower than the last one is a restart.
	var (
		mu                     sync.Mutex
		last, maxLog, restarts int64
		maxWAL                 int64
	)
	for g := range writers {
		wg.Go(func() {
			for b := range batches {
				recs := make([]advisory.Record, size)
				for i := range recs {
					recs[i] = advisory.Record{Source: "cnvd", ID: fmt.Sprintf("CNVD-2026-%d%03d%03d", g, b, i),
						Titles: []advisory.Text{{Lang: "zh-CN", Value: title}}}
				}
				if _, err := s.PutRecords(ctx, recs); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if fi, err := os.Stat(path + "-wal"); err == nil {
					maxWAL = max(maxWAL, fi.Size())
				}
				// NOOP reports the WAL's frames without copying any.
				var busy, log, done int64
				if err := s.ReadDB().QueryRow(`PRAGMA wal_checkpoint(NOOP)`).Scan(&busy, &log, &done); err == nil {
					if log < last {
						restarts++
					}
					last, maxLog = log, max(maxLog, log)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	db, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// The database holds everything written. Without restarts the WAL
	// file grew to 1.4 times its size; with them it holds what was written
	// between two of the checkpointer's passes and a little more.
	if db.Size() < 20<<20 || restarts < 3 || maxWAL > db.Size()/2 {
		t.Errorf("database %d bytes; WAL restarted %d times, at most %d frames, file at most %d bytes: want 3 restarts or more, under half the database",
			db.Size(), restarts, maxLog, maxWAL)
	}
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM vulns`).Scan(&n); err != nil || n != writers*batches*size {
		t.Errorf("vulns = %d, %v; want %d", n, err, writers*batches*size)
	}
}

// Several vmc processes on one SQLite file reserve identifiers at once:
// none is handed out twice.
func TestIdentifiersAcrossProcesses(t *testing.T) {
	path := os.Getenv("VMC_TEST_IDENTIFIER_DSN")
	if path == "" {
		path = filepath.Join(t.TempDir(), "vmc.db")
		s, err := sqlite.Open(context.Background(), path, sqlite.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	storetest.AllocateAcrossProcesses(t, "TestIdentifiersAcrossProcesses", path, func(path string) (store.Store, error) {
		return sqlite.Open(context.Background(), path, sqlite.Options{})
	})
}

// The trigram index merges sixteen segments at a time (migration 00037),
// which an import of every batch in its own transaction needs to spend
// less of its time rewriting the index.
func TestTrigramIndexMergesSixteen(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.DB().QueryRow(`SELECT v FROM vulns_fts_config WHERE k = 'automerge'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 16 {
		t.Errorf("automerge = %d, want 16", n)
	}
}

// A batch adds its new vulnerabilities to the trigram index in one
// statement, so FTS5 writes one segment for it, not one per chunk of the
// insert (six for 500 rows, as the trigger of migration 00035 did), and
// the index holds every row; Check finds a row the index lacks.
func TestTrigramIndexOneSegmentPerBatch(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs := make([]advisory.Record, 500)
	for i := range recs {
		recs[i] = advisory.Record{Source: "cnvd", ID: fmt.Sprintf("CNVD-2026-%05d", i),
			Titles: []advisory.Text{{Lang: "zh-CN", Value: fmt.Sprintf("测试产品%d存在跨站脚本漏洞", i)}}}
	}
	if _, err := s.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// The structure record (id 10): a 4-byte cookie, then the varints
	// nLevel, nSegment and the write counter.
	var structure []byte
	if err := s.DB().QueryRow(`SELECT block FROM vulns_fts_data WHERE id = 10`).Scan(&structure); err != nil {
		t.Fatal(err)
	}
	if len(structure) < 6 || structure[4] != 1 || structure[5] != 1 {
		t.Errorf("structure %x: want 1 level of 1 segment", structure)
	}
	// The index keeps no positions (migration 00047): it is asked, as a
	// search asks it, for the rows holding every trigram of the text, and
	// the text itself narrows them.
	for _, q := range []string{"CNVD-2026-00000", "CNVD-2026-00499", "测试产品250存在"} {
		var terms []string
		for r := []rune(q); len(r) >= 3; r = r[1:] {
			terms = append(terms, `"`+string(r[:3])+`"`)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM vulns v WHERE v.id IN (SELECT rowid FROM vulns_fts WHERE vulns_fts MATCH ?) AND v.search LIKE ?`,
			strings.Join(terms, " AND "), "%"+q+"%").Scan(&n); err != nil || n != 1 {
			t.Errorf("%s: %d hits, %v; want 1", q, n, err)
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if _, err := s.DB().Exec(`INSERT INTO vulns (primary_id, search, published, created_at, updated_at) VALUES ('CVE-2026-0001', 'not indexed', '', '', '')`); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err == nil || !strings.Contains(err.Error(), "trigram index") {
		t.Errorf("Check with a row missing from the index: %v, want a trigram index error", err)
	}
}

// Record batches write without foreign-key checks (sqlite.Open says why);
// every other write keeps them, and Check finds what a batch could have
// left dangling.
func TestForeignKeysOutsideBatches(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.PutRecords(ctx, []advisory.Record{{Source: "cnvd", ID: "CNVD-2026-00001",
		Titles: []advisory.Text{{Lang: "zh-CN", Value: "测试产品存在跨站脚本漏洞"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check after a batch: %v", err)
	}
	orphan := `INSERT INTO source_records (source, record_id, vuln_id, hash, first_seen, last_seen) VALUES ('cnvd', 'CNVD-2026-00002', 999999, '', '', '')`
	if _, err := s.DB().ExecContext(ctx, orphan); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("the writer took a record of no vulnerability: %v", err)
	}
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`PRAGMA foreign_keys = OFF`, orphan, `PRAGMA foreign_keys = ON`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close()
	if err := s.Check(ctx); err == nil || !strings.Contains(err.Error(), "foreign_key_check: 1 rows") {
		t.Errorf("Check with a record of no vulnerability: %v, want a foreign_key_check error", err)
	}
}
