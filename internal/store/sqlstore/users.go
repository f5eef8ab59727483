package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store"
)

// PutUser implements store.Users.
func (s *Store) PutUser(ctx context.Context, u auth.User, passwordHash, actor string) (auth.User, error) {
	if err := u.Validate(); err != nil {
		return auth.User{}, err
	}
	teams, err := json.Marshal(orEmpty(u.Teams))
	if err != nil {
		return auth.User{}, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		before, _, err := s.user(ctx, tx, u.Name)
		existed := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO users (name, display, role, teams, disabled, password_hash, created_at, updated_at, lang)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET display = excluded.display, role = excluded.role, teams = excluded.teams,
				disabled = excluded.disabled, updated_at = excluded.updated_at, lang = excluded.lang,
				password_hash = CASE WHEN excluded.password_hash = '' THEN users.password_hash ELSE excluded.password_hash END
			RETURNING id`,
			u.Name, u.Display, u.Role, string(teams), boolInt(u.Disabled), passwordHash, now, now, u.Lang).Scan(&u.ID); err != nil {
			return fmt.Errorf("user %s: %w", u.Name, err)
		}
		e := audit.Entry{At: now, Actor: actor, Action: "user.create", Object: "user:" + u.Name}
		if existed {
			e.Action = "user.update"
			e.Before, _ = json.Marshal(before)
		}
		if passwordHash != "" && existed {
			e.Reason = "password changed"
		}
		e.After, _ = json.Marshal(u)
		return appendAudit(ctx, tx, e)
	})
	if err != nil {
		return auth.User{}, err
	}
	got, _, err := s.User(ctx, u.Name)
	return got, err
}

const userColumns = `id, name, display, role, teams, disabled, password_hash, created_at, lang`

func scanUser(r interface{ Scan(...any) error }) (auth.User, string, error) {
	var (
		u           auth.User
		teams, hash string
		disabled    int
	)
	if err := r.Scan(&u.ID, &u.Name, &u.Display, &u.Role, &teams, &disabled, &hash, &u.Created, &u.Lang); err != nil {
		return u, "", err
	}
	u.Disabled, u.Created = disabled != 0, u.Created.UTC()
	if err := json.Unmarshal([]byte(teams), &u.Teams); err != nil {
		return u, "", fmt.Errorf("user %s: teams: %w", u.Name, err)
	}
	if len(u.Teams) == 0 {
		u.Teams = nil
	}
	return u, hash, nil
}

func (s *Store) user(ctx context.Context, q querier, name string) (auth.User, string, error) {
	u, hash, err := scanUser(q.QueryRowContext(ctx, s.d.Rebind(`SELECT `+userColumns+` FROM users WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", fmt.Errorf("user %s: %w", name, store.ErrNotFound)
	}
	return u, hash, err
}

// User implements store.Users.
func (s *Store) User(ctx context.Context, name string) (auth.User, string, error) {
	return s.user(ctx, s.r, name)
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context) ([]auth.User, error) {
	return collect(ctx, s.r, `SELECT `+userColumns+` FROM users ORDER BY name`, nil, func(r *sql.Rows) (auth.User, error) {
		u, _, err := scanUser(r)
		return u, err
	})
}

// PutToken implements store.Users.
func (s *Store) PutToken(ctx context.Context, t auth.Token, hash, actor string) error {
	// The store keeps microseconds; a token made a moment ago must not
	// look made in the future.
	t.Created = t.Created.UTC().Truncate(time.Microsecond)
	now := s.clock()
	if now.Before(t.Created) {
		now = t.Created
	}
	if err := t.Validate(now); err != nil {
		return err
	}
	scopes, err := json.Marshal(t.Scopes)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `INSERT INTO api_tokens (id, user_id, name, scopes, hash, expires_at, created_at)
			SELECT ?, id, ?, ?, ?, ?, ? FROM users WHERE name = ?`,
			t.ID, t.Name, string(scopes), hash, t.Expires, t.Created, t.User)
		if err != nil {
			return fmt.Errorf("token %s: %w", t.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("token for user %s: %w", t.User, store.ErrNotFound)
		}
		e := audit.Entry{At: s.clock(), Actor: actor, Action: "token.create", Object: "token:" + t.ID, Reason: t.Name}
		e.After, _ = json.Marshal(t)
		return appendAudit(ctx, tx, e)
	})
}

