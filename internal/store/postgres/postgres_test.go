package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
	"github.com/vmc-dev/vmc/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t),
			postgres.Options{Migrate: true, Options: sqlstore.Options{Now: now}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// Several vmc processes on one PostgreSQL reserve identifiers at once:
// none is handed out twice.
func TestIdentifiersAcrossProcesses(t *testing.T) {
	dsn := os.Getenv("VMC_TEST_IDENTIFIER_DSN")
	if dsn == "" {
		dsn = pgtest.NewDatabase(t)
		// Migrate once, before the processes race to.
		s, err := postgres.Open(context.Background(), dsn, postgres.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	storetest.AllocateAcrossProcesses(t, "TestIdentifiersAcrossProcesses", dsn, func(dsn string) (store.Store, error) {
		return postgres.Open(context.Background(), dsn, postgres.Options{})
	})
}

// TestMigrateRace starts three stores on one empty database at once, as
// three replicas of vmc serve started together (or a rolling upgrade's
// new replicas) do: one migrates while the others wait for it, and all
// open on the newest schema.
func TestMigrateRace(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			s, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	s, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if cur, latest, err := postgres.Migrations.Versions(ctx, s.DB()); err != nil || cur != latest {
		t.Errorf("schema after the race: %d of %d, %v", cur, latest, err)
	}
}

// The pool has sixteen connections unless the DSN says otherwise.
func TestPoolSize(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	for _, tc := range []struct {
		name string
		dsn  string
		want int32
	}{
		{"default", dsn, 16},
		{"pool_max_conns", dsn + "&pool_max_conns=3", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := postgres.Open(context.Background(), tc.dsn, postgres.Options{Migrate: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := s.Pool.Config().MaxConns; got != tc.want {
				t.Errorf("MaxConns %d, want %d", got, tc.want)
			}
		})
	}
}
