// Package signing holds the OpenPGP keys vmc signs what it publishes
// with — the CSAF trusted provider's documents, the air-gapped mirror's
// bundles — and checks detached signatures against a trusted public key.
//
// Keys are OpenPGP v4 Ed25519 (EdDSA) keys: gopenpgp, which the CSAF
// tools of the BSI (csaf_checker, csaf_downloader) verify with, reads
// them, and generating one takes microseconds where RSA takes seconds.
// Private keys are kept armored and unencrypted in a file only the vmc
// user can read, as a TLS key is: a passphrase would have to sit beside
// it in the configuration to let `vmc serve` sign unattended.
//
// Signatures are armored, detached, binary-mode signatures (RFC 4880
// 5.2.1 type 0x00), the kind CSAF 2.0 section 7.1.19 asks for in the
// .asc file beside each document.
package signing
