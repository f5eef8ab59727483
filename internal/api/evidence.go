package api

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// Incident evidence and its chain of custody over the API. Who may do
// what, with the permissions of the matrix (as for incidents):
//   - listing evidence, reading its description and custody log,
//     downloading it and exporting a bundle are finding.read;
//   - uploading evidence and recording a transfer are finding.triage.
//
// Disclosure control: a piece of evidence is shown, downloaded or
// exported only when both its incident and its own marking pass
// incident.Release on the API channel with the caller as recipient (see
// Clearance); one withheld is left out of lists and not found by id.
//
// Downloads and bundles are POST requests: each says why in its body and
// adds an entry to the evidence's chain of custody, so it is a change,
// and a browser session must send the CSRF token for it. A link another
// site makes a signed-in browser follow cannot put an access in the log.

// evidenceDoc says what the disclosure control does, for the routes'
// summaries.
const evidenceDoc = " Evidence is shown only when its incident and its own marking are released to you (as for incidents); other evidence is not found."

// visibleEvidence returns a piece of evidence on incident id if the
// incident and the evidence are released to the caller; anything else is
// not found.
func (s *Server) visibleEvidence(ctx context.Context, id, eid int64) (incident.Incident, incident.Evidence, error) {
	in, err := s.visibleIncident(ctx, id)
	if err != nil {
		return in, incident.Evidence{}, err
	}
	ev, err := s.Store.Evidence(ctx, eid)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return in, ev, err
	}
	if err != nil || ev.Incident != id || incident.Release(ev.Marking, incident.ChannelAPI, recipient(ctx), s.now()) != nil {
		return in, ev, evidenceNotFound(id, eid)
	}
	return in, ev, nil
}

// evidenceNotFound is the error for evidence that is not on the incident
// or not released to the caller: the same words either way.
func evidenceNotFound(id, eid int64) error {
	return huma.Error404NotFound(fmt.Sprintf("incident %d: evidence %d: %s", id, eid, store.ErrNotFound))
}

// releasedEvidence lists an incident's evidence released to the caller.
func (s *Server) releasedEvidence(ctx context.Context, id int64) ([]incident.Evidence, error) {
	evs, err := s.Store.ListEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	r, now := recipient(ctx), s.now()
	return slices.DeleteFunc(evs, func(ev incident.Evidence) bool {
		return incident.Release(ev.Marking, incident.ChannelAPI, r, now) != nil
	}), nil
}

// incidentEvidence is incident.Evidence under a name of its own in the
// API's schemas, where finding.Evidence has "Evidence".
type incidentEvidence incident.Evidence

func evidenceItems(evs []incident.Evidence) []incidentEvidence {
	out := make([]incidentEvidence, len(evs))
	for i, ev := range evs {
		out[i] = incidentEvidence(ev)
	}
	return out
}

type evidenceListOutput struct {
	Body struct {
		Items []incidentEvidence `json:"items"`
	}
}

// evidenceUploadInput describes an upload. The content is the raw
// request body, which huma does not read (the input has no Body): the
// handler streams it into the store, which takes its SHA-256 as it
// arrives and refuses it past incident.MaxEvidence, so that no upload is
// ever held in memory whole.
type evidenceUploadInput struct {
	ID          int64    `path:"id"`
	Name        string   `query:"name" required:"true" minLength:"1" maxLength:"255" doc:"the file's name, without a path"`
	Description string   `query:"description" maxLength:"65536" doc:"what it is and what it shows"`
	Source      string   `query:"source" maxLength:"1024" doc:"where it came from: a host, a system, a person"`
	Reason      string   `query:"reason" maxLength:"65536" doc:"why it was collected; the first entry of its chain of custody"`
	TLP         string   `query:"tlp" maxLength:"20" doc:"its TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED (the default: the incident team only)"`
	Until       string   `query:"embargo_until" format:"date-time" doc:"hold it back until then"`
	Why         string   `query:"embargo_reason" maxLength:"500" doc:"why it is under embargo"`
	Recipients  []string `query:"embargo_recipient" maxItems:"100" doc:"who may receive it during the embargo (repeat the parameter)"`
	ContentType string   `header:"Content-Type" doc:"the file's media type; application/octet-stream when absent"`

	body   io.Reader
	length string
}

