package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/automation"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// Automation: rules over events (package rules), their versions and
// dry-runs, and watchlists. Saving is policy.write; reading and dry-runs
// (which change nothing) are finding.read; anyone signed in keeps their
// own watches.

type automationListOutput struct{ Body json.RawMessage }

type automationBody struct {
	Name    string   `json:"name" maxLength:"200"`
	On      []string `json:"on,omitempty" maxItems:"16"`
	When    string   `json:"when,omitempty" maxLength:"16384"`
	Then    string   `json:"then" maxLength:"16384"`
	Enabled bool     `json:"enabled"`
	Reason  string   `json:"reason,omitempty" maxLength:"2000"`
}

func (b automationBody) rule() rules.Rule {
	var on []rules.Kind
	for _, k := range b.On {
		on = append(on, rules.Kind(k))
	}
	return rules.Rule{Name: b.Name, On: on, When: b.When, Then: b.Then, Enabled: b.Enabled, Reason: b.Reason}
}

type automationPostInput struct{ Body automationBody }

type automationPutInput struct {
	ID   int64 `path:"id"`
	Body automationBody
}

type automationGetInput struct {
	ID int64 `path:"id"`
}

type automationOutput struct{ Body json.RawMessage }

type automationDryRunInput struct {
	Body struct {
		Name  string   `json:"name,omitempty" maxLength:"200"`
		On    []string `json:"on,omitempty" maxItems:"16"`
		When  string   `json:"when,omitempty" maxLength:"16384"`
		Then  string   `json:"then" maxLength:"16384"`
		Limit int      `json:"limit,omitempty" minimum:"0" maximum:"5000" doc:"past events to evaluate, newest first; 1000 by default"`
	}
}

// automationCheck is a dry-run's answer: the rule's compile error with its
// position (and the message in the request's language), or the results.
type automationCheck struct {
	Error   *rules.CompileError `json:"error,omitempty"`
	Message string              `json:"message,omitempty"`
	DryRun  *automation.DryRun  `json:"dry_run,omitempty"`
}

type automationDryRunOutput struct{ Body json.RawMessage }

type automationRunsOutput struct{ Body json.RawMessage }

type automationEventsInput struct {
	Kind  []string `query:"kind" doc:"only these kinds (comma-separated)"`
	Limit int      `query:"limit" minimum:"0" maximum:"1000"`
}

type automationEventsOutput struct{ Body json.RawMessage }

type watchesOutput struct{ Body json.RawMessage }

type watchAddInput struct {
	Body struct {
		Kind  string `json:"kind" enum:"vendor,product,purl,cpe,keyword"`
		Value string `json:"value" maxLength:"512"`
		To    string `json:"to" maxLength:"512" doc:"an e-mail address or a webhook URL"`
	}
}

type watchAddOutput struct{ Body json.RawMessage }

type watchRemoveInput struct {
	ID int64 `path:"id"`
}

