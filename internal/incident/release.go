package incident

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Marking is the disclosure control on a piece of incident information:
// an incident, a report, an advisory, a piece of evidence.
type Marking struct {
	TLP TLP `json:"tlp"`
	// Embargo, when set, holds the information back from every channel
	// that reaches beyond its named recipients until it lifts.
	Embargo *Embargo `json:"embargo,omitempty"`
}

// Embargo is a date before which information is not released.
type Embargo struct {
	Until time.Time `json:"until"`
	// Reason says why (a coordinated disclosure date, a vendor's patch).
	Reason string `json:"reason,omitempty"`
	// Recipients may receive the information during the embargo: the
	// parties to the coordinated disclosure, by name or address.
	Recipients []string `json:"recipients,omitempty"`
}

// Validate checks a marking: a known label and, for an embargo, a date.
func (m Marking) Validate() error {
	if !m.TLP.IsValid() {
		return fmt.Errorf("tlp: unknown %q (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", m.TLP)
	}
	if m.Embargo != nil && m.Embargo.Until.IsZero() {
		return errors.New("embargo: no date")
	}
	return nil
}

// Channel is a way information leaves vmc.
type Channel string

const (
	ChannelAPI          Channel = "api"          // an API response to a signed-in caller
	ChannelExport       Channel = "export"       // a file: report, evidence bundle, CSAF/OSV/CVE document
	ChannelNotification Channel = "notification" // e-mail or webhook to a stakeholder
	ChannelEmail        Channel = "email"        // an e-mail to a stakeholder of the communication tree
	ChannelWebhook      Channel = "webhook"      // a signed webhook call to a stakeholder's endpoint
	ChannelFeed         Channel = "feed"         // a published feed: CSAF provider, OSV API, TAXII
)

// Recipient is who information would go to.
type Recipient struct {
	// Name identifies the recipient as an embargo's Recipients list
	// them: a user name, an e-mail address.
	Name string
	// Clearance is the narrowest TLP label the recipient may receive:
	// RED for the incident team, AMBER for the organisation, CLEAR for
	// the public (a feed's readers are the public).
	Clearance TLP
}

// ErrWithheld marks information the disclosure controls keep from a
// recipient.
var ErrWithheld = errors.New("withheld")

// Release decides whether information marked m may go to r through ch at
// now. Everything is withheld from a recipient whose clearance is
// narrower than the label; under embargo, everything is withheld except,
// through the API, exports and notifications (never a feed), from the
// embargo's named recipients. The error says which control withheld it.
func Release(m Marking, ch Channel, r Recipient, now time.Time) error {
	if !m.TLP.Within(r.Clearance) {
		return fmt.Errorf("%w: TLP:%s is beyond %s's clearance (TLP:%s)", ErrWithheld, m.TLP, nameOr(r.Name), r.Clearance)
	}
	if e := m.Embargo; e != nil && now.Before(e.Until) {
		if ch != ChannelFeed && named(e.Recipients, r.Name) {
			return nil
		}
		return fmt.Errorf("%w: under embargo until %s", ErrWithheld, e.Until.UTC().Format(time.RFC3339))
	}
	return nil
}

func nameOr(n string) string {
	if n == "" {
		return "the recipient"
	}
	return n
}

// named reports whether name is among the recipients, ignoring case (they
// are often e-mail addresses).
func named(recipients []string, name string) bool {
	if name == "" {
		return false
	}
	for _, r := range recipients {
		if strings.EqualFold(strings.TrimSpace(r), name) {
			return true
		}
	}
	return false
}
