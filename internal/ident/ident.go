package ident

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// ErrInvalid marks an identifier, authority or move that breaks a rule;
// the message names the field.
var ErrInvalid = errors.New("invalid identifier")

// Authority is the numbering authority identifiers are allocated under.
type Authority struct {
	// GNA is the GCVE Numbering Authority id GCVE assigned the
	// organisation (GCVE BCP-02 section 3; 1 is CIRCL). Used when Prefix
	// is empty.
	GNA int `json:"gna"`
	// Prefix, when set, replaces "GCVE-<GNA>": a local namespace for an
	// organisation that is no GNA, upper-case letters, digits and inner
	// hyphens ("ACME-VULN").
	Prefix string `json:"prefix,omitempty"`
}

var prefixRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$`)

// Validate checks the authority.
func (a Authority) Validate() error {
	switch {
	case a.Prefix != "" && (!prefixRE.MatchString(a.Prefix) || len(a.Prefix) > 32):
		return fmt.Errorf("%w: prefix: %q is not upper-case letters, digits and inner hyphens (at most 32)", ErrInvalid, a.Prefix)
	case strings.HasPrefix(a.Prefix, "GCVE") || a.Prefix == "CVE" || strings.HasPrefix(a.Prefix, "CVE-"):
		// GCVE-... and CVE-... belong to their programmes.
		return fmt.Errorf("%w: prefix: %q is reserved for its programme", ErrInvalid, a.Prefix)
	case a.Prefix == "" && (a.GNA < 1 || a.GNA > 1_000_000_000):
		// GNA ids start at 1 (CIRCL); 0 is what an unconfigured
		// authority looks like.
		return fmt.Errorf("%w: gna: %d is not a GNA id; configure identifiers.gna or identifiers.prefix", ErrInvalid, a.GNA)
	}
	return nil
}

// Namespace is what identifiers begin with: the prefix, or GCVE-<GNA>.
func (a Authority) Namespace() string {
	if a.Prefix != "" {
		return a.Prefix
	}
	return "GCVE-" + strconv.Itoa(a.GNA)
}

// Format writes the identifier numbered seq in year. Sequences are
// zero-padded to four digits, as CVE's and GCVE's are, and grow beyond.
func Format(namespace string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%04d", namespace, year, seq)
}

var idRE = regexp.MustCompile(`^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)-([0-9]{4})-([0-9]{4,19})$`)

// Parse splits an identifier into namespace, year and sequence.
func Parse(id string) (namespace string, year int, seq int64, err error) {
	m := idRE.FindStringSubmatch(id)
	if m == nil {
		return "", 0, 0, fmt.Errorf("%w: %q is not <namespace>-<year>-<sequence>", ErrInvalid, id)
	}
	year, _ = strconv.Atoi(m[2])
	seq, err = strconv.ParseInt(m[3], 10, 64)
	if err != nil || seq < 1 {
		return "", 0, 0, fmt.Errorf("%w: %q: sequence out of range", ErrInvalid, id)
	}
	return m[1], year, seq, nil
}

// State is where an identifier is in its life.
type State string

const (
	// Reserved: the number is handed out; nothing is said about it yet.
	Reserved State = "reserved"
	// Published: it names a vulnerability, publicly.
	Published State = "published"
	// Rejected: it names nothing and never will (reserved in error, a
	// duplicate, not a vulnerability). The number is not reused.
	Rejected State = "rejected"
)

// States lists the states in their order.
var States = []State{Reserved, Published, Rejected}

func (s State) String() string { return string(s) }

// IsValid reports whether s is a known state.
func (s State) IsValid() bool { return slices.Contains(States, s) }

// UnmarshalJSON rejects unknown states.
func (s *State) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if !State(v).IsValid() {
		return fmt.Errorf("%w: state: %q is not reserved, published or rejected", ErrInvalid, v)
	}
	*s = State(v)
	return nil
}

// Identifier is one allocated identifier.
type Identifier struct {
	// ID is the identifier: <namespace>-<year>-<sequence>.
	ID        string `json:"id"`
	Namespace string `json:"namespace"`
	Year      int    `json:"year"`
	Seq       int64  `json:"seq"`
	State     State  `json:"state"`
	// Title says what the identifier is for, in the reserver's words.
	Title string `json:"title,omitempty"`
	// Vuln is the vulnerability the identifier names once published:
	// the id of a record vmc holds (a CVE, GHSA, CNVD, ... or none, for
	// a vulnerability only this identifier names).
	Vuln string `json:"vuln,omitempty"`
	// Aliases are ids assigned to the same vulnerability later, a CVE
	// above all. They are added, never replace the identifier.
	Aliases []string `json:"aliases,omitempty"`
	// Reason says why it was rejected.
	Reason     string    `json:"reason,omitempty"`
	ReservedBy string    `json:"reserved_by"`
	Reserved   time.Time `json:"reserved"`
	Published  time.Time `json:"published,omitzero"`
	Rejected   time.Time `json:"rejected,omitzero"`
}

// Move is a change of state: publishing (naming Vuln, optionally) or
// rejecting (with Reason).
type Move struct {
	To     State  `json:"to"`
	Vuln   string `json:"vuln,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Apply returns id after m at time at, or why m is not allowed: reserved
