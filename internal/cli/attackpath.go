package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/attackpath"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

// newAttackPath is "vmc attackpath": attack graphs from network models.
func newAttackPath() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "attackpath",
		Short: "Attack paths: how an attacker could chain vulnerabilities to a target",
	}
	cmd.AddCommand(newAttackPathAnalyse(), newAttackPathImport(), newAttackPathShow())
	return cmd
}

func newAttackPathImport() *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "import NAME FILE",
		Short: "Store a network model (MulVAL facts or vmc's JSON) under NAME, replacing one of that name",
		Long: `Store a network model for "vmc attackpath analyse --model NAME": reachability,
services, accounts and zones the inventory does not know. The file is checked
as analyse would read it; errors name the line and column, or the JSON entry.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := readLimited(args[1], attackpath.MaxInputBytes)
			if err != nil {
				return err
			}
			m, err := attackpath.ParseModel(filepath.Base(args[1]), src)
			if err != nil {
				return err
			}
			format := "mulval"
			if attackpath.IsJSONModel(src) {
				format = "json"
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				stored, err := s.PutAttackModel(cmd.Context(), store.AttackModel{Name: args[0], Format: format, Source: string(src)}, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "model %s: %s, %d clauses, %d goals\n", stored.Name, format, len(m.Clauses), len(m.Goals()))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who imports it, for the audit log")
	return cmd
}

func newAttackPathShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [ID]",
		Short: "Show a stored analysis (default: the latest)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				var (
					a   store.AttackAnalysis
					err error
				)
				if len(args) == 1 {
					id, perr := strconv.ParseInt(args[0], 10, 64)
					if perr != nil {
						return usageError{fmt.Errorf("analysis id %q: not a number", args[0])}
					}
					a, err = s.AttackAnalysis(cmd.Context(), id)
				} else {
					a, err = s.LatestAttackAnalysis(cmd.Context())
				}
				if err != nil {
					return err
				}
				return printStoredAnalysis(cmd.OutOrStdout(), a, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the analysis as JSON")
	return cmd
}

func printStoredAnalysis(w io.Writer, a store.AttackAnalysis, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	what := "model " + a.Model
	switch {
	case a.Model == "":
		what = "inventory"
	case a.Inventory:
		what += " and inventory"
	}
	if _, err := fmt.Fprintf(w, "analysis %d of %s, %s by %s\n", a.ID, what, a.At.Format(time.RFC3339), a.By); err != nil {
		return err
	}
	for _, n := range a.Notes {
		if _, err := fmt.Fprintf(w, "left out: %s\n", n); err != nil {
			return err
		}
	}
	for _, f := range a.OnPaths {
		if _, err := fmt.Fprintf(w, "priority: finding %d (%s on %s): %s → %s: %s\n", f.FindingID, f.Vuln, f.Asset, f.Priority, f.Raised, f.Why); err != nil {
			return err
		}
	}
	return printAttackReport(w, a.Report)
}

// loadInventory reads every asset and its open findings as the attack-path
// model needs them: the vector and EPSS the finding's assessment used, and
// the weaknesses (CWEs) the vulnerability's sources name.
func loadInventory(ctx context.Context, s store.Store) ([]asset.Asset, []attackpath.InventoryVuln, []finding.Finding, error) {
	assets, err := s.ListAssets(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	var (
		vulns []attackpath.InventoryVuln
		fs    []finding.Finding
	)
	err = forEachFinding(ctx, s, store.FindingQuery{Open: true, Limit: 1000}, func(f finding.Finding) {
		fs = append(fs, f)
		v := attackpath.InventoryVuln{FindingID: f.ID, Asset: f.Asset, Vuln: f.Vuln, Package: f.Package}
		if a := f.Assessment; a != nil {
			if a.CVSS != nil {
				v.Vector = a.CVSS.Vector
			}
			if a.EPSS != nil {
				v.EPSS = a.EPSS.Score
			}
		}
		vulns = append(vulns, v)
	})
	if err != nil {
		return nil, nil, nil, err
	}
	cwes := map[string][]string{} // by vulnerability, each read once
	for i, v := range vulns {
		ws, ok := cwes[v.Vuln]
		if !ok {
			if ws, err = vulnCWEs(ctx, s, v.Vuln); err != nil {
				return nil, nil, nil, fmt.Errorf("finding %d: %w", v.FindingID, err)
			}
			cwes[v.Vuln] = ws
		}
		vulns[i].CWEs = ws
	}
	return assets, vulns, fs, nil
}

// vulnCWEs returns the CWEs every source of a vulnerability names.
func vulnCWEs(ctx context.Context, s store.Store, id string) ([]string, error) {
	v, err := s.Vuln(ctx, id, store.VulnOptions{})
	if err != nil {
		return nil, err
	}
	r, err := v.Record()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range r.CWEs {
		out = append(out, c.ID)
	}
	return out, nil
}

// onPaths raises the priority of each finding the ranked paths exploit,
// naming the most likely such path (risk.WithAttackPath). It starts from
// the finding's assessment without its current attack-path mark, so a
// finding is raised once however many analyses mark it.
func onPaths(ctx context.Context, m *ingest.Matcher, assets []asset.Asset, fs []finding.Finding, paths []attackpath.AttackPath) ([]store.FindingOnPath, error) {
	best := map[[2]string]attackpath.AttackPath{}
	for _, p := range paths { // most likely first
		for k := range attackpath.FindingsOnPaths([]attackpath.AttackPath{p}) {
			if _, ok := best[k]; !ok {
				best[k] = p
			}
		}
	}
	byName := map[string]asset.Asset{}
	for _, a := range assets {
		byName[a.Name] = a
	}
	goals := attackpath.FindingsOnPaths(paths)
	var out []store.FindingOnPath
	for _, f := range fs {
		k := [2]string{f.Asset, f.Vuln}
		p, ok := best[k]
		if !ok {
			continue
		}
		a, err := m.AssessOffPath(ctx, byName[f.Asset], f.Vuln, f.Overrides)
		if err != nil {
			return nil, fmt.Errorf("finding %d: %w", f.ID, err)
		}
		in := risk.AttackPathInput{Goals: goals[k], Path: p.Summary(), Analysis: "attack-path analysis"}
		r := risk.WithAttackPath(a, in)
		fp := store.FindingOnPath{FindingID: f.ID, Asset: f.Asset, Vuln: f.Vuln, Priority: a.Priority, Raised: r.Priority,
			Why: r.Why[len(r.Why)-1], Goals: in.Goals, Path: in.Path}
		if o := f.PriorityOverride; o != nil {
			// An analyst's priority stands; the path is only explained.
			fp.Priority, fp.Raised = o.Priority, o.Priority
		}
		out = append(out, fp)
	}
	return out, nil
}

// reassessMarked re-assesses the findings an inventory analysis marked or
// unmarked (ingest.Matcher.ReassessMarked) and prints the priorities that
// moved.
func reassessMarked(cmd *cobra.Command, c *Config, s store.Store, a store.AttackAnalysis, actor string) error {
	moved, err := newMatcher(c, s).ReassessMarked(cmd.Context(), a, actor)
	for _, f := range moved {
		if _, werr := fmt.Fprintf(cmd.OutOrStdout(), "reassessed: finding %d (%s on %s): %s\n", f.ID, f.Vuln, f.Asset, f.Priority); werr != nil {
			return werr
		}
	}
	return err
}

func forEachFinding(ctx context.Context, s store.Store, q store.FindingQuery, fn func(finding.Finding)) error {
	for {
		page, err := s.ListFindings(ctx, q)
		if err != nil {
			return err
		}
		for _, f := range page.Items {
			fn(f)
		}
		if page.Next == 0 {
			return nil
		}
		q.After = page.Next
	}
}

func newAttackPathAnalyse() *cobra.Command {
	var (
		goals     []string
		asJSON    bool
		k         int
		noFixes   bool
		model     string
		inventory bool
		actor     string
	)
	cmd := &cobra.Command{
		Use:     "analyse [FILE]",
		Aliases: []string{"analyze"},
		Short:   "Analyse a network model (MulVAL facts or vmc's JSON) without a store",
		Long: `Read a network model, derive what an attacker can reach with MulVAL's
