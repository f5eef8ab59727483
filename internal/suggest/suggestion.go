package suggest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/risk"
)

// Kind is what a suggestion proposes.
type Kind string

const (
	KindCWE  Kind = "cwe"
	KindCVSS Kind = "cvss_v3.1"
)

func (k Kind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool { return k == KindCWE || k == KindCVSS }

// UnmarshalText rejects unknown kinds.
func (k *Kind) UnmarshalText(b []byte) error {
	if !Kind(b).IsValid() {
		return fmt.Errorf("unknown suggestion kind %q", b)
	}
	*k = Kind(b)
	return nil
}

// Status is where a suggestion stands with the analysts.
type Status string

const (
	StatusOpen     Status = "open"
	StatusAccepted Status = "accepted"
	StatusRejected Status = "rejected"
)

func (s Status) String() string { return string(s) }

// IsValid reports whether s is a known status.
func (s Status) IsValid() bool {
	return s == StatusOpen || s == StatusAccepted || s == StatusRejected
}

// UnmarshalText rejects unknown statuses.
func (s *Status) UnmarshalText(b []byte) error {
	if !Status(b).IsValid() {
		return fmt.Errorf("unknown suggestion status %q", b)
	}
	*s = Status(b)
	return nil
}

// Suggestion is a value the model proposes for a vulnerability that no
// source gives it. It is never a claim until accepted.
type Suggestion struct {
	ID int64 `json:"id"`
	// Vuln is the vulnerability's primary id when the suggestion was made.
	Vuln  string `json:"vuln"`
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
	// Confidence is the model's probability of Value: for a CVSS vector,
	// the product of its eight metrics' probabilities.
	Confidence float64 `json:"confidence"`
	// Alternatives are the runners-up of a CWE, or each metric's value
	// with its probability ("AV:N") for a CVSS vector.
	Alternatives []Scored `json:"alternatives"`
	Model        string   `json:"model"`
	// Lang is the language of the description it was made from.
	Lang      string    `json:"lang"`
	Status    Status    `json:"status"`
	Created   time.Time `json:"created"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
}

// Make returns the suggestions m makes for v: a CWE if no source gives
// one, a CVSS v3.1 vector if no source gives a v3 one. It returns none
// when v lacks nothing, is rejected, or has no description the model
// reads.
func Make(m *Model, v *advisory.Vulnerability) []Suggestion {
	cwe, metrics := Labels(v)
	if (cwe != "" && metrics != nil) || Rejected(v) {
		return nil
	}
	text, ok := Text(v)
	if !ok {
		return nil
	}
	p, ok := m.Predict(text.Value, text.Lang)
	if !ok {
		return nil
	}
	var out []Suggestion
	base := Suggestion{Vuln: v.ID, Model: m.Version, Lang: text.Lang, Status: StatusOpen, Alternatives: []Scored{}}
	if r := p.Targets[TargetCWE]; cwe == "" && len(r) > 0 {
		s := base
		s.Kind, s.Value, s.Confidence = KindCWE, r[0].Class, r[0].P
		s.Alternatives = slices.Clone(r[1:min(3, len(r))])
		out = append(out, s)
	}
	if vec, conf, ok := p.Vector(); metrics == nil && ok {
		s := base
		s.Kind, s.Value, s.Confidence = KindCVSS, vec, conf
		s.Alternatives = []Scored{}
		for _, t := range Targets[1:] {
			top := p.Targets[t][0]
			s.Alternatives = append(s.Alternatives, Scored{Class: t + ":" + top.Class, P: top.P})
		}
		out = append(out, s)
	}
	return out
}

// AnalystSource names the source of claims analysts make by accepting
// suggestions.
const AnalystSource = "analyst"

// Provenance is the provider text an accepted suggestion's claim carries.
func (s Suggestion) Provenance() string {
	return fmt.Sprintf("suggested by model %s, accepted by %s", s.Model, s.DecidedBy)
}

// AnalystRecord is the record of every accepted suggestion for one
// vulnerability: the analysts' claims. It is rebuilt whole on each
// decision, because a source record states all it says at once.
func AnalystRecord(vuln string, accepted []Suggestion) (advisory.Record, error) {
	rec := advisory.Record{Source: AnalystSource, ID: vuln}
	for _, s := range accepted {
		if s.Status != StatusAccepted {
			continue
		}
		switch s.Kind {
		case KindCWE:
			rec.CWEs = append(rec.CWEs, advisory.CWE{ID: s.Value, Provider: s.Provenance()})
		case KindCVSS:
			c, err := risk.ParseCVSS(s.Value)
			if err != nil {
				return advisory.Record{}, fmt.Errorf("suggestion %d: %w", s.ID, err)
			}
			rec.Severities = append(rec.Severities, advisory.Severity{
				Type: advisory.CVSSv31, Vector: s.Value, Score: c.Base,
				Rating: strings.ToUpper(string(c.Severity)), Provider: s.Provenance(),
			})
		}
	}
	return rec, nil
}

// MarshalAlternatives encodes alternatives for storage.
func MarshalAlternatives(a []Scored) string {
	if a == nil {
		a = []Scored{}
	}
	b, _ := json.Marshal(a) // a slice of plain structs cannot fail
	return string(b)
}
