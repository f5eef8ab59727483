package api

import (
	"context"
	"errors"
	"mime"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/ident"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/store"
)

// Own identifiers, exports of any vulnerability, and source coverage over
// the API. Who may do what:
//   - listing and reading identifiers, exporting a vulnerability and
//     reading coverage is vuln.read;
//   - reserving, publishing, rejecting identifiers and adding aliases is
//     advisory.publish: an identifier is the organisation speaking as a
//     numbering authority.
//
// An export goes to the caller: the export channel's disclosure control
// applies with the caller's clearance (their role's) and name, as for an
// advisory's export; a vulnerability withheld from them is not found.

// identifierError maps what the domain refuses to 422.
func identifierError(err error) error {
	if errors.Is(err, ident.ErrInvalid) {
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return err
}

type identifierListInput struct {
	State     string `query:"state" enum:"reserved,published,rejected" doc:"only identifiers in this state"`
	Namespace string `query:"namespace" maxLength:"40" doc:"only identifiers of this namespace (GCVE-1, ACME-VULN)"`
	Limit     int    `query:"limit" minimum:"0" maximum:"1000" doc:"at most this many, newest first; 1000 by default"`
}

type identifierListOutput struct {
	Body struct {
		// Authority is the numbering authority new identifiers are
		// reserved under.
		Authority ident.Authority    `json:"authority"`
		Namespace string             `json:"namespace"`
		Items     []ident.Identifier `json:"items"`
	}
}

type identifierIDInput struct {
	ID string `path:"id" maxLength:"128"`
}

type identifierOutput struct{ Body ident.Identifier }

type identifierReserveInput struct {
	Body struct {
		Title string `json:"title,omitempty" maxLength:"500" doc:"what the identifier is for"`
		Year  int    `json:"year,omitempty" minimum:"0" maximum:"9999" doc:"the year in the identifier; this year by default"`
	}
}

type identifierMoveInput struct {
	ID   string `path:"id" maxLength:"128"`
	Body struct {
		Vuln   string `json:"vuln,omitempty" maxLength:"128" doc:"publishing: the vulnerability it names, by any id vmc knows it by"`
		Reason string `json:"reason,omitempty" maxLength:"2000" doc:"rejecting: why"`
	}
}

type identifierAliasInput struct {
	ID   string `path:"id" maxLength:"128"`
	Body struct {
		Alias string `json:"alias" minLength:"1" maxLength:"128" doc:"an id assigned later, a CVE above all"`
	}
}

type vulnExportInput struct {
	ID     string `path:"id" maxLength:"128"`
	Format string `path:"format" enum:"csaf,osv,cve5,stix"`
}

// sourceCoverage is store.Coverage under a name of its own in the API's
// schema (process.Coverage has the short one).
type sourceCoverage struct {
	Vulnerabilities int `json:"vulnerabilities" doc:"vulnerabilities its current records carry"`
	Only            int `json:"only" doc:"of those, the ones no other source carries"`
}

type coverageSourcesOutput struct {
	Body struct {
		Sources map[string]sourceCoverage `json:"sources"`
	}
}

func (s *Server) registerIdentifiers(api huma.API) {
	tags := []string{"Identifiers and exports"}
	op(s, api, huma.Operation{OperationID: "list-identifiers", Method: http.MethodGet, Path: "/api/v1/identifiers", Tags: tags,
		Summary: "vmc's own vulnerability identifiers (GCVE-<GNA>-<year>-<seq> or a local prefix), newest first, with the authority new ones are reserved under."},
		string(auth.VulnRead),
		func(ctx context.Context, in *identifierListInput) (*identifierListOutput, error) {
			l, err := s.Store.ListIdentifiers(ctx, store.IdentifierQuery{State: ident.State(in.State), Namespace: in.Namespace, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &identifierListOutput{}
			out.Body.Authority, out.Body.Namespace, out.Body.Items = s.Authority, s.Authority.Namespace(), l
			if l == nil {
				out.Body.Items = []ident.Identifier{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-identifier", Method: http.MethodGet, Path: "/api/v1/identifiers/{id}", Tags: tags,
		Summary: "An identifier by itself or any alias assigned later."}, string(auth.VulnRead),
		func(ctx context.Context, in *identifierIDInput) (*identifierOutput, error) {
			x, err := s.Store.Identifier(ctx, in.ID)
			return &identifierOutput{Body: x}, err
		})
	op(s, api, huma.Operation{OperationID: "reserve-identifier", Method: http.MethodPost, Path: "/api/v1/identifiers", Tags: tags,
		Summary:       "Reserve the next identifier of the configured numbering authority (audited); never handed out twice, even by several vmc processes on one database.",
		DefaultStatus: http.StatusCreated}, string(auth.AdvisoryPublish),
		func(ctx context.Context, in *identifierReserveInput) (*identifierOutput, error) {
			year := in.Body.Year
			if year == 0 {
				year = s.now().UTC().Year()
			}
			x, err := s.Store.ReserveIdentifier(ctx, s.Authority, year, in.Body.Title, who(ctx).User.Name)
			return &identifierOutput{Body: x}, identifierError(err)
		})
	for _, m := range []struct {
		path, id, summary string
		to                ident.State
	}{
		{"publish", "publish-identifier", "Publish a reserved identifier, naming the vulnerability it is for (audited): it then resolves, and exports, like any id of it.", ident.Published},
		{"reject", "reject-identifier", "Reject an identifier, saying why (audited); its number is not reused.", ident.Rejected},
	} {
		op(s, api, huma.Operation{OperationID: m.id, Method: http.MethodPost, Path: "/api/v1/identifiers/{id}/" + m.path, Tags: tags, Summary: m.summary},
			string(auth.AdvisoryPublish),
			func(ctx context.Context, in *identifierMoveInput) (*identifierOutput, error) {
				mv := ident.Move{To: m.to, Vuln: in.Body.Vuln, Reason: in.Body.Reason}
				if mv.Vuln != "" {
					// The vulnerability is named by the id vmc merges it
					// under, so that a typo is caught here.
					v, err := s.Store.Vuln(ctx, mv.Vuln, store.VulnOptions{})
					if errors.Is(err, store.ErrNotFound) {
						return nil, huma.Error422UnprocessableEntity("vuln: no vulnerability " + mv.Vuln)
					}
					if err != nil {
						return nil, err
					}
					mv.Vuln = v.ID
				}
				x, err := s.Store.MoveIdentifier(ctx, in.ID, mv, who(ctx).User.Name)
				return &identifierOutput{Body: x}, identifierError(err)
			})
	}
	op(s, api, huma.Operation{OperationID: "add-identifier-alias", Method: http.MethodPost, Path: "/api/v1/identifiers/{id}/aliases", Tags: tags,
		Summary: "Add an id assigned later (a CVE) as an alias of an identifier (audited); nothing is renumbered."}, string(auth.AdvisoryPublish),
		func(ctx context.Context, in *identifierAliasInput) (*identifierOutput, error) {
			x, err := s.Store.AddIdentifierAlias(ctx, in.ID, in.Body.Alias, who(ctx).User.Name)
			return &identifierOutput{Body: x}, identifierError(err)
		})
	op(s, api, huma.Operation{OperationID: "export-vuln", Method: http.MethodGet, Path: "/api/v1/vulns/{id}/export/{format}", Tags: tags,
		Summary: "Any vulnerability vmc holds, own or imported, as CSAF 2.0, OSV, a CVE JSON 5.1 CNA container or a STIX 2.1 bundle (audited). " +
			"Withheld (not found) when a source or an advisory of the organisation marks it beyond your clearance, or it is under an embargo that does not name you; " +
			"422 when the format cannot express it (OSV a product that is no package, CVE JSON 5 a record without a CVE id)."},
		string(auth.VulnRead),
		func(ctx context.Context, in *vulnExportInput) (*advisoryDocOutput, error) {
			r := recipient(ctx)
			res, err := export.Vuln(ctx, s.Store, export.Request{ID: in.ID, Format: in.Format, To: r.Name, Clearance: r.Clearance,
				Actor: r.Name, Now: s.now()})
			switch {
			case errors.Is(err, publish.ErrInvalid), errors.Is(err, publish.ErrSchema):
				return nil, huma.Error422UnprocessableEntity(err.Error())
			case errors.Is(err, export.ErrUnknownFormat):
				return nil, huma.Error404NotFound(err.Error())
			case errors.Is(err, incident.ErrWithheld):
				return nil, err
			case err != nil:
				return nil, err
			}
			return &advisoryDocOutput{ContentType: res.Format.MediaType, NoSniff: "nosniff", Body: res.Body,
				ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": res.Format.FileName(res.Document)})}, nil
		})
	op(s, api, huma.Operation{OperationID: "get-coverage", Method: http.MethodGet, Path: "/api/v1/stats/coverage", Tags: tags,
		Summary: "Per source, how many vulnerabilities its current records carry and how many only it carries: what would be lost without it."},
		string(auth.VulnRead),
		func(ctx context.Context, _ *struct{}) (*coverageSourcesOutput, error) {
			c, err := s.Store.Coverage(ctx)
			out := &coverageSourcesOutput{}
			out.Body.Sources = make(map[string]sourceCoverage, len(c))
			for src, n := range c {
				out.Body.Sources[src] = sourceCoverage(n)
			}
			return out, err
		})
}