// Resolve keeps the request's body and declared length for the handler.
func (in *evidenceUploadInput) Resolve(ctx huma.Context) []error {
	in.body, in.length = ctx.BodyReader(), ctx.Header("Content-Length")
	return nil
}

// evidenceMarking reads an upload's marking from its parameters; no
// label is TLP:RED.
func evidenceMarking(tlp, until, why string, recipients []string) (incident.Marking, error) {
	m := incident.Marking{TLP: incident.Red}
	if strings.TrimSpace(tlp) != "" {
		t, err := incident.ParseTLP(tlp)
		if err != nil {
			return m, huma.Error422UnprocessableEntity("tlp: " + err.Error())
		}
		m.TLP = t
	}
	if until == "" {
		if why != "" || len(recipients) > 0 {
			return m, huma.Error422UnprocessableEntity("embargo_reason, embargo_recipient: they need embargo_until")
		}
		return m, nil
	}
	t, err := parseTime("embargo_until", until)
	if err != nil {
		return m, err
	}
	m.Embargo = &incident.Embargo{Until: t, Reason: why, Recipients: recipients}
	return m, nil
}

// evidenceCreated is evidence taken in. Evidence is absent, and Withheld
// says why, when its marking keeps it from the uploader: collecting it
// does not make it theirs to read.
type evidenceCreated struct {
	ID       int64             `json:"id"`
	Evidence *incidentEvidence `json:"evidence,omitempty"`
	Withheld string            `json:"withheld,omitempty"`
}

type evidenceCreatedOutput struct{ Body evidenceCreated }

type evidenceIDInput struct {
	ID  int64 `path:"id"`
	EID int64 `path:"eid"`
}

// evidenceView is a piece of evidence and its chain of custody.
type evidenceView struct {
	Evidence incidentEvidence        `json:"evidence"`
	Custody  []incident.CustodyEvent `json:"custody" doc:"oldest first; the first entry is its collection"`
}

type evidenceOutput struct{ Body evidenceView }

type evidenceDownloadInput struct {
	ID   int64 `path:"id"`
	EID  int64 `path:"eid"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"65536" doc:"why you read it; kept in its chain of custody"`
	}
}

// evidenceContentOutput is a file served: evidence or a bundle.
type evidenceContentOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentLength      string `header:"Content-Length"`
	ContentDisposition string `header:"Content-Disposition"`
	NoSniff            string `header:"X-Content-Type-Options"`
	CSP                string `header:"Content-Security-Policy"`
	// ReprDigest is the content's SHA-256 as RFC 9530 writes it, so the
	// receiver can check what it got against what vmc took in.
	ReprDigest string `header:"Repr-Digest"`
	// ManifestSHA256 is a bundle's manifest hash, as its exported
	// custody entries record it.
	ManifestSHA256 string `header:"Vmc-Manifest-Sha256"`
	Body           func(huma.Context)
}

// serve sends content, verified by the store, and closes it.
func serve(rc io.ReadCloser) func(huma.Context) {
	return func(ctx huma.Context) {
		defer rc.Close()
		ctx.SetStatus(http.StatusOK)
		// The client going away mid-download is not vmc's error, and the
		// status is already sent: nothing is left to report.
		_, _ = io.Copy(ctx.BodyWriter(), rc)
	}
}

type evidenceTransferInput struct {
	ID   int64 `path:"id"`
	EID  int64 `path:"eid"`
	Body struct {
		To     string `json:"to" minLength:"1" maxLength:"200" doc:"who received it: a person, an organisation, an address"`
		Reason string `json:"reason" minLength:"1" maxLength:"65536" doc:"why it was handed over"`
	}
}

type custodyOutput struct{ Body incident.CustodyEvent }

type evidenceBundleInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reason   string  `json:"reason" minLength:"1" maxLength:"65536" doc:"why the evidence leaves vmc; kept in each file's chain of custody and in the manifest"`
		Evidence []int64 `json:"evidence,omitempty" maxItems:"9998" doc:"the evidence to export, in this order; all of the incident's evidence released to you when absent"`
	}
}

func (s *Server) registerEvidence(api huma.API) {
	tags := []string{"evidence"}
	op(s, api, huma.Operation{OperationID: "list-incident-evidence", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/evidence", Tags: tags,
		Summary: "An incident's evidence, oldest first: names, sizes, SHA-256 taken at intake, collectors, markings." + evidenceDoc}, string(auth.FindingRead),
		func(ctx context.Context, in *incidentIDInput) (*evidenceListOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			evs, err := s.releasedEvidence(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			out := &evidenceListOutput{}
			out.Body.Items = evidenceItems(evs)
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "add-incident-evidence", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/evidence", Tags: tags,
		Summary: "Upload a file of evidence as the raw request body (at most 100 MiB; a larger declared Content-Length is refused before anything is read). " +
			"Its SHA-256 is taken as it arrives, and it is kept byte for byte, never changed or removed; you are its collector, now. Audited, on the timeline." + evidenceDoc,
		DefaultStatus: http.StatusCreated,
		RequestBody: &huma.RequestBody{Required: true, Description: "the file, byte for byte",
			Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}},
	}, string(auth.FindingTriage),
		func(ctx context.Context, in *evidenceUploadInput) (*evidenceCreatedOutput, error) {
			if n, err := strconv.ParseInt(in.length, 10, 64); err == nil && n > incident.MaxEvidence {
				return nil, huma.Error413RequestEntityTooLarge(fmt.Sprintf("%s: %d bytes: evidence is at most %d MiB", in.Name, n, incident.MaxEvidence>>20))
			}
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			m, err := evidenceMarking(in.TLP, in.Until, in.Why, in.Recipients)
			if err != nil {
				return nil, err
			}
			if in.body == nil {
				in.body = strings.NewReader("")
			}
			ev, err := s.Store.AddEvidence(ctx, incident.Evidence{Incident: in.ID, Name: in.Name, MediaType: in.ContentType, CollectedBy: who(ctx).User.Name,
				Source: in.Source, Description: in.Description, Marking: m}, in.body, in.Reason)
			if err != nil {
				return nil, err
			}
			out := &evidenceCreatedOutput{Body: evidenceCreated{ID: ev.ID}}
			if err := incident.Release(ev.Marking, incident.ChannelAPI, recipient(ctx), s.now()); err != nil {
				out.Body.Withheld = err.Error()
			} else {
				x := incidentEvidence(ev)
				out.Body.Evidence = &x
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-incident-evidence", Method: http.MethodGet, Path: "/api/v1/incidents/{id}/evidence/{eid}", Tags: tags,
		Summary: "A piece of evidence and its chain of custody: who collected, read, exported or handed it over, when, why and to whom." + evidenceDoc}, string(auth.FindingRead),
		func(ctx context.Context, in *evidenceIDInput) (*evidenceOutput, error) {
			_, ev, err := s.visibleEvidence(ctx, in.ID, in.EID)
			if err != nil {
				return nil, err
			}
			log, err := s.Store.CustodyLog(ctx, ev.ID)
			if err != nil {
				return nil, err
			}
			return &evidenceOutput{Body: evidenceView{Evidence: incidentEvidence(ev), Custody: log}}, nil
		})
	op(s, api, huma.Operation{OperationID: "download-incident-evidence", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/evidence/{eid}/download", Tags: tags,
		Summary: "Download a piece of evidence, saying why. Its content is re-hashed first: content that no longer matches the SHA-256 taken at intake is not served (500, and the failed check is audited). " +
			"The access is in its chain of custody, on the timeline and in the audit log." + evidenceDoc}, string(auth.FindingRead),
		func(ctx context.Context, in *evidenceDownloadInput) (*evidenceContentOutput, error) {
			_, ev, err := s.visibleEvidence(ctx, in.ID, in.EID)
			if err != nil {
				return nil, err
			}
			rc, ev, err := s.Store.OpenEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: who(ctx).User.Name, Action: incident.CustodyAccessed, Reason: in.Body.Reason})
			if err != nil {
				return nil, err
			}
			sum, err := hex.DecodeString(ev.SHA256)
			if err != nil {
				rc.Close()
				return nil, err
			}
			return &evidenceContentOutput{
				ContentType:        safeMediaType(ev.MediaType),
				ContentLength:      strconv.FormatInt(ev.Size, 10),
				ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": ev.Name}),
				NoSniff:            "nosniff",
				CSP:                "default-src 'none'; sandbox",
				ReprDigest:         "sha-256=:" + base64.StdEncoding.EncodeToString(sum) + ":",
				Body:               serve(rc),
			}, nil
		})
	op(s, api, huma.Operation{OperationID: "transfer-incident-evidence", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/evidence/{eid}/transfers", Tags: tags,
		Summary:       "Record that you handed a piece of evidence to someone (law enforcement, a forensic firm, a regulator), and why: its chain of custody, the timeline and the audit log keep it." + evidenceDoc,
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *evidenceTransferInput) (*custodyOutput, error) {
			_, ev, err := s.visibleEvidence(ctx, in.ID, in.EID)
			if err != nil {
				return nil, err
			}
			e, err := s.Store.TransferEvidence(ctx, ev.ID, incident.CustodyEvent{Actor: who(ctx).User.Name, To: strings.TrimSpace(in.Body.To), Reason: in.Body.Reason})
			if err != nil {
				return nil, err
			}
			return &custodyOutput{Body: e}, nil
		})
	op(s, api, huma.Operation{OperationID: "export-incident-evidence", Method: http.MethodPost, Path: "/api/v1/incidents/{id}/evidence/bundle", Tags: tags,
		Summary: "Export an incident's evidence as a bundle for you: a zip of the files with manifest.json (each file's size, SHA-256, collector and marking; who exported it, when, why, for whom) " +
			"and manifest.sha256, which `vmc evidence verify` checks. Every file is re-hashed first; one that changed fails the export. Each file's chain of custody records the export with the manifest's SHA-256, " +
			"which the Vmc-Manifest-Sha256 header carries too." + evidenceDoc}, string(auth.FindingRead),
		func(ctx context.Context, in *evidenceBundleInput) (*evidenceContentOutput, error) {
			if _, err := s.visibleIncident(ctx, in.ID); err != nil {
				return nil, err
			}
			evs, err := s.releasedEvidence(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			released := map[int64]bool{}
			for _, ev := range evs {
				released[ev.ID] = true
			}
			ids := in.Body.Evidence
			for _, eid := range ids {
				if !released[eid] {
					return nil, evidenceNotFound(in.ID, eid)
				}
			}
			if len(ids) == 0 {
				if len(evs) == 0 {
					return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("incident %d: no evidence released to you to export", in.ID))
				}
				for _, ev := range evs {
					ids = append(ids, ev.ID)
				}
			}
			bundle, sum, _, err := s.Store.ExportEvidence(ctx, in.ID, ids, incident.Export{By: who(ctx).User.Name, To: recipient(ctx), Reason: in.Body.Reason})
			if err != nil {
				return nil, err
			}
			size, err := bundle.Seek(0, io.SeekEnd)
			if err == nil {
				_, err = bundle.Seek(0, io.SeekStart)
			}
			if err != nil {
				bundle.Close()
				return nil, err
			}
			return &evidenceContentOutput{
				ContentType:        "application/zip",
				ContentLength:      strconv.FormatInt(size, 10),
				ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": fmt.Sprintf("incident-%d-evidence.zip", in.ID)}),
				NoSniff:            "nosniff",
				CSP:                "default-src 'none'; sandbox",
				ManifestSHA256:     sum,
				Body:               serve(bundle),
			}, nil
		})
}
