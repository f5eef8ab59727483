package ecosystem

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"
)

// ErrPURL marks a package URL that cannot be read or written.
var ErrPURL = errors.New("invalid purl")

// FromPURL returns the OSV ecosystem, the package's name in it and the
// version that a package URL names:
//
//	pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1    → Maven, org.apache.logging.log4j:log4j-core, 2.14.1
//	pkg:npm/%40babel/core@7.0.0                             → npm, @babel/core, 7.0.0
//	pkg:golang/github.com/BurntSushi/toml@v1.3.2            → Go, github.com/BurntSushi/toml, v1.3.2
//	pkg:pypi/Django_REST.framework@3.0                      → PyPI, django-rest-framework, 3.0
//	pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12 → Debian:12, openssl, 3.0.11-1~deb12u2
//	pkg:rpm/almalinux/bash@5.1.8-6.el9?epoch=0&distro=almalinux-9.3 → AlmaLinux:9, bash, 0:5.1.8-6.el9
//	pkg:apk/alpine/musl@1.2.4-r2?distro=3.19.1              → Alpine:v3.19, musl, 1.2.4-r2
//
// Names follow each ecosystem's OSV convention: Maven "group:artifact",
// npm "@scope/name", Go the module path, Packagist "vendor/package",
// PyPI normalised as PEP 503 says (https://peps.python.org/pep-0503/#normalized-names).
// An rpm purl's epoch qualifier is put back in front of the version, where
// OSV's rpm-based ecosystems keep it. A purl type with no OSV ecosystem
// ("generic", "docker", ...) is an error naming the type and wrapping
// ErrUnknown; a malformed purl wraps ErrPURL.
func FromPURL(purl string) (eco, name, version string, err error) {
	p, err := packageurl.FromString(purl)
	if err != nil {
		return "", "", "", fmt.Errorf("%w %q: %v", ErrPURL, purl, err)
	}
	q := p.Qualifiers.Map()
	version = p.Version
	var id ID
	switch p.Type {
	case packageurl.TypeGolang:
		// packageurl-go lowercases golang namespaces and names, but module
		// paths are case-sensitive (github.com/BurntSushi/toml and
		// github.com/burntsushi/toml are different modules to the go
		// command and to OSV), so the path is read again from the string.
		id.Name = Go
		path, perr := rawPURLPath(purl)
		if perr != nil {
			return "", "", "", fmt.Errorf("%w %q: %v", ErrPURL, purl, perr)
		}
		name = path
	case packageurl.TypeNPM:
		id.Name = NPM
		name = p.Name
		if p.Namespace != "" {
			// The scope is the namespace; some tools leave its "@" out.
			name = "@" + strings.TrimPrefix(p.Namespace, "@") + "/" + p.Name
		}
	case packageurl.TypePyPi:
		id.Name, name = PyPI, NormalizePyPIName(p.Name)
	case packageurl.TypeMaven:
		if p.Namespace == "" {
			return "", "", "", fmt.Errorf("%w %q: maven purl has no group (namespace)", ErrPURL, purl)
		}
		// OSV joins group and artifact with ":", which neither may hold.
		if strings.Contains(p.Namespace, ":") || strings.Contains(p.Name, ":") {
			return "", "", "", fmt.Errorf("%w %q: maven group or artifact contains ':'", ErrPURL, purl)
		}
		id.Name, name = Maven, p.Namespace+":"+p.Name
	case packageurl.TypeNuget:
		id.Name, name = NuGet, p.Name
	case packageurl.TypeGem:
		id.Name, name = RubyGems, p.Name
	case packageurl.TypeCargo:
		id.Name, name = CratesIO, p.Name
	case packageurl.TypeComposer:
		id.Name, name = Packagist, joinNS(p.Namespace, p.Name)
	case packageurl.TypePub:
		id.Name, name = Pub, p.Name
	case packageurl.TypeHackage:
		id.Name, name = Hackage, p.Name
	case packageurl.TypeCran:
		id.Name, name = CRAN, p.Name
	case packageurl.TypeHex:
		id.Name, name = Hex, p.Name
	case packageurl.TypeBitnami:
		id.Name, name = Bitnami, p.Name
	case packageurl.TypeDebian, packageurl.TypeApk:
		id, err = distroPURL(p.Type, p.Namespace, q["distro"])
		if err != nil {
			return "", "", "", fmt.Errorf("%s: %w", purl, err)
		}
		name = p.Name
	case packageurl.TypeRPM:
		id, err = rpmPURL(p.Namespace, q["distro"])
		if err != nil {
			return "", "", "", fmt.Errorf("%s: %w", purl, err)
		}
		name = p.Name
		if e := q["epoch"]; e != "" && version != "" && !strings.Contains(version, ":") {
			version = e + ":" + version
		}
	default:
		return "", "", "", fmt.Errorf("%w: purl type %q has no OSV ecosystem (in %q)", ErrUnknown, p.Type, purl)
	}
	return id.String(), name, version, nil
}

