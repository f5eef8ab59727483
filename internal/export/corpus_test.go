package export_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/TcM1911/stix2"
	"github.com/ossf/osv-schema/bindings/go/osvschema"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/formats"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
	"github.com/vmc-dev/vmc/internal/publish/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// corpusZips are the archives of the shared corpus sampled for the
// export test, with how many of each archive's records to take (the
// first, in archive order: the same every run).
var corpusZips = []struct {
	path string
	n    int
}{
	{"osv/Go/all.zip", 300},
	{"osv/crates.io/all.zip", 200},
	{"osv/Bitnami/all.zip", 200},
	{"osv/AlmaLinux/all.zip", 150},
	{"cve5/cves.zip", 400},
}

// corpusDirs are read whole.
var corpusDirs = []string{"cve5/samples", "nvd/feed/cve", "nvd/api-cve/fixtures", "cnvd/samples", "jvn/rss", "jvn/detail",
	"osv/PyPI-yaml", "osv/schema/linter-testdata", "csaf/examples", "kev/known_exploited_vulnerabilities.json"}

// importCorpus imports the sample of the shared corpus into s.
func importCorpus(t *testing.T, s store.Store) ingest.Report {
	t.Helper()
	mfs := fstest.MapFS{}
	for _, z := range corpusZips {
		for name, b := range zipDocs(t, z.path, z.n) {
			mfs[filepath.ToSlash(filepath.Join(filepath.Dir(z.path), strings.ReplaceAll(name, ":", "_")))] = &fstest.MapFile{Data: b}
		}
	}
	ctx := context.Background()
	im := &ingest.Importer{Store: s, Sources: ingest.Sources()}
	rep, err := im.ImportFS(ctx, mfs)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range corpusDirs {
		paths = append(paths, feedtest.SharedData(t, d))
	}
	more, err := im.Import(ctx, paths...)
	if err != nil {
		t.Fatal(err)
	}
	rep.Add(more)
	return rep
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// allVulns lists the ids of every vulnerability s holds.
func allVulns(t *testing.T, s store.Store) []string {
	t.Helper()
	var ids []string
	q := store.VulnQuery{Limit: 500, Sort: "id"}
	for {
		p, err := s.ListVulns(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Items {
			ids = append(ids, v.ID)
		}
		if p.Next == "" {
			return ids
		}
		q.After = p.Next
	}
}

// validators check one export in each format with tools vmc's writers
// do not use themselves: the shared corpus's copies of the schemas,
// compiled here, and readers written by others.
func validators(t *testing.T) map[string]func([]byte) error {
	osvSchema := publishtest.SharedSchema(t, "osv/schema/schema.json", "https://raw.githubusercontent.com/ossf/osv-schema/main/validation/schema.json")
	// CVE JSON 5's schemas declare formats (uri, date-time, uuid); they
	// are asserted, as CVE Services does on submission: a record vmc
	// writes must be one CVE would accept. (Five real GitLab records
	// carry git:// repo URLs that fail format uri; as imported records
	// their containers are vmc's to write, and the writer must not pass
	// such a URL on — if it does, this test says so.)
	cnaSchema := publishtest.SharedSchema(t, "cve5/schema/CVE_JSON_cnaPublishedContainer_5.1.1.json", "https://example.invalid/cna.json")
	recordSchema := publishtest.SharedSchema(t, "cve5/schema/CVE_JSON_bundled_5.1.1.json", "https://example.invalid/bundled.json")
	stixSchema := publishtest.STIXSchema(t)
	return map[string]func([]byte) error{
		"osv": func(b []byte) error {
			if err := osvSchema(b); err != nil {
				return err
			}
			var v osvschema.Vulnerability
			return protojson.Unmarshal(b, &v)
		},
		"cve5": func(b []byte) error {
			if err := cnaSchema(b); err != nil {
				return err
			}
			return recordSchema(publishtest.CVERecord(t, "CVE-2026-41234", b))
		},
		"csaf": func(b []byte) error {
			res, err := csaf.Validate(b)
			if err != nil {
				return err
			}
			for _, f := range res.Findings {
				if f.Severity == csaf.Error {
					return fmt.Errorf("test %s at %s: %s", f.Test, f.Path, f.Message)
				}
			}
			return nil
		},
		"stix": func(b []byte) error {
			if err := stixSchema(b); err != nil {
				return err
			}
			if err := stix.Check(b); err != nil {
				return err
			}
			_, err := stix2.FromJSON(b)
			return err
		},
	}
}

// TestCorpus imports more than a thousand real records of mixed sources
// from ../shared/data (OSV from four databases, CVE JSON 5, NVD, CNVD,
// JVN, CSAF, KEV), exports every vulnerability in every format and holds
// every export to its validators. A format may refuse a record it cannot
// express (publish.ErrInvalid: OSV a product that is no package, CVE
// JSON 5 a record without a CVE id, any format a record that names
// nothing affected); the counts are logged. What is written must pass.
// The CSAF exports also go through BSI's csaf-validator-lib when it is
// installed (internal/csaf/testdata/bsi).
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("imports and exports about 1,500 records; skipped with -short")
	}
	s := openStore(t)
	// A CVE JSON 5 container names its CNA: the organisation's settings.
	if err := s.PutAdvisorySettings(context.Background(), incident.AdvisorySettings{Prefix: "VMC-SA", Publisher: testPublisher}, "admin"); err != nil {
		t.Fatal(err)
	}
	rep := importCorpus(t, s)
	t.Logf("imported %d records (%d rejected) by source %v", rep.Read, rep.Rejected, rep.BySource)
	if rep.Read < 1000 {
		t.Fatalf("only %d records imported", rep.Read)
	}
	ids := allVulns(t, s)
	check := validators(t)
	written, refused := map[string]int{}, map[string]map[string]int{}
	csafDir := t.TempDir()
	var csafFiles []string
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, id := range ids {
		for _, f := range formats.All {
			res, err := export.Vuln(context.Background(), s, export.Request{ID: id, Format: f.Name, Actor: "test", Now: now})
			switch {
			case errors.Is(err, publish.ErrInvalid) && !errors.Is(err, publish.ErrSchema):
				if refused[f.Name] == nil {
					refused[f.Name] = map[string]int{}
				}
				refused[f.Name][reason(err)]++
				continue
			case errors.Is(err, incident.ErrWithheld):
				refused[f.Name+" (withheld)"] = map[string]int{reason(err): 1}
				continue
			case err != nil:
				t.Errorf("%s as %s: %v", id, f.Name, err)
				continue
			}
			if err := check[f.Name](res.Body); err != nil {
				t.Errorf("%s as %s: %v", id, f.Name, err)
				continue
			}
			written[f.Name]++
			if f.Name == "csaf" {
				name := filepath.Join(csafDir, fmt.Sprintf("%05d.json", len(csafFiles)))
				if err := os.WriteFile(name, res.Body, 0o644); err != nil {
					t.Fatal(err)
				}
				csafFiles = append(csafFiles, name)
			}
		}
	}
	t.Logf("%d vulnerabilities; written and valid: %v", len(ids), written)
	for f, rs := range refused {
		t.Logf("refused as %s: %v", f, rs)
	}
	if len(ids) < 1000 {
		t.Errorf("only %d vulnerabilities to export", len(ids))
	}
	for _, f := range formats.All {
		if written[f.Name] < 100 {
			t.Errorf("only %d vulnerabilities written as %s", written[f.Name], f.Name)
		}
	}
	bsi(t, csafFiles)
}

