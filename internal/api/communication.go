package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/store"
)

// Communication trees over the API: an incident's stakeholders and
// escalation path, messages to them, acknowledgements, and the record
// of deliveries; and the organisation's default tree, which every new
// incident gets a copy of. Who may do what:
//   - reading a tree, a path or the deliveries is finding.read;
//   - changing an incident's tree or path, sending, escalating and
//     acknowledging are finding.triage, as the rest of the response;
//   - changing the default tree is policy.write: it decides who every
//     future incident reaches.
//
// An incident's routes first pass the incident through the API's
// disclosure control (visibleIncident): one withheld from the caller is
// not found. What then leaves by e-mail or webhook passes the control
// again for each stakeholder (package notify).
//
// A webhook's signing secret is in the response that created it or
// rotated it, and never again.

type stakeholderBody struct {
	Name      string `json:"name" minLength:"1" maxLength:"200"`
	Role      string `json:"role" enum:"commander,responder,management,legal,pr,operator,customer,regulator,vendor"`
	Email     string `json:"email,omitempty" maxLength:"254" doc:"an address, name@example.com"`
	Webhook   string `json:"webhook,omitempty" maxLength:"2048" doc:"an https URL (http only to a loopback address) that is POSTed signed JSON"`
	Lang      string `json:"lang,omitempty" enum:"en,zh-CN" doc:"the language they are written to in; en by default"`
	Clearance string `json:"clearance" minLength:"1" maxLength:"20" doc:"the narrowest TLP label they may receive: CLEAR, GREEN, AMBER, AMBER+STRICT, RED (outside the organisation: AMBER at most)"`
	External  bool   `json:"external,omitempty" doc:"outside the organisation (customers, regulators and vendors always are)"`
	// RotateSecret asks for a new webhook secret on a change.
	RotateSecret bool `json:"rotate_secret,omitempty" doc:"on a change: sign with a new secret, returned in the response"`
}

type stakeholderPostInput struct {
	ID   int64 `path:"id"`
	Body stakeholderBody
}

type stakeholderPutInput struct {
	ID          int64 `path:"id"`
	Stakeholder int64 `path:"stakeholder"`
	Body        stakeholderBody
}

type stakeholderIDInput struct {
	ID          int64 `path:"id"`
	Stakeholder int64 `path:"stakeholder"`
}

type defaultStakeholderPostInput struct{ Body stakeholderBody }

type defaultStakeholderPutInput struct {
	Stakeholder int64 `path:"stakeholder"`
	Body        stakeholderBody
}

type defaultStakeholderIDInput struct {
	Stakeholder int64 `path:"stakeholder"`
}

type stakeholderView struct {
	Stakeholder incident.Stakeholder `json:"stakeholder"`
	// WebhookSecret is the secret the webhook's calls are signed with,
	// shown once: when the webhook is added, or its secret rotated.
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

type stakeholderOutput struct{ Body stakeholderView }

type stakeholderListOutput struct {
	Body struct {
		Items []incident.Stakeholder `json:"items"`
	}
}

type levelBody struct {
	Level        int      `json:"level" minimum:"1" maximum:"99"`
	Severity     string   `json:"severity" enum:"low,medium,high,critical" doc:"the lowest severity the level is for"`
	AfterMinutes int      `json:"after_minutes,omitempty" minimum:"0" maximum:"43200" doc:"taken this long after the report if nobody has acknowledged the incident; 0: at once"`
	Notify       []string `json:"notify" minItems:"1" maxItems:"50" doc:"stakeholder names of the tree"`
}

type escalationBody struct {
	Levels []levelBody `json:"levels" maxItems:"10"`
}

type escalationPutInput struct {
	ID   int64 `path:"id"`
	Body escalationBody
}

type defaultEscalationPutInput struct{ Body escalationBody }

type escalationOutput struct{ Body incident.Escalation }

type notificationInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Kind    string       `json:"kind" enum:"new,state,advisory,briefing" doc:"what the message is about; escalations are sent by the escalation path"`
		Text    string       `json:"text,omitempty" maxLength:"16384" doc:"your words, put into the kind's template"`
		To      []string     `json:"to,omitempty" maxItems:"100" doc:"stakeholder names; everyone in the tree by default"`
		TLP     string       `json:"tlp,omitempty" maxLength:"20" doc:"the message's own label, when narrower than the incident's"`
		Embargo *embargoBody `json:"embargo,omitempty" doc:"the message's own embargo"`
	}
}

// deliveriesView is what became of a message, or an incident's record.
type deliveriesView struct {
	Items []incident.Delivery `json:"items"`
	// Informed counts the incident's stakeholders and those sent at
	// least one message.
	Informed *store.Informed `json:"informed,omitempty"`
}

