// Package store is vmc's persistence contract. It speaks in domain types
// (advisory records, merged vulnerabilities) and hides SQL. Two
// implementations pass one conformance suite (store/storetest): SQLite, the
// embedded default, and PostgreSQL for scale-out.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/exercise"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/risk"
)

var (
	// ErrNotFound: no such vulnerability, alias or object.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a concurrent writer changed what this write depended on
	// and retries did not resolve it.
	ErrConflict = errors.New("conflict")
	// ErrSchemaTooNew: the database was migrated by a newer vmc.
	ErrSchemaTooNew = errors.New("database schema is newer than this vmc")
)

// Store is everything vmc keeps.
type Store interface {
	Advisories
	Assets
	Findings
	Audit
	Users
	Exercises
	Incidents
	Custody
	Process
	Disclosures
	RootCauses
	Breaches
	Communication
	PatchReleases
	Baselines
	Trust
	AttackPaths
	Maintenance
	Identifiers
	TAXII
	CSAFProvider
	Federation
	Stamps
	Jobs
	Automation
	Suggestions
	SharedLimits
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Check verifies the database's physical and logical integrity.
	Check(ctx context.Context) error
	Close() error
}

// Advisories keeps source records and the vulnerabilities they merge into.
type Advisories interface {
	// PutRecords writes one batch of source records in one transaction:
	// all of it or none of it. Records that alias each other end up in one
	// vulnerability; claims whose value changed are kept as history.
	PutRecords(ctx context.Context, recs []advisory.Record) (BatchResult, error)
	// RetireMissing retires every current record of source whose id is not
	// in present: its claims become history and it stops counting. It is
	// for sources whose documents are complete snapshots (a KEV catalogue,
	// a day of EPSS scores), where absence is news. asOf is the snapshot's
	// date; it becomes the retired record's modified time, so that an
	// older snapshot's copy cannot revive it. It returns how many records
	// it retired. A retired record that reappears in a newer snapshot is
	// revived by PutRecords.
	RetireMissing(ctx context.Context, source string, present []string, asOf time.Time) (int, error)
	// DocumentFingerprint returns the fingerprint recorded for an imported
	// document, or "" if none is.
	DocumentFingerprint(ctx context.Context, name string) (string, error)
	// DocumentFingerprints returns the fingerprints of every imported
	// document whose name starts with prefix (the entries of one archive),
	// in one query.
	DocumentFingerprints(ctx context.Context, prefix string) (map[string]string, error)
	// PutDocuments records documents as imported.
	PutDocuments(ctx context.Context, docs []Document) error
	// Vuln returns the merged vulnerability known by id or any alias,
	// matched case-insensitively.
	Vuln(ctx context.Context, id string, opts VulnOptions) (advisory.Vulnerability, error)
	// ListVulns returns one page of vulnerability summaries.
	ListVulns(ctx context.Context, q VulnQuery) (VulnPage, error)
	// Stats counts what the store holds.
	Stats(ctx context.Context) (Stats, error)
	// Coverage counts, per source, the vulnerabilities its current records
	// carry and those no other source carries: what would be lost with it.
	Coverage(ctx context.Context) (map[string]Coverage, error)
}

// Assets keeps what the organisation runs and the components found on it.
type Assets interface {
	// PutAsset creates the asset, or updates the one with its name, and
	// returns it as stored.
	PutAsset(ctx context.Context, a asset.Asset) (asset.Asset, error)
	// Asset returns the asset called name.
	Asset(ctx context.Context, name string) (asset.Asset, error)
	ListAssets(ctx context.Context) ([]asset.Asset, error)
	// DeleteAsset removes an asset and its components.
	DeleteAsset(ctx context.Context, name string) error
	// SetComponents replaces an asset's components with cs and records
	// what changed; source names the inventory they came from.
	SetComponents(ctx context.Context, assetID int64, source string, cs []asset.Component) (asset.Change, error)
	Components(ctx context.Context, assetID int64) ([]asset.Component, error)
	// ListComponents returns one page of the distinct components across
	// assets (ecosystem, name, version), each with the assets holding it.
	ListComponents(ctx context.Context, q ComponentQuery) (ComponentPage, error)
	// AffectedFor returns, for each package, the affected entries of the
	// current source records that name it, with the vulnerability each
	// belongs to. Records their source has withdrawn (OSV "withdrawn") are
	// left out, record by record: a live alias of the same vulnerability
	// still counts. Lookup ignores case and treats '-', '_' and '.' alike, so
	// the result is a superset: the matcher decides by each ecosystem's
	// own rules.
	AffectedFor(ctx context.Context, pkgs []Package) ([]AffectedEntry, error)
}

