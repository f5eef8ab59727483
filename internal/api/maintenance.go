package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/hardening"
	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/samm"
)

// Environment hardening over the API (OWASP SAMM O-EM, NIST SP
// 800-40r4): environment specifications, security upgrades, maintenance
// groups and their plans, patch plans with their progress measured from
// re-scans, protective tools and their gaps, audit plans, and SAMM
// answers per project. Who may do what:
//   - reading any of it is process.read (admin, analyst, auditor): the
//     reports span every team's assets, which owners do not see;
//   - recording and changing it is process.write (admin, analyst): the
//     patch management programme is the security team's process, as the
//     incident response process is;
//   - accepting a risk when no patch exists stays the finding's risk
//     acceptance, finding.accept, on the findings routes.
//
// Invalid input (maintenance.ErrInvalid, samm.ErrInvalid) is 422 by the
// problem mapping (classify), its localised sentence first.

type specPutInput struct {
	Asset string `path:"asset" maxLength:"512"`
	Body  struct {
		Owner      string                `json:"owner" maxLength:"200"`
		OS         string                `json:"os,omitempty" maxLength:"1000"`
		OSVersion  string                `json:"os_version,omitempty" maxLength:"1000"`
		Runtime    []string              `json:"runtime,omitempty" maxItems:"200"`
		Middleware []string              `json:"middleware,omitempty" maxItems:"200"`
		Components []string              `json:"components,omitempty" maxItems:"200"`
		Config     []maintenance.Setting `json:"config,omitempty" maxItems:"200"`
		Change     string                `json:"change,omitempty" maxLength:"1000"`
	}
}

type specOutput struct{ Body maintenance.Spec }

type specsOutput struct {
	Body struct {
		Items []maintenance.Spec `json:"items"`
	}
}

type specAssetInput struct {
	Asset string `path:"asset" maxLength:"512"`
}

type upgradesInput struct {
	Env string `query:"env" enum:"prod,staging,test,dev" doc:"only this environment"`
}

type upgradesOutput struct {
	Body struct {
		Items []maintenance.Upgrade `json:"items"`
	}
}

type groupPutInput struct {
	Name string `path:"name" maxLength:"200"`
	Body struct {
		Function string                    `json:"function" maxLength:"1000"`
		Risk     asset.Criticality         `json:"risk" enum:"low,medium,high,critical"`
		Owner    string                    `json:"owner" maxLength:"200"`
		Windows  []maintenance.PatchWindow `json:"windows" maxItems:"14"`
		Plan     maintenance.Plan          `json:"plan"`
	}
}

type groupNameInput struct {
	Name string `path:"name" maxLength:"200"`
}

type groupOutput struct{ Body hardening.GroupReport }

type groupsOutput struct {
	Body struct {
		Items []hardening.GroupReport `json:"items"`
	}
}

type patchPlanBody struct {
	Group string `json:"group" maxLength:"200"`
	Title string `json:"title" maxLength:"1000"`
	// Findings, or Package: every open finding on it in the group.
	Findings  []int64   `json:"findings,omitempty" maxItems:"10000"`
	Package   string    `json:"package,omitempty" maxLength:"512"`
	Updates   []string  `json:"updates,omitempty" maxItems:"200"`
	Scheduled time.Time `json:"scheduled,omitzero" doc:"when; the group's next maintenance window when left out"`
	Rollback  string    `json:"rollback" maxLength:"4000"`
	Owner     string    `json:"owner,omitempty" maxLength:"200"`
}

type patchPlanCreateInput struct{ Body patchPlanBody }

type patchPlanIDInput struct {
	ID int64 `path:"id"`
}

type patchPlanStatusInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Status maintenance.PatchStatus `json:"status" enum:"planned,approved,deploying,deployed,rolled_back,cancelled"`
	}
}

type patchPlanOutput struct{ Body hardening.PlanReport }

type patchPlansInput struct {
	Group string `query:"group" maxLength:"200"`
}

type patchPlansOutput struct {
	Body struct {
		Items []hardening.PlanReport `json:"items"`
	}
}

type toolPutInput struct {
	Asset string `path:"asset" maxLength:"512"`
	Kind  string `path:"kind" enum:"waf,edr,rasp,host_firewall,fim"`
	Body  struct {
		Product string `json:"product" maxLength:"1000"`
		Active  bool   `json:"active"`
		Note    string `json:"note,omitempty" maxLength:"4000"`
	}
}

type toolOutput struct{ Body maintenance.Tool }

type toolCoverageOutput struct{ Body hardening.CoverageReport }

