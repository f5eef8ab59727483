package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// Root-cause analyses (SAMM VM3) and personal data breaches over the API.
// Who may do what, with the permissions of the matrix:
//   - reading an analysis, "where else?", breach facts and deadlines, the
//     rules and the coverage metric is finding.read, like incidents;
//   - writing the analysis, causes and recommendations, opening "where
//     else?" tasks and recording breach facts is finding.triage, like the
//     rest of the response;
//   - management decisions — scheduling a recommendation's fix or
//     accepting its risk, and deciding whether a regulator is notified of
//     a breach — are finding.accept. Both are risk decisions of the kind
//     approving a finding's risk acceptance is, and the matrix keeps
//     finding.accept from owners for the same reason: whoever does the
//     response work does not also waive it. policy.write (admin only)
//     would leave every such decision to administrators, who are not the
//     managers SAMM means;
//   - changing the deadline rules is policy.write, as SLA policies are:
//     they are commitments of the organisation, not of a responder.
//
// Every route about one incident first finds it through visibleIncident,
// so its TLP and embargo decide what the caller sees, as on the incident
// routes.

type rcaIDInput struct {
	ID int64 `path:"id"`
}

// recommendationView is a recommendation with where it stands now.
type recommendationView struct {
	incident.Recommendation
	Status  incident.RecommendationStatus `json:"status"`
	Overdue bool                          `json:"overdue"`
	// Task is the task a Schedule decision opened.
	Task *incident.Task `json:"task,omitempty"`
}

type analysisView struct {
	Incident        int64                `json:"incident"`
	Text            string               `json:"text"`
	Updated         time.Time            `json:"updated,omitzero"`
	UpdatedBy       string               `json:"updated_by,omitempty"`
	Causes          []incident.Cause     `json:"causes"`
	Recommendations []recommendationView `json:"recommendations"`
	// Documented: at least one cause and one recommendation (SAMM VM3).
	Documented bool `json:"documented"`
}

type analysisOutput struct{ Body analysisView }

func (s *Server) analysisView(ctx context.Context, id int64) (analysisView, error) {
	a, err := s.Store.Analysis(ctx, id)
	if err != nil {
		return analysisView{}, err
	}
	v := analysisView{Incident: a.Incident, Text: a.Text, Updated: a.Updated, UpdatedBy: a.UpdatedBy, Causes: a.Causes,
		Recommendations: make([]recommendationView, len(a.Recommendations)), Documented: a.Documented()}
	now := s.now()
	for i, r := range a.Recommendations {
		rv := recommendationView{Recommendation: r}
		if d := r.Current(); d != nil && d.Task != 0 {
			t, err := s.Store.Task(ctx, d.Task)
			if err != nil {
				return v, err
			}
			rv.Task = &t
		}
		rv.Status, rv.Overdue = r.Status(rv.Task, now), r.Overdue(rv.Task, now)
		v.Recommendations[i] = rv
	}
	return v, nil
}

type rcaTextInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Text string `json:"text" maxLength:"65536" doc:"the free-text analysis: the sequence of events, why each control failed, what went well"`
	}
}

type componentBody struct {
	PURL      string `json:"purl,omitempty" maxLength:"500" doc:"a package URL; sets ecosystem, name and version"`
	Ecosystem string `json:"ecosystem,omitempty" maxLength:"100" doc:"an OSV ecosystem: PyPI, npm, Maven, Debian:12"`
	Name      string `json:"name,omitempty" maxLength:"1024"`
	Version   string `json:"version,omitempty" maxLength:"256"`
}

type causeBody struct {
	Kind          string         `json:"kind" enum:"code_vulnerability,misconfiguration,missing_patch,vulnerable_component,design_weakness,monitoring_gap,other_technical,social_engineering,procedure_not_followed,missing_procedure,missing_training,human_error,third_party,insufficient_resources,other_process"`
	CWE           string         `json:"cwe,omitempty" maxLength:"20" doc:"the weakness of a technical cause (CWE-918), from the CWE 4.17 list; required for a code vulnerability"`
	Component     *componentBody `json:"component,omitempty"`
	Configuration string         `json:"configuration,omitempty" maxLength:"1000" doc:"a selector of the assets configured the same way: key=value terms (kind, team, environment, criticality, exposure, group, tag)"`
	Description   string         `json:"description" minLength:"1" maxLength:"4096"`
}