type deliveriesOutput struct{ Body deliveriesView }

type ackInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Note string `json:"note,omitempty" maxLength:"500"`
	}
}

type ackOutput struct{ Body incident.Ack }

// stakeholderFrom reads a body into a stakeholder of a tree, over an
// existing one when there is.
func stakeholderFrom(b stakeholderBody, st incident.Stakeholder) (incident.Stakeholder, error) {
	st.Name, st.Role, st.Email, st.Webhook, st.External = strings.TrimSpace(b.Name), incident.Role(b.Role), strings.TrimSpace(b.Email),
		strings.TrimSpace(b.Webhook), b.External
	st.Lang = b.Lang
	if st.Lang == "" {
		st.Lang = incident.Langs[0]
	}
	var err error
	if st.Clearance, err = incident.ParseTLP(b.Clearance); err != nil {
		return st, huma.Error422UnprocessableEntity("clearance: " + err.Error())
	}
	return st, nil
}

// putStakeholder adds (st.ID 0) or changes a stakeholder, giving a new
// webhook its secret and rotating one when asked; the secret is in the
// view only then.
func (s *Server) putStakeholder(ctx context.Context, st incident.Stakeholder, hadWebhook, rotate bool) (*stakeholderOutput, error) {
	fresh := ""
	if st.Webhook != "" && (!hadWebhook || rotate) {
		fresh = notify.NewSecret()
		st.WebhookSecret = fresh
	}
	st, err := s.Store.PutStakeholder(ctx, st, who(ctx).User.Name)
	if err != nil {
		return nil, incidentError(err)
	}
	return &stakeholderOutput{Body: stakeholderView{Stakeholder: st, WebhookSecret: fresh}}, nil
}

// treeStakeholder returns a stakeholder of the tree the path names; one
// of another tree is not found.
func (s *Server) treeStakeholder(ctx context.Context, incidentID, id int64) (incident.Stakeholder, error) {
	st, err := s.Store.Stakeholder(ctx, id)
	if err != nil {
		return st, err
	}
	if st.Incident != incidentID {
		return st, huma.Error404NotFound(fmt.Sprintf("stakeholder %d: %s", id, store.ErrNotFound))
	}
	return st, nil
}

