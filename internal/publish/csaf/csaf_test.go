package csaf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	validator "github.com/vmc-dev/vmc/internal/csaf"
	feedcsaf "github.com/vmc-dev/vmc/internal/feed/csaf"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/csaf"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
)

func golden(name string) string { return filepath.Join("testdata", name+".json") }

func TestGolden(t *testing.T) {
	for _, name := range publishtest.Names {
		t.Run(name, func(t *testing.T) {
			b, err := csaf.Marshal(publishtest.Load(t, name))
			if err != nil {
				t.Fatal(err)
			}
			publishtest.Golden(t, golden(name), b)
		})
	}
}

// informative are the informative tests (CSAF 6.3) a vmc advisory may
// fail, and why: they note what CSAF calls less precise, not an error.
var informative = map[string]string{
	"6.3.3":  "an advisory before its CVE is assigned has none",
	"6.3.4":  "the minimal level leaves the CWE out",
	"6.3.9":  "an affected range is a product_version_range, not a product_version",
	"6.3.10": "an affected range is a product_version_range",
}

// acceptable lists what keeps a document from being one vmc may publish:
// any error (schema, mandatory test) or warning (optional test), and any
// informative finding not explained above.
func acceptable(t *testing.T, b []byte) []string {
	t.Helper()
	res, err := validator.Validate(b)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, f := range res.Findings {
		if _, ok := informative[f.Test]; f.Severity == validator.Info && ok {
			continue
		}
		bad = append(bad, fmt.Sprintf("%s %s %s: %s", f.Severity, f.Test, f.Path, f.Message))
	}
	return bad
}

// TestValidates holds the golden files to vmc's CSAF validator: the
// schema, every mandatory and every optional test, and no informative
// finding but the expected ones.
func TestValidates(t *testing.T) {
	for _, name := range publishtest.Names {
		b, err := os.ReadFile(golden(name))
		if err != nil {
			t.Fatal(err)
		}
		if bad := acceptable(t, b); len(bad) > 0 {
			t.Errorf("%s:\n%s", name, strings.Join(bad, "\n"))
		}
	}
}

