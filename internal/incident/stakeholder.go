package incident

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strings"
)

// Role is what a stakeholder does in the response, which decides what
// they are told and, with Outside, how far they may be cleared.
type Role string

const (
	RoleCommander  Role = "commander"  // the incident commander, who leads the response
	RoleResponder  Role = "responder"  // a member of the response team
	RoleManagement Role = "management" // management: the CISO, the board
	RoleLegal      Role = "legal"      // counsel, the data protection officer
	RolePR         Role = "pr"         // public relations and communications
	RoleOperator   Role = "operator"   // who runs the affected systems
	RoleCustomer   Role = "customer"   // a customer affected or to be told
	RoleRegulator  Role = "regulator"  // a supervisory authority, a CERT
	RoleVendor     Role = "vendor"     // a supplier: its PSIRT in a coordinated disclosure
)

// Roles lists the roles, the response team first.
var Roles = []Role{RoleCommander, RoleResponder, RoleManagement, RoleLegal, RolePR, RoleOperator, RoleCustomer, RoleRegulator, RoleVendor}

func (r Role) String() string { return string(r) }

// IsValid reports whether r is a known role.
func (r Role) IsValid() bool { return slices.Contains(Roles, r) }

// UnmarshalText rejects unknown roles.
func (r *Role) UnmarshalText(b []byte) error {
	if !Role(b).IsValid() {
		return fmt.Errorf("%w: unknown stakeholder role %q (%s)", ErrInvalid, b, joinKinds(Roles))
	}
	*r = Role(b)
	return nil
}

// outside reports whether the role is, by its nature, a party outside
// the organisation.
func (r Role) outside() bool { return r == RoleCustomer || r == RoleRegulator || r == RoleVendor }

// Langs are the languages a stakeholder can be written to in, the
// default first. They are the languages vmc speaks (package i18n).
var Langs = []string{"en", "zh-CN"}

// ParseLang reads a language as people write it: "en", "zh-CN",
// "zh-cn", "zh", "zh-Hans".
func ParseLang(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "en-gb", "en-us":
		return "en", nil
	case "zh", "zh-cn", "zh-hans", "zh-hans-cn":
		return "zh-CN", nil
	}
	return "", fmt.Errorf("%w: unknown language %q (%s)", ErrInvalid, s, strings.Join(Langs, ", "))
}

// MaxOutsideClearance is the narrowest label a stakeholder outside the
// organisation may be cleared for. TLP:AMBER+STRICT keeps information
// within the recipient's organisation and TLP:RED with the named people
// of the response, so neither goes to a customer, a regulator or a
// vendor through the communication tree; a party outside who must see
// such information during a coordinated disclosure is named in the
// embargo instead, which is a decision recorded on the incident.
const MaxOutsideClearance = Amber

// Stakeholder is someone the communication tree of an incident reaches:
// by e-mail, by a signed webhook, or both.
type Stakeholder struct {
	ID int64 `json:"id,omitempty"` // assigned by the store
	// Incident is the incident whose tree it is in; 0 is the
	// organisation's default tree, copied onto every new incident.
	Incident int64 `json:"incident,omitempty"`
	// Name identifies it within its tree, and is what escalation levels
	// and an embargo's recipients name it by.
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	Email string `json:"email,omitempty"`
	// Webhook is an https URL (http only to a loopback address, for a
	// local relay) that is POSTed signed JSON.
	Webhook string `json:"webhook,omitempty"`
	// WebhookSecret keys the webhook's HMAC-SHA256 signatures. Signing
	// needs the secret itself, so it is kept as it is (see package
	// notify); it is never marshalled, so it reaches neither the API's
	// lists nor the audit log.
	WebhookSecret string `json:"-"`
	// Lang is the language the stakeholder is written to in (Langs).
	Lang string `json:"lang"`
	// Clearance is the narrowest TLP label the stakeholder may receive.
	Clearance TLP `json:"clearance"`
	// External marks a party outside the organisation that its role does
	// not already say is (outside counsel, a managed service operator).
	External bool `json:"external,omitempty"`
}

