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
	first[1].Listed, second.Listed = true, true
	want := []store.CSAFPublication{first[1], second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSAFPublications (-want +got):\n%s", diff)
	}
	if err := s.PutCSAFPublications(ctx, []store.CSAFPublication{{Fingerprint: "x"}}); err == nil {
		t.Error("a publication without an id was stored")
	}

	// A build: generation 1, one document listed, the other kept
	// unlisted.
	key := store.CSAFKey{Fingerprint: "ABCD", Armored: []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n")}
	next := store.CSAFState{Key: key, Publisher: []byte(`{"name":"Acme Corp PSIRT"}`)}
	st, err := s.PublishCSAF(ctx, nil, []string{"VMC-SA-2026-0001"}, next, at.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.CSAFState{Generation: 1, Built: at.Add(2 * time.Hour), Key: key, Publisher: next.Publisher}); !cmp.Equal(st, want) {
		t.Errorf("first PublishCSAF = %+v, want %+v", st, want)
	}
	got, err = s.CSAFPublications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Listed || !got[1].Listed {
		t.Errorf("after listing VMC-SA-2026-0001 only: %+v", got)
	}
	// Nothing changed: the generation and its time stay, so every replica
	// keeps serving the same bytes.
	if st, err = s.PublishCSAF(ctx, nil, []string{"VMC-SA-2026-0001"}, next, at.Add(3*time.Hour)); err != nil || st.Generation != 1 || !st.Built.Equal(at.Add(2*time.Hour)) {
		t.Errorf("unchanged PublishCSAF = %+v, %v; want generation 1 of %s", st, err, at.Add(2*time.Hour))
	}
	// A revision moves it on.
	third := second
	third.Fingerprint = "f1c"
	if st, err = s.PublishCSAF(ctx, []store.CSAFPublication{third}, []string{"VMC-SA-2026-0001"}, next, at.Add(4*time.Hour)); err != nil || st.Generation != 2 {
		t.Errorf("revising PublishCSAF = %+v, %v; want generation 2", st, err)
	}
	// So does a new publisher, documents unchanged.
	next.Publisher = []byte(`{"name":"Acme PSIRT"}`)
	if st, err = s.PublishCSAF(ctx, nil, []string{"VMC-SA-2026-0001"}, next, at.Add(5*time.Hour)); err != nil || st.Generation != 3 || string(st.Publisher) != `{"name":"Acme PSIRT"}` {
		t.Errorf("PublishCSAF with a new publisher = %+v, %v; want generation 3", st, err)
	}
	if read, err := s.CSAFState(ctx); err != nil || !cmp.Equal(read, st) {
		t.Errorf("CSAFState = %+v, %v; want %+v", read, err, st)
	}
}
