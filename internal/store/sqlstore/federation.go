package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
)

func peerObject(name string) string { return "peer:" + name }

// PutPeer implements store.Federation.
func (s *Store) PutPeer(ctx context.Context, p peer.Peer, sealedToken string, keepToken bool, actor string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p.Token, p.Last, p.HasToken = "", peer.Pull{}, false
	detail, err := json.Marshal(p)
	if err != nil {
		return err
	}
	now := stix.TimeKey(s.clock())
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		var before json.RawMessage
		var old string
		switch err := tx.queryRow(ctx, `SELECT detail FROM peers WHERE name = ?`, p.Name).Scan(&old); {
		case err == nil:
			before = json.RawMessage(old)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if before == nil {
			if _, err := tx.exec(ctx, `INSERT INTO peers (name, detail, token, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				p.Name, string(detail), sealedToken, now, now); err != nil {
				return fmt.Errorf("peer %s: %w", p.Name, err)
			}
		} else {
			q, args := `UPDATE peers SET detail = ?, updated_at = ? WHERE name = ?`, []any{string(detail), now, p.Name}
			if !keepToken {
				q, args = `UPDATE peers SET detail = ?, updated_at = ?, token = ? WHERE name = ?`, []any{string(detail), now, sealedToken, p.Name}
			}
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return fmt.Errorf("peer %s: %w", p.Name, err)
			}
		}
		var was peer.Peer
		if before != nil {
			if err := json.Unmarshal(before, &was); err != nil {
				return fmt.Errorf("peer %s: %w", p.Name, err)
			}
		}
		if before == nil || was.Trust != p.Trust {
			if err := s.remergePeer(ctx, tx, p.Name); err != nil {
				return err
			}
		}
		// The audit log says whether the token changed, never what it is.
		after, err := auditJSON(map[string]any{"peer": json.RawMessage(detail), "token_changed": !keepToken})
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: actor, Action: "peer.put", Object: peerObject(p.Name), Before: before, After: after})
	})
}

const peerColumns = `p.name, p.detail, p.token, p.mark, p.last,
	(SELECT COUNT(*) FROM source_records r WHERE r.source = 'peer:' || p.name AND r.retired_at IS NULL)`

func scanPeer(r interface{ Scan(...any) error }) (peer.Peer, error) {
	var (
		p                         peer.Peer
		name, detail, token, last string
		mark                      string
		records                   int
	)
	if err := r.Scan(&name, &detail, &token, &mark, &last, &records); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(detail), &p); err != nil {
		return p, fmt.Errorf("peer %s: %w", name, err)
	}
	if err := json.Unmarshal([]byte(last), &p.Last); err != nil {
		return p, fmt.Errorf("peer %s: last pull: %w", name, err)
	}
	p.Name, p.Token, p.HasToken, p.Mark = name, token, token != "", mark
	p.Last.Records = records
	return p, nil
}

// Peers implements store.Federation.
func (s *Store) Peers(ctx context.Context) ([]peer.Peer, error) {
	ps, err := collect(ctx, s.r, `SELECT `+peerColumns+` FROM peers p ORDER BY p.name`, nil, func(r *sql.Rows) (peer.Peer, error) { return scanPeer(r) })
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	return ps, nil
}

// Peer implements store.Federation.
func (s *Store) Peer(ctx context.Context, name string) (peer.Peer, error) {
	p, err := scanPeer(s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT `+peerColumns+` FROM peers p WHERE p.name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("peer %s: %w", name, store.ErrNotFound)
	}
	return p, err
}

// DeletePeer implements store.Federation.
func (s *Store) DeletePeer(ctx context.Context, name, actor string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		var old string
		err := tx.queryRow(ctx, `SELECT detail FROM peers WHERE name = ?`, name).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("peer %s: %w", name, store.ErrNotFound)
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM peers WHERE name = ?`, name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM peer_records WHERE source = ?`, peer.SourcePrefix+name); err != nil {
			return err
		}
		if err := s.remergePeer(ctx, tx, name); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: actor, Action: "peer.delete", Object: peerObject(name), Before: json.RawMessage(old)})
	})
}

// remergeChunk bounds the vulnerabilities one summary refresh reads at
// once.
const remergeChunk = 1000

// remergePeer rewrites the list summaries of the vulnerabilities the
// peer's source holds records of, in tx, after its place in the merge
// order changed (added, another trust level, removed): the lists show
// what the merged view chooses now, not what it chose when the records
// were written.
func (s *Store) remergePeer(ctx context.Context, tx *txn, name string) error {
	ids, err := collect(ctx, tx, s.d.Rebind(`SELECT DISTINCT vuln_id FROM source_records WHERE source = ?`), []any{peer.SourcePrefix + name},
		func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
	if err != nil {
		return fmt.Errorf("peer %s: its vulnerabilities: %w", name, err)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), remergeChunk)]
		ids = ids[len(chunk):]
		touched := make(map[int64]bool, len(chunk))
		for _, id := range chunk {
			touched[id] = true
		}
		if err := s.refreshSummaries(ctx, tx, touched, nil); err != nil {
			return fmt.Errorf("peer %s: summaries: %w", name, err)
		}
	}
	return nil
}

// PutPeerPull implements store.Federation.
func (s *Store) PutPeerPull(ctx context.Context, name string, last peer.Pull, mark string) error {
	b, err := json.Marshal(last)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `UPDATE peers SET last = ?, mark = ? WHERE name = ?`, string(b), mark, name)
		if err != nil {
			return fmt.Errorf("peer %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("peer %s: %w", name, store.ErrNotFound)
		}
		return nil
	})
}

// peerRecordChunk bounds the ids of one IN list.
const peerRecordChunk = 500

// PeerRecords implements store.Federation.
func (s *Store) PeerRecords(ctx context.Context, source string, ids []string) (map[string]store.PeerRecord, error) {
	out := map[string]store.PeerRecord{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), peerRecordChunk)]
		ids = ids[len(chunk):]
		args := []any{source}
		for _, id := range chunk {
			args = append(args, id)
		}
		q := `SELECT record_id, origin, hash, pulled_at FROM peer_records WHERE source = ? AND record_id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ") + `)`
		recs, err := collect(ctx, s.r, s.d.Rebind(q), args, func(r *sql.Rows) (store.PeerRecord, error) {
			var pr store.PeerRecord
			var at string
			if err := r.Scan(&pr.ID, &pr.Origin, &pr.Hash, &at); err != nil {
				return pr, err
			}
			pr.PulledAt, _ = time.Parse(time.RFC3339Nano, at)
			return pr, nil
		})
		if err != nil {
			return nil, fmt.Errorf("records pulled from %s: %w", source, err)
		}
		for _, pr := range recs {
			out[pr.ID] = pr
		}
	}
	return out, nil
}

// PutPeerRecords implements store.Federation.
func (s *Store) PutPeerRecords(ctx context.Context, source string, recs []store.PeerRecord) error {
	now := stix.TimeKey(s.clock())
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		for _, pr := range recs {
			if _, err := tx.exec(ctx, `INSERT INTO peer_records (source, record_id, origin, hash, pulled_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (source, record_id) DO UPDATE SET origin = excluded.origin, hash = excluded.hash, pulled_at = excluded.pulled_at`,
				source, pr.ID, pr.Origin, pr.Hash, now); err != nil {
				return fmt.Errorf("record %s pulled from %s: %w", pr.ID, source, err)
			}
		}
		return nil
	})
}

