package publish_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
)

// TestRedact holds Redact to the table in doc.go, field by field, for
// each level.
func TestRedact(t *testing.T) {
	type view struct {
		Notes, Refs, CWEs, Ranges []string
	}
	in := publishtest.Load(t, "shop")
	in.Vuln.Affected[0].Ranges = append(in.Vuln.Affected[0].Ranges, advisory.Range{Type: advisory.RangeGit, Repo: "https://git.acme.example/shop",
		Events: []advisory.Event{{Introduced: "0"}, {Fixed: "4f1c2e9"}}})
	in.Vuln.References = append(in.Vuln.References, advisory.Reference{Type: "DETECTION", URL: "https://rules.example/1"}, advisory.Reference{URL: "https://untyped.example"})
	in.Vuln.KEV = &advisory.KEV{DateAdded: "2026-11-21"}
	before, _ := json.Marshal(in)
	for _, tc := range []struct {
		level publish.Level
		want  view
	}{
		{publish.Minimal, view{
			Refs:   []string{"ADVISORY"},
			Ranges: []string{"ECOSYSTEM", "ECOSYSTEM"},
		}},
		{publish.Standard, view{
			Notes:  []string{"details"},
			Refs:   []string{"ADVISORY", "FIX", "REPORT", "DETECTION", ""},
			CWEs:   []string{"CWE-434", "CWE-20"},
			Ranges: []string{"ECOSYSTEM", "GIT", "ECOSYSTEM"},
		}},
		{publish.Full, view{
			Notes:  []string{"details", "exploit"},
			Refs:   []string{"ADVISORY", "FIX", "REPORT", "EVIDENCE", "DETECTION", ""},
			CWEs:   []string{"CWE-434", "CWE-20"},
			Ranges: []string{"ECOSYSTEM", "GIT", "ECOSYSTEM"},
		}},
		{"secret", view{ // an unknown level publishes no more than minimal
			Refs:   []string{"ADVISORY"},
			Ranges: []string{"ECOSYSTEM", "ECOSYSTEM"},
		}},
	} {
		d := in
		d.Level = tc.level
		r := d.Redact()
		var got view
		for _, n := range r.Vuln.Notes {
			got.Notes = append(got.Notes, n.Category)
		}
		for _, x := range r.Vuln.References {
			got.Refs = append(got.Refs, x.Type)
		}
		for _, c := range r.Vuln.CWEs {
			got.CWEs = append(got.CWEs, c.ID)
		}
		for _, a := range r.Vuln.Affected {
			for _, rg := range a.Ranges {
				got.Ranges = append(got.Ranges, string(rg.Type))
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s -want +got:\n%s", tc.level, diff)
		}
		if r.Vuln.KEV != nil {
			t.Errorf("%s: KEV kept", tc.level)
		}
		// What every level publishes is kept.
		if r.Description() != in.Description() || len(r.Vuln.Credits) != 2 || len(r.Vuln.Severities) != 2 ||
			len(r.Vuln.Affected[0].Remediations) != 2 || r.Criticality != in.Criticality {
			t.Errorf("%s: lost what every level publishes: %+v", tc.level, r)
		}
	}
	if after, _ := json.Marshal(in); string(after) != string(before) {
		t.Error("Redact changed its input")
	}
}

func TestLevelText(t *testing.T) {
	var l publish.Level
	if err := l.UnmarshalText([]byte("standard")); err != nil || l != publish.Standard {
		t.Errorf("standard: %v %v", l, err)
	}
	if err := l.UnmarshalText([]byte("Full")); err == nil || !strings.Contains(err.Error(), `unknown detail level "Full"`) {
		t.Errorf("Full: %v", err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *publish.Document)
		want string // "" for valid
	}{
		{"the example", func(d *publish.Document) {}, ""},
		{"a path as id", func(d *publish.Document) { d.ID = "../etc/passwd" }, `id: "../etc/passwd" is not an identifier`},
		{"no title", func(d *publish.Document) { d.Title = " " }, "title: empty"},
		{"a bad language", func(d *publish.Document) { d.Lang = "english!" }, `lang: "english!" is not a language tag`},
		{"TLP 1.0", func(d *publish.Document) { d.TLP = "WHITE" }, `tlp: "WHITE" is not a TLP 2.0 label`},
		{"no level", func(d *publish.Document) { d.Level = "" }, `level: unknown ""`},
		{"an unknown status", func(d *publish.Document) { d.Status = "interim" }, `status: unknown "interim"`},
		{"no publisher", func(d *publish.Document) { d.Publisher.Name = "" }, "publisher.name: empty"},
		{"a namespace that is no address", func(d *publish.Document) { d.Publisher.Namespace = "acme" }, `publisher.namespace: "acme" is not an http(s) address`},
		{"an unknown publisher category", func(d *publish.Document) { d.Publisher.Category = "cna" }, `publisher.category: unknown "cna"`},
		{"a CSAF base over http", func(d *publish.Document) { d.Publisher.CSAFBase = "http://psirt.acme.example/csaf" }, "publisher.csaf_base: "},
		{"a final document without revisions", func(d *publish.Document) { d.Revisions = nil }, "revisions: a final document has at least one"},
		{"a revision dated before the one before", func(d *publish.Document) { d.Revisions[1].Date = d.Revisions[0].Date.AddDate(0, 0, -1) }, "revisions[1].date: "},
		{"a revision without summary", func(d *publish.Document) { d.Revisions[0].Summary = "" }, "revisions[0].summary: empty"},
		{"a draft with revisions", func(d *publish.Document) { d.Status = publish.Draft }, "revisions: a draft has no released revisions"},
		{"a draft without a date", func(d *publish.Document) { d.Status, d.Revisions = publish.Draft, nil }, "drafted: "},
		{"no summary", func(d *publish.Document) { d.Vuln.Descriptions = nil }, "vuln.descriptions: no summary"},
		{"nothing affected", func(d *publish.Document) { d.Vuln.Affected = nil }, "vuln.affected: no affected product"},
		{"an affected entry naming nothing beside one that does", func(d *publish.Document) {
			d.Vuln.Affected[1] = advisory.Affected{Vendor: "Acme", Versions: []string{"1"}}
		}, ""},
		{"no affected entry naming anything", func(d *publish.Document) {
			d.Vuln.Affected = []advisory.Affected{{Vendor: "Acme", Versions: []string{"1"}}}
		}, "vuln.affected: no entry names a purl, package or product"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := publishtest.Load(t, "shop")
			tc.edit(&d)
			err := d.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestTracking(t *testing.T) {
	d := publishtest.Load(t, "shop")
	if d.Version() != "2" || !d.Initial().Equal(d.Revisions[0].Date) || !d.Current().Equal(d.Revisions[1].Date) || d.CVE() != "CVE-2026-41234" {
		t.Errorf("final: version %s initial %v current %v cve %s", d.Version(), d.Initial(), d.Current(), d.CVE())
	}
	a := publishtest.Load(t, "appliance")
	if a.Version() != "0" || !a.Initial().Equal(a.Drafted) || !a.Current().Equal(a.Drafted) || a.CVE() != "" {
		t.Errorf("draft: version %s initial %v current %v cve %s", a.Version(), a.Initial(), a.Current(), a.CVE())
	}
}
