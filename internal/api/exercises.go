package api

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/exercise"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/store"
)

// Exercises (red team, pen test, purple team, bug bounty) and their
// manual findings. Who may do what, with the permissions of the matrix:
//   - reading exercises, their findings, attachments and the methodology
//     templates is finding.read. An owner sees an exercise whose scope
//     names assets, all of them their teams' (targets given as hosts,
//     URLs or CIDR blocks belong to no team and do not count), and of its
//     manual findings those on their teams' assets;
//   - planning and managing exercises (create, change, move through
//     planned → running → reporting → closed) is import.write on every
//     asset: the security team's work, as importing advisories is; owners,
//     whose import.write is bound to their teams, may not;
//   - recording manual findings, attachments and retests is
//     finding.triage on the finding's asset, and the exercise itself
//     allows it only to its lead and testers (exercise.CanRecord,
//     CanRetest), so that an owner cannot verify their own fix unless the
//     exercise made them a tester.

type exerciseBody struct {
	Name string        `json:"name" minLength:"1" maxLength:"200"`
	Kind exercise.Kind `json:"kind" enum:"pentest,red_team,purple_team,bug_bounty"`
	// Scope entries naming an asset vmc knows are that asset; the others
	// must be host names (*.example.com for every host below it), IP
	// addresses, CIDR blocks or http(s) URLs.
	Scope             []string        `json:"scope" minItems:"1" maxItems:"1000" doc:"assets vmc knows, by name; host names, IP addresses, CIDR blocks and http(s) URLs"`
	RulesOfEngagement string          `json:"rules_of_engagement,omitempty" maxLength:"65536"`
	Start             string          `json:"start" format:"date" doc:"first day of testing"`
	End               string          `json:"end" format:"date" doc:"last day of testing, not before the start"`
	Lead              string          `json:"lead" minLength:"1" maxLength:"200"`
	Testers           []string        `json:"testers,omitempty" maxItems:"100"`
	Methodology       string          `json:"methodology" maxLength:"64" doc:"a methodology template's id (GET /api/v1/methodologies)"`
	Status            exercise.Status `json:"status,omitempty" enum:"planned,running,reporting,closed" doc:"on a change: the status to move to (planned → running → reporting → closed; reporting → running); a new exercise is planned"`
}

type exercisePostInput struct {
	Body exerciseBody
}

type exercisePutInput struct {
	ID   int64 `path:"id"`
	Body exerciseBody
}

type exerciseIDInput struct {
	ID   int64  `path:"id"`
	Lang string `query:"lang" enum:"en,zh-CN" default:"en" doc:"language of the kind's title"`
}

type exerciseView struct {
	Exercise exercise.Exercise `json:"exercise"`
	// KindTitle is the kind's name in the language asked for.
	KindTitle   string            `json:"kind_title"`
	Methodology exercise.Template `json:"methodology"`
	// NextStatuses are the statuses it may move to.
	NextStatuses []exercise.Status `json:"next_statuses"`
	Tool         string            `json:"tool" doc:"the tool name its results carry as evidence on findings"`
}

type exerciseOutput struct{ Body exerciseView }

type exerciseListOutput struct {
	Body struct {
		Items []exercise.Exercise `json:"items"`
	}
}

type methodologiesOutput struct {
	Body struct {
		Items []exercise.Template `json:"items"`
	}
}

type manualFindingInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Asset            string   `json:"asset" minLength:"1" maxLength:"512"`
		Title            string   `json:"title" minLength:"1" maxLength:"500"`
		Description      string   `json:"description,omitempty" maxLength:"65536"`
		StepsToReproduce string   `json:"steps_to_reproduce" minLength:"1" maxLength:"262144"`
		Location         string   `json:"location,omitempty" maxLength:"2048" doc:"where on the asset: a URL, 443/tcp, src/app.py:12"`
		Package          string   `json:"package,omitempty" maxLength:"1024" doc:"the vulnerable package as a purl, when it is about one"`
		CWEs             []int    `json:"cwes,omitempty" maxItems:"20"`
		CVSS             string   `json:"cvss,omitempty" maxLength:"512" doc:"a CVSS v2.0, v3.x or v4.0 vector"`
		Vulns            []string `json:"vulns,omitempty" maxItems:"20" doc:"public identifiers: CVE, GHSA, CNVD, ..."`
		Severity         string   `json:"severity,omitempty" enum:"critical,high,medium,low,info" doc:"the tester's rating; from the CVSS score when absent"`
		Found            string   `json:"found,omitempty" format:"date-time" doc:"when it was found; now when absent"`
	}
}

