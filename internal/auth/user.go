package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a person does in vmc. Each role is a column of the
// permission matrix (see matrix in permission.go).
type Role string

const (
	// Admin runs vmc: users, policies, and everything an analyst does.
	Admin Role = "admin"
	// Analyst is the security team: triages findings, maintains assets,
	// imports scans and approves risk acceptances.
	Analyst Role = "analyst"
	// Owner is an asset owner: sees and works on the assets and findings
	// of their teams (User.Teams) only.
	Owner Role = "owner"
	// Auditor reads everything, the audit log included, and changes
	// nothing.
	Auditor Role = "auditor"
	// Reporter is someone outside the organisation who reports a
	// vulnerability (intake comes later); they see nothing internal.
	Reporter Role = "reporter"
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, Analyst, Owner, Auditor, Reporter}

func (r Role) String() string { return string(r) }

// IsValid reports whether r is a known role.
func (r Role) IsValid() bool { return slices.Contains(Roles, r) }

// UnmarshalText rejects unknown roles, so input fails at the boundary.
func (r *Role) UnmarshalText(b []byte) error {
	if !Role(b).IsValid() {
		return fmt.Errorf("unknown role %q (admin, analyst, owner, auditor, reporter)", b)
	}
	*r = Role(b)
	return nil
}

// User is a local account. The password hash is not a field: the store
// keeps it beside the user, so that encoding a User (API responses, the
// audit log's before/after) can never leak it.
type User struct {
	ID int64 `json:"id,omitempty"` // assigned by the store
	// Name is what the user logs in with and what the audit log records
	// as the actor; see ValidateName.
	Name string `json:"name"`
	// Display is the name shown in the UI ("Li Wei", "李伟").
	Display string `json:"display,omitempty"`
	Role    Role   `json:"role"`
	// Teams are the teams whose assets (asset.Asset.Team) an owner sees.
	// Other roles may carry teams (for notifications), but their
	// permissions do not depend on them.
	Teams []string `json:"teams,omitempty"`
	// Lang is the language the user chose ("en", "zh-CN"); empty leaves
	// it to the browser's Accept-Language.
	Lang string `json:"lang,omitempty"`
	// Disabled users keep their history but may do nothing: Can denies
	// them every permission.
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created,omitzero"`
}

// ErrInvalidUser marks a user vmc cannot store as it is.
var ErrInvalidUser = errors.New("invalid user")

// Limits on user fields. Names are short identifiers; display names and
// team names are for people, and a bound keeps them from being abused as
// storage.
const (
	maxName    = 64
	maxDisplay = 128
	maxTeam    = 128
	maxTeams   = 64
)

// reservedNames cannot be user names: the audit log records automatic
// decisions (re-scans, expiring acceptances) with the actor "system", and
// a user of that name would make them indistinguishable.
var reservedNames = []string{"system"}

// ValidateName checks a user name: 1–64 characters from a–z, 0–9, '.',
// '-', '_' and '@' (so an e-mail address fits), starting with a letter or
// digit. Lower case only, so that "Alice" and "alice" cannot be two
// accounts; the first character rule keeps a name from reading as a flag
// ("-admin") on the command line or as a path ("..").
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: name: empty", ErrInvalidUser)
	case len(name) > maxName:
		return fmt.Errorf("%w: name: longer than %d characters", ErrInvalidUser, maxName)
	case !isLowerAlnum(name[0]):
		return fmt.Errorf("%w: name: %q must start with a letter or digit", ErrInvalidUser, name)
	case slices.Contains(reservedNames, name):
		return fmt.Errorf("%w: name: %q is reserved", ErrInvalidUser, name)
	}
	n := 0
	for _, r := range name {
		n++
		if r >= utf8.RuneSelf || !isLowerAlnum(byte(r)) && r != '.' && r != '-' && r != '_' && r != '@' {
			return fmt.Errorf("%w: name: %q: character %d %q not allowed (a–z, 0–9, '.', '-', '_', '@')",
				ErrInvalidUser, name, n, r)
		}
	}
	return nil
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// Validate checks what the store and Can rely on, naming the field.
func (u User) Validate() error {
	if err := ValidateName(u.Name); err != nil {
		return err
	}
	if err := checkLabel(u.Display, maxDisplay); err != nil {
		return fmt.Errorf("%w: display: %v", ErrInvalidUser, err)
	}
	if !u.Role.IsValid() {
		return fmt.Errorf("%w: role: unknown %q (admin, analyst, owner, auditor, reporter)", ErrInvalidUser, u.Role)
	}
	if u.Lang != "" && u.Lang != "en" && u.Lang != "zh-CN" {
		return fmt.Errorf("%w: lang: unknown %q (en, zh-CN)", ErrInvalidUser, u.Lang)
	}
	if len(u.Teams) > maxTeams {
		return fmt.Errorf("%w: teams: more than %d", ErrInvalidUser, maxTeams)
	}
	for i, t := range u.Teams {
		switch {
		case strings.TrimSpace(t) == "":
			return fmt.Errorf("%w: teams[%d]: empty", ErrInvalidUser, i)
		case t != strings.TrimSpace(t):
			// Teams are compared exactly with asset.Asset.Team; a stray
			// space would silently hide the team's assets.
			return fmt.Errorf("%w: teams[%d]: %q has leading or trailing space", ErrInvalidUser, i, t)
		case slices.Contains(u.Teams[:i], t):
			return fmt.Errorf("%w: teams[%d]: %q listed twice", ErrInvalidUser, i, t)
		}
		if err := checkLabel(t, maxTeam); err != nil {
			return fmt.Errorf("%w: teams[%d]: %v", ErrInvalidUser, i, err)
		}
	}
	if u.Role == Owner && len(u.Teams) == 0 {
		return fmt.Errorf("%w: teams: an owner needs at least one team, or they see nothing", ErrInvalidUser)
	}
	return nil
}

// checkLabel checks free text shown to people: valid UTF-8, no control
// characters (which could forge lines in logs and terminals), at most
// limit bytes.
func checkLabel(s string, limit int) error {
	switch {
	case len(s) > limit:
		return fmt.Errorf("longer than %d bytes", limit)
	case !utf8.ValidString(s):
		return errors.New("not valid UTF-8")
	case strings.ContainsFunc(s, unicode.IsControl):
		return errors.New("contains a control character")
	}
	return nil
}
