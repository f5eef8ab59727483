package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
)

const (
	defaultLimit = 50
	maxLimit     = 1000
)

// vulnSorts maps VulnQuery.Sort names to columns.
var vulnSorts = map[string]string{"published": "v.published", "updated": "v.updated_at", "score": "v.score", "epss": "v.epss", "id": "v.primary_id"}

// ListVulns implements store.Advisories. Pages are keyset-paged on the
// sort column and primary_id, so a page costs the same deep in the list as
// at its start, and rows added meanwhile do not shift later pages.
func (s *Store) ListVulns(ctx context.Context, q store.VulnQuery) (store.VulnPage, error) {
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = defaultLimit
	case limit > maxLimit:
		limit = maxLimit
	}
	sort := q.Sort
	if sort == "" {
		sort = "-published"
	}
	name, desc := strings.CutPrefix(sort, "-")
	col, ok := vulnSorts[name]
	if !ok {
		return store.VulnPage{}, fmt.Errorf("%w: sort %q: want one of %s, optionally prefixed by -", store.ErrBadQuery, q.Sort, strings.Join(store.VulnSorts, ", "))
	}
	var (
		where []string
		args  []any
		// how, on SQLite, names the way to vulns (search.go).
		how string
		// like is the LIKE pattern of a text search, added to where last.
		like string
	)
	if q.After != "" {
		val, id, err := decodeCursor(q.After, sort)
		if err != nil {
			return store.VulnPage{}, err
		}
		cmp := ">"
		if desc {
			cmp = "<"
		}
		where = append(where, fmt.Sprintf(`(%s %s ? OR (%s = ? AND v.primary_id > ?))`, col, cmp, col))
		args = append(args, val, val, id)
	}
	if q.Text != "" {
		text := strings.ToUpper(q.Text)
		if s.d.Name() == "sqlite" && utf8.RuneCountInString(text) >= 3 {
			ids, err := s.trigramHits(ctx, text)
			if err != nil {
				return store.VulnPage{}, fmt.Errorf("list vulnerabilities: search: %w", err)
			}
			if len(ids) == 0 {
				// Text without its trigrams somewhere is nowhere.
				return store.VulnPage{}, nil
			}
			if len(ids) <= trigramRows {
				// The ids themselves, not the MATCH again.
				in, list := s.idsIn("v.id", ids)
				where, args = append(where, in), append(args, list)
				if sort == "-published" {
					if how, err = s.candidatePlan(ctx, len(ids), limit); err != nil {
						return store.VulnPage{}, fmt.Errorf("list vulnerabilities: search: %w", err)
					}
				}
			}
		}
		like = "%" + likeEscape(text) + "%"
	}
	if q.Source != "" {
		where = append(where, `EXISTS (SELECT 1 FROM source_records r WHERE r.vuln_id = v.id AND r.source = ?)`)
		args = append(args, q.Source)
	}
	if q.KEV {
		where = append(where, `v.kev = ?`)
		args = append(args, true)
	}
	where, args = severityFilter("v", where, args, q.Severity, q.MinEPSS)
	for _, b := range []struct {
		cond string
		at   time.Time
	}{{`v.published >= ?`, q.PublishedFrom}, {`v.published < ?`, q.PublishedTo}, {`v.updated_at >= ?`, q.UpdatedSince}} {
		if !b.at.IsZero() {
			where, args = append(where, b.cond), append(args, b.at.UTC())
		}
	}
	var (
		rows []vulnRow
		err  error
	)
	if like != "" && s.d.Name() == "postgres" && sort == "-published" && utf8.RuneCountInString(q.Text) >= 3 {
		rows, err = s.searchPostgres(ctx, where, args, like, limit)
	} else {
		if like != "" {
			where, args = append(where, `v.search LIKE ? ESCAPE '\'`), append(args, like)
		}
		query := `SELECT v.primary_id, ` + col + `, v.summary FROM vulns v` + how
		if len(where) > 0 {
			query += ` WHERE ` + strings.Join(where, ` AND `)
		}
		dir := "ASC"
		if desc {
			dir = "DESC"
		}
		query += fmt.Sprintf(` ORDER BY %s %s, v.primary_id LIMIT %d`, col, dir, limit+1)
		rows, err = collect(ctx, s.r, s.d.Rebind(query), args, scanVulnRow)
	}
	if err != nil {
		return store.VulnPage{}, fmt.Errorf("list vulnerabilities: %w", err)
	}
	var page store.VulnPage
	for i, x := range rows {
		if i == limit {
			last := rows[i-1]
			page.Next = encodeCursor(sort, last.key, last.id)
			break
		}
		page.Items = append(page.Items, x.sum)
	}
	return page, nil
}