interaction rules, and print the goals reached, the attack graph's size, the
ranked paths (most likely first) and the smallest set of fixes (vulnerabilities
to patch, network flows to block) that cuts every path to the goals.

FILE is MulVAL input facts (input.P) or vmc's JSON model (it starts with "{");
docs/attack-paths.md describes both. The goals are the model's attackGoal
facts unless --goal gives others, e.g. --goal 'execCode(db1,_)'.

--json prints the whole report: goals, graph (nodes and edges), paths, fixes.

With --model NAME (a model "vmc attackpath import" stored) and/or --inventory
(the stored assets and their open findings: docs/attack-paths.md says how
they become facts) instead of FILE, the analysis is stored and "vmc attackpath
show" prints it again.`,
		Example: `  vmc attackpath analyse input.P
  vmc attackpath analyse --goal 'execCode(fileServer,root)' --json input.P`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			stored := model != "" || inventory
			if stored == (len(args) == 1) {
				return usageError{fmt.Errorf("give FILE, or --model and/or --inventory")}
			}
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
			if stored {
				return withStore(cmd, false, func(c *Config, s store.Store) error {
					a, err := analyseStored(cmd.Context(), newMatcher(c, s), s, model, inventory, gs, k, !noFixes)
					if err != nil {
						return err
					}
					if a, err = s.AddAttackAnalysis(cmd.Context(), a, actor); err != nil {
						return err
					}
					if err := printStoredAnalysis(cmd.OutOrStdout(), a, asJSON); err != nil || !a.Inventory {
						return err
					}
					return reassessMarked(cmd, c, s, a, actor)
				})
			}
			src, err := readLimited(args[0], attackpath.MaxInputBytes)
			if err != nil {
				return err
			}
			m, err := attackpath.ParseModel(filepath.Base(args[0]), src)
			if err != nil {
				return err
			}
			rep, err := analyseModel(m, args[0], gs, k, !noFixes)
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
	cmd.Flags().StringVar(&model, "model", "", "analyse the stored model NAME (and store the analysis)")
	cmd.Flags().BoolVar(&inventory, "inventory", false, "add the stored assets and open findings (and store the analysis)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who runs a stored analysis, for the audit log")
	return cmd
}

