package finding

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Acceptance is a decision to tolerate a finding's risk for a time instead
// of fixing it: who asked, who approved, why, what reduces the risk in the
// meantime, and until when.
type Acceptance struct {
	Requester string `json:"requester"`
	// Approver must be someone other than the requester: nobody approves
	// their own exception.
	Approver string `json:"approver"`
	// Reason is why the risk is tolerated rather than fixed.
	Reason string `json:"reason"`
	// CompensatingControls says what reduces the risk while it stands
	// (a WAF rule, the service bound to localhost, the feature disabled).
	CompensatingControls string    `json:"compensating_controls"`
	Granted              time.Time `json:"granted"`
	// Expires is when the acceptance ends and the finding re-opens.
	Expires time.Time `json:"expires"`
}

// MaxAcceptance is the longest an acceptance may run: a year. Every
// acceptance is then looked at again at least once a year, by which time
// the asset, the vulnerability's exploitation and the controls may all
// have changed; a risk that must be tolerated longer is accepted again,
// with a fresh approval.
const MaxAcceptance = 365 * 24 * time.Hour

// Limits on the text fields: enough for a paragraph of reasoning, small
// enough that the fields cannot be used to store arbitrary documents
// (those belong in an attached ticket, referenced from the reason).
const (
	maxAcceptanceName = 256
	maxAcceptanceText = 4096
)

// ErrAcceptance marks a risk acceptance vmc cannot record.
var ErrAcceptance = errors.New("invalid risk acceptance")

// Validate checks an acceptance being granted at now: requester and
// approver are set and different people (compared trimmed and without
// regard to case, so "Alice" cannot approve "alice "), reason and
// compensating controls are set, Granted is set and not in the future,
// and Expires is after now and no more than MaxAcceptance after Granted.
// Errors wrap ErrAcceptance and name the field.
func (a Acceptance) Validate(now time.Time) error {
	req, appr := strings.TrimSpace(a.Requester), strings.TrimSpace(a.Approver)
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"requester", req, maxAcceptanceName},
		{"approver", appr, maxAcceptanceName},
		{"reason", strings.TrimSpace(a.Reason), maxAcceptanceText},
		{"compensating_controls", strings.TrimSpace(a.CompensatingControls), maxAcceptanceText},
	} {
		switch {
		case f.value == "":
			return fmt.Errorf("%w: %s: empty", ErrAcceptance, f.name)
		case len(f.value) > f.max:
			return fmt.Errorf("%w: %s: longer than %d bytes", ErrAcceptance, f.name, f.max)
		}
	}
	switch {
	case strings.EqualFold(req, appr):
		return fmt.Errorf("%w: approver: %q is the requester; another person must approve", ErrAcceptance, appr)
	case a.Granted.IsZero():
		return fmt.Errorf("%w: granted: not set", ErrAcceptance)
	case a.Granted.After(now):
		return fmt.Errorf("%w: granted: %s is in the future", ErrAcceptance, a.Granted.UTC().Format(time.RFC3339))
	case !a.Expires.After(now):
		return fmt.Errorf("%w: expires: %s is not in the future", ErrAcceptance, a.Expires.UTC().Format(time.RFC3339))
	case a.Expires.Sub(a.Granted) > MaxAcceptance:
		return fmt.Errorf("%w: expires: %s is more than %d days after granted %s", ErrAcceptance,
			a.Expires.UTC().Format(time.RFC3339), int(MaxAcceptance/(24*time.Hour)), a.Granted.UTC().Format(time.RFC3339))
	}
	return nil
}

// Expired reports whether the acceptance has ended at now: it ends at
// Expires. An acceptance without an expiry has always expired, so that a
// malformed record cannot keep a finding accepted for ever.
func (a Acceptance) Expired(now time.Time) bool { return !now.Before(a.Expires) }

// ExpireAcceptance decides whether a finding in state, accepted by a,
// re-opens at now: a risk-accepted finding whose acceptance has expired
// goes back to triaged, to be looked at afresh. A risk-accepted finding
// with no acceptance recorded re-opens too: an acceptance is time-limited
// and one without a record has no limit anybody can check.
//
// A person may make the same move by hand at any time; this is the
// system making it when the time runs out, so nobody has to remember to.
// Telling the owner is the caller's part: the step is the event to
// notify about.
func ExpireAcceptance(state State, a *Acceptance, now time.Time) (Step, bool) {
	if state != RiskAccepted {
		return Step{}, false
	}
	if a == nil {
		return Step{RiskAccepted, Triaged, "risk accepted without a recorded acceptance; re-opened"}, true
	}
	if !a.Expired(now) {
		return Step{}, false
	}
	why := fmt.Sprintf("risk acceptance by %s approved by %s expired on %s; re-opened",
		strings.TrimSpace(a.Requester), strings.TrimSpace(a.Approver), a.Expires.UTC().Format(time.DateOnly))
	return Step{RiskAccepted, Triaged, why}, true
}
