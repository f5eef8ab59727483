package rules

import (
	"errors"
	"testing"
)

func TestWatchMatches(t *testing.T) {
	// Log4Shell as its CVE record and CNVD describe it, and xz's.
	log4j := Advisory{ID: "CVE-2021-44228", Vendors: []string{"Apache Software Foundation"}, Products: []string{"Apache Log4j2"},
		Packages: []string{"Maven/org.apache.logging.log4j:log4j-core"}, PURLs: []string{"pkg:maven/org.apache.logging.log4j/log4j-core"},
		CPEs: []string{"cpe:2.3:a:apache:log4j:2.0:-:*:*:*:*:*:*"},
		Text: []string{"Apache Log4j2 JNDI features do not protect against attacker controlled LDAP", "Apache Log4j2存在远程代码执行漏洞"}}
	for _, tc := range []struct {
		w    Watch
		adv  Advisory
		want bool
	}{
		{Watch{Kind: WatchVendor, Value: "apache software foundation"}, log4j, true},
		{Watch{Kind: WatchVendor, Value: "apache"}, log4j, true}, // through the CPE
		{Watch{Kind: WatchVendor, Value: "tukaani"}, log4j, false},
		{Watch{Kind: WatchProduct, Value: "log4j"}, log4j, true},
		{Watch{Kind: WatchPURL, Value: "pkg:maven/org.apache.logging.log4j/log4j-core"}, log4j, true},
		{Watch{Kind: WatchPURL, Value: "pkg:maven/org.apache.logging.log4j/log4j-api"}, log4j, false},
		{Watch{Kind: WatchCPE, Value: "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"}, log4j, true},
		{Watch{Kind: WatchCPE, Value: "cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*"}, log4j, false},
		{Watch{Kind: WatchKeyword, Value: "远程代码执行"}, log4j, true},
		{Watch{Kind: WatchKeyword, Value: "JNDI"}, log4j, true},
		{Watch{Kind: WatchKeyword, Value: "跨站脚本"}, log4j, false},
	} {
		if _, got := tc.w.Matches(tc.adv); got != tc.want {
			t.Errorf("%s %q: %v, want %v", tc.w.Kind, tc.w.Value, got, tc.want)
		}
	}
}

func TestWatchValidate(t *testing.T) {
	for _, tc := range []struct {
		w  Watch
		ok bool
	}{
		{Watch{Kind: WatchKeyword, Value: "漏洞", To: "sec@example.org"}, true},
		{Watch{Kind: WatchKeyword, Value: "a", To: "sec@example.org"}, false},
		{Watch{Kind: WatchPURL, Value: "maven/log4j", To: "sec@example.org"}, false},
		{Watch{Kind: WatchCPE, Value: "apache:log4j", To: "sec@example.org"}, false},
		{Watch{Kind: "team", Value: "ops", To: "sec@example.org"}, false},
		{Watch{Kind: WatchVendor, Value: "apache", To: "not an address"}, false},
		{Watch{Kind: WatchVendor, Value: "apache", To: "https://hooks.example.org/x"}, true},
	} {
		err := tc.w.Validate()
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrWatch)) {
			t.Errorf("%s %q → %q: %v, want ok=%v", tc.w.Kind, tc.w.Value, tc.w.To, err, tc.ok)
		}
	}
}
