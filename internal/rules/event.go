package rules

import (
	"fmt"
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
)

// Kinds lists every kind, in the order the documentation gives them.
var Kinds = []Kind{AdvisoryCreated, AdvisoryChanged, FindingCreated, FindingChanged, SLANear, SLABreached,
	AcceptanceExpiring, IncidentOpened, ReportReceived, BaselineDrift}

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

// ActorPrefix starts the actor of everything a rule does ("rule:3/v2"):
// the audit log says which version acted, and the collector leaves those
// entries out, so that rules do not trigger each other.
const ActorPrefix = "rule:"

// Actor names a rule version as an actor.
func Actor(id int64, version int) string { return fmt.Sprintf("%s%d/v%d", ActorPrefix, id, version) }

// SLAKey is the key of an SLA or acceptance event about a finding: one
// event per finding, kind and deadline, however often it is noticed.
func SLAKey(k Kind, findingID int64, deadline time.Time) string {
	return fmt.Sprintf("%s:finding:%d:%s", k, findingID, deadline.UTC().Format("2006-01-02"))
}
