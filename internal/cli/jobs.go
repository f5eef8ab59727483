package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/jobs/riverjobs"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
)

// jobsConfig configures the job queue.
type jobsConfig struct {
	// Workers is how many jobs one process runs at once (default 2).
	Workers int `koanf:"workers"`
	// RescueAfter is, on PostgreSQL, how long a job may run before it is
	// taken for lost with its replica and retried on another: it must be
	// longer than the longest import or sync (default 1h).
	RescueAfter time.Duration `koanf:"rescue-after"`
	// SweepEvery is how often the finding sweep (SLA breaches, expired
	// risk acceptances) runs (default 1h).
	SweepEvery time.Duration `koanf:"sweep-every"`
}

// openQueue makes the job queue for s: River on PostgreSQL, the
// in-process queue on SQLite. work says whether this process runs jobs
// (serve) or only looks at them (vmc jobs).
func openQueue(c *Config, s store.Store, reg *jobs.Registry, log *slog.Logger, work bool) (jobs.Queue, error) {
	workers := c.Jobs.Workers
	if workers <= 0 {
		workers = 2
	}
	if !work {
		workers = 0
	}
	if pg, ok := s.(*postgres.Store); ok {
		// The replica's name says where it listens, so that an operator
		// (and the replica test) can tell which one ran a job.
		host, _ := os.Hostname()
		id := fmt.Sprintf("%s/%s/%d", host, c.Addr, os.Getpid())
		return riverjobs.New(riverjobs.Config{Pool: pg.Pool, Registry: reg, Log: log, Workers: workers, RescueAfter: c.Jobs.RescueAfter, ID: id})
	}
	return &jobs.Local{Table: s, Registry: reg, Log: log, Workers: workers}, nil
}

// scheduledKind is the kind of the jobs fetch.Jobs become: feed syncs,
// the notification and finding sweeps, and whatever else is scheduled.
const scheduledKind = "scheduled"

// scheduledArgs names the fetch.Job a scheduled job runs.
type scheduledArgs struct {
	Name string `json:"name"`
}

// addScheduled registers each fetch.Job as a periodic job of its own
// period: enqueued once per period by one process (River's leader on
// PostgreSQL), and never twice for one period.
func addScheduled(reg *jobs.Registry, scheduled []fetch.Job) error {
	byName := map[string]fetch.Job{}
	for _, j := range scheduled {
		if j.Every <= 0 {
			continue
		}
		if _, dup := byName[j.Name]; dup {
			return fmt.Errorf("scheduled job %q twice", j.Name)
		}
		byName[j.Name] = j
	}
	reg.Handle(jobs.Kind{Name: scheduledKind, MaxAttempts: 3, Handler: func(ctx context.Context, jb jobs.Job) (any, error) {
		var a scheduledArgs
		if err := json.Unmarshal(jb.Args, &a); err != nil {
			return nil, fmt.Errorf("scheduled job arguments: %w", err)
		}
		j, ok := byName[a.Name]
		if !ok {
			// A replica of another configuration enqueued it: nothing here
			// knows how to run it.
			return nil, fmt.Errorf("scheduled job %q is not configured in this process", a.Name)
		}
		return nil, j.Run(ctx)
	}})
	for _, j := range scheduled {
		if j.Every <= 0 {
			continue
		}
		if err := reg.Every(jobs.Periodic{Kind: scheduledKind, Args: scheduledArgs{Name: j.Name}, Every: j.Every}); err != nil {
			return fmt.Errorf("scheduled job %q: %w", j.Name, err)
		}
	}
	return nil
}

func newJobs() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "Background jobs: feed syncs, imports, sweeps",
		Long: `List, show and cancel the jobs vmc serve runs in the background. On PostgreSQL
they are River's jobs, shared by every replica; on SQLite the in-process queue's.`,
	}
	cmd.AddCommand(newJobsList(), newJobsShow(), newJobsCancel())
	return cmd
}

// withQueue opens the store and a queue that works nothing.
func withQueue(cmd *cobra.Command, fn func(jobs.Queue) error) error {
	return withStore(cmd, false, func(c *Config, s store.Store) error {
		q, err := openQueue(c, s, &jobs.Registry{}, slog.New(slog.DiscardHandler), false)
		if err != nil {
			return err
		}
		return fn(q)
	})
}

func newJobsList() *cobra.Command {
	var (
		states []string
		kind   string
		limit  int
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List jobs, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := jobs.Filter{Kind: kind, Limit: limit}
			for _, s := range states {
				var st jobs.State
				if err := st.UnmarshalText([]byte(s)); err != nil {
					return usageError{fmt.Errorf("--state: %w", err)}
				}
				f.States = append(f.States, st)
			}
			return withQueue(cmd, func(q jobs.Queue) error {
				js, err := q.List(cmd.Context(), f)
				if err != nil {
					return err
				}
				if asJSON {
					if js == nil {
						js = []jobs.Job{}
					}
					return writeJSON(cmd.OutOrStdout(), js)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tSTATE\tATTEMPT\tCREATED\tARGS")
				for _, j := range js {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, j.Kind, j.State, j.Attempt, j.MaxAttempts, j.Created.Format(time.RFC3339), truncate(string(j.Args), 60))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringSliceVar(&states, "state", nil, "only jobs in these states (queued, running, retrying, completed, failed, cancelled)")
	cmd.Flags().StringVar(&kind, "kind", "", "only jobs of this kind (scheduled, import)")
	cmd.Flags().IntVar(&limit, "limit", jobs.DefaultLimit, "at most this many")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	return cmd
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func jobID(arg string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Errorf("job id %q: want a positive number", arg)}
	}
	return id, nil
}

// jobCommand is a command on one job, named by its id.
func jobCommand(use, short string, fn func(cmd *cobra.Command, q jobs.Queue, id int64) error) *cobra.Command {
	return &cobra.Command{
		Use:   use + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := jobID(args[0])
			if err != nil {
				return err
			}
			return withQueue(cmd, func(q jobs.Queue) error { return fn(cmd, q, id) })
		},
	}
}

func newJobsShow() *cobra.Command {
	return jobCommand("show", "Show a job as JSON: state, attempts, errors, output", func(cmd *cobra.Command, q jobs.Queue, id int64) error {
		j, err := q.Job(cmd.Context(), id)
		if err != nil {
			return err
		}
		return writeJSON(cmd.OutOrStdout(), j)
	})
}

func newJobsCancel() *cobra.Command {
	return jobCommand("cancel", "Cancel a job: a waiting one never runs, a running one is stopped", func(cmd *cobra.Command, q jobs.Queue, id int64) error {
		j, err := q.Cancel(cmd.Context(), id)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "job %d (%s): %s\n", j.ID, j.Kind, j.State)
		return err
	})
}
