package inventory

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
)

func TestFromPURL(t *testing.T) {
	tests := []struct {
		purl string
		want Ident
		err  string
	}{
		{"pkg:npm/%40angular/core@16.0.0", Ident{"npm", "@angular/core", "16.0.0"}, ""},
		{"pkg:pypi/Django_Rest.framework@3.14", Ident{"PyPI", "django-rest-framework", "3.14"}, ""},
		{"pkg:golang/github.com/BurntSushi/toml@v1.3.2", Ident{"Go", "github.com/BurntSushi/toml", "1.3.2"}, ""},
		{"pkg:golang/stdlib@go1.22.1", Ident{"Go", "stdlib", "1.22.1"}, ""},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar", Ident{"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"}, ""},
		{"pkg:cargo/serde@1.0.0", Ident{"crates.io", "serde", "1.0.0"}, ""},
		{"pkg:gem/rails@7.0.0", Ident{"RubyGems", "rails", "7.0.0"}, ""},
		{"pkg:composer/symfony/http-kernel@v5.4.16", Ident{"Packagist", "symfony/http-kernel", "v5.4.16"}, ""},
		{"pkg:nuget/Newtonsoft.Json@13.0.1", Ident{"NuGet", "Newtonsoft.Json", "13.0.1"}, ""},
		{"pkg:deb/debian/libc6@2.36-9?distro=debian-12&upstream=glibc", Ident{"Debian:12", "glibc", "2.36-9"}, ""},
		{"pkg:deb/debian/libc6@2.36-9", Ident{"Debian", "libc6", "2.36-9"}, ""},
		{"pkg:deb/debian/x@1?distro=bookworm", Ident{"Debian:12", "x", "1"}, ""},
		{"pkg:deb/ubuntu/bash@5.1-6ubuntu1?distro=ubuntu-22.04", Ident{"Ubuntu:22.04:LTS", "bash", "5.1-6ubuntu1"}, ""},
		{"pkg:apk/alpine/musl@1.2.4-r2?distro=3.18.4", Ident{"Alpine:v3.18", "musl", "1.2.4-r2"}, ""},
		{"pkg:rpm/rocky/bash@5.1.8-6.el9?epoch=0&distro=rocky-9.3", Ident{"Rocky Linux:9", "bash", "5.1.8-6.el9"}, ""},
		{"pkg:deb/ubuntu/bash@5.1", Ident{"", "bash", "5.1"}, "purl deb: no OSV ecosystem: Ubuntu needs a release (22.04, ...)"},
		{"pkg:rpm/fedora/bash@5.2", Ident{"", "bash", "5.2"}, `purl rpm: no OSV ecosystem for distribution "fedora"`},
		{"pkg:github/acme/tool@1.0", Ident{"", "acme/tool", "1.0"}, `no OSV ecosystem for purl type "github"`},
		{"npm/x@1", Ident{}, `invalid purl "npm/x@1": purl scheme is not "pkg": "npm/x@1"`},
	}
	for _, tt := range tests {
		got, err := FromPURL(tt.purl)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if got != tt.want || msg != tt.err {
			t.Errorf("FromPURL(%q) = %+v, %q; want %+v, %q", tt.purl, got, msg, tt.want, tt.err)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	for _, tt := range []struct {
		eco, v string
		ok     bool
	}{
		{"npm", "1.2.3-beta.1+build", true}, {"npm", "github:a/b#c", false}, {"Go", "0.0.0-20220715151400-c0bba94af5f8", true},
		{"crates.io", "1.0", false}, {"Maven", "1.0-SNAPSHOT", true}, {"PyPI", "1.0 ", false}, {"Packagist", "dev-main", false},
		{"Packagist", "2.x-dev", false}, {"Packagist", "v1.2.3", true}, {"Debian:12", "1:2.36-9+deb12u1", true}, {"npm", "", false},
	} {
		if err := CheckVersion(tt.eco, tt.v); (err == nil) != tt.ok {
			t.Errorf("CheckVersion(%s, %q) = %v", tt.eco, tt.v, err)
		}
	}
}

// TestBuilder: repeats merge into the first, edges to skipped or unknown
// components and to the component itself are dropped, and skipped
// components are reported.
func TestBuilder(t *testing.T) {
	b := NewBuilder("f")
	a := asset.Component{Name: "a", Version: "1", Ecosystem: "npm", CPEs: []string{"c1"}, Licenses: []string{"MIT"}}
	b.Add("r0", "x0", a)
	a2 := a
	a2.CPEs, a2.Licenses, a2.Direct, a2.PURL = []string{"c2", "c1"}, []string{"ISC"}, true, "pkg:npm/a@1"
	b.Add("r1", "x1", a2)
	b.Add("r2", "x2", asset.Component{Name: "nothing"})
	other := asset.Component{Name: "b", Version: "2", Ecosystem: "npm"}
	b.Add("r3", "x3", other)
	b.SetDependsOn(a.Key(), []string{other.Key(), a.Key(), "npm\x1fghost\x1f1"})
	inv := b.Inventory()
	want := []asset.Component{
		{Name: "a", Version: "1", Ecosystem: "npm", PURL: "pkg:npm/a@1", CPEs: []string{"c1", "c2"}, Source: "f: x0", Direct: true,
			DependsOn: []string{other.Key()}, Licenses: []string{"MIT", "ISC"}},
		{Name: "b", Version: "2", Ecosystem: "npm", Source: "f: x3"},
	}
	if diff := cmp.Diff(want, inv.Components); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(inv.Errors) != 1 || !strings.HasPrefix(inv.Errors[0].Error(), "r2: malformed input: invalid asset") || !errors.Is(inv.Errors[0], feed.ErrFormat) {
		t.Errorf("errors %v", inv.Errors)
	}
}

func TestRefuseDTD(t *testing.T) {
	for doc, refused := range map[string]bool{
		`<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://evil/x.dtd"><x/>`:        true,
		"<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE x [<!ENTITY a 'b'>]><x/>": true,
		`<?xml version="1.0"?><x><![CDATA[<!DOCTYPE in text>]]></x>`:              false,
		`<x/>`:     false,
		`not xml<`: false,
	} {
		if err := RefuseDTD([]byte(doc)); (err != nil) != refused {
			t.Errorf("%q: %v", doc, err)
		}
	}
}
