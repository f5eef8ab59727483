package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/store"
)

// vmc baseline and vmc snapshot: baseline configuration monitoring
// (OWASP SAMM EH2).

func newBaseline() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Hardening baselines (基线配置): list, show, check configuration files against them",
		Long: `Baselines are versioned rule sets written from freely published hardening
guidance — Mozilla's OpenSSH guidelines, DISA STIGs, the Kernel Self
Protection Project, ANSSI-BP-028, the Securing Debian Manual — each rule
citing its source. vmc ships them in the binary.

"vmc baseline check" evaluates configuration files without keeping anything;
"vmc snapshot import" keeps them as a host's snapshot, with its compliance
history and drift, and files failed rules as findings.`,
	}
	cmd.AddCommand(newBaselineList(), newBaselineShow(), newBaselineCheck())
	return cmd
}

// builtinBaselines returns the shipped baselines named by ids, or all.
func builtinBaselines(ids []string) ([]baseline.Baseline, error) {
	bs, err := baseline.Builtin()
	if err != nil || len(ids) == 0 {
		return bs, err
	}
	var out []baseline.Baseline
	for _, id := range ids {
		b, ok := baseline.Find(bs, id)
		if !ok {
			return nil, usageError{fmt.Errorf("no baseline %q (vmc baseline list shows them)", id)}
		}
		out = append(out, b)
	}
	return out, nil
}

func newBaselineList() *cobra.Command {
	var (
		asJSON bool
		lang   string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the baselines",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bs, err := baseline.Builtin()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), bs)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "ID\tVERSION\tRULES\tTITLE\tAPPLIES TO\n")
			for _, b := range bs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", b.ID, b.Version, len(b.Rules), b.Title.In(lang), b.Applies)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the baselines as JSON, rules included")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of titles: en or zh-CN")
	return cmd
}

func newBaselineShow() *cobra.Command {
	var (
		asJSON bool
		lang   string
	)
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a baseline's rules, each with its source",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bs, err := builtinBaselines(args)
			if err != nil {
				return err
			}
			b := bs[0]
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), b)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s %s: %s (%s)\n", b.ID, b.Version, b.Title.In(lang), b.Applies)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "RULE\tSEVERITY\tCHECK\tEXPECTED\tTITLE\tSOURCE\n")
			for _, r := range b.Rules {
				src := r.Source.Name
				if r.Source.Section != "" {
					src += ", " + r.Source.Section
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s <%s>\n", r.ID, r.Severity, r.Check.Place(), r.Check.Expected(),
					r.Title.In(lang), src, r.Source.URL)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the baseline as JSON")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of titles: en or zh-CN")
	return cmd
}

// readSnapshot reads configuration files into one snapshot.
func readSnapshot(paths []string) (baseline.Snapshot, error) {
	var files []baseline.Source
	for _, p := range paths {
		data, err := readLimited(p, baseline.MaxFile)
		if err != nil {
			return baseline.Snapshot{}, &exitError{code: 1, err: err}
		}
		files = append(files, baseline.Source{Name: p, Data: data})
	}
	snap, err := baseline.Read(files, nil)
	if err != nil {
		return snap, &exitError{code: 1, err: err}
	}
	return snap, nil
}

const snapshotFiles = `Files are told apart by content: the snapshot's JSON form
(docs/baseline-snapshot.md), sshd_config (by name; files under a
sshd_config.d directory are what its Include lines pick), the output of
sysctl -a, dpkg -l, dpkg-query -W, rpm -qa and systemctl list-unit-files.`