// Findings keeps what the matcher found on assets, through its lifecycle.
type Findings interface {
	// ReconcileFindings brings the asset's findings in line with a scan's
	// matches (see finding.Reconcile) in one transaction, writing each
	// change to the audit log as the system's, and returns the changes
	// with their findings' ids. Matches name vulnerabilities by any id;
	// findings are kept against the merged vulnerability.
	ReconcileFindings(ctx context.Context, a asset.Asset, matches []match.Match, scan finding.Scan) ([]finding.Change, error)
	// Finding returns a finding by id.
	Finding(ctx context.Context, id int64) (finding.Finding, error)
	// ChangeFinding applies a person's decision to a finding in one
	// transaction: fn changes the finding and returns the decisions it
	// made, which go to the audit log as actor's. An error from fn
	// changes nothing.
	ChangeFinding(ctx context.Context, id int64, actor string, fn func(*finding.Finding) ([]finding.Decision, error)) (finding.Finding, error)
	// ListFindings returns one page of findings, lowest id first.
	ListFindings(ctx context.Context, q FindingQuery) (FindingPage, error)
	// RematchScope returns, per asset id, the PackageKeys (see
	// finding.PackageKey) of its components that a change to advisories
	// may affect: components of the packages named, and packages with a
	// finding on a vulnerability one of the records belongs to (the
	// record may have stopped naming the package).
	RematchScope(ctx context.Context, pkgs []Package, records []RecordRef) (map[int64][]string, error)
	// PutVEX replaces the statements kept from document for one asset
	// (assetID 0: every asset) with sts.
	PutVEX(ctx context.Context, assetID int64, document string, sts []match.VEX) error
	// VEXFor returns the statements that apply to an asset, oldest first.
	VEXFor(ctx context.Context, assetID int64) ([]match.VEX, error)
	// SLAPolicies returns the SLA policies, or finding.DefaultPolicies
	// when none is stored.
	SLAPolicies(ctx context.Context) ([]finding.Policy, error)
	// PutSLAPolicy stores one environment's policy, in the audit log as
	// actor's decision.
	PutSLAPolicy(ctx context.Context, p finding.Policy, actor, reason string) error
	// Notifications returns the notifications after id, oldest first.
	Notifications(ctx context.Context, after int64) ([]Notification, error)
	// PutRule keeps a triage rule, in the audit log as its maker's
	// decision, and returns it with its id. Rules name vulnerabilities by
	// their primary id at the time; Rules resolves them again.
	PutRule(ctx context.Context, r finding.Rule) (finding.Rule, error)
	// Rules returns the triage rules, each naming its vulnerability by
	// its current primary id.
	Rules(ctx context.Context) ([]finding.Rule, error)
}

// Exercises keeps red-team, pen-test, purple-team and bug-bounty
// exercises, their testers' manual findings, the evidence attached to
// them and their retests. Every write is in the audit log as actor's (for
// findings, attachments and retests, the reporter, uploader or retester),
// in the same transaction. The store enforces the exercise's rules that
// depend on what is stored: status moves (exercise.CheckUpdate), who may
// record what and when (Exercise.CanRecord, CanRetest), scope. Making
// the manual findings vmc findings is the caller's, through the
// exercise's reports (exercise.Reports).
type Exercises interface {
	// PutExercise creates an exercise (ID 0; it starts planned) or
	// changes one, and returns it as stored.
	PutExercise(ctx context.Context, e exercise.Exercise, actor string) (exercise.Exercise, error)
	Exercise(ctx context.Context, id int64) (exercise.Exercise, error)
	// ListExercises returns every exercise, newest first.
	ListExercises(ctx context.Context) ([]exercise.Exercise, error)
	// AddManualFinding records a manual finding by its reporter and
	// returns it as stored, with its id (normalised, see
	// ManualFinding.Normalise). Manual findings are what a tester
	// reported, as reported: they are not changed afterwards; what
	// happened next is in their retests.
	AddManualFinding(ctx context.Context, f exercise.ManualFinding) (exercise.ManualFinding, error)
	// ManualFinding returns one manual finding with its attachments and
	// retests.
	ManualFinding(ctx context.Context, id int64) (exercise.ManualFinding, error)
	// ManualFindings returns an exercise's manual findings, oldest first,
	// with their attachments and retests.
	ManualFindings(ctx context.Context, exerciseID int64) ([]exercise.ManualFinding, error)
	// AddAttachment keeps a file of evidence for a manual finding as
	// received, its SHA-256 taken now (exercise.NewAttachment), and
	// returns its description. Attachments are never changed or removed.
	AddAttachment(ctx context.Context, findingID int64, name, mediaType string, content []byte, by string) (exercise.Attachment, error)
	// AttachmentContent returns an attachment's content, checked against
	// its SHA-256, and records in the audit log that actor read it.
	AttachmentContent(ctx context.Context, id int64, actor string) ([]byte, exercise.Attachment, error)
	// AddRetest records a retest of a manual finding by r.By.
	AddRetest(ctx context.Context, findingID int64, r exercise.Retest) (exercise.Retest, error)
}

