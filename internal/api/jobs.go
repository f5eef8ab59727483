package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/jobs"
)

// importKind is the kind of the jobs that import an upload.
const importKind = "import"

// importArgs are an import job's arguments: the upload kept in the
// database (store.Jobs), so that any replica can run it.
type importArgs struct {
	FileID int64  `json:"file_id"`
	File   string `json:"file"`
	Bytes  int    `json:"bytes"`
}

// RegisterJobs registers the kinds of job the API starts.
func (s *Server) RegisterJobs(reg *jobs.Registry) {
	reg.Handle(jobs.Kind{Name: importKind, MaxAttempts: 3, Handler: s.runImport})
}

// runImport imports an upload. A file that is not advisories is the
// job's result, not a failure worth retrying; a failing database is.
// Attempts may repeat (a replica died mid-import): an import of the same
// records writes the same records, so the second attempt ends where one
// attempt would have.
func (s *Server) runImport(ctx context.Context, j jobs.Job) (any, error) {
	var a importArgs
	if err := json.Unmarshal(j.Args, &a); err != nil {
		return nil, fmt.Errorf("import job arguments: %w", err)
	}
	_, data, err := s.Store.JobFile(ctx, a.FileID)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", a.File, err)
	}
	rep, err := s.importUpload(ctx, j.By, a.File, data)
	out := importEntry{File: a.File, Bytes: len(data), Report: &rep}
	if err != nil {
		if errors.Is(err, errAudit) || ctx.Err() != nil || (rep.Read > 0 || rep.Documents > 0) {
			return nil, err
		}
		out.Error = err.Error()
	}
	if err := s.Store.DeleteJobFile(context.WithoutCancel(ctx), a.FileID); err != nil {
		s.Log.Warn("import job: upload not deleted", "job", j.ID, "file", a.File, "err", err)
	}
	return out, nil
}

type jobListInput struct {
	State []string `query:"state" doc:"only jobs in these states: queued, running, retrying, completed, failed, cancelled"`
	Kind  string   `query:"kind" maxLength:"64" doc:"only jobs of this kind (scheduled, import)"`
	Limit int      `query:"limit" minimum:"0" maximum:"1000" doc:"at most this many (default 100)"`
}

type jobListOutput struct {
	Body struct {
		Items []jobs.Job `json:"items"`
		// Depth counts every job by state.
		Depth map[jobs.State]int `json:"depth"`
	}
}

type jobIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type jobOutput struct{ Body jobs.Job }

type jobImportInput struct {
	File    string `query:"file" required:"true" maxLength:"200" pattern:"^[A-Za-z0-9._-]+$" doc:"the file's name: its extension (.json, .xml, .zip, .gz, .csv) and name help detect the format"`
	RawBody []byte `contentType:"application/octet-stream"`
}

type jobAcceptedOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     jobs.Job
}

// errNoQueue answers job routes on a server without a queue (tests that
// build an api.Server bare).
var errNoQueue = huma.Error503ServiceUnavailable("no job queue in this server")

