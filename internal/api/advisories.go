package api

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/formats"
	"github.com/vmc-dev/vmc/internal/store"
)

// Security patch releases over the API: patch records of incidents, and
// the advisories published about them. Who may do what:
//   - reading patches, advisories and the publishing settings, and
//     exporting an advisory as CSAF, OSV or CVE JSON 5, is finding.read;
//   - recording and describing patches, their tests and notifications,
//     and writing and finalising advisories, is finding.triage;
//   - approving a patch's change is finding.accept, and never by whoever
//     requested it (the store holds to that);
//   - putting an advisory on the public feed is advisory.publish;
//   - changing the publishing settings is policy.write.
//
// Disclosure control: patches are their incident's, and seen by whoever
// sees the incident (visibleIncident). An advisory carries its own
// marking; it passes incident.Release on the API channel for reads and
// writes and on the export channel for exports, with the caller as
// recipient, and one withheld is not found. The public feed and the
// public downloads ask Release on the feed channel for the public
// (incident.Public): an advisory under embargo or marked above
// TLP:CLEAR is absent from them, and appears once its embargo lifts.

const advisoryClearanceDoc = " Only advisories released to you are shown: your role's clearance must cover the advisory's label, and under embargo only its named recipients see it; others are not found."

// advisoryError maps the errors of advisories and patches to 422: input
// the domain refuses, a document a format cannot express or its
// validator refuses (the message names the test and the place, which the
// author can act on). Refused steps and moves are the problem mapping's.
func advisoryError(err error) error {
	switch {
	case errors.Is(err, incident.ErrInvalid), errors.Is(err, publish.ErrInvalid), errors.Is(err, publish.ErrSchema):
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return err
}

// visibleAdvisory returns the advisory known by id if it is released to
// the caller through ch; one withheld is not found.
func (s *Server) visibleAdvisory(ctx context.Context, id string, ch incident.Channel) (incident.Advisory, error) {
	a, err := s.Store.Advisory(ctx, id)
	if err != nil {
		return a, err
	}
	if incident.Release(a.Marking, ch, recipient(ctx), s.now()) != nil {
		return a, huma.Error404NotFound(fmt.Sprintf("advisory %q: %s", id, store.ErrNotFound))
	}
	return a, nil
}

// public reports whether the public feed carries a now, and why not.
func (s *Server) public(a incident.Advisory) (bool, string) {
	if a.State != incident.AdvisoryPublished {
		return false, "not published"
	}
	if err := incident.Release(a.Marking, incident.ChannelFeed, incident.Public, s.now()); err != nil {
		return false, err.Error()
	}
	return true, ""
}

type advisoryIDInput struct {
	ID string `path:"id" maxLength:"128"`
}

type advisoryListInput struct {
	Incident int64  `query:"incident" minimum:"0" doc:"only advisories of this incident"`
	State    string `query:"state" enum:"draft,final,published" doc:"only advisories in this state"`
}

type advisoryListOutput struct {
	Body struct {
		Items []incident.Advisory `json:"items"`
	}
}

// advisoryView is an advisory with what can be done with it.
type advisoryView struct {
	Advisory incident.Advisory `json:"advisory"`
	// Formats are the formats it can be written in; Unavailable says why
	// the others cannot.
	Formats     []string          `json:"formats"`
	Unavailable map[string]string `json:"unavailable,omitempty"`
	// Public says whether the public feed carries it now; Withheld why
	// not.
	Public   bool   `json:"public"`
	Withheld string `json:"withheld,omitempty"`
}

type advisoryOutput struct{ Body advisoryView }

func (s *Server) advisoryView(a incident.Advisory) advisoryView {
	v := advisoryView{Advisory: a, Formats: []string{}}
	avail, unavail, err := formats.Check(a.Document())
	if err != nil {
		unavail["csaf"] = err
	}
	v.Formats = append(v.Formats, avail...)
	if len(unavail) > 0 {
		v.Unavailable = map[string]string{}
		for f, e := range unavail {
			v.Unavailable[f] = e.Error()
		}
	}
	v.Public, v.Withheld = s.public(a)
	return v
}

// released checks that a changed advisory that is already released can
// still be written in every format it is published in, before the change
// is stored: a revision must not turn a published advisory into one the
// feed cannot serve.
func released(a incident.Advisory, by, summary string, at time.Time) error {
	if a.State == incident.AdvisoryDraft {
		return nil
	}
	next, err := a.Changed(by, summary, at)
	if err != nil {
		return err
	}
	if err := next.Validate(); err != nil {
		return err
	}
	_, _, err = formats.CheckRelease(next.Document())
	return err
}

type markingBody struct {
	TLP     string       `json:"tlp" minLength:"1" maxLength:"20" doc:"a TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED"`
	Embargo *embargoBody `json:"embargo,omitempty"`
}

// marking reads a marking from a request body; nil is none given.
func (b *markingBody) marking() (incident.Marking, error) {
	var m incident.Marking
	if b == nil {
		return m, nil
	}
	var err error
	if m.TLP, err = incident.ParseTLP(b.TLP); err != nil {
		return m, huma.Error422UnprocessableEntity("marking.tlp: " + err.Error())
	}
	if e := b.Embargo; e != nil {
		until, err := parseTime("marking.embargo.until", e.Until)
		if err != nil {
			return m, err
		}
		m.Embargo = &incident.Embargo{Until: until, Reason: e.Reason, Recipients: e.Recipients}
	}
	if err := m.Validate(); err != nil {
		return m, huma.Error422UnprocessableEntity("marking: " + err.Error())
	}
	return m, nil
}

type advisoryCreateInput struct {
	ID   int64 `path:"id" doc:"the incident"`
	Body struct {
		CVE string `json:"cve,omitempty" maxLength:"32" doc:"the CVE id, if one is assigned"`
		// ByCVE names the advisory by its CVE alone.
		ByCVE   bool                     `json:"by_cve,omitempty" doc:"known by its CVE alone, without an id of vmc's"`
		Content incident.AdvisoryContent `json:"content"`
		Marking *markingBody             `json:"marking,omitempty" doc:"the incident's marking by default"`
	}
}

type advisoryUpdateInput struct {
	ID   string `path:"id" maxLength:"128"`
	Body struct {
		CVE     string                   `json:"cve,omitempty" maxLength:"32"`
		Content incident.AdvisoryContent `json:"content"`
		Marking *markingBody             `json:"marking,omitempty" doc:"unchanged when absent"`
		Summary string                   `json:"summary,omitempty" maxLength:"500" doc:"what changed: required once the advisory is final, and its next revision's summary"`
	}
}

type advisoryMoveInput struct {
	ID   string `path:"id" maxLength:"128"`
	Body *struct {
		Summary string `json:"summary,omitempty" maxLength:"500" doc:"the first revision's summary; Initial release by default"`
	}
}

type advisoryDocInput struct {
	ID     string `path:"id" maxLength:"128"`
	Format string `path:"format" enum:"csaf,osv,cve5,stix"`
}

type advisoryDocOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	NoSniff            string `header:"X-Content-Type-Options"`
	Body               []byte
}

