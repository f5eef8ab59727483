package taxii

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
)

// MediaType is TAXII 2.1's media type, and STIXMediaType the media type
// of STIX 2.1 content.
const (
	MediaType     = "application/taxii+json;version=2.1"
	STIXMediaType = "application/stix+json;version=2.1"
)

// ErrInvalid marks a resource vmc refuses; the message names the field.
var ErrInvalid = errors.New("invalid TAXII resource")

// APIRoot is a group of collections under one URL (TAXII 2.1 section 4.2).
type APIRoot struct {
	// Name is the root's path segment: /taxii2/<name>/ ... vmc serves
	// roots at /<name>/ beside /taxii2/.
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate checks a root.
func (r APIRoot) Validate() error {
	switch {
	case !namePattern.MatchString(r.Name):
		return fmt.Errorf("%w: api root name: malformed %q (letters, digits, '.', '_', '-')", ErrInvalid, r.Name)
	case strings.TrimSpace(r.Title) == "":
		return fmt.Errorf("%w: api root %s: title: empty", ErrInvalid, r.Name)
	}
	return nil
}

// Collection is a set of STIX objects under an API root (section 5.2).
type Collection struct {
	ID          string `json:"id"`
	APIRoot     string `json:"api_root"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Alias       string `json:"alias,omitempty"`
	// Read and Write say who may read and add objects: grants of the
	// form "public" (anyone, without signing in; read only), "signed-in",
	// "role:<role>", "team:<team>" or "user:<name>". Administrators may
	// always. Empty means administrators only.
	Read  []string `json:"read,omitempty"`
	Write []string `json:"write,omitempty"`
	// MediaTypes are the content types the collection holds.
	MediaTypes []string `json:"media_types,omitempty"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Validate checks a collection.
func (c Collection) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: collection %s: %s: %s", ErrInvalid, c.ID, field, fmt.Sprintf(format, args...))
	}
	switch {
	case !uuidPattern.MatchString(c.ID):
		return bad("id", "not a UUID")
	case !namePattern.MatchString(c.APIRoot):
		return bad("api_root", "malformed %q", c.APIRoot)
	case strings.TrimSpace(c.Title) == "":
		return bad("title", "empty")
	case c.Alias != "" && !namePattern.MatchString(c.Alias):
		return bad("alias", "malformed %q", c.Alias)
	}
	for i, g := range c.Read {
		if err := checkGrant(g); err != nil {
			return bad(fmt.Sprintf("read[%d]", i), "%v", err)
		}
	}
	for i, g := range c.Write {
		if err := checkGrant(g); err != nil {
			return bad(fmt.Sprintf("write[%d]", i), "%v", err)
		}
		if g == "public" {
			return bad(fmt.Sprintf("write[%d]", i), "anonymous writers are not allowed")
		}
	}
	return nil
}

func checkGrant(g string) error {
	if g == "public" || g == "signed-in" {
		return nil
	}
	kind, v, ok := strings.Cut(g, ":")
	switch {
	case !ok || v == "":
		return fmt.Errorf("malformed grant %q (public, signed-in, role:, team:, user:)", g)
	case kind == "role" && !auth.Role(v).IsValid():
		return fmt.Errorf("unknown role %q", v)
	case kind != "role" && kind != "team" && kind != "user":
		return fmt.Errorf("unknown grant kind %q", kind)
	}
	return nil
}

// grants reports whether u (nil: an anonymous caller) holds one of gs.
func grants(gs []string, u *auth.User) bool {
	if u != nil && u.Role == auth.Admin {
		return true
	}
	for _, g := range gs {
		kind, v, _ := strings.Cut(g, ":")
		switch {
		case g == "public":
			return true
		case u == nil:
		case g == "signed-in",
			kind == "role" && string(u.Role) == v,
			kind == "team" && slices.Contains(u.Teams, v),
			kind == "user" && u.Name == v:
			return true
		}
	}
	return false
}

// CanRead reports whether u (nil: anonymous) may read the collection.
func (c Collection) CanRead(u *auth.User) bool { return grants(c.Read, u) }

// CanWrite reports whether u may add objects to the collection.
func (c Collection) CanWrite(u *auth.User) bool { return u != nil && grants(c.Write, u) }

// Status is the state of an add request (section 4.3).
type Status struct {
	ID               string    `json:"id"`
	Status           string    `json:"status"` // "complete" or "pending"
	RequestTimestamp time.Time `json:"request_timestamp"`
	TotalCount       int       `json:"total_count"`
	SuccessCount     int       `json:"success_count"`
	Successes        []Detail  `json:"successes,omitempty"`
	FailureCount     int       `json:"failure_count"`
	Failures         []Detail  `json:"failures,omitempty"`
	PendingCount     int       `json:"pending_count"`
	Pendings         []Detail  `json:"pendings,omitempty"`
	// Collection and User are vmc's: whose request, to which collection,
	// so that only they (and administrators) read the status.
	Collection string `json:"-"`
	User       string `json:"-"`
}

// Detail is one object of an add request (section 4.3.1).
type Detail struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Message string `json:"message,omitempty"`
}
