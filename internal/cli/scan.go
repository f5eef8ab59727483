package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/sbom"
	"github.com/vmc-dev/vmc/internal/store"
)

// readInventory parses an SBOM, lockfile or OS package list.
func readInventory(path string) (sbom.Inventory, error) {
	f, err := os.Open(path)
	if err != nil {
		return sbom.Inventory{}, err
	}
	defer f.Close()
	return sbom.ParseAny(path, f)
}

// newMatcher is the matcher over s with the configured precedence.
func newMatcher(c *Config, s store.Store) *ingest.Matcher {
	return &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence.WithSources(c.Merge.Precedence)}
}

// maxVEXSize bounds a VEX document read into memory.
const maxVEXSize = 64 << 20

// readVEX reads the statements of an OpenVEX, CycloneDX VEX or CSAF
// document.
func readVEX(path string) ([]match.VEX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxVEXSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxVEXSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxVEXSize>>20)
	}
	return ingest.ReadVEX(path, data)
}

// severityRank orders the qualitative ratings --fail-on takes.
var severityRank = map[string]int{"NONE": 0, "LOW": 1, "MEDIUM": 2, "MODERATE": 2, "HIGH": 3, "CRITICAL": 4}

func newScan() *cobra.Command {
	var (
		asJSON bool
		failOn string
		lang   string
		vexes  []string
	)
	cmd := &cobra.Command{
		Use:   "scan FILE",
		Short: "Match an SBOM, lockfile or OS package list against the database, without storing it",
		Long: `Match the components of an SBOM (CycloneDX, SPDX), a lockfile or an OS package
list against the vulnerabilities in the database and print what affects them,
each with the reason. Nothing is stored: it is for CI pipelines. With
--fail-on SEVERITY the exit code is 5 when a match of that severity or worse
is found (LOW, MEDIUM, HIGH, CRITICAL). A match no source rates (the Go
vulnerability database rates nothing) counts as meeting any threshold: a
gate should not open for want of a score.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failOn = strings.ToUpper(failOn)
			if _, ok := severityRank[failOn]; failOn != "" && !ok {
				return usageError{fmt.Errorf("--fail-on %q: want LOW, MEDIUM, HIGH or CRITICAL", failOn)}
			}
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				inv, err := readInventory(args[0])
				if err != nil {
					return err
				}
				var statements []match.VEX
				for _, f := range vexes {
					sts, err := readVEX(f)
					if err != nil && len(sts) == 0 {
						return err
					} else if err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "warning: %v\n", err)
					}
					statements = append(statements, sts...)
				}
				ms, matchErrs, err := newMatcher(c, s).Match(cmd.Context(), inv.Components)
				if err != nil {
					return err
				}
				rows, worst, err := scanRows(cmd.Context(), s, ms, statements)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					err = writeJSON(out, map[string]any{"file": args[0], "subject": inv.Subject,
						"components": len(inv.Components), "matches": rows, "errors": errorStrings(append(inv.Errors, matchErrs...))})
				} else {
					err = printScan(out, args[0], inv, rows, append(inv.Errors, matchErrs...), lang)
				}
				if err != nil {
					return err
				}
				if failOn != "" && worst >= severityRank[failOn] && slices.ContainsFunc(rows, func(r scanRow) bool { return !r.VEX.Suppresses() }) {
					return &exitError{code: 5, err: fmt.Errorf("found vulnerabilities of severity %s or worse", failOn)}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the matches as JSON")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit with code 5 if a match is this severe or worse: LOW, MEDIUM, HIGH, CRITICAL")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of the explanations: en or zh-CN")
	cmd.Flags().StringArrayVar(&vexes, "vex", nil, "OpenVEX, CycloneDX VEX or CSAF document to apply: not_affected and fixed statements suppress matches (repeatable)")
	return cmd
}

// scanRow is a match with the vulnerability's summary.
type scanRow struct {
	match.Match
	Summary advisory.Summary `json:"summary"`
}

func scanRows(ctx context.Context, s store.Store, ms []match.Match, vex []match.VEX) ([]scanRow, int, error) {
	sums := map[string]advisory.Summary{}
	for _, m := range ms {
		if _, ok := sums[m.Vuln]; ok {
			continue
		}
		v, err := s.Vuln(ctx, m.Vuln, store.VulnOptions{})
		if err != nil {
			return nil, 0, err
		}
		sums[m.Vuln] = v.Summary()
	}
	match.ApplyVEX(ms, vex, func(vuln string) []string { return sums[vuln].Aliases })
	worst := 0
	rows := make([]scanRow, len(ms))
	for i, m := range ms {
		sum := sums[m.Vuln]
		rows[i] = scanRow{Match: m, Summary: sum}
		if m.VEX.Suppresses() {
			continue // not a finding to gate on
		}
		rank, rated := severityRank[strings.ToUpper(sum.Rating)]
		if !rated {
			rank = severityRank["CRITICAL"]
		}
		worst = max(worst, rank)
	}
	return rows, worst, nil
}

func errorStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

func printScan(w io.Writer, file string, inv sbom.Inventory, rows []scanRow, errs []error, lang string) error {
	for _, e := range errs {
		fmt.Fprintf(w, "warning: %s: %v\n", file, e)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "COMPONENT\tVERSION\tVULNERABILITY\tSEVERITY\tFIXED IN\tKEV\tVEX\n")
	for _, r := range rows {
		kev := ""
		if r.Summary.KEV {
			kev = "KEV"
		}
		sev := r.Summary.Rating
		if r.Summary.Score > 0 {
			sev = fmt.Sprintf("%s %.1f", sev, r.Summary.Score)
		}
		vex := ""
		if r.VEX != nil {
			vex = r.VEX.Status
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Component.Name, r.Component.Version, r.Vuln, sev, r.Explanation.FixedVersion, kev, vex)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		fmt.Fprintf(w, "\n%s", r.Text(lang))
	}
	if len(rows) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s: %d components, %d matches\n", file, len(inv.Components), len(rows))
	return nil
}