// document writes a in format f.
func document(a incident.Advisory, f string) (*advisoryDocOutput, error) {
	format, err := formats.Get(f)
	if err != nil {
		return nil, huma.Error404NotFound(err.Error())
	}
	d := a.Document()
	b, err := format.Marshal(d)
	if err != nil {
		return nil, advisoryError(err)
	}
	return &advisoryDocOutput{ContentType: format.MediaType, NoSniff: "nosniff", Body: b,
		ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": format.FileName(d)})}, nil
}

// feedEntry is an advisory on the public feed.
type feedEntry struct {
	ID          string    `json:"id"`
	CVE         string    `json:"cve,omitempty"`
	Title       string    `json:"title"`
	Lang        string    `json:"lang"`
	Criticality string    `json:"criticality,omitempty"`
	Version     int       `json:"version"`
	Initial     time.Time `json:"initial_release"`
	Current     time.Time `json:"current_release"`
	// Documents are the advisory's documents, by format name: the
	// addresses of the public downloads.
	Documents map[string]string `json:"documents"`
}

type feedOutput struct {
	Body struct {
		Items []feedEntry `json:"items"`
	}
}

type criticalityInfo struct {
	Category incident.PatchCriticality `json:"category"`
	Name     string                    `json:"name"`
	Meaning  string                    `json:"meaning"`
}

type criticalitiesOutput struct {
	Body struct {
		Items []criticalityInfo `json:"items"`
	}
}

type settingsOutput struct{ Body incident.AdvisorySettings }

type settingsInput struct{ Body incident.AdvisorySettings }

func (s *Server) registerAdvisories(api huma.API) {
	tags := []string{"advisories"}
	op(s, api, huma.Operation{OperationID: "list-published-advisories", Method: http.MethodGet, Path: "/api/v1/advisories/published", Tags: tags,
		Summary: "The public advisory feed: published advisories the public may read now — TLP:CLEAR and no embargo left — newest first, with the addresses of their CSAF, OSV and CVE JSON 5 documents. No sign-in."},
		Public, func(ctx context.Context, _ *struct{}) (*feedOutput, error) {
			list, err := s.Store.ListAdvisories(ctx, store.AdvisoryQuery{State: incident.AdvisoryPublished})
			if err != nil {
				return nil, err
			}
			out := &feedOutput{}
			out.Body.Items = []feedEntry{}
			for _, a := range list {
				if ok, _ := s.public(a); !ok {
					continue
				}
				d := a.Document()
				e := feedEntry{ID: a.ID, CVE: a.CVE, Title: a.Content.Title, Lang: a.Content.Lang, Version: len(a.Revisions),
					Initial: d.Initial(), Current: d.Current(), Documents: map[string]string{}}
				if a.Content.Criticality.IsValid() {
					e.Criticality = string(a.Content.Criticality)
				}
				for _, f := range formats.Available(d) {
					e.Documents[f] = "/api/v1/advisories/" + a.ID + "/" + f
				}
				out.Body.Items = append(out.Body.Items, e)
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-published-advisory-document", Method: http.MethodGet, Path: "/api/v1/advisories/{id}/{format}", Tags: tags,
		Summary: "A published advisory as CSAF 2.0, OSV, a CVE JSON 5.1 CNA container or a STIX 2.1 bundle, by its id or CVE. No sign-in; an advisory the public may not read now (not published, under embargo, above TLP:CLEAR) is not found."},
		Public, func(ctx context.Context, in *advisoryDocInput) (*advisoryDocOutput, error) {
			a, err := s.Store.Advisory(ctx, in.ID)
			if err == nil {
				if ok, _ := s.public(a); !ok {
					err = fmt.Errorf("advisory %q: %w", in.ID, store.ErrNotFound)
				}
			}
			if err != nil {
				return nil, err
			}
			return document(a, in.Format)
		})
	op(s, api, huma.Operation{OperationID: "list-criticalities", Method: http.MethodGet, Path: "/api/v1/advisories/criticalities", Tags: tags,
		Summary: "The criticality categories of patches and advisories, most urgent first, with what each means for operators and users, in the request's language. No sign-in."},
		Public, func(ctx context.Context, _ *struct{}) (*criticalitiesOutput, error) {
			out := &criticalitiesOutput{}
			lang := langOf(ctx)
			for _, c := range incident.Criticalities {
				out.Body.Items = append(out.Body.Items, criticalityInfo{Category: c, Name: c.Name(lang), Meaning: c.Meaning(lang)})
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-advisory-settings", Method: http.MethodGet, Path: "/api/v1/advisories/settings", Tags: tags,
		Summary: "How advisories are published: the publisher they carry and the prefix of vmc's advisory ids"}, string(auth.FindingRead),
		func(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
			st, err := s.Store.AdvisorySettings(ctx)
			return &settingsOutput{Body: st}, err
		})
	op(s, api, huma.Operation{OperationID: "put-advisory-settings", Method: http.MethodPut, Path: "/api/v1/advisories/settings", Tags: tags,
		Summary: "Change how advisories are published (audited); advisories already created keep their publisher"}, string(auth.PolicyWrite),
		func(ctx context.Context, in *settingsInput) (*settingsOutput, error) {
			if err := s.Store.PutAdvisorySettings(ctx, in.Body, who(ctx).User.Name); err != nil {
				return nil, advisoryError(err)
			}
			st, err := s.Store.AdvisorySettings(ctx)
			return &settingsOutput{Body: st}, err
		})
	op(s, api, huma.Operation{OperationID: "list-advisories", Method: http.MethodGet, Path: "/api/v1/advisories", Tags: tags,
		Summary: "Security advisories, newest first." + advisoryClearanceDoc}, string(auth.FindingRead),
		func(ctx context.Context, in *advisoryListInput) (*advisoryListOutput, error) {
			list, err := s.Store.ListAdvisories(ctx, store.AdvisoryQuery{Incident: in.Incident, State: incident.AdvisoryState(in.State)})
			if err != nil {
				return nil, err
			}
			out := &advisoryListOutput{}
			out.Body.Items = slices.DeleteFunc(list, func(a incident.Advisory) bool {
				return incident.Release(a.Marking, incident.ChannelAPI, recipient(ctx), s.now()) != nil
			})
			if out.Body.Items == nil {
				out.Body.Items = []incident.Advisory{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-advisory", Method: http.MethodGet, Path: "/api/v1/advisories/{id}", Tags: tags,
		Summary: "An advisory by its id or CVE, with the formats it can be written in and whether the public feed carries it." + advisoryClearanceDoc},
		string(auth.FindingRead),
		func(ctx context.Context, in *advisoryIDInput) (*advisoryOutput, error) {
			a, err := s.visibleAdvisory(ctx, in.ID, incident.ChannelAPI)
			if err != nil {
				return nil, err
			}
			return &advisoryOutput{Body: s.advisoryView(a)}, nil
		})
	op(s, api, huma.Operation{OperationID: "export-advisory", Method: http.MethodGet, Path: "/api/v1/advisories/{id}/export/{format}", Tags: tags,
		Summary: "An advisory in any state as CSAF 2.0, OSV, a CVE JSON 5.1 CNA container or a STIX 2.1 bundle (audited), at its detail level; a draft is version 0. For the coordinated-disclosure parties and for review: the export channel's disclosure control applies." + advisoryClearanceDoc},
		string(auth.FindingRead),
		func(ctx context.Context, in *advisoryDocInput) (*advisoryDocOutput, error) {
			a, err := s.visibleAdvisory(ctx, in.ID, incident.ChannelExport)
			if err != nil {
				return nil, err
			}
			out, err := document(a, in.Format)
			if err != nil {
				return nil, err
			}
			err = s.Store.Record(ctx, audit.Entry{Actor: who(ctx).User.Name, Action: "advisory.export", Object: "advisory:" + a.ID,
				Reason: fmt.Sprintf("%s, version %s, %s level", in.Format, a.Document().Version(), a.Content.Level)})
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "create-advisory", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/advisories", Tags: tags,
		Summary:       "Write a draft advisory for an incident (audited). vmc numbers it from the settings' prefix, unless it is known by its CVE alone; its marking is the incident's unless given.",
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *advisoryCreateInput) (*advisoryOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			b := in.Body
			m, err := b.Marking.marking()
			if err != nil {
				return nil, err
			}
			a := incident.Advisory{Incident: in.ID, CVE: strings.ToUpper(b.CVE), Content: b.Content, Marking: m}
			if b.ByCVE {
				if b.CVE == "" {
					return nil, huma.Error422UnprocessableEntity("by_cve: give the cve")
				}
				a.ID = a.CVE
			}
			if a, err = s.Store.CreateAdvisory(ctx, a, who(ctx).User.Name); err != nil {
				return nil, advisoryError(err)
			}
			return &advisoryOutput{Body: s.advisoryView(a)}, nil
		})
	op(s, api, huma.Operation{OperationID: "update-advisory", Method: http.MethodPut, Path: "/api/v1/advisories/{id}", Tags: tags,
		Summary: "Change an advisory's content, CVE or marking (audited). A draft changes as it is; a final or published advisory only with a summary, which becomes its next revision." + advisoryClearanceDoc},
		string(auth.FindingTriage),
		func(ctx context.Context, in *advisoryUpdateInput) (*advisoryOutput, error) {
			a, err := s.visibleAdvisory(ctx, in.ID, incident.ChannelAPI)
			if err != nil {
				return nil, err
			}
			b := in.Body
			m, err := b.Marking.marking()
			if err != nil {
				return nil, err
			}
			a.CVE, a.Content = strings.ToUpper(b.CVE), b.Content
			if b.Marking != nil {
				a.Marking = m
			}
			if err := released(a, who(ctx).User.Name, b.Summary, s.now()); err != nil {
				return nil, advisoryError(err)
			}
			if a, err = s.Store.UpdateAdvisory(ctx, a, who(ctx).User.Name, b.Summary); err != nil {
				return nil, advisoryError(err)
			}
			return &advisoryOutput{Body: s.advisoryView(a)}, nil
		})
	move := func(to incident.AdvisoryState) func(ctx context.Context, in *advisoryMoveInput) (*advisoryOutput, error) {
		return func(ctx context.Context, in *advisoryMoveInput) (*advisoryOutput, error) {
			a, err := s.visibleAdvisory(ctx, in.ID, incident.ChannelAPI)
			if err != nil {
				return nil, err
			}
			summary := ""
			if in.Body != nil {
				summary = in.Body.Summary
			}
			// What is released must write: the advisory as it will be
			// is written in every format first.
			next, err := a.Moved(to, who(ctx).User.Name, summary, s.now())
			if err != nil {
				return nil, advisoryError(err)
			}
			if _, _, err := formats.CheckRelease(next.Document()); err != nil {
				return nil, advisoryError(err)
			}
			if a, err = s.Store.MoveAdvisory(ctx, a.ID, to, who(ctx).User.Name, summary); err != nil {
				return nil, advisoryError(err)
			}
			return &advisoryOutput{Body: s.advisoryView(a)}, nil
		}
	}
	op(s, api, huma.Operation{OperationID: "finalise-advisory", Method: http.MethodPost, Path: "/api/v1/advisories/{id}/finalise", Tags: tags,
		Summary: "Finalise a draft advisory: its text approved and released as version 1 to whom its marking allows (audited, on the incident's timeline). Refused (422) while it is incomplete or a format it can be written in fails." + advisoryClearanceDoc},
		string(auth.FindingTriage), move(incident.AdvisoryFinal))
	op(s, api, huma.Operation{OperationID: "publish-advisory", Method: http.MethodPost, Path: "/api/v1/advisories/{id}/publish", Tags: tags,
		Summary: "Put a final advisory on the public feed (audited, on the incident's timeline). Only TLP:CLEAR advisories are published; one under embargo is held back from the feed until the embargo lifts." + advisoryClearanceDoc},
		string(auth.AdvisoryPublish), move(incident.AdvisoryPublished))
	s.registerPatches(api)
}

type patchBody struct {
	Product       string   `json:"product" minLength:"1" maxLength:"500" doc:"the product or component released fixed: a name or a package URL"`
	Component     string   `json:"component,omitempty" maxLength:"500"`
	FixedVersions []string `json:"fixed_versions" maxItems:"100"`
	Criticality   string   `json:"criticality" enum:"critical,important,moderate,low"`
	Owner         string   `json:"owner,omitempty" maxLength:"200" doc:"who drives the release; you by default"`
	ChangeTicket  string   `json:"change_ticket,omitempty" maxLength:"500" doc:"the change request it ships through"`
	Checklist     []string `json:"checklist,omitempty" maxItems:"100" doc:"the regression tests it must pass, one item each"`
	Advisory      string   `json:"advisory,omitempty" maxLength:"128" doc:"the advisory published about it"`
}

func (b patchBody) patch() incident.Patch {
	p := incident.Patch{Product: b.Product, Component: b.Component, FixedVersions: b.FixedVersions, Criticality: incident.PatchCriticality(b.Criticality),
		Owner: b.Owner, Change: incident.PatchChange{Ticket: b.ChangeTicket}, Advisory: b.Advisory}
	for _, item := range b.Checklist {
		p.Checklist = append(p.Checklist, incident.RegressionTest{Item: item})
	}
	return p
}

type patchCreateInput struct {
	ID   int64 `path:"id"`
	Body patchBody
}

type patchUpdateInput struct {
	ID    int64 `path:"id"`
	Patch int64 `path:"patch"`
	Body  patchBody
}

type patchStepInput struct {
	ID    int64 `path:"id"`
	Patch int64 `path:"patch"`
	Body  struct {
		Action string `json:"action" enum:"approve,check,uncheck,release,notify"`
		Item   int    `json:"item,omitempty" minimum:"0" maximum:"99" doc:"the checklist item, from 0, for check and uncheck"`
		State  string `json:"state,omitempty" enum:"notified,not_required" doc:"for notify"`
		Note   string `json:"note,omitempty" maxLength:"4096" doc:"notify: whom and how, or why nobody needs telling; approve: its conditions"`
	}
}

type patchListOutput struct {
	Body struct {
		Items []incident.Patch `json:"items"`
	}
}

type patchOutput struct{ Body incident.Patch }

// incidentPatch returns a patch of an incident the caller sees.
func (s *Server) incidentPatch(ctx context.Context, incidentID, id int64) (incident.Patch, error) {
	if _, err := s.visibleIncident(ctx, incidentID); err != nil {
		return incident.Patch{}, err
	}
	p, err := s.Store.Patch(ctx, id)
	if err != nil {
		return p, err
	}
	if p.Incident != incidentID {
		return p, huma.Error404NotFound(fmt.Sprintf("incident %d: patch %d: %s", incidentID, id, store.ErrNotFound))
	}
	return p, nil
}

func (s *Server) registerPatches(api huma.API) {
	tags := []string{"patches"}
	op(s, api, huma.Operation{OperationID: "list-patches", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/patches", Tags: tags,
		Summary: "An incident's security patches, oldest first: product, fixed versions, criticality, change and its approval, regression tests, release and operator notification." + clearanceDoc},
		string(auth.FindingRead),
		func(ctx context.Context, in *incidentIDInput) (*patchListOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			list, err := s.Store.ListPatches(ctx, in.ID)
			out := &patchListOutput{}
			out.Body.Items = list
			if out.Body.Items == nil {
				out.Body.Items = []incident.Patch{}
			}
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "create-patch", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/patches", Tags: tags,
		Summary:       "Record a security patch for an incident (audited, on the timeline), with a change task and a patch task beside it; you request its change." + clearanceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *patchCreateInput) (*patchOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			p := in.Body.patch()
			p.Incident = in.ID
			p, err := s.Store.PutPatch(ctx, p, who(ctx).User.Name)
			if err != nil {
				return nil, advisoryError(err)
			}
			return &patchOutput{Body: p}, nil
		})
	op(s, api, huma.Operation{OperationID: "update-patch", Method: http.MethodPut, Path: "/api/v1/incidents/{id}/patches/{patch}", Tags: tags,
		Summary: "Describe a patch again (audited, on the timeline): a test keeps its result while its item stays; a released patch keeps what was released, an approved change its ticket." + clearanceDoc},
		string(auth.FindingTriage),
		func(ctx context.Context, in *patchUpdateInput) (*patchOutput, error) {
			if _, err := s.incidentPatch(ctx, in.ID, in.Patch); err != nil {
				return nil, err
			}
			p := in.Body.patch()
			p.ID, p.Incident = in.Patch, in.ID
			p, err := s.Store.PutPatch(ctx, p, who(ctx).User.Name)
			if err != nil {
				return nil, advisoryError(err)
			}
			return &patchOutput{Body: p}, nil
		})
	op(s, api, huma.Operation{OperationID: "step-patch", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/patches/{patch}/steps", Tags: tags,
		Summary: "Take a step of a patch's release (audited, on the timeline): approve its change (finding.accept, and not by whoever requested it), check or uncheck a regression test, release it once approved and tested, record that operators were notified or need not be. A step its state does not allow is 422 saying why." + clearanceDoc},
		string(auth.FindingTriage),
		func(ctx context.Context, in *patchStepInput) (*patchOutput, error) {
			if _, err := s.incidentPatch(ctx, in.ID, in.Patch); err != nil {
				return nil, err
			}
			b := in.Body
			p := who(ctx)
			if b.Action == string(incident.PatchApprove) && !p.can(auth.FindingAccept, "") {
				return nil, forbid(p, auth.FindingAccept, fmt.Sprintf("the change of patch %d", in.Patch))
			}
			x, err := s.Store.ChangePatch(ctx, in.Patch, incident.PatchOp{Action: incident.PatchAction(b.Action), Item: b.Item,
				State: incident.NotifyState(b.State), Note: b.Note}, p.User.Name)
			if err != nil {
				return nil, advisoryError(err)
			}
			return &patchOutput{Body: x}, nil
		})
}
