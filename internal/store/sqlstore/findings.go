package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

// looseKey is the key components are found by when an advisory changes:
// the base ecosystem and the name in lower case with '_' and '.' as '-'.
// Migration 00003 computes the same in SQL for rows it found; keep the
// two in step.
func looseKey(ecosystem, name string) (string, string) {
	eco, _, _ := strings.Cut(ecosystem, ":")
	return strings.ToLower(eco), strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name))
}

// ReconcileFindings implements store.Findings.
func (s *Store) ReconcileFindings(ctx context.Context, a asset.Asset, matches []match.Match, scan finding.Scan) ([]finding.Change, error) {
	var changes []finding.Change
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) (err error) {
		changes, err = s.reconcile(ctx, tx, a, matches, scan)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("findings of asset %s: %w", a.Name, err)
	}
	return changes, nil
}

// reconcile is ReconcileFindings in tx.
func (s *Store) reconcile(ctx context.Context, tx *txn, a asset.Asset, matches []match.Match, scan finding.Scan) ([]finding.Change, error) {
	ms, vulnIDs, err := s.resolveMatches(ctx, tx, matches)
	if err != nil {
		return nil, err
	}
	existing, err := s.findings(ctx, tx, `f.asset_id = ?`, []any{a.ID}, 0)
	if err != nil {
		return nil, err
	}
	changes := finding.Reconcile(a, existing, ms, scan)
	for i := range changes {
		if err := s.applyChange(ctx, tx, &changes[i], vulnIDs); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

// resolveMatches names each match's vulnerability by its current primary
// id (a match may name it by an alias, or by an id merged since) and
// returns the primary ids' row ids.
func (s *Store) resolveMatches(ctx context.Context, tx *txn, matches []match.Match) ([]match.Match, map[string]int64, error) {
	primary := map[string]string{} // id as matched → primary id
	ids := map[string]int64{}      // primary id → vulns.id
	for _, m := range matches {
		if _, ok := primary[m.Vuln]; ok {
			continue
		}
		var (
			vid int64
			pid string
		)
		err := tx.queryRow(ctx, `SELECT v.id, v.primary_id FROM aliases a JOIN vulns v ON v.id = a.vuln_id WHERE a.alias_key = ?`,
			strings.ToUpper(m.Vuln)).Scan(&vid, &pid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, fmt.Errorf("vulnerability %s: %w", m.Vuln, store.ErrNotFound)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("vulnerability %s: %w", m.Vuln, err)
		}
		primary[m.Vuln], ids[pid] = pid, vid
	}
	out := slices.Clone(matches)
	for i := range out {
		out[i].Vuln = primary[out[i].Vuln]
	}
	return out, ids, nil
}

// applyChange writes one reconciled change and its audit entries.
func (s *Store) applyChange(ctx context.Context, tx *txn, ch *finding.Change, vulnIDs map[string]int64) error {
	f := &ch.Finding
	now := s.clock()
	var entries []audit.Entry
	if f.ID == 0 {
		vid, ok := vulnIDs[f.Vuln]
		if !ok {
			return fmt.Errorf("finding %s on %s: vulnerability not resolved", f.Vuln, f.Package)
		}
		detail, basis, err := encodeFinding(f)
		if err != nil {
			return fmt.Errorf("finding %s on %s: %w", f.Vuln, f.Package, err)
		}
		// The vulnerability's list keys come with it (migration 00033).
		err = tx.queryRow(ctx, `INSERT INTO findings (asset_id, package_key, vuln_id, state, detail, basis, first_seen, last_seen, updated_at, priority, due_at, closed_at, ssvc, rating, kev, epss, score)
			SELECT ?, ?, v.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, v.rating, v.kev, v.epss, v.score FROM vulns v WHERE v.id = ? RETURNING id`,
			f.AssetID, f.Key().Package, f.State, detail, basis, f.FirstSeen, f.LastSeen, f.Updated, f.Priority, nullTime(f.Due), nullTime(f.Closed), ssvcOf(f), vid).Scan(&f.ID)
		if err != nil {
			return fmt.Errorf("open finding %s on %s: %w", f.Vuln, f.Package, err)
		}
		entries = append(entries, auditEntry(now, "system", "finding.open", f.ID, nil, state{f.State}, "found by "+sourceOf(f)))
	} else if err := updateFinding(ctx, tx, f); err != nil {
		return err
	}
	for _, st := range ch.Steps {
		entries = append(entries, auditEntry(now, "system", "finding.state", f.ID, state{st.From}, state{st.To}, st.Reason))
	}
	if r := ch.Reassessed; r != nil {
		entries = append(entries, auditEntry(now, "system", "finding.priority", f.ID, priority{r.From}, priority{r.To}, r.Why))
	}
	for _, d := range ch.Decisions {
		entries = append(entries, auditEntry(now, "system", d.Action, f.ID, d.Before, d.After, d.Reason))
	}
	return appendAudit(ctx, tx, entries...)
}

// state and priority are what audit entries of those changes record.
type (
	state struct {
		State finding.State `json:"state"`
	}
	priority struct {
		Priority risk.Priority `json:"priority"`
	}
)

// ssvcOf is the finding's CISA Coordinator SSVC outcome, lower-case
// ("track*", "act"), as the list filter compares it.
func ssvcOf(f *finding.Finding) string {
	if f.Assessment == nil {
		return ""
	}
	return strings.ToLower(f.Assessment.SSVC.Coordinator.Name)
}

// encodeFinding is f as its detail and basis columns store it (migration
// 00044): the brief finding, which lists read, and its basis. What
// columns of its own hold (scanFinding reads them from there) is left
// out of detail: decoding three timestamps only to overwrite them was a
// fifth of a brief finding's decoding.
func encodeFinding(f *finding.Finding) (detail, basis string, err error) {
	brief, b := f.Brief()
	brief.ID, brief.AssetID, brief.Asset, brief.Vuln = 0, 0, "", ""
	brief.FirstSeen, brief.LastSeen, brief.Updated = time.Time{}, time.Time{}, time.Time{}
	d, err := json.Marshal(brief)
	if err != nil {
		return "", "", fmt.Errorf("detail: %w", err)
	}
	bb, err := json.Marshal(b)
	if err != nil {
		return "", "", fmt.Errorf("basis: %w", err)
	}
	return string(d), string(bb), nil
}

func updateFinding(ctx context.Context, tx *txn, f *finding.Finding) error {
	detail, basis, err := encodeFinding(f)
	if err != nil {
		return fmt.Errorf("update finding %d: %w", f.ID, err)
	}
	_, err = tx.exec(ctx, `UPDATE findings SET state = ?, detail = ?, basis = ?, last_seen = ?, updated_at = ?, priority = ?, due_at = ?, closed_at = ?, ssvc = ? WHERE id = ?`,
		f.State, detail, basis, f.LastSeen, f.Updated, f.Priority, nullTime(f.Due), nullTime(f.Closed), ssvcOf(f), f.ID)
	if err != nil {
		return fmt.Errorf("update finding %d: %w", f.ID, err)
	}
	return nil
}

// ChangeFinding implements store.Findings.
func (s *Store) ChangeFinding(ctx context.Context, id int64, actor string, fn func(*finding.Finding) ([]finding.Decision, error)) (finding.Finding, error) {
	var f finding.Finding
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		fs, err := s.findings(ctx, tx, `f.id = ?`, []any{id}, 1)
		if err != nil {
			return err
		}
		if len(fs) == 0 {
			return store.ErrNotFound
		}
		f = fs[0]
		decisions, err := fn(&f)
		if err != nil {
			return err
		}
		if err := updateFinding(ctx, tx, &f); err != nil {
			return err
		}
		now := s.clock()
		entries := make([]audit.Entry, len(decisions))
		for i, d := range decisions {
			entries[i] = auditEntry(now, actor, d.Action, f.ID, d.Before, d.After, d.Reason)
			if d.Notify == "" {
				continue
			}
			subject := fmt.Sprintf("finding %d: %s on %s", f.ID, f.Vuln, f.Asset)
			if _, err := tx.exec(ctx, `INSERT INTO notifications (created_at, recipient, subject, body, object) VALUES (?, ?, ?, ?, ?)`,
				now, d.Notify, subject, d.Reason, entries[i].Object); err != nil {
				return fmt.Errorf("notify %s: %w", d.Notify, err)
			}
		}
		return appendAudit(ctx, tx, entries...)
	})
	if err != nil {
		return finding.Finding{}, fmt.Errorf("finding %d: %w", id, err)
	}
	return f, nil
}

