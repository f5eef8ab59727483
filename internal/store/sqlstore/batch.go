package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
)

// A batch is written in three steps, so that its cost in statements does
// not grow with its records: prefetch reads what the database holds for
// all of the batch's records at once (their source records, the
// vulnerabilities their identifiers resolve to, the current claims of
// those that changed); put decides, record by record and in memory, what
// each one writes; flush writes it, one multi-row statement per table.
// A round trip per record was most of an import's time on PostgreSQL, and
// statement overhead most of it on SQLite.
//
// Rows that do not exist yet are named by placeholders, negative numbers
// handed out by the writer, until flush inserts them and learns their ids.
// Whatever needs the database to be current — folding a vulnerability
// created in this batch, splitting one, meeting a record a second time —
// flushes first, and so sees exactly what writing record by record would
// have left.
//
// The prefetched state lives in the writer, which exists for one attempt
// of the transaction: a retry starts from the database again.

// recordKey is a source record's identity: its unique key in
// source_records.
type recordKey struct{ source, document, id string }

func keyOf(rec *advisory.Record) recordKey {
	return recordKey{rec.Source, rec.Document, rec.ID}
}

// storedRecord is a source record's row as prefetched.
type storedRecord struct {
	id, vuln int64
	hash     string
	modified sql.NullTime
}

// storedClaim is a current claim's row as prefetched.
type storedClaim struct {
	id    int64
	value []byte
}

// pending is what put has decided and flush has not written yet.
type pending struct {
	vulns   []pendingVuln
	records []newRecord
	updates []recordUpdate
	replace []int64 // claims closed
	claims  []newClaim
	aliases []newAlias
	unindex []int64 // records whose affected_index rows go
	index   []indexRow
}

// pendingVuln is a vulnerability to insert: its placeholder, and its row
// as solve worked it out.
type pendingVuln struct {
	handle int64
	solo   *soloVuln
}

type newVuln struct {
	primary   string
	summary   string
	search    string
	published time.Time
	score     float64
	rating    string
	kev       bool
	epss      float64
}

type newRecord struct {
	handle   int64
	key      recordKey
	vuln     int64
	hash     string
	modified sql.NullTime
}

type recordUpdate struct {
	id, vuln int64
	hash     string
	modified sql.NullTime
}

type newClaim struct {
	record int64
	claim  *advisory.Claim
}

type newAlias struct {
	key, alias, kind string
	vuln             int64
}

type indexRow struct {
	record             int64
	ecosystem, pkgname string
}

func (p *pending) empty() bool {
	return len(p.vulns)+len(p.records)+len(p.updates)+len(p.replace)+len(p.claims)+len(p.aliases)+len(p.unindex)+len(p.index) == 0
}

// placeholder hands out a name for a row flush will insert.
func (w *writer) placeholder() int64 {
	w.last--
	return w.last
}

