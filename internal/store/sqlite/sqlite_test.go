package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
	"github.com/vmc-dev/vmc/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"),
			sqlite.Options{Migrate: true, Options: sqlstore.Options{Now: now}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
