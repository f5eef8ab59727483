package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/trust"
)

// Trusted computing posture over the API. Reading postures, gaps and
// verifications is asset.read on the host's team; recording a snapshot is
// asset.write (it changes the host's inventory, as an SBOM import does);
// verifying a measurement list is import.write, like a scanner report:
// it files findings.

// maxTrustUpload bounds a snapshot or verification request: an IMA list
// of a busy host is a few MiB.
const maxTrustUpload = 64 << 20

type trustFile struct {
	Name    string `json:"name" minLength:"1" maxLength:"200" doc:"the file's name, as evidence (ascii_runtime_measurements, sb-state.txt)"`
	Content string `json:"content" maxLength:"60000000" doc:"the file's text"`
}

func (f trustFile) file() ingest.File { return ingest.File{Name: f.Name, Data: []byte(f.Content)} }

type postureView struct {
	trust.Posture
	Gaps []trust.Gap `json:"gaps"`
}

type postureDetail struct {
	postureView
	Verifications []trust.Verification `json:"verifications"`
}

func view(p trust.Posture) postureView {
	g := p.Gaps()
	if g == nil {
		g = []trust.Gap{}
	}
	return postureView{Posture: p, Gaps: g}
}

type trustAssetInput struct {
	Asset string `path:"asset" maxLength:"512"`
}

type postureListOutput struct {
	Body struct {
		Items []postureView `json:"items"`
	}
}

type postureOutput struct{ Body postureDetail }

type gapsOutput struct {
	Body struct {
		Items []trust.CoverageGap `json:"items"`
		// Hosts counts the postures the caller may see.
		Hosts int `json:"hosts"`
	}
}

type snapshotInput struct {
	Asset string `path:"asset" maxLength:"512"`
	Body  struct {
		Files []trustFile `json:"files" minItems:"1" maxItems:"20" doc:"tpm2_getcap properties-fixed, mokutil --sb-state, ascii_runtime_measurements and/or the JSON document"`
	}
}

type trustSnapshotOutput struct{ Body ingest.TrustOutcome }

type verifyInput struct {
	Asset string `path:"asset" maxLength:"512"`
	Body  struct {
		List     trustFile `json:"list" doc:"the IMA measurement list"`
		Manifest trustFile `json:"manifest" doc:"the reference manifest"`
	}
}

type verificationOutput struct{ Body trust.Verification }

// visiblePostures are the postures of hosts the caller may read.
func (s *Server) visiblePostures(ctx context.Context) ([]trust.Posture, error) {
	ps, err := s.Store.ListPostures(ctx)
	if err != nil {
		return nil, err
	}
	p := who(ctx)
	var out []trust.Posture
	for _, x := range ps {
		a, err := s.Store.Asset(ctx, x.Asset)
		if err != nil {
			return nil, err
		}
		if p.can(auth.AssetRead, a.Team) {
			out = append(out, x)
		}
	}
	return out, nil
}

func (s *Server) registerTrust(api huma.API) {
	tags := []string{"trust"}
	op(s, api, huma.Operation{OperationID: "list-trust-postures", Method: http.MethodGet, Path: "/api/v1/trust/postures", Tags: tags,
		Summary: "Hosts' trusted computing postures: root of trust, Secure Boot, measured boot, gaps"}, string(auth.AssetRead),
		func(ctx context.Context, _ *struct{}) (*postureListOutput, error) {
			ps, err := s.visiblePostures(ctx)
			if err != nil {
				return nil, err
			}
			out := &postureListOutput{}
			out.Body.Items = []postureView{}
			for _, p := range ps {
				out.Body.Items = append(out.Body.Items, view(p))
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-trust-gaps", Method: http.MethodGet, Path: "/api/v1/trust/gaps", Tags: tags,
		Summary: "Hosts that cannot join the chain of trust, with their compensating controls"}, string(auth.AssetRead),
		func(ctx context.Context, _ *struct{}) (*gapsOutput, error) {
			ps, err := s.visiblePostures(ctx)
			if err != nil {
				return nil, err
			}
			out := &gapsOutput{}
			out.Body.Items, out.Body.Hosts = trust.CoverageGaps(ps), len(ps)
			if out.Body.Items == nil {
				out.Body.Items = []trust.CoverageGap{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-trust-posture", Method: http.MethodGet, Path: "/api/v1/trust/postures/{asset}", Tags: tags,
		Summary: "A host's posture and its integrity verifications, newest first"}, string(auth.AssetRead),
		func(ctx context.Context, in *trustAssetInput) (*postureOutput, error) {
			a, err := s.visibleAsset(ctx, in.Asset, auth.AssetRead)
			if err != nil {
				return nil, err
			}
			p, err := s.Store.Posture(ctx, a.ID)
			if err != nil {
				return nil, err
			}
			vs, err := s.Store.ListVerifications(ctx, a.ID)
			if err != nil {
				return nil, err
			}
			if vs == nil {
				vs = []trust.Verification{}
			}
			return &postureOutput{Body: postureDetail{postureView: view(p), Verifications: vs}}, nil
		})
	op(s, api, huma.Operation{OperationID: "put-trust-snapshot", Method: http.MethodPost, Path: "/api/v1/trust/postures/{asset}/snapshot", Tags: tags,
		Summary:      "Record a host's posture from snapshot files (docs/trust-snapshot.md); its firmware and stack components join its inventory",
		MaxBodyBytes: maxTrustUpload, BodyReadTimeout: 2 * time.Minute}, string(auth.AssetWrite),
		func(ctx context.Context, in *snapshotInput) (*trustSnapshotOutput, error) {
			p := who(ctx)
			_, err := s.visibleAsset(ctx, in.Asset, auth.AssetWrite)
			switch {
			case errors.Is(err, store.ErrNotFound):
				// A new host: only who may write any asset creates one.
				if !p.can(auth.AssetWrite, "") {
					return nil, forbid(p, auth.AssetWrite, "a new asset")
				}
			case err != nil:
				return nil, err
			}
			files := make([]ingest.File, len(in.Body.Files))
			for i, f := range in.Body.Files {
				files[i] = f.file()
			}
			out, err := s.Matcher.ImportTrust(ctx, in.Asset, files, p.User.Name)
			if err != nil {
				return nil, err
			}
			return &trustSnapshotOutput{Body: out}, nil
		})
	op(s, api, huma.Operation{OperationID: "verify-trust-integrity", Method: http.MethodPost, Path: "/api/v1/trust/postures/{asset}/verifications", Tags: tags,
		Summary:      "Compare a host's IMA measurement list with a reference manifest (SHA-256, SM3); unknown and changed binaries become findings",
		MaxBodyBytes: maxTrustUpload, BodyReadTimeout: 2 * time.Minute}, string(auth.ImportWrite),
		func(ctx context.Context, in *verifyInput) (*verificationOutput, error) {
			if _, err := s.visibleAsset(ctx, in.Asset, auth.ImportWrite); err != nil {
				return nil, err
			}
			v, err := s.Matcher.VerifyIntegrity(ctx, in.Asset, in.Body.List.file(), in.Body.Manifest.file(), who(ctx).User.Name)
			if err != nil {
				return nil, err
			}
			return &verificationOutput{Body: v}, nil
		})
}
