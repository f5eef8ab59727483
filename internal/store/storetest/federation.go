package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/store"
)

// testFederation keeps peers with their sealed tokens, what was pulled
// from them, and lists changed vulnerabilities with their origin,
// leaving out those marked beyond TLP:CLEAR.
func testFederation(t *testing.T, open Opener) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s := open(t, func() time.Time { clock = clock.Add(time.Second); return clock })

	b := peer.Peer{Name: "b", Kind: peer.OSV, URL: "http://127.0.0.1:1/", Trust: peer.Standard, Every: time.Hour}
	if err := s.PutPeer(ctx, peer.Peer{Name: "B!", Kind: peer.OSV, URL: "http://x/", Trust: peer.Low}, "", false, "admin"); !errors.Is(err, peer.ErrInvalid) {
		t.Fatalf("bad name: %v, want ErrInvalid", err)
	}
	if err := s.PutPeer(ctx, b, "v1:sealed", false, "admin"); err != nil {
		t.Fatal(err)
	}
	b.Trust = peer.Authority
	if err := s.PutPeer(ctx, b, "", true, "admin"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Peer(ctx, "b")
	if err != nil || got.Token != "v1:sealed" || !got.HasToken || got.Trust != peer.Authority || got.Every != time.Hour {
		t.Fatalf("Peer = %+v, %v; want the token kept and trust changed", got, err)
	}
	last := peer.Pull{At: clock, Status: "ok", Listed: 3, Fetched: 2, Stored: 2}
	if err := s.PutPeerPull(ctx, "b", last, "cursor-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPeerPull(ctx, "nobody", last, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("PutPeerPull of an unknown peer: %v", err)
	}

	// A: this vmc's own (nvd). B: only peer b's copy, originating at c.
	// C: peer b's copy marked AMBER: never listed.
	put(t, s,
		advisory.Record{Source: "nvd", ID: "CVE-2026-0001", Descriptions: []advisory.Text{{Lang: "en", Value: "own"}}},
		advisory.Record{Source: "peer:b", ID: "CVE-2026-0002", Descriptions: []advisory.Text{{Lang: "en", Value: "from b"}}},
		advisory.Record{Source: "peer:b", ID: "CVE-2026-0003", TLP: "AMBER", Descriptions: []advisory.Text{{Lang: "en", Value: "marked"}}},
	)
	if err := s.PutPeerRecords(ctx, "peer:b", []store.PeerRecord{{ID: "CVE-2026-0002", Origin: "c", Hash: "h2"}, {ID: "CVE-2026-0003", Origin: "c", Hash: "h3"}}); err != nil {
		t.Fatal(err)
	}
	prs, err := s.PeerRecords(ctx, "peer:b", []string{"CVE-2026-0002", "CVE-2026-0009"})
	if err != nil || len(prs) != 1 || prs["CVE-2026-0002"].Hash != "h2" || prs["CVE-2026-0002"].Origin != "c" {
		t.Fatalf("PeerRecords = %+v, %v", prs, err)
	}
	got, err = s.Peer(ctx, "b")
	if err != nil || got.Mark != "cursor-1" || got.Last.Records != 2 || got.Last.Stored != 2 || !got.Last.At.Equal(last.At) {
		t.Fatalf("Peer after a pull = %+v, %v", got, err)
	}

	type item struct{ ID, Origin string }
	var seen []item
	next := ""
	for range 5 {
		page, err := s.ChangedVulns(ctx, next, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Items {
			seen = append(seen, item{c.ID, c.Origin})
		}
		next = page.Next
		if !page.More {
			break
		}
	}
	want := []item{{"CVE-2026-0001", ""}, {"CVE-2026-0002", "c"}}
	if d := cmp.Diff(want, seen); d != "" {
		t.Fatalf("ChangedVulns (-want +got):\n%s", d)
	}
	// Nothing changed since the last cursor: an empty page that keeps it.
	page, err := s.ChangedVulns(ctx, next, 10)
	if err != nil || len(page.Items) != 0 || page.Next != next {
		t.Fatalf("ChangedVulns after the end = %+v, %v", page, err)
	}
	// A change brings the vulnerability back, once.
	put(t, s, advisory.Record{Source: "nvd", ID: "CVE-2026-0002", Descriptions: []advisory.Text{{Lang: "en", Value: "now also own"}}})
	page, err = s.ChangedVulns(ctx, next, 10)
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != "CVE-2026-0002" || page.Items[0].Origin != "" {
		t.Fatalf("ChangedVulns after a change = %+v, %v", page, err)
	}
	if _, err := s.ChangedVulns(ctx, "garbage", 10); !errors.Is(err, store.ErrBadQuery) {
		t.Fatalf("a bad cursor: %v", err)
	}

	if m, err := s.FederationMark(ctx, "stix"); err != nil || m != "" {
		t.Fatalf("FederationMark before = %q, %v", m, err)
	}
	if err := s.PutFederationMark(ctx, "stix", "m1"); err != nil {
		t.Fatal(err)
	}
	if m, err := s.FederationMark(ctx, "stix"); err != nil || m != "m1" {
		t.Fatalf("FederationMark = %q, %v", m, err)
	}

	if err := s.DeletePeer(ctx, "b", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Peer(ctx, "b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted peer: %v", err)
	}
	if prs, err := s.PeerRecords(ctx, "peer:b", []string{"CVE-2026-0002"}); err != nil || len(prs) != 0 {
		t.Fatalf("pulled hashes after delete = %v, %v", prs, err)
	}
	if err := s.DeletePeer(ctx, "b", "admin"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
}
