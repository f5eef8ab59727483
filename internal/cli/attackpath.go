package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/attackpath"
)

// newAttackPath is "vmc attackpath": attack graphs from network models.
func newAttackPath() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "attackpath",
		Short: "Attack paths: how an attacker could chain vulnerabilities to a target",
	}
	cmd.AddCommand(newAttackPathAnalyse())
	return cmd
}

func newAttackPathAnalyse() *cobra.Command {
	var (
		goals   []string
		asJSON  bool
		k       int
		noFixes bool
	)
	cmd := &cobra.Command{
		Use:     "analyse FILE",
		Aliases: []string{"analyze"},
		Short:   "Analyse a network model (MulVAL facts or vmc's JSON) without a store",
		Long: `Read a network model, derive what an attacker can reach with MulVAL's
interaction rules, and print the goals reached, the attack graph's size, the
ranked paths (most likely first) and the smallest set of fixes (vulnerabilities
to patch, network flows to block) that cuts every path to the goals.

FILE is MulVAL input facts (input.P) or vmc's JSON model (it starts with "{");
docs/attack-paths.md describes both. The goals are the model's attackGoal
facts unless --goal gives others, e.g. --goal 'execCode(db1,_)'.

--json prints the whole report: goals, graph (nodes and edges), paths, fixes.`,
		Example: `  vmc attackpath analyse input.P
  vmc attackpath analyse --goal 'execCode(fileServer,root)' --json input.P`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 1 {
				return usageError{fmt.Errorf("--paths must be at least 1")}
			}
			var gs []attackpath.Term
			for _, g := range goals {
				t, err := attackpath.ParseTerm(g)
				if err != nil || t.Kind != attackpath.TermCompound {
					return usageError{fmt.Errorf("--goal %q: not a predicate such as execCode(host,_)", g)}
				}
				gs = append(gs, t)
			}
			src, err := readLimited(args[0], attackpath.MaxInputBytes)
			if err != nil {
				return err
			}
			m, err := attackpath.ParseModel(filepath.Base(args[0]), src)
			if err != nil {
				return err
			}
			if len(gs) == 0 && len(m.Goals()) == 0 {
				return usageError{fmt.Errorf("%s states no attackGoal; give one with --goal", args[0])}
			}
			res, err := attackpath.Analyse(m, attackpath.Options{Goals: gs})
			if err != nil {
				return err
			}
			rep, err := res.Report(k, !noFixes)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return printAttackReport(cmd.OutOrStdout(), rep)
		},
	}
	cmd.Flags().StringArrayVar(&goals, "goal", nil, "goal predicate, e.g. execCode(db1,_) (repeatable; default: the model's attackGoal facts)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().IntVar(&k, "paths", 3, "paths to rank per goal")
	cmd.Flags().BoolVar(&noFixes, "no-fixes", false, "skip the fix search")
	return cmd
}

func printAttackReport(w io.Writer, rep attackpath.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "goals reached: %d\n", len(rep.Goals))
	for _, g := range rep.Goals {
		fmt.Fprintf(&b, "  %s\n", g)
	}
	fmt.Fprintf(&b, "graph: %d nodes, %d edges\n", len(rep.Graph.Nodes), len(rep.Graph.Edges))
	fmt.Fprintf(&b, "paths: %d\n", len(rep.Paths))
	for i, p := range rep.Paths {
		fmt.Fprintf(&b, "%d. %s  likelihood %.3f, %d steps\n", i+1, p.Goal, p.Likelihood, len(p.Steps))
		for j, s := range p.Steps {
			fmt.Fprintf(&b, "   %d) %-15s %s\n", j+1, s.Rule, s.Fact)
			for _, u := range s.Uses {
				fmt.Fprintf(&b, "        %s\n", u)
			}
		}
	}
	switch {
	case rep.FixError != "":
		fmt.Fprintf(&b, "fixes: none possible: %s\n", rep.FixError)
	case rep.Fixes != nil:
		how := "exact minimum"
		if !rep.Fixes.Exact {
			how = "greedy, may not be minimal"
		}
		fmt.Fprintf(&b, "fixes: %d (%s, %d analyses)\n", len(rep.Fixes.Fixes), how, rep.Fixes.Evaluations)
		for _, f := range rep.Fixes.Fixes {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
