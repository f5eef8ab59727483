package process

import (
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// Briefing records that a team or project was briefed on the response
// process: what to report, to whom, what the response team will ask of
// them. SAMM VM2 asks that project teams are briefed at least every six
// months (CoverageOf). Briefings are kept as recorded.
type Briefing struct {
	ID int64     `json:"id,omitempty"` // assigned by the store
	At time.Time `json:"at"`
	// Team is the audience: a team or project, named as assets and users
	// name their teams.
	Team string `json:"team"`
	// Playbook is the version presented, when the briefing was on one.
	Playbook  *incident.PlaybookRef `json:"playbook,omitempty"`
	Attendees []string              `json:"attendees,omitempty"`
	Notes     string                `json:"notes,omitempty"`
	// By is who gave the briefing.
	By string `json:"by"`
}

// maxAttendees bounds a briefing's attendee list: an all-hands meeting
// is recorded by team, not by name.
const maxAttendees = 500

// Validate checks a briefing, naming the first field at fault.
func (b Briefing) Validate() error {
	if b.At.IsZero() {
		return invalid("at", "missing: when was the briefing?")
	}
	if err := checkName("team", b.Team); err != nil {
		return err
	}
	if p := b.Playbook; p != nil {
		switch {
		case !isKey(p.Key):
			return invalid("playbook.key", "%q is not a key", p.Key)
		case p.Version < 0:
			return invalid("playbook.version", "%d is negative", p.Version)
		}
	}
	if err := checkNames("attendees", b.Attendees, maxAttendees); err != nil {
		return err
	}
	if err := checkName("by", b.By); err != nil {
		return err
	}
	return checkProse("notes", b.Notes, maxNote)
}

// Coverage is how many of the organisation's teams were briefed on the
// process within a window.
type Coverage struct {
	From time.Time `json:"from"` // inclusive
	To   time.Time `json:"to"`   // exclusive
	// Teams are all the teams; Briefed those with a briefing in the
	// window, Unbriefed the others.
	Teams     []string `json:"teams"`
	Briefed   []string `json:"briefed"`
	Unbriefed []string `json:"unbriefed"`
	// Unknown are audiences briefed in the window that are none of the
	// teams: a project without assets or users yet, or a misspelt team.
	// They are shown, not counted.
	Unknown []string `json:"unknown,omitempty"`
	// Percent is the share of Teams briefed, 0 to 100; 0 when there are
	// no teams.
	Percent float64 `json:"percent"`
}

// CoverageOf works out which of teams were briefed within [from, to).
// Audiences match teams ignoring case; lists are sorted.
func CoverageOf(teams []string, briefings []Briefing, from, to time.Time) Coverage {
	c := Coverage{From: from, To: to, Teams: []string{}, Briefed: []string{}, Unbriefed: []string{}}
	for _, t := range teams {
		if !slices.ContainsFunc(c.Teams, func(x string) bool { return strings.EqualFold(x, t) }) {
			c.Teams = append(c.Teams, t)
		}
	}
	slices.Sort(c.Teams)
	briefed := map[string]bool{}
	for _, b := range briefings {
		if b.At.Before(from) || !b.At.Before(to) {
			continue
		}
		i := slices.IndexFunc(c.Teams, func(x string) bool { return strings.EqualFold(x, b.Team) })
		switch {
		case i >= 0:
			briefed[c.Teams[i]] = true
		case !slices.Contains(c.Unknown, b.Team):
			c.Unknown = append(c.Unknown, b.Team)
		}
	}
	for _, t := range c.Teams {
		if briefed[t] {
			c.Briefed = append(c.Briefed, t)
		} else {
			c.Unbriefed = append(c.Unbriefed, t)
		}
	}
	slices.Sort(c.Unknown)
	if len(c.Teams) > 0 {
		c.Percent = 100 * float64(len(c.Briefed)) / float64(len(c.Teams))
	}
	return c
}
