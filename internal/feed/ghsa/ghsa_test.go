package ghsa

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// TestToOSV checks ToOSV against every expected output of the OSV
// project's converter, compared as decoded JSON.
func TestToOSV(t *testing.T) {
	inputs, err := filepath.Glob("testdata/converter/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".osv.json") {
			continue
		}
		n++
		t.Run(filepath.Base(in), func(t *testing.T) {
			var a Advisory
			readJSON(t, in, &a)
			e, err := ToOSV(a)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			readJSON(t, strings.TrimSuffix(in, ".json")+".osv.json", &want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ToOSV -want +got:\n%s", diff)
			}
		})
	}
	if n != 11 {
		t.Errorf("found %d converter cases, want 11", n)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestGolden parses every fixture and compares records and errors with
// testdata/golden; -update rewrites it.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/converter/*.json")
	more, _ := filepath.Glob("testdata/*.json")
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, ".osv.json") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, f)
			got := struct {
				Records []advisory.Record `json:"records"`
				Errors  []string          `json:"errors,omitempty"`
			}{Records: recs}
			for _, err := range errs {
				got.Errors = append(got.Errors, err.Error())
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", filepath.Base(f)), got)
		})
	}
}

// TestShapesAgree checks that one advisory read from its REST form, its
// GraphQL form, or a GraphQL response page gives the same record.
func TestShapesAgree(t *testing.T) {
	parse := func(path string) []advisory.Record {
		recs, errs := feedtest.ParseFile(t, Parse, path)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", path, errs)
		}
		return recs
	}
	tests := []struct {
		page  string
		files []string
	}{
		{"testdata/rest-list.json", []string{"maven_greater_than.json", "withdrawn.json"}},
		{"testdata/graphql-page.json", []string{"equals_with_patch.json", "pypi_normalize.json"}},
	}
	for _, tc := range tests {
		got := parse(tc.page)
		for i := range got {
			got[i].Credits = nil // only the REST shape has credits
		}
		var want []advisory.Record
		for _, f := range tc.files {
			want = append(want, parse(filepath.Join("testdata", "converter", f))...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s -want +got:\n%s", tc.page, diff)
		}
	}
}

// graphql returns a minimal GraphQL advisory with extra fields spliced in.
func graphql(fields string) string {
	if fields != "" {
		fields = "," + fields
	}
	return `{"ghsaId":"GHSA-aaaa-bbbb-cccc","updatedAt":"2024-01-02T03:04:05Z"` + fields + `}`
}

// vuln is one GraphQL vulnerability node.
func vuln(eco, name, rng, patched string) string {
	p := "null"
	if patched != "" {
		p = `{"identifier":"` + patched + `"}`
	}
	return fmt.Sprintf(`{"package":{"ecosystem":%q,"name":%q},"vulnerableVersionRange":%q,"firstPatchedVersion":%s}`, eco, name, rng, p)
}

