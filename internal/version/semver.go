package version

import (
	"regexp"
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

var (
	// semverCoercible is osv.dev's coercion pattern (osv/semver_index.py):
	// a number, then up to two more, then anything.
	semverCoercible = regexp.MustCompile(`^(\d+)(\.\d+)?(\.\d+)?(.*)$`)
	// semverValid is semver.org's grammar (the regular expression it
	// suggests), except that more than three numbers are allowed; see
	// parseSemVer. Groups: major.minor.patch, further numbers, pre-release.
	semverValid = regexp.MustCompile(`^((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*))((?:\.\d+)*)` +
		`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
		`(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$`)
)

// coerceSemVer does what osv.dev does to a SEMVER version before parsing
// it: drop a leading "v", pad a missing minor or patch with 0 and drop
// leading zeros from the first three numbers. Real records rely on it:
// Bitnami ranges name dated releases such as "2023.03.20".
func coerceSemVer(s string) string {
	s = strings.TrimPrefix(s, "v")
	m := semverCoercible.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	return trimZeros(m[1]) + "." + trimZeros(m[2]) + "." + trimZeros(m[3]) + m[4]
}

// trimZeros returns a number ("007" or ".007") without its dot and
// leading zeros; "" is 0.
func trimZeros(n string) string {
	n = strings.TrimLeft(strings.TrimPrefix(n, "."), "0")
	if n == "" {
		return "0"
	}
	return n
}

// parseSemVer reads a SemVer 2.0 version, coerced as osv.dev does.
//
// Two cases are ordered here rather than by semantic:
//
//   - More than three numbers ("1.1.3.4.5", which osv-scalibr's vectors
//     contain). SemVer has no such versions; semantic appends the extra
//     numbers to the pre-release, which would put 1.2.3.4 before 1.2.3.
//     vmc orders them as NuGet and Maven do, number by number after the
//     patch, so 1.2.3 < 1.2.3.4 < 1.2.4.
//   - A pre-release identifier starting with "-" ("1.0.0-x.-1"). semantic
//     reads identifiers with big.Int.SetString, which takes a sign, so
//     "-1" becomes the number -1 and sorts below 0, where SemVer (for which
//     it is alphanumeric, having a hyphen) puts it above every number.
func parseSemVer(s string) (key, string) {
	c := coerceSemVer(s)
	m := semverValid.FindStringSubmatch(c)
	if m == nil {
		return key{}, "not SemVer 2.0"
	}
	k := key{sem: semantic.ParseSemverVersion(c), base: m[1], more: m[2], pre: m[3]}
	k.fix = k.more != "" || strings.HasPrefix(k.pre, "-") || strings.Contains(k.pre, ".-")
	return k, ""
}

func compareSemVer(a, b key) (int, error) {
	if !a.fix && !b.fix {
		return a.sem.Compare(b.sem)
	}
	// semantic still orders major.minor.patch; the rest is ordered here.
	c, err := semantic.ParseSemverVersion(a.base).Compare(semantic.ParseSemverVersion(b.base))
	if err != nil || c != 0 {
		return c, err
	}
	if c := compareNumbers(a.more, b.more); c != 0 {
		return c, nil
	}
	return comparePrerelease(a.pre, b.pre), nil
}

// compareNumbers orders two runs of ".N" numbers, the shorter padded with
// zeros.
func compareNumbers(a, b string) int {
	as := strings.Split(strings.TrimPrefix(a, "."), ".")
	bs := strings.Split(strings.TrimPrefix(b, "."), ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		x, y := "0", "0"
		if i < len(as) {
			x = trimZeros(as[i])
		}
		if i < len(bs) {
			y = trimZeros(bs[i])
		}
		if c := compareInt(len(x), len(y)); c != 0 {
			return c
		}
		if c := strings.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// comparePrerelease orders two SemVer pre-release strings as semver.org
// section 11 says; "" is no pre-release and sorts last.
func comparePrerelease(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return +1
	case b == "":
		return -1
	}
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := compareIdentifier(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return compareInt(len(as), len(bs))
}

// compareIdentifier orders pre-release identifiers: numbers numerically
// (the grammar forbids leading zeros, so length then text is numeric
// order), numbers before alphanumerics, alphanumerics in ASCII order.
func compareIdentifier(a, b string) int {
	an, bn := isDigits(a), isDigits(b)
	switch {
	case an && bn:
		if c := compareInt(len(a), len(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	case an:
		return -1
	case bn:
		return +1
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func compareInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return +1
	}
	return 0
}
