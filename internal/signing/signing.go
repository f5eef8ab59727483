package signing

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Errors a signature check tells apart.
var (
	// ErrBadSignature: the signature does not verify against the key:
	// the data changed, or someone else signed it.
	ErrBadSignature = errors.New("signature does not verify")
	// ErrNoSignature: there is no signature to check.
	ErrNoSignature = errors.New("not signed")
	// ErrKey: a key file that is not a usable OpenPGP key.
	ErrKey = errors.New("unusable OpenPGP key")
)

// maxKeyFile bounds a key file read whole: an armored Ed25519 key is
// under 1 kB, an RSA one a few kB with its signatures.
const maxKeyFile = 1 << 20

// Key is a private signing key.
type Key struct {
	entity *openpgp.Entity
}

// config fixes what vmc writes: Ed25519 keys, SHA-512 digests.
func config(now time.Time) *packet.Config {
	return &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultHash: crypto.SHA512,
		Time: func() time.Time { return now }}
}

// Generate makes a new signing key for the user id "name <email>",
// created at now and without expiry.
func Generate(name, email string, now time.Time) (*Key, error) {
	e, err := openpgp.NewEntity(name, "", email, config(now))
	if err != nil {
		return nil, fmt.Errorf("generate OpenPGP key: %w", err)
	}
	return &Key{entity: e}, nil
}

// ParseKey reads an armored private key (the first of the block).
func ParseKey(armored []byte) (*Key, error) {
	list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armored))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	for _, e := range list {
		if e.PrivateKey == nil {
			continue
		}
		if e.PrivateKey.Encrypted {
			return nil, fmt.Errorf("%w: the private key is encrypted with a passphrase; vmc signs unattended and needs it unencrypted", ErrKey)
		}
		return &Key{entity: e}, nil
	}
	return nil, fmt.Errorf("%w: no private key in it", ErrKey)
}

// LoadKey reads the armored private key in the file path.
func LoadKey(path string) (*Key, error) {
	b, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadOrGenerate reads the key in path, or, when there is no such file,
// generates one for name and email and writes it there (mode 0600, by
// rename, so that a crash leaves no half key). created reports which.
func LoadOrGenerate(path, name, email string, now time.Time) (k *Key, created bool, err error) {
	k, err = LoadKey(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, false, err
	}
	if k, err = Generate(name, email, now); err != nil {
		return nil, false, err
	}
	priv, err := k.ArmoredPrivate()
	if err != nil {
		return nil, false, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, priv, 0o600); err != nil {
		return nil, false, fmt.Errorf("write signing key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, false, fmt.Errorf("write signing key: %w", err)
	}
	return k, true, nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("%s: %w: larger than %d bytes", path, ErrKey, maxKeyFile)
	}
	return b, nil
}

// Fingerprint is the key's v4 fingerprint in upper-case hex, as CSAF's
// provider metadata writes it (public_openpgp_keys[].fingerprint).
func (k *Key) Fingerprint() string {
	return strings.ToUpper(hex.EncodeToString(k.entity.PrimaryKey.Fingerprint))
}

// ArmoredPublic is the public key, armored.
func (k *Key) ArmoredPublic() ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := k.entity.Serialize(w); err != nil {
		return nil, fmt.Errorf("serialise public key: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// ArmoredPrivate is the private key, armored and unencrypted.
func (k *Key) ArmoredPrivate() ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := k.entity.SerializePrivate(w, nil); err != nil {
		return nil, fmt.Errorf("serialise private key: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Sign returns an armored detached signature of data made at now.
func (k *Key) Sign(data []byte, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&buf, k.entity, bytes.NewReader(data), config(now)); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Verifier checks signatures against trusted public keys.
type Verifier struct {
	keys openpgp.EntityList
}

// ParseVerifier reads armored public (or private) keys: the keys whose
// signatures are trusted.
func ParseVerifier(armored []byte) (*Verifier, error) {
	list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armored))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%w: no key in it", ErrKey)
	}
	return &Verifier{keys: list}, nil
}

// LoadVerifier reads the armored public keys in the file path.
func LoadVerifier(path string) (*Verifier, error) {
	b, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	v, err := ParseVerifier(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// Verify checks the armored detached signature sig of data at now, and
// returns the signing key's fingerprint. An empty sig is ErrNoSignature;
// one that does not verify (altered data, another signer's key, an
// expired or revoked key) is ErrBadSignature.
func (v *Verifier) Verify(data, sig []byte, now time.Time) (string, error) {
	if len(bytes.TrimSpace(sig)) == 0 {
		return "", ErrNoSignature
	}
	signer, err := openpgp.CheckArmoredDetachedSignature(v.keys, bytes.NewReader(data), bytes.NewReader(sig),
		&packet.Config{Time: func() time.Time { return now }})
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return strings.ToUpper(hex.EncodeToString(signer.PrimaryKey.Fingerprint)), nil
}
