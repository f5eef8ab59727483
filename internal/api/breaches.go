package api

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// Personal data breaches over the API; who may do what is in rca.go.

// breachView is an incident's personal-data facts, where each
// jurisdiction's notification deadline stands, and the decisions.
type breachView struct {
	Incident    int64                     `json:"incident"`
	Facts       incident.BreachFacts      `json:"facts"`
	Sensitive   bool                      `json:"sensitive"`
	Overdue     bool                      `json:"overdue"`
	Obligations []incident.Obligation     `json:"obligations"`
	Decisions   []incident.BreachDecision `json:"decisions"`
}

type breachOutput struct{ Body breachView }

func (s *Server) breachView(ctx context.Context, in incident.Incident) (breachView, error) {
	v := breachView{Incident: in.ID, Facts: in.Breach(), Sensitive: in.Sensitive(), Obligations: []incident.Obligation{}}
	var err error
	if v.Decisions, err = s.Store.BreachDecisions(ctx, in.ID); err != nil {
		return v, err
	}
	if v.Decisions == nil {
		v.Decisions = []incident.BreachDecision{}
	}
	if !in.PersonalData {
		return v, nil
	}
	rules, err := s.Store.BreachRules(ctx)
	if err != nil {
		return v, err
	}
	if v.Obligations, err = incident.Obligations(in, rules, v.Decisions, s.now()); err != nil {
		return v, err
	}
	v.Overdue = store.Breach{Obligations: v.Obligations}.Overdue()
	return v, nil
}

type breachPutInput struct {
	ID   int64 `path:"id"`
	Body struct {
		PersonalData   bool     `json:"personal_data" doc:"personal or sensitive personal data is involved"`
		Aware          string   `json:"aware,omitempty" format:"date-time" doc:"when the organisation became aware of the breach; the deadlines run from it (default: detected)"`
		DataCategories []string `json:"data_categories,omitempty" maxItems:"20" enum:"contact,identity,credentials,financial,communications,location,health,biometric,genetic,minors,racial_ethnic,political,religious,trade_union,sex_life,criminal,other"`
		DataSubjects   int64    `json:"data_subjects,omitempty" minimum:"0" doc:"how many people, if known"`
		Jurisdictions  []string `json:"jurisdictions,omitempty" maxItems:"300" doc:"codes: EU, UK, CN, US-CO (ISO 3166-1 alpha-2, ISO 3166-2)"`
	}
}

type breachDecisionInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Jurisdiction string `json:"jurisdiction" minLength:"2" maxLength:"6"`
		Action       string `json:"action" enum:"notify,no_notify,notified" doc:"notify: decided to notify; no_notify: decided not to (reason required); notified: the notification was made"`
		Reason       string `json:"reason,omitempty" maxLength:"4096"`
		Authority    string `json:"authority,omitempty" maxLength:"4096" doc:"who is or was notified; the rule's authority by default"`
		Reference    string `json:"reference,omitempty" maxLength:"500" doc:"the regulator's reference for the notification"`
		NotifiedAt   string `json:"notified_at,omitempty" format:"date-time" doc:"notified: when"`
		DelayReason  string `json:"delay_reason,omitempty" maxLength:"4096" doc:"notified after the deadline: why"`
	}
}

type breachDecisionOutput struct{ Body incident.BreachDecision }

type breachListInput struct {
	Overdue bool `query:"overdue" doc:"only breaches with a notification deadline passed, nothing done or decided"`
}

type breachListOutput struct {
	Body struct {
		Items []store.Breach `json:"items"`
	}
}

type rulesOutput struct {
	Body struct {
		Items []incident.DeadlineRule `json:"items"`
	}
}

type rulePutInput struct {
	Jurisdiction string `path:"jurisdiction" maxLength:"6"`
	Body         struct {
		Law         string `json:"law" minLength:"1" maxLength:"200"`
		Authority   string `json:"authority" minLength:"1" maxLength:"500"`
		Hours       int    `json:"hours,omitempty" minimum:"0" maximum:"8784"`
		Days        int    `json:"days,omitempty" minimum:"0" maximum:"366"`
		TimeZone    string `json:"time_zone" minLength:"1" maxLength:"64" doc:"IANA zone: Europe/Brussels, Asia/Shanghai"`
		MinSubjects int64  `json:"min_subjects,omitempty" minimum:"0"`
		Source      string `json:"source" minLength:"1" maxLength:"2000" doc:"the legal citation"`
		Note        string `json:"note,omitempty" maxLength:"4000"`
		Reason      string `json:"reason,omitempty" maxLength:"4096" doc:"why, for the audit log"`
	}
}

type ruleDeleteInput struct {
	Jurisdiction string `path:"jurisdiction" maxLength:"6"`
	Reason       string `query:"reason" maxLength:"4096" doc:"why, for the audit log"`
}

type noContent struct{}

// jurisdictionArg reads a jurisdiction code from outside.
func jurisdictionArg(s string) (string, error) {
	j, err := incident.ParseJurisdiction(s)
	if err != nil {
		return "", huma.Error422UnprocessableEntity(err.Error())
	}
	return j, nil
}

