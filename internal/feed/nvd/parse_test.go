package nvd_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

// page wraps API 2.0 elements in a response envelope.
func page(items ...string) string {
	return `{"resultsPerPage":1,"startIndex":0,"totalResults":1,"format":"NVD_CVE","version":"2.0",` +
		`"timestamp":"2024-01-01T00:00:00.000","vulnerabilities":[` + strings.Join(items, ",") + `]}`
}

// feed11 wraps 1.1 elements in a data feed envelope.
func feed11(items ...string) string {
	return `{"CVE_data_type":"CVE","CVE_data_format":"MITRE","CVE_data_version":"4.0",` +
		`"CVE_data_numberOfCVEs":"1","CVE_Items":[` + strings.Join(items, ",") + `]}`
}

// rawJSON compares Configurations as decoded JSON, not as bytes.
var rawJSON = cmp.Transformer("json", func(m json.RawMessage) any {
	var v any
	if err := json.Unmarshal(m, &v); err != nil {
		return string(m)
	}
	return v
})

func date(y int, m time.Month, d, h, min, s, ms int) time.Time {
	return time.Date(y, m, d, h, min, s, ms*1e6, time.UTC)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name: "2.0 rejected, descriptions",
			in: page(`{"cve":{"id":"CVE-2023-0001","published":"2023-01-02T03:04:05.678",
				"lastModified":"2023-02-03T04:05:06","vulnStatus":"Rejected",
				"descriptions":[{"lang":"en","value":"Rejected reason: duplicate."},{"lang":"es","value":""},{"value":"no lang"}]}}`),
			want: []advisory.Record{{
				Source: "nvd", ID: "CVE-2023-0001",
				Published: date(2023, 1, 2, 3, 4, 5, 678), Modified: date(2023, 2, 3, 4, 5, 6, 0),
				State: advisory.StateRejected,
				Descriptions: []advisory.Text{
					{Lang: "en", Value: "Rejected reason: duplicate."},
					{Lang: "en", Value: "no lang"},
				},
			}},
		},
		{
			name: "2.0 analysis statuses mean published",
			in: page(`{"cve":{"id":"CVE-2023-0001","vulnStatus":"Awaiting Analysis"}}`,
				`{"cve":{"id":"CVE-2023-0002","vulnStatus":"Deferred"}}`,
				`{"cve":{"id":"CVE-2023-0003"}}`),
			want: []advisory.Record{
				{Source: "nvd", ID: "CVE-2023-0001", State: advisory.StatePublished},
				{Source: "nvd", ID: "CVE-2023-0002", State: advisory.StatePublished},
				{Source: "nvd", ID: "CVE-2023-0003"},
			},
		},
		{
			name: "2.0 severities: newest version first, one per type and provider, typed by vector",
			in: page(`{"cve":{"id":"CVE-2024-0001","metrics":{
				"cvssMetricV2":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":7.5},"baseSeverity":"HIGH"}],
				"cvssMetricV30":[{"source":"cna@example.com","type":"Secondary","cvssData":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N","baseScore":5.3,"baseSeverity":"MEDIUM"}}],
				"cvssMetricV31":[
					{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}},
					{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"3.1","vectorString":"CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":8.4,"baseSeverity":"HIGH"}}],
				"cvssMetricV40":[{"source":"cna@example.com","type":"Secondary","cvssData":{"version":"4.0","vectorString":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N","baseScore":9.3,"baseSeverity":"CRITICAL"}}]}}}`),
			want: []advisory.Record{{
				Source: "nvd", ID: "CVE-2024-0001",
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv40, Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Score: 9.3, Rating: "CRITICAL", Provider: "cna@example.com"},
					{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "CRITICAL", Provider: "nvd@nist.gov"},
					{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", Score: 5.3, Rating: "MEDIUM", Provider: "cna@example.com"},
					{Type: advisory.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", Score: 7.5, Rating: "HIGH", Provider: "nvd@nist.gov"},
				},
			}},
		},
		{
			name: "2.0 weaknesses and references",
			in: page(`{"cve":{"id":"CVE-2024-0002",
				"weaknesses":[
					{"source":"nvd@nist.gov","type":"Primary","description":[{"lang":"en","value":"NVD-CWE-noinfo"},{"lang":"en","value":"CWE-79"}]},
					{"source":"cna@example.com","type":"Secondary","description":[{"lang":"en","value":"CWE-79"},{"lang":"en","value":""}]},
					{"source":"nvd@nist.gov","type":"Primary","description":[{"lang":"en","value":"CWE-79"}]}],
				"references":[
					{"url":"https://example.com/fix","source":"cna@example.com","tags":["Patch","Third Party Advisory"]},
					{"url":"https://example.com/poc","tags":["Third Party Advisory","Exploit","VDB Entry"]},
					{"url":"https://example.com/advisory","tags":["Vendor Advisory"]},
					{"url":"https://example.com/bug","tags":["Issue Tracking","Mailing List"]},
					{"url":"https://example.com/list","tags":["Mailing List"]},
					{"url":"https://example.com/plain"}]}}`),
			want: []advisory.Record{{
				Source: "nvd", ID: "CVE-2024-0002",
				CWEs: []advisory.CWE{
					{ID: "NVD-CWE-noinfo", Provider: "nvd@nist.gov"},
					{ID: "CWE-79", Provider: "nvd@nist.gov"},
					{ID: "CWE-79", Provider: "cna@example.com"},
				},
				References: []advisory.Reference{
					{Type: "FIX", URL: "https://example.com/fix", Tags: []string{"Patch", "Third Party Advisory"}},
					{Type: "EVIDENCE", URL: "https://example.com/poc", Tags: []string{"Third Party Advisory", "Exploit", "VDB Entry"}},
					{Type: "ADVISORY", URL: "https://example.com/advisory", Tags: []string{"Vendor Advisory"}},
					{Type: "REPORT", URL: "https://example.com/bug", Tags: []string{"Issue Tracking", "Mailing List"}},
					{Type: "WEB", URL: "https://example.com/list", Tags: []string{"Mailing List"}},
					{Type: "WEB", URL: "https://example.com/plain"},
				},
			}},
		},
		{
			name: "2.0 KEV and SSVC",
			in: page(`{"cve":{"id":"CVE-2021-44228","cisaExploitAdd":"2021-12-10","cisaActionDue":"2021-12-24",
				"cisaRequiredAction":"Apply updates.","cisaVulnerabilityName":"Apache Log4j2 RCE",
				"metrics":{"ssvcV203":[
					{"source":"empty","ssvcData":{"options":[]}},
					{"source":"134c704f-9b21-4f2e-91b3-4a467353bcc0","ssvcData":{"timestamp":"2025-02-04T14:25:34.416117Z","id":"CVE-2021-44228",
						"options":[{"exploitation":"active"},{"automatable":"yes"},{"technicalImpact":"total"}],"role":"CISA Coordinator","version":"2.0.3"}}]}}}`),
			want: []advisory.Record{{
				Source: "nvd", ID: "CVE-2021-44228",
				KEV: &advisory.KEV{DateAdded: "2021-12-10", DueDate: "2021-12-24", RequiredAction: "Apply updates.", Name: "Apache Log4j2 RCE"},
				SSVC: &advisory.SSVC{Exploitation: "active", Automatable: "yes", TechnicalImpact: "total",
					Timestamp: "2025-02-04T14:25:34.416117Z", Provider: "134c704f-9b21-4f2e-91b3-4a467353bcc0"},
			}},
		},
		{
			name: "2.0 configurations kept, vulnerable CPEs become affected products",
			in: page(`{"cve":{"id":"CVE-2024-0003","configurations":[
				{"operator":"AND","nodes":[
					{"operator":"OR","negate":false,"cpeMatch":[
						{"vulnerable":true,"criteria":"cpe:2.3:o:acme:router_firmware:1.0:*:*:*:*:*:*:*","matchCriteriaId":"A1"},
						{"vulnerable":true,"criteria":"cpe:2.3:o:acme:router_firmware:*:*:*:*:*:*:*:*","matchCriteriaId":"A2","versionEndExcluding":"2.0"}]},
					{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":false,"criteria":"cpe:2.3:h:acme:router:-:*:*:*:*:*:*:*","matchCriteriaId":"A3"}]}]},
				{"nodes":[{"operator":"OR","cpeMatch":[
					{"vulnerable":true,"criteria":"cpe:2.3:a:hp:jetdirect_j3111a\\/j3113a:*:*:*:*:*:*:*:*"},
					{"vulnerable":true,"criteria":"cpe:2.3:o:acme:router_firmware:1.0:*:*:*:*:*:*:*"},
					{"vulnerable":true,"criteria":"cpe:2.3:a:*:*:*:*:*:*:*:*:*:*"}]}]}]}}`),
			want: []advisory.Record{{
				Source: "nvd", ID: "CVE-2024-0003",
				Affected: []advisory.Affected{
					{Vendor: "acme", Product: "router_firmware", CPEs: []string{
						"cpe:2.3:o:acme:router_firmware:1.0:*:*:*:*:*:*:*",
						"cpe:2.3:o:acme:router_firmware:*:*:*:*:*:*:*:*",
					}},
					{Vendor: "hp", Product: "jetdirect_j3111a/j3113a", CPEs: []string{`cpe:2.3:a:hp:jetdirect_j3111a\/j3113a:*:*:*:*:*:*:*:*`}},
				},
				Configurations: json.RawMessage(`[
				{"operator":"AND","nodes":[
					{"operator":"OR","negate":false,"cpeMatch":[
						{"vulnerable":true,"criteria":"cpe:2.3:o:acme:router_firmware:1.0:*:*:*:*:*:*:*","matchCriteriaId":"A1"},
						{"vulnerable":true,"criteria":"cpe:2.3:o:acme:router_firmware:*:*:*:*:*:*:*:*","matchCriteriaId":"A2","versionEndExcluding":"2.0"}]},
					{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":false,"criteria":"cpe:2.3:h:acme:router:-:*:*:*:*:*:*:*","matchCriteriaId":"A3"}]}]},
				{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
					{"vulnerable":true,"criteria":"cpe:2.3:a:hp:jetdirect_j3111a\\/j3113a:*:*:*:*:*:*:*:*"},
					{"vulnerable":true,"criteria":"cpe:2.3:o:acme:router_firmware:1.0:*:*:*:*:*:*:*"},
					{"vulnerable":true,"criteria":"cpe:2.3:a:*:*:*:*:*:*:*:*:*:*"}]}]}]`),
			}},
		},
		{
			name: "1.1 item",
			in: feed11(`{"cve":{"data_type":"CVE","CVE_data_meta":{"ID":"CVE-2019-0001","ASSIGNER":"cve@mitre.org"},
				"problemtype":{"problemtype_data":[{"description":[{"lang":"en","value":"CWE-20"},{"lang":"en","value":"NVD-CWE-Other"},{"lang":"en","value":"CWE-20"}]}]},
				"references":{"reference_data":[{"url":"https://example.com/a","name":"a","refsource":"MISC","tags":["Patch"]},{"url":"https://example.com/b","name":"b","refsource":"CONFIRM"}]},
				"description":{"description_data":[{"lang":"en","value":"A flaw."}]}},
				"configurations":{"CVE_data_version":"4.0","nodes":[{"operator":"OR","children":[],"cpe_match":[
					{"vulnerable":true,"cpe23Uri":"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*","versionStartIncluding":"1.0","versionEndIncluding":"1.4","cpe_name":[]}]}]},
				"impact":{"baseMetricV3":{"cvssV3":{"version":"3.0","vectorString":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"},"exploitabilityScore":3.9},
					"baseMetricV2":{"cvssV2":{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":7.5},"severity":"HIGH"}},
				"publishedDate":"2019-01-15T21:29Z","lastModifiedDate":"2019-10-09T23:38Z"}`),
			want: []advisory.Record{{
				Source: "nvd", ID: "CVE-2019-0001",
				Published: date(2019, 1, 15, 21, 29, 0, 0), Modified: date(2019, 10, 9, 23, 38, 0, 0),
				State:        advisory.StatePublished,
				Descriptions: []advisory.Text{{Lang: "en", Value: "A flaw."}},
				CWEs:         []advisory.CWE{{ID: "CWE-20"}, {ID: "NVD-CWE-Other"}},
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv30, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "CRITICAL", Provider: "nvd@nist.gov"},
					{Type: advisory.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", Score: 7.5, Rating: "HIGH", Provider: "nvd@nist.gov"},
				},
				References: []advisory.Reference{
					{Type: "FIX", URL: "https://example.com/a", Tags: []string{"Patch"}},
					{Type: "WEB", URL: "https://example.com/b"},
				},
				Affected: []advisory.Affected{{Vendor: "acme", Product: "widget", CPEs: []string{"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*"}}},
				Configurations: json.RawMessage(`[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
					{"vulnerable":true,"criteria":"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*","versionStartIncluding":"1.0","versionEndIncluding":"1.4"}]}]}]`),
			}},
		},
		{
			name: "1.1 rejected by description",
			in: feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2022-0001"},"description":{"description_data":[
				{"lang":"en","value":"** REJECT ** DO NOT USE THIS CANDIDATE NUMBER."}]}},"publishedDate":"2022-08-30T19:15Z"}`),
			want: []advisory.Record{{
				Source: "nvd", ID: "CVE-2022-0001", Published: date(2022, 8, 30, 19, 15, 0, 0),
				State:        advisory.StateRejected,
				Descriptions: []advisory.Text{{Lang: "en", Value: "** REJECT ** DO NOT USE THIS CANDIDATE NUMBER."}},
			}},
		},
		{
			name: "envelope keys in any order, unknown keys skipped, null array",
			in:   `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0004","cveTags":[{"tags":["disputed"]}]}}],"extra":{"deep":[[1],{"x":null}]},"format":"NVD_CVE","CVE_Items":null}`,
			want: []advisory.Record{{Source: "nvd", ID: "CVE-2024-0004"}},
		},
		{
			name: "empty page",
			in:   page(),
		},

		// Bad records: each is reported with its id (or position) and
		// field, and the next record is still read.
		{
			name:     "2.0 missing id",
			in:       page(`{"cve":{"published":"2024-01-01T00:00:00"}}`, `{"cve":{"id":"CVE-2024-0005"}}`),
			want:     []advisory.Record{{Source: "nvd", ID: "CVE-2024-0005"}},
			wantErrs: []string{"#1: cve.id: malformed input: missing"},
		},
		{
			name:     "2.0 malformed id",
			in:       page(`{"cve":{"id":"CVE 2024/0001"}}`),
			wantErrs: []string{`#1: cve.id: malformed input: malformed id "CVE 2024/0001"`},
		},
		{
			name:     "2.0 element without cve",
			in:       page(`{"id":"CVE-2024-0001"}`),
			wantErrs: []string{"#1: cve: malformed input: missing"},
		},
		{
			name:     "element not an object",
			in:       page(`42`, `"CVE-2024-0001"`),
			wantErrs: []string{"#1: malformed input: number where object is expected", "#2: malformed input: string where object is expected"},
		},
		{
			name:     "2.0 bad published",
			in:       page(`{"cve":{"id":"CVE-2024-0001","published":"yesterday"}}`),
			wantErrs: []string{`CVE-2024-0001: cve.published: malformed input: invalid time "yesterday"`},
		},
		{
			name:     "2.0 bad lastModified",
			in:       page(`{"cve":{"id":"CVE-2024-0001","lastModified":"2024-13-01T00:00:00"}}`),
			wantErrs: []string{`CVE-2024-0001: cve.lastModified: malformed input: invalid time "2024-13-01T00:00:00"`},
		},
		{
			name:     "2.0 score of the wrong type",
			in:       page(`{"cve":{"id":"CVE-2024-0001","metrics":{"cvssMetricV31":[{"cvssData":{"vectorString":"CVSS:3.1/AV:N","baseScore":"high"}}]}}}`),
			wantErrs: []string{"CVE-2024-0001: cve.metrics.cvssMetricV31.cvssData.baseScore: malformed input: string where number is expected"},
		},
		{
			name:     "2.0 id of the wrong type",
			in:       page(`{"cve":{"id":2024}}`),
			wantErrs: []string{"#1: cve.id: malformed input: number where string is expected"},
		},
		{
			name:     "2.0 unknown CVSS version",
			in:       page(`{"cve":{"id":"CVE-2024-0001","metrics":{"cvssMetricV31":[{"source":"nvd@nist.gov","cvssData":{"vectorString":"CVSS:3.2/AV:N"}}]}}}`),
			wantErrs: []string{`CVE-2024-0001: cve.metrics.cvssMetricV31[0].cvssData.vectorString: malformed input: unknown CVSS version in "CVSS:3.2/AV:N"`},
		},
		{
			name:     "2.0 v3 vector without prefix",
			in:       page(`{"cve":{"id":"CVE-2024-0001","metrics":{"cvssMetricV2":[{"cvssData":{"vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}}],"cvssMetricV30":[{"cvssData":{"vectorString":"AV:N/AC:L/PR:N"}}]}}}`),
			wantErrs: []string{`CVE-2024-0001: cve.metrics.cvssMetricV30[0].cvssData.vectorString: malformed input: vector "AV:N/AC:L/PR:N" has no CVSS version prefix`},
		},
		{
			name:     "2.0 metric without vector",
			in:       page(`{"cve":{"id":"CVE-2024-0001","metrics":{"cvssMetricV40":[{"cvssData":{"baseScore":5}}]}}}`),
			wantErrs: []string{"CVE-2024-0001: cve.metrics.cvssMetricV40[0].cvssData.vectorString: malformed input: missing"},
		},
		{
			name:     "2.0 reference without url",
			in:       page(`{"cve":{"id":"CVE-2024-0001","references":[{"url":"https://example.com"},{"source":"x","tags":["Patch"]}]}}`),
			wantErrs: []string{"CVE-2024-0001: cve.references[1].url: malformed input: missing"},
		},
		{
			name:     "2.0 unknown node operator",
			in:       page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"nodes":[{"operator":"XOR","cpeMatch":[]}]}]}}`),
			wantErrs: []string{`CVE-2024-0001: cve.configurations[0].nodes[0].operator: malformed input: unknown operator "XOR"`},
		},
		{
			name: "2.0 missing lists become empty ones",
			in:   page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"operator":"AND"},{"nodes":[{"operator":"OR","negate":true}]}]}}`),
			want: []advisory.Record{{Source: "nvd", ID: "CVE-2024-0001",
				Configurations: json.RawMessage(`[{"operator":"AND","nodes":[]},{"nodes":[{"operator":"OR","negate":true,"cpeMatch":[]}]}]`)}},
		},
		{
			name:     "2.0 node without operator",
			in:       page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"nodes":[{"cpeMatch":[]}]}]}}`),
			wantErrs: []string{"CVE-2024-0001: cve.configurations[0].nodes[0].operator: malformed input: missing"},
		},
		{
			name:     "2.0 unknown configuration operator",
			in:       page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"operator":"and","nodes":[]}]}}`),
			wantErrs: []string{`CVE-2024-0001: cve.configurations[0].operator: malformed input: unknown operator "and"`},
		},
		{
			name: "2.0 CPE 2.2 URI",
			in: page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"nodes":[{"operator":"OR","cpeMatch":[
				{"vulnerable":true,"criteria":"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*"},{"vulnerable":true,"criteria":"cpe:/a:acme:widget"}]}]}]}}`),
			wantErrs: []string{`CVE-2024-0001: cve.configurations[0].nodes[0].cpeMatch[1].criteria: malformed input: not a CPE 2.3 name: "cpe:/a:acme:widget"`},
		},
		{
			name: "2.0 CPE with too few components",
			in: page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"nodes":[{"operator":"OR","cpeMatch":[
				{"vulnerable":false,"criteria":"cpe:2.3:a:acme\\:widget:1.0"}]}]}]}}`),
			wantErrs: []string{`CVE-2024-0001: cve.configurations[0].nodes[0].cpeMatch[0].criteria: malformed input: CPE 2.3 name "cpe:2.3:a:acme\\:widget:1.0" has 3 components, want 11`},
		},
		{
			name: "2.0 CPE ending in a backslash",
			in: page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"nodes":[{"operator":"OR","cpeMatch":[
				{"vulnerable":true,"criteria":"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*\\"}]}]}]}}`),
			wantErrs: []string{`CVE-2024-0001: cve.configurations[0].nodes[0].cpeMatch[0].criteria: malformed input: CPE 2.3 name "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*\\" ends in a lone backslash`},
		},
		{
			name: "2.0 CPE with empty product",
			in: page(`{"cve":{"id":"CVE-2024-0001","configurations":[{"nodes":[{"operator":"OR","cpeMatch":[
				{"vulnerable":true,"criteria":"cpe:2.3:a:acme::*:*:*:*:*:*:*:*"}]}]}]}}`),
			wantErrs: []string{`CVE-2024-0001: cve.configurations[0].nodes[0].cpeMatch[0].criteria: malformed input: CPE 2.3 name "cpe:2.3:a:acme::*:*:*:*:*:*:*:*" has an empty vendor or product`},
		},
		{
			name:     "1.1 missing id, next record still read",
			in:       feed11(`{"cve":{"CVE_data_meta":{"ASSIGNER":"cve@mitre.org"}}}`, `{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0002"}}}`),
			want:     []advisory.Record{{Source: "nvd", ID: "CVE-2019-0002", State: advisory.StatePublished}},
			wantErrs: []string{"#1: cve.CVE_data_meta.ID: malformed input: missing"},
		},
		{
			name:     "1.1 bad publishedDate",
			in:       feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"}},"publishedDate":"15/01/2019"}`),
			wantErrs: []string{`CVE-2019-0001: publishedDate: malformed input: invalid time "15/01/2019"`},
		},
		{
			name:     "1.1 bad lastModifiedDate",
			in:       feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"}},"lastModifiedDate":"2019"}`),
			wantErrs: []string{`CVE-2019-0001: lastModifiedDate: malformed input: invalid time "2019"`},
		},
		{
			name:     "1.1 v3 metric without vector",
			in:       feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"}},"impact":{"baseMetricV3":{"cvssV3":{"baseScore":9.8}}}}`),
			wantErrs: []string{"CVE-2019-0001: impact.baseMetricV3.cvssV3.vectorString: malformed input: missing"},
		},
		{
			name:     "1.1 v2 vector where v3 belongs",
			in:       feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"}},"impact":{"baseMetricV3":{"cvssV3":{"vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}}}}`),
			wantErrs: []string{`CVE-2019-0001: impact.baseMetricV3.cvssV3.vectorString: malformed input: vector "AV:N/AC:L/Au:N/C:P/I:P/A:P" has no CVSS version prefix`},
		},
		{
			name:     "1.1 reference without url",
			in:       feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"},"references":{"reference_data":[{"name":"x","refsource":"MISC"}]}}}`),
			wantErrs: []string{"CVE-2019-0001: cve.references.reference_data[0].url: malformed input: missing"},
		},
		{
			name: "1.1 malformed CPE in a child",
			in: feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"}},"configurations":{"nodes":[{"operator":"AND","children":[
				{"operator":"OR","cpe_match":[{"vulnerable":true,"cpe23Uri":"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*"}]},
				{"operator":"OR","cpe_match":[{"vulnerable":false,"cpe23Uri":"acme widget"}]}]}]}}`),
			wantErrs: []string{`CVE-2019-0001: configurations.nodes[0].children[1].cpe_match[0].cpe23Uri: malformed input: not a CPE 2.3 name: "acme widget"`},
		},
		{
			name:     "1.1 node of the wrong type",
			in:       feed11(`{"cve":{"CVE_data_meta":{"ID":"CVE-2019-0001"}},"configurations":{"nodes":[{"operator":"OR","negate":"no"}]}}`),
			wantErrs: []string{"CVE-2019-0001: configurations.nodes.negate: malformed input: string where boolean is expected"},
		},

		// Documents that cannot be read: one error, and records read
		// before the damage are kept.
		{
			name:     "not JSON",
			in:       "hello",
			wantErrs: []string{"malformed input: document: invalid character 'h' looking for beginning of value"},
		},
		{
			name:     "empty input",
			in:       "",
			wantErrs: []string{"malformed input: document: unexpected end of input"},
		},
		{
			name:     "top-level array",
			in:       `[{"cve":{"id":"CVE-2024-0001"}}]`,
			wantErrs: []string{"malformed input: document: not a JSON object"},
		},
		{
			name:     "no CVE array",
			in:       `{"resultsPerPage":0,"format":"NVD_CPE","products":[]}`,
			wantErrs: []string{"malformed input: page.json: no CVE_Items or vulnerabilities array"},
		},
		{
			name:     "array of the wrong type",
			in:       `{"vulnerabilities":{"cve":{"id":"CVE-2024-0001"}}}`,
			wantErrs: []string{"malformed input: vulnerabilities: not an array"},
		},
		{
			name:     "truncated",
			in:       `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}},{"cve":{"id":"CVE-2024-`,
			want:     []advisory.Record{{Source: "nvd", ID: "CVE-2024-0001"}},
			wantErrs: []string{"malformed input: vulnerabilities[1]: unexpected EOF"},
		},
		{
			name:     "truncated after the array",
			in:       `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}}]`,
			want:     []advisory.Record{{Source: "nvd", ID: "CVE-2024-0001"}},
			wantErrs: []string{"malformed input: document: unexpected end of input"},
		},
		{
			name:     "data after the document",
			in:       `{"vulnerabilities":[]} {"vulnerabilities":[]}`,
			wantErrs: []string{"malformed input: document: data after the top-level object"},
		},
		{
			name:     "syntax error after the document",
			in:       `{"vulnerabilities":[]} x`,
			wantErrs: []string{"malformed input: document: invalid character 'x' looking for beginning of value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feedtest.Expect(t, nvd.Parse("page.json", strings.NewReader(tt.in)), tt.want, tt.wantErrs, rawJSON)
		})
	}
}

