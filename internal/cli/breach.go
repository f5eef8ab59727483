package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// vmc incident breach: personal data breaches, their notification
// deadlines per jurisdiction and management's decision records.

func newIncidentBreach() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "breach",
		Short: "Personal data breaches (个人信息泄露): facts, notification deadlines, decisions",
		Long: `An incident involving personal data records which kinds (sensitive ones are
flagged: GDPR Art. 9 and 10, PIPL Art. 28), how many people and under which
jurisdictions. Each jurisdiction's law sets a deadline to notify its regulator,
counted from when the organisation became aware of the breach; management
records for each whether it notifies, who decided, when, why, and the
regulator's reference once notified.

The deadlines vmc knows (vmc incident breach rules) cite their legal sources:
EU GDPR Art. 33 (72 hours), UK GDPR Art. 33 (72 hours), China's PIPL Art. 57
with the CAC's 2025 reporting measures (4 hours; 1 for critical information
infrastructure, 2 for central and state organs), and Colorado's § 6-1-716 as an
example of a US state (30 days, from 500 residents). The organisation sets its
own with "vmc incident breach rule set".`,
	}
	cmd.AddCommand(newBreachSet(), newBreachShow(), newBreachDecide(), newBreachList(), newBreachRules(), newBreachRule())
	return cmd
}

