package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Text search on SQLite: ListVulns' q is a case-insensitive substring of
// vulns.search (upper-cased ids and titles), which a LIKE decides. Two
// ways find the rows the LIKE must look at, and a search takes the
// cheaper:
//
//   - walking vulns in list order until the page is full: cheap for a
//     common text (about 51 * 165,000 / hits rows for a page of 50), and
//     a scan of every row (about 50 ms of CPU) for a rare one;
//   - the trigram index (vulns_fts, migration 00035): the rows holding
//     the text's trigrams, then sorted into list order (about 2 µs each).
//
// The index's cost is reading the row lists of the trigrams it is asked
// for, and in English titles most trigrams of a word are common: "ION"
// is in 39,000 rows, "ESC" in 2,400. A phrase MATCH of the whole text
// read every trigram's rows and their positions (ESCALATION: 8 lists,
// 111,000 rows; the bulk of a search's CPU). So a search asks the index
// only for the rows holding all of the text's rarest trigrams
// (searchTerms of them, no positions): a superset of the rows holding the
// text, close to it for a text of real words, which the LIKE narrows.
// How rare each trigram is comes from fts5vocab (migration 00040),
// remembered for a while (counts.go).
//
// If those rows are more than trigramRows, the text is common and the
// walk in list order wins. Walking is cheap because vulns_list_search
// (migration 00040) holds the search text beside the list order: the LIKE
// is decided from the index, and only a match costs a row lookup.
//
// Fewer candidates are either sorted into list order (a lookup each,
// about 3 µs) or met on a walk of vulns_list_search (about 0.35 µs a row,
// and a page of n of C candidates spread over N rows is about N*n/C rows
// in): candidatePlan picks the cheaper, which SQLite's planner cannot,
// knowing nothing of how many candidates a json_each holds.

// trigramRows is the number of candidate rows up to which the trigram
// index drives a search. At 2,000 hits, the walk in list order reads
// about 4,200 rows (at about 1 µs each) and sorting the hits would cost
// about as much.
const trigramRows = 2000

// searchTerms is how many of a text's trigrams, the rarest, the index is
// asked for. One leaves false candidates for a long text, each costing a
// lookup; more than three rarely narrows further but reads more lists.
const searchTerms = 3