type causePostInput struct {
	ID   int64 `path:"id"`
	Body causeBody
}

type causePutInput struct {
	ID    int64 `path:"id"`
	Cause int64 `path:"cause"`
	Body  causeBody
}

type causeOutput struct{ Body incident.Cause }

// cause builds a cause from its body and checks its CWE against the
// catalogue.
func (b causeBody) cause(incidentID int64) (incident.Cause, error) {
	c := incident.Cause{Incident: incidentID, Kind: incident.CauseKind(b.Kind), CWE: strings.TrimSpace(b.CWE), Configuration: b.Configuration, Description: b.Description}
	if b.Component != nil {
		switch p := b.Component; {
		case p.PURL != "":
			comp, err := incident.ComponentFromPURL(p.PURL)
			if err != nil {
				return c, err
			}
			c.Component = &comp
		default:
			c.Component = &incident.ComponentRef{Ecosystem: p.Ecosystem, Name: p.Name, Version: p.Version}
		}
	}
	return c, c.CheckCWE(csaf.CWEName)
}

type recommendationBody struct {
	Text  string `json:"text" minLength:"1" maxLength:"4096"`
	Owner string `json:"owner" minLength:"1" maxLength:"200" doc:"who carries it out"`
	Due   string `json:"due,omitempty" format:"date" doc:"the day proposed to be done by"`
	Cause int64  `json:"cause,omitempty" minimum:"0" doc:"the cause it addresses"`
}

func (b recommendationBody) recommendation(incidentID int64) (incident.Recommendation, error) {
	r := incident.Recommendation{Incident: incidentID, Text: b.Text, Owner: b.Owner, Cause: b.Cause}
	var err error
	r.Due, err = parseDay("due", b.Due)
	return r, err
}

type recommendationPostInput struct {
	ID   int64 `path:"id"`
	Body recommendationBody
}

type recommendationPutInput struct {
	ID   int64 `path:"id"`
	Rec  int64 `path:"rec"`
	Body recommendationBody
}

type recommendationOutput struct{ Body incident.Recommendation }

type recDecisionInput struct {
	ID   int64 `path:"id"`
	Rec  int64 `path:"rec"`
	Body struct {
		Decision string `json:"decision" enum:"schedule,accept_risk"`
		Reason   string `json:"reason,omitempty" maxLength:"4096" doc:"why; required to accept the risk"`
		Owner    string `json:"owner,omitempty" maxLength:"200" doc:"schedule: who does the fix; the recommendation's owner by default"`
		Due      string `json:"due,omitempty" format:"date" doc:"schedule: the fix's due day; the recommendation's by default"`
		TaskKind string `json:"task_kind,omitempty" enum:"containment,eradication,recovery,change,patch,communication,other" doc:"schedule: the task's kind; change by default"`
		Expires  string `json:"expires,omitempty" format:"date" doc:"accept_risk: the day the acceptance ends and the recommendation is reviewed again (at most a year)"`
	}
}

type whereElseInput struct {
	ID    int64 `path:"id"`
	Cause int64 `path:"cause"`
}

type whereElseOutput struct {
	Body struct {
		Cause incident.Cause       `json:"cause"`
		Hits  []store.WhereElseHit `json:"hits"`
	}
}

type whereElseTasksInput struct {
	ID    int64 `path:"id"`
	Cause int64 `path:"cause"`
	Body  struct {
		Assets []string `json:"assets,omitempty" maxItems:"1000" doc:"the assets to open tasks for; by default every one found that the incident does not name"`
		Owner  string   `json:"owner,omitempty" maxLength:"200" doc:"whose tasks they are; you by default"`
		Due    string   `json:"due,omitempty" format:"date"`
	}
}

