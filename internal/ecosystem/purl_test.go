package ecosystem

import (
	"errors"
	"testing"
)

func TestFromPURL(t *testing.T) {
	tests := []struct {
		purl               string
		eco, name, version string
	}{
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"},
		{"pkg:npm/%40babel/core@7.0.0", "npm", "@babel/core", "7.0.0"},
		{"pkg:npm/@angular/core@16.0.0", "npm", "@angular/core", "16.0.0"},
		{"pkg:npm/lodash@4.17.20", "npm", "lodash", "4.17.20"},
		{"pkg:golang/github.com/BurntSushi/toml@v1.3.2", "Go", "github.com/BurntSushi/toml", "v1.3.2"},
		{"pkg:golang/golang.org/x/net@v0.17.0#http2", "Go", "golang.org/x/net", "v0.17.0"},
		{"pkg:golang/stdlib@1.21.5", "Go", "stdlib", "1.21.5"},
		{"pkg:pypi/Django_REST.framework@3.0", "PyPI", "django-rest-framework", "3.0"},
		{"pkg:pypi/requests@2.31.0", "PyPI", "requests", "2.31.0"},
		{"pkg:nuget/Newtonsoft.Json@13.0.1", "NuGet", "Newtonsoft.Json", "13.0.1"},
		{"pkg:gem/rails@7.0.4", "RubyGems", "rails", "7.0.4"},
		{"pkg:cargo/tokio@1.28.0", "crates.io", "tokio", "1.28.0"},
		{"pkg:composer/laravel/framework@v10.0.0", "Packagist", "laravel/framework", "v10.0.0"},
		{"pkg:pub/http@0.13.5", "Pub", "http", "0.13.5"},
		{"pkg:hackage/aeson@2.1.0.0", "Hackage", "aeson", "2.1.0.0"},
		{"pkg:cran/ggplot2@3.4.0", "CRAN", "ggplot2", "3.4.0"},
		{"pkg:hex/phoenix@1.7.0", "Hex", "phoenix", "1.7.0"},
		{"pkg:bitnami/wordpress@6.2.0", "Bitnami", "wordpress", "6.2.0"},
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", "Debian:12", "openssl", "3.0.11-1~deb12u2"},
		{"pkg:deb/debian/curl@7.88.1-10?distro=bookworm", "Debian:12", "curl", "7.88.1-10"},
		{"pkg:deb/debian/curl@7.88.1-10", "Debian", "curl", "7.88.1-10"},
		{"pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04", "Ubuntu:22.04:LTS", "openssl", "3.0.2-0ubuntu1.10"},
		{"pkg:deb/ubuntu/bash@5.1-6ubuntu1?distro=jammy", "Ubuntu:22.04:LTS", "bash", "5.1-6ubuntu1"},
		{"pkg:deb/debian/libc6@2.36-9?distro=12", "Debian:12", "libc6", "2.36-9"},
		{"pkg:rpm/almalinux/bash@5.1.8-6.el9?arch=x86_64&epoch=0&distro=almalinux-9.3", "AlmaLinux:9", "bash", "0:5.1.8-6.el9"},
		{"pkg:rpm/rocky/openssl@3.0.7-24.el9?distro=rocky-9.3", "Rocky Linux:9", "openssl", "3.0.7-24.el9"},
		{"pkg:rpm/almalinux/openssl@3.0.7?distro=el9", "AlmaLinux:9", "openssl", "3.0.7"},
		{"pkg:rpm/redhat/openssl@1:3.0.7-24.el9?distro=rhel-9.3", "Red Hat", "openssl", "1:3.0.7-24.el9"},
		{"pkg:rpm/opensuse/curl@8.0.1-1.1?distro=opensuse-leap-15.5", "openSUSE:Leap 15.5", "curl", "8.0.1-1.1"},
		{"pkg:rpm/suse/curl@8.0.1-1.1?distro=sles-15.5", "SUSE:Linux Enterprise Server 15 SP5", "curl", "8.0.1-1.1"},
		{"pkg:apk/alpine/musl@1.2.4-r2?distro=3.19.1", "Alpine:v3.19", "musl", "1.2.4-r2"},
		{"pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1", "Alpine:v3.19", "musl", "1.2.4-r2"},
		{"pkg:apk/alpine/busybox@1.36.1-r15?distro=edge", "Alpine:edge", "busybox", "1.36.1-r15"},
		{"pkg:apk/wolfi/glibc@2.38-r1?distro=20230201", "Wolfi", "glibc", "2.38-r1"},
		{"pkg:apk/alpine/zlib", "Alpine", "zlib", ""},
	}
	for _, tt := range tests {
		t.Run(tt.purl, func(t *testing.T) {
			eco, name, version, err := FromPURL(tt.purl)
			if err != nil || eco != tt.eco || name != tt.name || version != tt.version {
				t.Fatalf("FromPURL = %q, %q, %q, %v; want %q, %q, %q", eco, name, version, err, tt.eco, tt.name, tt.version)
			}
		})
	}
}

