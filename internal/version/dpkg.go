package version

import (
	"strconv"
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// parseDpkg accepts what dpkg accepts. dpkg's parseversion
// (lib/dpkg/parsehelp.c) fails on an empty version, an empty, non-numeric
// or too large epoch, nothing after the epoch's colon and an empty
// revision; characters outside Debian policy's set only draw a warning,
// and dpkg --compare-versions orders such versions all the same, so they
// are accepted here too.
func parseDpkg(s string) (key, string) {
	rest := s
	if e, r, ok := strings.Cut(s, ":"); ok {
		switch n, err := strconv.ParseUint(e, 10, 31); {
		case e == "":
			return key{}, "epoch is empty"
		case strings.Trim(e, "0123456789") != "":
			return key{}, "epoch is not a number"
		case err != nil || n > 1<<31-1:
			return key{}, "epoch is too big"
		case r == "":
			return key{}, "nothing after the epoch's colon"
		}
		rest = r
	}
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		if i == len(rest)-1 {
			return key{}, "revision is empty"
		}
		rest = rest[:i]
	}
	if rest == "" {
		return key{}, "upstream version is empty"
	}
	v, err := semantic.ParseDebianVersion(s)
	if err != nil {
		return key{}, err.Error()
	}
	return key{sem: v}, ""
}
