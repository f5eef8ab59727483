package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
)

func collectionObject(id string) string { return "taxii-collection:" + id }

// PutAPIRoot implements store.TAXII.
func (s *Store) PutAPIRoot(ctx context.Context, r taxii.APIRoot, actor string) error {
	if err := r.Validate(); err != nil {
		return err
	}
	after, err := auditJSON(r)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if _, err := tx.exec(ctx, `INSERT INTO taxii_api_roots (name, title, description) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET title = excluded.title, description = excluded.description`, r.Name, r.Title, r.Description); err != nil {
			return fmt.Errorf("api root %s: %w", r.Name, err)
		}
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: actor, Action: "taxii.api-root", Object: "taxii-api-root:" + r.Name, After: after})
	})
}

// APIRoots implements store.TAXII.
func (s *Store) APIRoots(ctx context.Context) ([]taxii.APIRoot, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, title, description FROM taxii_api_roots ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("api roots: %w", err)
	}
	defer rows.Close()
	var out []taxii.APIRoot
	for rows.Next() {
		var r taxii.APIRoot
		if err := rows.Scan(&r.Name, &r.Title, &r.Description); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutCollection implements store.TAXII.
func (s *Store) PutCollection(ctx context.Context, c taxii.Collection, actor string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	detail, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM taxii_api_roots WHERE name = ?`, c.APIRoot).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("collection %s: api root %s: %w", c.ID, c.APIRoot, store.ErrNotFound)
		}
		var before json.RawMessage
		var old string
		switch err := tx.queryRow(ctx, `SELECT detail FROM taxii_collections WHERE id = ?`, c.ID).Scan(&old); {
		case err == nil:
			before = json.RawMessage(old)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO taxii_collections (id, api_root, detail) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET api_root = excluded.api_root, detail = excluded.detail`, c.ID, c.APIRoot, string(detail)); err != nil {
			return fmt.Errorf("collection %s: %w", c.ID, err)
		}
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: actor, Action: "taxii.collection", Object: collectionObject(c.ID), Before: before, After: detail})
	})
}

// Collections implements store.TAXII.
func (s *Store) Collections(ctx context.Context, apiRoot string) ([]taxii.Collection, error) {
	rows, err := s.r.QueryContext(ctx, s.d.Rebind(`SELECT detail FROM taxii_collections WHERE api_root = ? OR ? = '' ORDER BY id`), apiRoot, apiRoot)
	if err != nil {
		return nil, fmt.Errorf("collections: %w", err)
	}
	defer rows.Close()
	var out []taxii.Collection
	for rows.Next() {
		var detail string
		if err := rows.Scan(&detail); err != nil {
			return nil, err
		}
		var c taxii.Collection
		if err := json.Unmarshal([]byte(detail), &c); err != nil {
			return nil, fmt.Errorf("collection: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Collection implements store.TAXII.
func (s *Store) Collection(ctx context.Context, id string) (taxii.Collection, error) {
	var c taxii.Collection
	var detail string
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT detail FROM taxii_collections WHERE id = ?`), id).Scan(&detail)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("collection %s: %w", id, store.ErrNotFound)
	} else if err != nil {
		return c, fmt.Errorf("collection %s: %w", id, err)
	}
	return c, json.Unmarshal([]byte(detail), &c)
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// AddSTIX implements store.TAXII.
func (s *Store) AddSTIX(ctx context.Context, collection string, objs []stix.Object, dateAdded []time.Time, failures []taxii.Detail, actor string) (taxii.Status, error) {
	now := s.clock()
	st := taxii.Status{ID: newUUID(), Status: "complete", RequestTimestamp: now, TotalCount: len(objs) + len(failures), Collection: collection, User: actor,
		FailureCount: len(failures), Failures: failures}
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		st.Successes, st.SuccessCount = nil, 0
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM taxii_collections WHERE id = ?`, collection).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("collection %s: %w", collection, store.ErrNotFound)
		}
		added := 0
		for i, o := range objs {
			at := now
			if i < len(dateAdded) && !dateAdded[i].IsZero() {
				at = dateAdded[i]
			}
			version, key := o.Version(), ""
			if version == "" {
				version = stix.TimeKey(at)
			} else {
				t, err := stix.ParseTime(version)
				if err != nil {
					return fmt.Errorf("%s: version: %w", o.ID, err)
				}
				key = stix.TimeKey(t)
			}
			var held int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM stix_objects WHERE collection = ? AND id = ? AND version_key = ?`, collection, o.ID, key).Scan(&held); err != nil {
				return err
			}
			msg := "added"
			if held > 0 {
				msg = "already held"
			} else {
				if _, err := tx.exec(ctx, `INSERT INTO stix_objects (collection, id, type, version, version_key, spec_version, date_added, object) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
					collection, o.ID, o.Type, version, key, o.SpecVersion, stix.TimeKey(at), string(o.Raw)); err != nil {
					return fmt.Errorf("%s: %w", o.ID, err)
				}
				added++
			}
			st.SuccessCount++
			st.Successes = append(st.Successes, taxii.Detail{ID: o.ID, Version: version, Message: msg})
		}
		detail, err := json.Marshal(st)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO taxii_status (id, collection, user_name, created_at, detail) VALUES (?, ?, ?, ?, ?)`,
			st.ID, collection, actor, stix.TimeKey(now), string(detail)); err != nil {
			return err
		}
		after, err := auditJSON(map[string]any{"status": st.ID, "total": st.TotalCount, "added": added, "failed": len(failures)})
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "taxii.add", Object: collectionObject(collection), After: after})
	})
	return st, err
}

// TAXIIStatus implements store.TAXII.
func (s *Store) TAXIIStatus(ctx context.Context, id string) (taxii.Status, error) {
	var st taxii.Status
	var detail string
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT collection, user_name, detail FROM taxii_status WHERE id = ?`), id).Scan(&st.Collection, &st.User, &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("status %s: %w", id, store.ErrNotFound)
	} else if err != nil {
		return st, fmt.Errorf("status %s: %w", id, err)
	}
	c, u := st.Collection, st.User
	if err := json.Unmarshal([]byte(detail), &st); err != nil {
		return st, fmt.Errorf("status %s: %w", id, err)
	}
	st.Collection, st.User = c, u
	st.RequestTimestamp = st.RequestTimestamp.UTC()
	return st, nil
}

