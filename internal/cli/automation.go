package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/automation"
	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// engine is the automation engine as configured: e-mail through smtp.*,
// webhooks signed with automation.secret, SSVC through the matcher.
func (c *Config) engine(s store.Store, log *slog.Logger) (*automation.Engine, error) {
	n, err := c.notifier(s, log)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	e := &automation.Engine{Store: s, Hooks: n.Hooks, Secret: string(c.Automation.Secret), Log: log}
	if n.Mail != nil {
		e.Mail = n.Mail
	}
	e.SSVC = func(ctx context.Context, f *finding.Finding, point, value, by, reason string, now time.Time) ([]finding.Decision, error) {
		id, err := pointID(point)
		if err != nil {
			return nil, err
		}
		o := risk.SSVCOverride{Point: id, Value: value, By: by, Reason: reason, At: now}
		a, err := s.Asset(ctx, f.Asset)
		if err != nil {
			return nil, err
		}
		as, err := newMatcher(c, s).Assess(ctx, a, f.Vuln, append(append(f.Overrides[:0:0], f.Overrides...), o))
		if err != nil {
			return nil, err
		}
		return f.OverrideSSVC(o, as, now), nil
	}
	return e, nil
}

// automationJobs are the engine's scheduled work for vmc serve: events
// handled every minute, SLA and acceptance checks every hour.
func automationJobs(e *automation.Engine, log *slog.Logger) []fetch.Job {
	return []fetch.Job{
		{Name: "rules", Every: time.Minute, Run: func(ctx context.Context) error {
			rep, err := e.Run(ctx)
			if rep.Runs+rep.Notices > 0 {
				log.Info("rules", "events", rep.Events, "runs", rep.Runs, "failed", rep.Failed, "watch notices", rep.Notices)
			}
			return err
		}},
		{Name: "rule checks", Every: time.Hour, Run: func(ctx context.Context) error {
			_, err := e.Check(ctx)
			return err
		}},
	}
}

func newRule() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rule",
		Short: "Automation rules: conditions over events and the actions they take",
		Long: `Rules act on events: advisory.created, advisory.changed (KEV additions, EPSS
changes), finding.created, finding.changed, sla.near, sla.breached,
acceptance.expiring, incident.opened, report.received, baseline.drift,
review.due, review.overdue (the incident-response process review),
audit.due, audit.overdue (configuration audit plans) and sync.failed (a
scheduled feed sync that failed).

A rule has a condition (--when) and actions (--then), both written in
expr-lang (https://expr-lang.org), over the event: kind, object, actor,
advisory.{id, kev, kev_added, epss, epss_before, epss_delta, cvss, cwes,
text, vendors, products, product_text, packages, purls, cpes, sources,
fields}, finding.{id, asset, team, vuln, package, state, priority,
assignee, kev, epss, cvss, due, days_left, change, expires}, incident.{...},
report.{...}, drift.{asset, baseline, drifted, failed, compliance},
review.{next, last, every_months, days_left, overdue}, audit.{plan, name,
environment, owner, due, days_left, overdue, runs}, sync.{source, error,
started}. Actions are built by priority(level), ssvc(point, value), assign(to), notify(to, subject),
open_incident(title, severity), ticket(url, summary) and tag(name); --then gives
one or a list. Every change is a new version, in the audit log.`,
	}
	cmd.AddCommand(newRuleAdd(), newRuleEdit(), newRuleToggle(true), newRuleToggle(false), newRuleList(), newRuleShow(),
		newRuleDryRun(), newRuleRun(), newRuleCheck(), newRuleEvents(), newRuleRuns(), newRuleTags())
	return cmd
}

// ruleFlags are the parts of a rule a command sets.
type ruleFlags struct {
	name, when, then, reason, actor, lang string
	on                                    []string
	disabled                              bool
}

func (f *ruleFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "the rule's name")
	fs.StringSliceVar(&f.on, "on", nil, "event kinds it listens to (default every kind)")
	fs.StringVar(&f.when, "when", "", "condition, an expr boolean; @FILE reads it from a file")
	fs.StringVar(&f.then, "then", "", "actions, an expr expression; @FILE reads it from a file")
	fs.StringVar(&f.reason, "reason", "", "why, for the audit log")
	fs.StringVar(&f.actor, "as", defaultActor(), "who changes it, for the audit log")
	fs.StringVar(&f.lang, "lang", "en", "language of compile errors: en or zh-CN")
}

