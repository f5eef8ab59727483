// Package ident allocates vmc's own vulnerability identifiers under a
// numbering authority, the way GCVE (https://gcve.eu, BCP-02) lets many
// GCVE Numbering Authorities (GNAs) name vulnerabilities without a
// central CVE: GCVE-<GNA id>-<year>-<sequence>, or, for an organisation
// that is no GNA, a local prefix in the GNA's place (ACME-VULN-2026-0001).
//
// An identifier is reserved first (a number handed out, nothing said
// yet), then published (it names a vulnerability) or rejected (it never
// will; a rejected number is never handed out again). A CVE, or any other
// id, assigned later is an alias of it: identifiers are never renumbered.
//
// Sequences are per namespace and year and gapless only in the absence of
// rejections; their uniqueness under concurrent allocators is the store's
// to guarantee (store.Identifiers). This package knows nothing of
// storage, HTTP or the command line.
package ident