// TestParseRecordErrorFields checks that record problems come as
// *feed.RecordError with Record and Field set apart, which is what the
// import report groups by.
func TestParseRecordErrorFields(t *testing.T) {
	_, errs := feedtest.Collect(nvd.Parse("page.json", strings.NewReader(
		page(`{"cve":{"id":"CVE-2024-0001","published":"soon"}}`))))
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1", len(errs))
	}
	var re *feed.RecordError
	if !errors.As(errs[0], &re) {
		t.Fatalf("%v is not a *feed.RecordError", errs[0])
	}
	if re.Record != "CVE-2024-0001" || re.Field != "cve.published" {
		t.Errorf("Record, Field = %q, %q; want CVE-2024-0001, cve.published", re.Record, re.Field)
	}
}

// TestParseTooLarge feeds an element just over the 16 MiB limit. It must be
// refused without being buffered whole, and since the decoder cannot skip
// it, the document ends there.
func TestParseTooLarge(t *testing.T) {
	big := `{"cve":{"id":"CVE-2024-0002","descriptions":[{"lang":"en","value":"` + strings.Repeat("a", 16<<20) + `"}]}}`
	in := page(`{"cve":{"id":"CVE-2024-0001"}}`, big, `{"cve":{"id":"CVE-2024-0003"}}`)
	got, errs := feedtest.Collect(nvd.Parse("big.json", strings.NewReader(in)))
	if len(got) != 1 || got[0].ID != "CVE-2024-0001" {
		t.Errorf("got %d records, want only CVE-2024-0001", len(got))
	}
	want := "#2: malformed input: record larger than 16 MiB"
	if len(errs) != 1 || errs[0].Error() != want {
		t.Fatalf("errors = %v, want [%s]", errs, want)
	}
	var re *feed.RecordError
	if !errors.As(errs[0], &re) {
		t.Errorf("%v is not a *feed.RecordError", errs[0])
	}
}

