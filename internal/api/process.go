package api

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/store"
)

// The incident response process and its people over the API: playbooks,
// the roster, trainings, briefings and process reviews (package
// incident/process), and on incidents the playbook followed and the
// impact. Who may do what:
//   - reading the process is process.read (admin, analyst, auditor);
//   - recording and changing it is process.write (admin, analyst);
//   - the review schedule is policy (policy.write, admin);
//   - following a playbook and recording an impact are incident work,
//     finding.triage like the incidents' other writes, and pass the
//     incident's disclosure control (visibleIncident).
//
// Invalid process records (process.ErrInvalid) are 422 by the problem
// mapping (classify), which puts the localised sentence for them first;
// invalid incident input (incident.ErrInvalid) by incidentError.

type playbookListOutput struct {
	Body struct {
		Items []process.Playbook `json:"items"`
	}
}

type playbookImportInput struct {
	RawBody []byte `contentType:"application/yaml"`
}

type playbookImportOutput struct {
	Status int
	Body   struct {
		Playbook process.Playbook `json:"playbook"`
		// Unchanged says the document said what the latest version says:
		// no version was made.
		Unchanged bool `json:"unchanged"`
	}
}

type playbookKeyInput struct {
	Key string `path:"key" maxLength:"64"`
}

type playbookOutput struct {
	Body struct {
		Latest process.Playbook `json:"latest"`
		// Versions are every version, oldest first, without their steps.
		Versions []playbookVersion `json:"versions"`
	}
}

