package ospkg

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventorytest"
)

func debian12(t testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "os-release", "debian-12"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type goldenInventory struct {
	Subject    string            `json:"subject,omitempty"`
	Components []asset.Component `json:"components"`
	Errors     []string          `json:"errors,omitempty"`
}

// TestTestdata reads every real package list in testdata with the release
// each came from, checks a summary, and compares the inventory with its
// golden file. Every component's purl must say what the component says:
// inventory.FromPURL of it gives back its ecosystem, name and version,
// wherever the purl can carry them.
func TestTestdata(t *testing.T) {
	tests := []struct {
		file    string
		opts    Options
		subject string
		// components, and errors
		components, errs int
		ecosystem        string
	}{
		// 7 paragraphs; libacl1 (Source: acl) merges into acl.
		{"dpkg/status", Options{OSRelease: debian12(t)}, "Debian GNU/Linux 12 (bookworm)", 6, 0, "Debian:12"},
		// Installed: install/deinstall/purge ok installed, and no Status.
		{"dpkg/statusfield", Options{Distro: "Ubuntu:22.04:LTS"}, "", 4, 0, "Ubuntu:22.04:LTS"},
		{"dpkg/status.d-foo", Options{}, "", 1, 1, ""},
		// 15 packages from 10 origins.
		{"apk/installed", Options{Distro: "Alpine:v3.18"}, "", 10, 0, "Alpine:v3.18"},
		{"apk/no-origin", Options{OSRelease: []byte("ID=alpine\nVERSION_ID=3.20.1\n")}, "", 1, 0, "Alpine:v3.20"},
		{"rpm/cbl-mariner-2.0.txt", Options{OSRelease: []byte("NAME=\"Common Base Linux Mariner\"\nID=mariner\nVERSION_ID=\"2.0\"\n")}, "", 129, 0, "Azure Linux:2.0"},
		// 183 lines less 2 gpg-pubkey.
		{"rpm/ubi8-s390x.txt", Options{OSRelease: []byte("ID=\"rhel\"\nVERSION_ID=\"8.6\"\nCPE_NAME=\"cpe:/o:redhat:enterprise_linux:8::baseos\"\n")},
			"", 181, 0, "Red Hat:enterprise_linux:8::baseos"},
		{"rpm/centos7-plain.txt", Options{OSRelease: []byte("ID=\"centos\"\nVERSION_ID=\"7\"\n")}, "", 144, 1, ""},
	}
	for _, tt := range tests {
		f, err := os.Open(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		inv, err := tt.opts.Parse(filepath.Base(tt.file), f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		g := goldenInventory{Subject: inv.Subject, Components: inv.Components}
		for _, e := range inv.Errors {
			g.Errors = append(g.Errors, e.Error())
			var re *feed.RecordError
			if !errors.As(e, &re) || !errors.Is(e, feed.ErrFormat) {
				t.Errorf("%s: %v is not a RecordError wrapping ErrFormat", tt.file, e)
			}
		}
		if inv.Subject != tt.subject || len(inv.Components) != tt.components || len(inv.Errors) != tt.errs {
			t.Errorf("%s: subject %q, %d components, %d errors; want %q, %d, %d", tt.file, inv.Subject, len(inv.Components), len(inv.Errors), tt.subject, tt.components, tt.errs)
		}
		for _, c := range inv.Components {
			if c.Ecosystem != tt.ecosystem {
				t.Errorf("%s: %s: ecosystem %q, want %q", tt.file, c.Source, c.Ecosystem, tt.ecosystem)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("%s: %s: %v", tt.file, c.Source, err)
			}
			id, err := inventory.FromPURL(c.PURL)
			if err == nil && (id.Ecosystem != c.Ecosystem || id.Name != c.Name || id.Version != c.Version) {
				t.Errorf("%s: %s: purl %s says %+v", tt.file, c.Source, c.PURL, id)
			}
		}
		feedtest.Golden(t, filepath.Join("testdata", "golden", strings.ReplaceAll(tt.file, "/", "_")+".golden"), g)
	}
}

// TestHostDpkg reads the dpkg status file of the machine the tests run on,
// when it has one: a few hundred real packages must all parse.
func TestHostDpkg(t *testing.T) {
	f, err := os.Open("/var/lib/dpkg/status")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	osr, err := os.ReadFile("/etc/os-release")
	if err != nil {
		t.Skip(err)
	}
	inv, err := Options{OSRelease: osr}.Parse("status", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Components) < 50 || len(inv.Errors) != 0 {
		t.Errorf("%d components, errors %v", len(inv.Components), inv.Errors)
	}
}

func TestDistro(t *testing.T) {
	tests := []struct {
		opts      Options
		ecosystem string
		why       string
	}{
		{Options{OSRelease: debian12(t)}, "Debian:12", ""},
		{Options{Distro: "Debian:11", OSRelease: debian12(t)}, "Debian:11", ""},
		{Options{OSRelease: []byte("ID=debian\nVERSION_CODENAME=trixie\n")}, "Debian:13", ""},
		{Options{OSRelease: []byte("ID=ubuntu\nVERSION_ID=\"22.04\"\n")}, "Ubuntu:22.04:LTS", ""},
		{Options{OSRelease: []byte("ID=ubuntu\nVERSION_ID=\"23.10\"\n")}, "Ubuntu:23.10", ""},
		{Options{OSRelease: []byte("ID=almalinux\nVERSION_ID=\"9.3\"\n")}, "AlmaLinux:9", ""},
		{Options{OSRelease: []byte("ID=\"rocky\"\nVERSION_ID=\"8.9\"\n")}, "Rocky Linux:8", ""},
		{Options{OSRelease: []byte("ID=wolfi\n")}, "Wolfi", ""},
		{Options{OSRelease: []byte("ID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"21.2\"\n")}, "", `os-release: no OSV ecosystem for distribution "linuxmint"`},
		{Options{OSRelease: []byte("ID=alpine\n")}, "", "os-release: no OSV ecosystem: Alpine needs a release such as 3.19 (got \"\")"},
		{Options{OSRelease: []byte("ID=rhel\nVERSION_ID=9.3\n")}, "", "os-release ID rhel without a Red Hat CPE_NAME"},
		{Options{}, "", "no Options.Distro or os-release given"},
	}
	for _, tt := range tests {
		d := tt.opts.distro()
		if d.ecosystem != tt.ecosystem || d.why != tt.why {
			t.Errorf("%+v: ecosystem %q (%s), want %q (%s)", tt.opts, d.ecosystem, d.why, tt.ecosystem, tt.why)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, doc string
		opts      Options
		want      []asset.Component
		errs      []string
		err       string
	}{{
		name: "status",
		doc:  "Package: libfoo1\nStatus: install ok installed\nSource: foo (1:2.0-1)\nVersion: 1:2.0-1+b2\nArchitecture: amd64\nDescription: x\n continued: not a field\n\nStatus: install ok installed\nVersion: 1\n\nPackage: nover\n\nbroken line\n",
		opts: Options{Distro: "Debian:12"},
		want: []asset.Component{{Name: "foo", Version: "1:2.0-1", Ecosystem: "Debian:12", Source: "status: line 1",
			PURL: "pkg:deb/debian/libfoo1@1:2.0-1%2Bb2?arch=amd64&distro=debian-12&upstream=foo%401:2.0-1"}},
		errs: []string{
			"line 9: Package: malformed input: missing; paragraph skipped",
			"line 12 (nover): Version: malformed input: missing; skipped",
			`line 14: malformed input: not a field: "broken line"`,
			"line 14: Package: malformed input: missing; paragraph skipped",
		},
	}, {
		name: "rpm-qa.txt",
		doc:  "bash 0:5.1.8-6.el9 x86_64 bash-5.1.8-6.el9.src.rpm\nperl-IO (none):1.43-481.el9 x86_64\nxz 1:5.2.5-8.el9 x86_64 (none)\nthis is not rpm\n",
		opts: Options{Distro: "AlmaLinux:9"},
		want: []asset.Component{
			{Name: "bash", Version: "5.1.8-6.el9", Ecosystem: "AlmaLinux:9", Source: "rpm-qa.txt: line 1",
				PURL: "pkg:rpm/almalinux/bash@5.1.8-6.el9?arch=x86_64&distro=almalinux-9&upstream=bash-5.1.8-6.el9.src.rpm"},
			{Name: "perl-IO", Version: "1.43-481.el9", Ecosystem: "AlmaLinux:9", Source: "rpm-qa.txt: line 2",
				PURL: "pkg:rpm/almalinux/perl-IO@1.43-481.el9?arch=x86_64&distro=almalinux-9"},
			{Name: "xz", Version: "1:5.2.5-8.el9", Ecosystem: "AlmaLinux:9", Source: "rpm-qa.txt: line 3",
				PURL: "pkg:rpm/almalinux/xz@5.2.5-8.el9?arch=x86_64&distro=almalinux-9&epoch=1"},
		},
		errs: []string{`line 4: malformed input: not NAME EPOCH:VERSION-RELEASE ARCH [SOURCERPM] nor NAME-VERSION-RELEASE.ARCH: "this is not rpm"`},
	}, {
		name: "installed",
		doc:  "C:Q1x=\nP:busybox-binsh\nV:1.36.1-r15\nA:x86_64\no:busybox\nF:bin\n\nP:nover\n\nbad\n",
		opts: Options{Distro: "Alpine:v3.19"},
		want: []asset.Component{{Name: "busybox", Version: "1.36.1-r15", Ecosystem: "Alpine:v3.19", Source: "installed: line 1",
			PURL: "pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.19&upstream=busybox"}},
		errs: []string{
			"line 8 (nover): malformed input: P: or V: missing; skipped",
			`line 10: malformed input: not a field: "bad"`,
			"line 10: malformed input: P: or V: missing; skipped",
		},
	}, {
		name: "packages.txt",
		doc:  "hello world\n",
		err:  "packages.txt: malformed input: not a dpkg status file, rpm -qa output or apk installed database",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := tt.opts.Parse(tt.name, strings.NewReader(tt.doc))
			inventorytest.Expect(t, inv, err, tt.err, tt.want, tt.errs)
		})
	}
}

func TestSniff(t *testing.T) {
	for head, want := range map[string]bool{
		"Package: bash\nStatus: install ok installed\n":           true,
		"C:Q1abc=\nP:musl\n":                                      true,
		"bash (none):5.1.8-6.el9 x86_64 bash-5.1.8-6.el9.src.rpm": true,
		"tzdata-2018e-3.el7.noarch\n":                             true,
		"\n\nPackage: x\n":                                        true,
		`{"bomFormat":"CycloneDX"}`:                               false,
		"SPDXVersion: SPDX-2.3\n":                                 false,
		"flask==2.0.0\n":                                          false,
		"":                                                        false,
	} {
		if got := Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", head, got, want)
		}
	}
}

// FuzzParse: no panic; a whole-file error wraps ErrFormat, line errors are
// RecordErrors, and every component passes Validate and survives a JSON
// round trip.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"dpkg/status", "dpkg/statusfield", "apk/no-origin", "rpm/ubi8-s390x.txt", "rpm/centos7-plain.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "Debian:12")
	}
	f.Add([]byte("P:a\nV:1\no:b\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, distro string) {
		inv, err := Options{Distro: distro, OSRelease: data}.Parse("fuzz", bytes.NewReader(data))
		inventorytest.Fuzzed(t, inv, err)
	})
}
