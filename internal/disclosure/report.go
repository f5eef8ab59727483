package disclosure

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// State is where a report is in coordinated disclosure.
type State string

const (
	// Received: submitted; nobody has answered the reporter yet.
	Received State = "received"
	// Acknowledged: the team has told the reporter it has the report.
	Acknowledged State = "acknowledged"
	// Triaged: assessed (reproduced, its product and scope known); the
	// decision is still to come.
	Triaged State = "triaged"
	// Accepted: a vulnerability the organisation will fix.
	Accepted State = "accepted"
	// Rejected: not a vulnerability, or out of scope.
	Rejected State = "rejected"
	// Duplicate: reported before, or already known.
	Duplicate State = "duplicate"
	// Fixed: a fix is available.
	Fixed State = "fixed"
	// Disclosed: published — the advisory is out.
	Disclosed State = "disclosed"
)

// States lists the states in order.
var States = []State{Received, Acknowledged, Triaged, Accepted, Rejected, Duplicate, Fixed, Disclosed}

// Decisions are the states triage may end in.
var Decisions = []State{Triaged, Accepted, Rejected, Duplicate}

func (s State) String() string { return string(s) }

// IsValid reports whether s is a known state.
func (s State) IsValid() bool { return slices.Contains(States, s) }

// UnmarshalText rejects unknown states.
func (s *State) UnmarshalText(b []byte) error {
	if !State(b).IsValid() {
		return fmt.Errorf("unknown report state %q (%s)", b, join(States))
	}
	*s = State(b)
	return nil
}

// Open reports whether a report in state s still has work, and
// deadlines, ahead: it is not rejected, a duplicate, or disclosed.
func (s State) Open() bool {
	return s.IsValid() && s != Rejected && s != Duplicate && s != Disclosed
}

// moves are the transitions the process allows. Spam and known
// duplicates may be closed at once (received → rejected, duplicate);
// everything else is acknowledged first, so that no reporter waits on a
// decision without knowing their report arrived. A rejection, a
// duplicate or an acceptance may be reopened to triage when new
// information comes; a fix that failed goes back to accepted. Nothing
// follows disclosure: it is public.
var moves = map[State][]State{
	Received:     {Acknowledged, Rejected, Duplicate},
	Acknowledged: {Triaged, Accepted, Rejected, Duplicate},
	Triaged:      {Accepted, Rejected, Duplicate},
	Accepted:     {Fixed, Disclosed, Triaged},
	Rejected:     {Triaged},
	Duplicate:    {Triaged},
	Fixed:        {Disclosed, Accepted},
	Disclosed:    nil,
}

// Next lists the states a report in state s may move to.
func (s State) Next() []State { return slices.Clone(moves[s]) }

// ErrTransition marks a state change the process does not allow.
var ErrTransition = errors.New("report transition not allowed")

// CheckMove reports whether a report may move from one state to another,
// saying what is allowed instead when it may not.
func CheckMove(from, to State) error {
	if !to.IsValid() {
		return fmt.Errorf("%w: unknown state %q", ErrTransition, to)
	}
	if !slices.Contains(moves[from], to) {
		next := "none: it is final"
		if len(moves[from]) > 0 {
			next = join(moves[from])
		}
		return fmt.Errorf("%w: %s → %s (from %s: %s)", ErrTransition, from, to, from, next)
	}
	return nil
}

// Reporter is who sent a report. Both fields are optional: a report may
// be anonymous, and is then followed only through its status link.
type Reporter struct {
	Name string `json:"name,omitempty"`
	// Contact is how to reach them, as they gave it: an e-mail address,
	// a messenger handle, a URL.
	Contact string `json:"contact,omitempty"`
}

// Anonymous reports whether the reporter gave neither name nor contact.
func (r Reporter) Anonymous() bool { return r.Name == "" && r.Contact == "" }

// Credit is how the reporter is to be thanked when the vulnerability is
// published.
type Credit struct {
	// Wanted: the reporter asked to be credited.
	Wanted bool `json:"wanted"`
	// Name is the name to credit, as the reporter gave it or the team
	// confirmed it.
	Name string `json:"name,omitempty"`
	// Given is when the team confirmed the credit; zero until then. Only
	// confirmed credits of disclosed reports are published.
	Given time.Time `json:"given,omitzero"`
}

