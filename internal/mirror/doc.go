// Package mirror carries vmc's vulnerability records to networks with
// no internet: `vmc mirror export` writes a signed bundle of the source
// records a database holds — each with its provenance (source, record
// id, document, the source's modified time) and its history (every
// value each field had, in order) — and `vmc mirror import` brings it
// into another database.
//
// # The bundle
//
// A bundle is a tar file of, in this order:
//
//	manifest.json       format, the origin's mark (see below), the batches
//	                    with their SHA-256 and entry counts
//	manifest.json.asc   an armored detached OpenPGP signature of manifest.json
//	batches/NNNNNN.jsonl.gz   gzip'd JSON lines, one Entry per source record
//
// The signature covers the manifest, and the manifest the batches by
// their SHA-256, so that one check covers every byte. Import checks the
// signature against the configured trusted public key before it reads
// anything else, and each batch's hash before it decompresses it: an
// unsigned bundle, one signed by another key and one altered after
// signing are refused with an error saying which, and nothing of them is
// written.
//
// # Incremental bundles
//
// A manifest's Mark is the time the export began; an export --since a
// previous bundle carries the vulnerabilities whose merged view changed
// at or after that bundle's mark (an export running beside imports may
// carry a record twice, which import takes as unchanged).
//
// # Import
//
// Each batch is one transaction (store.PutRecords). A record's versions
// are worked out from its claims (the values current at each time one
// changed) and those the receiving database does not have yet are
// written in order, so that its history has the same values in the same
// order; a record whose current state the receiver already holds is
// unchanged. Re-importing a bundle therefore writes nothing, and an
// import cut short (killed, a full disk) is resumed by running it again:
// batches already committed are recorded as imported documents
// ("mirror:<bundle sha256>/<batch>") and skipped without being read.
//
// What does not travel: the receiving database records when it imported
// each value, not when the origin first saw it (the bundle carries both
// times; the store keeps its own clock); and a record the origin retired
// (a snapshot source no longer carrying it) arrives with its last values
// current.
package mirror
