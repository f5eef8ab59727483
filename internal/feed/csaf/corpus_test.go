package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// tally counts what a set of documents yields.
type tally struct {
	Documents, Records                     int
	Status                                 map[string]int
	Justified, Remediations, Severities    int
	CWEs, Aliases, Credits, References, ID int
}

func (s *tally) add(t *testing.T, name string, data []byte) (errs []string) {
	t.Helper()
	s.Documents++
	for rec, err := range Parse(name, bytes.NewReader(data)) {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if err := rec.Validate(); err != nil {
			t.Errorf("%s: %s: Validate: %v", name, rec.ID, err)
		}
		s.Records++
		if s.Status == nil {
			s.Status = map[string]int{}
		}
		for _, a := range rec.Affected {
			s.Status[a.Status]++
			if a.Justification != "" {
				s.Justified++
			}
			s.Remediations += len(a.Remediations)
		}
		s.Severities += len(rec.Severities)
		s.CWEs += len(rec.CWEs)
		s.Aliases += len(rec.Aliases)
		s.Credits += len(rec.Credits)
		s.References += len(rec.References)
		for _, n := range rec.Notes {
			if n.Category == "id" {
				s.ID++
			}
		}
	}
	return errs
}

// TestCorpus parses every CSAF document of the shared corpus: the official
// examples, the gocsaf provider trees and the go-vex test documents. Each
// must sniff as CSAF and yield exactly the records and errors pinned
// here; the only errors are those of the two documents broken on purpose.
func TestCorpus(t *testing.T) {
	root := filepath.Dir(feedtest.SharedData(t, "csaf/examples"))
	shared := filepath.Dir(root)
	var got tally
	gotErrs := map[string][]string{}
	var skipped []string
	visit := func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(shared, path)
		// The provider trees are Go text/templates ({{.URL}}, {{if
		// .EnableSha256}}) until gocsaf's tests render them; the
		// advisories themselves are plain JSON.
		if bytes.Contains(data, []byte("{{")) {
			skipped = append(skipped, rel)
			return
		}
		if !Sniff(filepath.Base(path), data[:min(len(data), 4096)]) {
			t.Errorf("Sniff(%s) = false", rel)
		}
		if errs := got.add(t, filepath.Base(path), data); len(errs) > 0 {
			gotErrs[rel] = errs
		}
	}
	for _, dir := range []string{"csaf/examples/csaf", "csaf/provider", "openvex/go-vex-testdata"} {
		err := filepath.WalkDir(filepath.Join(shared, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			if dir == "openvex/go-vex-testdata" && filepath.Base(p) != "csaf.json" {
				return nil // OpenVEX documents, feed/openvex's
			}
			visit(p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	want := tally{
		Documents: 27, Records: 70,
		Status: map[string]int{"known_affected": 290, "fixed": 27, "first_fixed": 1, "recommended": 1,
			"known_not_affected": 55, "under_investigation": 17},
		// The 4 not justified are Red Hat's, which says why in no field.
		Justified: 51, Remediations: 312, Severities: 15,
		CWEs: 4, Credits: 2, References: 48, ID: 6,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tally -want +got:\n%s", diff)
	}
	wantErrs := map[string][]string{
		"csaf/provider/csaf-documents/trailing-garbage-data/avendor-advisory-0004.json": {
			"(document): malformed input: invalid JSON at byte 4242: invalid character 'i' after top-level value"},
		"openvex/go-vex-testdata/csaf/csaf.json": {
			`CVE-2009-4487: vulnerabilities[0].product_status.known_affected[0]: malformed input: undefined product "ABC:CSAFPID-0002"`,
			`CVE-2009-4488: vulnerabilities[1].product_status.known_affected[0]: malformed input: undefined product "ABC:CSAFPID-0002"`},
	}
	if diff := cmp.Diff(wantErrs, gotErrs); diff != "" {
		t.Errorf("errors -want +got:\n%s", diff)
	}
	wantSkipped := []string{
		"csaf/provider/processor-requirements/directory.json",
		"csaf/provider/processor-requirements/rolie.json",
		"csaf/provider/processor-requirements/sha256-directory.json",
		"csaf/provider/processor-requirements/sha256-rolie.json",
		"csaf/provider/processor-requirements/sha256-sha512-directory.json",
		"csaf/provider/processor-requirements/sha256-sha512-forbid-sha256-forbid-sha512-rolie.json",
		"csaf/provider/processor-requirements/sha256-sha512-forbid-sha256-rolie.json",
		"csaf/provider/processor-requirements/sha256-sha512-forbid-sha512-rolie.json",
		"csaf/provider/processor-requirements/sha256-sha512-rolie.json",
		"csaf/provider/processor-requirements/sha512-directory.json",
		"csaf/provider/processor-requirements/sha512-rolie.json",
		"csaf/provider/simple-directory-provider/provider-metadata.json",
		"csaf/provider/simple-rolie-provider/provider-metadata.json",
		"csaf/provider/simple-rolie-provider/service.json",
		"csaf/provider/simple-rolie-provider/white/white-feed.json",
	}
	slices.Sort(skipped)
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("skipped templates -want +got:\n%s", diff)
	}
}

// TestNotCSAF checks that the other CSAF-related documents of the official
// examples (ROLIE feeds, aggregator lists, provider metadata) do not sniff
// as CSAF documents, and that Parse refuses them as a whole.
func TestNotCSAF(t *testing.T) {
	root := feedtest.SharedData(t, "csaf/examples")
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.json"))
	n := 0
	for _, f := range files {
		if filepath.Base(filepath.Dir(f)) == "csaf" {
			continue
		}
		n++
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if Sniff(filepath.Base(f), data) {
			t.Errorf("Sniff(%s) = true", f)
		}
		recs, errs := feedtest.Collect(Parse(filepath.Base(f), bytes.NewReader(data)))
		if len(recs) != 0 || len(errs) != 1 || !errors.Is(errs[0], feed.ErrFormat) {
			t.Errorf("%s: got %d records and errors %v, want one ErrFormat", f, len(recs), errs)
		}
	}
	if n != 8 {
		t.Errorf("found %d documents, want 8", n)
	}
}

// TestValidatorSuite runs the CSAF 2.0 conformance test documents
// (../shared/data/csaf/validator-tests; many break the specification on
// purpose) through Parse twice: as they are, and with a cve added to every
// vulnerability that has none, since most have neither cve nor ids and
// would otherwise stop at that first check. Parse must not panic, every
// error must locate its problem (a RecordError naming a record and field,
// or a document error naming a field and wrapping feed.ErrFormat), every
// record must validate, and the documents the suite calls valid must
// parse without error.
func TestValidatorSuite(t *testing.T) {
	root := feedtest.SharedData(t, "csaf/validator-tests")
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.json"))
	files = append(files, filepath.Join(root, "oasis_csaf_tc-csaf_2_0-2021-TEMPLATE.json"))
	if len(files) != 240 {
		t.Errorf("found %d documents, want 240", len(files))
	}
	valid := map[string]bool{}
	var cases struct {
		Tests []struct {
			Valid []struct{ Name string } `json:"valid"`
		} `json:"tests"`
	}
	data, err := os.ReadFile(filepath.Join(root, "testcases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases.Tests {
		for _, v := range tc.Valid {
			valid[filepath.FromSlash(v.Name)] = true
		}
	}

	type counts struct{ Records, RecordErrors, DocumentErrors int }
	var asIs, withCVE counts
	run := func(c *counts, name string, data []byte) (errs []error) {
		for rec, err := range Parse(name, bytes.NewReader(data)) {
			if err != nil {
				errs = append(errs, err)
				var re *feed.RecordError
				switch {
				case errors.As(err, &re) && re.Record != "" && re.Field != "" && errors.Is(err, feed.ErrFormat):
					c.RecordErrors++
				case !errors.As(err, &re) && errors.Is(err, feed.ErrFormat) && !strings.HasPrefix(err.Error(), feed.ErrFormat.Error()):
					c.DocumentErrors++
				default:
					t.Errorf("%s: error does not locate its problem: %v", name, err)
				}
				continue
			}
			c.Records++
			if err := rec.Validate(); err != nil {
				t.Errorf("%s: %s: Validate: %v", name, rec.ID, err)
			}
		}
		return errs
	}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		run(&asIs, rel, data)
		errs := run(&withCVE, rel, addCVEs(t, data))
		if valid[rel] && len(errs) > 0 {
			t.Errorf("%s is valid, but Parse says %v", rel, errs)
		}
	}
	if want := (counts{Records: 40, RecordErrors: 93}); asIs != want {
		t.Errorf("as they are: got %+v, want %+v", asIs, want)
	}
	if want := (counts{Records: 127, RecordErrors: 6}); withCVE != want {
		t.Errorf("with a cve added: got %+v, want %+v", withCVE, want)
	}
}

// addCVEs gives every vulnerability of a document without a cve one of
// its own, CVE-1900-NNNN by position.
func addCVEs(t *testing.T, data []byte) []byte {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	vulns, _ := doc["vulnerabilities"].([]any)
	for i, v := range vulns {
		if m, ok := v.(map[string]any); ok && m["cve"] == nil {
			m["cve"] = fmt.Sprintf("CVE-1900-%04d", i+1)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
