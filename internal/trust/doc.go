// Package trust is a host's trusted-computing posture (可信计算环境): its
// hardware root of trust (TPM 2.0, China's TCM 可信密码模块, or none) and
// firmware, its Secure Boot and measured-boot state, and the dynamic
// integrity of what it ran, measured by the kernel's IMA and compared with a
// reference manifest of expected file hashes in SHA-256 or SM3
// (GB/T 32905-2016).
//
// The posture is read from a snapshot of plain tool outputs, each file
// recognised by its content (see docs/trust-snapshot.md):
//
//   - `tpm2_getcap properties-fixed` (tpm2-tools 4 and later): family,
//     revision, manufacturer, vendor strings and firmware version;
//   - `mokutil --sb-state`: Secure Boot on, off, unsupported, or off in shim;
//   - /sys/kernel/security/ima/ascii_runtime_measurements: templates ima,
//     ima-ng, ima-sig (and ima-buf, read but not a file);
//   - a small JSON document for what no tool prints: a TCM, the operating
//     system, compensating controls, TPM/TCM stack and boot components.
//
// Parsers take hostile input: every line is bounded, every count capped,
// and an error names the file, line and field (a *ParseError wrapping
// ErrFormat). This package knows nothing of storage, HTTP or the command
// line.
package trust
