package cpe

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/version"
)

func readConfigs(t *testing.T, cve string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", cve+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	log4jAny    = "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"
	siemensFW   = "cpe:2.3:o:siemens:6bk1602-0aa12-0tp0_firmware:*:*:*:*:*:*:*:*"
	siemensHW   = "cpe:2.3:h:siemens:6bk1602-0aa12-0tp0:-:*:*:*:*:*:*:*"
	log4jRanges = "configurations[5].nodes[0]"
)

func TestMatchConfigurations(t *testing.T) {
	tests := []struct {
		name    string
		cve     string
		cpes    []string
		version string
		// want is the matched criterion's path, CPE and version; "" path
		// means no match.
		path, cpe, used string
	}{
		// Log4Shell: [2.0.1, 2.3.1), [2.4.0, 2.12.2), [2.13.0, 2.15.0),
		// then 2.0 GA, beta9, rc1 and rc2 by update.
		{"log4j 2.14.1", "CVE-2021-44228", []string{log4jAny}, "2.14.1", log4jRanges + ".cpeMatch[2]", log4jAny, "2.14.1"},
		{"log4j 2.14.1 in the CPE", "CVE-2021-44228", []string{"cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"}, "", log4jRanges + ".cpeMatch[2]", "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", "2.14.1"},
		{"log4j 2.12.1", "CVE-2021-44228", []string{log4jAny}, "2.12.1", log4jRanges + ".cpeMatch[1]", log4jAny, "2.12.1"},
		{"log4j 2.15.0 is fixed", "CVE-2021-44228", []string{log4jAny}, "2.15.0", "", "", ""},
		{"log4j 2.15.0-rc1 precedes 2.15.0", "CVE-2021-44228", []string{log4jAny}, "2.15.0-rc1", log4jRanges + ".cpeMatch[2]", log4jAny, "2.15.0-rc1"},
		{"log4j 2.3.1 is fixed", "CVE-2021-44228", []string{log4jAny}, "2.3.1", "", "", ""},
		{"log4j 2.12.2 is fixed", "CVE-2021-44228", []string{log4jAny}, "2.12.2", "", "", ""},
		{"log4j 2.0 GA", "CVE-2021-44228", []string{log4jAny}, "2.0", log4jRanges + ".cpeMatch[3]", log4jAny, "2.0"},
		{"log4j 2.0.0 is 2.0", "CVE-2021-44228", []string{log4jAny}, "2.0.0", log4jRanges + ".cpeMatch[3]", log4jAny, "2.0.0"},
		{"log4j 2.0-beta9 by update", "CVE-2021-44228", []string{log4jAny}, "2.0-beta9", log4jRanges + ".cpeMatch[4]", log4jAny, "2.0-beta9"},
		{"log4j 2.0-rc2 by update", "CVE-2021-44228", []string{log4jAny}, "2.0-rc2", log4jRanges + ".cpeMatch[6]", log4jAny, "2.0-rc2"},
		{"log4j 2.0 rc1 in the CPE", "CVE-2021-44228", []string{"cpe:2.3:a:apache:log4j:2.0:rc1:*:*:*:*:*:*"}, "", log4jRanges + ".cpeMatch[5]", "cpe:2.3:a:apache:log4j:2.0:rc1:*:*:*:*:*:*", "2.0"},
		{"log4j 2.0-beta8 is not listed", "CVE-2021-44228", []string{log4jAny}, "2.0-beta8", "", "", ""},
		{"log4j 1.2.17", "CVE-2021-44228", []string{log4jAny}, "1.2.17", "", "", ""},
		{"log4j without a version", "CVE-2021-44228", []string{log4jAny}, "", "", "", ""},
		{"log4net", "CVE-2021-44228", []string{"cpe:2.3:a:apache:log4net:*:*:*:*:*:*:*:*"}, "2.14.1", "", "", ""},
		{"2.2 URI", "CVE-2021-44228", []string{"cpe:/a:apache:log4j:2.14.1"}, "", log4jRanges + ".cpeMatch[2]", "cpe:/a:apache:log4j:2.14.1", "2.14.1"},
		{"upper case", "CVE-2021-44228", []string{"cpe:2.3:a:Apache:Log4j:2.14.1:*:*:*:*:*:*:*"}, "", log4jRanges + ".cpeMatch[2]", "cpe:2.3:a:Apache:Log4j:2.14.1:*:*:*:*:*:*:*", "2.14.1"},

		// Firmware AND hardware: both must be present.
		{"firmware on its hardware", "CVE-2021-44228", []string{siemensFW, siemensHW}, "2.6.0", "configurations[0].nodes[0].cpeMatch[0]", siemensFW, "2.6.0"},
		{"firmware alone", "CVE-2021-44228", []string{siemensFW}, "2.6.0", "", "", ""},
		{"hardware alone", "CVE-2021-44228", []string{siemensHW}, "2.6.0", "", "", ""},
		{"fixed firmware", "CVE-2021-44228", []string{siemensFW, siemensHW}, "2.7.0", "", "", ""},
		{"hardware of unknown revision", "CVE-2020-13595", []string{"cpe:2.3:a:espressif:esp-idf:*:*:*:*:*:*:*:*", "cpe:2.3:h:espressif:esp32:*:*:*:*:*:*:*:*"}, "4.2.0",
			"configurations[0].nodes[0].cpeMatch[0]", "cpe:2.3:a:espressif:esp-idf:*:*:*:*:*:*:*:*", "4.2.0"},
		{"past versionEndIncluding", "CVE-2020-13595", []string{"cpe:2.3:a:espressif:esp-idf:*:*:*:*:*:*:*:*", "cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*"}, "4.2.1", "", "", ""},

		// sw_edition: community and enterprise have their own criteria.
		{"GitLab community", "CVE-2022-0090", []string{"cpe:2.3:a:gitlab:gitlab:14.5.2:*:*:*:community:*:*:*"}, "", "configurations[0].nodes[0].cpeMatch[2]", "cpe:2.3:a:gitlab:gitlab:14.5.2:*:*:*:community:*:*:*", "14.5.2"},
		{"GitLab enterprise", "CVE-2022-0090", []string{"cpe:2.3:a:gitlab:gitlab:14.5.2:*:*:*:enterprise:*:*:*"}, "", "configurations[0].nodes[0].cpeMatch[3]", "cpe:2.3:a:gitlab:gitlab:14.5.2:*:*:*:enterprise:*:*:*", "14.5.2"},
		{"GitLab edition unknown", "CVE-2022-0090", []string{"cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*"}, "14.6.0", "configurations[0].nodes[0].cpeMatch[4]", "cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*", "14.6.0"},
		{"GitLab fixed", "CVE-2022-0090", []string{"cpe:2.3:a:gitlab:gitlab:14.6.1:*:*:*:community:*:*:*"}, "", "", "", ""},

		// target_sw and target_hw.
		{"node.js package", "CVE-2022-25929", []string{"cpe:2.3:a:smoothiecharts:smoothie_charts:1.35.0:*:*:*:*:node.js:*:*"}, "", "configurations[0].nodes[0].cpeMatch[0]", "cpe:2.3:a:smoothiecharts:smoothie_charts:1.35.0:*:*:*:*:node.js:*:*", "1.35.0"},
		{"other target_sw", "CVE-2022-25929", []string{"cpe:2.3:a:smoothiecharts:smoothie_charts:1.35.0:*:*:*:*:python:*:*"}, "", "", "", ""},
		{"Xen on x86", "CVE-2022-33745", []string{"cpe:2.3:o:xen:xen:4.16.1:*:*:*:*:*:x86:*"}, "", "configurations[0].nodes[0].cpeMatch[0]", "cpe:2.3:o:xen:xen:4.16.1:*:*:*:*:*:x86:*", ""},
		{"Xen on arm64", "CVE-2022-33745", []string{"cpe:2.3:o:xen:xen:4.16.1:*:*:*:*:*:arm64:*"}, "", "", "", ""},
		{"Debian 11 as 11", "CVE-2022-33745", []string{"cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*"}, "", "configurations[1].nodes[0].cpeMatch[0]", "cpe:2.3:o:debian:debian_linux:11:*:*:*:*:*:*:*", "11"},

		// Pre-releases in the update attribute, with a hyphen in it.
		{"open62541 1.3-rc2-ef", "CVE-2022-25761", []string{"cpe:2.3:a:open62541:open62541:*:*:*:*:*:*:*:*"}, "1.3-rc2-ef", "configurations[0].nodes[0].cpeMatch[3]", "cpe:2.3:a:open62541:open62541:*:*:*:*:*:*:*:*", "1.3-rc2-ef"},
		{"open62541 1.3.0 is not its rc", "CVE-2022-25761", []string{"cpe:2.3:a:open62541:open62541:*:*:*:*:*:*:*:*"}, "1.3.0", "", "", ""},
		{"open62541 1.2.4", "CVE-2022-25761", []string{"cpe:2.3:a:open62541:open62541:*:*:*:*:*:*:*:*"}, "1.2.4", "configurations[0].nodes[0].cpeMatch[0]", "cpe:2.3:a:open62541:open62541:*:*:*:*:*:*:*:*", "1.2.4"},

		// Exact versions.
		{"xz 5.6.1", "CVE-2024-3094", []string{"cpe:2.3:a:tukaani:xz:5.6.1:*:*:*:*:*:*:*"}, "", "configurations[0].nodes[0].cpeMatch[1]", "cpe:2.3:a:tukaani:xz:5.6.1:*:*:*:*:*:*:*", "5.6.1"},
		{"xz 5.4.6", "CVE-2024-3094", []string{"cpe:2.3:a:tukaani:xz:*:*:*:*:*:*:*:*"}, "5.4.6", "", "", ""},
		{"chrome", "CVE-2023-4863", []string{"cpe:2.3:a:google:chrome:116.0.5845.140:*:*:*:*:*:*:*"}, "", "configurations[0].nodes[0].cpeMatch[0]", "cpe:2.3:a:google:chrome:116.0.5845.140:*:*:*:*:*:*:*", "116.0.5845.140"},
		{"chrome fixed", "CVE-2023-4863", []string{"cpe:2.3:a:google:chrome:116.0.5845.187:*:*:*:*:*:*:*"}, "", "", "", ""},

		// A version of NA: the product has none.
		{"NA, unknown version", "CVE-2022-2956", []string{"cpe:2.3:a:noxen_project:noxen:*:*:*:*:*:*:*:*"}, "", "configurations[0].nodes[0].cpeMatch[0]", "cpe:2.3:a:noxen_project:noxen:*:*:*:*:*:*:*:*", ""},
		{"NA, known version", "CVE-2022-2956", []string{"cpe:2.3:a:noxen_project:noxen:*:*:*:*:*:*:*:*"}, "1.0", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok, err := MatchConfigurations(readConfigs(t, tt.cve), tt.cpes, tt.version)
			if err != nil {
				t.Fatal(err)
			}
			got := [3]string{m.Path, m.CPE, m.Version}
			want := [3]string{tt.path, tt.cpe, tt.used}
			if ok != (tt.path != "") || got != want {
				t.Errorf("%s: MatchConfigurations(%q, %q) = %v, %q; want %q", tt.cve, tt.cpes, tt.version, ok, got, want)
			}
		})
	}
}