func sourceOf(f *finding.Finding) string {
	return f.Explanation.Source + " " + f.Explanation.Record
}

// auditEntry is an audit entry about a finding. before and after are
// marshalled as JSON; nil leaves them empty.
func auditEntry(now time.Time, actor, action string, id int64, before, after any, reason string) audit.Entry {
	e := audit.Entry{At: now, Actor: actor, Action: action, Object: fmt.Sprintf("finding:%d", id), Reason: reason}
	if before != nil {
		e.Before, _ = json.Marshal(before)
	}
	if after != nil {
		e.After, _ = json.Marshal(after)
	}
	return e
}

// appendAudit links entries after the log's head and writes them. Two
// transactions appending at once both read the same head; the second to
// commit fails on the sequence number's key and is retried.
func appendAudit(ctx context.Context, tx *txn, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	var head *audit.Entry
	var last audit.Entry
	err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&last.Seq, &last.Hash)
	switch {
	case err == nil:
		head = &last
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("read audit log head: %w", err)
	}
	for _, e := range entries {
		e = audit.Link(e, head)
		_, err := tx.exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, object, before, after, reason, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.At, e.Actor, e.Action, e.Object, string(e.Before), string(e.After), e.Reason, e.Prev, e.Hash)
		if err != nil {
			return fmt.Errorf("append audit entry %d (%s %s): %w", e.Seq, e.Action, e.Object, err)
		}
		head = &e
	}
	return nil
}

