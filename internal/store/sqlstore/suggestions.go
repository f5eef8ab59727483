package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/suggest"
)

// mergedPage is how many vulnerabilities MergedVulns reads per query: few
// enough that one page's claims fit in memory, many enough that the
// queries per vulnerability stay negligible.
const mergedPage = 500

// MergedVulns implements store.Suggestions. It pages by row id, each page
// in its own read transaction, so a pass over the corpus holds no
// snapshot (and no SQLite read lock) for its whole length.
func (s *Store) MergedVulns(ctx context.Context, fields ...advisory.Field) iter.Seq2[advisory.Vulnerability, error] {
	return func(yield func(advisory.Vulnerability, error) bool) {
		var after int64
		for {
			page, last, err := s.mergedPage(ctx, after, fields)
			if err != nil {
				yield(advisory.Vulnerability{}, err)
				return
			}
			for _, v := range page {
				if !yield(v, nil) {
					return
				}
			}
			if len(page) < mergedPage {
				return
			}
			after = last
		}
	}
}

func (s *Store) mergedPage(ctx context.Context, after int64, fields []advisory.Field) ([]advisory.Vulnerability, int64, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	type vrow struct {
		id      int64
		primary string
	}
	vs, err := collect(ctx, tx, s.d.Rebind(fmt.Sprintf(`SELECT id, primary_id FROM vulns WHERE id > ? ORDER BY id LIMIT %d`, mergedPage)), []any{after},
		func(r *sql.Rows) (vrow, error) {
			var x vrow
			return x, r.Scan(&x.id, &x.primary)
		})
	if err != nil || len(vs) == 0 {
		return nil, after, wrapMerged(err)
	}
	lo, hi := vs[0].id, vs[len(vs)-1].id
	srcs, err := collect(ctx, tx, s.d.Rebind(`SELECT vuln_id, source, record_id, document, modified, last_seen, retired_at FROM source_records WHERE vuln_id BETWEEN ? AND ?`), []any{lo, hi},
		func(r *sql.Rows) (struct {
			v   int64
			ref advisory.SourceRef
		}, error) {
			var x struct {
				v   int64
				ref advisory.SourceRef
			}
			ref, err := scanSourceRef(r, &x.v)
			x.ref = ref
			return x, err
		})
	if err != nil {
		return nil, after, wrapMerged(err)
	}
	q := `SELECT r.vuln_id, c.field, c.claim_key, c.value, c.seen_at, c.replaced_at, r.source, r.record_id, r.document
		FROM claims c JOIN source_records r ON r.id = c.record_id
		WHERE r.vuln_id BETWEEN ? AND ? AND c.replaced_at IS NULL`
	args := []any{lo, hi}
	if len(fields) > 0 {
		q += ` AND c.field IN (?` + strings.Repeat(`, ?`, len(fields)-1) + `)`
		for _, f := range fields {
			args = append(args, string(f))
		}
	}
	claims, err := collect(ctx, tx, s.d.Rebind(q+` ORDER BY c.id`), args,
		func(r *sql.Rows) (struct {
			v int64
			c advisory.Claim
		}, error) {
			var x struct {
				v int64
				c advisory.Claim
			}
			c, err := scanClaim(r, &x.v)
			x.c = c
			return x, err
		})
	if err != nil {
		return nil, after, wrapMerged(err)
	}
	bySrc := map[int64][]advisory.SourceRef{}
	for _, x := range srcs {
		bySrc[x.v] = append(bySrc[x.v], x.ref)
	}
	byClaim := map[int64][]advisory.Claim{}
	for _, x := range claims {
		byClaim[x.v] = append(byClaim[x.v], x.c)
	}
	prec, err := s.precedence(ctx, tx)
	if err != nil {
		return nil, after, wrapMerged(err)
	}
	out := make([]advisory.Vulnerability, 0, len(vs))
	for _, v := range vs {
		out = append(out, advisory.Merge(v.primary, []string{v.primary}, bySrc[v.id], byClaim[v.id], prec))
	}
	return out, hi, nil
}

