package cve5

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// ev builds events from alternating kind, value pairs: ev("i", "0", "f", "1.2").
func ev(kv ...string) []advisory.Event {
	var out []advisory.Event
	for i := 0; i+1 < len(kv); i += 2 {
		switch kv[i] {
		case "i":
			out = append(out, advisory.Event{Introduced: kv[i+1]})
		case "f":
			out = append(out, advisory.Event{Fixed: kv[i+1]})
		case "l":
			out = append(out, advisory.Event{LastAffected: kv[i+1]})
		case "lim":
			out = append(out, advisory.Event{Limit: kv[i+1]})
		}
	}
	return out
}

// TestProduct runs the version patterns real CNAs write (each row names
// its source) through the affected mapping.
func TestProduct(t *testing.T) {
	eco := advisory.RangeEcosystem
	tests := []struct {
		name string
		in   string // one entry of containers.cna.affected
		want advisory.Affected
	}{
		{
			name: "single versions, n/a vendor (MITRE)",
			in:   `{"vendor": "n/a", "product": "n/a", "versions": [{"version": "n/a", "status": "affected"}, {"version": "4.x", "status": "affected"}, {"version": "4.x", "status": "affected"}]}`,
			want: advisory.Affected{Versions: []string{"4.x"}},
		},
		{
			name: "every version (Wordfence)",
			in:   `{"vendor": "v", "product": "p", "defaultStatus": "unaffected", "versions": [{"version": "*", "status": "affected"}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", DefaultStatus: "unaffected",
				Ranges: []advisory.Range{{Type: eco, Events: ev("i", "0")}}},
		},
		{
			name: "lessThan and lessThanOrEqual ranges with placeholders (Apple, Patchstack, Wordfence, hpe)",
			in: `{"vendor": "v", "product": "p", "versions": [
				{"version": "unspecified", "lessThan": "72.0.3626.81", "status": "affected", "versionType": "custom"},
				{"version": "n/a", "lessThanOrEqual": "1.1", "status": "affected", "versionType": "custom"},
				{"version": "*", "lessThanOrEqual": "1.0.6", "status": "affected", "versionType": "semver"},
				{"version": "2.0", "lessThan": "*", "status": "affected", "versionType": "semver"},
				{"version": "8.14.0", "lessThan": "unspecified", "status": "affected", "versionType": "custom"},
				{"version": "9.3", "lessThanOrEqual": "<=9.3.0", "status": "affected", "versionType": "semver"},
				{"version": "0", "lessThan": "< 22", "status": "affected", "versionType": "custom"}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", Ranges: []advisory.Range{
				{Type: eco, Events: ev("i", "0", "f", "72.0.3626.81")},
				{Type: eco, Events: ev("i", "0", "l", "1.1")},
				{Type: advisory.RangeSemver, Events: ev("i", "0", "l", "1.0.6")},
				{Type: advisory.RangeSemver, Events: ev("i", "2.0")},
				{Type: eco, Events: ev("i", "8.14.0")},
				{Type: advisory.RangeSemver, Events: ev("i", "9.3", "l", "9.3.0")},
				{Type: eco, Events: ev("i", "0", "f", "22")},
			}},
		},
		{
			name: "one-version ranges (curl)",
			in: `{"vendor": "curl", "product": "curl", "versions": [
				{"version": "8.9.0", "status": "affected", "lessThanOrEqual": "8.9.0", "versionType": "semver"},
				{"version": "8.8.0", "status": "affected", "lessThanOrEqual": "8.8.0", "versionType": "semver"}]}`,
			want: advisory.Affected{Vendor: "curl", Product: "curl", Versions: []string{"8.9.0", "8.8.0"}},
		},
		{
			name: "changes inside a range (Log4Shell)",
			in: `{"vendor": "Apache Software Foundation", "product": "Apache Log4j2", "versions": [
				{"version": "2.0-beta9", "status": "affected", "lessThan": "log4j-core*", "versionType": "custom",
				 "changes": [{"at": "2.3.1", "status": "unaffected"}, {"at": "2.4", "status": "affected"},
				  {"at": "2.12.2", "status": "unaffected"}, {"at": "2.13.0", "status": "affected"}, {"at": "2.15.0", "status": "unaffected"}]}]}`,
			want: advisory.Affected{Vendor: "Apache Software Foundation", Product: "Apache Log4j2", Ranges: []advisory.Range{
				{Type: eco, Events: ev("i", "2.0-beta9", "f", "2.3.1", "i", "2.4", "f", "2.12.2", "i", "2.13.0", "f", "2.15.0")},
			}},
		},
		{
			name: "fix named by a change replaces last_affected (Patchstack)",
			in: `{"vendor": "v", "product": "p", "defaultStatus": "unaffected", "versions": [
				{"version": "n/a", "status": "affected", "lessThanOrEqual": "1.9.3", "versionType": "custom",
				 "changes": [{"at": "1.9.4", "status": "unaffected"}]}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", DefaultStatus: "unaffected",
				Ranges: []advisory.Range{{Type: eco, Events: ev("i", "0", "f", "1.9.4")}}},
		},
		{
			name: "change to unknown keeps the range affected (palo_alto)",
			in: `{"vendor": "v", "product": "p", "versions": [
				{"version": "09-60", "status": "affected", "lessThan": "09-60-39", "versionType": "custom",
				 "changes": [{"at": "09-60-39", "status": "unaffected"}, {"at": "09-60-20", "status": "unknown"}]}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p",
				Ranges: []advisory.Range{{Type: eco, Events: ev("i", "09-60", "f", "09-60-39")}}},
		},
		{
			name: "branch wildcard ends the range with a limit",
			in: `{"vendor": "v", "product": "p", "versions": [
				{"version": "5.15", "lessThanOrEqual": "5.15.*", "status": "affected", "versionType": "semver"},
				{"version": "1.0", "lessThan": "1.*", "status": "affected", "versionType": "custom"},
				{"version": "2.0", "lessThan": "v2.x.*", "status": "affected", "versionType": "custom"}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", Ranges: []advisory.Range{
				{Type: advisory.RangeSemver, Events: ev("i", "5.15", "lim", "5.16")},
				{Type: eco, Events: ev("i", "1.0", "lim", "2")},
				{Type: eco, Events: ev("i", "2.0")},
			}},
		},
		{
			name: "comparison strings (GitHub)",
			in: `{"vendor": "tokio-rs", "product": "tokio", "versions": [
				{"version": ">= 1.7.0, < 1.18.4", "status": "affected"},
				{"version": "< 2.0", "status": "affected"},
				{"version": "<= 0.9", "status": "affected"},
				{"version": ">=3.0.0, <=3.1.2", "status": "affected"},
				{"version": ">= 4.0 < 4.2", "status": "affected"},
				{"version": ">= 5.0", "status": "affected"},
				{"version": "= 1.2.3", "status": "affected"},
				{"version": "> 1.0", "status": "affected"},
				{"version": ">= 9.9.9, 9.9.10", "status": "affected"},
				{"version": "All Versions < V4.5", "status": "affected"}]}`,
			want: advisory.Affected{Vendor: "tokio-rs", Product: "tokio",
				Ranges: []advisory.Range{
					{Type: eco, Events: ev("i", "1.7.0", "f", "1.18.4")},
					{Type: eco, Events: ev("i", "0", "f", "2.0")},
					{Type: eco, Events: ev("i", "0", "l", "0.9")},
					{Type: eco, Events: ev("i", "3.0.0", "l", "3.1.2")},
					{Type: eco, Events: ev("i", "4.0", "f", "4.2")},
					{Type: eco, Events: ev("i", "5.0")},
				},
				Versions: []string{"1.2.3", "> 1.0", ">= 9.9.9, 9.9.10", "All Versions < V4.5"},
			},
		},
		{
			name: "git ranges and introducing commits (Linux, first block)",
			in: `{"product": "Linux", "vendor": "Linux", "defaultStatus": "unaffected",
				"repo": "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git",
				"versions": [
					{"version": "63a07379fdb6", "lessThan": "f587c1ac6895", "status": "affected", "versionType": "git"},
					{"version": "1ba0403ac644", "lessThan": "bc2aeb35ff16", "status": "affected", "versionType": "git"},
					{"version": "0b8bda0ff171", "status": "affected", "versionType": "git"}]}`,
			want: advisory.Affected{Vendor: "Linux", Product: "Linux", DefaultStatus: "unaffected",
				Ranges: []advisory.Range{
					{Type: advisory.RangeGit, Repo: "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git", Events: ev("i", "63a07379fdb6", "f", "f587c1ac6895")},
					{Type: advisory.RangeGit, Repo: "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git", Events: ev("i", "1ba0403ac644", "f", "bc2aeb35ff16")},
					{Type: advisory.RangeGit, Repo: "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git", Events: ev("i", "0b8bda0ff171")},
				},
			},
		},
		{
			name: "git range with a GitLab scp-style repo",
			in: `{"vendor": "GitLab", "product": "GitLab", "repo": "git://git@gitlab.com:gitlab-org/gitlab.git",
				"versions": [{"version": "abc", "lessThanOrEqual": "def", "status": "affected", "versionType": "git"}]}`,
			want: advisory.Affected{Vendor: "GitLab", Product: "GitLab", Ranges: []advisory.Range{
				{Type: advisory.RangeGit, Repo: "git://git@gitlab.com:gitlab-org/gitlab.git", Events: ev("i", "abc", "l", "def")},
			}},
		},
		{
			name: "unaffected branches under default affected (Linux, second block)",
			in: `{"product": "Linux", "vendor": "Linux", "defaultStatus": "affected", "versions": [
				{"status": "affected", "version": "5.10"},
				{"status": "unaffected", "version": "0", "lessThan": "5.10", "versionType": "semver"},
				{"status": "unaffected", "version": "5.10.227", "versionType": "semver", "lessThanOrEqual": "5.10.*"},
				{"status": "unaffected", "version": "5.15.168", "versionType": "semver", "lessThanOrEqual": "5.15.*"},
				{"status": "unaffected", "version": "6.11.3", "versionType": "semver", "lessThanOrEqual": "6.11.*"},
				{"status": "unaffected", "version": "6.12-rc2", "versionType": "original_commit_for_fix", "lessThanOrEqual": "*"}]}`,
			want: advisory.Affected{Vendor: "Linux", Product: "Linux", DefaultStatus: "unaffected",
				Versions: []string{"5.10"},
				Ranges: []advisory.Range{{Type: advisory.RangeSemver,
					Events: ev("i", "5.10", "f", "5.10.227", "i", "5.11", "f", "5.15.168", "i", "5.16", "f", "6.11.3")}},
			},
		},
		{
			name: "introduced after the stable fixes (Linux, CVE-2025-21631)",
			in: `{"product": "Linux", "vendor": "Linux", "defaultStatus": "affected", "versions": [
				{"version": "6.12", "status": "affected"},
				{"version": "0", "lessThan": "6.12", "status": "unaffected", "versionType": "semver"},
				{"version": "5.15.177", "lessThanOrEqual": "5.15.*", "status": "unaffected", "versionType": "semver"},
				{"version": "6.1.125", "lessThanOrEqual": "6.1.*", "status": "unaffected", "versionType": "semver"},
				{"version": "6.12.10", "lessThanOrEqual": "6.12.*", "status": "unaffected", "versionType": "semver"},
				{"version": "6.13", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix"}]}`,
			want: advisory.Affected{Vendor: "Linux", Product: "Linux", DefaultStatus: "unaffected",
				Versions: []string{"6.12"},
				Ranges:   []advisory.Range{{Type: advisory.RangeSemver, Events: ev("i", "6.12", "f", "6.12.10")}},
			},
		},
		{
			name: "custom versionType gives an ECOSYSTEM complement (Linux, 2024)",
			in: `{"product": "Linux", "vendor": "Linux", "defaultStatus": "affected", "versions": [
				{"status": "unaffected", "version": "0", "lessThan": "2.6.19", "versionType": "custom"},
				{"status": "unaffected", "version": "3.16.66", "versionType": "custom", "lessThanOrEqual": "3.16.*"},
				{"status": "unaffected", "version": "5.0", "versionType": "original_commit_for_fix", "lessThanOrEqual": "*"}]}`,
			want: advisory.Affected{Vendor: "Linux", Product: "Linux", DefaultStatus: "unaffected",
				Ranges: []advisory.Range{{Type: eco, Events: ev("i", "2.6.19", "f", "3.16.66", "i", "3.17", "f", "5.0")}}},
		},
		{
			name: "one fix per product stream (Red Hat)",
			in: `{"vendor": "Red Hat", "product": "Red Hat Enterprise Linux 8", "packageName": "kernel",
				"collectionURL": "https://access.redhat.com/downloads/content/package-browser/",
				"cpes": ["cpe:/o:redhat:enterprise_linux:8::baseos"], "defaultStatus": "affected",
				"versions": [{"version": "0:4.18.0-553.el8_10", "lessThan": "*", "versionType": "rpm", "status": "unaffected"}]}`,
			want: advisory.Affected{Vendor: "Red Hat", Product: "Red Hat Enterprise Linux 8", Package: "kernel",
				CPEs: []string{"cpe:/o:redhat:enterprise_linux:8::baseos"}, DefaultStatus: "unaffected",
				Ranges: []advisory.Range{{Type: eco, Events: ev("i", "0", "f", "0:4.18.0-553.el8_10")}}},
		},
		{
			name: "branch fixes written with lessThan (Jenkins)",
			in: `{"vendor": "Jenkins project", "product": "Jenkins", "defaultStatus": "affected", "versions": [
				{"status": "unaffected", "version": "0", "lessThan": "2.50", "versionType": "maven"},
				{"status": "unaffected", "version": "2.424", "lessThan": "*", "versionType": "maven"},
				{"status": "unaffected", "version": "2.414.2", "lessThan": "2.414.*", "versionType": "maven"}]}`,
			want: advisory.Affected{Vendor: "Jenkins project", Product: "Jenkins", DefaultStatus: "unaffected",
				Ranges: []advisory.Range{{Type: eco, Events: ev("i", "2.50", "f", "2.414.2", "i", "2.415", "f", "2.424")}}},
		},
		{
			name: "unordered versions leave default affected (Jenkins plugin)",
			in: `{"vendor": "Jenkins project", "product": "Plugin", "defaultStatus": "affected", "versions": [
				{"status": "unaffected", "version": "397.v907382dd9b_98", "lessThan": "*", "versionType": "maven"},
				{"status": "unaffected", "version": "1.2.3", "lessThan": "1.2.*", "versionType": "maven"}]}`,
			want: advisory.Affected{Vendor: "Jenkins project", Product: "Plugin", DefaultStatus: "affected"},
		},
		{
			name: "inclusive unaffected end leaves default affected",
			in: `{"vendor": "v", "product": "p", "defaultStatus": "affected", "versions": [
				{"status": "unaffected", "version": "1.0", "lessThanOrEqual": "1.5", "versionType": "custom"}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", DefaultStatus: "affected"},
		},
		{
			name: "everything unaffected",
			in: `{"vendor": "v", "product": "p", "defaultStatus": "affected", "versions": [
				{"status": "unaffected", "version": "0", "lessThan": "*", "versionType": "custom"}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", DefaultStatus: "unaffected"},
		},
		{
			name: "single unaffected versions are not fixes (AMD, Samsung)",
			in: `{"vendor": "AMD", "product": "p", "defaultStatus": "affected", "versions": [
				{"status": "unaffected", "version": "1.27.4.1"}, {"status": "affected", "version": "1.27.3"}]}`,
			want: advisory.Affected{Vendor: "AMD", Product: "p", DefaultStatus: "affected", Versions: []string{"1.27.3"}},
		},
		{
			name: "unaffected and unknown entries under another default (NLnet Labs, f5)",
			in: `{"vendor": "v", "product": "p", "defaultStatus": "unaffected", "versions": [
				{"status": "affected", "version": "0.9.0", "lessThan": "0.12.2", "versionType": "semver"},
				{"status": "unaffected", "version": "0.12.2", "lessThan": "*", "versionType": "semver"},
				{"status": "unknown", "version": "0", "lessThan": "0.9.0", "versionType": "semver"}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", DefaultStatus: "unaffected",
				Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: ev("i", "0.9.0", "f", "0.12.2")}}},
		},
		{
			name: "repeated ranges collapse (Qualcomm)",
			in: `{"vendor": "v", "product": "p", "versions": [
				{"status": "affected", "version": "0", "lessThan": "*", "versionType": "custom"},
				{"status": "affected", "version": "0", "lessThanOrEqual": "*", "versionType": "custom"}]}`,
			want: advisory.Affected{Vendor: "v", Product: "p", Ranges: []advisory.Range{{Type: eco, Events: ev("i", "0")}}},
		},
		{
			name: "PyPI registry",
			in: `{"vendor": "urllib3", "product": "urllib3", "packageName": "urllib3", "collectionURL": "https://pypi.python.org/",
				"versions": [{"version": "0", "lessThan": "1.26.18", "status": "affected", "versionType": "python"}]}`,
			want: advisory.Affected{Ecosystem: "PyPI", Package: "urllib3", Vendor: "urllib3", Product: "urllib3",
				Ranges: []advisory.Range{{Type: eco, Events: ev("i", "0", "f", "1.26.18")}}},
		},
		{
			name: "package named by its PyPI page (protobuf)",
			in: `{"vendor": "protocolbuffers", "product": "Python-Protobuf", "collectionURL": "https://pypi.org/project/protobuf/",
				"defaultStatus": "unaffected", "versions": [{"lessThan": "4.25.8", "status": "affected", "version": "0", "versionType": "semver"}]}`,
			want: advisory.Affected{Ecosystem: "PyPI", Package: "protobuf", Vendor: "protocolbuffers", Product: "Python-Protobuf",
				DefaultStatus: "unaffected", Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: ev("i", "0", "f", "4.25.8")}}},
		},
		{
			name: "Maven registry with a trailing slash",
			in:   `{"packageName": "org.apache.logging.log4j:log4j-core", "collectionURL": "https://repo.maven.apache.org/maven2/", "defaultStatus": "unknown"}`,
			want: advisory.Affected{Ecosystem: "Maven", Package: "org.apache.logging.log4j:log4j-core", DefaultStatus: "unknown"},
		},
		{
			name: "unknown collection keeps the package (xz)",
			in: `{"packageName": "xz", "collectionURL": "https://github.com/tukaani-project/xz", "defaultStatus": "unaffected",
				"versions": [{"status": "affected", "version": "5.6.0"}, {"status": "affected", "version": "5.6.1"}]}`,
			want: advisory.Affected{Package: "xz", DefaultStatus: "unaffected", Versions: []string{"5.6.0", "5.6.1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p product
			if err := json.Unmarshal([]byte(tt.in), &p); err != nil {
				t.Fatal(err)
			}
			m := &mapper{id: "CVE-2024-0001"}
			got, err := m.product(p, "containers.cna.affected[0]")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("affected mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEcosystem(t *testing.T) {
	tests := []struct {
		url, pkg       string
		wantEco, wantP string
	}{
		{"https://pypi.org", "requests", "PyPI", "requests"},
		{"https://pypi.org/project/pip", "mage-ai", "PyPI", "mage-ai"},
		{"https://registry.npmjs.org", "lodash", "npm", "lodash"},
		{"https://www.npmjs.com", "lodash", "npm", "lodash"},
		{"https://www.npmjs.com/package/lodash", "", "npm", "lodash"},
		{"https://repo.maven.apache.org/maven2", "g:a", "Maven", "g:a"},
		{"https://pkg.go.dev", "golang.org/x/net", "Go", "golang.org/x/net"},
		{"https://crates.io", "tokio", "crates.io", "tokio"},
		{"HTTPS://Packagist.org/", "symfony/http-kernel", "Packagist", "symfony/http-kernel"},
		{"https://pypi.org", "", "", ""},
		{"https://wordpress.org/plugins", "akismet", "", "akismet"},
		{"", " kernel ", "", "kernel"},
	}
	for _, tt := range tests {
		eco, pkg := ecosystem(tt.url, tt.pkg)
		if eco != tt.wantEco || pkg != tt.wantP {
			t.Errorf("ecosystem(%q, %q) = %q, %q; want %q, %q", tt.url, tt.pkg, eco, pkg, tt.wantEco, tt.wantP)
		}
	}
}

func TestDottedOrder(t *testing.T) {
	// Each line is in ascending order.
	for _, line := range [][]string{
		{"0", "2.6.19", "3.16.66", "3.17", "5.0", "5.10", "5.10.227", "5.11"},
		{"6.11.3", "6.12-rc1", "6.12-rc2", "6.12-rc10", "6.12", "6.12.1"},
		{"2.401.3", "2.402", "2.414.2", "2.415", "2.424"},
	} {
		for i := 1; i < len(line); i++ {
			a, okA := parseDotted(line[i-1])
			b, okB := parseDotted(line[i])
			if !okA || !okB {
				t.Fatalf("parseDotted(%q, %q) not ok", line[i-1], line[i])
			}
			if a.compare(b) >= 0 || b.compare(a) <= 0 {
				t.Errorf("want %s < %s", line[i-1], line[i])
			}
		}
	}
	for _, eq := range [][2]string{{"6.12", "6.12.0"}, {"0", "0.0.0"}} {
		a, _ := parseDotted(eq[0])
		b, _ := parseDotted(eq[1])
		if a.compare(b) != 0 {
			t.Errorf("want %s == %s", eq[0], eq[1])
		}
	}
	for _, bad := range []string{"", "v1.2", "1..2", "1.2-rc", "1.2-rc0", "+1", "1.-2", "397.v907382dd9b_98", "99999999999999999999"} {
		if _, ok := parseDotted(bad); ok {
			t.Errorf("parseDotted(%q) ok, want not", bad)
		}
	}
}