// TestParseNearLimit checks that an element just under the limit passes.
func TestParseNearLimit(t *testing.T) {
	head := `{"cve":{"id":"CVE-2024-0001","descriptions":[{"lang":"en","value":"`
	tail := `"}]}}`
	item := head + strings.Repeat("a", 16<<20-len(head)-len(tail)) + tail
	got, errs := feedtest.Collect(nvd.Parse("big.json", strings.NewReader(page(item, `{"cve":{"id":"CVE-2024-0002"}}`))))
	if len(errs) != 0 || len(got) != 2 {
		t.Errorf("got %d records and errors %v, want 2 and none", len(got), errs)
	}
}

// failingReader returns its data, then fails the way a broken download or
// a corrupt gzip stream does.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestParseReadError checks that a failing reader is reported as itself,
// not as malformed input: the importer retries the one and rejects the
// other.
func TestParseReadError(t *testing.T) {
	errBroken := errors.New("unexpected EOF in gzip stream")
	in := &failingReader{data: `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}},{"cve":`, err: errBroken}
	got, errs := feedtest.Collect(nvd.Parse("page.json.gz", in))
	if len(got) != 1 {
		t.Errorf("got %d records, want 1", len(got))
	}
	if len(errs) != 1 || !errors.Is(errs[0], errBroken) || errors.Is(errs[0], feed.ErrFormat) {
		t.Fatalf("errors = %v, want one wrapping the reader's error and not feed.ErrFormat", errs)
	}
	if want := "read vulnerabilities[1]: unexpected EOF in gzip stream"; errs[0].Error() != want {
		t.Errorf("error = %q, want %q", errs[0], want)
	}
}