// compileRule refuses a rule that does not compile with a 422 naming the
// position, in the request's language.
func compileRule(ctx context.Context, r rules.Rule) error {
	_, err := rules.Compile(r)
	var ce *rules.CompileError
	if errors.As(err, &ce) {
		return huma.Error422UnprocessableEntity(ce.Localize(langOf(ctx)))
	}
	if err != nil {
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return nil
}

func (s *Server) registerAutomation(api huma.API) {
	tags := []string{"automation"}
	op(s, api, huma.Operation{OperationID: "list-rules", Method: http.MethodGet, Path: "/api/v1/rules", Tags: tags,
		Summary: "Automation rules, each at its latest version"}, string(auth.FindingRead),
		func(ctx context.Context, _ *struct{}) (*automationListOutput, error) {
			rs, err := s.Store.ListAutomations(ctx)
			return raw[automationListOutput](jsonList(rs), err)
		})
	op(s, api, huma.Operation{OperationID: "post-rule", Method: http.MethodPost, Path: "/api/v1/rules", Tags: tags,
		Summary: "Add a rule; one that does not compile is refused with the line and column", DefaultStatus: http.StatusCreated},
		string(auth.PolicyWrite),
		func(ctx context.Context, in *automationPostInput) (*automationOutput, error) {
			r := in.Body.rule()
			if err := compileRule(ctx, r); err != nil {
				return nil, err
			}
			out, err := s.Store.PutAutomation(ctx, r, who(ctx).User.Name)
			return raw[automationOutput](out, err)
		})
	op(s, api, huma.Operation{OperationID: "put-rule", Method: http.MethodPut, Path: "/api/v1/rules/{id}", Tags: tags,
		Summary: "Change a rule: a new version"}, string(auth.PolicyWrite),
		func(ctx context.Context, in *automationPutInput) (*automationOutput, error) {
			if _, err := s.Store.Automation(ctx, in.ID, 0); err != nil {
				return nil, err
			}
			r := in.Body.rule()
			r.ID = in.ID
			if err := compileRule(ctx, r); err != nil {
				return nil, err
			}
			out, err := s.Store.PutAutomation(ctx, r, who(ctx).User.Name)
			return raw[automationOutput](out, err)
		})
	op(s, api, huma.Operation{OperationID: "get-rule-versions", Method: http.MethodGet, Path: "/api/v1/rules/{id}/versions", Tags: tags,
		Summary: "Every version of a rule, oldest first"}, string(auth.FindingRead),
		func(ctx context.Context, in *automationGetInput) (*automationListOutput, error) {
			rs, err := s.Store.AutomationVersions(ctx, in.ID)
			return raw[automationListOutput](rs, err)
		})
	op(s, api, huma.Operation{OperationID: "get-rule-runs", Method: http.MethodGet, Path: "/api/v1/rules/{id}/runs", Tags: tags,
		Summary: "What a rule did, newest event first"}, string(auth.FindingRead),
		func(ctx context.Context, in *automationGetInput) (*automationRunsOutput, error) {
			runs, err := s.Store.Runs(ctx, store.RunQuery{Rule: in.ID})
			return raw[automationRunsOutput](jsonList(runs), err)
		})
	op(s, api, huma.Operation{OperationID: "dry-run-rule", Method: http.MethodPost, Path: "/api/v1/rules/dry-run", Tags: tags,
		Summary: "Compile a rule and show what it would have done with past events, doing nothing"}, string(auth.FindingRead),
		func(ctx context.Context, in *automationDryRunInput) (*automationDryRunOutput, error) {
			b := in.Body
			r := automationBody{Name: b.Name, On: b.On, When: b.When, Then: b.Then, Enabled: true}.rule()
			if r.Name == "" {
				r.Name = "dry-run"
			}
			e := &automation.Engine{Store: s.Store}
			res, err := e.DryRun(ctx, r, in.Body.Limit)
			var ce *rules.CompileError
			switch {
			case errors.As(err, &ce):
				return raw[automationDryRunOutput](automationCheck{Error: ce, Message: ce.Localize(langOf(ctx))}, nil)
			case errors.Is(err, rules.ErrRule):
				return raw[automationDryRunOutput](automationCheck{Message: err.Error()}, nil)
			case err != nil:
				return nil, err
			}
			return raw[automationDryRunOutput](automationCheck{DryRun: &res}, nil)
		})
	op(s, api, huma.Operation{OperationID: "list-events", Method: http.MethodGet, Path: "/api/v1/events", Tags: tags,
		Summary: "Recorded events, newest first"}, string(auth.FindingRead),
		func(ctx context.Context, in *automationEventsInput) (*automationEventsOutput, error) {
			q := store.EventQuery{Newest: true, Limit: in.Limit}
			for _, k := range in.Kind {
				var kind rules.Kind
				if err := kind.UnmarshalText([]byte(k)); err != nil {
					return nil, huma.Error422UnprocessableEntity(err.Error())
				}
				q.Kinds = append(q.Kinds, kind)
			}
			evs, err := s.Store.Events(ctx, q)
			return raw[automationEventsOutput](jsonList(evs), err)
		})
	op(s, api, huma.Operation{OperationID: "list-watches", Method: http.MethodGet, Path: "/api/v1/watches", Tags: tags,
		Summary: "Your watches"}, SignedIn,
		func(ctx context.Context, _ *struct{}) (*watchesOutput, error) {
			ws, err := s.Store.ListWatches(ctx, who(ctx).User.Name)
			return raw[watchesOutput](jsonList(ws), err)
		})
	op(s, api, huma.Operation{OperationID: "post-watch", Method: http.MethodPost, Path: "/api/v1/watches", Tags: tags,
		Summary: "Watch a vendor, product, purl, CPE or keyword (any language)", DefaultStatus: http.StatusCreated}, SignedIn,
		func(ctx context.Context, in *watchAddInput) (*watchAddOutput, error) {
			w := rules.Watch{User: who(ctx).User.Name, Kind: rules.WatchKind(in.Body.Kind), Value: in.Body.Value, To: in.Body.To}
			if err := w.Validate(); err != nil {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			out, err := s.Store.PutWatch(ctx, w)
			return raw[watchAddOutput](out, err)
		})
	op(s, api, huma.Operation{OperationID: "delete-watch", Method: http.MethodDelete, Path: "/api/v1/watches/{id}", Tags: tags,
		Summary: "Stop watching", DefaultStatus: http.StatusNoContent}, SignedIn,
		func(ctx context.Context, in *watchRemoveInput) (*struct{}, error) {
			return nil, s.Store.DeleteWatch(ctx, in.ID, who(ctx).User.Name)
		})
}

// raw encodes v as an output's body. The automation types are sent as
// JSON the API does not describe type by type: huma names schemas by Go
// type name, and rules.Event, rules.Finding or rules.Incident would clash
// with the types of those names it already describes.
func raw[O any, T any](v T, err error) (*O, error) {
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := new(O)
	reflect.ValueOf(out).Elem().Field(0).Set(reflect.ValueOf(json.RawMessage(b)))
	return out, nil
}

func jsonList[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
