package auth

import "golang.org/x/crypto/argon2"

// idKey is argon2id (RFC 9106), version 0x13. It is the package's only use
// of golang.org/x/crypto, kept in one small file so that the dependency
// is easy to see and to replace.
func idKey(password, salt []byte, p phcParams, keyLen uint32) []byte {
	return argon2.IDKey(password, salt, p.time, p.memory, p.threads, keyLen)
}