// AuditLog implements store.Audit. It reads in pages, so that a long log
// neither sits in memory nor holds one query open for the whole walk.
func (s *Store) AuditLog(ctx context.Context, after int64) iter.Seq2[audit.Entry, error] {
	const page = 1000
	return func(yield func(audit.Entry, error) bool) {
		for {
			es, err := s.auditEntries(ctx, `seq > ? ORDER BY seq LIMIT `+fmt.Sprint(page), after)
			if err != nil {
				yield(audit.Entry{}, fmt.Errorf("read audit log after %d: %w", after, err))
				return
			}
			for _, e := range es {
				if !yield(e, nil) {
					return
				}
				after = e.Seq
			}
			if len(es) < page {
				return
			}
		}
	}
}

// Record implements store.Audit.
func (s *Store) Record(ctx context.Context, e audit.Entry) error {
	e.At = s.clock()
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error { return appendAudit(ctx, tx, e) })
}

// AuditOf implements store.Audit.
func (s *Store) AuditOf(ctx context.Context, object string) ([]audit.Entry, error) {
	es, err := s.auditEntries(ctx, `object = ? ORDER BY seq`, object)
	if err != nil {
		return nil, fmt.Errorf("audit log of %s: %w", object, err)
	}
	return es, nil
}

func (s *Store) auditEntries(ctx context.Context, where string, args ...any) ([]audit.Entry, error) {
	return collect(ctx, s.r, s.d.Rebind(`SELECT seq, at, actor, action, object, before, after, reason, prev, hash FROM audit_log WHERE `+where), args,
		func(r *sql.Rows) (audit.Entry, error) {
			var (
				e             audit.Entry
				before, after string
			)
			err := r.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Object, &before, &after, &e.Reason, &e.Prev, &e.Hash)
			e.At = e.At.UTC()
			if before != "" {
				e.Before = json.RawMessage(before)
			}
			if after != "" {
				e.After = json.RawMessage(after)
			}
			return e, err
		})
}

const findingColumns = `f.id, f.asset_id, a.name, v.primary_id, f.state, f.detail, f.first_seen, f.last_seen, f.updated_at`

// briefColumns and fullColumns read a finding without its basis (for a
// brief list) and with it.
const (
	briefColumns = findingColumns + `, ''`
	fullColumns  = findingColumns + `, f.basis`
)

// findings reads the findings that where selects, by id, at most limit
// (0: all).
func (s *Store) findings(ctx context.Context, q querier, where string, args []any, limit int) ([]finding.Finding, error) {
	return s.findingsSorted(ctx, q, where, args, "f.id", limit, 0, findingPlan{})
}

// findingSorts maps FindingQuery.Sort names to ORDER BY expressions.
// Priorities sort by rank, not alphabetically; findings without a due
// date sort after those with one. Migration 00039 indexes these very
// expressions.
var findingSorts = map[string]string{
	"id":         "f.id",
	"priority":   "CASE f.priority WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END",
	"due":        "CASE WHEN f.due_at IS NULL THEN 1 ELSE 0 END, f.due_at",
	"first_seen": "f.first_seen",
	"last_seen":  "f.last_seen",
	"epss":       "f.epss",
	"score":      "f.score",
}

// sortIndexes names the index in each sort's order (migration 00039) and
// whether it runs descending: the direction the web UI sorts in. The id
// index serves both directions.
var sortIndexes = map[string]struct {
	index string
	desc  bool
}{
	"priority":   {"findings_by_priority", true},
	"due":        {"findings_by_due", false},
	"first_seen": {"findings_by_first_seen", true},
	"last_seen":  {"findings_by_last_seen", true},
	"epss":       {"findings_by_epss", true},
	"score":      {"findings_by_score", true},
}

// findingFew is the number of findings passing a page's filter up to
// which the page is found by sorting them all rather than by walking a
// sort index. Sorting costs about what they number; a walk reads about
// limit x all / passing entries before its page is full, at most 101 x
// 66,000 / 1,000 = 6,700 with the load corpus, a millisecond or two.
const findingFew = 1000

const (
	// findingCountsAge is how long pageFindingPlan's counts are used,
	// findingCountsMax how many are kept (a few hundred bytes each).
	findingCountsAge = time.Minute
	findingCountsMax = 10_000
)

// SetFindingFew sets the bound below which a finding page sorts every
// finding that passes its filter (findingFew unless set). The two plans
// must give the same pages; the conformance suite sets 0 and a large
// bound to compare each with a brute-force sort.
func (s *Store) SetFindingFew(n int) { s.findingFew.Store(int64(n)) }

