package csaf

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidLangTag(t *testing.T) {
	for _, tc := range []struct {
		tag, want string
		private   bool
	}{
		{tag: "en"},
		{tag: "en-US"},
		{tag: "de-DE"},
		{tag: "zh-Hant-TW"},
		{tag: "sl-rozaj-biske"},
		{tag: "de-CH-1901"},
		{tag: "zh-yue-HK"},
		{tag: "es-419"},
		{tag: "i-default"},
		{tag: "en-GB-oed"},
		{tag: "de-u-co-phonebk"},
		{tag: "en-x-private", private: true},
		{tag: "x-whatever", private: true},
		{tag: "qtx", private: true},
		{tag: "en-QM", private: true},
		{tag: "en-Qabc", private: true},
		{tag: "en-AA", private: true},
		{tag: "fr-ZZ", private: true},
		{tag: "EZ", want: "has an unknown language subtag ez"},
		{tag: "en-QQQQ", want: "has an unknown script subtag qqqq"},
		{tag: "en-ZX", want: "has an unknown region subtag zx"},
		{tag: "de-1901-1901", want: "repeats the variant subtag 1901"},
		{tag: "en-a-bbb", want: "has an unregistered extension a"},
		{tag: "en-u-co-u-ca", want: "repeats the extension u"},
		{tag: "zh-yue-cmn", want: "has more than one extended language subtag"},
		{tag: "en_US", want: "is not a well-formed BCP 47 language tag"},
		{tag: "", want: "is not a well-formed BCP 47 language tag"},
		{tag: "en-", want: "is not a well-formed BCP 47 language tag"},
		{tag: "en-u", want: "is not a well-formed BCP 47 language tag"},
		{tag: "en-x", want: "is not a well-formed BCP 47 language tag"},
		{tag: "toolongtag", want: "is not a well-formed BCP 47 language tag"},
	} {
		if got := validLangTag(tc.tag); got != tc.want {
			t.Errorf("validLangTag(%q) = %q, want %q", tc.tag, got, tc.want)
		}
		if got := privateLangTag(tc.tag); got != tc.private {
			t.Errorf("privateLangTag(%q) = %v, want %v", tc.tag, got, tc.private)
		}
	}
}

