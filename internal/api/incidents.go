package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/store"
)

// Security incidents over the API. Who may do what, with the permissions
// of the matrix (incidents add none of their own):
//   - reading incidents, their timelines and tasks is finding.read;
//   - reporting, moving, notes and tasks are finding.triage.
//
// Incidents belong to no team, so an owner's team-bound grants let them
// through the route's check and the disclosure control decides the rest.
//
// Disclosure control: every incident the API returns, in a list or on
// its own, first passes incident.Release on the API channel, with the
// caller as recipient: their user name (as an embargo's recipients name
// them) and the clearance of their role (Clearance). An incident withheld
// from the caller is left out of lists and is not found by id, on reads
// and writes alike, so that its existence does not leak; a 403 would say
// it is there.

// Clearance is the narrowest TLP label a caller with role r may receive
// through the API:
//
//	admin, analyst  RED           the incident response team
//	auditor         AMBER+STRICT  the organisation, not its clients
//	owner           AMBER         the organisation, on a need to know
//	reporter        CLEAR         outside the organisation: the public
//
// An unknown role is cleared for nothing (incident.TLP.Within allows no
// label for an unknown clearance): a role added later is closed until
// someone decides what it may see.
func Clearance(r auth.Role) incident.TLP {
	switch r {
	case auth.Admin, auth.Analyst:
		return incident.Red
	case auth.Auditor:
		return incident.AmberStrict
	case auth.Owner:
		return incident.Amber
	case auth.Reporter:
		return incident.Clear
	}
	return ""
}

// clearanceDoc is the mapping as the routes' summaries state it.
const clearanceDoc = " Only incidents released to you through the API are shown: your role's clearance (admin, analyst: TLP:RED; auditor: TLP:AMBER+STRICT; owner: TLP:AMBER; reporter: TLP:CLEAR) must cover the label, and under embargo only its named recipients see it; others are not found."

// recipient is the caller as the disclosure controls see them.
func recipient(ctx context.Context) incident.Recipient {
	u := who(ctx).User
	return incident.Recipient{Name: u.Name, Clearance: Clearance(u.Role)}
}

// released reports whether in may be returned to the caller now.
func (s *Server) released(ctx context.Context, in incident.Incident) bool {
	return incident.Release(in.Marking, incident.ChannelAPI, recipient(ctx), s.now()) == nil
}

// visibleIncident returns the incident if it is released to the caller;
// one withheld is not found, with the store's own words for a missing
// one.
func (s *Server) visibleIncident(ctx context.Context, id int64) (incident.Incident, error) {
	in, err := s.Store.Incident(ctx, id)
	if err != nil {
		return in, err
	}
	if !s.released(ctx, in) {
		return in, huma.Error404NotFound(fmt.Sprintf("incident %d: %s", id, store.ErrNotFound))
	}
	return in, nil
}

// incidentError maps the incident package's invalid input to 422; a
// refused move (incident.ErrTransition) and the store's errors are the
// problem mapping's.
func incidentError(err error) error {
	if errors.Is(err, incident.ErrInvalid) {
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return err
}

type incidentListInput struct {
	State    string `query:"state" enum:"reported,triaged,contained,eradicated,recovered,closed,reviewed" doc:"only incidents in this state"`
	Category string `query:"category" enum:"intrusion,exploitation,malware,data_breach,denial_service,phishing,insider,misconfiguration,other" doc:"only incidents of this category"`
	Severity string `query:"severity" enum:"low,medium,high,critical" doc:"only incidents of this severity"`
	Open     bool   `query:"open" doc:"only incidents still open: not closed, nor reviewed"`
}

type incidentListOutput struct {
	Body struct {
		Items []incident.Incident `json:"items"`
	}
}

type incidentIDInput struct {
	ID int64 `path:"id"`
}

type embargoBody struct {
	Until      string   `json:"until" format:"date-time" doc:"held back until then"`
	Reason     string   `json:"reason,omitempty" maxLength:"500"`
	Recipients []string `json:"recipients,omitempty" maxItems:"100" doc:"who may receive it during the embargo: user names, e-mail addresses"`
}

type incidentPostInput struct {
	Body struct {
		Title        string       `json:"title" minLength:"1" maxLength:"500"`
		Category     string       `json:"category" enum:"intrusion,exploitation,malware,data_breach,denial_service,phishing,insider,misconfiguration,other"`
		Severity     string       `json:"severity" enum:"low,medium,high,critical"`
		TLP          string       `json:"tlp" minLength:"1" maxLength:"20" doc:"a TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED"`
		Embargo      *embargoBody `json:"embargo,omitempty"`
		Assets       []string     `json:"assets,omitempty" maxItems:"1000"`
		Vulns        []string     `json:"vulns,omitempty" maxItems:"1000"`
		PersonalData bool         `json:"personal_data,omitempty" doc:"personal or sensitive data is involved"`
		Detected     string       `json:"detected" format:"date-time" doc:"when it was detected"`
	}
}

// incidentView is an incident with what the response has done about it.
type incidentView struct {
	Incident incident.Incident `json:"incident"`
	// NextStates are the states it may move to.
	NextStates []incident.State `json:"next_states"`
	// Timeline is oldest first.
	Timeline []incident.Event `json:"timeline"`
	Tasks    []incident.Task  `json:"tasks"`
}

type incidentOutput struct{ Body incidentView }

// incidentCreated is a reported incident. Incident is absent, and
// Withheld says why, when its marking keeps it from the reporter (an
// embargo that does not name them, a label beyond their clearance):
// reporting it does not make it theirs to read.
type incidentCreated struct {
	ID       int64              `json:"id"`
	Incident *incident.Incident `json:"incident,omitempty"`
	Withheld string             `json:"withheld,omitempty"`
}

type incidentCreatedOutput struct{ Body incidentCreated }

type incidentMoveInput struct {
	ID   int64 `path:"id"`
	Body struct {
		To     string `json:"to" enum:"reported,triaged,contained,eradicated,recovered,closed,reviewed"`
		Reason string `json:"reason,omitempty" maxLength:"16384"`
	}
}

type incidentNoteInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Text string `json:"text" minLength:"1" maxLength:"16384"`
		Kind string `json:"kind,omitempty" enum:"note,briefing,evidence,communication" doc:"note by default"`
	}
}

