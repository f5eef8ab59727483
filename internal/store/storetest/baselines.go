package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/store"
)

// testBaselines keeps two snapshots of a host evaluated against the
// OpenSSH baseline: the first compliant, the second drifting (root login
// allowed again), and reads back the snapshot, the history and the drift
// the store computed against the previous evaluation.
func testBaselines(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	bs, err := baseline.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ssh, _ := baseline.Find(bs, "openssh-server")
	a, err := s.PutAsset(ctx, asset.Asset{Name: "web-1", Kind: asset.KindHost})
	if err != nil {
		t.Fatal(err)
	}
	snap := func(root string) baseline.Snapshot {
		return baseline.Snapshot{Host: "web-1", SSHD: &baseline.SSHDConfig{Settings: map[string]string{
			"permitrootlogin": root, "passwordauthentication": "no", "kbdinteractiveauthentication": "no", "x11forwarding": "no"}},
			Sources: []string{"sshd_config"}}
	}
	if _, err := s.PutSnapshot(ctx, 999, snap("no"), nil, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a snapshot of no asset: %v", err)
	}
	first, err := s.PutSnapshot(ctx, a.ID, snap("no"), []baseline.Evaluation{baseline.Evaluate(ssh, snap("no"), c.now())}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Evaluations) != 1 || first.Evaluations[0].Changes != nil || first.Evaluations[0].ID == 0 {
		t.Fatalf("first: %+v", first.Evaluations)
	}
	c.tick()
	second, err := s.PutSnapshot(ctx, a.ID, snap("yes"), []baseline.Evaluation{baseline.Evaluate(ssh, snap("yes"), c.now())}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	want := []baseline.StatusChange{{Rule: "SSH-01", From: baseline.Pass, To: baseline.Fail}}
	if got := second.Evaluations[0].Changes; !cmp.Equal(got, want) {
		t.Errorf("drift -want +got:\n%s", cmp.Diff(want, got))
	}
	back, err := s.HostSnapshot(ctx, second.ID)
	if err != nil || !cmp.Equal(back, second) {
		t.Errorf("read back -put +got:\n%s%v", cmp.Diff(second, back), err)
	}
	if _, err := s.HostSnapshot(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such snapshot: %v", err)
	}
	list, err := s.ListSnapshots(ctx, a.ID)
	if err != nil || len(list) != 2 || list[0].ID != second.ID || list[0].Actor != "bob" || list[1].Snapshot.SSHD != nil {
		t.Errorf("list: %+v %v", list, err)
	}
	hist, err := s.Evaluations(ctx, a.ID, "openssh-server", false)
	if err != nil || len(hist) != 2 || hist[0].Compliance <= hist[1].Compliance || hist[1].Results != nil || len(hist[1].Changes) != 1 {
		t.Errorf("history: %+v %v", hist, err)
	}
	if other, err := s.Evaluations(ctx, a.ID, "linux-kernel-sysctl", true); err != nil || len(other) != 0 {
		t.Errorf("another baseline's history: %+v %v", other, err)
	}
	es, err := s.AuditOf(ctx, "asset:web-1")
	if err != nil || len(es) != 2 || es[1].Action != "snapshot.import" || es[1].Actor != "bob" {
		t.Errorf("audit: %+v %v", es, err)
	}
	// The history goes with its asset.
	if err := s.DeleteAsset(ctx, "web-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.HostSnapshot(ctx, first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted asset's snapshot: %v", err)
	}
}

// testSnapshotImport keeps a snapshot and the findings its failed rule
// decides in one transaction: when filing the finding fails, or the
// caller's scans do, neither the snapshot nor its evaluation nor its
// audit entry is kept; when it works, all are.
func testSnapshotImport(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	bs, err := baseline.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ssh, _ := baseline.Find(bs, "openssh-server")
	a, err := s.PutAsset(ctx, asset.Asset{Name: "web-2", Kind: asset.KindHost})
	if err != nil {
		t.Fatal(err)
	}
	snap := baseline.Snapshot{Host: "web-2", SSHD: &baseline.SSHDConfig{Settings: map[string]string{"permitrootlogin": "yes"}}, Sources: []string{"sshd_config"}}
	evals := []baseline.Evaluation{baseline.Evaluate(ssh, snap, c.now())}
	const vuln = "BASELINE-openssh-server-SSH-01"
	rec := advisory.Record{Source: "baseline", ID: vuln, Titles: []advisory.Text{{Lang: "en", Value: "Root cannot log in over SSH"}}}
	place := asset.Component{Name: "sshd:PermitRootLogin"}
	scan := func(h store.HostSnapshot) ([]store.SnapshotScan, error) {
		return []store.SnapshotScan{{
			Matches: []match.Match{{Component: place, Vuln: vuln, Explanation: match.Explanation{Source: "baseline", Kind: "reported", Package: place.Name}}},
			Scan: finding.Scan{At: c.now(), Tool: "baseline/openssh-server", Source: fmt.Sprintf("snapshot %d", h.ID),
				Scope: []string{finding.ComponentPackage(place)}},
		}}, nil
	}
	kept := func(want int) {
		t.Helper()
		list, err := s.ListSnapshots(ctx, a.ID)
		if err != nil || len(list) != want {
			t.Errorf("snapshots: %d, want %d (%v)", len(list), want, err)
		}
		hist, err := s.Evaluations(ctx, a.ID, "", false)
		if err != nil || len(hist) != want {
			t.Errorf("evaluations: %d, want %d (%v)", len(hist), want, err)
		}
		es, err := s.AuditOf(ctx, "asset:web-2")
		n := 0
		for _, e := range es {
			if e.Action == "snapshot.import" {
				n++
			}
		}
		if err != nil || n != want {
			t.Errorf("snapshot.import audit entries: %d, want %d (%v)", n, want, err)
		}
	}

	// The rule's record is missing: the finding cannot be filed.
	if _, _, err := s.ImportSnapshot(ctx, a, snap, evals, "alice", scan); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a finding on an unknown vulnerability: %v", err)
	}
	kept(0)
	boom := errors.New("boom")
	if _, _, err := s.ImportSnapshot(ctx, a, snap, evals, "alice", func(store.HostSnapshot) ([]store.SnapshotScan, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("the scans failing: %v", err)
	}
	kept(0)

	put(t, s, rec)
	got, changes, err := s.ImportSnapshot(ctx, a, snap, evals, "alice", scan)
	if err != nil {
		t.Fatal(err)
	}
	kept(1)
	if len(changes) != 1 || len(changes[0]) != 1 || !changes[0][0].Opened || changes[0][0].Finding.Vuln != vuln {
		t.Fatalf("changes: %+v", changes)
	}
	page, err := s.ListFindings(ctx, store.FindingQuery{Asset: "web-2"})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != changes[0][0].Finding.ID || got.ID == 0 {
		t.Errorf("findings: %+v %v", page.Items, err)
	}
}
