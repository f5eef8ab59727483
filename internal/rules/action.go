package rules

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/vmc-dev/vmc/internal/risk"
)

// Verb is what an action does.
type Verb string

const (
	// SetPriority sets the priority of the event's finding (or of every
	// open finding of the event's advisory).
	SetPriority Verb = "priority"
	// SetSSVC overrides one SSVC decision point the same way.
	SetSSVC Verb = "ssvc"
	// Assign gives the finding(s) to a team or person.
	Assign Verb = "assign"
	// Notify e-mails an address or posts a signed webhook.
	Notify Verb = "notify"
	// OpenIncident opens an incident about the event's vulnerability.
	OpenIncident Verb = "open_incident"
	// Ticket posts a ticket to a ticketing system's webhook.
	Ticket Verb = "ticket"
	// Tag tags the event's object.
	Tag Verb = "tag"
)

// Action is one thing a rule does. Args depend on the verb:
// priority(level), ssvc(point, value), assign(to), notify(to, subject),
// open_incident(title, severity), ticket(url, summary), tag(name).
type Action struct {
	Verb Verb     `json:"verb"`
	Args []string `json:"args"`
}

func (a Action) String() string {
	q := make([]string, len(a.Args))
	for i, s := range a.Args {
		q[i] = fmt.Sprintf("%q", s)
	}
	return string(a.Verb) + "(" + strings.Join(q, ", ") + ")"
}

// ErrAction marks an action whose arguments are not valid.
var ErrAction = errors.New("invalid action")

// maxArg bounds one argument: an e-mail subject or a ticket summary is a
// line, and a rule that builds megabytes from an event's text is a
// mistake the evaluation should report.
const maxArg = 4096

// verbs gives each verb its arity and argument check.
var verbs = map[Verb]struct {
	arity int
	check func(args []string) error
}{
	SetPriority: {1, func(a []string) error {
		if !risk.Priority(a[0]).IsValid() {
			return fmt.Errorf("priority %q (low, medium, high, critical)", a[0])
		}
		return nil
	}},
	SetSSVC: {2, func(a []string) error {
		if strings.TrimSpace(a[0]) == "" || strings.TrimSpace(a[1]) == "" {
			return errors.New("ssvc needs a decision point and a value")
		}
		return nil
	}},
	Assign: {1, nonEmpty("assign needs a team or person")},
	Notify: {2, func(a []string) error { return checkRecipient(a[0]) }},
	OpenIncident: {2, func(a []string) error {
		if strings.TrimSpace(a[0]) == "" {
			return errors.New("open_incident needs a title")
		}
		// Incident severities are the priority words.
		if !risk.Priority(a[1]).IsValid() {
			return fmt.Errorf("incident severity %q (low, medium, high, critical)", a[1])
		}
		return nil
	}},
	Ticket: {2, func(a []string) error {
		return checkWebhook(a[0])
	}},
	Tag: {1, nonEmpty("tag needs a name")},
}

func nonEmpty(msg string) func([]string) error {
	return func(a []string) error {
		if strings.TrimSpace(a[0]) == "" {
			return errors.New(msg)
		}
		return nil
	}
}

// checkRecipient accepts an e-mail address ("sec@example.org",
// "mailto:sec@example.org") or an https webhook URL.
func checkRecipient(to string) error {
	if strings.HasPrefix(to, "https://") || strings.HasPrefix(to, "http://") {
		return checkWebhook(to)
	}
	if _, err := mail.ParseAddress(strings.TrimPrefix(to, "mailto:")); err != nil {
		return fmt.Errorf("notify: %q is neither an e-mail address nor a webhook URL", to)
	}
	return nil
}

func checkWebhook(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

// Validate checks an action's verb, arity and arguments.
func (a Action) Validate() error {
	v, ok := verbs[a.Verb]
	if !ok {
		return fmt.Errorf("%w: unknown verb %q", ErrAction, a.Verb)
	}
	if len(a.Args) != v.arity {
		return fmt.Errorf("%w: %s takes %d arguments, got %d", ErrAction, a.Verb, v.arity, len(a.Args))
	}
	for i, s := range a.Args {
		if len(s) > maxArg {
			return fmt.Errorf("%w: %s: argument %d is %d bytes (at most %d)", ErrAction, a.Verb, i+1, len(s), maxArg)
		}
	}
	if err := v.check(a.Args); err != nil {
		return fmt.Errorf("%w: %v", ErrAction, err)
	}
	return nil
}

// OnFindings reports whether the action changes findings.
func (a Action) OnFindings() bool {
	return a.Verb == SetPriority || a.Verb == SetSSVC || a.Verb == Assign
}