type auditPlanInput struct {
	Body struct {
		Name        string            `json:"name" maxLength:"200"`
		Environment asset.Environment `json:"environment" enum:"prod,staging,test,dev"`
		Scope       string            `json:"scope" maxLength:"4000"`
		Checklist   []string          `json:"checklist" maxItems:"200"`
		EveryDays   int               `json:"every_days" minimum:"1" maximum:"3660"`
		Start       time.Time         `json:"start"`
		Owner       string            `json:"owner,omitempty" maxLength:"200"`
	}
}

type auditPlanOutput struct{ Body hardening.AuditReport }

type auditPlansOutput struct {
	Body struct {
		Items []hardening.AuditReport `json:"items"`
	}
}

type auditRunInput struct {
	ID   int64 `path:"id"`
	Body struct {
		At      time.Time                 `json:"at,omitzero" doc:"when the audit was done; now when left out"`
		Results []maintenance.CheckResult `json:"results" maxItems:"200"`
		Note    string                    `json:"note,omitempty" maxLength:"4000"`
	}
}

type sammQuestionsOutput struct {
	Body struct {
		Practice  string                       `json:"practice"`
		Streams   map[samm.Stream]samm.Wording `json:"streams"`
		Questions []samm.Question              `json:"questions"`
		Options   any                          `json:"options"`
	}
}

type sammProjectInput struct {
	Project string `path:"project" maxLength:"200"`
}

type sammAnswerInput struct {
	Project string `path:"project" maxLength:"200"`
	Body    struct {
		Answers samm.Answers `json:"answers" doc:"question id → option 0 (No) to 3 (Yes, for most or all of the components)"`
	}
}

type sammOutput struct{ Body hardening.SAMMReport }

type sammListOutput struct {
	Body struct {
		Items []hardening.SAMMReport `json:"items"`
	}
}

