package inventory

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/ecosystem"
)

// Ident is a package as OSV names it: the ecosystem, the name within it
// and the version, as the matcher compares them.
type Ident struct {
	Ecosystem string
	Name      string
	Version   string
}

// ErrUnknownEcosystem marks a purl whose type (or distribution) has no OSV
// ecosystem vmc knows. The component is still kept: it has a purl and maybe
// CPEs to match by.
var ErrUnknownEcosystem = errors.New("no OSV ecosystem")

// FromPURL maps a package URL to OSV's terms. It returns the name and
// version even when the ecosystem is unknown (with ErrUnknownEcosystem), so
// that the component can be shown and matched by CPE.
//
// Language ecosystems are ecosystem.FromPURL's; Go versions lose their "v"
// as OSV's Go records write them. Distribution packages are mapped here,
// because an SBOM's purl names the binary package and carries the source
// package in Syft's "upstream" qualifier, and OSV names source packages.
func FromPURL(s string) (Ident, error) {
	p, err := packageurl.FromString(s)
	if err != nil {
		return Ident{}, fmt.Errorf("invalid purl %q: %w", s, err)
	}
	switch p.Type {
	case packageurl.TypeDebian, packageurl.TypeApk, packageurl.TypeRPM:
		return osPURL(p, p.Qualifiers.Map())
	}
	eco, name, version, err := ecosystem.FromPURL(s)
	if err != nil {
		id := Ident{Name: p.Name, Version: p.Version}
		if p.Namespace != "" {
			id.Name = p.Namespace + "/" + p.Name
		}
		if errors.Is(err, ecosystem.ErrUnknown) {
			return id, fmt.Errorf("%w for purl type %q", ErrUnknownEcosystem, p.Type)
		}
		return id, err
	}
	if eco == string(ecosystem.Go) {
		version = GoVersion(version)
	}
	return Ident{Ecosystem: eco, Name: name, Version: version}, nil
}

// osPURL maps distribution packages. OSV scopes them to a release, which
// a purl carries, if at all, in qualifiers: distro ("debian-12",
// "alpine-3.19.1", "almalinux-9.3"), and, as Syft writes them, upstream
// (the source package, "glibc" or "glibc@2.36-9", or an RPM's source file
// name) and epoch (RPM).
func osPURL(p packageurl.PackageURL, q map[string]string) (Ident, error) {
	id := Ident{Name: p.Name, Version: p.Version}
	if e := q["epoch"]; e != "" && e != "0" && !strings.Contains(id.Version, ":") {
		id.Version = e + ":" + id.Version
	}
	// Debian's and Alpine's advisories name source packages, which Syft's
	// upstream qualifier gives. RPM distributions' (AlmaLinux, Rocky)
	// list every binary package, so an RPM keeps its own name.
	if up := q["upstream"]; up != "" && p.Type != packageurl.TypeRPM {
		if n, v, ok := strings.Cut(up, "@"); ok {
			id.Name, id.Version = n, v
		} else {
			id.Name = up
		}
	}
	if id.Name == "" {
		id.Name = p.Name
	}
	vendor := strings.ToLower(p.Namespace)
	release := q["distro"]
	if i := strings.LastIndexByte(release, '-'); i >= 0 {
		release = release[i+1:]
	}
	var err error
	id.Ecosystem, err = Distro(vendor, release)
	if err != nil {
		return id, fmt.Errorf("purl %s: %w", p.Type, err)
	}
	return id, nil
}

