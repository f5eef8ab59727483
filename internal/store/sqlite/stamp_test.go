package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// A batch's time bound as Stamp's text is stored as the same text the
// driver stores for the time.Time, and reads back as the same time: the
// rows an import writes must not differ from those written one at a time.
func TestStampStoredAsTime(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	if _, err := db.Exec(`CREATE TABLE stamps (as_time TIMESTAMP NOT NULL, as_stamp TIMESTAMP NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		t    time.Time
	}{
		{"whole seconds", time.Date(2026, 11, 23, 20, 39, 17, 0, time.UTC)},
		{"microseconds, as the store's clock", time.Date(2026, 11, 23, 20, 39, 17, 123456000, time.UTC)},
		{"trailing zeros", time.Date(2026, 1, 2, 3, 4, 5, 100000, time.UTC)},
		{"year one", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"the clock now", time.Now().UTC().Truncate(time.Microsecond)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.Exec(`DELETE FROM stamps`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`INSERT INTO stamps VALUES (?, ?)`, tc.t, dialect{}.Stamp(tc.t)); err != nil {
				t.Fatal(err)
			}
			var a, b string
			if err := db.QueryRow(`SELECT CAST(as_time AS TEXT), CAST(as_stamp AS TEXT) FROM stamps`).Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			if a != b {
				t.Errorf("stored %q for the time, %q for its stamp", a, b)
			}
			var ta, tb time.Time
			if err := db.QueryRow(`SELECT as_time, as_stamp FROM stamps`).Scan(&ta, &tb); err != nil {
				t.Fatal(err)
			}
			if !ta.Equal(tc.t) || !tb.Equal(tc.t) {
				t.Errorf("read back %v and %v, want %v", ta, tb, tc.t)
			}
		})
	}
}
