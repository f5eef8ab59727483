package euvd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// configMgrJSON is EUVD-2024-40737 as /api/exploitedvulnerabilities
// returned it (testdata/exploitedvulnerabilities.json), compacted.
const configMgrJSON = `{"id":"EUVD-2024-40737","enisaUuid":"997dda1e-96d3-31aa-9c13-b45ef4857dc9",` +
	`"description":"Microsoft Configuration Manager Remote Code Execution Vulnerability",` +
	`"datePublished":"Oct 8, 2024, 5:35:48 PM","dateUpdated":"Jul 8, 2025, 3:39:03 PM","baseScore":9.8,` +
	`"baseScoreVersion":"3.1","baseScoreVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C",` +
	`"references":"https://msrc.microsoft.com/update-guide/vulnerability/CVE-2024-43468\n",` +
	`"aliases":"CVE-2024-43468\n","assigner":"microsoft","epss":87.46,"exploitedSince":"Feb 12, 2026, 12:00:00 AM",` +
	`"enisaIdProduct":[{"id":"99dc982d-c24f-34d0-a2f4-c4752060585e","product":{"name":"Microsoft Configuration Manager"},` +
	`"product_version":"1.0.0 <5.00.9106"}],` +
	`"enisaIdVendor":[{"id":"457b4bfb-4600-33a6-931c-851bb871f72a","vendor":{"name":"Microsoft"}}]}`

// configMgr is the record configMgrJSON becomes.
func configMgr() advisory.Record {
	return advisory.Record{
		Source:       "euvd",
		ID:           "EUVD-2024-40737",
		Published:    time.Date(2024, 10, 8, 17, 35, 48, 0, time.UTC),
		Modified:     time.Date(2025, 7, 8, 15, 39, 3, 0, time.UTC),
		Aliases:      []string{"CVE-2024-43468"},
		Descriptions: []advisory.Text{{Lang: "en", Value: "Microsoft Configuration Manager Remote Code Execution Vulnerability"}},
		Severities: []advisory.Severity{{
			Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C", Score: 9.8,
		}},
		Affected:   []advisory.Affected{{Vendor: "Microsoft", Product: "Microsoft Configuration Manager", Text: "1.0.0 <5.00.9106"}},
		References: []advisory.Reference{{Type: "WEB", URL: "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2024-43468"}},
		Notes:      []advisory.Note{{Category: "exploited", Title: "Exploited since", Text: "2026-02-12"}},
		EPSS:       &advisory.EPSS{Score: 0.8746, Date: "2025-07-08"},
	}
}

// entry is an entry with id EUVD-2024-0001 and the given members.
func entry(members ...string) string {
	return `{"id":"EUVD-2024-0001"` + strings.Join(append([]string{""}, members...), ",") + `}`
}

// rec is the record of entry(...): the id, and what edit sets.
func rec(edit func(*advisory.Record)) advisory.Record {
	r := advisory.Record{Source: "euvd", ID: "EUVD-2024-0001"}
	if edit != nil {
		edit(&r)
	}
	return r
}

// updated is the dateUpdated several rows use, and its day.
const (
	updated    = `"dateUpdated":"Jul 8, 2025, 3:39:03 PM"`
	updatedDay = "2025-07-08"
)

var updatedTime = time.Date(2025, 7, 8, 15, 39, 3, 0, time.UTC)

