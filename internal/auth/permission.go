package auth

import (
	"fmt"
	"slices"
)

// Permission is one thing a request may do. Every route of the API and the
// web UI names the permission it needs (or that it is public, or open to
// any signed-in user, such as changing one's own password); the HTTP layer
// asks Can or CanSome, never the role directly, so the matrix below is the
// only place roles meet permissions.
type Permission string

const (
	// VulnRead: read vulnerability records (advisories, scores, KEV, EPSS).
	VulnRead Permission = "vuln.read"
	// AssetRead and AssetWrite: see assets and their components; create,
	// change and delete them.
	AssetRead  Permission = "asset.read"
	AssetWrite Permission = "asset.write"
	// FindingRead and FindingTriage: see findings; move them through their
	// lifecycle (finding.CheckMove), assign them, and request a risk
	// acceptance.
	FindingRead   Permission = "finding.read"
	FindingTriage Permission = "finding.triage"
	// FindingAccept: approve a risk acceptance (finding.Acceptance's
	// Approver). Kept apart from triage so that the people who request
	// exceptions are not the people who grant them.
	FindingAccept Permission = "finding.accept"
	// ImportWrite: upload scans, SBOMs and VEX documents for an asset.
	ImportWrite Permission = "import.write"
	// AuditRead: read the audit log.
	AuditRead Permission = "audit.read"
	// ReportRead and ReportSubmit: read vulnerability reports sent to the
	// organisation; send one.
	ReportRead   Permission = "report.read"
	ReportSubmit Permission = "report.submit"
	// ProcessRead and ProcessWrite: read the incident response process
	// and its people (playbooks, the response team roster with its
	// contacts, training records, briefings, process reviews); record
	// and change them.
	ProcessRead  Permission = "process.read"
	ProcessWrite Permission = "process.write"
	// ReportTriage: answer vulnerability reports from outside: acknowledge
	// and triage them, set their deadlines, write to their reporters,
	// credit them, link them to incidents.
	ReportTriage Permission = "report.triage"
	// PolicyWrite: change SLAs, prioritisation and matching rules, and
	// the process review schedule.
	PolicyWrite Permission = "policy.write"
	// AdvisoryPublish: put a security advisory on vmc's public feed.
	AdvisoryPublish Permission = "advisory.publish"
	// UserAdmin: create, change, disable users and their tokens.
	UserAdmin Permission = "user.admin"
)

// Permissions lists every permission, reading before writing.
var Permissions = []Permission{
	VulnRead, AssetRead, AssetWrite, FindingRead, FindingTriage, FindingAccept,
	ImportWrite, AuditRead, ReportRead, ReportSubmit, ReportTriage, ProcessRead, ProcessWrite, PolicyWrite, AdvisoryPublish, UserAdmin,
}

func (p Permission) String() string { return string(p) }

// IsValid reports whether p is a known permission.
func (p Permission) IsValid() bool { return slices.Contains(Permissions, p) }

// UnmarshalText rejects unknown permissions, so that a route table or a
// configuration file naming a misspelt one fails when it is loaded rather
// than denying (or, worse, being read as allowing) at run time.
func (p *Permission) UnmarshalText(b []byte) error {
	if !Permission(b).IsValid() {
		return fmt.Errorf("unknown permission %q", b)
	}
	*p = Permission(b)
	return nil
}

// grant is how far a role holds a permission.
type grant uint8

const (
	no   grant = iota // not at all
	team              // on objects of the user's teams only
	yes               // on every object
)

