package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// rawDB is what the stores beside the suite offer for checks behind
// their back: the database itself.
type rawDB interface{ DB() *sql.DB }

// dbOf returns the store's database; both stores have one.
func dbOf(t *testing.T, s store.Store) *sql.DB {
	t.Helper()
	r, ok := s.(rawDB)
	if !ok {
		t.Fatalf("%T offers no DB(): the suite cannot check what the database refuses", s)
	}
	return r.DB()
}

// isSQLite reports whether db is SQLite (else PostgreSQL).
func isSQLite(db *sql.DB) bool {
	var v string
	return db.QueryRow(`SELECT sqlite_version()`).Scan(&v) == nil
}

// countRows counts a table's rows.
func countRows(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// noise is n reproducible bytes that do not compress.
func noise(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// failing reads n bytes of content, then fails: a client that went away
// mid-upload.
type failing struct {
	r io.Reader
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset by peer")
	}
	return n, err
}

// testEvidence takes evidence in, reads it, transfers and exports it,
// and checks that each use is in its chain of custody, on the timeline
// and in the audit log; that the database refuses to change or remove
// any of it; and that content changed behind the store's back is
// reported as tampered with, never returned.
func testEvidence(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	db := dbOf(t, s)
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Webshell on shop-web", Category: incident.Exploitation, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Amber}, Detected: c.now()}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.PutIncident(ctx, incident.Incident{Title: "Phishing mail to finance", Category: incident.Phishing, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Green}, Detected: c.now()}, "bob")
	if err != nil {
		t.Fatal(err)
	}

	// A capture over two chunks and a half, so that reads cross chunk
	// boundaries.
	c.tick()
	capture := noise(5<<19+123, 1)
	embargo := &incident.Embargo{Until: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Reason: "coordinated disclosure", Recipients: []string{"psirt@vendor.example", "alice"}}
	ev, err := s.AddEvidence(ctx, incident.Evidence{Incident: in.ID, Name: "shop-web-02.pcap", MediaType: "application/vnd.tcpdump.pcap",
		CollectedBy: "bob", Source: "shop-web-02:eth0, tcpdump -w", Description: "traffic of the incident window",
		Marking: incident.Marking{TLP: incident.Amber, Embargo: embargo}}, bytes.NewReader(capture), "the attacker's requests")
	if err != nil {
		t.Fatal(err)
	}
	want := incident.Evidence{ID: ev.ID, Incident: in.ID, Name: "shop-web-02.pcap", MediaType: "application/vnd.tcpdump.pcap",
		Size: int64(len(capture)), SHA256: sha(capture), Collected: c.now(), CollectedBy: "bob",
		Source: "shop-web-02:eth0, tcpdump -w", Description: "traffic of the incident window", Marking: incident.Marking{TLP: incident.Amber, Embargo: embargo}}
	if diff := cmp.Diff(want, ev); ev.ID == 0 || diff != "" {
		t.Errorf("added -want +got:\n%s", diff)
	}
	if got, err := s.Evidence(ctx, ev.ID); err != nil || !cmp.Equal(got, ev) {
		t.Errorf("read back -added +got:\n%s (%v)", cmp.Diff(ev, got), err)
	}

	// No marking given: TLP:RED, the team only. The same bytes again, on
	// another incident, are new evidence kept in the same blob.
	c.tick()
	log := []byte("10.9.8.7 - - [31/Oct/2026:22:14:03 +0000] \"GET /uploads/cmd.jsp?c=id HTTP/1.1\" 200 41\n")
	access, err := s.AddEvidence(ctx, incident.Evidence{Incident: in.ID, Name: "access.log", CollectedBy: "alice"}, bytes.NewReader(log), "")
	if err != nil {
		t.Fatal(err)
	}
	if access.Marking.TLP != incident.Red || access.MediaType != "application/octet-stream" {
		t.Errorf("defaults: %+v", access)
	}
	again, err := s.AddEvidence(ctx, incident.Evidence{Incident: other.ID, Name: "capture-copy.pcap", CollectedBy: "bob", Marking: incident.Marking{TLP: incident.Green}},
		bytes.NewReader(capture), "same capture, seen in the phishing case")
	if err != nil {
		t.Fatal(err)
	}
	if again.SHA256 != ev.SHA256 || again.ID == ev.ID {
		t.Errorf("the same bytes again: %+v", again)
	}
	if blobs, chunks := countRows(t, db, "evidence_blobs"), countRows(t, db, "evidence_chunks"); blobs != 2 || chunks != 3+1 {
		t.Errorf("stored %d blobs in %d chunks, want 2 in 4 (identical content kept once)", blobs, chunks)
	}
	list, err := s.ListEvidence(ctx, in.ID)
	if err != nil || !cmp.Equal(list, []incident.Evidence{ev, access}) {
		t.Errorf("list -want +got:\n%s (%v)", cmp.Diff([]incident.Evidence{ev, access}, list), err)
	}

	// Refused intakes leave nothing behind.
	for _, tc := range []struct {
		name    string
		ev      incident.Evidence
		content io.Reader
		is      error
	}{
		{"no incident", incident.Evidence{Incident: 99, Name: "x.log", CollectedBy: "bob"}, strings.NewReader("x"), store.ErrNotFound},
		{"incident unnamed", incident.Evidence{Name: "x.log", CollectedBy: "bob"}, strings.NewReader("x"), incident.ErrEvidence},
		{"empty", incident.Evidence{Incident: in.ID, Name: "x.log", CollectedBy: "bob"}, strings.NewReader(""), incident.ErrEvidence},
		{"a path", incident.Evidence{Incident: in.ID, Name: "../x.log", CollectedBy: "bob"}, strings.NewReader("x"), incident.ErrEvidence},
		{"nobody", incident.Evidence{Incident: in.ID, Name: "x.log"}, strings.NewReader("x"), incident.ErrEvidence},
		{"bad marking", incident.Evidence{Incident: in.ID, Name: "x.log", CollectedBy: "bob", Marking: incident.Marking{TLP: "PURPLE"}}, strings.NewReader("x"), incident.ErrEvidence},
		{"too large", incident.Evidence{Incident: in.ID, Name: "disk.img", CollectedBy: "bob"}, io.LimitReader(zeroReader{}, incident.MaxEvidence+1), incident.ErrTooLarge},
	} {
		if _, err := s.AddEvidence(ctx, tc.ev, tc.content, ""); !errors.Is(err, tc.is) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.is)
		}
	}
	if _, err := s.AddEvidence(ctx, incident.Evidence{Incident: in.ID, Name: "cut.pcap", CollectedBy: "bob"},
		&failing{r: bytes.NewReader(noise(3<<19, 2))}, ""); err == nil || !strings.Contains(err.Error(), "connection reset by peer") {
		t.Errorf("an upload cut short: %v", err)
	}
	if n, blobs, chunks := countRows(t, db, "evidence"), countRows(t, db, "evidence_blobs"), countRows(t, db, "evidence_chunks"); n != 3 || blobs != 2 || chunks != 4 {
		t.Errorf("after refused intakes: %d evidence, %d blobs, %d chunks; want 3, 2, 4", n, blobs, chunks)
	}
	if _, err := s.Evidence(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown evidence: %v", err)
	}
	if _, err := s.ListEvidence(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("evidence of no incident: %v", err)
	}

	// Reading needs a reason, and is logged.
	c.tick()
	if _, _, err := s.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "carol", Action: incident.CustodyAccessed}); !errors.Is(err, incident.ErrCustody) {
		t.Errorf("access without a reason: %v", err)
	}
	if _, _, err := s.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "carol", Action: incident.CustodyTransferred, Reason: "x", To: "y"}); !errors.Is(err, incident.ErrCustody) {
		t.Errorf("a transfer by opening: %v", err)
	}
	if _, _, err := s.OpenEvidence(ctx, 99, incident.CustodyEvent{Actor: "carol", Action: incident.CustodyAccessed, Reason: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("opening no evidence: %v", err)
	}
	rc, got, err := s.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "carol", Action: incident.CustodyAccessed, Reason: "find the first request to cmd.jsp"})
	if err != nil {
		t.Fatal(err)
	}
	content, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(content, capture) || !cmp.Equal(got, ev) {
		t.Errorf("opened: %d bytes (want %d), same=%v, %v", len(content), len(capture), bytes.Equal(content, capture), err)
	}
	if _, err := rc.Seek(0, io.SeekStart); err != nil {
		t.Errorf("seek: %v", err)
	}
	if err := rc.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if rc, _, err := s.OpenEvidence(ctx, access.ID, incident.CustodyEvent{Actor: "alice", Action: incident.CustodyVerified}); err != nil {
		t.Errorf("verify: %v", err)
	} else {
		rc.Close()
	}

	// Transfers say to whom and why.
	c.tick()
	if _, err := s.TransferEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "alice", Reason: "for the police report"}); !errors.Is(err, incident.ErrCustody) {
		t.Errorf("a transfer to nobody: %v", err)
	}
	if _, err := s.TransferEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "alice", To: "Police, cybercrime unit"}); !errors.Is(err, incident.ErrCustody) {
		t.Errorf("a transfer without a reason: %v", err)
	}
	if _, err := s.TransferEvidence(ctx, 99, incident.CustodyEvent{Actor: "alice", To: "x", Reason: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a transfer of no evidence: %v", err)
	}
	tr, err := s.TransferEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "alice", To: "Police, cybercrime unit", Reason: "criminal complaint 2026-4411, copy on sealed USB stick"})
	if err != nil || tr.At != c.now() || tr.Action != incident.CustodyTransferred || tr.Evidence != ev.ID {
		t.Errorf("transfer: %+v, %v", tr, err)
	}

	// Exports: the marking decides, before anything is written or logged.
	c.tick()
	forensics := incident.Recipient{Name: "ir@forensics.example", Clearance: incident.Amber}
	if _, _, _, err := s.ExportEvidence(ctx, in.ID, []int64{ev.ID, access.ID}, incident.Export{By: "alice", To: forensics, Reason: "handover to the forensic firm"}); !errors.Is(err, incident.ErrWithheld) {
		t.Errorf("exporting TLP:RED evidence to an AMBER recipient: %v", err)
	}
	if _, _, _, err := s.ExportEvidence(ctx, in.ID, []int64{again.ID}, incident.Export{By: "alice", To: forensics, Reason: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("exporting another incident's evidence: %v", err)
	}
	if _, _, _, err := s.ExportEvidence(ctx, 99, []int64{ev.ID}, incident.Export{By: "alice", To: forensics, Reason: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("exporting from no incident: %v", err)
	}
	team := incident.Recipient{Name: "alice", Clearance: incident.Red}
	bundle, sum, exported, err := s.ExportEvidence(ctx, in.ID, []int64{access.ID, ev.ID}, incident.Export{By: "alice", To: team, Reason: "offline analysis"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(bundle)
	if err != nil {
		t.Fatal(err)
	}
	bundle.Close()
	if !cmp.Equal(exported, []incident.Evidence{access, ev}) {
		t.Errorf("exported -want +got:\n%s", cmp.Diff([]incident.Evidence{access, ev}, exported))
	}
	rep, err := incident.VerifyBundle(bytes.NewReader(b), int64(len(b)))
	if err != nil || !rep.Intact() || rep.ManifestSHA256 != sum || len(rep.Manifest.Files) != 2 || !rep.Manifest.ExportedAt.Equal(c.now()) {
		t.Errorf("the bundle: %+v, %v", rep, err)
	}

	// Every use is in the chain of custody, which holds to its rules.
	custody, err := s.CustodyLog(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	t0 := want.Collected
	wantLog := []incident.CustodyEvent{
		{Evidence: ev.ID, At: t0, Actor: "bob", Action: incident.CustodyCollected, Reason: "the attacker's requests", SHA256: ev.SHA256},
		{Evidence: ev.ID, At: t0.Add(2 * time.Second), Actor: "carol", Action: incident.CustodyAccessed, Reason: "find the first request to cmd.jsp"},
		{Evidence: ev.ID, At: t0.Add(3 * time.Second), Actor: "alice", Action: incident.CustodyTransferred, Reason: "criminal complaint 2026-4411, copy on sealed USB stick", To: "Police, cybercrime unit"},
		{Evidence: ev.ID, At: t0.Add(4 * time.Second), Actor: "alice", Action: incident.CustodyExported, Reason: "offline analysis", To: "alice", SHA256: sum},
	}
	if diff := cmp.Diff(wantLog, custody); diff != "" {
		t.Errorf("custody -want +got:\n%s", diff)
	}
	for _, x := range []incident.Evidence{ev, access, again} {
		log, err := s.CustodyLog(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := incident.CheckCustody(x, log); err != nil {
			t.Errorf("evidence %d: %v", x.ID, err)
		}
	}
	if log, _ := s.CustodyLog(ctx, access.ID); len(log) != 3 || log[1].Action != incident.CustodyVerified || log[1].SHA256 != access.SHA256 {
		t.Errorf("access.log custody: %+v", log)
	}
	if _, err := s.CustodyLog(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("custody of no evidence: %v", err)
	}

	// On the timeline, and in the audit log.
	tl, err := s.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl {
		if e.Kind == incident.EventEvidence {
			lines = append(lines, e.Actor+" "+e.Text)
		}
	}
	wantLines := []string{
		fmt.Sprintf("bob evidence %d (shop-web-02.pcap, %d bytes, sha256 %s) collected by bob, TLP:AMBER, embargo until 2026-12-01T00:00:00Z (coordinated disclosure), from shop-web-02:eth0, tcpdump -w: the attacker's requests", ev.ID, ev.Size, ev.SHA256),
		fmt.Sprintf("alice evidence %d (access.log, %d bytes, sha256 %s) collected by alice, TLP:RED", access.ID, access.Size, access.SHA256),
		fmt.Sprintf("carol evidence %d (shop-web-02.pcap, %d bytes, sha256 %s) accessed by carol: find the first request to cmd.jsp", ev.ID, ev.Size, ev.SHA256),
		fmt.Sprintf("alice evidence %d (access.log, %d bytes, sha256 %s) verified by alice", access.ID, access.Size, access.SHA256),
		fmt.Sprintf("alice evidence %d (shop-web-02.pcap, %d bytes, sha256 %s) transferred by alice to Police, cybercrime unit: criminal complaint 2026-4411, copy on sealed USB stick", ev.ID, ev.Size, ev.SHA256),
		fmt.Sprintf("alice evidence %d (access.log), %d (shop-web-02.pcap) exported by alice for alice (cleared for TLP:RED) in a bundle whose manifest has sha256 %s: offline analysis", access.ID, ev.ID, sum),
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}
	entries, err := s.AuditOf(ctx, fmt.Sprintf("incident:%d", in.ID))
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "incident.evidence.") {
			actions = append(actions, e.Actor+" "+e.Action+" "+e.Reason)
		}
	}
	wantActions := []string{
		"bob incident.evidence.add the attacker's requests",
		"alice incident.evidence.add ",
		"carol incident.evidence.accessed find the first request to cmd.jsp",
		"alice incident.evidence.verified ",
		"alice incident.evidence.transfer criminal complaint 2026-4411, copy on sealed USB stick",
		"alice incident.evidence.export offline analysis",
	}
	if diff := cmp.Diff(wantActions, actions); diff != "" {
		t.Errorf("audit -want +got:\n%s", diff)
	}

	// The database refuses to change or remove any of it.
	for _, stmt := range []string{
		`UPDATE evidence SET name = 'nothing.txt'`,
		`DELETE FROM evidence`,
		`UPDATE evidence_custody SET reason = 'routine'`,
		`DELETE FROM evidence_custody`,
		`UPDATE evidence_blobs SET size = 1`,
		`DELETE FROM evidence_blobs`,
		`UPDATE evidence_chunks SET seq = seq + 10`,
		`DELETE FROM evidence_chunks`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", stmt, err)
		}
	}
	if !isSQLite(db) {
		if _, err := db.ExecContext(ctx, `TRUNCATE evidence_custody CASCADE`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("TRUNCATE: %v, want refused as append-only", err)
		}
	}

	// Someone with the database goes around the triggers and rewrites
	// the capture. Reads and exports re-hash, refuse it, and say so.
	forge := []string{
		`ALTER TABLE evidence_chunks DISABLE TRIGGER evidence_chunks_no_change`,
		`UPDATE evidence_chunks SET data = convert_to('forged', 'UTF8') WHERE seq = 1`,
	}
	if isSQLite(db) {
		forge = []string{
			`DROP TRIGGER evidence_chunks_no_update`,
			`UPDATE evidence_chunks SET data = CAST('forged' AS BLOB) WHERE seq = 1`,
		}
	}
	for _, stmt := range forge {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	c.tick()
	rc, _, err = s.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "carol", Action: incident.CustodyAccessed, Reason: "again"})
	if !errors.Is(err, incident.ErrTampered) || rc != nil || !strings.Contains(err.Error(), fmt.Sprintf("evidence %d (shop-web-02.pcap): content does not match its SHA-256 taken at intake", ev.ID)) {
		t.Errorf("opening forged content: %v (content returned: %v)", err, rc != nil)
	}
	if _, _, _, err := s.ExportEvidence(ctx, in.ID, []int64{access.ID, ev.ID}, incident.Export{By: "alice", To: team, Reason: "again"}); !errors.Is(err, incident.ErrTampered) {
		t.Errorf("exporting forged content: %v", err)
	}
	if log, _ := s.CustodyLog(ctx, ev.ID); len(log) != len(wantLog) {
		t.Errorf("refused uses were logged as uses: %+v", log[len(wantLog):])
	}
	if entries, _ := s.AuditOf(ctx, fmt.Sprintf("incident:%d", in.ID)); len(entries) < 2 ||
		entries[len(entries)-2].Action != "incident.evidence.tampered" || entries[len(entries)-2].Actor != "carol" ||
		entries[len(entries)-1].Action != "incident.evidence.tampered" || entries[len(entries)-1].Actor != "alice" {
		t.Errorf("the failed checks are not in the audit log: %+v", entries[len(entries)-2:])
	}
	if tl, _ := s.Timeline(ctx, in.ID); !strings.Contains(tl[len(tl)-1].Text, "failed its integrity check when alice used it, and was not released") {
		t.Errorf("the failed check is not on the timeline: %+v", tl[len(tl)-1])
	}
	// The other copy of the same bytes shares the blob: it is forged too.
	if _, _, err := s.OpenEvidence(ctx, again.ID, incident.CustodyEvent{Actor: "bob", Action: incident.CustodyVerified}); !errors.Is(err, incident.ErrTampered) {
		t.Errorf("the forged blob's other evidence: %v", err)
	}
}

// zeroReader reads as endless zero bytes.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// testEvidenceConcurrent takes the same content in from several writers
// at once: each gets evidence of its own, and the content is kept once.
func testEvidenceConcurrent(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Worm on the build farm", Category: incident.Malware, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Red}, Detected: c.now()}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	sample := noise(3<<19, 3)
	const writers = 6
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.AddEvidence(ctx, incident.Evidence{Incident: in.ID, Name: fmt.Sprintf("worm-%d.bin", w), CollectedBy: fmt.Sprintf("responder-%d", w)},
				bytes.NewReader(sample), "the sample from this host")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	evs, err := s.ListEvidence(ctx, in.ID)
	if err != nil || len(evs) != writers {
		t.Fatalf("%d evidence, %v; want %d", len(evs), err, writers)
	}
	db := dbOf(t, s)
	if blobs, chunks := countRows(t, db, "evidence_blobs"), countRows(t, db, "evidence_chunks"); blobs != 1 || chunks != 2 {
		t.Errorf("%d blobs in %d chunks, want 1 in 2", blobs, chunks)
	}
	for _, ev := range evs {
		rc, _, err := s.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "alice", Action: incident.CustodyVerified})
		if err != nil {
			t.Fatalf("evidence %d: %v", ev.ID, err)
		}
		rc.Close()
	}
}