// rawPURLPath returns the percent-decoded namespace/name of a purl as
// written, letter case kept: "pkg:golang/github.com/BurntSushi/toml@v1"
// gives "github.com/BurntSushi/toml".
func rawPURLPath(purl string) (string, error) {
	rest := purl[len("pkg:"):]
	rest = strings.TrimLeft(rest, "/")
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	_, rest, _ = strings.Cut(rest, "/") // the type
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[:i]
	}
	var segs []string
	for _, s := range strings.Split(strings.Trim(rest, "/"), "/") {
		if s == "" {
			continue
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "", err
		}
		segs = append(segs, d)
	}
	return strings.Join(segs, "/"), nil
}

func distroPURL(typ, namespace, distro string) (ID, error) {
	ns := strings.ToLower(namespace)
	switch {
	case typ == packageurl.TypeApk && (ns == "wolfi" || ns == "chainguard"):
		// Wolfi and Chainguard are rolling: one ecosystem, no releases.
		return FromDistro(ns, "")
	case distro == "":
		switch {
		case typ == packageurl.TypeApk && (ns == "" || ns == "alpine"):
			return ID{Name: Alpine}, nil
		case typ == packageurl.TypeDebian && ns == "ubuntu":
			return ID{Name: Ubuntu}, nil
		case typ == packageurl.TypeDebian && (ns == "" || ns == "debian"):
			return ID{Name: Debian}, nil
		}
		return ID{}, fmt.Errorf("%w: %s namespace %q", ErrUnknown, typ, namespace)
	}
	return fromDistroSpec(typ, ns, distro)
}

// rpmPURL maps an rpm purl's namespace (the vendor) and distro qualifier
// to an ecosystem. Without a distro the vendor alone decides, without a
// release.
func rpmPURL(namespace, distro string) (ID, error) {
	ns := strings.ToLower(namespace)
	switch ns {
	case "redhat", "rhel", "centos":
		return ID{Name: RedHat}, nil
	case "opensuse":
		if distro == "" {
			return ID{Name: OpenSUSE}, nil
		}
	case "suse":
		if distro == "" {
			return ID{Name: SUSE}, nil
		}
	case "almalinux", "rocky", "openeuler", "mageia", "photon":
		if distro == "" {
			return FromDistro(ns, "")
		}
	default:
		if distro == "" {
			return ID{}, fmt.Errorf("%w: rpm namespace %q", ErrUnknown, namespace)
		}
	}
	return fromDistroSpec(packageurl.TypeRPM, ns, distro)
}