type tasksOutput struct {
	Body struct {
		Items []incident.Task `json:"items"`
	}
}

type rcaCoverageInput struct {
	From string `query:"from" format:"date" doc:"incidents detected on or after this day"`
	To   string `query:"to" format:"date" doc:"incidents detected before this day"`
}

type rcaCoverageOutput struct {
	Body struct {
		Incidents  int `json:"incidents" doc:"closed and reviewed incidents"`
		Documented int `json:"documented" doc:"of which with at least one cause and one recommendation"`
		// Undocumented lists those released to the caller.
		Undocumented []int64 `json:"undocumented"`
		Percent      float64 `json:"percent" doc:"documented as a percentage of incidents; SAMM's target is over 80"`
	}
}

// incidentCause returns a cause of a visible incident; one of another
// incident is not found.
func (s *Server) incidentCause(ctx context.Context, incidentID, causeID int64) (incident.Cause, error) {
	if _, err := s.visibleIncident(ctx, incidentID); err != nil {
		return incident.Cause{}, err
	}
	c, err := s.Store.Cause(ctx, causeID)
	if err != nil {
		return c, err
	}
	if c.Incident != incidentID {
		return c, huma.Error404NotFound(fmt.Sprintf("incident %d: cause %d: %s", incidentID, causeID, store.ErrNotFound))
	}
	return c, nil
}

// visibleHits keeps the hits on assets the caller may read findings of:
// an owner sees their teams' assets only.
func visibleHits(ctx context.Context, hits []store.WhereElseHit) []store.WhereElseHit {
	teams, all := auth.TeamsFor(who(ctx).User, auth.FindingRead)
	out := slices.DeleteFunc(hits, func(h store.WhereElseHit) bool { return !all && !slices.Contains(teams, h.Asset.Team) })
	if out == nil {
		out = []store.WhereElseHit{}
	}
	return out
}