// playbookVersion is a version in a playbook's history.
type playbookVersion struct {
	Version   int       `json:"version"`
	Note      string    `json:"note,omitempty"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
	Steps     int       `json:"steps"`
}

type playbookVersionInput struct {
	Key     string `path:"key" maxLength:"64"`
	Version int    `path:"version" minimum:"1"`
}

type playbookVersionOutput struct{ Body process.Playbook }

type playbookDocumentInput struct {
	Key     string `path:"key" maxLength:"64"`
	Version int    `path:"version" minimum:"1"`
	Format  string `query:"format" enum:"yaml,json" default:"yaml"`
}

type playbookDocumentOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type followInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Key     string `json:"key" minLength:"1" maxLength:"64" doc:"the playbook's key"`
		Version int    `json:"version,omitempty" minimum:"0" doc:"the version; the latest by default"`
		Tasks   bool   `json:"tasks,omitempty" doc:"add the response tasks of the steps, each owned by the roster's member in the step's role"`
		Lang    string `json:"lang,omitempty" enum:"en,zh-CN" doc:"the language of the tasks' titles; en by default"`
	}
}

// followView is an incident view (see incidentView) with the tasks a
// call added.
type followView struct {
	Incident   incident.Incident `json:"incident"`
	NextStates []incident.State  `json:"next_states"`
	Timeline   []incident.Event  `json:"timeline"`
	Tasks      []incident.Task   `json:"tasks"`
	Added      []incident.Task   `json:"added"`
}

type followOutput struct{ Body followView }

type impactInput struct {
	ID   int64 `path:"id"`
	Body struct {
		incident.Impact
		Projects *[]string `json:"projects,omitempty" maxItems:"1000" doc:"the projects affected; absent keeps them"`
		Reason   string    `json:"reason,omitempty" maxLength:"2000" doc:"where the figures come from"`
	}
}

type memberListInput struct {
	Active string `query:"active" format:"date" doc:"only members on the team on that day"`
	Role   string `query:"role" maxLength:"64" doc:"only members in this role"`
}

type memberListOutput struct {
	Body struct {
		Items []process.Member `json:"items"`
	}
}

type memberBody struct {
	Name         string `json:"name,omitempty" maxLength:"200" doc:"how the team knows them; a user's display name by default"`
	User         string `json:"user,omitempty" maxLength:"200" doc:"their vmc user name; absent for an external person"`
	Organisation string `json:"organisation,omitempty" maxLength:"200" doc:"whom an external person works for"`
	Role         string `json:"role" minLength:"1" maxLength:"64" doc:"their role in the team: incident-commander, incident-handler, communications, ..."`
	Contact      string `json:"contact,omitempty" maxLength:"200" doc:"how to reach them during an incident"`
	Team         string `json:"team,omitempty" maxLength:"200" doc:"the team or project they belong to"`
	From         string `json:"from" format:"date" doc:"their first day on the team"`
	To           string `json:"to,omitempty" format:"date" doc:"their last day on the team"`
}

func (b memberBody) member() (process.Member, error) {
	m := process.Member{Name: b.Name, User: b.User, Organisation: b.Organisation, Role: process.Role(b.Role), Contact: b.Contact, Team: b.Team}
	var err error
	if m.From, err = parseDay("from", b.From); err != nil {
		return m, err
	}
	m.To, err = parseDay("to", b.To)
	return m, err
}

type memberPostInput struct {
	Body memberBody
}

type memberPutInput struct {
	ID   int64 `path:"id"`
	Body memberBody
}

type memberIDInput struct {
	ID int64 `path:"id"`
}

type memberOutput struct{ Body process.Member }

type memberDetailOutput struct {
	Body struct {
		Member    process.Member     `json:"member"`
		Trainings []process.Training `json:"trainings"`
	}
}

type trainingListInput struct {
	Member int64 `query:"member" minimum:"0" doc:"only this member's trainings"`
}

type trainingListOutput struct {
	Body struct {
		Items []process.Training `json:"items"`
	}
}

type trainingPostInput struct {
	Body struct {
		Member   int64  `json:"member" minimum:"1"`
		Playbook string `json:"playbook" minLength:"1" maxLength:"64" doc:"the playbook's key"`
		Version  int    `json:"version" minimum:"1" doc:"the version trained on"`
		On       string `json:"on" format:"date" doc:"the day of the training"`
		Trainer  string `json:"trainer,omitempty" maxLength:"200" doc:"who gave it; you by default"`
		Note     string `json:"note,omitempty" maxLength:"16384"`
	}
}

type trainingOutput struct{ Body process.Training }

type trainingDueInput struct {
	EveryMonths int    `query:"every_months" minimum:"0" maximum:"24" doc:"how long a training lasts; 12 by default"`
	GraceDays   int    `query:"grace_days" minimum:"0" maximum:"365" doc:"days to be trained on a new version or after joining; 30 by default"`
	State       string `query:"state" enum:"current,due,overdue" doc:"only obligations in this state"`
}

// trainingObligation is a process.Obligation with its reason spelt out.
type trainingObligation struct {
	process.Obligation
	Reason string `json:"reason"`
}

type trainingDueOutput struct {
	Body struct {
		Policy process.TrainingPolicy `json:"policy"`
		At     time.Time              `json:"at"`
		Items  []trainingObligation   `json:"items"`
	}
}

type briefingListInput struct {
	From string `query:"from" format:"date" doc:"held on or after this day"`
	To   string `query:"to" format:"date" doc:"held before this day"`
	Team string `query:"team" maxLength:"200" doc:"only briefings of this audience"`
}

type briefingListOutput struct {
	Body struct {
		Items []process.Briefing `json:"items"`
	}
}

type briefingPostInput struct {
	Body struct {
		At        string   `json:"at" format:"date-time" doc:"when it was held"`
		Team      string   `json:"team" minLength:"1" maxLength:"200" doc:"the audience: a team or project"`
		Playbook  string   `json:"playbook,omitempty" maxLength:"64" doc:"the playbook presented, by key"`
		Version   int      `json:"version,omitempty" minimum:"0" doc:"its version; the latest by default"`
		Attendees []string `json:"attendees,omitempty" maxItems:"500"`
		Notes     string   `json:"notes,omitempty" maxLength:"16384"`
		By        string   `json:"by,omitempty" maxLength:"200" doc:"who gave it; you by default"`
	}
}

type briefingOutput struct{ Body process.Briefing }

type coverageInput struct {
	From string `query:"from" format:"date" doc:"the window's first day; six months before to by default"`
	To   string `query:"to" format:"date" doc:"the day after the window; today by default (the window then ends now)"`
}

type coverageOutput struct{ Body process.Coverage }

type reviewListOutput struct {
	Body struct {
		Due   process.ReviewDue `json:"due"`
		Items []process.Review  `json:"items"`
	}
}

type reviewPostInput struct {
	Body struct {
		On           string   `json:"on" format:"date" doc:"the day it was held"`
		Participants []string `json:"participants" minItems:"1" maxItems:"100"`
		Findings     string   `json:"findings" minLength:"1" maxLength:"16384"`
		Decisions    string   `json:"decisions" minLength:"1" maxLength:"16384"`
	}
}

type reviewOutput struct{ Body process.Review }

type scheduleOutput struct{ Body process.ReviewDue }

type schedulePutInput struct {
	Body struct {
		EveryMonths int    `json:"every_months" doc:"the longest time between two reviews, 1 to 6 months"`
		Start       string `json:"start,omitempty" format:"date" doc:"the day the schedule began"`
	}
}

func (s *Server) registerProcess(api huma.API) {
	tags := []string{"process"}
	read, write := string(auth.ProcessRead), string(auth.ProcessWrite)

	op(s, api, huma.Operation{OperationID: "list-playbooks", Method: http.MethodGet, Path: "/api/v1/playbooks", Tags: tags,
		Summary: "Response playbooks, the latest version of each, by key"}, read,
		func(ctx context.Context, _ *emptyInput) (*playbookListOutput, error) {
			ps, err := s.Store.ListPlaybooks(ctx)
			out := &playbookListOutput{}
			out.Body.Items = orEmptyList(ps)
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "put-playbook", Method: http.MethodPost, Path: "/api/v1/playbooks", Tags: tags,
		Summary: "Import a playbook document (YAML, or JSON when it starts with {; at most 256 KiB) as the next version of its key (audited). " +
			"A document that says what the latest version says makes none: 200 with unchanged. Errors name the field or line.",
		MaxBodyBytes: process.MaxDocument, DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *playbookImportInput) (*playbookImportOutput, error) {
			p, err := process.ParsePlaybook(in.RawBody)
			if err != nil {
				return nil, incidentError(err)
			}
			before, err := s.Store.Playbook(ctx, p.Key, 0)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			stored, err := s.Store.PutPlaybook(ctx, p, who(ctx).User.Name)
			if err != nil {
				return nil, incidentError(err)
			}
			out := &playbookImportOutput{Status: http.StatusCreated}
			out.Body.Playbook = stored
			if before.Version == stored.Version {
				out.Status, out.Body.Unchanged = http.StatusOK, true
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-playbook", Method: http.MethodGet, Path: "/api/v1/playbooks/{key}", Tags: tags,
		Summary: "A playbook's latest version and its history"}, read,
		func(ctx context.Context, in *playbookKeyInput) (*playbookOutput, error) {
			vs, err := s.Store.PlaybookVersions(ctx, in.Key)
			if err != nil {
				return nil, err
			}
			out := &playbookOutput{}
			out.Body.Latest = vs[len(vs)-1]
			for _, v := range vs {
				out.Body.Versions = append(out.Body.Versions, playbookVersion{Version: v.Version, Note: v.Note, Created: v.Created, CreatedBy: v.CreatedBy, Steps: len(v.Steps)})
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-playbook-version", Method: http.MethodGet, Path: "/api/v1/playbooks/{key}/versions/{version}", Tags: tags,
		Summary: "One version of a playbook, as it was made"}, read,
		func(ctx context.Context, in *playbookVersionInput) (*playbookVersionOutput, error) {
			p, err := s.Store.Playbook(ctx, in.Key, in.Version)
			return &playbookVersionOutput{Body: p}, err
		})
	op(s, api, huma.Operation{OperationID: "export-playbook", Method: http.MethodGet, Path: "/api/v1/playbooks/{key}/versions/{version}/document", Tags: tags,
		Summary: "One version of a playbook as a document to keep or import elsewhere, YAML or JSON",
		Responses: map[string]*huma.Response{"200": {Description: "the document", Content: map[string]*huma.MediaType{
			"application/yaml": {}, "application/json": {}}}}}, read,
		func(ctx context.Context, in *playbookDocumentInput) (*playbookDocumentOutput, error) {
			p, err := s.Store.Playbook(ctx, in.Key, in.Version)
			if err != nil {
				return nil, err
			}
			f, err := process.ParseFormat(in.Format)
			if err != nil {
				return nil, huma.Error400BadRequest("format: " + err.Error())
			}
			b, err := process.EncodePlaybook(p, f)
			if err != nil {
				return nil, err
			}
			name := fmt.Sprintf("%s-v%d.%s", p.Key, p.Version, f)
			return &playbookDocumentOutput{ContentType: "application/" + string(f) + "; charset=utf-8",
				ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": name}), Body: b}, nil
		})

	op(s, api, huma.Operation{OperationID: "follow-playbook", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/playbook", Tags: []string{"incidents"},
		Summary: "Record the playbook version an incident follows (on its timeline, audited), and add the response tasks of its steps if asked; steps whose task the incident has are skipped." + clearanceDoc},
		string(auth.FindingTriage),
		func(ctx context.Context, in *followInput) (*followOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			b := in.Body
			x, added, err := s.Store.FollowPlaybook(ctx, in.ID, store.Follow{Playbook: incident.PlaybookRef{Key: b.Key, Version: b.Version}, Tasks: b.Tasks, Lang: b.Lang},
				who(ctx).User.Name)
			if err != nil {
				return nil, incidentError(err)
			}
			v, err := s.incidentView(ctx, x)
			return &followOutput{Body: followView{Incident: v.Incident, NextStates: v.NextStates, Timeline: v.Timeline, Tasks: v.Tasks, Added: orEmptyList(added)}}, err
		})
	op(s, api, huma.Operation{OperationID: "set-incident-impact", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/impact", Tags: []string{"incidents"},
		Summary: "Record an incident's impact for the metrics, replacing the one recorded: downtime, direct cost, person-hours, estimated long-term cost; and the projects affected, when given (on its timeline, audited)." + clearanceDoc},
		string(auth.FindingTriage),
		func(ctx context.Context, in *impactInput) (*incidentOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			var projects []string
			if in.Body.Projects != nil {
				projects = append([]string{}, *in.Body.Projects...)
			}
			x, err := s.Store.SetImpact(ctx, in.ID, in.Body.Impact, projects, who(ctx).User.Name, in.Body.Reason)
			if err != nil {
				return nil, incidentError(err)
			}
			v, err := s.incidentView(ctx, x)
			return &incidentOutput{Body: v}, err
		})

	op(s, api, huma.Operation{OperationID: "list-roster", Method: http.MethodGet, Path: "/api/v1/roster", Tags: tags,
		Summary: "The response team roster, by name"}, read,
		func(ctx context.Context, in *memberListInput) (*memberListOutput, error) {
			active, err := parseDay("active", in.Active)
			if err != nil {
				return nil, err
			}
			ms, err := s.Store.ListMembers(ctx, store.MemberQuery{ActiveOn: active, Role: process.Role(in.Role)})
			out := &memberListOutput{}
			out.Body.Items = orEmptyList(ms)
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "add-roster-member", Method: http.MethodPost, Path: "/api/v1/roster", Tags: tags,
		Summary: "Add a member to the response team: a vmc user or an external person (audited)", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *memberPostInput) (*memberOutput, error) {
			m, err := in.Body.member()
			if err != nil {
				return nil, err
			}
			m, err = s.Store.PutMember(ctx, m, who(ctx).User.Name)
			return &memberOutput{Body: m}, incidentError(err)
		})
	op(s, api, huma.Operation{OperationID: "get-roster-member", Method: http.MethodGet, Path: "/api/v1/roster/{id}", Tags: tags,
		Summary: "A member of the response team and their trainings"}, read,
		func(ctx context.Context, in *memberIDInput) (*memberDetailOutput, error) {
			m, err := s.Store.Member(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			ts, err := s.Store.ListTrainings(ctx, m.ID)
			out := &memberDetailOutput{}
			out.Body.Member, out.Body.Trainings = m, orEmptyList(ts)
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "put-roster-member", Method: http.MethodPut, Path: "/api/v1/roster/{id}", Tags: tags,
		Summary: "Change a member of the response team: their role, contact, or last day on the team (audited)"}, write,
		func(ctx context.Context, in *memberPutInput) (*memberOutput, error) {
			m, err := in.Body.member()
			if err != nil {
				return nil, err
			}
			m.ID = in.ID
			m, err = s.Store.PutMember(ctx, m, who(ctx).User.Name)
			return &memberOutput{Body: m}, incidentError(err)
		})

	op(s, api, huma.Operation{OperationID: "list-trainings", Method: http.MethodGet, Path: "/api/v1/trainings", Tags: tags,
		Summary: "Training records, oldest first"}, read,
		func(ctx context.Context, in *trainingListInput) (*trainingListOutput, error) {
			ts, err := s.Store.ListTrainings(ctx, in.Member)
			out := &trainingListOutput{}
			out.Body.Items = orEmptyList(ts)
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "add-training", Method: http.MethodPost, Path: "/api/v1/trainings", Tags: tags,
		Summary: "Record that a member was trained on a playbook version (audited; kept as recorded)", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *trainingPostInput) (*trainingOutput, error) {
			b := in.Body
			on, err := parseDay("on", b.On)
			if err != nil {
				return nil, err
			}
			t := process.Training{Member: b.Member, Playbook: incident.PlaybookRef{Key: b.Playbook, Version: b.Version}, On: on, Trainer: b.Trainer, Note: b.Note}
			if t.Trainer == "" {
				t.Trainer = who(ctx).User.Name
			}
			t, err = s.Store.AddTraining(ctx, t, who(ctx).User.Name)
			return &trainingOutput{Body: t}, incidentError(err)
		})
	op(s, api, huma.Operation{OperationID: "list-training-obligations", Method: http.MethodGet, Path: "/api/v1/trainings/due", Tags: tags,
		Summary: "Who must be trained on which playbook by when, and who is overdue: every member on the team, on the latest version of each playbook whose steps name their role"}, read,
		func(ctx context.Context, in *trainingDueInput) (*trainingDueOutput, error) {
			pol := process.DefaultTrainingPolicy
			if in.EveryMonths != 0 {
				pol.EveryMonths = in.EveryMonths
			}
			if in.GraceDays != 0 {
				pol.GraceDays = in.GraceDays
			}
			if err := pol.Validate(); err != nil {
				return nil, incidentError(err)
			}
			now := s.now()
			obs, err := store.TrainingObligations(ctx, s.Store, pol, now)
			if err != nil {
				return nil, err
			}
			out := &trainingDueOutput{}
			out.Body.Policy, out.Body.At, out.Body.Items = pol, now, []trainingObligation{}
			for _, o := range obs {
				if in.State == "" || string(o.State) == in.State {
					out.Body.Items = append(out.Body.Items, trainingObligation{Obligation: o, Reason: o.Reason()})
				}
			}
			return out, nil
		})

	op(s, api, huma.Operation{OperationID: "list-briefings", Method: http.MethodGet, Path: "/api/v1/briefings", Tags: tags,
		Summary: "Stakeholder briefings on the process, oldest first"}, read,
		func(ctx context.Context, in *briefingListInput) (*briefingListOutput, error) {
			q := store.BriefingQuery{Team: in.Team}
			var err error
			if q.From, err = parseDay("from", in.From); err != nil {
				return nil, err
			}
			if q.To, err = parseDay("to", in.To); err != nil {
				return nil, err
			}
			bs, err := s.Store.ListBriefings(ctx, q)
			out := &briefingListOutput{}
			out.Body.Items = orEmptyList(bs)
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "add-briefing", Method: http.MethodPost, Path: "/api/v1/briefings", Tags: tags,
		Summary: "Record a briefing of a team or project on the process (audited; kept as recorded)", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *briefingPostInput) (*briefingOutput, error) {
			b := in.Body
			at, err := parseTime("at", b.At)
			if err != nil {
				return nil, err
			}
			x := process.Briefing{At: at, Team: b.Team, Attendees: b.Attendees, Notes: b.Notes, By: b.By}
			if x.By == "" {
				x.By = who(ctx).User.Name
			}
			switch {
			case b.Playbook != "":
				x.Playbook = &incident.PlaybookRef{Key: b.Playbook, Version: b.Version}
			case b.Version != 0:
				return nil, huma.Error422UnprocessableEntity("version: given without a playbook")
			}
			x, err = s.Store.AddBriefing(ctx, x, who(ctx).User.Name)
			return &briefingOutput{Body: x}, incidentError(err)
		})
	op(s, api, huma.Operation{OperationID: "get-briefing-coverage", Method: http.MethodGet, Path: "/api/v1/briefings/coverage", Tags: tags,
		Summary: "Which teams were briefed on the process within a window (the last six months by default), and the share of all teams: SAMM VM2's metric"}, read,
		func(ctx context.Context, in *coverageInput) (*coverageOutput, error) {
			from, err := parseDay("from", in.From)
			if err != nil {
				return nil, err
			}
			to, err := parseDay("to", in.To)
			if err != nil {
				return nil, err
			}
			if to.IsZero() {
				to = s.now()
			}
			if from.IsZero() {
				from = to.AddDate(0, -6, 0)
			}
			if !from.Before(to) {
				return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("from: %s is not before to %s", from.Format(time.DateOnly), to.Format(time.DateOnly)))
			}
			c, err := s.Store.BriefingCoverage(ctx, from, to)
			return &coverageOutput{Body: c}, err
		})

	op(s, api, huma.Operation{OperationID: "list-process-reviews", Method: http.MethodGet, Path: "/api/v1/process-reviews", Tags: tags,
		Summary: "Periodic reviews of the incident response process, latest held first, and when the next is due"}, read,
		func(ctx context.Context, _ *emptyInput) (*reviewListOutput, error) {
			rs, err := s.Store.ListReviews(ctx)
			if err != nil {
				return nil, err
			}
			sch, err := s.Store.ReviewSchedule(ctx)
			if err != nil {
				return nil, err
			}
			out := &reviewListOutput{}
			out.Body.Items, out.Body.Due = orEmptyList(rs), process.NextReview(sch, rs, s.now())
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "add-process-review", Method: http.MethodPost, Path: "/api/v1/process-reviews", Tags: tags,
		Summary: "Record a periodic review of the process: when, who, findings, decisions (audited; kept as recorded)", DefaultStatus: http.StatusCreated}, write,
		func(ctx context.Context, in *reviewPostInput) (*reviewOutput, error) {
			b := in.Body
			on, err := parseDay("on", b.On)
			if err != nil {
				return nil, err
			}
			r, err := s.Store.AddReview(ctx, process.Review{On: on, Participants: b.Participants, Findings: b.Findings, Decisions: b.Decisions}, who(ctx).User.Name)
			return &reviewOutput{Body: r}, incidentError(err)
		})
	op(s, api, huma.Operation{OperationID: "get-process-review-schedule", Method: http.MethodGet, Path: "/api/v1/process-reviews/schedule", Tags: tags,
		Summary: "The review schedule (a review at least every six months) and when the next review is due"}, read,
		func(ctx context.Context, _ *emptyInput) (*scheduleOutput, error) {
			d, err := store.NextReview(ctx, s.Store, s.now())
			return &scheduleOutput{Body: d}, err
		})
	op(s, api, huma.Operation{OperationID: "put-process-review-schedule", Method: http.MethodPut, Path: "/api/v1/process-reviews/schedule", Tags: tags,
		Summary: "Set the review schedule: a review every 1 to 6 months (audited)"}, string(auth.PolicyWrite),
		func(ctx context.Context, in *schedulePutInput) (*scheduleOutput, error) {
			start, err := parseDay("start", in.Body.Start)
			if err != nil {
				return nil, err
			}
			if _, err := s.Store.PutReviewSchedule(ctx, process.Schedule{EveryMonths: in.Body.EveryMonths, Start: start}, who(ctx).User.Name); err != nil {
				return nil, incidentError(err)
			}
			d, err := store.NextReview(ctx, s.Store, s.now())
			return &scheduleOutput{Body: d}, err
		})
}

// orEmptyList returns xs, or an empty list for nil, so that a list is
// [] in JSON rather than null.
func orEmptyList[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return slices.Clip(xs)
}