func analyseModel(m *attackpath.Model, what string, goals []attackpath.Term, k int, fixes bool) (attackpath.AttackReport, error) {
	if len(goals) == 0 && len(m.Goals()) == 0 {
		return attackpath.AttackReport{}, usageError{fmt.Errorf("%s states no goal (attackGoal, or a critical or crown-jewel asset); give one with --goal", what)}
	}
	res, err := attackpath.Analyse(m, attackpath.Options{Goals: goals})
	if err != nil {
		return attackpath.AttackReport{}, err
	}
	return res.Report(k, fixes)
}

// analyseStored builds the model from a stored model, the inventory or
// both (their facts and goals together) and analyses it.
func analyseStored(ctx context.Context, matcher *ingest.Matcher, s store.Store, name string, inventory bool, goals []attackpath.Term, k int, fixes bool) (store.AttackAnalysis, error) {
	a := store.AttackAnalysis{Model: name, Inventory: inventory}
	m := &attackpath.Model{Source: "inventory"}
	var (
		fs     []finding.Finding
		assets []asset.Asset
	)
	if inventory {
		all, vulns, open, err := loadInventory(ctx, s)
		if err != nil {
			return a, err
		}
		assets, fs = all, open
		if m, a.Notes, err = attackpath.FromInventory(assets, vulns, nil); err != nil {
			return a, err
		}
	}
	if name != "" {
		sm, err := s.AttackModel(ctx, name)
		if err != nil {
			return a, err
		}
		pm, err := attackpath.ParseModel(name, []byte(sm.Source))
		if err != nil {
			return a, err
		}
		m.Clauses = append(m.Clauses, pm.Clauses...)
		m.Source = name
	}
	rep, err := analyseModel(m, m.Source, goals, k, fixes)
	a.Report = rep
	if err != nil {
		return a, err
	}
	a.OnPaths, err = onPaths(ctx, matcher, assets, fs, rep.Paths)
	return a, err
}

func printAttackReport(w io.Writer, rep attackpath.AttackReport) error {
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
