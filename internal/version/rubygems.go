package version

import (
	"regexp"
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// rubygemsValid is Gem::Version::ANCHORED_VERSION_PATTERN
// (rubygems/version.rb), without the surrounding whitespace it tolerates,
// and with letters allowed straight after the first number: "1beta" is
// not a Gem::Version, but osv-scalibr orders it (its vectors say
// 1beta < 1), reading it as gem would read "1.beta".
var rubygemsValid = regexp.MustCompile(`^[0-9]+[0-9a-zA-Z]*(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$`)

// parseRubyGems reads a Gem::Version. Two of gem's steps semantic skips
// are done here, on the string, before semantic sees it (checked against
// gem 3.3 in testdata/rubygems-versions.txt):
//
//   - Gem::Version.new rewrites every "-" as ".pre." ("1.0.0-rc1" is
//     1.0.0.pre.rc1); semantic orders the "-" as a character, which puts
//     "1.0-b" below "1.0.a" where gem puts it above.
//   - gem reads each run of digits as an integer, so "00" is 0 and is
//     dropped with the other trailing zeros before comparing; semantic
//     drops only the string "0", so "0.00.b" and "0.b" differ to it. Runs
//     of digits lose their leading zeros here.
func parseRubyGems(s string) (key, string) {
	if !rubygemsValid.MatchString(s) {
		return key{}, "not a Gem::Version"
	}
	return key{sem: semantic.ParseRubyGemsVersion(trimDigitRuns(strings.ReplaceAll(s, "-", ".pre.")))}, ""
}

// trimDigitRuns removes leading zeros from every run of digits:
// "1.007.00a" becomes "1.7.0a".
func trimDigitRuns(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		b.WriteString(trimZeros(s[i:j]))
		i = j
	}
	return b.String()
}
