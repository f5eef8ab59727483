// Package riverjobs runs vmc's job queue (package jobs) on River, the
// PostgreSQL job queue: jobs live in River's river_job table, any replica
// works them (SELECT … FOR UPDATE SKIP LOCKED), one elected leader
// enqueues periodic jobs and rescues jobs whose replica died.
package riverjobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/vmc-dev/vmc/internal/jobs"
)

// Migrate brings River's tables to the version this vmc was built with,
// through River's own migrations (rivermigrate); they keep their own
// version table beside vmc's goose one.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// Config configures a Queue.
type Config struct {
	Pool     *pgxpool.Pool
	Registry *jobs.Registry
	Log      *slog.Logger
	// Workers is how many jobs this replica runs at once; 0 makes a
	// queue that enqueues, lists and cancels but works nothing (the
	// CLI's).
	Workers int
	// RescueAfter is how long a job may run: then it is cancelled where
	// it runs, or, when its replica died, the leader takes it for lost
	// and retries it elsewhere. River cannot tell a dead replica from a
	// slow one, so it must be longer than any job runs. 0 means an hour.
	RescueAfter time.Duration
	// ID names this replica in jobs' attempted_by (Job.Worker); empty
	// means River's (host name and start time).
	ID string
	// Poll is how often idle replicas look for jobs that no LISTEN/NOTIFY
	// announced; 0 means River's default, 1s.
	Poll time.Duration
}

// Queue is the job queue on River.
type Queue struct {
	client *river.Client[pgx.Tx]
	pool   *pgxpool.Pool
	reg    *jobs.Registry
}

var _ jobs.Queue = (*Queue)(nil)

// args carries a vmc job's kind and JSON arguments through River, which
// wants a Go type per kind; vmc's kinds are values in a Registry.
type args struct {
	kind string
	raw  json.RawMessage
}

func (a args) Kind() string                  { return a.kind }
func (a args) MarshalJSON() ([]byte, error)  { return a.raw, nil }
func (a *args) UnmarshalJSON(b []byte) error { a.raw = append(json.RawMessage(nil), b...); return nil }

type worker struct {
	river.WorkerDefaults[args]
	kind    jobs.Kind
	timeout time.Duration
}

// Timeout is RescueAfter: River rescues only jobs with a timeout (it
// never rescues a job without one), and a job still running on a live
// replica after RescueAfter must stop there before it is retried
// elsewhere, or it would run twice at once.
func (w *worker) Timeout(*river.Job[args]) time.Duration { return w.timeout }

func (w *worker) Work(ctx context.Context, j *river.Job[args]) error {
	out, err := jobs.CallHandler(ctx, w.kind.Handler, toJob(j.JobRow))
	if err != nil {
		return err
	}
	if out != nil {
		return river.RecordOutput(ctx, out)
	}
	return nil
}

// New makes a queue; Start begins its work.
func New(c Config) (*Queue, error) {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.RescueAfter <= 0 {
		c.RescueAfter = time.Hour
	}
	workers := river.NewWorkers()
	// AddWorkerArgs takes the kind from a value, not from the type's zero
	// value as AddWorker does: every vmc kind shares the type args. It
	// panics only on a kind added twice, which Registry.Handle refuses.
	for _, k := range c.Registry.Kinds() {
		river.AddWorkerArgs(workers, args{kind: k.Name}, river.Worker[args](&worker{kind: k, timeout: c.RescueAfter}))
	}
	cfg := &river.Config{
		ID:                   c.ID,
		Logger:               c.Log,
		Workers:              workers,
		JobTimeout:           c.RescueAfter,
		MaxAttempts:          jobs.DefaultMaxAttempts,
		RescueStuckJobsAfter: c.RescueAfter,
		FetchPollInterval:    c.Poll,
	}
	if c.Workers > 0 {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: c.Workers}}
		for _, p := range c.Registry.PeriodicJobs() {
			raw, err := jobs.EncodeArgs(p.Kind, p.Args)
			if err != nil {
				return nil, err
			}
			a, opts := args{kind: p.Kind, raw: raw}, insertOpts(c.Registry, p.Kind, jobs.Opts{By: "schedule", UniquePeriod: p.Every})
			cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(p.Every),
				func() (river.JobArgs, *river.InsertOpts) { return a, opts },
				&river.PeriodicJobOpts{RunOnStart: true, ID: jobs.UniqueKey(p.Kind, raw, 0, time.Time{})}))
		}
	}
	client, err := river.NewClient(riverpgxv5.New(c.Pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("river: %w", err)
	}
	return &Queue{client: client, pool: c.Pool, reg: c.Registry}, nil
}

// pendingStates are River's states of a job not yet finished; uniqueness
// must include them all.
var pendingStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled}

func insertOpts(reg *jobs.Registry, kind string, o jobs.Opts) *river.InsertOpts {
	k, _ := reg.Lookup(kind)
	meta, _ := json.Marshal(map[string]string{"vmc_by": o.By})
	io := &river.InsertOpts{MaxAttempts: k.MaxAttempts, Metadata: meta, ScheduledAt: o.RunAt}
	switch {
	case o.UniquePeriod > 0:
		io.UniqueOpts = river.UniqueOpts{ByArgs: true, ByPeriod: o.UniquePeriod,
			ByState: append([]rivertype.JobState{rivertype.JobStateCompleted}, pendingStates...)}
	case o.Unique:
		io.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: pendingStates}
	}
	return io
}

