package osv_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	feedosv "github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/osv"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
)

const goldenShop = "testdata/shop.json"

func TestGolden(t *testing.T) {
	b, err := osv.Marshal(publishtest.Load(t, "shop"))
	if err != nil {
		t.Fatal(err)
	}
	publishtest.Golden(t, goldenShop, b)
}

// sharedSchema is the OSV schema of ../shared/data, compiled on its own.
func sharedSchema(t *testing.T) func([]byte) error {
	return publishtest.SharedSchema(t, "osv/schema/schema.json", "https://raw.githubusercontent.com/ossf/osv-schema/main/validation/schema.json")
}

// TestValidates holds the golden file to the OSV schema of the shared
// corpus, and the linter's deliberately broken records to it too, so
// that the check is known to refuse what it should.
func TestValidates(t *testing.T) {
	check := sharedSchema(t)
	b, err := os.ReadFile(goldenShop)
	if err != nil {
		t.Fatal(err)
	}
	if err := check(b); err != nil {
		t.Errorf("%s: %v", goldenShop, err)
	}
	// Of the linter's broken records, one breaks the schema; the others
	// break linter rules only, and the valid ones pass.
	for file, valid := range map[string]bool{
		"nointroduced-CVE-2023-41045.json":   false,
		"nondistinct-CVE-2018-5407.json":     true,
		"nopackage-GHSA-9v2f-6vcg-3hgv.json": true,
		"GO-2024-2963.json":                  true,
		"RHSA-2022_0216.json":                true,
	} {
		b, err := os.ReadFile(feedtest.SharedData(t, filepath.Join("osv", "schema", "linter-testdata", file)))
		if err != nil {
			t.Fatal(err)
		}
		if err := check(b); (err == nil) != valid || (err != nil && !errors.Is(err, publish.ErrSchema)) {
			t.Errorf("%s: %v, want valid %v", file, err, valid)
		}
	}
}

// TestBrokenOutputIsCaught breaks the golden file the ways a writer could
// and checks that the schema (embedded, as Marshal uses it) refuses it.
func TestBrokenOutputIsCaught(t *testing.T) {
	good, err := os.ReadFile(goldenShop)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(m map[string]any){
		"no modified":                   func(m map[string]any) { delete(m, "modified") },
		"an id with an unknown prefix":  func(m map[string]any) { m["id"] = "ACME-SA-2026-0007" },
		"a local time":                  func(m map[string]any) { m["modified"] = "2026-12-03T09:30:00+08:00" },
		"a CVSS v3 type with v4 vector": func(m map[string]any) { m["severity"].([]any)[0].(map[string]any)["score"] = "CVSS:4.0/AV:N" },
		"an unknown ecosystem": func(m map[string]any) {
			m["affected"].([]any)[0].(map[string]any)["package"].(map[string]any)["ecosystem"] = "Jar"
		},
		"fixed and last_affected in one range": func(m map[string]any) {
			r := m["affected"].([]any)[1].(map[string]any)["ranges"].([]any)[0].(map[string]any)
			r["events"] = append(r["events"].([]any), map[string]any{"fixed": "5.3.0"})
		},
		"an unknown reference type": func(m map[string]any) { m["references"].([]any)[0].(map[string]any)["type"] = "EXPLOIT" },
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := osv.Validate(b); !errors.Is(err, publish.ErrSchema) {
				t.Errorf("the broken record passes: %v", err)
			}
		})
	}
}

// TestEmbeddedSchema keeps the copy Marshal validates with identical to
// the shared corpus's.
func TestEmbeddedSchema(t *testing.T) {
	shared, err := os.ReadFile(feedtest.SharedData(t, "osv/schema/schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	own, err := os.ReadFile("schema/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, own) {
		t.Error("schema/schema.json differs from ../shared/data/osv/schema/schema.json")
	}
}

// TestRoundTrip reads the written record with vmc's own OSV importer
// (internal/feed/osv) and compares it with the document.
func TestRoundTrip(t *testing.T) {
	d := publishtest.Load(t, "shop")
	b, err := osv.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var e feedosv.Entry
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if e.ID != "x_ACME-SA-2026-0007" {
		t.Errorf("id %q", e.ID)
	}
	// vmc's identifiers have no "_" (advisory.ValidID): the importer
	// would refuse the x_ id, so the check reads the record under the
	// id it stands for.
	e.ID = strings.TrimPrefix(e.ID, "x_")
	got, err := feedosv.ToRecord(e)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Aliases, []string{"CVE-2026-41234"}) || got.Published.IsZero() || !got.Modified.Equal(d.Current()) {
		t.Errorf("aliases %v published %v modified %v", got.Aliases, got.Published, got.Modified)
	}
	var vectors []string
	for _, s := range got.Severities {
		if s.Type.IsCVSS() {
			vectors = append(vectors, s.Vector)
		}
	}
	if want := []string{d.Vuln.Severities[0].Vector, d.Vuln.Severities[1].Vector}; !slices.Equal(vectors, want) {
		t.Errorf("vectors %v, want %v", vectors, want)
	}
	type pkg struct {
		Eco, Name, PURL string
		Ranges          []advisory.Range
		Versions        []string
	}
	var want, have []pkg
	for _, a := range d.Vuln.Affected {
		want = append(want, pkg{a.Ecosystem, a.Package, a.PURL, a.Ranges, a.Versions})
	}
	for _, a := range got.Affected {
		have = append(have, pkg{a.Ecosystem, a.Package, a.PURL, a.Ranges, a.Versions})
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("affected -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(d.Vuln.References, got.References); diff != "" {
		t.Errorf("references -want +got:\n%s", diff)
	}
	for _, want := range []string{d.Description(), d.Note(publish.NoteDetails), d.Note(publish.NoteExploit), "Update to 2.4.1 or 3.1.2."} {
		if len(got.Descriptions) == 0 || !strings.Contains(got.Descriptions[0].Value, want) {
			t.Errorf("details lack %q", want)
		}
	}
}

func TestID(t *testing.T) {
	for in, want := range map[string]string{
		"CVE-2026-41234":     "CVE-2026-41234",
		"GHSA-9v2f-6vcg-3hg": "GHSA-9v2f-6vcg-3hg",
		"ACME-SA-2026-0007":  "x_ACME-SA-2026-0007",
		"CVEX-1":             "x_CVEX-1",
	} {
		if got := osv.ID(in); got != want {
			t.Errorf("ID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRefuses(t *testing.T) {
	d := publishtest.Load(t, "appliance")
	_, err := osv.Marshal(d)
	if err == nil || !strings.Contains(err.Error(), `vuln.affected[0]: invalid document: "Acme Gateway" is no package in an OSV ecosystem`) {
		t.Errorf("a product that is no package: %v", err)
	}
	d = publishtest.Load(t, "shop")
	d.Vuln.Affected[0].Ecosystem = "Jar"
	if _, err := osv.Marshal(d); err == nil || !strings.Contains(err.Error(), `vuln.affected[0]: invalid document: ecosystem: `) || !errors.Is(err, publish.ErrInvalid) {
		t.Errorf("an unknown ecosystem: %v", err)
	}
}
