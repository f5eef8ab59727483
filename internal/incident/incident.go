package incident

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// State is where an incident is in its response: reported, triaged
// (classified and assigned), contained (the damage stopped from
// spreading), eradicated (the cause removed), recovered (service
// restored), closed, and reviewed (the lessons learnt recorded: root
// cause, recommendations, metrics — SAMM VM3).
type State string

const (
	Reported   State = "reported"
	Triaged    State = "triaged"
	Contained  State = "contained"
	Eradicated State = "eradicated"
	Recovered  State = "recovered"
	Closed     State = "closed"
	Reviewed   State = "reviewed"
)

// States lists the states in order.
var States = []State{Reported, Triaged, Contained, Eradicated, Recovered, Closed, Reviewed}

func (s State) String() string { return string(s) }

// IsValid reports whether s is a known state.
func (s State) IsValid() bool { return slices.Contains(States, s) }

// UnmarshalText rejects unknown states.
func (s *State) UnmarshalText(b []byte) error {
	if !State(b).IsValid() {
		return fmt.Errorf("unknown incident state %q", b)
	}
	*s = State(b)
	return nil
}

// moves are the transitions the process allows: forward one step, or
// back to triage when containment or eradication turns out to have
// failed, or a closed incident is re-opened. Containment may be skipped
// for an incident that never spread (triaged → eradicated); nothing is
// closed without recovery, nor reviewed without being closed.
var moves = map[State][]State{
	Reported:   {Triaged, Closed},
	Triaged:    {Contained, Eradicated},
	Contained:  {Eradicated, Triaged},
	Eradicated: {Recovered, Triaged},
	Recovered:  {Closed, Triaged},
	Closed:     {Reviewed, Triaged},
	Reviewed:   {Triaged},
}

// Next lists the states an incident in state s may move to.
func (s State) Next() []State { return slices.Clone(moves[s]) }

// ErrTransition marks a state change the process does not allow.
var ErrTransition = errors.New("incident transition not allowed")

// CheckMove reports whether an incident may move from one state to
// another, saying what is allowed instead when it may not.
func CheckMove(from, to State) error {
	if !to.IsValid() {
		return fmt.Errorf("%w: unknown state %q", ErrTransition, to)
	}
	if !slices.Contains(moves[from], to) {
		next := make([]string, len(moves[from]))
		for i, s := range moves[from] {
			next[i] = string(s)
		}
		return fmt.Errorf("%w: %s → %s (from %s: %s)", ErrTransition, from, to, from, strings.Join(next, ", "))
	}
	return nil
}

// Category is the initial classification of an incident, which decides
// the playbook and who is told.
type Category string

const (
	Intrusion     Category = "intrusion"      // unauthorised access to systems
	Exploitation  Category = "exploitation"   // a vulnerability exploited
	Malware       Category = "malware"        // ransomware, trojans, worms
	DataBreach    Category = "data_breach"    // data disclosed, altered or lost
	DenialService Category = "denial_service" // availability attacked
	Phishing      Category = "phishing"       // social engineering
	Insider       Category = "insider"        // misuse by someone trusted
	Misconfig     Category = "misconfiguration"
	Other         Category = "other"
)

// Categories lists the categories.
var Categories = []Category{Intrusion, Exploitation, Malware, DataBreach, DenialService, Phishing, Insider, Misconfig, Other}

func (c Category) String() string { return string(c) }

// IsValid reports whether c is a known category.
func (c Category) IsValid() bool { return slices.Contains(Categories, c) }

// UnmarshalText rejects unknown categories.
func (c *Category) UnmarshalText(b []byte) error {
	if !Category(b).IsValid() {
		return fmt.Errorf("unknown incident category %q", b)
	}
	*c = Category(b)
	return nil
}

// Severity is how bad an incident is, for containing damage first where
// it is worst.
type Severity string

const (
	SevLow      Severity = "low"
	SevMedium   Severity = "medium"
	SevHigh     Severity = "high"
	SevCritical Severity = "critical"
)

// Severities lists the severities, rising.
var Severities = []Severity{SevLow, SevMedium, SevHigh, SevCritical}

