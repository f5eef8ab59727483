package cli

import (
	"context"
	"log/slog"
	"regexp"
	"sync"
	"testing"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

// TestFirstAdminRace starts three replicas' first steps on one empty
// PostgreSQL at once: one password is said, in one log, and it is the
// admin's. Each replica making its own gave three passwords, two of
// which did not work.
func TestFirstAdminRace(t *testing.T) {
	ctx := context.Background()
	dsn, err := pgtest.Own(t).NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		logs [3]lockedBuffer
	)
	for i := range logs {
		s, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		wg.Go(func() {
			if err := firstAdmin(ctx, s, slog.New(slog.NewTextHandler(&logs[i], nil))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var pws []string
	for i := range logs {
		for _, m := range regexp.MustCompile(`first admin created.* password=(\S+)`).FindAllStringSubmatch(logs[i].String(), -1) {
			pws = append(pws, m[1])
		}
	}
	if len(pws) != 1 {
		t.Fatalf("%d first admin passwords said by three replicas, want 1: %q", len(pws), pws)
	}
	s, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, hash, err := s.User(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword(hash, pws[0]); !ok || err != nil {
		t.Errorf("the password said does not sign the admin in: %v", err)
	}
	users, err := s.ListUsers(ctx)
	if err != nil || len(users) != 1 {
		t.Errorf("users after the race: %d, %v", len(users), err)
	}
}
