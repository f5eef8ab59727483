package auth

import (
	"errors"
	"testing"
)

func TestStatusToken(t *testing.T) {
	plain, id, hash := NewStatusToken()
	gotID, secret, err := ParseStatusToken(plain)
	if err != nil || gotID != id || !CheckTokenSecret(hash, secret) {
		t.Fatalf("ParseStatusToken(%q) = %q, %v; check %v", plain, gotID, err, CheckTokenSecret(hash, secret))
	}
	// One kind of secret is not the other.
	if _, _, err := ParseToken(plain); !errors.Is(err, ErrTokenFormat) {
		t.Errorf("a status token parsed as an API token: %v", err)
	}
	apiToken, _, _ := NewToken(TokenPrefix)
	if _, _, err := ParseStatusToken(apiToken); !errors.Is(err, ErrTokenFormat) {
		t.Errorf("an API token parsed as a status token: %v", err)
	}
	_, other, _ := NewStatusToken()
	if _, s2, _ := ParseStatusToken(plain); CheckTokenSecret(hash, s2+"x") || other == id {
		t.Error("a wrong secret checked, or two tokens share an id")
	}
}
