package process

import (
	"fmt"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// Phase is a phase of the incident response life cycle of NIST SP
// 800-61 Rev. 2, section 3 (figure 3-1).
type Phase string

const (
	// Preparation: the capability to respond — the team, its tools and
	// contacts, training — and preventing incidents.
	Preparation Phase = "preparation"
	// DetectionAnalysis: recognising an incident from its precursors and
	// indicators, analysing, documenting, prioritising and notifying.
	DetectionAnalysis Phase = "detection_analysis"
	// ContainmentEradicationRecovery: stopping the damage, gathering
	// evidence, removing the cause and restoring systems.
	ContainmentEradicationRecovery Phase = "containment_eradication_recovery"
	// PostIncident: lessons learnt, using the incident data, retaining
	// evidence.
	PostIncident Phase = "post_incident"
)

// Phases lists the phases in life-cycle order.
var Phases = []Phase{Preparation, DetectionAnalysis, ContainmentEradicationRecovery, PostIncident}

func (p Phase) String() string { return string(p) }

// IsValid reports whether p is a known phase.
func (p Phase) IsValid() bool { return slices.Contains(Phases, p) }

// UnmarshalText rejects unknown phases.
func (p *Phase) UnmarshalText(b []byte) error {
	if !Phase(b).IsValid() {
		return invalid("phase", "unknown %q (%s)", b, words(Phases))
	}
	*p = Phase(b)
	return nil
}

// Step is one step of a playbook: what is done, in which phase, by whom.
type Step struct {
	Phase Phase `json:"phase"`
	// Role is the role responsible for the step.
	Role Role `json:"role"`
	// Task, when set, is the kind of response task an incident following
	// the playbook gets for this step (Playbook.Tasks). Steps that are
	// not per-incident work (keeping the contact list current) have none.
	Task        incident.TaskKind `json:"task,omitempty"`
	Title       Bilingual         `json:"title"`
	Description Bilingual         `json:"description"`
}

// Playbook is one version of a response playbook.
type Playbook struct {
	// Key names the playbook across its versions: "web-compromise".
	Key string `json:"key"`
	// Version counts from 1; the store assigns it.
	Version     int       `json:"version,omitempty"`
	Title       Bilingual `json:"title"`
	Description Bilingual `json:"description,omitzero"`
	// Categories are the incident categories the playbook is for; none
	// means any.
	Categories []incident.Category `json:"categories,omitempty"`
	Steps      []Step              `json:"steps"`
	// Note says what changed in this version.
	Note string `json:"note,omitempty"`
	// Created and CreatedBy are when and by whom the version was made;
	// the store sets them.
	Created   time.Time `json:"created,omitzero"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// maxSteps bounds a playbook: a process of more steps than this is not
// one a team follows under pressure.
const maxSteps = 100

// Validate checks a playbook, naming the first field at fault as its
// document does ("steps[2].role").
func (p Playbook) Validate() error {
	if !isKey(p.Key) {
		return invalid("key", "%q is not a key (lower-case letters, digits and hyphens, at most 64)", p.Key)
	}
	if p.Version < 0 {
		return invalid("version", "%d is negative", p.Version)
	}
	if err := checkTitle("title", p.Title); err != nil {
		return err
	}
	if err := checkDesc("description", p.Description, true); err != nil {
		return err
	}
	for i, c := range p.Categories {
		f := fmt.Sprintf("categories[%d]", i)
		if !c.IsValid() {
			return invalid(f, "unknown %q (%s)", c, words(incident.Categories))
		}
		if slices.Contains(p.Categories[:i], c) {
			return invalid(f, "%q is listed twice", c)
		}
	}
	switch {
	case len(p.Steps) == 0:
		return invalid("steps", "none: a playbook says what to do")
	case len(p.Steps) > maxSteps:
		return invalid("steps", "%d, more than %d", len(p.Steps), maxSteps)
	}
	for i, s := range p.Steps {
		f := fmt.Sprintf("steps[%d]", i)
		switch {
		case !s.Phase.IsValid():
			return invalid(f+".phase", "unknown %q (%s)", s.Phase, words(Phases))
		case !s.Role.IsValid():
			return invalid(f+".role", "%q is not a role key (incident-handler, communications, ...)", s.Role)
		case s.Task != "" && !s.Task.IsValid():
			return invalid(f+".task", "unknown task kind %q (%s)", s.Task, words(incident.TaskKinds))
		}
		if err := checkTitle(f+".title", s.Title); err != nil {
			return err
		}
		if err := checkDesc(f+".description", s.Description, false); err != nil {
			return err
		}
	}
	return checkProse("note", p.Note, maxTitle)
}

// SameContent reports whether a and b say the same, whatever their
// versions and who made them: storing an unchanged playbook makes no new
// version.
func SameContent(a, b Playbook) bool {
	return a.Key == b.Key && a.Title == b.Title && a.Description == b.Description &&
		slices.Equal(a.Categories, b.Categories) && slices.Equal(a.Steps, b.Steps)
}

// Roles lists the roles the steps name, in the order they first appear.
func (p Playbook) Roles() []Role {
	var rs []Role
	for _, s := range p.Steps {
		if !slices.Contains(rs, s.Role) {
			rs = append(rs, s.Role)
		}
	}
	return rs
}

// Ref names this version.
func (p Playbook) Ref() incident.PlaybookRef {
	return incident.PlaybookRef{Key: p.Key, Version: p.Version}
}

// StepLink is the task link of step i (from 0): "playbook:KEY/vN#i+1".
func (p Playbook) StepLink(i int) string {
	return fmt.Sprintf("playbook:%s/v%d#%d", p.Key, p.Version, i+1)
}

// Tasks returns the response tasks of an incident that follows p: one for
// each step with a task kind, titled in lang, owned by whoever owner
// names for the step's role, and linked back to the step (StepLink), so
// that the task says which step of which version it carries out.
func (p Playbook) Tasks(lang string, owner func(Role) string) []incident.Task {
	var ts []incident.Task
	for i, s := range p.Steps {
		if s.Task == "" {
			continue
		}
		ts = append(ts, incident.Task{Title: s.Title.In(lang), Kind: s.Task, Owner: owner(s.Role), Link: p.StepLink(i)})
	}
	return ts
}

func words[T ~string](vs []T) string {
	var b []byte
	for i, v := range vs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, v...)
	}
	return string(b)
}
