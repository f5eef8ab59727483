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
// Every incident is learnt from (VM3): its root causes (Cause: technical,
// with a CWE and the component or configuration involved, or of people and
// process), the recommendations that follow, and management's Decision on
// each — schedule the fix or accept the risk until a review date
// (CheckDecision). A cause's CWE, component and configuration Selector are
// what "where else?" looks for on other assets. An incident involving
// personal data records its categories, people and jurisdictions; each
// jurisdiction's DeadlineRule runs from awareness, and Obligations says
// where each notification stands given management's BreachDecisions
// (docs/breach-deadlines.md lists the defaults and their legal sources).
//
// This package knows nothing of storage, HTTP or the command line.
package incident
