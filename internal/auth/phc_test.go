package auth

import (
	"errors"
	"strings"
	"testing"
)

const (
	// Base64 of "vmc-kat-salt-16b" (16 bytes) and of 32 bytes 0x00..0x1f.
	salt16 = "dm1jLWthdC1zYWx0LTE2Yg"
	key32  = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
	valid  = "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key32
)

func TestParsePHC(t *testing.T) {
	h, err := parsePHC(valid)
	if err != nil {
		t.Fatal(err)
	}
	if h.params != (phcParams{memory: 19456, time: 2, threads: 1}) || string(h.salt) != "vmc-kat-salt-16b" ||
		len(h.key) != 32 || h.key[31] != 0x1f {
		t.Errorf("parsePHC(valid) = %+v", h)
	}
	if h.String() != valid {
		t.Errorf("String() = %q, want %q", h.String(), valid)
	}
}

func TestParsePHCBad(t *testing.T) {
	params := "$argon2id$v=19$"
	tail := "$" + salt16 + "$" + key32
	tests := []struct {
		name, in, err string
	}{
		{"empty", "", "does not start with '$'"},
		{"leading space", " " + valid, "does not start with '$'"},
		{"trailing newline", valid + "\n", "hash: character 44 is not base64"},
		{"trailing $", valid + "$", "got 6 '$'-separated fields"},
		{"no version", "$argon2id$m=19456,t=2,p=1" + tail, "got 4 '$'-separated fields"},
		{"bcrypt", "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "got 3 '$'-separated fields"},
		{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1" + tail, `algorithm: "argon2i" is not argon2id`},
		{"argon2d", "$argon2d$v=19$m=19456,t=2,p=1" + tail, `algorithm: "argon2d" is not argon2id`},
		{"upper case", "$ARGON2ID$v=19$m=19456,t=2,p=1" + tail, "algorithm"},
		{"version 16", "$argon2id$v=16$m=19456,t=2,p=1" + tail, `version: "v=16" is not v=19`},
		{"params out of order", params + "t=2,m=19456,p=1" + tail, "parameter 1: want m="},
		{"extra param", params + "m=19456,t=2,p=1,keyid=AA" + tail, "parameters: want m=…,t=…,p=…, got 4"},
		{"missing param", params + "m=19456,t=2" + tail, "got 2"},
		{"spaces", params + "m=19456, t=2,p=1" + tail, "parameter 2: want t="},
		{"leading zero", params + "m=019456,t=2,p=1" + tail, "m: leading zero"},
		{"plus sign", params + "m=+19456,t=2,p=1" + tail, "m: not a decimal number"},
		{"empty value", params + "m=,t=2,p=1" + tail, "m: empty"},
		{"hex", params + "m=0x4c00,t=2,p=1" + tail, "m: leading zero"},
		{"overflow", params + "m=4294967296,t=2,p=1" + tail, "m: out of range"},
		{"p zero", params + "m=19456,t=2,p=0" + tail, "p: 0 is outside 1–16"},
		{"p huge", params + "m=19456,t=2,p=17" + tail, "p: 17 is outside 1–16"},
		{"m below 8 per lane", params + "m=31,t=2,p=4" + tail, "m: 31 is outside 32–262144"},
		{"m huge", params + "m=4194304,t=2,p=1" + tail, "m: 4194304 is outside 8–262144"},
		{"t zero", params + "m=19456,t=0,p=1" + tail, "t: 0 is outside 1–10"},
		{"t huge", params + "m=19456,t=1000,p=1" + tail, "t: 1000 is outside 1–10"},
		{"padded salt", params + "m=19456,t=2,p=1$c29tZXNhbHQ=$" + key32, "salt: character 12 is not base64"},
		{"URL-safe salt", params + "m=19456,t=2,p=1$c29tZX-hbHQ$" + key32, "salt: character 7 is not base64"},
		{"newline in salt", params + "m=19456,t=2,p=1$c29tZXNh\nbHQ$" + key32, "salt: character 9 is not base64"},
		{"non-canonical salt", params + "m=19456,t=2,p=1$c29tZXNhbHR$" + key32, "salt: not canonical base64"},
		{"impossible length", params + "m=19456,t=2,p=1$c29tZXNhb$" + key32, "salt: not canonical base64"},
		{"short salt", params + "m=19456,t=2,p=1$c29tZQ$" + key32, "salt: 4 bytes, want 8–64"},
		{"empty salt", params + "m=19456,t=2,p=1$$" + key32, "salt: 0 bytes"},
		{"short hash", params + "m=19456,t=2,p=1$" + salt16 + "$AAECAwQFBgcICQoLDA0O", "hash: 15 bytes, want 16–64"},
		{"empty hash", params + "m=19456,t=2,p=1$" + salt16 + "$", "hash: 0 bytes"},
		{"too long", valid + strings.Repeat("A", 600), "longer than 512 bytes"},
	}
	for _, tt := range tests {
		_, err := parsePHC(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrHashFormat) {
			t.Errorf("%s: parsePHC error %v, want ErrHashFormat containing %q", tt.name, err, tt.err)
		}
		// A hash must not reach the logs through an error.
		if err != nil && strings.Contains(err.Error(), key32[:20]) {
			t.Errorf("%s: error %q quotes the hash", tt.name, err)
		}
		if ok, err := CheckPassword(tt.in, "password"); ok || err == nil {
			t.Errorf("%s: CheckPassword = %v, %v; want false and an error", tt.name, ok, err)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add(valid)
	f.Add(refPHC)
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$" + salt16 + "$" + key32)
	f.Add("$argon2i$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key32)
	f.Add("$argon2id$v=19$m=019456,t=2,p=1$c29tZXNhbHQ=$" + key32)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHR$" + key32)
	f.Add("$$$$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			if !errors.Is(err, ErrHashFormat) {
				t.Fatalf("parsePHC(%q): error %v is not ErrHashFormat", s, err)
			}
			return
		}
		// Parsing is strict: whatever parses is exactly what String writes.
		if got := h.String(); got != s {
			t.Fatalf("parsePHC(%q).String() = %q", s, got)
		}
		p := h.params
		if p.threads < 1 || p.threads > maxPHCLanes || p.memory < 8*uint32(p.threads) || p.memory > maxPHCMemory ||
			p.time < 1 || p.time > maxPHCTime {
			t.Fatalf("parsePHC(%q) accepted parameters %+v", s, p)
		}
	})
}