// testPublisher issues the test's exports: a CNA, so that CVE JSON 5
// containers can be written.
var testPublisher = publish.Publisher{Name: "vmc test", Namespace: "https://vmc.example", Category: "other",
	CSAFBase: "https://vmc.example/csaf", CNAOrgID: "8254265b-2729-46b6-b9e3-3dfca2d5bfca", CNAShortName: "vmc"}

var quoted = regexp.MustCompile(`"[^"]*"|[A-Z]+-[0-9A-Za-z:-]+`)

// reason shortens a refusal to its kind: its message without the
// record's ids and quoted values.
func reason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "invalid document: "); i >= 0 {
		msg = msg[i+len("invalid document: "):]
	}
	return strings.TrimSpace(quoted.ReplaceAllString(msg, "…"))
}

// bsi runs BSI's csaf-validator-lib (schema, mandatory and optional
// tests) over files through the harness of internal/csaf, and fails on
// any schema or mandatory test error. Optional tests' warnings are
// counted, not failed: vmc converts what sources say, and a source's
// record without a score or remediation draws them (formats.CheckRelease
// holds the organisation's own advisories to them).
func bsi(t *testing.T, files []string) {
	dir, err := filepath.Abs("../csaf/testdata/bsi")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@secvisogram", "csaf-validator-lib", "package.json")); err != nil {
		msg := "BSI csaf-validator-lib NOT RUN: npm ci --prefix internal/csaf/testdata/bsi"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Log(msg)
		return
	}
	cmd := exec.Command("node", "validate.mjs")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(strings.Join(files, "\n") + "\n")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node validate.mjs: %v", err)
	}
	results, err := decodeBSI(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(files) {
		t.Fatalf("BSI: %d results for %d files", len(results), len(files))
	}
	warnings := map[string]int{}
	for _, r := range results {
		if r.ParseError != "" || r.Error != "" {
			t.Errorf("BSI: %s: %s%s", r.File, r.ParseError, r.Error)
			continue
		}
		for _, tc := range r.Tests {
			if len(tc.Errors) > 0 {
				b, _ := os.ReadFile(r.File)
				t.Errorf("BSI: %s: %s: %s\n%.600s", r.File, tc.Name, tc.Errors, b)
			}
			if len(tc.Warnings) > 0 {
				warnings[tc.Name]++
			}
		}
	}
	t.Logf("BSI: %d CSAF documents, no errors; optional-test warnings by test: %v", len(results), warnings)
}

// bsiResult is one entry of validate.mjs's output.
type bsiResult struct {
	File       string `json:"file"`
	ParseError string `json:"parseError"`
	Error      string `json:"error"`
	Tests      []struct {
		Name     string            `json:"name"`
		Errors   []json.RawMessage `json:"errors"`
		Warnings []json.RawMessage `json:"warnings"`
	} `json:"tests"`
}

func decodeBSI(out []byte) ([]bsiResult, error) {
	var rs []bsiResult
	if err := json.Unmarshal(out, &rs); err != nil {
		return nil, fmt.Errorf("decode validate.mjs output: %w", err)
	}
	return rs, nil
}