// Incidents keeps security incidents, their timelines and their response
// tasks. Every write is in the audit log as actor's, under the object
// "incident:<id>", in the same transaction; every change to an incident
// or its tasks is on its timeline too. The store enforces the rules that
// depend on what is stored: state moves (incident.CheckMove) and closing
// with response tasks open (incident.CheckTasks).
type Incidents interface {
	// PutIncident creates an incident (ID 0; it starts reported, and
	// Reported defaults to now) or changes one's fields, and returns it
	// as stored. Its state changes only through MoveIncident, its
	// playbook and impact only through FollowPlaybook and SetImpact
	// (Process): a new incident carrying either is refused, an update
	// keeps them as stored. A change of category, severity or marking is
	// a classification event on the timeline.
	PutIncident(ctx context.Context, in incident.Incident, actor string) (incident.Incident, error)
	Incident(ctx context.Context, id int64) (incident.Incident, error)
	// ListIncidents returns the incidents q selects, newest first.
	ListIncidents(ctx context.Context, q IncidentQuery) ([]incident.Incident, error)
	// MoveIncident moves an incident to another state, checked against
	// its state as stored, and puts the move with its reason on the
	// timeline.
	MoveIncident(ctx context.Context, id int64, to incident.State, actor, reason string) (incident.Incident, error)
	// AddEvent appends an entry to an incident's timeline (At zero: now)
	// and returns it with its id. The timeline is append-only.
	AddEvent(ctx context.Context, incidentID int64, e incident.Event) (incident.Event, error)
	// Timeline returns an incident's events, oldest first.
	Timeline(ctx context.Context, incidentID int64) ([]incident.Event, error)
	// PutTask creates a task on t.Incident (ID 0) or changes one (its
	// incident stays), and returns it as stored. Setting Done marks it
	// done.
	PutTask(ctx context.Context, t incident.Task, actor string) (incident.Task, error)
	Task(ctx context.Context, id int64) (incident.Task, error)
	// ListTasks returns an incident's tasks, oldest first.
	ListTasks(ctx context.Context, incidentID int64) ([]incident.Task, error)
}

// IncidentQuery selects incidents. The zero value lists every incident.
type IncidentQuery struct {
	State    incident.State
	Category incident.Category
	Severity incident.Severity
	Open     bool // only incidents still open (State.Open)
}

