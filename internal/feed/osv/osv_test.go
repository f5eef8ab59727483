package osv

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// outcome lists what Parse yielded, in order: "record ID" or "error TEXT".
func outcome(t *testing.T, name, doc string) []string {
	t.Helper()
	var got []string
	for rec, err := range Parse(name, strings.NewReader(doc)) {
		if err != nil {
			if !errors.Is(err, feed.ErrFormat) {
				t.Errorf("error does not wrap feed.ErrFormat: %v", err)
			}
			got = append(got, "error "+err.Error())
			continue
		}
		if err := rec.Validate(); err != nil {
			t.Errorf("record %s fails Validate: %v", rec.ID, err)
		}
		got = append(got, "record "+rec.ID)
	}
	return got
}

// rec wraps record fields in a minimal valid OSV record.
func rec(fields string) string {
	if fields != "" {
		fields = "," + fields
	}
	return `{"id":"OSV-1","modified":"2024-01-02T03:04:05Z"` + fields + `}`
}

func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name string
		file string // default "x.json"
		doc  string
		want []string
	}{
		{name: "minimal record", doc: rec(""), want: []string{"record OSV-1"}},
		{name: "no id", doc: `{"modified":"2024-01-02T03:04:05Z"}`,
			want: []string{"error #1: id: malformed input: missing"}},
		{name: "unknown schema major version", doc: `{"schema_version":"2.0.0","id":"GO-2020-0001","modified":"2024-01-02T03:04:05Z"}`,
			want: []string{`error GO-2020-0001: schema_version: malformed input: unsupported "2.0.0" (vmc reads 1.x)`}},
		{name: "malformed id", doc: `{"id":"../etc/passwd","modified":"2024-01-02T03:04:05Z"}`,
			want: []string{`error #1: id: malformed input: malformed "../etc/passwd"`}},
		{name: "no modified", doc: `{"id":"OSV-1"}`,
			want: []string{"error OSV-1: modified: malformed input: missing"}},
		{name: "modified not RFC 3339", doc: `{"id":"OSV-1","modified":"2024-01-02"}`,
			want: []string{`error OSV-1: modified: malformed input: not an RFC 3339 time: "2024-01-02"`}},
		{name: "published not RFC 3339", doc: rec(`"published":"yesterday"`),
			want: []string{`error OSV-1: published: malformed input: not an RFC 3339 time: "yesterday"`}},
		{name: "withdrawn not RFC 3339", doc: rec(`"withdrawn":"2024-13-01T00:00:00Z"`),
			want: []string{`error OSV-1: withdrawn: malformed input: not an RFC 3339 time: "2024-13-01T00:00:00Z"`}},
		{name: "malformed alias", doc: rec(`"aliases":["CVE-2024-1","bad id"]`),
			want: []string{`error OSV-1: aliases[1]: malformed input: malformed id "bad id"`}},
		{name: "malformed related", doc: rec(`"related":["CVE-2024-1","not an id"]`),
			want: []string{`error OSV-1: related[1]: malformed input: malformed id "not an id"`}},
		{name: "malformed upstream", doc: rec(`"upstream":["ftp://x"]`),
			want: []string{`error OSV-1: upstream[0]: malformed input: malformed id "ftp://x"`}},
		{name: "related URL kept as reference", doc: rec(`"related":["https://example.com/pull/1"]`),
			want: []string{"record OSV-1"}},
		{name: "range without events",
			doc:  rec(`"affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].events: malformed input: empty"}},
		{name: "range without type",
			doc:  rec(`"affected":[{"ranges":[{"events":[{"introduced":"0"}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].type: malformed input: missing"}},
		{name: "event with two keys",
			doc: rec(`"affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]},` +
				`{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1"},{"introduced":"2","fixed":"3"}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[1].events[2]: malformed input: sets introduced and fixed; an event sets exactly one"}},
		{name: "empty event",
			doc:  rec(`"affected":[{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].events[1]: malformed input: no introduced, fixed, last_affected or limit version"}},
		{name: "empty version counts as absent",
			doc:  rec(`"affected":[{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":""}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].events[0]: malformed input: no introduced, fixed, last_affected or limit version"}},
		{name: "no introduced event",
			doc:  rec(`"affected":[{"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1"}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].events: malformed input: no introduced event"}},
		{name: "fixed and last_affected",
			doc:  rec(`"affected":[{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"},{"last_affected":"2"}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].events: malformed input: both fixed and last_affected events; the schema allows one kind"}},
		{name: "GIT range without repo",
			doc:  rec(`"affected":[{"ranges":[{"type":"GIT","events":[{"introduced":"0"}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].repo: malformed input: missing for a GIT range"}},
		{name: "unknown range type drops the range only",
			doc:  rec(`"affected":[{"ranges":[{"type":"CALVER","events":[{"introduced":"0"}]}]}]`),
			want: []string{"record OSV-1"}},
		{name: "unknown range type is still checked",
			doc:  rec(`"affected":[{"ranges":[{"type":"CALVER","events":[{"fixed":"1"}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[0].events: malformed input: no introduced event"}},
		{name: "package without name",
			doc:  rec(`"affected":[{"package":{"ecosystem":"PyPI"}}]`),
			want: []string{"error OSV-1: affected[0].package.name: malformed input: missing"}},
		{name: "package without ecosystem",
			doc:  rec(`"affected":[{"package":{"name":"x"}}]`),
			want: []string{"error OSV-1: affected[0].package.ecosystem: malformed input: missing"}},
		{name: "CVSS_V3 score not a v3 vector",
			doc:  rec(`"severity":[{"type":"CVSS_V3","score":"CVSS:4.0/AV:N"}]`),
			want: []string{`error OSV-1: severity[0].score: malformed input: "CVSS:4.0/AV:N" is not a vector starting CVSS:3.0/ or CVSS:3.1/`}},
		{name: "CVSS score out of range",
			doc:  rec(`"affected":[{"package":{"ecosystem":"npm","name":"a"},"severity":[{"type":"CVSS_V4","score":"NaN"}]}]`),
			want: []string{`error OSV-1: affected[0].severity[0].score: malformed input: base score "NaN" outside 0 to 10`}},
		{name: "severity without type",
			doc:  rec(`"severity":[{"score":"7.5"}]`),
			want: []string{"error OSV-1: severity[0].type: malformed input: missing"}},
		{name: "severity without score",
			doc:  rec(`"severity":[{"type":"Ubuntu"}]`),
			want: []string{"error OSV-1: severity[0].score: malformed input: missing"}},
		{name: "reference without url", doc: rec(`"references":[{"type":"WEB"}]`),
			want: []string{"error OSV-1: references[0].url: malformed input: missing"}},
		{name: "credit without name", doc: rec(`"credits":[{"type":"FINDER"}]`),
			want: []string{"error OSV-1: credits[0].name: malformed input: missing"}},
		{name: "wrong JSON type names the indexed field",
			doc:  rec(`"affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]},{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":1.2}]}]}]`),
			want: []string{"error OSV-1: affected[0].ranges[1].events[1].fixed: malformed input: got JSON number, want string"}},
		{name: "wrong JSON type before the id",
			doc:  `{"aliases":"CVE-2024-1","id":"OSV-2","modified":"2024-01-02T03:04:05Z"}`,
			want: []string{"error OSV-2: aliases: malformed input: got JSON string, want array"}},
		{name: "array of records goes on after a bad one",
			doc: `[` + rec("") + `,{"id":"OSV-2"},42,` + strings.Replace(rec(""), "OSV-1", "OSV-3", 1) + `]`,
			want: []string{"record OSV-1", "error OSV-2: modified: malformed input: missing",
				"error #3: malformed input: got JSON number, want object", "record OSV-3"}},
		{name: "empty array", doc: ` [ ] `},
		{name: "JSON lines", doc: rec("") + "\n" + strings.Replace(rec(""), "OSV-1", "OSV-2", 1) + "\n",
			want: []string{"record OSV-1", "record OSV-2"}},
		{name: "byte order mark", doc: "\xef\xbb\xbf" + rec(""), want: []string{"record OSV-1"}},
		{name: "empty document", doc: " \n", want: []string{"error malformed input: empty document"}},
		{name: "truncated JSON", doc: `{"id":"OSV-1",`,
			want: []string{"error malformed input: record #1: unexpected EOF"}},
		{name: "data after the array", doc: `[` + rec("") + `] x`,
			want: []string{"record OSV-1", "error malformed input: data after the array of records"}},
		{name: "not OSV at all", doc: "hello, world",
			want: []string{"error malformed input: YAML document 1 is not a record or a list of records"}},
		{name: "YAML record", file: "PYSEC-1.yaml",
			doc:  "id: PYSEC-1\nmodified: 2024-01-02T03:04:05Z\naffected:\n- package: {ecosystem: PyPI, name: a}\n  versions: [1.10, 2]\n",
			want: []string{"record PYSEC-1"}},
		{name: "YAML list of records, one bad", file: "x.yml",
			doc:  "- id: A-1\n  modified: 2024-01-02T03:04:05Z\n- id: A-2\n  modified: [1]\n",
			want: []string{"record A-1", "error A-2: modified: malformed input: got JSON array, want string"}},
		{name: "YAML syntax error", file: "x.yaml", doc: "id: [unclosed\n",
			want: []string{"error malformed input: YAML: yaml: line 1: did not find expected ',' or ']'"}},
		{name: "YAML alias loop", file: "x.yaml", doc: "id: &a [*a]\n",
			want: []string{"error #1: malformed input: YAML nested more than 64 levels"}},
		{name: "YAML alias bomb", file: "x.yaml", doc: yamlBomb(),
			want: []string{"error #1: malformed input: record larger than 16 MiB once YAML aliases are expanded"}},
		{name: "empty YAML", file: "x.yaml", doc: "",
			want: []string{"error malformed input: empty document"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = "x.json"
			}
			got := outcome(t, file, tc.doc)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) -want +got:\n%s", tc.doc[:min(len(tc.doc), 200)], diff)
			}
		})
	}
}

// yamlBomb is the "billion laughs" shape: nine levels of ten aliases each.
func yamlBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("id: X-1\n")
	return b.String()
}

func TestParseRecordTooLarge(t *testing.T) {
	big := rec(`"details":"` + strings.Repeat("x", maxRecord) + `"`)
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"single", big, []string{"error #1: malformed input: record larger than 16 MiB"}},
		{"in an array", "[" + rec("") + "," + big + "," + rec("") + "]",
			[]string{"record OSV-1", "error #2: malformed input: record larger than 16 MiB"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, outcome(t, "x.json", tc.doc)); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestParseMapping(t *testing.T) {
	modified := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		doc  string
		want advisory.Record
	}{
		{
			name: "severities",
			doc: `{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-01-02T04:04:05.5+01:00",
				"severity":[{"type":"CVSS_V3","score":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
					{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
					{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"},
					{"type":"CVSS_V4","score":"9.3"},
					{"type":"Ubuntu","score":"medium"}],
				"affected":[{"package":{"ecosystem":"npm","name":"a"},
					"severity":[{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}]}],
				"database_specific":{"severity":"HIGH","cwe_ids":["CWE-79",7,"CWE-79","CWE-89"]}}`,
			want: advisory.Record{
				Source: "osv", ID: "GHSA-aaaa-bbbb-cccc", Modified: modified.Add(500 * time.Millisecond),
				CWEs: []advisory.CWE{{ID: "CWE-79"}, {ID: "CWE-89"}},
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv30, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
					{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
					{Type: advisory.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
					{Type: advisory.CVSSv40, Score: 9.3},
					{Type: advisory.RatingOther, Rating: "medium", Provider: "Ubuntu"},
					{Type: advisory.RatingGHSA, Rating: "HIGH"},
				},
				Affected: []advisory.Affected{{Ecosystem: "npm", Package: "a"}},
			},
		},
		{
			name: "non-GHSA database severity, odd database_specific",
			doc: `{"id":"BIT-x-2024-1","modified":"2024-01-02T03:04:05Z",
				"database_specific":{"severity":"Critical","cwe_ids":"CWE-79"}}`,
			want: advisory.Record{Source: "osv", ID: "BIT-x-2024-1", Modified: modified,
				Severities: []advisory.Severity{{Type: advisory.RatingOther, Rating: "Critical", Provider: "BIT"}}},
		},
		{
			name: "links and lists",
			doc: `{"id":"OSV-1","modified":"2024-01-02T03:04:05Z","withdrawn":"2024-02-01T00:00:00Z",
				"aliases":["CVE-2024-1"],"related":["CVE-2024-2","https://example.com/pull/1","CVE-2024-2"],
				"upstream":["CVE-2024-3","CVE-2024-2"],
				"summary":"s","details":"d",
				"references":[{"url":"https://example.com/a"},{"type":"NEWFANGLED","url":"https://example.com/b"}],
				"credits":[{"name":"n","type":"FINDER","contact":["mailto:n@example.com"]}],
				"affected":[{"ranges":[{"type":"CALVER","events":[{"introduced":"0"}]},
					{"type":"GIT","repo":"https://example.com/r","events":[{"introduced":"0"},{"limit":"abc"}]}]}]}`,
			want: advisory.Record{Source: "osv", ID: "OSV-1", Modified: modified,
				Withdrawn: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), State: advisory.StateWithdrawn,
				Aliases: []string{"CVE-2024-1"}, Related: []string{"CVE-2024-2", "CVE-2024-3"},
				Titles: []advisory.Text{{Lang: "en", Value: "s"}}, Descriptions: []advisory.Text{{Lang: "en", Value: "d"}},
				Affected: []advisory.Affected{{Ranges: []advisory.Range{{Type: advisory.RangeGit, Repo: "https://example.com/r",
					Events: []advisory.Event{{Introduced: "0"}, {Limit: "abc"}}}}}},
				References: []advisory.Reference{{Type: "WEB", URL: "https://example.com/pull/1"},
					{Type: "WEB", URL: "https://example.com/a"}, {Type: "NEWFANGLED", URL: "https://example.com/b"}},
				Credits: []advisory.Credit{{Name: "n", Type: "FINDER", Contact: []string{"mailto:n@example.com"}}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, errs := feedtest.Collect(Parse("x.json", strings.NewReader(tc.doc)))
			if len(errs) > 0 || len(recs) != 1 {
				t.Fatalf("got %d records, errors %v; want 1 record", len(recs), errs)
			}
			if diff := cmp.Diff(tc.want, recs[0]); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

// TestGolden parses every fixture in testdata and compares the records and
// errors with testdata/golden. -update rewrites the golden files.
func TestGolden(t *testing.T) {
	var files []string
	for _, pat := range []string{"testdata/linter/*.json", "testdata/records/*.json", "testdata/pypi/*.yaml", "testdata/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) != 27 {
		t.Errorf("found %d fixtures, want 27", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, f)
			got := struct {
				Records []advisory.Record `json:"records"`
				Errors  []string          `json:"errors,omitempty"`
			}{Records: recs}
			for _, err := range errs {
				got.Errors = append(got.Errors, err.Error())
			}
			base := filepath.Base(f)
			feedtest.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(base, filepath.Ext(base))+".json"), got)
		})
	}
}

// TestLinterBrokenRecords pins the decision doc.go explains for each of the
// OSV linter's broken examples.
func TestLinterBrokenRecords(t *testing.T) {
	tests := []struct {
		file    string
		records int
		errs    []string
	}{
		{"nointroduced-CVE-2023-41045.json", 0,
			[]string{"CVE-2023-41045: affected[0].ranges[0].events: malformed input: no introduced event"}},
		{"nondistinct-CVE-2018-5407.json", 1, nil},
		{"nopackage-GHSA-9v2f-6vcg-3hgv.json", 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, filepath.Join("testdata", "linter", tc.file))
			var got []string
			for _, err := range errs {
				var re *feed.RecordError
				if !errors.As(err, &re) {
					t.Errorf("%v is not a *feed.RecordError", err)
				}
				got = append(got, err.Error())
			}
			if len(recs) != tc.records {
				t.Errorf("got %d records, want %d", len(recs), tc.records)
			}
			if diff := cmp.Diff(tc.errs, got); diff != "" {
				t.Errorf("errors -want +got:\n%s", diff)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"GO-2020-0001.json", `{"schema_version":"1.3.1","id":"GO-2020-0001"`, true},
		{"ALSA-2024:0265.json", "\xef\xbb\xbf\n{\n  \"id\": \"ALSA-2024:0265\",\n  \"summary\": \"x\",\n  \"affected\": [", true},
		{"dump.json", `[{"id":"GO-2020-0001","modified":"0001-01-01T00:00:00Z"}]`, true},
		{"PYSEC-2024-1.yaml", "id: PYSEC-2024-1\nmodified: 2024-01-03T22:31:36Z\n", true},
		{"PYSEC-2022-1.yml", "id: PYSEC-2022-1\ndetails: x\naffected:\n", true},
		{"notes.yaml", "id: 1\nname: x\n", false},
		{"PYSEC-2022-1.json", "id: PYSEC-2022-1\nmodified: 2024-01-03T22:31:36Z\n", false},
		{"GHSA-xxxx.json", `{"ghsa_id":"GHSA-xxxx","id":1,"modified":"x"}`, false},
		{"GHSA-xxxx.json", `{"ghsaId":"GHSA-xxxx","identifiers":[{"value":"GHSA-xxxx"}]}`, false},
		{"CVE-2024-1.json", `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1"}}`, false},
		{"nvd.json", `{"vulnerabilities":[{"cve":{"id":"CVE-1","lastModified":"x"}}]}`, false},
		{"empty.json", "", false},
	}
	for _, tc := range tests {
		if got := Sniff(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q, %q) = %v, want %v", tc.name, tc.head, got, tc.want)
		}
	}
}

// TestSniffFixtures checks that every real record sniffs as OSV from its
// first 4 KiB.
func TestSniffFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*")
	for _, f := range files {
		if strings.Contains(f, "golden") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !Sniff(filepath.Base(f), b[:min(len(b), 4096)]) {
			t.Errorf("Sniff(%s) = false", f)
		}
	}
}

// TestCorpus parses the shared OSV corpora whole: the four osv.dev-style
// zips, entry by entry as the importer does, and the PyPA YAML tree.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test skipped in -short mode")
	}
	// stats counts records, withdrawn records, records with credits, GIT
	// ranges and last_affected events, the figures the data README gives.
	type stats struct {
		records, withdrawn, credits, gitRanges, lastAffected int
	}
	tally := func(t *testing.T, s *stats, name string, r io.Reader) {
		for rec, err := range Parse(name, r) {
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if err := rec.Validate(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			s.records++
			if !rec.Withdrawn.IsZero() {
				s.withdrawn++
			}
			if len(rec.Credits) > 0 {
				s.credits++
			}
			for _, a := range rec.Affected {
				for _, rg := range a.Ranges {
					if rg.Type == advisory.RangeGit {
						s.gitRanges++
					}
					for _, ev := range rg.Events {
						if ev.LastAffected != "" {
							s.lastAffected++
						}
					}
				}
			}
		}
	}
	zips := []struct {
		dir  string
		want stats
	}{
		{"Go", stats{records: 4291, withdrawn: 17, credits: 473}},
		{"crates.io", stats{records: 1206, withdrawn: 13}},
		{"Bitnami", stats{records: 7444, lastAffected: 225}},
		{"AlmaLinux", stats{records: 5637}},
	}
	for _, z := range zips {
		t.Run(z.dir, func(t *testing.T) {
			zr, err := zip.OpenReader(feedtest.SharedData(t, filepath.Join("osv", z.dir, "all.zip")))
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			var got stats
			for _, f := range zr.File {
				if f.FileInfo().IsDir() {
					continue
				}
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				tally(t, &got, f.Name, rc)
				rc.Close()
			}
			if got != z.want {
				t.Errorf("got %+v, want %+v", got, z.want)
			}
		})
	}
	t.Run("PyPI-yaml", func(t *testing.T) {
		root := feedtest.SharedData(t, "osv/PyPI-yaml/vulns")
		var got stats
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !Sniff(d.Name(), b[:min(len(b), 4096)]) {
				t.Errorf("Sniff(%s) = false", p)
			}
			tally(t, &got, d.Name(), bytes.NewReader(b))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := stats{records: 200, withdrawn: 3, credits: 1, gitRanges: 109, lastAffected: 1}
		if got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}

// FuzzParse feeds Parse arbitrary documents. Besides feedtest.Fuzz's checks
// (no panic, errors of the right kind, records that survive a JSON round
// trip), every record must pass advisory.Record.Validate, which the store
// relies on.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*")
	var keep []string
	for _, s := range seeds {
		if !strings.Contains(s, "golden") && !strings.Contains(s, "SUSE") { // SUSE is 39 KB of references
			keep = append(keep, s)
		}
	}
	feedtest.Fuzz(f, validated, append(keep, "testdata/querybatch.json")...)
}

// validated is Parse with Validate's verdict turned into an error that
// feedtest.Fuzz refuses, since it wraps neither RecordError nor ErrFormat.
func validated(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		for rec, err := range Parse(name, r) {
			if err == nil {
				if verr := rec.Validate(); verr != nil {
					err = fmt.Errorf("record fails Validate: %v", verr)
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}
