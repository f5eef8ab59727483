package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/trust"
)

// testTrust records a host's posture twice: its snapshot components join
// the inventory beside an SBOM's and the second snapshot replaces only
// them; verifications are kept newest first and cannot be changed; both
// are audited under the asset.
func testTrust(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	a, err := s.PutAsset(ctx, asset.Asset{Name: "scada-hmi-01", Kind: asset.KindHost})
	if err != nil {
		t.Fatal(err)
	}
	bash := asset.Component{Name: "bash", Version: "5.1.8-6.el9", Ecosystem: "AlmaLinux:9", Source: "rpm -qa"}
	if _, err := s.SetComponents(ctx, a.ID, "rpm -qa", []asset.Component{bash}); err != nil {
		t.Fatal(err)
	}
	libtpms := asset.Component{Name: "libtpms", Version: "0.9.1-2.20211126git1ff6fe1f43.el9", Ecosystem: "AlmaLinux:9", Source: trust.ComponentSource + ": json"}
	fw := asset.Component{Name: "ntc-npct75x-tpm2-firmware", Version: "7.2.1.0", PURL: "pkg:generic/ntc-npct75x-tpm2-firmware@7.2.1.0", Source: trust.ComponentSource + ": tpm2_getcap"}
	p := trust.Posture{AssetID: a.ID, Root: trust.RootTPM2, RootVersion: "2.0 rev 1.38", Manufacturer: "NTC", Firmware: "7.2.1.0",
		SecureBoot: trust.SBDisabled, MeasuredBoot: trust.MBAnchored, Controls: []string{"unidirectional gateway"}, Components: []asset.Component{libtpms, fw}}

	if _, _, err := s.PutPosture(ctx, p, ""); err == nil {
		t.Error("a posture nobody records")
	}
	if _, _, err := s.PutPosture(ctx, trust.Posture{AssetID: 999}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a posture of no asset: %v", err)
	}
	if _, _, err := s.PutPosture(ctx, trust.Posture{AssetID: a.ID, Root: "tpm3"}, "alice"); err == nil {
		t.Error("an unknown root was stored")
	}
	c.tick()
	got, ch, err := s.PutPosture(ctx, p, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if got.Asset != "scada-hmi-01" || got.By != "alice" || !got.Imported.Equal(c.now()) || len(ch.Added) != 2 || ch.Kept != 1 {
		t.Errorf("stored %+v, change %+v", got, ch)
	}
	if back, err := s.Posture(ctx, a.ID); err != nil || !cmp.Equal(back, got) {
		t.Errorf("read back -put +got\n%s%v", cmp.Diff(got, back), err)
	}
	// The next snapshot drops the firmware it no longer names, keeps bash.
	c.tick()
	p.Components, p.SecureBoot = []asset.Component{libtpms}, trust.SBEnabled
	if _, ch, err := s.PutPosture(ctx, p, "bob"); err != nil || len(ch.Removed) != 1 || ch.Removed[0].Name != fw.Name || ch.Kept != 2 {
		t.Errorf("second snapshot: %+v, %v", ch, err)
	}
	cs, err := s.Components(ctx, a.ID)
	if err != nil || len(cs) != 2 {
		t.Errorf("components %+v, %v", cs, err)
	}
	ps, err := s.ListPostures(ctx)
	if err != nil || len(ps) != 1 || ps[0].SecureBoot != trust.SBEnabled || ps[0].By != "bob" {
		t.Errorf("list %+v, %v", ps, err)
	}
	if _, err := s.Posture(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("posture of no asset: %v", err)
	}

	for i, n := range []int{2, 0} {
		c.tick()
		var devs []trust.Deviation
		for range n {
			devs = append(devs, trust.Deviation{Kind: trust.Unknown, Path: "/tmp/x", Algorithm: trust.SM3, Measured: "ab"})
		}
		v, err := s.AddVerification(ctx, trust.Verification{AssetID: a.ID, List: "ima.txt", Manifest: "m.txt",
			Result: trust.Comparison{Checked: 5, Matched: 5 - n, Deviations: devs}, Opened: n, Resolved: i * 2}, "alice")
		if err != nil || v.ID == 0 || v.Asset != "scada-hmi-01" || !v.At.Equal(c.now()) {
			t.Fatalf("verification %d: %+v, %v", i, v, err)
		}
	}
	vs, err := s.ListVerifications(ctx, a.ID)
	if err != nil || len(vs) != 2 || vs[0].Resolved != 2 || len(vs[1].Result.Deviations) != 2 || vs[1].Result.Deviations[0].Algorithm != trust.SM3 {
		t.Errorf("verifications %+v, %v", vs, err)
	}
	if _, err := s.AddVerification(ctx, trust.Verification{AssetID: 999}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("verification of no asset: %v", err)
	}
	es, err := s.AuditOf(ctx, "asset:scada-hmi-01")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action+" "+e.Actor)
	}
	if d := cmp.Diff([]string{"trust.posture alice", "trust.posture bob", "trust.verify alice", "trust.verify alice"}, actions); d != "" {
		t.Errorf("audit -want +got\n%s", d)
	}
	if len(es) > 1 && len(es[1].Before) == 0 {
		t.Error("the second posture's entry has no before")
	}
}