// Notification is a message to an owner about a finding.
type Notification struct {
	ID        int64     `json:"id"`
	Created   time.Time `json:"created"`
	Recipient string    `json:"recipient"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	Object    string    `json:"object"`
}

// FindingQuery selects findings. The zero value lists every finding.
type FindingQuery struct {
	After int64 // the cursor from the previous page
	Limit int   // 0 means 100; never more than 1000
	Asset string
	Vuln  string // any id of the vulnerability
	State finding.State
	// Priority and Team keep findings of that priority, and on assets of
	// that team.
	Priority risk.Priority
	Team     string
	Open     bool // only findings in an open state
	// OverdueAt keeps open findings past their due date at that time
	// (risk-accepted ones are not overdue).
	OverdueAt time.Time
	// KEV, MinEPSS, Severity and Text filter by the vulnerability, as in
	// VulnQuery; SSVC keeps findings whose CISA Coordinator outcome is one
	// of these (track, track*, attend, act; any case).
	KEV      bool
	MinEPSS  float64
	Severity []string
	Text     string
	SSVC     []string
	// FirstSeenFrom and FirstSeenTo bound when vmc first saw the finding
	// (from inclusive, to exclusive).
	FirstSeenFrom, FirstSeenTo time.Time
	// Sort orders the list: one of FindingSorts, "-" first for
	// descending; empty means "id". Any order but "id" pages by Offset
	// (After is then ignored), since its keys are not unique.
	Sort   string
	Offset int
	// Brief leaves each finding's basis out (finding.Brief): what a list
	// shows, at a third of the bytes to read and decode.
	Brief bool
}

// ComponentQuery selects components across assets.
type ComponentQuery struct {
	// Text matches names and purls, case-insensitively; Ecosystem keeps
	// one ecosystem ("npm", or "Debian" for every Debian release).
	Text, Ecosystem string
	After           string // the cursor from the previous page
	Limit           int    // 0 means 100; never more than 500
}

// ComponentPage is one page of components.
type ComponentPage struct {
	Items []ComponentUse `json:"items"`
	Next  string         `json:"next,omitempty"`
}

// ComponentUse is a component and the assets it is on.
type ComponentUse struct {
	Ecosystem string     `json:"ecosystem"`
	Name      string     `json:"name"`
	Version   string     `json:"version"`
	PURL      string     `json:"purl,omitempty"`
	Assets    []AssetRef `json:"assets"`
}

// AssetRef names an asset and its team.
type AssetRef struct {
	Name string `json:"name"`
	Team string `json:"team,omitempty"`
}

// FindingPage is one page of findings.
type FindingPage struct {
	Items []finding.Finding `json:"items"`
	Next  int64             `json:"next,omitempty"`
}

// RecordRef names a source record.
type RecordRef struct {
	Source string
	ID     string
}

// Users keeps who may use vmc, their API tokens and browser sessions.
// Secrets are never stored: only their hashes.
type Users interface {
	// PutUser creates the user or updates the one with its name; a
	// passwordHash of "" keeps the current password. The change is in the
	// audit log as actor's.
	PutUser(ctx context.Context, u auth.User, passwordHash, actor string) (auth.User, error)
	// User returns a user and its password hash.
	User(ctx context.Context, name string) (auth.User, string, error)
	ListUsers(ctx context.Context) ([]auth.User, error)
	// PutToken keeps a new API token's hash, audited as actor's.
	PutToken(ctx context.Context, t auth.Token, hash, actor string) error
	// Token returns a token and its hash by its public id.
	Token(ctx context.Context, id string) (auth.Token, string, error)
	// Tokens lists a user's tokens.
	Tokens(ctx context.Context, user string) ([]auth.Token, error)
	// RevokeToken deletes a token, audited as actor's.
	RevokeToken(ctx context.Context, id, actor string) error
	// TouchToken records that a token was used.
	TouchToken(ctx context.Context, id string, at time.Time) error
	// PutSession keeps a new browser session.
	PutSession(ctx context.Context, s Session) error
	// Session returns a session by its public id.
	Session(ctx context.Context, id string) (Session, error)
	DeleteSession(ctx context.Context, id string) error
}

// Session is a signed-in browser.
type Session struct {
	ID      string
	User    string
	Hash    string
	Created time.Time
	Expires time.Time
}

// Audit is the append-only, hash-chained record of decisions.
type Audit interface {
	// AuditLog yields the entries after seq, in order.
	AuditLog(ctx context.Context, after int64) iter.Seq2[audit.Entry, error]
	// AuditOf returns the entries about one object ("finding:42"), in
	// order.
	AuditOf(ctx context.Context, object string) ([]audit.Entry, error)
	// Record appends an entry for something done outside the store's own
	// writes (an import, an export); the store sets its time and links it.
	Record(ctx context.Context, e audit.Entry) error
}

// Package names a package in an ecosystem. The pseudo-ecosystem CPE,
// with Name "vendor:product", looks up records that name the product by
// CPE (NVD's configurations).
type Package struct {
	Ecosystem string
	Name      string
}

// CPE is the Package ecosystem for lookups by CPE vendor and product.
const CPE = "cpe"

// AffectedEntry is one source record's statement that a package is
// affected.
type AffectedEntry struct {
	Vuln     string // the vulnerability's primary id
	Source   string
	Record   string
	Document string
	Affected advisory.Affected
	// Configurations are the record's NVD applicability statements, for
	// entries found by CPE.
	Configurations json.RawMessage
}

// BatchResult counts what a PutRecords call did, record by record.
type BatchResult struct {
	New       int `json:"new"`       // source records not seen before
	Changed   int `json:"changed"`   // seen before, with some claim changed
	Unchanged int `json:"unchanged"` // seen before, identical
	Stale     int `json:"stale"`     // older than the version stored, skipped
	Merged    int `json:"merged"`    // vulnerabilities folded into another by a new alias
	Retired   int `json:"retired"`   // records a newer snapshot no longer carries
}

// Add accumulates another batch's counts.
func (b *BatchResult) Add(o BatchResult) {
	b.New += o.New
	b.Changed += o.Changed
	b.Unchanged += o.Unchanged
	b.Stale += o.Stale
	b.Merged += o.Merged
	b.Retired += o.Retired
}

// Document is an imported document: its name as the importer calls it
// ("cves.zip:cves/2021/44xxx/CVE-2021-44228.json") and a fingerprint of
// its content.
type Document struct {
	Name        string
	Fingerprint string
}

// VulnOptions selects what Vuln returns beyond the current merged view.
type VulnOptions struct {
	History bool // include replaced claims
}

// VulnQuery selects and pages vulnerability summaries. The zero value lists
// the first page, newest published first.
type VulnQuery struct {
	// After is the cursor from a previous page's Next.
	After string
	// Limit caps the page size; 0 means 50, and it is never more than 1000.
	Limit int
	// Text matches ids and titles (in every language a source gives),
	// case-insensitively.
	Text string
	// Source keeps vulnerabilities with a record from this source.
	Source string
	// KEV keeps vulnerabilities in the KEV catalogue.
	KEV bool
	// Severity keeps vulnerabilities rated one of these (CRITICAL, HIGH,
	// MEDIUM, LOW, any case): the CVSS rating, else a source's own.
	Severity []string
	// MinEPSS keeps vulnerabilities whose EPSS probability is at least it.
	MinEPSS float64
	// PublishedFrom and PublishedTo bound the publication date (from
	// inclusive, to exclusive); UpdatedSince keeps those vmc's merged view
	// of changed since then.
	PublishedFrom, PublishedTo, UpdatedSince time.Time
	// Sort orders the list: one of VulnSorts, "-" first for descending.
	// Empty means "-published".
	Sort string
}

// VulnSorts are the orders ListVulns knows.
var VulnSorts = []string{"published", "updated", "score", "epss", "id"}

// FindingSorts are the orders ListFindings knows.
var FindingSorts = []string{"id", "priority", "due", "first_seen", "last_seen", "epss", "score"}

// ErrBadQuery marks a list query vmc cannot run: an unknown sort, a
// malformed cursor.
var ErrBadQuery = errors.New("bad query")

// VulnPage is one page of summaries.
type VulnPage struct {
	Items []advisory.Summary `json:"items"`
	// Next is the cursor for the following page; empty on the last.
	Next string `json:"next,omitempty"`
}

// Coverage is one source's share of the vulnerabilities.
type Coverage struct {
	Vulnerabilities int `json:"vulnerabilities"`
	Only            int `json:"only"`
}

// Stats counts records by source and identifiers by kind.
type Stats struct {
	Vulnerabilities int            `json:"vulnerabilities"`
	Records         int            `json:"records"` // current, not retired
	BySource        map[string]int `json:"by_source"`
	ByKind          map[string]int `json:"by_kind"`
	CurrentClaims   int            `json:"current_claims"`
	HistoryClaims   int            `json:"history_claims"`
}

// EachFinding yields every finding q selects, reading page by page (q's
// After and Limit set where to start and the page size).
func EachFinding(ctx context.Context, s Findings, q FindingQuery) iter.Seq2[finding.Finding, error] {
	return func(yield func(finding.Finding, error) bool) {
		for {
			page, err := s.ListFindings(ctx, q)
			if err != nil {
				yield(finding.Finding{}, err)
				return
			}
			for _, f := range page.Items {
				if !yield(f, nil) {
					return
				}
			}
			if page.Next == 0 {
				return
			}
			// Sorted lists page by offset, the id order by keyset.
			q.After, q.Offset = page.Next, int(page.Next)
		}
	}
}
