package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// vmc incident rca, where-else: the root-cause analysis of SAMM VM3.

func newIncidentRCA() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rca",
		Short: "Root-cause analysis (根本原因分析): causes, recommendations, management decisions",
		Long: `The root-cause analysis of an incident (OWASP SAMM VM3): the analysis in words,
its causes — technical, with their CWE (checked against CWE 4.17) and the
component or configuration involved, or of people and process — and the
recommendations that follow, each with an owner and a due day. Management
reviews each recommendation: the fix is scheduled, which opens a task on the
incident, or its risk is accepted until a day it is reviewed again.

Every change is on the incident's timeline and in the audit log.`,
	}
	cmd.AddCommand(newRCAShow(), newRCAText(), newRCACause(), newRCARecommend(), newRCADecide(), newRCACoverage())
	return cmd
}

// idArg reads a numeric id of what from the command line.
func idArg(what, arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Errorf("%s id %q: not a number", what, arg)}
	}
	return id, nil
}

// notFound turns the store's not found into exit code 3, as the incident
// commands do.
func notFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return &exitError{code: 3, err: fmt.Errorf("no %s", what)}
	}
	return err
}

// checkDecider holds a management decision recorded on the command line
// to the permission the API asks for: when the decider is a vmc user, their
// role must hold it. A name vmc does not know is the operator's to vouch
// for, as every --as is; the audit log keeps it.
func checkDecider(ctx context.Context, s store.Store, name string, p auth.Permission) error {
	u, _, err := s.User(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	case !auth.CanSome(u, p):
		return &exitError{code: 1, err: fmt.Errorf("refused: %s (%s) may not %s", u.Name, u.Role, p)}
	}
	return nil
}

func newRCAShow() *cobra.Command {
	var (
		asJSON bool
		at     string
	)
	cmd := &cobra.Command{
		Use:   "show INCIDENT",
		Short: "Show an incident's root-cause analysis",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := parseIncidentTime("--at", at)
			if err != nil {
				return err
			}
			if now.IsZero() {
				now = time.Now().UTC()
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				in, err := readIncidentArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				a, err := s.Analysis(ctx, in.ID)
				if err != nil {
					return err
				}
				tasks := map[int64]*incident.Task{}
				for _, r := range a.Recommendations {
					if d := r.Current(); d != nil && d.Task != 0 {
						t, err := s.Task(ctx, d.Task)
						if err != nil {
							return err
						}
						tasks[r.ID] = &t
					}
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), a)
				}
				return printAnalysis(cmd.OutOrStdout(), in, a, tasks, now)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().StringVar(&at, "at", "", "judge statuses at this time (default: now)")
	return cmd
}

