package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	for _, tt := range []struct {
		name  string
		new   func() (string, string, string)
		parse func(string) (string, string, error)
		other func(string) (string, string, error)
		start string
	}{
		{"api token", func() (string, string, string) { return NewToken(TokenPrefix) }, ParseToken, ParseSessionID, "vmc_"},
		{"session id", NewSessionID, ParseSessionID, ParseToken, "vmcs_"},
	} {
		plain, id, hash := tt.new()
		if !strings.HasPrefix(plain, tt.start) || len(plain) != len(tt.start)+16+1+52 {
			t.Errorf("%s: %q is not %s<16>_<52>", tt.name, plain, tt.start)
		}
		gotID, secret, err := tt.parse(plain)
		if err != nil || gotID != id {
			t.Fatalf("%s: parse(new) = %q, _, %v; want id %q", tt.name, gotID, err, id)
		}
		if strings.Contains(hash, secret) || len(hash) != 64 {
			t.Errorf("%s: hash %q is not a hex SHA-256 apart from the secret", tt.name, hash)
		}
		if !CheckTokenSecret(hash, secret) {
			t.Errorf("%s: CheckTokenSecret(hash, secret) = false", tt.name)
		}
		if _, _, err := tt.other(plain); err == nil {
			t.Errorf("%s: parsed as the other kind", tt.name)
		}
		plain2, id2, hash2 := tt.new()
		if plain2 == plain || id2 == id || hash2 == hash {
			t.Errorf("%s: two secrets share a part", tt.name)
		}
	}
}

func TestNewTokenBadPrefix(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewToken(\"VMC\") did not panic")
		}
	}()
	NewToken("VMC")
}

// A real-looking token whose parts are known.
const (
	tID     = "k3bq7x2mfa5hd4ne"
	tSecret = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"
	tToken  = "vmc_" + tID + "_" + tSecret
)

func TestParseToken(t *testing.T) {
	tests := []struct {
		name, in string
		err      string // "" when valid
	}{
		{name: "valid", in: tToken},
		{name: "empty", in: "", err: "want 73 characters starting \"vmc_\", got 0"},
		{name: "bearer left in", in: "Bearer " + tToken, err: "got 80"},
		{name: "trailing newline", in: tToken + "\n", err: "got 74"},
		{name: "session id", in: "vmcs_" + tID + "_" + tSecret[1:], err: `does not start "vmc_"`},
		{name: "upper case", in: strings.ToUpper(tToken), err: `does not start "vmc_"`},
		{name: "upper case secret", in: "vmc_" + tID + "_" + strings.ToUpper(tSecret), err: "secret: characters outside a–z, 2–7"},
		{name: "id with 0", in: "vmc_k3bq7x2mfa5hd40e_" + tSecret, err: "id: characters outside"},
		{name: "id with _", in: "vmc_k3bq7x2mfa5hd4n__" + tSecret, err: "id: characters outside"},
		{name: "separator moved", in: "vmc_" + tID + "a" + tSecret[1:] + "_", err: "no '_' after the 16-character id"},
		{name: "secret with -", in: "vmc_" + tID + "_" + tSecret[:51] + "-", err: "secret: characters outside"},
		{name: "secret with =", in: "vmc_" + tID + "_" + tSecret[:51] + "=", err: "secret: characters outside"},
	}
	for _, tt := range tests {
		id, secret, err := ParseToken(tt.in)
		if tt.err == "" {
			if err != nil || id != tID || secret != tSecret {
				t.Errorf("%s: ParseToken = %q, %q, %v", tt.name, id, secret, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrTokenFormat) {
			t.Errorf("%s: ParseToken error %v, want ErrTokenFormat containing %q", tt.name, err, tt.err)
		}
		if err != nil && len(tt.in) > 20 && strings.Contains(err.Error(), tt.in[len(tt.in)-20:]) {
			t.Errorf("%s: error %q quotes the token", tt.name, err)
		}
	}
}

func TestCheckTokenSecret(t *testing.T) {
	hash := hashSecret(tSecret)
	tests := []struct {
		name, hash, secret string
		want               bool
	}{
		{"match", hash, tSecret, true},
		{"other secret", hash, tSecret[:51] + "a", false},
		{"empty secret", hash, "", false},
		{"upper-case hash", strings.ToUpper(hash), tSecret, false},
		{"short hash", hash[:63], tSecret, false},
		{"empty hash", "", "", false},
		{"hash of empty", hashSecret(""), "", true},
	}
	for _, tt := range tests {
		if got := CheckTokenSecret(tt.hash, tt.secret); got != tt.want {
			t.Errorf("%s: CheckTokenSecret = %v, want %v", tt.name, got, tt.want)
		}
	}
	// sha is `printf %s abc…rst | sha256sum`, computed apart from this code.
	const sha = "96903127e4208e76fe38bb5ea22b27b889d7882dc7ab987027d8ce6514a4f1e4"
	if hash != sha {
		t.Errorf("hashSecret(%q) = %s, want %s", tSecret, hash, sha)
	}
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 200 {
		pw := NewPassword()
		if len(pw) != 20 {
			t.Fatalf("NewPassword() = %q, want 20 characters", pw)
		}
		for _, r := range pw {
			if !strings.ContainsRune(passwordAlphabet, r) || strings.ContainsRune("0Oo1lIi", r) {
				t.Fatalf("NewPassword() = %q has %q", pw, r)
			}
			counts[r]++
		}
		if seen[pw] {
			t.Fatalf("NewPassword() repeated %q", pw)
		}
		seen[pw] = true
		if err := CheckPasswordPolicy(pw, "admin"); err != nil {
			t.Errorf("NewPassword() = %q fails the policy: %v", pw, err)
		}
	}
	// 4000 draws from 55 characters: each about 73 times. A character
	// never drawn means the sampling is broken, not bad luck (p ≈ 55·e^-73).
	if len(counts) != len(passwordAlphabet) {
		t.Errorf("NewPassword drew %d of %d characters", len(counts), len(passwordAlphabet))
	}
}

func FuzzParseToken(f *testing.F) {
	f.Add(tToken)
	f.Add("vmcs_" + tID + "_" + tSecret)
	f.Add("vmc_" + tID + "a" + tSecret)
	f.Add("")
	f.Add("vmc__")
	f.Fuzz(func(t *testing.T, s string) {
		for _, prefix := range []string{TokenPrefix, SessionPrefix} {
			id, secret, err := parseSecret(prefix, s)
			if err != nil {
				if id != "" || secret != "" {
					t.Fatalf("parseSecret(%q) returned parts with an error", s)
				}
				continue
			}
			// Whatever parses re-encodes to itself.
			if prefix+"_"+id+"_"+secret != s || !isTokenID(id) || len(secret) != secretChars {
				t.Fatalf("parseSecret(%q, %q) = %q, %q", prefix, s, id, secret)
			}
		}
	})
}