// apply sets what was given on r.
func (f *ruleFlags) apply(cmd *cobra.Command, r *rules.Rule) error {
	fs := cmd.Flags()
	if fs.Changed("name") {
		r.Name = f.name
	}
	if fs.Changed("on") {
		r.On = nil
		for _, k := range f.on {
			r.On = append(r.On, rules.Kind(strings.TrimSpace(k)))
		}
	}
	for _, x := range []struct {
		flag string
		val  string
		dst  *string
	}{{"when", f.when, &r.When}, {"then", f.then, &r.Then}} {
		if !fs.Changed(x.flag) {
			continue
		}
		v := x.val
		if name, ok := strings.CutPrefix(v, "@"); ok {
			b, err := readLimited(name, rules.MaxSource)
			if err != nil {
				return usageError{fmt.Errorf("--%s: %w", x.flag, err)}
			}
			v = string(b)
		}
		*x.dst = v
	}
	r.Reason = f.reason
	return nil
}

// saveRule compiles r and saves it as a new version; a rule that does not
// compile is refused with the position of the error.
func saveRule(cmd *cobra.Command, s store.Store, r rules.Rule, f *ruleFlags) error {
	if _, err := rules.Compile(r); err != nil {
		var ce *rules.CompileError
		if errors.As(err, &ce) {
			return usageError{errors.New("rule: " + ce.Localize(f.lang))}
		}
		return usageError{err}
	}
	out, err := s.PutAutomation(cmd.Context(), r, f.actor)
	if err != nil {
		return err
	}
	state := "enabled"
	if !out.Enabled {
		state = "disabled"
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "rule %d version %d: %s (%s)\n", out.ID, out.Version, out.Name, state)
	return err
}

func newRuleAdd() *cobra.Command {
	var f ruleFlags
	cmd := &cobra.Command{
		Use:   "add --name NAME [--on KIND,...] [--when EXPR] --then EXPR",
		Short: "Add a rule; it acts on events recorded from now on",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := rules.Rule{Enabled: !f.disabled}
			if err := f.apply(cmd, &r); err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error { return saveRule(cmd, s, r, &f) })
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&f.disabled, "disabled", false, "save it disabled")
	return cmd
}

func ruleID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Errorf("rule id %q: want a number", arg)}
	}
	return id, nil
}