// vulnRow is a row of a vulnerability list: its id, sort key and summary.
type vulnRow struct {
	id  string
	key any
	sum advisory.Summary
}

// scanVulnRow reads the columns primary_id, the sort column and summary.
func scanVulnRow(r *sql.Rows) (vulnRow, error) {
	var (
		x   vulnRow
		raw []byte
	)
	if err := r.Scan(&x.id, &x.key, &raw); err != nil {
		return x, err
	}
	if err := json.Unmarshal(raw, &x.sum); err != nil {
		return x, fmt.Errorf("summary of %s: %w", x.id, err)
	}
	return x, nil
}

// severityFilter adds the conditions on a vulnerability's rating and EPSS
// that vulnerability and finding lists share; t is the table holding the
// rating and epss columns: v (vulns) or f (findings, which carry their
// vulnerability's since migration 00033).
func severityFilter(t string, where []string, args []any, severity []string, minEPSS float64) ([]string, []any) {
	if len(severity) > 0 {
		marks := make([]string, len(severity))
		for i, sev := range severity {
			marks[i] = "?"
			args = append(args, strings.ToUpper(sev))
		}
		where = append(where, t+`.rating IN (`+strings.Join(marks, ", ")+`)`)
	}
	if minEPSS > 0 {
		where, args = append(where, t+`.epss >= ?`), append(args, minEPSS)
	}
	return where, args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// A cursor carries the sort it was made for, the last row's sort key and
// its primary id. Keys are times (published, updated), numbers (score,
// epss) or the id itself.
func encodeCursor(sort string, key any, id string) string {
	var k string
	switch v := key.(type) {
	case time.Time:
		k = v.UTC().Format(time.RFC3339Nano)
	case float64:
		k = strconv.FormatFloat(v, 'g', -1, 64)
	case int64:
		k = strconv.FormatInt(v, 10)
	case []byte:
		k = string(v)
	default:
		k = fmt.Sprint(v)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(sort + "|" + k + "|" + id))
}

// ErrBadCursor marks a paging cursor that vmc did not hand out, or one
// made for another sort.
var ErrBadCursor = fmt.Errorf("%w: malformed paging cursor", store.ErrBadQuery)

func decodeCursor(c, sort string) (any, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 || parts[0] != sort {
		return nil, "", ErrBadCursor
	}
	k, id := parts[1], parts[2]
	switch strings.TrimPrefix(sort, "-") {
	case "published", "updated":
		t, err := time.Parse(time.RFC3339Nano, k)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrBadCursor, err)
		}
		return t.UTC(), id, nil
	case "score", "epss":
		f, err := strconv.ParseFloat(k, 64)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrBadCursor, err)
		}
		return f, id, nil
	}
	return k, id, nil
}

