package csaf

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
)

// testMeta is the document property of the test documents; tests change it
// with strings.Replace.
const testMeta = `"category":"csaf_vex","csaf_version":"2.0","title":"Doc title","lang":"en-US",
	"publisher":{"category":"vendor","name":"ACME PSIRT","namespace":"https://acme.example"},
	"tracking":{"id":"ACME-2024-1","status":"final","version":"1",
		"initial_release_date":"2024-01-02T03:04:05Z","current_release_date":"2024-02-03T04:05:06.5+01:00",
		"revision_history":[{"date":"2024-01-02T03:04:05Z","number":"1","summary":"Initial"}]}`

// testTree defines P1 (vendor, product, version, CPE and purl), P2 (a version
// range), OS7 (a full product name), P1-OS7 (P1 installed on OS7) and
// group G1 = {P1, P2}.
const testTree = `{"branches":[{"category":"vendor","name":"ACME","branches":[{"category":"product_name","name":"Widget","branches":[
		{"category":"product_version","name":"1.0","product":{"name":"ACME Widget 1.0","product_id":"P1",
			"product_identification_helper":{"cpe":"cpe:2.3:a:acme:widget:1.0:*:*:*:*:*:*:*","purl":"pkg:generic/acme/widget@1.0"}}},
		{"category":"product_version_range","name":"vers:generic/>=2.0|<3.0","product":{"name":"ACME Widget 2.x","product_id":"P2"}}]}]}],
	"full_product_names":[{"name":"Gadget OS 7","product_id":"OS7","product_identification_helper":{"cpe":"cpe:/o:acme:gadget_os:7"}}],
	"relationships":[{"category":"installed_on","full_product_name":{"name":"ACME Widget 1.0 on Gadget OS 7","product_id":"P1-OS7"},
		"product_reference":"P1","relates_to_product_reference":"OS7"}],
	"product_groups":[{"group_id":"G1","product_ids":["P1","P2"]}]}`

// doc builds a document from a document property, a product tree and the
// vulnerabilities array's elements.
func doc(m, tr, vulns string) string {
	return `{"document":{` + m + `},"product_tree":` + tr + `,"vulnerabilities":[` + vulns + `]}`
}

// vuln is a document with the default meta and tree.
func vuln(vulns string) string { return doc(testMeta, testTree, vulns) }

// metaWith is testMeta with one substring replaced.
func metaWith(old, new string) string { return strings.Replace(testMeta, old, new, 1) }

// treeWith is testTree with one substring replaced.
func treeWith(old, new string) string { return strings.Replace(testTree, old, new, 1) }

