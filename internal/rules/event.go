package rules

import (
	"fmt"
	"strings"
	"time"
)

// Kind is what happened.
type Kind string

const (
	AdvisoryCreated    Kind = "advisory.created"
	AdvisoryChanged    Kind = "advisory.changed"
	FindingCreated     Kind = "finding.created"
	FindingChanged     Kind = "finding.changed"
	SLANear            Kind = "sla.near"
	SLABreached        Kind = "sla.breached"
	AcceptanceExpiring Kind = "acceptance.expiring"
	IncidentOpened     Kind = "incident.opened"
	ReportReceived     Kind = "report.received"
	BaselineDrift      Kind = "baseline.drift"
	// The scheduled check's deadlines of the process: the periodic
	// review of incident response (SAMM VM3) and each configuration
	// audit plan, due soon or past due.
	ReviewDue     Kind = "review.due"
	ReviewOverdue Kind = "review.overdue"
	AuditDue      Kind = "audit.due"
	AuditOverdue  Kind = "audit.overdue"
	// SyncFailed is a scheduled feed sync that failed.
	SyncFailed Kind = "sync.failed"
)

// Kinds lists every kind, in the order the documentation gives them.
var Kinds = []Kind{AdvisoryCreated, AdvisoryChanged, FindingCreated, FindingChanged, SLANear, SLABreached,
	AcceptanceExpiring, IncidentOpened, ReportReceived, BaselineDrift, ReviewDue, ReviewOverdue, AuditDue, AuditOverdue,
	SyncFailed}

