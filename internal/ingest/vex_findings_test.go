package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// TestVEXExamplesChangeFindings applies the real VEX examples in
// ../shared to stored findings and checks each does what its statements
// say: CycloneDX's bom-examples VEX (CVE-2020-25649 not affecting
// jackson-databind 2.10.0), go-vex's OpenVEX v0.2.0 (CVE-2023-1255 fixed
// in Alpine's libssl3 3.0.8-r3) and the OASIS CSAF VEX example
// (Secvisogram, a product without a purl, not affected by Log4Shell:
// applied to the asset it is about). The advisories are the real ids, cut
// down to a package and range that match the VEX document's product (the
// Alpine range is written for the test: the point of the OpenVEX
// statement is that this build carries the fix whatever the range says).
func TestVEXExamplesChangeFindings(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := func(intro, fixed string) []advisory.Range {
		return []advisory.Range{{Type: advisory.RangeEcosystem, Events: []advisory.Event{{Introduced: intro}, {Fixed: fixed}}}}
	}
	recs := []advisory.Record{
		{Source: "ghsa", ID: "GHSA-288c-cq4h-88gq", Aliases: []string{"CVE-2020-25649"},
			Affected: []advisory.Affected{{Ecosystem: "Maven", Package: "com.fasterxml.jackson.core:jackson-databind", Ranges: rng("2.10.0", "2.10.5.1")}}},
		{Source: "osv", ID: "ALPINE-CVE-2023-1255", Aliases: []string{"CVE-2023-1255"},
			Affected: []advisory.Affected{{Ecosystem: "Alpine:v3.17", Package: "openssl", Ranges: rng("0", "3.0.8-r4")},
				{Ecosystem: "Alpine:v3.17", Package: "libssl3", Ranges: rng("0", "3.0.8-r4")}}},
		{Source: "ghsa", ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"},
			Affected: []advisory.Affected{{Ecosystem: "Maven", Package: "org.apache.logging.log4j:log4j-core", Ranges: rng("2.13.0", "2.15.0")}}},
	}
	if _, err := s.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	open := func(name string, cs ...asset.Component) asset.Asset {
		a, err := s.PutAsset(ctx, asset.Asset{Name: name, Kind: asset.KindApplication})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetComponents(ctx, a.ID, "sbom", cs); err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Asset(ctx, a, nil, "inventory sbom"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	api := open("api", asset.Component{Ecosystem: "Maven", Name: "com.fasterxml.jackson.core:jackson-databind", Version: "2.10.0",
		PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0"})
	img := open("alpine-image", asset.Component{Ecosystem: "Alpine:v3.17", Name: "libssl3", Version: "3.0.8-r3", PURL: "pkg:apk/alpine/libssl3@3.0.8-r3"})
	secvisogram := open("secvisogram", asset.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1",
		PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"})

	for _, tc := range []struct {
		a     asset.Asset
		file  string
		state finding.State
	}{
		{api, "cyclonedx/examples/VEX/vex.json", finding.NotAffected},
		{img, "openvex/go-vex-testdata/vex/v0.2.0.json", finding.Fixed},
		{secvisogram, "csaf/examples/csaf/csaf_vex/sec-vex-2022-0001.json", finding.NotAffected},
	} {
		t.Run(tc.file, func(t *testing.T) {
			before := states(t, s, tc.a.Name)
			if len(before) != 1 || before[0] != finding.New {
				t.Fatalf("before the VEX: %v, want one new finding", before)
			}
			data, err := os.ReadFile(feedtest.SharedData(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			sts, err := ingest.ReadVEX(tc.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.PutVEX(ctx, tc.a.ID, tc.file, sts); err != nil {
				t.Fatal(err)
			}
			if _, _, err := m.Asset(ctx, tc.a, nil, "VEX import"); err != nil {
				t.Fatal(err)
			}
			if after := states(t, s, tc.a.Name); len(after) != 1 || after[0] != tc.state {
				t.Errorf("after the VEX: %v, want %s", after, tc.state)
			}
		})
	}
}

func states(t *testing.T, s store.Store, asset string) []finding.State {
	t.Helper()
	var out []finding.State
	for f, err := range store.EachFinding(context.Background(), s, store.FindingQuery{Asset: asset}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f.State)
	}
	return out
}
