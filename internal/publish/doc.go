// Package publish is the neutral model that vmc's publishers write: a
// security advisory as a Document — who publishes it, its tracking
// (id, status, revisions), its disclosure label, how much technical
// detail it carries (Level) — around one vulnerability in vmc's own
// record type, advisory.Record. The writers, one format each, live
// below: publish/csaf (CSAF 2.0, profile csaf_security_advisory),
// publish/osv (OSV) and publish/cve5 (a CVE JSON 5.1 CNA container, for
// submission through CVE Services); publish/formats lists them.
//
// The model knows nothing of where a document comes from. An advisory
// the organisation authors (incident.Advisory) becomes a Document, and so
// can any merged vulnerability (advisory.Vulnerability.Record), which is
// why the vulnerability is an advisory.Record rather than a type of its
// own.
//
// # Detail levels
//
// A document is written at a Level, and every writer starts from
// Document.Redact, which leaves out what the level does not publish, so
// that no writer can forget to:
//
//	                                       minimal  standard  full
//	title, summary (descriptions), affected
//	  products and versions, fixed
//	  versions, remediations, workarounds,
//	  CVSS vectors, criticality, credits,
//	  TLP, revision history                   ✓        ✓        ✓
//	references: ADVISORY, ARTICLE,
//	  PACKAGE, WEB                            ✓        ✓        ✓
//	CWE                                        -        ✓        ✓
//	technical details (note "details")         -        ✓        ✓
//	references: REPORT, FIX, INTRODUCED,
//	  GIT, DISCUSSION, DETECTION; GIT ranges   -        ✓        ✓
//	exploitation details (note "exploit"),
//	  references: EVIDENCE                     -        -        ✓
//
// The minimal level tells operators what is affected, how bad it is and
// what to do, and nothing that says where the flaw is: the weakness
// class, the fixing commit and the bug report all point an attacker at
// it. The standard level adds what a defender needs to judge exposure
// and detect attempts. Only the full level describes exploitation.
//
// This package and its writers know nothing of storage, HTTP or the
// command line.
package publish