func TestFromPURLErrors(t *testing.T) {
	tests := []struct {
		purl string
		is   error
		msg  string
	}{
		{"pkg:generic/openssl@3.0", ErrUnknown, `unknown ecosystem: purl type "generic" has no OSV ecosystem (in "pkg:generic/openssl@3.0")`},
		{"pkg:docker/library/nginx@1.25", ErrUnknown, `unknown ecosystem: purl type "docker" has no OSV ecosystem (in "pkg:docker/library/nginx@1.25")`},
		{"pkg:rpm/fedora/bash@5.2?distro=fedora-39", ErrUnknown, `pkg:rpm/fedora/bash@5.2?distro=fedora-39: unknown ecosystem: no OSV ecosystem for distribution "fedora"`},
		{"pkg:deb/linux/bash@5.2", ErrUnknown, `pkg:deb/linux/bash@5.2: unknown ecosystem: deb namespace "linux"`},
		{"pkg:maven/log4j@1.2", ErrPURL, `invalid purl "pkg:maven/log4j@1.2": maven purl has no group (namespace)`},
		{"npm/lodash@1", ErrPURL, `invalid purl "npm/lodash@1": purl scheme is not "pkg": "npm/lodash@1"`},
	}
	for _, tt := range tests {
		_, _, _, err := FromPURL(tt.purl)
		if !errors.Is(err, tt.is) || err.Error() != tt.msg {
			t.Errorf("FromPURL(%q) error = %v; want %q wrapping %v", tt.purl, err, tt.msg, tt.is)
		}
	}
}