// TestBrokenOutputIsCaught breaks the golden file the ways a writer could
// and checks that the validation above would fail: it is what stands
// between a writer bug and a published document.
func TestBrokenOutputIsCaught(t *testing.T) {
	good, err := os.ReadFile(golden("shop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		raw  func(b []byte) []byte
	}{
		{name: "keys out of order (6.2.13)", raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"category": "csaf_security_advisory",
    "csaf_version": "2.0",`), []byte(`"csaf_version": "2.0",
    "category": "csaf_security_advisory",`), 1)
		}},
		{name: "product status names an undefined product (6.1.1)", edit: func(m map[string]any) {
			v := m["vulnerabilities"].([]any)[0].(map[string]any)
			ps := v["product_status"].(map[string]any)
			ps["known_affected"] = append(ps["known_affected"].([]any), "CSAFPID-9999")
		}},
		{name: "a CWE name the catalogue does not give (6.1.11)", edit: func(m map[string]any) {
			m["vulnerabilities"].([]any)[0].(map[string]any)["cwe"].(map[string]any)["name"] = "File upload"
		}},
		{name: "a base score that is not the vector's (6.1.9)", edit: func(m map[string]any) {
			s := m["vulnerabilities"].([]any)[0].(map[string]any)["scores"].([]any)[0].(map[string]any)
			s["cvss_v3"].(map[string]any)["baseScore"] = 9.9
		}},
		{name: "a fixed product scored (6.2.19)", edit: func(m map[string]any) {
			v := m["vulnerabilities"].([]any)[0].(map[string]any)
			fixed := v["product_status"].(map[string]any)["fixed"].([]any)
			s := v["scores"].([]any)[0].(map[string]any)
			s["products"] = append(s["products"].([]any), fixed[0])
		}},
		{name: "a final document at version 0 (6.1.18)", edit: func(m map[string]any) {
			tr := m["document"].(map[string]any)["tracking"].(map[string]any)
			tr["version"] = "0"
			tr["revision_history"] = append(tr["revision_history"].([]any), map[string]any{"date": "2026-12-03T10:00:00Z", "number": "0", "summary": "x"})
		}},
		{name: "an affected product without remediation (6.2.2)", edit: func(m map[string]any) {
			delete(m["vulnerabilities"].([]any)[0].(map[string]any), "remediations")
		}},
		{name: "a TLP 2.0 label CSAF 2.0 does not know (schema)", edit: func(m map[string]any) {
			m["document"].(map[string]any)["distribution"].(map[string]any)["tlp"].(map[string]any)["label"] = "CLEAR"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := good
			if tc.raw != nil {
				b = tc.raw(b)
				if bytes.Equal(b, good) {
					t.Fatal("the edit changed nothing")
				}
			} else {
				var m map[string]any
				if err := json.Unmarshal(good, &m); err != nil {
					t.Fatal(err)
				}
				tc.edit(m)
				if b, err = json.Marshal(m); err != nil {
					t.Fatal(err)
				}
			}
			if len(acceptable(t, b)) == 0 {
				t.Errorf("the broken document passes")
			}
		})
	}
}

// TestRoundTrip reads the written documents with vmc's own CSAF importer
// (internal/feed/csaf) and compares what comes back with what went in.
func TestRoundTrip(t *testing.T) {
	for _, name := range publishtest.Names {
		t.Run(name, func(t *testing.T) {
			d := publishtest.Load(t, name)
			b, err := csaf.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			recs, errs := feedtest.Collect(feedcsaf.Parse(name+".json", bytes.NewReader(b)))
			if len(errs) > 0 || len(recs) != 1 {
				t.Fatalf("%d records, errors %v", len(recs), errs)
			}
			got, red := recs[0], d.Redact()
			wantTLP := d.TLP
			if wantTLP == "AMBER+STRICT" {
				wantTLP = "RED" // see TestTLP
			}
			wantID := d.CVE()
			if wantID == "" {
				wantID = d.ID
			}
			if got.ID != wantID || got.Document != d.ID || got.TLP != wantTLP {
				t.Errorf("id %q document %q tlp %q, want %q %q %q", got.ID, got.Document, got.TLP, wantID, d.ID, wantTLP)
			}
			if len(got.Descriptions) == 0 || got.Descriptions[0].Value != d.Description() {
				t.Errorf("descriptions %+v", got.Descriptions)
			}
			var wantCWE, gotCWE []string
			if len(red.Vuln.CWEs) > 0 {
				wantCWE = []string{red.Vuln.CWEs[0].ID}
			}
			for _, c := range got.CWEs {
				gotCWE = append(gotCWE, c.ID)
			}
			if !slices.Equal(wantCWE, gotCWE) {
				t.Errorf("CWEs %v, want %v", gotCWE, wantCWE)
			}
			var vectors []string
			for _, s := range got.Severities {
				if s.Type.IsCVSS() {
					vectors = append(vectors, s.Vector)
				}
			}
			if !slices.Equal(vectors, []string{d.Vuln.Severities[0].Vector}) {
				t.Errorf("CVSS vectors %v, want the v3.1 one only (CSAF 2.0 has no v4.0)", vectors)
			}
			var wantRefs, gotRefs []string
			for _, r := range red.Vuln.References {
				wantRefs = append(wantRefs, r.URL)
			}
			for _, r := range got.References {
				if !strings.HasSuffix(r.URL, csaf.FileName(d.ID)) {
					gotRefs = append(gotRefs, r.URL)
				}
			}
			if diff := cmp.Diff(wantRefs, gotRefs); diff != "" {
				t.Errorf("references -want +got:\n%s", diff)
			}
			statuses := map[string]int{}
			for _, a := range got.Affected {
				if a.PURL == "" {
					t.Errorf("affected %+v has no purl", a)
				}
				statuses[a.Status]++
			}
			if statuses["known_affected"] == 0 || statuses["fixed"] == 0 {
				t.Errorf("affected statuses %v", statuses)
			}
		})
	}
}

func TestRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *publish.Document)
		want string
	}{
		{"no id", func(d *publish.Document) { d.ID = "" }, "id: "},
		{"a broken vector", func(d *publish.Document) { d.Vuln.Severities[0].Vector = "CVSS:3.1/AV:X" }, "vuln.severities[0]: cvss"},
		{"a range that ends before it starts", func(d *publish.Document) {
			d.Vuln.Affected[0].Ranges[0].Events = d.Vuln.Affected[0].Ranges[0].Events[1:]
		}, "vuln.affected[0].ranges[0]: events[0]: an end with no introduced before it"},
		{"revisions out of order", func(d *publish.Document) { d.Revisions[1].Number = 3 }, "revisions[1].number: 3, want 2"},
		{"an unknown TLP label", func(d *publish.Document) { d.TLP = "WHITE" }, `tlp: "WHITE" is not a TLP 2.0 label`},
		{"a purl that does not parse", func(d *publish.Document) { d.Vuln.Affected[0].PURL = "pkg:" }, "vuln.affected[0]: purl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := publishtest.Load(t, "shop")
			tc.edit(&d)
			_, err := csaf.Marshal(d)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, publish.ErrInvalid) && !errors.Is(err, publish.ErrSchema) {
				t.Errorf("error %v, want ErrInvalid or ErrSchema containing %q", err, tc.want)
			}
		})
	}
}

// TestTLP checks how TLP 2.0 labels become CSAF 2.0's: CLEAR is WHITE,
// AMBER+STRICT, which CSAF 2.0 cannot say, is marked with a text saying
// what it means, as RED: AMBER would widen the audience.
func TestTLP(t *testing.T) {
	for _, tc := range []struct{ tlp, label, text string }{
		{"CLEAR", "WHITE", ""},
		{"GREEN", "GREEN", ""},
		{"AMBER", "AMBER", ""},
		{"AMBER+STRICT", "RED", "TLP:AMBER+STRICT: the recipient's organisation only, not its clients. CSAF 2.0 has no such label; it is marked RED so as not to widen the audience."},
		{"RED", "RED", ""},
	} {
		d := publishtest.Load(t, "shop")
		d.TLP = tc.tlp
		b, err := csaf.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Document struct {
				Distribution struct {
					Text string
					TLP  struct{ Label string }
				}
			}
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if dd := got.Document.Distribution; dd.TLP.Label != tc.label || dd.Text != tc.text {
			t.Errorf("TLP:%s is written as %q with text %q", tc.tlp, dd.TLP.Label, dd.Text)
		}
	}
}

// TestBSI validates the golden files with BSI's csaf-validator-lib (the
// library Secvisogram uses), through the script internal/csaf's own BSI
// comparison runs: the schema, mandatory and optional tests must all
// pass. Without the library (npm ci --prefix internal/csaf/testdata/bsi)
// the test is skipped, except under CI.
func TestBSI(t *testing.T) {
	if testing.Short() {
		t.Skip("BSI validation takes about 25 s (node loading the library); skipped with -short")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "csaf", "testdata", "bsi"))
	if err != nil {
		t.Fatal(err)
	}
	missing := func(what string) {
		msg := "BSI validation not run: " + what + "; install it with npm ci --prefix internal/csaf/testdata/bsi"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@secvisogram", "csaf-validator-lib")); err != nil {
		missing("the library is not installed")
	}
	var files []string
	for _, name := range publishtest.Names {
		f, err := filepath.Abs(golden(name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "validate.mjs")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(strings.Join(files, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node validate.mjs: %v\n%s", err, stderr.String())
	}
	var results []struct {
		File       string
		ParseError string
		Error      string
		IsValid    bool
		Tests      []struct {
			Name     string
			IsValid  bool
			Errors   []json.RawMessage
			Warnings []json.RawMessage
		}
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != len(files) {
		t.Fatalf("%d results for %d files", len(results), len(files))
	}
	for _, r := range results {
		if r.ParseError != "" || r.Error != "" || !r.IsValid {
			t.Errorf("%s: BSI: valid %v, %s%s", filepath.Base(r.File), r.IsValid, r.ParseError, r.Error)
		}
		ran := 0
		for _, tst := range r.Tests {
			ran++
			if !tst.IsValid || len(tst.Errors) > 0 || len(tst.Warnings) > 0 {
				t.Errorf("%s: BSI %s: errors %s, warnings %s", filepath.Base(r.File), tst.Name, tst.Errors, tst.Warnings)
			}
		}
		if ran < 40 {
			t.Errorf("%s: BSI ran %d tests; the schema, mandatory and optional tests are more", filepath.Base(r.File), ran)
		}
	}
}

// TestCWEs: CSAF 2.0 holds one CWE, from the catalogue; a merged record
// may carry others, and ids the catalogue does not know.
func TestCWEs(t *testing.T) {
	d := publishtest.Load(t, "shop")
	d.Vuln.CWEs = []advisory.CWE{{ID: "NVD-CWE-noinfo"}, {ID: "CWE-434"}, {ID: "CWE-20"}}
	b, err := csaf.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Vulnerabilities []struct {
			CWE   struct{ ID, Name string }
			Notes []struct{ Title, Text string }
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	v := got.Vulnerabilities[0]
	if v.CWE.ID != "CWE-434" || v.CWE.Name != "Unrestricted Upload of File with Dangerous Type" ||
		!slices.ContainsFunc(v.Notes, func(n struct{ Title, Text string }) bool { return n.Text == "NVD-CWE-noinfo, CWE-20" }) {
		t.Errorf("cwe %+v, notes %+v", v.CWE, v.Notes)
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"ACME-SA-2026-0007": "acme-sa-2026-0007.json",
		"CVE-2026-41234":    "cve-2026-41234.json",
		"RHSA-2022:0216":    "rhsa-2022_0216.json",
	} {
		if got := csaf.FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}
