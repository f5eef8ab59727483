package trust

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
)

// Root is a host's hardware root of trust.
type Root string

const (
	RootUnknown Root = ""       // nothing in the snapshot says
	RootTPM2    Root = "tpm2"   // TCG TPM 2.0 (tpm2_getcap family "2.0")
	RootTPM12   Root = "tpm1.2" // TCG TPM 1.2: no SHA-256 PCR bank, no SM3
	RootTCM     Root = "tcm"    // 可信密码模块 (GM/T 0012, GB/T 29829): China's root of trust
	RootNone    Root = "none"   // the host has none
)

// SecureBoot is the UEFI Secure Boot state as mokutil --sb-state says it.
type SecureBoot string

const (
	SBUnknown     SecureBoot = ""
	SBEnabled     SecureBoot = "enabled"
	SBDisabled    SecureBoot = "disabled"
	SBShimOff     SecureBoot = "shim-validation-off" // on in firmware, but shim loads anything
	SBSetupMode   SecureBoot = "setup-mode"          // the platform key is not enrolled
	SBUnsupported SecureBoot = "unsupported"         // legacy BIOS or no EFI variables
)

// MeasuredBoot says whether the kernel's measurements are anchored in a
// root of trust, read from IMA's boot_aggregate: the hash of the TPM's
// boot PCRs, or zeros when IMA found no TPM ("TPM-bypass").
type MeasuredBoot string

const (
	MBUnknown  MeasuredBoot = ""
	MBAnchored MeasuredBoot = "anchored" // boot_aggregate from the TPM/TCM's PCRs
	MBBypass   MeasuredBoot = "bypass"   // IMA runs, but without a TPM: zeros
	MBOff      MeasuredBoot = "off"      // the snapshot says IMA is not running
)

var (
	roots        = []Root{RootUnknown, RootTPM2, RootTPM12, RootTCM, RootNone}
	secureBoots  = []SecureBoot{SBUnknown, SBEnabled, SBDisabled, SBShimOff, SBSetupMode, SBUnsupported}
	measuredBoot = []MeasuredBoot{MBUnknown, MBAnchored, MBBypass, MBOff}
)

func (r Root) IsValid() bool         { return slices.Contains(roots, r) }
func (s SecureBoot) IsValid() bool   { return slices.Contains(secureBoots, s) }
func (m MeasuredBoot) IsValid() bool { return slices.Contains(measuredBoot, m) }

func (r Root) String() string         { return string(r) }
func (s SecureBoot) String() string   { return string(s) }
func (m MeasuredBoot) String() string { return string(m) }

func (r *Root) UnmarshalJSON(b []byte) error {
	return unmarshalWord(b, (*string)(r), Root.IsValid, "root")
}
func (s *SecureBoot) UnmarshalJSON(b []byte) error {
	return unmarshalWord(b, (*string)(s), SecureBoot.IsValid, "secure boot state")
}
func (m *MeasuredBoot) UnmarshalJSON(b []byte) error {
	return unmarshalWord(b, (*string)(m), MeasuredBoot.IsValid, "measured boot state")
}

// unmarshalWord reads a closed vocabulary's word, rejecting others.
func unmarshalWord[T ~string](b []byte, dst *string, valid func(T) bool, what string) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if !valid(T(s)) {
		return fmt.Errorf("%w: unknown %s %q", ErrFormat, what, s)
	}
	*dst = s
	return nil
}