func (s Severity) String() string { return string(s) }

// IsValid reports whether s is a known severity.
func (s Severity) IsValid() bool { return slices.Contains(Severities, s) }

// UnmarshalText rejects unknown severities.
func (s *Severity) UnmarshalText(b []byte) error {
	if !Severity(b).IsValid() {
		return fmt.Errorf("unknown incident severity %q", b)
	}
	*s = Severity(b)
	return nil
}

// Incident is one security incident.
type Incident struct {
	ID       int64    `json:"id,omitempty"` // assigned by the store
	Title    string   `json:"title"`
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	State    State    `json:"state"`
	// Assets, Vulns and Projects are what it affects: asset names, any
	// vulnerability ids, project names.
	Assets   []string `json:"assets,omitempty"`
	Vulns    []string `json:"vulns,omitempty"`
	Projects []string `json:"projects,omitempty"`
	// PersonalData marks an incident involving personal or sensitive
	// data, whose notification deadlines run from Detected.
	PersonalData bool `json:"personal_data,omitempty"`
	// Marking is its disclosure control.
	Marking  Marking   `json:"marking"`
	Detected time.Time `json:"detected"`
	Reported time.Time `json:"reported"`
	Owner    string    `json:"owner,omitempty"`
	// Reached is when the incident last entered each state it has been
	// in, kept by the store on every move (Reach): the response's own
	// clock, from which time to contain and time to close are measured.
	// A re-opened incident that closes again has its later close here;
	// the timeline keeps every move.
	Reached map[State]time.Time `json:"reached,omitempty"`
	// Playbook is the playbook version the response follows, and Impact
	// what the incident cost (the VM3 metrics' inputs). Each changes only
	// through its own store call (FollowPlaybook, SetImpact), which puts
	// the change on the timeline.
	Playbook *PlaybookRef `json:"playbook,omitempty"`
	Impact   *Impact      `json:"impact,omitempty"`
	// Aware is when the organisation became aware that personal data was
	// breached, from which the notification deadlines run (GDPR Art.
	// 33(1): "after having become aware of it"); zero means Detected.
	// DataCategories, DataSubjects (0 when not known) and Jurisdictions
	// describe the breach (breach.go).
	Aware          time.Time      `json:"aware,omitzero"`
	DataCategories []DataCategory `json:"data_categories,omitempty"`
	DataSubjects   int64          `json:"data_subjects,omitempty"`
	Jurisdictions  []string       `json:"jurisdictions,omitempty"`
}

// Reach records that the incident entered state s at t.
func (in *Incident) Reach(s State, t time.Time) {
	if in.Reached == nil {
		in.Reached = make(map[State]time.Time)
	}
	in.Reached[s] = t
}

// ErrInvalid marks an incident that cannot be recorded as it is.
var ErrInvalid = errors.New("invalid incident")

// Validate checks what the store and the process rely on, naming the
// field.
func (in *Incident) Validate() error {
	switch {
	case strings.TrimSpace(in.Title) == "":
		return fmt.Errorf("%w: title: empty", ErrInvalid)
	case len(in.Title) > 500:
		return fmt.Errorf("%w: title: longer than 500 bytes", ErrInvalid)
	case !in.Category.IsValid():
		return fmt.Errorf("%w: category: unknown %q", ErrInvalid, in.Category)
	case !in.Severity.IsValid():
		return fmt.Errorf("%w: severity: unknown %q (low, medium, high, critical)", ErrInvalid, in.Severity)
	case !in.State.IsValid():
		return fmt.Errorf("%w: state: unknown %q", ErrInvalid, in.State)
	case in.Detected.IsZero():
		return fmt.Errorf("%w: detected: missing", ErrInvalid)
	case !in.Reported.IsZero() && in.Reported.Before(in.Detected):
		return fmt.Errorf("%w: reported: %s is before detected %s", ErrInvalid, in.Reported.Format(time.RFC3339), in.Detected.Format(time.RFC3339))
	}
	if err := in.Marking.Validate(); err != nil {
		return fmt.Errorf("%w: marking: %v", ErrInvalid, err)
	}
	return in.checkBreach()
}