func newRuleEdit() *cobra.Command {
	var f ruleFlags
	cmd := &cobra.Command{
		Use:   "edit ID [--name NAME] [--on KIND,...] [--when EXPR] [--then EXPR]",
		Short: "Change a rule: a new version",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := ruleID(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				r, err := s.Automation(cmd.Context(), id, 0)
				if err != nil {
					return err
				}
				if err := f.apply(cmd, &r); err != nil {
					return err
				}
				return saveRule(cmd, s, r, &f)
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newRuleToggle(enable bool) *cobra.Command {
	var f ruleFlags
	use, short := "disable ID", "Disable a rule: a new version"
	if enable {
		use, short = "enable ID", "Enable a rule: a new version"
	}
	cmd := &cobra.Command{
		Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := ruleID(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				r, err := s.Automation(cmd.Context(), id, 0)
				if err != nil {
					return err
				}
				r.Enabled, r.Reason = enable, f.reason
				return saveRule(cmd, s, r, &f)
			})
		},
	}
	cmd.Flags().StringVar(&f.reason, "reason", "", "why, for the audit log")
	cmd.Flags().StringVar(&f.actor, "as", defaultActor(), "who changes it, for the audit log")
	return cmd
}

func newRuleList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use: "list", Short: "List rules (their current versions)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				rs, err := s.ListAutomations(cmd.Context())
				if err != nil || asJSON {
					return cmpJSON(cmd, rs, err)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tVERSION\tSTATE\tON\tNAME")
				for _, r := range rs {
					state := "enabled"
					if !r.Enabled {
						state = "disabled"
					}
					on := "*"
					if len(r.On) > 0 {
						on = fmt.Sprint(r.On)
						on = strings.Trim(on, "[]")
					}
					fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", r.ID, r.Version, state, on, r.Name)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func cmpJSON(cmd *cobra.Command, v any, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(cmd.OutOrStdout(), v)
}

func newRuleShow() *cobra.Command {
	var (
		version  int
		versions bool
	)
	cmd := &cobra.Command{
		Use: "show ID [--version N | --versions]", Short: "Show a rule, one of its versions, or all of them", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := ruleID(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				var rs []rules.Rule
				if versions {
					rs, err = s.AutomationVersions(cmd.Context(), id)
				} else {
					var r rules.Rule
					r, err = s.Automation(cmd.Context(), id, version)
					rs = []rules.Rule{r}
				}
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				for _, r := range rs {
					fmt.Fprintf(w, "rule %d version %d: %s\n", r.ID, r.Version, r.Name)
					fmt.Fprintf(w, "  enabled  %v\n  by       %s at %s\n", r.Enabled, r.By, r.At.Format(time.RFC3339))
					if len(r.On) > 0 {
						fmt.Fprintf(w, "  on       %s\n", strings.Trim(fmt.Sprint(r.On), "[]"))
					}
					if r.When != "" {
						fmt.Fprintf(w, "  when     %s\n", r.When)
					}
					fmt.Fprintf(w, "  then     %s\n", r.Then)
					if r.Reason != "" {
						fmt.Fprintf(w, "  reason   %s\n", r.Reason)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "the version (default the latest)")
	cmd.Flags().BoolVar(&versions, "versions", false, "every version, oldest first")
	return cmd
}

func newRuleDryRun() *cobra.Command {
	var (
		f      ruleFlags
		limit  int
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "dry-run [ID] [--when EXPR --then EXPR ...]",
		Short: "Show what a rule (saved, changed, or new) would have done with past events, doing nothing",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				r := rules.Rule{Name: "dry-run", Enabled: true}
				if len(args) == 1 {
					id, err := ruleID(args[0])
					if err != nil {
						return err
					}
					if r, err = s.Automation(cmd.Context(), id, 0); err != nil {
						return err
					}
				}
				if err := f.apply(cmd, &r); err != nil {
					return err
				}
				e := &automation.Engine{Store: s}
				res, err := e.DryRun(cmd.Context(), r, limit)
				var ce *rules.CompileError
				if errors.As(err, &ce) {
					return usageError{errors.New("rule: " + ce.Localize(f.lang))}
				}
				if err != nil || asJSON {
					return cmpJSON(cmd, res, err)
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%d events evaluated, %d matched\n", res.Evaluated, len(res.Results))
				for _, x := range res.Results {
					fmt.Fprintf(w, "event %d %s %s:", x.Event, x.Kind, x.Object)
					if x.Error != "" {
						fmt.Fprintf(w, " error: %s\n", firstLineOf(x.Error))
						continue
					}
					for i, a := range x.Actions {
						sep := ","
						if i == 0 {
							sep = ""
						}
						fmt.Fprintf(w, "%s would %s", sep, a)
					}
					if x.Findings > 0 {
						fmt.Fprintf(w, " (%d findings now)", x.Findings)
					}
					fmt.Fprintln(w)
				}
				return nil
			})
		},
	}
	f.register(cmd)
	cmd.Flags().IntVar(&limit, "limit", 1000, "how many past events, newest first")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func newRuleRun() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Record new events and run the enabled rules and watches on them (vmc serve does this every minute)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				log, err := c.logger(cmd.ErrOrStderr())
				if err != nil {
					return usageError{err}
				}
				e, err := c.engine(s, log)
				if err != nil {
					return usageError{err}
				}
				rep, err := e.Run(cmd.Context())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d new events, %d handled, %d rule runs (%d failed), %d watch notices\n",
					rep.Events, rep.Handled, rep.Runs, rep.Failed, rep.Notices)
				return err
			})
		},
	}
}

func newRuleCheck() *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "check [--at YYYY-MM-DD]",
		Short: "Record SLA, acceptance, process review and audit deadline events (vmc serve does this every hour)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := asOf(at)
			if err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				e := &automation.Engine{Store: s, Now: func() time.Time { return now }}
				n, err := e.Check(cmd.Context())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d new events\n", n)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "check as of this date")
	return cmd
}

