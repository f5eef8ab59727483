package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// CSRF tokens follow OWASP's synchroniser token pattern, with the token
// derived by HMAC, as in its signed double-submit cookie, rather than
// stored (Cross-Site Request Forgery Prevention Cheat Sheet,
// https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html):
// the token is HMAC-SHA256, under a server key, of the session's id. A
// page from vmc carries it in its forms; a forged request from another
// site has the victim's cookie but cannot read the page, and cannot
// compute the token without the key. Deriving it means sessions need no
// extra column, and a token taken from one session is useless in any
// other. The HTTP layer issues a new session id at login (against session
// fixation), and the token changes with it.
//
// Each token is also masked with a fresh random pad (pad ‖ pad⊕mac), so it
// differs on every page although the HMAC behind it does not. Otherwise
// a compressed HTTPS response holding the token and text an attacker
// chooses would let them recover it byte by byte from response sizes
// (BREACH); Django and gorilla/csrf mask for the same reason.

// CSRFKeySize is the size of the server's CSRF key: one SHA-256 block's
// worth of entropy, as HMAC-SHA256 wants.
const CSRFKeySize = 32

// csrfLabel keeps this HMAC's inputs apart from any other use of the key.
const csrfLabel = "vmc csrf v1\x00"

const csrfTokenLen = 2 * sha256.Size // pad ‖ masked mac

// NewCSRFKey makes a server CSRF key. The server keeps it for as long as
// its sessions live (in the database or configuration); a new key
// invalidates every open form.
func NewCSRFKey() []byte { return randomBytes(CSRFKeySize) }

func csrfMAC(key []byte, sessionID string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(csrfLabel))
	m.Write([]byte(sessionID))
	return m.Sum(nil)
}

// CSRFToken returns a token for forms and state-changing requests of the
// session sessionID (its public id from ParseSessionID is enough: the
// key is the secret). A new call gives a different string that checks
// the same.
//
// It panics if key is shorter than CSRFKeySize or sessionID is empty: a
// short key is a configuration error to find at once, and a token bound
// to no session would protect nothing.
func CSRFToken(key []byte, sessionID string) string {
	if len(key) < CSRFKeySize {
		panic(fmt.Sprintf("auth: CSRF key of %d bytes, want at least %d", len(key), CSRFKeySize))
	}
	if sessionID == "" {
		panic("auth: CSRF token for an empty session id")
	}
	pad := randomBytes(sha256.Size)
	tok := append(make([]byte, 0, csrfTokenLen), pad...)
	for i, b := range csrfMAC(key, sessionID) {
		tok = append(tok, pad[i]^b)
	}
	return base64.RawURLEncoding.EncodeToString(tok)
}

// CheckCSRF reports whether token is a CSRFToken of key and sessionID, in
// time that does not depend on where a wrong token differs. Whatever is
// wrong (a short key, no session, a token of the wrong length or
// encoding), the answer is false: the request is refused.
func CheckCSRF(key []byte, sessionID, token string) bool {
	if len(key) < CSRFKeySize || sessionID == "" || len(token) != base64.RawURLEncoding.EncodedLen(csrfTokenLen) {
		return false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != csrfTokenLen {
		return false
	}
	pad, masked := raw[:sha256.Size], raw[sha256.Size:]
	got := make([]byte, sha256.Size)
	for i := range got {
		got[i] = pad[i] ^ masked[i]
	}
	return hmac.Equal(got, csrfMAC(key, sessionID))
}
