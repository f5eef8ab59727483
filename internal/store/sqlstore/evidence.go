package sqlstore

// Incident evidence is kept in the database, in 1 MiB chunks of a blob
// named by its SHA-256, rather than as files under vmc's data directory:
//
//   - Several vmc replicas may serve one PostgreSQL database (issue #12).
//     A data directory is each replica's own: evidence taken in by one
//     would be missing on the others, and a shared file system is one
//     more thing to run, back up and secure. The database is already
//     shared, transactional and backed up.
//   - One backup (pg_dump, or a copy of the SQLite file) holds the
//     evidence and its records together, consistent with each other: a
//     restore cannot bring back custody logs without their files, or
//     files nobody knows the custody of.
//   - Immutability is the database's: the same append-only triggers
//     guard the content, its description and its custody log, and an
//     intake is one transaction, so a process killed mid-upload leaves
//     nothing half-written (a file store needs temp, fsync, rename and
//     a sweep of orphans to say the same).
//
// The cost is database size: evidence counts against the database's
// disk and backup time. 100 MiB per item (incident.MaxEvidence) keeps
// disk and memory images out; they stay in forensic storage. Chunks keep
// memory flat: neither an intake nor a read holds more than one chunk,
// where one 100 MiB value would be 100 MiB in the driver at once (and
// more on the way in to PostgreSQL).
//
// An upload is first copied to a temporary file (unlinked at once where
// the system allows) while its SHA-256 is taken, and written to the
// database only when it is whole: a slow client does not hold SQLite's
// single writer for the length of its upload, a retried transaction can
// read it again, and identical content already stored is found by its
// hash before anything is written. A read copies the content to a
// temporary file while re-hashing it, and hands it out only when it
// matches: what is served is exactly what was checked.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// chunkSize is the size of the chunks content is kept in.
const chunkSize = 1 << 20

// spool is a private temporary copy of evidence content.
type spool struct {
	*os.File
	// removed is whether the file was unlinked when created: on Unix an
	// open file stays readable, and a killed process then leaves nothing
	// behind. Where that fails (Windows), Close removes it.
	removed bool
}

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "vmc-evidence-*")
	if err != nil {
		return nil, fmt.Errorf("evidence spool: %w", err)
	}
	return &spool{File: f, removed: os.Remove(f.Name()) == nil}, nil
}

func (s *spool) Close() error {
	err := s.File.Close()
	if !s.removed {
		err = errors.Join(err, os.Remove(s.Name()))
	}
	return err
}

// rewind seeks the spool back to its start, for reading what was
// written or for a retried transaction.
func (s *spool) rewind() error {
	if _, err := s.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("evidence spool: %w", err)
	}
	return nil
}

// evidenceText names a piece of evidence on the timeline.
func evidenceText(ev incident.Evidence) string {
	return fmt.Sprintf("evidence %d (%s, %d bytes, sha256 %s)", ev.ID, ev.Name, ev.Size, ev.SHA256)
}

// clip shortens s to at most n bytes of whole characters for the
// timeline, whose entries are shorter than a custody reason may be; the
// custody log keeps it whole.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// maxTimelineReason bounds a reason quoted on the timeline.
const maxTimelineReason = 2000