// outcome lists what Parse yielded, in order: "record ID" or "error TEXT".
// Every error must be a *feed.RecordError wrapping feed.ErrFormat or a
// document error wrapping it, and every record must pass Validate.
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
	const ok = `{"cve":"CVE-2024-0001"}`
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{name: "minimal", doc: vuln(ok), want: []string{"record CVE-2024-0001"}},
		{name: "no vulnerabilities", doc: doc(testMeta, testTree, ""), want: nil},
		{name: "no product tree", doc: `{"document":{` + testMeta + `},"vulnerabilities":[` + ok + `]}`,
			want: []string{"record CVE-2024-0001"}},
		{name: "byte-order mark", doc: "\xef\xbb\xbf" + vuln(ok), want: []string{"record CVE-2024-0001"}},

		// The document cannot be read: one error, no record.
		{name: "empty", doc: "",
			want: []string{"error (document): malformed input: invalid JSON at byte 0: unexpected end of JSON input"}},
		{name: "not JSON", doc: "CSAF",
			want: []string{"error (document): malformed input: invalid JSON at byte 1: invalid character 'C' looking for beginning of value"}},
		{name: "array", doc: "[" + vuln(ok) + "]",
			want: []string{"error (document): malformed input: got array, want object"}},
		{name: "trailing data", doc: vuln(ok) + "\ninvalid data\n",
			want: []string{"error (document): malformed input: invalid JSON at byte 1369: invalid character 'i' after top-level value"}},
		{name: "cut short", doc: vuln(ok)[:200],
			want: []string{"error document.tracking.id: malformed input: invalid JSON at byte 200: unexpected end of JSON input"}},
		{name: "no document property", doc: `{"$schema":"https://example.com","canonical_url":"x","role":"csaf_provider"}`,
			want: []string{"error document: malformed input: missing"}},
		{name: "no csaf_version", doc: doc(metaWith(`"csaf_version":"2.0",`, ""), testTree, ok),
			want: []string{"error document.csaf_version: malformed input: missing"}},
		{name: "csaf_version 1.2", doc: doc(metaWith(`"2.0"`, `"1.2"`), testTree, ok),
			want: []string{`error document.csaf_version: malformed input: unsupported "1.2"`}},
		{name: "document value of the wrong type", doc: doc(metaWith(`"title":"Doc title"`, `"title":5`), testTree, ok),
			want: []string{"error document.title: malformed input: got number, want string"}},
		{name: "product tree value of the wrong type", doc: doc(testMeta, treeWith(`"name":"Widget"`, `"name":["Widget"]`), ok),
			want: []string{"error product_tree.branches[0].branches[0].name: malformed input: got array, want string"}},
		{name: "vulnerabilities not an array", doc: `{"document":{` + testMeta + `},"vulnerabilities":{"cve":"CVE-2024-0001"}}`,
			want: []string{"error vulnerabilities: malformed input: got object, want array"}},

		// Identity.
		{name: "no cve, vendor id", doc: vuln(`{"ids":[{"system_name":"Bugzilla","text":"https://bugzilla.example/1"},{"system_name":"Cisco Bug ID","text":"CSCvg76186"}]}`),
			want: []string{"record CSCvg76186"}},
		{name: "no cve and no usable id", doc: vuln(`{"ids":[{"system_name":"Bugzilla","text":"https://bugzilla.example/1"}]},` + ok),
			want: []string{"error #1: vulnerabilities[0]: malformed input: no cve and no usable id in ids", "record CVE-2024-0001"}},
		{name: "empty vulnerability", doc: vuln(`{},null`),
			want: []string{"error #1: vulnerabilities[0]: malformed input: no cve and no usable id in ids",
				"error #2: vulnerabilities[1]: malformed input: no cve and no usable id in ids"}},
		{name: "malformed cve", doc: vuln(`{"cve":"CVE-24-1"},` + ok),
			want: []string{`error #1: vulnerabilities[0].cve: malformed input: malformed "CVE-24-1"`, "record CVE-2024-0001"}},
		{name: "repeated cve", doc: vuln(ok + `,` + ok),
			want: []string{"record CVE-2024-0001",
				"error CVE-2024-0001: vulnerabilities[1].cve: malformed input: CVE-2024-0001 again (first at vulnerabilities[0].cve)"}},
		{name: "vulnerability not an object", doc: vuln(`"CVE-2024-0001",` + ok),
			want: []string{"error #1: vulnerabilities[0]: malformed input: got string, want object", "record CVE-2024-0001"}},
		{name: "vulnerability value of the wrong type", doc: vuln(`{"cve":"CVE-2024-0002","notes":[{"category":"summary","text":"a"},{"category":"details","text":7}]},` + ok),
			want: []string{"error CVE-2024-0002: vulnerabilities[0].notes[1].text: malformed input: got number, want string", "record CVE-2024-0001"}},

		// Document-level values every record carries reject every record.
		{name: "tracking id with #", doc: doc(metaWith(`"ACME-2024-1"`, `"CERTCC-VU#834248"`), testTree, ok+`,{"cve":"CVE-2024-0002"}`),
			want: []string{`error CVE-2024-0001: document.tracking.id: malformed input: malformed "CERTCC-VU#834248"`,
				`error CVE-2024-0002: document.tracking.id: malformed input: malformed "CERTCC-VU#834248"`}},
		{name: "no tracking id", doc: doc(metaWith(`"id":"ACME-2024-1",`, ""), testTree, ok),
			want: []string{"error CVE-2024-0001: document.tracking.id: malformed input: missing"}},
		{name: "release date not RFC 3339", doc: doc(metaWith(`"2024-01-02T03:04:05Z","current`, `"2024-01-02","current`), testTree, ok),
			want: []string{`error CVE-2024-0001: document.tracking.initial_release_date: malformed input: not an RFC 3339 time: "2024-01-02"`}},
		{name: "unknown TLP label", doc: doc(testMeta+`,"distribution":{"tlp":{"label":"PURPLE"}}`, testTree, ok),
			want: []string{`error CVE-2024-0001: document.distribution.tlp.label: malformed input: unknown "PURPLE"`}},
		{name: "document reference without url", doc: doc(testMeta+`,"references":[{"summary":"x"}]`, testTree, ok),
			want: []string{"error CVE-2024-0001: document.references[0].url: malformed input: missing"}},

		// Products.
		{name: "undefined product", doc: vuln(`{"cve":"CVE-2024-0001","product_status":{"fixed":["P1","P2","OS7","P9"]}}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].product_status.fixed[3]: malformed input: undefined product "P9"`}},
		{name: "group used as product", doc: vuln(`{"cve":"CVE-2024-0001","product_status":{"known_affected":["G1"]}}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].product_status.known_affected[0]: malformed input: undefined product "G1"`}},
		{name: "undefined group", doc: vuln(`{"cve":"CVE-2024-0001","remediations":[{"category":"vendor_fix","details":"d","group_ids":["G1","G2"]}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].remediations[0].group_ids[1]: malformed input: undefined product group "G2"`}},
		{name: "group with an undefined member", doc: doc(testMeta, treeWith(`["P1","P2"]`, `["P1","P3"]`), `{"cve":"CVE-2024-0001","flags":[{"label":"component_not_present","group_ids":["G1"]}]}`),
			want: []string{`error CVE-2024-0001: product_tree.product_groups[0].product_ids[1]: malformed input: undefined product "P3"`}},
		{name: "group defined twice", doc: doc(testMeta, treeWith(`"product_groups":[`, `"product_groups":[{"group_id":"G1","product_ids":["OS7"]},`), `{"cve":"CVE-2024-0001","threats":[{"category":"impact","details":"d","group_ids":["G1"]}]}`),
			want: []string{`error CVE-2024-0001: product_tree.product_groups[1]: malformed input: product group id "G1" defined again (first at product_tree.product_groups[0], referenced at vulnerabilities[0].threats[0].group_ids[0])`}},
		{name: "undefined product in a score", doc: vuln(`{"cve":"CVE-2024-0001","scores":[{"products":["P1","PX"],"cvss_v3":{"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8}}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].scores[0].products[1]: malformed input: undefined product "PX"`}},
		{name: "undefined product in a metric", doc: vuln(`{"cve":"CVE-2024-0001","metrics":[{"products":["PX"],"content":{"qualitative_severity_rating":"low"}}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].metrics[0].products[0]: malformed input: undefined product "PX"`}},
		{name: "product defined twice", doc: doc(testMeta, treeWith(`"product_id":"OS7"`, `"product_id":"P2"`), `{"cve":"CVE-2024-0001","product_status":{"known_affected":["P1"],"fixed":["P2"]}}`),
			want: []string{`error CVE-2024-0001: product_tree.full_product_names[0]: malformed input: product id "P2" defined again (first at product_tree.branches[0].branches[0].branches[1].product) (referenced at vulnerabilities[0].product_status.fixed[0])`}},
		{name: "relationship to an undefined component", doc: doc(testMeta, treeWith(`"product_reference":"P1"`, `"product_reference":"P7"`), `{"cve":"CVE-2024-0001","product_status":{"known_affected":["P1-OS7"]}}`),
			want: []string{`error CVE-2024-0001: product_tree.relationships[0].product_reference: malformed input: undefined product "P7" (referenced at vulnerabilities[0].product_status.known_affected[0])`}},
		{name: "relationship to an undefined platform", doc: doc(testMeta, treeWith(`"relates_to_product_reference":"OS7"`, `"relates_to_product_reference":"OS8"`), `{"cve":"CVE-2024-0001","product_status":{"known_affected":["P1-OS7"]}}`),
			want: []string{`error CVE-2024-0001: product_tree.relationships[0].relates_to_product_reference: malformed input: undefined product "OS8" (referenced at vulnerabilities[0].product_status.known_affected[0])`}},
		{name: "circular relationship", doc: doc(testMeta, treeWith(`"product_reference":"P1"`, `"product_reference":"P1-OS7"`), `{"cve":"CVE-2024-0001","product_status":{"known_affected":["P1-OS7"]}}`),
			want: []string{`error CVE-2024-0001: product_tree.relationships[0].product_reference: malformed input: circular definition through product "P1-OS7" (referenced at vulnerabilities[0].product_status.known_affected[0])`}},
		{name: "unknown flag label", doc: vuln(`{"cve":"CVE-2024-0001","flags":[{"label":"not_affected","product_ids":["P1"]}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].flags[0].label: malformed input: unknown "not_affected"`}},
		{name: "unknown remediation category", doc: vuln(`{"cve":"CVE-2024-0001","remediations":[{"category":"upgrade","details":"d","product_ids":["P1"]}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].remediations[0].category: malformed input: unknown "upgrade"`}},
		{name: "remediation date", doc: vuln(`{"cve":"CVE-2024-0001","remediations":[{"category":"vendor_fix","details":"d","date":"14.03.2022","product_ids":["P1"]}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].remediations[0].date: malformed input: not an RFC 3339 time: "14.03.2022"`}},

		// Scores and other values.
		{name: "cvss_v3 without vector", doc: vuln(`{"cve":"CVE-2024-0001","scores":[{"products":["P1"],"cvss_v3":{"baseScore":9.8}}]}`),
			want: []string{"error CVE-2024-0001: vulnerabilities[0].scores[0].cvss_v3.vectorString: malformed input: missing"}},
		{name: "cvss_v3 with a v2 vector", doc: vuln(`{"cve":"CVE-2024-0001","scores":[{"products":["P1"],"cvss_v3":{"vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].scores[0].cvss_v3.vectorString: malformed input: not a CVSS 3.0 or 3.1 vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P"`}},
		{name: "cvss_v4 with a v3 vector", doc: vuln(`{"cve":"CVE-2024-0001","metrics":[{"products":["P1"],"content":{"cvss_v4":{"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].metrics[0].content.cvss_v4.vectorString: malformed input: not a CVSS 4.0 vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`}},
		{name: "base score out of range", doc: vuln(`{"cve":"CVE-2024-0001","scores":[{"products":["P1"],"cvss_v2":{"vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":75}}]}`),
			want: []string{"error CVE-2024-0001: vulnerabilities[0].scores[0].cvss_v2.baseScore: malformed input: 75 is outside 0 to 10"}},
		{name: "base score as a string", doc: vuln(`{"cve":"CVE-2024-0001","scores":[{"products":["P1"],"cvss_v2":{"vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":"7.5"}}]}`),
			want: []string{"error CVE-2024-0001: vulnerabilities[0].scores[0].cvss_v2.baseScore: malformed input: got string, want number"}},
		{name: "EPSS probability", doc: vuln(`{"cve":"CVE-2024-0001","metrics":[{"products":["P1"],"content":{"epss":{"probability":"1.5","percentile":"0.9","timestamp":"2024-01-01T00:00:00Z"}}}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].metrics[0].content.epss.probability: malformed input: not a probability: "1.5"`}},
		{name: "EPSS without timestamp", doc: vuln(`{"cve":"CVE-2024-0001","metrics":[{"products":["P1"],"content":{"epss":{"probability":"0.5","percentile":"0.9"}}}]}`),
			want: []string{"error CVE-2024-0001: vulnerabilities[0].metrics[0].content.epss.timestamp: malformed input: missing"}},
		{name: "malformed CWE", doc: vuln(`{"cve":"CVE-2024-0001","cwe":{"id":"CWE-0","name":"x"}}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].cwe.id: malformed input: malformed "CWE-0"`}},
		{name: "malformed CWE in a 2.1 list", doc: vuln(`{"cve":"CVE-2024-0001","cwes":[{"id":"CWE-79","name":"x","version":"4.13"},{"id":"79","name":"x","version":"4.13"}]}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].cwes[1].id: malformed input: malformed "79"`}},
		{name: "vulnerability date", doc: vuln(`{"cve":"CVE-2024-0001","discovery_date":"yesterday"}`),
			want: []string{`error CVE-2024-0001: vulnerabilities[0].discovery_date: malformed input: not an RFC 3339 time: "yesterday"`}},
		{name: "reference without url", doc: vuln(`{"cve":"CVE-2024-0001","references":[{"summary":"x","url":"https://a.example"},{"summary":"y"}]}`),
			want: []string{"error CVE-2024-0001: vulnerabilities[0].references[1].url: malformed input: missing"}},
		{name: "free text is not checked", doc: vuln(`{"cve":"CVE-2024-0001","notes":[{"category":"whatever","text":"x"}],"threats":[{"category":"rumour","details":"x"}],"references":[{"category":"elsewhere","summary":"s","url":"u"}]}`),
			want: []string{"record CVE-2024-0001"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, outcome(t, tc.doc)); diff != "" {
				t.Errorf("Parse -want +got:\n%s", diff)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	// The document is streamed, not built, to keep the test from holding
	// three copies of 64 MiB.
	r := io.MultiReader(strings.NewReader(vuln(`{"cve":"CVE-2024-0001"}`)), io.LimitReader(spaces{}, maxDocument))
	var got []string
	for _, err := range Parse("x.json", r) {
		got = append(got, err.Error())
	}
	want := []string{"malformed input: document larger than 64 MiB"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

// spaces is an endless reader of JSON white space.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestParseReadError checks that an I/O failure is reported as such, not
// as a malformed document.
func TestParseReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader(`{"document":`), iotest.ErrReader(io.ErrUnexpectedEOF))
	var errs []error
	for _, err := range Parse("x.json", r) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], io.ErrUnexpectedEOF) || errors.Is(errs[0], feed.ErrFormat) {
		t.Errorf("got %v, want one read error wrapping io.ErrUnexpectedEOF and not ErrFormat", errs)
	}
}