// identifiers are published or rejected, published ones rejected (a
// published id found to be a duplicate), rejected ones stay rejected.
func (id Identifier) Apply(m Move, at time.Time) (Identifier, error) {
	x := id
	x.Aliases = slices.Clone(id.Aliases)
	switch {
	case !m.To.IsValid():
		return id, fmt.Errorf("%w: %s: to: %q is not a state", ErrInvalid, id.ID, m.To)
	case m.To == Published && id.State != Reserved:
		return id, fmt.Errorf("%w: %s is %s; only a reserved identifier is published", ErrInvalid, id.ID, id.State)
	case m.To == Rejected && id.State == Rejected:
		return id, fmt.Errorf("%w: %s is already rejected", ErrInvalid, id.ID)
	case m.To == Rejected && strings.TrimSpace(m.Reason) == "":
		return id, fmt.Errorf("%w: %s: reason: a rejection says why", ErrInvalid, id.ID)
	case m.To == Reserved:
		return id, fmt.Errorf("%w: %s: an identifier is reserved once, when allocated", ErrInvalid, id.ID)
	case m.Vuln != "" && !advisory.ValidID(m.Vuln):
		return id, fmt.Errorf("%w: %s: vuln: %q is not an identifier", ErrInvalid, id.ID, m.Vuln)
	case m.Vuln != "" && m.To != Published:
		return id, fmt.Errorf("%w: %s: vuln: only publishing names a vulnerability", ErrInvalid, id.ID)
	case strings.EqualFold(m.Vuln, id.ID):
		return id, fmt.Errorf("%w: %s: vuln: an identifier does not name itself", ErrInvalid, id.ID)
	}
	x.State = m.To
	switch m.To {
	case Published:
		x.Vuln, x.Published = m.Vuln, at
	case Rejected:
		x.Reason, x.Rejected = strings.TrimSpace(m.Reason), at
	}
	return x, x.Validate()
}

// WithAlias returns id with alias added, or why it cannot be: an alias is
// a well-formed id other than the identifier and its vulnerability, and
// a rejected identifier takes none.
func (id Identifier) WithAlias(alias string) (Identifier, error) {
	switch {
	case !advisory.ValidID(alias):
		return id, fmt.Errorf("%w: %s: alias: %q is not an identifier", ErrInvalid, id.ID, alias)
	case strings.EqualFold(alias, id.ID):
		return id, fmt.Errorf("%w: %s: alias: an identifier is not its own alias", ErrInvalid, id.ID)
	case id.State == Rejected:
		return id, fmt.Errorf("%w: %s is rejected; it takes no alias", ErrInvalid, id.ID)
	case slices.ContainsFunc(id.Aliases, func(a string) bool { return strings.EqualFold(a, alias) }):
		return id, nil
	}
	x := id
	x.Aliases = append(slices.Clone(id.Aliases), alias)
	return x, x.Validate()
}

// Validate checks an identifier as the store keeps it.
func (id Identifier) Validate() error {
	ns, year, seq, err := Parse(id.ID)
	switch {
	case err != nil:
		return err
	case ns != id.Namespace || year != id.Year || seq != id.Seq:
		return fmt.Errorf("%w: %s: namespace, year and seq disagree with the id", ErrInvalid, id.ID)
	case !id.State.IsValid():
		return fmt.Errorf("%w: %s: state: %q", ErrInvalid, id.ID, id.State)
	case len(id.Title) > 500:
		return fmt.Errorf("%w: %s: title: longer than 500 bytes", ErrInvalid, id.ID)
	case len(id.Reason) > 2000:
		return fmt.Errorf("%w: %s: reason: longer than 2000 bytes", ErrInvalid, id.ID)
	case len(id.Aliases) > 50:
		return fmt.Errorf("%w: %s: aliases: more than 50", ErrInvalid, id.ID)
	}
	return nil
}

// Record is what a published identifier says in vmc's vulnerability
// database: a record of source "vmc" whose aliases (its vulnerability
// and later ids) merge it with what other sources say, so that the
// identifier resolves like any alias and exports like any record.
// modified is when the identifier last changed.
func (id Identifier) Record(modified time.Time) advisory.Record {
	r := advisory.Record{Source: "vmc", ID: id.ID, Published: id.Published, Modified: modified}
	if id.Vuln != "" {
		r.Aliases = append(r.Aliases, id.Vuln)
	}
	r.Aliases = append(r.Aliases, id.Aliases...)
	if id.Title != "" {
		r.Titles = []advisory.Text{{Lang: "en", Value: id.Title}}
	}
	if id.State == Rejected {
		r.Withdrawn = id.Rejected
	}
	return r
}