func TestPURL(t *testing.T) {
	tests := []struct {
		eco, name, version, want string
	}{
		{"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		{"npm", "@babel/core", "7.0.0", "pkg:npm/%40babel/core@7.0.0"},
		{"Go", "github.com/BurntSushi/toml", "v1.3.2", "pkg:golang/github.com/BurntSushi/toml@v1.3.2"},
		{"PyPI", "Django_REST.framework", "3.0", "pkg:pypi/django-rest-framework@3.0"},
		{"Packagist", "laravel/framework", "10.0.0", "pkg:composer/laravel/framework@10.0.0"},
		{"Debian:12", "openssl", "3.0.11-1~deb12u2", "pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12"},
		{"Ubuntu:22.04:LTS", "openssl", "3.0.2-0ubuntu1.10", "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04"},
		{"AlmaLinux:9", "bash", "2:5.1.8-6.el9", "pkg:rpm/almalinux/bash@5.1.8-6.el9?distro=almalinux-9&epoch=2"},
		{"Alpine:v3.19", "musl", "1.2.4-r2", "pkg:apk/alpine/musl@1.2.4-r2?distro=alpine-3.19"},
		{"crates.io", "tokio", "", "pkg:cargo/tokio"},
	}
	for _, tt := range tests {
		got, err := PURL(tt.eco, tt.name, tt.version)
		if err != nil || got != tt.want {
			t.Errorf("PURL(%q, %q, %q) = %q, %v; want %q", tt.eco, tt.name, tt.version, got, err, tt.want)
		}
	}
	for _, bad := range []struct{ eco, name, msg string }{
		{"Maven", "log4j", `invalid purl: Maven: name "log4j" is not group:artifact`},
		{"GitHub Actions", "actions/checkout", `unknown ecosystem: ecosystem "GitHub Actions" has no purl type`},
		{"cobol", "x", `unknown ecosystem "cobol"`},
	} {
		if _, err := PURL(bad.eco, bad.name, "1"); err == nil || err.Error() != bad.msg {
			t.Errorf("PURL(%q, %q) error = %v; want %q", bad.eco, bad.name, err, bad.msg)
		}
	}
}

// TestPURLRoundTrip checks that FromPURL reads back what PURL writes.
func TestPURLRoundTrip(t *testing.T) {
	for _, c := range []struct{ eco, name, version string }{
		{"Go", "github.com/Azure/azure-sdk-for-go", "v68.0.0+incompatible"},
		{"npm", "@types/node", "20.1.0"},
		{"npm", "lodash", "4.17.21"},
		{"PyPI", "django", "4.2"},
		{"Maven", "com.fasterxml.jackson.core:jackson-databind", "2.15.2"},
		{"NuGet", "Newtonsoft.Json", "13.0.3"},
		{"RubyGems", "nokogiri", "1.15.0"},
		{"crates.io", "serde", "1.0.0"},
		{"Packagist", "symfony/http-kernel", "v6.3.0"},
		{"Pub", "http", "1.1.0"},
		{"Hackage", "aeson", "2.2.0.0"},
		{"CRAN", "jsonlite", "1.8.7"},
		{"Hex", "plug", "1.14.0"},
		{"Bitnami", "nginx", "1.25.2"},
		{"Debian:12", "openssl", "3.0.11-1~deb12u2"},
		{"Debian", "openssl", "3.0.11-1"},
		{"Ubuntu:22.04:LTS", "openssl", "3.0.2-0ubuntu1.10"},
		{"Ubuntu:23.10", "openssl", "3.0.10-1ubuntu2"},
		{"AlmaLinux:9", "bash", "2:5.1.8-6.el9"},
		{"Rocky Linux:8", "bash", "4.4.20-4.el8"},
		{"Red Hat", "bash", "5.1.8-6.el9"},
		{"openSUSE:Leap 15.5", "curl", "8.0.1-1.1"},
		{"openSUSE:Tumbleweed", "curl", "8.0.1-1.1"},
		{"SUSE:Linux Enterprise Server 15 SP5", "curl", "8.0.1-1.1"},
		{"Alpine:v3.19", "musl", "1.2.4-r2"},
		{"Wolfi", "glibc", "2.38-r1"},
	} {
		p, err := PURL(c.eco, c.name, c.version)
		if err != nil {
			t.Errorf("PURL(%q, %q, %q): %v", c.eco, c.name, c.version, err)
			continue
		}
		eco, name, version, err := FromPURL(p)
		if err != nil || eco != c.eco || name != c.name || version != c.version {
			t.Errorf("FromPURL(%q) = %q, %q, %q, %v; want %q, %q, %q", p, eco, name, version, err, c.eco, c.name, c.version)
		}
	}
}

func TestNormalizePyPIName(t *testing.T) {
	for in, want := range map[string]string{
		"Django":                       "django",
		"zope.interface":               "zope-interface",
		"Friendly-Bard":                "friendly-bard",
		"FRIENDLY__..--bard":           "friendly-bard",
		"typing_extensions":            "typing-extensions",
		"backports.ssl_match_hostname": "backports-ssl-match-hostname",
	} {
		if got := NormalizePyPIName(in); got != want {
			t.Errorf("NormalizePyPIName(%q) = %q; want %q", in, got, want)
		}
	}
}
