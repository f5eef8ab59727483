package rules

import (
	"errors"
	"os"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/cnvd"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

func TestWatchMatches(t *testing.T) {
	// Log4Shell as its CVE record and CNVD describe it, and xz's.
	log4j := Advisory{ID: "CVE-2021-44228", Vendors: []string{"Apache Software Foundation"}, Products: []string{"Apache Log4j2"},
		Packages: []string{"Maven/org.apache.logging.log4j:log4j-core"}, PURLs: []string{"pkg:maven/org.apache.logging.log4j/log4j-core"},
		CPEs: []string{"cpe:2.3:a:apache:log4j:2.0:-:*:*:*:*:*:*"},
		Text: []string{"Apache Log4j2 JNDI features do not protect against attacker controlled LDAP", "Apache Log4j2存在远程代码执行漏洞"}}
	qihoo := Advisory{ID: "CNVD-2017-24785", ProductText: []string{"北京奇虎科技有限公司 360杀毒 5.0.0.8061 正式版"}}
	cnvdLog4j := Advisory{ID: "CNVD-2021-95914", ProductText: []string{"Apache Log4j2 <2.15.0"}}
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
		// CNVD says vendor and product only as free text.
		{Watch{Kind: WatchVendor, Value: "北京奇虎科技有限公司"}, qihoo, true},
		{Watch{Kind: WatchVendor, Value: "奇虎"}, qihoo, true},
		{Watch{Kind: WatchProduct, Value: "360杀毒"}, qihoo, true},
		{Watch{Kind: WatchProduct, Value: "360"}, qihoo, true},
		{Watch{Kind: WatchProduct, Value: "36"}, qihoo, false}, // part of a number
		{Watch{Kind: WatchVendor, Value: "apache"}, cnvdLog4j, true},
		{Watch{Kind: WatchVendor, Value: "apach"}, cnvdLog4j, false}, // part of a word
		{Watch{Kind: WatchProduct, Value: "LOG4J2"}, cnvdLog4j, true},
		{Watch{Kind: WatchProduct, Value: "log4j"}, cnvdLog4j, false},
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

// TestWatchCNVD: vendor and product watches written in Chinese find the
// entries of a real weekly CNVD export (../shared/data/cnvd/samples/387.xml),
// which name them only in free text, as the engine sees them.
func TestWatchCNVD(t *testing.T) {
	f, err := os.Open(feedtest.SharedData(t, "cnvd/samples/387.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var advs []Advisory
	for rec, err := range cnvd.Parse("387.xml", f) {
		if err != nil {
			t.Fatal(err)
		}
		v := advisory.Merge(rec.ID, []string{rec.ID}, []advisory.SourceRef{{Source: rec.Source, Record: rec.ID}}, rec.Claims(), advisory.DefaultPrecedence)
		a, err := AdvisoryOf(&v)
		if err != nil {
			t.Fatal(err)
		}
		advs = append(advs, a)
	}
	for _, tc := range []struct {
		w    Watch
		want int
	}{
		{Watch{Kind: WatchVendor, Value: "北京奇虎科技有限公司"}, 1}, // one entry, two products
		{Watch{Kind: WatchVendor, Value: "海康威视"}, 2},
		{Watch{Kind: WatchProduct, Value: "74cms"}, 1},
		{Watch{Kind: WatchProduct, Value: "山东政务服务APP"}, 3},
		{Watch{Kind: WatchProduct, Value: "Duxcms"}, 1},
		{Watch{Kind: WatchVendor, Value: "奇安信"}, 0},
		// A known false positive: Chinese has no word boundaries, and
		// 山东亚微软件股份有限公司 contains 微软 (Microsoft).
		{Watch{Kind: WatchVendor, Value: "微软"}, 2},
	} {
		n := 0
		for _, a := range advs {
			if _, ok := tc.w.Matches(a); ok {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%s %q matches %d of %d entries, want %d", tc.w.Kind, tc.w.Value, n, len(advs), tc.want)
		}
	}
}
