package match

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
)

// Entries cut from real records: GO-2020-0001 (Go vulnerability database),
// PYSEC-2021-19 (PyPA advisory database), and ALSA-2024:0265's openssh entry
// (AlmaLinux errata, with an epoch).
var (
	gin = Entry{Vuln: "CVE-2020-36567", Source: "osv", Record: "GO-2020-0001", Affected: advisory.Affected{
		Ecosystem: "Go", Package: "github.com/gin-gonic/gin",
		Ranges: []advisory.Range{{Type: advisory.RangeSemver, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "1.6.0"}}}}}}
	ginGHSA = Entry{Vuln: "CVE-2020-36567", Source: "ghsa", Record: "GHSA-6vm3-jj99-7229", Affected: gin.Affected}
	aiohttp = Entry{Vuln: "CVE-2021-21330", Source: "osv", Record: "PYSEC-2021-19", Affected: advisory.Affected{
		Ecosystem: "PyPI", Package: "aiohttp",
		Ranges: []advisory.Range{{Type: advisory.RangeEcosystem, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "3.7.4"}}}}}}
	openssh = Entry{Vuln: "CVE-2023-48795", Source: "osv", Record: "ALSA-2024:0265", Affected: advisory.Affected{
		Ecosystem: "AlmaLinux:8", Package: "openssh",
		Ranges: []advisory.Range{{Type: advisory.RangeEcosystem, Events: []advisory.Event{{Introduced: "0"}, {Fixed: "8.0p1-19.el8_9.2"}}}}}}
)

