package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the header a webhook call's signature travels in.
const SignatureHeader = "X-Vmc-Signature"

// Tolerance is how far a call's timestamp may be from the receiver's
// clock: older is a replay, newer a clock too far ahead to trust.
const Tolerance = 5 * time.Minute

// ErrSignature marks a webhook call whose signature does not hold.
var ErrSignature = errors.New("webhook signature")

// NewSecret returns a new webhook secret: 32 random bytes, base64url,
// after "whsec_" so that one found in a log or a file says what it is.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// Sign returns the signature header's value for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// maxHeader bounds the header a receiver parses: a timestamp and a
// handful of signatures.
const maxHeader = 1024

// Verify checks a webhook call as its receiver got it: header is the
// X-Vmc-Signature value, body the raw request body, now the receiver's
// clock. It fails (ErrSignature) unless one v1 signature is the HMAC of
// the timestamp and body under secret, and the timestamp is within
// Tolerance of now.
func Verify(secret []byte, header string, body []byte, now time.Time) error {
	if len(header) > maxHeader {
		return fmt.Errorf("%w: header longer than %d bytes", ErrSignature, maxHeader)
	}
	var (
		ts   string
		sigs [][]byte
	)
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("%w: %q is not key=value", ErrSignature, part)
		}
		switch k {
		case "t":
			if ts != "" {
				return fmt.Errorf("%w: two timestamps", ErrSignature)
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return fmt.Errorf("%w: v1 is not a hex SHA-256 HMAC", ErrSignature)
			}
			sigs = append(sigs, sig)
		}
		// Other keys are schemes this verifier does not know, for a
		// later vmc to add beside v1.
	}
	if ts == "" {
		return fmt.Errorf("%w: no timestamp (t=)", ErrSignature)
	}
	if len(sigs) == 0 {
		return fmt.Errorf("%w: no v1 signature", ErrSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sec < 0 || ts != strconv.FormatInt(sec, 10) {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrSignature, ts)
	}
	// Compared in seconds, so that no timestamp overflows a Duration.
	age := now.Unix() - sec
	if age > int64(Tolerance/time.Second) {
		return fmt.Errorf("%w: signed %d s ago, more than %s: a replay", ErrSignature, age, Tolerance)
	}
	if -age > int64(Tolerance/time.Second) {
		return fmt.Errorf("%w: signed %d s in the future, more than %s", ErrSignature, -age, Tolerance)
	}
	want := mac(secret, ts, body)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return fmt.Errorf("%w: no signature matches the body", ErrSignature)
}