// Enqueue implements jobs.Queue.
func (q *Queue) Enqueue(ctx context.Context, kind string, a any, o jobs.Opts) (jobs.Job, bool, error) {
	if _, ok := q.reg.Lookup(kind); !ok {
		return jobs.Job{}, false, fmt.Errorf("%w: kind %q", jobs.ErrInvalid, kind)
	}
	raw, err := jobs.EncodeArgs(kind, a)
	if err != nil {
		return jobs.Job{}, false, err
	}
	res, err := q.client.Insert(ctx, args{kind: kind, raw: raw}, insertOpts(q.reg, kind, o))
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return toJob(res.Job), res.UniqueSkippedAsDuplicate, nil
}

func notFound(id int64, err error) error {
	if errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("job %d: %w", id, jobs.ErrNotFound)
	}
	return err
}

// Job implements jobs.Queue.
func (q *Queue) Job(ctx context.Context, id int64) (jobs.Job, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return jobs.Job{}, notFound(id, err)
	}
	return toJob(row), nil
}

// riverStates maps a vmc state to River's.
var riverStates = map[jobs.State][]rivertype.JobState{
	jobs.Queued:    {rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStatePending},
	jobs.Running:   {rivertype.JobStateRunning},
	jobs.Retrying:  {rivertype.JobStateRetryable},
	jobs.Completed: {rivertype.JobStateCompleted},
	jobs.Failed:    {rivertype.JobStateDiscarded},
	jobs.Cancelled: {rivertype.JobStateCancelled},
}

func state(s rivertype.JobState) jobs.State {
	for st, rs := range riverStates {
		for _, r := range rs {
			if r == s {
				return st
			}
		}
	}
	return jobs.Failed
}

// List implements jobs.Queue.
func (q *Queue) List(ctx context.Context, f jobs.Filter) ([]jobs.Job, error) {
	f, err := f.Normalise()
	if err != nil {
		return nil, err
	}
	p := river.NewJobListParams().First(f.Limit).OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	var states []rivertype.JobState
	for _, s := range f.States {
		states = append(states, riverStates[s]...)
	}
	if len(states) > 0 {
		p = p.States(states...)
	}
	if f.Kind != "" {
		p = p.Kinds(f.Kind)
	}
	res, err := q.client.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	out := make([]jobs.Job, 0, len(res.Jobs))
	for _, r := range res.Jobs {
		out = append(out, toJob(r))
	}
	return out, nil
}

// Cancel implements jobs.Queue. River cancels a running job on whichever
// replica runs it, through LISTEN/NOTIFY.
func (q *Queue) Cancel(ctx context.Context, id int64) (jobs.Job, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return jobs.Job{}, notFound(id, err)
	}
	if j := toJob(row); j.State.Final() {
		return j, fmt.Errorf("job %d is %s: %w", id, j.State, jobs.ErrFinal)
	}
	row, err = q.client.JobCancel(ctx, id)
	if err != nil {
		return jobs.Job{}, notFound(id, err)
	}
	return toJob(row), nil
}

// Depth implements jobs.Queue, with one query rather than River's list.
func (q *Queue) Depth(ctx context.Context) (map[jobs.State]int, error) {
	rows, err := q.pool.Query(ctx, `SELECT state::text, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("job depth: %w", err)
	}
	defer rows.Close()
	out := map[jobs.State]int{}
	for rows.Next() {
		var (
			s string
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[state(rivertype.JobState(s))] += n
	}
	return out, rows.Err()
}

// Start implements jobs.Queue.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop implements jobs.Queue: running jobs get until ctx ends to finish,
// then their contexts are cancelled.
func (q *Queue) Stop(ctx context.Context) error {
	if err := q.client.Stop(ctx); err != nil && ctx.Err() != nil {
		return q.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return nil
}

func toJob(r *rivertype.JobRow) jobs.Job {
	j := jobs.Job{ID: r.ID, Kind: r.Kind, Args: json.RawMessage(r.EncodedArgs), State: state(r.State), Attempt: r.Attempt, MaxAttempts: r.MaxAttempts,
		Created: r.CreatedAt.UTC(), RunAt: r.ScheduledAt.UTC(), Attempted: r.AttemptedAt, Finalized: r.FinalizedAt}
	for _, e := range r.Errors {
		j.Errors = append(j.Errors, jobs.AttemptError{Attempt: e.Attempt, At: e.At.UTC(), Error: e.Error})
	}
	var meta struct {
		By     string          `json:"vmc_by"`
		Output json.RawMessage `json:"output"`
	}
	if json.Unmarshal(r.Metadata, &meta) == nil {
		j.By = meta.By
		// jsonb spaces its output; compacted it reads as Local's does.
		var b bytes.Buffer
		if len(meta.Output) > 0 && json.Compact(&b, meta.Output) == nil {
			j.Output = b.Bytes()
		}
	}
	if n := len(r.AttemptedBy); n > 0 {
		j.Worker = r.AttemptedBy[n-1]
	}
	return j
}
