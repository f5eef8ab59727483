package version

import (
	"path/filepath"
	"regexp"
	"testing"
)

// fuzzCompare checks an ordering's laws on any three strings: Parse never
// panics and keeps the text; what parses compares without error;
// Compare(a, a) is 0; Compare(a, b) is -Compare(b, a); and the order is
// transitive. The corpus is seeded from the fixtures of the scheme
// (testdata and ../shared/data/versions).
//
// Transitivity is checked only on versions wellFormed matches, when it is
// given. Maven's ComparableVersion, PHP's version_compare and apk order
// any string, and they are not transitive on all of them: PHP's special
// "#" form; apk comparing a malformed version as text with another
// malformed one but by parts with a well-formed one ("A" < "-r0" < "1A"
// < "A"); Maven's "." and "-" items ("1" > "1-alpha" > "1.a" > "1", as
// ComparableVersion's ListItem and StringItem rules have it). semantic
// reproduces the tools there, and so does vmc.
func fuzzCompare(f *testing.F, s Scheme, prefix string, wellFormed *regexp.Regexp) {
	seeds := []string{"0", "1.0.0", "v1", "1..2", "1:2-3", "1.0.0-rc.1+b", "-", "~", "^"}
	for _, dir := range []string{"testdata", filepath.Join("..", "..", "..", "shared", "data", "versions")} {
		cs, err := parseFixture(filepath.Join(dir, prefix+"-versions.txt"))
		if err != nil {
			continue // no such fixture here
		}
		for _, c := range cs {
			seeds = append(seeds, c.a, c.b)
		}
	}
	for i := 0; i+2 < len(seeds); i += 2 {
		f.Add(seeds[i], seeds[i+1], seeds[i+2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		va, errA := s.Parse(a)
		vb, errB := s.Parse(b)
		vc, errC := s.Parse(c)
		if errA != nil || errB != nil || errC != nil {
			return
		}
		if va.String() != a {
			t.Fatalf("Parse(%q).String() = %q", a, va.String())
		}
		cmp := func(x, y Version) int {
			r, err := x.Compare(y)
			if err != nil {
				t.Fatalf("Compare(%q, %q): %v", x, y, err)
			}
			return r
		}
		if r := cmp(va, va); r != 0 {
			t.Fatalf("Compare(%q, %q) = %d; want 0", a, a, r)
		}
		ab, ba := cmp(va, vb), cmp(vb, va)
		if ab != -ba {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		bc, ac := cmp(vb, vc), cmp(va, vc)
		if wellFormed != nil && !(wellFormed.MatchString(a) && wellFormed.MatchString(b) && wellFormed.MatchString(c)) {
			return
		}
		if ab <= 0 && bc <= 0 && ac > 0 || ab >= 0 && bc >= 0 && ac < 0 {
			t.Fatalf("not transitive: %q vs %q = %d, %q vs %q = %d, %q vs %q = %d", a, b, ab, b, c, bc, a, c, ac)
		}
	})
}

var (
	// wellFormedMaven is numbers between dots, then "-" qualifiers, as
	// Maven's versioning guide writes versions (1.2.3-beta-2).
	wellFormedMaven = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*(?:-[A-Za-z]*[0-9]*)*$`)
	// wellFormedComposer is what Composer's VersionParser normalises.
	wellFormedComposer = regexp.MustCompile(`^v?[0-9]+(?:\.[0-9]+){0,3}(?:[.-]?(?:dev|alpha|a|beta|b|RC|rc|patch|pl|p)(?:[.-]?[0-9]+)*)?$`)
	// wellFormedAPK is apk-tools' version grammar (apk_version_validate).
	wellFormedAPK = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(?:~[0-9a-f]+)?(?:-r[0-9]+)?$`)
)

func FuzzCompareSemVer(f *testing.F)   { fuzzCompare(f, SemVer, "semver", nil) }
func FuzzComparePEP440(f *testing.F)   { fuzzCompare(f, PEP440, "pypi", nil) }
func FuzzCompareMaven(f *testing.F)    { fuzzCompare(f, Maven, "maven", wellFormedMaven) }
func FuzzCompareNuGet(f *testing.F)    { fuzzCompare(f, NuGet, "nuget", nil) }
func FuzzCompareRubyGems(f *testing.F) { fuzzCompare(f, RubyGems, "rubygems", nil) }
func FuzzCompareComposer(f *testing.F) { fuzzCompare(f, Composer, "packagist", wellFormedComposer) }
func FuzzComparePub(f *testing.F)      { fuzzCompare(f, Pub, "pub", nil) }
func FuzzComparePVP(f *testing.F)      { fuzzCompare(f, PVP, "hackage", nil) }
func FuzzCompareCRAN(f *testing.F)     { fuzzCompare(f, CRAN, "cran", nil) }
func FuzzCompareDpkg(f *testing.F)     { fuzzCompare(f, Dpkg, "debian", nil) }
func FuzzCompareRPM(f *testing.F)      { fuzzCompare(f, RPM, "redhat", nil) }
func FuzzCompareAPK(f *testing.F)      { fuzzCompare(f, APK, "alpine", wellFormedAPK) }

// FuzzAffects checks that evaluating any two-event range never panics and
// never changes the caller's events.
func FuzzAffects(f *testing.F) {
	f.Add("npm", "SEMVER", "0", "1.0.2", "1.0.1")
	f.Add("PyPI", "ECOSYSTEM", "1.0", "2.0", "1.5")
	f.Add("Debian:12", "ECOSYSTEM", "0", "1:1.0-1", "2.0-1")
	f.Add("AlmaLinux:8", "ECOSYSTEM", "0", "1:0.2.7-12.el8", "0.2.7-11.el8")
	f.Add("Bitnami", "SEMVER", "5.16.0", "5.16.0", "5.16.0")
	f.Fuzz(func(t *testing.T, eco, typ, in, out, v string) {
		events := []Event{{Introduced: in}, {Fixed: out}, {LastAffected: out}, {Limit: in}}
		rng := Range{Type: typ, Events: events[:2]}
		_, _ = Affects(rng, eco, v)
		rng.Events = []Event{events[2], events[0], events[3]}
		_, _ = Affects(rng, eco, v)
		if rng.Events[0] != events[2] || rng.Events[1] != events[0] {
			t.Fatalf("Affects changed the caller's events")
		}
	})
}
