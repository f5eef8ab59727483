package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/rules"
)

// Automation keeps automation rules (every version), the events they act
// on, what each rule version did with each event, tags, and watchlists.
// Rule versions are in the audit log as actor's, under "automation:<id>"
// ("automation.version").
type Automation interface {
	// PutAutomation saves r as a new version: ID 0 creates rule 1, 2, ...
	// at version 1, otherwise the version after the rule's latest. The
	// caller has compiled it. The version acts on events recorded after
	// it is saved.
	PutAutomation(ctx context.Context, r rules.Rule, actor string) (rules.Rule, error)
	// Automation returns a rule's version (0: the latest).
	Automation(ctx context.Context, id int64, version int) (rules.Rule, error)
	// AutomationVersions returns every version of a rule, oldest first.
	AutomationVersions(ctx context.Context, id int64) ([]rules.Rule, error)
	// ListAutomations returns the latest version of every rule, by id.
	ListAutomations(ctx context.Context) ([]rules.Rule, error)

	// CollectEvents turns what was recorded since it last ran (claims,
	// new findings, the audit log) into events, at most about limit
	// source rows a call, and returns how many events it recorded; call
	// it until it returns 0 to catch up. Reading a source and moving its
	// watermark are one transaction, and events are unique by key, so an
	// interrupted or repeated call loses and doubles nothing.
	CollectEvents(ctx context.Context, limit int) (int, error)
	// AddEvents records events a scheduled check found; those whose key
	// is already recorded are skipped. It returns how many were new.
	AddEvents(ctx context.Context, es []rules.Event) (int, error)
	// Events returns the events q selects, by id.
	Events(ctx context.Context, q EventQuery) ([]rules.Event, error)

	// Cursor returns where the named consumer stopped (0 if it never
	// ran); SetCursor moves it.
	Cursor(ctx context.Context, name string) (int64, error)
	SetCursor(ctx context.Context, name string, pos int64) error

	// ClaimRun records that a rule version is handling an event, and
	// reports false if it already did (or is): the one place that makes
	// running idempotent per (rule version, event).
	ClaimRun(ctx context.Context, ruleID int64, version int, eventID int64) (bool, error)
	// FinishRun records a claimed run's outcome.
	FinishRun(ctx context.Context, r RuleRun) error
	// Runs returns the runs q selects, newest first.
	Runs(ctx context.Context, q RunQuery) ([]RuleRun, error)

	// AddTag tags an object ("finding:3", "vuln:CVE-2021-44228"); a tag
	// already there stays as it was.
	AddTag(ctx context.Context, object, tag, actor string) error
	// Tags returns an object's tags, or every tag when object is "".
	Tags(ctx context.Context, object string) ([]Tag, error)

	// PutWatch creates a watch (ID 0) and returns it with its id.
	PutWatch(ctx context.Context, w rules.Watch) (rules.Watch, error)
	// ListWatches returns owner's watches, or everyone's for "".
	ListWatches(ctx context.Context, owner string) ([]rules.Watch, error)
	// DeleteWatch removes a watch of owner's (any owner's for "").
	DeleteWatch(ctx context.Context, id int64, owner string) error
	// ClaimWatchSend records that a watch is telling of an event, and
	// reports false if it already did.
	ClaimWatchSend(ctx context.Context, watchID, eventID int64, status string) (bool, error)
}

// EventQuery selects events.
type EventQuery struct {
	After  int64 // ids after this one
	Before int64 // ids before this one; 0 is no bound
	Kinds  []rules.Kind
	// Newest lists the newest first (for dry-runs over the recent past).
	Newest bool
	// Limit caps the list; 0 means 100, and it is never more than 5000.
	Limit int
}

// RuleRun is what a rule version did with an event.
type RuleRun struct {
	Rule    int64     `json:"rule"`
	Version int       `json:"version"`
	Event   int64     `json:"event"`
	At      time.Time `json:"at"`
	// Status is pending (claimed, not finished: vmc stopped while
	// running it, and it is not run again), done or failed.
	Status  string        `json:"status"`
	Outcome rules.Outcome `json:"outcome"`
	// Results say what each action did, in order.
	Results []string `json:"results,omitempty"`
}

// RunQuery selects runs.
type RunQuery struct {
	Rule  int64 // 0: every rule
	Limit int   // 0 means 100
}

// Tag is a tag on an object.
type Tag struct {
	Object string    `json:"object"`
	Tag    string    `json:"tag"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}
