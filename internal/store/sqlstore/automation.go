package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

func automationObject(id int64) string { return fmt.Sprintf("automation:%d", id) }

const automationColumns = `id, version, name, on_kinds, when_src, then_src, enabled, by_actor, at, reason, from_event`

func scanAutomation(r *sql.Rows) (rules.Rule, error) {
	var (
		x       rules.Rule
		on      string
		enabled int
	)
	if err := r.Scan(&x.ID, &x.Version, &x.Name, &on, &x.When, &x.Then, &enabled, &x.By, &x.At, &x.Reason, &x.After); err != nil {
		return x, err
	}
	x.Enabled, x.At = enabled != 0, x.At.UTC()
	return x, json.Unmarshal([]byte(on), &x.On)
}

// PutAutomation implements store.Automation.
func (s *Store) PutAutomation(ctx context.Context, r rules.Rule, actor string) (rules.Rule, error) {
	if strings.TrimSpace(actor) == "" {
		return rules.Rule{}, errors.New("save rule: no actor")
	}
	now := s.clock()
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		out := r
		out.By, out.At = actor, now
		if out.ID == 0 {
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM automation_rules`).Scan(&out.ID); err != nil {
				return fmt.Errorf("next rule id: %w", err)
			}
			out.Version = 1
		} else {
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM automation_rules WHERE id = ?`, out.ID).Scan(&out.Version); err != nil {
				return fmt.Errorf("rule %d: next version: %w", out.ID, err)
			}
			if out.Version == 1 {
				return fmt.Errorf("rule %d: %w", out.ID, store.ErrNotFound)
			}
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM automation_events`).Scan(&out.After); err != nil {
			return fmt.Errorf("last event: %w", err)
		}
		kinds := []rules.Kind{}
		kinds = append(kinds, out.On...)
		on, _ := json.Marshal(kinds)
		enabled := 0
		if out.Enabled {
			enabled = 1
		}
		if _, err := tx.exec(ctx, `INSERT INTO automation_rules (id, version, name, on_kinds, when_src, then_src, enabled, by_actor, at, reason, from_event)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, out.ID, out.Version, out.Name, string(on), out.When, out.Then, enabled, actor, now, out.Reason, out.After); err != nil {
			return fmt.Errorf("rule %d version %d: %w", out.ID, out.Version, err)
		}
		after, _ := json.Marshal(out)
		r = out
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "automation.version", Object: automationObject(out.ID),
			After: after, Reason: out.Reason})
	})
	return r, err
}

// Automation implements store.Automation.
func (s *Store) Automation(ctx context.Context, id int64, version int) (rules.Rule, error) {
	q := `SELECT ` + automationColumns + ` FROM automation_rules WHERE id = ? ORDER BY version DESC LIMIT 1`
	args := []any{id}
	if version > 0 {
		q = `SELECT ` + automationColumns + ` FROM automation_rules WHERE id = ? AND version = ?`
		args = append(args, version)
	}
	rs, err := collect(ctx, s.r, s.d.Rebind(q), args, scanAutomation)
	if err != nil {
		return rules.Rule{}, fmt.Errorf("rule %d: %w", id, err)
	}
	if len(rs) == 0 {
		return rules.Rule{}, fmt.Errorf("rule %d version %d: %w", id, version, store.ErrNotFound)
	}
	return rs[0], nil
}

// AutomationVersions implements store.Automation.
func (s *Store) AutomationVersions(ctx context.Context, id int64) ([]rules.Rule, error) {
	rs, err := collect(ctx, s.r, s.d.Rebind(`SELECT `+automationColumns+` FROM automation_rules WHERE id = ? ORDER BY version`), []any{id}, scanAutomation)
	if err != nil {
		return nil, fmt.Errorf("versions of rule %d: %w", id, err)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("rule %d: %w", id, store.ErrNotFound)
	}
	return rs, nil
}

// ListAutomations implements store.Automation.
func (s *Store) ListAutomations(ctx context.Context) ([]rules.Rule, error) {
	rs, err := collect(ctx, s.r, `SELECT `+automationColumns+` FROM automation_rules a
		WHERE version = (SELECT MAX(version) FROM automation_rules b WHERE b.id = a.id) ORDER BY id`, nil, scanAutomation)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	return rs, nil
}

