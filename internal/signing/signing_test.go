package signing

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	k, err := Generate("vmc test", "psirt@example.cn", now)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Generate("someone else", "x@example.cn", now)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := k.ArmoredPublic()
	if err != nil {
		t.Fatal(err)
	}
	v, err := ParseVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(`{"document":{}}`)
	sig, err := k.Sign(data, now)
	if err != nil {
		t.Fatal(err)
	}
	otherSig, err := other.Sign(data, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		data, sig []byte
		want      error
	}{
		{"good", data, sig, nil},
		{"altered data", []byte(`{"document":{"x":1}}`), sig, ErrBadSignature},
		{"another key", data, otherSig, ErrBadSignature},
		{"no signature", data, nil, ErrNoSignature},
		{"garbage signature", data, []byte("-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"), ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fp, err := v.Verify(tc.data, tc.sig, now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify: %v, want %v", err, tc.want)
			}
			if err == nil && fp != k.Fingerprint() {
				t.Errorf("fingerprint %s, want %s", fp, k.Fingerprint())
			}
		})
	}
}

func TestLoadOrGenerate(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "key.asc")
	k1, created, err := LoadOrGenerate(path, "vmc", "psirt@example.cn", now)
	if err != nil || !created {
		t.Fatalf("first: created %v, %v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, created, err := LoadOrGenerate(path, "vmc", "psirt@example.cn", now)
	if err != nil || created {
		t.Fatalf("second: created %v, %v", created, err)
	}
	if k1.Fingerprint() != k2.Fingerprint() {
		t.Errorf("reloaded key %s, want %s", k2.Fingerprint(), k1.Fingerprint())
	}
	pub, _ := k1.ArmoredPublic()
	if _, err := ParseKey(pub); !errors.Is(err, ErrKey) {
		t.Errorf("ParseKey(public key) = %v, want ErrKey", err)
	}
}
