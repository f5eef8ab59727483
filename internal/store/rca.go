package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// RootCauses keeps incidents' root-cause analyses (SAMM VM3): the
// free-text analysis, the causes, the recommendations and management's
// decisions on them, and the "where else?" tasks. Every write is in the
// audit log as actor's, under the object "incident:<id>", and on the
// incident's timeline, in the same transaction. The store enforces the
// rules that depend on what is stored: a recommendation's cause is one of
// its incident's, a decided recommendation's text stays as decided, and
// each decision is checked (incident.CheckDecision) against the
// recommendation and its task as stored. CWE ids are checked for their
// form; checking them against the catalogue (Cause.CheckCWE) is the
// caller's, at the boundary where they come in.
type RootCauses interface {
	// Analysis returns an incident's analysis: its text, its causes and
	// its recommendations with their decisions, oldest first.
	Analysis(ctx context.Context, incidentID int64) (incident.Analysis, error)
	// PutAnalysisText replaces the free-text analysis.
	PutAnalysisText(ctx context.Context, incidentID int64, text, actor string) (incident.Analysis, error)
	// PutCause creates a cause on c.Incident (ID 0) or changes one (its
	// incident stays), and returns it as stored.
	PutCause(ctx context.Context, c incident.Cause, actor string) (incident.Cause, error)
	Cause(ctx context.Context, id int64) (incident.Cause, error)
	// PutRecommendation creates a recommendation on r.Incident (ID 0) or
	// changes an undecided one, and returns it as stored.
	PutRecommendation(ctx context.Context, r incident.Recommendation, actor string) (incident.Recommendation, error)
	Recommendation(ctx context.Context, id int64) (incident.Recommendation, error)
	// DecideRecommendation records management's decision d (its Decided
	// is stamped now) on recommendation id, checked by
	// incident.CheckDecision. Scheduling opens the fix as a task of the
	// incident (incident.ScheduledTask), in the same transaction. It
	// returns the recommendation with the decision.
	DecideRecommendation(ctx context.Context, id int64, d incident.Decision) (incident.Recommendation, error)
	// WhereElse finds the assets a cause may be present on too, each
	// with why: open findings (finding.State.Open) on vulnerabilities a
	// current source record assigns the cause's CWE, the cause's
	// component (same package, any version), and assets its
	// configuration selector matches. Hits are ordered by asset.
	WhereElse(ctx context.Context, causeID int64) ([]WhereElseHit, error)
	// OpenWhereElse opens a task on the cause's incident for each asset
	// the cause's "where else?" finds that req selects, one per asset and
	// cause: an asset with a task for the cause already is skipped. It
	// returns the tasks opened.
	//
	// Tasks, not findings: a vmc finding is the matcher's statement that
	// a vulnerability affects a package on an asset, which every re-scan
	// reconciles (finding.Reconcile) and which only a re-scan verifies
	// fixed. A CWE or component match already comes through such a
	// finding, which the task links ("finding:42"); a configuration match
	// has no vulnerability or package to make one of, and a hand-made
	// finding would be closed by the next scan. A task on the incident is
	// the follow-up SAMM VM3 asks for, owned and dated, and it outlives
	// the incident's closing (incident.CheckTasks).
	OpenWhereElse(ctx context.Context, causeID int64, req WhereElseTasks, actor string) ([]incident.Task, error)
	// RCACoverage counts the closed and reviewed incidents whose root
	// cause and recommendations are documented (incident.Analysis.Documented):
	// SAMM VM3's "% of incidents with documented root cause and
	// recommendations".
	RCACoverage(ctx context.Context, q RCACoverageQuery) (RCACoverage, error)
}

