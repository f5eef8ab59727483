package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

func newImport() *cobra.Command {
	var (
		source string
		batch  int
		asJSON bool
		force  bool
	)
	cmd := &cobra.Command{
		Use:   "import [--source NAME] PATH...",
		Short: "Import advisories from files, directories, .zip and .gz archives",
		Long: `Import advisories. The format of each document is detected from its content
unless --source names it: cve5, nvd, csaf, osv, ghsa, euvd, jvn, cnvd, cnnvd,
kev, epss.

Each batch of records is written in one transaction. Importing the same
data again changes nothing: documents imported before with the same content
(zip entries by their CRC-32, files by a CRC-32 of their bytes) are not even
read again, unless --force is given. An interrupted import completes when
re-run.
The exit code is 0 when every record was imported, 4 when some were
rejected (each is listed with its file, record and field).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			defer importGC()()
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				im := &ingest.Importer{Store: s, Sources: ingest.Sources(), Source: source, BatchSize: batch, Force: force, Matcher: newMatcher(c, s)}
				out := cmd.OutOrStdout()
				if bar := progressBar(cmd.ErrOrStderr(), paths); bar != nil {
					im.Progress = func(p ingest.Progress) { bar.Set64(p.BytesRead) }
					defer bar.Finish()
				}
				rep, err := im.Import(cmd.Context(), paths...)
				if asJSON {
					if werr := writeJSON(out, rep); werr != nil {
						return werr
					}
				} else {
					printReport(out, rep)
				}
				if err != nil {
					return err
				}
				if rep.Rejected > 0 {
					return &exitError{code: 4, err: fmt.Errorf("%d records or documents rejected", rep.Rejected)}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "format of every input (default: detect per document)")
	cmd.Flags().IntVar(&batch, "batch", 500, "records per transaction")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&force, "force", false, "read every document, even those imported unchanged before")
	return cmd
}

// importGC collects garbage less often while an import runs, and returns
// what restores the settings. An import allocates a batch's records,
// claims and statement arguments and drops them a batch later, so at Go's
// default (GOGC=100) the collector ran every few batches; at 400 the CNVD
// import used a fifth less CPU in paired runs, for 60 to 80 MiB more
// memory, and at 800 another 7% (17.5-18.0 → 16.2 s of user CPU, 12.0-12.4
// → 11.0-11.4 s of wall time; peak RSS 180-210 → 275-285 MiB; at 1600 no
// less CPU, and 420 MiB). The soft limit makes the collector work harder
// again before the heap gets near it, so imports whose batches hold
// more stay bounded. GOGC or GOMEMLIMIT in the environment win.
func importGC() (restore func()) {
	const (
		percent = 800
		limit   = 384 << 20
	)
	gc, mem := -1, int64(-1)
	setGC, setMem := os.Getenv("GOGC") == "", os.Getenv("GOMEMLIMIT") == ""
	if setGC {
		gc = debug.SetGCPercent(percent)
	}
	if setMem {
		mem = debug.SetMemoryLimit(limit)
	}
	return func() {
		if setGC {
			debug.SetGCPercent(gc)
		}
		if setMem {
			debug.SetMemoryLimit(mem)
		}
	}
}

// progressBar returns a byte-count bar when stderr is a terminal, and nil
// otherwise so that logs and CI output get only the summary.
func progressBar(w io.Writer, paths []string) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var total int64
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			total += fi.Size()
		}
	}
	if total == 0 {
		total = -1
	}
	return progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("importing"), progressbar.OptionThrottle(100*time.Millisecond))
}

func printReport(w io.Writer, rep ingest.Report) {
	for _, name := range rep.Skipped {
		fmt.Fprintf(w, "skipped: %s (not in a format vmc reads)\n", name)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "rejected: %s\n", e)
	}
	if n := rep.Rejected - len(rep.Errors); n > 0 {
		fmt.Fprintf(w, "rejected: ... and %d more\n", n)
	}
	fmt.Fprintf(w, "documents %d read, %d unchanged since last import; records read %d: new %d, changed %d, unchanged %d, rejected %d, stale %d, retired %d, merged %d vulnerabilities; %s\n",
		rep.Documents, rep.DocumentsUnchanged, rep.Read, rep.New, rep.Changed, rep.Unchanged, rep.Rejected, rep.Stale, rep.Retired, rep.Merged, rep.Duration.Round(time.Millisecond))
	if f := rep.Findings; f.Assets > 0 {
		for _, p := range f.Problems {
			fmt.Fprintf(w, "warning: %s\n", p)
		}
		fmt.Fprintf(w, "findings: %d asset re-matches, %d matches, %d findings opened, %d state changes, %d priorities changed\n", f.Assets, f.Matches, f.Opened, f.Moved, f.Reassessed)
	}
}
