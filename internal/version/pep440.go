package version

import (
	"regexp"
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// pep440 is the canonical version grammar of PEP 440's appendix B
// (https://peps.python.org/pep-0440/#appendix-b-parsing-version-strings-with-regular-expressions),
// as the packaging library applies it: case-insensitive, anchored.
var pep440 = regexp.MustCompile(`(?i)^v?` +
	`(?:[0-9]+!)?` + // epoch
	`[0-9]+(?:\.[0-9]+)*` + // release
	`(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?` + // pre-release
	`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?` + // post-release
	`(?:[-_.]?dev[-_.]?[0-9]*)?` + // development release
	`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$`) // local version

// legacyPyPI is what vmc accepts of setuptools' pre-PEP 440 versions:
// anything without an empty part between dots (commonCheck has already
// refused white space and control characters). PyPI has legacy releases
// such as "2013-01-21T20:33:09+0100".
var legacyPyPI = regexp.MustCompile(`^[^.]+(?:\.[^.]+)*$`)

// parsePEP440 accepts PEP 440 versions and, as semantic and osv.dev do,
// legacy ones ("0.1-bulbasaur"), which sort below every PEP 440 version.
// pip and PyPI refuse new legacy versions, but old releases and the
// advisories about them still carry them. setuptools read any string as
// a legacy version; vmc does not take "1..2", "1." or ".1" that way,
// since no release was ever numbered so: such a bound is a typo in an
// advisory, and reporting it beats ordering it below every real version.
func parsePEP440(s string) (key, string) {
	if !pep440.MatchString(s) && !legacyPyPI.MatchString(s) {
		return key{}, "not a PEP 440 version"
	}
	v, err := semantic.ParsePyPIVersion(strings.ToLower(s))
	if err != nil {
		return key{}, err.Error()
	}
	return key{sem: v}, ""
}