func TestParse(t *testing.T) {
	// big is just over the limit, and read whole; huge is past what the
	// decoder may buffer, and ends the document.
	big := strings.Repeat("x", maxRecord)
	huge := strings.Repeat("x", maxRecord+slack)
	tests := []struct {
		name     string
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name: "one entry",
			in:   configMgrJSON,
			want: []advisory.Record{configMgr()},
		},
		{
			name: "array",
			in:   "[" + configMgrJSON + "," + entry() + "]",
			want: []advisory.Record{configMgr(), rec(nil)},
		},
		{
			name: "search page",
			in:   `{"items":[` + configMgrJSON + "," + entry() + `],"total":2}`,
			want: []advisory.Record{configMgr(), rec(nil)},
		},
		{
			name: "search page with total first and keys ENISA may add",
			in:   `{"total":120,"next":{"page":[1]},"items":[` + entry() + `],"size":100}`,
			want: []advisory.Record{rec(nil)},
		},
		{name: "empty page", in: `{"items":[],"total":0}`},
		{name: "empty array", in: `[]`},
		{
			name: "entry with sorted keys",
			in:   `{"aliases":"CVE-2024-43468\n","id":"EUVD-2024-0001"}`,
			want: []advisory.Record{rec(func(r *advisory.Record) { r.Aliases = []string{"CVE-2024-43468"} })},
		},
		{
			name: "byte order mark and white space",
			in:   "\ufeff \r\n[" + entry() + "]\n",
			want: []advisory.Record{rec(nil)},
		},
		{
			name: "nulls and empty strings say nothing",
			in: entry(`"description":" ","datePublished":null,"dateUpdated":"","baseScore":null,"baseScoreVersion":null,` +
				`"references":null,"aliases":"","epss":null,"exploitedSince":null,"enisaIdProduct":null,"enisaIdVendor":[]`),
			want: []advisory.Record{rec(nil)},
		},
		{
			name: "fields vmc does not read",
			in: entry(`"enisaUuid":"7816f01d-e40b-3a71-ba5a-95c4e358b68e","assigner":"Joomla","enisaIdAdvisory":[{"x":1}],` +
				`"enisaIdVulnerability":[{"id":"e3882b8a","vulnerability":{"id":"CVE-2026-48908","baseScore":"odd"}}]`),
			want: []advisory.Record{rec(nil)},
		},
		{
			name: "id with white space",
			in:   `{"id":" EUVD-2024-0001\n"}`,
			want: []advisory.Record{rec(nil)},
		},
		{
			name: "dates in UTC",
			in:   entry(`"datePublished":"Sep 29, 1999, 4:00:00 AM"`, `"dateUpdated":"Mar 17, 2025, 12:03:17 PM"`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Published = time.Date(1999, 9, 29, 4, 0, 0, 0, time.UTC)
				r.Modified = time.Date(2025, 3, 17, 12, 3, 17, 0, time.UTC)
			})},
		},
		{
			name: "midnight and newer Java's no-break spaces",
			in:   entry("\"datePublished\":\"Jul 6, 2026, 12:00:00\u202fAM\"", "\"dateUpdated\":\"Jul 6, 2026, 7:17:03\u00a0PM\""),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Published = time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC)
				r.Modified = time.Date(2026, 7, 6, 19, 17, 3, 0, time.UTC)
			})},
		},
		{
			name: "aliases split on lines, own id and repeats dropped",
			in:   entry(`"aliases":"GHSA-3866-98fq-wg7f\r\nEUVD-2024-0001\n\nCVE-1999-0472\n GHSA-3866-98fq-wg7f \n"`),
			want: []advisory.Record{rec(func(r *advisory.Record) { r.Aliases = []string{"GHSA-3866-98fq-wg7f", "CVE-1999-0472"} })},
		},
		{
			name: "references split on lines, repeats dropped",
			in:   entry(`"references":"https://a.example/1\nhttps://b.example/2\r\nhttps://a.example/1\n"`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.References = []advisory.Reference{{Type: "WEB", URL: "https://a.example/1"}, {Type: "WEB", URL: "https://b.example/2"}}
			})},
		},
		{
			name: "cvss 2.0 vector has no prefix",
			in:   entry(`"baseScore":5.0,"baseScoreVersion":"2.0","baseScoreVector":"AV:N/AC:L/Au:N/C:P/I:N/A:N"`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Severities = []advisory.Severity{{Type: advisory.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:P/I:N/A:N", Score: 5}}
			})},
		},
		{
			name: "cvss 3.0",
			in:   entry(`"baseScore":7.5,"baseScoreVersion":"3.0","baseScoreVector":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Severities = []advisory.Severity{{Type: advisory.CVSSv30, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Score: 7.5}}
			})},
		},
		{
			name: "score without vector",
			in:   entry(`"baseScore":8.7,"baseScoreVersion":"4.0"`),
			want: []advisory.Record{rec(func(r *advisory.Record) { r.Severities = []advisory.Severity{{Type: advisory.CVSSv40, Score: 8.7}} })},
		},
		{
			name: "score 0 with a vector is a score",
			in:   entry(`"baseScore":0.0,"baseScoreVersion":"3.1","baseScoreVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Severities = []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"}}
			})},
		},
		{
			name: "no score: -1.0, or a placeholder without version",
			in:   "[" + entry(`"baseScore":-1.0`) + "," + entry(`"baseScore":0.0`) + "," + entry(`"baseScore":0,"baseScoreVersion":"3.1"`) + "]",
			want: []advisory.Record{rec(nil), rec(nil), rec(nil)},
		},
		{
			name: "-1.0 with a vector keeps the vector",
			in:   entry(`"baseScore":-1.0,"baseScoreVersion":"3.1","baseScoreVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Severities = []advisory.Severity{{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
			})},
		},
		{
			name: "epss is a percentage, dated by the update",
			in:   entry(updated, `"datePublished":"Oct 8, 2024, 5:35:48 PM"`, `"epss":61.38`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Published = time.Date(2024, 10, 8, 17, 35, 48, 0, time.UTC)
				r.Modified = updatedTime
				r.EPSS = &advisory.EPSS{Score: 0.6138, Date: updatedDay}
			})},
		},
		{
			name: "epss dated by publication without an update",
			in:   entry(`"datePublished":"Oct 8, 2024, 11:35:48 PM"`, `"epss":100`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Published = time.Date(2024, 10, 8, 23, 35, 48, 0, time.UTC)
				r.EPSS = &advisory.EPSS{Score: 1, Date: "2024-10-08"}
			})},
		},
		{
			name: "epss 0.0 and epss without dates make no claim",
			in:   "[" + entry(updated, `"epss":0.0`) + "," + entry(`"epss":0.02`) + "]",
			want: []advisory.Record{rec(func(r *advisory.Record) { r.Modified = updatedTime }), rec(nil)},
		},
		{
			name: "exploited since",
			in:   entry(`"exploitedSince":"Feb 13, 2026, 12:00:00 AM"`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Notes = []advisory.Note{{Category: "exploited", Title: "Exploited since", Text: "2026-02-13"}}
			})},
		},
		{
			name: "product's own vendor wins over enisaIdVendor",
			in: entry(`"enisaIdProduct":[{"product":{"name":"Pillow","vendor":{"name":"python-pillow"}},"product_version":"unspecified <8.3.2"},` +
				`{"product":{"name":"Pillow","vendor":{"name":"python-pillow"}},"product_version":"0 <unspecified"}],` +
				`"enisaIdVendor":[{"vendor":{"name":"n/a"}}]`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{{Vendor: "python-pillow", Product: "Pillow", Text: "unspecified <8.3.2\n0 <unspecified"}}
			})},
		},
		{
			name: "the only vendor is every product's",
			in: entry(`"enisaIdProduct":[{"product":{"name":"Online Clinic Management System"},"product_version":"2.2"},` +
				`{"product":{"name":"Other"},"product_version":"n/a"}],` +
				`"enisaIdVendor":[{"vendor":{"name":"BigProf "}},{"vendor":{"name":"BigProf"}}]`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{
					{Vendor: "BigProf", Product: "Online Clinic Management System", Versions: []string{"2.2"}},
					{Vendor: "BigProf", Product: "Other"},
				}
			})},
		},
		{
			name: "several vendors and no product vendor leave the vendor unknown",
			in: entry(`"enisaIdProduct":[{"product":{"name":"Snapdragon"},"product_version":"SW5100"},` +
				`{"product":{"name":"Snapdragon"},"product_version":"Snapdragon X5 LTE Modem"}],` +
				`"enisaIdVendor":[{"vendor":{"name":"Qualcomm"}},{"vendor":{"name":"Qualcomm, Inc."}}]`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{{Product: "Snapdragon", Versions: []string{"SW5100"}, Text: "Snapdragon X5 LTE Modem"}}
			})},
		},
		{
			name: "versions and range text, repeats and placeholders dropped",
			in: entry(`"enisaIdProduct":[` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":"15SU4"},` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":"15.0.1.13012-1"},` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":"N/A"},` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":"15SU4"},` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":"* ≤2.6.03"},` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":"10.3.0, < 12.2.0"},` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":"* ≤2.6.03"},` +
				`{"product":{"name":"Cisco Unified Communications Manager"},"product_version":">=1.0"},` +
				`{"product":{"name":"n/a"},"product_version":"1.0"},` +
				`{"product":{"name":" "},"product_version":"1.0"}],` +
				`"enisaIdVendor":[{"vendor":{"name":"Cisco"}}]`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{{
					Vendor: "Cisco", Product: "Cisco Unified Communications Manager",
					Versions: []string{"15SU4", "15.0.1.13012-1"},
					Text:     "* ≤2.6.03\n10.3.0, < 12.2.0\n>=1.0",
				}}
			})},
		},
		{
			name: "one product under two vendors",
			in: entry(`"enisaIdProduct":[{"product":{"name":"Mall","vendor":{"name":"macrozheng"}},"product_version":"1.0.3"},` +
				`{"product":{"name":"Mall","vendor":{"name":"other"}},"product_version":"1.0.3"}]`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{
					{Vendor: "macrozheng", Product: "Mall", Versions: []string{"1.0.3"}},
					{Vendor: "other", Product: "Mall", Versions: []string{"1.0.3"}},
				}
			})},
		},
		{
			name: "vendors without products",
			in:   entry(`"enisaIdProduct":[{"product":{"name":"n/a"},"product_version":"n/a"}],"enisaIdVendor":[{"vendor":{"name":"Totolink"}},{"vendor":{"name":"GeoVision Inc."}}]`),
			want: []advisory.Record{rec(func(r *advisory.Record) {
				r.Affected = []advisory.Affected{{Vendor: "Totolink"}, {Vendor: "GeoVision Inc."}}
			})},
		},

		// Bad entries are reported and the next one is read.
		{
			name:     "malformed id",
			in:       "[" + `{"id":"CVE-2024-43468"}` + "," + entry() + "]",
			want:     []advisory.Record{rec(nil)},
			wantErrs: []string{`#1: id: malformed input: malformed EUVD id "CVE-2024-43468"`},
		},
		{
			name:     "missing id",
			in:       `{"items":[{"description":"x"}]}`,
			wantErrs: []string{`#1: id: malformed input: malformed EUVD id ""`},
		},
		{
			name:     "empty object",
			in:       `{}`,
			wantErrs: []string{`#1: id: malformed input: malformed EUVD id ""`},
		},
		{
			name:     "ISO date",
			in:       entry(`"datePublished":"2024-10-08T17:35:48Z"`),
			wantErrs: []string{`EUVD-2024-0001: datePublished: malformed input: not a date like "Jan 2, 2006, 3:04:05 PM": "2024-10-08T17:35:48Z"`},
		},
		{
			name:     "impossible date",
			in:       entry(`"dateUpdated":"Feb 30, 2025, 1:00:00 PM"`),
			wantErrs: []string{`EUVD-2024-0001: dateUpdated: malformed input: not a date like "Jan 2, 2006, 3:04:05 PM": "Feb 30, 2025, 1:00:00 PM"`},
		},
		{
			name:     "bad exploitedSince",
			in:       entry(`"exploitedSince":"yes"`),
			wantErrs: []string{`EUVD-2024-0001: exploitedSince: malformed input: not a date like "Jan 2, 2006, 3:04:05 PM": "yes"`},
		},
		{
			name:     "alias that is not an id",
			in:       entry(`"aliases":"CVE-2024-43468\nsee https://example.com\n"`),
			wantErrs: []string{`EUVD-2024-0001: aliases: malformed input: malformed id "see https://example.com"`},
		},
		{
			name:     "unknown CVSS version",
			in:       entry(`"baseScore":5,"baseScoreVersion":"5.0"`),
			wantErrs: []string{`EUVD-2024-0001: baseScoreVersion: malformed input: unknown CVSS version "5.0"`},
		},
		{
			name: "vector of another version",
			in: "[" + entry(`"baseScore":9.3,"baseScoreVersion":"4.0","baseScoreVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`) +
				"," + entry(`"baseScore":5,"baseScoreVersion":"2.0","baseScoreVector":"CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:N/A:N"`) + "]",
			wantErrs: []string{
				`EUVD-2024-0001: baseScoreVector: malformed input: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" is not a CVSS 4.0 vector`,
				`EUVD-2024-0001: baseScoreVector: malformed input: "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:N/A:N" is not a CVSS 2.0 vector`,
			},
		},
		{
			name:     "vector without version",
			in:       entry(`"baseScore":9.8,"baseScoreVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`),
			wantErrs: []string{`EUVD-2024-0001: baseScoreVersion: malformed input: missing for vector "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`},
		},
		{
			name:     "score out of range",
			in:       "[" + entry(`"baseScore":10.5,"baseScoreVersion":"3.1"`) + "," + entry(`"baseScore":-2`) + "]",
			wantErrs: []string{`EUVD-2024-0001: baseScore: malformed input: 10.5 is outside 0 to 10`, `EUVD-2024-0001: baseScore: malformed input: -2 is outside 0 to 10`},
		},
		{
			name:     "epss out of range",
			in:       entry(updated, `"epss":187.46`),
			wantErrs: []string{`EUVD-2024-0001: epss: malformed input: 187.46 is outside 0 to 100 %`},
		},
		{
			name:     "wrong JSON type",
			in:       "[" + entry(`"baseScore":"9.8"`) + "," + configMgrJSON + "]",
			want:     []advisory.Record{configMgr()},
			wantErrs: []string{`EUVD-2024-0001: baseScore: malformed input: JSON string where number belongs`},
		},
		{
			name:     "wrong JSON type in a lone entry",
			in:       entry(`"enisaIdProduct":{"product":{"name":"x"}}`),
			wantErrs: []string{`EUVD-2024-0001: enisaIdProduct: malformed input: JSON object where array belongs`},
		},
		{
			name:     "aliases as an array",
			in:       entry(`"aliases":["CVE-2024-43468"]`),
			wantErrs: []string{`EUVD-2024-0001: aliases: malformed input: JSON array where string belongs`},
		},
		{
			name:     "entry not an object",
			in:       `["EUVD-2024-0001",null,` + entry() + `]`,
			want:     []advisory.Record{rec(nil)},
			wantErrs: []string{`#1: malformed input: JSON string where object belongs`, `#2: id: malformed input: malformed EUVD id ""`},
		},
		{
			name:     "entry just over 16 MiB is skipped",
			in:       "[" + entry() + "," + entry(`"description":"`+big+`"`) + "," + configMgrJSON + "]",
			want:     []advisory.Record{rec(nil), configMgr()},
			wantErrs: []string{`#2: malformed input: entry larger than 16777216 bytes`},
		},
		{
			name:     "lone entry just over 16 MiB",
			in:       entry(`"description":"` + big + `"`),
			wantErrs: []string{`#1: malformed input: entry larger than 16777216 bytes`},
		},

		// Documents that cannot be read yield one error and stop.
		{
			name:     "empty",
			in:       " \n",
			wantErrs: []string{`malformed input: empty document`},
		},
		{
			name:     "HTML error page",
			in:       "<html><body>403 Forbidden</body></html>",
			wantErrs: []string{`malformed input: invalid character '<' looking for beginning of value`},
		},
		{
			name:     "a string",
			in:       `"EUVD-2024-0001"`,
			wantErrs: []string{`malformed input: found EUVD-2024-0001, want an object or an array`},
		},
		{
			name:     "items not an array",
			in:       `{"items":{"id":"EUVD-2024-0001"},"total":1}`,
			wantErrs: []string{`malformed input: items: found {, want "["`},
		},
		{
			name:     "cut short inside an entry",
			in:       "[" + configMgrJSON + `,{"id":"EUVD-20`,
			want:     []advisory.Record{configMgr()},
			wantErrs: []string{`malformed input: entry #2: unexpected EOF`},
		},
		{
			name:     "cut short after the items",
			in:       `{"items":[` + entry() + `],"total"`,
			want:     []advisory.Record{rec(nil)},
			wantErrs: []string{`malformed input: unexpected EOF`},
		},
		{
			name:     "cut short inside a lone entry",
			in:       `{"id":"EUVD-2024-0001","aliases":"CVE`,
			wantErrs: []string{`malformed input: aliases: unexpected EOF`},
		},
		{
			name:     "syntax error in an entry",
			in:       `[{"id":"EUVD-2024-0001",}]`,
			wantErrs: []string{`malformed input: entry #1: invalid character '}' looking for beginning of object key string`},
		},
		{
			name:     "data after the document",
			in:       entry() + entry(),
			want:     []advisory.Record{rec(nil)},
			wantErrs: []string{`malformed input: data after the document`},
		},
		{
			name:     "entry far over 16 MiB",
			in:       "[" + entry() + "," + entry(`"description":"`+huge+`"`) + "," + entry() + "]",
			want:     []advisory.Record{rec(nil)},
			wantErrs: []string{`#2: malformed input: entry larger than 16777216 bytes`},
		},
		{
			name:     "lone entry far over 16 MiB in many members",
			in:       `{"id":"EUVD-2024-0001"` + strings.Repeat(`,"description":"`+strings.Repeat("x", 1<<20)+`"`, 17) + `}`,
			wantErrs: []string{`#1: malformed input: entry larger than 16777216 bytes`},
		},
		{
			name:     "page value far over 16 MiB",
			in:       `{"total":"` + huge + `","items":[]}`,
			wantErrs: []string{`malformed input: more than 16777216 bytes without a complete value`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feedtest.Expect(t, Parse("euvd.json", strings.NewReader(tt.in)), tt.want, tt.wantErrs)
		})
	}
}

