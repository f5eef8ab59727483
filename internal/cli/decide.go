package cli

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

// Commands that record a person's decision about findings. Each takes
// findings by id, or every open finding --vuln and/or --asset select (bulk
// triage), and the person deciding (--as, default $VMC_USER or $USER).

// defaultActor is who the command line acts as until vmc has users:
// $VMC_USER, else the login name.
func defaultActor() string { return cmp.Or(os.Getenv("VMC_USER"), os.Getenv("USER"), "cli") }

// decideFlags are the selection and actor flags every decision takes.
type decideFlags struct {
	vuln, asset, actor, reason string
	// scope and teams make the decision a triage rule (see ruleFor).
	scope string
	teams []string
}

func (d *decideFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.vuln, "vuln", "", "every open finding of this vulnerability (any id)")
	fs.StringVar(&d.asset, "asset", "", "every open finding on this asset")
	fs.StringVar(&d.actor, "as", defaultActor(), "who decides, for the audit log")
	fs.StringVar(&d.reason, "reason", "", "why")
}

// registerScope adds the flags that make a decision a rule.
func (d *decideFlags) registerScope(fs *pflag.FlagSet) {
	fs.StringVar(&d.scope, "scope", "", `make it a rule: "component" (this vulnerability on this package, every asset) or "vuln" (this vulnerability everywhere), now and for future matches`)
	fs.StringSliceVar(&d.teams, "team", nil, "with --scope: only assets of these teams (default: every asset)")
}

// ruleFor turns a decision into a rule whose scope is set by --scope,
// taking the vulnerability and package from one finding (the only id
// given) or --vuln, applies it to the findings it reaches now, and keeps
// it for future matches.
func (d *decideFlags) ruleFor(cmd *cobra.Command, args []string, make func(r finding.Rule) finding.Rule) error {
	var scope finding.Scope
	if err := scope.UnmarshalText([]byte(d.scope)); err != nil {
		return usageError{fmt.Errorf("--scope: %w", err)}
	}
	return withStore(cmd, false, func(c *Config, s store.Store) error {
		ctx := cmd.Context()
		r := finding.Rule{Scope: scope, Reason: d.reason, By: d.actor, Teams: d.teams, Created: time.Now().UTC()}
		switch {
		case len(args) == 1:
			f, err := findingArg(cmd, s, args[0])
			if err != nil {
				return err
			}
			r.Vuln, r.Package = f.Vuln, f.Key().Package
		case len(args) == 0 && d.vuln != "" && scope == finding.ScopeVuln:
			v, err := s.Vuln(ctx, d.vuln, store.VulnOptions{})
			if err != nil {
				return err
			}
			r.Vuln = v.ID
		default:
			return usageError{errors.New("--scope takes one finding id (whose vulnerability and package it reaches), or --vuln with --scope vuln")}
		}
		r = make(r)
		if err := r.Validate(r.Created); err != nil {
			return usageError{err}
		}
		r, changed, err := newMatcher(c, s).ApplyRule(ctx, r, d.actor)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		where := "everywhere"
		if r.Package != "" {
			where = "on " + strings.ReplaceAll(r.Package, "\x1f", " ")
		}
		if r.Teams != nil {
			where += " of teams " + strings.Join(r.Teams, ", ")
		}
		fmt.Fprintf(out, "rule %d: %s %s\n", r.ID, r.Vuln, where)
		for _, g := range changed {
			fmt.Fprintf(out, "finding %d: %s, priority %s%s\n", g.ID, g.State, g.Priority, assigned(g))
		}
		return nil
	})
}

// ids resolves the findings a decision is about.
func (d *decideFlags) ids(cmd *cobra.Command, s store.Store, args []string) ([]int64, error) {
	var ids []int64
	for _, a := range args {
		id, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
		if err != nil {
			return nil, usageError{fmt.Errorf("finding id %q: not a number", a)}
		}
		ids = append(ids, id)
	}
	if d.vuln == "" && d.asset == "" {
		if len(ids) == 0 {
			return nil, usageError{errors.New("name findings by id, or select them with --vuln and/or --asset")}
		}
		return ids, nil
	}
	for f, err := range store.EachFinding(cmd.Context(), s, store.FindingQuery{Vuln: d.vuln, Asset: d.asset, Open: true, Limit: 1000}) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, f.ID)
	}
	if len(ids) == 0 {
		return nil, &exitError{code: 3, err: errors.New("no open finding matches --vuln/--asset")}
	}
	return ids, nil
}

