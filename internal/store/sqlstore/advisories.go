package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
)

// PutRecords implements store.Advisories.
func (s *Store) PutRecords(ctx context.Context, recs []advisory.Record) (store.BatchResult, error) {
	return s.PrepareRecords(recs)(ctx)
}

// PrepareRecords does the work on recs that depends on nothing stored
// (their claims and content hashes), on the caller and on spare
// processors (spread), and returns what writes them as PutRecords does. An
// import calls it as it queues a batch (ingest.Preparer): the work is then
// done while the writer, the slower side of its pipeline, finishes the
// batch before, instead of by the writer itself when it takes the batch
// up.
func (s *Store) PrepareRecords(recs []advisory.Record) func(context.Context) (store.BatchResult, error) {
	for i := range recs {
		if err := recs[i].Validate(); err != nil {
			err = fmt.Errorf("record %d (%s %s): %w", i, recs[i].Source, recs[i].ID, err)
			return func(context.Context) (store.BatchResult, error) { return store.BatchResult{}, err }
		}
	}
	prep, said := prepare(recs, !s.fewNew.Load())
	return func(ctx context.Context) (store.BatchResult, error) {
		defer said.wait()
		if err := s.prepareShapes(ctx); err != nil {
			return store.BatchResult{}, err
		}
		var res store.BatchResult
		err := s.inTxOn(ctx, s.batches, func(ctx context.Context, tx *txn) (err error) {
			res, err = s.writeRecords(ctx, tx, recs, prep, said)
			return err
		})
		if err != nil {
			return store.BatchResult{}, err
		}
		s.fewNew.Store(2*res.New < len(recs))
		s.analyzeAsGrown(ctx, res.New+res.Changed)
		return res, nil
	}
}

// prepare works out what records say, which depends on nothing stored:
// once, not on every attempt, and before the transaction rather than in
// it. Identifiers are needed at once, claims (and with ahead, the
// vulnerability each record makes alone) after the first queries, which
// helpers on spare processors may still be working out; the writer waits
// for said before returning.
func prepare(recs []advisory.Record, ahead bool) ([]prepared, *work) {
	prep := make([]prepared, len(recs))
	for i := range recs {
		prep[i].ids = recs[i].IDs()
		prep[i].keys = make([]string, len(prep[i].ids))
		for j, id := range prep[i].ids {
			prep[i].keys[j] = strings.ToUpper(id)
		}
	}
	said := spread(len(recs), func(i int) {
		prep[i].claims = recs[i].Claims()
		prep[i].hash = advisory.HashClaims(prep[i].claims)
		if ahead {
			prep[i].solo = solve(&recs[i], &prep[i])
		}
	})
	return prep, said
}

// writeRecords is one attempt at writing prepared records in tx, for
// PutRecords and for writes that store records beside other rows (an
// accepted suggestion's analyst record).
func (s *Store) writeRecords(ctx context.Context, tx *txn, recs []advisory.Record, prep []prepared, said *work) (store.BatchResult, error) {
	var res store.BatchResult
	prec, err := s.precedence(ctx, tx)
	if err != nil {
		return res, err
	}
	w := newWriter(tx, s.clock(), prec, recs, prep, said)
	if err := w.prefetch(ctx, 0, len(recs)); err != nil {
		return res, err
	}
	for i := range recs {
		if err := w.put(ctx, i, &res); err != nil {
			return res, fmt.Errorf("record %d (%s %s): %w", i, recs[i].Source, recs[i].ID, err)
		}
	}
	if err := w.flush(ctx); err != nil {
		return res, err
	}
	if err := w.verifyAliases(ctx); err != nil {
		return res, err
	}
	return res, s.refreshSummaries(ctx, tx, w.touched, w.fresh)
}

// prepared is what a record says, worked out before writing it.
type prepared struct {
	ids    []string // the record's id and aliases
	keys   []string // ids upper-cased, as aliases are keyed
	claims []advisory.Claim
	hash   string
	solo   *soloVuln // the vulnerability the record makes alone (solve), if worked out ahead
}

// work is computation running beside the writer: fn for every i in
// [0, n), items taken in order by whoever is free.
type work struct {
	n    int
	fn   func(i int)
	next atomic.Int64
	wg   sync.WaitGroup
}

