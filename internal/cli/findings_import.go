package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

// maxScanReport bounds a scanner report read from disk; the largest real
// ones are a few MiB, a 100,000-result Trivy report under 200 MiB.
const maxScanReport = 512 << 20

// maxListed is how many opened or moved findings an import lists; a big
// first import says how many instead.
const maxListed = 100

func changed(chs []finding.Change) int {
	n := 0
	for _, ch := range chs {
		if ch.Opened || len(ch.Steps) > 0 {
			n++
		}
	}
	return n
}

func newFindingImport() *cobra.Command {
	var (
		tool, assetName string
		asJSON          bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import scanner, SAST/DAST or pen-test tool reports as findings",
		Long: `Import the results of tools the organisation already runs — Nessus, OpenVAS,
Qualys, Nmap (vulners), ZAP, Burp, Acunetix, Nikto, Nuclei, Trivy, Grype,
Anchore, osv-scanner, Snyk, Dependency-Check, any SARIF 2.1.0, AWS Inspector,
Prowler, Wazuh — as findings, each tool's result as evidence.

The tool is detected from the report's content unless --tool names it. Each
target of a report goes to the asset named by --asset, else to the existing
asset named like the target's FQDN, IP address, URL or name (tried in that
order), else to a new asset of the target's kind. The placement of every
target is printed with the rule that decided it.

A finding is one vulnerability on one package (or, for results on no
package, one port of a host, one source file, or the web application) of
one asset, whichever tools report it: vmc's own SBOM matching and each tool
add evidence to the same finding. Importing a newer report of the same tool
re-opens what it finds again and resolves what it no longer reports, unless
another tool still does; importing the same report again changes nothing.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				m := newMatcher(c, s)
				var outs []ingest.ScanOutcome
				for _, path := range args {
					f, err := os.Open(path)
					if err != nil {
						return &exitError{code: 1, err: err}
					}
					rep, err := ingest.ReadScan(path, tool, io.LimitReader(f, maxScanReport))
					f.Close()
					if err != nil {
						return &exitError{code: 1, err: err}
					}
					out, err := m.ImportScan(cmd.Context(), rep, filepath.Base(path), assetName)
					if err != nil {
						return err
					}
					outs = append(outs, out)
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), outs)
				}
				w := cmd.OutOrStdout()
				for _, o := range outs {
					fmt.Fprintf(w, "%s (%s): %d results: %d on vulnerabilities vmc holds, %d recorded from the report, %d without an identifier\n",
						o.Report, o.Tool, o.Results, o.Linked, o.Recorded, o.Unnamed)
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintf(tw, "  TARGET\tASSET\tRULE\n")
					for _, p := range o.Placements {
						fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.Target.Name, p.Asset, p.Rule)
					}
					tw.Flush()
					fmt.Fprintf(w, "  findings: %d opened, %d state changes, %d reassessed\n", o.Findings.Opened, o.Findings.Moved, o.Findings.Reassessed)
					if n := changed(o.Changes); n > maxListed {
						fmt.Fprintf(w, "  %d findings opened or moved: vmc finding list --asset shows them\n", n)
					} else if err := printChanges(w, o.Changes); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&tool, "tool", "", "the tool that wrote the reports (default: detected)")
	cmd.Flags().StringVar(&assetName, "asset", "", "file every target's results on this asset (created if new)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the outcome as JSON")
	return cmd
}
