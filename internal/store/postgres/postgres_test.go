package postgres_test

import (
	"context"
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
