package trust

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Measurement is one entry of the kernel's IMA measurement list,
// /sys/kernel/security/ima/ascii_runtime_measurements (see the kernel's
// Documentation/security/IMA-templates.rst):
//
//	PCR template-hash template-name file-hash path [signature]
//	10 7c23…2209 ima-ng sha256:72ad…70d5 /bin/busybox
//
// Template "ima" gives the file hash as bare SHA-1 hex; "ima-ng" and
// "ima-sig" prefix it with its algorithm ("sha256:", "sm3:"), and
// "ima-sig" adds the file's signature (hex, often empty). "ima-buf"
// measures a buffer (the kernel command line, device-mapper state), not
// a file.
type Measurement struct {
	Line         int       `json:"line"`
	PCR          int       `json:"pcr"`
	TemplateHash string    `json:"template_hash"`
	Template     string    `json:"template"`
	Algorithm    Algorithm `json:"algorithm"`
	// Prefix is the algorithm as the list spells it ("sm3_256"), which the
	// template hash covers.
	Prefix string `json:"-"`
	Digest string `json:"digest"` // lower-case hex
	Path   string `json:"path"`
	// Signature is ima-sig's signature, hex; Buffer ima-buf's data.
	Signature string `json:"signature,omitempty"`
	Buffer    string `json:"buffer,omitempty"`
}

// Violation says the entry records a measurement violation (a file
// opened for write while measured, "ToMToU", or open-writers): the kernel
// logs it with an all-zero template hash and extends the PCR with ones.
func (m Measurement) Violation() bool { return strings.Trim(m.TemplateHash, "0") == "" }

// IsFile says the entry measures a file, as opposed to the boot
// aggregate, a buffer or a violation.
func (m Measurement) IsFile() bool {
	// boot_aggregate_late is the aggregate of kernels that start IMA late.
	return m.Template != "ima-buf" && !strings.HasPrefix(m.Path, "boot_aggregate") && !m.Violation()
}

// List is a parsed IMA measurement list.
type List struct {
	Entries []Measurement `json:"entries"`
	// BootAggregate is the first entry's digest when it is the boot
	// aggregate; all zeros means IMA found no TPM at boot.
	BootAggregate string `json:"boot_aggregate,omitempty"`
	// Tampered lists the lines whose template hash does not match their
	// fields: the list was edited after the kernel wrote it. Only ima-ng
	// and ima-sig entries are checked, with the hash the template hash's
	// length implies (SHA-1, or SHA-256 or SM3 for the per-bank lists).
	Tampered []int `json:"tampered,omitempty"`
}

// MeasuredBoot is the measured-boot state the list implies.
func (l List) MeasuredBoot() MeasuredBoot {
	switch {
	case l.BootAggregate == "":
		return MBUnknown
	case strings.Trim(l.BootAggregate, "0") == "":
		return MBBypass
	}
	return MBAnchored
}

// ParseIMA reads an ascii_runtime_measurements list.
func ParseIMA(file string, r io.Reader) (List, error) {
	var l List
	err := eachLine(file, r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		m, err := parseMeasurement(file, n, line)
		if err != nil {
			return err
		}
		if len(l.Entries) == 0 && m.Path == "boot_aggregate" {
			l.BootAggregate = m.Digest
		}
		if !m.Violation() && !templateHashHolds(m) {
			l.Tampered = append(l.Tampered, n)
		}
		l.Entries = append(l.Entries, m)
		return nil
	})
	if err == nil && len(l.Entries) == 0 {
		err = errorf(file, 0, "", "no measurements")
	}
	return l, err
}

