package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/ident"
	"github.com/vmc-dev/vmc/internal/store"
)

// identifierObject is the audit log object of an identifier.
func identifierObject(id string) string { return "identifier:" + id }

const identifierColumns = `id, detail`

func scanIdentifier(r interface{ Scan(...any) error }) (ident.Identifier, error) {
	var (
		x      ident.Identifier
		row    int64
		detail string
	)
	if err := r.Scan(&row, &detail); err != nil {
		return x, err
	}
	if err := json.Unmarshal([]byte(detail), &x); err != nil {
		return x, fmt.Errorf("identifier row %d: %w", row, err)
	}
	for _, t := range []*time.Time{&x.Reserved, &x.Published, &x.Rejected} {
		*t = t.UTC()
	}
	return x, nil
}

// identifier reads the identifier known by id or an alias, with its row.
func (s *Store) identifier(ctx context.Context, q querier, id string) (ident.Identifier, int64, error) {
	var (
		x      ident.Identifier
		row    int64
		detail string
	)
	key := strings.ToLower(id)
	err := q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+identifierColumns+` FROM identifiers WHERE LOWER(identifier) = ?
		UNION ALL SELECT i.id, i.detail FROM identifier_aliases a JOIN identifiers i ON i.id = a.identifier_id WHERE a.alias = ?`), key, key).Scan(&row, &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return x, 0, fmt.Errorf("identifier %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return x, 0, fmt.Errorf("identifier %s: %w", id, err)
	}
	x, err = scanIdentifier(rowOf{row, detail})
	return x, row, err
}

// rowOf replays a row already read, for scanIdentifier.
type rowOf struct {
	id     int64
	detail string
}

func (r rowOf) Scan(dst ...any) error {
	*dst[0].(*int64), *dst[1].(*string) = r.id, r.detail
	return nil
}

// Identifier implements store.Identifiers.
func (s *Store) Identifier(ctx context.Context, id string) (ident.Identifier, error) {
	x, _, err := s.identifier(ctx, s.r, id)
	return x, err
}

// ListIdentifiers implements store.Identifiers.
func (s *Store) ListIdentifiers(ctx context.Context, q store.IdentifierQuery) ([]ident.Identifier, error) {
	var (
		where []string
		args  []any
	)
	if q.State != "" {
		where, args = append(where, "state = ?"), append(args, string(q.State))
	}
	if q.Namespace != "" {
		where, args = append(where, "namespace = ?"), append(args, q.Namespace)
	}
	query := `SELECT ` + identifierColumns + ` FROM identifiers`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	return collect(ctx, s.r, s.d.Rebind(query), args, rowScanner(scanIdentifier))
}

// ReserveIdentifier implements store.Identifiers.
func (s *Store) ReserveIdentifier(ctx context.Context, a ident.Authority, year int, title, actor string) (ident.Identifier, error) {
	if err := a.Validate(); err != nil {
		return ident.Identifier{}, err
	}
	if year < 1999 || year > 9999 {
		return ident.Identifier{}, fmt.Errorf("%w: year: %d", ident.ErrInvalid, year)
	}
	if actor == "" {
		return ident.Identifier{}, fmt.Errorf("%w: reserving needs an actor", ident.ErrInvalid)
	}
	var out ident.Identifier
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now, ns := s.clock(), a.Namespace()
		var seq int64
		// One statement increments and reads the counter: the row lock
		// (PostgreSQL) or the single writer (SQLite) serialises
		// allocators, in this process or another.
		if err := tx.queryRow(ctx, `INSERT INTO identifier_counters (namespace, year, last) VALUES (?, ?, 1)
			ON CONFLICT (namespace, year) DO UPDATE SET last = identifier_counters.last + 1 RETURNING last`, ns, year).Scan(&seq); err != nil {
			return fmt.Errorf("identifier counter %s-%d: %w", ns, year, err)
		}
		x := ident.Identifier{ID: ident.Format(ns, year, seq), Namespace: ns, Year: year, Seq: seq, State: ident.Reserved,
			Title: strings.TrimSpace(title), ReservedBy: actor, Reserved: now}
		if err := x.Validate(); err != nil {
			return err
		}
		detail, _ := json.Marshal(x)
		if _, err := tx.exec(ctx, `INSERT INTO identifiers (identifier, namespace, year, seq, state, detail, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			x.ID, ns, year, seq, x.State, string(detail), now, now); err != nil {
			return fmt.Errorf("identifier %s: %w", x.ID, err)
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: "identifier.reserve", Object: identifierObject(x.ID), After: detail, Reason: x.Title})
	})
	return out, err
}

// changeIdentifier applies change to the stored identifier known by id
// and keeps the result, audited as action.
func (s *Store) changeIdentifier(ctx context.Context, id, actor, action, reason string, change func(ident.Identifier, time.Time) (ident.Identifier, error)) (ident.Identifier, error) {
	if actor == "" {
		return ident.Identifier{}, fmt.Errorf("%w: %s needs an actor", ident.ErrInvalid, action)
	}
	var out ident.Identifier
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, row, err := s.identifier(ctx, tx, id)
		if err != nil {
			return err
		}
		x, err := change(before, now)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(x)
		if string(a) == string(b) {
			out = x
			return nil
		}
		for _, alias := range x.Aliases[len(before.Aliases):] {
			// A concurrent writer of the same alias makes the insert
			// fail as a retryable conflict; the retry finds it here.
			if other, _, err := s.identifier(ctx, tx, alias); err == nil {
				return fmt.Errorf("%w: %s: alias %s belongs to %s", ident.ErrInvalid, x.ID, alias, other.ID)
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO identifier_aliases (alias, identifier_id) VALUES (?, ?)`, strings.ToLower(alias), row); err != nil {
				return fmt.Errorf("identifier %s: alias %s: %w", x.ID, alias, err)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE identifiers SET state = ?, detail = ?, updated_at = ? WHERE id = ?`, x.State, string(a), now, row); err != nil {
			return fmt.Errorf("identifier %s: %w", x.ID, err)
		}
		out = x
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: actor, Action: action, Object: identifierObject(x.ID), Before: b, After: a, Reason: reason})
	})
	if err != nil || out.Published.IsZero() {
		return out, err
	}
	if _, err := s.PutRecords(ctx, []advisory.Record{out.Record(s.clock())}); err != nil {
		return out, fmt.Errorf("identifier %s: its record: %w", out.ID, err)
	}
	return out, nil
}

// MoveIdentifier implements store.Identifiers.
func (s *Store) MoveIdentifier(ctx context.Context, id string, m ident.Move, actor string) (ident.Identifier, error) {
	return s.changeIdentifier(ctx, id, actor, "identifier."+string(m.To), m.Reason, func(x ident.Identifier, now time.Time) (ident.Identifier, error) {
		return x.Apply(m, now)
	})
}

// AddIdentifierAlias implements store.Identifiers.
func (s *Store) AddIdentifierAlias(ctx context.Context, id, alias, actor string) (ident.Identifier, error) {
	return s.changeIdentifier(ctx, id, actor, "identifier.alias", alias, func(x ident.Identifier, _ time.Time) (ident.Identifier, error) {
		return x.WithAlias(alias)
	})
}
