package advisory

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Vulnerability is the merged view of every source record that names one
// vulnerability.
type Vulnerability struct {
	// ID is the primary identifier, chosen by PrimaryID from Aliases.
	ID string `json:"id"`
	// Aliases are every identifier the vulnerability is known by,
	// including ID.
	Aliases []string `json:"aliases"`
	// Sources lists the source records merged here.
	Sources []SourceRef `json:"sources"`
	// Fields holds one entry per (field, key), in a stable order.
	Fields []FieldView `json:"fields"`
	// History holds replaced claims, newest first, when the caller asked
	// for it.
	History []Claim `json:"history,omitempty"`
}

// SourceRef names one source record merged into a vulnerability.
type SourceRef struct {
	Source   string    `json:"source"`
	Record   string    `json:"record"`
	Document string    `json:"document,omitempty"`
	Modified time.Time `json:"modified,omitzero"`
	Seen     time.Time `json:"seen"` // last import that changed it
	// Retired is when a newer snapshot of the source stopped carrying the
	// record; its claims are then all history.
	Retired time.Time `json:"retired,omitzero"`
}

// FieldView is what all sources currently say for one (field, key).
type FieldView struct {
	Field Field  `json:"field"`
	Key   string `json:"key,omitempty"`
	// Claims are ordered by precedence; Claims[0] is the chosen value.
	Claims []Claim `json:"claims"`
}

// Chosen returns the claim the merged view uses.
func (f FieldView) Chosen() Claim { return f.Claims[0] }

// DefaultPrecedence ranks sources for choosing among conflicting claims:
// vmc's own records first, then the authority that assigns the identifier,
// then analysts who enrich it, then aggregators. Sources not listed rank
// after all listed ones, in name order. KEV and EPSS facts come first from
// CISA's catalogue and FIRST's scores themselves: other sources that repeat
// them (a CVE record's ADP, EUVD) carry less (no due date, a rounded score).
var DefaultPrecedence = Precedence{
	Sources: []string{"vmc", "cve5", "cisa-adp", "nvd", "ghsa", "osv", "csaf", "jvn", "euvd", "cnvd", "cnnvd", "kev", "epss"},
	Fields: map[Field][]string{
		FieldKEV:  {"kev"},
		FieldEPSS: {"epss"},
	},
}

// Precedence ranks sources; earlier is preferred.
type Precedence struct {
	// Sources is the order for every field.
	Sources []string
	// Fields names sources that come first for one field, before the
	// order of Sources.
	Fields map[Field][]string
}

// WithSources returns p with its general order replaced, keeping its
// per-field rules; an empty order keeps p's.
func (p Precedence) WithSources(order []string) Precedence {
	if len(order) > 0 {
		p.Sources = order
	}
	return p
}

func (p Precedence) rank(f Field, source string) int {
	first := p.Fields[f]
	if i := slices.Index(first, source); i >= 0 {
		return i
	}
	if i := slices.Index(p.Sources, source); i >= 0 {
		return len(first) + i
	}
	return len(first) + len(p.Sources)
}

