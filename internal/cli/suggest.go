package cli

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/suggest"
)

// printEnrichment writes the enrichment tally: per source of the record,
// per facet, how many records state it, how many another source fills
// (by donor) and how many nobody fills.
func printEnrichment(w io.Writer, t *advisory.EnrichmentTally) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "enrichment over %d vulnerabilities\n", t.Vulnerabilities)
	for _, part := range []struct {
		title string
		m     map[string]advisory.SourceTally
	}{{"primary records (one per vulnerability)", t.Primary}, {"all source records", t.Records}} {
		fmt.Fprintf(tw, "%s\n  source\trecords\tfacet\town\tfilled\tmissing\tfilled from\n", part.title)
		for _, src := range slices.Sorted(maps.Keys(part.m)) {
			st := part.m[src]
			for _, f := range advisory.Facets {
				ft := st.Facets[f]
				filled := 0
				var from []string
				for _, d := range slices.Sorted(maps.Keys(ft.Filled)) {
					filled += ft.Filled[d]
					from = append(from, fmt.Sprintf("%s %d", d, ft.Filled[d]))
				}
				fmt.Fprintf(tw, "  %s\t%d\t%s\t%d\t%d\t%d\t%s\n", src, st.Records, f, ft.Own, filled, ft.Missing, strings.Join(from, ", "))
			}
		}
	}
	tw.Flush()
}

func newClassify() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "Train the CWE and CVSS suggestion model on the imported corpus",
	}
	var (
		asJSON bool
		seed   uint64
	)
	train := &cobra.Command{
		Use:   "train",
		Short: "Train the model on the held-in split, report its accuracy on the held-out split, store it",
		Long: `Train multinomial naive Bayes classifiers (CWE and the eight CVSS v3.1 base
metrics, for English and Chinese descriptions) on every vulnerability that
has a description and a CWE or CVSS v3 label, holding out one example in
five by a hash of its id and the seed. The report compares top-1 and top-3
CWE accuracy and per-metric CVSS accuracy with always answering the most
frequent class. Training the same corpus with the same seed gives the same
model version.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ex, err := store.TrainingExamples(cmd.Context(), s)
				if err != nil {
					return err
				}
				cfg := suggest.DefaultConfig
				cfg.Seed = seed
				m := suggest.Train(ex, cfg)
				data, err := m.Bytes()
				if err != nil {
					return err
				}
				rep := suggest.Evaluate(m, ex)
				if err := s.PutModel(cmd.Context(), store.Model{Version: m.Version, Data: data, Report: rep}); err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), rep)
				}
				printModelReport(cmd.OutOrStdout(), rep, len(data))
				return nil
			})
		},
	}
	train.Flags().BoolVar(&asJSON, "json", false, "print the evaluation as JSON")
	train.Flags().Uint64Var(&seed, "seed", suggest.DefaultConfig.Seed, "salt of the held-out split")
	cmd.AddCommand(train)
	return cmd
}

func printModelReport(w io.Writer, rep suggest.Report, size int) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "model %s (%d bytes)\n", rep.Version, size)
	for _, lang := range suggest.Langs {
		lr, ok := rep.Langs[lang]
		if !ok {
			fmt.Fprintf(tw, "%s: no training examples\n", lang)
			continue
		}
		fmt.Fprintf(tw, "%s: %d training, %d held out\n  target\tn\ttop-1\tbaseline\ttop-3\tbaseline\n", lang, lr.Train, lr.Test)
		for _, t := range suggest.Targets {
			a, ok := lr.Targets[t]
			if !ok {
				continue
			}
			fmt.Fprintf(tw, "  %s\t%d\t%.3f\t%.3f", t, a.N, a.Top1, a.Baseline1)
			if t == suggest.TargetCWE {
				fmt.Fprintf(tw, "\t%.3f\t%.3f", a.Top3, a.Baseline3)
			}
			fmt.Fprintln(tw)
		}
	}
	tw.Flush()
}

func newSuggest() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "suggest ID",
		Short: "Suggest a CWE and CVSS v3.1 vector for a vulnerability no source gives them",
		Long: `Suggest what no source gives a vulnerability: a CWE and CVSS v3.1 base
metrics, from its description, with the latest model (vmc classify train).
Suggestions are stored beside the record, never as its data, and listed
with their ids; accept or reject each with vmc suggest accept|reject.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ss, err := makeSuggestions(cmd, s, args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), ss)
				}
				printSuggestions(cmd.OutOrStdout(), ss)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	for _, accept := range []bool{true, false} {
		cmd.AddCommand(newDecideSuggestion(accept))
	}
	return cmd
}

// makeSuggestions adds the latest model's suggestions for id and returns
// all of the vulnerability's.
func makeSuggestions(cmd *cobra.Command, s store.Store, id string) ([]suggest.Suggestion, error) {
	v, err := s.Vuln(cmd.Context(), id, store.VulnOptions{})
	if err != nil {
		return nil, err
	}
	sm, err := s.LatestModel(cmd.Context())
	if err != nil {
		return nil, err
	}
	m, err := suggest.Decode(bytes.NewReader(sm.Data))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", sm.Version, err)
	}
	return s.AddSuggestions(cmd.Context(), v.ID, suggest.Make(m, &v))
}

func printSuggestions(w io.Writer, ss []suggest.Suggestion) {
	if len(ss) == 0 {
		fmt.Fprintln(w, "no suggestions: sources give a CWE and a CVSS v3 vector, or no description the model reads")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tkind\tvalue\tconfidence\tstatus\tmodel\tlang\talternatives")
	for _, x := range ss {
		var alt []string
		for _, a := range x.Alternatives {
			alt = append(alt, fmt.Sprintf("%s %.2f", a.Class, a.P))
		}
		status := string(x.Status)
		if x.DecidedBy != "" {
			status += " by " + x.DecidedBy
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\n", x.ID, x.Kind, x.Value, x.Confidence, status, x.Model, x.Lang, strings.Join(alt, ", "))
	}
	tw.Flush()
}

func newDecideSuggestion(accept bool) *cobra.Command {
	var reason, actor string
	use, short := "reject SUGGESTION-ID", "Reject a suggestion"
	if accept {
		use, short = "accept SUGGESTION-ID", "Accept a suggestion: it becomes an analyst's claim naming the model and you"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageError{fmt.Errorf("suggestion id %q: not a positive number", args[0])}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				x, err := s.DecideSuggestion(cmd.Context(), id, accept, actor, reason)
				if err != nil {
					return err
				}
				printSuggestions(cmd.OutOrStdout(), []suggest.Suggestion{x})
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who decides, for the audit log")
	return cmd
}