// TestShapes checks that one entry reads the same as a lone object, in an
// array and in a search page, using the real /api/exploitedvulnerabilities
// answer.
func TestShapes(t *testing.T) {
	b, err := os.ReadFile("testdata/exploitedvulnerabilities.json")
	if err != nil {
		t.Fatal(err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatal(err)
	}
	fromArray, errs := feedtest.Collect(Parse("exploitedvulnerabilities.json", strings.NewReader(string(b))))
	if len(errs) > 0 || len(fromArray) != len(items) {
		t.Fatalf("array: %d records, errors %v; want %d records", len(fromArray), errs, len(items))
	}
	var page strings.Builder
	page.WriteString(`{"items":[`)
	for i, it := range items {
		if i > 0 {
			page.WriteString(",")
		}
		page.Write(it)
	}
	fmt.Fprintf(&page, `],"total":%d}`, len(items))
	fromPage, errs := feedtest.Collect(Parse("page.json", strings.NewReader(page.String())))
	if len(errs) > 0 {
		t.Fatalf("page: %v", errs)
	}
	if diff := cmp.Diff(fromArray, fromPage); diff != "" {
		t.Errorf("page differs from array (-array +page):\n%s", diff)
	}
	for i, it := range items {
		one, errs := feedtest.Collect(Parse("one.json", strings.NewReader(string(it))))
		if len(errs) > 0 {
			t.Fatalf("entry %d: %v", i, errs)
		}
		if diff := cmp.Diff(fromArray[i:i+1], one); diff != "" {
			t.Errorf("entry %d alone differs (-array +alone):\n%s", i, diff)
		}
	}
}

// TestParseStops checks that Parse stops when the consumer does.
func TestParseStops(t *testing.T) {
	for _, in := range []string{"[" + entry() + "," + entry() + "]", `{"items":[` + entry() + "," + entry() + `]}`} {
		n := 0
		for range Parse("euvd.json", strings.NewReader(in)) {
			n++
			break
		}
		if n != 1 {
			t.Errorf("yielded %d times after break", n)
		}
	}
}

// TestParseReadError checks that a failing reader ends the document with
// one error that keeps its cause.
func TestParseReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	for _, in := range []string{"[" + configMgrJSON + "]", configMgrJSON, `{"items":[` + configMgrJSON + `]}`} {
		r := io.MultiReader(strings.NewReader(in[:len(in)-10]), errReader{errDisk})
		_, errs := feedtest.Collect(Parse("euvd.json", r))
		if len(errs) != 1 || !errors.Is(errs[0], errDisk) || !errors.Is(errs[0], feed.ErrFormat) {
			t.Errorf("errors = %v, want one wrapping %v and feed.ErrFormat", errs, errDisk)
		}
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestParseStreams reads a generated page of 20,000 entries (about 20 MiB,
// more than the record limit) and checks that records come out while it is
// still being read.
func TestParseStreams(t *testing.T) {
	const n = 20_000
	g := &feedtest.Generated{N: n, Head: `{"items":[`, Sep: ",", Tail: fmt.Sprintf(`],"total":%d}`, n),
		Item: func(i int) string {
			return strings.Replace(configMgrJSON, "EUVD-2024-40737", fmt.Sprintf("EUVD-2024-%d", 10000+i), 1)
		}}
	feedtest.Streams(t, Parse("euvd.json", g), g, nil)
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "Apr 15, 2025, 2:30:28 PM", want: time.Date(2025, 4, 15, 14, 30, 28, 0, time.UTC)},
		{in: "Sep 3, 2021, 4:10:10 PM", want: time.Date(2021, 9, 3, 16, 10, 10, 0, time.UTC)},
		{in: "Nov 30, 2023, 12:49:37 PM", want: time.Date(2023, 11, 30, 12, 49, 37, 0, time.UTC)},
		{in: "Jul 6, 2026, 12:00:00 AM", want: time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC)},
		{in: " Jul 6, 2026, 12:00:00 AM\n", want: time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC)},
		{in: "Jul 6, 2026, 7:17:03\u202fPM", want: time.Date(2026, 7, 6, 19, 17, 3, 0, time.UTC)},
		{in: "2026-07-06T19:17:03Z", bad: true},
		{in: "July 6, 2026, 7:17:03 PM", bad: true},
		{in: "Jul 6, 2026, 19:17:03", bad: true},
		{in: "Jul 6, 2026", bad: true},
		{in: "Jul 32, 2026, 7:17:03 PM", bad: true},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("parseDate(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestSniff(t *testing.T) {
	head := func(file string) string {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(b[:min(len(b), 4096)])
	}
	tests := []struct {
		name, file, head string
		want             bool
	}{
		{"search page", "euvd-2026-07-01-p0000.json", head("testdata/search-pillow.json"), true},
		{"search page, API key order", "page.json", head("testdata/search-2.json"), true},
		{"array", "lastvulnerabilities.json", head("testdata/lastvulnerabilities.json"), true},
		{"lone entry", "EUVD-2024-45012", head("testdata/enisaid-EUVD-2024-45012.json"), true},
		{"lone entry, sorted keys", "x", head("testdata/enisaid-EUVD-2026-38110.json"), true},
		{"with BOM", "x.json", "\ufeff\n" + head("testdata/EUVD-1999-0471.json"), true},
		{"id alone", "x.json", `{"id" : "EUVD-2024-0001"}`, true},
		{"empty page", "euvd.json", `{"items":[],"total":0}`, false},
		{"osv record aliasing an EUVD id", "GHSA.json", `{"id":"GHSA-3866-98fq-wg7f","aliases":["EUVD-1999-0471"],"modified":"2025-01-01T00:00:00Z"}`, false},
		{"cve5 record", "CVE-2021-44228.json", `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2021-44228"}}`, false},
		{"kev catalogue", "kev.json", `{"title":"CISA Catalog","catalogVersion":"2025.08.25","vulnerabilities":[`, false},
		{"not JSON", "euvd.html", `<html>"enisaUuid"</html>`, false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.file, []byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q, %.30q...) = %v, want %v", tt.file, tt.head, got, tt.want)
			}
		})
	}
}

// TestParseManyParts reads an entry of 100,000 aliases and 100,000
// products. Repeats are dropped with sets: a search through what was kept
// for each part would take minutes here.
func TestParseManyParts(t *testing.T) {
	const n = 100_000
	var aliases, products strings.Builder
	for i := range n {
		fmt.Fprintf(&aliases, "CVE-2024-%d\n", 10000+i)
		if i > 0 {
			products.WriteString(",")
		}
		fmt.Fprintf(&products, `{"product":{"name":"p%d"},"product_version":"%d.0"}`, i%1000, i)
	}
	in := entry(`"aliases":"`+strings.ReplaceAll(aliases.String(), "\n", `\n`)+`"`, `"enisaIdProduct":[`+products.String()+`]`)
	recs, errs := feedtest.Collect(Parse("big.json", strings.NewReader(in)))
	if len(errs) > 0 || len(recs) != 1 {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	versions := 0
	for _, a := range recs[0].Affected {
		versions += len(a.Versions)
	}
	if len(recs[0].Aliases) != n || len(recs[0].Affected) != 1000 || versions != n {
		t.Errorf("%d aliases, %d products, %d versions; want %d, 1000, %d", len(recs[0].Aliases), len(recs[0].Affected), versions, n, n)
	}
}
