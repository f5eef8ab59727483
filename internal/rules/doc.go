// Package rules is vmc's automation: rules that act on events, and
// watchlists that tell people of advisories about what they follow.
//
// An Event is something vmc recorded (an advisory created or changed, a
// finding created or changed, an SLA near or breached, a risk acceptance
// expiring, an incident opened, a report received, baseline drift, the
// process review or an audit plan due or overdue, a feed sync failed),
// carried with a snapshot of its record as an Env. Events are derived by
// the store from what it already keeps (claim history, findings, the
// audit log) behind watermarks, so that no writer has to know about
// rules; the deadline kinds come from the engine's scheduled check, and
// sync.failed from the scheduled sync. Events are kept, so that a rule can
// be dry-run against past events.
//
// A Rule is two expr-lang/expr expressions over the typed Env: When, a
// condition, and Then, the actions (built by the functions priority,
// ssvc, assign, notify, incident, ticket and tag). Both are compiled when
// the rule is saved; a rule that does not compile is refused with the
// line and column of the error. Evaluating a rule only computes what it
// would do: the actions are carried out by the engine (package
// internal/automation), which is what makes a dry-run harmless.
//
// This package knows nothing of storage, HTTP or delivery.
package rules
