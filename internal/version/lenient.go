package version

import (
	"regexp"

	"github.com/google/osv-scalibr/semantic"
)

// Maven, Composer and apk order any string: Maven's ComparableVersion and
// PHP's version_compare have no notion of an invalid version, and
// apk-tools compares versions it would not build ("1-r-0" is in apk's own
// tests). For them only commonCheck applies.

func parseMaven(s string) (key, string) {
	return key{sem: semantic.ParseMavenVersion(s)}, ""
}

func parseComposer(s string) (key, string) {
	return key{sem: semantic.ParsePackagistVersion(s)}, ""
}

func parseAPK(s string) (key, string) {
	v, err := semantic.ParseAlpineVersion(s)
	if err != nil {
		return key{}, err.Error()
	}
	return key{sem: v}, ""
}

var (
	// nugetValid is NuGetVersion's grammar (NuGet.Versioning): one to four
	// numbers (leading zeros allowed, as NuGet keeps legacy versions),
	// then SemVer 2.0 labels and metadata.
	nugetValid = regexp.MustCompile(`^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$`)
	// pvpValid is Data.Version's showVersion form without tags, which
	// Hackage requires (https://pvp.haskell.org/).
	pvpValid = regexp.MustCompile(`^\d+(?:\.\d+)*$`)
	// cranValid is R's valid_numeric_version for package_version
	// (base/R/version.R): at least two numbers, "." or "-" between.
	cranValid = regexp.MustCompile(`^\d+(?:[.-]\d+)+$`)
)

func parseNuGet(s string) (key, string) {
	if !nugetValid.MatchString(s) {
		return key{}, "not a NuGet version"
	}
	return key{sem: semantic.ParseNuGetVersion(s)}, ""
}

func parsePVP(s string) (key, string) {
	if !pvpValid.MatchString(s) {
		return key{}, "not numbers separated by dots"
	}
	v, err := semantic.ParseHackageVersion(s)
	if err != nil {
		return key{}, err.Error()
	}
	return key{sem: v}, ""
}

func parseCRAN(s string) (key, string) {
	if !cranValid.MatchString(s) {
		return key{}, "not two or more numbers separated by '.' or '-'"
	}
	v, err := semantic.ParseCRANVersion(s)
	if err != nil {
		return key{}, err.Error()
	}
	return key{sem: v}, ""
}
