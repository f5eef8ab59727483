package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

func newFinding() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "finding",
		Aliases: []string{"findings"},
		Short:   "Vulnerabilities found on assets, through their lifecycle",
	}
	cmd.AddCommand(newFindingList(), newFindingShow(), newFindingExplain(), newFindingRematch(),
		newFindingSet(), newFindingAssign(), newFindingPriority(), newFindingSSVC(), newFindingAccept(),
		newFindingSweep(), newFindingMetrics(), newFindingImport())
	return cmd
}

// printChanges prints what a re-match did to findings: a table of the
// findings it opened or moved, then each move with its reason.
func printChanges(w io.Writer, chs []finding.Change) error {
	var fs []finding.Finding
	for _, ch := range chs {
		if ch.Opened || len(ch.Steps) > 0 {
			fs = append(fs, ch.Finding)
		}
	}
	if len(fs) == 0 {
		return nil
	}
	if err := printFindings(w, fs); err != nil {
		return err
	}
	for _, ch := range chs {
		for _, st := range ch.Steps {
			fmt.Fprintf(w, "finding %d: %s → %s: %s\n", ch.Finding.ID, st.From, st.To, st.Reason)
		}
	}
	return nil
}

func printFindings(w io.Writer, fs []finding.Finding) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tASSET\tPACKAGE\tVERSION\tVULNERABILITY\tSTATE\tPRIORITY\tFIXED IN\n")
	for _, f := range fs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, f.Asset, f.Package, strings.Join(f.Versions, ", "), f.Vuln, f.State, f.Priority, f.Explanation.FixedVersion)
	}
	return tw.Flush()
}

func newFindingList() *cobra.Command {
	var (
		q       store.FindingQuery
		state   string
		asJSON  bool
		all     bool
		overdue bool
		at      string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List findings (open ones unless --all or --state)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" {
				if err := q.State.UnmarshalText([]byte(state)); err != nil {
					return usageError{fmt.Errorf("--state: %w (%v)", err, finding.States)}
				}
			}
			q.Open = !all && state == ""
			if overdue {
				q.OverdueAt = time.Now().UTC()
				if at != "" {
					t, err := time.Parse(time.DateOnly, at)
					if err != nil {
						return usageError{fmt.Errorf("--at %q: want YYYY-MM-DD", at)}
					}
					q.OverdueAt = t
				}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				var fs []finding.Finding
				for f, err := range store.EachFinding(cmd.Context(), s, q) {
					if err != nil {
						return err
					}
					if fs = append(fs, f); q.Limit > 0 && len(fs) >= q.Limit {
						break
					}
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), fs)
				}
				return printFindings(cmd.OutOrStdout(), fs)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Asset, "asset", "", "only this asset's findings")
	f.StringVar(&q.Vuln, "vuln", "", "only findings of this vulnerability (any of its ids)")
	f.StringVar(&state, "state", "", "only findings in this state")
	f.BoolVar(&all, "all", false, "closed findings too")
	f.BoolVar(&overdue, "overdue", false, "only open findings past their due date (SLA breached)")
	f.StringVar(&at, "at", "", "with --overdue: as of this date, YYYY-MM-DD")
	f.IntVar(&q.Limit, "limit", 0, "at most this many")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// findingArg reads a finding named by its id on the command line.
func findingArg(cmd *cobra.Command, s store.Store, arg string) (finding.Finding, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil {
		return finding.Finding{}, usageError{fmt.Errorf("finding id %q: not a number", arg)}
	}
	f, err := s.Finding(cmd.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return f, &exitError{code: 3, err: fmt.Errorf("no finding %d", id)}
	}
	return f, err
}

func newFindingShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a finding and its history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				f, err := findingArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				history, err := s.AuditOf(cmd.Context(), fmt.Sprintf("finding:%d", f.ID))
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					return writeJSON(out, map[string]any{"finding": f, "history": history})
				}
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "finding\t%d\nasset\t%s\npackage\t%s %s\nversions\t%s\nvulnerability\t%s\nstate\t%s\nreason\t%s\nfixed in\t%s\nfirst seen\t%s\nlast seen\t%s\n",
					f.ID, f.Asset, f.Ecosystem, f.Package, strings.Join(f.Versions, ", "), f.Vuln, f.State, f.Reason,
					f.Explanation.FixedVersion, f.FirstSeen.Format(time.RFC3339), f.LastSeen.Format(time.RFC3339))
				if f.VEX != nil {
					fmt.Fprintf(tw, "VEX\t%s %s (%s)\n", f.VEX.Status, f.VEX.Justification, f.VEX.Source)
				}
				for _, e := range f.Evidence {
					fmt.Fprintf(tw, "evidence\t%s\t%s\t%s %s\t%s\n", e.Tool, e.Report, e.Rule, e.Severity, e.Location)
				}
				if f.Assignee != "" {
					fmt.Fprintf(tw, "assignee\t%s\n", f.Assignee)
				}
				if !f.Due.IsZero() {
					fmt.Fprintf(tw, "due\t%s\t%s\n", f.Due.Format(time.DateOnly), f.DueRule)
				}
				if as := f.Assessment; as != nil {
					fmt.Fprintf(tw, "priority\t%s\t%s\n", f.Priority, strings.Join(as.Why, "; "))
					if o := f.PriorityOverride; o != nil {
						fmt.Fprintf(tw, "\toverridden by %s: %s\n", o.By, o.Reason)
					}
					for _, in := range as.Inputs {
						fmt.Fprintf(tw, "\t%s\t%s\t%s\n", in.Name, in.Value, in.Source)
					}
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintln(out, "\nHISTORY")
				for _, e := range history {
					fmt.Fprintf(out, "%s  %-8s %-14s %s  %s\n", e.At.Format(time.RFC3339), e.Actor, e.Action, transition(e.Before, e.After), e.Reason)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// transition renders an audit entry's before and after: "new → triaged"
// for a change of one field, the new value alone for a creation.
func transition(before, after []byte) string {
	value := func(b []byte) string {
		var m map[string]any
		if json.Unmarshal(b, &m) != nil || len(m) != 1 {
			return ""
		}
		for _, v := range m {
			if s, ok := v.(string); ok {
				return s
			}
		}
		return ""
	}
	if b := value(before); b != "" {
		return b + " → " + value(after)
	}
	return value(after)
}

func newFindingExplain() *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Say in plain language why a finding matched (en or zh-CN)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				f, err := findingArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), f.Explain(lang))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "language: en or zh-CN")
	return cmd
}

func newFindingRematch() *cobra.Command {
	var (
		name   string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "rematch",
		Short: "Match every asset's components again and reconcile their findings",
		Long: `Match every asset's components (or one asset's, with --asset) against the
advisories again and reconcile the findings. Imports re-match what each batch
of records can affect as they go; this catches up after an import that was
interrupted between a batch and its re-match.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				ctx := cmd.Context()
				assets, err := s.ListAssets(ctx)
				if err != nil {
					return err
				}
				m := newMatcher(c, s).Bulk()
				var total ingest.Outcome
				found := false
				for _, a := range assets {
					if name != "" && a.Name != name {
						continue
					}
					found = true
					_, o, err := m.Asset(ctx, a, nil, "re-match")
					if err != nil {
						return err
					}
					total.Merge(o)
				}
				if name != "" && !found {
					return &exitError{code: 3, err: fmt.Errorf("no asset is called %s", name)}
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), total)
				}
				for _, p := range total.Problems {
					fmt.Fprintf(cmd.OutOrStdout(), "warning: %s\n", p)
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d assets: %d matches, %d findings opened, %d state changes\n", total.Assets, total.Matches, total.Opened, total.Moved)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&name, "asset", "", "only this asset")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
