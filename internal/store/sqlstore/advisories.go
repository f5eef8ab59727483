package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
)

// PutRecords implements store.Advisories.
func (s *Store) PutRecords(ctx context.Context, recs []advisory.Record) (store.BatchResult, error) {
	var res store.BatchResult
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res = store.BatchResult{}
		w := &writer{tx: tx, now: s.clock(), prec: s.prec, touched: map[int64]bool{}, fresh: map[int64]*freshVuln{}}
		for i := range recs {
			if err := w.put(ctx, &recs[i], &res); err != nil {
				return fmt.Errorf("record %d (%s %s): %w", i, recs[i].Source, recs[i].ID, err)
			}
		}
		return s.refreshSummaries(ctx, tx, w.touched, w.fresh)
	})
	if err != nil {
		return store.BatchResult{}, err
	}
	return res, nil
}

// writer carries one batch's state through its records.
type writer struct {
	tx      *txn
	now     time.Time
	prec    advisory.Precedence
	touched map[int64]bool // vulnerabilities whose summary must be recomputed
	// fresh holds what the merged view of a vulnerability created in this
	// batch needs, while exactly one record has written to it, so that its
	// summary is computed without reading back what was just written. A
	// nil entry means a second record touched it: read it back.
	fresh map[int64]*freshVuln
}

// newFresh is what a vulnerability created by rec alone needs for its
// merged view. claims are rec's claims; they get the batch's time as seen.
func (w *writer) newFresh(rec *advisory.Record, claims []advisory.Claim) *freshVuln {
	for i := range claims {
		claims[i].Seen = w.now
	}
	ids := slices.Clone(rec.IDs())
	slices.Sort(ids)
	return &freshVuln{ids: ids, claims: claims,
		src: advisory.SourceRef{Source: rec.Source, Record: rec.ID, Document: rec.Document, Modified: rec.Modified.UTC(), Seen: w.now}}
}

type freshVuln struct {
	ids    []string
	src    advisory.SourceRef
	claims []advisory.Claim
	// stored says the summary went in with the vulnerability's row, so
	// there is nothing to refresh.
	stored bool
}