type eventOutput struct{ Body incident.Event }

type incidentTaskInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Title string `json:"title" minLength:"1" maxLength:"500"`
		Kind  string `json:"kind" enum:"containment,eradication,recovery,change,patch,communication,other"`
		Owner string `json:"owner,omitempty" maxLength:"200" doc:"who does it; you by default"`
		Due   string `json:"due,omitempty" format:"date" doc:"the day it should be done by"`
		Link  string `json:"link,omitempty" maxLength:"500" doc:"a finding (finding:42), a change ticket, a URL"`
	}
}

type incidentTaskDoneInput struct {
	ID   int64 `path:"id"`
	Task int64 `path:"task"`
}

type taskOutput struct{ Body incident.Task }

func (s *Server) incidentView(ctx context.Context, in incident.Incident) (incidentView, error) {
	v := incidentView{Incident: in, NextStates: in.State.Next()}
	var err error
	if v.Timeline, err = s.Store.Timeline(ctx, in.ID); err != nil {
		return v, err
	}
	if v.Tasks, err = s.Store.ListTasks(ctx, in.ID); err != nil {
		return v, err
	}
	if v.NextStates == nil {
		v.NextStates = []incident.State{}
	}
	if v.Timeline == nil {
		v.Timeline = []incident.Event{}
	}
	if v.Tasks == nil {
		v.Tasks = []incident.Task{}
	}
	return v, nil
}

// announceTimeout bounds one announcement: the notifier's own retries
// with their backoff fit in it several times over.
const announceTimeout = 5 * time.Minute

// announce tells an incident's communication tree that it was reported
// or moved, in the background: the response is not held up by a slow
// mail server. The notifier passes every message through the disclosure
// controls and records each delivery, sent, held or withheld, where the
// incident's deliveries list shows it; a failure to send is logged.
func (s *Server) announce(ctx context.Context, id int64, kind incident.MessageKind, text string) {
	if s.Notify == nil {
		return
	}
	actor := who(ctx).User.Name
	ctx = context.WithoutCancel(ctx)
	s.announcing.Go(func() {
		ctx, cancel := context.WithTimeout(ctx, announceTimeout)
		defer cancel()
		if _, err := s.Notify.Send(ctx, id, notify.Message{Kind: kind, Text: text}, actor); err != nil {
			s.Log.Error("incident announcement not sent", "incident", id, "kind", kind, "err", err)
		}
	})
}

