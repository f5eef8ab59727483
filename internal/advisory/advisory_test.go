package advisory

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// log4shell is CVE-2021-44228 as the CVE list and CISA's KEV catalogue state
// parts of it, cut to the fields the tests need.
func log4shellCVE() Record {
	return Record{
		Source:       "cve5",
		ID:           "CVE-2021-44228",
		Published:    time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC),
		State:        StatePublished,
		Titles:       []Text{{Lang: "en", Value: "Apache Log4j2 JNDI features do not protect against attacker controlled LDAP and other JNDI related endpoints"}},
		Descriptions: []Text{{Lang: "en", Value: "Apache Log4j2 2.0-beta9 through 2.15.0 ..."}},
		CWEs:         []CWE{{ID: "CWE-502"}, {ID: "CWE-400"}, {ID: "CWE-20"}},
		Severities:   []Severity{{Type: CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Score: 10, Rating: "CRITICAL", Provider: "CISA-ADP"}},
		References:   []Reference{{Type: "ADVISORY", URL: "https://logging.apache.org/log4j/2.x/security.html"}},
	}
}

func log4shellKEV() Record {
	return Record{
		Source: "kev", ID: "CVE-2021-44228",
		Titles: []Text{{Lang: "en", Value: "Apache Log4j2 Remote Code Execution Vulnerability"}},
		CWEs:   []CWE{{ID: "CWE-20", Provider: "CISA-KEV"}, {ID: "CWE-917", Provider: "CISA-KEV"}},
		KEV:    &KEV{DateAdded: "2021-12-10", DueDate: "2021-12-24", KnownRansomwareCampaignUse: "Known"},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		want string // "" for valid
	}{
		{"valid", log4shellCVE(), ""},
		{"no source", Record{ID: "CVE-2021-44228"}, "source: empty"},
		{"no id", Record{Source: "osv"}, "id: empty"},
		{"id with a space", Record{Source: "osv", ID: "GO 2022"}, `id: malformed "GO 2022"`},
		{"id with a path", Record{Source: "osv", ID: "../../etc/passwd"}, `id: malformed "../../etc/passwd"`},
		{"AlmaLinux colon", Record{Source: "osv", ID: "ALSA-2024:0265"}, ""},
		{"bad alias", Record{Source: "osv", ID: "GO-2022-0001", Aliases: []string{"CVE-2022-1", "bad alias"}}, `aliases[1]: malformed "bad alias"`},
		{"bad related", Record{Source: "osv", ID: "GO-2022-0001", Related: []string{""}}, `related[0]: malformed ""`},
		{"unknown severity type", Record{Source: "osv", ID: "GO-2022-0001", Severities: []Severity{{Type: "CVSS_V5"}}}, `severities[0].type: unknown "CVSS_V5"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rec.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid)):
				t.Errorf("Validate() = %v, want ErrInvalid naming %q", err, tc.want)
			}
		})
	}
}

func TestClaims(t *testing.T) {
	r := Record{
		Source: "osv", ID: "GO-2020-0005",
		Aliases:  []string{"GHSA-p4g4-wgrh-qrg2", "CVE-2020-15106", "CVE-2020-15106"},
		Modified: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), // the Go vulndb's placeholder
		Titles:   []Text{{Lang: "en", Value: "Panic due to malformed WALs"}, {Lang: "en", Value: "a repeated language"}},
		Severities: []Severity{
			{Type: CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},
			{Type: CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", Provider: "CISA-ADP"},
		},
	}
	type fk struct {
		Field Field
		Key   string
		Value string
	}
	var got []fk
	for _, c := range r.Claims() {
		if c.Source != "osv" || c.Record != "GO-2020-0005" {
			t.Errorf("claim %s has provenance %+v", c.Field, c.Provenance)
		}
		got = append(got, fk{c.Field, c.Key, string(c.Value)})
	}
	want := []fk{
		{FieldAliases, "", `["CVE-2020-15106","GHSA-p4g4-wgrh-qrg2"]`},
		{FieldTitle, "en", `"Panic due to malformed WALs"`},
		{FieldSeverity, "CVSS_V3.1", `{"type":"CVSS_V3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}`},
		{FieldSeverity, "CVSS_V3.1/CISA-ADP", `{"type":"CVSS_V3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L","provider":"CISA-ADP"}`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims -want +got:\n%s", diff)
	}
	if !cmp.Equal(r.Aliases, []string{"GHSA-p4g4-wgrh-qrg2", "CVE-2020-15106", "CVE-2020-15106"}) {
		t.Errorf("Claims modified its input: %v", r.Aliases)
	}
}

func TestHash(t *testing.T) {
	a, b := log4shellCVE(), log4shellCVE()
	if a.Hash() != b.Hash() {
		t.Error("equal records hash differently")
	}
	b.Descriptions[0].Value += "."
	if a.Hash() == b.Hash() {
		t.Error("a changed description does not change the hash")
	}
	// Alias order is not content.
	c, d := Record{Source: "osv", ID: "X-1", Aliases: []string{"A-1", "B-1"}}, Record{Source: "osv", ID: "X-1", Aliases: []string{"B-1", "A-1"}}
	if c.Hash() != d.Hash() {
		t.Error("alias order changes the hash")
	}
}

// TestHashStable pins the hash of fixed claims: stored records are
// compared with new ones by it, so a change in how it is computed would
// make every record of every database look changed on its next import.
func TestHashStable(t *testing.T) {
	r := Record{Source: "cnvd", ID: "CNVD-2021-63686", Aliases: []string{"CVE-2021-1234"},
		Published: time.Date(2021, 10, 4, 0, 0, 0, 0, time.UTC),
		Titles:    []Text{{Lang: "zh-CN", Value: "某漏洞"}}, Severities: []Severity{{Type: RatingCNVD, Rating: "HIGH"}}}
	for _, tc := range []struct {
		name   string
		claims []Claim
		want   string
	}{
		{"none", nil, "e3b0c44298fc1c149afbf4c8996fb924"},
		{"record", r.Claims(), "6f9091681bd8614e730bed72860883b3"},
		{"empty key", []Claim{{Field: FieldTitle, Value: []byte(`""`)}}, "cf4c9eb662c4b83df25e0744c6c68a1f"},
	} {
		if got := HashClaims(tc.claims); got != tc.want {
			t.Errorf("%s: HashClaims = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestPrimaryID(t *testing.T) {
	tests := []struct {
		ids  []string
		want string
	}{
		{[]string{"GO-2020-0001", "GHSA-6vm3-jj99-7229", "CVE-2020-36567"}, "CVE-2020-36567"},
		{[]string{"GO-2020-0005", "CVE-2020-15112", "CVE-2020-15106"}, "CVE-2020-15106"},
		{[]string{"BIT-php-2024-4577", "GHSA-vxpp-6299-mxw3"}, "GHSA-vxpp-6299-mxw3"},
		{[]string{"CNVD-2021-95914", "CVE-2021-44228", "GCVE-1-2025-0001"}, "GCVE-1-2025-0001"},
		{[]string{"RUSTSEC-2021-0001", "ALSA-2024:0265"}, "ALSA-2024:0265"},
	}
	for _, tc := range tests {
		if got := PrimaryID(tc.ids); got != tc.want {
			t.Errorf("PrimaryID(%v) = %s, want %s", tc.ids, got, tc.want)
		}
	}
}

func TestKind(t *testing.T) {
	for id, want := range map[string]string{
		"CVE-2021-44228": "CVE", "GHSA-6vm3-jj99-7229": "GHSA", "ALSA-2024:0265": "ALSA",
		"BIT-php-2024-4577": "BIT", "cnvd-2021-1": "CNVD", "NOHYPHEN": "NOHYPHEN",
	} {
		if got := Kind(id); got != want {
			t.Errorf("Kind(%s) = %s, want %s", id, got, want)
		}
	}
}

func claimsAt(r Record, seen time.Time) []Claim {
	cs := r.Claims()
	for i := range cs {
		cs[i].Seen = seen
	}
	return cs
}

func TestMerge(t *testing.T) {
	seen := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	claims := append(claimsAt(log4shellKEV(), seen), claimsAt(log4shellCVE(), seen)...)
	aliases := []string{"CVE-2021-44228"}
	v := Merge("CVE-2021-44228", aliases, nil, claims, DefaultPrecedence)

	title, ok := v.Field(FieldTitle, "en")
	if !ok || len(title.Claims) != 2 {
		t.Fatalf("title: %+v", title)
	}
	if title.Chosen().Source != "cve5" {
		t.Errorf("title chosen from %s, want cve5 (it outranks kev)", title.Chosen().Source)
	}
	// A configured precedence that prefers KEV changes the choice, and
	// keeps the other value beside it.
	v2 := Merge("CVE-2021-44228", aliases, nil, claims, DefaultPrecedence.WithSources([]string{"kev", "cve5"}))
	if title, _ := v2.Field(FieldTitle, "en"); title.Chosen().Source != "kev" || title.Claims[1].Source != "cve5" {
		t.Errorf("with kev first: chosen %s, then %s", title.Chosen().Source, title.Claims[1].Source)
	}

	rec, err := v.Record()
	if err != nil {
		t.Fatal(err)
	}
	// CWE lists are unioned, the higher-precedence source's entry first.
	var cwes []string
	for _, c := range rec.CWEs {
		cwes = append(cwes, c.ID+"/"+c.Provider)
	}
	if diff := cmp.Diff([]string{"CWE-502/", "CWE-400/", "CWE-20/", "CWE-917/CISA-KEV"}, cwes); diff != "" {
		t.Errorf("merged CWEs -want +got:\n%s", diff)
	}
	if rec.KEV == nil || rec.KEV.DueDate != "2021-12-24" {
		t.Errorf("merged KEV = %+v", rec.KEV)
	}
	if len(rec.Titles) != 1 || !strings.HasPrefix(rec.Titles[0].Value, "Apache Log4j2 JNDI") {
		t.Errorf("merged titles = %+v", rec.Titles)
	}

	sum := v.Summary()
	want := Summary{
		ID: "CVE-2021-44228", Aliases: aliases,
		Titles:    []Text{{Lang: "en", Value: "Apache Log4j2 JNDI features do not protect against attacker controlled LDAP and other JNDI related endpoints"}},
		Published: time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC),
		Score:     10, Rating: "CRITICAL", KEV: true,
	}
	if diff := cmp.Diff(want, sum); diff != "" {
		t.Errorf("summary -want +got:\n%s", diff)
	}
}

// Text falls back through the languages asked for, then to any language.
func TestText(t *testing.T) {
	cnvd := Record{Source: "cnvd", ID: "CNVD-2021-95914", Titles: []Text{{Lang: "zh-CN", Value: "Apache Log4j2远程代码执行漏洞"}}}
	v := Merge("CVE-2021-44228", nil, nil, append(claimsAt(cnvd, time.Time{}), claimsAt(log4shellKEV(), time.Time{})...), DefaultPrecedence)
	for _, tc := range []struct {
		langs []string
		want  string
	}{
		{[]string{"zh-CN", "en"}, "Apache Log4j2远程代码执行漏洞"},
		{[]string{"en"}, "Apache Log4j2 Remote Code Execution Vulnerability"},
		{[]string{"ja"}, "Apache Log4j2 Remote Code Execution Vulnerability"}, // any: en sorts before zh-CN
	} {
		got, ok := v.Text(FieldTitle, tc.langs...)
		if !ok || got.Value != tc.want {
			t.Errorf("Text(%v) = %q, want %q", tc.langs, got.Value, tc.want)
		}
	}
}

func TestVocabularyRejectsUnknown(t *testing.T) {
	var s Severity
	err := json.Unmarshal([]byte(`{"type":"CVSS_V9"}`), &s)
	if err == nil || !strings.Contains(err.Error(), `unknown severity type "CVSS_V9"`) {
		t.Errorf("unknown severity type: %v", err)
	}
	var r Range
	if err := json.Unmarshal([]byte(`{"type":"SEMVER","events":[]}`), &r); err != nil {
		t.Errorf("known range type: %v", err)
	}
	var st State
	if err := json.Unmarshal([]byte(`"DRAFT"`), &st); err == nil {
		t.Error("unknown state accepted")
	}
}

// KEV and EPSS facts come from their own sources first, whatever the
// general order says: EUVD's EPSS is rounded and has no percentile.
func TestFieldPrecedence(t *testing.T) {
	first := Record{Source: "epss", ID: "CVE-2020-5902", EPSS: &EPSS{Score: 0.97567, Percentile: 0.99995, Date: "2023-03-07"}}
	euvd := Record{Source: "euvd", ID: "EUVD-2020-2450", Aliases: []string{"CVE-2020-5902"}, EPSS: &EPSS{Score: 0.97, Date: "2023-03-07"}}
	v := Merge("CVE-2020-5902", nil, nil, append(claimsAt(euvd, time.Time{}), claimsAt(first, time.Time{})...), DefaultPrecedence)
	fv, _ := v.Field(FieldEPSS, "")
	if fv.Chosen().Source != "epss" {
		t.Errorf("EPSS chosen from %s, want epss", fv.Chosen().Source)
	}
	// The general order still decides other fields.
	if DefaultPrecedence.Compare(FieldTitle, "euvd", "epss") >= 0 {
		t.Error("for titles euvd should outrank epss")
	}
}