// findingPlan is how findingsSorted finds a page's ids. SQLite's planner
// does not weigh a filter's selectivity against a sort index: given both
// it walked the sort index even for a filter that 200 of 66,000
// findings pass, reading them all (90 ms). So ListFindings counts the
// findings that pass, up to findingFew+1, and chooses itself.
type findingPlan struct {
	// few: the findings that pass are found first, by the filter's
	// index and apart from the order (a materialized CTE, which neither
	// SQLite nor PostgreSQL merges into the query around it), then
	// sorted.
	few bool
	// hint follows "findings f" in the query: on SQLite, INDEXED BY the
	// sort's index, walked until the page is full.
	hint string
	// filter follows "findings f" in the few plan's CTE: on SQLite,
	// INDEXED BY the filter's index.
	filter string
	// brief reads the page's findings without their basis
	// (FindingQuery.Brief).
	brief bool
}

// findingJoins joins assets and vulns to a query on findings f when a
// condition or the order names them; every finding has both, so the
// join never drops a row.
func findingJoins(where, order string) string {
	var joins string
	if strings.Contains(where+order, "a.") {
		joins += ` JOIN assets a ON a.id = f.asset_id`
	}
	if strings.Contains(where+order, "v.") {
		joins += ` JOIN vulns v ON v.id = f.vuln_id`
	}
	return joins
}