// STIXObjects implements store.TAXII.
func (s *Store) STIXObjects(ctx context.Context, q store.STIXQuery) (store.STIXPage, error) {
	var page store.STIXPage
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = store.DefaultSTIXLimit
	case limit > store.MaxSTIXLimit:
		limit = store.MaxSTIXLimit
	}
	var (
		where = []string{"o.collection = ?"}
		args  = []any{q.Collection}
	)
	in := func(col string, vals []string) {
		where = append(where, col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if len(q.IDs) > 0 {
		in("o.id", q.IDs)
	}
	if len(q.Types) > 0 {
		in("o.type", q.Types)
	}
	if len(q.SpecVersions) > 0 {
		in("o.spec_version", q.SpecVersions)
	} else {
		where = append(where, "o.spec_version = (SELECT MAX(x.spec_version) FROM stix_objects x WHERE x.collection = o.collection AND x.id = o.id)")
	}
	versions := q.Versions
	if len(versions) == 0 {
		versions = []string{"last"}
	}
	var alts []string
	var stamps []string
	for _, v := range versions {
		switch v {
		case "all":
			alts = append(alts, "1 = 1")
		case "first", "last":
			agg := map[string]string{"first": "MIN", "last": "MAX"}[v]
			alts = append(alts, "o.version_key = (SELECT "+agg+"(x.version_key) FROM stix_objects x WHERE x.collection = o.collection AND x.id = o.id AND x.spec_version = o.spec_version)")
		default:
			t, err := stix.ParseTime(v)
			if err != nil {
				return page, fmt.Errorf("%w: match[version]: %v", store.ErrBadQuery, err)
			}
			stamps = append(stamps, stix.TimeKey(t))
		}
	}
	if len(stamps) > 0 {
		alts = append(alts, "o.version_key IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(stamps)), ", ")+")")
	}
	where = append(where, "("+strings.Join(alts, " OR ")+")")
	for _, v := range stamps {
		args = append(args, v)
	}
	if !q.AddedAfter.IsZero() {
		where = append(where, "o.date_added > ?")
		args = append(args, stix.TimeKey(q.AddedAfter))
	}
	if q.Next != "" {
		added, seq, err := decodeSTIXCursor(q.Next)
		if err != nil {
			return page, err
		}
		where = append(where, "(o.date_added > ? OR (o.date_added = ? AND o.seq > ?))")
		args = append(args, added, added, seq)
	}
	args = append(args, limit+1)
	rows, err := s.r.QueryContext(ctx, s.d.Rebind(`SELECT o.seq, o.id, o.type, o.version, o.spec_version, o.date_added, o.object FROM stix_objects o WHERE `+
		strings.Join(where, " AND ")+` ORDER BY o.date_added, o.seq LIMIT ?`), args...)
	if err != nil {
		return page, fmt.Errorf("stix objects of %s: %w", q.Collection, err)
	}
	defer rows.Close()
	var lastAdded string
	var lastSeq int64
	for rows.Next() {
		var (
			v      store.STIXVersion
			seq    int64
			added  string
			object string
		)
		if err := rows.Scan(&seq, &v.ID, &v.Type, &v.Version, &v.SpecVersion, &added, &object); err != nil {
			return page, err
		}
		if len(page.Objects) == limit {
			page.More = true
			page.Next = base64.RawURLEncoding.EncodeToString([]byte(lastAdded + "|" + strconv.FormatInt(lastSeq, 10)))
			break
		}
		if v.DateAdded, err = time.Parse(time.RFC3339Nano, added); err != nil {
			return page, fmt.Errorf("%s: date_added: %w", v.ID, err)
		}
		v.Object = json.RawMessage(object)
		page.Objects = append(page.Objects, v)
		lastAdded, lastSeq = added, seq
	}
	return page, rows.Err()
}

func decodeSTIXCursor(next string) (string, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(next)
	if err == nil {
		added, seq, ok := strings.Cut(string(b), "|")
		if n, perr := strconv.ParseInt(seq, 10, 64); ok && perr == nil {
			if _, terr := time.Parse(time.RFC3339Nano, added); terr == nil {
				return added, n, nil
			}
		}
	}
	return "", 0, fmt.Errorf("%w: next: not a cursor this server gave", store.ErrBadQuery)
}

// PullMark implements store.TAXII.
func (s *Store) PullMark(ctx context.Context, peer, collection string) (time.Time, error) {
	var at string
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT added_after FROM taxii_pulls WHERE peer = ? AND collection = ?`), peer, collection).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, fmt.Errorf("pull mark of %s %s: %w", peer, collection, err)
	}
	return time.Parse(time.RFC3339Nano, at)
}

// PutPullMark implements store.TAXII.
func (s *Store) PutPullMark(ctx context.Context, peer, collection string, addedAfter time.Time) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `INSERT INTO taxii_pulls (peer, collection, added_after, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (peer, collection) DO UPDATE SET added_after = excluded.added_after, updated_at = excluded.updated_at`,
			peer, collection, stix.TimeKey(addedAfter), stix.TimeKey(s.clock()))
		return err
	})
}