func wrapMerged(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("read merged vulnerabilities: %w", err)
}

// PutModel implements store.Suggestions.
func (s *Store) PutModel(ctx context.Context, m store.Model) error {
	rep, err := json.Marshal(m.Report)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if _, err := tx.exec(ctx, `INSERT INTO suggestion_models (version, created_at, data, report) VALUES (?, ?, ?, ?) ON CONFLICT (version) DO NOTHING`,
			m.Version, s.clock(), m.Data, string(rep)); err != nil {
			return fmt.Errorf("model %s: %w", m.Version, err)
		}
		return nil
	})
}

// LatestModel implements store.Suggestions.
func (s *Store) LatestModel(ctx context.Context) (store.Model, error) {
	var (
		m   store.Model
		rep string
	)
	err := s.r.QueryRowContext(ctx, `SELECT version, created_at, data, report FROM suggestion_models ORDER BY created_at DESC, version DESC LIMIT 1`).
		Scan(&m.Version, &m.Created, &m.Data, &rep)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("classifier model: %w (run vmc classify train)", store.ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("classifier model: %w", err)
	}
	m.Created = m.Created.UTC()
	if err := json.Unmarshal([]byte(rep), &m.Report); err != nil {
		return m, fmt.Errorf("classifier model %s: report: %w", m.Version, err)
	}
	return m, nil
}

const suggestionColumns = `s.id, s.vuln, s.kind, s.value, s.confidence, s.alternatives, s.model, s.lang, s.status, s.created_at, s.decided_by, s.decided_at, s.reason`

func scanSuggestion(r interface{ Scan(...any) error }) (suggest.Suggestion, error) {
	var (
		x       suggest.Suggestion
		alt     string
		decided sql.NullTime
	)
	if err := r.Scan(&x.ID, &x.Vuln, &x.Kind, &x.Value, &x.Confidence, &alt, &x.Model, &x.Lang, &x.Status, &x.Created, &x.DecidedBy, &decided, &x.Reason); err != nil {
		return x, err
	}
	x.Created = x.Created.UTC()
	if decided.Valid {
		x.DecidedAt = decided.Time.UTC()
	}
	if err := json.Unmarshal([]byte(alt), &x.Alternatives); err != nil {
		return x, fmt.Errorf("suggestion %d: alternatives: %w", x.ID, err)
	}
	return x, nil
}

// suggestionsOf reads the suggestions of the vulnerability with row id
// vid, under any of its aliases.
func (s *Store) suggestionsOf(ctx context.Context, q querier, vid int64) ([]suggest.Suggestion, error) {
	return collect(ctx, q, s.d.Rebind(`SELECT `+suggestionColumns+` FROM suggestions s JOIN aliases a ON a.alias_key = UPPER(s.vuln)
		WHERE a.vuln_id = ? ORDER BY s.id DESC`), []any{vid}, rowScanner(scanSuggestion))
}

func (s *Store) vulnRow(ctx context.Context, q querier, id string) (int64, string, error) {
	var (
		vid     int64
		primary string
	)
	err := q.QueryRowContext(ctx, s.d.Rebind(`SELECT v.id, v.primary_id FROM aliases a JOIN vulns v ON v.id = a.vuln_id WHERE a.alias_key = ?`), strings.ToUpper(id)).Scan(&vid, &primary)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("vulnerability %s: %w", id, store.ErrNotFound)
	}
	return vid, primary, err
}

// SuggestionsFor implements store.Suggestions.
func (s *Store) SuggestionsFor(ctx context.Context, id string) ([]suggest.Suggestion, error) {
	vid, _, err := s.vulnRow(ctx, s.r, id)
	if err != nil {
		return nil, err
	}
	out, err := s.suggestionsOf(ctx, s.r, vid)
	if err != nil {
		return nil, fmt.Errorf("suggestions for %s: %w", id, err)
	}
	return out, nil
}