// TestMatchCriterion checks that the match carries the whole criterion,
// for explanations.
func TestMatchCriterion(t *testing.T) {
	m, ok, err := MatchConfigurations(readConfigs(t, "CVE-2021-44228"), []string{log4jAny}, "2.14.1")
	if err != nil || !ok {
		t.Fatalf("no match: %v", err)
	}
	want := Criterion{
		Vulnerable:            true,
		Criteria:              log4jAny,
		MatchCriteriaID:       "D31D423D-FC4D-428A-B863-55AF472B80DC",
		VersionStartIncluding: "2.13.0",
		VersionEndExcluding:   "2.15.0",
	}
	if diff := cmp.Diff(want, m.Criterion); diff != "" {
		t.Errorf("criterion mismatch (-want +got):\n%s", diff)
	}
}

func TestMatchConfigurationsSynthetic(t *testing.T) {
	cfg := func(s string) json.RawMessage { return json.RawMessage(s) }
	const app = `{"vulnerable":true,"criteria":"cpe:2.3:a:v:app:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0"}`
	const os = `{"vulnerable":false,"criteria":"cpe:2.3:o:v:os:*:*:*:*:*:*:*:*"}`
	tests := []struct {
		name string
		cfg  string
		cpes []string
		ok   bool
	}{
		{"negated node excludes a platform",
			`[{"operator":"AND","nodes":[{"operator":"OR","cpeMatch":[` + app + `]},{"operator":"OR","negate":true,"cpeMatch":[` + os + `]}]}]`,
			[]string{"cpe:2.3:a:v:app:1.0:*:*:*:*:*:*:*"}, true},
		{"negated node, platform present",
			`[{"operator":"AND","nodes":[{"operator":"OR","cpeMatch":[` + app + `]},{"operator":"OR","negate":true,"cpeMatch":[` + os + `]}]}]`,
			[]string{"cpe:2.3:a:v:app:1.0:*:*:*:*:*:*:*", "cpe:2.3:o:v:os:1:*:*:*:*:*:*:*"}, false},
		{"platform only is no match",
			`[{"nodes":[{"operator":"OR","cpeMatch":[` + os + `]}]}]`,
			[]string{"cpe:2.3:o:v:os:1:*:*:*:*:*:*:*"}, false},
		{"negated configuration names nothing",
			`[{"negate":true,"nodes":[{"operator":"OR","cpeMatch":[` + os + `]}]}]`,
			[]string{"cpe:2.3:a:v:app:1.0:*:*:*:*:*:*:*"}, false},
		{"AND node", `[{"nodes":[{"operator":"AND","cpeMatch":[` + app + `,` + os + `]}]}]`,
			[]string{"cpe:2.3:a:v:app:1.0:*:*:*:*:*:*:*", "cpe:2.3:o:v:os:1:*:*:*:*:*:*:*"}, true},
		{"AND node, one missing", `[{"nodes":[{"operator":"AND","cpeMatch":[` + app + `,` + os + `]}]}]`,
			[]string{"cpe:2.3:a:v:app:1.0:*:*:*:*:*:*:*"}, false},
		{"empty", `[]`, []string{"cpe:2.3:a:v:app:1.0:*:*:*:*:*:*:*"}, false},
		{"null", `null`, []string{"cpe:2.3:a:v:app:1.0:*:*:*:*:*:*:*"}, false},
		{"OpenSSL letter releases", `[{"nodes":[{"operator":"OR","cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*","versionStartIncluding":"1.0.2","versionEndExcluding":"1.0.2zf"}]}]}]`,
			[]string{"cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*"}, true},
	}
	for _, tt := range tests {
		_, ok, err := MatchConfigurations(cfg(tt.cfg), tt.cpes, "")
		if err != nil || ok != tt.ok {
			t.Errorf("%s: MatchConfigurations = %v, %v; want %v", tt.name, ok, err, tt.ok)
		}
	}
}