// AddEvidence implements store.Custody.
func (s *Store) AddEvidence(ctx context.Context, ev incident.Evidence, content io.Reader, reason string) (incident.Evidence, error) {
	if ev.Incident == 0 {
		return ev, fmt.Errorf("%w: incident: which incident the evidence is for must be named", incident.ErrEvidence)
	}
	sp, err := newSpool()
	if err != nil {
		return ev, err
	}
	defer sp.Close()
	now := s.clock()
	x, err := incident.NewEvidence(ev.Name, ev.MediaType, io.TeeReader(content, sp), ev.CollectedBy, now)
	if err != nil {
		return ev, err
	}
	x.Incident, x.Source, x.Description = ev.Incident, ev.Source, ev.Description
	if ev.Marking.TLP != "" {
		x.Marking = normaliseMarking(ev.Marking)
	}
	if err := x.Validate(); err != nil {
		return ev, err
	}
	intake := x.Intake()
	intake.Reason = reason
	if err := incident.CheckCustody(x, []incident.CustodyEvent{intake}); err != nil {
		return ev, err
	}
	var out incident.Evidence
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x := x
		if _, err := s.incident(ctx, tx, x.Incident); err != nil {
			return err
		}
		if err := s.putBlob(ctx, tx, x, sp, now); err != nil {
			return err
		}
		detail, err := json.Marshal(x)
		if err != nil {
			return err
		}
		var embargo sql.NullTime
		if x.Marking.Embargo != nil {
			embargo = nullTime(x.Marking.Embargo.Until)
		}
		if err := tx.queryRow(ctx, `INSERT INTO evidence (incident_id, sha256, size, name, tlp, embargo_until, collected_at, collected_by, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			x.Incident, x.SHA256, x.Size, x.Name, x.Marking.TLP, embargo, x.Collected, x.CollectedBy, string(detail)).Scan(&x.ID); err != nil {
			return fmt.Errorf("evidence %q: %w", x.Name, err)
		}
		e := intake
		e.Evidence = x.ID
		if err := insertCustody(ctx, tx, e); err != nil {
			return err
		}
		text := fmt.Sprintf("%s collected by %s, %s", evidenceText(x), x.CollectedBy, markingText(x.Marking))
		if x.Source != "" {
			text += ", from " + x.Source
		}
		if reason != "" {
			text += ": " + clip(reason, maxTimelineReason)
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: x.Incident, At: now, Actor: x.CollectedBy, Kind: incident.EventEvidence, Text: text}); err != nil {
			return err
		}
		after, _ := json.Marshal(x)
		out = x
		// Collected is when the upload began; the audit entry is when it
		// was kept, after what others wrote in the meantime.
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: x.CollectedBy, Action: "incident.evidence.add", Object: incidentObject(x.Incident),
			After: after, Reason: reason})
	})
	return out, err
}

// putBlob stores the spooled content of ev unless content with its
// SHA-256 is stored already.
func (s *Store) putBlob(ctx context.Context, tx *txn, ev incident.Evidence, sp *spool, now time.Time) error {
	var size int64
	err := tx.queryRow(ctx, `SELECT size FROM evidence_blobs WHERE sha256 = ?`, ev.SHA256).Scan(&size)
	switch {
	case err == nil && size == ev.Size:
		return nil
	case err == nil:
		return fmt.Errorf("evidence blob %s: stored with %d bytes, taken in with %d", ev.SHA256, size, ev.Size)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("evidence blob %s: %w", ev.SHA256, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO evidence_blobs (sha256, size, created_at) VALUES (?, ?, ?)`, ev.SHA256, ev.Size, now); err != nil {
		return fmt.Errorf("evidence blob %s: %w", ev.SHA256, err)
	}
	if err := sp.rewind(); err != nil {
		return err
	}
	buf := make([]byte, chunkSize)
	var written int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(sp, buf)
		if n > 0 {
			if _, err := tx.exec(ctx, `INSERT INTO evidence_chunks (sha256, seq, data) VALUES (?, ?, ?)`, ev.SHA256, seq, buf[:n]); err != nil {
				return fmt.Errorf("evidence blob %s: chunk %d: %w", ev.SHA256, seq, err)
			}
			written += int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("evidence spool: %w", err)
		}
	}
	// The spool is the bytes that were hashed; this catches a spool
	// that lost some, before they are kept as the evidence.
	if written != ev.Size {
		return fmt.Errorf("evidence spool: %d bytes read back, %d taken in", written, ev.Size)
	}
	return nil
}

const evidenceColumns = `id, incident_id, sha256, size, name, tlp, collected_at, collected_by, detail`

func scanEvidence(r interface{ Scan(...any) error }) (incident.Evidence, error) {
	var (
		ev                         incident.Evidence
		id, in, size               int64
		sum, name, tlp, by, detail string
		collected                  time.Time
	)
	if err := r.Scan(&id, &in, &sum, &size, &name, &tlp, &collected, &by, &detail); err != nil {
		return ev, err
	}
	if err := json.Unmarshal([]byte(detail), &ev); err != nil {
		return ev, fmt.Errorf("evidence %d: %w", id, err)
	}
	// The columns are what queries see; they win over the JSON copy.
	ev.ID, ev.Incident, ev.SHA256, ev.Size, ev.Name, ev.CollectedBy = id, in, sum, size, name, by
	ev.Marking.TLP, ev.Collected = incident.TLP(tlp), collected.UTC()
	if e := ev.Marking.Embargo; e != nil {
		e.Until = e.Until.UTC()
	}
	return ev, nil
}