// TestParseStops checks that Parse stops reading when the consumer stops.
func TestParseStops(t *testing.T) {
	in := page(`{"cve":{"id":"CVE-2024-0001"}}`, `{"cve":{"id":"CVE-2024-0002"}}`, `not json`)
	n := 0
	for _, err := range nvd.Parse("page.json", strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("consumed %d records, want 1", n)
	}
	// A consumer that stops on an error does not get another call; the
	// range statement would panic if it did.
	for _, err := range nvd.Parse("page.json", strings.NewReader("[]")) {
		if err == nil {
			t.Fatal("want an error")
		}
		break
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"1.1 feed", `{"CVE_data_type" : "CVE", "CVE_data_format" : "MITRE"`, true},
		{"1.1 feed, items first", `{"CVE_Items":[{"cve":{`, true},
		{"API page", "\n  {\n  \"resultsPerPage\": 1,\n  \"startIndex\": 0,\n  \"vulnerabilities\": [", true},
		{"2.0 feed cut before resultsPerPage", `{"format": "NVD_CVE", "version": "2.0", "vulnerabilities": [`, true},
		{"CPE API page", `{"resultsPerPage":1,"startIndex":0,"totalResults":1,"format":"NVD_CPE","version":"2.0","products":[`, false},
		{"CPE Match API page", `{"resultsPerPage":1,"format":"NVD_CPEMatchString","matchStrings":[`, false},
		{"CSAF", `{"document":{"category":"csaf_security_advisory"},"vulnerabilities":[`, false},
		{"CycloneDX VEX", `{"bomFormat":"CycloneDX","specVersion":"1.4","vulnerabilities":[`, false},
		{"CVE JSON 5", `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{`, false},
		{"a split CVE", `{"id":"CVE-2024-0001","sourceIdentifier":"cve@mitre.org"`, false},
		{"key text inside a string", `["CVE_Items"]`, false},
		{"empty", "", false},
		{"BOM", "\ufeff{\"CVE_Items\":[]}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nvd.Sniff("x.json", []byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}
