package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

// Baseline configuration monitoring (SAMM EH2): the shipped baselines,
// hosts' snapshots evaluated against them, and compliance over time.

type baselineSummary struct {
	ID      string          `json:"id"`
	Version string          `json:"version"`
	Title   baseline.Phrase `json:"title"`
	Applies string          `json:"applies"`
	Rules   int             `json:"rules"`
}

type baselineListOutput struct{ Body []baselineSummary }

type baselineGetInput struct {
	ID string `path:"id" maxLength:"64"`
}

type baselineOutput struct{ Body baseline.Baseline }

// snapshotFile is one raw configuration file of an upload.
type snapshotFile struct {
	Name    string `json:"name" minLength:"1" maxLength:"512" doc:"the file's path on the host or as saved: sshd_config, sshd_config.d/50-cloud-init.conf, sysctl.txt"`
	Content string `json:"content" doc:"the file's text: the snapshot's JSON form, sshd_config, or the output of sysctl -a, dpkg -l, dpkg-query -W, rpm -qa, systemctl list-unit-files"`
}

type snapshotPostInput struct {
	Name string `path:"name" maxLength:"512"`
	Body struct {
		Baselines []string       `json:"baselines,omitempty" maxItems:"32" doc:"the baselines to evaluate against; all when empty"`
		Files     []snapshotFile `json:"files" minItems:"1" maxItems:"64"`
	}
}

type snapshotPostOutput struct {
	Body struct {
		Snapshot store.HostSnapshot `json:"snapshot"`
		Findings ingest.Outcome     `json:"findings"`
		// Changed are the findings the snapshot opened or moved.
		Changed []finding.Finding `json:"changed"`
	}
}

type snapshotListOutput struct{ Body []store.HostSnapshot }

type snapshotGetInput struct {
	Name string `path:"name" maxLength:"512"`
	ID   int64  `path:"id"`
}

type snapshotOutput struct{ Body store.HostSnapshot }

type complianceInput struct {
	Name     string `path:"name" maxLength:"512"`
	Baseline string `query:"baseline" maxLength:"64" doc:"one baseline; all by default"`
}

type complianceOutput struct {
	Body struct {
		// History is every evaluation, oldest first, without results.
		History []store.Evaluation `json:"history"`
		// Latest is each baseline's latest evaluation, with its results.
		Latest []store.Evaluation `json:"latest"`
	}
}