func (w *writer) put(ctx context.Context, rec *advisory.Record, res *store.BatchResult) error {
	if err := rec.Validate(); err != nil {
		return err
	}
	claims := rec.Claims()
	hash := advisory.HashClaims(claims)

	var (
		rowID, rowVuln int64
		rowHash        string
		rowModified    sql.NullTime
	)
	// A retired record has an empty hash, so a record that reappears is
	// never taken for unchanged.
	err := w.tx.queryRow(ctx, `SELECT id, vuln_id, hash, modified FROM source_records WHERE source = ? AND document = ? AND record_id = ?`,
		rec.Source, rec.Document, rec.ID).Scan(&rowID, &rowVuln, &rowHash, &rowModified)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read source record: %w", err)
	}
	switch {
	case exists && rowHash == hash:
		res.Unchanged++
		return nil
	case exists && rowModified.Valid && rec.Modified.Before(rowModified.Time) && rec.Modified.Year() > 1:
		// An older version of the record than the one stored (last
		// month's EPSS file imported after today's) must not become
		// current, or history would run backwards.
		res.Stale++
		return nil
	}

	vuln, created, merged, err := w.resolve(ctx, rec, claims, rowVuln)
	if err != nil {
		return err
	}
	res.Merged += merged
	if !created {
		w.fresh[vuln] = nil
	}

	modified := nullTime(rec.Modified)
	if exists {
		if _, err := w.tx.exec(ctx, `UPDATE source_records SET vuln_id = ?, hash = ?, modified = ?, last_seen = ?, retired_at = NULL WHERE id = ?`,
			vuln, hash, modified, w.now, rowID); err != nil {
			return fmt.Errorf("update source record: %w", err)
		}
		res.Changed++
	} else {
		if err := w.tx.queryRow(ctx, `INSERT INTO source_records (source, record_id, document, vuln_id, hash, modified, first_seen, last_seen)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			rec.Source, rec.ID, rec.Document, vuln, hash, modified, w.now, w.now).Scan(&rowID); err != nil {
			return fmt.Errorf("insert source record: %w", err)
		}
		res.New++
	}
	retracted, err := w.putClaims(ctx, rowID, claims, exists)
	if err != nil {
		return err
	}
	if err := w.indexAffected(ctx, rowID, rec.Affected, exists); err != nil {
		return err
	}
	if !retracted {
		return nil
	}
	return w.split(ctx, vuln)
}

// resolve finds the vulnerability a record belongs to, creating it or
// folding several into one as its identifiers demand, and makes every
// identifier of the record an alias of it. created says it is new.
func (w *writer) resolve(ctx context.Context, rec *advisory.Record, claims []advisory.Claim, current int64) (target int64, created bool, merged int, err error) {
	ids := rec.IDs()
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = strings.ToUpper(id)
	}
	rows, err := w.tx.query(ctx, `SELECT DISTINCT vuln_id FROM aliases WHERE alias_key IN (`+placeholders(len(keys))+`)`, keys...)
	if err != nil {
		return 0, false, 0, fmt.Errorf("look up aliases: %w", err)
	}
	var found []int64
	if current != 0 {
		found = append(found, current)
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return 0, false, 0, err
		}
		if !slices.Contains(found, v) {
			found = append(found, v)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, false, 0, fmt.Errorf("look up aliases: %w", err)
	}

	switch len(found) {
	case 0:
		// A new vulnerability's merged view is this record alone: its
		// summary goes in with the row.
		f := w.newFresh(rec, claims)
		v := advisory.Merge(advisory.PrimaryID(f.ids), f.ids, []advisory.SourceRef{f.src}, f.claims, w.prec)
		sum := v.Summary()
		b, err := json.Marshal(sum)
		if err != nil {
			return 0, false, 0, err
		}
		if err := w.tx.queryRow(ctx, `INSERT INTO vulns (primary_id, summary, search, published, score, kev, epss, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			v.ID, string(b), searchText(sum), sum.Published.UTC(), sum.Score, sum.KEV, sum.EPSS, w.now, w.now).Scan(&target); err != nil {
			return 0, false, 0, fmt.Errorf("insert vulnerability: %w", err)
		}
		f.stored = true
		w.fresh[target] = f
		created = true
	default:
		// The oldest vulnerability survives, so ids handed out earlier in
		// URLs keep resolving through aliases either way.
		slices.Sort(found)
		target = found[0]
		for _, from := range found[1:] {
			if err := w.fold(ctx, from, target, rec); err != nil {
				return 0, false, 0, err
			}
			merged++
		}
	}
	// One statement for all aliases: a round trip per alias is most of the
	// cost on PostgreSQL.
	args := make([]any, 0, 4*len(ids))
	for _, id := range ids {
		args = append(args, strings.ToUpper(id), id, advisory.Kind(id), target)
	}
	res, err := w.tx.exec(ctx, `INSERT INTO aliases (alias_key, alias, kind, vuln_id) VALUES `+tuples(len(ids), 4)+` ON CONFLICT (alias_key) DO NOTHING`, args...)
	if err != nil {
		return 0, false, 0, fmt.Errorf("insert aliases: %w", err)
	}
	if n, _ := res.RowsAffected(); n < int64(len(ids)) {
		// Some aliases existed. If one belongs elsewhere, a concurrent
		// transaction created it after our lookup: start again, and the
		// retry will see it and merge.
		var strays int
		if err := w.tx.queryRow(ctx, `SELECT COUNT(*) FROM aliases WHERE vuln_id <> ? AND alias_key IN (`+placeholders(len(keys))+`)`,
			append([]any{target}, keys...)...).Scan(&strays); err != nil {
			return 0, false, 0, fmt.Errorf("read aliases: %w", err)
		}
		if strays > 0 {
			return 0, false, 0, fmt.Errorf("aliases of %s: %w", rec.ID, errLostRace)
		}
	}
	w.touched[target] = true
	return target, created, merged, nil
}

