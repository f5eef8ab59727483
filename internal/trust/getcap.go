package trust

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TPMInfo is what `tpm2_getcap properties-fixed` says of a TPM 2.0. The
// output (tpm2-tools 4.0 and later, see tpm2_getcap(1)) is YAML-like: each
// property a line "TPM2_PT_NAME:", followed by an indented "raw: 0x…" and,
// for some, "value: …". vmc reads the raw values, which every version
// prints, and decodes them as TPM 2.0 Part 2 (TPM_PT) defines them.
type TPMInfo struct {
	Family       string // TPM2_PT_FAMILY_INDICATOR: "2.0"
	Revision     string // TPM2_PT_REVISION / 100: "1.38"
	Manufacturer string // TPM2_PT_MANUFACTURER: the TCG vendor id, "NTC"
	Model        string // TPM2_PT_VENDOR_STRING_1..4 joined: "NPCT75x"
	// Firmware is TPM2_PT_FIRMWARE_VERSION_1 and _2 as four 16-bit
	// numbers, "7.2.1.0"; vendors read them differently, and this is the
	// form tools (fwupd, go-attestation) show.
	Firmware string
}

// ParseGetcap reads `tpm2_getcap properties-fixed` output.
func ParseGetcap(file string, r io.Reader) (TPMInfo, error) {
	raw := map[string]uint32{}
	prop, propLine := "", 0
	err := eachLine(file, r, func(n int, line string) error {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			return nil
		case strings.HasPrefix(t, "TPM2_PT_") && strings.HasSuffix(t, ":"):
			prop, propLine = strings.TrimSuffix(t, ":"), n
			if len(prop) > 64 {
				return errorf(file, n, "property", "name longer than 64 bytes")
			}
			return nil
		case strings.HasPrefix(t, "raw:"):
			if prop == "" {
				return errorf(file, n, "raw", "no property before it")
			}
			v, err := parseRaw(strings.TrimSpace(strings.TrimPrefix(t, "raw:")))
			if err != nil {
				return errorf(file, n, prop+".raw", "%v", err)
			}
			raw[prop] = v
			return nil
		case strings.HasPrefix(t, "value:"):
			if prop == "" {
				return errorf(file, n, "value", "no property before it")
			}
			return nil // derived from raw
		}
		return errorf(file, n, "", "not a tpm2_getcap properties-fixed line: %q", short(t))
	})
	if err != nil {
		return TPMInfo{}, err
	}
	fam, ok := raw["TPM2_PT_FAMILY_INDICATOR"]
	if !ok {
		if prop == "" {
			return TPMInfo{}, errorf(file, 0, "", "no TPM2_PT_ properties")
		}
		return TPMInfo{}, errorf(file, propLine, "TPM2_PT_FAMILY_INDICATOR", "missing")
	}
	info := TPMInfo{Family: ascii(fam), Manufacturer: ascii(raw["TPM2_PT_MANUFACTURER"])}
	if rev, ok := raw["TPM2_PT_REVISION"]; ok {
		info.Revision = fmt.Sprintf("%d.%02d", rev/100, rev%100)
	}
	var model strings.Builder
	for i := 1; i <= 4; i++ {
		model.WriteString(ascii(raw[fmt.Sprintf("TPM2_PT_VENDOR_STRING_%d", i)]))
	}
	info.Model = strings.TrimSpace(model.String())
	fw1, ok1 := raw["TPM2_PT_FIRMWARE_VERSION_1"]
	fw2, ok2 := raw["TPM2_PT_FIRMWARE_VERSION_2"]
	if ok1 || ok2 {
		info.Firmware = fmt.Sprintf("%d.%d.%d.%d", fw1>>16, fw1&0xffff, fw2>>16, fw2&0xffff)
	}
	return info, nil
}

// parseRaw reads a raw value: "0x322E3000" or a decimal "0".
func parseRaw(s string) (uint32, error) {
	base, digits := 10, s
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		base, digits = 16, h
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return 0, fmt.Errorf("not a 32-bit number: %q", short(s))
	}
	return uint32(v), nil
}

// ascii is a 32-bit property as the four characters it packs, big-endian
// as TPM 2.0 Part 2 says, without NULs and spaces. A value holding other
// bytes is no text (vendors put build numbers there) and reads as "", as
// tpm2_getcap shows it.
func ascii(v uint32) string {
	b := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	out := make([]byte, 0, 4)
	for _, c := range b {
		switch {
		case c == 0:
		case c >= 0x20 && c < 0x7f:
			out = append(out, c)
		default:
			return ""
		}
	}
	return strings.TrimSpace(string(out))
}

// short quotes at most 80 bytes of s in an error.
func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