func (s *Server) registerRCA(api huma.API) {
	tags := []string{"root causes"}
	op(s, api, huma.Operation{OperationID: "get-incident-rca", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/rca", Tags: tags,
		Summary: "An incident's root-cause analysis: text, causes, recommendations with management's decisions and where each stands." + clearanceDoc},
		string(auth.FindingRead),
		func(ctx context.Context, in *rcaIDInput) (*analysisOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			v, err := s.analysisView(ctx, in.ID)
			return &analysisOutput{Body: v}, err
		})
	op(s, api, huma.Operation{OperationID: "put-incident-rca-text", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/rca/text", Tags: tags,
		Summary: "Write the free-text root-cause analysis (audited, on the timeline)." + clearanceDoc}, string(auth.FindingTriage),
		func(ctx context.Context, in *rcaTextInput) (*analysisOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			if _, err := s.Store.PutAnalysisText(ctx, in.ID, in.Body.Text, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			v, err := s.analysisView(ctx, in.ID)
			return &analysisOutput{Body: v}, err
		})
	op(s, api, huma.Operation{OperationID: "add-incident-cause", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/rca/causes", Tags: tags,
		Summary:       "Add a root cause: technical (with its CWE, checked against CWE 4.17, and optionally the component and configuration involved) or of people and process (audited, on the timeline)." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *causePostInput) (*causeOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			c, err := in.Body.cause(in.ID)
			if err != nil {
				return nil, incidentError(err)
			}
			if c, err = s.Store.PutCause(ctx, c, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			return &causeOutput{Body: c}, nil
		})
	op(s, api, huma.Operation{OperationID: "put-incident-cause", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/rca/causes/{cause}", Tags: tags,
		Summary: "Change a root cause (audited, on the timeline)." + clearanceDoc}, string(auth.FindingTriage),
		func(ctx context.Context, in *causePutInput) (*causeOutput, error) {
			if _, err := s.incidentCause(ctx, in.ID, in.Cause); err != nil {
				return nil, err
			}
			c, err := in.Body.cause(in.ID)
			if err != nil {
				return nil, incidentError(err)
			}
			c.ID = in.Cause
			if c, err = s.Store.PutCause(ctx, c, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			return &causeOutput{Body: c}, nil
		})
	op(s, api, huma.Operation{OperationID: "add-incident-recommendation", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/rca/recommendations", Tags: tags,
		Summary:       "Add a recommendation with its owner and proposed due day, for management to review (audited, on the timeline)." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *recommendationPostInput) (*recommendationOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			r, err := in.Body.recommendation(in.ID)
			if err != nil {
				return nil, err
			}
			if r, err = s.Store.PutRecommendation(ctx, r, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			return &recommendationOutput{Body: r}, nil
		})
	op(s, api, huma.Operation{OperationID: "put-incident-recommendation", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/rca/recommendations/{rec}", Tags: tags,
		Summary: "Change a recommendation not yet decided on (audited, on the timeline)." + clearanceDoc}, string(auth.FindingTriage),
		func(ctx context.Context, in *recommendationPutInput) (*recommendationOutput, error) {
			if _, err := s.incidentRecommendation(ctx, in.ID, in.Rec); err != nil {
				return nil, err
			}
			r, err := in.Body.recommendation(in.ID)
			if err != nil {
				return nil, err
			}
			r.ID = in.Rec
			if r, err = s.Store.PutRecommendation(ctx, r, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			return &recommendationOutput{Body: r}, nil
		})
	op(s, api, huma.Operation{OperationID: "decide-incident-recommendation", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/rca/recommendations/{rec}/decisions", Tags: tags,
		Summary:       "Management's review of a recommendation, by you, now: schedule the fix (opens a task on the incident with its owner and due day) or accept the risk (with the reason and the day it is reviewed again, at most a year; not by the recommendation's owner). Audited, on the timeline. Needs finding.accept." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingAccept),
		func(ctx context.Context, in *recDecisionInput) (*recommendationOutput, error) {
			if _, err := s.incidentRecommendation(ctx, in.ID, in.Rec); err != nil {
				return nil, err
			}
			b := in.Body
			d := incident.Decision{Kind: incident.DecisionKind(b.Decision), DecidedBy: who(ctx).User.Name, Reason: strings.TrimSpace(b.Reason),
				Owner: b.Owner, TaskKind: incident.TaskKind(b.TaskKind)}
			var err error
			if d.Due, err = parseDay("due", b.Due); err != nil {
				return nil, err
			}
			if d.Expires, err = parseDay("expires", b.Expires); err != nil {
				return nil, err
			}
			r, err := s.Store.DecideRecommendation(ctx, in.Rec, d)
			if err != nil {
				return nil, incidentError(err)
			}
			return &recommendationOutput{Body: r}, nil
		})
	op(s, api, huma.Operation{OperationID: "where-else", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/rca/causes/{cause}/where-else", Tags: tags,
		Summary: "Where else may this cause be? Assets with open findings on vulnerabilities of the cause's CWE, holding its component (any version), or configured as its selector says; each with why, and the task opened for it if one was. Owners see their teams' assets." + clearanceDoc},
		string(auth.FindingRead),
		func(ctx context.Context, in *whereElseInput) (*whereElseOutput, error) {
			c, err := s.incidentCause(ctx, in.ID, in.Cause)
			if err != nil {
				return nil, err
			}
			hits, err := s.Store.WhereElse(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			out := &whereElseOutput{}
			out.Body.Cause, out.Body.Hits = c, visibleHits(ctx, hits)
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "open-where-else-tasks", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/rca/causes/{cause}/where-else/tasks", Tags: tags,
		Summary:       "Open a task on the incident for each asset \"where else?\" finds (or those named), once per asset and cause: a patch through the finding where the cause came up through one, a change for a configuration. Owners open tasks for their teams' assets only. Audited, on the timeline." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *whereElseTasksInput) (*tasksOutput, error) {
			c, err := s.incidentCause(ctx, in.ID, in.Cause)
			if err != nil {
				return nil, err
			}
			b := in.Body
			req := store.WhereElseTasks{Assets: b.Assets, Owner: b.Owner}
			if req.Owner == "" {
				req.Owner = who(ctx).User.Name
			}
			if req.Due, err = parseDay("due", b.Due); err != nil {
				return nil, err
			}
			if teams, all := auth.TeamsFor(who(ctx).User, auth.FindingTriage); !all {
				if req.Assets, err = s.teamAssets(ctx, c.ID, req.Assets, teams); err != nil {
					return nil, err
				}
			}
			ts, err := s.Store.OpenWhereElse(ctx, c.ID, req, who(ctx).User.Name)
			if err != nil {
				return nil, incidentError(err)
			}
			out := &tasksOutput{}
			out.Body.Items = ts
			if out.Body.Items == nil {
				out.Body.Items = []incident.Task{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "rca-coverage", Method: http.MethodGet, Path: "/api/v1/rca/coverage", Tags: tags,
		Summary: "SAMM VM3: of the closed and reviewed incidents, how many document a root cause and recommendations (at least one of each); undocumented lists those released to you."},
		string(auth.FindingRead),
		func(ctx context.Context, in *rcaCoverageInput) (*rcaCoverageOutput, error) {
			var q store.RCACoverageQuery
			var err error
			if q.From, err = parseDay("from", in.From); err != nil {
				return nil, err
			}
			if q.To, err = parseDay("to", in.To); err != nil {
				return nil, err
			}
			cov, err := s.Store.RCACoverage(ctx, q)
			if err != nil {
				return nil, err
			}
			visible := []int64{}
			for _, id := range cov.Undocumented {
				if x, err := s.Store.Incident(ctx, id); err == nil && s.released(ctx, x) {
					visible = append(visible, id)
				}
			}
			out := &rcaCoverageOutput{}
			out.Body.Incidents, out.Body.Documented, out.Body.Undocumented, out.Body.Percent = cov.Incidents, cov.Documented, visible, cov.Percent()
			return out, nil
		})
}

// incidentRecommendation returns a recommendation of a visible incident;
// one of another incident is not found.
func (s *Server) incidentRecommendation(ctx context.Context, incidentID, recID int64) (incident.Recommendation, error) {
	if _, err := s.visibleIncident(ctx, incidentID); err != nil {
		return incident.Recommendation{}, err
	}
	r, err := s.Store.Recommendation(ctx, recID)
	if err != nil {
		return r, err
	}
	if r.Incident != incidentID {
		return r, huma.Error404NotFound(fmt.Sprintf("incident %d: recommendation %d: %s", incidentID, recID, store.ErrNotFound))
	}
	return r, nil
}

// teamAssets narrows a where-else task request to assets of teams: the
// named ones must all be of them; none named means all of them found.
func (s *Server) teamAssets(ctx context.Context, causeID int64, named, teams []string) ([]string, error) {
	hits, err := s.Store.WhereElse(ctx, causeID)
	if err != nil {
		return nil, err
	}
	var mine []string
	for _, h := range hits {
		if slices.Contains(teams, h.Asset.Team) && !h.InIncident && !slices.Contains(mine, h.Asset.Name) {
			mine = append(mine, h.Asset.Name)
		}
	}
	if len(named) == 0 {
		if len(mine) == 0 {
			return nil, huma.Error403Forbidden(fmt.Sprintf("%s: no asset found where else for cause %d is of your teams", who(ctx).User.Name, causeID))
		}
		return mine, nil
	}
	for _, a := range named {
		i := slices.IndexFunc(hits, func(h store.WhereElseHit) bool { return h.Asset.Name == a })
		if i >= 0 && !slices.Contains(teams, hits[i].Asset.Team) {
			return nil, huma.Error403Forbidden(fmt.Sprintf("%s may not open tasks for asset %s: not of your teams", who(ctx).User.Name, a))
		}
	}
	return named, nil
}