func (s *Server) registerJobs(api huma.API) {
	// Jobs carry what was imported and synced: those who may import see
	// them all; an owner, whose import rights are bound to a team, sees
	// only the jobs they started.
	queue := func(ctx context.Context) error {
		if s.Jobs == nil {
			return errNoQueue
		}
		return nil
	}
	global := func(ctx context.Context) error {
		if p := who(ctx); !p.can(auth.ImportWrite, "") {
			return forbid(p, auth.ImportWrite, "advisories")
		}
		return queue(ctx)
	}
	mine := func(ctx context.Context, id int64) error {
		if err := queue(ctx); err != nil {
			return err
		}
		if p := who(ctx); !p.can(auth.ImportWrite, "") {
			j, err := s.Jobs.Job(ctx, id)
			if err != nil || j.By != p.User.Name {
				return huma.Error404NotFound(fmt.Sprintf("job %d: %v", id, jobs.ErrNotFound))
			}
		}
		return nil
	}
	op(s, api, huma.Operation{OperationID: "list-jobs", Method: http.MethodGet, Path: "/api/v1/jobs", Tags: []string{"jobs"},
		Summary: "Background jobs (feed syncs, sweeps, imports), newest first, with their state, attempts and errors"}, string(auth.ImportWrite),
		func(ctx context.Context, in *jobListInput) (*jobListOutput, error) {
			if err := queue(ctx); err != nil {
				return nil, err
			}
			f := jobs.Filter{Kind: in.Kind, Limit: in.Limit}
			for _, st := range in.State {
				var v jobs.State
				if err := v.UnmarshalText([]byte(st)); err != nil {
					return nil, huma.Error422UnprocessableEntity(err.Error())
				}
				f.States = append(f.States, v)
			}
			js, err := s.Jobs.List(ctx, f)
			if err != nil {
				return nil, err
			}
			d, err := s.Jobs.Depth(ctx)
			if err != nil {
				return nil, err
			}
			out := &jobListOutput{}
			out.Body.Items, out.Body.Depth = []jobs.Job{}, d
			p := who(ctx)
			for _, j := range js {
				if p.can(auth.ImportWrite, "") || j.By == p.User.Name {
					out.Body.Items = append(out.Body.Items, j)
				}
			}
			if !p.can(auth.ImportWrite, "") {
				out.Body.Depth = nil // the whole queue's depth is not theirs
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-job", Method: http.MethodGet, Path: "/api/v1/jobs/{id}", Tags: []string{"jobs"},
		Summary: "A background job: state, attempts, errors and output (an import's report)"}, string(auth.ImportWrite),
		func(ctx context.Context, in *jobIDInput) (*jobOutput, error) {
			if err := mine(ctx, in.ID); err != nil {
				return nil, err
			}
			j, err := s.Jobs.Job(ctx, in.ID)
			return &jobOutput{Body: j}, jobError(err)
		})
	op(s, api, huma.Operation{OperationID: "cancel-job", Method: http.MethodPost, Path: "/api/v1/jobs/{id}/cancel", Tags: []string{"jobs"},
		Summary: "Cancel a job: a waiting one never runs, a running one is stopped wherever it runs"}, string(auth.ImportWrite),
		func(ctx context.Context, in *jobIDInput) (*jobOutput, error) {
			if err := mine(ctx, in.ID); err != nil {
				return nil, err
			}
			j, err := s.Jobs.Cancel(ctx, in.ID)
			return &jobOutput{Body: j}, jobError(err)
		})
	op(s, api, huma.Operation{OperationID: "import-advisories-job", Method: http.MethodPost, Path: "/api/v1/imports/jobs", Tags: []string{"imports", "jobs"},
		Summary:      "Import advisories in the background: the upload becomes a job (202, Location of its status), which any replica runs and retries",
		MaxBodyBytes: maxImport, BodyReadTimeout: 5 * time.Minute, DefaultStatus: http.StatusAccepted}, string(auth.ImportWrite),
		func(ctx context.Context, in *jobImportInput) (*jobAcceptedOutput, error) {
			if err := global(ctx); err != nil {
				return nil, err
			}
			if len(in.RawBody) == 0 {
				return nil, huma.Error422UnprocessableEntity(in.File + ": empty upload")
			}
			id, err := s.Store.PutJobFile(ctx, in.File, in.RawBody)
			if err != nil {
				return nil, err
			}
			j, _, err := s.Jobs.Enqueue(ctx, importKind, importArgs{FileID: id, File: in.File, Bytes: len(in.RawBody)}, jobs.Opts{By: who(ctx).User.Name})
			if err != nil {
				return nil, err
			}
			return &jobAcceptedOutput{Status: http.StatusAccepted, Location: fmt.Sprintf("/api/v1/jobs/%d", j.ID), Body: j}, nil
		})
}

// jobError maps the queue's errors onto the API's.
func jobError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jobs.ErrNotFound):
		return huma.Error404NotFound(err.Error())
	case errors.Is(err, jobs.ErrFinal):
		return huma.Error409Conflict(err.Error())
	case errors.Is(err, jobs.ErrInvalid):
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return err
}