// decide applies fn to each finding and prints the outcome; findings
// whose decision is refused are reported and the rest go on.
func (d *decideFlags) decide(cmd *cobra.Command, args []string, fn func(c *Config, s store.Store, f *finding.Finding, now time.Time) ([]finding.Decision, error)) error {
	return withStore(cmd, false, func(c *Config, s store.Store) error {
		ids, err := d.ids(cmd, s, args)
		if err != nil {
			return err
		}
		refused := 0
		out := cmd.OutOrStdout()
		for _, id := range ids {
			f, err := s.ChangeFinding(cmd.Context(), id, d.actor, func(f *finding.Finding) ([]finding.Decision, error) {
				return fn(c, s, f, time.Now().UTC())
			})
			if errors.Is(err, store.ErrNotFound) {
				refused++
				fmt.Fprintf(cmd.ErrOrStderr(), "finding %d: no such finding\n", id)
				continue
			}
			if errors.Is(err, finding.ErrTransition) || errors.Is(err, finding.ErrReason) || errors.Is(err, finding.ErrAcceptance) || errors.Is(err, finding.ErrPolicy) {
				refused++
				fmt.Fprintf(cmd.ErrOrStderr(), "refused: %v\n", err)
				continue
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "finding %d: %s, priority %s%s\n", f.ID, f.State, f.Priority, assigned(f))
		}
		if refused > 0 {
			return &exitError{code: 1, err: fmt.Errorf("%d of %d decisions refused", refused, len(ids))}
		}
		return nil
	})
}

func assigned(f finding.Finding) string {
	if f.Assignee == "" {
		return ""
	}
	return ", assigned to " + f.Assignee
}

func newFindingSet() *cobra.Command {
	var (
		d     decideFlags
		state string
	)
	cmd := &cobra.Command{
		Use:   "set [ID...] --state STATE",
		Short: "Move findings to another state (triaged, in_remediation, fixed, false_positive, not_affected, duplicate)",
		Long: `Move findings to another state, as the lifecycle allows: new → triaged →
in_remediation → fixed; false_positive, not_affected and duplicate need a
--reason. A fixed finding is verified only by a re-scan that no longer finds
it; a risk acceptance is made with "vmc finding accept". Each move goes to the
audit log with who made it and why.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var to finding.State
			if err := to.UnmarshalText([]byte(state)); err != nil {
				return usageError{fmt.Errorf("--state: %w (%v)", err, finding.States)}
			}
			if d.scope != "" {
				return d.ruleFor(cmd, args, func(r finding.Rule) finding.Rule { r.State = to; return r })
			}
			return d.decide(cmd, args, func(_ *Config, _ store.Store, f *finding.Finding, now time.Time) ([]finding.Decision, error) {
				dec, err := f.Move(to, d.reason, now)
				return []finding.Decision{dec}, err
			})
		},
	}
	d.register(cmd.Flags())
	d.registerScope(cmd.Flags())
	cmd.Flags().StringVar(&state, "state", "", "the state to move to")
	return cmd
}

func newFindingAssign() *cobra.Command {
	var (
		d  decideFlags
		to string
	)
	cmd := &cobra.Command{
		Use:   "assign [ID...] --to NAME",
		Short: `Assign findings to a person or team (--to "" unassigns)`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.decide(cmd, args, func(_ *Config, _ store.Store, f *finding.Finding, now time.Time) ([]finding.Decision, error) {
				return []finding.Decision{f.Assign(to, d.reason, now)}, nil
			})
		},
	}
	d.register(cmd.Flags())
	cmd.Flags().StringVar(&to, "to", "", "person or team")
	return cmd
}

func newFindingPriority() *cobra.Command {
	var (
		d     decideFlags
		set   string
		clear bool
	)
	cmd := &cobra.Command{
		Use:   "priority [ID...] (--set PRIORITY | --clear) --reason WHY",
		Short: "Override findings' priority, or give it back to the assessment",
		RunE: func(cmd *cobra.Command, args []string) error {
			var p risk.Priority
			switch {
			case clear && set != "":
				return usageError{errors.New("--set and --clear exclude each other")}
			case !clear:
				if err := p.UnmarshalText([]byte(set)); err != nil {
					return usageError{fmt.Errorf("--set: %w", err)}
				}
			}
			if d.scope != "" {
				if clear {
					return usageError{errors.New("--scope makes a rule; a rule cannot --clear")}
				}
				return d.ruleFor(cmd, args, func(r finding.Rule) finding.Rule { r.Priority = p; return r })
			}
			return d.decide(cmd, args, func(_ *Config, s store.Store, f *finding.Finding, now time.Time) ([]finding.Decision, error) {
				dec, err := f.OverridePriority(p, d.actor, d.reason, now)
				if err != nil {
					return nil, err
				}
				return []finding.Decision{dec}, reschedule(cmd, s, f)
			})
		},
	}
	d.register(cmd.Flags())
	d.registerScope(cmd.Flags())
	cmd.Flags().StringVar(&set, "set", "", "low, medium, high or critical")
	cmd.Flags().BoolVar(&clear, "clear", false, "remove the override")
	return cmd
}

func newFindingSSVC() *cobra.Command {
	var (
		d            decideFlags
		point, value string
	)
	cmd := &cobra.Command{
		Use:   "ssvc [ID...] --point POINT --value VALUE --reason WHY",
		Short: "Override an SSVC decision point of findings and re-assess them",
		Long: `Override one SSVC decision point (ssvc:E:1.1.0, ssvc:A:2.0.0, ssvc:TI:1.0.0,
ssvc:MWI:1.0.0, cisa:KEV:1.0.0, cisa:PE:1.0.0, or their short keys E, A, TI,
MWI, KEV, PE) with a value key or name, for example --point E --value active.
The finding is re-assessed at once; the derived value stays on record beside
the override.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := pointID(point)
			if err != nil {
				return usageError{err}
			}
			return d.decide(cmd, args, func(c *Config, s store.Store, f *finding.Finding, now time.Time) ([]finding.Decision, error) {
				o := risk.SSVCOverride{Point: id, Value: value, By: d.actor, Reason: d.reason, At: now}
				overrides := append(f.Overrides[:0:0], f.Overrides...)
				overrides = append(overrides, o)
				a, err := s.Asset(cmd.Context(), f.Asset)
				if err != nil {
					return nil, err
				}
				as, err := newMatcher(c, s).Assess(cmd.Context(), a, f.Vuln, overrides)
				if err != nil {
					return nil, fmt.Errorf("%w: %v", finding.ErrReason, err)
				}
				ds := f.OverrideSSVC(o, as, now)
				return ds, reschedule(cmd, s, f)
			})
		},
	}
	d.register(cmd.Flags())
	cmd.Flags().StringVar(&point, "point", "", "the decision point")
	cmd.Flags().StringVar(&value, "value", "", "its value (key or name)")
	return cmd
}

