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

// split re-derives which records of a vulnerability belong together after
// one of them changed its aliases. Membership follows the records' current
// claims: two records are one vulnerability when a chain of their ids and
// aliases links them. An upstream that retracts an alias (CNVD reusing a
// number for an unrelated flaw, a GHSA corrected to another CVE) can leave
// the vulnerability in pieces; each piece but the oldest becomes a
// vulnerability of its own, and aliases no current record names are
// dropped.
func (w *writer) split(ctx context.Context, vuln int64) error {
	type rec struct {
		id  int64
		ids []string // the record's id and current aliases, upper-cased
	}
	recs, err := collect(ctx, w.tx, w.tx.d.Rebind(`SELECT r.id, r.record_id, c.value FROM source_records r
		LEFT JOIN claims c ON c.record_id = r.id AND c.field = 'aliases' AND c.replaced_at IS NULL
		WHERE r.vuln_id = ? ORDER BY r.id`), []any{vuln},
		func(rows *sql.Rows) (rec, error) {
			var (
				r       rec
				own     string
				aliases sql.NullString
			)
			if err := rows.Scan(&r.id, &own, &aliases); err != nil {
				return r, err
			}
			r.ids = []string{strings.ToUpper(own)}
			if aliases.Valid {
				var list []string
				if err := json.Unmarshal([]byte(aliases.String), &list); err != nil {
					return r, fmt.Errorf("aliases of record %d: %w", r.id, err)
				}
				for _, a := range list {
					r.ids = append(r.ids, strings.ToUpper(a))
				}
			}
			return r, nil
		})
	if err != nil {
		return fmt.Errorf("split vulnerability %d: %w", vuln, err)
	}

	// Union-find over identifiers.
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			parent[x] = find(p)
			return parent[x]
		}
		parent[x] = x
		return x
	}
	for _, r := range recs {
		for _, id := range r.ids[1:] {
			parent[find(id)] = find(r.ids[0])
		}
		find(r.ids[0])
	}
	// Pieces in order of their oldest record; the first keeps the
	// vulnerability.
	var roots []string
	members := map[string][]int64{}
	for _, r := range recs {
		root := find(r.ids[0])
		if _, ok := members[root]; !ok {
			roots = append(roots, root)
		}
		members[root] = append(members[root], r.id)
	}
	ids := map[string][]string{} // root → alias keys
	for x := range parent {
		ids[find(x)] = append(ids[find(x)], x)
	}

	// Aliases that no current record names any more go.
	var named []any
	for x := range parent {
		named = append(named, x)
	}
	if _, err := w.tx.exec(ctx, `DELETE FROM aliases WHERE vuln_id = ? AND alias_key NOT IN (`+placeholders(len(named))+`)`,
		append([]any{vuln}, named...)...); err != nil {
		return fmt.Errorf("split vulnerability %d: drop retracted aliases: %w", vuln, err)
	}
	w.fresh[vuln] = nil
	w.touched[vuln] = true
	for _, root := range roots[1:] {
		// A placeholder primary id: the piece's own is still held by the
		// vulnerability it leaves until summaries are refreshed, in id
		// order, old before new.
		var piece int64
		if err := w.tx.queryRow(ctx, `INSERT INTO vulns (primary_id, published, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
			fmt.Sprintf("~split-%d-%s", vuln, root), time.Time{}, w.now, w.now).Scan(&piece); err != nil {
			return fmt.Errorf("split vulnerability %d: %w", vuln, err)
		}
		if err := w.tx.indexSearch(ctx, piece); err != nil {
			return fmt.Errorf("split vulnerability %d: %w", vuln, err)
		}
		keys := ids[root]
		slices.Sort(keys)
		recIDs := int64sToAny(members[root])
		steps := []struct {
			q    string
			args []any
		}{
			{`UPDATE aliases SET vuln_id = ? WHERE alias_key IN (` + placeholders(len(keys)) + `)`, append([]any{piece}, stringsToAny(keys)...)},
			{`UPDATE source_records SET vuln_id = ? WHERE id IN (` + placeholders(len(recIDs)) + `)`, append([]any{piece}, recIDs...)},
		}
		for _, st := range steps {
			if _, err := w.tx.exec(ctx, st.q, st.args...); err != nil {
				return fmt.Errorf("split vulnerability %d: %s: %w", vuln, firstWords(st.q), err)
			}
		}
		w.touched[piece] = true
		w.fresh[piece] = nil
	}
	return nil
}

func stringsToAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
