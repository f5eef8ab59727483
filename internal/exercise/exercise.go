package exercise

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// ErrInvalid marks an exercise, manual finding, attachment or retest
	// with a field vmc cannot accept; the message names the field.
	ErrInvalid = errors.New("invalid")
	// ErrStatus marks a status move the lifecycle does not allow, or work
	// the exercise's status does not allow (a finding on a planned one).
	ErrStatus = errors.New("not allowed in this status")
	// ErrScope marks a manual finding outside the exercise's scope.
	ErrScope = errors.New("out of scope")
	// ErrNotTester marks work recorded by someone not on the exercise's
	// team (its lead and testers).
	ErrNotTester = errors.New("not on the exercise's team")
	// ErrTooLarge marks an attachment over MaxAttachment.
	ErrTooLarge = errors.New("attachment too large")
)

// Kind is what sort of exercise it is.
type Kind string

const (
	// Pentest is a penetration test: a scoped, time-boxed search for
	// vulnerabilities, usually against a methodology's checklist.
	Pentest Kind = "pentest"
	// RedTeam is an adversary emulation against objectives, with the
	// defenders unaware: 实网攻防演练 (e.g. 护网) is this kind.
	RedTeam Kind = "red_team"
	// PurpleTeam is attackers and defenders working together to test and
	// tune detection.
	PurpleTeam Kind = "purple_team"
	// BugBounty is outside researchers testing a published scope for
	// rewards.
	BugBounty Kind = "bug_bounty"
)

// Kinds lists every kind.
var Kinds = []Kind{Pentest, RedTeam, PurpleTeam, BugBounty}

var kindZH = map[Kind]string{Pentest: "渗透测试", RedTeam: "红队演练（实网攻防演练）", PurpleTeam: "紫队演练", BugBounty: "漏洞赏金"}

