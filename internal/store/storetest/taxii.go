package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
)

func stixObject(t *testing.T, id, modified, spec string) stix.Object {
	t.Helper()
	typ, _, _ := cutDashes(id)
	raw := fmt.Sprintf(`{"type":%q,"id":%q,"created":"2016-01-01T00:00:00.000Z","modified":%q,"spec_version":%q,"name":"x"}`, typ, id, modified, spec)
	o, err := stix.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func cutDashes(id string) (string, string, bool) {
	for i := 0; i+1 < len(id); i++ {
		if id[i] == '-' && id[i+1] == '-' {
			return id[:i], id[i+2:], true
		}
	}
	return "", "", false
}

// testTAXII keeps collections and versions of objects, and selects them
// as TAXII's filters say.
func testTAXII(t *testing.T, open Opener) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s := open(t, func() time.Time { clock = clock.Add(time.Second); return clock })
	const col = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
	c := taxii.Collection{ID: col, APIRoot: "trustgroup1", Title: "High Value Indicators", Read: []string{"signed-in"}, Write: []string{"role:analyst"},
		MediaTypes: []string{taxii.STIXMediaType}}
	if err := s.PutCollection(ctx, c, "admin"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a collection under no api root: %v, want ErrNotFound", err)
	}
	if err := s.PutAPIRoot(ctx, taxii.APIRoot{Name: "trustgroup1", Title: "Malware Research Group"}, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCollection(ctx, c, "admin"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Collection(ctx, col)
	if err != nil || !cmp.Equal(c, got) {
		t.Fatalf("Collection = %+v, %v; want %+v", got, err, c)
	}
	if cs, err := s.Collections(ctx, "trustgroup1"); err != nil || len(cs) != 1 {
		t.Fatalf("Collections = %v, %v", cs, err)
	}

	ind := "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"
	mal := "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec"
	first := []stix.Object{
		stixObject(t, ind, "2016-11-03T12:30:59.000Z", "2.1"),
		stixObject(t, ind, "2016-12-25T12:30:59.444Z", "2.1"),
		stixObject(t, mal, "2017-01-27T13:49:53.997Z", "2.1"),
	}
	st, err := s.AddSTIX(ctx, col, first, nil, nil, "analyst")
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "complete" || st.TotalCount != 3 || st.SuccessCount != 3 {
		t.Errorf("status %+v", st)
	}
	// The same version again adds nothing; a new one is a new row.
	st2, err := s.AddSTIX(ctx, col, []stix.Object{first[0], stixObject(t, ind, "2017-01-27T13:49:53.935Z", "2.1")}, nil,
		[]taxii.Detail{{ID: "indicator--252c7c11-daf2-42bd-843b-be65edca9f61", Message: "objects[2]: modified: before created"}}, "analyst")
	if err != nil {
		t.Fatal(err)
	}
	if st2.Successes[0].Message != "already held" || st2.Successes[1].Message != "added" || st2.TotalCount != 3 || st2.FailureCount != 1 {
		t.Errorf("second add: %+v", st2.Successes)
	}
	back, err := s.TAXIIStatus(ctx, st2.ID)
	if err != nil || !cmp.Equal(st2, back) {
		t.Errorf("TAXIIStatus -want +got:\n%s (%v)", cmp.Diff(st2, back), err)
	}

	versions := func(q store.STIXQuery) []string {
		t.Helper()
		q.Collection = col
		p, err := s.STIXObjects(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range p.Objects {
			out = append(out, v.ID[:3]+"@"+v.Version)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    store.STIXQuery
		want []string
	}{
		{"last by default", store.STIXQuery{}, []string{"mal@2017-01-27T13:49:53.997Z", "ind@2017-01-27T13:49:53.935Z"}},
		{"first", store.STIXQuery{Versions: []string{"first"}}, []string{"ind@2016-11-03T12:30:59.000Z", "mal@2017-01-27T13:49:53.997Z"}},
		{"all of one id", store.STIXQuery{IDs: []string{ind}, Versions: []string{"all"}},
			[]string{"ind@2016-11-03T12:30:59.000Z", "ind@2016-12-25T12:30:59.444Z", "ind@2017-01-27T13:49:53.935Z"}},
		{"a timestamp", store.STIXQuery{Versions: []string{"2016-12-25T12:30:59.444000Z"}}, []string{"ind@2016-12-25T12:30:59.444Z"}},
		{"type", store.STIXQuery{Types: []string{"malware"}}, []string{"mal@2017-01-27T13:49:53.997Z"}},
		{"added after the first request", store.STIXQuery{Versions: []string{"all"}, AddedAfter: st.RequestTimestamp}, []string{"ind@2017-01-27T13:49:53.935Z"}},
		{"spec 2.0", store.STIXQuery{SpecVersions: []string{"2.0"}}, nil},
	} {
		if diff := cmp.Diff(tc.want, versions(tc.q)); diff != "" {
			t.Errorf("%s -want +got:\n%s", tc.name, diff)
		}
	}

	// Paging: every version once, in order of addition.
	var seen []string
	q := store.STIXQuery{Collection: col, Versions: []string{"all"}, Limit: 1}
	for pages := 0; ; pages++ {
		p, err := s.STIXObjects(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Objects {
			seen = append(seen, v.Version)
		}
		if !p.More {
			break
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		q.Next = p.Next
	}
	if len(seen) != 4 || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 4 {
		t.Errorf("paging saw %v, want 4 distinct versions", seen)
	}
	if _, err := s.STIXObjects(ctx, store.STIXQuery{Collection: col, Next: "garbage"}); !errors.Is(err, store.ErrBadQuery) {
		t.Errorf("a forged cursor: %v, want ErrBadQuery", err)
	}
	if _, err := s.AddSTIX(ctx, "00000000-0000-4000-8000-000000000000", first, nil, nil, "analyst"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("adding to no collection: %v", err)
	}

	mark, err := s.PullMark(ctx, "https://peer.example/taxii2/", col)
	if err != nil || !mark.IsZero() {
		t.Fatalf("PullMark of a new peer = %v, %v", mark, err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	if err := s.PutPullMark(ctx, "https://peer.example/taxii2/", col, at); err != nil {
		t.Fatal(err)
	}
	if mark, err := s.PullMark(ctx, "https://peer.example/taxii2/", col); err != nil || !mark.Equal(at) {
		t.Errorf("PullMark = %v, %v; want %v", mark, err, at)
	}
	entries, err := s.AuditOf(ctx, "taxii-collection:"+col)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Errorf("%d audit entries on the collection, want 3 (created, two adds)", len(entries))
	}
}