type manualFindingChange struct {
	ManualFinding exercise.ManualFinding `json:"manual_finding"`
	// Findings are the vmc findings the change opened or changed: the
	// exercise's results reconciled with what the asset's findings were.
	Findings []finding.Finding `json:"findings"`
}

type manualFindingOutput struct{ Body manualFindingChange }

type manualFindingListOutput struct {
	Body struct {
		Items []exercise.ManualFinding `json:"items"`
	}
}

type attachmentInput struct {
	ID          int64  `path:"id"`
	FID         int64  `path:"fid"`
	Name        string `query:"name" required:"true" minLength:"1" maxLength:"255" doc:"the file's name"`
	ContentType string `header:"Content-Type" doc:"the file's media type; application/octet-stream when absent"`
	RawBody     []byte `contentType:"application/octet-stream"`
}

type attachmentOutput struct{ Body exercise.Attachment }

type attachmentGetInput struct {
	ID  int64 `path:"id"`
	FID int64 `path:"fid"`
	AID int64 `path:"aid"`
}

type attachmentContentOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	NoSniff            string `header:"X-Content-Type-Options"`
	CSP                string `header:"Content-Security-Policy"`
	// ReprDigest is the content's SHA-256 as RFC 9530 writes it, so the
	// receiver can check what it got against what vmc took in.
	ReprDigest string `header:"Repr-Digest"`
	Body       []byte
}

type retestInput struct {
	ID   int64 `path:"id"`
	FID  int64 `path:"fid"`
	Body struct {
		Result exercise.Result `json:"result" enum:"fixed,still_vulnerable,cannot_test"`
		Note   string          `json:"note,omitempty" maxLength:"65536"`
	}
}

type retestOutput struct {
	Body struct {
		Retest        exercise.Retest        `json:"retest"`
		ManualFinding exercise.ManualFinding `json:"manual_finding"`
		// Findings are the vmc findings the retest changed.
		Findings []finding.Finding `json:"findings"`
	}
}

// exerciseError maps the exercise package's errors to their statuses;
// the store's own (not found, conflict) are the problem mapping's.
func exerciseError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, exercise.ErrTooLarge):
		return huma.Error413RequestEntityTooLarge(err.Error())
	case errors.Is(err, exercise.ErrNotTester):
		return huma.Error403Forbidden(err.Error())
	case errors.Is(err, exercise.ErrInvalid), errors.Is(err, exercise.ErrStatus), errors.Is(err, exercise.ErrScope):
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return err
}

// scanSeverity is a severity the request gave (validated by its enum),
// "" when it gave none.
func scanSeverity(s string) scan.Severity { return scan.Severity(s) }

// parseTime reads an RFC 3339 time from a request field.
func parseTime(field, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, huma.Error400BadRequest(field+": not an RFC 3339 time", err)
	}
	return t.UTC(), nil
}

// exerciseVisible reports whether the principal may read the exercise:
// every exercise when they read findings everywhere; else one whose
// scope names assets, every one of them of their teams.
func (s *Server) exerciseVisible(ctx context.Context, e exercise.Exercise) bool {
	p := who(ctx)
	if p.can(auth.FindingRead, "") {
		return true
	}
	if len(e.Scope.Assets) == 0 {
		return false
	}
	team := s.teamOf(ctx)
	for _, a := range e.Scope.Assets {
		if !p.can(auth.FindingRead, team(a)) {
			return false
		}
	}
	return true
}

// visibleExercise returns the exercise if the principal may read it; one
// it may not read is not found.
func (s *Server) visibleExercise(ctx context.Context, id int64) (exercise.Exercise, error) {
	e, err := s.Store.Exercise(ctx, id)
	if err != nil {
		return e, err
	}
	if !s.exerciseVisible(ctx, e) {
		return e, huma.Error404NotFound(fmt.Sprintf("exercise %d: not found", id))
	}
	return e, nil
}

