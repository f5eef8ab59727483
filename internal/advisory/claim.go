package advisory

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Field names a claimable part of a record. A claim is one (Field, Key)
// value; Key separates values a source can give several of: a title per
// language, a severity per scoring system.
type Field string

const (
	FieldAliases        Field = "aliases"
	FieldRelated        Field = "related"
	FieldPublished      Field = "published"
	FieldModified       Field = "modified"
	FieldWithdrawn      Field = "withdrawn"
	FieldState          Field = "state"
	FieldTitle          Field = "title"       // key: language
	FieldDescription    Field = "description" // key: language
	FieldCWEs           Field = "cwes"
	FieldSeverity       Field = "severity" // key: type, or type/provider
	FieldAffected       Field = "affected"
	FieldReferences     Field = "references"
	FieldCredits        Field = "credits"
	FieldKEV            Field = "kev"
	FieldEPSS           Field = "epss"
	FieldSSVC           Field = "ssvc"
	FieldConfigurations Field = "configurations"
	FieldNotes          Field = "notes"
	FieldTLP            Field = "tlp"
)

// Claim is one value of one field, as one source record states it.
type Claim struct {
	Field Field           `json:"field"`
	Key   string          `json:"key,omitempty"`
	Value json.RawMessage `json:"value"`
	Provenance
}

// Provenance says where a claim came from and when vmc saw it.
type Provenance struct {
	Source   string `json:"source"`
	Record   string `json:"record"`
	Document string `json:"document,omitempty"`
	// Seen is when vmc first imported this value from this record.
	Seen time.Time `json:"seen"`
	// Replaced is when a later import of the record changed or dropped the
	// value; zero while the claim is current.
	Replaced time.Time `json:"replaced,omitzero"`
}

// ErrInvalid marks a record that cannot be stored as it is.
var ErrInvalid = errors.New("invalid record")

// idPattern accepts the identifiers vmc meets: CVE-2021-44228, GHSA-xxxx,
// GO-2022-0001, ALSA-2024:0265, CNVD-2021-95914, JVNDB-2023-000001,
// GCVE-1-2025-0001. It exists to keep paths, whitespace and control
// characters out of ids, which end up in URLs and file names.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:+\-]{1,127}$`)

// ValidID reports whether id is acceptable as a vulnerability identifier.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Validate checks what the store relies on: a source, a well-formed id and
// well-formed aliases. It names the offending field.
func (r *Record) Validate() error {
	switch {
	case r.Source == "":
		return fmt.Errorf("%w: source: empty", ErrInvalid)
	case r.ID == "":
		return fmt.Errorf("%w: id: empty", ErrInvalid)
	case !ValidID(r.ID):
		return fmt.Errorf("%w: id: malformed %q", ErrInvalid, r.ID)
	case r.Document != "" && !ValidID(r.Document):
		return fmt.Errorf("%w: document: malformed %q", ErrInvalid, r.Document)
	}
	for i, a := range r.Aliases {
		if !ValidID(a) {
			return fmt.Errorf("%w: aliases[%d]: malformed %q", ErrInvalid, i, a)
		}
	}
	for i, a := range r.Related {
		if !ValidID(a) {
			return fmt.Errorf("%w: related[%d]: malformed %q", ErrInvalid, i, a)
		}
	}
	for i, s := range r.Severities {
		if !s.Type.IsValid() {
			return fmt.Errorf("%w: severities[%d].type: unknown %q", ErrInvalid, i, s.Type)
		}
	}
	return nil
}

// IDs returns the record's id followed by its aliases, without duplicates.
// These are the names under which the record's vulnerability is found.
func (r *Record) IDs() []string {
	ids := make([]string, 0, 1+len(r.Aliases))
	ids = append(ids, r.ID)
	for _, a := range r.Aliases {
		if !slices.Contains(ids, a) {
			ids = append(ids, a)
		}
	}
	return ids
}