// TestParseStops checks that Parse stops when the consumer does.
func TestParseStops(t *testing.T) {
	n := 0
	for range Parse("x.json", strings.NewReader(vuln(`{"cve":"CVE-2024-0001"},{"cve":"CVE-2024-0002"}`))) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("got %d records, want 1", n)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"bsi-2022-0001.json", `{"document":{"aggregate_severity":{"text":"Moderate"},"category":"csaf_security_advisory","csaf_version":"2.0",`, true},
		{"x.json", "\xef\xbb\xbf\n{\n  \"document\": {\n    \"csaf_version\": \"2.1\"", true},
		// csaf_version beyond 4 KiB, category within.
		{"x.json", `{"document":{"category" : "csaf_vex","notes":[{"text":"` + strings.Repeat("n", 4096) + `"}],"csaf_version":"2.0"}}`, true},
		{"cisco.json", `{"document":{"category":"Cisco Security Advisory","csaf_version":"2.0"}}`, true},
		{"provider-metadata.json", `{"canonical_url":"https://example.com/.well-known/csaf/provider-metadata.json","distributions":[],"metadata_version":"2.0","role":"csaf_trusted_provider"}`, false},
		{"white-feed.json", `{"feed":{"id":"csaf-feed-tlp-white","title":"CSAF feed (TLP:WHITE)","category":[{"scheme":"urn:ietf:params:rolie:category:information-type","term":"csaf"}]}}`, false},
		{"aggregator.json", `{"aggregator":{"category":"lister","name":"x"},"aggregator_version":"2.0","csaf_providers":[]}`, false},
		{"openvex.json", `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","statements":[{"vulnerability":{"name":"CVE-2023-1"},"status":"fixed"}]}`, false},
		{"cve.json", `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1"},"containers":{"cna":{"x_csaf_version":"no"}}}`, false},
		{"array.json", `[{"document":{"csaf_version":"2.0"}}]`, false},
		{"csaf.yaml", "document:\n  csaf_version: \"2.0\"\n", false},
		{"empty.json", "", false},
	}
	for _, tc := range tests {
		if got := Sniff(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q, %.60q) = %v, want %v", tc.name, tc.head, got, tc.want)
		}
	}
}