// visibleManualFinding returns an exercise's manual finding if the
// principal may do perm on its asset (and read the exercise).
func (s *Server) visibleManualFinding(ctx context.Context, id, fid int64, perm auth.Permission) (exercise.Exercise, exercise.ManualFinding, error) {
	e, err := s.visibleExercise(ctx, id)
	if err != nil {
		return e, exercise.ManualFinding{}, err
	}
	f, err := s.Store.ManualFinding(ctx, fid)
	if err != nil {
		return e, f, err
	}
	p, team := who(ctx), s.teamOf(ctx)(f.Asset)
	if f.Exercise != e.ID || !p.can(auth.FindingRead, team) {
		return e, f, huma.Error404NotFound(fmt.Sprintf("exercise %d: manual finding MF-%d: not found", id, fid))
	}
	if !p.can(perm, team) {
		return e, f, forbid(p, perm, "manual finding "+f.Rule())
	}
	return e, f, nil
}

// manageExercises checks that the principal plans and manages exercises:
// import.write everywhere, which owners do not hold.
func manageExercises(ctx context.Context) error {
	if p := who(ctx); !p.can(auth.ImportWrite, "") {
		return forbid(p, auth.ImportWrite, "exercises (planning and managing them is the security team's)")
	}
	return nil
}

// exerciseFromBody builds an exercise from a request body, scope entries
// naming stored assets being those assets.
func (s *Server) exerciseFromBody(ctx context.Context, b exerciseBody) (exercise.Exercise, error) {
	e := exercise.Exercise{Name: b.Name, Kind: b.Kind, RulesOfEngagement: b.RulesOfEngagement, Lead: b.Lead, Testers: b.Testers,
		Methodology: b.Methodology, Status: b.Status}
	var err error
	if e.Start, err = exercise.ParseDay("start", b.Start); err != nil {
		return e, err
	}
	if e.End, err = exercise.ParseDay("end", b.End); err != nil {
		return e, err
	}
	var lookup error
	e.Scope, err = exercise.ParseScope(b.Scope, func(name string) bool {
		_, err := s.Store.Asset(ctx, name)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			lookup = err
		}
		return err == nil
	})
	if lookup != nil {
		return e, lookup
	}
	return e, err
}

func (s *Server) exerciseView(e exercise.Exercise, lang string) exerciseView {
	m, _ := exercise.Methodology(e.Methodology)
	next := e.Status.Next()
	if next == nil {
		next = []exercise.Status{}
	}
	return exerciseView{Exercise: e, KindTitle: e.Kind.Title(lang), Methodology: m, NextStatuses: next, Tool: e.Tool()}
}