func (s *Store) evidence(ctx context.Context, q querier, id int64) (incident.Evidence, error) {
	ev, err := scanEvidence(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+evidenceColumns+` FROM evidence WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return ev, fmt.Errorf("evidence %d: %w", id, store.ErrNotFound)
	}
	return ev, err
}

// Evidence implements store.Custody.
func (s *Store) Evidence(ctx context.Context, id int64) (incident.Evidence, error) {
	return s.evidence(ctx, s.r, id)
}

// ListEvidence implements store.Custody.
func (s *Store) ListEvidence(ctx context.Context, incidentID int64) ([]incident.Evidence, error) {
	if _, err := s.incident(ctx, s.r, incidentID); err != nil {
		return nil, err
	}
	return collect(ctx, s.r, s.d.Rebind(`SELECT `+evidenceColumns+` FROM evidence WHERE incident_id = ? ORDER BY id`), []any{incidentID}, rowScanner(scanEvidence))
}

const custodyColumns = `evidence_id, at, actor, action, reason, to_whom, sha256`

func scanCustody(r interface{ Scan(...any) error }) (incident.CustodyEvent, error) {
	var e incident.CustodyEvent
	err := r.Scan(&e.Evidence, &e.At, &e.Actor, &e.Action, &e.Reason, &e.To, &e.SHA256)
	e.At = e.At.UTC()
	return e, err
}

func (s *Store) custodyLog(ctx context.Context, q querier, id int64) ([]incident.CustodyEvent, error) {
	log, err := collect(ctx, q, s.d.Rebind(`SELECT `+custodyColumns+` FROM evidence_custody WHERE evidence_id = ? ORDER BY id`), []any{id}, rowScanner(scanCustody))
	if err != nil {
		return nil, fmt.Errorf("evidence %d: custody: %w", id, err)
	}
	return log, nil
}

// CustodyLog implements store.Custody.
func (s *Store) CustodyLog(ctx context.Context, id int64) ([]incident.CustodyEvent, error) {
	if _, err := s.evidence(ctx, s.r, id); err != nil {
		return nil, err
	}
	return s.custodyLog(ctx, s.r, id)
}

func insertCustody(ctx context.Context, tx *txn, e incident.CustodyEvent) error {
	if _, err := tx.exec(ctx, `INSERT INTO evidence_custody (evidence_id, at, actor, action, reason, to_whom, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.Evidence, e.At, e.Actor, e.Action, e.Reason, e.To, e.SHA256); err != nil {
		return fmt.Errorf("evidence %d: custody: %w", e.Evidence, err)
	}
	return nil
}

// appendCustody appends e to ev's chain of custody once the chain with
// it still holds to incident.CheckCustody, read in the transaction.
func (s *Store) appendCustody(ctx context.Context, tx *txn, ev incident.Evidence, e incident.CustodyEvent) error {
	log, err := s.custodyLog(ctx, tx, ev.ID)
	if err != nil {
		return err
	}
	if err := incident.CheckCustody(ev, append(log, e)); err != nil {
		return err
	}
	return insertCustody(ctx, tx, e)
}

// custodyText describes a custody entry on the timeline.
func custodyText(ev incident.Evidence, e incident.CustodyEvent) string {
	s := fmt.Sprintf("%s %s by %s", evidenceText(ev), e.Action, e.Actor)
	if e.To != "" {
		s += " to " + e.To
	}
	if e.Reason != "" {
		s += ": " + clip(e.Reason, maxTimelineReason)
	}
	return s
}

// blobReader reads a blob's chunks in order, with one query opened on
// the first Read. A chunk out of sequence ends the content there: what
// follows is not what was taken in, and the hash check every read ends
// with reports it.
type blobReader struct {
	ctx  context.Context
	q    querier
	d    Dialect
	sha  string
	rows *sql.Rows
	next int64
	buf  []byte
	done bool
}

func (s *Store) blob(ctx context.Context, sha string) *blobReader {
	return &blobReader{ctx: ctx, q: s.r, d: s.d, sha: sha}
}

func (b *blobReader) Read(p []byte) (int, error) {
	for len(b.buf) == 0 {
		if b.done {
			return 0, io.EOF
		}
		if b.rows == nil {
			rows, err := b.q.QueryContext(b.ctx, b.d.Rebind(`SELECT seq, data FROM evidence_chunks WHERE sha256 = ? ORDER BY seq`), b.sha)
			if err != nil {
				return 0, fmt.Errorf("evidence blob %s: %w", b.sha, err)
			}
			b.rows = rows
		}
		if !b.rows.Next() {
			b.done = true
			if err := b.rows.Err(); err != nil {
				return 0, fmt.Errorf("evidence blob %s: %w", b.sha, err)
			}
			return 0, io.EOF
		}
		var seq int64
		if err := b.rows.Scan(&seq, &b.buf); err != nil {
			return 0, fmt.Errorf("evidence blob %s: chunk %d: %w", b.sha, b.next, err)
		}
		if seq != b.next {
			b.done, b.buf = true, nil
			return 0, io.EOF
		}
		b.next++
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

func (b *blobReader) Close() error {
	if b.rows == nil {
		return nil
	}
	return b.rows.Close()
}

// recordTampered puts on the timeline and in the audit log that a piece
// of evidence failed its check when actor used it; the check's error is
// returned as it was, after.
func (s *Store) recordTampered(ctx context.Context, ev incident.Evidence, actor string, found error) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		text := fmt.Sprintf("%s failed its integrity check when %s used it, and was not released: %v", evidenceText(ev), actor, found)
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: ev.Incident, At: now, Actor: actor, Kind: incident.EventEvidence, Text: clip(text, 8<<10)}); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"evidence": ev.ID, "sha256": ev.SHA256})
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "incident.evidence.tampered", Object: incidentObject(ev.Incident),
			After: after, Reason: found.Error()})
	})
	if err != nil {
		return errors.Join(found, fmt.Errorf("record the failed check: %w", err))
	}
	return found
}

