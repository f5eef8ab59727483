package ecosystem

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
		err      string
	}{
		{in: "Go", want: "Go"},
		{in: "golang", want: "Go"},
		{in: "GO", want: "Go"},
		{in: "npm", want: "npm"},
		{in: "NPM", want: "npm"},
		{in: "pypi", want: "PyPI"},
		{in: "pip", want: "PyPI"},
		{in: "maven", want: "Maven"},
		{in: "Maven:https://maven.google.com", want: "Maven:https://maven.google.com"},
		{in: "cargo", want: "crates.io"},
		{in: "Crates.IO", want: "crates.io"},
		{in: "gem", want: "RubyGems"},
		{in: "composer", want: "Packagist"},
		{in: "nuget", want: "NuGet"},
		{in: "pub", want: "Pub"},
		{in: "hackage", want: "Hackage"},
		{in: "cran", want: "CRAN"},
		{in: "bitnami", want: "Bitnami"},
		{in: "  Debian:12 ", want: "Debian:12"},
		{in: "debian:bookworm", want: "Debian:12"},
		{in: "Debian:12.5", want: "Debian:12"},
		{in: "Debian:sid", want: "Debian:sid"},
		{in: "deb", want: "Debian"},
		{in: "deb:debian-12", want: "Debian:12"},
		{in: "deb:12", want: "Debian:12"},
		{in: "deb:ubuntu-22.04", want: "Ubuntu:22.04:LTS"},
		{in: "deb:ubuntu:jammy", want: "Ubuntu:22.04:LTS"},
		{in: "Ubuntu:22.04", want: "Ubuntu:22.04:LTS"},
		{in: "Ubuntu:22.04:LTS", want: "Ubuntu:22.04:LTS"},
		{in: "ubuntu:23.10", want: "Ubuntu:23.10"},
		{in: "Ubuntu:21.04", want: "Ubuntu:21.04"},
		{in: "Ubuntu:Pro:18.04:LTS", want: "Ubuntu:Pro:18.04:LTS"},
		{in: "ubuntu:pro:16.04", want: "Ubuntu:Pro:16.04:LTS"},
		{in: "Ubuntu:noble", want: "Ubuntu:24.04:LTS"},
		{in: "AlmaLinux:9", want: "AlmaLinux:9"},
		{in: "almalinux:9.3", want: "AlmaLinux:9"},
		{in: "rpm", want: "Red Hat"},
		{in: "rpm:almalinux:9.3", want: "AlmaLinux:9"},
		{in: "rpm:rocky-9", want: "Rocky Linux:9"},
		{in: "rpm:rhel-9.3", want: "Red Hat"},
		{in: "Red Hat:enterprise_linux:9::appstream", want: "Red Hat:enterprise_linux:9::appstream"},
		{in: "rocky linux:8", want: "Rocky Linux:8"},
		{in: "apk", want: "Alpine"},
		{in: "apk:3.19.1", want: "Alpine:v3.19"},
		{in: "apk:alpine-3.19", want: "Alpine:v3.19"},
		{in: "Alpine:v3.19", want: "Alpine:v3.19"},
		{in: "alpine:3.19", want: "Alpine:v3.19"},
		{in: "Alpine:edge", want: "Alpine:edge"},
		{in: "openSUSE:Leap 15.5", want: "openSUSE:Leap 15.5"},
		{in: "GitHub Actions", want: "GitHub Actions"},
		{in: "", err: "unknown ecosystem: empty"},
		{in: "cobol", err: `unknown ecosystem "cobol"`},
		{in: "deb:fedora-39", err: `unknown ecosystem: deb distribution "fedora-39" (in "deb:fedora-39")`},
		{in: "rpm:fedora:39", err: `unknown ecosystem: no OSV ecosystem for distribution "fedora" (in "rpm:fedora:39")`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !errors.Is(err, ErrUnknown) {
					t.Fatalf("Normalize(%q) = %q, %v; want error %q wrapping ErrUnknown", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			// What Normalize returns, it returns unchanged.
			if again, err := Normalize(got); err != nil || again != got {
				t.Errorf("Normalize(%q) = %q, %v; not idempotent", got, again, err)
			}
		})
	}
}

func TestFromDistro(t *testing.T) {
	tests := []struct {
		id, ver, want string
	}{
		{"debian", "12", "Debian:12"},
		{"debian", "12.5", "Debian:12"},
		{"debian", "", "Debian"},
		{"ubuntu", "22.04", "Ubuntu:22.04:LTS"},
		{"ubuntu", "22.04.3", "Ubuntu:22.04:LTS"},
		{"ubuntu", "23.10", "Ubuntu:23.10"},
		{"almalinux", "9.3", "AlmaLinux:9"},
		{"rocky", "8.9", "Rocky Linux:8"},
		{"rhel", "9.3", "Red Hat"},
		{"centos", "7", "Red Hat"},
		{"alpine", "3.19.1", "Alpine:v3.19"},
		{"opensuse-leap", "15.5", "openSUSE:Leap 15.5"},
		{"opensuse-tumbleweed", "20240101", "openSUSE:Tumbleweed"},
		{"sles", "15.5", "SUSE:Linux Enterprise Server 15 SP5"},
		{"sles", "15", "SUSE:Linux Enterprise Server 15"},
		{"wolfi", "20230201", "Wolfi"},
	}
	for _, tt := range tests {
		got, err := FromDistro(tt.id, tt.ver)
		if err != nil || got.String() != tt.want {
			t.Errorf("FromDistro(%q, %q) = %q, %v; want %q", tt.id, tt.ver, got, err, tt.want)
		}
	}
	if _, err := FromDistro("fedora", "39"); !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), `"fedora"`) {
		t.Errorf("FromDistro(fedora) error = %v; want ErrUnknown naming fedora", err)
	}
}

// TestOSVNames keeps osvNames in step with the OSV schema's own list, when
// the shared data corpus is beside the repository.
func TestOSVNames(t *testing.T) {
	p := filepath.Join("..", "..", "..", "shared", "data", "osv", "schema", "ecosystems.json")
	b, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not found: %v", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for name := range m {
		if !Name(name).IsValid() {
			t.Errorf("%s: OSV ecosystem %q missing from osvNames", p, name)
		}
		if got, err := Normalize(strings.ToLower(name)); err != nil || got != name {
			t.Errorf("Normalize(%q) = %q, %v; want %q", strings.ToLower(name), got, err, name)
		}
	}
	if len(m) != len(osvNames) {
		t.Errorf("osvNames has %d names, %s has %d", len(osvNames), p, len(m))
	}
}