func (s *Store) findingsSorted(ctx context.Context, q querier, where string, args []any, order string, limit, offset int, plan findingPlan) ([]finding.Finding, error) {
	keys := order
	if order != "f.id" {
		keys += ", f.id"
	}
	cols := fullColumns
	if plan.brief {
		cols = briefColumns
	}
	from := `SELECT ` + cols + ` FROM findings f JOIN assets a ON a.id = f.asset_id JOIN vulns v ON v.id = f.vuln_id WHERE `
	// Without a limit (all of an asset's findings, for reconciling)
	// there is nothing to defer.
	if limit <= 0 {
		return collect(ctx, q, s.d.Rebind(from+where+` ORDER BY `+keys), args, scanFinding)
	}
	// A page's ids are found first, from the narrow columns alone (the
	// findings_list index and those of migration 00039 cover them), and
	// only then are the page's rows read: sorting whole rows, JSON detail
	// and all, made a sorted list of 66,000 findings take seconds
	// (bench/load.sh). They are two statements, not one: the rows'
	// statement is then the same for every page, and PostgreSQL plans
	// it once; planning the two as one took 0.7 ms a page, more than
	// running them.
	page := fmt.Sprintf(" LIMIT %d", limit)
	if offset > 0 {
		page += fmt.Sprintf(" OFFSET %d", offset)
	}
	joins := findingJoins(where, order)
	query := `SELECT f.id FROM findings f` + plan.hint + joins + ` WHERE ` + where + ` ORDER BY ` + keys + page
	if plan.few {
		// The CTE keeps every sort key, under the names the order uses.
		query = `WITH few AS MATERIALIZED (SELECT f.id, f.priority, f.due_at, f.first_seen, f.last_seen, f.epss, f.score FROM findings f` + plan.filter +
			joins + ` WHERE ` + where + `) SELECT f.id FROM few f ORDER BY ` + keys + page
	}
	ids, err := collect(ctx, q, s.d.Rebind(query), args, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	in, list := s.idsIn("f.id", ids)
	fs, err := collect(ctx, q, s.d.Rebind(from+in), []any{list}, scanFinding)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(fs, func(a, b finding.Finding) int { return cmp.Compare(at[a.ID], at[b.ID]) })
	return fs, nil
}

// scanFinding reads a row of fullColumns or briefColumns.
func scanFinding(r *sql.Rows) (finding.Finding, error) {
	var (
		f              finding.Finding
		id, assetID    int64
		name, vuln     string
		state          finding.State
		first, last, u sql.NullTime
		// Decoded at once, before the next row: no copy of their own.
		detail, basis sql.RawBytes
	)
	if err := r.Scan(&id, &assetID, &name, &vuln, &state, &detail, &first, &last, &u, &basis); err != nil {
		return f, err
	}
	if err := json.Unmarshal(detail, &f); err != nil {
		return f, fmt.Errorf("finding %d: detail: %w", id, err)
	}
	if len(basis) > 0 {
		var b finding.Basis
		if err := json.Unmarshal(basis, &b); err != nil {
			return f, fmt.Errorf("finding %d: basis: %w", id, err)
		}
		f.SetBasis(b)
	}
	f.ID, f.AssetID, f.Asset, f.Vuln, f.State = id, assetID, name, vuln, state
	f.FirstSeen, f.LastSeen, f.Updated = first.Time.UTC(), last.Time.UTC(), u.Time.UTC()
	return f, nil
}

// Finding implements store.Findings.
func (s *Store) Finding(ctx context.Context, id int64) (finding.Finding, error) {
	fs, err := s.findings(ctx, s.r, `f.id = ?`, []any{id}, 1)
	if err != nil {
		return finding.Finding{}, fmt.Errorf("finding %d: %w", id, err)
	}
	if len(fs) == 0 {
		return finding.Finding{}, fmt.Errorf("finding %d: %w", id, store.ErrNotFound)
	}
	return fs[0], nil
}

// ListFindings implements store.Findings.
func (s *Store) ListFindings(ctx context.Context, q store.FindingQuery) (store.FindingPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	sort := q.Sort
	if sort == "" {
		sort = "id"
	}
	name, desc := strings.CutPrefix(sort, "-")
	order, ok := findingSorts[name]
	if !ok {
		return store.FindingPage{}, fmt.Errorf("%w: sort %q: want one of %s, optionally prefixed by -", store.ErrBadQuery, q.Sort, strings.Join(store.FindingSorts, ", "))
	}
	if desc {
		// Every comma-separated key of the expression runs backwards.
		keys := strings.Split(order, ", ")
		for i := range keys {
			keys[i] += " DESC"
		}
		order = strings.Join(keys, ", ")
	}
	// The id order pages by keyset; the others by offset, since their keys
	// repeat.
	// A first page has no cursor to say: "f.id > 0" would only lead
	// PostgreSQL's generic plan of the count (pageFindingPlan) to walk
	// the id index rather than the filter's (3.2 ms, not 0.5).
	where, args := []string{"1 = 1"}, []any{}
	if order == "f.id" && q.After > 0 {
		where, args = []string{"f.id > ?"}, []any{q.After}
	}
	// Assets by subquery rather than a join: the asset's id is found once
	// (a team's ids once) and the findings from findings_list alone.
	if q.Asset != "" {
		where, args = append(where, "f.asset_id = (SELECT id FROM assets WHERE name = ?)"), append(args, q.Asset)
	}
	if q.Vuln != "" {
		where, args = append(where, "f.vuln_id = (SELECT vuln_id FROM aliases WHERE alias_key = ?)"), append(args, strings.ToUpper(q.Vuln))
	}
	if q.State != "" {
		where, args = append(where, "f.state = ?"), append(args, q.State)
	}
	if q.Priority != "" {
		where, args = append(where, "f.priority = ?"), append(args, q.Priority)
	}
	if q.Team != "" {
		where, args = append(where, "f.asset_id IN (SELECT id FROM assets WHERE team = ?)"), append(args, q.Team)
	}
	if !q.OverdueAt.IsZero() {
		where, args = append(where, "f.due_at < ? AND f.state NOT IN ('risk_accepted')"), append(args, q.OverdueAt)
		q.Open = true
	}
	if q.Open {
		var open []string
		for _, st := range finding.States {
			if st.Open() {
				open = append(open, "'"+string(st)+"'")
			}
		}
		where = append(where, "f.state IN ("+strings.Join(open, ", ")+")")
	}
	// The vulnerability's keys are the finding's own copies (migration
	// 00033), so that findings_list answers these filters and sorts
	// without a lookup into vulns per open finding.
	if q.KEV {
		where, args = append(where, "f.kev = ?"), append(args, true)
	}
	where, args = severityFilter("f", where, args, q.Severity, q.MinEPSS)
	if q.Text != "" {
		where = append(where, `v.search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(strings.ToUpper(q.Text))+"%")
	}
	if len(q.SSVC) > 0 {
		marks := make([]string, len(q.SSVC))
		for i, o := range q.SSVC {
			marks[i] = "?"
			args = append(args, strings.ToLower(o))
		}
		where = append(where, "f.ssvc IN ("+strings.Join(marks, ", ")+")")
	}
	if !q.FirstSeenFrom.IsZero() {
		where, args = append(where, "f.first_seen >= ?"), append(args, q.FirstSeenFrom.UTC())
	}
	if !q.FirstSeenTo.IsZero() {
		where, args = append(where, "f.first_seen < ?"), append(args, q.FirstSeenTo.UTC())
	}
	offset := 0
	if order != "f.id" {
		offset = max(q.Offset, 0)
	}
	// Findings of one priority all have the priority sort's key: that
	// sort is then by id, its tiebreak, in both directions. Said so, a
	// page walks the id index to its first finding of that priority at
	// once, rather than the priority index past every finding of a
	// higher one (SQLite, propagating the priority into the key, would
	// not seek the key in its index either way).
	keys := order
	if q.Priority != "" && name == "priority" {
		keys, name = "f.id", "id"
	}
	cond := strings.Join(where, " AND ")
	plan, err := s.pageFindingPlan(ctx, cond, args, name, desc, q)
	if err != nil {
		return store.FindingPage{}, fmt.Errorf("list findings: %w", err)
	}
	plan.brief = q.Brief
	fs, err := s.findingsSorted(ctx, s.r, cond, args, keys, limit+1, offset, plan)
	if err != nil {
		return store.FindingPage{}, fmt.Errorf("list findings: %w", err)
	}
	page := store.FindingPage{Items: fs}
	if len(fs) > limit {
		page.Items = fs[:limit]
		page.Next = fs[limit-1].ID
		if order != "f.id" {
			page.Next = int64(offset + limit)
		}
	}
	return page, nil
}

// pageFindingPlan chooses how a page of the findings that where selects
// (q's filters), sorted by sort (descending if desc), is found: see
// findingPlan.
func (s *Store) pageFindingPlan(ctx context.Context, where string, args []any, sort string, desc bool, q store.FindingQuery) (findingPlan, error) {
	// A search of the text needs every candidate's vulnerability: no
	// count is cheaper than finding them.
	if strings.Contains(where, "v.") {
		return findingPlan{few: true}, nil
	}
	// On SQLite the count and the few plan name the index that finds the
	// filter's findings: the most selective filter's, as SQLite would
	// choose without statistics (with them, it took values this corpus
	// lacks, KEV or a critical priority, for common ones and scanned).
	var hint string
	if s.d.Name() == "sqlite" {
		filter := "findings_list"
		switch {
		case q.Asset != "":
			filter = "sqlite_autoindex_findings_1" // UNIQUE (asset_id, ...)
		case q.Vuln != "":
			filter = "findings_vuln"
		case q.KEV:
			filter = "findings_kev"
		case len(q.Severity) > 0:
			filter = "findings_rating"
		}
		hint = " INDEXED BY " + filter
	}
	few := s.findingFew.Load()
	count := `SELECT count(*) FROM (SELECT 1 FROM findings f` + hint + findingJoins(where, "") + ` WHERE ` + where + fmt.Sprintf(" LIMIT %d) c", few+1)
	// The count only chooses the plan, and both plans give the same
	// page, so a count a minute old does: the next page of the same
	// filter, or the same view refreshed, skips it. On PostgreSQL
	// planning it cost more than running it (0.2-0.5 ms).
	key := count + fmt.Sprintf("\x00%q", args)
	n, ok := s.findingCounts.get(s.now(), key)
	if !ok {
		if err := s.r.QueryRowContext(ctx, s.d.Rebind(count), args...).Scan(&n); err != nil {
			return findingPlan{}, fmt.Errorf("count up to %d: %w", few+1, err)
		}
		s.findingCounts.put(key, n)
	}
	if n <= few {
		return findingPlan{few: true, filter: hint}, nil
	}
	// PostgreSQL weighs the filter against the sort indexes with its
	// statistics (docs/sizing.md shows its plans).
	if s.d.Name() != "sqlite" {
		return findingPlan{}, nil
	}
	if sort == "id" {
		return findingPlan{hint: " INDEXED BY findings_by_id"}, nil
	}
	// A sort in the direction no index runs is left to SQLite's
	// planner, as before migration 00039.
	if idx, ok := sortIndexes[sort]; ok && idx.desc == desc {
		return findingPlan{hint: " INDEXED BY " + idx.index}, nil
	}
	return findingPlan{}, nil
}

// RematchScope implements store.Findings.
func (s *Store) RematchScope(ctx context.Context, pkgs []store.Package, records []store.RecordRef) (map[int64][]string, error) {
	out := map[int64][]string{}
	// addComponent and addFinding take rows of (asset id, ecosystem,
	// name) and (asset id, package key).
	addKey := func(assetID int64, key string) {
		if !slices.Contains(out[assetID], key) {
			out[assetID] = append(out[assetID], key)
		}
	}
	addComponent := func(r *sql.Rows) (struct{}, error) {
		var (
			assetID   int64
			eco, name string
		)
		err := r.Scan(&assetID, &eco, &name)
		addKey(assetID, finding.PackageKey(eco, name))
		return struct{}{}, err
	}
	addFinding := func(r *sql.Rows) (struct{}, error) {
		var (
			assetID int64
			key     string
		)
		err := r.Scan(&assetID, &key)
		addKey(assetID, key)
		return struct{}{}, err
	}
	const chunk = 400
	var loose, cpes []any
	for _, p := range pkgs {
		if p.Ecosystem == store.CPE {
			cpes = append(cpes, strings.ToLower(p.Name))
			continue
		}
		e, n := looseKey(p.Ecosystem, p.Name)
		loose = append(loose, e, n)
	}
	for part := range slices.Chunk(loose, 2*chunk) {
		if _, err := collect(ctx, s.r, s.d.Rebind(`WITH k (eco, name) AS (VALUES `+tuples(len(part)/2, 2)+`)
			SELECT DISTINCT c.asset_id, c.ecosystem, c.name FROM k JOIN components c ON c.pkg_eco = k.eco AND c.pkg_name = k.name`), part, addComponent); err != nil {
			return nil, fmt.Errorf("components of changed packages: %w", err)
		}
	}
	for part := range slices.Chunk(cpes, chunk) {
		if _, err := collect(ctx, s.r, s.d.Rebind(`SELECT DISTINCT c.asset_id, c.ecosystem, c.name FROM component_cpes k JOIN components c ON c.id = k.component_id
			WHERE k.cpe_key IN (`+placeholders(len(part))+`)`), part, addComponent); err != nil {
			return nil, fmt.Errorf("components of changed CPE products: %w", err)
		}
	}
	var refs []any
	for _, r := range records {
		refs = append(refs, r.Source, r.ID)
	}
	for part := range slices.Chunk(refs, 2*chunk) {
		// From the findings, which are few beside the records (whose key
		// leads with the document, not the id), to their records, kept
		// when the set of changed records holds them; CROSS JOIN keeps
		// SQLite to that order.
		if _, err := collect(ctx, s.r, s.d.Rebind(`WITH k (source, id) AS (VALUES `+tuples(len(part)/2, 2)+`)
			SELECT DISTINCT f.asset_id, f.package_key FROM findings f CROSS JOIN source_records r
			WHERE r.vuln_id = f.vuln_id AND (r.source, r.record_id) IN (SELECT source, id FROM k)`), part, addFinding); err != nil {
			return nil, fmt.Errorf("findings of changed records: %w", err)
		}
	}
	return out, nil
}

// PutVEX implements store.Findings.
func (s *Store) PutVEX(ctx context.Context, assetID int64, document string, sts []match.VEX) error {
	var aid any
	if assetID != 0 {
		aid = assetID
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		del := `DELETE FROM vex_statements WHERE document = ? AND asset_id IS NULL`
		args := []any{document}
		if aid != nil {
			del, args = `DELETE FROM vex_statements WHERE document = ? AND asset_id = ?`, []any{document, aid}
		}
		if _, err := tx.exec(ctx, del, args...); err != nil {
			return fmt.Errorf("replace VEX statements of %s: %w", document, err)
		}
		now := s.clock()
		for i, st := range sts {
			b, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO vex_statements (asset_id, document, statement, imported_at) VALUES (?, ?, ?, ?)`,
				aid, document, string(b), now); err != nil {
				return fmt.Errorf("VEX %s statement %d: %w", document, i, err)
			}
		}
		return nil
	})
}

