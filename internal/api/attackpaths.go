package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store"
)

// Attack paths over the API: stored analyses and models. An analysis spans
// every asset, so reading one needs asset.read on every team.

type attackAnalysisOutput struct{ Body store.AttackAnalysis }

type attackAnalysisInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type attackModelListOutput struct {
	Body struct {
		Items []store.AttackModel `json:"items"`
	}
}

// readsAllAssets refuses a caller who may not read every team's assets.
func readsAllAssets(ctx context.Context) error {
	if p := who(ctx); !readsAllTeams(p, auth.AssetRead) {
		return huma.Error403Forbidden(p.User.Name + " may not read every team's assets, which an attack graph spans")
	}
	return nil
}

func (s *Server) registerAttackPaths(api huma.API) {
	tags := []string{"attack paths"}
	op(s, api, huma.Operation{OperationID: "latest-attack-analysis", Method: http.MethodGet, Path: "/api/v1/attack-paths/latest", Tags: tags,
		Summary: "The newest attack-path analysis: goals reached, graph, ranked paths, smallest fix set"}, string(auth.AssetRead),
		func(ctx context.Context, _ *struct{}) (*attackAnalysisOutput, error) {
			if err := readsAllAssets(ctx); err != nil {
				return nil, err
			}
			a, err := s.Store.LatestAttackAnalysis(ctx)
			if err != nil {
				return nil, err
			}
			return &attackAnalysisOutput{Body: a}, nil
		})
	op(s, api, huma.Operation{OperationID: "get-attack-analysis", Method: http.MethodGet, Path: "/api/v1/attack-paths/{id}", Tags: tags,
		Summary: "One stored attack-path analysis"}, string(auth.AssetRead),
		func(ctx context.Context, in *attackAnalysisInput) (*attackAnalysisOutput, error) {
			if err := readsAllAssets(ctx); err != nil {
				return nil, err
			}
			a, err := s.Store.AttackAnalysis(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &attackAnalysisOutput{Body: a}, nil
		})
	op(s, api, huma.Operation{OperationID: "list-attack-models", Method: http.MethodGet, Path: "/api/v1/attack-models", Tags: tags,
		Summary: "Stored network models (names and formats)"}, string(auth.AssetRead),
		func(ctx context.Context, _ *struct{}) (*attackModelListOutput, error) {
			if err := readsAllAssets(ctx); err != nil {
				return nil, err
			}
			ms, err := s.Store.ListAttackModels(ctx)
			if err != nil {
				return nil, err
			}
			out := &attackModelListOutput{}
			out.Body.Items = ms
			if out.Body.Items == nil {
				out.Body.Items = []store.AttackModel{}
			}
			return out, nil
		})
}