// matrix is THE role → permission table; nothing else grants anything.
//
//	permission      admin analyst owner auditor reporter
//	vuln.read       yes   yes     yes   yes     -
//	asset.read      yes   yes     team  yes     -
//	asset.write     yes   yes     team  -       -
//	finding.read    yes   yes     team  yes     -
//	finding.triage  yes   yes     team  -       -
//	finding.accept  yes   yes     -     -       -
//	import.write    yes   yes     team  -       -
//	audit.read      yes   yes     -     yes     -
//	report.read     yes   yes     -     yes     -
//	report.submit   yes   -       -     -       yes
//	report.triage   yes   yes     -     -       -
//	process.read    yes   yes     -     yes     -
//	process.write   yes   yes     -     -       -
//	policy.write    yes   -       -     -       -
//	advisory.publish yes  yes     -     -       -
//	user.admin      yes   -       -     -       -
//
// The decisions behind it:
//   - admin holds everything, so that no operation is out of every user's
//     reach.
//   - analyst is the security team: everything but managing users and
//     changing policy. SLAs and prioritisation rules are commitments the
//     organisation makes, and whoever is measured against them should not
//     set them alone. Analysts read the audit log because investigating
//     who decided what is part of their work. They do not submit reports:
//     intake is for people outside; inside, an analyst records a finding.
//   - owner works on their teams' assets and findings (team): keeps the
//     assets' context right, imports their scans, moves findings through
//     remediation and requests acceptances, but cannot approve one, which
//     would be approving their own exception. Vulnerability records are
//     public knowledge and readable by all staff. The audit log and
//     incoming reports cover every team, so owners see neither.
//   - auditor reads everything, the audit log included, and writes
//     nothing.
//   - the incident response process (process.*) is the security team's to
//     keep and the auditors' to check. Owners do not read it: the
//     roster holds people's private contacts, and owners learn the
//     process through briefings. The review schedule is policy: those
//     whose work is reviewed do not set how often.
//   - report.triage is the security team's: it speaks for the
//     organisation to outside reporters and commits it to disclosure
//     dates. Auditors read reports (report.read) but answer none.
//   - publishing a security advisory tells the world: the security team
//     decides it (admin, analyst), not the owners of the product, who
//     write advisories as part of triage but do not release them alone.
//   - reporter is outside the organisation and may only submit. Reading
//     one's own reports, when intake comes, will be a check against the
//     report's submitter, not a row of this table.
var matrix = map[Permission]map[Role]grant{
	VulnRead:        {Admin: yes, Analyst: yes, Owner: yes, Auditor: yes},
	AssetRead:       {Admin: yes, Analyst: yes, Owner: team, Auditor: yes},
	AssetWrite:      {Admin: yes, Analyst: yes, Owner: team},
	FindingRead:     {Admin: yes, Analyst: yes, Owner: team, Auditor: yes},
	FindingTriage:   {Admin: yes, Analyst: yes, Owner: team},
	FindingAccept:   {Admin: yes, Analyst: yes},
	ImportWrite:     {Admin: yes, Analyst: yes, Owner: team},
	AuditRead:       {Admin: yes, Analyst: yes, Auditor: yes},
	ReportRead:      {Admin: yes, Analyst: yes, Auditor: yes},
	ReportSubmit:    {Admin: yes, Reporter: yes},
	ProcessRead:     {Admin: yes, Analyst: yes, Auditor: yes},
	ProcessWrite:    {Admin: yes, Analyst: yes},
	ReportTriage:    {Admin: yes, Analyst: yes},
	PolicyWrite:     {Admin: yes},
	AdvisoryPublish: {Admin: yes, Analyst: yes},
	UserAdmin:       {Admin: yes},
}

// holds is how far u holds p: not at all when u is disabled or p or u's
// role is unknown (a missing map entry is no).
func holds(u User, p Permission) grant {
	if u.Disabled {
		return no
	}
	return matrix[p][u.Role]
}

// Can reports whether u may exercise p on an object of team teamOf. teamOf
// is the owning team of the object at hand (asset.Asset.Team, or the
// team of a finding's asset), "" when the object belongs to no team or
// permissions on it do not depend on teams (a vulnerability record, the
// audit log).
//
// An owner's team-bound permissions hold only when teamOf is one of
// u.Teams: "" denies them, so an asset nobody has claimed stays with the
// security team rather than being visible to every owner. To ask whether
// a route is open to u at all, before any object is known, use CanSome;
// to filter a listing, use TeamsFor.
func Can(u User, p Permission, teamOf string) bool {
	switch holds(u, p) {
	case yes:
		return true
	case team:
		return teamOf != "" && slices.Contains(u.Teams, teamOf)
	}
	return false
}

// CanSome reports whether u may exercise p on at least some objects: the
// check a route makes before it knows which objects a request touches.
// A request that then touches one object checks Can with its team; a
// listing filters with TeamsFor.
func CanSome(u User, p Permission) bool {
	teams, all := TeamsFor(u, p)
	return all || len(teams) > 0
}

// TeamsFor says which objects u may exercise p on: all of them, or those
// of the returned teams (none when both are empty). Stores filter
// listings with it, so that an owner's finding list holds their teams'
// findings only. The teams are a copy the caller may keep.
func TeamsFor(u User, p Permission) (teams []string, all bool) {
	switch holds(u, p) {
	case yes:
		return nil, true
	case team:
		return slices.Clone(u.Teams), false
	}
	return nil, false
}

// Allowed is the check a request makes: u may exercise p on an object of
// team teamOf, and, when the request came with an API token rather than a
// session (tok != nil), the token is u's and its scopes allow p. A token
// narrows its user's permissions and never widens them.
//
// Allowed does not check that the token has not expired; the HTTP layer
// does that once, when it authenticates the token (Token.Expired).
func Allowed(u User, tok *Token, p Permission, teamOf string) bool {
	if tok != nil && (tok.User != u.Name || !tok.Allows(p)) {
		return false
	}
	return Can(u, p, teamOf)
}