// fold moves everything of vulnerability from into into and deletes from.
func (w *writer) fold(ctx context.Context, from, into int64, via *advisory.Record) error {
	var primary string
	if err := w.tx.queryRow(ctx, `SELECT primary_id FROM vulns WHERE id = ?`, from).Scan(&primary); err != nil {
		return fmt.Errorf("read vulnerability %d: %w", from, err)
	}
	if err := moveFindings(ctx, w.tx, w.now, from, into, primary, via.Source+":"+via.ID); err != nil {
		return err
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`UPDATE aliases SET vuln_id = ? WHERE vuln_id = ?`, []any{into, from}},
		{`UPDATE source_records SET vuln_id = ? WHERE vuln_id = ?`, []any{into, from}},
		{`UPDATE vuln_merges SET into_id = ? WHERE into_id = ?`, []any{into, from}},
		{`DELETE FROM vulns WHERE id = ?`, []any{from}},
		{`INSERT INTO vuln_merges (into_id, from_id, from_primary, via, merged_at) VALUES (?, ?, ?, ?, ?)`,
			[]any{into, from, primary, via.Source + ":" + via.ID, w.now}},
	}
	for _, st := range steps {
		if _, err := w.tx.exec(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("fold vulnerability %s into %d: %s: %w", primary, into, firstWords(st.q), err)
		}
	}
	delete(w.touched, from)
	delete(w.fresh, from)
	w.fresh[into] = nil
	return nil
}

type claimKey struct {
	field advisory.Field
	key   string
}

// putClaims brings a record's current claims in line with claims: equal
// values stay, changed ones are replaced (the old row kept as history),
// vanished ones are marked replaced. retracted reports that the record's
// aliases changed, which may have cut the vulnerability in two.
func (w *writer) putClaims(ctx context.Context, recordID int64, claims []advisory.Claim, existing bool) (retracted bool, err error) {
	type row struct {
		id    int64
		value []byte
	}
	current := map[claimKey]row{}
	if existing {
		rows, err := w.tx.query(ctx, `SELECT id, field, claim_key, value FROM claims WHERE record_id = ? AND replaced_at IS NULL`, recordID)
		if err != nil {
			return false, fmt.Errorf("read claims: %w", err)
		}
		for rows.Next() {
			var (
				r  row
				ck claimKey
			)
			if err := rows.Scan(&r.id, &ck.field, &ck.key, &r.value); err != nil {
				rows.Close()
				return false, fmt.Errorf("read claims: %w", err)
			}
			current[ck] = r
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return false, fmt.Errorf("read claims: %w", err)
		}
	}
	var (
		add      []advisory.Claim
		replaced []int64
	)
	for _, c := range claims {
		ck := claimKey{c.Field, c.Key}
		if old, ok := current[ck]; ok {
			delete(current, ck)
			if bytes.Equal(old.value, c.Value) {
				continue
			}
			replaced = append(replaced, old.id)
			retracted = retracted || c.Field == advisory.FieldAliases
		}
		add = append(add, c)
	}
	for ck, old := range current {
		replaced = append(replaced, old.id)
		retracted = retracted || ck.field == advisory.FieldAliases
	}
	// Old values are closed before new ones open: the unique index on
	// current claims must never see two for one (field, key).
	if len(replaced) > 0 {
		args := append([]any{w.now}, int64sToAny(replaced)...)
		if _, err := w.tx.exec(ctx, `UPDATE claims SET replaced_at = ? WHERE id IN (`+placeholders(len(replaced))+`)`, args...); err != nil {
			return false, fmt.Errorf("replace claims: %w", err)
		}
	}
	if len(add) == 0 {
		return retracted, nil
	}
	args := make([]any, 0, 5*len(add))
	for _, c := range add {
		args = append(args, recordID, c.Field, c.Key, string(c.Value), w.now)
	}
	if _, err := w.tx.exec(ctx, `INSERT INTO claims (record_id, field, claim_key, value, seen_at) VALUES `+tuples(len(add), 5), args...); err != nil {
		return false, fmt.Errorf("insert claims: %w", err)
	}
	return retracted, nil
}

