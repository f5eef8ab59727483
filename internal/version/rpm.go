package version

import (
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// parseRPM reads an rpm [epoch:]version[-release]. rpm compares any
// string, and so does this, with one exception: rpmbuild refuses a "-" in
// a version or a release, so a string with two is not an EVR. Refusing it
// also keeps semantic honest, since it splits the release at the first "-"
// where rpm's parseEVR splits at the last. A ":" not after a numeric epoch
// is part of the version, as in rpm ("a:1" has no epoch).
func parseRPM(s string) (key, string) {
	vr := s
	if e, r, ok := strings.Cut(s, ":"); ok && strings.Trim(e, "0123456789") == "" {
		vr = r
	}
	if strings.Count(vr, "-") > 1 {
		return key{}, "more than one '-' (version and release contain none)"
	}
	return key{sem: semantic.ParseRedHatVersion(s)}, ""
}
