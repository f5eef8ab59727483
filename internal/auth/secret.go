package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Secrets vmc hands out (API tokens, session ids) have the form
//
//	<prefix>_<id>_<secret>      vmc_k3bq7x2mfa5hd4ne_<52 characters>
//
// The id is public: the store looks the record up by it, the UI shows it
// to tell tokens apart, and logs may name it. The secret is 256 random
// bits and never stored: the store keeps its SHA-256 (hash), and a request
// authenticates by presenting it. The prefix lets people and secret
// scanners (GitHub's, gitleaks) recognise a leaked vmc token for what it
// is.
//
// SHA-256 is the right hash here, though it would be the wrong one for
// passwords. A slow hash (argon2id) defends low-entropy secrets, which an
// attacker holding the hashes can guess; nobody can guess through 2^256
// values at any hash speed. A fast hash also keeps authentication cheap:
// every API request checks a token, and an argon2id per request would
// make each one cost 19 MiB and tens of milliseconds, inviting denial of
// service. Salt is unnecessary for the same reason: every secret is
// unique and random, so precomputed tables gain nothing.
const (
	// TokenPrefix starts API tokens.
	TokenPrefix = "vmc"
	// SessionPrefix starts session ids (the session cookie's value).
	SessionPrefix = "vmcs"
)

const (
	idBytes     = 10 // 80 bits: ids are unique without coordination
	secretBytes = 32 // 256 bits
	idChars     = 16 // base32 of idBytes
	secretChars = 52 // base32 of secretBytes, unpadded
	hashChars   = 64 // hex SHA-256
)

// b32 is RFC 4648 base32 in lower case, unpadded. Unlike base64url it has
// no '-' or '_', so a token is one word to a double click and the '_'
// separators are unambiguous; having no '0' or '1', it has nothing to
// mistake for 'o' or 'l' when a token is copied by hand.
const b32Alphabet = "abcdefghijklmnopqrstuvwxyz234567"

var b32 = base32.NewEncoding(b32Alphabet).WithPadding(base32.NoPadding)

// ErrTokenFormat marks a presented token or session id that is not one
// vmc issued. Errors wrapping it never quote the input: it may be a real
// secret pasted into the wrong place, and errors end up in logs.
var ErrTokenFormat = errors.New("malformed token")

// randomBytes returns n bytes from crypto/rand. Since Go 1.24 Read never
// fails (the runtime aborts the program if the system's source is
// unusable), so there is no error to return.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// newSecret makes a secret of the form above. prefix is one of the
// constants, never input; a bad one is a programming error.
func newSecret(prefix string) (plaintext, id, hash string) {
	if !validPrefix(prefix) {
		panic(fmt.Sprintf("auth: secret prefix %q is not 2–8 characters a–z", prefix))
	}
	id = b32.EncodeToString(randomBytes(idBytes))
	secret := b32.EncodeToString(randomBytes(secretBytes))
	return prefix + "_" + id + "_" + secret, id, hashSecret(secret)
}

func validPrefix(p string) bool {
	if len(p) < 2 || len(p) > 8 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 'a' || p[i] > 'z' {
			return false
		}
	}
	return true
}

// NewToken makes an API token for the given prefix (TokenPrefix). The
// plaintext is shown to its owner once and never stored; the store keeps
// id and hash.
func NewToken(prefix string) (plaintext, id, hash string) { return newSecret(prefix) }

// NewSessionID makes a session id: the plaintext goes into the session
// cookie, the store keeps id and hash, exactly as for tokens. A stolen
// session table therefore yields no usable cookies.
func NewSessionID() (plaintext, id, hash string) { return newSecret(SessionPrefix) }

// ParseToken splits an API token into its public id and its secret.
func ParseToken(s string) (id, secret string, err error) { return parseSecret(TokenPrefix, s) }

// ParseSessionID splits a session cookie's value into its public id and
// its secret.
func ParseSessionID(s string) (id, secret string, err error) { return parseSecret(SessionPrefix, s) }

// parseSecret checks s exactly: the prefix, two '_', an id and a secret of
// the exact lengths from b32Alphabet. Anything else (whitespace, upper
// case, a "Bearer " left in) is refused rather than repaired, so that one
// secret has one spelling.
func parseSecret(prefix, s string) (id, secret string, err error) {
	// The length check comes first, so hostile input costs nothing more.
	if len(s) != len(prefix)+1+idChars+1+secretChars {
		return "", "", fmt.Errorf("%w: want %d characters starting %q, got %d", ErrTokenFormat,
			len(prefix)+1+idChars+1+secretChars, prefix+"_", len(s))
	}
	rest, ok := strings.CutPrefix(s, prefix+"_")
	if !ok {
		return "", "", fmt.Errorf("%w: does not start %q", ErrTokenFormat, prefix+"_")
	}
	id, secret = rest[:idChars], rest[idChars+1:]
	switch {
	case rest[idChars] != '_':
		return "", "", fmt.Errorf("%w: no '_' after the %d-character id", ErrTokenFormat, idChars)
	case !inAlphabet(id):
		return "", "", fmt.Errorf("%w: id: characters outside a–z, 2–7", ErrTokenFormat)
	case !inAlphabet(secret):
		return "", "", fmt.Errorf("%w: secret: characters outside a–z, 2–7", ErrTokenFormat)
	}
	return id, secret, nil
}

func inAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(b32Alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

func isTokenID(s string) bool { return len(s) == idChars && inAlphabet(s) }

// hashSecret is what the store keeps of a secret: hex SHA-256.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CheckTokenSecret reports whether secret (from ParseToken or
// ParseSessionID) is the one whose hash the store kept. The comparison
// takes the same time wherever the first difference is, so response
// times do not reveal how much of a guess was right.
func CheckTokenSecret(hash, secret string) bool {
	if len(hash) != hashChars {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(hash)) == 1
}

// passwordAlphabet leaves out the characters most often confused when a
// password is read off a terminal and typed: 0/O/o and 1/l/I/i. 55
// characters.
const passwordAlphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"

// passwordChars gives NewPassword 20·log2(55) ≈ 115 bits: beyond online
// and offline guessing alike, yet short enough to type once.
const passwordChars = 20

// NewPassword makes a random password for a first admin or a reset: 20
// characters from an alphabet without look-alikes, to be shown once and
// changed by its user.
func NewPassword() string {
	// Rejection sampling: bytes at or above the largest multiple of the
	// alphabet's size are drawn again, so every character is equally
	// likely (b % 55 alone would favour the first 256 % 55 characters).
	const n = len(passwordAlphabet)
	const limit = 256 - 256%n
	out := make([]byte, 0, passwordChars)
	for len(out) < passwordChars {
		for _, b := range randomBytes(passwordChars) {
			if int(b) < limit && len(out) < passwordChars {
				out = append(out, passwordAlphabet[int(b)%n])
			}
		}
	}
	return string(out)
}