// Event sources, each with its own watermark.
const (
	cursorClaims   = "source.claims"
	cursorFindings = "source.findings"
	cursorAudit    = "source.audit"
)

// CollectEvents implements store.Automation. Each source is read after
// its watermark up to a bound below which nothing can still appear: on
// SQLite writers take turns, so the highest id is that bound; on
// PostgreSQL ids come from sequences and a transaction may commit a lower
// id after a higher one, so the bound is read under a SHARE lock, which
// waits for every transaction writing claims or findings to end. The
// audit log needs no bound: each entry links to the one before, so
// entries commit in order.
func (s *Store) CollectEvents(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = 5000
	}
	claimBound, findingBound, err := s.eventBounds(ctx)
	if err != nil {
		return 0, err
	}
	cur := map[string]int64{}
	for _, name := range []string{cursorClaims, cursorFindings, cursorAudit} {
		if cur[name], err = s.Cursor(ctx, name); err != nil {
			return 0, err
		}
	}
	next := maps.Clone(cur)
	now := s.clock()
	var evs []rules.Event
	adv, pos, err := s.advisoryEvents(ctx, cur[cursorClaims], claimBound, limit)
	if err != nil {
		return 0, err
	}
	evs, next[cursorClaims] = append(evs, adv...), pos
	fnd, pos, err := s.findingEvents(ctx, cur[cursorFindings], findingBound, limit)
	if err != nil {
		return 0, err
	}
	evs, next[cursorFindings] = append(evs, fnd...), pos
	aud, pos, err := s.auditEvents(ctx, cur[cursorAudit], limit)
	if err != nil {
		return 0, err
	}
	evs, next[cursorAudit] = append(evs, aud...), pos
	for i := range evs {
		evs[i].At = now
		evs[i].Env.At, evs[i].Env.Kind, evs[i].Env.Object = now, string(evs[i].Kind), evs[i].Object
	}
	n := 0
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		n = 0
		for _, name := range []string{cursorClaims, cursorFindings, cursorAudit} {
			if next[name] == cur[name] {
				continue
			}
			moved, err := moveCursor(ctx, tx, name, cur[name], next[name])
			if err != nil {
				return err
			}
			if !moved {
				// Another collector read the same rows and recorded
				// them first; its events have the same keys.
				return errLostRace
			}
		}
		var err error
		n, err = insertEvents(ctx, tx, evs)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return 0, nil
	}
	return n, err
}

func (s *Store) eventBounds(ctx context.Context) (claims, findings int64, err error) {
	read := func(ctx context.Context, q querier) error {
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM claims`).Scan(&claims); err != nil {
			return fmt.Errorf("last claim: %w", err)
		}
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM findings`).Scan(&findings); err != nil {
			return fmt.Errorf("last finding: %w", err)
		}
		return nil
	}
	if s.d.Name() != "postgres" {
		return claims, findings, read(ctx, s.r)
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if _, err := tx.exec(ctx, `LOCK TABLE claims, findings IN SHARE MODE`); err != nil {
			return fmt.Errorf("lock claims and findings: %w", err)
		}
		return read(ctx, tx)
	})
	return claims, findings, err
}