// VEXFor implements store.Findings.
func (s *Store) VEXFor(ctx context.Context, assetID int64) ([]match.VEX, error) {
	sts, err := collect(ctx, s.r, s.d.Rebind(`SELECT statement FROM vex_statements WHERE asset_id IS NULL OR asset_id = ? ORDER BY id`), []any{assetID},
		func(r *sql.Rows) (match.VEX, error) {
			var (
				st match.VEX
				b  string
			)
			if err := r.Scan(&b); err != nil {
				return st, err
			}
			return st, json.Unmarshal([]byte(b), &st)
		})
	if err != nil {
		return nil, fmt.Errorf("VEX statements for asset %d: %w", assetID, err)
	}
	return sts, nil
}

// moveFindings re-points the findings of vulnerability from, being folded
// into into, at into. Where the asset's package already has a finding on
// into, the two are one finding: the one on into stays and the other is
// removed, its state and reason kept in the audit log.
func moveFindings(ctx context.Context, tx *txn, now time.Time, from, into int64, fromPrimary, via string) error {
	rows, err := collect(ctx, tx, `SELECT f.id, f.state FROM findings f WHERE f.vuln_id = ?
		AND EXISTS (SELECT 1 FROM findings g WHERE g.vuln_id = ? AND g.asset_id = f.asset_id AND g.package_key = f.package_key)`,
		[]any{from, into}, func(r *sql.Rows) (struct {
			id    int64
			state finding.State
		}, error) {
			var v struct {
				id    int64
				state finding.State
			}
			return v, r.Scan(&v.id, &v.state)
		})
	if err != nil {
		return fmt.Errorf("findings of %s: %w", fromPrimary, err)
	}
	for _, d := range rows {
		if _, err := tx.exec(ctx, `DELETE FROM findings WHERE id = ?`, d.id); err != nil {
			return fmt.Errorf("fold finding %d: %w", d.id, err)
		}
		e := auditEntry(now, "system", "finding.merge", d.id, state{d.state}, state{finding.Duplicate},
			fmt.Sprintf("%s was merged into another vulnerability via %s; the package's finding on it carries on", fromPrimary, via))
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
	}
	// The moved findings take the surviving vulnerability's list keys
	// (migration 00033).
	if _, err := tx.exec(ctx, `UPDATE findings SET vuln_id = v.id, rating = v.rating, kev = v.kev, epss = v.epss, score = v.score
		FROM vulns v WHERE v.id = ? AND findings.vuln_id = ?`, into, from); err != nil {
		return fmt.Errorf("move findings of %s: %w", fromPrimary, err)
	}
	return nil
}