// spread runs fn for every i in [0, n) on the caller and on goroutines
// beside it, one for each processor beyond two, and returns when the
// caller finds nothing left to take. An import parses on one goroutine
// and writes on another, the writer the slower, and calls this from the
// parser (ingest.Preparer): what the parser takes on is time off the
// writer. A helper on the second of two processors made three goroutines
// compete for two, and the writer waited its turn: in a CNVD import's
// trace it was runnable, not running, for 0.76 s, against 0.57 s with the
// parser doing the work.
func spread(n int, fn func(i int)) *work {
	k := &work{n: n, fn: fn}
	for range min(max(0, runtime.GOMAXPROCS(0)-2), (n+63)/64) {
		k.wg.Go(k.run)
	}
	k.run()
	return k
}

func (k *work) run() {
	for {
		i := int(k.next.Add(1)) - 1
		if i >= k.n {
			return
		}
		k.fn(i)
	}
}

// wait takes what is left, rather than idle, and waits for the items
// others took.
func (k *work) wait() {
	if k != nil {
		k.run()
		k.wg.Wait()
	}
}

// writer carries one attempt at a batch through its records. It is made
// afresh for every attempt, so nothing read by a failed one is reused.
type writer struct {
	tx  *txn
	now time.Time
	// stamp is now as the rows of the batch bind it (Dialect.Stamp).
	stamp   any
	prec    advisory.Precedence
	recs    []advisory.Record
	prep    []prepared
	touched map[int64]bool // vulnerabilities whose summary must be recomputed
	// fresh holds what the merged view of a vulnerability created in this
	// batch needs, while exactly one record has written to it, so that its
	// summary is computed without reading back what was just written. A
	// nil entry means a second record touched it: read it back.
	fresh map[int64]*freshVuln
	// said is the work of flattening the records into claims and
	// solving them. Until it ends, prep holds nothing but identifiers.
	said *work

	// What the database holds for the batch's records, read by prefetch
	// and kept in step with what put decides (see batch.go).
	aliases map[string]int64                   // alias key → vulnerability
	records map[recordKey]storedRecord         // source records stored
	claims  map[int64]map[claimKey]storedClaim // current claims of records that change
	// written are the records put so far; one met again is read back
	// after a flush instead.
	written map[recordKey]bool
	// checked are the alias keys the batch resolved that existed before
	// it, verified before commit.
	checked map[string]bool
	// ours are the alias keys the batch inserted, which no one else can
	// move while it holds them.
	ours    map[string]bool
	pending pending
	last    int64           // the last placeholder handed out
	settled map[int64]int64 // placeholder → the id flush got for it
}

func newWriter(tx *txn, now time.Time, prec advisory.Precedence, recs []advisory.Record, prep []prepared, said *work) *writer {
	return &writer{tx: tx, now: now, stamp: tx.d.Stamp(now), prec: prec, recs: recs, prep: prep, said: said,
		touched: map[int64]bool{}, fresh: map[int64]*freshVuln{},
		aliases: map[string]int64{}, records: map[recordKey]storedRecord{}, claims: map[int64]map[claimKey]storedClaim{},
		written: map[recordKey]bool{}, checked: map[string]bool{}, ours: map[string]bool{}, settled: map[int64]int64{}}
}

// real returns the id of v, which may be a placeholder already flushed.
func (w *writer) real(v int64) int64 {
	if id, ok := w.settled[v]; ok {
		return id
	}
	return v
}

type freshVuln struct {
	ids    []string
	src    advisory.SourceRef
	claims []advisory.Claim
	// stored says the summary went in with the vulnerability's row, so
	// there is nothing to refresh.
	stored bool
}

// soloVuln is a vulnerability made of one record: its row, and what its
// merged view needs.
type soloVuln struct {
	row   newVuln
	fresh *freshVuln
	err   error
}

