package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/task"
)

func newFindingSweep() *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "sweep",
		Short: "Re-open findings whose risk acceptance expired and record SLA breaches, notifying owners",
		Long: `Re-open findings whose risk acceptance has expired and record findings newly
past their due date, each notifying the owner. vmc serve runs this every hour.
--at runs it as of another time (YYYY-MM-DD), to see what a date will bring.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := asOf(at)
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				sw, err := task.RunSweep(cmd.Context(), s, now)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d risk acceptances expired, %d SLA breaches recorded\n", sw.Expired, sw.Breached)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "run as of this date, YYYY-MM-DD")
	return cmd
}

func newFindingMetrics() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Open, overdue and closed findings, MTTR and SLA compliance per priority",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				var os []finding.Outcome
				for f, err := range store.EachFinding(cmd.Context(), s, store.FindingQuery{Limit: 1000}) {
					if err != nil {
						return err
					}
					os = append(os, f.Outcome())
				}
				m := finding.ComputeMetrics(os, time.Now().UTC())
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), m)
				}
				return printMetrics(cmd.OutOrStdout(), m)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func printMetrics(w io.Writer, m finding.Metrics) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "PRIORITY\tOPEN\tACCEPTED\tOVERDUE\tCLOSED\tREMEDIATED\tMTTR\tMEDIAN\tSLA MET\tSLA MISSED\tCOMPLIANCE\n")
	row := func(name string, b finding.Bucket) {
		comp := "-"
		if b.Compliance != nil {
			comp = fmt.Sprintf("%.1f%%", *b.Compliance*100)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%s\n", name, b.Open, b.Accepted, b.Overdue, b.Closed, b.Remediated,
			days(b.MTTR), days(b.MedianTTR), b.SLAMet, b.SLAMissed, comp)
	}
	for _, p := range slices.Backward(risk.Priorities) {
		row(string(p), m.ByPriority[p])
	}
	row("all", m.All)
	return tw.Flush()
}

func days(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fd", d.Hours()/24)
}

func newSLA() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sla",
		Short: "Remediation deadlines per environment",
	}
	cmd.AddCommand(newSLAShow(), newSLASet())
	return cmd
}

func newSLAShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the SLA policies",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ps, err := s.SLAPolicies(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), ps)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ENVIRONMENT\tCRITICAL\tHIGH\tMEDIUM\tLOW\tKEV DUE DATE\tBOD 26-04\n")
				for _, p := range ps {
					fmt.Fprintf(tw, "%s\t%dd\t%dd\t%dd\t%dd\t%v\t%v\n", cmp.Or(string(p.Environment), "(default)"),
						p.Days[risk.PriorityCritical], p.Days[risk.PriorityHigh], p.Days[risk.PriorityMedium], p.Days[risk.PriorityLow], p.KEV, p.BOD2604)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newSLASet() *cobra.Command {
	var (
		env, actor, reason string
		days               []string
		kev, bod           bool
	)
	cmd := &cobra.Command{
		Use:   "set --env ENV --days critical=7,high=30,medium=90,low=180 [--kev] [--bod] --reason WHY",
		Short: "Set an environment's SLA policy (--env default for the rest)",
		Long: `Set how many days after a finding is first seen it must be fixed, per priority,
for one environment (prod, staging, test, dev, or "default" for environments
without their own); --kev caps the deadline at CISA's KEV due date, --bod at
the BOD 26-04 SSVC remediation timeline. The change is audited; findings get
their new due dates at their next re-match ("vmc finding rematch").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := finding.Policy{Days: map[risk.Priority]int{}, KEV: kev, BOD2604: bod}
			if env != "default" {
				if err := p.Environment.UnmarshalText([]byte(env)); err != nil {
					return usageError{fmt.Errorf("--env: %w", err)}
				}
			}
			for _, d := range days {
				k, v, ok := strings.Cut(d, "=")
				var (
					prio risk.Priority
					n    int
				)
				if err := prio.UnmarshalText([]byte(k)); !ok || err != nil {
					return usageError{fmt.Errorf("--days %q: want PRIORITY=DAYS", d)}
				}
				if _, err := fmt.Sscanf(v, "%d", &n); err != nil {
					return usageError{fmt.Errorf("--days %q: %q is not a number of days", d, v)}
				}
				p.Days[prio] = n
			}
			if strings.TrimSpace(reason) == "" {
				return usageError{errors.New("--reason is required: policy changes are audited")}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				if err := s.PutSLAPolicy(cmd.Context(), p, actor, reason); err != nil {
					if errors.Is(err, finding.ErrPolicy) {
						return usageError{err}
					}
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "SLA policy for %s set\n", cmp.Or(string(p.Environment), "the default"))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&env, "env", "", "prod, staging, test, dev or default")
	cmd.Flags().StringSliceVar(&days, "days", nil, "days per priority: critical=7,high=30,medium=90,low=180")
	cmd.Flags().BoolVar(&kev, "kev", true, "cap deadlines at CISA's KEV due date")
	cmd.Flags().BoolVar(&bod, "bod", true, "cap deadlines at the BOD 26-04 remediation timeline")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who decides, for the audit log")
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	return cmd
}

func newNotify() *cobra.Command {
	var (
		after  int64
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "notifications",
		Short: "List notifications to owners (expired risk acceptances, SLA breaches)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ns, err := s.Notifications(cmd.Context(), after)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), ns)
				}
				for _, n := range ns {
					fmt.Fprintf(cmd.OutOrStdout(), "%d  %s  to %s: %s: %s\n", n.ID, n.Created.Format(time.RFC3339), n.Recipient, n.Subject, n.Body)
				}
				return nil
			})
		},
	}
	cmd.Flags().Int64Var(&after, "after", 0, "only notifications after this id")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// asOf is the time an --at flag names (YYYY-MM-DD, midnight UTC), or now
// without one: sweeps and checks run as of another day to see what it
// will bring.
func asOf(at string) (time.Time, error) {
	if at == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, at)
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("--at %q: want YYYY-MM-DD", at)}
	}
	return t, nil
}
