package ecosystem

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknown marks an ecosystem, distribution or package type vmc cannot
// place in an OSV ecosystem.
var ErrUnknown = errors.New("unknown ecosystem")

// Name is an OSV ecosystem name without its release suffix: "Go", "npm",
// "Debian". The names are OSV's, letter case included.
// https://ossf.github.io/osv-schema/#defined-ecosystems
type Name string

// The ecosystems vmc has a version ordering or a package-URL mapping for.
// The rest of OSV's names are known to [Parse] (see osvNames) but have no
// constant, since nothing in vmc treats them specially.
const (
	AlmaLinux  Name = "AlmaLinux"
	Alpine     Name = "Alpine"
	Bitnami    Name = "Bitnami"
	Chainguard Name = "Chainguard"
	CRAN       Name = "CRAN"
	CratesIO   Name = "crates.io"
	Debian     Name = "Debian"
	Go         Name = "Go"
	Hackage    Name = "Hackage"
	Hex        Name = "Hex"
	Mageia     Name = "Mageia"
	Maven      Name = "Maven"
	NPM        Name = "npm"
	NuGet      Name = "NuGet"
	OpenEuler  Name = "openEuler"
	OpenSUSE   Name = "openSUSE"
	Packagist  Name = "Packagist"
	PhotonOS   Name = "Photon OS"
	Pub        Name = "Pub"
	PyPI       Name = "PyPI"
	RedHat     Name = "Red Hat"
	RockyLinux Name = "Rocky Linux"
	RubyGems   Name = "RubyGems"
	SUSE       Name = "SUSE"
	SwiftURL   Name = "SwiftURL"
	Ubuntu     Name = "Ubuntu"
	Wolfi      Name = "Wolfi"
)

// osvNames is every ecosystem the OSV schema defines (schema 1.7,
// ecosystems.json; a copy is in ../shared/data/osv/schema and a test keeps
// this list in step with it).
var osvNames = []Name{
	AlmaLinux, "Alpaquita", Alpine, "Android", "Azure Linux", "BellSoft Hardened Containers",
	"Bioconductor", Bitnami, Chainguard, "CleanStart", "ConanCenter", CRAN, CratesIO, Debian,
	"Docker Hardened Images", "Echo", "FreeBSD", "GHC", "GitHub Actions", Go, Hackage, Hex,
	"Julia", "Kubernetes", "Linux", Mageia, Maven, "MinimOS", NPM, NuGet, "opam", OpenEuler,
	OpenSUSE, "OSS-Fuzz", Packagist, PhotonOS, Pub, PyPI, RedHat, RockyLinux, "Root",
	RubyGems, SUSE, SwiftURL, "TuxCare", Ubuntu, "VSCode", Wolfi,
}

// aliases maps lower-case spellings that tools use for an ecosystem (SBOM
// generators, scanners, package managers' own names) to the OSV name.
// Every OSV name in lower case is added by init.
var aliases = map[string]Name{
	"golang":     Go,
	"node":       NPM,
	"nodejs":     NPM,
	"pip":        PyPI,
	"python":     PyPI,
	"mvn":        Maven,
	"gem":        RubyGems,
	"gems":       RubyGems,
	"cargo":      CratesIO,
	"crates":     CratesIO,
	"composer":   Packagist,
	"deb":        Debian,
	"redhat":     RedHat,
	"rhel":       RedHat,
	"rpm":        RedHat,
	"alma":       AlmaLinux,
	"rocky":      RockyLinux,
	"rockylinux": RockyLinux,
	"sles":       SUSE,
	"apk":        Alpine,
	"photon":     PhotonOS,
}

func init() {
	for _, n := range osvNames {
		aliases[strings.ToLower(string(n))] = n
	}
}

func (n Name) String() string { return string(n) }

// IsValid reports whether n is one of the OSV schema's ecosystem names,
// spelt as OSV spells it.
func (n Name) IsValid() bool {
	for _, m := range osvNames {
		if n == m {
			return true
		}
	}
	return false
}

// ID is an OSV ecosystem string taken apart: "Ubuntu:22.04:LTS" is
// {Ubuntu, "22.04:LTS"}. Release is empty when the ecosystem is not scoped
// to a release.
type ID struct {
	Name    Name
	Release string
}

// String is the OSV ecosystem string.
func (id ID) String() string {
	if id.Release == "" {
		return string(id.Name)
	}
	return string(id.Name) + ":" + id.Release
}