func newRuleEvents() *cobra.Command {
	var (
		kinds  []string
		limit  int
		asJSON bool
	)
	cmd := &cobra.Command{
		Use: "events [--kind KIND,...]", Short: "List recorded events, newest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := store.EventQuery{Newest: true, Limit: limit}
			for _, k := range kinds {
				var kind rules.Kind
				if err := kind.UnmarshalText([]byte(k)); err != nil {
					return usageError{err}
				}
				q.Kinds = append(q.Kinds, kind)
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				evs, err := s.Events(cmd.Context(), q)
				if err != nil || asJSON {
					return cmpJSON(cmd, evs, err)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tOBJECT\tDETAIL")
				for _, e := range evs {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", e.ID, e.Kind, e.Object, eventDetail(e))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringSliceVar(&kinds, "kind", nil, "only these kinds")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// eventDetail is a line on what an event is about.
func eventDetail(e rules.Event) string {
	switch env := e.Env; {
	case rules.Kind(e.Kind).Advisory():
		a := env.Advisory
		s := fmt.Sprintf("fields %s; sources %s", strings.Join(a.Fields, ","), strings.Join(a.Sources, ","))
		if a.KEVAdded {
			s += "; KEV added"
		}
		if a.EPSSDelta != 0 {
			s += fmt.Sprintf("; EPSS %.5f → %.5f", a.EPSSBefore, a.EPSS)
		}
		return s
	case env.Finding.ID != 0:
		f := env.Finding
		return strings.TrimSpace(fmt.Sprintf("%s on %s %s %s", f.Vuln, f.Asset, f.State, f.Change))
	case env.Incident.ID != 0:
		return env.Incident.Title
	case env.Report.ID != 0:
		return env.Report.Title
	case env.Drift.Asset != "":
		return fmt.Sprintf("%s: %d rules drifted", env.Drift.Baseline, env.Drift.Drifted)
	case e.Kind == rules.ReviewDue || e.Kind == rules.ReviewOverdue:
		if env.Review.Next.IsZero() {
			return "none held: due now"
		}
		return "due by " + env.Review.Next.Format(time.DateOnly)
	case env.Audit.Plan != 0:
		return fmt.Sprintf("%s (%s) due %s", env.Audit.Name, env.Audit.Environment, env.Audit.Due.Format(time.DateOnly))
	case env.Sync.Source != "":
		return fmt.Sprintf("%s: %s", env.Sync.Source, env.Sync.Error)
	}
	return ""
}

func newRuleRuns() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use: "runs [ID]", Short: "What rules did, newest event first", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var q store.RunQuery
			if len(args) == 1 {
				id, err := ruleID(args[0])
				if err != nil {
					return err
				}
				q.Rule = id
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				runs, err := s.Runs(cmd.Context(), q)
				if err != nil || asJSON {
					return cmpJSON(cmd, runs, err)
				}
				w := cmd.OutOrStdout()
				for _, r := range runs {
					fmt.Fprintf(w, "rule %d v%d event %d: %s", r.Rule, r.Version, r.Event, r.Status)
					if r.Outcome.Error != "" {
						fmt.Fprintf(w, ": %s", firstLineOf(r.Outcome.Error))
					}
					fmt.Fprintln(w)
					for _, x := range r.Results {
						fmt.Fprintf(w, "  %s\n", x)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newRuleTags() *cobra.Command {
	return &cobra.Command{
		Use: "tags [OBJECT]", Short: "Tags rules put on objects", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ts, err := s.Tags(cmd.Context(), strings.Join(args, ""))
				if err != nil {
					return err
				}
				for _, t := range ts {
					fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\n", t.Object, t.Tag, t.By)
				}
				return nil
			})
		},
	}
}

func newWatch() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Watchlists: be told of new or changed advisories about a vendor, product, purl, CPE or keyword",
	}
	var (
		w     rules.Watch
		kind  string
		owner string
		all   bool
	)
	add := &cobra.Command{
		Use:   "add --kind vendor|product|purl|cpe|keyword --value VALUE --to ADDRESS",
		Short: "Watch something; keywords match titles and descriptions in any language (中文 too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := w.Kind.UnmarshalText([]byte(kind)); err != nil {
				return usageError{err}
			}
			w.User = owner
			if err := w.Validate(); err != nil {
				return usageError{err}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				out, err := s.PutWatch(cmd.Context(), w)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "watch %d: %s %q for %s → %s\n", out.ID, out.Kind, out.Value, out.User, out.To)
				return err
			})
		},
	}
	add.Flags().StringVar(&kind, "kind", "", "vendor, product, purl, cpe or keyword")
	add.Flags().StringVar(&w.Value, "value", "", "what to watch")
	add.Flags().StringVar(&w.To, "to", "", "e-mail address or webhook URL to tell")
	add.Flags().StringVar(&owner, "as", defaultActor(), "whose watch it is")
	list := &cobra.Command{
		Use: "list [--all]", Short: "List your watches (or everyone's)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			who := owner
			if all {
				who = ""
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ws, err := s.ListWatches(cmd.Context(), who)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tUSER\tKIND\tVALUE\tTO")
				for _, w := range ws {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", w.ID, w.User, w.Kind, w.Value, w.To)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&owner, "as", defaultActor(), "whose watches")
	list.Flags().BoolVar(&all, "all", false, "everyone's")
	rm := &cobra.Command{
		Use: "rm ID", Short: "Stop watching", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := ruleID(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				if err := s.DeleteWatch(cmd.Context(), id, owner); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "watch %d removed\n", id)
				return err
			})
		},
	}
	rm.Flags().StringVar(&owner, "as", defaultActor(), "whose watch")
	cmd.AddCommand(add, list, rm)
	return cmd
}