const tokenColumns = `t.id, u.name, t.name, t.scopes, t.hash, t.expires_at, t.created_at, t.last_used`

func scanToken(r interface{ Scan(...any) error }) (auth.Token, string, error) {
	var (
		t            auth.Token
		scopes, hash string
		last         sql.NullTime
	)
	if err := r.Scan(&t.ID, &t.User, &t.Name, &scopes, &hash, &t.Expires, &t.Created, &last); err != nil {
		return t, "", err
	}
	t.Expires, t.Created, t.LastUsed = t.Expires.UTC(), t.Created.UTC(), last.Time.UTC()
	if !last.Valid {
		t.LastUsed = time.Time{}
	}
	return t, hash, json.Unmarshal([]byte(scopes), &t.Scopes)
}

// Token implements store.Users.
func (s *Store) Token(ctx context.Context, id string) (auth.Token, string, error) {
	t, hash, err := scanToken(s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, "", fmt.Errorf("token %s: %w", id, store.ErrNotFound)
	}
	return t, hash, err
}

// Tokens implements store.Users.
func (s *Store) Tokens(ctx context.Context, user string) ([]auth.Token, error) {
	return collect(ctx, s.r, s.d.Rebind(`SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name = ? ORDER BY t.created_at`), []any{user},
		func(r *sql.Rows) (auth.Token, error) {
			t, _, err := scanToken(r)
			return t, err
		})
}

// RevokeToken implements store.Users.
func (s *Store) RevokeToken(ctx context.Context, id, actor string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `DELETE FROM api_tokens WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("revoke token %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("token %s: %w", id, store.ErrNotFound)
		}
		return appendAudit(ctx, tx, audit.Entry{At: s.clock(), Actor: actor, Action: "token.revoke", Object: "token:" + id})
	})
}

// TouchToken implements store.Users.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := s.w.ExecContext(ctx, s.d.Rebind(`UPDATE api_tokens SET last_used = ? WHERE id = ?`), at.UTC(), id)
	return err
}

// PutSession implements store.Users.
func (s *Store) PutSession(ctx context.Context, se store.Session) error {
	res, err := s.w.ExecContext(ctx, s.d.Rebind(`INSERT INTO sessions (id, user_id, hash, created_at, expires_at) SELECT ?, id, ?, ?, ? FROM users WHERE name = ?`),
		se.ID, se.Hash, se.Created.UTC(), se.Expires.UTC(), se.User)
	if err != nil {
		return fmt.Errorf("session for %s: %w", se.User, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("session for user %s: %w", se.User, store.ErrNotFound)
	}
	return nil
}

// Session implements store.Users.
func (s *Store) Session(ctx context.Context, id string) (store.Session, error) {
	var se store.Session
	err := s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT x.id, u.name, x.hash, x.created_at, x.expires_at FROM sessions x JOIN users u ON u.id = x.user_id WHERE x.id = ?`), id).
		Scan(&se.ID, &se.User, &se.Hash, &se.Created, &se.Expires)
	if errors.Is(err, sql.ErrNoRows) {
		return se, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	se.Created, se.Expires = se.Created.UTC(), se.Expires.UTC()
	return se, err
}

// DeleteSession implements store.Users.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.w.ExecContext(ctx, s.d.Rebind(`DELETE FROM sessions WHERE id = ?`), id)
	return err
}

// boolInt stores a flag as 0 or 1 in an INTEGER column, which both
// databases read back the same way.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