func (s *Server) registerMaintenance(api huma.API) {
	tags := []string{"environment hardening"}
	read, write := string(auth.ProcessRead), string(auth.ProcessWrite)

	op(s, api, huma.Operation{OperationID: "put-env-spec", Method: http.MethodPut, Path: "/api/v1/hardening/specs/{asset}", Tags: tags,
		Summary: "Record an asset's environment specification: a new version when it changed (audited)"}, write,
		func(ctx context.Context, in *specPutInput) (*specOutput, error) {
			b := in.Body
			sp, err := s.Store.PutSpec(ctx, maintenance.Spec{Asset: in.Asset, Owner: b.Owner, OS: b.OS, OSVersion: b.OSVersion, Runtime: b.Runtime,
				Middleware: b.Middleware, Components: b.Components, Config: b.Config, Change: b.Change}, who(ctx).User.Name)
			return &specOutput{Body: sp}, err
		})
	op(s, api, huma.Operation{OperationID: "get-env-specs", Method: http.MethodGet, Path: "/api/v1/hardening/specs/{asset}", Tags: tags,
		Summary: "Every version of an asset's environment specification, newest first"}, read,
		func(ctx context.Context, in *specAssetInput) (*specsOutput, error) {
			sp, err := s.Store.Specs(ctx, in.Asset)
			out := &specsOutput{}
			out.Body.Items = orEmptyList(sp)
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "list-env-specs", Method: http.MethodGet, Path: "/api/v1/hardening/specs", Tags: tags,
		Summary: "Each asset's current environment specification"}, read,
		func(ctx context.Context, _ *emptyInput) (*specsOutput, error) {
			sp, err := s.Store.CurrentSpecs(ctx)
			out := &specsOutput{}
			out.Body.Items = orEmptyList(sp)
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "list-upgrades", Method: http.MethodGet, Path: "/api/v1/hardening/upgrades", Tags: tags,
		Summary: "Critical security upgrades: components with open findings an update fixes, per environment, with the advisories' fixed versions"}, read,
		func(ctx context.Context, in *upgradesInput) (*upgradesOutput, error) {
			us, err := hardening.Upgrades(ctx, s.Store, asset.Environment(in.Env))
			out := &upgradesOutput{}
			out.Body.Items = us
			return out, err
		})

	op(s, api, huma.Operation{OperationID: "put-maintenance-group", Method: http.MethodPut, Path: "/api/v1/hardening/groups/{name}", Tags: tags,
		Summary: "Create or change a maintenance group, its windows and maintenance plan (audited)"}, write,
		func(ctx context.Context, in *groupPutInput) (*groupOutput, error) {
			b := in.Body
			g := maintenance.Group{Name: in.Name, Function: b.Function, Risk: b.Risk, Owner: b.Owner, Windows: b.Windows, Plan: b.Plan}
			if _, err := s.Store.PutGroup(ctx, g, who(ctx).User.Name); err != nil {
				return nil, err
			}
			r, err := hardening.Group(ctx, s.Store, in.Name, s.now())
			return &groupOutput{Body: r}, err
		})
	op(s, api, huma.Operation{OperationID: "get-maintenance-group", Method: http.MethodGet, Path: "/api/v1/hardening/groups/{name}", Tags: tags,
		Summary: "A maintenance group: members, next window, plan, the findings triggering emergency patching now, patch plans"}, read,
		func(ctx context.Context, in *groupNameInput) (*groupOutput, error) {
			r, err := hardening.Group(ctx, s.Store, in.Name, s.now())
			return &groupOutput{Body: r}, err
		})
	op(s, api, huma.Operation{OperationID: "list-maintenance-groups", Method: http.MethodGet, Path: "/api/v1/hardening/groups", Tags: tags,
		Summary: "Every maintenance group, as get-maintenance-group reports it"}, read,
		func(ctx context.Context, _ *emptyInput) (*groupsOutput, error) {
			rs, err := hardening.Groups(ctx, s.Store, s.now())
			out := &groupsOutput{}
			out.Body.Items = rs
			return out, err
		})

	op(s, api, huma.Operation{OperationID: "create-patch-plan", Method: http.MethodPost, Path: "/api/v1/hardening/patch-plans", Tags: tags,
		Summary:       "Plan updates for a maintenance group: findings by id, or every open finding on a package in the group (audited)",
		DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *patchPlanCreateInput) (*patchPlanOutput, error) {
			b := in.Body
			p := maintenance.PatchPlan{Group: b.Group, Title: b.Title, Findings: b.Findings, Updates: b.Updates, Scheduled: b.Scheduled,
				Rollback: b.Rollback, Owner: b.Owner}
			if b.Package != "" {
				fs, err := hardening.GroupFindings(ctx, s.Store, b.Group, b.Package)
				if err != nil {
					return nil, err
				}
				for _, f := range fs {
					p.Findings = append(p.Findings, f.ID)
				}
			}
			if p.Scheduled.IsZero() {
				g, err := s.Store.Group(ctx, b.Group)
				if err != nil {
					return nil, err
				}
				p.Scheduled = g.NextWindow(s.now())
			}
			got, err := s.Store.PutPatchPlan(ctx, p, who(ctx).User.Name)
			if err != nil {
				return nil, err
			}
			r, err := hardening.Plan(ctx, s.Store, got)
			return &patchPlanOutput{Body: r}, err
		})
	op(s, api, huma.Operation{OperationID: "get-patch-plan", Method: http.MethodGet, Path: "/api/v1/hardening/patch-plans/{id}", Tags: tags,
		Summary: "A patch plan with its progress: findings verified by a later scan are patched; a claim of fixed is not"}, read,
		func(ctx context.Context, in *patchPlanIDInput) (*patchPlanOutput, error) {
			p, err := s.Store.PatchPlan(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			r, err := hardening.Plan(ctx, s.Store, p)
			return &patchPlanOutput{Body: r}, err
		})
	op(s, api, huma.Operation{OperationID: "set-patch-plan-status", Method: http.MethodPost, Path: "/api/v1/hardening/patch-plans/{id}/status", Tags: tags,
		Summary: "Move a patch plan: planned → approved → deploying → deployed, or rolled back, or cancelled (audited)"}, write,
		func(ctx context.Context, in *patchPlanStatusInput) (*patchPlanOutput, error) {
			p, err := s.Store.PatchPlan(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			p.Status = in.Body.Status
			if p, err = s.Store.PutPatchPlan(ctx, p, who(ctx).User.Name); err != nil {
				return nil, err
			}
			r, err := hardening.Plan(ctx, s.Store, p)
			return &patchPlanOutput{Body: r}, err
		})
	op(s, api, huma.Operation{OperationID: "list-patch-plans", Method: http.MethodGet, Path: "/api/v1/hardening/patch-plans", Tags: tags,
		Summary: "Patch plans with their progress, oldest first"}, read,
		func(ctx context.Context, in *patchPlansInput) (*patchPlansOutput, error) {
			rs, err := hardening.Plans(ctx, s.Store, in.Group)
			out := &patchPlansOutput{}
			out.Body.Items = rs
			return out, err
		})

	op(s, api, huma.Operation{OperationID: "put-protective-tool", Method: http.MethodPut, Path: "/api/v1/hardening/tools/{asset}/{kind}", Tags: tags,
		Summary: "Record a protective tool on an asset (audited); an inactive one covers nothing"}, write,
		func(ctx context.Context, in *toolPutInput) (*toolOutput, error) {
			t, err := s.Store.PutTool(ctx, maintenance.Tool{Asset: in.Asset, Kind: maintenance.ToolKind(in.Kind), Product: in.Body.Product,
				Active: in.Body.Active, Note: in.Body.Note}, who(ctx).User.Name)
			return &toolOutput{Body: t}, err
		})
	op(s, api, huma.Operation{OperationID: "get-tool-coverage", Method: http.MethodGet, Path: "/api/v1/hardening/tools", Tags: tags,
		Summary: "Protective tools, their coverage per maintenance group and environment, and each asset's gaps"}, read,
		func(ctx context.Context, _ *emptyInput) (*toolCoverageOutput, error) {
			r, err := hardening.Coverage(ctx, s.Store)
			return &toolCoverageOutput{Body: r}, err
		})

	op(s, api, huma.Operation{OperationID: "create-audit-plan", Method: http.MethodPost, Path: "/api/v1/hardening/audits", Tags: tags,
		Summary: "Schedule a configuration audit of an environment: scope, checklist, interval (audited)", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *auditPlanInput) (*auditPlanOutput, error) {
			b := in.Body
			p, err := s.Store.PutAuditPlan(ctx, maintenance.AuditPlan{Name: b.Name, Environment: b.Environment, Scope: b.Scope, Checklist: b.Checklist,
				EveryDays: b.EveryDays, Start: b.Start, Owner: b.Owner}, who(ctx).User.Name)
			return &auditPlanOutput{Body: hardening.AuditReport{Plan: p, Due: p.Due(), Overdue: p.Overdue(s.now())}}, err
		})
	op(s, api, huma.Operation{OperationID: "add-audit-run", Method: http.MethodPost, Path: "/api/v1/hardening/audits/{id}/runs", Tags: tags,
		Summary:       "Record an audit done under a plan: every checklist item passed, failed with its follow-up, or not applicable with why (audited)",
		DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *auditRunInput) (*auditPlanOutput, error) {
			r := maintenance.AuditRun{Plan: in.ID, At: in.Body.At, Results: in.Body.Results, Note: in.Body.Note}
			if _, err := s.Store.AddAuditRun(ctx, r, who(ctx).User.Name); err != nil {
				return nil, err
			}
			p, err := s.Store.AuditPlan(ctx, in.ID)
			return &auditPlanOutput{Body: hardening.AuditReport{Plan: p, Due: p.Due(), Overdue: p.Overdue(s.now())}}, err
		})
	op(s, api, huma.Operation{OperationID: "list-audit-plans", Method: http.MethodGet, Path: "/api/v1/hardening/audits", Tags: tags,
		Summary: "Audit plans with their runs and when each is due, overdue first"}, read,
		func(ctx context.Context, _ *emptyInput) (*auditPlansOutput, error) {
			rs, err := hardening.Audits(ctx, s.Store, s.now())
			out := &auditPlansOutput{}
			out.Body.Items = rs
			return out, err
		})

	op(s, api, huma.Operation{OperationID: "get-samm-questions", Method: http.MethodGet, Path: "/api/v1/hardening/samm/questions", Tags: tags,
		Summary: "OWASP SAMM v2 Environment Management (O-EM) questions in English and Chinese, with answer set G"}, read,
		func(ctx context.Context, _ *emptyInput) (*sammQuestionsOutput, error) {
			out := &sammQuestionsOutput{}
			out.Body.Practice, out.Body.Streams, out.Body.Questions, out.Body.Options = samm.Practice, samm.StreamNames, samm.Questions, samm.Options
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "put-samm-answers", Method: http.MethodPut, Path: "/api/v1/hardening/samm/{project}", Tags: tags,
		Summary: "Answer SAMM O-EM questions for a project; the others keep their answers (audited, history kept)"}, write,
		func(ctx context.Context, in *sammAnswerInput) (*sammOutput, error) {
			if err := s.Store.PutSAMMAnswers(ctx, in.Project, in.Body.Answers, who(ctx).User.Name); err != nil {
				return nil, err
			}
			rs, err := hardening.SAMM(ctx, s.Store, in.Project)
			if err != nil {
				return nil, err
			}
			return &sammOutput{Body: rs[0]}, nil
		})
	op(s, api, huma.Operation{OperationID: "list-samm-scores", Method: http.MethodGet, Path: "/api/v1/hardening/samm", Tags: tags,
		Summary: "Every project's SAMM O-EM answers and maturity scores (streams summed over levels, the practice their average)"}, read,
		func(ctx context.Context, _ *emptyInput) (*sammListOutput, error) {
			rs, err := hardening.SAMM(ctx, s.Store)
			out := &sammListOutput{}
			out.Body.Items = rs
			return out, err
		})
}