// Stats implements store.Advisories.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	st := store.Stats{BySource: map[string]int{}, ByKind: map[string]int{}}
	counts := []struct {
		q   string
		dst *int
	}{
		{`SELECT COUNT(*) FROM vulns`, &st.Vulnerabilities},
		{`SELECT COUNT(*) FROM source_records WHERE retired_at IS NULL`, &st.Records},
		{`SELECT COUNT(*) FROM claims WHERE replaced_at IS NULL`, &st.CurrentClaims},
		{`SELECT COUNT(*) FROM claims WHERE replaced_at IS NOT NULL`, &st.HistoryClaims},
	}
	for _, c := range counts {
		if err := s.r.QueryRowContext(ctx, c.q).Scan(c.dst); err != nil {
			return store.Stats{}, fmt.Errorf("stats: %w", err)
		}
	}
	groups := []struct {
		q   string
		dst map[string]int
	}{
		{`SELECT source, COUNT(*) FROM source_records WHERE retired_at IS NULL GROUP BY source`, st.BySource},
		{`SELECT kind, COUNT(*) FROM aliases GROUP BY kind`, st.ByKind},
	}
	for _, g := range groups {
		type kv struct {
			k string
			n int
		}
		rows, err := collect(ctx, s.r, g.q, nil, func(r *sql.Rows) (kv, error) {
			var x kv
			return x, r.Scan(&x.k, &x.n)
		})
		if err != nil {
			return store.Stats{}, fmt.Errorf("stats: %w", err)
		}
		for _, x := range rows {
			g.dst[x.k] = x.n
		}
	}
	return st, nil
}

// Coverage implements store.Advisories.
func (s *Store) Coverage(ctx context.Context) (map[string]store.Coverage, error) {
	type kv struct {
		source string
		n      int
	}
	scan := func(r *sql.Rows) (kv, error) {
		var x kv
		return x, r.Scan(&x.source, &x.n)
	}
	all, err := collect(ctx, s.r, `SELECT source, COUNT(DISTINCT vuln_id) FROM source_records WHERE retired_at IS NULL GROUP BY source`, nil, scan)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	only, err := collect(ctx, s.r, `SELECT source, COUNT(*) FROM (
		SELECT vuln_id, MIN(source) AS source FROM source_records WHERE retired_at IS NULL
		GROUP BY vuln_id HAVING COUNT(DISTINCT source) = 1) AS single GROUP BY source`, nil, scan)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	cov := map[string]store.Coverage{}
	for _, x := range all {
		cov[x.source] = store.Coverage{Vulnerabilities: x.n}
	}
	for _, x := range only {
		c := cov[x.source]
		c.Only = x.n
		cov[x.source] = c
	}
	return cov, nil
}

// Check implements store.Store: the engine's own check, then the
// invariants the schema cannot express.
func (s *Store) Check(ctx context.Context) error {
	if err := s.d.CheckPhysical(ctx, s.w); err != nil {
		return err
	}
	invariants := []struct{ what, q string }{
		{"vulnerabilities without an alias", `SELECT COUNT(*) FROM vulns v WHERE NOT EXISTS (SELECT 1 FROM aliases a WHERE a.vuln_id = v.id)`},
		{"vulnerabilities without a source record", `SELECT COUNT(*) FROM vulns v WHERE NOT EXISTS (SELECT 1 FROM source_records r WHERE r.vuln_id = v.id)`},
		{"primary ids that are not an alias of their vulnerability", `SELECT COUNT(*) FROM vulns v WHERE NOT EXISTS (SELECT 1 FROM aliases a WHERE a.vuln_id = v.id AND a.alias = v.primary_id)`},
		{"source records whose id is not an alias of their vulnerability", `SELECT COUNT(*) FROM source_records r WHERE NOT EXISTS (SELECT 1 FROM aliases a WHERE a.vuln_id = r.vuln_id AND a.alias_key = UPPER(r.record_id))`},
		{"aliases pointing at no vulnerability", `SELECT COUNT(*) FROM aliases a WHERE NOT EXISTS (SELECT 1 FROM vulns v WHERE v.id = a.vuln_id)`},
		{"retired records with current claims", `SELECT COUNT(*) FROM claims c JOIN source_records r ON r.id = c.record_id WHERE r.retired_at IS NOT NULL AND c.replaced_at IS NULL`},
		{"claims of no source record", `SELECT COUNT(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM source_records r WHERE r.id = c.record_id)`},
	}
	var bad []string
	for _, inv := range invariants {
		var n int
		if err := s.r.QueryRowContext(ctx, inv.q).Scan(&n); err != nil {
			return fmt.Errorf("check %s: %w", inv.what, err)
		}
		if n > 0 {
			bad = append(bad, fmt.Sprintf("%d %s", n, inv.what))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("integrity check failed: %s", strings.Join(bad, "; "))
	}
	return nil
}