// changedQuery pages vulns by updated_at through vulns_updated. A
// vulnerability is the organisation's own ("" origin) when a current
// non-peer record carries it; else its origin is the smallest its peer
// copies carry (one of them, deterministically). The TLP rule is the
// OSV API's: a current claim of a label beyond CLEAR withholds it.
const changedQuery = `SELECT v.primary_id, v.updated_at,
	CASE WHEN EXISTS (SELECT 1 FROM source_records r WHERE r.vuln_id = v.id AND r.retired_at IS NULL AND r.source NOT LIKE 'peer:%')
		THEN '' ELSE COALESCE((SELECT MIN(f.origin) FROM source_records r JOIN peer_records f ON f.source = r.source AND f.record_id = r.record_id
			WHERE r.vuln_id = v.id AND r.retired_at IS NULL), '') END
	FROM vulns v
	WHERE (v.updated_at > ? OR (v.updated_at = ? AND v.primary_id > ?))
	AND NOT EXISTS (SELECT 1 FROM source_records r JOIN claims c ON c.record_id = r.id
		WHERE r.vuln_id = v.id AND r.retired_at IS NULL AND c.field = 'tlp' AND c.replaced_at IS NULL AND UPPER(CAST(c.value AS TEXT)) NOT IN ('"CLEAR"', '"WHITE"'))
	ORDER BY v.updated_at, v.primary_id LIMIT ?`

