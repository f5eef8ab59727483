package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/hardening"
	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/samm"
	"github.com/vmc-dev/vmc/internal/store"
)

// vmc maintenance: environment hardening (OWASP SAMM O-EM, NIST SP
// 800-40r4).

func newMaintenance() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "maintenance",
		Aliases: []string{"maint"},
		Short:   "Environment hardening (环境加固): specs, maintenance groups, patch plans, protective tools, audits",
		Long: `Environment hardening as OWASP SAMM v2's Environment Management practice (O-EM,
levels 1–3) and NIST SP 800-40r4's patch management planning describe it:

  spec      each asset's environment specification, versioned
  upgrades  the security upgrades open findings call for, per environment
  group     maintenance groups, their windows and maintenance plans, and what
            triggers emergency patching now (KEV, SSVC act)
  plan      patch plans; their progress is measured from re-scans: a finding
            a later scan no longer finds (verified) is patched, a claim is not
  tool      protective tools per asset (WAF, EDR, RASP, host firewall, FIM)
            and the coverage gaps per group and environment
  audit     scheduled configuration audits per environment, their runs and
            follow-ups; overdue audits first

Every change is in the audit log.`,
	}
	cmd.AddCommand(newSpec(), newUpgrades(), newGroup(), newPatchPlan(), newTool(), newAuditPlan())
	return cmd
}

// refused turns domain validation errors into exit code 1 with the
// message, as other commands report refusals.
func refused(err error) error {
	if errors.Is(err, maintenance.ErrInvalid) || errors.Is(err, samm.ErrInvalid) {
		return &exitError{code: 1, err: fmt.Errorf("refused: %w", err)}
	}
	return err
}

func newSpec() *cobra.Command {
	cmd := &cobra.Command{Use: "spec", Short: "Environment specifications per asset, every change a new version"}
	var (
		sp              maintenance.Spec
		config          []string
		actor           string
		asJSON, history bool
	)
	set := &cobra.Command{
		Use:   "set ASSET",
		Short: "Record the asset's environment specification (a new version if it changed)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sp.Asset = args[0]
			for _, c := range config {
				s, err := maintenance.ParseSetting(c)
				if err != nil {
					return usageError{err}
				}
				sp.Config = append(sp.Config, s)
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				got, err := s.PutSpec(cmd.Context(), sp, actor)
				if err != nil {
					return refused(notFound(err, "asset "+sp.Asset))
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: environment specification version %d, owner %s\n", got.Asset, got.Version, got.Owner)
				return err
			})
		},
	}
	f := set.Flags()
	f.StringVar(&sp.Owner, "owner", "", "who answers for the specification")
	f.StringVar(&sp.OS, "os", "", "operating system")
	f.StringVar(&sp.OSVersion, "os-version", "", "operating system version")
	f.StringArrayVar(&sp.Runtime, "runtime", nil, `a runtime, "name version" (repeatable)`)
	f.StringArrayVar(&sp.Middleware, "middleware", nil, `middleware, "name version" (repeatable)`)
	f.StringArrayVar(&sp.Components, "component", nil, `a third-party component, "name version" (repeatable)`)
	f.StringArrayVar(&config, "config", nil, "required configuration, key=value (repeatable)")
	f.StringVar(&sp.Change, "change", "", "what this version changes")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	show := &cobra.Command{
		Use:   "show ASSET",
		Short: "Show the asset's current specification, or every version with --history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				specs, err := s.Specs(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if len(specs) == 0 {
					return notFound(store.ErrNotFound, "environment specification of "+args[0])
				}
				if !history {
					specs = specs[:1]
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), specs)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				for _, sp := range specs {
					fmt.Fprintf(tw, "version\t%d\t%s by %s\t%s\n", sp.Version, sp.Created.Format(time.DateOnly), sp.By, sp.Change)
					fmt.Fprintf(tw, "owner\t%s\nos\t%s %s\n", sp.Owner, sp.OS, sp.OSVersion)
					for _, l := range []struct {
						name string
						vs   []string
					}{{"runtime", sp.Runtime}, {"middleware", sp.Middleware}, {"component", sp.Components}} {
						for _, v := range l.vs {
							fmt.Fprintf(tw, "%s\t%s\n", l.name, v)
						}
					}
					for _, c := range sp.Config {
						fmt.Fprintf(tw, "config\t%s=%s\n", c.Key, c.Value)
					}
				}
				return tw.Flush()
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	show.Flags().BoolVar(&history, "history", false, "every version, newest first")
	cmd.AddCommand(set, show)
	return cmd
}

