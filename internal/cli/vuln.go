package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
)

func newVuln() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vuln",
		Short: "Look at vulnerabilities",
	}
	var asJSON, history bool
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a vulnerability by any of its ids, field by field with sources",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				v, err := s.Vuln(cmd.Context(), args[0], store.VulnOptions{History: history})
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no vulnerability is known as %s", args[0])}
				}
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), v)
				}
				return printVuln(cmd.OutOrStdout(), v)
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print the merged record with every claim's provenance as JSON")
	show.Flags().BoolVar(&history, "history", false, "include values sources have since changed or withdrawn")
	cmd.AddCommand(show)
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printVuln prints the merged view: each field's chosen value with the
// source it came from, and the other sources' differing values beneath.
func printVuln(w io.Writer, v advisory.Vulnerability) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\n", v.ID)
	fmt.Fprintf(tw, "aliases\t%s\n", strings.Join(v.Aliases, ", "))
	var srcs []string
	for _, s := range v.Sources {
		srcs = append(srcs, s.Source+":"+s.Record)
	}
	fmt.Fprintf(tw, "sources\t%s\n", strings.Join(srcs, ", "))
	for _, fv := range v.Fields {
		name := string(fv.Field)
		if fv.Key != "" {
			name += "[" + fv.Key + "]"
		}
		for i, c := range fv.Claims {
			label := name
			if i > 0 {
				label = "  also"
			}
			fmt.Fprintf(tw, "%s\t%s\t(%s %s)\n", label, claimText(fv.Field, c.Value), c.Source, c.Record)
		}
	}
	if len(v.History) > 0 {
		fmt.Fprintf(tw, "\nhistory\n")
		for _, c := range v.History {
			name := string(c.Field)
			if c.Key != "" {
				name += "[" + c.Key + "]"
			}
			fmt.Fprintf(tw, "%s\t%s\t(%s %s, %s → %s)\n", name, claimText(c.Field, c.Value), c.Source, c.Record,
				c.Seen.Format(time.DateOnly), c.Replaced.Format(time.DateOnly))
		}
	}
	return tw.Flush()
}

// claimText renders a claim's value on one line.
func claimText(f advisory.Field, raw json.RawMessage) string {
	switch f {
	case advisory.FieldTitle, advisory.FieldDescription, advisory.FieldState:
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return oneLine(s, 110)
		}
	case advisory.FieldPublished, advisory.FieldModified, advisory.FieldWithdrawn:
		var t time.Time
		if json.Unmarshal(raw, &t) == nil {
			return t.Format(time.RFC3339)
		}
	case advisory.FieldSeverity:
		var s advisory.Severity
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(fmt.Sprintf("%s %s %s", scoreText(s.Score), s.Rating, s.Vector))
		}
	case advisory.FieldAliases, advisory.FieldRelated:
		var ids []string
		if json.Unmarshal(raw, &ids) == nil {
			return strings.Join(ids, ", ")
		}
	case advisory.FieldCWEs:
		var cwes []advisory.CWE
		if json.Unmarshal(raw, &cwes) == nil {
			var ids []string
			for _, c := range cwes {
				ids = append(ids, c.ID)
			}
			return strings.Join(ids, ", ")
		}
	case advisory.FieldKEV:
		var k advisory.KEV
		if json.Unmarshal(raw, &k) == nil {
			return strings.TrimSpace(fmt.Sprintf("added %s, due %s, ransomware %s", k.DateAdded, k.DueDate, k.KnownRansomwareCampaignUse))
		}
	case advisory.FieldSSVC:
		var v advisory.SSVC
		if json.Unmarshal(raw, &v) == nil {
			return fmt.Sprintf("exploitation %s, automatable %s, technical impact %s (%s)", v.Exploitation, v.Automatable, v.TechnicalImpact, v.Provider)
		}
	case advisory.FieldEPSS:
		var e advisory.EPSS
		if json.Unmarshal(raw, &e) == nil {
			return fmt.Sprintf("%.5f (percentile %.5f) on %s", e.Score, e.Percentile, e.Date)
		}
	case advisory.FieldAffected:
		var as []advisory.Affected
		if json.Unmarshal(raw, &as) == nil {
			var names []string
			for _, a := range as {
				n := a.Package
				if a.Ecosystem != "" {
					n = a.Ecosystem + "/" + a.Package
				}
				if n == "" {
					n = strings.TrimSpace(a.Vendor + " " + a.Product)
				}
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
			return oneLine(strings.Join(names, ", "), 110)
		}
	case advisory.FieldReferences:
		var refs []advisory.Reference
		if json.Unmarshal(raw, &refs) == nil {
			return fmt.Sprintf("%d links", len(refs))
		}
	case advisory.FieldCredits:
		var cs []advisory.Credit
		if json.Unmarshal(raw, &cs) == nil {
			var names []string
			for _, c := range cs {
				names = append(names, c.Name)
			}
			return oneLine(strings.Join(names, ", "), 110)
		}
	}
	return oneLine(string(raw), 110)
}

func scoreText(f float64) string {
	if f == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f", f)
}

// oneLine folds whitespace and cuts s to max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func newStats() *cobra.Command {
	var asJSON, coverage, enrichment bool
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count vulnerabilities, records by source and identifiers by kind",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				st, err := s.Stats(cmd.Context())
				if err != nil {
					return err
				}
				var cov map[string]store.Coverage
				if coverage {
					if cov, err = s.Coverage(cmd.Context()); err != nil {
						return err
					}
				}
				var enr *advisory.EnrichmentTally
				if enrichment {
					if enr, err = store.Enrichment(cmd.Context(), s); err != nil {
						return err
					}
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), struct {
						store.Stats
						Coverage   map[string]store.Coverage `json:"coverage,omitempty"`
						Enrichment *advisory.EnrichmentTally `json:"enrichment,omitempty"`
					}{st, cov, enr})
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "vulnerabilities\t%d\n", st.Vulnerabilities)
				fmt.Fprintf(tw, "source records\t%d\n", st.Records)
				fmt.Fprintf(tw, "claims\t%d current, %d in history\n", st.CurrentClaims, st.HistoryClaims)
				printCounts(tw, "by source", st.BySource)
				printCounts(tw, "ids by kind", st.ByKind)
				if coverage {
					fmt.Fprintf(tw, "coverage\tvulnerabilities\tonly this source\n")
					for _, src := range slices.Sorted(maps.Keys(cov)) {
						fmt.Fprintf(tw, "  %s\t%d\t%d\n", src, cov[src].Vulnerabilities, cov[src].Only)
					}
				}
				if err := tw.Flush(); err != nil || enr == nil {
					return err
				}
				printEnrichment(cmd.OutOrStdout(), enr)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().BoolVar(&enrichment, "enrichment", false, "per source, the records that gain a CWE, CVSS, affected products or a fixed version from another source, by donor")
	cmd.Flags().BoolVar(&coverage, "coverage", false, "per source, the vulnerabilities it carries and those only it carries")
	return cmd
}

func printCounts(w io.Writer, title string, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "%s\n", title)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s\t%d\n", k, m[k])
	}
}
