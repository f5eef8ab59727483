package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// State is where a job is in its life. River's states map onto these
// (available, scheduled and pending are all "queued"; discarded is
// "failed").
type State string

// The states. Completed, Failed and Cancelled are final.
const (
	Queued    State = "queued"
	Running   State = "running"
	Retrying  State = "retrying" // failed an attempt, waiting for the next
	Completed State = "completed"
	Failed    State = "failed" // every attempt failed
	Cancelled State = "cancelled"
)

// States lists every state, in life order.
var States = []State{Queued, Running, Retrying, Completed, Failed, Cancelled}

func (s State) String() string { return string(s) }

// IsValid reports whether s is one of States.
func (s State) IsValid() bool { return slices.Contains(States, s) }

// Final reports whether a job in state s will not run again.
func (s State) Final() bool { return s == Completed || s == Failed || s == Cancelled }

// UnmarshalText rejects unknown states.
func (s *State) UnmarshalText(b []byte) error {
	v := State(b)
	if !v.IsValid() {
		return fmt.Errorf("%w: state %q", ErrInvalid, b)
	}
	*s = v
	return nil
}

var (
	// ErrNotFound: no job with that id.
	ErrNotFound = errors.New("job not found")
	// ErrInvalid: a kind nobody handles, arguments that do not encode,
	// a bad filter.
	ErrInvalid = errors.New("invalid job")
	// ErrFinal: the job already finished and cannot be cancelled.
	ErrFinal = errors.New("job already finished")
)

// Job is one unit of background work and its status.
type Job struct {
	ID   int64           `json:"id"`
	Kind string          `json:"kind"`
	Args json.RawMessage `json:"args"`
	// By is who enqueued it: a user, or "schedule" for periodic jobs.
	By    string `json:"by,omitempty"`
	State State  `json:"state"`
	// Attempt counts the attempts begun, the current one included.
	Attempt     int `json:"attempt"`
	MaxAttempts int `json:"max_attempts"`
	// Errors holds every failed attempt's error, oldest first.
	Errors []AttemptError `json:"errors,omitempty"`
	// Output is what the last successful attempt returned (an import's
	// report).
	Output    json.RawMessage `json:"output,omitempty"`
	Created   time.Time       `json:"created"`
	RunAt     time.Time       `json:"run_at"`
	Attempted *time.Time      `json:"attempted,omitempty"`
	Finalized *time.Time      `json:"finalized,omitempty"`
	// Worker names the process that ran the latest attempt.
	Worker string `json:"worker,omitempty"`
}

// AttemptError is why one attempt failed.
type AttemptError struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Error   string    `json:"error"`
}

// Handler does a job of one kind. What it returns besides the error is
// kept as the job's output (JSON); a panic is an error. A handler must
// stop when ctx ends: the job was cancelled or the process is stopping.
// Attempts may repeat (a replica dies mid-job and another takes it over),
// so a handler's effect must be the same when it runs twice.
type Handler func(ctx context.Context, j Job) (any, error)

// Kind is a registered kind of job.
type Kind struct {
	Name    string
	Handler Handler
	// MaxAttempts bounds the attempts; 0 means DefaultMaxAttempts.
	MaxAttempts int
}

// DefaultMaxAttempts is how often a job is tried when its kind says
// nothing: a feed that is down for a day is synced by the next period's
// job anyway, so a few attempts suffice.
const DefaultMaxAttempts = 5

// Periodic is a job enqueued every period. Only one of each runs per
// period, whatever the number of processes.
type Periodic struct {
	Kind  string
	Args  any
	Every time.Duration
}

// Registry holds the kinds a queue can run and its periodic jobs.
type Registry struct {
	kinds    map[string]Kind
	periodic []Periodic
}

