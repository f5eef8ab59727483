package incident

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/formats"
)

func readContent(t testing.TB, name string) AdvisoryContent {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "advisory", name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseAdvisoryContent(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func TestParseAdvisoryContent(t *testing.T) {
	c := readContent(t, "shop.yaml")
	if c.Lang != "en" || c.Level != publish.Standard || c.Criticality != PatchCritical || len(c.Products) != 2 ||
		c.Products[0].Ranges[1] != (VersionRange{Introduced: "3.0.0", Fixed: "3.1.2"}) || !strings.HasPrefix(c.Exploit, "Upload a .jsp") {
		t.Errorf("shop.yaml: %+v", c)
	}
	g := readContent(t, "gateway.json")
	if g.Lang != "zh-CN" || g.Level != publish.Minimal || g.Products[0].Vendor != "Acme Corp" {
		t.Errorf("gateway.json: %+v", g)
	}
	// JSON and YAML say the same.
	b, _ := json.Marshal(c)
	again, err := ParseAdvisoryContent(b)
	if err != nil || !cmp.Equal(c, again) {
		t.Errorf("JSON round trip -yaml +json:\n%s%v", cmp.Diff(c, again), err)
	}
	for _, tc := range []struct {
		name, in, err string
	}{
		{"defaults", "title: x\n", ""},
		{"a misspelt field", "title: x\nexplot: secret\n", "field explot not found"},
		{"a misspelt JSON field", `{"title": "x", "exploits": "secret"}`, `unknown field "exploits"`},
		{"two YAML documents", "title: x\n---\ntitle: y\n", "more than one document"},
		{"two JSON documents", `{"title": "x"} {"title": "y"}`, "more than one document"},
		{"not YAML", "title: [x\n", "YAML: "},
		{"an unknown level", "title: x\nlevel: secret\n", `unknown detail level "secret"`},
		{"an unknown criticality", "title: x\ncriticality: urgent\n", `unknown criticality "urgent"`},
		{"too large", "title: x\nsummary: " + strings.Repeat("x", MaxContentInput) + "\n", "larger than 256 KiB"},
		{"a language vmc does not write", "title: x\nlang: fr\n", `advisory lang: "fr"`},
		{"no title", "summary: x\n", "advisory title: empty"},
	} {
		_, err := ParseAdvisoryContent([]byte(tc.in))
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestAdvisoryContentValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *AdvisoryContent)
		err  string
	}{
		{"valid", func(*AdvisoryContent) {}, ""},
		{"a title over two lines", func(c *AdvisoryContent) { c.Title = "a\nb" }, "advisory title: not one line"},
		{"a long summary", func(c *AdvisoryContent) { c.Summary = strings.Repeat("x", 2001) }, "advisory summary: longer than 2000 bytes"},
		{"a summary that is not UTF-8", func(c *AdvisoryContent) { c.Summary = "\xff" }, "advisory summary: not UTF-8"},
		{"a NUL in the details", func(c *AdvisoryContent) { c.Details = "a\x00b" }, "advisory details: contains NUL"},
		{"a purl with a version", func(c *AdvisoryContent) { c.Products[0].PURL = "pkg:maven/com.acme.shop/shop-core@2.4.0" }, `products[0].purl: names version "2.4.0"`},
		{"a purl type vmc does not know", func(c *AdvisoryContent) { c.Products[0].PURL = "pkg:docker/acme/shop" }, "products[0].purl: "},
		{"a purl and a vendor", func(c *AdvisoryContent) { c.Products[0].Vendor = "Acme" }, "products[0]: a purl or a vendor and name, not both"},
		{"a product that is neither", func(c *AdvisoryContent) { c.Products[0].PURL = "" }, "products[0]: a purl, or a vendor and a name"},
		{"no affected version", func(c *AdvisoryContent) { c.Products[1].Ranges = nil }, "products[1]: no affected range or version"},
		{"a fixed version before introduced", func(c *AdvisoryContent) { c.Products[0].Ranges[0].Fixed = "1.9.0" }, "products[0].ranges[0].fixed: 1.9.0 is not after introduced 2.0.0"},
		{"fixed where introduced", func(c *AdvisoryContent) { c.Products[0].Ranges[0].Fixed = "2.0.0" }, "products[0].ranges[0].fixed: 2.0.0 is not after introduced 2.0.0"},
		{"last affected before introduced", func(c *AdvisoryContent) { c.Products[1].Ranges[0].LastAffected = "4.9.9" }, "products[1].ranges[0].last_affected"},
		{"fixed and last affected", func(c *AdvisoryContent) { c.Products[1].Ranges[0].Fixed = "5.3.0" }, "products[1].ranges[0]: fixed or last_affected, not both"},
		{"a version npm cannot read", func(c *AdvisoryContent) { c.Products[1].Versions = []string{"five"} }, "products[1].versions[0]: "},
		{"a version with a space", func(c *AdvisoryContent) { c.Products[1].Versions = []string{"5.2 beta"} }, `products[1].versions[0]: "5.2 beta" is not a version`},
		{"a CVSS v3.0 vector", func(c *AdvisoryContent) { c.CVSS = []string{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"} }, "cvss[0]: CVSS v3.0: advisories give v3.1 and v4.0 vectors"},
		{"a temporal metric", func(c *AdvisoryContent) { c.CVSS = []string{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F"} }, "cvss[0]: sets temporal"},
		{"two v3.1 vectors", func(c *AdvisoryContent) { c.CVSS[1] = c.CVSS[0] }, "cvss[1]: a second CVSS v3.1 vector"},
		{"a broken vector", func(c *AdvisoryContent) { c.CVSS[0] = "CVSS:3.1/AV:Q" }, "cvss[0]: cvss"},
		{"a CWE that is no id", func(c *AdvisoryContent) { c.CWEs = []string{"XSS"} }, `cwes[0]: "XSS" is not a CWE id`},
		{"a CWE the catalogue does not know", func(c *AdvisoryContent) { c.CWEs = []string{"CWE-999999"} }, `cwes[0]: "CWE-999999" is not a weakness of CWE 4.17`},
		{"a reference type OSV does not know", func(c *AdvisoryContent) { c.References[0].Type = "EXPLOIT" }, `references[0].type: unknown "EXPLOIT"`},
		{"a reference that is no web address", func(c *AdvisoryContent) { c.References[0].URL = "javascript:alert(1)" }, "references[0].url: "},
		{"a credit type OSV does not know", func(c *AdvisoryContent) { c.Credits[0].Type = "HACKER" }, `credits[0].type: unknown "HACKER"`},
		{"a credit with no name", func(c *AdvisoryContent) { c.Credits[0].Name = "" }, `credits[0].name: "" is not a name`},
	} {
		c := readContent(t, "shop.yaml")
		tc.edit(&c)
		err := c.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	var draft AdvisoryContent
	draft.Title, draft.Lang, draft.Level = "x", "en", publish.Full
	if err := draft.Validate(); err != nil {
		t.Errorf("an empty draft is well formed: %v", err)
	}
	for _, tc := range []struct {
		edit func(c *AdvisoryContent)
		err  string
	}{
		{func(c *AdvisoryContent) {}, "advisory summary: empty"},
		{func(c *AdvisoryContent) { c.Summary = "x" }, "advisory products: none"},
		{func(c *AdvisoryContent) { c.Summary, c.Products = "x", readContent(t, "shop.yaml").Products }, "advisory criticality: not chosen"},
		{func(c *AdvisoryContent) {
			c.Summary, c.Products, c.Criticality = "x", readContent(t, "shop.yaml").Products, PatchLow
		}, "advisory remediation: empty"},
	} {
		c := draft
		tc.edit(&c)
		if err := c.Complete(); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Complete: %v, want %q", err, tc.err)
		}
	}
	if err := readContent(t, "shop.yaml").Complete(); err != nil {
		t.Errorf("shop.yaml is complete: %v", err)
	}
}

func exampleAdvisory(t testing.TB) Advisory {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	return Advisory{ID: "ACME-SA-2026-0007", Incident: 1, CVE: "CVE-2026-41234", State: AdvisoryFinal, Content: readContent(t, "shop.yaml"),
		Marking: Marking{TLP: Clear},
		Publisher: publish.Publisher{Name: "Acme Corp PSIRT", Namespace: "https://psirt.acme.example", Category: "vendor",
			CSAFBase: "https://psirt.acme.example/csaf", CNAOrgID: "8254265b-2729-46b6-b9e3-3dfca2d5bfca"},
		Revisions: []AdvisoryRevision{{Number: 1, Date: at, By: "alice", Summary: "Initial release"}},
		Created:   at.Add(-time.Hour), CreatedBy: "alice", Updated: at}
}

// TestAdvisoryDocument writes an authored advisory in every format: the
// conversion is what the writers see of it.
func TestAdvisoryDocument(t *testing.T) {
	a := exampleAdvisory(t)
	d := a.Document()
	if d.ID != a.ID || d.CVE() != a.CVE || d.Status != publish.Final || d.Version() != "1" || d.TLP != "CLEAR" ||
		d.Criticality != "Critical" || d.CriticalityNote != PatchCritical.Meaning("en") || d.Note(publish.NoteExploit) == "" {
		t.Errorf("document: %+v", d)
	}
	if got := d.Vuln.Affected[0]; got.Ecosystem != "Maven" || got.Package != "com.acme.shop:shop-core" || len(got.Ranges[0].Events) != 4 ||
		got.Remediations[0].Category != "vendor_fix" || got.Remediations[1].Category != "workaround" {
		t.Errorf("affected[0]: %+v", got)
	}
	avail, unavail, err := formats.Check(d)
	if err != nil || len(avail) != 4 {
		t.Errorf("formats: %v %v %v", avail, unavail, err)
	}
	// A draft in Chinese about an appliance: CSAF only.
	g := a
	g.ID, g.CVE, g.State, g.Revisions = "ACME-SA-2026-0008", "", AdvisoryDraft, nil
	g.Content = readContent(t, "gateway.json")
	g.Marking = Marking{TLP: AmberStrict, Embargo: &Embargo{Until: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)}}
	gd := g.Document()
	if gd.Status != publish.Draft || gd.Version() != "0" || gd.Criticality != "重要" || gd.TLP != "AMBER+STRICT" {
		t.Errorf("draft: %+v", gd)
	}
	avail, unavail, err = formats.Check(gd)
	if err != nil || strings.Join(avail, ",") != "csaf" || unavail["osv"] == nil || unavail["cve5"] == nil {
		t.Errorf("draft formats: %v %v %v", avail, unavail, err)
	}
}

func TestAdvisoryMoves(t *testing.T) {
	for _, tc := range []struct {
		from, to AdvisoryState
		ok       bool
	}{
		{AdvisoryDraft, AdvisoryFinal, true},
		{AdvisoryFinal, AdvisoryPublished, true},
		{AdvisoryDraft, AdvisoryPublished, false},
		{AdvisoryFinal, AdvisoryDraft, false},
		{AdvisoryPublished, AdvisoryPublished, false},
		{AdvisoryPublished, AdvisoryFinal, false},
		{"", AdvisoryDraft, false},
	} {
		err := CheckAdvisoryMove(tc.from, tc.to)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrTransition)) {
			t.Errorf("%s → %s: %v", tc.from, tc.to, err)
		}
	}
	at := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	d := exampleAdvisory(t)
	d.State, d.Revisions = AdvisoryDraft, nil
	f, err := d.Moved(AdvisoryFinal, "alice", "", at)
	if err != nil || f.State != AdvisoryFinal || len(f.Revisions) != 1 || f.Revisions[0] != (AdvisoryRevision{Number: 1, Date: at, By: "alice", Summary: "Initial release"}) ||
		d.State != AdvisoryDraft || d.Revisions != nil {
		t.Errorf("finalised: %+v %v (draft %+v)", f, err, d)
	}
	p, err := f.Moved(AdvisoryPublished, "carol", "", at)
	if err != nil || p.State != AdvisoryPublished || p.PublishedBy != "carol" || !p.Published.Equal(at) || len(p.Revisions) != 1 {
		t.Errorf("published: %+v %v", p, err)
	}
	incomplete := d
	incomplete.Content.Remediation = ""
	if _, err := incomplete.Moved(AdvisoryFinal, "alice", "", at); !errors.Is(err, ErrInvalid) {
		t.Errorf("an incomplete draft finalised: %v", err)
	}
	if _, err := d.Moved(AdvisoryFinal, "alice", "two\nlines", at); !errors.Is(err, ErrInvalid) {
		t.Errorf("a summary over two lines: %v", err)
	}
	if _, err := d.Moved(AdvisoryPublished, "alice", "", at); !errors.Is(err, ErrTransition) {
		t.Errorf("a draft published: %v", err)
	}
	// A draft changes as it is; a released advisory by a revision.
	if x, err := d.Changed("bob", "", at); err != nil || len(x.Revisions) != 0 || !x.Updated.Equal(at) {
		t.Errorf("a draft changed: %+v %v", x, err)
	}
	if _, err := f.Changed("bob", " ", at); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "say what changed") {
		t.Errorf("a revision without summary: %v", err)
	}
	r, err := f.Changed("bob", "Fixed versions for the 3.x line", at.Add(time.Hour))
	if err != nil || len(r.Revisions) != 2 || r.Revisions[1] != (AdvisoryRevision{Number: 2, Date: at.Add(time.Hour), By: "bob", Summary: "Fixed versions for the 3.x line"}) ||
		len(f.Revisions) != 1 {
		t.Errorf("revised: %+v %v", r.Revisions, err)
	}
	a := exampleAdvisory(t)
	if err := a.CheckPublish(); err != nil {
		t.Errorf("a final TLP:CLEAR advisory: %v", err)
	}
	a.Marking.Embargo = &Embargo{Until: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := a.CheckPublish(); err != nil {
		t.Errorf("under embargo, publishing schedules it: %v", err)
	}
	a.Marking.TLP = Green
	if err := a.CheckPublish(); !errors.Is(err, ErrTransition) || !strings.Contains(err.Error(), "TLP:GREEN; the public feed carries TLP:CLEAR only") {
		t.Errorf("TLP:GREEN: %v", err)
	}
}

func TestAdvisoryValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(a *Advisory)
		err  string
	}{
		{"valid", func(*Advisory) {}, ""},
		{"an id with a slash", func(a *Advisory) { a.ID = "ACME/1" }, `advisory id: "ACME/1"`},
		{"a CVE that is none", func(a *Advisory) { a.CVE = "CVE-26-1" }, `advisory cve: "CVE-26-1" is not a CVE id`},
		{"no incident", func(a *Advisory) { a.Incident = 0 }, "advisory incident: none"},
		{"no marking", func(a *Advisory) { a.Marking = Marking{} }, "advisory marking: tlp"},
		{"bad content", func(a *Advisory) { a.Content.Title = "" }, "advisory title: empty"},
	} {
		a := exampleAdvisory(t)
		tc.edit(&a)
		err := a.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestAdvisorySettings(t *testing.T) {
	ok := AdvisorySettings{Prefix: "ACME-SA", Publisher: exampleAdvisory(t).Publisher}
	for _, tc := range []struct {
		name string
		edit func(s *AdvisorySettings)
		err  string
	}{
		{"valid", func(*AdvisorySettings) {}, ""},
		{"a lower-case prefix", func(s *AdvisorySettings) { s.Prefix = "acme" }, `prefix: "acme"`},
		{"a double hyphen", func(s *AdvisorySettings) { s.Prefix = "ACME--SA" }, "prefix"},
		{"a long prefix", func(s *AdvisorySettings) { s.Prefix = strings.Repeat("A", 21) }, "prefix"},
		{"the CVE Program's prefix", func(s *AdvisorySettings) { s.Prefix = "CVE" }, `prefix: "CVE" is another numbering authority's`},
		{"no publisher", func(s *AdvisorySettings) { s.Publisher.Name = "" }, "publisher.name: empty"},
		{"an org id that is no UUID", func(s *AdvisorySettings) { s.Publisher.CNAOrgID = "acme" }, `publisher.cna_org_id: "acme" is not a UUID`},
		{"a long CNA short name", func(s *AdvisorySettings) { s.Publisher.CNAShortName = strings.Repeat("a", 33) }, "publisher.cna_short_name: "},
	} {
		s := ok
		tc.edit(&s)
		err := s.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	if got := OwnID("ACME-SA", 2026, 7); got != "ACME-SA-2026-0007" {
		t.Errorf("OwnID: %s", got)
	}
}

// FuzzParseAdvisoryContent feeds arbitrary input to the parser of
// advisories as their authors write them: it must not panic, and what it
// accepts must survive a JSON round trip and write as CSAF without a
// panic.
func FuzzParseAdvisoryContent(f *testing.F) {
	for _, name := range []string{"shop.yaml", "gateway.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "advisory", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("title: x\nproducts: [{purl: 'pkg:npm/a', ranges: [{introduced: '1', fixed: '0'}]}]\n"))
	f.Add([]byte(`{"title":"x","cvss":["CVSS:4.0/AV:N"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseAdvisoryContent(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseAdvisoryContent(b)
		// An empty list and none say the same.
		if err != nil || !cmp.Equal(c, again, cmpopts.EquateEmpty()) {
			t.Fatalf("round trip: %v\n%s", err, cmp.Diff(c, again, cmpopts.EquateEmpty()))
		}
		// A complete advisory is written, or refused as a document the
		// format cannot express; never as output its schema or
		// validator rejects, which would be a writer's bug.
		a := exampleAdvisory(t)
		a.Content = c
		for _, fm := range formats.All {
			_, err := fm.Marshal(a.Document())
			if c.Complete() == nil && errors.Is(err, publish.ErrSchema) {
				t.Fatalf("%s: %v", fm.Name, err)
			}
		}
	})
}