// AddSuggestions implements store.Suggestions.
func (s *Store) AddSuggestions(ctx context.Context, id string, ss []suggest.Suggestion) ([]suggest.Suggestion, error) {
	for i, x := range ss {
		switch {
		case !x.Kind.IsValid():
			return nil, fmt.Errorf("suggestions[%d].kind: unknown %q", i, x.Kind)
		case !(x.Confidence >= 0 && x.Confidence <= 1):
			return nil, fmt.Errorf("suggestions[%d].confidence: %v outside 0..1", i, x.Confidence)
		case x.Value == "" || x.Model == "":
			return nil, fmt.Errorf("suggestions[%d]: no value or model", i)
		}
	}
	var out []suggest.Suggestion
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		vid, primary, err := s.vulnRow(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.clock()
		for _, x := range ss {
			if _, err := tx.exec(ctx, `INSERT INTO suggestions (vuln, kind, value, confidence, alternatives, model, lang, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vuln, kind, value, model) DO NOTHING`,
				primary, string(x.Kind), x.Value, x.Confidence, suggest.MarshalAlternatives(x.Alternatives), x.Model, x.Lang, string(suggest.StatusOpen), now); err != nil {
				return fmt.Errorf("suggestion for %s: %w", primary, err)
			}
		}
		out, err = s.suggestionsOf(ctx, tx, vid)
		return err
	})
	return out, err
}

// DecideSuggestion implements store.Suggestions. Accepting rebuilds the
// vulnerability's analyst record from every accepted suggestion and writes
// it in the same transaction, so the claim exists exactly when the
// suggestion says accepted.
func (s *Store) DecideSuggestion(ctx context.Context, id int64, accept bool, actor, reason string) (suggest.Suggestion, error) {
	if strings.TrimSpace(actor) == "" {
		return suggest.Suggestion{}, errors.New("decide suggestion: no actor")
	}
	if err := s.prepareShapes(ctx); err != nil {
		return suggest.Suggestion{}, err
	}
	status, action := suggest.StatusRejected, "suggestion.reject"
	if accept {
		status, action = suggest.StatusAccepted, "suggestion.accept"
	}
	var out suggest.Suggestion
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		x, err := scanSuggestion(tx.queryRow(ctx, `SELECT `+suggestionColumns+` FROM suggestions s WHERE s.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("suggestion %d: %w", id, store.ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("suggestion %d: %w", id, err)
		}
		if x.Status != suggest.StatusOpen {
			return fmt.Errorf("suggestion %d: already %s: %w", id, x.Status, store.ErrConflict)
		}
		before, _ := json.Marshal(x)
		now := s.clock()
		x.Status, x.DecidedBy, x.DecidedAt, x.Reason = status, actor, now, reason
		if _, err := tx.exec(ctx, `UPDATE suggestions SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ?`,
			string(status), actor, now, reason, id); err != nil {
			return fmt.Errorf("suggestion %d: %w", id, err)
		}
		vid, primary, err := s.vulnRow(ctx, tx, x.Vuln)
		if err != nil {
			return err
		}
		if accept {
			all, err := s.suggestionsOf(ctx, tx, vid)
			if err != nil {
				return err
			}
			rec, err := suggest.AnalystRecord(primary, all)
			if err != nil {
				return err
			}
			recs := []advisory.Record{rec}
			prep, said := prepare(recs, false)
			_, err = s.writeRecords(ctx, tx, recs, prep, said)
			said.wait()
			if err != nil {
				return fmt.Errorf("analyst record for %s: %w", primary, err)
			}
		}
		after, _ := json.Marshal(x)
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: action, Object: "vuln:" + primary,
			Before: before, After: after, Reason: fmt.Sprintf("%s %s (confidence %.2f, model %s)", x.Kind, x.Value, x.Confidence, x.Model)})
	})
	return out, err
}