// testEvidenceLarge takes in and reads back a piece of evidence of the
// largest size allowed, and holds the store to what it promises for
// one: no more than a few chunks in memory at any time, never the whole.
func testEvidenceLarge(t *testing.T, open Opener) {
	if testing.Short() {
		t.Skip("moves 100 MiB through the database twice")
	}
	s, c := openWithClock(t, open)
	ctx := context.Background()
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Exfiltration over DNS", Category: incident.DataBreach, Severity: incident.SevCritical,
		Marking: incident.Marking{TLP: incident.Red}, Detected: c.now()}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	start := time.Now()
	capture := io.LimitReader(rand.NewChaCha8([32]byte{7}), incident.MaxEvidence)
	ev, err := s.AddEvidence(ctx, incident.Evidence{Incident: in.ID, Name: "dns-tunnel.pcap", CollectedBy: "bob"}, capture, "the tunnel's traffic")
	if err != nil {
		t.Fatal(err)
	}
	added := time.Since(start)
	rc, _, err := s.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: "alice", Action: incident.CustodyAccessed, Reason: "decode the tunnel"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	rc.Close()
	read := time.Since(start) - added
	close(stop)
	<-done
	if err != nil || n != incident.MaxEvidence || ev.Size != incident.MaxEvidence {
		t.Fatalf("read %d bytes (%v), evidence of %d", n, err, ev.Size)
	}
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("100 MiB: taken in in %v, read back in %v; heap grew by at most %.1f MiB", added.Round(time.Millisecond), read.Round(time.Millisecond), float64(grew)/(1<<20))
	if grew > incident.MaxEvidence/2 {
		t.Errorf("the heap grew by %d MiB while 100 MiB went through: the content is being held whole", grew>>20)
	}
}
