package trust

import (
	"io"
	"strings"
)

// ParseSBState reads `mokutil --sb-state` output. mokutil prints (see its
// source, mokutil.c) "SecureBoot enabled" or "SecureBoot disabled", then
// "SecureBoot validation is disabled in shim" when shim's MokSBState is
// set and "Platform is in Setup Mode" when no platform key is enrolled;
// on hosts without UEFI it prints "This system doesn't support Secure
// Boot" or "EFI variables are not supported on this system". Terminal
// colour codes, which mokutil adds on some versions, are ignored.
func ParseSBState(file string, r io.Reader) (SecureBoot, error) {
	state, seen := SBUnknown, false
	err := eachLine(file, r, func(n int, line string) error {
		t := strings.TrimSpace(stripANSI(line))
		switch {
		case t == "":
			return nil
		case t == "SecureBoot enabled":
			if state == SBUnknown {
				state = SBEnabled
			}
		case t == "SecureBoot disabled":
			if state == SBUnknown || state == SBEnabled {
				state = SBDisabled
			}
		case t == "SecureBoot validation is disabled in shim":
			state = SBShimOff
		case t == "Platform is in Setup Mode":
			state = SBSetupMode
		case strings.Contains(t, "doesn't support Secure Boot"), strings.Contains(t, "EFI variables are not supported"):
			state = SBUnsupported
		case t == "Cannot determine secure boot state.":
			state = SBUnknown
		default:
			return errorf(file, n, "", "not a mokutil --sb-state line: %q", short(t))
		}
		seen = true
		return nil
	})
	if err == nil && !seen {
		err = errorf(file, 0, "", "empty mokutil --sb-state output")
	}
	return state, err
}

// stripANSI removes terminal colour sequences ("\x1b[32m").
func stripANSI(s string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+j+1:]
	}
}