func newUpgrades() *cobra.Command {
	var (
		env    string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "upgrades",
		Short: "Critical security upgrades: components with open findings an update fixes, per environment",
		Long: `The third-party components with open findings that an update fixes, per
environment: the installed versions, the lowest version that fixes every
listed vulnerability (from the advisories' affected ranges), the assets and
findings. Vulnerabilities on the same package with no fixed version are listed
as "no fix": the maintenance plan's no-patch path applies to them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e := asset.Environment(env)
			if env != "" && !e.IsValid() {
				return usageError{fmt.Errorf("--env %q: prod, staging, test or dev", env)}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				us, err := hardening.Upgrades(cmd.Context(), s, e)
				if err != nil || asJSON {
					return cmp.Or(err, writeJSON(cmd.OutOrStdout(), us))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ENV\tPACKAGE\tINSTALLED\tUPGRADE TO\tKEV\tVULNS\tASSETS\tNO FIX")
				for _, u := range us {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cmp.Or(string(u.Environment), "-"), u.Package, strings.Join(u.Installed, ","),
						u.FixedVersion, yesNo(u.KEV), strings.Join(u.Vulns, ","), strings.Join(u.Assets, ","), cmp.Or(strings.Join(u.NoFix, ","), "-"))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&env, "env", "", "only this environment")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}

func newGroup() *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Maintenance groups (SP 800-40r4): windows, maintenance plans, emergency triggers"}
	var (
		g       maintenance.Group
		windows []string
		actor   string
		asJSON  bool
	)
	set := &cobra.Command{
		Use:   "set NAME",
		Short: "Create or change a maintenance group and its plan; assets join with vmc asset set --group",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g.Name = args[0]
			for _, w := range windows {
				win, err := maintenance.ParseWindow(w)
				if err != nil {
					return usageError{err}
				}
				g.Windows = append(g.Windows, win)
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				got, err := s.PutGroup(cmd.Context(), g, actor)
				if err != nil {
					return refused(err)
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "maintenance group %s: %s, risk %s, routine every %d days, emergency within %dh\n",
					got.Name, got.Function, got.Risk, got.Plan.RoutineDays, got.Plan.EmergencyHours)
				return err
			})
		},
	}
	f := set.Flags()
	f.StringVar(&g.Function, "function", "", "what the group's assets do")
	f.StringVar((*string)(&g.Risk), "risk", "", "low, medium, high or critical")
	f.StringVar(&g.Owner, "owner", "", "who runs the group's maintenance")
	f.StringArrayVar(&windows, "window", nil, `a maintenance window, "<day> <HH:MM> <hours>h" in UTC (repeatable)`)
	f.IntVar(&g.Plan.RoutineDays, "routine-days", 30, "routine patching cadence in days")
	f.IntVar(&g.Plan.EmergencyHours, "emergency-hours", 48, "how soon emergency updates are applied")
	f.BoolVar(&g.Plan.OnKEV, "on-kev", true, "a KEV vulnerability triggers emergency patching")
	f.BoolVar(&g.Plan.OnSSVCAct, "on-ssvc-act", true, "the SSVC outcome Act triggers emergency patching")
	f.StringVar(&g.Plan.Mitigation, "mitigation", "", "when no patch exists: how the risk is reduced in place")
	f.StringVar(&g.Plan.Isolation, "isolation", "", "when no patch exists: how the assets are isolated")
	f.StringVar(&g.Plan.Acceptance, "acceptance", "", "when no patch exists: who accepts the risk (vmc finding accept)")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")

	show := &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show a group (or every group): members, next window, plan, emergency triggers, patch plans",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				now := time.Now().UTC()
				var (
					rs  []hardening.GroupReport
					err error
				)
				if len(args) == 1 {
					var r hardening.GroupReport
					r, err = hardening.Group(cmd.Context(), s, args[0], now)
					rs = []hardening.GroupReport{r}
				} else {
					rs, err = hardening.Groups(cmd.Context(), s, now)
				}
				if err != nil {
					return notFound(err, "maintenance group "+strings.Join(args, ""))
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), rs)
				}
				for _, r := range rs {
					if err := printGroup(cmd.OutOrStdout(), r); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.AddCommand(set, show)
	return cmd
}

func printGroup(w io.Writer, r hardening.GroupReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	var wins []string
	for _, x := range r.Group.Windows {
		wins = append(wins, x.String())
	}
	fmt.Fprintf(tw, "group\t%s\nfunction\t%s\nrisk\t%s\nowner\t%s\nmembers\t%s\nwindows\t%s UTC\n", r.Group.Name, r.Group.Function, r.Group.Risk, r.Group.Owner,
		cmp.Or(strings.Join(r.Members, ", "), "-"), strings.Join(wins, "; "))
	if !r.NextWindow.IsZero() {
		fmt.Fprintf(tw, "next window\t%s\n", r.NextWindow.Format("2006-01-02 15:04 UTC"))
	}
	var on []string
	if r.Group.Plan.OnKEV {
		on = append(on, "KEV")
	}
	if r.Group.Plan.OnSSVCAct {
		on = append(on, "SSVC act")
	}
	fmt.Fprintf(tw, "routine patching\tevery %d days, in a window\n", r.Group.Plan.RoutineDays)
	fmt.Fprintf(tw, "emergency patching\twithin %dh of discovery, on %s\n", r.Group.Plan.EmergencyHours, strings.Join(on, " or "))
	fmt.Fprintf(tw, "no patch: mitigate\t%s\nno patch: isolate\t%s\nno patch: accept\t%s (vmc finding accept; Risk acceptances in the UI)\n",
		r.Group.Plan.Mitigation, r.Group.Plan.Isolation, r.Group.Plan.Acceptance)
	fmt.Fprintf(tw, "open findings\t%d\nemergency now\t%d\n", r.Open, len(r.Triggers))
	for _, t := range r.Triggers {
		fmt.Fprintf(tw, "  finding %d\t%s %s on %s (%s), fix %s, due %s\n", t.Finding, t.Vuln, t.Package, t.Asset, strings.Join(t.Reasons, ", "),
			cmp.Or(t.FixedVersion, "none: no-patch path"), t.Due.Format(time.DateOnly))
	}
	for _, p := range r.Plans {
		fmt.Fprintf(tw, "patch plan %d\t%s, %s, %s: %d%% patched (%d of %d verified by re-scan)\n", p.Plan.ID, p.Plan.Title, p.Plan.Status,
			p.Plan.Scheduled.Format(time.DateOnly), p.Progress.Percent, p.Progress.Patched, p.Progress.Findings-p.Progress.Excluded)
	}
	fmt.Fprintln(tw)
	return tw.Flush()
}

func newPatchPlan() *cobra.Command {
	cmd := &cobra.Command{Use: "plan", Short: "Patch plans: which updates, for which group, when, rollback, status; progress from re-scans"}
	var (
		p                     maintenance.PatchPlan
		pkg, scheduled, actor string
		status                string
		asJSON                bool
		group                 string
	)
	create := &cobra.Command{
		Use:   "create",
		Short: "Plan updates for a maintenance group: findings by id (--finding) or by package (--package)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				if pkg != "" {
					fs, err := hardening.GroupFindings(ctx, s, p.Group, pkg)
					if err != nil {
						return notFound(err, "maintenance group "+p.Group)
					}
					if len(fs) == 0 {
						return &exitError{code: 1, err: fmt.Errorf("refused: no open findings on %s in group %s", pkg, p.Group)}
					}
					for _, f := range fs {
						p.Findings = append(p.Findings, f.ID)
					}
				}
				switch scheduled {
				case "next-window":
					g, err := s.Group(ctx, p.Group)
					if err != nil {
						return notFound(err, "maintenance group "+p.Group)
					}
					p.Scheduled = g.NextWindow(time.Now())
				default:
					t, err := parseIncidentTime("--scheduled", scheduled)
					if err != nil {
						return err
					}
					p.Scheduled = t
				}
				got, err := s.PutPatchPlan(ctx, p, actor)
				if err != nil {
					return refused(notFound(err, "such group or finding: "+err.Error()))
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "patch plan %d: %s for group %s, %d findings, scheduled %s, %s\n",
					got.ID, got.Title, got.Group, len(got.Findings), got.Scheduled.Format(time.RFC3339), got.Status)
				return err
			})
		},
	}
	f := create.Flags()
	f.StringVar(&p.Group, "group", "", "the maintenance group")
	f.StringVar(&p.Title, "title", "", "what the plan does")
	f.Int64SliceVar(&p.Findings, "finding", nil, "a finding the updates fix (repeatable)")
	f.StringVar(&pkg, "package", "", "plan every open finding on this package in the group")
	f.StringArrayVar(&p.Updates, "update", nil, `an update, "package from → to" (repeatable)`)
	f.StringVar(&scheduled, "scheduled", "next-window", "when: a time, a day, or next-window")
	f.StringVar(&p.Rollback, "rollback", "", "how to undo the deployment")
	f.StringVar(&p.Owner, "owner", "", "who deploys it (default: --as)")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")

	set := &cobra.Command{
		Use:   "set ID",
		Short: "Move a patch plan: planned → approved → deploying → deployed (or rolled_back, cancelled)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("patch plan", args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				cur, err := s.PatchPlan(cmd.Context(), id)
				if err != nil {
					return notFound(err, "patch plan "+args[0])
				}
				cur.Status = maintenance.PatchStatus(status)
				got, err := s.PutPatchPlan(cmd.Context(), cur, actor)
				if err != nil {
					return refused(err)
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "patch plan %d: %s\n", got.ID, got.Status)
				return err
			})
		},
	}
	set.Flags().StringVar(&status, "status", "", "approved, deploying, deployed, rolled_back, cancelled or planned")
	set.Flags().StringVar(&actor, "as", defaultActor(), "who decides it, for the audit log")

	list := &cobra.Command{
		Use:   "list",
		Short: "Patch plans with their progress measured from re-scans",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				rs, err := hardening.Plans(cmd.Context(), s, group)
				if err != nil || asJSON {
					return cmp.Or(err, writeJSON(cmd.OutOrStdout(), rs))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tGROUP\tTITLE\tSCHEDULED\tSTATUS\tPATCHED\tVERIFIED\tCLAIMED\tOPEN\tROLLBACK")
				for _, r := range rs {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d%%\t%d/%d\t%d\t%d\t%s\n", r.Plan.ID, r.Plan.Group, r.Plan.Title, r.Plan.Scheduled.Format(time.DateOnly), r.Plan.Status,
						r.Progress.Percent, r.Progress.Patched, r.Progress.Findings-r.Progress.Excluded, r.Progress.Claimed, r.Progress.Open, r.Plan.Rollback)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&group, "group", "", "only this group's plans")
	list.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.AddCommand(create, set, list)
	return cmd
}

func newTool() *cobra.Command {
	cmd := &cobra.Command{Use: "tool", Short: "Protective tools per asset and their coverage gaps"}
	var (
		t           maintenance.Tool
		kind, actor string
		inactive    bool
		asJSON      bool
	)
	set := &cobra.Command{
		Use:   "set ASSET",
		Short: "Record a protective tool on an asset (waf, edr, rasp, host_firewall, fim)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t.Asset, t.Kind, t.Active = args[0], maintenance.ToolKind(kind), !inactive
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				got, err := s.PutTool(cmd.Context(), t, actor)
				if err != nil {
					return refused(notFound(err, "asset "+t.Asset))
				}
				state := "active"
				if !got.Active {
					state = "inactive"
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %s %s, %s\n", got.Asset, got.Kind, got.Product, state)
				return err
			})
		},
	}
	f := set.Flags()
	f.StringVar(&kind, "kind", "", "waf, edr, rasp, host_firewall or fim")
	f.StringVar(&t.Product, "product", "", "the product and version")
	f.BoolVar(&inactive, "inactive", false, "installed but switched off or only watching: covers nothing")
	f.StringVar(&t.Note, "note", "", "a note")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	gaps := &cobra.Command{
		Use:   "gaps",
		Short: "Coverage per maintenance group and environment, and each asset's missing tools",
		Long: `Which assets lack the protective tools they should have: a host EDR, a host
firewall and file integrity monitoring; an application RASP, and a WAF when it
faces the internet; an internet-facing image a WAF. An inactive tool covers
nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				r, err := hardening.Coverage(cmd.Context(), s)
				if err != nil || asJSON {
					return cmp.Or(err, writeJSON(cmd.OutOrStdout(), r))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SCOPE\tNAME\tASSETS\tWITH GAPS\tMISSING")
				for _, c := range r.Coverage {
					var miss []string
					for _, k := range maintenance.ToolKinds {
						if n := c.Missing[k]; n > 0 {
							miss = append(miss, fmt.Sprintf("%s×%d", k, n))
						}
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", c.Scope, cmp.Or(c.Name, "(none)"), c.Assets, c.Gaps, cmp.Or(strings.Join(miss, " "), "-"))
				}
				fmt.Fprintln(tw, "\nASSET\tGROUP\tENV\tMISSING")
				for _, g := range r.Gaps {
					var miss []string
					for _, k := range g.Missing {
						miss = append(miss, string(k))
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", g.Asset, cmp.Or(g.Group, "-"), cmp.Or(string(g.Environment), "-"), strings.Join(miss, ", "))
				}
				return tw.Flush()
			})
		},
	}
	gaps.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.AddCommand(set, gaps)
	return cmd
}