// trigramHits returns, up to trigramRows+1 of them, the row ids of the
// vulnerabilities whose search text holds the rarest trigrams of text
// (upper-cased, at least three characters).
func (s *Store) trigramHits(ctx context.Context, text string) ([]int64, error) {
	tris := trigrams(text)
	docs, err := s.trigramDocs(ctx, tris)
	if err != nil {
		return nil, err
	}
	// Rarest first; ties by the trigram, so one text makes one query.
	slices.SortFunc(tris, func(a, b string) int {
		if docs[a] != docs[b] {
			return int(docs[a] - docs[b])
		}
		return strings.Compare(a, b)
	})
	quoted := make([]string, 0, searchTerms)
	for _, t := range tris[:min(searchTerms, len(tris))] {
		quoted = append(quoted, ftsString(t))
	}
	return collect(ctx, s.r, `SELECT rowid FROM vulns_fts WHERE vulns_fts MATCH ? LIMIT ?`, []any{strings.Join(quoted, " AND "), trigramRows + 1},
		func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
}

// idList encodes row ids for `IN (SELECT value FROM json_each(?))`: one
// parameter instead of up to trigramRows, whose parsing was a tenth of a
// search's CPU.
func idList(ids []int64) string {
	b, _ := json.Marshal(ids) // []int64 always encodes
	return string(b)
}

// idsIn is a condition that col is one of ids, and its one argument:
// the same statement for any number of ids.
func (s *Store) idsIn(col string, ids []int64) (string, any) {
	if s.d.Name() == "sqlite" {
		return col + ` IN (SELECT value FROM json_each(?))`, idList(ids)
	}
	return col + ` = ANY(?)`, ids
}

// maxTrigrams bounds how many of a text's trigrams a search considers:
// any of them narrows the rows correctly, and the bound keeps the count
// lookup's parameters (SQLite takes 32,766) and cost in check for a long
// text from a caller other than the API (which takes 200 characters).
const maxTrigrams = 256

// trigrams returns the distinct trigrams (three characters) of text, as
// FTS5's trigram tokenizer folds them (lower case), the first maxTrigrams
// of them.
func trigrams(text string) []string {
	r := []rune(strings.ToLower(text))
	seen := make(map[string]bool, len(r))
	var out []string
	for i := 0; i+3 <= len(r) && len(out) < maxTrigrams; i++ {
		t := string(r[i : i+3])
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// ftsString quotes s as one FTS5 string: with the trigram tokenizer a
// string of three characters is one trigram, whatever they are.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

const (
	// trigramStatsAge is how long trigram counts are used.
	trigramStatsAge = 10 * time.Minute
	// trigramStatsMax bounds the memory the counts take (about 100
	// bytes each): texts of random characters would otherwise add
	// trigrams without end. The corpus has about 200,000 distinct ones,
	// most of them in a single Chinese title.
	trigramStatsMax = 50_000
)

// trigramDocs returns how many rows hold each of tris, from the counts
// remembered or else from vulns_fts_vocab.
func (s *Store) trigramDocs(ctx context.Context, tris []string) (map[string]int64, error) {
	out := make(map[string]int64, len(tris))
	var missing []any
	now := s.now()
	for _, t := range tris {
		if n, ok := s.trigrams.get(now, t); ok {
			out[t] = n
		} else {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	type count struct {
		term string
		docs int64
	}
	counts, err := collect(ctx, s.r, `SELECT term, doc FROM vulns_fts_vocab WHERE term IN (`+placeholders(len(missing))+`)`, missing,
		func(r *sql.Rows) (count, error) {
			var c count
			return c, r.Scan(&c.term, &c.docs)
		})
	if err != nil {
		return nil, fmt.Errorf("trigram counts: %w", err)
	}
	// A trigram no row holds is absent from the vocabulary: zero.
	for _, t := range missing {
		out[t.(string)] = 0
	}
	for _, c := range counts {
		out[c.term] = c.docs
	}
	for _, t := range missing {
		s.trigrams.put(t.(string), out[t.(string)])
	}
	return out, nil
}

// candidatePlan returns the INDEXED BY clause that makes SQLite find a
// page of n (limit+1) rows in list order (-published) among c candidates
// the cheaper way: sorting them (NOT INDEXED: by rowid), or walking
// vulns_list_search while testing each row against them.
func (s *Store) candidatePlan(ctx context.Context, c, limit int) (string, error) {
	// The highest row id stands for the number of rows: close enough to
	// steer, and read from the end of the table's b-tree, not a count.
	var rows int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM vulns`).Scan(&rows); err != nil {
		return "", fmt.Errorf("vulnerability rows: %w", err)
	}
	// Sorting costs c lookups at ~3 µs; walking rows*(limit+1)/c rows at
	// ~0.35 µs, about a tenth as much each (bench: BenchmarkSearch).
	if int64(c)*int64(c)*10 > rows*int64(limit+1) {
		return ` INDEXED BY vulns_list_search`, nil
	}
	return ` NOT INDEXED`, nil
}

// Text search on PostgreSQL has the same two ways: walking the list
// (vulns_list_search, migration 00040, holds the search text beside the
// list order, so the walk is an index-only scan at about 0.5 µs a row,
// LIKE included) and the trigram index (vulns_search_trgm, pg_trgm,
// migration 00035), whose cost is reading the posting lists of every
// trigram of the text and rechecking each candidate row (about 10 µs
// each). The planner cannot tell which is cheaper: it has no estimate of
// how many rows hold a text, and on the corpus it walked 165,000 rows for
// "Communications" (100 ms) and bitmap-scanned 2,351 rows for
// "Authentication" (26 ms) that a walk of 2,500 rows answers. So a
// search walks pgWalkRows rows of the list first, which answers a common
// text; a rarer one, not done by then, goes to the trigram index.
//
// pgWalkRows bounds the walk at about 3 ms: enough for a text in one row
// of 100 (51 * 100), and a fraction of a rare text's index scan.
const pgWalkRows = 5000

// searchPostgres returns the rows of a search's page (limit+1 of them,
// when there is a next page) in list order (-published): where and args
// are the list's other conditions, like the search's LIKE pattern.
func (s *Store) searchPostgres(ctx context.Context, where []string, args []any, like string, limit int) ([]vulnRow, error) {
	// Settings for one statement need a transaction of their own, and
	// its BEGIN, SET and ROLLBACK cost more round trips than a walk of
	// the whole list costs to run; that walk needs none (its plan, the
	// list index under a LIMIT, costs less than starting a parallel
	// worker), so it runs alone. With other conditions the walk's plan
	// may be another, which could use parallel workers: they cost more
	// to start than either way costs on a small machine with many
	// requests, and the planner does not see that the walk stops early.
	var (
		q  querier = s.r
		tx *sql.Tx
	)
	begin := func(settings string) error {
		if tx == nil {
			var err error
			if tx, err = s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err != nil {
				return err
			}
			q = tx
		}
		// set_config's true is SET LOCAL; one statement sets them all.
		_, err := tx.ExecContext(ctx, `SELECT `+settings)
		return err
	}
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	const serial = `set_config('max_parallel_workers_per_gather', '0', true)`
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
		if err := begin(serial); err != nil {
			return nil, err
		}
	}
	// The inner walk is in list order and the outer ORDER BY the same,
	// so PostgreSQL stops as soon as the page is full (no sort).
	walk := fmt.Sprintf(`SELECT v.primary_id, v.published, v.summary FROM (
		SELECT w.id, w.published, w.primary_id FROM (
			SELECT v.id, v.search, v.published, v.primary_id FROM vulns v%s ORDER BY v.published DESC, v.primary_id LIMIT %d
		) w WHERE w.search LIKE ? ESCAPE '\' ORDER BY w.published DESC, w.primary_id LIMIT %d
	) h JOIN vulns v ON v.id = h.id ORDER BY h.published DESC, h.primary_id`, cond, pgWalkRows, limit+1)
	rows, err := collect(ctx, q, s.d.Rebind(walk), append(slices.Clone(args), like), scanVulnRow)
	if err != nil || len(rows) > limit {
		return rows, err
	}
	// Not done: the trigram index. Forbidding the other scans leaves
	// bitmap scans, which the trigram index serves.
	if err := begin(serial + `, set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true), set_config('enable_seqscan', 'off', true)`); err != nil {
		return nil, err
	}
	query := fmt.Sprintf(`SELECT v.primary_id, v.published, v.summary FROM vulns v WHERE %s ORDER BY v.published DESC, v.primary_id LIMIT %d`,
		strings.Join(append(slices.Clone(where), `v.search LIKE ? ESCAPE '\'`), ` AND `), limit+1)
	return collect(ctx, q, s.d.Rebind(query), append(slices.Clone(args), like), scanVulnRow)
}
