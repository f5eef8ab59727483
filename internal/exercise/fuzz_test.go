package exercise

import (
	"strings"
	"testing"
)

// FuzzScope: scope entries never panic the parser, a parsed target's
// canonical form parses to itself, and checking locations against it
// never panics either.
func FuzzScope(f *testing.F) {
	for _, s := range []string{"shop.example.com", "*.example.com", "10.0.0.0/8", "2001:db8::/32", "192.0.2.1",
		"https://shop.example.com/api/", "http://[::1]:8080/", "ftp://x", "a..b", "MF-1"} {
		f.Add(s, "https://shop.example.com/api/orders")
	}
	f.Fuzz(func(t *testing.T, entry, loc string) {
		s, err := ParseScope(strings.Split(entry, ","), nil)
		if err != nil {
			return
		}
		for _, tg := range s.Targets {
			again, err := parseTarget(tg)
			if err != nil || again.String() != tg {
				t.Fatalf("target %q re-parses as %q, %v", tg, again.String(), err)
			}
		}
		s.Contains("asset", loc)
		ParseRule(loc)
	})
}