// OpenEvidence implements store.Custody.
func (s *Store) OpenEvidence(ctx context.Context, id int64, e incident.CustodyEvent) (io.ReadSeekCloser, incident.Evidence, error) {
	if e.Action != incident.CustodyAccessed && e.Action != incident.CustodyVerified {
		return nil, incident.Evidence{}, fmt.Errorf("%w: evidence %d: opened to be %s: only accessed or verified", incident.ErrCustody, id, e.Action)
	}
	if err := checkIncidentActor(e.Actor); err != nil {
		return nil, incident.Evidence{}, err
	}
	ev, err := s.evidence(ctx, s.r, id)
	if err != nil {
		return nil, ev, err
	}
	// Refuse an entry the log would refuse (no reason) before reading
	// 100 MiB for nothing; the log as stored is checked when it is
	// appended to.
	if err := incident.CheckCustody(ev, []incident.CustodyEvent{ev.Intake(), {At: s.clock(), Actor: e.Actor, Action: e.Action, Reason: e.Reason}}); err != nil {
		return nil, ev, err
	}
	sp, err := newSpool()
	if err != nil {
		return nil, ev, err
	}
	ok := false
	defer func() {
		if !ok {
			sp.Close()
		}
	}()
	blob := s.blob(ctx, ev.SHA256)
	err = ev.CopyContent(sp, blob)
	blob.Close()
	if errors.Is(err, incident.ErrTampered) {
		return nil, ev, s.recordTampered(ctx, ev, e.Actor, err)
	}
	if err != nil {
		return nil, ev, err
	}
	if err := sp.rewind(); err != nil {
		return nil, ev, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x := e
		x.Evidence, x.At = ev.ID, s.clock()
		if x.Action == incident.CustodyVerified {
			x.SHA256 = ev.SHA256
		}
		if err := s.appendCustody(ctx, tx, ev, x); err != nil {
			return err
		}
		text := custodyText(ev, x)
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: ev.Incident, At: x.At, Actor: x.Actor, Kind: incident.EventEvidence, Text: text}); err != nil {
			return err
		}
		after, _ := json.Marshal(x)
		return appendAudit(ctx, tx, audit.Entry{At: x.At, Actor: x.Actor, Action: "incident.evidence." + string(x.Action), Object: incidentObject(ev.Incident),
			After: after, Reason: x.Reason})
	})
	if err != nil {
		return nil, ev, err
	}
	ok = true
	return sp, ev, nil
}