// SLAPolicies implements store.Findings.
func (s *Store) SLAPolicies(ctx context.Context) ([]finding.Policy, error) {
	ps, err := collect(ctx, s.r, `SELECT policy FROM sla_policies ORDER BY environment`, nil, func(r *sql.Rows) (finding.Policy, error) {
		var (
			p finding.Policy
			b string
		)
		if err := r.Scan(&b); err != nil {
			return p, err
		}
		return p, json.Unmarshal([]byte(b), &p)
	})
	if err != nil {
		return nil, fmt.Errorf("SLA policies: %w", err)
	}
	if len(ps) == 0 {
		return finding.DefaultPolicies(), nil
	}
	return ps, nil
}

// PutSLAPolicy implements store.Findings. The first change stores the
// defaults beside it, so that the other environments keep the policy
// they had.
func (s *Store) PutSLAPolicy(ctx context.Context, p finding.Policy, actor, reason string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	current, err := s.SLAPolicies(ctx)
	if err != nil {
		return err
	}
	before := finding.PolicyFor(current, p.Environment)
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sla_policies`).Scan(&n); err != nil {
			return err
		}
		put := func(p finding.Policy) error {
			b, err := json.Marshal(p)
			if err != nil {
				return err
			}
			_, err = tx.exec(ctx, `INSERT INTO sla_policies (environment, policy, updated_at, updated_by) VALUES (?, ?, ?, ?)
				ON CONFLICT (environment) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				string(p.Environment), string(b), now, actor)
			return err
		}
		if n == 0 {
			for _, d := range finding.DefaultPolicies() {
				if err := put(d); err != nil {
					return err
				}
			}
		}
		if err := put(p); err != nil {
			return fmt.Errorf("SLA policy %q: %w", p.Environment, err)
		}
		e := audit.Entry{At: now, Actor: actor, Action: "policy.update", Object: "sla:" + cmp.Or(string(p.Environment), "default"), Reason: reason}
		e.Before, _ = json.Marshal(before)
		e.After, _ = json.Marshal(p)
		return appendAudit(ctx, tx, e)
	})
}

