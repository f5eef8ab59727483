package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
)

const rateLimitColumns = `scope, kind, user_name, net, failures, window_start, last_fail, lockouts, locked_until, trusted`

func scanRateLimit(r interface{ Scan(...any) error }) (auth.LimitKey, auth.LimitState, error) {
	var (
		k  auth.LimitKey
		st auth.LimitState
	)
	var scope string
	err := r.Scan(&scope, &k.Kind, &k.User, &k.Net, &st.Failures, &st.WindowStart, &st.LastFail, &st.Lockouts, &st.LockedUntil, &st.Trusted)
	for _, t := range []*time.Time{&st.WindowStart, &st.LastFail, &st.LockedUntil, &st.Trusted} {
		if *t = t.UTC(); t.Year() <= 1 {
			*t = time.Time{}
		}
	}
	return k, st, err
}

// RateLimits implements auth.LimitTable.
func (s *Store) RateLimits(ctx context.Context, scope string, keys []auth.LimitKey) (map[auth.LimitKey]auth.LimitState, error) {
	out := map[auth.LimitKey]auth.LimitState{}
	for _, k := range keys {
		gk, st, err := scanRateLimit(s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT `+rateLimitColumns+` FROM rate_limits WHERE scope = ? AND kind = ? AND user_name = ? AND net = ?`),
			scope, k.Kind, k.User, k.Net))
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("rate limits: %w", err)
		}
		out[gk] = st
	}
	return out, nil
}

// UpdateRateLimits implements auth.LimitTable. The rows are locked by
// being written first (an empty row for a key not kept yet, deleted again
// if fn leaves it zero): on PostgreSQL a concurrent update of the same
// keys waits for this transaction, and on SQLite the one writer
// serialises them anyway.
func (s *Store) UpdateRateLimits(ctx context.Context, scope string, keys []auth.LimitKey, user string, fn func(map[auth.LimitKey]*auth.LimitState)) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		var zero time.Time
		for _, k := range keys {
			if _, err := tx.exec(ctx, `INSERT INTO rate_limits (`+rateLimitColumns+`) VALUES (?, ?, ?, ?, 0, ?, ?, 0, ?, ?)
				ON CONFLICT (scope, kind, user_name, net) DO UPDATE SET failures = rate_limits.failures`,
				scope, k.Kind, k.User, k.Net, zero, zero, zero, zero); err != nil {
				return fmt.Errorf("rate limits: %w", err)
			}
		}
		if user != "" {
			// Every key of the user name, locked the same way.
			if _, err := tx.exec(ctx, `UPDATE rate_limits SET failures = failures WHERE scope = ? AND user_name = ?`, scope, user); err != nil {
				return fmt.Errorf("rate limits: %w", err)
			}
		}
		m := map[auth.LimitKey]*auth.LimitState{}
		read := func(query string, args ...any) error {
			rows, err := tx.query(ctx, query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				k, st, err := scanRateLimit(rows)
				if err != nil {
					return err
				}
				if st != (auth.LimitState{}) {
					m[k] = &st
				}
			}
			return rows.Err()
		}
		for _, k := range keys {
			if err := read(`SELECT `+rateLimitColumns+` FROM rate_limits WHERE scope = ? AND kind = ? AND user_name = ? AND net = ?`, scope, k.Kind, k.User, k.Net); err != nil {
				return fmt.Errorf("rate limits: %w", err)
			}
		}
		if user != "" {
			if err := read(`SELECT `+rateLimitColumns+` FROM rate_limits WHERE scope = ? AND user_name = ?`, scope, user); err != nil {
				return fmt.Errorf("rate limits: %w", err)
			}
		}
		before := make([]auth.LimitKey, 0, len(m)+len(keys))
		before = append(before, keys...)
		for k := range m {
			before = append(before, k)
		}
		fn(m)
		for _, k := range before {
			if st := m[k]; st == nil || *st == (auth.LimitState{}) {
				if _, err := tx.exec(ctx, `DELETE FROM rate_limits WHERE scope = ? AND kind = ? AND user_name = ? AND net = ?`, scope, k.Kind, k.User, k.Net); err != nil {
					return fmt.Errorf("rate limits: %w", err)
				}
			}
		}
		for k, st := range m {
			if *st == (auth.LimitState{}) {
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO rate_limits (`+rateLimitColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (scope, kind, user_name, net) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
				last_fail = excluded.last_fail, lockouts = excluded.lockouts, locked_until = excluded.locked_until, trusted = excluded.trusted`,
				scope, k.Kind, k.User, k.Net, st.Failures, st.WindowStart.UTC(), st.LastFail.UTC(), st.Lockouts, st.LockedUntil.UTC(), st.Trusted.UTC()); err != nil {
				return fmt.Errorf("rate limits: %w", err)
			}
		}
		return nil
	})
}

// PruneRateLimits implements auth.LimitTable.
func (s *Store) PruneRateLimits(ctx context.Context, scope string, now, trustedBefore, failedBefore time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `DELETE FROM rate_limits WHERE scope = ? AND locked_until <= ? AND trusted < ? AND last_fail < ?`,
			scope, now.UTC(), trustedBefore.UTC(), failedBefore.UTC())
		if err != nil {
			return fmt.Errorf("prune rate limits: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