func (s *Server) registerBaselines(api huma.API) {
	op(s, api, huma.Operation{OperationID: "list-baselines", Method: http.MethodGet, Path: "/api/v1/baselines", Tags: []string{"baselines"},
		Summary: "The hardening baselines vmc ships"}, string(auth.AssetRead),
		func(ctx context.Context, _ *struct{}) (*baselineListOutput, error) {
			bs, err := baseline.Builtin()
			if err != nil {
				return nil, err
			}
			out := &baselineListOutput{Body: []baselineSummary{}}
			for _, b := range bs {
				out.Body = append(out.Body, baselineSummary{b.ID, b.Version, b.Title, b.Applies, len(b.Rules)})
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-baseline", Method: http.MethodGet, Path: "/api/v1/baselines/{id}", Tags: []string{"baselines"},
		Summary: "A baseline's rules, each with its source"}, string(auth.AssetRead),
		func(ctx context.Context, in *baselineGetInput) (*baselineOutput, error) {
			bs, err := baseline.Builtin()
			if err != nil {
				return nil, err
			}
			b, ok := baseline.Find(bs, in.ID)
			if !ok {
				return nil, fmt.Errorf("baseline %s: %w", in.ID, store.ErrNotFound)
			}
			return &baselineOutput{Body: b}, nil
		})
	op(s, api, huma.Operation{OperationID: "post-snapshot", Method: http.MethodPost, Path: "/api/v1/assets/{name}/snapshots", Tags: []string{"baselines"},
		Summary:      "Import a host's configuration files as a snapshot, evaluated against baselines; failed rules open findings, passing ones verify them",
		MaxBodyBytes: maxUpload, DefaultStatus: http.StatusCreated}, string(auth.ImportWrite),
		func(ctx context.Context, in *snapshotPostInput) (*snapshotPostOutput, error) {
			a, err := s.visibleAsset(ctx, in.Name, auth.ImportWrite)
			if err != nil {
				return nil, err
			}
			all, err := baseline.Builtin()
			if err != nil {
				return nil, err
			}
			bs := all
			if len(in.Body.Baselines) > 0 {
				bs = nil
				for i, id := range in.Body.Baselines {
					b, ok := baseline.Find(all, id)
					if !ok {
						return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("baselines[%d]: no baseline %q", i, id))
					}
					bs = append(bs, b)
				}
			}
			files := make([]baseline.Source, len(in.Body.Files))
			for i, f := range in.Body.Files {
				files[i] = baseline.Source{Name: f.Name, Data: []byte(f.Content)}
			}
			snap, err := baseline.Read(files, nil)
			if err != nil {
				return nil, err
			}
			res, err := s.Matcher.ImportSnapshot(ctx, a.Name, snap, bs, who(ctx).User.Name)
			if err != nil {
				return nil, err
			}
			out := &snapshotPostOutput{}
			out.Body.Snapshot, out.Body.Findings, out.Body.Changed = res.Snapshot, res.Findings, []finding.Finding{}
			for _, ch := range res.Changes {
				if ch.Opened || len(ch.Steps) > 0 {
					out.Body.Changed = append(out.Body.Changed, ch.Finding)
				}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-snapshots", Method: http.MethodGet, Path: "/api/v1/assets/{name}/snapshots", Tags: []string{"baselines"},
		Summary: "A host's configuration snapshots, newest first"}, string(auth.AssetRead),
		func(ctx context.Context, in *assetNameInput) (*snapshotListOutput, error) {
			a, err := s.visibleAsset(ctx, in.Name, auth.AssetRead)
			if err != nil {
				return nil, err
			}
			list, err := s.Store.ListSnapshots(ctx, a.ID)
			if list == nil {
				list = []store.HostSnapshot{}
			}
			return &snapshotListOutput{Body: list}, err
		})
	op(s, api, huma.Operation{OperationID: "get-snapshot", Method: http.MethodGet, Path: "/api/v1/assets/{name}/snapshots/{id}", Tags: []string{"baselines"},
		Summary: "A snapshot with its evaluations, rule by rule"}, string(auth.AssetRead),
		func(ctx context.Context, in *snapshotGetInput) (*snapshotOutput, error) {
			a, err := s.visibleAsset(ctx, in.Name, auth.AssetRead)
			if err != nil {
				return nil, err
			}
			h, err := s.Store.HostSnapshot(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if h.AssetID != a.ID {
				return nil, fmt.Errorf("snapshot %d of asset %s: %w", in.ID, a.Name, store.ErrNotFound)
			}
			return &snapshotOutput{Body: h}, nil
		})
	op(s, api, huma.Operation{OperationID: "get-compliance", Method: http.MethodGet, Path: "/api/v1/assets/{name}/compliance", Tags: []string{"baselines"},
		Summary: "A host's compliance with each baseline over time, and the latest results rule by rule"}, string(auth.AssetRead),
		func(ctx context.Context, in *complianceInput) (*complianceOutput, error) {
			a, err := s.visibleAsset(ctx, in.Name, auth.AssetRead)
			if err != nil {
				return nil, err
			}
			hist, err := s.Store.Evaluations(ctx, a.ID, in.Baseline, false)
			if err != nil {
				return nil, err
			}
			out := &complianceOutput{}
			out.Body.History, out.Body.Latest = hist, []store.Evaluation{}
			if hist == nil {
				out.Body.History = []store.Evaluation{}
			}
			// Each baseline's latest evaluation, read whole from its
			// snapshot: the history itself is read without results.
			last := map[string]int64{}
			for _, e := range hist {
				last[e.Baseline] = e.ID
			}
			snaps := map[int64]store.HostSnapshot{}
			for _, e := range hist {
				if last[e.Baseline] != e.ID {
					continue
				}
				h, ok := snaps[e.Snapshot]
				if !ok {
					if h, err = s.Store.HostSnapshot(ctx, e.Snapshot); err != nil {
						return nil, err
					}
					snaps[e.Snapshot] = h
				}
				for _, full := range h.Evaluations {
					if full.ID == e.ID {
						out.Body.Latest = append(out.Body.Latest, full)
					}
				}
			}
			return out, nil
		})
}