func (s *Server) registerBreaches(api huma.API) {
	tags := []string{"personal data breaches"}
	op(s, api, huma.Operation{OperationID: "get-incident-breach", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/breach", Tags: tags,
		Summary: "An incident's personal data: the facts, each jurisdiction's notification deadline (from awareness) and where it stands, and management's decisions." + clearanceDoc},
		string(auth.FindingRead),
		func(ctx context.Context, in *rcaIDInput) (*breachOutput, error) {
			x, err := s.visibleIncident(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			v, err := s.breachView(ctx, x)
			return &breachOutput{Body: v}, err
		})
	op(s, api, huma.Operation{OperationID: "put-incident-breach", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/breach", Tags: tags,
		Summary: "Record what personal data an incident involves: categories, how many people, jurisdictions, when the organisation became aware (audited, on the timeline)." + clearanceDoc},
		string(auth.FindingTriage),
		func(ctx context.Context, in *breachPutInput) (*breachOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			b := in.Body
			f := incident.BreachFacts{PersonalData: b.PersonalData, Subjects: b.DataSubjects}
			for _, c := range b.DataCategories {
				f.Categories = append(f.Categories, incident.DataCategory(c))
			}
			for _, j := range b.Jurisdictions {
				code, err := jurisdictionArg(j)
				if err != nil {
					return nil, err
				}
				f.Jurisdictions = append(f.Jurisdictions, code)
			}
			if b.Aware != "" {
				var err error
				if f.Aware, err = parseTime("aware", b.Aware); err != nil {
					return nil, err
				}
			}
			x, err := s.Store.PutBreach(ctx, in.ID, f, who(ctx).User.Name)
			if err != nil {
				return nil, incidentError(err)
			}
			v, err := s.breachView(ctx, x)
			return &breachOutput{Body: v}, err
		})
	op(s, api, huma.Operation{OperationID: "decide-incident-breach", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/breach/decisions", Tags: tags,
		Summary:       "Management's decision record for one jurisdiction, by you, now: notify, not notify (with the reason), or the notification made (when, the regulator's reference, and the reasons if after the deadline). Audited, on the timeline. Needs finding.accept." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingAccept),
		func(ctx context.Context, in *breachDecisionInput) (*breachDecisionOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			b := in.Body
			j, err := jurisdictionArg(b.Jurisdiction)
			if err != nil {
				return nil, err
			}
			d := incident.BreachDecision{Incident: in.ID, Jurisdiction: j, Action: incident.BreachAction(b.Action), DecidedBy: who(ctx).User.Name,
				Reason: strings.TrimSpace(b.Reason), Authority: strings.TrimSpace(b.Authority), Reference: strings.TrimSpace(b.Reference),
				DelayReason: strings.TrimSpace(b.DelayReason)}
			if b.NotifiedAt != "" {
				if d.NotifiedAt, err = parseTime("notified_at", b.NotifiedAt); err != nil {
					return nil, err
				}
			}
			if d, err = s.Store.DecideBreach(ctx, d); err != nil {
				return nil, incidentError(err)
			}
			return &breachDecisionOutput{Body: d}, nil
		})
	op(s, api, huma.Operation{OperationID: "list-breaches", Method: http.MethodGet, Path: "/api/v1/breaches", Tags: tags,
		Summary: "Incidents involving personal data, newest first, with where each notification deadline stands now." + clearanceDoc},
		string(auth.FindingRead),
		func(ctx context.Context, in *breachListInput) (*breachListOutput, error) {
			list, err := s.Store.ListBreaches(ctx, s.now())
			if err != nil {
				return nil, err
			}
			out := &breachListOutput{}
			out.Body.Items = slices.DeleteFunc(list, func(b store.Breach) bool { return !s.released(ctx, b.Incident) || (in.Overdue && !b.Overdue()) })
			if out.Body.Items == nil {
				out.Body.Items = []store.Breach{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-breach-rules", Method: http.MethodGet, Path: "/api/v1/breach-rules", Tags: tags,
		Summary: "The notification deadline rules in force, per jurisdiction, with their legal sources: the organisation's over vmc's defaults (EU GDPR, UK GDPR, China's PIPL and CAC measures, Colorado)."},
		string(auth.FindingRead),
		func(ctx context.Context, _ *struct{}) (*rulesOutput, error) {
			rules, err := s.Store.BreachRules(ctx)
			out := &rulesOutput{}
			out.Body.Items = rules
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "put-breach-rule", Method: http.MethodPut, Path: "/api/v1/breach-rules/{jurisdiction}", Tags: tags,
		Summary: "Set a jurisdiction's notification deadline (hours, or calendar days in its time zone), replacing its default (audited). Needs policy.write."},
		string(auth.PolicyWrite),
		func(ctx context.Context, in *rulePutInput) (*rulesOutput, error) {
			j, err := jurisdictionArg(in.Jurisdiction)
			if err != nil {
				return nil, err
			}
			b := in.Body
			r := incident.DeadlineRule{Jurisdiction: j, Law: b.Law, Authority: b.Authority, Hours: b.Hours, Days: b.Days, TimeZone: b.TimeZone,
				MinSubjects: b.MinSubjects, Source: b.Source, Note: b.Note}
			if err := s.Store.PutBreachRule(ctx, r, who(ctx).User.Name, strings.TrimSpace(b.Reason)); err != nil {
				return nil, incidentError(err)
			}
			rules, err := s.Store.BreachRules(ctx)
			out := &rulesOutput{}
			out.Body.Items = rules
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "delete-breach-rule", Method: http.MethodDelete, Path: "/api/v1/breach-rules/{jurisdiction}", Tags: tags,
		Summary:       "Remove the organisation's rule for a jurisdiction: its default, if it has one, is in force again (audited). Needs policy.write.",
		DefaultStatus: http.StatusNoContent}, string(auth.PolicyWrite),
		func(ctx context.Context, in *ruleDeleteInput) (*noContent, error) {
			j, err := jurisdictionArg(in.Jurisdiction)
			if err != nil {
				return nil, err
			}
			if err := s.Store.DeleteBreachRule(ctx, j, who(ctx).User.Name, strings.TrimSpace(in.Reason)); err != nil {
				return nil, err
			}
			return &noContent{}, nil
		})
}