// ChangedVulns implements store.Federation.
func (s *Store) ChangedVulns(ctx context.Context, after string, limit int) (store.ChangedPage, error) {
	var page store.ChangedPage
	switch {
	case limit <= 0:
		limit = 1000
	case limit > store.MaxChangedLimit:
		limit = store.MaxChangedLimit
	}
	since, id := any(time.Time{}), ""
	if after != "" {
		var err error
		if since, id, err = decodeCursor(after, "updated"); err != nil {
			return page, err
		}
	}
	items, err := collect(ctx, s.r, s.d.Rebind(changedQuery), []any{since, since, id, limit + 1}, func(r *sql.Rows) (store.Changed, error) {
		var c store.Changed
		err := r.Scan(&c.ID, &c.Updated, &c.Origin)
		c.Updated = c.Updated.UTC()
		return c, err
	})
	if err != nil {
		return page, fmt.Errorf("changed vulnerabilities: %w", err)
	}
	if len(items) > limit {
		items, page.More = items[:limit], true
	}
	page.Items = items
	page.Next = after
	if n := len(items); n > 0 {
		page.Next = encodeCursor("updated", items[n-1].Updated, items[n-1].ID)
	}
	return page, nil
}

// FederationMark implements store.Federation.
func (s *Store) FederationMark(ctx context.Context, name string) (string, error) {
	var m string
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT mark FROM federation_marks WHERE name = ?`), name).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return m, err
}

// PutFederationMark implements store.Federation.
func (s *Store) PutFederationMark(ctx context.Context, name, mark string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `INSERT INTO federation_marks (name, mark) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET mark = excluded.mark`, name, mark)
		return err
	})
}

// precedence is the merge's source precedence now: the configured one
// (Options.Precedence) with the stored peers placed by their current
// trust levels (peer.Precedence). It is read where a merge needs it, in
// the merge's own transaction when there is one, so a peer added or a
// trust level changed counts at the next merge on every replica; the
// peers table is a handful of rows.
func (s *Store) precedence(ctx context.Context, q querier) (advisory.Precedence, error) {
	ps, err := collect(ctx, q, `SELECT name, detail FROM peers`, nil, func(r *sql.Rows) (peer.Peer, error) {
		var p peer.Peer
		var name, detail string
		if err := r.Scan(&name, &detail); err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(detail), &p); err != nil {
			return p, fmt.Errorf("peer %s: %w", name, err)
		}
		p.Name = name
		return p, nil
	})
	if err != nil {
		return advisory.Precedence{}, fmt.Errorf("peers' precedence: %w", err)
	}
	if len(ps) == 0 {
		return s.prec, nil
	}
	return peer.Precedence(s.prec, ps), nil
}