// pointID resolves a decision point named by its id or its key.
func pointID(s string) (risk.PointID, error) {
	for _, p := range risk.PointIDs() {
		parts := strings.Split(string(p), ":")
		if strings.EqualFold(string(p), s) || (len(parts) == 3 && strings.EqualFold(parts[1], s)) {
			return p, nil
		}
	}
	return "", fmt.Errorf("--point %q: want one of %v", s, risk.PointIDs())
}

// reschedule sets a finding's due date after its priority changed.
func reschedule(cmd *cobra.Command, s store.Store, f *finding.Finding) error {
	a, err := s.Asset(cmd.Context(), f.Asset)
	if err != nil {
		return err
	}
	ps, err := s.SLAPolicies(cmd.Context())
	if err != nil {
		return err
	}
	f.Schedule(finding.PolicyFor(ps, a.Environment))
	return nil
}

func newFindingAccept() *cobra.Command {
	var (
		d                         decideFlags
		approver, controls, until string
	)
	cmd := &cobra.Command{
		Use:   "accept [ID...] --approver NAME --reason WHY --controls WHAT --until DATE",
		Short: "Accept the risk of findings for a limited time",
		Long: `Accept the risk of findings until a date (at most a year): with a reason, the
compensating controls in place, and an approver who is not the requester (--as).
When the date passes, "vmc finding sweep" (run by vmc serve every hour)
re-opens the finding and notifies its owner.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			expires, err := time.Parse(time.DateOnly, until)
			if err != nil {
				return usageError{fmt.Errorf("--until %q: want YYYY-MM-DD", until)}
			}
			acceptance := func(now time.Time) finding.Acceptance {
				return finding.Acceptance{Requester: d.actor, Approver: approver, Reason: d.reason, CompensatingControls: controls,
					Granted: now, Expires: expires.Add(24*time.Hour - time.Second)}
			}
			if d.scope != "" {
				return d.ruleFor(cmd, args, func(r finding.Rule) finding.Rule {
					a := acceptance(r.Created)
					r.State, r.Acceptance = finding.RiskAccepted, &a
					return r
				})
			}
			return d.decide(cmd, args, func(_ *Config, _ store.Store, f *finding.Finding, now time.Time) ([]finding.Decision, error) {
				a := acceptance(now)
				dec, err := f.Accept(a, now)
				return []finding.Decision{dec}, err
			})
		},
	}
	d.register(cmd.Flags())
	d.registerScope(cmd.Flags())
	cmd.Flags().StringVar(&approver, "approver", "", "who approves (not the requester)")
	cmd.Flags().StringVar(&controls, "controls", "", "the compensating controls in place")
	cmd.Flags().StringVar(&until, "until", "", "last day of the acceptance, YYYY-MM-DD")
	return cmd
}