func int64sToAny(xs []int64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// refreshSummaries recomputes the primary id and list columns of every
// vulnerability a batch touched. fresh, which may be nil, holds the merged
// views known without reading the database back.
func (s *Store) refreshSummaries(ctx context.Context, tx *txn, touched map[int64]bool, fresh map[int64]*freshVuln) error {
	ids := make([]int64, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	now := s.clock()
	// Primary ids are unique. Moving one from a vulnerability to another
	// cannot happen (an alias belongs to one vulnerability), but a batch
	// can make a vulnerability's own preferred id change; update in id
	// order so the unique index never sees two rows wanting one value.
	for _, id := range ids {
		var v advisory.Vulnerability
		if f := fresh[id]; f != nil {
			if f.stored {
				continue
			}
			v = advisory.Merge(advisory.PrimaryID(f.ids), f.ids, []advisory.SourceRef{f.src}, f.claims, s.prec)
		} else {
			var err error
			if v, err = s.load(ctx, tx, id, false); err != nil {
				return err
			}
		}
		sum := v.Summary()
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE vulns SET primary_id = ?, summary = ?, search = ?, published = ?, score = ?, kev = ?, epss = ?, updated_at = ? WHERE id = ?`,
			v.ID, string(b), searchText(sum), sum.Published.UTC(), sum.Score, sum.KEV, sum.EPSS, now, id); err != nil {
			return fmt.Errorf("update summary of %s: %w", v.ID, err)
		}
	}
	return nil
}

// searchText is what a text filter matches: ids and titles, upper-cased,
// so one LIKE serves both databases without collation differences.
func searchText(sum advisory.Summary) string {
	parts := slices.Clone(sum.Aliases)
	for _, t := range sum.Titles {
		parts = append(parts, t.Value)
	}
	return strings.ToUpper(strings.Join(parts, "\n"))
}

// querier is what reads need: a transaction or the read pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// load reads one vulnerability by its row id and merges it.
func (s *Store) load(ctx context.Context, q querier, id int64, history bool) (advisory.Vulnerability, error) {
	aliases, err := collect(ctx, q, s.d.Rebind(`SELECT alias FROM aliases WHERE vuln_id = ? ORDER BY alias`), []any{id},
		func(r *sql.Rows) (string, error) {
			var a string
			return a, r.Scan(&a)
		})
	if err != nil {
		return advisory.Vulnerability{}, fmt.Errorf("read aliases: %w", err)
	}
	sources, err := collect(ctx, q, s.d.Rebind(`SELECT source, record_id, document, modified, last_seen, retired_at FROM source_records WHERE vuln_id = ?`), []any{id},
		func(r *sql.Rows) (advisory.SourceRef, error) {
			var (
				ref          advisory.SourceRef
				mod, retired sql.NullTime
			)
			err := r.Scan(&ref.Source, &ref.Record, &ref.Document, &mod, &ref.Seen, &retired)
			if mod.Valid {
				ref.Modified = mod.Time.UTC()
			}
			if retired.Valid {
				ref.Retired = retired.Time.UTC()
			}
			ref.Seen = ref.Seen.UTC()
			return ref, err
		})
	if err != nil {
		return advisory.Vulnerability{}, fmt.Errorf("read source records: %w", err)
	}
	readClaims := func(cond string) ([]advisory.Claim, error) {
		return collect(ctx, q, s.d.Rebind(`SELECT c.field, c.claim_key, c.value, c.seen_at, c.replaced_at, r.source, r.record_id, r.document
			FROM claims c JOIN source_records r ON r.id = c.record_id WHERE r.vuln_id = ? AND `+cond+` ORDER BY c.id`), []any{id},
			func(r *sql.Rows) (advisory.Claim, error) {
				var (
					c        advisory.Claim
					value    []byte
					replaced sql.NullTime
				)
				err := r.Scan(&c.Field, &c.Key, &value, &c.Seen, &replaced, &c.Source, &c.Record, &c.Document)
				c.Value = json.RawMessage(value)
				c.Seen = c.Seen.UTC()
				if replaced.Valid {
					c.Replaced = replaced.Time.UTC()
				}
				return c, err
			})
	}
	current, err := readClaims(`c.replaced_at IS NULL`)
	if err != nil {
		return advisory.Vulnerability{}, fmt.Errorf("read claims: %w", err)
	}
	v := advisory.Merge(advisory.PrimaryID(aliases), aliases, sources, current, s.prec)
	if history {
		v.History, err = readClaims(`c.replaced_at IS NOT NULL`)
		if err != nil {
			return advisory.Vulnerability{}, fmt.Errorf("read history: %w", err)
		}
		slices.SortStableFunc(v.History, func(a, b advisory.Claim) int { return b.Replaced.Compare(a.Replaced) })
	}
	return v, nil
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, query string, args []any, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RetireMissing implements store.Advisories.
func (s *Store) RetireMissing(ctx context.Context, source string, present []string, asOf time.Time) (int, error) {
	keep := make(map[string]bool, len(present))
	for _, id := range present {
		keep[id] = true
	}
	n := 0
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		n = 0
		type rec struct {
			id, vuln int64
			name     string
		}
		current, err := collect(ctx, tx, s.d.Rebind(`SELECT id, vuln_id, record_id FROM source_records WHERE source = ? AND document = '' AND retired_at IS NULL`), []any{source},
			func(r *sql.Rows) (rec, error) {
				var x rec
				return x, r.Scan(&x.id, &x.vuln, &x.name)
			})
		if err != nil {
			return fmt.Errorf("read %s records: %w", source, err)
		}
		now := s.clock()
		touched := map[int64]bool{}
		for _, r := range current {
			if keep[r.name] {
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE claims SET replaced_at = ? WHERE record_id = ? AND replaced_at IS NULL`, now, r.id); err != nil {
				return fmt.Errorf("retire %s %s: %w", source, r.name, err)
			}
			if _, err := tx.exec(ctx, `DELETE FROM affected_index WHERE record_id = ?`, r.id); err != nil {
				return fmt.Errorf("retire %s %s: %w", source, r.name, err)
			}
			if _, err := tx.exec(ctx, `UPDATE source_records SET retired_at = ?, hash = '', modified = ? WHERE id = ?`, now, nullTime(asOf), r.id); err != nil {
				return fmt.Errorf("retire %s %s: %w", source, r.name, err)
			}
			touched[r.vuln] = true
			n++
		}
		return s.refreshSummaries(ctx, tx, touched, nil)
	})
	return n, err
}