func newBreachSet() *cobra.Command {
	var (
		f                 incident.BreachFacts
		categories, codes []string
		aware, actor      string
	)
	cmd := &cobra.Command{
		Use:   "set INCIDENT [--personal-data] [--category KIND]... [--subjects N] [--jurisdiction CODE]... [--aware TIME]",
		Short: "Record what personal data an incident involves",
		Long: `Record an incident's personal data: --personal-data flags it; --category is one
of ` + strings.Join(incidentWords(incident.DataCategories), ", ") + `;
--subjects how many people (0: unknown); --jurisdiction a code (EU, UK, CN,
US-CO); --aware when the organisation became aware of the breach (default: when
the incident was detected), from which the deadlines run. The facts given
replace the ones recorded.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, c := range categories {
				var dc incident.DataCategory
				if err := dc.UnmarshalText([]byte(strings.TrimSpace(c))); err != nil {
					return usageError{fmt.Errorf("--category: %w", err)}
				}
				f.Categories = append(f.Categories, dc)
			}
			for _, j := range codes {
				code, err := incident.ParseJurisdiction(j)
				if err != nil {
					return usageError{fmt.Errorf("--jurisdiction: %w", err)}
				}
				f.Jurisdictions = append(f.Jurisdictions, code)
			}
			var err error
			if f.Aware, err = parseIncidentTime("--aware", aware); err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				if in, err = s.PutBreach(cmd.Context(), in.ID, f, actor); err != nil {
					return err
				}
				sensitive := ""
				if in.Sensitive() {
					sensitive = ", sensitive"
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d: personal data %v%s, %s people, jurisdictions %s, aware %s\n", in.ID, in.PersonalData, sensitive,
					subjectsText(in.DataSubjects), cmpOrDash(strings.Join(in.Jurisdictions, ", ")), in.AwareAt().Format(time.RFC3339))
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.PersonalData, "personal-data", false, "personal or sensitive personal data is involved")
	fl.StringSliceVar(&categories, "category", nil, "a kind of personal data involved (repeatable)")
	fl.Int64Var(&f.Subjects, "subjects", 0, "how many people (0: unknown)")
	fl.StringSliceVar(&codes, "jurisdiction", nil, "a jurisdiction whose law applies (repeatable)")
	fl.StringVar(&aware, "aware", "", "when the organisation became aware of the breach (default: detected)")
	fl.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	return cmd
}

func subjectsText(n int64) string {
	if n == 0 {
		return "unknown"
	}
	return fmt.Sprint(n)
}

// atFlag reads --at, now when not given.
func atFlag(at string) (time.Time, error) {
	t, err := parseIncidentTime("--at", at)
	if t.IsZero() {
		t = time.Now().UTC()
	}
	return t, err
}

func newBreachShow() *cobra.Command {
	var (
		at     string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "show INCIDENT",
		Short: "Show an incident's personal data, each jurisdiction's deadline and where it stands",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := atFlag(at)
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				in, err := readIncidentArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				ds, err := s.BreachDecisions(ctx, in.ID)
				if err != nil {
					return err
				}
				rules, err := s.BreachRules(ctx)
				if err != nil {
					return err
				}
				obs, err := incident.Obligations(in, rules, ds, now)
				if err != nil && !errors.Is(err, incident.ErrNoPersonalData) {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), map[string]any{"facts": in.Breach(), "sensitive": in.Sensitive(), "obligations": obs, "decisions": ds})
				}
				return printBreach(cmd.OutOrStdout(), in, obs, ds)
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "judge the deadlines at this time (default: now)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func printBreach(w io.Writer, in incident.Incident, obs []incident.Obligation, ds []incident.BreachDecision) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	personal := "no"
	if in.PersonalData {
		personal = "yes"
		if in.Sensitive() {
			personal += ", sensitive"
		}
	}
	fmt.Fprintf(tw, "incident\t%d\ntitle\t%s\npersonal data\t%s\ncategories\t%s\npeople\t%s\njurisdictions\t%s\naware\t%s\n", in.ID, in.Title, personal,
		cmpOrDash(incidentWordsJoined(in.DataCategories)), subjectsText(in.DataSubjects), cmpOrDash(strings.Join(in.Jurisdictions, ", ")),
		in.AwareAt().Format(time.RFC3339))
	if err := tw.Flush(); err != nil {
		return err
	}
	if !in.PersonalData {
		return nil
	}
	fmt.Fprintln(w, "\nDEADLINES")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "JURISDICTION\tWITHIN\tDEADLINE\tSTATUS\tAUTHORITY\n")
	for _, o := range obs {
		within, deadline, authority := "-", "-", "-"
		if o.Rule != nil {
			within, deadline, authority = o.Rule.Within(), o.Deadline.Format(time.RFC3339), o.Rule.Authority
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Jurisdiction, within, deadline, o.Status, authority)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nDECISIONS")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tJURISDICTION\tACTION\tBY\tAT\tNOTIFIED\tREFERENCE\tREASON\n")
	for _, d := range ds {
		notified := "-"
		if !d.NotifiedAt.IsZero() {
			notified = d.NotifiedAt.Format(time.RFC3339)
		}
		reason := d.Reason
		if d.DelayReason != "" {
			reason = strings.TrimSpace(reason + " (late: " + d.DelayReason + ")")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Jurisdiction, d.Action, d.DecidedBy, d.Decided.Format(time.RFC3339), notified,
			cmpOrDash(d.Reference), cmpOrDash(strings.Join(strings.Fields(reason), " ")))
	}
	return tw.Flush()
}

func incidentWordsJoined[T ~string](vs []T) string { return strings.Join(incidentWords(vs), ", ") }

func newBreachDecide() *cobra.Command {
	var (
		d                              incident.BreachDecision
		jurisdiction, action, notified string
	)
	cmd := &cobra.Command{
		Use:   "decide INCIDENT --jurisdiction CODE --action notify|no_notify|notified",
		Short: "Record management's decision on notifying one jurisdiction's regulator",
		Long: `Record, as the manager named by --as, for one of the incident's jurisdictions:

  --action notify      the regulator will be notified;
  --action no_notify   it will not, and --reason says why (GDPR Art. 33(1): the
                       breach is unlikely to result in a risk to people);
  --action notified    the notification was made at --notified-at, under the
                       regulator's --reference; after the deadline, --delay-reason
                       gives the reasons (GDPR Art. 33(1) asks for them).

--authority names who is or was notified (the rule's authority by default).
When --as names a vmc user, their role must hold finding.accept, as on the API.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if d.Jurisdiction, err = incident.ParseJurisdiction(jurisdiction); err != nil {
				return usageError{fmt.Errorf("--jurisdiction: %w", err)}
			}
			if err := d.Action.UnmarshalText([]byte(action)); err != nil {
				return usageError{fmt.Errorf("--action: %w", err)}
			}
			if d.NotifiedAt, err = parseIncidentTime("--notified-at", notified); err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				in, err := readIncidentArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				if err := checkDecider(ctx, s, d.DecidedBy, auth.FindingAccept); err != nil {
					return err
				}
				d.Incident = in.ID
				if d, err = s.DecideBreach(ctx, d); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d: breach decision %d: %s %s by %s (%s)\n", in.ID, d.ID, d.Jurisdiction, d.Action, d.DecidedBy, cmpOrDash(d.Authority))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&jurisdiction, "jurisdiction", "", "the jurisdiction (EU, UK, CN, US-CO)")
	f.StringVar(&action, "action", "", "notify, no_notify or notified")
	f.StringVar(&d.Reason, "reason", "", "why")
	f.StringVar(&d.Authority, "authority", "", "who is or was notified")
	f.StringVar(&d.Reference, "reference", "", "the regulator's reference")
	f.StringVar(&notified, "notified-at", "", "notified: when")
	f.StringVar(&d.DelayReason, "delay-reason", "", "notified after the deadline: why")
	f.StringVar(&d.DecidedBy, "as", defaultActor(), "who decides")
	return cmd
}

func newBreachList() *cobra.Command {
	var (
		overdue bool
		at      string
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "list [--overdue] [--at TIME]",
		Short: "List incidents involving personal data and where their deadlines stand",
		Long: `List the incidents involving personal data, newest first, with each
jurisdiction's notification status. With --overdue, only those with a deadline
passed and nothing done or decided; the exit code is then 1 when there are any,
for monitoring.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := atFlag(at)
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				list, err := s.ListBreaches(cmd.Context(), now)
				if err != nil {
					return err
				}
				var shown []store.Breach
				for _, b := range list {
					if !overdue || b.Overdue() {
						shown = append(shown, b)
					}
				}
				if asJSON {
					if shown == nil {
						shown = []store.Breach{}
					}
					if err := writeJSON(cmd.OutOrStdout(), shown); err != nil {
						return err
					}
				} else {
					tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
					fmt.Fprintf(tw, "ID\tSENSITIVE\tPEOPLE\tAWARE\tDEADLINES\tTITLE\n")
					for _, b := range shown {
						var st []string
						for _, o := range b.Obligations {
							st = append(st, o.Jurisdiction+":"+string(o.Status))
						}
						sensitive := "no"
						if b.Incident.Sensitive() {
							sensitive = "yes"
						}
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", b.Incident.ID, sensitive, subjectsText(b.Incident.DataSubjects),
							b.Incident.AwareAt().Format(time.RFC3339), cmpOrDash(strings.Join(st, " ")), b.Incident.Title)
					}
					if err := tw.Flush(); err != nil {
						return err
					}
				}
				if overdue && len(shown) > 0 {
					return &exitError{code: 1}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only breaches with a deadline passed, nothing done or decided")
	cmd.Flags().StringVar(&at, "at", "", "judge the deadlines at this time (default: now)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newBreachRules() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "The notification deadlines in force per jurisdiction, with their legal sources",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				rules, err := s.BreachRules(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), rules)
				}
				w := cmd.OutOrStdout()
				for _, r := range rules {
					from := ""
					if r.MinSubjects > 0 {
						from = fmt.Sprintf(", from %d people", r.MinSubjects)
					}
					fmt.Fprintf(w, "%s  %s: within %s of awareness (%s%s), to %s\n    source: %s\n", r.Jurisdiction, r.Law, r.Within(), r.TimeZone, from, r.Authority, r.Source)
					if r.Note != "" {
						fmt.Fprintf(w, "    note: %s\n", r.Note)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newBreachRule() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rule",
		Short: "Set or remove the organisation's deadline rule for a jurisdiction",
	}
	var (
		r             incident.DeadlineRule
		reason, actor string
	)
	set := &cobra.Command{
		Use:   "set CODE --law LAW --authority WHO (--hours N | --days N) --tz ZONE --source CITATION",
		Short: "Set a jurisdiction's notification deadline, replacing its default",
		Long: `Set a jurisdiction's notification deadline: --hours counts elapsed hours,
--days calendar days in the jurisdiction's --tz (an IANA zone), at the same
wall-clock time. --min-subjects applies the rule from that many people.
--source cites the law; --reason goes to the audit log.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if r.Jurisdiction, err = incident.ParseJurisdiction(args[0]); err != nil {
				return usageError{err}
			}
			if err := r.Validate(); err != nil {
				return usageError{err}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if err := checkDecider(cmd.Context(), s, actor, auth.PolicyWrite); err != nil {
					return err
				}
				if err := s.PutBreachRule(cmd.Context(), r, actor, reason); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "%s: within %s of awareness, to %s\n", r.Jurisdiction, r.Within(), r.Authority)
				return err
			})
		},
	}
	f := set.Flags()
	f.StringVar(&r.Law, "law", "", "the law")
	f.StringVar(&r.Authority, "authority", "", "whom to notify")
	f.IntVar(&r.Hours, "hours", 0, "the deadline in hours")
	f.IntVar(&r.Days, "days", 0, "the deadline in calendar days")
	f.StringVar(&r.TimeZone, "tz", "", "the jurisdiction's IANA time zone")
	f.Int64Var(&r.MinSubjects, "min-subjects", 0, "apply from this many people")
	f.StringVar(&r.Source, "source", "", "the legal citation")
	f.StringVar(&r.Note, "note", "", "what else to know")
	f.StringVar(&reason, "reason", "", "why, for the audit log")
	f.StringVar(&actor, "as", defaultActor(), "who sets it, for the audit log")
	del := &cobra.Command{
		Use:   "delete CODE",
		Short: "Remove the organisation's rule: the default, if there is one, is in force again",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := incident.ParseJurisdiction(args[0])
			if err != nil {
				return usageError{err}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if err := checkDecider(cmd.Context(), s, actor, auth.PolicyWrite); err != nil {
					return err
				}
				if err := s.DeleteBreachRule(cmd.Context(), j, actor, reason); err != nil {
					return notFound(err, "rule for "+j)
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "%s: the organisation's rule removed\n", j)
				return err
			})
		},
	}
	del.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	del.Flags().StringVar(&actor, "as", defaultActor(), "who removes it, for the audit log")
	cmd.AddCommand(set, del)
	return cmd
}