// Compare orders two sources for field f by precedence, then by name.
func (p Precedence) Compare(f Field, a, b string) int {
	if c := cmp.Compare(p.rank(f, a), p.rank(f, b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// Merge builds the merged view from current claims. It does not modify
// claims. Ties within a source (two records of one source claiming the same
// field) go to the most recently seen.
func Merge(id string, aliases []string, sources []SourceRef, claims []Claim, prec Precedence) Vulnerability {
	cs := slices.Clone(claims)
	slices.SortStableFunc(cs, func(a, b Claim) int {
		if c := cmp.Compare(fieldRank(a.Field), fieldRank(b.Field)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		if c := prec.Compare(a.Field, a.Source, b.Source); c != 0 {
			return c
		}
		if c := b.Seen.Compare(a.Seen); c != 0 {
			return c
		}
		return strings.Compare(a.Record, b.Record)
	})
	v := Vulnerability{ID: id, Aliases: slices.Clone(aliases), Sources: slices.Clone(sources)}
	for _, c := range cs {
		if n := len(v.Fields); n > 0 && v.Fields[n-1].Field == c.Field && v.Fields[n-1].Key == c.Key {
			v.Fields[n-1].Claims = append(v.Fields[n-1].Claims, c)
			continue
		}
		v.Fields = append(v.Fields, FieldView{Field: c.Field, Key: c.Key, Claims: []Claim{c}})
	}
	slices.SortFunc(v.Sources, func(a, b SourceRef) int {
		if c := prec.Compare("", a.Source, b.Source); c != 0 {
			return c
		}
		return strings.Compare(a.Record, b.Record)
	})
	return v
}

var fieldOrder = []Field{
	FieldState, FieldTitle, FieldDescription, FieldPublished, FieldModified, FieldWithdrawn,
	FieldSeverity, FieldCWEs, FieldKEV, FieldEPSS, FieldSSVC, FieldAffected, FieldConfigurations,
	FieldNotes, FieldReferences, FieldCredits, FieldTLP, FieldAliases, FieldRelated,
}

func fieldRank(f Field) int {
	if i := slices.Index(fieldOrder, f); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

// Field returns the view of (f, key), if any source claims it.
func (v *Vulnerability) Field(f Field, key string) (FieldView, bool) {
	for _, fv := range v.Fields {
		if fv.Field == f && fv.Key == key {
			return fv, true
		}
	}
	return FieldView{}, false
}

// Text returns the chosen value of a per-language text field (title or
// description) in the first of langs that has one, else in any language.
func (v *Vulnerability) Text(f Field, langs ...string) (Text, bool) {
	for _, l := range langs {
		if fv, ok := v.Field(f, l); ok {
			var s string
			if json.Unmarshal(fv.Chosen().Value, &s) == nil {
				return Text{Lang: l, Value: s}, true
			}
		}
	}
	for _, fv := range v.Fields {
		if fv.Field == f {
			var s string
			if json.Unmarshal(fv.Chosen().Value, &s) == nil {
				return Text{Lang: fv.Key, Value: s}, true
			}
		}
	}
	return Text{}, false
}

// Record assembles the merged record: for single-valued fields the chosen
// claim, for list fields the union over all sources, first occurrence
// winning, in precedence order. It is what matching, scoring and export read.
func (v *Vulnerability) Record() (Record, error) {
	r := Record{Source: "merged", ID: v.ID}
	for _, a := range v.Aliases {
		if a != v.ID {
			r.Aliases = append(r.Aliases, a)
		}
	}
	for _, fv := range v.Fields {
		if err := r.absorb(fv); err != nil {
			return Record{}, fmt.Errorf("%s: field %s[%s]: %w", v.ID, fv.Field, fv.Key, err)
		}
	}
	return r, nil
}

func (r *Record) absorb(fv FieldView) error {
	chosen := fv.Chosen().Value
	switch fv.Field {
	case FieldRelated:
		return unionJSON(fv, &r.Related, func(s string) string { return s })
	case FieldPublished:
		return json.Unmarshal(chosen, &r.Published)
	case FieldModified:
		return json.Unmarshal(chosen, &r.Modified)
	case FieldWithdrawn:
		return json.Unmarshal(chosen, &r.Withdrawn)
	case FieldState:
		return json.Unmarshal(chosen, &r.State)
	case FieldTitle, FieldDescription:
		var s string
		if err := json.Unmarshal(chosen, &s); err != nil {
			return err
		}
		t := Text{Lang: fv.Key, Value: s}
		if fv.Field == FieldTitle {
			r.Titles = append(r.Titles, t)
		} else {
			r.Descriptions = append(r.Descriptions, t)
		}
	case FieldSeverity:
		var s Severity
		if err := json.Unmarshal(chosen, &s); err != nil {
			return err
		}
		r.Severities = append(r.Severities, s)
	case FieldCWEs:
		return unionJSON(fv, &r.CWEs, func(c CWE) string { return c.ID })
	case FieldAffected:
		return unionJSON(fv, &r.Affected, func(a Affected) string {
			b, _ := json.Marshal(a)
			return string(b)
		})
	case FieldReferences:
		return unionJSON(fv, &r.References, func(x Reference) string { return x.URL })
	case FieldCredits:
		return unionJSON(fv, &r.Credits, func(c Credit) string { return c.Name })
	case FieldKEV:
		r.KEV = new(KEV)
		return json.Unmarshal(chosen, r.KEV)
	case FieldEPSS:
		r.EPSS = new(EPSS)
		return json.Unmarshal(chosen, r.EPSS)
	case FieldSSVC:
		r.SSVC = new(SSVC)
		return json.Unmarshal(chosen, r.SSVC)
	case FieldConfigurations:
		r.Configurations = slices.Clone(chosen)
	case FieldNotes:
		return unionJSON(fv, &r.Notes, func(n Note) string { return n.Category + "\x00" + n.Text })
	case FieldTLP:
		return json.Unmarshal(chosen, &r.TLP)
	}
	return nil
}

// unionJSON appends to dst the items of every claim's list, skipping items
// whose key was already taken by a higher-precedence claim.
func unionJSON[T any](fv FieldView, dst *[]T, key func(T) string) error {
	seen := make(map[string]bool)
	for _, x := range *dst {
		seen[key(x)] = true
	}
	for _, c := range fv.Claims {
		var items []T
		if err := json.Unmarshal(c.Value, &items); err != nil {
			return err
		}
		for _, it := range items {
			if k := key(it); !seen[k] {
				seen[k] = true
				*dst = append(*dst, it)
			}
		}
	}
	return nil
}

// kindOrder ranks identifier kinds for PrimaryID. Own identifiers come
// first, so a CVE assigned later joins as an alias and nothing is
// renumbered; then CVE, the widest-known name; then the databases that
// assign ids of their own.
var kindOrder = []string{"GCVE", "CVE", "GHSA", "EUVD", "CNVD", "CNNVD", "JVNDB"}

// PrimaryID chooses the identifier a vulnerability is shown under.
func PrimaryID(ids []string) string {
	best := ""
	for _, id := range ids {
		if best == "" || comparePrimary(id, best) < 0 {
			best = id
		}
	}
	return best
}

func comparePrimary(a, b string) int {
	ra, rb := kindRank(a), kindRank(b)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	return strings.Compare(a, b)
}

func kindRank(id string) int {
	if i := slices.Index(kindOrder, Kind(id)); i >= 0 {
		return i
	}
	return len(kindOrder)
}

// SourceRecord is one source's record as vmc holds it: its reference and
// every claim it makes (current ones, then replaced ones when v was read
// with its history).
type SourceRecord struct {
	SourceRef
	Claims []Claim `json:"claims"`
}

// Records regroups v by source record, in v.Sources order: the view of
// what each source says on its own, beside the merged one.
func (v *Vulnerability) Records() []SourceRecord {
	out := make([]SourceRecord, len(v.Sources))
	at := make(map[[3]string]int, len(v.Sources))
	for i, s := range v.Sources {
		out[i] = SourceRecord{SourceRef: s, Claims: []Claim{}}
		at[[3]string{s.Source, s.Record, s.Document}] = i
	}
	add := func(c Claim) {
		if i, ok := at[[3]string{c.Source, c.Record, c.Document}]; ok {
			out[i].Claims = append(out[i].Claims, c)
		}
	}
	for _, f := range v.Fields {
		for _, c := range f.Claims {
			add(c)
		}
	}
	for _, c := range v.History {
		add(c)
	}
	return out
}