// Report is one vulnerability report from outside the organisation.
type Report struct {
	ID int64 `json:"id,omitempty"` // assigned by the store
	// Code is the acknowledgement code the reporter is given (NewCode):
	// what they quote, and what the team calls the report to them.
	Code        string   `json:"code"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Product     string   `json:"product,omitempty"`
	Version     string   `json:"version,omitempty"`
	Reporter    Reporter `json:"reporter"`
	Credit      Credit   `json:"credit"`
	// Lang is the reporter's language (en, zh-CN): what the team's
	// answers should be written in.
	Lang  string `json:"lang"`
	State State  `json:"state"`
	// Marking is the report's disclosure control: TLP:AMBER when it
	// arrives. Whatever it says, the reporter sees their own report
	// through its status link.
	Marking incident.Marking `json:"marking"`
	// Received is when it arrived; the deadlines run from it.
	Received time.Time `json:"received"`
	// Acknowledged, Triaged, Fixed and Disclosed are when the report
	// first reached those points (Triaged: any decision of triage);
	// zero until it does. They show whether a deadline was met.
	Acknowledged time.Time `json:"acknowledged,omitzero"`
	Triaged      time.Time `json:"triaged,omitzero"`
	Fixed        time.Time `json:"fixed,omitzero"`
	Disclosed    time.Time `json:"disclosed,omitzero"`
	Deadlines    Deadlines `json:"deadlines"`
	// DuplicateOf is the report this one duplicates, when it is one.
	DuplicateOf int64 `json:"duplicate_of,omitempty"`
	// Incident is the incident the report is handled in, if any.
	Incident int64 `json:"incident,omitempty"`
}

// Actor is who a report's own submission and messages are attributed to
// in the audit log and on its log: "reporter:VR-…". No user name can take
// that form (auth.ValidateName allows neither ':' nor upper case).
func (r Report) Actor() string { return "reporter:" + r.Code }

// Validate checks what the store and the process rely on, naming the
// field.
func (r *Report) Validate() error {
	if err := r.fields().check(); err != nil {
		return err
	}
	switch {
	case !ValidCode(r.Code):
		return fieldErr("code", "format", "%q is not an acknowledgement code (VR-XXXX-XXXX)", r.Code)
	case !r.State.IsValid():
		return fieldErr("state", "unknown", "unknown %q (%s)", r.State, join(States))
	case r.Received.IsZero():
		return fieldErr("received", "empty", "missing")
	case r.DuplicateOf < 0 || r.DuplicateOf == r.ID && r.ID != 0:
		return fieldErr("duplicate_of", "format", "%d is not another report", r.DuplicateOf)
	case r.Credit.Wanted && r.Credit.Name == "":
		return fieldErr("credit_name", "credit", "credit is wanted, but under which name?")
	}
	if err := r.Deadlines.check(r.Received); err != nil {
		return err
	}
	if err := r.Marking.Validate(); err != nil {
		return fieldErr("marking", "format", "%v", err)
	}
	return nil
}

// fields are the report's free-text fields as a submission.
func (r *Report) fields() Submission {
	return Submission{Title: r.Title, Description: r.Description, Product: r.Product, Version: r.Version,
		ReporterName: r.Reporter.Name, ReporterContact: r.Reporter.Contact, WantsCredit: r.Credit.Wanted,
		CreditName: r.Credit.Name, Lang: r.Lang}
}

// Move moves the report to state to at now, recording when it reached
// each milestone: acknowledgement, the decision of triage, the fix,
// disclosure. Every move but an acknowledgement needs a reason, which
// the caller records: a decision nobody explained cannot be reviewed.
func (r *Report) Move(to State, reason string, now time.Time) error {
	if err := CheckMove(r.State, to); err != nil {
		return err
	}
	if to != Acknowledged && strings.TrimSpace(reason) == "" {
		return fmt.Errorf("%w: %s → %s needs a reason", ErrTransition, r.State, to)
	}
	if to != Duplicate {
		r.DuplicateOf = 0
	}
	r.State = to
	switch {
	case to == Acknowledged && r.Acknowledged.IsZero():
		r.Acknowledged = now
	case slices.Contains(Decisions, to) && r.Triaged.IsZero():
		r.Triaged = now
	case to == Fixed:
		r.Fixed = now
	case to == Disclosed:
		r.Disclosed = now
	}
	return nil
}

func join[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

// Credited is a reporter to thank in public, for one report.
type Credited struct {
	Name      string    `json:"name"`
	Title     string    `json:"title"`
	Product   string    `json:"product,omitempty"`
	Disclosed time.Time `json:"disclosed"`
	Report    int64     `json:"report"`
}

// Credits lists whom to thank for reports: those disclosed whose credit
// the team confirmed, newest disclosure first. A report not yet
// disclosed is left out, credit or not: thanking someone for it would
// announce it.
func Credits(reports []Report) []Credited {
	out := []Credited{}
	for _, r := range reports {
		if r.State == Disclosed && !r.Credit.Given.IsZero() {
			out = append(out, Credited{Name: r.Credit.Name, Title: r.Title, Product: r.Product, Disclosed: r.Disclosed, Report: r.ID})
		}
	}
	slices.SortStableFunc(out, func(a, b Credited) int { return b.Disclosed.Compare(a.Disclosed) })
	return out
}
