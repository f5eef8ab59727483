package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Scope is what an API token is for. A token's scopes narrow its user's
// permissions: a CI job that uploads SBOMs gets "import" and can do
// nothing else, whatever its user's role.
type Scope string

const (
	// ScopeRead reads what the user may read.
	ScopeRead Scope = "read"
	// ScopeWrite changes assets, findings and the response process,
	// publishes advisories, and
	// reads: a token that may change findings it cannot see would only
	// tempt people to add "read".
	ScopeWrite Scope = "write"
	// ScopeImport uploads scans, SBOMs and VEX, and nothing else: the scope
	// for CI pipelines.
	ScopeImport Scope = "import"
	// ScopeReport submits vulnerability reports.
	ScopeReport Scope = "report"
	// ScopeAdmin manages users and policies.
	ScopeAdmin Scope = "admin"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeRead, ScopeWrite, ScopeImport, ScopeReport, ScopeAdmin}

func (s Scope) String() string { return string(s) }

// IsValid reports whether s is a known scope.
func (s Scope) IsValid() bool { return slices.Contains(Scopes, s) }

// UnmarshalText rejects unknown scopes, so input fails at the boundary.
func (s *Scope) UnmarshalText(b []byte) error {
	if !Scope(b).IsValid() {
		return fmt.Errorf("unknown scope %q (read, write, import, report, admin)", b)
	}
	*s = Scope(b)
	return nil
}

// scopes is the scope → permission table. A test checks that every
// permission is reachable through some scope.
var scopes = map[Scope][]Permission{
	ScopeRead:   {VulnRead, AssetRead, FindingRead, AuditRead, ReportRead, ProcessRead},
	ScopeWrite:  {VulnRead, AssetRead, FindingRead, AuditRead, ReportRead, ProcessRead, AssetWrite, FindingTriage, FindingAccept, ProcessWrite, ReportTriage, AdvisoryPublish},
	ScopeImport: {ImportWrite},
	ScopeReport: {ReportSubmit},
	ScopeAdmin:  {UserAdmin, PolicyWrite},
}

// Permissions lists what s allows (before its user's role narrows it
// further).
func (s Scope) Permissions() []Permission { return slices.Clone(scopes[s]) }

// Token is an API token as stored. The secret's hash is not a field: the
// store keeps it beside the token, so that listing tokens cannot leak it.
type Token struct {
	// ID is the public part of the token (see NewToken): what the store
	// looks the token up by, and what the UI shows to tell tokens apart.
	ID string `json:"id"`
	// User is the name of the user the token acts for.
	User string `json:"user"`
	// Name is the owner's label for it ("gitlab-ci payments").
	Name    string    `json:"name"`
	Scopes  []Scope   `json:"scopes"`
	Expires time.Time `json:"expires"`
	Created time.Time `json:"created"`
	// LastUsed is when the token last authenticated a request, zero if
	// never; it helps people find and revoke tokens nobody uses.
	LastUsed time.Time `json:"last_used,omitzero"`
}

// MaxTokenLifetime is the longest a token may live: a year. Tokens do not
// last for ever, so a forgotten or leaked one dies on its own, and every
// token is looked at again at least once a year.
const MaxTokenLifetime = 365 * 24 * time.Hour

// maxTokenName bounds the label: a few words, not a document.
const maxTokenName = 100

// ErrInvalidToken marks a token record vmc cannot store as it is.
var ErrInvalidToken = errors.New("invalid API token")

// Validate checks a token being created at now: its ID has NewToken's
// form, its user name is valid, it has a label, at least one scope and
// no scope twice, and it expires after now and no more than
// MaxTokenLifetime after Created, which is set and not in the future.
// Errors wrap ErrInvalidToken and name the field.
func (t Token) Validate(now time.Time) error {
	if !isTokenID(t.ID) {
		return fmt.Errorf("%w: id: %q is not %d characters of a–z, 2–7", ErrInvalidToken, t.ID, idChars)
	}
	if err := ValidateName(t.User); err != nil {
		return fmt.Errorf("%w: user: %v", ErrInvalidToken, err)
	}
	if strings.TrimSpace(t.Name) == "" {
		return fmt.Errorf("%w: name: empty", ErrInvalidToken)
	}
	if err := checkLabel(t.Name, maxTokenName); err != nil {
		return fmt.Errorf("%w: name: %v", ErrInvalidToken, err)
	}
	if len(t.Scopes) == 0 {
		return fmt.Errorf("%w: scopes: none; a token needs at least one", ErrInvalidToken)
	}
	for i, s := range t.Scopes {
		switch {
		case !s.IsValid():
			return fmt.Errorf("%w: scopes[%d]: unknown %q (read, write, import, report, admin)", ErrInvalidToken, i, s)
		case slices.Contains(t.Scopes[:i], s):
			return fmt.Errorf("%w: scopes[%d]: %q listed twice", ErrInvalidToken, i, s)
		}
	}
	switch {
	case t.Created.IsZero():
		return fmt.Errorf("%w: created: not set", ErrInvalidToken)
	case t.Created.After(now):
		return fmt.Errorf("%w: created: %s is in the future", ErrInvalidToken, t.Created.UTC().Format(time.RFC3339))
	case t.Expires.IsZero():
		return fmt.Errorf("%w: expires: not set; every token expires, in at most %d days", ErrInvalidToken, MaxTokenLifetime/(24*time.Hour))
	case !t.Expires.After(now):
		return fmt.Errorf("%w: expires: %s is not in the future", ErrInvalidToken, t.Expires.UTC().Format(time.RFC3339))
	case t.Expires.Sub(t.Created) > MaxTokenLifetime:
		return fmt.Errorf("%w: expires: %s is more than %d days after created %s", ErrInvalidToken,
			t.Expires.UTC().Format(time.RFC3339), MaxTokenLifetime/(24*time.Hour), t.Created.UTC().Format(time.RFC3339))
	}
	return nil
}

// Expired reports whether t no longer authenticates at now.
func (t Token) Expired(now time.Time) bool { return !now.Before(t.Expires) }

// Allows reports whether one of t's scopes allows p. It says nothing of
// whether t's user holds p; Allowed checks both.
func (t Token) Allows(p Permission) bool {
	for _, s := range t.Scopes {
		if slices.Contains(scopes[s], p) {
			return true
		}
	}
	return false
}