func parseMeasurement(file string, n int, line string) (Measurement, error) {
	m := Measurement{Line: n}
	rest := line
	next := func() string {
		rest = strings.TrimLeft(rest, " \t")
		i := strings.IndexAny(rest, " \t")
		if i < 0 {
			f := rest
			rest = ""
			return f
		}
		f := rest[:i]
		rest = rest[i+1:]
		return f
	}
	pcr := next()
	v, err := strconv.Atoi(pcr)
	if err != nil || v < 0 || v > 23 {
		return m, errorf(file, n, "pcr", "not a PCR index 0-23: %q", short(pcr))
	}
	m.PCR = v
	th := next()
	if _, after, ok := strings.Cut(th, ":"); ok { // some agents prefix it: "sha1:…"
		th = after
	}
	if !isHex(th) || len(th) < 40 || len(th) > 128 {
		return m, errorf(file, n, "template-hash", "not a hex digest: %q", short(th))
	}
	m.TemplateHash = strings.ToLower(th)
	m.Template = next()
	switch m.Template {
	case "ima", "ima-ng", "ima-sig", "ima-buf":
	case "":
		return m, errorf(file, n, "template-name", "missing")
	default:
		return m, errorf(file, n, "template-name", "unknown template %q (ima, ima-ng, ima-sig or ima-buf)", short(m.Template))
	}
	d := next()
	if m.Template == "ima" {
		m.Algorithm, m.Prefix, m.Digest = SHA1, "", d
	} else {
		prefix, digest, ok := strings.Cut(d, ":")
		alg, known := ParseAlgorithm(prefix)
		if !ok || !known {
			return m, errorf(file, n, "file-hash", "not algorithm:hex (sha1, sha256, sha384, sha512, sm3): %q", short(d))
		}
		m.Algorithm, m.Prefix, m.Digest = alg, prefix, digest
	}
	if !isHex(m.Digest) || len(m.Digest) != 2*m.Algorithm.Size() {
		return m, errorf(file, n, "file-hash", "not a %s digest (%d hex digits): %q", m.Algorithm, 2*m.Algorithm.Size(), short(m.Digest))
	}
	m.Digest = strings.ToLower(m.Digest)
	rest = strings.TrimRight(strings.TrimLeft(rest, " \t"), " \t")
	switch m.Template {
	case "ima-sig":
		// The signature is the last field, hex of an IMA signature
		// (type 03, version 02): a path may hold spaces, a signature not.
		if i := strings.LastIndexAny(rest, " \t"); i >= 0 && isSignature(rest[i+1:]) {
			m.Signature, rest = strings.ToLower(rest[i+1:]), strings.TrimRight(rest[:i], " \t")
		}
	case "ima-buf":
		if i := strings.LastIndexAny(rest, " \t"); i >= 0 && isHex(rest[i+1:]) {
			m.Buffer, rest = strings.ToLower(rest[i+1:]), rest[:i]
		}
	}
	if rest == "" {
		return m, errorf(file, n, "path", "missing")
	}
	m.Path = rest
	return m, nil
}

func isHex(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func isSignature(s string) bool { return len(s) >= 8 && strings.HasPrefix(s, "03") && isHex(s) }

// templateData is an ima-ng or ima-sig entry's template data, which its
// template hash covers: each field a 32-bit little-endian length and its
// bytes — the digest as "algo:\0" and the digest, the path with its NUL,
// and for ima-sig the signature.
func templateData(m Measurement) []byte {
	var data []byte
	field := func(b []byte) {
		data = binary.LittleEndian.AppendUint32(data, uint32(len(b)))
		data = append(data, b...)
	}
	digest, _ := hex.DecodeString(m.Digest)
	field(append([]byte(m.Prefix+":\x00"), digest...))
	field(append([]byte(m.Path), 0))
	if m.Template == "ima-sig" {
		sig, _ := hex.DecodeString(m.Signature)
		field(sig)
	}
	return data
}

// templateHashHolds recomputes an ima-ng or ima-sig entry's template
// hash with the algorithm its length implies; other templates are taken
// as written.
func templateHashHolds(m Measurement) bool {
	if m.Template != "ima-ng" && m.Template != "ima-sig" {
		return true
	}
	data := templateData(m)
	want, _ := hex.DecodeString(m.TemplateHash)
	var algs []Algorithm
	switch len(want) {
	case 20:
		algs = []Algorithm{SHA1}
	case 32:
		algs = []Algorithm{SHA256, SM3}
	case 48:
		algs = []Algorithm{SHA384}
	case 64:
		algs = []Algorithm{SHA512}
	}
	for _, a := range algs {
		if bytes.Equal(a.Sum(data), want) {
			return true
		}
	}
	return false
}

// String is the entry as the kernel writes it in the ASCII list.
func (m Measurement) String() string {
	d := m.Digest
	if m.Template != "ima" {
		d = m.Prefix + ":" + d
	}
	s := fmt.Sprintf("%d %s %s %s %s", m.PCR, m.TemplateHash, m.Template, d, m.Path)
	switch {
	case m.Signature != "":
		s += " " + m.Signature
	case m.Buffer != "":
		s += " " + m.Buffer
	}
	return s
}
