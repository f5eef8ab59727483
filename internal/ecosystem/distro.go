package ecosystem

import (
	"fmt"
	"strings"
)

// FromDistro returns the OSV ecosystem for packages of an installed
// distribution, given the ID and VERSION_ID of its /etc/os-release
// (https://www.freedesktop.org/software/systemd/man/os-release.html):
//
//	debian 12.5         → Debian:12
//	ubuntu 22.04        → Ubuntu:22.04:LTS
//	almalinux 9.3       → AlmaLinux:9
//	rocky 9.3           → Rocky Linux:9
//	rhel 9.3, centos 7  → Red Hat
//	alpine 3.19.1       → Alpine:v3.19
//	opensuse-leap 15.5  → openSUSE:Leap 15.5
//	sles 15.5           → SUSE:Linux Enterprise Server 15 SP5
//
// Red Hat's OSV ecosystems are scoped by product stream CPE
// ("Red Hat:enterprise_linux:9::appstream"), which os-release does not
// tell, so RHEL maps to the bare "Red Hat". CentOS rebuilds RHEL's sources
// and is read against Red Hat's data, as scanners commonly do. A distribution
// with no OSV ecosystem (fedora, amzn, ...) is an error wrapping ErrUnknown.
func FromDistro(id, versionID string) (ID, error) {
	versionID = strings.TrimSpace(versionID)
	switch strings.ToLower(strings.TrimSpace(id)) {
	case "debian":
		return ID{Name: Debian, Release: canonicalRelease(Debian, versionID)}, nil
	case "ubuntu":
		return ID{Name: Ubuntu, Release: canonicalRelease(Ubuntu, versionID)}, nil
	case "rhel", "redhat", "centos":
		return ID{Name: RedHat}, nil
	case "almalinux", "alma":
		return ID{Name: AlmaLinux, Release: major(versionID)}, nil
	case "rocky", "rockylinux":
		return ID{Name: RockyLinux, Release: major(versionID)}, nil
	case "alpine":
		return ID{Name: Alpine, Release: canonicalRelease(Alpine, versionID)}, nil
	case "opensuse-leap":
		if versionID == "" {
			return ID{Name: OpenSUSE}, nil
		}
		return ID{Name: OpenSUSE, Release: "Leap " + versionID}, nil
	case "opensuse-tumbleweed":
		return ID{Name: OpenSUSE, Release: "Tumbleweed"}, nil
	case "opensuse":
		return ID{Name: OpenSUSE, Release: versionID}, nil
	case "sles", "suse":
		return ID{Name: SUSE, Release: slesRelease(versionID)}, nil
	case "wolfi":
		return ID{Name: Wolfi}, nil
	case "chainguard":
		return ID{Name: Chainguard}, nil
	case "openeuler":
		return ID{Name: OpenEuler, Release: versionID}, nil
	case "mageia":
		return ID{Name: Mageia, Release: major(versionID)}, nil
	case "photon":
		return ID{Name: PhotonOS, Release: versionID}, nil
	}
	return ID{}, fmt.Errorf("%w: no OSV ecosystem for distribution %q", ErrUnknown, id)
}

// slesRelease turns SLES's VERSION_ID ("15.5", "15-SP5", "15") into the
// product name OSV's SUSE ecosystem uses.
func slesRelease(v string) string {
	if v == "" {
		return ""
	}
	maj, sp, ok := strings.Cut(v, ".")
	if !ok {
		maj, sp, ok = strings.Cut(v, "-")
		sp = strings.TrimPrefix(strings.ToUpper(sp), "SP")
	}
	if !ok || sp == "" || sp == "0" {
		return "Linux Enterprise Server " + maj
	}
	return "Linux Enterprise Server " + maj + " SP" + sp
}

