package incident

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
)

func TestParseSelector(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "exposure=internet tag=php-fpm", want: "exposure=internet tag=php-fpm"},
		{in: "tag=php-fpm,exposure=internet", want: "exposure=internet tag=php-fpm"},
		{in: " Env=prod ,  kind=host ", want: "kind=host environment=prod"},
		{in: `group="patch wave 2" tag=b tag=a`, want: `group="patch wave 2" tag=a tag=b`},
		{in: `tag="say \"hi\" \\ there"`, want: `tag="say \"hi\" \\ there"`},
		{in: "team=payments tag=key=value", want: "team=payments tag=key=value"},
		{in: "", err: "no terms"},
		{in: " , ", err: "no terms"},
		{in: "internet", err: `term 1 "internet": not key=value`},
		{in: "exposure = internet", err: `term 1 "exposure": not key=value`},
		{in: "os=linux", err: `term 1: unknown key "os"`},
		{in: "exposure=everywhere", err: `term 1: exposure: unknown exposure "everywhere"`},
		{in: "kind=host kind=image", err: "term 2: kind given twice"},
		{in: "tag=a tag=a", err: `term 2: tag "a" given twice`},
		{in: "tag=", err: "term 1 (tag): empty value"},
		{in: `tag=""`, err: "term 1 (tag): empty value"},
		{in: `tag="open`, err: "no closing quote"},
		{in: `tag="a"b`, err: "text after the closing quote"},
		{in: `tag=a"b`, err: "a quote inside an unquoted value"},
		{in: `tag="\n"`, err: `only \" and \\ may follow a backslash`},
		{in: `team=" payments"`, err: "has leading or trailing space"},
		{in: "tag=a\nkind=host", err: "not one line"},
		{in: strings.Repeat("tag=x ", 200), err: "longer than 1000 bytes"},
	} {
		sel, err := ParseSelector(tc.in)
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrInvalid))) {
			t.Errorf("ParseSelector(%q): %v, want %q", tc.in, err, tc.err)
			continue
		}
		if err == nil && sel.String() != tc.want {
			t.Errorf("ParseSelector(%q) = %s, want %s", tc.in, sel, tc.want)
		}
	}
	var many []string
	for i := range 21 {
		many = append(many, "tag=t"+string(rune('a'+i)))
	}
	if _, err := ParseSelector(strings.Join(many, " ")); err == nil || !strings.Contains(err.Error(), "more than 20 terms") {
		t.Errorf("21 terms: %v", err)
	}
}

func TestSelectorMatch(t *testing.T) {
	web := asset.Asset{Name: "shop-web", Kind: asset.KindHost, Team: "shop", Environment: asset.EnvProd, Exposure: asset.ExpInternet,
		Criticality: asset.CritHigh, Tags: []string{"php-fpm", "nginx"}, MaintenanceGroup: "wave 2"}
	for _, tc := range []struct {
		sel  string
		want []string // nil: no match
	}{
		{"exposure=internet tag=php-fpm", []string{"exposure=internet", "tag=php-fpm"}},
		{`kind=host team=shop env=prod criticality=high group="wave 2" tag=nginx`,
			[]string{"kind=host", "team=shop", "environment=prod", "criticality=high", `group="wave 2"`, "tag=nginx"}},
		{"exposure=internal", nil},
		{"tag=php-fpm tag=apache", nil},
		{"team=Shop", nil}, // teams are names: case matters
	} {
		sel, err := ParseSelector(tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		ok, why := sel.Match(web)
		if ok != (tc.want != nil) || !slices.Equal(why, tc.want) {
			t.Errorf("%s: %v %q, want %q", tc.sel, ok, why, tc.want)
		}
	}
	if ok, _ := (Selector{}).Match(web); ok {
		t.Error("an empty selector matched")
	}
}

// FuzzParseSelector: a selector comes from outside (the API, the command
// line). Parsing never panics, and whatever parses writes out in a form
// that parses back to the same selector.
func FuzzParseSelector(f *testing.F) {
	for _, s := range []string{"exposure=internet tag=php-fpm", `group="patch wave 2", tag=a`, `tag="x \"y\" \\"`, "env=prod", "tag==", `tag="`, "kind=host,,,team=a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := ParseSelector(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: error without ErrInvalid: %v", s, err)
			}
			return
		}
		again, err := ParseSelector(sel.String())
		if err != nil || !slices.Equal(again.Terms, sel.Terms) {
			t.Fatalf("%q → %q → %+v, %v; want %+v", s, sel.String(), again.Terms, err, sel.Terms)
		}
	})
}