// Distro returns the OSV ecosystem of a distribution (an os-release ID or
// purl namespace such as "debian", "ubuntu", "alpine", "almalinux") at a
// release (a VERSION_ID such as "12", "22.04", "3.19.1", "9.3"). An empty
// release gives the unscoped ecosystem where OSV allows one (Debian,
// AlmaLinux, Rocky Linux, Wolfi, Chainguard) and an error where OSV
// requires the release (Ubuntu, Alpine).
func Distro(vendor, release string) (string, error) {
	major, minor, _ := strings.Cut(release, ".")
	switch vendor {
	case "debian":
		if release == "" {
			return "Debian", nil
		}
		if n, ok := debianCodenames[release]; ok {
			return "Debian:" + n, nil
		}
		if !isDigits(major) {
			return "", fmt.Errorf("%w: Debian release %q is not numeric", ErrUnknownEcosystem, release)
		}
		return "Debian:" + major, nil
	case "ubuntu":
		if release == "" {
			return "", fmt.Errorf("%w: Ubuntu needs a release (22.04, ...)", ErrUnknownEcosystem)
		}
		yy, err := strconv.Atoi(major)
		if err != nil || len(minor) != 2 {
			return "", fmt.Errorf("%w: Ubuntu release %q is not YY.MM", ErrUnknownEcosystem, release)
		}
		eco := "Ubuntu:" + major + "." + minor
		// Ubuntu publishes an LTS every April of an even year, and OSV
		// requires the ":LTS" suffix on those.
		if minor == "04" && yy%2 == 0 {
			eco += ":LTS"
		}
		return eco, nil
	case "alpine":
		minor, _, _ = strings.Cut(minor, ".")
		if !isDigits(major) || !isDigits(minor) {
			return "", fmt.Errorf("%w: Alpine needs a release such as 3.19 (got %q)", ErrUnknownEcosystem, release)
		}
		return "Alpine:v" + major + "." + minor, nil
	case "almalinux", "rocky":
		eco := map[string]string{"almalinux": "AlmaLinux", "rocky": "Rocky Linux"}[vendor]
		if release == "" {
			return eco, nil
		}
		if !isDigits(major) {
			return "", fmt.Errorf("%w: %s release %q is not numeric", ErrUnknownEcosystem, eco, release)
		}
		return eco + ":" + major, nil
	case "wolfi":
		return "Wolfi", nil
	case "chainguard":
		return "Chainguard", nil
	}
	return "", fmt.Errorf("%w for distribution %q", ErrUnknownEcosystem, vendor)
}

// debianCodenames maps the codenames of the Debian releases OSV has data
// for to their numbers, for purls written with distro=bookworm. Testing and
// unstable have no number, and OSV names them by codename.
var debianCodenames = map[string]string{
	"jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11",
	"bookworm": "12", "trixie": "13", "forky": "14", "sid": "sid",
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// GoVersion returns a Go module version as OSV's Go records write it:
// without the "v" of semver tags ("v1.2.3" → "1.2.3") and, for the
// standard library, without "go" ("go1.22.1" → "1.22.1").
func GoVersion(v string) string {
	if strings.HasPrefix(v, "go") {
		return v[2:]
	}
	return strings.TrimPrefix(v, "v")
}

// semverish matches the versions npm, Cargo and Go write in lockfiles:
// semver 2.0 with an optional "v".
var semverish = regexp.MustCompile(`^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// CheckVersion reports a version the matcher cannot compare: one that is
// empty, holds white space or control characters, or, in an ecosystem whose
// versions are semver (npm, crates.io, Go), is not semver, or, in
// Packagist, names a branch. Git commits,
// file paths and tarball URLs in lockfiles end up here.
func CheckVersion(ecosystem, v string) error {
	switch {
	case v == "":
		return errors.New("empty")
	case strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return fmt.Errorf("%q holds white space or control characters", v)
	}
	switch ecosystem {
	case "npm", "crates.io", "Go":
		if !semverish.MatchString(v) {
			return fmt.Errorf("%q is not a %s semver version", v, ecosystem)
		}
	case "Packagist":
		// Composer names a branch checkout "dev-main" or "1.x-dev": a moving
		// target, not a release an advisory can name.
		if strings.HasPrefix(v, "dev-") || strings.HasSuffix(v, "-dev") {
			return fmt.Errorf("%q is a development branch, not a release", v)
		}
	}
	return nil
}

// AddByPURL adds a component an SBOM describes by its own name and
// version and, usually, a purl (c.PURL) and CPEs. The purl decides the
// ecosystem, name and version, since those are what OSV matches and an
// SBOM's free-text name is not (Maven's group:artifact, a scoped npm
// name, a Debian source package). Problems are reported against record,
// with the field names the format uses for its purl and version (purlField,
// versionField):
//   - an invalid purl is dropped, and the component kept if it has CPEs;
//   - a purl of an unknown type keeps the component with no ecosystem;
//   - a version the matcher cannot compare keeps the component.
//
// It returns the component as identified, and whether it was kept.
func (b *Builder) AddByPURL(record, at, purlField, versionField string, c asset.Component) (asset.Component, bool) {
	if c.PURL != "" {
		id, err := FromPURL(c.PURL)
		switch {
		case err == nil:
			c.Ecosystem, c.Name = id.Ecosystem, id.Name
			if id.Version != "" {
				c.Version = id.Version
			}
		case errors.Is(err, ErrUnknownEcosystem):
			b.Report(record, purlField, "%v", err)
			if c.Name == "" {
				c.Name = id.Name
			}
			if c.Version == "" {
				c.Version = id.Version
			}
		default:
			b.Report(record, purlField, "%v", err)
			c.PURL = ""
		}
	}
	if c.Ecosystem != "" && c.Version != "" {
		if err := CheckVersion(c.Ecosystem, c.Version); err != nil {
			b.Report(record, versionField, "%v", err)
		}
	}
	return c, b.Add(record, at, c)
}