func newBaselineCheck() *cobra.Command {
	var (
		ids []string
		out resultFlags
	)
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Evaluate configuration files against baselines; nothing is kept",
		Long: `Evaluate a host's configuration files against the baselines (all, or those
--baseline names) and print each rule's result: pass, fail, not applicable
(the host has no such parameter, package or unit) or unknown (the files do
not cover it), with the expected and the actual value.

` + snapshotFiles + `

Exit code 5 when a rule of severity medium or worse fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bs, err := builtinBaselines(ids)
			if err != nil {
				return err
			}
			snap, err := readSnapshot(args)
			if err != nil {
				return err
			}
			var evals []baseline.Evaluation
			for _, b := range bs {
				evals = append(evals, baseline.Evaluate(b, snap, time.Now().UTC()))
			}
			if out.asJSON {
				err = writeJSON(cmd.OutOrStdout(), evals)
			} else {
				err = out.print(cmd.OutOrStdout(), snap.Notes, evals)
			}
			if err != nil {
				return err
			}
			for _, ev := range evals {
				for _, r := range ev.Results {
					if r.Status == baseline.Fail && r.Severity.Rank() >= baseline.Medium.Rank() {
						return &exitError{code: 5, err: fmt.Errorf("rules of severity medium or worse fail")}
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&ids, "baseline", nil, "baselines to check against (default: all)")
	out.add(cmd, "the evaluations")
	return cmd
}

// resultFlags are the output flags of the commands that print
// evaluations.
type resultFlags struct {
	asJSON, all bool
	lang        string
}

func (f *resultFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print "+what+" as JSON")
	cmd.Flags().BoolVar(&f.all, "all", false, "list every rule, not only those that did not pass")
	cmd.Flags().StringVar(&f.lang, "lang", "en", "language of titles: en or zh-CN")
}

func (f *resultFlags) print(w io.Writer, notes []string, evs []baseline.Evaluation) error {
	printNotes(w, notes)
	for _, ev := range evs {
		if err := printEvaluation(w, ev, f.all, f.lang); err != nil {
			return err
		}
	}
	return nil
}

func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// printEvaluation prints an evaluation's counts and the rules that did
// not pass (every rule with all), then its drift.
func printEvaluation(w io.Writer, ev baseline.Evaluation, all bool, lang string) error {
	fmt.Fprintf(w, "%s %s: %.1f%% compliant: %d pass, %d fail, %d not applicable, %d unknown\n",
		ev.Baseline, ev.Version, ev.Compliance, ev.Passed, ev.Failed, ev.NotApplicable, ev.Unknown)
	if ev.Unknown == len(ev.Results) {
		fmt.Fprintf(w, "  the files cover none of its rules\n")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  RULE\tSTATUS\tSEVERITY\tCHECK\tEXPECTED\tACTUAL\tTITLE\n")
	for _, r := range ev.Results {
		if r.Status == baseline.Pass && !all {
			continue
		}
		actual := r.Actual
		if r.Note != "" {
			actual = strings.TrimSpace(actual + " (" + r.Note + ")")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Rule, r.Status, r.Severity, r.Place, cell(r.Expected), cell(actual), r.Title.In(lang))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range ev.Changes {
		word := "changed"
		if c.Drifted() {
			word = "drift"
		}
		fmt.Fprintf(w, "  %s: %s %s → %s\n", word, c.Rule, c.From, c.To)
	}
	return nil
}

// cell shortens a long value (a cipher list) for a table; --json has
// it whole.
func cell(s string) string {
	if r := []rune(s); len(r) > 48 {
		return string(r[:47]) + "…"
	}
	return s
}

func newSnapshot() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Host configuration snapshots (主机配置快照): import, list, show, compliance history",
	}
	cmd.AddCommand(newSnapshotImport(), newSnapshotList(), newSnapshotShow(), newSnapshotHistory())
	return cmd
}

func newSnapshotImport() *cobra.Command {
	var (
		assetName, actor string
		ids              []string
		view             resultFlags
	)
	cmd := &cobra.Command{
		Use:   "import --asset HOST FILE...",
		Short: "Keep a host's configuration as a snapshot, evaluated against baselines",
		Long: `Read a host's configuration files into one snapshot, evaluate it against the
baselines (all, or those --baseline names), and keep both on the asset
(a host, created when new). Each baseline's results are compared with the
host's previous evaluation of it: rules that went from pass to fail are
drift.

A failed rule of severity medium or worse opens a finding on the asset, at
the rule's place ("sshd:PermitRootLogin"), with the rule as its
vulnerability record (BASELINE-<baseline>-<rule>: title, rationale and
source). A later snapshot in which the rule passes resolves the finding,
verified; one that does not cover the rule leaves it as it is.

` + snapshotFiles,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if assetName == "" {
				return usageError{fmt.Errorf("--asset is required")}
			}
			bs, err := builtinBaselines(ids)
			if err != nil {
				return err
			}
			snap, err := readSnapshot(args)
			if err != nil {
				return err
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				out, err := newMatcher(c, s).ImportSnapshot(cmd.Context(), assetName, snap, bs, actor)
				if err != nil {
					return err
				}
				if view.asJSON {
					return writeJSON(cmd.OutOrStdout(), out)
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%s: snapshot %d from %s\n", out.Asset, out.Snapshot.ID, strings.Join(snap.Sources, ", "))
				if err := view.print(w, snap.Notes, evaluations(out.Snapshot)); err != nil {
					return err
				}
				fmt.Fprintf(w, "findings: %d opened, %d state changes\n", out.Findings.Opened, out.Findings.Moved)
				return printChanges(w, out.Changes)
			})
		},
	}
	cmd.Flags().StringVar(&assetName, "asset", "", "the host the files are from (created if new)")
	cmd.Flags().StringSliceVar(&ids, "baseline", nil, "baselines to evaluate against (default: all)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who imports it, for the audit log")
	view.add(cmd, "the outcome")
	return cmd
}

func newSnapshotList() *cobra.Command {
	var assetName string
	cmd := &cobra.Command{
		Use:   "list --asset HOST",
		Short: "List a host's snapshots, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				a, err := s.Asset(cmd.Context(), assetName)
				if err != nil {
					return notFound(err, "asset "+assetName)
				}
				list, err := s.ListSnapshots(cmd.Context(), a.ID)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tTAKEN\tBY\n")
				for _, h := range list {
					fmt.Fprintf(tw, "%d\t%s\t%s\n", h.ID, h.Taken.Format(time.RFC3339), h.Actor)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&assetName, "asset", "", "the host")
	return cmd
}

// evaluations are a stored snapshot's evaluations.
func evaluations(h store.HostSnapshot) []baseline.Evaluation {
	evs := make([]baseline.Evaluation, len(h.Evaluations))
	for i, e := range h.Evaluations {
		evs[i] = e.Evaluation
	}
	return evs
}

func newSnapshotShow() *cobra.Command {
	var view resultFlags
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a snapshot's evaluations, rule by rule",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("snapshot", args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				h, err := s.HostSnapshot(cmd.Context(), id)
				if err != nil {
					return notFound(err, "snapshot "+args[0])
				}
				if view.asJSON {
					return writeJSON(cmd.OutOrStdout(), h)
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "snapshot %d taken %s by %s from %s\n", h.ID, h.Taken.Format(time.RFC3339), h.Actor, strings.Join(h.Snapshot.Sources, ", "))
				return view.print(w, h.Snapshot.Notes, evaluations(h))
			})
		},
	}
	view.add(cmd, "the snapshot")
	return cmd
}

func newSnapshotHistory() *cobra.Command {
	var (
		assetName, id string
		asJSON        bool
	)
	cmd := &cobra.Command{
		Use:   "history --asset HOST",
		Short: "A host's compliance over time, with the drift of each snapshot",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				a, err := s.Asset(cmd.Context(), assetName)
				if err != nil {
					return notFound(err, "asset "+assetName)
				}
				evs, err := s.Evaluations(cmd.Context(), a.ID, id, false)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), evs)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "SNAPSHOT\tAT\tBASELINE\tCOMPLIANCE\tPASS\tFAIL\tDRIFT\n")
				for _, e := range evs {
					var drift []string
					for _, c := range e.Drift() {
						drift = append(drift, c.Rule)
					}
					fmt.Fprintf(tw, "%d\t%s\t%s %s\t%.1f%%\t%d\t%d\t%s\n", e.Snapshot, e.At.Format(time.RFC3339), e.Baseline, e.Version, e.Compliance, e.Passed, e.Failed, strings.Join(drift, ", "))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&assetName, "asset", "", "the host")
	cmd.Flags().StringVar(&id, "baseline", "", "one baseline (default: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the history as JSON")
	return cmd
}
