// Package incident is the security incident response process of OWASP
// SAMM's vulnerability management practice (VM2, VM3): incidents and their
// lifecycle, and the disclosure controls every piece of incident
// information carries — a TLP 2.0 label and an optional embargo — which
// decide what may leave vmc, through which channel, to whom.
//
// The release rule lives here, in one function (Release), so that every
// channel (API, exports, notifications, feeds) asks the same question the
// same way and a test can hold each of them to it.
//
// Evidence is hashed with SHA-256 on intake (NewEvidence) and every later
// access, export or transfer is a custody event whose log CheckCustody
// holds to the rules; WriteBundle exports evidence with a manifest of
// hashes, after Release allows each item to the recipient, and
// VerifyBundle re-hashes a bundle against it.
//
// This package knows nothing of storage, HTTP or the command line.
package incident