func (s *Server) listStakeholders(ctx context.Context, incidentID int64) (*stakeholderListOutput, error) {
	list, err := s.Store.ListStakeholders(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	out := &stakeholderListOutput{}
	out.Body.Items = list
	if out.Body.Items == nil {
		out.Body.Items = []incident.Stakeholder{}
	}
	return out, nil
}

func (s *Server) changeStakeholder(ctx context.Context, incidentID, id int64, b stakeholderBody) (*stakeholderOutput, error) {
	before, err := s.treeStakeholder(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	st, err := stakeholderFrom(b, before)
	if err != nil {
		return nil, err
	}
	return s.putStakeholder(ctx, st, before.Webhook != "", b.RotateSecret)
}

func (s *Server) removeStakeholder(ctx context.Context, incidentID, id int64) error {
	if _, err := s.treeStakeholder(ctx, incidentID, id); err != nil {
		return err
	}
	return incidentError(s.Store.RemoveStakeholder(ctx, id, who(ctx).User.Name))
}

func (s *Server) putEscalation(ctx context.Context, incidentID int64, b escalationBody) (*escalationOutput, error) {
	e := incident.Escalation{Incident: incidentID, Levels: make([]incident.Level, len(b.Levels))}
	for i, l := range b.Levels {
		e.Levels[i] = incident.Level{Level: l.Level, Severity: incident.Severity(l.Severity), AfterMinutes: l.AfterMinutes, Notify: l.Notify}
	}
	e, err := s.Store.PutEscalation(ctx, e, who(ctx).User.Name)
	if err != nil {
		return nil, incidentError(err)
	}
	return &escalationOutput{Body: e}, nil
}

// notifier is the server's notifier; a server without one answers 503.
func (s *Server) notifier() (*notify.Service, error) {
	if s.Notify == nil {
		return nil, huma.Error503ServiceUnavailable("notifications are not set up on this server")
	}
	return s.Notify, nil
}

func deliveries(ds []incident.Delivery) *deliveriesOutput {
	if ds == nil {
		ds = []incident.Delivery{}
	}
	return &deliveriesOutput{Body: deliveriesView{Items: ds}}
}

func (s *Server) registerCommunication(api huma.API) {
	tags := []string{"incidents"}
	triage, read, policy := string(auth.FindingTriage), string(auth.FindingRead), string(auth.PolicyWrite)

	op(s, api, huma.Operation{OperationID: "list-incident-stakeholders", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/stakeholders", Tags: tags,
		Summary: "An incident's communication tree: its stakeholders, by name (webhook secrets are never listed)." + clearanceDoc}, read,
		func(ctx context.Context, in *incidentIDInput) (*stakeholderListOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			return s.listStakeholders(ctx, in.ID)
		})
	op(s, api, huma.Operation{OperationID: "add-incident-stakeholder", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/stakeholders", Tags: tags,
		Summary:       "Add a stakeholder to an incident's communication tree (audited, on the timeline); a webhook's signing secret is in this response only." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, triage,
		func(ctx context.Context, in *stakeholderPostInput) (*stakeholderOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			st, err := stakeholderFrom(in.Body, incident.Stakeholder{Incident: in.ID})
			if err != nil {
				return nil, err
			}
			return s.putStakeholder(ctx, st, false, false)
		})
	op(s, api, huma.Operation{OperationID: "put-incident-stakeholder", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/stakeholders/{stakeholder}", Tags: tags,
		Summary: "Change a stakeholder of an incident's tree (audited, on the timeline); a renamed stakeholder keeps its place in the escalation path." + clearanceDoc}, triage,
		func(ctx context.Context, in *stakeholderPutInput) (*stakeholderOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			return s.changeStakeholder(ctx, in.ID, in.Stakeholder, in.Body)
		})
	op(s, api, huma.Operation{OperationID: "delete-incident-stakeholder", Method: http.MethodDelete, Path: "/api/v1/incidents/{id}/stakeholders/{stakeholder}", Tags: tags,
		Summary:       "Remove a stakeholder from an incident's tree; not while its escalation path names them. Their deliveries stay." + clearanceDoc,
		DefaultStatus: http.StatusNoContent}, triage,
		func(ctx context.Context, in *stakeholderIDInput) (*struct{}, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			return nil, s.removeStakeholder(ctx, in.ID, in.Stakeholder)
		})
	op(s, api, huma.Operation{OperationID: "get-incident-escalation", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/escalation", Tags: tags,
		Summary: "An incident's escalation path: who is told at which severity, and after how long unacknowledged." + clearanceDoc}, read,
		func(ctx context.Context, in *incidentIDInput) (*escalationOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			e, err := s.Store.Escalation(ctx, in.ID)
			return &escalationOutput{Body: e}, err
		})
	op(s, api, huma.Operation{OperationID: "put-incident-escalation", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/escalation", Tags: tags,
		Summary: "Replace an incident's escalation path (audited, on the timeline); every name must be a stakeholder of its tree." + clearanceDoc}, triage,
		func(ctx context.Context, in *escalationPutInput) (*escalationOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			return s.putEscalation(ctx, in.ID, in.Body)
		})
	op(s, api, huma.Operation{OperationID: "notify-incident", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/notifications", Tags: tags,
		Summary:       "Send a message about an incident to its tree (or the stakeholders named) by e-mail and webhook. Each delivery first passes the disclosure control with the stakeholder as recipient: beyond their clearance it is withheld, under an embargo not naming them it is held until the date. Every delivery is recorded and returned; a briefing is on the timeline." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, triage,
		func(ctx context.Context, in *notificationInput) (*deliveriesOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			n, err := s.notifier()
			if err != nil {
				return nil, err
			}
			b := in.Body
			m := notify.Message{Kind: incident.MessageKind(b.Kind), Text: b.Text, To: b.To}
			if b.TLP != "" || b.Embargo != nil {
				m.Marking = &incident.Marking{TLP: incident.Clear}
				if b.TLP != "" {
					if m.Marking.TLP, err = incident.ParseTLP(b.TLP); err != nil {
						return nil, huma.Error422UnprocessableEntity("tlp: " + err.Error())
					}
				}
				if e := b.Embargo; e != nil {
					until, err := parseTime("embargo.until", e.Until)
					if err != nil {
						return nil, err
					}
					m.Marking.Embargo = &incident.Embargo{Until: until, Reason: e.Reason, Recipients: e.Recipients}
				}
			}
			ds, err := n.Send(ctx, in.ID, m, who(ctx).User.Name)
			if err != nil {
				return nil, incidentError(err)
			}
			return deliveries(ds), nil
		})
	op(s, api, huma.Operation{OperationID: "escalate-incident", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/escalations", Tags: tags,
		Summary: "Take the levels of the incident's escalation path that are due now and not yet taken (vmc also does this every minute); returns the deliveries sent." + clearanceDoc}, triage,
		func(ctx context.Context, in *incidentIDInput) (*deliveriesOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			n, err := s.notifier()
			if err != nil {
				return nil, err
			}
			ds, err := n.Escalate(ctx, in.ID, who(ctx).User.Name)
			if err != nil {
				return nil, incidentError(err)
			}
			return deliveries(ds), nil
		})
	op(s, api, huma.Operation{OperationID: "acknowledge-incident", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/acknowledgements", Tags: tags,
		Summary:       "Acknowledge an incident: you have taken it up, and escalation levels waiting for an acknowledgement are not taken (on the timeline, audited)." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, triage,
		func(ctx context.Context, in *ackInput) (*ackOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			a, err := s.Store.Acknowledge(ctx, incident.Ack{Incident: in.ID, By: who(ctx).User.Name, Note: strings.TrimSpace(in.Body.Note)})
			if err != nil {
				return nil, incidentError(err)
			}
			return &ackOutput{Body: a}, nil
		})
	op(s, api, huma.Operation{OperationID: "list-incident-deliveries", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/deliveries", Tags: tags,
		Summary: "Every message to the incident's stakeholders and what became of it (sent, failed, held, withheld, cancelled; why; attempts), oldest first, and how many stakeholders were informed. The text of a message whose own marking is beyond you is left out." + clearanceDoc}, read,
		func(ctx context.Context, in *incidentIDInput) (*deliveriesOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			ds, err := s.Store.ListDeliveries(ctx, store.DeliveryQuery{Incident: in.ID})
			if err != nil {
				return nil, err
			}
			// A message narrower than its incident keeps its words from
			// a caller its own marking does not release them to; that
			// it was sent, to whom, stays on the record.
			for i, d := range ds {
				if d.Marking != nil && incident.Release(*d.Marking, incident.ChannelAPI, recipient(ctx), s.now()) != nil {
					ds[i].Text = ""
				}
			}
			informed, err := s.Store.Informed(ctx, store.InformedQuery{Incident: in.ID})
			if err != nil {
				return nil, err
			}
			out := deliveries(ds)
			if len(informed) == 1 {
				out.Body.Informed = &informed[0]
			}
			return out, nil
		})

	// The organisation's default tree.
	tags = []string{"communication tree"}
	op(s, api, huma.Operation{OperationID: "list-default-stakeholders", Method: http.MethodGet, Path: "/api/v1/communication-tree/stakeholders", Tags: tags,
		Summary: "The organisation's default communication tree, copied onto every new incident."}, read,
		func(ctx context.Context, _ *struct{}) (*stakeholderListOutput, error) {
			return s.listStakeholders(ctx, 0)
		})
	op(s, api, huma.Operation{OperationID: "add-default-stakeholder", Method: http.MethodPost, Path: "/api/v1/communication-tree/stakeholders", Tags: tags,
		Summary:       "Add a stakeholder to the default tree (audited); a webhook's signing secret is in this response only.",
		DefaultStatus: http.StatusCreated}, policy,
		func(ctx context.Context, in *defaultStakeholderPostInput) (*stakeholderOutput, error) {
			st, err := stakeholderFrom(in.Body, incident.Stakeholder{})
			if err != nil {
				return nil, err
			}
			return s.putStakeholder(ctx, st, false, false)
		})
	op(s, api, huma.Operation{OperationID: "put-default-stakeholder", Method: http.MethodPut, Path: "/api/v1/communication-tree/stakeholders/{stakeholder}", Tags: tags,
		Summary: "Change a stakeholder of the default tree (audited); incidents already reported keep their copy."}, policy,
		func(ctx context.Context, in *defaultStakeholderPutInput) (*stakeholderOutput, error) {
			return s.changeStakeholder(ctx, 0, in.Stakeholder, in.Body)
		})
	op(s, api, huma.Operation{OperationID: "delete-default-stakeholder", Method: http.MethodDelete, Path: "/api/v1/communication-tree/stakeholders/{stakeholder}", Tags: tags,
		Summary: "Remove a stakeholder from the default tree; not while its escalation path names them.", DefaultStatus: http.StatusNoContent}, policy,
		func(ctx context.Context, in *defaultStakeholderIDInput) (*struct{}, error) {
			return nil, s.removeStakeholder(ctx, 0, in.Stakeholder)
		})
	op(s, api, huma.Operation{OperationID: "get-default-escalation", Method: http.MethodGet, Path: "/api/v1/communication-tree/escalation", Tags: tags,
		Summary: "The default escalation path, copied onto every new incident."}, read,
		func(ctx context.Context, _ *struct{}) (*escalationOutput, error) {
			e, err := s.Store.Escalation(ctx, 0)
			return &escalationOutput{Body: e}, err
		})
	op(s, api, huma.Operation{OperationID: "put-default-escalation", Method: http.MethodPut, Path: "/api/v1/communication-tree/escalation", Tags: tags,
		Summary: "Replace the default escalation path (audited); every name must be a stakeholder of the default tree."}, policy,
		func(ctx context.Context, in *defaultEscalationPutInput) (*escalationOutput, error) {
			return s.putEscalation(ctx, 0, in.Body)
		})
}