func printAnalysis(w io.Writer, in incident.Incident, a incident.Analysis, tasks map[int64]*incident.Task, now time.Time) error {
	documented := "no"
	if a.Documented() {
		documented = "yes"
	}
	fmt.Fprintf(w, "incident %d: %s\ndocumented: %s (at least one cause and one recommendation)\n", in.ID, in.Title, documented)
	if a.Text != "" {
		fmt.Fprintf(w, "\nANALYSIS (%s, %s)\n%s\n", a.UpdatedBy, a.Updated.Format(time.RFC3339), strings.TrimRight(a.Text, "\n"))
	}
	fmt.Fprintln(w, "\nCAUSES")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tKIND\tCWE\tCOMPONENT\tCONFIGURATION\tDESCRIPTION\n")
	for _, c := range a.Causes {
		comp := "-"
		if c.Component != nil {
			comp = c.Component.String()
		}
		cwe := cmpOrDash(c.CWE)
		if c.CWEName != "" {
			cwe += " " + c.CWEName
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Kind, cwe, comp, cmpOrDash(c.Configuration), strings.Join(strings.Fields(c.Description), " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nRECOMMENDATIONS")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tCAUSE\tOWNER\tDUE\tSTATUS\tDECISION\tTEXT\n")
	for _, r := range a.Recommendations {
		task := tasks[r.ID]
		status := string(r.Status(task, now))
		if r.Overdue(task, now) {
			status += " (overdue)"
		}
		decision := "-"
		if d := r.Current(); d != nil {
			decision = decisionLine(*d)
		}
		cause := "-"
		if r.Cause != 0 {
			cause = strconv.FormatInt(r.Cause, 10)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, cause, r.Owner, incidentDay(r.Due), status, decision, strings.Join(strings.Fields(r.Text), " "))
	}
	return tw.Flush()
}

// decisionLine is a decision in a table cell.
func decisionLine(d incident.Decision) string {
	switch d.Kind {
	case incident.Schedule:
		return fmt.Sprintf("scheduled by %s: task %d (%s, due %s)", d.DecidedBy, d.Task, d.Owner, incidentDay(d.Due))
	case incident.AcceptRisk:
		return fmt.Sprintf("risk accepted by %s until %s", d.DecidedBy, incidentDay(d.Expires))
	}
	return string(d.Kind)
}

func newRCAText() *cobra.Command {
	var text, file, actor string
	cmd := &cobra.Command{
		Use:   "text INCIDENT (--text TEXT | --file PATH)",
		Short: "Write the analysis in words",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (text == "") == (file == "") {
				return usageError{errors.New("give --text or --file, one of them")}
			}
			if file != "" {
				var err error
				if text, err = readText(file, incident.MaxAnalysis); err != nil {
					return usageError{fmt.Errorf("--file: %w", err)}
				}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				a, err := s.PutAnalysisText(cmd.Context(), in.ID, text, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d: analysis by %s, %d characters\n", in.ID, a.UpdatedBy, len([]rune(a.Text)))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "the analysis")
	cmd.Flags().StringVar(&file, "file", "", "read the analysis from this file (at most 64 KiB)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who writes it, for the audit log")
	return cmd
}

func newRCACause() *cobra.Command {
	var (
		c                                 incident.Cause
		kind, purl, eco, name, ver, actor string
		update                            int64
	)
	cmd := &cobra.Command{
		Use:   "cause INCIDENT --kind KIND --text DESCRIPTION",
		Short: "Add a root cause (or change one with --update ID)",
		Long: `Add a root cause. --kind is technical (` + strings.Join(causeKinds(true), ", ") + `)
or of people and process (` + strings.Join(causeKinds(false), ", ") + `).
A technical cause names its weakness with --cwe (required for a code
vulnerability; checked against CWE 4.17), and may name the component with
--purl or --ecosystem/--name/--version and the configuration with --configuration, a
selector of assets such as 'exposure=internet tag=php-fpm' (keys: kind, team,
environment, criticality, exposure, group, tag). "vmc incident where-else"
looks for them elsewhere.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := c.Kind.UnmarshalText([]byte(kind)); err != nil {
				return usageError{fmt.Errorf("--kind: %w", err)}
			}
			switch {
			case purl != "" && (eco != "" || name != "" || ver != ""):
				return usageError{errors.New("--purl or --ecosystem/--name/--version, not both")}
			case purl != "":
				comp, err := incident.ComponentFromPURL(purl)
				if err != nil {
					return usageError{fmt.Errorf("--purl: %w", err)}
				}
				c.Component = &comp
			case eco != "" || name != "" || ver != "":
				c.Component = &incident.ComponentRef{Ecosystem: eco, Name: name, Version: ver}
			}
			if err := c.CheckCWE(csaf.CWEName); err != nil {
				return usageError{fmt.Errorf("--cwe: %w", err)}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				c.Incident, c.ID = in.ID, update
				if c, err = s.PutCause(cmd.Context(), c, actor); err != nil {
					return notFound(err, fmt.Sprintf("cause %d", update))
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "cause %d on incident %d: %s\n", c.ID, in.ID, causeLine(c))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "", "the kind of cause")
	f.StringVar(&c.CWE, "cwe", "", "the weakness, CWE-NNN")
	f.StringVar(&purl, "purl", "", "the component, as a package URL")
	f.StringVar(&eco, "ecosystem", "", "the component's ecosystem (PyPI, npm, Maven, Debian:12)")
	f.StringVar(&name, "name", "", "the component's name")
	f.StringVar(&ver, "version", "", "the component's version")
	f.StringVar(&c.Configuration, "configuration", "", "the configuration, as an asset selector")
	f.StringVar(&c.Description, "text", "", "the cause in words")
	f.Int64Var(&update, "update", 0, "change this cause rather than add one")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	return cmd
}

func causeKinds(technical bool) []string {
	var out []string
	for _, k := range incident.CauseKinds {
		if k.Technical() == technical {
			out = append(out, string(k))
		}
	}
	return out
}

func causeLine(c incident.Cause) string {
	s := string(c.Kind)
	if c.CWE != "" {
		s += ", " + c.CWE + " " + c.CWEName
	}
	if c.Component != nil {
		s += ", component " + c.Component.String()
	}
	if c.Configuration != "" {
		s += ", configuration " + c.Configuration
	}
	return s
}

func newRCARecommend() *cobra.Command {
	var (
		r          incident.Recommendation
		due, actor string
		update     int64
	)
	cmd := &cobra.Command{
		Use:   "recommend INCIDENT --text TEXT --owner OWNER [--due DAY] [--cause ID]",
		Short: "Add a recommendation for management to review (or change an undecided one with --update ID)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if r.Due, err = parseIncidentTime("--due", due); err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				r.Incident, r.ID = in.ID, update
				if r, err = s.PutRecommendation(cmd.Context(), r, actor); err != nil {
					return notFound(err, fmt.Sprintf("recommendation %d", update))
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "recommendation %d on incident %d: owner %s, due %s\n", r.ID, in.ID, r.Owner, incidentDay(r.Due))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Text, "text", "", "what should change")
	f.StringVar(&r.Owner, "owner", "", "who carries it out")
	f.StringVar(&due, "due", "", "the day proposed to be done by, YYYY-MM-DD")
	f.Int64Var(&r.Cause, "cause", 0, "the cause it addresses")
	f.Int64Var(&update, "update", 0, "change this recommendation rather than add one")
	f.StringVar(&actor, "as", defaultActor(), "who recommends it, for the audit log")
	return cmd
}

func newRCADecide() *cobra.Command {
	var (
		d                                incident.Decision
		decision, taskKind, due, expires string
	)
	cmd := &cobra.Command{
		Use:   "decide RECOMMENDATION --decision schedule|accept_risk",
		Short: "Management's decision on a recommendation: schedule the fix, or accept the risk",
		Long: `Record management's review of a recommendation, as the manager named by --as.

  --decision schedule     opens a task on the incident for the fix: --owner and
                          --due default to the recommendation's, --task-kind to
                          change.
  --decision accept_risk  records the accepted risk: --reason says why, --expires
                          when it is reviewed again (at most a year); the
                          recommendation's owner may not accept its risk.

A recommendation scheduled once is carried out through its task; an accepted
risk may be reviewed again at any time. When --as names a vmc user, their role
must hold finding.accept, as on the API.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("recommendation", args[0])
			if err != nil {
				return err
			}
			if err := d.Kind.UnmarshalText([]byte(decision)); err != nil {
				return usageError{fmt.Errorf("--decision: %w", err)}
			}
			if taskKind != "" {
				if err := d.TaskKind.UnmarshalText([]byte(taskKind)); err != nil {
					return usageError{fmt.Errorf("--task-kind: %w", err)}
				}
			}
			if d.Due, err = parseIncidentTime("--due", due); err != nil {
				return err
			}
			if d.Expires, err = parseIncidentTime("--expires", expires); err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if err := checkDecider(cmd.Context(), s, d.DecidedBy, auth.FindingAccept); err != nil {
					return err
				}
				r, err := s.DecideRecommendation(cmd.Context(), id, d)
				if err != nil {
					return notFound(err, fmt.Sprintf("recommendation %d", id))
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "recommendation %d on incident %d: %s\n", r.ID, r.Incident, decisionLine(*r.Current()))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&decision, "decision", "", "schedule or accept_risk")
	f.StringVar(&d.Reason, "reason", "", "why (required to accept the risk)")
	f.StringVar(&d.Owner, "owner", "", "schedule: who does the fix")
	f.StringVar(&due, "due", "", "schedule: the fix's due day")
	f.StringVar(&taskKind, "task-kind", "", "schedule: the task's kind (change by default)")
	f.StringVar(&expires, "expires", "", "accept_risk: the day the acceptance ends")
	f.StringVar(&d.DecidedBy, "as", defaultActor(), "who decides")
	return cmd
}

func newRCACoverage() *cobra.Command {
	var (
		from, to string
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "coverage",
		Short: "SAMM VM3: the share of closed and reviewed incidents with a documented root cause and recommendations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var q store.RCACoverageQuery
			var err error
			if q.From, err = parseIncidentTime("--from", from); err != nil {
				return err
			}
			if q.To, err = parseIncidentTime("--to", to); err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				cov, err := s.RCACoverage(cmd.Context(), q)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), map[string]any{"incidents": cov.Incidents, "documented": cov.Documented,
						"undocumented": cov.Undocumented, "percent": cov.Percent()})
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d of %d closed or reviewed incidents document a root cause and recommendations: %.1f%% (SAMM target: over 80%%)\nundocumented: %s\n",
					cov.Documented, cov.Incidents, cov.Percent(), cmpOrDash(joinIDs(cov.Undocumented)))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "incidents detected on or after this day")
	cmd.Flags().StringVar(&to, "to", "", "incidents detected before this day")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

func newIncidentWhereElse() *cobra.Command {
	var (
		open   bool
		req    store.WhereElseTasks
		due    string
		actor  string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "where-else CAUSE [--open --owner NAME [--asset NAME]... [--due DAY]]",
		Short: "Where else may a root cause be? Assets with the same CWE, component or configuration",
		Long: `List the assets a root cause may be present on too, each with why: open
findings on vulnerabilities whose records assign the cause's CWE (CWE and KEV
claims), the cause's component in any version, or the configuration its
selector describes. With --open, open a task on the incident for each asset
found (or those named with --asset) that the incident does not name: a patch
task linked to the finding where the cause came up through exactly one, a
change task for a configuration. An asset gets one task per cause, however
often this is asked.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("cause", args[0])
			if err != nil {
				return err
			}
			if req.Due, err = parseIncidentTime("--due", due); err != nil {
				return err
			}
			if !open && (len(req.Assets) > 0 || req.Owner != "" || due != "") {
				return usageError{errors.New("--asset, --owner and --due are for --open")}
			}
			return withStore(cmd, open, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				if open {
					if req.Owner == "" {
						return usageError{errors.New("--owner: whose tasks are they?")}
					}
					ts, err := s.OpenWhereElse(ctx, id, req, actor)
					if err != nil {
						return notFound(err, fmt.Sprintf("cause %d", id))
					}
					if asJSON {
						return writeJSON(cmd.OutOrStdout(), ts)
					}
					for _, t := range ts {
						fmt.Fprintf(cmd.OutOrStdout(), "task %d on incident %d: %s (%s, owner %s, due %s, %s)\n", t.ID, t.Incident, t.Title, t.Kind, t.Owner, incidentDay(t.Due), cmpOrDash(t.Link))
					}
					_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d tasks opened\n", len(ts))
					return err
				}
				hits, err := s.WhereElse(ctx, id)
				if err != nil {
					return notFound(err, fmt.Sprintf("cause %d", id))
				}
				if asJSON {
					if hits == nil {
						hits = []store.WhereElseHit{}
					}
					return writeJSON(cmd.OutOrStdout(), hits)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ASSET\tTEAM\tMATCH\tTASK\tWHY\n")
				for _, h := range hits {
					task := "-"
					if h.Task != 0 {
						task = strconv.FormatInt(h.Task, 10)
					}
					name := h.Asset.Name
					if h.InIncident {
						name += " (this incident)"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, cmpOrDash(h.Asset.Team), h.Match, task, h.Reason)
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&open, "open", false, "open tasks for the assets found")
	f.StringSliceVar(&req.Assets, "asset", nil, "open a task for this asset only (repeatable)")
	f.StringVar(&req.Owner, "owner", "", "whose tasks they are")
	f.StringVar(&due, "due", "", "the tasks' due day")
	f.StringVar(&actor, "as", defaultActor(), "who opens them, for the audit log")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