// Outside reports whether the stakeholder is outside the organisation:
// marked External, or a customer, regulator or vendor.
func (s Stakeholder) Outside() bool { return s.External || s.Role.outside() }

// Names are the names the stakeholder goes by, as an embargo's
// recipients may list it: its name and its e-mail address.
func (s Stakeholder) Names() []string {
	if s.Email == "" {
		return []string{s.Name}
	}
	return []string{s.Name, s.Email}
}

// minWebhookSecret is the shortest secret a webhook is signed with: 32
// bytes, HMAC-SHA256's block of security.
const minWebhookSecret = 32

// Validate checks a stakeholder, naming the first field at fault.
func (s Stakeholder) Validate() error {
	switch {
	case !nameOK(s.Name):
		return fmt.Errorf("%w: stakeholder name: %q is not a name", ErrInvalid, s.Name)
	case !s.Role.IsValid():
		return fmt.Errorf("%w: stakeholder role: unknown %q (%s)", ErrInvalid, s.Role, joinKinds(Roles))
	case s.Email == "" && s.Webhook == "":
		return fmt.Errorf("%w: stakeholder %s: neither an e-mail address nor a webhook to reach them by", ErrInvalid, s.Name)
	case !slices.Contains(Langs, s.Lang):
		return fmt.Errorf("%w: stakeholder lang: unknown %q (%s)", ErrInvalid, s.Lang, strings.Join(Langs, ", "))
	case !s.Clearance.IsValid():
		return fmt.Errorf("%w: stakeholder clearance: unknown TLP label %q (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", ErrInvalid, s.Clearance)
	case s.Outside() && !s.Clearance.Within(MaxOutsideClearance):
		return fmt.Errorf("%w: stakeholder clearance: %s is outside the organisation (%s) and may be cleared for TLP:%s at most, not TLP:%s",
			ErrInvalid, s.Name, s.outsideWhy(), MaxOutsideClearance, s.Clearance)
	}
	if s.Email != "" {
		if err := checkEmail(s.Email); err != nil {
			return fmt.Errorf("%w: stakeholder email: %v", ErrInvalid, err)
		}
	}
	if s.Webhook != "" {
		if err := checkWebhook(s.Webhook); err != nil {
			return fmt.Errorf("%w: stakeholder webhook: %v", ErrInvalid, err)
		}
		if len(s.WebhookSecret) < minWebhookSecret {
			return fmt.Errorf("%w: stakeholder webhook secret: shorter than %d bytes", ErrInvalid, minWebhookSecret)
		}
		if !lineOK(s.WebhookSecret) || strings.ContainsAny(s.WebhookSecret, " ") {
			return fmt.Errorf("%w: stakeholder webhook secret: not one word of printable characters", ErrInvalid)
		}
	}
	return nil
}

func (s Stakeholder) outsideWhy() string {
	if s.Role.outside() {
		return "a " + string(s.Role)
	}
	return "external"
}

// checkEmail accepts a bare address (no display name), as an SMTP
// envelope takes it.
func checkEmail(s string) error {
	if len(s) > 254 {
		return fmt.Errorf("%.40q…: longer than 254 bytes", s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return fmt.Errorf("%q is not an e-mail address (name@example.com)", s)
	}
	return nil
}

// checkWebhook accepts an absolute https URL without credentials, or an
// http one to a loopback address: what a webhook carries is labelled
// information, which must not cross a network in the clear, and
// credentials in a URL would be shown wherever the URL is.
func checkWebhook(s string) error {
	if len(s) > 2048 {
		return fmt.Errorf("longer than 2048 bytes")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", s)
	}
	switch {
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%q: no host", s)
	case u.User != nil:
		return fmt.Errorf("%q: credentials in the URL: the webhook is authenticated by its signature", s)
	case u.Fragment != "":
		return fmt.Errorf("%q: a fragment is not sent to a server", s)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && loopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("%q: http only to a loopback address; use https", s)
	}
	return fmt.Errorf("%q: scheme %q is not https", s, u.Scheme)
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
