package store

import (
	"context"
	"iter"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/suggest"
)

// Suggestions keeps the text classifier's models and the suggestions they
// make. Suggestions are never claims: an accepted one becomes a claim of
// the vulnerability's analyst record (source suggest.AnalystSource) in the
// same transaction as the decision and its audit entry ("suggestion.accept"
// or "suggestion.reject" on object "vuln:<id>").
type Suggestions interface {
	// MergedVulns streams every vulnerability merged from the current
	// claims of fields only (all fields when none are named), lowest row
	// first. It is for corpus-wide passes: enrichment statistics and
	// training. The vulnerabilities carry their primary id as their only
	// alias.
	MergedVulns(ctx context.Context, fields ...advisory.Field) iter.Seq2[advisory.Vulnerability, error]
	// PutModel keeps an encoded model under its version with its
	// evaluation report. Putting a version again changes nothing.
	PutModel(ctx context.Context, m Model) error
	// LatestModel returns the most recently stored model.
	LatestModel(ctx context.Context) (Model, error)
	// AddSuggestions keeps suggestions for the vulnerability known by id,
	// skipping any whose kind and value that model already suggested for
	// it, and returns every suggestion for the vulnerability.
	AddSuggestions(ctx context.Context, id string, ss []suggest.Suggestion) ([]suggest.Suggestion, error)
	// SuggestionsFor returns the suggestions for the vulnerability known
	// by id (or any alias), newest first.
	SuggestionsFor(ctx context.Context, id string) ([]suggest.Suggestion, error)
	// DecideSuggestion accepts or rejects an open suggestion as actor's
	// decision. It returns ErrNotFound for no such suggestion and
	// ErrConflict if it was decided before.
	DecideSuggestion(ctx context.Context, id int64, accept bool, actor, reason string) (suggest.Suggestion, error)
}

// Model is a stored classifier model.
type Model struct {
	Version string    `json:"version"`
	Created time.Time `json:"created"`
	// Data is the model file (suggest.Model.Encode).
	Data []byte `json:"-"`
	// Report is its held-out evaluation.
	Report suggest.Report `json:"report"`
}

// enrichmentFields are the fields enrichment looks at.
var enrichmentFields = []advisory.Field{advisory.FieldCWEs, advisory.FieldSeverity, advisory.FieldAffected, advisory.FieldConfigurations}

// Enrichment tallies, over every vulnerability, which facets each source
// record states and which other sources fill (advisory.EnrichmentTally).
func Enrichment(ctx context.Context, s Suggestions) (*advisory.EnrichmentTally, error) {
	t := advisory.NewEnrichmentTally()
	for v, err := range s.MergedVulns(ctx, enrichmentFields...) {
		if err != nil {
			return nil, err
		}
		t.Add(&v)
	}
	return t, nil
}

// TrainingExamples returns the labelled descriptions of every
// vulnerability (suggest.Examples).
func TrainingExamples(ctx context.Context, s Suggestions) ([]suggest.Example, error) {
	var out []suggest.Example
	for v, err := range s.MergedVulns(ctx, advisory.FieldDescription, advisory.FieldCWEs, advisory.FieldSeverity) {
		if err != nil {
			return nil, err
		}
		out = append(out, suggest.Examples(&v)...)
	}
	return out, nil
}