// moveCursor moves a watermark from old to pos, and reports false if it
// was not at old.
func moveCursor(ctx context.Context, tx *txn, name string, old, pos int64) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO automation_cursors (name, position) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET position = excluded.position WHERE automation_cursors.position = ?`, name, pos, old)
	if err != nil {
		return false, fmt.Errorf("move %s to %d: %w", name, pos, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// insertEvents records evs in order, many to a statement: one INSERT an
// event was most of a catch-up page's time on PostgreSQL (10,000 round
// trips a page).
func insertEvents(ctx context.Context, tx *txn, evs []rules.Event) (int, error) {
	n := 0
	for chunk := range slices.Chunk(evs, 500) {
		rows := make([]string, len(chunk))
		args := make([]any, 0, 5*len(chunk))
		for i, e := range chunk {
			env, err := json.Marshal(e.Env)
			if err != nil {
				return n, fmt.Errorf("event %s: %w", e.Key, err)
			}
			rows[i] = "(?, ?, ?, ?, ?)"
			args = append(args, string(e.Kind), e.Key, e.Object, e.At, string(env))
		}
		res, err := tx.exec(ctx, `INSERT INTO automation_events (kind, key, object, at, env) VALUES `+strings.Join(rows, ", ")+
			` ON CONFLICT (key) DO NOTHING`, args...)
		if err != nil {
			return n, fmt.Errorf("events %s to %s: %w", chunk[0].Key, chunk[len(chunk)-1].Key, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// vulnChange is what one vulnerability's new claims say.
type vulnChange struct {
	last    int64
	sources []string
	fields  []string
	kev     bool
	epss    []int64 // claim ids of new EPSS scores
	records map[int64]bool
}

// advisoryEvents reads the claims after from (up to bound) and makes one
// event per vulnerability they belong to.
func (s *Store) advisoryEvents(ctx context.Context, from, bound int64, limit int) ([]rules.Event, int64, error) {
	type row struct {
		id, record, vuln int64
		field, source    string
	}
	rows, err := collect(ctx, s.r, s.d.Rebind(`SELECT c.id, c.record_id, r.vuln_id, c.field, r.source FROM claims c
		JOIN source_records r ON r.id = c.record_id WHERE c.id > ? AND c.id <= ? ORDER BY c.id LIMIT `+strconv.Itoa(limit)),
		[]any{from, bound}, func(r *sql.Rows) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.record, &x.vuln, &x.field, &x.source)
		})
	if err != nil {
		return nil, from, fmt.Errorf("read claims after %d: %w", from, err)
	}
	pos := bound
	if len(rows) == limit {
		// A full page may end inside a record's claims (written
		// together, so their ids are contiguous): leave that record for
		// the next page, so that one import of it is one event, unless
		// it is the whole page.
		last := rows[len(rows)-1].record
		cut := len(rows)
		for cut > 0 && rows[cut-1].record == last {
			cut--
		}
		if cut > 0 {
			rows = rows[:cut]
		}
		pos = rows[len(rows)-1].id
	}
	changes := map[int64]*vulnChange{}
	var kev []int64 // ids of KEV claims
	for _, x := range rows {
		c := changes[x.vuln]
		if c == nil {
			c = &vulnChange{records: map[int64]bool{}}
			changes[x.vuln] = c
		}
		c.last = x.id
		c.records[x.record] = true
		if !slices.Contains(c.sources, x.source) {
			c.sources = append(c.sources, x.source)
		}
		if !slices.Contains(c.fields, x.field) {
			c.fields = append(c.fields, x.field)
		}
		switch advisory.Field(x.field) {
		case advisory.FieldKEV:
			kev = append(kev, x.id)
		case advisory.FieldEPSS:
			c.epss = append(c.epss, x.id)
		}
	}
	// Added to KEV: no record of the vulnerability said so before (a CVE
	// record's CISA ADP container may have).
	listed, err := s.kevListedBefore(ctx, kev)
	if err != nil {
		return nil, from, err
	}
	for _, x := range rows {
		if advisory.Field(x.field) == advisory.FieldKEV && !listed[x.id] {
			changes[x.vuln].kev = true
		}
	}
	var epss []int64
	for _, c := range changes {
		epss = append(epss, c.epss...)
	}
	before, err := s.epssBefore(ctx, epss)
	if err != nil {
		return nil, from, err
	}
	known, err := s.vulnsBefore(ctx, slices.Collect(maps.Keys(changes)), from)
	if err != nil {
		return nil, from, err
	}
	ids := slices.Sorted(maps.Keys(changes))
	out := make([]rules.Event, 0, len(ids))
	for _, vid := range ids {
		c := changes[vid]
		v, err := s.load(ctx, s.r, vid, false)
		if errors.Is(err, store.ErrNotFound) {
			continue // merged into another since; that one's claims tell
		}
		if err != nil {
			return nil, from, fmt.Errorf("vulnerability %d: %w", vid, err)
		}
		a, err := rules.AdvisoryOf(&v)
		if err != nil {
			return nil, from, err
		}
		a.Sources, a.Fields, a.KEVAdded = c.sources, c.fields, c.kev
		for _, id := range c.epss {
			a.EPSSBefore = before[id]
		}
		if len(c.epss) > 0 {
			a.EPSSDelta = a.EPSS - a.EPSSBefore
		}
		kind := rules.AdvisoryChanged
		if !known[vid] {
			kind = rules.AdvisoryCreated
		}
		out = append(out, rules.Event{Kind: kind, Key: fmt.Sprintf("claims:%d:vuln:%d", c.last, vid), Object: "vuln:" + v.ID,
			Env: rules.Env{Advisory: a}})
	}
	return out, pos, nil
}

// The claims of a record are in two partial indexes, claims_current
// (replaced_at IS NULL) and claims_history (IS NOT NULL), and there is no
// index of them all: each claim would cost a third index insertion on
// import (postgres migration 00012). A query over a record's claims of
// either kind must therefore ask each side separately, naming its
// replaced_at condition, or the planner cannot use either index and walks
// the claims table by id: a count per KEV claim that did so took 70% of a
// catch-up's CPU on the full corpus (docs/sizing.md).

// kevListedBefore reports which of the KEV claims ids have an earlier KEV
// claim of the same vulnerability.
func (s *Store) kevListedBefore(ctx context.Context, ids []int64) (map[int64]bool, error) {
	earlier := func(replaced string) string {
		return `EXISTS (SELECT 1 FROM source_records r JOIN claims c ON c.record_id = r.id
			WHERE r.vuln_id = kr.vuln_id AND c.field = k.field AND c.replaced_at ` + replaced + ` AND c.id < k.id)`
	}
	out, err := s.idsAmong(ctx, `SELECT k.id FROM claims k JOIN source_records kr ON kr.id = k.record_id
		WHERE (`+earlier("IS NULL")+` OR `+earlier("IS NOT NULL")+`) AND k.id IN `, nil, ids)
	if err != nil {
		return nil, fmt.Errorf("earlier KEV entries: %w", err)
	}
	return out, nil
}

// vulnsBefore reports which of vulns had claims at or before pos: those
// changed rather than created.
func (s *Store) vulnsBefore(ctx context.Context, vulns []int64, pos int64) (map[int64]bool, error) {
	if pos == 0 {
		return map[int64]bool{}, nil
	}
	claimed := func(replaced string) string {
		return `EXISTS (SELECT 1 FROM claims c WHERE c.record_id = r.id AND c.replaced_at ` + replaced + ` AND c.id <= ?)`
	}
	out, err := s.idsAmong(ctx, `SELECT DISTINCT r.vuln_id FROM source_records r
		WHERE (`+claimed("IS NULL")+` OR `+claimed("IS NOT NULL")+`) AND r.vuln_id IN `, []any{pos, pos}, vulns)
	if err != nil {
		return nil, fmt.Errorf("vulnerabilities known before claim %d: %w", pos, err)
	}
	return out, nil
}

// idsAmong runs query, which ends in "IN " and selects one id column,
// over ids in chunks (a statement's parameters are bounded), and returns
// the ids it selected.
func (s *Store) idsAmong(ctx context.Context, query string, args []any, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for chunk := range slices.Chunk(ids, 500) {
		got, err := collect(ctx, s.r, s.d.Rebind(query+`(`+placeholders(len(chunk))+`)`), append(slices.Clone(args), int64sToAny(chunk)...),
			func(r *sql.Rows) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			})
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
	}
	return out, nil
}

// epssBefore returns, for each EPSS claim of ids, the score it replaced:
// that of the record's latest EPSS claim before it, current or history
// (absent if none).
func (s *Store) epssBefore(ctx context.Context, ids []int64) (map[int64]float64, error) {
	latest := func(replaced string) string {
		return `SELECT c.id, p.id, p.value FROM claims c JOIN claims p ON p.id = (SELECT MAX(q.id) FROM claims q
			WHERE q.record_id = c.record_id AND q.field = c.field AND q.replaced_at ` + replaced + ` AND q.id < c.id)
			WHERE c.id IN `
	}
	type prior struct {
		claim, id int64
		value     string
	}
	best := map[int64]prior{}
	for chunk := range slices.Chunk(ids, 500) {
		in := `(` + placeholders(len(chunk)) + `)`
		args := int64sToAny(chunk)
		ps, err := collect(ctx, s.r, s.d.Rebind(latest("IS NULL")+in+` UNION ALL `+latest("IS NOT NULL")+in), append(args, args...),
			func(r *sql.Rows) (prior, error) {
				var p prior
				return p, r.Scan(&p.claim, &p.id, &p.value)
			})
		if err != nil {
			return nil, fmt.Errorf("earlier EPSS scores: %w", err)
		}
		for _, p := range ps {
			if p.id > best[p.claim].id {
				best[p.claim] = p
			}
		}
	}
	out := make(map[int64]float64, len(best))
	for claim, p := range best {
		var e advisory.EPSS
		if err := json.Unmarshal([]byte(p.value), &e); err != nil {
			return nil, fmt.Errorf("claim %d: earlier EPSS: %w", claim, err)
		}
		out[claim] = e.Score
	}
	return out, nil
}

// findingEvents makes an event of every finding created after from.
func (s *Store) findingEvents(ctx context.Context, from, bound int64, limit int) ([]rules.Event, int64, error) {
	ids, err := collect(ctx, s.r, s.d.Rebind(`SELECT id FROM findings WHERE id > ? AND id <= ? ORDER BY id LIMIT `+strconv.Itoa(limit)),
		[]any{from, bound}, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
	if err != nil {
		return nil, from, fmt.Errorf("read findings after %d: %w", from, err)
	}
	pos := bound
	if len(ids) == limit {
		pos = ids[len(ids)-1]
	}
	fs, err := s.findingsOf(ctx, ids)
	if err != nil {
		return nil, from, err
	}
	var out []rules.Event
	for _, id := range ids {
		env, err := fs.env(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // its asset was deleted since
		}
		if err != nil {
			return nil, from, err
		}
		out = append(out, rules.Event{Kind: rules.FindingCreated, Key: fmt.Sprintf("finding:%d:created", id),
			Object: fmt.Sprintf("finding:%d", id), Env: env})
	}
	return out, pos, nil
}

// eventFindings are the findings a page of sources names, read together:
// one query a finding made a catch-up of 66,000 findings and twice as many
// audit entries spend most of its time preparing statements.
type eventFindings struct {
	s     *Store
	byID  map[int64]finding.Finding
	teams map[string]string // asset name → team
}

func (s *Store) findingsOf(ctx context.Context, ids []int64) (*eventFindings, error) {
	out := &eventFindings{s: s, byID: make(map[int64]finding.Finding, len(ids)), teams: map[string]string{}}
	for chunk := range slices.Chunk(ids, 500) {
		fs, err := s.findings(ctx, s.r, `f.id IN (`+placeholders(len(chunk))+`)`, int64sToAny(chunk), 0)
		if err != nil {
			return nil, fmt.Errorf("read findings %d to %d: %w", chunk[0], chunk[len(chunk)-1], err)
		}
		for _, f := range fs {
			out.byID[f.ID] = f
		}
	}
	return out, nil
}

// env is finding id's part of an event; store.ErrNotFound if it was not
// among those read (deleted, with its asset, since it was recorded).
func (e *eventFindings) env(ctx context.Context, id int64) (rules.Env, error) {
	f, ok := e.byID[id]
	if !ok {
		return rules.Env{}, fmt.Errorf("finding %d: %w", id, store.ErrNotFound)
	}
	team, ok := e.teams[f.Asset]
	if !ok {
		a, err := e.s.Asset(ctx, f.Asset)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return rules.Env{}, err
		}
		team, e.teams[f.Asset] = a.Team, a.Team
	}
	return rules.Env{Finding: rules.FindingOf(f, team, e.s.clock())}, nil
}

// auditEvents maps the audit entries after from onto events. Entries made
// by rules themselves are left out: a rule's action does not trigger
// rules, so that two rules cannot feed each other for ever.
func (s *Store) auditEvents(ctx context.Context, from int64, limit int) ([]rules.Event, int64, error) {
	es, err := s.auditEntries(ctx, `seq > ? ORDER BY seq LIMIT `+strconv.Itoa(limit), from)
	if err != nil {
		return nil, from, fmt.Errorf("read audit log after %d: %w", from, err)
	}
	var ids []int64
	for _, e := range es {
		if id, ok := auditFinding(e); ok {
			ids = append(ids, id)
		}
	}
	fs, err := s.findingsOf(ctx, ids)
	if err != nil {
		return nil, from, err
	}
	pos := from
	var out []rules.Event
	for _, e := range es {
		pos = e.Seq
		if strings.HasPrefix(e.Actor, rules.ActorPrefix) {
			continue
		}
		ev, ok, err := s.auditEvent(ctx, e, fs)
		if err != nil {
			return nil, from, fmt.Errorf("audit entry %d (%s %s): %w", e.Seq, e.Action, e.Object, err)
		}
		if ok {
			ev.Env.Actor = e.Actor
			out = append(out, ev)
		}
	}
	return out, pos, nil
}

// auditFinding returns the finding an entry about one is about.
func auditFinding(e audit.Entry) (int64, bool) {
	idText, ok := strings.CutPrefix(e.Object, "finding:")
	if !ok || !strings.HasPrefix(e.Action, "finding.") || strings.HasPrefix(e.Actor, rules.ActorPrefix) {
		return 0, false
	}
	id, _ := strconv.ParseInt(idText, 10, 64)
	return id, true
}

func (s *Store) auditEvent(ctx context.Context, e audit.Entry, fs *eventFindings) (rules.Event, bool, error) {
	_, idText, _ := strings.Cut(e.Object, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	ev := rules.Event{Key: fmt.Sprintf("audit:%d", e.Seq), Object: e.Object}
	switch {
	case strings.HasPrefix(e.Action, "finding.") && strings.HasPrefix(e.Object, "finding:"):
		env, err := fs.env(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return ev, false, nil
		}
		if err != nil {
			return ev, false, err
		}
		ev.Kind, ev.Env = rules.FindingChanged, env
		ev.Env.Finding.Change = e.Action
		if e.Action == "finding.breach" {
			// The same key as the scheduled check's, so that a breach
			// the sweep recorded and the check found is one event.
			ev.Kind, ev.Key = rules.SLABreached, rules.SLAKey(rules.SLABreached, id, env.Finding.Due)
		}
	case e.Action == "incident.create":
		in, err := s.Incident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return ev, false, nil
		}
		if err != nil {
			return ev, false, err
		}
		ev.Kind = rules.IncidentOpened
		ev.Env.Incident = rules.Incident{ID: in.ID, Title: in.Title, Category: string(in.Category), Severity: string(in.Severity),
			Vulns: in.Vulns, Assets: in.Assets}
	case e.Action == "disclosure.submit":
		var r disclosure.Report
		if err := json.Unmarshal(e.After, &r); err != nil {
			return ev, false, err
		}
		ev.Kind, ev.Env.Report = rules.ReportReceived, rules.Report{ID: id, Code: r.Code, Title: r.Title, Product: r.Product}
	case e.Action == "snapshot.import":
		var after struct {
			Evaluations []struct {
				Baseline   string            `json:"baseline"`
				Failed     int               `json:"failed"`
				Compliance float64           `json:"compliance"`
				Drift      []json.RawMessage `json:"drift"`
			} `json:"evaluations"`
		}
		if err := json.Unmarshal(e.After, &after); err != nil {
			return ev, false, err
		}
		// One event for the snapshot: the baseline that drifted most.
		var d rules.Drift
		for _, x := range after.Evaluations {
			if len(x.Drift) > d.Drifted {
				d = rules.Drift{Asset: idText, Baseline: x.Baseline, Drifted: len(x.Drift), Failed: x.Failed, Compliance: x.Compliance}
			}
		}
		if d.Drifted == 0 {
			return ev, false, nil
		}
		ev.Kind, ev.Env.Drift = rules.BaselineDrift, d
	default:
		return ev, false, nil
	}
	return ev, true, nil
}

// AddEvents implements store.Automation.
func (s *Store) AddEvents(ctx context.Context, es []rules.Event) (int, error) {
	now := s.clock()
	n := 0
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		evs := slices.Clone(es)
		for i := range evs {
			if evs[i].At.IsZero() {
				evs[i].At = now
			}
			evs[i].Env.Kind, evs[i].Env.Object, evs[i].Env.At = string(evs[i].Kind), evs[i].Object, evs[i].At
		}
		var err error
		n, err = insertEvents(ctx, tx, evs)
		return err
	})
	return n, err
}

// Events implements store.Automation.
func (s *Store) Events(ctx context.Context, q store.EventQuery) ([]rules.Event, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 5000)
	where, args := []string{"id > ?"}, []any{q.After}
	if q.Before > 0 {
		where, args = append(where, "id < ?"), append(args, q.Before)
	}
	if len(q.Kinds) > 0 {
		where = append(where, "kind IN ("+placeholders(len(q.Kinds))+")")
		for _, k := range q.Kinds {
			args = append(args, string(k))
		}
	}
	order := "id"
	if q.Newest {
		order = "id DESC"
	}
	evs, err := collect(ctx, s.r, s.d.Rebind(`SELECT id, kind, key, object, at, env FROM automation_events WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+` LIMIT `+strconv.Itoa(limit)), args, func(r *sql.Rows) (rules.Event, error) {
		var (
			e   rules.Event
			env string
		)
		if err := r.Scan(&e.ID, &e.Kind, &e.Key, &e.Object, &e.At, &env); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		return e, json.Unmarshal([]byte(env), &e.Env)
	})
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return evs, nil
}

