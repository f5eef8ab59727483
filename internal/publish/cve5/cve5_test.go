package cve5_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/cve5"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/publish"
	pcve5 "github.com/vmc-dev/vmc/internal/publish/cve5"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
)

const goldenShop = "testdata/shop.json"

func TestGolden(t *testing.T) {
	b, err := pcve5.Marshal(publishtest.Load(t, "shop"))
	if err != nil {
		t.Fatal(err)
	}
	publishtest.Golden(t, goldenShop, b)
}

// TestValidates holds the golden container to the shared corpus's CNA
// container schema and, wrapped into a record, to the bundled schema of
// the whole CVE record format.
func TestValidates(t *testing.T) {
	b, err := os.ReadFile(goldenShop)
	if err != nil {
		t.Fatal(err)
	}
	container := publishtest.SharedSchema(t, "cve5/schema/CVE_JSON_cnaPublishedContainer_5.1.1.json", "https://example.invalid/cna.json")
	if err := container(b); err != nil {
		t.Errorf("container: %v", err)
	}
	bundled := publishtest.SharedSchema(t, "cve5/schema/CVE_JSON_bundled_5.1.1.json", "https://example.invalid/bundled.json")
	if err := bundled(publishtest.CVERecord(t, "CVE-2026-41234", b)); err != nil {
		t.Errorf("record: %v", err)
	}
}

// TestBrokenOutputIsCaught breaks the golden container the ways a writer
// could and checks that the schema refuses it.
func TestBrokenOutputIsCaught(t *testing.T) {
	good, err := os.ReadFile(goldenShop)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(m map[string]any){
		"no provider":                    func(m map[string]any) { delete(m, "providerMetadata") },
		"an org id that is no UUID":      func(m map[string]any) { m["providerMetadata"].(map[string]any)["orgId"] = "acme" },
		"no English description":         func(m map[string]any) { m["descriptions"].([]any)[0].(map[string]any)["lang"] = "zh-CN" },
		"a range without a version type": func(m map[string]any) { delete(versionAt(m, 0, 0), "versionType") },
		"an unknown status":              func(m map[string]any) { versionAt(m, 0, 0)["status"] = "vulnerable" },
		"a CWE id CVE does not accept":   func(m map[string]any) { problemAt(m)["cweId"] = "CWE-0434" },
		"a credit type CVE does not know": func(m map[string]any) {
			m["credits"].([]any)[0].(map[string]any)["type"] = "REPORTER"
		},
		"no references": func(m map[string]any) { m["references"] = []any{} },
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
			if err := pcve5.Validate(b); !errors.Is(err, publish.ErrSchema) {
				t.Errorf("the broken container passes: %v", err)
			}
		})
	}
}

func versionAt(m map[string]any, product, version int) map[string]any {
	return m["affected"].([]any)[product].(map[string]any)["versions"].([]any)[version].(map[string]any)
}

func problemAt(m map[string]any) map[string]any {
	return m["problemTypes"].([]any)[0].(map[string]any)["descriptions"].([]any)[0].(map[string]any)
}