// reconcileExercise files the exercise's manual findings as its tool's
// results, one report per asset placed on that asset, and returns the
// findings that changed. why names the event in the evidence.
func (s *Server) reconcileExercise(ctx context.Context, e exercise.Exercise, why string) ([]finding.Finding, error) {
	fs, err := s.Store.ManualFindings(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	kindOf := func(name string) asset.Kind {
		a, err := s.Store.Asset(ctx, name)
		if err != nil {
			return ""
		}
		return a.Kind
	}
	out := []finding.Finding{}
	for _, r := range exercise.Reports(e, fs, kindOf) {
		o, err := s.Matcher.ImportScan(ctx, r.Report, why, r.Asset)
		if err != nil {
			return nil, fmt.Errorf("exercise %d on %s: %w", e.ID, r.Asset, err)
		}
		out = append(out, finding.Findings(o.Changes)...)
	}
	return out, nil
}

// safeMediaTypes are the types an attachment is served as; any other
// (HTML, SVG, scripts: what a browser would run in vmc's origin) is
// served as application/octet-stream. Downloads are attachments with
// nosniff and a sandboxing CSP besides.
var safeMediaTypes = []string{
	"application/gzip", "application/json", "application/pdf", "application/vnd.tcpdump.pcap", "application/zip",
	"image/gif", "image/jpeg", "image/png", "image/webp", "text/csv", "text/plain", "video/mp4", "video/webm",
}

func safeMediaType(mt string) string {
	if slices.Contains(safeMediaTypes, mt) {
		return mt
	}
	return "application/octet-stream"
}

func (s *Server) registerExercises(api huma.API) {
	tags := []string{"exercises"}
	op(s, api, huma.Operation{OperationID: "list-methodologies", Method: http.MethodGet, Path: "/api/v1/methodologies", Tags: tags,
		Summary: "Methodology templates for exercises (OWASP WSTG 4.2, PTES, NIST SP 800-115, OSSTMM 3, custom), with their phases and checklists in English and Chinese"}, string(auth.FindingRead),
		func(ctx context.Context, _ *emptyInput) (*methodologiesOutput, error) {
			out := &methodologiesOutput{}
			out.Body.Items = exercise.Methodologies()
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-exercises", Method: http.MethodGet, Path: "/api/v1/exercises", Tags: tags,
		Summary: "Red-team, pen-test, purple-team and bug-bounty exercises you may see, newest first"}, string(auth.FindingRead),
		func(ctx context.Context, _ *emptyInput) (*exerciseListOutput, error) {
			es, err := s.Store.ListExercises(ctx)
			if err != nil {
				return nil, err
			}
			out := &exerciseListOutput{}
			out.Body.Items = slices.DeleteFunc(es, func(e exercise.Exercise) bool { return !s.exerciseVisible(ctx, e) })
			if out.Body.Items == nil {
				out.Body.Items = []exercise.Exercise{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "create-exercise", Method: http.MethodPost, Path: "/api/v1/exercises", Tags: tags,
		Summary: "Plan an exercise: scope, rules of engagement, dates, team, methodology (audited)", DefaultStatus: http.StatusCreated}, string(auth.ImportWrite),
		func(ctx context.Context, in *exercisePostInput) (*exerciseOutput, error) {
			if err := manageExercises(ctx); err != nil {
				return nil, err
			}
			e, err := s.exerciseFromBody(ctx, in.Body)
			if err != nil {
				return nil, exerciseError(err)
			}
			if e, err = s.Store.PutExercise(ctx, e, who(ctx).User.Name); err != nil {
				return nil, exerciseError(err)
			}
			return &exerciseOutput{Body: s.exerciseView(e, "en")}, nil
		})
	op(s, api, huma.Operation{OperationID: "get-exercise", Method: http.MethodGet, Path: "/api/v1/exercises/{id}", Tags: tags,
		Summary: "An exercise, its methodology's phases, and the statuses it may move to"}, string(auth.FindingRead),
		func(ctx context.Context, in *exerciseIDInput) (*exerciseOutput, error) {
			e, err := s.visibleExercise(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &exerciseOutput{Body: s.exerciseView(e, in.Lang)}, nil
		})
	op(s, api, huma.Operation{OperationID: "put-exercise", Method: http.MethodPut, Path: "/api/v1/exercises/{id}", Tags: tags,
		Summary: "Change an exercise, or move it to another status (audited); a closed exercise no longer changes"}, string(auth.ImportWrite),
		func(ctx context.Context, in *exercisePutInput) (*exerciseOutput, error) {
			if err := manageExercises(ctx); err != nil {
				return nil, err
			}
			before, err := s.Store.Exercise(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			e, err := s.exerciseFromBody(ctx, in.Body)
			if err != nil {
				return nil, exerciseError(err)
			}
			e.ID = in.ID
			if e.Status == "" {
				e.Status = before.Status
			}
			if e, err = s.Store.PutExercise(ctx, e, who(ctx).User.Name); err != nil {
				return nil, exerciseError(err)
			}
			return &exerciseOutput{Body: s.exerciseView(e, "en")}, nil
		})
	op(s, api, huma.Operation{OperationID: "list-exercise-findings", Method: http.MethodGet, Path: "/api/v1/exercises/{id}/findings", Tags: tags,
		Summary: "An exercise's manual findings you may see, with their attachments and retests"}, string(auth.FindingRead),
		func(ctx context.Context, in *exerciseIDInput) (*manualFindingListOutput, error) {
			e, err := s.visibleExercise(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			fs, err := s.Store.ManualFindings(ctx, e.ID)
			if err != nil {
				return nil, err
			}
			p, team := who(ctx), s.teamOf(ctx)
			out := &manualFindingListOutput{}
			out.Body.Items = slices.DeleteFunc(fs, func(f exercise.ManualFinding) bool { return !p.can(auth.FindingRead, team(f.Asset)) })
			if out.Body.Items == nil {
				out.Body.Items = []exercise.ManualFinding{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "create-exercise-finding", Method: http.MethodPost, Path: "/api/v1/exercises/{id}/findings", Tags: tags,
		Summary:       "Record a manual finding as its reporter (the exercise's lead or a tester); it becomes, or joins, a finding with the exercise as evidence",
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *manualFindingInput) (*manualFindingOutput, error) {
			e, err := s.visibleExercise(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			p, b := who(ctx), in.Body
			if !p.can(auth.FindingTriage, s.teamOf(ctx)(b.Asset)) {
				return nil, forbid(p, auth.FindingTriage, "asset "+b.Asset)
			}
			f := exercise.ManualFinding{Exercise: e.ID, Asset: b.Asset, Title: b.Title, Description: b.Description,
				StepsToReproduce: b.StepsToReproduce, Location: b.Location, Package: b.Package, CWEs: b.CWEs, CVSS: b.CVSS,
				Vulns: b.Vulns, Severity: scanSeverity(b.Severity), Reporter: p.User.Name}
			if b.Found != "" {
				if f.Found, err = parseTime("found", b.Found); err != nil {
					return nil, err
				}
			}
			if f, err = s.Store.AddManualFinding(ctx, f); err != nil {
				return nil, exerciseError(err)
			}
			chs, err := s.reconcileExercise(ctx, e, fmt.Sprintf("%s (recorded by %s)", f.Rule(), f.Reporter))
			if err != nil {
				return nil, err
			}
			return &manualFindingOutput{Body: manualFindingChange{ManualFinding: f, Findings: chs}}, nil
		})
	op(s, api, huma.Operation{OperationID: "add-exercise-attachment", Method: http.MethodPost, Path: "/api/v1/exercises/{id}/findings/{fid}/attachments", Tags: tags,
		Summary:      "Attach a file of evidence (the raw body, at most 20 MiB) to a manual finding; its SHA-256 is taken on receipt and it is never changed",
		MaxBodyBytes: exercise.MaxAttachment, DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *attachmentInput) (*attachmentOutput, error) {
			_, f, err := s.visibleManualFinding(ctx, in.ID, in.FID, auth.FindingTriage)
			if err != nil {
				return nil, err
			}
			a, err := s.Store.AddAttachment(ctx, f.ID, in.Name, in.ContentType, in.RawBody, who(ctx).User.Name)
			if err != nil {
				return nil, exerciseError(err)
			}
			return &attachmentOutput{Body: a}, nil
		})
	op(s, api, huma.Operation{OperationID: "get-exercise-attachment", Method: http.MethodGet, Path: "/api/v1/exercises/{id}/findings/{fid}/attachments/{aid}", Tags: tags,
		Summary: "Download an attachment, checked against its SHA-256; the read is in the audit log"}, string(auth.FindingRead),
		func(ctx context.Context, in *attachmentGetInput) (*attachmentContentOutput, error) {
			_, f, err := s.visibleManualFinding(ctx, in.ID, in.FID, auth.FindingRead)
			if err != nil {
				return nil, err
			}
			if !slices.ContainsFunc(f.Attachments, func(a exercise.Attachment) bool { return a.ID == in.AID }) {
				return nil, huma.Error404NotFound(fmt.Sprintf("%s: attachment %d: not found", f.Rule(), in.AID))
			}
			content, a, err := s.Store.AttachmentContent(ctx, in.AID, who(ctx).User.Name)
			if err != nil {
				return nil, err
			}
			sum, err := hex.DecodeString(a.SHA256)
			if err != nil {
				return nil, err
			}
			return &attachmentContentOutput{
				ContentType:        safeMediaType(a.MediaType),
				ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}),
				NoSniff:            "nosniff",
				CSP:                "default-src 'none'; sandbox",
				ReprDigest:         "sha-256=:" + base64.StdEncoding.EncodeToString(sum) + ":",
				Body:               content,
			}, nil
		})
	op(s, api, huma.Operation{OperationID: "add-exercise-retest", Method: http.MethodPost, Path: "/api/v1/exercises/{id}/findings/{fid}/retests", Tags: tags,
		Summary:       "Record a retest of a manual finding; fixed resolves its finding, verified by the retest, unless another tool still reports it",
		DefaultStatus: http.StatusCreated}, string(auth.FindingTriage),
		func(ctx context.Context, in *retestInput) (*retestOutput, error) {
			e, f, err := s.visibleManualFinding(ctx, in.ID, in.FID, auth.FindingTriage)
			if err != nil {
				return nil, err
			}
			r, err := s.Store.AddRetest(ctx, f.ID, exercise.Retest{Result: in.Body.Result, Note: in.Body.Note, By: who(ctx).User.Name})
			if err != nil {
				return nil, exerciseError(err)
			}
			chs, err := s.reconcileExercise(ctx, e, fmt.Sprintf("retest of %s by %s: %s", f.Rule(), r.By, r.Result))
			if err != nil {
				return nil, err
			}
			if f, err = s.Store.ManualFinding(ctx, f.ID); err != nil {
				return nil, err
			}
			out := &retestOutput{}
			out.Body.Retest, out.Body.ManualFinding, out.Body.Findings = r, f, chs
			return out, nil
		})
}