// Cursor implements store.Automation.
func (s *Store) Cursor(ctx context.Context, name string) (int64, error) {
	var pos int64
	err := s.w.QueryRowContext(ctx, s.d.Rebind(`SELECT position FROM automation_cursors WHERE name = ?`), name).Scan(&pos)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cursor %s: %w", name, err)
	}
	return pos, nil
}

// SetCursor implements store.Automation.
func (s *Store) SetCursor(ctx context.Context, name string, pos int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `INSERT INTO automation_cursors (name, position) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET position = excluded.position`, name, pos)
		return err
	})
}

// ClaimRun implements store.Automation.
func (s *Store) ClaimRun(ctx context.Context, ruleID int64, version int, eventID int64) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `INSERT INTO automation_runs (rule_id, version, event_id, at, status) VALUES (?, ?, ?, ?, 'pending')
			ON CONFLICT (rule_id, version, event_id) DO NOTHING`, ruleID, version, eventID, s.clock())
		if err != nil {
			return fmt.Errorf("claim rule %d v%d on event %d: %w", ruleID, version, eventID, err)
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// FinishRun implements store.Automation.
func (s *Store) FinishRun(ctx context.Context, r store.RuleRun) error {
	body, err := json.Marshal(struct {
		Outcome rules.Outcome `json:"outcome"`
		Results []string      `json:"results,omitempty"`
	}{r.Outcome, r.Results})
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `UPDATE automation_runs SET status = ?, outcome = ?, at = ? WHERE rule_id = ? AND version = ? AND event_id = ?`,
			r.Status, string(body), s.clock(), r.Rule, r.Version, r.Event)
		return err
	})
}

