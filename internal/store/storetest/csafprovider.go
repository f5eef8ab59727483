package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/store"
)

// testCSAFProvider keeps published CSAF documents byte for byte and
// replaces them by id.
func testCSAFProvider(t *testing.T, open Opener) {
	s := open(t, time.Now)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	first := []store.CSAFPublication{
		{ID: "VMC-SA-2026-0001", Fingerprint: "f1", Revisions: []byte(`[{"number":1}]`), Document: []byte(`{"document":{"title":"标题"}}`), Signature: []byte("-----BEGIN PGP SIGNATURE-----\n"), Updated: at},
		{ID: "GCVE-1-2026-0001", Fingerprint: "f2", Revisions: []byte(`[]`), Document: []byte(`{}`), Signature: []byte("sig"), Updated: at},
	}
	if err := s.PutCSAFPublications(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := first[0]
	second.Fingerprint, second.Revisions, second.Updated = "f1b", []byte(`[{"number":1},{"number":2}]`), at.Add(time.Hour)
	if err := s.PutCSAFPublications(ctx, []store.CSAFPublication{second}); err != nil {
		t.Fatal(err)
	}
	got, err := s.CSAFPublications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.CSAFPublication{first[1], second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSAFPublications (-want +got):\n%s", diff)
	}
	if err := s.PutCSAFPublications(ctx, []store.CSAFPublication{{Fingerprint: "x"}}); err == nil {
		t.Error("a publication without an id was stored")
	}
}