func joinNS(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

var pep503 = regexp.MustCompile(`[-_.]+`)

// NormalizePyPIName normalises a Python distribution name as PEP 503 says:
// lower case, and every run of "-", "_" and "." becomes one "-".
// https://peps.python.org/pep-0503/#normalized-names
func NormalizePyPIName(name string) string {
	return pep503.ReplaceAllString(strings.ToLower(name), "-")
}

// PURL returns the package URL for a package, the inverse of FromPURL:
// PURL("Debian:12", "openssl", "3.0.11-1") is
// "pkg:deb/debian/openssl@3.0.11-1?distro=debian-12". version may be
// empty. What a purl cannot say is dropped: Ubuntu Pro streams become their
// plain release, and Red Hat's product-stream suffix is left out.
func PURL(eco, name, version string) (string, error) {
	id, err := Parse(eco)
	if err != nil {
		return "", err
	}
	if name == "" {
		return "", fmt.Errorf("%w: %s: empty package name", ErrPURL, eco)
	}
	var (
		typ, ns string
		quals   packageurl.Qualifiers
		n       = name
	)
	distro := func(prefix, rel string) {
		if rel != "" {
			quals = append(quals, packageurl.Qualifier{Key: "distro", Value: prefix + "-" + rel})
		}
	}
	switch id.Name {
	case Go:
		typ = packageurl.TypeGolang
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			ns, n = name[:i], name[i+1:]
		}
	case NPM:
		typ = packageurl.TypeNPM
		if strings.HasPrefix(name, "@") {
			s, rest, ok := strings.Cut(name, "/")
			if !ok || rest == "" {
				return "", fmt.Errorf("%w: npm: scoped name %q has no package after the scope", ErrPURL, name)
			}
			ns, n = s, rest
		}
	case PyPI:
		typ, n = packageurl.TypePyPi, NormalizePyPIName(name)
	case Maven:
		typ = packageurl.TypeMaven
		g, a, ok := strings.Cut(name, ":")
		if !ok || g == "" || a == "" {
			return "", fmt.Errorf("%w: Maven: name %q is not group:artifact", ErrPURL, name)
		}
		ns, n = g, a
	case NuGet:
		typ = packageurl.TypeNuget
	case RubyGems:
		typ = packageurl.TypeGem
	case CratesIO:
		typ = packageurl.TypeCargo
	case Packagist:
		typ = packageurl.TypeComposer
		if i := strings.IndexByte(name, '/'); i >= 0 {
			ns, n = name[:i], name[i+1:]
		}
	case Pub:
		typ = packageurl.TypePub
	case Hackage:
		typ = packageurl.TypeHackage
	case CRAN:
		typ = packageurl.TypeCran
	case Hex:
		typ = packageurl.TypeHex
	case Bitnami:
		typ = packageurl.TypeBitnami
	case Debian:
		typ, ns = packageurl.TypeDebian, "debian"
		distro("debian", id.Release)
	case Ubuntu:
		typ, ns = packageurl.TypeDebian, "ubuntu"
		rel := strings.TrimPrefix(id.Release, "Pro:")
		rel, _, _ = strings.Cut(rel, ":")
		distro("ubuntu", rel)
	case Alpine:
		typ, ns = packageurl.TypeApk, "alpine"
		distro("alpine", strings.TrimPrefix(id.Release, "v"))
	case Wolfi, Chainguard:
		typ, ns = packageurl.TypeApk, strings.ToLower(string(id.Name))
	case RedHat:
		typ, ns = packageurl.TypeRPM, "redhat"
	case AlmaLinux:
		typ, ns = packageurl.TypeRPM, "almalinux"
		distro("almalinux", id.Release)
	case RockyLinux:
		typ, ns = packageurl.TypeRPM, "rocky"
		distro("rocky", id.Release)
	case Mageia:
		typ, ns = packageurl.TypeRPM, "mageia"
		distro("mageia", id.Release)
	case PhotonOS:
		typ, ns = packageurl.TypeRPM, "photon"
		distro("photon", id.Release)
	case OpenEuler:
		typ, ns = packageurl.TypeRPM, "openeuler"
		distro("openeuler", id.Release)
	case OpenSUSE:
		typ, ns = packageurl.TypeRPM, "opensuse"
		switch {
		case id.Release == "Tumbleweed":
			quals = append(quals, packageurl.Qualifier{Key: "distro", Value: "opensuse-tumbleweed"})
		case strings.HasPrefix(id.Release, "Leap "):
			distro("opensuse-leap", strings.TrimPrefix(id.Release, "Leap "))
		}
	case SUSE:
		typ, ns = packageurl.TypeRPM, "suse"
		if v := slesVersionID(id.Release); v != "" {
			distro("sles", v)
		}
	default:
		return "", fmt.Errorf("%w: ecosystem %q has no purl type", ErrUnknown, eco)
	}
	if typ == packageurl.TypeRPM {
		// The purl spec keeps an rpm epoch in a qualifier, not the version.
		if e, v, ok := strings.Cut(version, ":"); ok && e != "" && v != "" && !strings.Contains(v, ":") && strings.Trim(e, "0123456789") == "" {
			quals = append(quals, packageurl.Qualifier{Key: "epoch", Value: e})
			version = v
		}
	}
	p := packageurl.NewPackageURL(typ, ns, n, version, quals, "")
	return p.ToString(), nil
}

// slesVersionID is slesRelease backwards: "Linux Enterprise Server 15 SP5"
// gives "15.5"; a product name it does not know gives "".
func slesVersionID(rel string) string {
	r, ok := strings.CutPrefix(rel, "Linux Enterprise Server ")
	if !ok {
		return ""
	}
	maj, sp, ok := strings.Cut(r, " SP")
	if !ok {
		return maj
	}
	return maj + "." + sp
}
