package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A password hash is stored as a PHC string, the format of the reference
// argon2 implementation and of most libraries
// (https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md):
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// m is memory in KiB, t passes, p lanes; salt and hash are base64 with the
// standard alphabet and no padding. The string carries its parameters, so
// hashes made under older parameters keep verifying after the current
// ones change (NeedsRehash says when to upgrade them).

// phcParams are argon2id's cost parameters.
type phcParams struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8  // lanes
}

// phcHash is a parsed PHC string.
type phcHash struct {
	params phcParams
	salt   []byte
	key    []byte
}

// Limits on what parsePHC accepts. Hashes come from vmc's own database, but
// one that a bad migration, an import of users from another system or a
// tampered row put there must not make a single login allocate gigabytes
// or spin for minutes: the memory bound is about 13 times the current
// cost, the passes bound 5 times. Below, argon2 itself requires 8 KiB per
// lane, RFC 9106 a salt of at least 8 bytes, and a tag of at least 16
// bytes (128 bits) is the least anyone uses for verification.
const (
	maxPHCLen    = 512
	maxPHCMemory = 256 * 1024 // KiB: 256 MiB
	maxPHCTime   = 10
	maxPHCLanes  = 16
	minPHCSalt   = 8
	maxPHCSalt   = 64
	minPHCKey    = 16
	maxPHCKey    = 64
)

// ErrHashFormat marks a stored password hash vmc cannot read. Errors
// wrapping it name the field but never quote the hash: hashes are what an
// attacker cracks offline, and errors end up in logs.
var ErrHashFormat = errors.New("malformed password hash")

// parsePHC parses an argon2id PHC string strictly: exactly the form String
// writes, with no optional part left out, no parameter out of order, no
// leading zeros, no padding and no whitespace. A hash has one spelling,
// and anything else was not written by vmc.
func parsePHC(s string) (phcHash, error) {
	var h phcHash
	if len(s) > maxPHCLen {
		return h, fmt.Errorf("%w: longer than %d bytes", ErrHashFormat, maxPHCLen)
	}
	if !strings.HasPrefix(s, "$") {
		return h, fmt.Errorf("%w: does not start with '$'", ErrHashFormat)
	}
	f := strings.Split(s, "$")
	if len(f) != 6 {
		return h, fmt.Errorf("%w: want $argon2id$v=19$m=…,t=…,p=…$salt$hash, got %d '$'-separated fields", ErrHashFormat, len(f)-1)
	}
	if f[1] != "argon2id" {
		return h, fmt.Errorf("%w: algorithm: %.20q is not argon2id", ErrHashFormat, f[1])
	}
	if f[2] != "v=19" {
		return h, fmt.Errorf("%w: version: %.20q is not v=19", ErrHashFormat, f[2])
	}
	params := strings.Split(f[3], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("%w: parameters: want m=…,t=…,p=…, got %d", ErrHashFormat, len(params))
	}
	var vals [3]uint32
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(params[i], name+"=")
		if !ok {
			return h, fmt.Errorf("%w: parameter %d: want %s=", ErrHashFormat, i+1, name)
		}
		n, err := parseDecimal(v)
		if err != nil {
			return h, fmt.Errorf("%w: %s: %v", ErrHashFormat, name, err)
		}
		vals[i] = n
	}
	m, t, p := vals[0], vals[1], vals[2]
	switch {
	case p < 1 || p > maxPHCLanes:
		return h, fmt.Errorf("%w: p: %d is outside 1–%d", ErrHashFormat, p, maxPHCLanes)
	case m < 8*p || m > maxPHCMemory:
		return h, fmt.Errorf("%w: m: %d is outside %d–%d", ErrHashFormat, m, 8*p, maxPHCMemory)
	case t < 1 || t > maxPHCTime:
		return h, fmt.Errorf("%w: t: %d is outside 1–%d", ErrHashFormat, t, maxPHCTime)
	}
	h.params = phcParams{memory: m, time: t, threads: uint8(p)}
	var err error
	if h.salt, err = decodeB64(f[4], minPHCSalt, maxPHCSalt); err != nil {
		return phcHash{}, fmt.Errorf("%w: salt: %v", ErrHashFormat, err)
	}
	if h.key, err = decodeB64(f[5], minPHCKey, maxPHCKey); err != nil {
		return phcHash{}, fmt.Errorf("%w: hash: %v", ErrHashFormat, err)
	}
	return h, nil
}

// parseDecimal reads a PHC decimal: digits only, no sign, no leading zero
// (the spec's canonical form), fitting in 32 bits.
func parseDecimal(s string) (uint32, error) {
	switch {
	case s == "":
		return 0, errors.New("empty")
	case len(s) > 1 && s[0] == '0':
		return 0, errors.New("leading zero")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a decimal number")
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, errors.New("out of range")
	}
	return uint32(n), nil
}

// b64 is PHC's base64: standard alphabet, no padding, and (Strict) the
// unused bits of the last character zero, so one byte string has one
// encoding.
var b64 = base64.RawStdEncoding.Strict()

// decodeB64 decodes PHC base64 of lo to hi bytes. Go's decoder skips
// '\r' and '\n'; the alphabet check first refuses them.
func decodeB64(s string, lo, hi int) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, fmt.Errorf("character %d is not base64 without padding", i+1)
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, errors.New("not canonical base64 without padding")
	}
	if len(b) < lo || len(b) > hi {
		return nil, fmt.Errorf("%d bytes, want %d–%d", len(b), lo, hi)
	}
	return b, nil
}

// String encodes h as a PHC string; parsePHC(h.String()) gives h back.
func (h phcHash) String() string {
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
		h.params.memory, h.params.time, h.params.threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}
