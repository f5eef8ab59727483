package process

import (
	"time"
)

// Member is a member of the response team: a vmc user, or an external
// person the team calls on (a forensics firm, outside counsel, the
// insurer's breach coach).
type Member struct {
	ID int64 `json:"id,omitempty"` // assigned by the store
	// Name is how the team knows them.
	Name string `json:"name"`
	// User is their vmc user name; empty for an external person.
	User string `json:"user,omitempty"`
	// Organisation is whom an external person works for.
	Organisation string `json:"organisation,omitempty"`
	// Role is their role in the team; they are trained on the playbooks
	// whose steps name it.
	Role Role `json:"role"`
	// Contact is how to reach them during an incident: a phone number, an
	// e-mail address, an on-call alias.
	Contact string `json:"contact,omitempty"`
	// Team is the team or project they belong to outside the response.
	Team string `json:"team,omitempty"`
	// From is their first day on the response team and To their last,
	// zero while they are on it; both are days (UTC midnight).
	From time.Time `json:"from"`
	To   time.Time `json:"to,omitzero"`
}

// External reports whether m is not a vmc user.
func (m Member) External() bool { return m.User == "" }

// ActiveOn reports whether m is on the team at t.
func (m Member) ActiveOn(t time.Time) bool {
	return !t.Before(m.From) && (m.To.IsZero() || !pastDay(t, m.To))
}

// Validate checks a roster entry, naming the first field at fault.
func (m Member) Validate() error {
	if err := checkName("name", m.Name); err != nil {
		return err
	}
	if m.User != "" {
		if err := checkName("user", m.User); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, v string }{{"organisation", m.Organisation}, {"contact", m.Contact}, {"team", m.Team}} {
		if f.v != "" {
			if err := checkName(f.name, f.v); err != nil {
				return err
			}
		}
	}
	switch {
	case !m.Role.IsValid():
		return invalid("role", "%q is not a role key (incident-handler, communications, ...)", m.Role)
	case m.From.IsZero():
		return invalid("from", "missing: when did they join the team?")
	case !m.To.IsZero() && m.To.Before(m.From):
		return invalid("to", "%s is before from %s", m.To.Format(time.DateOnly), m.From.Format(time.DateOnly))
	}
	return nil
}
