package version

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureEcosystems maps the prefix of a *-versions.txt file to the
// ecosystems whose order it describes. The names are osv-scalibr's.
var fixtureEcosystems = map[string][]string{
	"alpine":    {"Alpine:v3.19", "Wolfi"},
	"cran":      {"CRAN"},
	"debian":    {"Debian:12", "Ubuntu:22.04:LTS"},
	"hackage":   {"Hackage"},
	"maven":     {"Maven"},
	"nuget":     {"NuGet"},
	"packagist": {"Packagist"},
	"pub":       {"Pub"},
	"pypi":      {"PyPI"},
	"redhat":    {"Red Hat", "AlmaLinux:9", "Rocky Linux:9", "openSUSE:Leap 15.5", "SUSE"},
	"rubygems":  {"RubyGems"},
	"semver":    {"SemVer", "npm", "crates.io", "Go", "Bitnami"},
}

// comparison is one "a < b" line of a fixture.
type comparison struct {
	line int
	a, b string
	want int
}

// readFixture reads a file of "a OP b" lines (OP one of < = >); blank
// lines and lines starting with "#" or "//" are comments.
func readFixture(t *testing.T, path string) []comparison {
	t.Helper()
	cs, err := parseFixture(path)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func parseFixture(path string) ([]comparison, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []comparison
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want \"a OP b\", got %q", path, n, line)
		}
		want, ok := map[string]int{"<": -1, "=": 0, ">": +1}[f[1]]
		if !ok {
			return nil, fmt.Errorf("%s:%d: unknown operator %q", path, n, f[1])
		}
		out = append(out, comparison{line: n, a: f[0], b: f[2], want: want})
	}
	return out, sc.Err()
}

var opWord = map[int]string{-1: "<", 0: "=", +1: ">"}

// runFixtures checks every file in dir named *-versions*.txt against
// every ecosystem its prefix names, in both directions, and returns how
// many comparisons each file holds. skip lists lines allowed to fail, by
// "file:line", each with the reason.
func runFixtures(t *testing.T, dir string, skip map[string]string) map[string]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*-versions*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("%s: no *-versions*.txt files", dir)
	}
	counts := map[string]int{}
	for _, path := range files {
		base := filepath.Base(path)
		ecos, ok := fixtureEcosystems[strings.SplitN(base, "-", 2)[0]]
		if !ok {
			t.Errorf("%s: no ecosystem for this file", path)
			continue
		}
		cs := readFixture(t, path)
		counts[base] = len(cs)
		for _, eco := range ecos {
			failed := 0
			for _, c := range cs {
				where := fmt.Sprintf("%s:%d", base, c.line)
				if _, ok := skip[where]; ok {
					continue
				}
				if err := checkComparison(eco, c); err != nil {
					failed++
					if failed <= 20 {
						t.Errorf("%s: %s: %v", where, eco, err)
					}
				}
			}
			if failed > 0 {
				t.Errorf("%s: %s: %d of %d comparisons failed", base, eco, failed, len(cs))
			}
		}
	}
	return counts
}

func checkComparison(eco string, c comparison) error {
	got, err := Compare(eco, c.a, c.b)
	if err != nil {
		return err
	}
	back, err := Compare(eco, c.b, c.a)
	if err != nil {
		return err
	}
	if got != c.want || back != -c.want {
		return fmt.Errorf("%s %s %s: got %s, and %s reversed", c.a, opWord[c.want], c.b, opWord[got], opWord[back])
	}
	return nil
}

// TestFixtures runs this package's own vectors: testdata/*-versions.txt,
// each line checked against the ecosystem's real tool (see each file's
// header).
func TestFixtures(t *testing.T) {
	for f, n := range runFixtures(t, "testdata", nil) {
		t.Logf("%s: %d comparisons", f, n)
	}
}

// TestSharedFixtures runs ../shared/data/versions, which must pass whole.
func TestSharedFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "versions")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not found: %v", err)
	}
	total := 0
	for f, n := range runFixtures(t, dir, nil) {
		t.Logf("%s: %d comparisons", f, n)
		total += n
	}
	t.Logf("%d comparisons in all", total)
}

// TestScalibrFixtures runs osv-scalibr's own vectors, including the large
// *-versions-generated.txt files, from the module cache when the module
// has been downloaded there (it is whenever this package builds, unless
// vendored).
func TestScalibrFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/google/osv-scalibr").Output()
	dir := filepath.Join(strings.TrimSpace(string(out)), "semantic", "testdata")
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Skipf("osv-scalibr not in the module cache: %v", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("osv-scalibr testdata not found: %v", err)
	}
	total := 0
	for f, n := range runFixtures(t, dir, scalibrKnown) {
		t.Logf("%s: %d comparisons", f, n)
		total += n
	}
	t.Logf("%d comparisons in all", total)
}

// scalibrKnown lists the lines of osv-scalibr's vectors on which vmc
// disagrees with osv-scalibr on purpose, by file:line, with the reason.
var scalibrKnown = map[string]string{}

