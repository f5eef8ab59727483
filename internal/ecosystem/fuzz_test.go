package ecosystem

import (
	"testing"
)

// FuzzParse checks that Parse never panics and that what it returns it
// returns again unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"Go", "golang", "Debian:12", "deb:ubuntu-22.04", "apk:3.19.1", "rpm:almalinux:9.3",
		"Ubuntu:Pro:18.04:LTS", "Alpine:v3.19", "Red Hat:enterprise_linux:9::appstream", "Maven:https://maven.google.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(id.String())
		if err != nil || again != id {
			t.Fatalf("Parse(%q) = %q, but Parse(%q) = %q, %v", s, id, id, again, err)
		}
	})
}

// FuzzFromPURL checks that FromPURL never panics, and that whatever it
// reads and PURL can write back reads the same again.
func FuzzFromPURL(f *testing.F) {
	for _, s := range []string{
		"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
		"pkg:npm/%40babel/core@7.0.0",
		"pkg:golang/github.com/BurntSushi/toml@v1.3.2",
		"pkg:pypi/Django_REST.framework@3.0",
		"pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
		"pkg:rpm/almalinux/bash@5.1.8-6.el9?arch=x86_64&epoch=0&distro=almalinux-9.3",
		"pkg:apk/alpine/musl@1.2.4-r2?distro=3.19.1",
		"pkg:composer/laravel/framework@v10.0.0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		eco, name, version, err := FromPURL(s)
		if err != nil {
			return
		}
		p, err := PURL(eco, name, version)
		if err != nil {
			return
		}
		eco2, name2, version2, err := FromPURL(p)
		if err != nil || eco2 != eco || name2 != name || version2 != version {
			t.Fatalf("FromPURL(%q) = %q %q %q; PURL gives %q, read back as %q %q %q, %v", s, eco, name, version, p, eco2, name2, version2, err)
		}
	})
}