func TestComponents(t *testing.T) {
	tests := []struct {
		name    string
		comp    asset.Component
		entries []Entry
		want    []string // vuln/record/introduced/fixed/fixed version, or nothing
	}{
		{"Go module below the fix, v-prefixed", asset.Component{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "v1.5.0"},
			[]Entry{gin}, []string{"CVE-2020-36567 GO-2020-0001 0..1.6.0 fix 1.6.0"}},
		{"Go module at the fix", asset.Component{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "v1.6.0"}, []Entry{gin}, nil},
		{"PyPI name spelled differently", asset.Component{Ecosystem: "PyPI", Name: "AioHTTP", Version: "3.7.3"},
			[]Entry{aiohttp}, []string{"CVE-2021-21330 PYSEC-2021-19 0..3.7.4 fix 3.7.4"}},
		{"rpm with the release of the fix", asset.Component{Ecosystem: "AlmaLinux:8", Name: "openssh", Version: "8.0p1-19.el8_9.2"}, []Entry{openssh}, nil},
		{"rpm below the fix", asset.Component{Ecosystem: "AlmaLinux:8", Name: "openssh", Version: "8.0p1-19.el8_8"},
			[]Entry{openssh}, []string{"CVE-2023-48795 ALSA-2024:0265 0..8.0p1-19.el8_9.2 fix 8.0p1-19.el8_9.2"}},
		{"other distribution release", asset.Component{Ecosystem: "AlmaLinux:9", Name: "openssh", Version: "8.0p1-1"}, []Entry{openssh}, nil},
		{"two records, one match, precedence picks the explanation", asset.Component{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "v1.4.0"},
			[]Entry{gin, ginGHSA}, []string{"CVE-2020-36567 GHSA-6vm3-jj99-7229 0..1.6.0 fix 1.6.0 also osv:GO-2020-0001"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, errs := Components([]asset.Component{tc.comp}, tc.entries, advisory.DefaultPrecedence)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			var got []string
			for _, m := range ms {
				e := m.Explanation
				s := m.Vuln + " " + e.Record + " " + e.Introduced + ".." + e.Fixed + " fix " + e.FixedVersion
				if len(m.Also) > 0 {
					s += " also " + strings.Join(m.Also, ",")
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestNotAffectedStatus(t *testing.T) {
	e := gin
	e.Affected.Status = "known_not_affected"
	ms, _ := Components([]asset.Component{{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "v1.5.0"}}, []Entry{e}, advisory.DefaultPrecedence)
	if len(ms) != 0 {
		t.Errorf("a not-affected statement matched: %+v", ms)
	}
}

func TestBadVersionIsReported(t *testing.T) {
	ms, errs := Components([]asset.Component{{Ecosystem: "PyPI", Name: "aiohttp", Version: "not a version!"}}, []Entry{aiohttp}, advisory.DefaultPrecedence)
	if len(ms) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "PyPI aiohttp@not a version! against osv PYSEC-2021-19") {
		t.Errorf("matches %v, errors %v", ms, errs)
	}
}

func TestText(t *testing.T) {
	ms, _ := Components([]asset.Component{{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "v1.5.0"}}, []Entry{gin}, advisory.DefaultPrecedence)
	if len(ms) != 1 {
		t.Fatal("no match")
	}
	for lang, want := range map[string]string{
		"en":    "github.com/gin-gonic/gin v1.5.0 (Go) is affected by CVE-2020-36567: record GO-2020-0001 from osv says versions from 0 before 1.6.0 (SEMVER range) are affected, and v1.5.0 is in that range. Upgrade to 1.6.0 or later.",
		"zh-CN": "github.com/gin-gonic/gin v1.5.0（Go）受 CVE-2020-36567 影响：来源 osv 的记录 GO-2020-0001 指出 SEMVER 范围内自 0 起、1.6.0 之前的版本受影响，已安装版本 v1.5.0 在此范围内。请升级到 1.6.0 或更高版本。",
	} {
		if got := ms[0].Text(lang); got != want {
			t.Errorf("Text(%s) =\n%s\nwant\n%s", lang, got, want)
		}
	}
}

// Log4Shell's real NVD configurations (internal/cpe/testdata, from the
// NVD API) decide a component known by CPE.
func TestCPEMatch(t *testing.T) {
	configs, err := os.ReadFile("../cpe/testdata/CVE-2021-44228.json")
	if err != nil {
		t.Fatal(err)
	}
	nvd := Entry{Vuln: "CVE-2021-44228", Source: "nvd", Record: "CVE-2021-44228",
		Affected: advisory.Affected{Vendor: "apache", Product: "log4j", CPEs: []string{"cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"}}, Configurations: configs}
	comp := func(v string) asset.Component {
		return asset.Component{Name: "log4j-core", Version: v, CPEs: []string{"cpe:2.3:a:apache:log4j:" + v + ":*:*:*:*:*:*:*"}}
	}
	ms, errs := Components([]asset.Component{comp("2.14.1")}, []Entry{nvd}, advisory.DefaultPrecedence)
	if len(errs) > 0 || len(ms) != 1 {
		t.Fatalf("2.14.1: matches %+v, errors %v", ms, errs)
	}
	ex := ms[0].Explanation
	if ex.Kind != "cpe" || !strings.HasPrefix(ex.Criterion, "cpe:2.3:a:apache:log4j:*:") || ex.FixedVersion == "" {
		t.Errorf("explanation %+v", ex)
	}
	// The bounds are said in the reader's language.
	for lang, want := range map[string]string{
		"en":    "criterion cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:* from 2.13.0 before 2.15.0 matches the component's CPE",
		"zh-CN": "条件 cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*（自 2.13.0（含）、2.15.0 之前）与组件的 CPE",
	} {
		if got := ms[0].Text(lang); !strings.Contains(got, want) {
			t.Errorf("Text(%s) = %q\nwant it to hold %q", lang, got, want)
		}
	}
	if ms, _ := Components([]asset.Component{comp("2.17.1")}, []Entry{nvd}, advisory.DefaultPrecedence); len(ms) != 0 {
		t.Errorf("2.17.1 matched: %+v", ms)
	}
	if got := CPEKeys([]string{"cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", "cpe:/a:apache:log4j:2.0", "not a cpe"}); !cmp.Equal(got, []string{"apache:log4j"}) {
		t.Errorf("CPEKeys = %v", got)
	}
}