func newAuditPlan() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Scheduled configuration audits per environment, their runs and follow-ups"}
	var (
		p                 maintenance.AuditPlan
		env, start, actor string
		pass, fail, na    []string
		at, note          string
		asJSON            bool
	)
	plan := &cobra.Command{
		Use:   "plan",
		Short: "Schedule a configuration audit of an environment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p.Environment = asset.Environment(env)
			t, err := parseIncidentTime("--start", start)
			if err != nil {
				return err
			}
			p.Start = t
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				got, err := s.PutAuditPlan(cmd.Context(), p, actor)
				if err != nil {
					return refused(err)
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "audit plan %d: %s (%s), %d checks every %d days, first due %s\n",
					got.ID, got.Name, got.Environment, len(got.Checklist), got.EveryDays, got.Due().Format(time.DateOnly))
				return err
			})
		},
	}
	f := plan.Flags()
	f.StringVar(&p.Name, "name", "", "the audit's name")
	f.StringVar(&env, "env", "", "the environment audited: prod, staging, test or dev")
	f.StringVar(&p.Scope, "scope", "", "what is audited")
	f.StringArrayVar(&p.Checklist, "check", nil, "a checklist item (repeatable)")
	f.IntVar(&p.EveryDays, "every", 90, "days between audits")
	f.StringVar(&start, "start", "", "when the first audit is due (a day)")
	f.StringVar(&p.Owner, "owner", "", "who runs the audits (default: --as)")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")

	run := &cobra.Command{
		Use:   "run PLAN",
		Short: "Record an audit: each checklist item passed, failed (with its follow-up) or not applicable (with why)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("audit plan", args[0])
			if err != nil {
				return err
			}
			r := maintenance.AuditRun{Plan: id, Note: note}
			if r.At, err = parseIncidentTime("--at", at); err != nil {
				return err
			}
			for _, item := range pass {
				r.Results = append(r.Results, maintenance.CheckResult{Item: item, Outcome: maintenance.Pass})
			}
			for _, x := range fail {
				item, follow, _ := strings.Cut(x, "=")
				r.Results = append(r.Results, maintenance.CheckResult{Item: item, Outcome: maintenance.Fail, FollowUp: follow})
			}
			for _, x := range na {
				item, why, _ := strings.Cut(x, "=")
				r.Results = append(r.Results, maintenance.CheckResult{Item: item, Outcome: maintenance.NA, Note: why})
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				got, err := s.AddAuditRun(cmd.Context(), r, actor)
				if err != nil {
					return refused(notFound(err, "audit plan "+args[0]))
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "audit run %d of plan %d: %d checks, %d failed\n", got.ID, id, len(got.Results), len(got.Failed()))
				for _, x := range got.Failed() {
					fmt.Fprintf(cmd.OutOrStdout(), "  failed: %s → follow-up %s\n", x.Item, x.FollowUp)
				}
				return err
			})
		},
	}
	f = run.Flags()
	f.StringArrayVar(&pass, "pass", nil, "a checklist item that passed (repeatable)")
	f.StringArrayVar(&fail, "fail", nil, `a failed item and its follow-up, "item=finding 12" (repeatable)`)
	f.StringArrayVar(&na, "na", nil, `an item not applicable and why, "item=reason" (repeatable)`)
	f.StringVar(&at, "at", "", "when the audit was done (default now)")
	f.StringVar(&note, "note", "", "a note on the audit")
	f.StringVar(&actor, "as", defaultActor(), "who audited, for the audit log")

	list := &cobra.Command{
		Use:   "list",
		Short: "Audit plans, overdue first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				rs, err := hardening.Audits(cmd.Context(), s, time.Now().UTC())
				if err != nil || asJSON {
					return cmp.Or(err, writeJSON(cmd.OutOrStdout(), rs))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tENV\tEVERY\tDUE\tOVERDUE\tRUNS\tLAST FAILED")
				for _, r := range rs {
					failed := "-"
					if n := len(r.Plan.Runs); n > 0 {
						var items []string
						for _, x := range r.Plan.Runs[n-1].Failed() {
							items = append(items, x.Item)
						}
						failed = cmp.Or(strings.Join(items, ", "), "none")
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%dd\t%s\t%s\t%d\t%s\n", r.Plan.ID, r.Plan.Name, r.Plan.Environment, r.Plan.EveryDays, r.Due.Format(time.DateOnly),
						yesNo(r.Overdue), len(r.Plan.Runs), failed)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.AddCommand(plan, run, list)
	return cmd
}

func newSAMM() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "samm",
		Short: "OWASP SAMM Environment Management (O-EM, EH1–3): questions, answers per project, maturity scores",
		Long: `OWASP SAMM v2's Environment Management practice, assessed per project: six
questions (levels 1–3 of stream A, Configuration Hardening, and stream B,
Patching and Updating), each answered on SAMM's answer set G:

  0 No   1 Yes, for some components   2 Yes, for at least half   3 Yes, for most or all

scored 0, 0.25, 0.5 and 1. A stream's score is the sum of its three levels'
(0–3), the practice's the average of the two streams, as the SAMM toolbox
computes them.`,
	}
	var (
		lang, actor string
		asJSON      bool
	)
	questions := &cobra.Command{
		Use:   "questions",
		Short: "The questions with their quality criteria and answer options",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), samm.Questions)
			}
			w := cmd.OutOrStdout()
			for _, q := range samm.Questions {
				fmt.Fprintf(w, "%s (level %d, %s): %s\n", q.ID, q.Level, samm.StreamNames[q.Stream].In(lang), q.Text.In(lang))
				for _, c := range q.Quality {
					fmt.Fprintf(w, "  - %s\n", c.In(lang))
				}
			}
			for i, o := range samm.Options {
				fmt.Fprintf(w, "%d = %s (%.2g)\n", i, o.Text.In(lang), o.Value)
			}
			return nil
		},
	}
	questions.Flags().StringVar(&lang, "lang", "en", "en or zh-CN")
	questions.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	answer := &cobra.Command{
		Use:   "answer PROJECT QUESTION=ANSWER...",
		Short: "Answer questions for a project: O-EM-1-A=3 O-EM-1-B=2 …",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			as := samm.Answers{}
			for _, a := range args[1:] {
				id, v, ok := strings.Cut(a, "=")
				var n int
				if _, err := fmt.Sscanf(v, "%d", &n); !ok || err != nil {
					return usageError{fmt.Errorf("%q: want QUESTION=0..3", a)}
				}
				if q, ok := samm.QuestionByID(id); ok {
					id = q.ID
				}
				as[id] = samm.Answer(n)
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if err := s.PutSAMMAnswers(cmd.Context(), args[0], as, actor); err != nil {
					return refused(err)
				}
				rs, err := hardening.SAMM(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				return printSAMM(cmd.OutOrStdout(), rs)
			})
		},
	}
	answer.Flags().StringVar(&actor, "as", defaultActor(), "who answers, for the audit log")
	score := &cobra.Command{
		Use:   "score [PROJECT...]",
		Short: "Maturity scores per project",
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				rs, err := hardening.SAMM(cmd.Context(), s, args...)
				if err != nil || asJSON {
					return cmp.Or(err, writeJSON(cmd.OutOrStdout(), rs))
				}
				return printSAMM(cmd.OutOrStdout(), rs)
			})
		},
	}
	score.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.AddCommand(questions, answer, score)
	return cmd
}

func printSAMM(w io.Writer, rs []hardening.SAMMReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROJECT\tO-EM\tA CONFIG HARDENING\tB PATCHING\tEH1\tEH2\tEH3\tANSWERED")
	for _, r := range rs {
		s := r.Score
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\n", r.Project, score(s.Practice), score(s.Streams[samm.StreamA]), score(s.Streams[samm.StreamB]),
			score(s.Levels[0]), score(s.Levels[1]), score(s.Levels[2]), s.Answered, len(samm.Questions))
	}
	return tw.Flush()
}

// score prints a SAMM score exactly: answers are quarters, so scores
// have at most three decimals.
func score(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
