package version

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// pubValid is pub_semver's version pattern (lib/src/patterns.dart), read
// after osv.dev's SemVer coercion (see coerceSemVer) and, as in SemVer,
// with further numbers after the patch allowed (see parseSemVer). Groups:
// major.minor.patch, further numbers, pre-release, build.
var pubValid = regexp.MustCompile(`^(\d+\.\d+\.\d+)((?:\.\d+)*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$`)

// parsePub reads a pub_semver Version. semantic orders everything but the
// build metadata and further numbers; see comparePub.
func parsePub(s string) (key, string) {
	m := pubValid.FindStringSubmatch(coerceSemVer(s))
	if m == nil {
		return key{}, "not a pub_semver version"
	}
	k := key{base: m[1], more: m[2], pre: m[3], build: m[4]}
	k.sem = semantic.ParsePubVersion(pubString(k.base, k.pre))
	return k, ""
}

func pubString(base, pre string) string {
	if pre == "" {
		return base
	}
	return base + "-" + pre
}

// comparePub orders pub versions as pub_semver's Version.compareTo does.
// When all else is equal, a version with build metadata sorts after one
// without, and two builds compare part by part, numbers numerically before
// strings. semantic compares builds as whole strings, so it puts
// "1.0.0+build.10" before "1.0.0+build.9"; builds are compared here, after
// semantic has compared the rest with them removed.
func comparePub(a, b key) (int, error) {
	var c int
	var err error
	if a.more == "" && b.more == "" {
		c, err = a.sem.Compare(b.sem)
	} else {
		c, err = semantic.ParsePubVersion(a.base).Compare(semantic.ParsePubVersion(b.base))
		if err == nil && c == 0 {
			c = compareNumbers(a.more, b.more)
		}
		if err == nil && c == 0 {
			c, err = semantic.ParsePubVersion(pubString("0.0.0", a.pre)).Compare(semantic.ParsePubVersion(pubString("0.0.0", b.pre)))
		}
	}
	if err != nil || c != 0 {
		return c, err
	}
	switch {
	case a.build == b.build:
		return 0, nil
	case a.build == "":
		return -1, nil
	case b.build == "":
		return +1, nil
	}
	as, bs := strings.Split(a.build, "."), strings.Split(b.build, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := comparePubPart(as[i], bs[i]); c != 0 {
			return c, nil
		}
	}
	return compareInt(len(as), len(bs)), nil
}

// comparePubPart orders one part of two pub builds. pub_semver splits with
// Dart's int.tryParse, so a part is a number when Dart reads it as one: an
// optional sign, then decimal digits or "0x" and hex digits, within 64
// bits. Numbers sort before strings; strings compare by code unit.
func comparePubPart(a, b string) int {
	an, aok := dartInt(a)
	bn, bok := dartInt(b)
	switch {
	case aok && bok:
		return compareInt64(an, bn)
	case aok:
		return -1
	case bok:
		return +1
	}
	return strings.Compare(a, b)
}

func dartInt(s string) (int64, bool) {
	neg := false
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg, t = t[0] == '-', t[1:]
	}
	base := 10
	if len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		base, t = 16, t[2:]
	}
	if t == "" || t[0] == '+' || t[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseInt(t, base, 64)
	if err != nil {
		// Dart reads "-9223372036854775808" as the smallest int.
		if neg && base == 10 && t == "9223372036854775808" {
			return -1 << 63, true
		}
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return +1
	}
	return 0
}
