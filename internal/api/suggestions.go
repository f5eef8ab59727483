package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/suggest"
)

// Enrichment and suggestions over the API. Reading them is vuln.read;
// asking the model for suggestions and deciding them is advisory.publish,
// the analysts' right to state things about a vulnerability in vmc's name.

// modelCache keeps the decoded latest model: decoding takes longer than
// a request should, and the model changes only when someone trains one.
type modelCache struct {
	mu sync.Mutex
	m  *suggest.Model
}

func (c *modelCache) get(ctx context.Context, s store.Suggestions) (*suggest.Model, error) {
	sm, err := s.LatestModel(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil && c.m.Version == sm.Version {
		return c.m, nil
	}
	m, err := suggest.Decode(bytes.NewReader(sm.Data))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", sm.Version, err)
	}
	c.m = m
	return m, nil
}

type enrichmentOutput struct{ Body *advisory.EnrichmentTally }

type suggestionsInput struct {
	ID string `path:"id" maxLength:"128"`
}

type suggestionsOutput struct {
	Body struct {
		ID    string               `json:"id"`
		Items []suggest.Suggestion `json:"items"`
	}
}

type decideSuggestionInput struct {
	ID   int64 `path:"sid" minimum:"1"`
	Body struct {
		Reason string `json:"reason,omitempty" maxLength:"2000" doc:"why, for the audit log"`
	}
}

type suggestionOutput struct{ Body suggest.Suggestion }

func (s *Server) registerSuggestions(api huma.API) {
	tags := []string{"suggestions"}
	op(s, api, huma.Operation{OperationID: "get-enrichment", Method: http.MethodGet, Path: "/api/v1/stats/enrichment", Tags: tags,
		Summary: "Per source, how many records gain a CWE, CVSS, affected products or a fixed version from another source, by donor (a pass over the whole corpus)"},
		string(auth.VulnRead),
		func(ctx context.Context, _ *struct{}) (*enrichmentOutput, error) {
			t, err := store.Enrichment(ctx, s.Store)
			return &enrichmentOutput{Body: t}, err
		})
	list := func(ctx context.Context, id string) (*suggestionsOutput, error) {
		v, err := s.Store.Vuln(ctx, id, store.VulnOptions{})
		if err != nil {
			return nil, err
		}
		ss, err := s.Store.SuggestionsFor(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		out := &suggestionsOutput{}
		out.Body.ID, out.Body.Items = v.ID, ss
		if ss == nil {
			out.Body.Items = []suggest.Suggestion{}
		}
		return out, nil
	}
	op(s, api, huma.Operation{OperationID: "list-suggestions", Method: http.MethodGet, Path: "/api/v1/vulns/{id}/suggestions", Tags: tags,
		Summary: "The model's CWE and CVSS v3.1 suggestions for a vulnerability, newest first, with their confidence and status"},
		string(auth.VulnRead),
		func(ctx context.Context, in *suggestionsInput) (*suggestionsOutput, error) { return list(ctx, in.ID) })
	op(s, api, huma.Operation{OperationID: "make-suggestions", Method: http.MethodPost, Path: "/api/v1/vulns/{id}/suggestions", Tags: tags,
		Summary: "Ask the latest model for what no source gives the vulnerability (a CWE, a CVSS v3.1 vector); stored as open suggestions, never as its data"},
		string(auth.AdvisoryPublish),
		func(ctx context.Context, in *suggestionsInput) (*suggestionsOutput, error) {
			v, err := s.Store.Vuln(ctx, in.ID, store.VulnOptions{})
			if err != nil {
				return nil, err
			}
			m, err := s.models.get(ctx, s.Store)
			if err != nil {
				return nil, err
			}
			if _, err := s.Store.AddSuggestions(ctx, v.ID, suggest.Make(m, &v)); err != nil {
				return nil, err
			}
			return list(ctx, v.ID)
		})
	for _, accept := range []bool{true, false} {
		verb, summary := "reject", "Reject a suggestion (audited)"
		if accept {
			verb, summary = "accept", "Accept a suggestion: it becomes an analyst claim, \"suggested by model X, accepted by you\" (audited)"
		}
		op(s, api, huma.Operation{OperationID: verb + "-suggestion", Method: http.MethodPost, Path: "/api/v1/suggestions/{sid}/" + verb, Tags: tags,
			Summary: summary}, string(auth.AdvisoryPublish),
			func(ctx context.Context, in *decideSuggestionInput) (*suggestionOutput, error) {
				x, err := s.Store.DecideSuggestion(ctx, in.ID, accept, who(ctx).User.Name, in.Body.Reason)
				if err != nil {
					return nil, err
				}
				return &suggestionOutput{Body: x}, nil
			})
	}
}
