// Package automation runs rules (package rules) on the events the store
// records, tells watchers of advisories, and runs the scheduled checks
// that make SLA and acceptance events. It is the only place rule actions
// are carried out: a dry-run evaluates the same rules and carries out
// nothing.
//
// Exactly-once is kept by the store: a run is claimed per (rule
// version, event) before its actions are carried out, and a watch's
// notice per (watch, event). A run that vmc stopped in the middle of
// stays "pending" and is not run again: repeating an e-mail or a ticket
// is worse than reporting that one may be missing.
package automation