// Parse reads an ecosystem string in OSV's form or in one of the spellings
// tools use, and returns it in OSV's form:
//
//	"Debian:12", "debian:bookworm", "deb:debian-12"  → Debian:12
//	"golang", "go"                                   → Go
//	"pypi", "pip"                                    → PyPI
//	"cargo"                                          → crates.io
//	"Alpine:3.19", "apk:alpine-3.19.1"               → Alpine:v3.19
//	"Ubuntu:22.04", "deb:ubuntu:jammy"               → Ubuntu:22.04:LTS
//	"rpm:almalinux:9.3", "rpm:rocky-9"               → AlmaLinux:9, Rocky Linux:9
//
// The name is matched without regard to case. "deb", "rpm" and "apk"
// followed by a distribution ("deb:ubuntu-22.04") are read as a package
// type and a distribution, as in a purl's distro qualifier. A release the
// OSV schema gives a fixed form (Alpine's "v3.19", Ubuntu's ":LTS",
// Debian's and the Enterprise Linux rebuilds' major number) is put in that
// form; any other release is kept as given.
func Parse(s string) (ID, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return ID{}, fmt.Errorf("%w: empty", ErrUnknown)
	}
	base, rest, _ := strings.Cut(t, ":")
	lb := strings.ToLower(strings.TrimSpace(base))
	switch lb {
	case "deb", "rpm", "apk":
		if rest != "" {
			id, err := fromDistroSpec(lb, "", rest)
			if err != nil {
				return ID{}, fmt.Errorf("%w (in %q)", err, s)
			}
			return id, nil
		}
	}
	n, ok := aliases[lb]
	if !ok {
		return ID{}, fmt.Errorf("%w %q", ErrUnknown, s)
	}
	return ID{Name: n, Release: canonicalRelease(n, rest)}, nil
}

// Normalize is Parse as a string: the OSV ecosystem string for s.
func Normalize(s string) (string, error) {
	id, err := Parse(s)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// Base returns the OSV name of an ecosystem string, without its release:
// Base("Ubuntu:22.04:LTS") is Ubuntu. It accepts what Parse accepts.
func Base(s string) (Name, error) {
	id, err := Parse(s)
	return id.Name, err
}

// canonicalRelease puts a release in the form the OSV schema prescribes
// for n, where it prescribes one.
func canonicalRelease(n Name, rel string) string {
	rel = strings.TrimSpace(rel)
	if rel == "" {
		return ""
	}
	switch n {
	case Alpine:
		return alpineRelease(rel)
	case Debian:
		if r, ok := debianCodenames[strings.ToLower(rel)]; ok {
			return r
		}
		return major(rel)
	case Ubuntu:
		return ubuntuRelease(rel)
	case AlmaLinux, RockyLinux, Mageia:
		return major(rel)
	}
	return rel
}

// major returns the leading number of a numeric release ("9.3" → "9");
// anything not starting with a digit is kept ("sid").
func major(rel string) string {
	if rel == "" || rel[0] < '0' || rel[0] > '9' {
		return rel
	}
	return leadingDigits(rel)
}

// alpineRelease turns "3.19", "v3.19" or "3.19.1" into OSV's "v3.19".
// Alpine publishes advisories per release branch, which is major.minor;
// anything after the minor number is dropped.
func alpineRelease(rel string) string {
	r := strings.TrimLeft(rel, "vV")
	if strings.EqualFold(r, "edge") {
		return "edge"
	}
	maj := leadingDigits(r)
	if maj == "" {
		return rel
	}
	r = r[len(maj):]
	if len(r) < 2 || r[0] != '.' {
		return "v" + maj
	}
	min := leadingDigits(r[1:])
	if min == "" {
		return "v" + maj
	}
	return "v" + maj + "." + min
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// ubuntuRelease puts an Ubuntu release in OSV's form: "YY.MM", with ":LTS"
// after long-term-support releases and "Pro:" before Ubuntu Pro (ESM)
// streams. Codenames ("jammy") become numbers.
func ubuntuRelease(rel string) string {
	pro := false
	r := rel
	if p, rest, ok := strings.Cut(r, ":"); ok && strings.EqualFold(p, "Pro") {
		pro, r = true, rest
	}
	r, _, _ = strings.Cut(r, ":") // drop an ":LTS" already there; it is recomputed
	r = strings.TrimSpace(r)
	if num, ok := ubuntuCodenames[strings.ToLower(r)]; ok {
		r = num
	}
	// A point release ("22.04.3") is the same release stream.
	if parts := strings.SplitN(r, ".", 3); len(parts) == 3 {
		r = parts[0] + "." + parts[1]
	}
	if isUbuntuLTS(r) {
		r += ":LTS"
	}
	if pro {
		r = "Pro:" + r
	}
	return r
}

// isUbuntuLTS reports whether "YY.MM" is a long-term-support release:
// since 6.06 every April release of an even year has been one.
func isUbuntuLTS(r string) bool {
	yy, mm, ok := strings.Cut(r, ".")
	if !ok || mm != "04" || len(yy) != 2 || yy[0] < '0' || yy[0] > '9' || yy[1] < '0' || yy[1] > '9' {
		return false
	}
	return (yy[1]-'0')%2 == 0
}
