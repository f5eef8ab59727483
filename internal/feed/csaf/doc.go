// Package csaf reads Common Security Advisory Framework documents, CSAF 2.0
// (https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html; the
// JSON schema is in ../shared/data/csaf/schema/) and CSAF 2.1
// (https://docs.oasis-open.org/csaf/csaf/v2.1/schema/csaf.json), into
// advisory records with Source "csaf". It is the importer's parser: it
// reads what a document says and does not judge whether the document
// passes the specification's conformance tests, which is the validator's
// job (internal/csaf).
//
// One file holds one document, a single JSON object; documents larger
// than 64 MiB are refused. All five profiles are read the same way
// (csaf_base, csaf_security_advisory, csaf_vex,
// csaf_security_incident_response, csaf_informational_advisory, and any
// other category, which is csaf_base): each entry of vulnerabilities[]
// becomes one record, and a document without vulnerabilities (an
// informational advisory) yields none.
//
// # Identity
//
//	vulnerabilities[i].cve       ID; else the first ids[].text that is a
//	                             well-formed id (advisory.ValidID), such as
//	                             Cisco's bug id "CSCvg76186"
//	document.tracking.id         Document: a CSAF advisory names its
//	                             vulnerabilities by CVE, so two publishers'
//	                             advisories about one CVE are two records
//	other ids[] entries          Aliases when the id belongs to a
//	                             vulnerability database (CVE, GHSA, GO,
//	                             PYSEC, RUSTSEC, OSV, CNVD, CNNVD, JVNDB,
//	                             BDU, EUVD, GCVE, GSD, SNYK); anything else
//	                             (a vendor bug id, Red Hat's Bugzilla URL)
//	                             names a ticket, which several
//	                             vulnerabilities may share, and becomes a
//	                             Note{Category "id", Title system_name}
//
// # Mapping
//
//	tracking.initial_release_date   Published (UTC)
//	tracking.current_release_date   Modified (UTC)
//	tracking.status                 Note{Category "tracking_status"}: final,
//	                                interim or draft. revision_history,
//	                                version and generator are not read
//	distribution.tlp.label          TLP in TLP 2.0's names: WHITE (2.0)
//	                                becomes CLEAR; CLEAR, GREEN, AMBER,
//	                                AMBER+STRICT and RED are kept; no
//	                                label is no claim
//	vulnerability title             Titles; else the document title. The
//	                                language is document.lang with English
//	                                tags folded to "en" (as feed/cve5 does),
//	                                "en" when absent
//	notes, category description     Descriptions, several joined by blank
//	                                lines; when a vulnerability has none,
//	                                its summary notes, else Red Hat's
//	                                general note titled "Vulnerability
//	                                Description"
//	other notes                     Notes with CSAF's category and title:
//	                                the vulnerability's first, then the
//	                                document's
//	discovery_date, release_date,   Notes named after the field, RFC 3339
//	disclosure_date (2.1),          UTC: the record's dates are the
//	first_known_exploitation_dates  document's
//	document.aggregate_severity     Note{Category "aggregate_severity",
//	                                Title namespace}: it rates the document,
//	                                not a vulnerability, so it is no Severity
//	document.publisher              Note{Category "publisher", Title the
//	                                publisher category, Text "name
//	                                (namespace)"}, and the Provider of every
//	                                Severity: the namespace, else the name
//	cwe (2.0), cwes (2.1)           CWEs, name as Description
//	scores[] (2.0)                  Severities: cvss_v2 CVSS_V2, cvss_v3
//	metrics[].content (2.1)         CVSS_V3.0 or CVSS_V3.1 by the vector's
//	                                prefix, cvss_v4 CVSS_V4.0; Score is
//	                                baseScore, Rating baseSeverity.
//	                                qualitative_severity_rating is Type OTHER
//	                                with Rating. A metric's source, when
//	                                given, is the Provider instead of the
//	                                publisher. Identical severities given
//	                                for several product groups are kept
//	                                once: a record's severities do not say
//	                                which products they score
//	metrics[].content.epss (2.1)    EPSS: the first one; Date is the day
//	                                of its timestamp
//	metrics[].content.ssvc_v2       SSVC: the first list with an ssvc
//	                                decision point vmc keeps (E, A, TI),
//	                                values in CISA's words (none, poc,
//	                                active; no, yes; partial, total).
//	                                Early 2.1 drafts' ssvc_v1 is not read
//	references (vulnerability,      References, once per URL, the
//	then document)                  vulnerability's first: category self is
//	                                ADVISORY, external WEB; the category
//	                                stays as a tag, the summary is dropped
//	acknowledgments (vulnerability, Credits: one per name as "name
//	then document)                  (organization)", or the organization
//	                                alone; urls become Contact. The summary
//	                                has no fixed mapping to a credit type
//
// Document-level notes, references and acknowledgments are repeated in
// every record, since each record stands alone in the store.
//
// # Products
//
// The product tree is flattened once per document. branches are walked
// from the root: the innermost vendor branch gives Vendor, product_name
// gives Product (else product_family, else the full product name), and the
// innermost of product_version, product_version_range, service_pack and
// patch_level gives the one entry of Versions (Cisco writes the release,
// "12.2(55)SE", as a service_pack under product_version "12.2"). A
// version range stays as its vers string ("vers:generic/>=2.9|<=4.1"); it
// is not turned into advisory.Range events. The product's full name is
// Text; product_identification_helper gives PURL (2.0 purl, or the first of
// 2.1's purls: advisory.Affected holds one) and CPEs. full_product_names
// give Product and Text only.
//
// A relationship (default_component_of, installed_on, ...) defines a
// product of its own. Its entry takes Vendor, Product, Versions, PURL and
// CPEs from its component (product_reference, followed through nested
// relationships) and its own full name as Text ("telnet-0.17-65.el7_6 as a
// component of Red Hat Enterprise Linux Server AUS (v. 7.6)"). The
// platform's CPE is not added: a list of CPEs means "any of these", and
// the platform's would claim every host running it.
//
// product_groups expand to their members wherever group_ids are allowed
// (flags, threats, remediations).
//
// Each vulnerability's product_status lists give one Affected entry per
// product and status, Status being CSAF's key (first_affected,
// known_affected, last_affected, first_fixed, fixed, recommended,
// known_not_affected, under_investigation, and 2.1's unknown), in that
// order and in document order within a list. A product listed under fixed
// and first_fixed has two entries. Then:
//
//   - flags[].label (component_not_present, vulnerable_code_not_present,
//     ...) becomes the Justification of the known_not_affected entries of
//     the products it names; the first flag for a product wins. A flag
//     that names no product is a Note{Category "flag"}.
//   - threats[] of category impact are the VEX impact statement: their
//     details become the Justification of named known_not_affected
//     entries that no flag justified. Other threats, and impact
//     statements not used so for every product they name (Red Hat's
//     "Important", which names none), are Note{Category "threat", Title
//     the threat category}. Threat dates are not kept.
//   - remediations[] (vendor_fix, mitigation, workaround, none_available,
//     no_fix_planned, and 2.1's fix_planned and optional_patch) are added
//     to the Remediations of every entry of the products they name, with
//     details, url and the date in RFC 3339 UTC. A remediation that
//     reaches no entry is a Note{Category "remediation", Title its
//     category}. entitlements and restart_required are not kept.
//
// Not read: involvements, 2.1's note audience and product scoping,
// hashes, model numbers, SKUs, serial numbers, SBOM URLs, generic URIs,
// source_lang, tracking.aliases, the distribution text and 2.1 sharing
// groups.
//
// # What rejects a record
//
// A record is rejected with a *feed.RecordError naming it (its id, or
// "#N" for the Nth vulnerability when it has none) and the JSON path, and
// parsing goes on with the next vulnerability, when:
//
//   - it has no cve and no ids[] entry that is a well-formed id
//     (vulnerabilities[i]); its cve does not match the schema's
//     ^CVE-[0-9]{4}-[0-9]{4,}$; an earlier vulnerability of the document
//     has the same id (test 6.1.23).
//   - the document's tracking.id is missing or not a well-formed id, a
//     release date is not RFC 3339, the TLP label is unknown, or a
//     document reference has no URL. These are reported for every record,
//     naming the document field ("document.tracking.id"), since every
//     record would carry the bad value; the id is never altered, so that
//     two documents cannot collide under a cleaned-up name.
//   - it names a product id the tree does not define
//     (vulnerabilities[0].product_status.fixed[3]; test 6.1.1) or a group
//     id (test 6.1.4), anywhere: statuses, flags, threats, remediations,
//     scores, metrics. A product defined twice (test 6.1.2), a group with
//     an undefined member, or a relationship with an undefined or
//     circular (test 6.1.3) component rejects the records that use it,
//     naming the place in product_tree and where it was referenced.
//   - a value of the wrong JSON type anywhere in the vulnerability; a
//     malformed CWE id; a CVSS object without vectorString, a cvss_v3
//     vector that is not CVSS:3.0/ or CVSS:3.1/, a cvss_v4 vector that is
//     not CVSS:4.0/, a baseScore outside 0 to 10; an EPSS probability or
//     percentile outside 0 to 1 or without timestamp; an unknown flag
//     label or remediation category (they drive Justification and
//     Remediations, whose vocabularies are closed); a date that is not
//     RFC 3339; a reference without URL.
//
// Free text is never an error, nor are unknown note, threat, reference or
// publisher categories: they are kept as written.
//
// The whole document is rejected with one error wrapping feed.ErrFormat
// that names the field but no record ("document.csaf_version: malformed
// input: unsupported \"3.0\"") when it is not JSON or has anything after
// the object (gocsaf's trailing-garbage test document), when the document
// property or csaf_version is missing, when csaf_version is neither 2.0 nor
// 2.1, and when the document or product_tree property holds a value of the
// wrong JSON type, since every record depends on them.
//
// # Limits
//
// Besides the 64 MiB bound, two limits keep hostile documents from
// costing quadratic time: group and remediation expansion stops a record
// past 2^21 product references, and a document whose document-level notes,
// references and acknowledgments times its vulnerabilities pass 2^26 is
// refused. Real advisories stay far below both.
package csaf
