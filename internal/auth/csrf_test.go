package auth

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestCSRF(t *testing.T) {
	key := bytes.Repeat([]byte{7}, CSRFKeySize)
	other := bytes.Repeat([]byte{8}, CSRFKeySize)
	tok := CSRFToken(key, "k3bq7x2mfa5hd4ne")
	again := CSRFToken(key, "k3bq7x2mfa5hd4ne")
	if tok == again {
		t.Error("two tokens for one session are equal: they are not masked")
	}
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	flipped := bytes.Clone(raw)
	flipped[40] ^= 1
	unmasked := make([]byte, 32)
	for i := range unmasked {
		unmasked[i] = raw[i] ^ raw[32+i]
	}
	tests := []struct {
		name    string
		key     []byte
		session string
		token   string
		want    bool
	}{
		{"same session", key, "k3bq7x2mfa5hd4ne", tok, true},
		{"second token", key, "k3bq7x2mfa5hd4ne", again, true},
		{"other session", key, "k3bq7x2mfa5hd4nf", tok, false},
		{"other key", other, "k3bq7x2mfa5hd4ne", tok, false},
		{"short key", key[:31], "k3bq7x2mfa5hd4ne", tok, false},
		{"no session", key, "", tok, false},
		{"empty token", key, "k3bq7x2mfa5hd4ne", "", false},
		{"one bit changed", key, "k3bq7x2mfa5hd4ne", base64.RawURLEncoding.EncodeToString(flipped), false},
		{"truncated", key, "k3bq7x2mfa5hd4ne", tok[:len(tok)-1], false},
		{"padded", key, "k3bq7x2mfa5hd4ne", tok + "==", false},
		{"standard base64", key, "k3bq7x2mfa5hd4ne", base64.StdEncoding.EncodeToString(raw), false},
		{"bare MAC", key, "k3bq7x2mfa5hd4ne", base64.RawURLEncoding.EncodeToString(unmasked), false},
		{"zero pad", key, "k3bq7x2mfa5hd4ne", base64.RawURLEncoding.EncodeToString(append(make([]byte, 32), unmasked...)), true},
	}
	for _, tt := range tests {
		if got := CheckCSRF(tt.key, tt.session, tt.token); got != tt.want {
			t.Errorf("%s: CheckCSRF = %v, want %v", tt.name, got, tt.want)
		}
	}
	if len(tok) != 86 || strings.ContainsAny(tok, "+/=") {
		t.Errorf("token %q is not 86 characters of unpadded base64url", tok)
	}
}

func TestCSRFPanics(t *testing.T) {
	for _, tt := range []struct {
		name    string
		key     []byte
		session string
	}{
		{"short key", make([]byte, 16), "s"},
		{"no session", make([]byte, 32), ""},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: CSRFToken did not panic", tt.name)
				}
			}()
			CSRFToken(tt.key, tt.session)
		}()
	}
	if k := NewCSRFKey(); len(k) != CSRFKeySize || bytes.Equal(k, NewCSRFKey()) {
		t.Errorf("NewCSRFKey() = %x", k)
	}
}