// Runs implements store.Automation.
func (s *Store) Runs(ctx context.Context, q store.RunQuery) ([]store.RuleRun, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	where, args := "1 = 1", []any{}
	if q.Rule > 0 {
		where, args = "rule_id = ?", append(args, q.Rule)
	}
	runs, err := collect(ctx, s.r, s.d.Rebind(`SELECT rule_id, version, event_id, at, status, outcome FROM automation_runs WHERE `+where+
		` ORDER BY event_id DESC, rule_id, version LIMIT `+strconv.Itoa(min(limit, 5000))), args, func(r *sql.Rows) (store.RuleRun, error) {
		var (
			x    store.RuleRun
			body string
		)
		if err := r.Scan(&x.Rule, &x.Version, &x.Event, &x.At, &x.Status, &body); err != nil {
			return x, err
		}
		x.At = x.At.UTC()
		if body == "" {
			return x, nil
		}
		var o struct {
			Outcome rules.Outcome `json:"outcome"`
			Results []string      `json:"results"`
		}
		err := json.Unmarshal([]byte(body), &o)
		x.Outcome, x.Results = o.Outcome, o.Results
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}

// AddTag implements store.Automation.
func (s *Store) AddTag(ctx context.Context, object, tag, actor string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `INSERT INTO automation_tags (object, tag, by_actor, at) VALUES (?, ?, ?, ?) ON CONFLICT (object, tag) DO NOTHING`,
			object, tag, actor, s.clock())
		if err != nil {
			return fmt.Errorf("tag %s %q: %w", object, tag, err)
		}
		return nil
	})
}