func (k Kind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool { return slices.Contains(Kinds, k) }

// UnmarshalText rejects unknown kinds, so input fails at the boundary.
func (k *Kind) UnmarshalText(b []byte) error {
	if !Kind(b).IsValid() {
		return fmt.Errorf("%w: unknown exercise kind %q (one of %v)", ErrInvalid, b, Kinds)
	}
	*k = Kind(b)
	return nil
}

// Title is the kind's name in English ("en") or Simplified Chinese
// ("zh-CN").
func (k Kind) Title(lang string) string {
	if strings.HasPrefix(lang, "zh") {
		return kindZH[k]
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// Status is where an exercise is: planned (scope and rules agreed, not
// started), running (testing), reporting (testing over, report being
// written; findings may still be added), closed (report delivered;
// retests go on as owners fix what it found).
type Status string

const (
	Planned   Status = "planned"
	Running   Status = "running"
	Reporting Status = "reporting"
	Closed    Status = "closed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{Planned, Running, Reporting, Closed}

func (s Status) String() string { return string(s) }

// IsValid reports whether s is a known status.
func (s Status) IsValid() bool { return slices.Contains(Statuses, s) }

// UnmarshalText rejects unknown statuses.
func (s *Status) UnmarshalText(b []byte) error {
	if !Status(b).IsValid() {
		return fmt.Errorf("%w: unknown exercise status %q (one of %v)", ErrInvalid, b, Statuses)
	}
	*s = Status(b)
	return nil
}

// moves are the status changes allowed. A planned exercise may be
// cancelled (closed) before it starts; a reporting one may go back to
// testing when the report shows a gap. Closed is final: the report is
// the record, and only retests are added to it.
var moves = map[Status][]Status{
	Planned:   {Running, Closed},
	Running:   {Reporting},
	Reporting: {Running, Closed},
	Closed:    nil,
}

// Next lists the statuses an exercise in status s may move to.
func (s Status) Next() []Status { return slices.Clone(moves[s]) }

// CheckMove reports whether an exercise may move from one status to
// another.
func CheckMove(from, to Status) error {
	if !to.IsValid() {
		return fmt.Errorf("%w: unknown status %q", ErrStatus, to)
	}
	if slices.Contains(moves[from], to) {
		return nil
	}
	return fmt.Errorf("%w: %s → %s (from %s: %v)", ErrStatus, from, to, from, moves[from])
}

// Exercise is one red-team, pen-test, purple-team or bug-bounty
// engagement.
type Exercise struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Scope is what the testers may attack (see Scope).
	Scope Scope `json:"scope"`
	// RulesOfEngagement is the agreed text: allowed techniques, hours,
	// contacts, what to do on finding live data or a critical flaw.
	RulesOfEngagement string `json:"rules_of_engagement,omitempty"`
	// Start and End are the first and last days of testing, UTC midnight.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Lead runs the exercise; Testers do the testing. Only they record
	// findings, attachments and retests.
	Lead    string   `json:"lead"`
	Testers []string `json:"testers,omitempty"`
	// Methodology is the id of the methodology template followed (see
	// Methodologies).
	Methodology string    `json:"methodology"`
	Status      Status    `json:"status"`
	Created     time.Time `json:"created,omitzero"`
	Updated     time.Time `json:"updated,omitzero"`
}

// Limits on the free text of an exercise, generous for what they hold and
// small enough that a listing stays cheap.
const (
	maxName  = 200
	maxText  = 64 << 10
	maxNames = 100
)

// Validate checks an exercise's fields, naming the first at fault.
func (e Exercise) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: exercise %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	switch {
	case strings.TrimSpace(e.Name) == "":
		return bad("name", "empty")
	case len(e.Name) > maxName || !printable(e.Name):
		return bad("name", "longer than %d bytes or not printable", maxName)
	case !e.Kind.IsValid():
		return bad("kind", "%q is not one of %v", e.Kind, Kinds)
	case !e.Status.IsValid():
		return bad("status", "%q is not one of %v", e.Status, Statuses)
	case e.Start.IsZero():
		return bad("start", "missing")
	case e.End.IsZero():
		return bad("end", "missing")
	case e.End.Before(e.Start):
		return bad("end", "%s is before the start, %s", e.End.Format(time.DateOnly), e.Start.Format(time.DateOnly))
	case len(e.RulesOfEngagement) > maxText || !utf8.ValidString(e.RulesOfEngagement):
		return bad("rules_of_engagement", "longer than %d KiB or not UTF-8", maxText>>10)
	case strings.TrimSpace(e.Lead) == "":
		return bad("lead", "empty")
	case !validPerson(e.Lead):
		return bad("lead", "%q is not a name", e.Lead)
	case len(e.Testers) > maxNames:
		return bad("testers", "more than %d", maxNames)
	}
	if _, ok := Methodology(e.Methodology); !ok {
		return bad("methodology", "%q is not one of %v", e.Methodology, MethodologyIDs())
	}
	for i, t := range e.Testers {
		if !validPerson(t) {
			return bad(fmt.Sprintf("testers[%d]", i), "%q is not a name", t)
		}
		if slices.Contains(e.Testers[:i], t) {
			return bad(fmt.Sprintf("testers[%d]", i), "%q is listed twice", t)
		}
	}
	if err := e.Scope.Validate(); err != nil {
		return err
	}
	return nil
}

// CheckUpdate reports whether an exercise as stored (before) may become
// after: a closed exercise is the record of what was done and does not
// change; a status change must be an allowed move.
func CheckUpdate(before, after Exercise) error {
	if before.Status == Closed {
		return fmt.Errorf("%w: exercise %d is closed: it no longer changes (retests are still recorded)", ErrStatus, before.ID)
	}
	if before.Status != after.Status {
		return CheckMove(before.Status, after.Status)
	}
	return nil
}

// OnTeam reports whether who is the exercise's lead or one of its
// testers.
func (e Exercise) OnTeam(who string) bool {
	return who != "" && (who == e.Lead || slices.Contains(e.Testers, who))
}

// CanRecord reports whether who may record a finding or attach evidence
// now: while the exercise runs or its report is written, by its team.
func (e Exercise) CanRecord(who string) error {
	if e.Status != Running && e.Status != Reporting {
		return fmt.Errorf("%w: exercise %d is %s: findings and evidence are recorded while it is running or reporting", ErrStatus, e.ID, e.Status)
	}
	return e.checkTeam(who)
}

// CanRetest reports whether who may record a retest now: once testing
// has started, including after the exercise closed, by its team.
func (e Exercise) CanRetest(who string) error {
	if e.Status == Planned {
		return fmt.Errorf("%w: exercise %d is planned: nothing to retest yet", ErrStatus, e.ID)
	}
	return e.checkTeam(who)
}

func (e Exercise) checkTeam(who string) error {
	if !e.OnTeam(who) {
		return fmt.Errorf("%w: %q is not exercise %d's lead (%s) or one of its testers %v", ErrNotTester, who, e.ID, e.Lead, e.Testers)
	}
	return nil
}

// Tool is the name an exercise's results carry as evidence on findings,
// the way "trivy" or "nessus" does for theirs.
func (e Exercise) Tool() string { return Tool(e.ID) }

// Tool is the tool name of exercise id.
func Tool(id int64) string { return fmt.Sprintf("exercise-%d", id) }

// validPerson accepts a user name or a display name: printable, one line,
// at most 200 bytes.
func validPerson(s string) bool {
	return strings.TrimSpace(s) == s && s != "" && len(s) <= maxName && printable(s)
}

// printable reports whether s is UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// ParseDay reads a YYYY-MM-DD date as UTC midnight.
func ParseDay(field, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %s: %q is not a YYYY-MM-DD date", ErrInvalid, field, s)
	}
	return t, nil
}