func TestEmbeddedSchema(t *testing.T) {
	shared, err := os.ReadFile(feedtest.SharedData(t, "cve5/schema/CVE_JSON_cnaPublishedContainer_5.1.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	own, err := os.ReadFile("schema/CVE_JSON_cnaPublishedContainer_5.1.1.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, own) {
		t.Error("the embedded schema differs from ../shared/data/cve5/schema's")
	}
}

// TestRoundTrip reads the container, wrapped into a record, with vmc's
// own CVE JSON 5 importer (internal/feed/cve5).
func TestRoundTrip(t *testing.T) {
	d := publishtest.Load(t, "shop")
	b, err := pcve5.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := feedtest.Collect(cve5.Parse("CVE-2026-41234.json", bytes.NewReader(publishtest.CVERecord(t, "CVE-2026-41234", b))))
	if len(errs) > 0 || len(recs) != 1 {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	got := recs[0]
	if got.ID != "CVE-2026-41234" || len(got.Titles) == 0 || got.Titles[0].Value != d.Vuln.Titles[0].Value {
		t.Errorf("id %q titles %+v", got.ID, got.Titles)
	}
	if len(got.Descriptions) == 0 || !strings.HasPrefix(got.Descriptions[0].Value, d.Description()+"\n\n"+d.Note(publish.NoteDetails)) {
		t.Errorf("descriptions %+v", got.Descriptions)
	}
	var cwes, vectors []string
	for _, c := range got.CWEs {
		cwes = append(cwes, c.ID)
	}
	for _, s := range got.Severities {
		vectors = append(vectors, s.Vector)
	}
	if !slices.Equal(cwes, []string{"CWE-434", "CWE-20"}) || !slices.Equal(vectors, []string{d.Vuln.Severities[1].Vector, d.Vuln.Severities[0].Vector}) &&
		!slices.Equal(vectors, []string{d.Vuln.Severities[0].Vector, d.Vuln.Severities[1].Vector}) {
		t.Errorf("CWEs %v vectors %v", cwes, vectors)
	}
	// CVE's version list is a list of intervals; how they are grouped into
	// OSV ranges does not matter, the intervals do.
	type pkg struct{ Eco, Name, Intervals string }
	var have []pkg
	for _, a := range got.Affected {
		have = append(have, pkg{a.Ecosystem, a.Package, intervals(a.Ranges)})
	}
	want := []pkg{
		{"Maven", "com.acme.shop:shop-core", "ECOSYSTEM [2.0.0, <2.4.1) ECOSYSTEM [3.0.0, <3.1.2) "},
		{"npm", "@acme/shop-admin-ui", "ECOSYSTEM [5.0.0, <=5.2.0) "},
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("affected -want +got:\n%s", diff)
	}
	var urls []string
	for _, r := range got.References {
		urls = append(urls, r.URL)
	}
	if !slices.Contains(urls, "https://psirt.acme.example/.well-known/csaf/white/2026/acme-sa-2026-0007.json") || len(urls) != 5 {
		t.Errorf("references %v", urls)
	}
	if len(got.Credits) != 2 || got.Credits[0].Name != "Li Wei" || !strings.EqualFold(got.Credits[0].Type, "reporter") {
		t.Errorf("credits %+v", got.Credits)
	}
	if !got.Published.IsZero() && !got.Published.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v", got.Published)
	}
}

// TestProblemTypes: a merged record's weaknesses may include ids that are
// no CWE id (NVD-CWE-noinfo); they are written as text, not as cweId.
func TestProblemTypes(t *testing.T) {
	d := publishtest.Load(t, "shop")
	d.Vuln.CWEs = []advisory.CWE{{ID: "NVD-CWE-noinfo"}, {ID: "CWE-434"}}
	b, err := pcve5.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"description": "NVD-CWE-noinfo",
          "lang": "en",
          "type": "text"`) || !strings.Contains(string(b), `"cweId": "CWE-434"`) {
		t.Errorf("problem types:\n%s", b)
	}
}

func TestRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		edit func(d *publish.Document)
		want string
	}{
		{"no CVE", "appliance", func(d *publish.Document) {}, "vuln.aliases: no CVE id"},
		{"not in English", "shop", func(d *publish.Document) { d.Lang = "zh-CN" }, `lang: "zh-CN": a CVE record needs its description in English`},
		{"no CNA", "shop", func(d *publish.Document) { d.Publisher.CNAOrgID = "" }, "publisher.cna_org_id: empty"},
		{"an org id that is no UUID", "shop", func(d *publish.Document) { d.Publisher.CNAOrgID = "acme" }, "not valid against"},
		{"a title longer than CVE's", "shop", func(d *publish.Document) { d.Vuln.Titles[0].Value = strings.Repeat("标题", 129) }, "title: longer than 256 characters"},
		{"an exploitation longer than CVE's", "shop", func(d *publish.Document) { d.Vuln.Notes[1].Text = strings.Repeat("x", 4097) }, "longer than 4096 characters"},
		{"no reference at all", "shop", func(d *publish.Document) {
			d.Publisher.CSAFBase, d.Vuln.References = "", nil
		}, "vuln.references: none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := publishtest.Load(t, tc.doc)
			tc.edit(&d)
			_, err := pcve5.Marshal(d)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, publish.ErrInvalid) && !errors.Is(err, publish.ErrSchema) {
				t.Errorf("error %v, want ErrInvalid or ErrSchema containing %q", err, tc.want)
			}
		})
	}
}

// intervals writes ranges as their affected intervals.
func intervals(rs []advisory.Range) string {
	var b strings.Builder
	for _, r := range rs {
		for _, e := range r.Events {
			switch {
			case e.Introduced != "":
				b.WriteString(string(r.Type) + " [" + e.Introduced + ", ")
			case e.Fixed != "":
				b.WriteString("<" + e.Fixed + ") ")
			case e.LastAffected != "":
				b.WriteString("<=" + e.LastAffected + ") ")
			}
		}
	}
	return b.String()
}
