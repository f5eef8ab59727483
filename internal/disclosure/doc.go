// Package disclosure is coordinated vulnerability disclosure from the
// organisation's side: reports of vulnerabilities from people outside it
// (researchers, customers, other vendors' PSIRTs), taken in without an
// account, answered within deadlines, and carried through triage to a
// fix and its publication, with the reporter credited as they asked.
//
// A report moves received → acknowledged → triaged → accepted, rejected
// or duplicate → fixed → disclosed (CheckMove). Three deadlines run from
// its receipt (Policy): acknowledgement, in business days; triage; and
// the coordinated-disclosure date, 90 days by default, the date after
// which the reporter may publish whether or not a fix is out. Overdue
// says which of them a report has missed.
//
// The reporter follows the report through a secret status link and an
// acknowledgement code they may quote; everything else about a report
// is for the team, under its marking (incident.Marking, TLP:AMBER by
// default). SecurityTxt writes /.well-known/security.txt (RFC 9116),
// which tells reporters where to send reports.
//
// This package knows nothing of storage, HTTP or the command line.
package disclosure