// TestInvalid checks that versions an ecosystem's tools reject are errors
// naming the ecosystem and the version.
func TestInvalid(t *testing.T) {
	tests := []struct {
		eco, v, msg string
	}{
		{"PyPI", "1..2", `PyPI: invalid version "1..2": not a PEP 440 version`},
		{"pypi", "1.", `PyPI: invalid version "1.": not a PEP 440 version`},
		{"npm", "1.2.3-a..b", `npm: invalid version "1.2.3-a..b": not SemVer 2.0`},
		{"Go", "x", `Go: invalid version "x": not SemVer 2.0`},
		{"SemVer", "1.0.0-", `SemVer: invalid version "1.0.0-": not SemVer 2.0`},
		{"crates.io", "1.0.0-01", `crates.io: invalid version "1.0.0-01": not SemVer 2.0`},
		{"Debian:12", "1:", `Debian:12: invalid version "1:": nothing after the epoch's colon`},
		{"Debian", "a:1.0", `Debian: invalid version "a:1.0": epoch is not a number`},
		{"Debian", ":1.0", `Debian: invalid version ":1.0": epoch is empty`},
		{"Debian", "99999999999:1.0", `Debian: invalid version "99999999999:1.0": epoch is too big`},
		{"Debian", "1.0-", `Debian: invalid version "1.0-": revision is empty`},
		{"Ubuntu:22.04:LTS", "1.0 1", `Ubuntu:22.04:LTS: invalid version "1.0 1": contains a space`},
		{"AlmaLinux:9", "1.0-1-2", `AlmaLinux:9: invalid version "1.0-1-2": more than one '-' (version and release contain none)`},
		{"Red Hat", "1:1.0-1-2", `Red Hat: invalid version "1:1.0-1-2": more than one '-' (version and release contain none)`},
		{"NuGet", "1.0.0.0.0", `NuGet: invalid version "1.0.0.0.0": not a NuGet version`},
		{"RubyGems", "1.0 beta", `RubyGems: invalid version "1.0 beta": contains a space`},
		{"RubyGems", "a1", `RubyGems: invalid version "a1": not a Gem::Version`},
		{"RubyGems", "1..2", `RubyGems: invalid version "1..2": not a Gem::Version`},
		{"Pub", "1.0.0-", `Pub: invalid version "1.0.0-": not a pub_semver version`},
		{"Hackage", "1.0-rc1", `Hackage: invalid version "1.0-rc1": not numbers separated by dots`},
		{"CRAN", "1", `CRAN: invalid version "1": not two or more numbers separated by '.' or '-'`},
		{"Maven", "", `Maven: invalid version "": empty`},
		{"Alpine:v3.19", "1.0\x00", `Alpine:v3.19: invalid version "1.0\x00": contains byte 0x00`},
		{"Packagist", strings.Repeat("1", 1025), `Packagist: invalid version "` + strings.Repeat("1", 1025) + `": longer than 1024 bytes`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.eco, tt.v)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) || err.Error() != tt.msg {
			t.Errorf("Parse(%q, %q) error = %v; want %q", tt.eco, tt.v, err, tt.msg)
		}
	}
}

func TestUnsupported(t *testing.T) {
	for _, eco := range []string{"GitHub Actions", "Linux", "OSS-Fuzz"} {
		if _, err := Parse(eco, "1.0"); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Parse(%q) error = %v; want ErrUnsupported", eco, err)
		}
	}
	if _, err := Parse("cobol", "1.0"); err == nil || err.Error() != `unknown ecosystem "cobol"` {
		t.Errorf("Parse(cobol) error = %v", err)
	}
}

func TestSchemeMismatch(t *testing.T) {
	a, _ := Parse("npm", "1.0.0")
	b, _ := Parse("PyPI", "1.0.0")
	if _, err := a.Compare(b); !errors.Is(err, ErrSchemeMismatch) {
		t.Errorf("Compare across schemes: %v; want ErrSchemeMismatch", err)
	}
	if _, err := (Version{}).Compare(Version{}); !errors.Is(err, ErrSchemeMismatch) {
		t.Errorf("Compare of zero Versions: %v; want ErrSchemeMismatch", err)
	}
}

func TestSchemeFor(t *testing.T) {
	tests := []struct {
		eco    string
		scheme Scheme
		name   string
	}{
		{"Go", SemVer, "Go"},
		{"golang", SemVer, "Go"},
		{"npm", SemVer, "npm"},
		{"crates.io", SemVer, "crates.io"},
		{"Bitnami", SemVer, "Bitnami"},
		{"semver", SemVer, "SemVer"},
		{"PyPI", PEP440, "PyPI"},
		{"Maven", Maven, "Maven"},
		{"NuGet", NuGet, "NuGet"},
		{"RubyGems", RubyGems, "RubyGems"},
		{"Packagist", Composer, "Packagist"},
		{"Pub", Pub, "Pub"},
		{"Hackage", PVP, "Hackage"},
		{"CRAN", CRAN, "CRAN"},
		{"Debian:12", Dpkg, "Debian:12"},
		{"Ubuntu:22.04:LTS", Dpkg, "Ubuntu:22.04:LTS"},
		{"Red Hat", RPM, "Red Hat"},
		{"AlmaLinux:9", RPM, "AlmaLinux:9"},
		{"Rocky Linux:9", RPM, "Rocky Linux:9"},
		{"openSUSE:Leap 15.5", RPM, "openSUSE:Leap 15.5"},
		{"SUSE:Linux Enterprise Server 15 SP5", RPM, "SUSE:Linux Enterprise Server 15 SP5"},
		{"Alpine:v3.19", APK, "Alpine:v3.19"},
		{"Wolfi", APK, "Wolfi"},
	}
	for _, tt := range tests {
		s, name, err := SchemeFor(tt.eco)
		if err != nil || s != tt.scheme || name != tt.name {
			t.Errorf("SchemeFor(%q) = %q, %q, %v; want %q, %q", tt.eco, s, name, err, tt.scheme, tt.name)
		}
		if !s.IsValid() {
			t.Errorf("%q.IsValid() = false", s)
		}
	}
}
