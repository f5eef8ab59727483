package cve5

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestGolden parses the sample records in testdata and compares what they
// yield with testdata/golden. Regenerate with -update.
func TestGolden(t *testing.T) {
	for _, set := range []string{"cvelistV5", "osv-dev-cve5"} {
		files, err := filepath.Glob(filepath.Join("testdata", set, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no samples in testdata/%s", set)
		}
		for _, f := range files {
			t.Run(set+"/"+filepath.Base(f), func(t *testing.T) {
				recs, errs := feedtest.ParseFile(t, Parse, f)
				for _, err := range errs {
					t.Errorf("unexpected error: %v", err)
				}
				if len(recs) != 1 {
					t.Fatalf("got %d records, want 1", len(recs))
				}
				if err := recs[0].Validate(); err != nil {
					t.Errorf("Validate: %v", err)
				}
				if want := strings.TrimSuffix(filepath.Base(f), ".json"); recs[0].ID != want {
					t.Errorf("ID = %q, want %q", recs[0].ID, want)
				}
				feedtest.Golden(t, filepath.Join("testdata", "golden", set+"-"+filepath.Base(f)), recs)
			})
		}
	}
}

// minimal is the smallest record the bad-input rows start from; each row
// replaces one part of it.
const minimal = `{
  "dataType": "CVE_RECORD",
  "dataVersion": "5.1",
  "cveMetadata": {
    "cveId": "CVE-2024-0001",
    "state": "PUBLISHED",
    "datePublished": "2024-01-02T03:04:05",
    "dateUpdated": "2024-02-03T04:05:06.789Z"
  },
  "containers": {
    "cna": {
      "providerMetadata": {"orgId": "00000000-0000-4000-8000-000000000000", "shortName": "example"},
      "descriptions": [{"lang": "en", "value": "A bug."}],
      "affected": [{"vendor": "v", "product": "p", "versions": [{"version": "1.0", "status": "affected"}]}],
      "metrics": [{"cvssV3_1": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL"}}],
      "references": [{"url": "https://example.com/advisory"}]
    }
  }
}`

// edit returns minimal with old replaced by new, failing the test when old
// is not there: a row whose edit silently missed would test nothing.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(minimal, old) {
		t.Fatalf("minimal record has no %q", old)
	}
	return strings.Replace(minimal, old, new, 1)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		input  func(t *testing.T) string
		record string // RecordError.Record
		field  string // RecordError.Field
		text   string // in the message
	}{
		{
			name:   "truncated JSON",
			input:  func(t *testing.T) string { return minimal[:strings.Index(minimal, `"metrics"`)+20] },
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0]",
			text:   "invalid JSON",
		},
		{
			name:   "empty document",
			input:  func(t *testing.T) string { return "" },
			record: "#1",
			text:   "invalid JSON",
		},
		{
			name:   "not an object",
			input:  func(t *testing.T) string { return `[1, 2]` },
			record: "#1",
			text:   "got array, want object",
		},
		{
			name:   "trailing garbage",
			input:  func(t *testing.T) string { return minimal + "}" },
			record: "CVE-2024-0001",
			text:   "invalid JSON",
		},
		{
			name:   "missing cveId",
			input:  func(t *testing.T) string { return edit(t, `"cveId": "CVE-2024-0001",`, "") },
			record: "#1",
			field:  "cveMetadata.cveId",
			text:   "missing",
		},
		{
			name:   "malformed cveId",
			input:  func(t *testing.T) string { return edit(t, `"CVE-2024-0001"`, `"CVE-24-1"`) },
			record: "#1",
			field:  "cveMetadata.cveId",
			text:   `malformed "CVE-24-1"`,
		},
		{
			name:   "cveId not a string",
			input:  func(t *testing.T) string { return edit(t, `"CVE-2024-0001"`, `20240001`) },
			record: "#1",
			field:  "cveMetadata.cveId",
			text:   "got number, want string",
		},
		{
			name:   "unknown dataType",
			input:  func(t *testing.T) string { return edit(t, `"CVE_RECORD"`, `"CVE_RECORD_V6"`) },
			record: "CVE-2024-0001",
			field:  "dataType",
			text:   `unknown "CVE_RECORD_V6"`,
		},
		{
			name:   "missing dataType",
			input:  func(t *testing.T) string { return edit(t, `"dataType": "CVE_RECORD",`, "") },
			record: "CVE-2024-0001",
			field:  "dataType",
			text:   "missing",
		},
		{
			name:   "unsupported dataVersion",
			input:  func(t *testing.T) string { return edit(t, `"dataVersion": "5.1"`, `"dataVersion": "4.0"`) },
			record: "CVE-2024-0001",
			field:  "dataVersion",
			text:   `unsupported "4.0"`,
		},
		{
			name:   "unknown state",
			input:  func(t *testing.T) string { return edit(t, `"PUBLISHED"`, `"DRAFT"`) },
			record: "CVE-2024-0001",
			field:  "cveMetadata.state",
			text:   `unknown "DRAFT"`,
		},
		{
			name:   "date that does not parse",
			input:  func(t *testing.T) string { return edit(t, `"2024-01-02T03:04:05"`, `"02/01/2024"`) },
			record: "CVE-2024-0001",
			field:  "cveMetadata.datePublished",
			text:   `invalid date "02/01/2024"`,
		},
		{
			name:   "date with an impossible day",
			input:  func(t *testing.T) string { return edit(t, `"2024-02-03T04:05:06.789Z"`, `"2024-02-30T04:05:06.789Z"`) },
			record: "CVE-2024-0001",
			field:  "cveMetadata.dateUpdated",
			text:   "invalid date",
		},
		{
			name: "metrics vector not a string",
			input: func(t *testing.T) string {
				return edit(t, `"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`, `{"AV": "N"}`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].cvssV3_1.vectorString",
			text:   "got object, want string",
		},
		{
			name: "metrics vector missing",
			input: func(t *testing.T) string {
				return edit(t, `"vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",`, "")
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].cvssV3_1.vectorString",
			text:   "missing",
		},
		{
			name:   "baseScore a string",
			input:  func(t *testing.T) string { return edit(t, `"baseScore": 9.8`, `"baseScore": "9.8"`) },
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].cvssV3_1.baseScore",
			text:   "got string, want number",
		},
		{
			name:   "baseScore out of range",
			input:  func(t *testing.T) string { return edit(t, `"baseScore": 9.8`, `"baseScore": 98`) },
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].cvssV3_1.baseScore",
			text:   "out of range",
		},
		{
			name: "ssvc timestamp that does not parse",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"metrics": [{"other": {"type": "ssvc", "content": {"options": [{"Exploitation": "none"}], "timestamp": "soon"}}}, `)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].other.content.timestamp",
			text:   `invalid date "soon"`,
		},
		{
			name: "ssvc option not a string",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"metrics": [{"other": {"type": "ssvc", "content": {"options": [{"Automatable": "no"}, {"Exploitation": 1}]}}}, `)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].other.content.options[1].Exploitation",
			text:   "got number, want string",
		},
		{
			name: "kev dateAdded that does not parse",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"metrics": [{"other": {"type": "kev", "content": {"dateAdded": "2024-13-01"}}}, `)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].other.content.dateAdded",
			text:   `invalid date "2024-13-01"`,
		},
		{
			name: "kev without content",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"metrics": [{"other": {"type": "kev"}}, `)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.metrics[0].other.content",
			text:   "missing",
		},
		{
			name:   "unknown version status",
			input:  func(t *testing.T) string { return edit(t, `"status": "affected"`, `"status": "vulnerable"`) },
			record: "CVE-2024-0001",
			field:  "containers.cna.affected[0].versions[0].status",
			text:   `unknown "vulnerable"`,
		},
		{
			name:   "missing version status",
			input:  func(t *testing.T) string { return edit(t, `, "status": "affected"`, ``) },
			record: "CVE-2024-0001",
			field:  "containers.cna.affected[0].versions[0].status",
			text:   "missing",
		},
		{
			name: "unknown change status",
			input: func(t *testing.T) string {
				return edit(t, `"status": "affected"}`, `"status": "affected", "lessThan": "2.0", "versionType": "semver", "changes": [{"at": "1.5", "status": "fixed"}]}`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.affected[0].versions[0].changes[0].status",
			text:   `unknown "fixed"`,
		},
		{
			name: "lessThan not a string",
			input: func(t *testing.T) string {
				return edit(t, `"status": "affected"}`, `"status": "affected", "lessThan": 2}`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.affected[0].versions[0].lessThan",
			text:   "got number, want string",
		},
		{
			name: "unknown defaultStatus",
			input: func(t *testing.T) string {
				return edit(t, `"product": "p",`, `"product": "p", "defaultStatus": "maybe",`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.affected[0].defaultStatus",
			text:   `unknown "maybe"`,
		},
		{
			name: "malformed cweId",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"problemTypes": [{"descriptions": [{"lang": "en", "description": "XSS"}, {"lang": "en", "cweId": "79", "description": "XSS"}]}], "metrics": [`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.problemTypes[0].descriptions[1].cweId",
			text:   `malformed "79"`,
		},
		{
			name: "reference without url",
			input: func(t *testing.T) string {
				return edit(t, `{"url": "https://example.com/advisory"}`, `{"name": "advisory"}`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.references[0].url",
			text:   "missing",
		},
		{
			name: "unknown credit type",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"credits": [{"lang": "en", "value": "A", "type": "finder"}, {"lang": "en", "value": "B", "type": "hero"}], "metrics": [`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.credits[1].type",
			text:   `unknown "hero"`,
		},
		{
			name: "ADP metric vector not a string",
			input: func(t *testing.T) string {
				return edit(t, `"containers": {`, `"containers": {"adp": [{"providerMetadata": {"orgId": "x", "shortName": "CISA-ADP"}, "metrics": [{"cvssV3_1": {"vectorString": 3.1, "baseScore": 1}}]}],`)
			},
			record: "CVE-2024-0001",
			field:  "containers.adp[0].metrics[0].cvssV3_1.vectorString",
			text:   "got number, want string",
		},
		{
			name: "malformed replacedBy",
			input: func(t *testing.T) string {
				return edit(t, `"descriptions": [`, `"replacedBy": ["CVE-2024-0002", "see CVE-2024-0003"], "descriptions": [`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.replacedBy[1]",
			text:   `malformed "see CVE-2024-0003"`,
		},
		{
			name: "cpeApplicability not an array",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"cpeApplicability": {"nodes": []}, "metrics": [`)
			},
			record: "CVE-2024-0001",
			field:  "containers.cna.cpeApplicability",
			text:   "got object, want array",
		},
		{
			name: "published without a CNA container",
			input: func(t *testing.T) string {
				return `{"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": {"cveId": "CVE-2024-0001", "state": "PUBLISHED"}, "containers": {}}`
			},
			record: "CVE-2024-0001",
			field:  "containers.cna",
			text:   "missing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := feedtest.Collect(Parse("x.json", strings.NewReader(tt.input(t))))
			if len(recs) != 0 {
				t.Errorf("got %d records, want none", len(recs))
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			err := errs[0]
			if !errors.Is(err, feed.ErrFormat) {
				t.Errorf("error does not wrap feed.ErrFormat: %v", err)
			}
			var re *feed.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error is not a *feed.RecordError: %v", err)
			}
			if re.Record != tt.record || re.Field != tt.field {
				t.Errorf("error locates (%q, %q), want (%q, %q): %v", re.Record, re.Field, tt.record, tt.field, err)
			}
			msg := err.Error()
			for _, want := range []string{tt.record, tt.field, tt.text} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not contain %q", msg, want)
				}
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	// A valid record padded past the limit with whitespace, which JSON
	// allows, so only the size is wrong.
	input := minimal + strings.Repeat(" ", maxRecord)
	recs, errs := feedtest.Collect(Parse("big.json", strings.NewReader(input)))
	if len(recs) != 0 || len(errs) != 1 {
		t.Fatalf("got %d records and %d errors, want 0 and 1", len(recs), len(errs))
	}
	if !errors.Is(errs[0], feed.ErrFormat) || !strings.Contains(errs[0].Error(), "CVE-2024-0001: malformed input: record larger than 16 MiB") {
		t.Errorf("error = %v", errs[0])
	}
}

// TestParseMapping checks the record-level mapping on small documents: one
// row per decision doc.go describes.
func TestParseMapping(t *testing.T) {
	base := advisory.Record{
		Source:       Source,
		ID:           "CVE-2024-0001",
		State:        advisory.StatePublished,
		Published:    time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Modified:     time.Date(2024, 2, 3, 4, 5, 6, 789e6, time.UTC),
		Descriptions: []advisory.Text{{Lang: "en", Value: "A bug."}},
		Severities: []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			Score: 9.8, Rating: "CRITICAL", Provider: "example"}},
		Affected:   []advisory.Affected{{Vendor: "v", Product: "p", Versions: []string{"1.0"}}},
		References: []advisory.Reference{{Type: "WEB", URL: "https://example.com/advisory"}},
	}
	with := func(f func(r *advisory.Record)) advisory.Record {
		r := base
		f(&r)
		return r
	}
	tests := []struct {
		name  string
		input func(t *testing.T) string
		want  advisory.Record
	}{
		{
			name:  "minimal",
			input: func(t *testing.T) string { return minimal },
			want:  base,
		},
		{
			name:  "byte-order mark",
			input: func(t *testing.T) string { return "\xef\xbb\xbf" + minimal },
			want:  base,
		},
		{
			name: "dates with offset and microseconds",
			input: func(t *testing.T) string {
				s := edit(t, `"2024-01-02T03:04:05"`, `"2024-01-02T05:04:05.5+02:00"`)
				return strings.Replace(s, `"2024-02-03T04:05:06.789Z"`, `"2024-02-03T04:05:06.789123"`, 1)
			},
			want: with(func(r *advisory.Record) {
				r.Published = time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.UTC)
				r.Modified = time.Date(2024, 2, 3, 4, 5, 6, 789123e3, time.UTC)
			}),
		},
		{
			name: "dateUpdated falls back to the CNA's",
			input: func(t *testing.T) string {
				s := edit(t, `,
    "dateUpdated": "2024-02-03T04:05:06.789Z"`, ``)
				return strings.Replace(s, `"shortName": "example"}`, `"shortName": "example", "dateUpdated": "2024-03-01T00:00:00"}`, 1)
			},
			want: with(func(r *advisory.Record) { r.Modified = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC) }),
		},
		{
			name: "title and languages",
			input: func(t *testing.T) string {
				return edit(t, `"descriptions": [{"lang": "en", "value": "A bug."}]`,
					`"title": " Heap overflow ", "descriptions": [{"lang": "en-US", "value": "A bug."}, {"lang": "eng", "value": "Again."}, {"lang": "de", "value": "Ein Fehler."}]`)
			},
			want: with(func(r *advisory.Record) {
				r.Titles = []advisory.Text{{Lang: "en", Value: "Heap overflow"}}
				r.Descriptions = []advisory.Text{{Lang: "en", Value: "A bug."}, {Lang: "de", Value: "Ein Fehler."}}
			}),
		},
		{
			name: "CWEs from cweId and from text",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"problemTypes": [{"descriptions": [
					{"lang": "en", "type": "CWE", "cweId": "CWE-79", "description": "CWE-79 Cross-site Scripting"},
					{"lang": "en", "type": "text", "description": "CWE-352: Cross-Site Request Forgery"},
					{"lang": "en", "type": "text", "description": "n/a"},
					{"lang": "en", "description": "CWE-noinfo Not enough information"}]}], "metrics": [`)
			},
			want: with(func(r *advisory.Record) {
				r.CWEs = []advisory.CWE{
					{ID: "CWE-79", Description: "CWE-79 Cross-site Scripting", Provider: "example"},
					{ID: "CWE-352", Description: "CWE-352: Cross-Site Request Forgery", Provider: "example"},
				}
			}),
		},
		{
			name: "ADP scores, SSVC, KEV and references",
			input: func(t *testing.T) string {
				return edit(t, `"containers": {`, `"containers": {"adp": [
					{"title": "CVE Program Container", "providerMetadata": {"orgId": "o1", "shortName": "CVE"},
					 "references": [{"url": "https://example.com/advisory", "tags": ["vendor-advisory", "x_transferred"]}, {"url": "https://example.com/fix", "tags": ["patch"]}]},
					{"title": "CISA ADP Vulnrichment", "providerMetadata": {"orgId": "o2", "shortName": "CISA-ADP"},
					 "problemTypes": [{"descriptions": [{"lang": "en", "type": "CWE", "cweId": "CWE-787", "description": "CWE-787 Out-of-bounds Write"}]}],
					 "metrics": [
						{"cvssV3_1": {"vectorString": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "baseScore": 7.8, "baseSeverity": "HIGH"}},
						{"other": {"type": "kev", "content": {"dateAdded": "2024-09-18", "reference": "https://www.cisa.gov/kev"}}},
						{"other": {"type": "ssvc", "content": {"id": "CVE-2024-0001", "role": "CISA Coordinator", "version": "2.0.3",
						  "timestamp": "2024-09-18T18:07:57.773732Z",
						  "options": [{"Exploitation": "Active"}, {"Automatable": "no"}, {"Technical Impact": "total"}]}}}]}],`)
			},
			want: with(func(r *advisory.Record) {
				r.CWEs = []advisory.CWE{{ID: "CWE-787", Description: "CWE-787 Out-of-bounds Write", Provider: "CISA-ADP"}}
				r.Severities = append(r.Severities, advisory.Severity{Type: advisory.CVSSv31,
					Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Score: 7.8, Rating: "HIGH", Provider: "CISA-ADP"})
				r.References = []advisory.Reference{
					{Type: "ADVISORY", URL: "https://example.com/advisory", Tags: []string{"vendor-advisory", "x_transferred"}},
					{Type: "FIX", URL: "https://example.com/fix", Tags: []string{"patch"}},
				}
				r.KEV = &advisory.KEV{DateAdded: "2024-09-18"}
				r.SSVC = &advisory.SSVC{Exploitation: "active", Automatable: "no", TechnicalImpact: "total",
					Timestamp: "2024-09-18T18:07:57.773732Z", Provider: "CISA-ADP"}
			}),
		},
		{
			name: "ADP title does not override the CNA's",
			input: func(t *testing.T) string {
				s := edit(t, `"containers": {`, `"containers": {"adp": [{"title": "CISA ADP Vulnrichment", "providerMetadata": {"orgId": "o2", "shortName": "CISA-ADP"}}],`)
				return strings.Replace(s, `"descriptions": [`, `"title": "The CNA's title", "descriptions": [`, 1)
			},
			want: with(func(r *advisory.Record) { r.Titles = []advisory.Text{{Lang: "en", Value: "The CNA's title"}} }),
		},
		{
			name: "qualitative ratings in other metrics",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"metrics": [
					{"other": {"type": "Red Hat severity rating", "content": {"value": "Important", "namespace": "https://access.redhat.com/security/updates/classification/"}}},
					{"other": {"type": "Textual description of severity", "content": {"text": "moderate"}}},
					{"other": {"type": "unknown", "content": {"other": "low"}}},
					{"other": {"type": "unknown", "content": [1, 2]}},
					{"other": {"type": "unknown", "content": {"value": 5, "text": ""}}},
					{"other": {"type": "SSVCv2.0", "content": {"Automatable": "Yes"}}},`)
			},
			want: with(func(r *advisory.Record) {
				r.Severities = append([]advisory.Severity{
					{Type: advisory.RatingOther, Rating: "Important", Provider: "example"},
					{Type: advisory.RatingOther, Rating: "moderate", Provider: "example"},
					{Type: advisory.RatingOther, Rating: "low", Provider: "example"},
				}, r.Severities...)
			}),
		},
		{
			name: "all CVSS versions",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"metrics": [
					{"cvssV2_0": {"vectorString": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "baseScore": 7.5}},
					{"cvssV3_0": {"vectorString": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL"}},
					{"format": "CVSS", "scenarios": [{"lang": "en", "value": "GENERAL"}],
					 "cvssV4_0": {"vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "baseScore": 9.3, "baseSeverity": "CRITICAL"}},`)
			},
			want: with(func(r *advisory.Record) {
				r.Severities = append([]advisory.Severity{
					{Type: advisory.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", Score: 7.5, Provider: "example"},
					{Type: advisory.CVSSv30, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "CRITICAL", Provider: "example"},
					{Type: advisory.CVSSv40, Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Score: 9.3, Rating: "CRITICAL", Provider: "example"},
				}, r.Severities...)
			}),
		},
		{
			name: "reference types",
			input: func(t *testing.T) string {
				return edit(t, `{"url": "https://example.com/advisory"}`, `{"url": "https://example.com/advisory"},
					{"url": "https://example.com/a", "tags": ["vendor-advisory", "patch"]},
					{"url": "https://example.com/b", "tags": ["third-party-advisory"]},
					{"url": "https://example.com/c", "tags": ["exploit"]},
					{"url": "https://example.com/d", "tags": ["issue-tracking"]},
					{"url": "https://example.com/e", "tags": ["release-notes"]},
					{"url": "https://example.com/f", "tags": ["mailing-list", "x_refsource_MLIST"]},
					{"url": "https://example.com/g", "tags": ["x_refsource_CONFIRM"]}`)
			},
			want: with(func(r *advisory.Record) {
				r.References = append(r.References,
					advisory.Reference{Type: "FIX", URL: "https://example.com/a", Tags: []string{"vendor-advisory", "patch"}},
					advisory.Reference{Type: "ADVISORY", URL: "https://example.com/b", Tags: []string{"third-party-advisory"}},
					advisory.Reference{Type: "EVIDENCE", URL: "https://example.com/c", Tags: []string{"exploit"}},
					advisory.Reference{Type: "REPORT", URL: "https://example.com/d", Tags: []string{"issue-tracking"}},
					advisory.Reference{Type: "ARTICLE", URL: "https://example.com/e", Tags: []string{"release-notes"}},
					advisory.Reference{Type: "DISCUSSION", URL: "https://example.com/f", Tags: []string{"mailing-list", "x_refsource_MLIST"}},
					advisory.Reference{Type: "WEB", URL: "https://example.com/g", Tags: []string{"x_refsource_CONFIRM"}},
				)
			}),
		},
		{
			name: "credits",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"credits": [
					{"lang": "en", "value": "Alice", "type": "finder"},
					{"lang": "eng", "value": "Bob", "type": "remediation developer"},
					{"lang": "en", "value": "Carol"},
					{"lang": "en", "value": "Alice", "type": "finder"}], "metrics": [`)
			},
			want: with(func(r *advisory.Record) {
				r.Credits = []advisory.Credit{
					{Name: "Alice", Type: "FINDER", Lang: "en"},
					{Name: "Bob", Type: "REMEDIATION_DEVELOPER", Lang: "en"},
					{Name: "Carol", Type: "FINDER", Lang: "en"},
				}
			}),
		},
		{
			name: "cpeApplicability becomes configurations",
			input: func(t *testing.T) string {
				return edit(t, `"metrics": [`, `"cpeApplicability": [ {"nodes": [{"operator": "OR", "negate": false,
					"cpeMatch": [{"vulnerable": true, "criteria": "cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", "versionEndExcluding": "2.0"}]}]} ], "metrics": [`)
			},
			want: with(func(r *advisory.Record) {
				r.Configurations = []byte(`[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:v:p:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0"}]}]}]`)
			}),
		},
		{
			name: "rejected",
			input: func(t *testing.T) string {
				return `{"dataType": "CVE_RECORD", "dataVersion": "5.0",
				  "cveMetadata": {"cveId": "CVE-2024-0001", "state": "REJECTED", "assignerShortName": "GitHub_M",
				    "datePublished": "2024-01-02T03:04:05", "dateUpdated": "2024-07-17T19:13:46.766Z", "dateRejected": "2024-07-17T19:13:46.766Z"},
				  "containers": {"cna": {"providerMetadata": {"orgId": "o"},
				    "rejectedReasons": [{"lang": "en", "value": "This CVE is a duplicate of another CVE."}],
				    "replacedBy": ["CVE-2024-21527"]}}}`
			},
			want: advisory.Record{
				Source:       Source,
				ID:           "CVE-2024-0001",
				State:        advisory.StateRejected,
				Published:    time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
				Modified:     time.Date(2024, 7, 17, 19, 13, 46, 766e6, time.UTC),
				Withdrawn:    time.Date(2024, 7, 17, 19, 13, 46, 766e6, time.UTC),
				Related:      []string{"CVE-2024-21527"},
				Descriptions: []advisory.Text{{Lang: "en", Value: "This CVE is a duplicate of another CVE."}},
			},
		},
		{
			name: "reserved without containers",
			input: func(t *testing.T) string {
				return `{"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": {"cveId": "CVE-2024-0001", "state": "RESERVED"}}`
			},
			want: advisory.Record{Source: Source, ID: "CVE-2024-0001", State: advisory.StateReserved},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := feedtest.Collect(Parse("x.json", strings.NewReader(tt.input(t))))
			if len(errs) != 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1", len(recs))
			}
			if diff := cmp.Diff(tt.want, recs[0]); diff != "" {
				t.Errorf("record mismatch (-want +got):\n%s", diff)
			}
			if err := recs[0].Validate(); err != nil {
				t.Errorf("Validate: %v", err)
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
		{"cvelistV5 record", minimal, true},
		{"dataType only", `{"dataType": "CVE_RECORD", "dataVersion": "5.1"`, true},
		{"cveMetadata after containers", `{"containers": {}, "cveMetadata": {`, true},
		// CVE-2021-26917 in cvelistV5 is written with sorted keys: its
		// cveMetadata sits beyond the first 4 KiB.
		{"containers.cna first, cveMetadata out of sight", `{
    "containers": {
        "cna": {
            "affected": [`, true},
		{"byte-order mark and whitespace", "\xef\xbb\xbf\n  {\"dataType\":\"CVE_RECORD\"", true},
		{"OSV record", `{"schema_version": "1.6.0", "id": "GO-2022-0001", "aliases": ["CVE-2021-44228"]}`, false},
		{"NVD API 2.0", `{"resultsPerPage": 1, "format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-2021-44228"}}]}`, false},
		{"CVE JSON 4", `{"data_type": "CVE", "data_format": "MITRE", "CVE_data_meta": {"ID": "CVE-2019-0001"}}`, false},
		{"dataType of something else", `{"dataType": "SOMETHING", "note": "CVE_RECORD"}`, false},
		{"JSON array", `[{"cveMetadata": {}}]`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff("x.json", []byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2021-12-10T00:00:00", time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC), true},
		{"2024-03-29T15:51:12.824Z", time.Date(2024, 3, 29, 15, 51, 12, 824e6, time.UTC), true},
		{"2024-02-13T17:13:53.427706", time.Date(2024, 2, 13, 17, 13, 53, 427706e3, time.UTC), true},
		{"2024-02-13T17:13:53.427706Z", time.Date(2024, 2, 13, 17, 13, 53, 427706e3, time.UTC), true},
		{"2023-06-27T13:02:00.000-04:00", time.Date(2023, 6, 27, 17, 2, 0, 0, time.UTC), true},
		{"2023-06-27T13:02:00+05:30", time.Date(2023, 6, 27, 7, 32, 0, 0, time.UTC), true},
		{"2023-06-27", time.Time{}, false},
		{"2023-06-27 13:02:00", time.Time{}, false},
		{"2023-06-27T25:02:00", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) || (tt.ok && got.Location() != time.UTC) {
			t.Errorf("parseTime(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