func (s *Server) registerIncidents(api huma.API) {
	tags := []string{"incidents"}
	op(s, api, huma.Operation{OperationID: "list-incidents", Method: http.MethodGet, Path: "/api/v1/incidents", Tags: tags,
		Summary: "Security incidents, newest first." + clearanceDoc}, string(auth.FindingRead),
		func(ctx context.Context, in *incidentListInput) (*incidentListOutput, error) {
			q := store.IncidentQuery{State: incident.State(in.State), Category: incident.Category(in.Category),
				Severity: incident.Severity(in.Severity), Open: in.Open}
			list, err := s.Store.ListIncidents(ctx, q)
			if err != nil {
				return nil, err
			}
			out := &incidentListOutput{}
			out.Body.Items = slices.DeleteFunc(list, func(x incident.Incident) bool { return !s.released(ctx, x) })
			if out.Body.Items == nil {
				out.Body.Items = []incident.Incident{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-incident", Method: http.MethodGet, Path: "/api/v1/incidents/{id}", Tags: tags,
		Summary: "An incident, its timeline, its response tasks and the states it may move to." + clearanceDoc}, string(auth.FindingRead),
		func(ctx context.Context, in *incidentIDInput) (*incidentOutput, error) {
			x, err := s.visibleIncident(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			v, err := s.incidentView(ctx, x)
			return &incidentOutput{Body: v}, err
		})
	op(s, api, huma.Operation{OperationID: "report-incident", Method: http.MethodPost, Path: "/api/v1/incidents", Tags: tags,
		Summary:       "Report an incident; it starts reported (audited). The response holds the incident only if its marking releases it to you.",
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *incidentPostInput) (*incidentCreatedOutput, error) {
			b := in.Body
			x := incident.Incident{Title: b.Title, Category: incident.Category(b.Category), Severity: incident.Severity(b.Severity),
				State: incident.Reported, Assets: b.Assets, Vulns: b.Vulns, PersonalData: b.PersonalData}
			var err error
			if x.Marking.TLP, err = incident.ParseTLP(b.TLP); err != nil {
				return nil, huma.Error422UnprocessableEntity("tlp: " + err.Error())
			}
			if x.Detected, err = parseTime("detected", b.Detected); err != nil {
				return nil, err
			}
			if e := b.Embargo; e != nil {
				until, err := parseTime("embargo.until", e.Until)
				if err != nil {
					return nil, err
				}
				x.Marking.Embargo = &incident.Embargo{Until: until, Reason: e.Reason, Recipients: e.Recipients}
			}
			if err := x.Validate(); err != nil {
				return nil, incidentError(err)
			}
			if x, err = s.Store.PutIncident(ctx, x, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			s.announce(ctx, x.ID, incident.MessageNew, x.Title)
			out := &incidentCreatedOutput{Body: incidentCreated{ID: x.ID}}
			if err := incident.Release(x.Marking, incident.ChannelAPI, recipient(ctx), s.now()); err != nil {
				out.Body.Withheld = err.Error()
			} else {
				out.Body.Incident = &x
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "move-incident", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/moves", Tags: tags,
		Summary: "Move an incident through the response: reported → triaged → contained → eradicated → recovered → closed → reviewed, or back to triage (audited, on the timeline). A refused move is 422 naming the moves allowed." + clearanceDoc},
		string(auth.FindingTriage),
		func(ctx context.Context, in *incidentMoveInput) (*incidentOutput, error) {
			before, err := s.visibleIncident(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			reason := strings.TrimSpace(in.Body.Reason)
			x, err := s.Store.MoveIncident(ctx, in.ID, incident.State(in.Body.To), who(ctx).User.Name, reason)
			if err != nil {
				return nil, incidentError(err)
			}
			text := fmt.Sprintf("%s → %s", before.State, x.State)
			if reason != "" {
				text += ": " + reason
			}
			s.announce(ctx, x.ID, incident.MessageState, text)
			v, err := s.incidentView(ctx, x)
			return &incidentOutput{Body: v}, err
		})
	op(s, api, huma.Operation{OperationID: "add-incident-note", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/notes", Tags: tags,
		Summary:       "Add a note, briefing, evidence or communication entry to an incident's timeline, which is append-only." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *incidentNoteInput) (*eventOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			kind := incident.EventKind(in.Body.Kind)
			if kind == "" {
				kind = incident.EventNote
			}
			e, err := s.Store.AddEvent(ctx, in.ID, incident.Event{Incident: in.ID, Actor: who(ctx).User.Name, Kind: kind, Text: in.Body.Text})
			if err != nil {
				return nil, incidentError(err)
			}
			return &eventOutput{Body: e}, nil
		})
	op(s, api, huma.Operation{OperationID: "add-incident-task", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/tasks", Tags: tags,
		Summary:       "Add a response task to an incident (audited, on the timeline); an incident is not closed while a containment, eradication or recovery task is open." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *incidentTaskInput) (*taskOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			b := in.Body
			t := incident.Task{Incident: in.ID, Title: b.Title, Kind: incident.TaskKind(b.Kind), Owner: b.Owner, Link: b.Link}
			if t.Owner == "" {
				t.Owner = who(ctx).User.Name
			}
			if b.Due != "" {
				due, err := time.Parse(time.DateOnly, b.Due)
				if err != nil {
					return nil, huma.Error400BadRequest("due: not a YYYY-MM-DD day", err)
				}
				t.Due = due
			}
			t, err := s.Store.PutTask(ctx, t, who(ctx).User.Name)
			if err != nil {
				return nil, incidentError(err)
			}
			return &taskOutput{Body: t}, nil
		})
	op(s, api, huma.Operation{OperationID: "done-incident-task", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/tasks/{task}/done", Tags: tags,
		Summary: "Mark an incident's response task done, by you, now (audited, on the timeline)." + clearanceDoc}, string(auth.FindingTriage),
		func(ctx context.Context, in *incidentTaskDoneInput) (*taskOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			t, err := s.Store.Task(ctx, in.Task)
			if err != nil {
				return nil, err
			}
			if t.Incident != in.ID {
				return nil, huma.Error404NotFound(fmt.Sprintf("incident %d: task %d: %s", in.ID, in.Task, store.ErrNotFound))
			}
			if !t.Open() {
				return nil, huma.Error409Conflict(fmt.Sprintf("task %d: done on %s by %s", t.ID, t.Done.Format(time.RFC3339), t.DoneBy))
			}
			t.Done, t.DoneBy = s.now(), who(ctx).User.Name
			if t, err = s.Store.PutTask(ctx, t, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			return &taskOutput{Body: t}, nil
		})
}