// Tags implements store.Automation.
func (s *Store) Tags(ctx context.Context, object string) ([]store.Tag, error) {
	where, args := "1 = 1", []any{}
	if object != "" {
		where, args = "object = ?", []any{object}
	}
	return collect(ctx, s.r, s.d.Rebind(`SELECT object, tag, by_actor, at FROM automation_tags WHERE `+where+` ORDER BY object, tag`), args,
		func(r *sql.Rows) (store.Tag, error) {
			var t store.Tag
			err := r.Scan(&t.Object, &t.Tag, &t.By, &t.At)
			t.At = t.At.UTC()
			return t, err
		})
}

// PutWatch implements store.Automation.
func (s *Store) PutWatch(ctx context.Context, w rules.Watch) (rules.Watch, error) {
	w.Created = s.clock()
	w.Value = strings.TrimSpace(w.Value)
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		return tx.queryRow(ctx, `INSERT INTO watches (owner, kind, value, to_addr, created) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			w.User, string(w.Kind), w.Value, w.To, w.Created).Scan(&w.ID)
	})
	if err != nil {
		return rules.Watch{}, fmt.Errorf("add watch: %w", err)
	}
	return w, nil
}

// ListWatches implements store.Automation.
func (s *Store) ListWatches(ctx context.Context, owner string) ([]rules.Watch, error) {
	where, args := "1 = 1", []any{}
	if owner != "" {
		where, args = "owner = ?", []any{owner}
	}
	ws, err := collect(ctx, s.r, s.d.Rebind(`SELECT id, owner, kind, value, to_addr, created FROM watches WHERE `+where+` ORDER BY id`), args,
		func(r *sql.Rows) (rules.Watch, error) {
			var w rules.Watch
			err := r.Scan(&w.ID, &w.User, &w.Kind, &w.Value, &w.To, &w.Created)
			w.Created = w.Created.UTC()
			return w, err
		})
	if err != nil {
		return nil, fmt.Errorf("list watches: %w", err)
	}
	return ws, nil
}

// DeleteWatch implements store.Automation.
func (s *Store) DeleteWatch(ctx context.Context, id int64, owner string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		q, args := `DELETE FROM watches WHERE id = ?`, []any{id}
		if owner != "" {
			q, args = q+` AND owner = ?`, append(args, owner)
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("delete watch %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("watch %d: %w", id, store.ErrNotFound)
		}
		return nil
	})
}

// ClaimWatchSend implements store.Automation.
func (s *Store) ClaimWatchSend(ctx context.Context, watchID, eventID int64, status string) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `INSERT INTO watch_sends (watch_id, event_id, at, status) VALUES (?, ?, ?, ?) ON CONFLICT (watch_id, event_id) DO NOTHING`,
			watchID, eventID, s.clock(), status)
		if err != nil {
			return fmt.Errorf("watch %d event %d: %w", watchID, eventID, err)
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}