// Notifications implements store.Findings.
func (s *Store) Notifications(ctx context.Context, after int64) ([]store.Notification, error) {
	return collect(ctx, s.r, s.d.Rebind(`SELECT id, created_at, recipient, subject, body, object FROM notifications WHERE id > ? ORDER BY id`), []any{after},
		func(r *sql.Rows) (store.Notification, error) {
			var n store.Notification
			err := r.Scan(&n.ID, &n.Created, &n.Recipient, &n.Subject, &n.Body, &n.Object)
			n.Created = n.Created.UTC()
			return n, err
		})
}

// PutRule implements store.Findings.
func (s *Store) PutRule(ctx context.Context, r finding.Rule) (finding.Rule, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO triage_rules (vuln_key, rule, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
			strings.ToUpper(r.Vuln), string(b), r.Created, r.By).Scan(&r.ID); err != nil {
			return fmt.Errorf("keep rule: %w", err)
		}
		e := audit.Entry{At: s.clock(), Actor: r.By, Action: "rule.create", Object: fmt.Sprintf("rule:%d", r.ID), Reason: r.Reason}
		e.After, _ = json.Marshal(r)
		return appendAudit(ctx, tx, e)
	})
	if err != nil {
		return finding.Rule{}, fmt.Errorf("triage rule for %s: %w", r.Vuln, err)
	}
	return r, nil
}

// Rules implements store.Findings. A rule's vulnerability may since have
// merged into another: it is named by the current primary id, found
// through the aliases.
func (s *Store) Rules(ctx context.Context) ([]finding.Rule, error) {
	rs, err := collect(ctx, s.r, `SELECT t.id, t.rule, COALESCE(v.primary_id, t.vuln_key) FROM triage_rules t
		LEFT JOIN aliases a ON a.alias_key = t.vuln_key LEFT JOIN vulns v ON v.id = a.vuln_id ORDER BY t.id`, nil,
		func(r *sql.Rows) (finding.Rule, error) {
			var (
				x     finding.Rule
				id    int64
				b, pk string
			)
			if err := r.Scan(&id, &b, &pk); err != nil {
				return x, err
			}
			if err := json.Unmarshal([]byte(b), &x); err != nil {
				return x, fmt.Errorf("rule %d: %w", id, err)
			}
			x.ID, x.Vuln = id, pk
			return x, nil
		})
	if err != nil {
		return nil, fmt.Errorf("triage rules: %w", err)
	}
	return rs, nil
}