func TestCheckPURLSyntax(t *testing.T) {
	for _, tc := range []struct{ purl, want string }{
		{purl: "pkg:npm/%40angular/animation@12.3.1"},
		{purl: "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?packaging=sources"},
		{purl: "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25"},
		{purl: "pkg:golang/google.golang.org/genproto#googleapis/api/annotations"},
		{purl: "pkg:generic/openssl@1.1.10g?download_url=https://openssl.org/source/openssl-1.1.0g.tar.gz"},
		{purl: "pkg:maven/@1.3.4", want: "name is required"},
		{purl: "npm/foo@1", want: `the scheme must be "pkg:"`},
		{purl: "pkg:npm", want: "type and name are required"},
		{purl: "pkg:9npm/foo", want: `invalid type "9npm"`},
		{purl: "pkg:npm/foo%zz", want: `name "foo%zz": invalid URL escape "%zz"`},
		{purl: "pkg:npm/foo?a", want: `qualifier "a" is not key=value`},
		{purl: "pkg:npm/foo?9a=b", want: `invalid qualifier key "9a"`},
		{purl: "pkg:npm/foo?a=b&A=c", want: `qualifier "a" given twice`},
	} {
		got := ""
		if err := checkPURLSyntax(tc.purl); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("checkPURLSyntax(%q) = %q, want %q", tc.purl, got, tc.want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	// Each list ascends strictly, by semver precedence.
	for _, list := range [][]string{
		{"0", "1", "2", "10", "99999999999999999999"},
		{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"},
		{"0.9.0", "1", "1.0.1", "2.0.0-rc", "2"},
	} {
		for i := 1; i < len(list); i++ {
			a, okA := parseVersion(list[i-1])
			b, okB := parseVersion(list[i])
			if !okA || !okB {
				t.Fatalf("parseVersion(%q or %q) failed", list[i-1], list[i])
			}
			if c := compareVersions(a, b); c >= 0 {
				t.Errorf("compareVersions(%q, %q) = %d, want < 0", list[i-1], list[i], c)
			}
			if c := compareVersions(b, a); c <= 0 {
				t.Errorf("compareVersions(%q, %q) = %d, want > 0", list[i], list[i-1], c)
			}
		}
	}
	for _, s := range []string{"01", "1.0", "v1", "1.0.0-", "1.0.0+", "1.0.0-01", ""} {
		if _, ok := parseVersion(s); ok {
			t.Errorf("parseVersion(%q) succeeded, want failure", s)
		}
	}
	a, _ := parseVersion("1.0.0+build.1")
	b, _ := parseVersion("1.0.0+build.2")
	if c := compareVersions(a, b); c != 0 {
		t.Errorf("build metadata changes precedence: %d", c)
	}
}

// TestMandatoryFindings pins each mandatory test's finding on a small
// document: path and message.
func TestMandatoryFindings(t *testing.T) {
	const head = `"document":{"category":"csaf_base","csaf_version":"2.0","publisher":{"category":"other","name":"n","namespace":"https://example.com"},"title":"t",
		"tracking":{"current_release_date":"2024-01-01T00:00:00Z","id":"X","initial_release_date":"2024-01-01T00:00:00Z",
		"revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"s"}],"status":"final","version":"1"}}`
	for _, tc := range []struct {
		name, test, body string
		want             []Finding
	}{
		{
			name: "circular relationship",
			test: "6.1.3",
			body: `"product_tree":{"full_product_names":[{"name":"a","product_id":"A"}],"relationships":[
				{"category":"installed_on","full_product_name":{"name":"b","product_id":"B"},"product_reference":"C","relates_to_product_reference":"A"},
				{"category":"installed_on","full_product_name":{"name":"c","product_id":"C"},"product_reference":"B","relates_to_product_reference":"A"}]}`,
			want: []Finding{
				{Test: "6.1.3", Path: "$.product_tree.relationships[0].product_reference", Message: `product id "C" is defined by a relationship that depends on it: the definition is circular`},
				{Test: "6.1.3", Path: "$.product_tree.relationships[1].product_reference", Message: `product id "B" is defined by a relationship that depends on it: the definition is circular`},
			},
		},
		{
			name: "self-referencing relationship",
			test: "6.1.3",
			body: `"product_tree":{"full_product_names":[{"name":"a","product_id":"A"}],"relationships":[
				{"category":"installed_on","full_product_name":{"name":"b","product_id":"B"},"product_reference":"A","relates_to_product_reference":"B"}]}`,
			want: []Finding{
				{Test: "6.1.3", Path: "$.product_tree.relationships[0].relates_to_product_reference", Message: `product id "B" is defined by a relationship that depends on it: the definition is circular`},
			},
		},
		{
			name: "missing group",
			test: "6.1.4",
			body: `"vulnerabilities":[{"remediations":[{"category":"workaround","details":"d","group_ids":["G1"]}]}]`,
			want: []Finding{{Test: "6.1.4", Path: "$.vulnerabilities[0].remediations[0].group_ids[0]", Message: `product group id "G1" is not defined in the product tree`}},
		},
		{
			name: "two CVSS v3.1 scores for one product",
			test: "6.1.7",
			body: `"product_tree":{"full_product_names":[{"name":"a","product_id":"A"}]},"vulnerabilities":[{"scores":[
				{"products":["A"],"cvss_v3":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}},
				{"products":["A"],"cvss_v3":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N","baseScore":9.1,"baseSeverity":"CRITICAL"}}]}]`,
			want: []Finding{{Test: "6.1.7", Path: "$.vulnerabilities[0].scores[1].products[0]", Message: `product "A" already has a CVSS 3.1 score in this vulnerability`}},
		},
		{
			name: "involvement twice on one instant",
			test: "6.1.24",
			body: `"vulnerabilities":[{"involvements":[{"party":"vendor","status":"open","date":"2024-01-01T01:00:00+01:00"},{"party":"vendor","status":"completed","date":"2024-01-01T00:00:00Z"}]}]`,
			want: []Finding{{Test: "6.1.24", Path: "$.vulnerabilities[0].involvements[1]", Message: `party "vendor" already has an involvement dated 2024-01-01T00:00:00Z`}},
		},
		{
			name: "version range words",
			test: "6.1.31",
			body: `"product_tree":{"branches":[{"category":"vendor","name":"v","branches":[{"category":"product_version","name":"All versions","product":{"name":"p","product_id":"A"}}]}]}`,
			want: []Finding{{Test: "6.1.31", Path: "$.product_tree.branches[0].branches[0].name", Message: `product_version "All versions" describes a range ("all"); use product_version_range`}},
		},
		{
			name: "flag twice through a group",
			test: "6.1.33",
			body: `"product_tree":{"full_product_names":[{"name":"a","product_id":"A"}],"product_groups":[{"group_id":"G","product_ids":["A","A"]}]},
				"vulnerabilities":[{"flags":[{"label":"component_not_present","product_ids":["A"]},{"label":"vulnerable_code_not_present","group_ids":["G"]}]}]`,
			want: []Finding{{Test: "6.1.33", Path: "$.vulnerabilities[0].flags[1]", Message: `product "A" already has a flag in this vulnerability`}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Validate([]byte("{" + head + "," + tc.body + "}"))
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range res.Findings {
				if f.Test == tc.test {
					f.Severity = 0
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings of %s (-want +got):\n%s", tc.test, diff)
			}
		})
	}
}

// TestFindingCap checks that a test lists at most maxPerTest findings and
// counts the rest in one closing finding.
func TestFindingCap(t *testing.T) {
	var ids []string
	for i := range maxPerTest + 500 {
		ids = append(ids, fmt.Sprintf("%q", fmt.Sprintf("P%d", i)))
	}
	doc := `{"vulnerabilities":[{"product_status":{"known_affected":[` + strings.Join(ids, ",") + `]}}]}`
	res, err := Validate([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []Finding
	for _, f := range res.Findings {
		if f.Test == "6.1.1" {
			got = append(got, f)
		}
	}
	if len(got) != maxPerTest+1 {
		t.Fatalf("6.1.1 listed %d findings, want %d", len(got), maxPerTest+1)
	}
	want := Finding{Test: "6.1.1", Path: "$", Message: "500 more findings of this test are not listed", Severity: Error}
	if diff := cmp.Diff(want, got[maxPerTest]); diff != "" {
		t.Errorf("closing finding (-want +got):\n%s", diff)
	}
}

func TestSeverityJSON(t *testing.T) {
	b, err := json.Marshal(Finding{Test: "6.2.1", Path: "$", Message: "m", Severity: Warning})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"test":"6.2.1","path":"$","message":"m","severity":"warning"}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var f Finding
	if err := json.Unmarshal(b, &f); err != nil || f.Severity != Warning {
		t.Errorf("Unmarshal = %+v, %v", f, err)
	}
	for _, bad := range []string{`"fatal"`, `"Error"`, `0`} {
		var s Severity
		if err := json.Unmarshal([]byte(bad), &s); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want an error", bad)
		}
	}
	if _, err := json.Marshal(Severity(7)); err == nil {
		t.Error("Marshal(Severity(7)) succeeded, want an error")
	}
}
