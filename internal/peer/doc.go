// Package peer describes the other vmc instances a vmc pulls
// vulnerability records from (vmc-to-vmc federation): who they are, how
// they are reached (OSV or TAXII), how far their claims are trusted
// against other sources in the merge, and where a record originated so
// that records do not travel in circles between peers.
//
// Records pulled from a peer are kept under the source "peer:<name>"
// with the peer's own ids, so provenance always names the peer; the
// trust level puts that source in the merge's precedence (Precedence).
//
// Loops: every vmc has a name (its origin). What it publishes carries
// the origin of each record — itself when any of its own (non-peer)
// sources carries the record, else the origin the peer it pulled the
// record from gave. A pull skips records whose origin is the puller
// itself, and records whose content (all but the modified time) is the
// same as the last time it pulled them from that peer. Content that
// stops changing stops travelling, so modified times cannot ping-pong.
package peer
