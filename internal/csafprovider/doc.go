// Package csafprovider makes vmc a CSAF 2.0 trusted provider (CSAF 2.0
// section 7, https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html#7-distributing-csaf-documents)
// for what the organisation publishes: the PSIRT's published advisories
// (incident.Advisory) and the vulnerabilities under vmc's own
// identifiers (package ident), each written by the existing CSAF writer
// (publish/csaf), which passes vmc's own validator or writes nothing.
//
// Only what the public may read now is published: TLP:CLEAR (CSAF 2.0's
// WHITE) and no embargo left (incident.Release on the feed channel), and
// for advisories the published state. Everything goes under one
// directory, /.well-known/csaf/white/, which is at once the directory
// distribution (7.1.11-7.1.14: a folder per year of the initial release,
// index.txt, changes.csv newest first, directory listings) and the home
// of the one ROLIE feed (7.1.15-7.1.17: the feed, its category document,
// and service.json beside provider-metadata.json). Every document has
// .sha256 and .sha512 files (7.1.18) and an armored detached OpenPGP
// signature (7.1.19) made with the configured key, whose public key is
// published under /.well-known/csaf/openpgp/ and named, fingerprint and
// URL, in provider-metadata.json (7.1.20).
//
// # Revisions
//
// What was published is kept (store.CSAFProvider) byte for byte with its
// signature. A document is written again on every build, and compared
// with the kept one by a fingerprint of its content without its
// tracking: unchanged, the kept bytes are served again, so hashes and
// signatures are stable; changed, it gets a new revision — the source's
// own when it has more revisions than were published (an advisory the
// PSIRT revised), else the next number, dated at the build, "Updated" —
// and its new current_release_date is its changes.csv entry. A document
// that may no longer be published (re-marked, embargoed) leaves the tree
// but stays kept, so that it comes back with its history.
//
// Publish makes every decision (revisions, signatures) and keeps the
// outcome in the store; Render lays the provider out as a Tree of files
// from the store alone, so that every replica of `vmc serve`, which runs
// Publish as one scheduled job for all of them, renders the same bytes.
// Build is both, for `vmc csaf provider build`, which writes the tree to
// a directory for any web server.
package csafprovider