// fromDistroSpec reads a distribution as SBOM tools write it after a
// package type: in a purl's distro qualifier ("debian-12", "bookworm",
// "alpine-3.19.1", "almalinux-9.3", "el9", "3.19") or after "deb:" in an
// ecosystem string ("ubuntu:22.04"). namespace is the purl namespace
// ("debian", "alpine", "almalinux"), which names the distribution when
// the spec does not.
func fromDistroSpec(pkgType, namespace, spec string) (ID, error) {
	spec = strings.TrimSpace(spec)
	id, ver := splitDistro(spec)
	if id == "" {
		id = namespace
	}
	lid := strings.ToLower(id)
	switch pkgType {
	case "deb":
		if _, ok := debianCodenames[lid]; ok && ver == "" {
			return ID{Name: Debian, Release: debianCodenames[lid]}, nil
		}
		if _, ok := ubuntuCodenames[lid]; ok && ver == "" {
			return ID{Name: Ubuntu, Release: ubuntuRelease(lid)}, nil
		}
		if lid == "" {
			lid = "debian"
		}
		if lid != "debian" && lid != "ubuntu" {
			return ID{}, fmt.Errorf("%w: deb distribution %q", ErrUnknown, spec)
		}
	case "apk":
		// Alpine writes its branches "v3.19" and "edge".
		if ver == "" && (lid == "edge" || len(lid) > 1 && lid[0] == 'v' && lid[1] >= '0' && lid[1] <= '9') {
			ver, lid = lid, strings.ToLower(namespace)
		}
		switch lid {
		case "", "alpine":
			lid = "alpine"
		case "wolfi", "chainguard":
		default:
			return ID{}, fmt.Errorf("%w: apk distribution %q", ErrUnknown, spec)
		}
	case "rpm":
		// "el9" (the RPM dist tag) says the release but not the rebuild.
		if strings.HasPrefix(lid, "el") && len(lid) > 2 && lid[2] >= '0' && lid[2] <= '9' && ver == "" {
			ver, lid = lid[2:], strings.ToLower(namespace)
		}
		if lid == "" {
			return ID{}, fmt.Errorf("%w: rpm distribution %q names no distribution", ErrUnknown, spec)
		}
	}
	return FromDistro(lid, ver)
}

// distroIDs are the os-release IDs FromDistro knows, longest first so
// that "opensuse-leap" is tried before "opensuse".
var distroIDs = []string{
	"opensuse-tumbleweed", "opensuse-leap", "rockylinux", "chainguard", "almalinux", "openeuler",
	"opensuse", "redhat", "debian", "ubuntu", "centos", "alpine", "mageia", "photon", "rocky",
	"wolfi", "alma", "rhel", "sles", "suse",
}

// splitDistro splits "debian-12", "ubuntu:22.04", "opensuse-leap-15.5" or
// "alpine-3.19.1" into a distribution ID and a version. A known ID
// followed by "-" or ":" is split there; a spec that starts with a digit
// is a version alone; otherwise the last "-" followed by a digit splits
// it, and a spec with none is an ID alone ("bookworm").
func splitDistro(spec string) (id, ver string) {
	if spec == "" {
		return "", ""
	}
	if spec[0] >= '0' && spec[0] <= '9' {
		return "", spec
	}
	lower := strings.ToLower(spec)
	for _, known := range distroIDs {
		if lower == known {
			return spec, ""
		}
		if len(lower) > len(known) && strings.HasPrefix(lower, known) && (lower[len(known)] == '-' || lower[len(known)] == ':') {
			return spec[:len(known)], spec[len(known)+1:]
		}
	}
	if i, rest, ok := strings.Cut(spec, ":"); ok {
		return i, rest
	}
	if i := strings.LastIndexByte(spec, '-'); i > 0 && i+1 < len(spec) && spec[i+1] >= '0' && spec[i+1] <= '9' {
		return spec[:i], spec[i+1:]
	}
	return spec, ""
}

// debianCodenames maps Debian release codenames to the numbers OSV's
// Debian ecosystem uses (distro-info-data's debian.csv). sid has no number
// and is kept by name.
var debianCodenames = map[string]string{
	"buzz": "1.1", "rex": "1.2", "bo": "1.3", "hamm": "2", "slink": "2.1", "potato": "2.2",
	"woody": "3", "sarge": "3.1", "etch": "4", "lenny": "5", "squeeze": "6", "wheezy": "7",
	"jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12",
	"trixie": "13", "forky": "14", "duke": "15", "sid": "sid",
}

// ubuntuCodenames maps Ubuntu codenames to release numbers
// (https://wiki.ubuntu.com/Releases).
var ubuntuCodenames = map[string]string{
	"precise": "12.04", "quantal": "12.10", "raring": "13.04", "saucy": "13.10",
	"trusty": "14.04", "utopic": "14.10", "vivid": "15.04", "wily": "15.10",
	"xenial": "16.04", "yakkety": "16.10", "zesty": "17.04", "artful": "17.10",
	"bionic": "18.04", "cosmic": "18.10", "disco": "19.04", "eoan": "19.10",
	"focal": "20.04", "groovy": "20.10", "hirsute": "21.04", "impish": "21.10",
	"jammy": "22.04", "kinetic": "22.10", "lunar": "23.04", "mantic": "23.10",
	"noble": "24.04", "oracular": "24.10", "plucky": "25.04", "questing": "25.10",
	"resolute": "26.04",
}