func TestMatchConfigurationsErrors(t *testing.T) {
	good := readConfigs(t, "CVE-2024-3094")
	tests := []struct {
		name    string
		cfg     json.RawMessage
		cpes    []string
		version string
		is      error
		msg     string
	}{
		{"bad CPE", good, []string{"cpe:2.3:a:tukaani"}, "", ErrInvalid,
			`cpes[0]: invalid CPE "cpe:2.3:a:tukaani": Error parsing formatted string. Missing 9 components in: cpe:2.3:a:tukaani: Parse error`},
		{"not a CPE", good, []string{"pkg:npm/xz@5.6.1"}, "", ErrInvalid,
			`cpes[0]: invalid CPE "pkg:npm/xz@5.6.1": neither cpe:2.3: nor cpe:/`},
		{"not JSON", json.RawMessage(`{`), nil, "", ErrConfig, "invalid configurations: unexpected end of JSON input"},
		{"unknown operator", json.RawMessage(`[{"nodes":[{"operator":"XOR","cpeMatch":[]}]}]`), nil, "", ErrConfig,
			`invalid configurations: configurations[0].nodes[0].operator: unknown operator "XOR"`},
		{"bad criterion", json.RawMessage(`[{"nodes":[{"operator":"OR","cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:x:a:b:*:*:*:*:*:*:*:*"}]}]}]`), nil, "", ErrInvalid,
			`configurations[0].nodes[0].cpeMatch[0].criteria: invalid CPE "cpe:2.3:x:a:b:*:*:*:*:*:*:*:*": part component must be one of the following: 'a', 'o', 'h': x: Parse error`},
		{"bad version", good, []string{"cpe:2.3:a:tukaani:xz:*:*:*:*:*:*:*:*"}, "5.6 .1", version.ErrInvalid,
			`version: Maven: invalid version "5.6 .1": contains a space`},
	}
	for _, tt := range tests {
		_, _, err := MatchConfigurations(tt.cfg, tt.cpes, tt.version)
		if !errors.Is(err, tt.is) || err.Error() != tt.msg {
			t.Errorf("%s: error = %v; want %q wrapping %v", tt.name, err, tt.msg, tt.is)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct{ in, vendor, product, version string }{
		{"cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*", "apache", "http_server", "2.4.49"},
		{"cpe:2.3:o:siemens:6bk1602-0aa12-0tp0_firmware:-:*:*:*:*:*:*:*", "siemens", "6bk1602-0aa12-0tp0_firmware", "-"},
		{"cpe:/a:apache:log4j:2.14.1", "apache", "log4j", "2.14.1"},
		{"cpe:/a:apache:log4j", "apache", "log4j", "*"},
		{`cpe:2.3:a:x.org:libxpm:*:*:*:*:*:*:*:*`, "x.org", "libxpm", "*"},
	} {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if n.Vendor() != tt.vendor || n.Product() != tt.product || n.Version() != tt.version || n.String() != tt.in {
			t.Errorf("Parse(%q) = %q %q %q; want %q %q %q", tt.in, n.Vendor(), n.Product(), n.Version(), tt.vendor, tt.product, tt.version)
		}
	}
}