// Handle registers a kind. Registering one twice is a programming error
// and panics, as http.ServeMux does.
func (r *Registry) Handle(k Kind) {
	if r.kinds == nil {
		r.kinds = map[string]Kind{}
	}
	if _, dup := r.kinds[k.Name]; dup || k.Name == "" || k.Handler == nil {
		panic(fmt.Sprintf("jobs: kind %q registered twice or without a handler", k.Name))
	}
	if k.MaxAttempts <= 0 {
		k.MaxAttempts = DefaultMaxAttempts
	}
	r.kinds[k.Name] = k
}

// Every adds a periodic job of a registered kind. A period under a second
// is refused (River's uniqueness works in whole seconds).
func (r *Registry) Every(p Periodic) error {
	if p.Every < time.Second {
		return fmt.Errorf("%w: periodic %s every %s: want at least 1s", ErrInvalid, p.Kind, p.Every)
	}
	if _, ok := r.kinds[p.Kind]; !ok {
		return fmt.Errorf("%w: periodic job of unregistered kind %q", ErrInvalid, p.Kind)
	}
	r.periodic = append(r.periodic, p)
	return nil
}

// Kinds lists the registered kinds, sorted by name.
func (r *Registry) Kinds() []Kind {
	var ks []Kind
	for _, k := range r.kinds {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b Kind) int { return cmpString(a.Name, b.Name) })
	return ks
}

// Lookup returns the kind named name.
func (r *Registry) Lookup(name string) (Kind, bool) {
	k, ok := r.kinds[name]
	return k, ok
}

// PeriodicJobs lists the periodic jobs in the order they were added.
func (r *Registry) PeriodicJobs() []Periodic { return slices.Clone(r.periodic) }

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Opts are how one job is enqueued.
type Opts struct {
	// By is who asks.
	By string
	// Unique refuses a second job of the same kind and arguments while
	// one is queued, running or retrying: Enqueue returns that one.
	Unique bool
	// UniquePeriod, when set, refuses a second job of the same kind and
	// arguments within the same period (time truncated to it), finished
	// ones included: periodic jobs use it.
	UniquePeriod time.Duration
	// RunAt delays the job; zero means now.
	RunAt time.Time
}

// Filter selects jobs to list, newest first.
type Filter struct {
	States []State
	Kind   string
	// Limit bounds the answer; 0 means 100, at most 1000.
	Limit int
}

// Limit bounds.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Normalise checks f and fills its defaults.
func (f Filter) Normalise() (Filter, error) {
	for _, s := range f.States {
		if !s.IsValid() {
			return f, fmt.Errorf("%w: state %q", ErrInvalid, s)
		}
	}
	switch {
	case f.Limit < 0:
		return f, fmt.Errorf("%w: limit %d", ErrInvalid, f.Limit)
	case f.Limit == 0:
		f.Limit = DefaultLimit
	case f.Limit > MaxLimit:
		f.Limit = MaxLimit
	}
	return f, nil
}

// Queue is the job queue, whichever engine runs it.
type Queue interface {
	// Enqueue adds a job of a registered kind; with Unique or
	// UniquePeriod it may instead return the job already there, with
	// duplicate true.
	Enqueue(ctx context.Context, kind string, args any, o Opts) (j Job, duplicate bool, err error)
	Job(ctx context.Context, id int64) (Job, error)
	List(ctx context.Context, f Filter) ([]Job, error)
	// Cancel cancels a job: one waiting never runs, one running has its
	// context cancelled wherever it runs. A finished job answers ErrFinal.
	Cancel(ctx context.Context, id int64) (Job, error)
	// Depth counts the jobs in each state.
	Depth(ctx context.Context) (map[State]int, error)
	// Start begins working jobs and enqueuing periodic ones; Stop waits
	// for the jobs running to return (their contexts are cancelled when
	// ctx ends).
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// EncodeArgs turns a job's arguments into JSON.
func EncodeArgs(kind string, args any) (json.RawMessage, error) {
	if raw, ok := args.(json.RawMessage); ok {
		if !json.Valid(raw) {
			return nil, fmt.Errorf("%w: %s: arguments are not JSON", ErrInvalid, kind)
		}
		return raw, nil
	}
	b, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: arguments: %v", ErrInvalid, kind, err)
	}
	return b, nil
}