// DocumentFingerprint implements store.Advisories.
func (s *Store) DocumentFingerprint(ctx context.Context, name string) (string, error) {
	var fp string
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT fingerprint FROM documents WHERE name = ?`), name).Scan(&fp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return fp, err
}

// DocumentFingerprints implements store.Advisories. The range condition
// (name >= prefix AND name < prefix + U+FFFF) uses the primary key's index
// on both databases, where LIKE would depend on collation.
func (s *Store) DocumentFingerprints(ctx context.Context, prefix string) (map[string]string, error) {
	type row struct{ name, fp string }
	rows, err := collect(ctx, s.r, s.d.Rebind(`SELECT name, fingerprint FROM documents WHERE name >= ? AND name < ?`),
		[]any{prefix, prefix + "\uffff"}, func(r *sql.Rows) (row, error) {
			var x row
			return x, r.Scan(&x.name, &x.fp)
		})
	if err != nil {
		return nil, fmt.Errorf("document fingerprints under %s: %w", prefix, err)
	}
	m := make(map[string]string, len(rows))
	for _, x := range rows {
		m[x.name] = x.fp
	}
	return m, nil
}

// PutDocuments implements store.Advisories.
func (s *Store) PutDocuments(ctx context.Context, docs []store.Document) error {
	if len(docs) == 0 {
		return nil
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		for _, d := range docs {
			if _, err := tx.exec(ctx, `INSERT INTO documents (name, fingerprint, imported_at) VALUES (?, ?, ?)
				ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, imported_at = excluded.imported_at`,
				d.Name, d.Fingerprint, now); err != nil {
				return fmt.Errorf("record document %s: %w", d.Name, err)
			}
		}
		return nil
	})
}

// Vuln implements store.Advisories.
func (s *Store) Vuln(ctx context.Context, id string, opts store.VulnOptions) (advisory.Vulnerability, error) {
	var vid int64
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT vuln_id FROM aliases WHERE alias_key = ?`), strings.ToUpper(id)).Scan(&vid)
	if errors.Is(err, sql.ErrNoRows) {
		return advisory.Vulnerability{}, fmt.Errorf("vulnerability %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return advisory.Vulnerability{}, fmt.Errorf("vulnerability %s: %w", id, err)
	}
	// Reading aliases, records and claims in one read transaction gives a
	// consistent snapshot even while an import writes.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return advisory.Vulnerability{}, err
	}
	defer tx.Rollback()
	v, err := s.load(ctx, tx, vid, opts.History)
	if err != nil {
		return advisory.Vulnerability{}, fmt.Errorf("vulnerability %s: %w", id, err)
	}
	return v, nil
}

func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}
