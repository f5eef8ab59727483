package formats_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/formats"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
)

// markers are pieces of the example "shop" document that only some
// levels publish, with the lowest level that does.
var markers = []struct {
	text  string
	level publish.Level
}{
	{"Acme Shop's back office accepts any file", publish.Minimal}, // the summary
	{"Update to 2.4.1 or 3.1.2.", publish.Minimal},                // the remediation
	{"https://psirt.acme.example/advisories/ACME-SA-2026-0007", publish.Minimal},
	{"CWE-434", publish.Standard},
	{"ImageController.upload", publish.Standard}, // the technical details
	{"commit/4f1c2e9", publish.Standard},         // the fixing commit
	{"SHOP-1182", publish.Standard},              // the bug report
	{"Upload a .jsp file", publish.Full},         // the exploitation
	{"acme-shop-upload-poc", publish.Full},       // the proof of concept
}

// TestLevels writes the example at each level in every format and checks
// that what a level leaves out appears in no format, and that what it
// publishes appears (CSAF and CVE JSON 5 carry everything the level
// allows; OSV, which has no field for CWEs but database_specific, too).
func TestLevels(t *testing.T) {
	for _, f := range formats.All {
		for _, l := range publish.Levels {
			d := publishtest.Load(t, "shop")
			d.Level = l
			b, err := f.Marshal(d)
			if err != nil {
				t.Fatalf("%s at %s: %v", f.Name, l, err)
			}
			for _, m := range markers {
				published := levelAtLeast(l, m.level)
				if got := strings.Contains(string(b), m.text); got != published {
					t.Errorf("%s at %s: %q written: %v, want %v", f.Name, l, m.text, got, published)
				}
			}
		}
	}
}

func levelAtLeast(l, min publish.Level) bool {
	rank := map[publish.Level]int{publish.Minimal: 0, publish.Standard: 1, publish.Full: 2}
	return rank[l] >= rank[min]
}

func TestCheck(t *testing.T) {
	avail, unavail, err := formats.Check(publishtest.Load(t, "shop"))
	if err != nil || strings.Join(avail, ",") != "csaf,osv,cve5,stix" || len(unavail) != 0 {
		t.Errorf("shop: %v %v %v", avail, unavail, err)
	}
	avail, unavail, err = formats.Check(publishtest.Load(t, "appliance"))
	if err != nil || strings.Join(avail, ",") != "csaf" || unavail["osv"] == nil || unavail["cve5"] == nil || unavail["stix"] == nil {
		t.Errorf("appliance: %v %v %v", avail, unavail, err)
	}
	bad := publishtest.Load(t, "shop")
	bad.Vuln.Severities[0].Vector = "CVSS:3.1/AV:X"
	if _, _, err := formats.Check(bad); err == nil || errors.Is(err, publish.ErrSchema) {
		t.Errorf("a document CSAF cannot express: %v", err)
	}
}

// TestAvailable holds the cheap question (Applies) to the answer writing
// gives (Check), document by document, including the documents the
// writers refuse in their own tests.
func TestAvailable(t *testing.T) {
	docs := map[string]publish.Document{}
	for _, name := range publishtest.Names {
		docs[name] = publishtest.Load(t, name)
	}
	noRefs := publishtest.Load(t, "shop")
	noRefs.Publisher.CSAFBase, noRefs.Vuln.References = "", nil
	docs["shop without references"] = noRefs
	chinese := publishtest.Load(t, "shop")
	chinese.Lang = "zh-CN"
	docs["shop in Chinese"] = chinese
	noCNA := publishtest.Load(t, "shop")
	noCNA.Publisher.CNAOrgID = ""
	docs["shop without a CNA"] = noCNA
	minimal := publishtest.Load(t, "shop")
	minimal.Level = publish.Minimal
	minimal.Publisher.CSAFBase = ""
	minimal.Vuln.References = minimal.Vuln.References[1:] // only a FIX link, which the minimal level leaves out
	docs["shop at minimal with only a fix link"] = minimal
	for name, d := range docs {
		avail, _, err := formats.Check(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := formats.Available(d); strings.Join(got, ",") != strings.Join(avail, ",") {
			t.Errorf("%s: Available %v, Check %v", name, got, avail)
		}
	}
}

// TestCheckRelease: what is released passes CSAF's optional tests too.
func TestCheckRelease(t *testing.T) {
	if _, _, err := formats.CheckRelease(publishtest.Load(t, "shop")); err != nil {
		t.Errorf("shop: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(d *publish.Document)
		want string
	}{
		{"no canonical URL", func(d *publish.Document) { d.Publisher.CSAFBase = "" }, "test 6.2.11"},
		{"no CVSS v3 score", func(d *publish.Document) { d.Vuln.Severities = d.Vuln.Severities[1:] }, "test 6.2.3"},
		{"no remediation", func(d *publish.Document) {
			for i := range d.Vuln.Affected {
				d.Vuln.Affected[i].Remediations = nil
			}
		}, "test 6.2.2"},
	} {
		d := publishtest.Load(t, "shop")
		tc.edit(&d)
		if _, _, err := formats.Check(d); err != nil {
			t.Errorf("%s: Check: %v", tc.name, err)
		}
		if _, _, err := formats.CheckRelease(d); err == nil || !errors.Is(err, publish.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: CheckRelease: %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestGet(t *testing.T) {
	if f, err := formats.Get("osv"); err != nil || f.Name != "osv" {
		t.Errorf("osv: %v %v", f.Name, err)
	}
	if _, err := formats.Get("cvrf"); err == nil || err.Error() != `unknown format "cvrf" (csaf, osv, cve5, stix)` {
		t.Errorf("cvrf: %v", err)
	}
	d := publishtest.Load(t, "shop")
	for name, want := range map[string]string{"csaf": "acme-sa-2026-0007.json", "osv": "x_ACME-SA-2026-0007.json", "cve5": "CVE-2026-41234.cna.json", "stix": "ACME-SA-2026-0007.stix.json"} {
		f, _ := formats.Get(name)
		if got := f.FileName(d); got != want {
			t.Errorf("%s file name %q, want %q", name, got, want)
		}
	}
}