// ExportEvidence implements store.Custody.
func (s *Store) ExportEvidence(ctx context.Context, incidentID int64, ids []int64, ex incident.Export) (io.ReadSeekCloser, string, []incident.Evidence, error) {
	in, err := s.incident(ctx, s.r, incidentID)
	if err != nil {
		return nil, "", nil, err
	}
	evs := make([]incident.Evidence, len(ids))
	items := make([]incident.BundleItem, len(ids))
	blobs := make([]*blobReader, len(ids))
	defer func() {
		for _, b := range blobs {
			if b != nil {
				b.Close()
			}
		}
	}()
	for i, id := range ids {
		ev, err := s.evidence(ctx, s.r, id)
		if err != nil {
			return nil, "", nil, err
		}
		if ev.Incident != incidentID {
			return nil, "", nil, fmt.Errorf("incident %d: evidence %d: %w", incidentID, id, store.ErrNotFound)
		}
		evs[i], blobs[i] = ev, s.blob(ctx, ev.SHA256)
		items[i] = incident.BundleItem{Evidence: ev, Content: blobs[i]}
	}
	sp, err := newSpool()
	if err != nil {
		return nil, "", nil, err
	}
	ok := false
	defer func() {
		if !ok {
			sp.Close()
		}
	}()
	ex.At = s.clock()
	sum, err := incident.WriteBundle(sp, in, items, ex)
	if errors.Is(err, incident.ErrTampered) {
		// WriteBundle stops at the first item whose content does not
		// match: the last one it started reading.
		for i := len(blobs) - 1; i >= 0; i-- {
			if blobs[i].rows != nil {
				return nil, "", nil, s.recordTampered(ctx, evs[i], ex.By, err)
			}
		}
	}
	if err != nil {
		return nil, "", nil, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		names := make([]string, len(evs))
		for i, ev := range evs {
			e := incident.CustodyEvent{Evidence: ev.ID, At: ex.At, Actor: ex.By, Action: incident.CustodyExported, Reason: ex.Reason, To: ex.To.Name, SHA256: sum}
			if err := s.appendCustody(ctx, tx, ev, e); err != nil {
				return err
			}
			names[i] = fmt.Sprintf("%d (%s)", ev.ID, ev.Name)
		}
		to := ex.To.Name
		if to == "" {
			to = "an unnamed recipient"
		}
		text := fmt.Sprintf("evidence %s exported by %s for %s (cleared for TLP:%s) in a bundle whose manifest has sha256 %s: %s",
			strings.Join(names, ", "), ex.By, to, ex.To.Clearance, sum, clip(ex.Reason, maxTimelineReason))
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: incidentID, At: ex.At, Actor: ex.By, Kind: incident.EventEvidence, Text: clip(text, 8<<10)}); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"evidence": ids, "manifest_sha256": sum, "to": ex.To.Name, "clearance": ex.To.Clearance})
		return appendAudit(ctx, tx, audit.Entry{At: ex.At, Actor: ex.By, Action: "incident.evidence.export", Object: incidentObject(incidentID),
			After: after, Reason: ex.Reason})
	})
	if err != nil {
		return nil, "", nil, err
	}
	if err := sp.rewind(); err != nil {
		return nil, "", nil, err
	}
	ok = true
	return sp, sum, evs, nil
}

// TransferEvidence implements store.Custody.
func (s *Store) TransferEvidence(ctx context.Context, id int64, e incident.CustodyEvent) (incident.CustodyEvent, error) {
	var out incident.CustodyEvent
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		ev, err := s.evidence(ctx, tx, id)
		if err != nil {
			return err
		}
		x := e
		x.Evidence, x.At, x.Action, x.SHA256 = id, s.clock(), incident.CustodyTransferred, ""
		if err := s.appendCustody(ctx, tx, ev, x); err != nil {
			return err
		}
		if _, err := insertEvent(ctx, tx, incident.Event{Incident: ev.Incident, At: x.At, Actor: x.Actor, Kind: incident.EventEvidence, Text: custodyText(ev, x)}); err != nil {
			return err
		}
		after, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: x.At, Actor: x.Actor, Action: "incident.evidence.transfer", Object: incidentObject(ev.Incident),
			After: after, Reason: x.Reason})
	})
	return out, err
}