// WhereElseHit is one reason to look at an asset again.
type WhereElseHit struct {
	Asset AssetRef `json:"asset"`
	// Match is how it was found: "cwe", "component" or "configuration";
	// Reason says it in words.
	Match  string `json:"match"`
	Reason string `json:"reason"`
	// Finding, Vuln and State are the finding a CWE match came through.
	Finding int64  `json:"finding,omitempty"`
	Vuln    string `json:"vuln,omitempty"`
	State   string `json:"state,omitempty"`
	// Ecosystem, Package and Version are the package a CWE or component
	// match is in; SameVersion says a component match is the cause's very
	// version.
	Ecosystem   string `json:"ecosystem,omitempty"`
	Package     string `json:"package,omitempty"`
	Version     string `json:"version,omitempty"`
	SameVersion bool   `json:"same_version,omitempty"`
	// InIncident says the incident names the asset already.
	InIncident bool `json:"in_incident,omitempty"`
	// Task is the task opened for the asset from this cause, if one was.
	Task int64 `json:"task,omitempty"`
}

// Where-else matches.
const (
	MatchCWE           = "cwe"
	MatchComponent     = "component"
	MatchConfiguration = "configuration"
)

// WhereElseTasks says which "where else?" assets get a task, and whose it
// is.
type WhereElseTasks struct {
	// Assets names the assets; empty means every asset found that the
	// incident does not name already.
	Assets []string
	Owner  string
	Due    time.Time // zero: no due day
}

// RCACoverageQuery bounds the incidents counted by when they were
// detected (from inclusive, to exclusive; zero: unbounded).
type RCACoverageQuery struct {
	From, To time.Time
}

// RCACoverage is how many closed and reviewed incidents document their
// root cause and recommendations.
type RCACoverage struct {
	// Incidents counts the closed and reviewed incidents; Documented
	// those with at least one cause and one recommendation; Undocumented
	// lists the others' ids, lowest first.
	Incidents    int     `json:"incidents"`
	Documented   int     `json:"documented"`
	Undocumented []int64 `json:"undocumented"`
}

// Percent is Documented as a percentage of Incidents; 0 when there are
// none.
func (c RCACoverage) Percent() float64 {
	if c.Incidents == 0 {
		return 0
	}
	return 100 * float64(c.Documented) / float64(c.Incidents)
}

// Breaches keeps what makes an incident a personal data breach: its
// facts (incident.BreachFacts), the notification deadlines in force and
// management's decision records. Writes are audited as actor's; facts and
// decisions are on the incident's timeline too.
type Breaches interface {
	// PutBreach replaces an incident's personal-data facts and returns
	// the incident as stored.
	PutBreach(ctx context.Context, incidentID int64, f incident.BreachFacts, actor string) (incident.Incident, error)
	// DecideBreach records a decision (its Decided is stamped now),
	// checked by incident.CheckBreachDecision against the incident, the
	// rule in force for its jurisdiction and the decisions before it.
	DecideBreach(ctx context.Context, d incident.BreachDecision) (incident.BreachDecision, error)
	// BreachDecisions returns an incident's decisions, oldest first.
	BreachDecisions(ctx context.Context, incidentID int64) ([]incident.BreachDecision, error)
	// BreachRules returns the deadline rules in force: the stored ones
	// over incident.DefaultDeadlineRules (incident.Rules).
	BreachRules(ctx context.Context) ([]incident.DeadlineRule, error)
	// PutBreachRule stores a jurisdiction's rule, replacing its default or
	// its stored rule, in the audit log as actor's decision.
	PutBreachRule(ctx context.Context, r incident.DeadlineRule, actor, reason string) error
	// DeleteBreachRule removes a stored rule: the jurisdiction's default,
	// if it has one, is in force again.
	DeleteBreachRule(ctx context.Context, jurisdiction, actor, reason string) error
	// ListBreaches returns the incidents flagged as involving personal
	// data, newest first, each with its decisions and where its
	// notification deadlines stand at now.
	ListBreaches(ctx context.Context, now time.Time) ([]Breach, error)
}

// Breach is an incident involving personal data, its decisions and its
// notification deadlines.
type Breach struct {
	Incident    incident.Incident         `json:"incident"`
	Decisions   []incident.BreachDecision `json:"decisions"`
	Obligations []incident.Obligation     `json:"obligations"`
}

// Overdue reports whether a notification deadline has passed with nothing
// done or decided.
func (b Breach) Overdue() bool {
	for _, o := range b.Obligations {
		if o.Status == incident.Overdue {
			return true
		}
	}
	return false
}