// Posture is what vmc knows of one host's trusted computing.
type Posture struct {
	AssetID int64  `json:"asset_id"`
	Asset   string `json:"asset"`
	Root    Root   `json:"root"`
	// RootVersion is the specification the root implements: "2.0 rev 1.38".
	RootVersion string `json:"root_version,omitempty"`
	// Manufacturer is the TCG vendor id ("NTC", "IFX", "NTZ"), Model the
	// vendor strings ("NPCT75x"), Firmware the root's firmware version.
	Manufacturer string       `json:"manufacturer,omitempty"`
	Model        string       `json:"model,omitempty"`
	Firmware     string       `json:"firmware,omitempty"`
	SecureBoot   SecureBoot   `json:"secure_boot"`
	MeasuredBoot MeasuredBoot `json:"measured_boot"`
	// Measurements counts the IMA list's entries when one was imported.
	Measurements int `json:"measurements,omitempty"`
	// OS is the operating system; LegacyOS says it cannot join a chain of
	// trust (no UEFI, no IMA, out of support).
	OS       string `json:"os,omitempty"`
	LegacyOS bool   `json:"legacy_os,omitempty"`
	// Controls are the compensating controls for what the host cannot
	// prove: network isolation, application allow-listing, FIM.
	Controls []string `json:"controls,omitempty"`
	// Components are the firmware, TPM/TCM stack and boot components the
	// snapshot names; they join the asset's inventory and are matched
	// like any other.
	Components []asset.Component `json:"components,omitempty"`
	// Sources are the snapshot files, each with what it was read as.
	Sources  []string  `json:"sources,omitempty"`
	Imported time.Time `json:"imported,omitzero"`
	By       string    `json:"by,omitempty"`
}

// Gap is one reason a host cannot join the chain of trust.
type Gap string

const (
	GapNoRoot        Gap = "no-root-of-trust"      // no TPM or TCM
	GapUnknownRoot   Gap = "root-unknown"          // nothing says whether it has one
	GapOldRoot       Gap = "tpm1.2"                // TPM 1.2: SHA-1 only
	GapSecureBootOff Gap = "secure-boot-off"       // disabled, in setup mode or off in shim
	GapNoUEFI        Gap = "no-secure-boot"        // legacy BIOS
	GapNoMeasurement Gap = "no-measured-boot"      // IMA off, or bypassing the TPM
	GapLegacyOS      Gap = "legacy-os"             // the OS cannot take part
	GapUnmeasured    Gap = "measured-boot-unknown" // no IMA list imported
)

// Gaps says why the host cannot join the chain of trust, in a fixed
// order; none means it can.
func (p Posture) Gaps() []Gap {
	var g []Gap
	switch p.Root {
	case RootNone:
		g = append(g, GapNoRoot)
	case RootUnknown:
		g = append(g, GapUnknownRoot)
	case RootTPM12:
		g = append(g, GapOldRoot)
	}
	switch p.SecureBoot {
	case SBDisabled, SBSetupMode, SBShimOff:
		g = append(g, GapSecureBootOff)
	case SBUnsupported:
		g = append(g, GapNoUEFI)
	}
	switch p.MeasuredBoot {
	case MBBypass, MBOff:
		g = append(g, GapNoMeasurement)
	case MBUnknown:
		g = append(g, GapUnmeasured)
	}
	if p.LegacyOS {
		g = append(g, GapLegacyOS)
	}
	return g
}

// CoverageGap is a host outside the chain of trust, with what compensates.
type CoverageGap struct {
	Asset    string   `json:"asset"`
	Root     Root     `json:"root"`
	Gaps     []Gap    `json:"gaps"`
	Controls []string `json:"controls,omitempty"`
}

// CoverageGaps lists the postures that have gaps, in the order given.
func CoverageGaps(ps []Posture) []CoverageGap {
	var out []CoverageGap
	for _, p := range ps {
		if g := p.Gaps(); len(g) > 0 {
			out = append(out, CoverageGap{Asset: p.Asset, Root: p.Root, Gaps: g, Controls: p.Controls})
		}
	}
	return out
}

// ComponentSource is the Source of the components a snapshot adds to an
// asset's inventory: the next snapshot replaces them and leaves the rest
// of the inventory as it was.
const ComponentSource = "trust snapshot"

// IsSnapshotComponent says c came from a trust snapshot.
func IsSnapshotComponent(c asset.Component) bool {
	return c.Source == ComponentSource || strings.HasPrefix(c.Source, ComponentSource+": ")
}
