package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store"
)

func testUsers(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	u, err := s.PutUser(ctx, auth.User{Name: "li.wei", Display: "李伟", Role: auth.Owner, Teams: []string{"payments"}}, "$argon2id$hash-1", "admin")
	if err != nil || u.ID == 0 || u.Display != "李伟" {
		t.Fatalf("PutUser: %+v, %v", u, err)
	}
	// An update without a password keeps the password.
	u.Role = auth.Analyst
	if _, err := s.PutUser(ctx, u, "", "admin"); err != nil {
		t.Fatal(err)
	}
	got, hash, err := s.User(ctx, "li.wei")
	if err != nil || got.Role != auth.Analyst || hash != "$argon2id$hash-1" || len(got.Teams) != 1 {
		t.Errorf("User = %+v, %q, %v", got, hash, err)
	}
	if _, err := s.PutUser(ctx, auth.User{Name: "Bad Name", Role: auth.Admin}, "", "admin"); err == nil {
		t.Error("an invalid user name was stored")
	}
	if _, _, err := s.User(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}

	tok := auth.Token{ID: "abcdefghijklmnop", User: "li.wei", Name: "ci", Scopes: []auth.Scope{auth.ScopeRead}, Created: c.now(), Expires: c.now().Add(30 * 24 * time.Hour)}
	if err := s.PutToken(ctx, tok, "sha256-of-secret", "li.wei"); err != nil {
		t.Fatal(err)
	}
	if got, hash, err := s.Token(ctx, "abcdefghijklmnop"); err != nil || got.User != "li.wei" || hash != "sha256-of-secret" || len(got.Scopes) != 1 {
		t.Errorf("Token = %+v, %q, %v", got, hash, err)
	}
	if err := s.TouchToken(ctx, "abcdefghijklmnop", c.now()); err != nil {
		t.Fatal(err)
	}
	if ts, err := s.Tokens(ctx, "li.wei"); err != nil || len(ts) != 1 || ts[0].LastUsed.IsZero() {
		t.Errorf("Tokens = %+v, %v", ts, err)
	}
	if err := s.RevokeToken(ctx, "abcdefghijklmnop", "li.wei"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Token(ctx, "abcdefghijklmnop"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: %v", err)
	}

	se := store.Session{ID: "sess1", User: "li.wei", Hash: "h", Created: c.now(), Expires: c.now().Add(time.Hour)}
	if err := s.PutSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Session(ctx, "sess1"); err != nil || got.User != "li.wei" || !got.Expires.Equal(se.Expires) {
		t.Errorf("Session = %+v, %v", got, err)
	}
	if err := s.DeleteSession(ctx, "sess1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "sess1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
	var actions []string
	for e, err := range s.AuditLog(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		actions = append(actions, e.Action)
	}
	if want := []string{"user.create", "user.update", "token.create", "token.revoke"}; !slices.Equal(actions, want) {
		t.Errorf("audit actions %v, want %v", actions, want)
	}
	verifyAudit(t, s)
}