func outcome(t *testing.T, doc string) []string {
	t.Helper()
	var got []string
	for rec, err := range Parse("x.json", strings.NewReader(doc)) {
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

func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"minimal", graphql(""), []string{"record GHSA-aaaa-bbbb-cccc"}},
		{"no id", `{"ghsaId":"","updatedAt":"2024-01-02T03:04:05Z"}`,
			[]string{"error #1: ghsaId: malformed input: missing"}},
		{"malformed REST id", `{"ghsa_id":"GHSA x","updated_at":"2024-01-02T03:04:05Z"}`,
			[]string{`error #1: ghsa_id: malformed input: malformed "GHSA x"`}},
		{"no updatedAt", `{"ghsaId":"GHSA-aaaa-bbbb-cccc"}`,
			[]string{"error GHSA-aaaa-bbbb-cccc: updatedAt: malformed input: missing"}},
		{"bad REST time", `{"ghsa_id":"GHSA-aaaa-bbbb-cccc","updated_at":"2024-01-02T03:04:05Z","published_at":"2024-01-02"}`,
			[]string{`error GHSA-aaaa-bbbb-cccc: published_at: malformed input: not an RFC 3339 time: "2024-01-02"`}},
		{"malformed identifier", graphql(`"identifiers":[{"value":"GHSA-aaaa-bbbb-cccc"},{"value":"CVE 2024"}]`),
			[]string{`error GHSA-aaaa-bbbb-cccc: identifiers[1].value: malformed input: malformed id "CVE 2024"`}},
		{"unknown ecosystem", graphql(`"vulnerabilities":{"nodes":[` + vuln("NPM", "a", "< 1", "") + `,` + vuln("COBOL", "b", "< 1", "") + `]}`),
			[]string{`error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[1].package.ecosystem: malformed input: unknown ecosystem "COBOL"`}},
		{"no operator", graphql(`"vulnerabilities":{"nodes":[` + vuln("NPM", "a", "~> 1.0", "") + `]}`),
			[]string{`error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[0].vulnerableVersionRange: malformed input: malformed range "~> 1.0"`}},
		{"no package name", graphql(`"vulnerabilities":{"nodes":[` + vuln("PIP", "", "< 1", "") + `]}`),
			[]string{"error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[0].package.name: malformed input: missing"}},
		{"REST reference without URL", `{"ghsa_id":"GHSA-aaaa-bbbb-cccc","updated_at":"2024-01-02T03:04:05Z","references":["https://example.com",""]}`,
			[]string{"error GHSA-aaaa-bbbb-cccc: references[1]: malformed input: missing"}},
		{"unknown operator", graphql(`"vulnerabilities":{"nodes":[` + vuln("NPM", "a", "=< 1.0", "") + `]}`),
			[]string{`error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[0].vulnerableVersionRange: malformed input: unknown operator "=<" in range "=< 1.0"`}},
		{"two lower bounds", graphql(`"vulnerabilities":{"nodes":[` + vuln("NPM", "a", ">= 1, > 2", "") + `]}`),
			[]string{`error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[0].vulnerableVersionRange: malformed input: two bounds of one kind in range ">= 1, > 2"`}},
		{"exact with a bound", graphql(`"vulnerabilities":{"nodes":[` + vuln("NPM", "a", "= 1, < 2", "") + `]}`),
			[]string{`error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[0].vulnerableVersionRange: malformed input: exact version with bounds in range "= 1, < 2"`}},
		{"no version", graphql(`"vulnerabilities":{"nodes":[` + vuln("NPM", "a", ">= ", "") + `]}`),
			[]string{`error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[0].vulnerableVersionRange: malformed input: malformed range ">= "`}},
		{"REST range", `{"ghsa_id":"GHSA-aaaa-bbbb-cccc","updated_at":"2024-01-02T03:04:05Z","vulnerabilities":[{"package":{"ecosystem":"npm","name":"a"},"vulnerable_version_range":"<"}]}`,
			[]string{`error GHSA-aaaa-bbbb-cccc: vulnerabilities[0].vulnerable_version_range: malformed input: malformed range "<"`}},
		{"bad CVSS vector", graphql(`"cvssSeverities":{"cvssV4":{"score":1,"vectorString":"CVSS:5.0/X"}}`),
			[]string{`error GHSA-aaaa-bbbb-cccc: cvssSeverities.cvssV4.vectorString: malformed input: "CVSS:5.0/X" is not a CVSS 3.0, 3.1 or 4.0 vector`}},
		{"wrong JSON type", graphql(`"vulnerabilities":{"nodes":[` + vuln("NPM", "a", "< 1", "") + `,{"package":{"ecosystem":"NPM","name":7}}]}`),
			[]string{"error GHSA-aaaa-bbbb-cccc: vulnerabilities.nodes[1].package.name: malformed input: got JSON number, want string"}},
		{"not an advisory", `{"id":"GHSA-aaaa-bbbb-cccc"}`,
			[]string{"error #1: malformed input: neither ghsaId nor ghsa_id: not a GitHub advisory"}},
		{"array goes on after a bad element", `[` + graphql("") + `,"x",{"ghsa_id":"GHSA-dddd-eeee-ffff","updated_at":"2024-01-02T03:04:05Z"}]`,
			[]string{"record GHSA-aaaa-bbbb-cccc", "error #2: malformed input: got JSON string, want object", "record GHSA-dddd-eeee-ffff"}},
		{"GraphQL page", `{"data":{"securityAdvisories":{"nodes":[` + graphql("") + `],"edges":[{"node":{"ghsaId":"GHSA-dddd-eeee-ffff","updatedAt":"2024-01-02T03:04:05Z"}}]}}}`,
			[]string{"record GHSA-aaaa-bbbb-cccc", "record GHSA-dddd-eeee-ffff"}},
		{"GraphQL single", `{"data":{"securityAdvisory":` + graphql("") + `}}`, []string{"record GHSA-aaaa-bbbb-cccc"}},
		{"GraphQL nothing found", `{"data":{"securityAdvisory":null}}`, nil},
		{"empty document", "", []string{"error malformed input: empty document"}},
		{"not JSON", "GHSA-aaaa-bbbb-cccc", []string{"error malformed input: not a JSON object or array"}},
		{"truncated", `{"ghsaId":`, []string{"error malformed input: record #1: unexpected EOF"}},
		{"data after the array", `[` + graphql("") + `]]`,
			[]string{"record GHSA-aaaa-bbbb-cccc", "error malformed input: data after the array of advisories"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, outcome(t, tc.doc)); diff != "" {
				t.Errorf("Parse(%s) -want +got:\n%s", tc.doc, diff)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	big := graphql(`"description":"` + strings.Repeat("x", maxRecord) + `"`)
	want := []string{"record GHSA-aaaa-bbbb-cccc", "error #2: malformed input: record larger than 16 MiB"}
	if diff := cmp.Diff(want, outcome(t, "["+graphql("")+","+big+"]")); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

// TestParseMapping pins the record-only parts of the mapping on a REST
// advisory: exact ranges, ratings, scores, CWEs and credits.
func TestParseMapping(t *testing.T) {
	doc := `{"ghsa_id":"GHSA-aaaa-bbbb-cccc","cve_id":"CVE-2024-1","html_url":"https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
		"summary":"s","description":"d","severity":"medium",
		"identifiers":[{"type":"GHSA","value":"GHSA-aaaa-bbbb-cccc"},{"type":"CVE","value":"CVE-2024-1"}],
		"references":["https://nvd.nist.gov/vuln/detail/CVE-2024-1","https://example.com/fix"],
		"published_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-02T03:04:05Z","withdrawn_at":null,
		"vulnerabilities":[
			{"package":{"ecosystem":"npm","name":"a"},"vulnerable_version_range":"<= 1.2.1","first_patched_version":null},
			{"package":{"ecosystem":"npm","name":"a"},"vulnerable_version_range":"> 2.1.0, < 3.0.0","first_patched_version":"3.0.0"},
			{"package":{"ecosystem":"pip","name":"Foo_Bar"},"vulnerable_version_range":"= 1.0","first_patched_version":null}],
		"cvss":{"vector_string":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","score":9.8},
		"cvss_severities":{"cvss_v3":{"vector_string":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","score":9.8},
			"cvss_v4":{"vector_string":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N","score":9.3}},
		"cwes":[{"cwe_id":"CWE-79","name":"Cross-site Scripting"}],
		"credits":[{"user":{"login":"someone"},"type":"finder"}]}`
	recs, errs := feedtest.Collect(Parse("GHSA-aaaa-bbbb-cccc.json", strings.NewReader(doc)))
	if len(errs) > 0 || len(recs) != 1 {
		t.Fatalf("got %d records, errors %v; want 1 record", len(recs), errs)
	}
	want := advisory.Record{
		Source: "ghsa", ID: "GHSA-aaaa-bbbb-cccc", Aliases: []string{"CVE-2024-1"},
		Modified:  time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Published: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Titles:    []advisory.Text{{Lang: "en", Value: "s"}}, Descriptions: []advisory.Text{{Lang: "en", Value: "d"}},
		CWEs: []advisory.CWE{{ID: "CWE-79", Description: "Cross-site Scripting"}},
		Severities: []advisory.Severity{
			{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8},
			{Type: advisory.CVSSv40, Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Score: 9.3},
			{Type: advisory.RatingGHSA, Rating: "MODERATE"},
		},
		Affected: []advisory.Affected{
			{Ecosystem: "npm", Package: "a", Ranges: []advisory.Range{
				{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "0"}, {LastAffected: "1.2.1"}}},
				{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "2.1.1-0"}, {Fixed: "3.0.0"}}},
			}},
			{Ecosystem: "PyPI", Package: "foo-bar", Versions: []string{"1.0"}},
		},
		References: []advisory.Reference{{Type: "ADVISORY", URL: "https://nvd.nist.gov/vuln/detail/CVE-2024-1"}, {Type: "WEB", URL: "https://example.com/fix"}},
		Credits:    []advisory.Credit{{Name: "someone", Type: "FINDER"}},
	}
	if diff := cmp.Diff(want, recs[0]); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestNextVersion(t *testing.T) {
	tests := []struct{ ecosystem, v, want string }{
		{"npm", "2.1.0", "2.1.1-0"},
		{"Go", "1.2.3+incompatible", "1.2.4-0"},
		{"npm", "1.0.0-beta.2", "1.0.0-beta.2.0"},
		{"npm", "1.2", "1.2.1"},
		{"npm", "1.2.x", "1.2.x.1"},
		{"Maven", "11.6", "11.6.1"},
		{"PyPI", "1.0.post1", "1.0.post1.1"},
	}
	for _, tc := range tests {
		if got := nextVersion(tc.ecosystem, tc.v); got != tc.want {
			t.Errorf("nextVersion(%q, %q) = %q, want %q", tc.ecosystem, tc.v, got, tc.want)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{`{"ghsaId":"GHSA-mr95-9rr4-668f","identifiers":[]}`, true},
		{"\xef\xbb\xbf[\n {\"ghsa_id\": \"GHSA-mr95-9rr4-668f\"", true},
		{`{"data":{"securityAdvisories":{"edges":[{"node":{"ghsaId":"GHSA-x"`, true},
		{`{"schema_version":"1.5.0","id":"GHSA-mr95-9rr4-668f","modified":"2021-09-15T20:58:47Z"}`, false},
		{"ghsaId: GHSA-x\n", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := Sniff("x.json", []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

// TestCorpus parses the shared GHSA corpus: the 11 advisories of the OSV
// project's converter test data.
func TestCorpus(t *testing.T) {
	dir := feedtest.SharedData(t, "osv/schema/ghsa-testdata")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var records, withdrawn, sniffed int
	for _, f := range files {
		if strings.HasSuffix(f, ".osv.json") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if Sniff(filepath.Base(f), b[:min(len(b), 4096)]) {
			sniffed++
		}
		recs, errs := feedtest.ParseFile(t, Parse, f)
		for _, err := range errs {
			t.Errorf("%s: %v", f, err)
		}
		for _, r := range recs {
			if err := r.Validate(); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			if !r.Withdrawn.IsZero() {
				withdrawn++
			}
		}
		records += len(recs)
	}
	if records != 11 || withdrawn != 1 || sniffed != 11 {
		t.Errorf("got %d records, %d withdrawn, %d sniffed; want 11, 1, 11", records, withdrawn, sniffed)
	}
}

// FuzzParse checks, besides feedtest.Fuzz's rules, that every record passes
// advisory.Record.Validate.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/converter/*.json")
	more, _ := filepath.Glob("testdata/*.json")
	feedtest.Fuzz(f, validated, append(seeds, more...)...)
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