func (k Kind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// UnmarshalText rejects unknown kinds.
func (k *Kind) UnmarshalText(b []byte) error {
	if !Kind(b).IsValid() {
		return fmt.Errorf("unknown event kind %q", b)
	}
	*k = Kind(b)
	return nil
}

// Advisory reports whether the kind is about an advisory.
func (k Kind) Advisory() bool { return k == AdvisoryCreated || k == AdvisoryChanged }

// Event is one thing that happened, with its record as it was then.
type Event struct {
	// ID orders events; the store assigns it.
	ID   int64 `json:"id"`
	Kind Kind  `json:"kind"`
	// Key names what produced the event ("claims:120-180:vuln:42",
	// "audit:77", "sla.breached:finding:3:2026-01-01"); the store keeps
	// one event per key, which is what stops a restarted collector or a
	// scheduled check that runs twice from making the same event twice.
	Key    string    `json:"key"`
	Object string    `json:"object"`
	At     time.Time `json:"at"`
	Env    Env       `json:"env"`
}

// Env is what a rule sees: the event and a snapshot of its record. Every
// part is a value, zero when the event is not about it, so that a rule
// such as `advisory.kev` is simply false on a finding event. The expr
// names are the json names.
type Env struct {
	Kind     string    `json:"kind" expr:"kind"`
	Object   string    `json:"object" expr:"object"`
	Actor    string    `json:"actor,omitempty" expr:"actor"`
	At       time.Time `json:"at" expr:"at"`
	Advisory Advisory  `json:"advisory,omitzero" expr:"advisory"`
	Finding  Finding   `json:"finding,omitzero" expr:"finding"`
	Incident Incident  `json:"incident,omitzero" expr:"incident"`
	Report   Report    `json:"report,omitzero" expr:"report"`
	Drift    Drift     `json:"drift,omitzero" expr:"drift"`
	Review   Review    `json:"review,omitzero" expr:"review"`
	Audit    Audit     `json:"audit,omitzero" expr:"audit"`
	Sync     Sync      `json:"sync,omitzero" expr:"sync"`
}

// Advisory is a merged vulnerability as the event saw it.
type Advisory struct {
	ID      string   `json:"id" expr:"id"`
	Aliases []string `json:"aliases,omitempty" expr:"aliases"`
	// Sources are the sources whose records changed in this event;
	// Fields the claim fields that changed ("kev", "epss", "severity").
	Sources []string `json:"sources,omitempty" expr:"sources"`
	Fields  []string `json:"fields,omitempty" expr:"fields"`
	// Text is every title and description, in every language the
	// records carry (CNVD and CNNVD write Chinese).
	Text     []string `json:"text,omitempty" expr:"text"`
	CWEs     []string `json:"cwes,omitempty" expr:"cwes"`
	CVSS     float64  `json:"cvss,omitempty" expr:"cvss"`
	KEV      bool     `json:"kev,omitempty" expr:"kev"`
	KEVAdded bool     `json:"kev_added,omitempty" expr:"kev_added"`
	// EPSS is the score after the event, EPSSBefore the one it replaced
	// (0 when there was none), EPSSDelta their difference: a rule writes
	// its own threshold (`advisory.epss_delta >= 0.2`).
	EPSS       float64  `json:"epss,omitempty" expr:"epss"`
	EPSSBefore float64  `json:"epss_before,omitempty" expr:"epss_before"`
	EPSSDelta  float64  `json:"epss_delta,omitempty" expr:"epss_delta"`
	Vendors    []string `json:"vendors,omitempty" expr:"vendors"`
	Products   []string `json:"products,omitempty" expr:"products"`
	Packages   []string `json:"packages,omitempty" expr:"packages"`
	PURLs      []string `json:"purls,omitempty" expr:"purls"`
	CPEs       []string `json:"cpes,omitempty" expr:"cpes"`
	// ProductText is the affected products as free text, vendor and
	// product in one string ("北京奇虎科技有限公司 360杀毒 5.0.0.8061"):
	// all CNVD says. It is in Text too.
	ProductText []string `json:"product_text,omitempty" expr:"product_text"`
}

// Finding is a finding as the event saw it.
type Finding struct {
	ID        int64     `json:"id" expr:"id"`
	Asset     string    `json:"asset" expr:"asset"`
	Team      string    `json:"team,omitempty" expr:"team"`
	Vuln      string    `json:"vuln" expr:"vuln"`
	Ecosystem string    `json:"ecosystem,omitempty" expr:"ecosystem"`
	Package   string    `json:"package" expr:"package"`
	PURL      string    `json:"purl,omitempty" expr:"purl"`
	State     string    `json:"state" expr:"state"`
	Priority  string    `json:"priority,omitempty" expr:"priority"`
	Assignee  string    `json:"assignee,omitempty" expr:"assignee"`
	KEV       bool      `json:"kev,omitempty" expr:"kev"`
	EPSS      float64   `json:"epss,omitempty" expr:"epss"`
	CVSS      float64   `json:"cvss,omitempty" expr:"cvss"`
	Due       time.Time `json:"due,omitzero" expr:"due"`
	// DaysLeft is whole days from the event to Due (negative once past).
	DaysLeft int `json:"days_left,omitempty" expr:"days_left"`
	// Change is the audit action of a finding.changed event
	// ("finding.state", "finding.priority", ...).
	Change string `json:"change,omitempty" expr:"change"`
	// Expires is when the risk acceptance runs out.
	Expires time.Time `json:"expires,omitzero" expr:"expires"`
}

// Incident is an incident as opened.
type Incident struct {
	ID       int64    `json:"id" expr:"id"`
	Title    string   `json:"title" expr:"title"`
	Category string   `json:"category,omitempty" expr:"category"`
	Severity string   `json:"severity,omitempty" expr:"severity"`
	Vulns    []string `json:"vulns,omitempty" expr:"vulns"`
	Assets   []string `json:"assets,omitempty" expr:"assets"`
}

// Report is a third-party vulnerability report as received.
type Report struct {
	ID      int64  `json:"id" expr:"id"`
	Code    string `json:"code" expr:"code"`
	Title   string `json:"title" expr:"title"`
	Product string `json:"product,omitempty" expr:"product"`
}

// Drift is a baseline snapshot's difference from its baseline.
type Drift struct {
	Asset    string `json:"asset" expr:"asset"`
	Baseline string `json:"baseline" expr:"baseline"`
	// Drifted counts the baseline's rules whose result changed for the
	// worse since the asset's previous snapshot; Failed those failing.
	Drifted    int     `json:"drifted" expr:"drifted"`
	Failed     int     `json:"failed" expr:"failed"`
	Compliance float64 `json:"compliance" expr:"compliance"`
}

// Review is the incident-response process's periodic review as the
// scheduled check saw it (process.ReviewDue).
type Review struct {
	// Next is the day by which the next review is due; zero when none
	// was ever held and the schedule has no start, so one is due now.
	Next time.Time `json:"next,omitzero" expr:"next"`
	// Last is the day the latest review was held, zero if none was.
	Last        time.Time `json:"last,omitzero" expr:"last"`
	EveryMonths int       `json:"every_months" expr:"every_months"`
	// DaysLeft is whole days from the event to Next (negative once past).
	DaysLeft int  `json:"days_left,omitempty" expr:"days_left"`
	Overdue  bool `json:"overdue,omitempty" expr:"overdue"`
}

// Audit is a configuration audit plan as the scheduled check saw it.
type Audit struct {
	Plan        int64  `json:"plan" expr:"plan"`
	Name        string `json:"name" expr:"name"`
	Environment string `json:"environment" expr:"environment"`
	Owner       string `json:"owner" expr:"owner"`
	// Due is when the next audit is due: the plan's start before any
	// audit, else its interval after the last one.
	Due      time.Time `json:"due" expr:"due"`
	DaysLeft int       `json:"days_left,omitempty" expr:"days_left"`
	Overdue  bool      `json:"overdue,omitempty" expr:"overdue"`
	// Runs counts the audits done under the plan.
	Runs int `json:"runs,omitempty" expr:"runs"`
}

// Sync is a scheduled feed sync that failed.
type Sync struct {
	// Source is the feed ("nvd", "cve", "kev", ...).
	Source string `json:"source" expr:"source"`
	Error  string `json:"error" expr:"error"`
	// Started is when the failed run began.
	Started time.Time `json:"started" expr:"started"`
}

// ActorPrefix starts the actor of everything a rule does ("rule:3/v2"):
// the audit log says which version acted, and the collector leaves those
// entries out, so that rules do not trigger each other.
const ActorPrefix = "rule:"

// Actor names a rule version as an actor.
func Actor(id int64, version int) string { return fmt.Sprintf("%s%d/v%d", ActorPrefix, id, version) }

// SLAKey is the key of an SLA or acceptance event about a finding: one
// event per finding, kind and deadline, however often it is noticed.
func SLAKey(k Kind, findingID int64, deadline time.Time) string {
	return DeadlineKey(k, fmt.Sprintf("finding:%d", findingID), deadline)
}

// DeadlineKey is the key of a scheduled check's event about an object's
// deadline ("review.overdue:review:process:2026-05-31"): one event per
// object, kind and deadline day, however often the check runs; a new
// deadline (a review held, an audit done) is a new event.
func DeadlineKey(k Kind, object string, deadline time.Time) string {
	return fmt.Sprintf("%s:%s:%s", k, object, deadline.UTC().Format("2006-01-02"))
}

// maxSyncError bounds the error text a sync.failed event keeps: a
// server's error page can be long, and the first lines say what failed.
const maxSyncError = 2048

// SyncFailure is the event of a scheduled sync of source, begun at
// started, that failed with err: one per source and run.
func SyncFailure(source string, started time.Time, err error) Event {
	msg := err.Error()
	if len(msg) > maxSyncError {
		msg = strings.ToValidUTF8(msg[:maxSyncError], "") + "…"
	}
	started = started.UTC()
	return Event{Kind: SyncFailed, Key: fmt.Sprintf("%s:%s:%s", SyncFailed, source, started.Format(time.RFC3339Nano)),
		Object: "feed:" + source, Env: Env{Sync: Sync{Source: source, Error: msg, Started: started}}}
}
