package csaf

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

func TestParseMapping(t *testing.T) {
	published := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	modified := time.Date(2024, 2, 3, 3, 5, 6, 500e6, time.UTC)
	const acme = "https://acme.example"
	p1 := advisory.Affected{Vendor: "ACME", Product: "Widget", Versions: []string{"1.0"}, PURL: "pkg:generic/acme/widget@1.0",
		CPEs: []string{"cpe:2.3:a:acme:widget:1.0:*:*:*:*:*:*:*"}, Text: "ACME Widget 1.0"}
	p2 := advisory.Affected{Vendor: "ACME", Product: "Widget", Versions: []string{"vers:generic/>=2.0|<3.0"}, Text: "ACME Widget 2.x"}
	os7 := advisory.Affected{Product: "Gadget OS 7", CPEs: []string{"cpe:/o:acme:gadget_os:7"}, Text: "Gadget OS 7"}
	with := func(a advisory.Affected, status string, rs ...advisory.Remediation) advisory.Affected {
		a.Status, a.Remediations = status, rs
		return a
	}
	fix := advisory.Remediation{Category: "vendor_fix", Details: "Update to 1.0.", URL: "https://acme.example/fix", Date: "2024-01-04T23:00:00Z"}
	docNotes := []advisory.Note{
		{Category: "legal_disclaimer", Title: "Terms", Text: "Use at will.", Lang: "en"},
		{Category: "aggregate_severity", Title: "https://acme.example/severity", Text: "High"},
		{Category: "publisher", Title: "vendor", Text: "ACME PSIRT (https://acme.example)"},
		{Category: "tracking_status", Text: "final"},
	}
	const cvss31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	tests := []struct {
		name string
		doc  string
		want []advisory.Record
	}{
		{
			name: "CSAF 2.0 VEX",
			doc: doc(testMeta+`,"distribution":{"tlp":{"label":"WHITE"}},
				"aggregate_severity":{"namespace":"https://acme.example/severity","text":"High"},
				"notes":[{"category":"legal_disclaimer","title":"Terms","text":"Use at will."}],
				"references":[{"category":"self","summary":"again","url":"https://acme.example/adv/1"},{"category":"self","summary":"doc","url":"https://acme.example/doc"}],
				"acknowledgments":[{"names":["Carol"]},{"summary":"thanks to nobody in particular"}]`, testTree, `{
				"cve":"CVE-2024-0001","title":"Widget overflow",
				"ids":[{"system_name":"GitHub","text":"GHSA-abcd-efgh-ijkl"},{"system_name":"ACME Bug","text":"BUG-7"},
					{"system_name":"Bugzilla","text":"https://bz.example/7"},{"system_name":"self","text":"CVE-2024-0001"}],
				"notes":[{"category":"description","title":"Description","text":"Overflow in Widget."},{"category":"description","text":" More. "},
					{"category":"summary","text":"Short."},{"category":"faq","title":"FAQ","text":"Q?"},{"category":"general","text":"  "}],
				"discovery_date":"2024-01-01T10:00:00+02:00","release_date":"2024-01-02T00:00:00Z",
				"cwe":{"id":"CWE-787","name":"Out-of-bounds Write"},
				"product_status":{"known_affected":["P2","P1-OS7","P2"],"fixed":["P1"],"known_not_affected":["OS7"]},
				"flags":[{"label":"component_not_present","product_ids":["OS7"]},{"label":"vulnerable_code_not_present"}],
				"threats":[{"category":"impact","details":"Not shipped.","product_ids":["OS7"]},{"category":"exploit_status","details":"PoC public."}],
				"remediations":[{"category":"vendor_fix","details":"Update to 1.0.","url":"https://acme.example/fix","date":"2024-01-05T00:00:00+01:00","group_ids":["G1"]},
					{"category":"workaround","details":"Disable it.","product_ids":["P1-OS7"]},
					{"category":"no_fix_planned","details":"None for OS 7 itself.","url":"https://acme.example/eol"}],
				"scores":[{"products":["P2"],"cvss_v3":{"version":"3.1","vectorString":"`+cvss31+`","baseScore":9.8,"baseSeverity":"CRITICAL"}},
					{"products":["P1-OS7"],"cvss_v3":{"version":"3.1","vectorString":"`+cvss31+`","baseScore":9.8,"baseSeverity":"CRITICAL"}},
					{"products":["P2"],"cvss_v2":{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":7.5}}],
				"references":[{"category":"self","summary":"s","url":"https://acme.example/adv/1"},{"summary":"nvd","url":"https://nvd.example/CVE-2024-0001"}],
				"acknowledgments":[{"names":["Alice","Bob"],"organization":"Lab","urls":["https://lab.example"]},{"organization":"CERT"},{"names":["Carol"]}]}`),
			want: []advisory.Record{{
				Source: "csaf", ID: "CVE-2024-0001", Document: "ACME-2024-1", Published: published, Modified: modified, TLP: "CLEAR",
				Aliases:      []string{"GHSA-abcd-efgh-ijkl"},
				Titles:       []advisory.Text{{Lang: "en", Value: "Widget overflow"}},
				Descriptions: []advisory.Text{{Lang: "en", Value: "Overflow in Widget.\n\nMore."}},
				CWEs:         []advisory.CWE{{ID: "CWE-787", Description: "Out-of-bounds Write"}},
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv31, Vector: cvss31, Score: 9.8, Rating: "CRITICAL", Provider: acme},
					{Type: advisory.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", Score: 7.5, Provider: acme},
				},
				Affected: []advisory.Affected{
					with(p2, "known_affected", fix),
					with(func() advisory.Affected { a := p1; a.Text = "ACME Widget 1.0 on Gadget OS 7"; return a }(), "known_affected",
						advisory.Remediation{Category: "workaround", Details: "Disable it."}),
					with(p1, "fixed", fix),
					func() advisory.Affected {
						a := with(os7, "known_not_affected")
						a.Justification = "component_not_present"
						return a
					}(),
				},
				References: []advisory.Reference{
					{Type: "ADVISORY", URL: "https://acme.example/adv/1", Tags: []string{"self"}},
					{Type: "WEB", URL: "https://nvd.example/CVE-2024-0001", Tags: []string{"external"}},
					{Type: "ADVISORY", URL: "https://acme.example/doc", Tags: []string{"self"}},
				},
				Credits: []advisory.Credit{
					{Name: "Alice (Lab)", Contact: []string{"https://lab.example"}},
					{Name: "Bob (Lab)", Contact: []string{"https://lab.example"}},
					{Name: "CERT"}, {Name: "Carol"},
				},
				Notes: append([]advisory.Note{
					{Category: "id", Title: "ACME Bug", Text: "BUG-7"},
					{Category: "id", Title: "Bugzilla", Text: "https://bz.example/7"},
					{Category: "summary", Text: "Short.", Lang: "en"},
					{Category: "faq", Title: "FAQ", Text: "Q?", Lang: "en"},
					{Category: "discovery_date", Text: "2024-01-01T08:00:00Z"},
					{Category: "release_date", Text: "2024-01-02T00:00:00Z"},
					{Category: "flag", Text: "vulnerable_code_not_present"},
					// The flag justifies OS7, so the impact statement stays a note.
					{Category: "threat", Title: "impact", Text: "Not shipped.", Lang: "en"},
					{Category: "threat", Title: "exploit_status", Text: "PoC public.", Lang: "en"},
					{Category: "remediation", Title: "no_fix_planned", Text: "None for OS 7 itself.\nhttps://acme.example/eol", Lang: "en"},
				}, docNotes...),
			}},
		},
		{
			name: "CSAF 2.1",
			doc: doc(strings.NewReplacer(`"2.0"`, `"2.1"`, `"en-US"`, `"de"`).Replace(testMeta)+`,"distribution":{"tlp":{"label":"AMBER+STRICT"}}`,
				`{"full_product_names":[{"name":"Lib 2","product_id":"L2","product_identification_helper":{"purls":["pkg:npm/lib@2.0.0","pkg:github/acme/lib@v2.0.0"]}},
					{"name":"Lib 3","product_id":"L3"}],
				  "product_groups":[{"group_id":"ALL","product_ids":["L2","L3"]}]}`, `{
				"ids":[{"system_name":"GitHub","text":"GHSA-2222-3333-4444"},{"system_name":"NVD","text":"CVE-2024-0002"}],
				"notes":[{"category":"summary","text":"Kurz.","audience":"all","product_ids":["L2"]}],
				"cwes":[{"id":"CWE-79","name":"XSS","version":"4.13"},{"id":"CWE-79","name":"XSS","version":"4.14"},{"id":"CWE-80","name":"Basic XSS","version":"4.13"}],
				"disclosure_date":"2024-03-01T00:00:00Z",
				"first_known_exploitation_dates":[{"date":"2024-03-05T00:00:00Z","exploitation_date":"2024-03-04T12:00:00Z","product_ids":["L2"]}],
				"product_status":{"known_affected":["L2"],"unknown":["L3"]},
				"metrics":[
					{"products":["L2"],"source":"https://nvd.example","content":{
						"cvss_v3":{"version":"3.0","vectorString":"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N","baseScore":6.1,"baseSeverity":"MEDIUM"},
						"cvss_v4":{"version":"4.0","vectorString":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N","baseScore":5.1,"baseSeverity":"MEDIUM"},
						"epss":{"probability":"0.00042","percentile":"0.05123","timestamp":"2024-03-02T05:00:00+02:00"},
						"ssvc_v2":{"schemaVersion":"2.0.0","timestamp":"2024-03-02T00:00:00Z","selections":[
							{"namespace":"ssvc","key":"E","version":"1.1.0","values":[{"key":"P"}]},
							{"namespace":"ssvc","key":"A","version":"2.0.0","values":[{"key":"N"}]},
							{"namespace":"ssvc","key":"TI","version":"1.0.0","values":[{"key":"P"}]},
							{"namespace":"ssvc","key":"MI","version":"1.0.0","values":[{"key":"D"}]}]}}},
					{"products":["L3"],"content":{"qualitative_severity_rating":"high",
						"epss":{"probability":"0.9","percentile":"0.99","timestamp":"2025-01-01T00:00:00Z"}}}],
				"remediations":[{"category":"fix_planned","details":"Fix in 2.1.","group_ids":["ALL"]},{"category":"optional_patch","details":"Hardening.","product_ids":["L3"],"entitlements":["paid"]}]}`),
			want: []advisory.Record{{
				Source: "csaf", ID: "GHSA-2222-3333-4444", Document: "ACME-2024-1", Published: published, Modified: modified, TLP: "AMBER+STRICT",
				Aliases:      []string{"CVE-2024-0002"},
				Titles:       []advisory.Text{{Lang: "de", Value: "Doc title"}},
				Descriptions: []advisory.Text{{Lang: "de", Value: "Kurz."}},
				CWEs:         []advisory.CWE{{ID: "CWE-79", Description: "XSS"}, {ID: "CWE-80", Description: "Basic XSS"}},
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv30, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", Score: 6.1, Rating: "MEDIUM", Provider: "https://nvd.example"},
					{Type: advisory.CVSSv40, Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", Score: 5.1, Rating: "MEDIUM", Provider: "https://nvd.example"},
					{Type: advisory.RatingOther, Rating: "high", Provider: acme},
				},
				EPSS: &advisory.EPSS{Score: 0.00042, Percentile: 0.05123, Date: "2024-03-02"},
				SSVC: &advisory.SSVC{Exploitation: "poc", Automatable: "no", TechnicalImpact: "partial", Timestamp: "2024-03-02T00:00:00Z", Provider: "https://nvd.example"},
				Affected: []advisory.Affected{
					{Product: "Lib 2", PURL: "pkg:npm/lib@2.0.0", Text: "Lib 2", Status: "known_affected",
						Remediations: []advisory.Remediation{{Category: "fix_planned", Details: "Fix in 2.1."}}},
					{Product: "Lib 3", Text: "Lib 3", Status: "unknown",
						Remediations: []advisory.Remediation{{Category: "fix_planned", Details: "Fix in 2.1."}, {Category: "optional_patch", Details: "Hardening."}}},
				},
				Notes: []advisory.Note{
					{Category: "disclosure_date", Text: "2024-03-01T00:00:00Z"},
					{Category: "first_known_exploitation_date", Text: "2024-03-04T12:00:00Z"},
					{Category: "publisher", Title: "vendor", Text: "ACME PSIRT (https://acme.example)"},
					{Category: "tracking_status", Text: "final"},
				},
			}},
		},
		{
			name: "impact statement as justification",
			doc: vuln(`{"cve":"CVE-2024-0003","product_status":{"known_not_affected":["OS7","P1"],"under_investigation":["P2"]},
				"flags":[{"label":"vulnerable_code_not_in_execute_path","group_ids":["G1"]}],
				"threats":[{"category":"impact","details":"Only P1 and OS7 ship it, unused.","product_ids":["OS7","P1"]},
					{"category":"impact","details":"Still looking.","product_ids":["P2"]}]}`),
			want: []advisory.Record{{
				Source: "csaf", ID: "CVE-2024-0003", Document: "ACME-2024-1", Published: published, Modified: modified,
				Titles: []advisory.Text{{Lang: "en", Value: "Doc title"}},
				Affected: []advisory.Affected{
					func() advisory.Affected {
						a := with(os7, "known_not_affected")
						a.Justification = "Only P1 and OS7 ship it, unused."
						return a
					}(),
					func() advisory.Affected {
						a := with(p1, "known_not_affected")
						a.Justification = "vulnerable_code_not_in_execute_path"
						return a
					}(),
					with(p2, "under_investigation"),
				},
				Notes: []advisory.Note{
					{Category: "threat", Title: "impact", Text: "Only P1 and OS7 ship it, unused.", Lang: "en"},
					{Category: "threat", Title: "impact", Text: "Still looking.", Lang: "en"},
					{Category: "publisher", Title: "vendor", Text: "ACME PSIRT (https://acme.example)"},
					{Category: "tracking_status", Text: "final"},
				},
			}},
		},
		{
			name: "Red Hat conventions",
			doc: doc(testMeta, `{"branches":[{"category":"vendor","name":"Red Hat","branches":[
					{"category":"product_family","name":"Red Hat Enterprise Linux","branches":[
						{"category":"product_name","name":"RHEL 8","product":{"name":"Red Hat Enterprise Linux 8","product_id":"BaseOS-8","product_identification_helper":{"cpe":"cpe:/o:redhat:enterprise_linux:8::baseos"}}}]},
					{"category":"architecture","name":"x86_64","branches":[
						{"category":"product_version","name":"telnet-1:0.17-76.el8.x86_64","product":{"name":"telnet-1:0.17-76.el8.x86_64","product_id":"telnet-x86_64",
							"product_identification_helper":{"purl":"pkg:rpm/redhat/telnet@0.17-76.el8?arch=x86_64&epoch=1"}}}]}]}],
				"relationships":[{"category":"default_component_of","full_product_name":{"name":"telnet as a component of RHEL 8","product_id":"BaseOS-8:telnet-x86_64"},
					"product_reference":"telnet-x86_64","relates_to_product_reference":"BaseOS-8"},
					{"category":"installed_with","full_product_name":{"name":"nested","product_id":"nested"},
					"product_reference":"BaseOS-8:telnet-x86_64","relates_to_product_reference":"BaseOS-8"}]}`, `{
				"cve":"CVE-2020-10188","title":"CVE-2020-10188 telnet-server: no bounds checks",
				"notes":[{"category":"general","title":"Vulnerability Description","text":"telnet-server: no bounds checks in nextitem()"},
					{"category":"general","title":"Statement","text":"Low impact."}],
				"threats":[{"category":"impact","date":"2020-03-06T00:00:00Z","details":"Important"}],
				"product_status":{"fixed":["BaseOS-8:telnet-x86_64","nested"]}}`),
			want: []advisory.Record{{
				Source: "csaf", ID: "CVE-2020-10188", Document: "ACME-2024-1", Published: published, Modified: modified,
				Titles:       []advisory.Text{{Lang: "en", Value: "CVE-2020-10188 telnet-server: no bounds checks"}},
				Descriptions: []advisory.Text{{Lang: "en", Value: "telnet-server: no bounds checks in nextitem()"}},
				Affected: []advisory.Affected{
					{Vendor: "Red Hat", Product: "telnet-1:0.17-76.el8.x86_64", Versions: []string{"telnet-1:0.17-76.el8.x86_64"},
						PURL: "pkg:rpm/redhat/telnet@0.17-76.el8?arch=x86_64&epoch=1", Text: "telnet as a component of RHEL 8", Status: "fixed"},
					{Vendor: "Red Hat", Product: "telnet-1:0.17-76.el8.x86_64", Versions: []string{"telnet-1:0.17-76.el8.x86_64"},
						PURL: "pkg:rpm/redhat/telnet@0.17-76.el8?arch=x86_64&epoch=1", Text: "nested", Status: "fixed"},
				},
				Notes: []advisory.Note{
					{Category: "general", Title: "Statement", Text: "Low impact.", Lang: "en"},
					{Category: "threat", Title: "impact", Text: "Important", Lang: "en"},
					{Category: "publisher", Title: "vendor", Text: "ACME PSIRT (https://acme.example)"},
					{Category: "tracking_status", Text: "final"},
				},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, errs := feedtest.Collect(Parse("x.json", strings.NewReader(tc.doc)))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if diff := cmp.Diff(tc.want, recs); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}
