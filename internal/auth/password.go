package auth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// current are the parameters new hashes get: OWASP's Password Storage
// Cheat Sheet recommends argon2id "with a minimum configuration of 19 MiB
// of memory, an iteration count of 2, and 1 degree of parallelism"
// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
// That is m=19456 KiB, t=2, p=1: a few tens of milliseconds per hash on
// one core. One lane because a login is one request: more lanes would
// only let one login take cores that other requests need. The salt is 16
// bytes, which RFC 9106 section 4 calls sufficient for all applications,
// and the tag 32 bytes, twice the 128 bits it calls sufficient for most.
var current = phcParams{memory: 19 * 1024, time: 2, threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// Password length limits, after NIST SP 800-63B-4 (2025) section 3.1.1.2
// (https://pages.nist.gov/800-63-4/sp800-63b.html).
//
// NIST requires at least 15 characters for a password that is the only
// factor, as vmc's are (8 only where a second factor follows), because
// length is what makes a password hard to guess, and it forbids
// composition rules (a digit, a capital, a symbol), which make passwords
// harder to remember without making them much harder to guess:
// "Password1!" passes every such rule. So vmc asks for length and nothing
// else of the password's make-up.
//
// NIST asks that at least 64 characters be allowed. The limit is in bytes
// because bytes are what it protects (the request body, the hash input):
// 256 bytes hold 64 characters of any script, 85 Chinese characters, or a
// passphrase of 40 English words. Each Unicode code point counts as one
// character, as NIST requires.
const (
	MinPasswordChars = 15
	MaxPasswordBytes = 256
)

// ErrPasswordPolicy marks a password the policy refuses. Errors wrapping
// it say why, in words a person can act on, and never quote the password.
var ErrPasswordPolicy = errors.New("password not allowed")

// normalise applies NFKC before hashing and measuring, as NIST SP
// 800-63B-4 advises for Unicode passwords: the same password typed on
// two systems may arrive as different code points (é as one or as e and a
// combining accent; full-width "ａｂｃ" from a Chinese input method, or
// half-width "abc"), and NFKC makes them one. Changing this function
// would lock out every user whose password it changes.
func normalise(pw string) []byte { return norm.NFKC.Bytes([]byte(pw)) }

// hashSlots bounds how many argon2id computations run at once. Each holds
// 19 MiB for tens of milliseconds, and more at once than there are
// processors only adds memory, not throughput; a burst of logins would
// otherwise take memory without limit. Waiting requests queue here.
var hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

func boundedIDKey(pw, salt []byte, p phcParams, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return idKey(pw, salt, p, n)
}

// HashPassword hashes pw with argon2id under the current parameters and a
// fresh random salt, as a PHC string ($argon2id$v=19$m=19456,t=2,p=1$…$…).
// It refuses only an empty password and one over MaxPasswordBytes; the
// policy is CheckPasswordPolicy's, checked where a person chooses a
// password.
func HashPassword(pw string) (string, error) {
	switch {
	case pw == "":
		return "", fmt.Errorf("%w: empty", ErrPasswordPolicy)
	case len(pw) > MaxPasswordBytes:
		return "", fmt.Errorf("%w: longer than %d bytes", ErrPasswordPolicy, MaxPasswordBytes)
	}
	return hashWithSalt(pw, randomBytes(saltLen), current, keyLen), nil
}

// hashWithSalt is HashPassword with the salt and parameters given, for the
// known-answer tests.
func hashWithSalt(pw string, salt []byte, p phcParams, n uint32) string {
	return phcHash{params: p, salt: salt, key: boundedIDKey(normalise(pw), salt, p, n)}.String()
}

// CheckPassword reports whether pw is the password encoded hashes. The
// error is for an encoded hash that cannot be read (ErrHashFormat), never
// for a wrong password. The comparison takes the same time wherever the
// hashes first differ.
//
// A password over MaxPasswordBytes is refused without hashing: no stored
// hash can be of one, and hashing a megabyte sent to the login form would
// be work for nothing.
func CheckPassword(encoded, pw string) (ok bool, err error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if len(pw) > MaxPasswordBytes {
		return false, nil
	}
	got := boundedIDKey(normalise(pw), h.salt, h.params, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

// dummyHash is a hash of a random password nobody knows, made on first
// use.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword(NewPassword())
	return h
})

// DummyCheck does the work of a CheckPassword that fails. The login
// handler calls it when no user has the name given (or the user is
// disabled), so that such an attempt takes as long as a wrong password
// for a real user, and response times do not tell which user names
// exist.
func DummyCheck(pw string) {
	CheckPassword(dummyHash(), pw)
}

// NeedsRehash reports whether encoded should be replaced, after a
// successful login, by HashPassword of the password just checked: its
// memory, passes, lanes, salt or tag are below the current ones, or it
// cannot be read at all. Each parameter is compared on its own, so a
// hash with more memory but fewer passes is upgraded too; that costs one
// hash at one login, and keeps the rule simple to check.
func NeedsRehash(encoded string) bool {
	h, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	p := h.params
	return p.memory < current.memory || p.time < current.time || p.threads < current.threads ||
		len(h.salt) < saltLen || len(h.key) < keyLen
}

// CheckPasswordPolicy checks a password a person chooses for the account
// username (NIST SP 800-63B-4 section 3.1.1.2; see MinPasswordChars):
//
//   - at least MinPasswordChars characters (code points, after NFKC) and
//     at most MaxPasswordBytes bytes;
//   - valid UTF-8 without control characters, which cannot be typed
//     reliably and would differ between the form and the terminal;
//   - not the user name and not containing it (compared without regard to
//     case; a name shorter than 3 characters is only checked for
//     equality, or "ab" would forbid every password containing "ab"),
//     nor, for a name like an e-mail address, the part before the '@';
//   - not one character repeated.
//
// These are NIST's context-specific checks. It imposes nothing on the
// mix of letters, digits and symbols.
func CheckPasswordPolicy(pw, username string) error {
	switch {
	case len(pw) > MaxPasswordBytes:
		return fmt.Errorf("%w: longer than %d bytes", ErrPasswordPolicy, MaxPasswordBytes)
	case !utf8.ValidString(pw):
		return fmt.Errorf("%w: not valid UTF-8", ErrPasswordPolicy)
	case strings.ContainsFunc(pw, unicode.IsControl):
		return fmt.Errorf("%w: contains a control character", ErrPasswordPolicy)
	}
	n := string(normalise(pw))
	if c := utf8.RuneCountInString(n); c < MinPasswordChars {
		return fmt.Errorf("%w: %d characters; at least %d are needed", ErrPasswordPolicy, c, MinPasswordChars)
	}
	first, _ := utf8.DecodeRuneInString(n)
	if strings.Trim(n, string(first)) == "" {
		return fmt.Errorf("%w: one character repeated", ErrPasswordPolicy)
	}
	lower := strings.ToLower(n)
	names := []string{strings.ToLower(username)}
	if local, _, ok := strings.Cut(names[0], "@"); ok {
		names = append(names, local)
	}
	for _, name := range names {
		switch {
		case name == "":
		case lower == name:
			return fmt.Errorf("%w: it is the user name", ErrPasswordPolicy)
		case utf8.RuneCountInString(name) >= 3 && strings.Contains(lower, name):
			return fmt.Errorf("%w: it contains the user name", ErrPasswordPolicy)
		}
	}
	return nil
}
