package incident

import (
	"fmt"
	"slices"
	"time"
)

// Escalation is an incident's escalation path: who is told at which
// severity, and who next when nobody has acknowledged the incident in
// time.
type Escalation struct {
	// Incident is the incident whose path it is; 0 is the organisation's
	// default, copied onto every new incident.
	Incident int64   `json:"incident,omitempty"`
	Levels   []Level `json:"levels"`
}

// Level is one step of an escalation path.
type Level struct {
	// Level numbers the step; numbers rise along the path and need not
	// be consecutive, so that removing a step renumbers nothing (the
	// record of who was escalated to refers to them).
	Level int `json:"level"`
	// Severity is the lowest severity the step is for: a level for
	// "high" reaches its stakeholders for high and critical incidents.
	Severity Severity `json:"severity"`
	// AfterMinutes is how long after the incident was reported the step
	// is taken if nobody has acknowledged it; 0 takes it at once,
	// acknowledged or not.
	AfterMinutes int `json:"after_minutes,omitempty"`
	// Notify names the stakeholders of the incident's tree it reaches.
	Notify []string `json:"notify"`
}

// Limits on a path: enough for any organisation's call tree, small
// enough to show on one screen.
const (
	maxLevels       = 10
	maxLevelNames   = 50
	maxAfterMinutes = 30 * 24 * 60
)

// Validate checks a path, naming the level and field at fault. Whether
// the names are stakeholders of the tree is the store's to check.
func (e Escalation) Validate() error {
	if len(e.Levels) > maxLevels {
		return fmt.Errorf("%w: escalation: %d levels, at most %d", ErrInvalid, len(e.Levels), maxLevels)
	}
	prev := 0
	for i, l := range e.Levels {
		at := fmt.Sprintf("escalation levels[%d]", i)
		switch {
		case l.Level < 1 || l.Level > 99:
			return fmt.Errorf("%w: %s.level: %d is not between 1 and 99", ErrInvalid, at, l.Level)
		case l.Level <= prev:
			return fmt.Errorf("%w: %s.level: %d does not follow level %d: levels rise along the path", ErrInvalid, at, l.Level, prev)
		case !l.Severity.IsValid():
			return fmt.Errorf("%w: %s.severity: unknown %q (low, medium, high, critical)", ErrInvalid, at, l.Severity)
		case l.AfterMinutes < 0 || l.AfterMinutes > maxAfterMinutes:
			return fmt.Errorf("%w: %s.after_minutes: %d is not between 0 and %d (30 days)", ErrInvalid, at, l.AfterMinutes, maxAfterMinutes)
		case len(l.Notify) == 0:
			return fmt.Errorf("%w: %s.notify: nobody", ErrInvalid, at)
		case len(l.Notify) > maxLevelNames:
			return fmt.Errorf("%w: %s.notify: %d stakeholders, at most %d", ErrInvalid, at, len(l.Notify), maxLevelNames)
		}
		for j, n := range l.Notify {
			if !nameOK(n) {
				return fmt.Errorf("%w: %s.notify[%d]: %q is not a name", ErrInvalid, at, j, n)
			}
			if slices.Contains(l.Notify[:j], n) {
				return fmt.Errorf("%w: %s.notify[%d]: %s is named twice", ErrInvalid, at, j, n)
			}
		}
		prev = l.Level
	}
	return nil
}

// Names lists every stakeholder the path names, each once, in the order
// first named.
func (e Escalation) Names() []string {
	var out []string
	for _, l := range e.Levels {
		for _, n := range l.Notify {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// Level returns the path's level numbered n.
func (e Escalation) Level(n int) (Level, bool) {
	i := slices.IndexFunc(e.Levels, func(l Level) bool { return l.Level == n })
	if i < 0 {
		return Level{}, false
	}
	return e.Levels[i], true
}

// AtLeast reports whether s is min or worse.
func (s Severity) AtLeast(min Severity) bool {
	return s.IsValid() && min.IsValid() && slices.Index(Severities, s) >= slices.Index(Severities, min)
}

// Due returns the levels the path takes for in at now: those for its
// severity that are taken at once, and, while nobody has acknowledged
// it, those whose time since it was reported has come. A closed incident
// escalates to nobody. Whether a level has already been taken is the
// caller's record (the deliveries), not the path's.
func (e Escalation) Due(in Incident, acknowledged bool, now time.Time) []Level {
	if !in.State.Open() {
		return nil
	}
	var due []Level
	for _, l := range e.Levels {
		if !in.Severity.AtLeast(l.Severity) {
			continue
		}
		if l.AfterMinutes == 0 || (!acknowledged && !now.Before(in.Reported.Add(time.Duration(l.AfterMinutes)*time.Minute))) {
			due = append(due, l)
		}
	}
	return due
}
