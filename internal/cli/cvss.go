package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/risk"
)

// newCVSS is "vmc cvss": score CVSS vectors given as arguments or on
// standard input.
func newCVSS() *cobra.Command {
	var (
		asJSON         bool
		crit, exposure string
	)
	cmd := &cobra.Command{
		Use:   "cvss [VECTOR...]",
		Short: "Score CVSS v2.0, v3.0, v3.1 and v4.0 vectors",
		Long: `Score CVSS vectors and print, for each, one line: its version, its base,
temporal and environmental scores, its severity and the vector. For CVSS v4.0
the temporal column holds the threat score (CVSS-BT). A group the vector sets
no metric of shows "-", and SEVERITY rates the rightmost score shown. CVSS
v2.0 has no official rating scale; vmc uses NVD's (Low, Medium, High).

With no vectors, read them from standard input, one a line; blank lines and
lines starting with # are skipped. An invalid vector gets an error line naming
the bad metric, and the run goes on; the exit code is 1 if any vector failed.

--criticality and --exposure score the vectors as found on such an asset:
criticality sets the security requirements (CR, IR, AR), exposure lowers the
attack vector (MAV) of v3.x and v4.0 vectors; the vector printed shows the
metrics applied.

--json prints JSON Lines: one object a vector, in input order, with version,
vector, base, temporal and environmental (when the vector sets them), score
and severity; an invalid vector's object has vector and error.`,
		Example: `  vmc cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
  vmc cvss --criticality high --exposure internal CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N
  vmc cvss --json < vectors.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var ctx risk.AssetContext
			if crit != "" {
				if err := ctx.Criticality.UnmarshalText([]byte(crit)); err != nil {
					return usageError{fmt.Errorf("--criticality: %w (low, medium, high, critical)", err)}
				}
			}
			if exposure != "" {
				if err := ctx.Exposure.UnmarshalText([]byte(exposure)); err != nil {
					return usageError{fmt.Errorf("--exposure: %w (internet, internal, isolated)", err)}
				}
			}
			out := cvssText
			if asJSON {
				out = cvssJSON
			}
			if len(args) > 0 {
				return scoreVectors(cmd.OutOrStdout(), ctx, out, func(yield func(string) bool) error {
					for _, a := range args {
						if !yield(a) {
							break
						}
					}
					return nil
				})
			}
			return scoreVectors(cmd.OutOrStdout(), ctx, out, func(yield func(string) bool) error {
				sc := bufio.NewScanner(cmd.InOrStdin())
				for sc.Scan() {
					line := strings.TrimSpace(sc.Text())
					if line == "" || strings.HasPrefix(line, "#") {
						continue
					}
					if !yield(line) {
						break
					}
				}
				if err := sc.Err(); err != nil {
					return fmt.Errorf("read standard input: %w", err)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON Lines, one object a vector")
	cmd.Flags().StringVar(&crit, "criticality", "", "score as on an asset of this business criticality: low, medium, high, critical")
	cmd.Flags().StringVar(&exposure, "exposure", "", "score as on an asset of this exposure: internet, internal, isolated")
	return cmd
}

// cvssFormat writes one vector's result, or its error, as one line.
type cvssFormat struct {
	header func(w io.Writer)
	line   func(w io.Writer, c risk.CVSS)
	fail   func(w io.Writer, vector string, err error)
}

// The text columns have fixed widths, the widest a header or value can be,
// rather than a tabwriter's: error lines come in between, and the lines
// stream as they are scored.
var cvssText = cvssFormat{
	header: func(w io.Writer) {
		fmt.Fprintf(w, cvssTextRow, "VERSION", "BASE", "TEMPORAL", "ENVIRONMENTAL", "SEVERITY", "VECTOR")
	},
	line: func(w io.Writer, c risk.CVSS) {
		fmt.Fprintf(w, cvssTextRow, c.Version, fmt.Sprintf("%.1f", c.Base), optScore(c.Temporal), optScore(c.Environmental), c.Severity, c.Vector)
	},
	fail: func(w io.Writer, _ string, err error) { fmt.Fprintf(w, "error: %v\n", err) },
}

const cvssTextRow = "%-7s  %-4s  %-8s  %-13s  %-8s  %s\n"

func optScore(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *f)
}

var cvssJSON = cvssFormat{
	header: func(io.Writer) {},
	line: func(w io.Writer, c risk.CVSS) {
		writeJSONLine(w, c)
	},
	fail: func(w io.Writer, vector string, err error) {
		writeJSONLine(w, struct {
			Vector string `json:"vector"`
			Error  string `json:"error"`
		}{vector, err.Error()})
	},
}

func writeJSONLine(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) // errors surface at Flush
}

// scoreVectors scores each vector that each yields and writes a line for
// it; a vector that fails gets an error line and the run goes on.
func scoreVectors(w io.Writer, ctx risk.AssetContext, f cvssFormat, each func(yield func(string) bool) error) error {
	bw := bufio.NewWriter(w)
	f.header(bw)
	n, failed := 0, 0
	err := each(func(vector string) bool {
		n++
		c, err := risk.Environmental(vector, ctx)
		if err != nil {
			failed++
			f.fail(bw, vector, err)
			return true
		}
		f.line(bw, c)
		return true
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d vectors failed", failed, n)}
	}
	return nil
}
