package trust

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"

	"github.com/emmansun/gmsm/sm3"
)

// Algorithm is a hash algorithm as IMA names it in a digest's prefix.
type Algorithm string

const (
	SHA1   Algorithm = "sha1"
	SHA256 Algorithm = "sha256"
	SHA384 Algorithm = "sha384"
	SHA512 Algorithm = "sha512"
	// SM3 is GB/T 32905-2016's hash, 256 bits. Kernels and tools spell it
	// "sm3" (Linux's hash_algo_name since 5.x), "sm3-256" (older kernels)
	// and "sm3_256" (keylime); all read as SM3.
	SM3 Algorithm = "sm3"
)

// ParseAlgorithm reads an algorithm name, case-insensitively.
func ParseAlgorithm(s string) (Algorithm, bool) {
	switch strings.ToLower(s) {
	case "sha1":
		return SHA1, true
	case "sha256":
		return SHA256, true
	case "sha384":
		return SHA384, true
	case "sha512":
		return SHA512, true
	case "sm3", "sm3-256", "sm3_256":
		return SM3, true
	}
	return "", false
}

// Size is the digest's length in bytes.
func (a Algorithm) Size() int {
	switch a {
	case SHA1:
		return sha1.Size
	case SHA256, SM3:
		return 32
	case SHA384:
		return sha512.Size384
	case SHA512:
		return sha512.Size
	}
	return 0
}

// New returns a hash of the algorithm.
func (a Algorithm) New() hash.Hash {
	switch a {
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	case SHA384:
		return sha512.New384()
	case SHA512:
		return sha512.New()
	case SM3:
		return sm3.New()
	}
	return nil
}

// Sum is the digest of b.
func (a Algorithm) Sum(b []byte) []byte {
	h := a.New()
	h.Write(b)
	return h.Sum(nil)
}
