package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// refPHC is from the argon2 reference implementation's own tests
// (P-H-C/phc-winner-argon2, src/test.c): argon2id, version 0x13, m=65536,
// t=2, p=1, password "password", salt "somesalt".
const refPHC = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"

func TestKnownAnswer(t *testing.T) {
	if got := hashWithSalt("password", []byte("somesalt"), phcParams{memory: 65536, time: 2, threads: 1}, 32); got != refPHC {
		t.Errorf("reference vector:\n got %s\nwant %s", got, refPHC)
	}
	if ok, err := CheckPassword(refPHC, "password"); !ok || err != nil {
		t.Errorf("CheckPassword(reference, password) = %v, %v", ok, err)
	}

	// vmc's own parameters, the PHC string built here by hand from
	// x/crypto's IDKey.
	salt := []byte("vmc-kat-salt-16b")
	pw := "correct horse battery staple"
	key := argon2.IDKey([]byte(pw), salt, 2, 19456, 1, 32)
	want := fmt.Sprintf("$argon2id$v=19$m=19456,t=2,p=1$%s$%s",
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	if got := hashWithSalt(pw, salt, current, keyLen); got != want {
		t.Errorf("vmc parameters:\n got %s\nwant %s", got, want)
	}
}

// TestCurrentParameters pins the cost, so that lowering it is a visible
// change: OWASP's minimum is m=19456, t=2, p=1.
func TestCurrentParameters(t *testing.T) {
	if current != (phcParams{memory: 19456, time: 2, threads: 1}) || saltLen != 16 || keyLen != 32 {
		t.Errorf("current = %+v, salt %d, key %d", current, saltLen, keyLen)
	}
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || len(h) != len("$argon2id$v=19$m=19456,t=2,p=1$")+22+1+43 {
		t.Errorf("HashPassword = %q", h)
	}
}

func TestHashCheck(t *testing.T) {
	tests := []struct {
		name, set, try string
		want           bool
	}{
		{"same", "correct horse battery staple", "correct horse battery staple", true},
		{"other", "correct horse battery staple", "correct horse battery stapl", false},
		{"case matters", "correct horse battery staple", "Correct horse battery staple", false},
		{"empty try", "correct horse battery staple", "", false},
		// NFKC: é precomposed or as e + combining acute; full-width
		// letters from a Chinese input method or ASCII.
		{"composed vs decomposed", "caf\u00e9 au lait tous les jours", "cafe\u0301 au lait tous les jours", true},
		{"full-width vs ASCII", "ｐａｓｓｗｏｒｄ 密码 12345", "password 密码 12345", true},
		{"ligature", "\ufb01sh and chips on friday", "fish and chips on friday", true},
		{"Chinese", "我的密码是一句很长的话而且很好记", "我的密码是一句很长的话而且很好记", true},
		{"Chinese, one character off", "我的密码是一句很长的话而且很好记", "我的密码是一句很长的话而且很好纪", false},
	}
	for _, tt := range tests {
		h, err := HashPassword(tt.set)
		if err != nil {
			t.Fatalf("%s: HashPassword: %v", tt.name, err)
		}
		ok, err := CheckPassword(h, tt.try)
		if ok != tt.want || err != nil {
			t.Errorf("%s: CheckPassword = %v, %v; want %v", tt.name, ok, err, tt.want)
		}
	}
	// Two hashes of one password differ: the salt is fresh.
	a, _ := HashPassword("correct horse battery staple")
	b, _ := HashPassword("correct horse battery staple")
	if a == b {
		t.Error("two hashes of one password are equal")
	}
}

func TestHashPasswordRefuses(t *testing.T) {
	for _, pw := range []string{"", strings.Repeat("x", MaxPasswordBytes+1)} {
		if _, err := HashPassword(pw); !errors.Is(err, ErrPasswordPolicy) {
			t.Errorf("HashPassword(%d bytes) error %v, want ErrPasswordPolicy", len(pw), err)
		}
	}
	long := strings.Repeat("x", MaxPasswordBytes)
	h, err := HashPassword(long)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := CheckPassword(h, long); !ok {
		t.Error("a password of MaxPasswordBytes does not check")
	}
	if ok, err := CheckPassword(h, long+"x"); ok || err != nil {
		t.Errorf("CheckPassword(over MaxPasswordBytes) = %v, %v; want false, nil", ok, err)
	}
}

func TestNeedsRehash(t *testing.T) {
	salt, key := []byte("vmc-kat-salt-16b"), make([]byte, 32)
	enc := func(m, t uint32, p uint8, salt, key []byte) string {
		return phcHash{params: phcParams{memory: m, time: t, threads: p}, salt: salt, key: key}.String()
	}
	fresh, _ := HashPassword("correct horse battery staple")
	tests := []struct {
		name, enc string
		want      bool
	}{
		{"fresh", fresh, false},
		{"current", enc(19456, 2, 1, salt, key), false},
		{"stronger", enc(65536, 3, 4, salt, key), false},
		{"less memory", enc(19455, 2, 1, salt, key), true},
		{"one pass", enc(47104, 1, 1, salt, key), true},
		{"short salt", enc(19456, 2, 1, salt[:8], key), true},
		{"short tag", enc(19456, 2, 1, salt, key[:16]), true},
		{"reference vector", refPHC, true},
		{"unreadable", "$argon2i$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key32, true},
		{"empty", "", true},
	}
	for _, tt := range tests {
		if got := NeedsRehash(tt.enc); got != tt.want {
			t.Errorf("%s: NeedsRehash(%s) = %v, want %v", tt.name, tt.enc, got, tt.want)
		}
	}
}

func TestDummyCheck(t *testing.T) {
	// It must not panic, and must do the work: its hash is a real one.
	DummyCheck("whatever")
	if _, err := parsePHC(dummyHash()); err != nil || NeedsRehash(dummyHash()) {
		t.Errorf("dummy hash %q: %v", dummyHash(), err)
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name, pw, user, err string
	}{
		{name: "passphrase", pw: "correct horse battery staple", user: "alice"},
		{name: "15 characters", pw: "abcdefghijklmno", user: "alice"},
		{name: "lower case only is fine", pw: "nocapitalsnodigitsnosymbols", user: "alice"},
		{name: "Chinese, 15 characters", pw: "我的密码是一句很长的话很好记", user: "alice", err: "14 characters"},
		{name: "Chinese, 16 characters", pw: "我的密码是一句很长的话而且好记", user: "alice"},
		{name: "256 bytes", pw: strings.Repeat("ab", 128), user: "alice"},
		{name: "short name not searched", pw: "always a long password", user: "al"},
		{name: "no user name", pw: "correct horse battery staple", user: ""},
		{name: "14 characters", pw: "abcdefghijklmn", user: "alice", err: "14 characters; at least 15 are needed"},
		{name: "NFKC shortens", pw: "abcdefghijklm\u0065\u0301", user: "alice", err: "14 characters"},
		{name: "257 bytes", pw: strings.Repeat("ab", 128) + "c", user: "alice", err: "longer than 256 bytes"},
		{name: "one character", pw: strings.Repeat("a", 20), user: "bob", err: "one character repeated"},
		{name: "spaces", pw: strings.Repeat(" ", 20), user: "bob", err: "one character repeated"},
		{name: "one Chinese character", pw: strings.Repeat("密", 20), user: "bob", err: "one character repeated"},
		{name: "is the user name", pw: "alice.wonderland.1865", user: "alice.wonderland.1865", err: "it is the user name"},
		{name: "contains the user name", pw: "alice-is-my-password", user: "alice", err: "it contains the user name"},
		{name: "contains it in capitals", pw: "ALICE IS MY PASSWORD", user: "alice", err: "it contains the user name"},
		{name: "contains the local part", pw: "my name is alice, you see", user: "alice@example.com", err: "it contains the user name"},
		{name: "bad UTF-8", pw: "abcdefghijklmnop\xff", user: "alice", err: "not valid UTF-8"},
		{name: "tab", pw: "abcdefgh\tijklmnop", user: "alice", err: "contains a control character"},
		{name: "NUL", pw: "abcdefgh\x00ijklmnop", user: "alice", err: "contains a control character"},
	}
	for _, tt := range tests {
		err := CheckPasswordPolicy(tt.pw, tt.user)
		if tt.err == "" {
			if err != nil {
				t.Errorf("%s: CheckPasswordPolicy = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrPasswordPolicy) {
			t.Errorf("%s: CheckPasswordPolicy = %v, want ErrPasswordPolicy containing %q", tt.name, err, tt.err)
		}
		if err != nil && len(tt.pw) >= 8 && strings.Contains(err.Error(), tt.pw[:8]) {
			t.Errorf("%s: error %q quotes the password", tt.name, err)
		}
	}
}