// solve works out the vulnerability rec makes by itself, as it would be
// stored if none of its identifiers is: its row, summary included. It is
// done for every record as the batch is prepared, beside the writer and a
// batch ahead of it, because nearly every record of a first import makes
// a vulnerability of its own, and merging and summarising it was a tenth
// of the writer's time (a CPU profile of a CNVD import: 1.04 of 10.3 s
// when the writer worked it out, as it did until then, at its turn).
// A record that meets a stored vulnerability wastes the work: when the
// last batch written brought mostly records stored before (fewNew), as a
// re-import with --force does, the writer works it out instead for the
// few records that need it (the waste had made such a re-import of CNVD
// 8% slower).
//
// Neither the batch's time nor the precedence of sources, which only the
// writer knows, can change the result: they order claims of different
// sources and of different times, and a record's claims have one source
// and are seen at once. TestSolveIndependentOfTimeAndPrecedence holds
// this.
func solve(rec *advisory.Record, p *prepared) *soloVuln {
	// The aliases the row gets: one spelling of each, the first, as the
	// insert that ignores conflicts keeps.
	ids := make([]string, 0, len(p.ids))
	for j, id := range p.ids {
		if !slices.Contains(p.keys[:j], p.keys[j]) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	f := &freshVuln{stored: true, ids: ids, claims: p.claims,
		src: advisory.SourceRef{Source: rec.Source, Record: rec.ID, Document: rec.Document, Modified: rec.Modified.UTC()}}
	return summarise(f, advisory.Precedence{})
}

// summarise merges the vulnerability f describes and works out its row.
func summarise(f *freshVuln, prec advisory.Precedence) *soloVuln {
	row, err := summaryRow(advisory.Merge(advisory.PrimaryID(f.ids), f.ids, []advisory.SourceRef{f.src}, f.claims, prec))
	return &soloVuln{fresh: f, err: err, row: row}
}

// summaryRow is what the row of v holds beside its id: the primary id and the
// list columns, worked out from its summary.
func summaryRow(v advisory.Vulnerability) (newVuln, error) {
	sum := v.Summary()
	b, err := json.Marshal(sum)
	return newVuln{primary: v.ID, summary: string(b), search: searchText(sum),
		published: sum.Published.UTC(), score: sum.Score, rating: strings.ToUpper(sum.Rating), kev: sum.KEV, epss: sum.EPSS}, err
}

// put decides what recs[i] writes.
func (w *writer) put(ctx context.Context, i int, res *store.BatchResult) error {
	rec, p := &w.recs[i], &w.prep[i]
	key := keyOf(rec)
	if w.written[key] {
		// The batch carries the record twice: what the first wrote is
		// what the second compares with.
		if err := w.flush(ctx); err != nil {
			return err
		}
		delete(w.records, key)
		if err := w.prefetch(ctx, i, i+1); err != nil {
			return err
		}
		delete(w.written, key)
	}
	// A retired record has an empty hash, so a record that reappears is
	// never taken for unchanged.
	row, exists := w.records[key]
	switch {
	case exists && row.hash == p.hash:
		res.Unchanged++
		return nil
	case exists && isStale(rec, row):
		res.Stale++
		return nil
	}

	vuln, created, merged, err := w.resolve(ctx, i, row.vuln)
	if err != nil {
		return err
	}
	res.Merged += merged
	if !created {
		w.fresh[vuln] = nil
	}

	modified := nullTime(rec.Modified)
	recordID := row.id
	if exists {
		w.pending.updates = append(w.pending.updates, recordUpdate{id: row.id, vuln: vuln, hash: p.hash, modified: modified})
		res.Changed++
	} else {
		recordID = w.placeholder()
		w.pending.records = append(w.pending.records, newRecord{handle: recordID, key: key, vuln: vuln, hash: p.hash, modified: modified})
		res.New++
	}
	w.written[key] = true
	retracted, err := w.putClaims(recordID, p.claims, exists)
	if err != nil {
		return err
	}
	if exists {
		w.pending.unindex = append(w.pending.unindex, recordID)
	}
	for _, k := range affectedKeys(rec.Affected) {
		w.pending.index = append(w.pending.index, indexRow{record: recordID, ecosystem: k[0], pkgname: k[1]})
	}
	if !retracted {
		return nil
	}
	// Splitting reads the vulnerability's records back and moves rows
	// between vulnerabilities: write everything first, and read the rest
	// of the batch's state again after.
	if err := w.flush(ctx); err != nil {
		return err
	}
	if err := w.split(ctx, w.real(vuln)); err != nil {
		return err
	}
	w.forget()
	return w.prefetch(ctx, i+1, len(w.recs))
}

// resolve finds the vulnerability recs[i] belongs to, creating it or
// folding several into one as its identifiers demand, and makes every
// identifier of the record an alias of it. current is the vulnerability
// the record is stored under, if it is. created says it is new.
func (w *writer) resolve(ctx context.Context, i int, current int64) (target int64, created bool, merged int, err error) {
	rec, ids, keys := &w.recs[i], w.prep[i].ids, w.prep[i].keys
	find := func() []int64 {
		var found []int64
		if current != 0 {
			found = append(found, current)
		}
		for _, k := range keys {
			if v, ok := w.aliases[k]; ok && !slices.Contains(found, v) {
				found = append(found, v)
			}
		}
		return found
	}
	found := find()

	switch len(found) {
	case 0:
		// A new vulnerability's merged view is this record alone: its
		// summary goes in with the row.
		w.said.wait()
		solo := w.prep[i].solo
		if solo == nil {
			solo = solve(rec, &w.prep[i])
		}
		target = w.placeholder()
		w.pending.vulns = append(w.pending.vulns, pendingVuln{handle: target, solo: solo})
		w.fresh[target] = solo.fresh
		created = true
	case 1:
		target = found[0]
	default:
		if slices.ContainsFunc(found, func(v int64) bool { return v < 0 }) {
			// Folding needs every vulnerability in the database, and
			// the oldest survives: give the new ones their ids.
			if err := w.flush(ctx); err != nil {
				return 0, false, 0, err
			}
			found = find()
		}
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
	for j, id := range ids {
		switch _, ok := w.aliases[keys[j]]; {
		case !ok:
			w.pending.aliases = append(w.pending.aliases, newAlias{key: keys[j], alias: id, kind: advisory.Kind(id), vuln: target})
			w.aliases[keys[j]] = target
			w.ours[keys[j]] = true
		case !w.ours[keys[j]]:
			// It was there before the batch: a concurrent writer may
			// move it before we commit.
			w.checked[keys[j]] = true
		}
	}
	w.touched[target] = true
	return target, created, merged, nil
}

// fold moves everything of vulnerability from into into and deletes from.
// Both are in the database; what is pending is redirected in memory.
func (w *writer) fold(ctx context.Context, from, into int64, via *advisory.Record) error {
	var primary string
	if err := w.tx.queryRow(ctx, `SELECT primary_id FROM vulns WHERE id = ?`, from).Scan(&primary); err != nil {
		return fmt.Errorf("read vulnerability %d: %w", from, err)
	}
	viaID := via.Source + ":" + via.ID
	type step struct {
		q    string
		args []any
	}
	run := func(steps ...step) error {
		for _, st := range steps {
			if _, err := w.tx.exec(ctx, st.q, st.args...); err != nil {
				return fmt.Errorf("fold vulnerability %s into %d: %s: %w", primary, into, firstWords(st.q), err)
			}
		}
		return nil
	}
	if err := run(
		step{`UPDATE aliases SET vuln_id = ? WHERE vuln_id = ?`, []any{into, from}},
		step{`UPDATE source_records SET vuln_id = ? WHERE vuln_id = ?`, []any{into, from}},
		step{`UPDATE vuln_merges SET into_id = ? WHERE into_id = ?`, []any{into, from}},
	); err != nil {
		return err
	}
	// Findings follow, before the row they point at goes.
	if err := moveFindings(ctx, w.tx, w.now, from, into, primary, viaID); err != nil {
		return fmt.Errorf("fold vulnerability %s into %d: %w", primary, into, err)
	}
	if err := run(
		step{`DELETE FROM vulns WHERE id = ?`, []any{from}},
		step{`INSERT INTO vuln_merges (into_id, from_id, from_primary, via, merged_at) VALUES (?, ?, ?, ?, ?)`,
			[]any{into, from, primary, viaID, w.now}},
	); err != nil {
		return err
	}
	w.redirect(from, into)
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
func (w *writer) putClaims(recordID int64, claims []advisory.Claim, existing bool) (retracted bool, err error) {
	var current map[claimKey]storedClaim
	if existing {
		var ok bool
		if current, ok = w.claims[recordID]; !ok {
			return false, fmt.Errorf("read claims: record %d was not prefetched", recordID)
		}
		// Used once: a record written again is read again.
		delete(w.claims, recordID)
	}
	for i := range claims {
		c := &claims[i]
		ck := claimKey{c.Field, c.Key}
		if old, ok := current[ck]; ok {
			delete(current, ck)
			if bytes.Equal(old.value, c.Value) {
				continue
			}
			w.pending.replace = append(w.pending.replace, old.id)
			retracted = retracted || c.Field == advisory.FieldAliases
		}
		w.pending.claims = append(w.pending.claims, newClaim{record: recordID, claim: c})
	}
	for ck, old := range current {
		w.pending.replace = append(w.pending.replace, old.id)
		retracted = retracted || ck.field == advisory.FieldAliases
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
// views known without reading the database back; the others are read
// back together, a few queries for all of them.
func (s *Store) refreshSummaries(ctx context.Context, tx *txn, touched map[int64]bool, fresh map[int64]*freshVuln) error {
	ids := make([]int64, 0, len(touched))
	var read []int64
	for id := range touched {
		f := fresh[id]
		if f != nil && f.stored {
			continue
		}
		ids = append(ids, id)
		if f == nil {
			read = append(read, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	loaded, err := s.loadMany(ctx, tx, read)
	if err != nil {
		return err
	}
	prec, err := s.precedence(ctx, tx)
	if err != nil {
		return err
	}
	now := s.clock()
	// Primary ids are unique. Moving one from a vulnerability to another
	// cannot happen (an alias belongs to one vulnerability), but a batch
	// can make a vulnerability's own preferred id change, and a split
	// leaves a piece's id with the vulnerability it left until now; update
	// in id order, old before new, so the unique index never sees two rows
	// wanting one value. One statement a row, not an upsert of many: an
	// upsert locks rows as if their keys changed, which deadlocks against
	// concurrent writers inserting aliases and records that reference them.
	for _, id := range ids {
		var v advisory.Vulnerability
		if f := fresh[id]; f != nil {
			v = advisory.Merge(advisory.PrimaryID(f.ids), f.ids, []advisory.SourceRef{f.src}, f.claims, prec)
		} else if l, ok := loaded[id]; ok {
			v = l
		} else {
			continue // no such row: nothing to update
		}
		row, err := summaryRow(v)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE vulns SET primary_id = ?, summary = ?, search = ?, published = ?, score = ?, rating = ?, kev = ?, epss = ?, updated_at = ? WHERE id = ?`,
			row.primary, row.summary, row.search, row.published, row.score, row.rating, row.kev, row.epss, now, id); err != nil {
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
		func(r *sql.Rows) (advisory.SourceRef, error) { return scanSourceRef(r) })
	if err != nil {
		return advisory.Vulnerability{}, fmt.Errorf("read source records: %w", err)
	}
	readClaims := func(cond string) ([]advisory.Claim, error) {
		return collect(ctx, q, s.d.Rebind(`SELECT c.field, c.claim_key, c.value, c.seen_at, c.replaced_at, r.source, r.record_id, r.document
			FROM claims c JOIN source_records r ON r.id = c.record_id WHERE r.vuln_id = ? AND `+cond+` ORDER BY c.id`), []any{id},
			func(r *sql.Rows) (advisory.Claim, error) { return scanClaim(r) })
	}
	current, err := readClaims(`c.replaced_at IS NULL`)
	if err != nil {
		return advisory.Vulnerability{}, fmt.Errorf("read claims: %w", err)
	}
	prec, err := s.precedence(ctx, q)
	if err != nil {
		return advisory.Vulnerability{}, err
	}
	v := advisory.Merge(advisory.PrimaryID(aliases), aliases, sources, current, prec)
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
	if err := s.prepareShapes(ctx); err != nil {
		return err
	}
	// One row a name, the last fingerprint given for it, as one statement
	// a document would leave.
	var rows []store.Document
	at := map[string]int{}
	for _, d := range docs {
		if i, ok := at[d.Name]; ok {
			rows[i] = d
			continue
		}
		at[d.Name] = len(rows)
		rows = append(rows, d)
	}
	// On the batches' pool: an import writes documents after each batch,
	// and on SQLite a write on the other pool's connection would make the
	// batches' one read its cache afresh.
	return s.inTxOn(ctx, s.batches, func(ctx context.Context, tx *txn) error {
		now := any(s.clock())
		_, err := tx.execRows(ctx, insertDocuments, len(rows), func(args []any, i int) []any {
			return append(args, rows[i].Name, rows[i].Fingerprint, now)
		})
		if err != nil {
			return fmt.Errorf("record documents %s..%s: %w", rows[0].Name, rows[len(rows)-1].Name, err)
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

// scanSourceRef reads a row of source, record_id, document, modified,
// last_seen and retired_at, after the lead columns the caller scans.
// load and loadMany read vulnerabilities with it.
func scanSourceRef(r *sql.Rows, lead ...any) (advisory.SourceRef, error) {
	var (
		ref          advisory.SourceRef
		mod, retired sql.NullTime
	)
	err := r.Scan(append(lead, &ref.Source, &ref.Record, &ref.Document, &mod, &ref.Seen, &retired)...)
	if mod.Valid {
		ref.Modified = mod.Time.UTC()
	}
	if retired.Valid {
		ref.Retired = retired.Time.UTC()
	}
	ref.Seen = ref.Seen.UTC()
	return ref, err
}

// scanClaim reads a row of field, claim_key, value, seen_at, replaced_at,
// source, record_id and document, after the lead columns.
func scanClaim(r *sql.Rows, lead ...any) (advisory.Claim, error) {
	var (
		c        advisory.Claim
		value    []byte
		replaced sql.NullTime
	)
	err := r.Scan(append(lead, &c.Field, &c.Key, &value, &c.Seen, &replaced, &c.Source, &c.Record, &c.Document)...)
	c.Value = json.RawMessage(value)
	c.Seen = c.Seen.UTC()
	if replaced.Valid {
		c.Replaced = replaced.Time.UTC()
	}
	return c, err
}