// prefetch reads what the database holds for the records recs[lo:hi]:
// their source records, the vulnerabilities of their identifiers, and the
// current claims of the records that will change.
func (w *writer) prefetch(ctx context.Context, lo, hi int) error {
	recs, prep := w.recs[lo:hi], w.prep[lo:hi]
	// Source records, by (source, document): one indexed query each, and
	// a batch rarely spans more than one or two.
	type group struct{ source, document string }
	var groups []group
	ids := map[group][]any{}
	for i := range recs {
		g := group{recs[i].Source, recs[i].Document}
		if _, ok := ids[g]; !ok {
			groups = append(groups, g)
		}
		ids[g] = append(ids[g], recs[i].ID)
	}
	for _, g := range groups {
		err := w.tx.queryIn(ctx, selectRecords, []any{g.source, g.document}, ids[g], func(rows *sql.Rows) error {
			var (
				r  storedRecord
				id string
			)
			if err := rows.Scan(&r.id, &id, &r.vuln, &r.hash, &r.modified); err != nil {
				return err
			}
			w.records[recordKey{g.source, g.document, id}] = r
			return nil
		})
		if err != nil {
			return fmt.Errorf("read source records: %w", err)
		}
	}

	var keys []any
	seen := map[string]bool{}
	for i := range prep {
		for _, k := range prep[i].keys {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	err := w.tx.queryIn(ctx, selectAliases, nil, keys, func(rows *sql.Rows) error {
		var (
			k string
			v int64
		)
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		w.aliases[k] = v
		return nil
	})
	if err != nil {
		return fmt.Errorf("look up aliases: %w", err)
	}

	// Current claims only of records that will change: an unchanged one
	// is skipped on its hash, a stale one on its date.
	w.said.wait()
	var changing []any
	for i := range recs {
		r, ok := w.records[keyOf(&recs[i])]
		if !ok || r.hash == prep[i].hash || isStale(&recs[i], r) {
			continue
		}
		if _, ok := w.claims[r.id]; !ok {
			w.claims[r.id] = map[claimKey]storedClaim{}
			changing = append(changing, r.id)
		}
	}
	err = w.tx.queryIn(ctx, selectClaims, nil, changing, func(rows *sql.Rows) error {
		var (
			rec int64
			c   storedClaim
			ck  claimKey
		)
		if err := rows.Scan(&rec, &c.id, &ck.field, &ck.key, &c.value); err != nil {
			return err
		}
		w.claims[rec][ck] = c
		return nil
	})
	if err != nil {
		return fmt.Errorf("read claims: %w", err)
	}
	return nil
}

// isStale reports that rec is an older version of the record than the one
// stored (last month's EPSS file imported after today's), which must not
// become current, or history would run backwards.
func isStale(rec *advisory.Record, r storedRecord) bool {
	return r.modified.Valid && rec.Modified.Before(r.modified.Time) && rec.Modified.Year() > 1
}

// forget drops everything prefetched, for when the database changed
// under it (a split moves records and aliases between vulnerabilities).
func (w *writer) forget() {
	clear(w.aliases)
	clear(w.records)
	clear(w.claims)
	clear(w.written)
	clear(w.checked)
	clear(w.ours)
}

// flush writes what is pending, and replaces placeholders everywhere with
// the ids the rows got.
func (w *writer) flush(ctx context.Context) error {
	p := &w.pending
	if p.empty() {
		return nil
	}
	if len(p.vulns) > 0 {
		// A new vulnerability's primary id is one of its own new
		// aliases, so it is unique in the batch and names the row.
		byPrimary := make(map[string]int64, len(p.vulns))
		for _, v := range p.vulns {
			if v.solo.err != nil {
				return fmt.Errorf("summary of %s: %w", v.solo.fresh.src.Record, v.solo.err)
			}
			byPrimary[v.solo.row.primary] = v.handle
		}
		ids := make(map[int64]int64, len(p.vulns))
		err := w.tx.queryRows(ctx, insertVulns, len(p.vulns), func(args []any, i int) []any {
			v := &p.vulns[i].solo.row
			return append(args, v.primary, v.summary, v.search, v.published, v.score, v.rating, v.kev, v.epss, w.stamp, w.stamp)
		}, func(rows *sql.Rows) error {
			var (
				id      int64
				primary string
			)
			if err := rows.Scan(&id, &primary); err != nil {
				return err
			}
			ids[byPrimary[primary]] = id
			return nil
		})
		if err != nil {
			return fmt.Errorf("insert vulnerabilities: %w", err)
		}
		if len(ids) != len(p.vulns) {
			return fmt.Errorf("insert vulnerabilities: %d ids returned for %d rows", len(ids), len(p.vulns))
		}
		if err := w.tx.indexSearch(ctx, slices.Collect(maps.Values(ids))...); err != nil {
			return fmt.Errorf("insert vulnerabilities: %w", err)
		}
		w.settle(ids)
		p.vulns = p.vulns[:0]
	}

	if len(p.records) > 0 {
		byKey := make(map[recordKey]int64, len(p.records))
		for _, r := range p.records {
			byKey[r.key] = r.handle
		}
		ids := make(map[int64]int64, len(p.records))
		err := w.tx.queryRows(ctx, insertRecords, len(p.records), func(args []any, i int) []any {
			r := &p.records[i]
			return append(args, r.key.source, r.key.id, r.key.document, r.vuln, r.hash, r.modified, w.stamp, w.stamp)
		}, func(rows *sql.Rows) error {
			var (
				id int64
				k  recordKey
			)
			if err := rows.Scan(&id, &k.source, &k.document, &k.id); err != nil {
				return err
			}
			ids[byKey[k]] = id
			return nil
		})
		if err != nil {
			return fmt.Errorf("insert source records: %w", err)
		}
		if len(ids) != len(p.records) {
			return fmt.Errorf("insert source records: %d ids returned for %d rows", len(ids), len(p.records))
		}
		for i := range p.claims {
			if id, ok := ids[p.claims[i].record]; ok {
				p.claims[i].record = id
			}
		}
		for i := range p.index {
			if id, ok := ids[p.index[i].record]; ok {
				p.index[i].record = id
			}
		}
		p.records = p.records[:0]
	}

	for _, u := range p.updates {
		if _, err := w.tx.exec(ctx, `UPDATE source_records SET vuln_id = ?, hash = ?, modified = ?, last_seen = ?, retired_at = NULL WHERE id = ?`,
			u.vuln, u.hash, u.modified, w.now, u.id); err != nil {
			return fmt.Errorf("update source record: %w", err)
		}
	}
	p.updates = p.updates[:0]

	// Old values are closed before new ones open: the unique index on
	// current claims must never see two for one (field, key).
	if len(p.replace) > 0 {
		if err := w.tx.execIn(ctx, replaceClaims, []any{w.now}, int64sToAny(p.replace)); err != nil {
			return fmt.Errorf("replace claims: %w", err)
		}
		p.replace = p.replace[:0]
	}
	if len(p.claims) > 0 {
		_, err := w.tx.execRows(ctx, insertClaims, len(p.claims), func(args []any, i int) []any {
			c := &p.claims[i]
			return append(args, c.record, c.claim.Field, c.claim.Key, textOf(c.claim.Value), w.stamp)
		})
		if err != nil {
			return fmt.Errorf("insert claims: %w", err)
		}
		clear(p.claims) // let the claims' values go
		p.claims = p.claims[:0]
	}

	if len(p.aliases) > 0 {
		n, err := w.tx.execRows(ctx, insertAliases, len(p.aliases), func(args []any, i int) []any {
			a := &p.aliases[i]
			return append(args, a.key, a.alias, a.kind, a.vuln)
		})
		if err != nil {
			return fmt.Errorf("insert aliases: %w", err)
		}
		if n < int64(len(p.aliases)) {
			// A concurrent transaction created some of them since the
			// prefetch. If they name the vulnerabilities this batch
			// chose, no harm done, but they are not ours to rely on.
			keys := make([]string, len(p.aliases))
			for i, a := range p.aliases {
				keys[i] = a.key
				delete(w.ours, a.key)
				w.checked[a.key] = true
			}
			if err := w.verify(ctx, keys); err != nil {
				return err
			}
		}
		p.aliases = p.aliases[:0]
	}

	if len(p.unindex) > 0 {
		if err := w.tx.execIn(ctx, unindexRecords, nil, int64sToAny(p.unindex)); err != nil {
			return fmt.Errorf("index affected packages: %w", err)
		}
		p.unindex = p.unindex[:0]
	}
	if len(p.index) > 0 {
		_, err := w.tx.execRows(ctx, insertIndex, len(p.index), func(args []any, i int) []any {
			r := &p.index[i]
			return append(args, r.record, r.ecosystem, r.pkgname)
		})
		if err != nil {
			return fmt.Errorf("index affected packages: %w", err)
		}
		p.index = p.index[:0]
	}
	return nil
}

// indexSearch adds the vulnerabilities just inserted to SQLite's trigram
// index of their search text (vulns_fts, migration 00035) in one
// statement; PostgreSQL's trigram index is an ordinary index and needs
// nothing. FTS5 writes what each statement indexed as a segment of its
// own, and a batch inserts its vulnerabilities in power-of-two chunks,
// six statements for 500: indexed by a trigger on insert (dropped by
// migration 00043), a CNVD import left some 1,300 segments for FTS5 to
// merge instead of one a batch.
//
// The rows are those between the least and the greatest id: SQLite gives
// a new row the greatest rowid plus one, and the transaction holds the
// only write lock, so nothing else came between. The count is checked all
// the same, as an index that misses a row would silently hide it from
// searches.
func (t *txn) indexSearch(ctx context.Context, ids ...int64) error {
	if t.d.Name() != "sqlite" || len(ids) == 0 {
		return nil
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	res, err := t.exec(ctx, `INSERT INTO vulns_fts (rowid, search) SELECT id, search FROM vulns WHERE id BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return fmt.Errorf("index search text: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(ids)) {
		return fmt.Errorf("index search text: %d rows between ids %d and %d, want %d (%v)", n, lo, hi, len(ids), err)
	}
	return nil
}

// settle replaces vulnerability placeholders by the ids flush got for
// them, in everything that may hold one.
func (w *writer) settle(ids map[int64]int64) {
	for k, v := range w.aliases {
		if id, ok := ids[v]; ok {
			w.aliases[k] = id
		}
	}
	for h, id := range ids {
		if w.touched[h] {
			delete(w.touched, h)
			w.touched[id] = true
		}
		if f, ok := w.fresh[h]; ok {
			delete(w.fresh, h)
			w.fresh[id] = f
		}
		w.settled[h] = id
	}
	p := &w.pending
	for i := range p.records {
		if id, ok := ids[p.records[i].vuln]; ok {
			p.records[i].vuln = id
		}
	}
	for i := range p.updates {
		if id, ok := ids[p.updates[i].vuln]; ok {
			p.updates[i].vuln = id
		}
	}
	for i := range p.aliases {
		if id, ok := ids[p.aliases[i].vuln]; ok {
			p.aliases[i].vuln = id
		}
	}
}

// redirect points everything in memory that names vulnerability from at
// into, as fold does in the database.
func (w *writer) redirect(from, into int64) {
	for k, v := range w.aliases {
		if v == from {
			w.aliases[k] = into
		}
	}
	for k, r := range w.records {
		if r.vuln == from {
			r.vuln = into
			w.records[k] = r
		}
	}
	p := &w.pending
	for i := range p.records {
		if p.records[i].vuln == from {
			p.records[i].vuln = into
		}
	}
	for i := range p.updates {
		if p.updates[i].vuln == from {
			p.updates[i].vuln = into
		}
	}
	for i := range p.aliases {
		if p.aliases[i].vuln == from {
			p.aliases[i].vuln = into
		}
	}
}

// verifyAliases checks that the identifiers the batch resolved, which
// existed before it, still belong to the vulnerability the batch decided
// on. On SQLite nothing else can have moved one; on PostgreSQL, at READ
// COMMITTED, a concurrent writer can have since the prefetch: start
// again, and the retry will see it. (The identifiers the batch inserted
// are checked by counting the rows inserted.)
func (w *writer) verifyAliases(ctx context.Context) error {
	keys := make([]string, 0, len(w.checked))
	for k := range w.checked {
		keys = append(keys, k)
	}
	return w.verify(ctx, keys)
}

// verify checks that the aliases keys belong to the vulnerabilities the
// batch decided on.
func (w *writer) verify(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	var found, strays int
	err := w.tx.queryIn(ctx, selectAliases, nil, stringsToAny(keys), func(rows *sql.Rows) error {
		var (
			k string
			v int64
		)
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		found++
		if v != w.aliases[k] {
			strays++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read aliases: %w", err)
	}
	if strays > 0 || found < len(keys) {
		return fmt.Errorf("%d of %d aliases moved, %d gone: %w", strays, len(keys), len(keys)-found, errLostRace)
	}
	return nil
}

// affectedKeys are the affected_index rows of a record's affected
// entries: (ecosystem, package) in the loose form packageKey gives, or
// (store.CPE, vendor:product) for a product named only by CPE, for a
// batch's rows written at once.
func affectedKeys(affected []advisory.Affected) [][2]string {
	var out [][2]string
	for _, a := range affected {
		eco, name := packageKey(a.Ecosystem, a.Package)
		if a.Ecosystem == "" || a.Package == "" {
			if a.Vendor == "" || a.Product == "" || len(a.CPEs) == 0 {
				continue
			}
			eco, name = store.CPE, cpeKey(a.Vendor, a.Product)
		}
		k := [2]string{eco, name}
		dup := false
		for _, o := range out {
			if o == k {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, k)
		}
	}
	return out
}

// The statements a batch runs, in shapes few enough to prepare once for
// the store (see Store.prepareShapes) rather than once a transaction:
// preparing a statement of hundreds of rows costs about as much as
// running it. Rows go in power-of-two chunks; lists are padded to a power
// of four by repeating their first element, which IN ignores.
var (
	insertVulns = rowsStmt{`INSERT INTO vulns (primary_id, summary, search, published, score, rating, kev, epss, created_at, updated_at) VALUES `, 10,
		` RETURNING id, primary_id`}
	insertRecords = rowsStmt{`INSERT INTO source_records (source, record_id, document, vuln_id, hash, modified, first_seen, last_seen) VALUES `, 8,
		` RETURNING id, source, document, record_id`}
	insertClaims  = rowsStmt{`INSERT INTO claims (record_id, field, claim_key, value, seen_at) VALUES `, 5, ``}
	insertAliases = rowsStmt{`INSERT INTO aliases (alias_key, alias, kind, vuln_id) VALUES `, 4, ` ON CONFLICT (alias_key) DO NOTHING`}
	insertIndex   = rowsStmt{`INSERT INTO affected_index (record_id, ecosystem, package) VALUES `, 3, ``}
	// Rows are unique by name within one statement: PostgreSQL refuses
	// to update one row twice in one.
	insertDocuments = rowsStmt{`INSERT INTO documents (name, fingerprint, imported_at) VALUES `, 3,
		` ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, imported_at = excluded.imported_at`}

	selectRecords  = inStmt{`SELECT id, record_id, vuln_id, hash, modified FROM source_records WHERE source = ? AND document = ? AND record_id IN `, 2, ``}
	selectAliases  = inStmt{`SELECT alias_key, vuln_id FROM aliases WHERE alias_key IN `, 0, ``}
	replaceClaims  = inStmt{`UPDATE claims SET replaced_at = ? WHERE id IN `, 1, ``}
	unindexRecords = inStmt{`DELETE FROM affected_index WHERE record_id IN `, 0, ``}

	selectClaims = inStmt{`SELECT record_id, id, field, claim_key, value FROM claims WHERE replaced_at IS NULL AND record_id IN `, 0, ``}
	loadAliases  = inStmt{`SELECT vuln_id, alias FROM aliases WHERE vuln_id IN `, 0, ` ORDER BY vuln_id, alias`}
	loadRecords  = inStmt{`SELECT vuln_id, source, record_id, document, modified, last_seen, retired_at FROM source_records WHERE vuln_id IN `, 0,
		` ORDER BY vuln_id, id`}
	// Claims in id order, as load reads them: Merge breaks its last ties
	// by input order. A vulnerability's rows are all in one chunk.
	loadClaims = inStmt{`SELECT r.vuln_id, c.field, c.claim_key, c.value, c.seen_at, c.replaced_at, r.source, r.record_id, r.document
		FROM claims c JOIN source_records r ON r.id = c.record_id WHERE c.replaced_at IS NULL AND r.vuln_id IN `, 0, ` ORDER BY c.id`}

	rowsStmts = []rowsStmt{insertVulns, insertRecords, insertClaims, insertAliases, insertIndex, insertDocuments, insertComponents, insertComponentCPEs}
	inStmts   = []inStmt{selectRecords, selectAliases, selectClaims, replaceClaims, unindexRecords, loadAliases, loadRecords, loadClaims, deleteComponents}
)

// Both databases bound the parameters of one statement (SQLite 32766,
// PostgreSQL 65535); within that, the fewer statements the better, for
// inserts. Lists of keys stay short: PostgreSQL weighs a long list's
// index lookups against reading the whole table, and for tables of some
// hundred thousand rows reads the table, batch after batch.
const (
	maxChunkRows = 512
	maxInList    = 64
)

// rowsStmt is head + n tuples of width parameters + tail.
type rowsStmt struct {
	head  string
	width int
	tail  string
}

func (r rowsStmt) query(n int) string { return r.head + tuples(n, r.width) + r.tail }

// chunk is the number of rows the next statement takes of n.
func (r rowsStmt) chunk(n int) int {
	k := maxChunkRows
	for k > n {
		k /= 2
	}
	return k
}

// shapes are the queries chunk can ask for.
func (r rowsStmt) shapes() []string {
	var qs []string
	for k := maxChunkRows; k >= 1; k /= 2 {
		qs = append(qs, r.query(k))
	}
	return qs
}

// inStmt is head + "(?, ...)" + tail, fixed parameters before the list.
type inStmt struct {
	head  string
	fixed int
	tail  string
}

func (q inStmt) query(n int) string { return q.head + "(" + placeholders(n) + ")" + q.tail }

// size is the list length a statement takes n elements as.
func inSize(n int) int {
	k := 1
	for k < n && k < maxInList {
		k *= 4
	}
	return k
}

func (q inStmt) shapes() []string {
	var qs []string
	for k := 1; k <= maxInList; k *= 4 {
		qs = append(qs, q.query(k))
	}
	return qs
}

// prepareShapes prepares, once, every statement of the shapes above on
// each write pool. It runs outside any transaction: on SQLite a write pool
// is a single connection, and a transaction holds it.
func (s *Store) prepareShapes(ctx context.Context) error {
	if s.shapes.Load() != nil {
		return nil
	}
	s.shapesMu.Lock()
	defer s.shapesMu.Unlock()
	if s.shapes.Load() != nil {
		return nil
	}
	var qs []string
	for _, r := range rowsStmts {
		qs = append(qs, r.shapes()...)
	}
	for _, q := range inStmts {
		qs = append(qs, q.shapes()...)
	}
	m := map[*sql.DB]map[string]*sql.Stmt{}
	closeAll := func() {
		for _, stmts := range m {
			for _, st := range stmts {
				st.Close()
			}
		}
	}
	for _, db := range []*sql.DB{s.w, s.batches} {
		if m[db] != nil {
			continue
		}
		m[db] = make(map[string]*sql.Stmt, len(qs))
		for _, q := range qs {
			st, err := db.PrepareContext(ctx, s.d.Rebind(q))
			if err != nil {
				closeAll()
				return fmt.Errorf("prepare %q: %w", firstWords(q), err)
			}
			m[db][q] = st
		}
	}
	s.shapes.Store(&m)
	return nil
}

// execRows runs st over n rows, row i's arguments appended by add, and
// returns the rows affected.
func (t *txn) execRows(ctx context.Context, st rowsStmt, n int, add func(args []any, i int) []any) (int64, error) {
	var total int64
	args := make([]any, 0, min(n, maxChunkRows)*st.width)
	for lo := 0; lo < n; {
		hi := lo + st.chunk(n-lo)
		args = args[:0]
		for i := lo; i < hi; i++ {
			args = add(args, i)
		}
		res, err := t.exec(ctx, st.query(hi-lo), args...)
		if err != nil {
			return total, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += k
		lo = hi
	}
	return total, nil
}

// queryRows is execRows for a statement that returns rows, each passed to
// scan.
func (t *txn) queryRows(ctx context.Context, st rowsStmt, n int, add func(args []any, i int) []any, scan func(*sql.Rows) error) error {
	args := make([]any, 0, min(n, maxChunkRows)*st.width)
	for lo := 0; lo < n; {
		hi := lo + st.chunk(n-lo)
		args = args[:0]
		for i := lo; i < hi; i++ {
			args = add(args, i)
		}
		if err := t.scanAll(ctx, st.query(hi-lo), args, scan); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

// queryIn runs st with fixed arguments and the list in chunks, passing
// each row to scan.
func (t *txn) queryIn(ctx context.Context, st inStmt, fixed, list []any, scan func(*sql.Rows) error) error {
	for part := range slices.Chunk(list, maxInList) {
		n := inSize(len(part))
		args := append(append(make([]any, 0, len(fixed)+n), fixed...), part...)
		for len(args) < len(fixed)+n {
			args = append(args, part[0])
		}
		if err := t.scanAll(ctx, st.query(n), args, scan); err != nil {
			return err
		}
	}
	return nil
}

// execIn is queryIn for a statement that returns nothing.
func (t *txn) execIn(ctx context.Context, st inStmt, fixed, list []any) error {
	for part := range slices.Chunk(list, maxInList) {
		n := inSize(len(part))
		args := append(append(make([]any, 0, len(fixed)+n), fixed...), part...)
		for len(args) < len(fixed)+n {
			args = append(args, part[0])
		}
		if _, err := t.exec(ctx, st.query(n), args...); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) scanAll(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

// loadMany is load for many vulnerabilities at once, without history:
// three queries for all of them instead of three each. A vulnerability
// with no alias does not exist, and is left out.
func (s *Store) loadMany(ctx context.Context, tx *txn, ids []int64) (map[int64]advisory.Vulnerability, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := int64sToAny(ids)
	aliases := map[int64][]string{}
	err := tx.queryIn(ctx, loadAliases, nil, list, func(r *sql.Rows) error {
		var (
			v int64
			a string
		)
		if err := r.Scan(&v, &a); err != nil {
			return err
		}
		aliases[v] = append(aliases[v], a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read aliases: %w", err)
	}
	sources := map[int64][]advisory.SourceRef{}
	err = tx.queryIn(ctx, loadRecords, nil, list, func(r *sql.Rows) error {
		var v int64
		ref, err := scanSourceRef(r, &v)
		sources[v] = append(sources[v], ref)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read source records: %w", err)
	}
	claims := map[int64][]advisory.Claim{}
	err = tx.queryIn(ctx, loadClaims, nil, list, func(r *sql.Rows) error {
		var v int64
		c, err := scanClaim(r, &v)
		claims[v] = append(claims[v], c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read claims: %w", err)
	}
	prec, err := s.precedence(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]advisory.Vulnerability, len(aliases))
	for v, as := range aliases {
		out[v] = advisory.Merge(advisory.PrimaryID(as), as, sources[v], claims[v], prec)
	}
	return out, nil
}

// growth counts the records a store has written, for analyzeAsGrown.
type growth struct {
	written, next atomic.Int64
}

// analyzeAsGrown refreshes PostgreSQL's statistics of the tables batches
// look up by lists of keys, each time the records written double. Its
// planner takes "vuln_id IN (...)" on a table it has no statistics for,
// as tables that grew from nothing during one import are, for a large
// part of the table, and scans all of it, batch after batch: the import
// turns quadratic. SQLite plans from its indexes without statistics.
// A failure costs only speed, so it is not reported.
func (s *Store) analyzeAsGrown(ctx context.Context, written int) {
	if s.d.Name() != "postgres" || written == 0 {
		return
	}
	const first = 5000
	s.growth.next.CompareAndSwap(0, first)
	n := s.growth.written.Add(int64(written))
	next := s.growth.next.Load()
	if n < next || !s.growth.next.CompareAndSwap(next, 2*n) {
		return
	}
	for _, table := range []string{"source_records", "aliases", "claims", "affected_index"} {
		_, _ = s.w.ExecContext(ctx, "ANALYZE "+table)
	}
}

// textOf passes a claim's JSON value as the text it is, without copying
// a batch's worth of values (a fifth of an import's allocations): both
// drivers copy arguments before the call returns, and nothing writes to
// a claim's value.
func textOf(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