// Claims flattens the record into its claims, without provenance times.
// The order is stable, so two equal records give equal claim lists.
func (r *Record) Claims() []Claim {
	var cs []Claim
	add := func(f Field, key string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			// Every value here is a plain struct, slice or string; a
			// failure is a programming error, not bad input.
			panic(fmt.Sprintf("advisory: marshal %s: %v", f, err))
		}
		cs = append(cs, Claim{Field: f, Key: key, Value: b,
			Provenance: Provenance{Source: r.Source, Record: r.ID, Document: r.Document}})
	}
	if len(r.Aliases) > 0 {
		add(FieldAliases, "", sortedUnique(r.Aliases))
	}
	if len(r.Related) > 0 {
		add(FieldRelated, "", sortedUnique(r.Related))
	}
	if !r.Published.IsZero() {
		add(FieldPublished, "", r.Published.UTC())
	}
	// A zero or year-1 modified time (the Go vulndb's placeholder) says
	// nothing, so it is not a claim.
	if r.Modified.Year() > 1 {
		add(FieldModified, "", r.Modified.UTC())
	}
	if !r.Withdrawn.IsZero() {
		add(FieldWithdrawn, "", r.Withdrawn.UTC())
	}
	if r.State != "" {
		add(FieldState, "", r.State)
	}
	for _, t := range r.Titles {
		add(FieldTitle, t.Lang, t.Value)
	}
	for _, t := range r.Descriptions {
		add(FieldDescription, t.Lang, t.Value)
	}
	if len(r.CWEs) > 0 {
		add(FieldCWEs, "", r.CWEs)
	}
	for _, s := range r.Severities {
		add(FieldSeverity, s.key(), s)
	}
	if len(r.Affected) > 0 {
		add(FieldAffected, "", r.Affected)
	}
	if len(r.References) > 0 {
		add(FieldReferences, "", r.References)
	}
	if len(r.Credits) > 0 {
		add(FieldCredits, "", r.Credits)
	}
	if len(r.Notes) > 0 {
		add(FieldNotes, "", r.Notes)
	}
	if r.TLP != "" {
		add(FieldTLP, "", r.TLP)
	}
	if r.KEV != nil {
		add(FieldKEV, "", r.KEV)
	}
	if r.EPSS != nil {
		add(FieldEPSS, "", r.EPSS)
	}
	if r.SSVC != nil {
		add(FieldSSVC, "", r.SSVC)
	}
	if len(r.Configurations) > 0 {
		cs = append(cs, Claim{Field: FieldConfigurations, Value: slices.Clone(r.Configurations),
			Provenance: Provenance{Source: r.Source, Record: r.ID, Document: r.Document}})
	}
	return dedupeKeys(cs)
}

// key separates severities of one record: one per scoring system and
// provider. A CVE record's CNA and CISA's ADP may both give a v3.1 vector.
func (s Severity) key() string {
	if s.Provider == "" {
		return string(s.Type)
	}
	return string(s.Type) + "/" + s.Provider
}

// dedupeKeys keeps the first claim of each (field, key): a source that
// repeats a language's title says one thing, and the store keys claims by
// (field, key).
func dedupeKeys(cs []Claim) []Claim {
	type fk struct {
		f Field
		k string
	}
	seen := make(map[fk]bool, len(cs))
	out := cs[:0]
	for _, c := range cs {
		if seen[fk{c.Field, c.Key}] {
			continue
		}
		seen[fk{c.Field, c.Key}] = true
		out = append(out, c)
	}
	return out
}

func sortedUnique(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

// Hash is a digest of the record's content. Two imports of an unchanged
// record have the same hash, which lets a re-import skip it without reading
// its claims back.
func (r *Record) Hash() string { return HashClaims(r.Claims()) }

// HashClaims is Hash for a record already flattened into claims, so a
// writer that needs both pays for the flattening once.
func HashClaims(cs []Claim) string {
	h := sha256.New()
	// field NUL key NUL length NUL value, appended rather than formatted:
	// fmt.Fprintf was a third of hashing a record.
	var head []byte
	for _, c := range cs {
		head = append(head[:0], c.Field...)
		head = append(head, 0)
		head = append(head, c.Key...)
		head = append(head, 0)
		head = strconv.AppendInt(head, int64(len(c.Value)), 10)
		head = append(head, 0)
		h.Write(head)
		h.Write(c.Value)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Kind classifies an identifier by its prefix: "CVE", "GHSA", "GO", "CNVD".
// It is used for statistics and for choosing a vulnerability's primary id.
func Kind(id string) string {
	if i := strings.IndexAny(id, "-:"); i > 0 {
		return strings.ToUpper(id[:i])
	}
	return strings.ToUpper(id)
}
