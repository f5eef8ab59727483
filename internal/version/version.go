package version

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"github.com/vmc-dev/vmc/internal/ecosystem"
)

var (
	// ErrInvalid marks a version string its ecosystem's grammar rejects.
	ErrInvalid = errors.New("invalid version")
	// ErrUnsupported marks an ecosystem with no version ordering in vmc.
	ErrUnsupported = errors.New("no version ordering")
	// ErrSchemeMismatch marks a comparison of versions of two schemes.
	ErrSchemeMismatch = errors.New("versions of different schemes")
)

// maxLen bounds the versions vmc parses. Orderings allocate per component
// (semantic keeps numbers as big.Int), and no ecosystem publishes versions
// anywhere near this long; asset.Component caps its versions at 256 bytes.
const maxLen = 1024

// Error is a version its ecosystem rejects. It wraps ErrInvalid.
type Error struct {
	// Ecosystem is the ecosystem (or, for a scheme parsed directly, the
	// scheme) the version was read in.
	Ecosystem string
	Version   string
	// Reason says what is wrong, in words; it may be empty.
	Reason string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: invalid version %q", e.Ecosystem, e.Version)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

func (e *Error) Unwrap() error { return ErrInvalid }

// Scheme is a version ordering that one or more ecosystems share.
type Scheme string

// The schemes. Each says which spec or tool defines it.
const (
	// SemVer is Semantic Versioning 2.0.0 (https://semver.org), read the way
	// osv.dev reads it: a leading "v" and missing minor or patch numbers
	// are allowed, and leading zeros are dropped ("v1.02" is 1.2.0). npm,
	// crates.io, Go, Hex, SwiftURL and Bitnami use it, and so does every
	// OSV range of type SEMVER.
	SemVer Scheme = "SemVer"
	// PEP440 is Python's version scheme (https://peps.python.org/pep-0440/).
	// Legacy (pre-PEP 440) versions are rejected, as pip does since 22.
	PEP440 Scheme = "PEP 440"
	// Maven is Maven's ComparableVersion order, which accepts any string.
	Maven Scheme = "Maven"
	// NuGet is NuGet's SemVer 2.0 with up to four numeric parts and
	// case-insensitive labels.
	NuGet Scheme = "NuGet"
	// RubyGems is Gem::Version.
	RubyGems Scheme = "RubyGems"
	// Composer is PHP's version_compare after Composer's "v" stripping,
	// which accepts any string ("dev-main" included).
	Composer Scheme = "Composer"
	// Pub is Dart's pub_semver: SemVer 2.0 in which build metadata orders
	// too.
	Pub Scheme = "Pub"
	// PVP is Hackage's Package Versioning Policy: dot-separated numbers,
	// compared as lists.
	PVP Scheme = "PVP"
	// CRAN is R's package_version: at least two numbers separated by "."
	// or "-".
	CRAN Scheme = "CRAN"
	// Dpkg is Debian's version order (deb-version(7)).
	Dpkg Scheme = "dpkg"
	// RPM is rpm's EVR order (rpmvercmp).
	RPM Scheme = "rpm"
	// APK is Alpine's apk-tools order.
	APK Scheme = "apk"
)

func (s Scheme) String() string { return string(s) }

// IsValid reports whether s is one of the schemes.
func (s Scheme) IsValid() bool {
	_, ok := schemes[s]
	return ok
}

// schemeImpl is what a scheme does: check a string and build its ordering
// key, and order two keys.
type schemeImpl struct {
	// parse checks s and returns its key, or a reason it is invalid.
	parse func(s string) (key, string)
	// compare orders two keys of this scheme.
	compare func(a, b key) (int, error)
}

// key is a parsed version: semantic's value, plus what a correction needs
// that semantic's value does not keep.
type key struct {
	sem semantic.Version
	// fix is set when the version needs one of the corrections this
	// package makes on top of semantic (see the schemes' files).
	fix bool
	// The parts of a SemVer-like version the corrections work on:
	// major.minor.patch, any further ".N" numbers, the pre-release and
	// the build metadata.
	base, more, pre, build string
}

var schemes = map[Scheme]schemeImpl{
	SemVer:   {parse: parseSemVer, compare: compareSemVer},
	PEP440:   {parse: parsePEP440, compare: compareSemantic},
	Maven:    {parse: parseMaven, compare: compareSemantic},
	NuGet:    {parse: parseNuGet, compare: compareSemantic},
	RubyGems: {parse: parseRubyGems, compare: compareSemantic},
	Composer: {parse: parseComposer, compare: compareSemantic},
	Pub:      {parse: parsePub, compare: comparePub},
	PVP:      {parse: parsePVP, compare: compareSemantic},
	CRAN:     {parse: parseCRAN, compare: compareSemantic},
	Dpkg:     {parse: parseDpkg, compare: compareSemantic},
	RPM:      {parse: parseRPM, compare: compareSemantic},
	APK:      {parse: parseAPK, compare: compareSemantic},
}

// byEcosystem maps OSV ecosystems to their schemes. An ecosystem missing
// here has no ordering in vmc; OSV records for it can still be matched by
// their versions lists (see InVersions).
var byEcosystem = map[ecosystem.Name]Scheme{
	ecosystem.Go:         SemVer,
	ecosystem.NPM:        SemVer,
	ecosystem.CratesIO:   SemVer,
	ecosystem.Hex:        SemVer,
	ecosystem.SwiftURL:   SemVer,
	ecosystem.Bitnami:    SemVer,
	ecosystem.PyPI:       PEP440,
	ecosystem.Maven:      Maven,
	ecosystem.NuGet:      NuGet,
	ecosystem.RubyGems:   RubyGems,
	ecosystem.Packagist:  Composer,
	ecosystem.Pub:        Pub,
	ecosystem.Hackage:    PVP,
	ecosystem.CRAN:       CRAN,
	ecosystem.Debian:     Dpkg,
	ecosystem.Ubuntu:     Dpkg,
	ecosystem.RedHat:     RPM,
	ecosystem.AlmaLinux:  RPM,
	ecosystem.RockyLinux: RPM,
	ecosystem.OpenSUSE:   RPM,
	ecosystem.SUSE:       RPM,
	ecosystem.Mageia:     RPM,
	ecosystem.OpenEuler:  RPM,
	ecosystem.PhotonOS:   RPM,
	ecosystem.Alpine:     APK,
	ecosystem.Wolfi:      APK,
	ecosystem.Chainguard: APK,
}

// SchemeFor returns the scheme of an ecosystem, given as package ecosystem
// reads it ("Debian:12", "pypi", "golang"). "SemVer" names the SemVer
// scheme itself, for versions that claim to be SemVer whatever their
// ecosystem. It also returns the ecosystem in OSV's spelling, for messages.
func SchemeFor(eco string) (Scheme, string, error) {
	if strings.EqualFold(strings.TrimSpace(eco), string(SemVer)) {
		return SemVer, string(SemVer), nil
	}
	id, err := ecosystem.Parse(eco)
	if err != nil {
		return "", "", err
	}
	s, ok := byEcosystem[id.Name]
	if !ok {
		return "", id.String(), fmt.Errorf("%s: %w", id, ErrUnsupported)
	}
	return s, id.String(), nil
}

// Version is a parsed version. The zero Version is not a version.
type Version struct {
	scheme Scheme
	text   string
	key    key
}

// String returns the version as it was given.
func (v Version) String() string { return v.text }

// Scheme returns the ordering v belongs to.
func (v Version) Scheme() Scheme { return v.scheme }

// Compare returns -1, 0 or +1 as v sorts before, the same as or after w.
// Versions of different schemes do not compare (ErrSchemeMismatch).
func (v Version) Compare(w Version) (int, error) {
	if v.scheme != w.scheme || v.scheme == "" {
		return 0, fmt.Errorf("%w: %s %q and %s %q", ErrSchemeMismatch, v.scheme, v.text, w.scheme, w.text)
	}
	c, err := schemes[v.scheme].compare(v.key, w.key)
	if err != nil {
		return 0, fmt.Errorf("%s: compare %q and %q: %w", v.scheme, v.text, w.text, err)
	}
	return c, nil
}

// Parse reads s as a version of the scheme. Errors name the scheme.
func (s Scheme) Parse(v string) (Version, error) {
	return s.parseAs(string(s), v)
}

// Compare orders two versions of the scheme.
func (s Scheme) Compare(a, b string) (int, error) {
	return compareAs(s, string(s), a, b)
}

func (s Scheme) parseAs(name, v string) (Version, error) {
	impl, ok := schemes[s]
	if !ok {
		return Version{}, fmt.Errorf("%w: unknown scheme %q", ErrUnsupported, string(s))
	}
	if why := commonCheck(v); why != "" {
		return Version{}, &Error{Ecosystem: name, Version: v, Reason: why}
	}
	k, why := impl.parse(v)
	if why != "" {
		return Version{}, &Error{Ecosystem: name, Version: v, Reason: why}
	}
	return Version{scheme: s, text: v, key: k}, nil
}

// commonCheck rejects what no scheme accepts: nothing, too much, white
// space and control characters. Callers trim what they read; a control
// character in a version is a sign of broken input. Bytes above ASCII
// pass, since rpm and apk order them (rpm's own tests compare "1.1.α").
func commonCheck(v string) string {
	switch {
	case v == "":
		return "empty"
	case len(v) > maxLen:
		return fmt.Sprintf("longer than %d bytes", maxLen)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c == 0x7f {
			if c == ' ' {
				return "contains a space"
			}
			return fmt.Sprintf("contains byte %#02x", c)
		}
	}
	return ""
}

// Parse reads s as a version of an ecosystem ("PyPI", "Debian:12",
// "golang"). An invalid version is an *Error naming the ecosystem and the
// version ("PyPI: invalid version \"1..2\": ..."); an ecosystem without an
// ordering wraps ErrUnsupported.
func Parse(eco, s string) (Version, error) {
	sch, name, err := SchemeFor(eco)
	if err != nil {
		return Version{}, err
	}
	return sch.parseAs(name, s)
}

// Compare orders two versions of an ecosystem: -1, 0 or +1 as a sorts
// before, the same as or after b.
func Compare(eco, a, b string) (int, error) {
	sch, name, err := SchemeFor(eco)
	if err != nil {
		return 0, err
	}
	return compareAs(sch, name, a, b)
}

func compareAs(s Scheme, name, a, b string) (int, error) {
	va, err := s.parseAs(name, a)
	if err != nil {
		return 0, err
	}
	vb, err := s.parseAs(name, b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb)
}

// compareSemantic is the ordering of schemes semantic gets right as it is.
func compareSemantic(a, b key) (int, error) {
	return a.sem.Compare(b.sem)
}
