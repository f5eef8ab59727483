package cli

import (
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/incident"
)

// evidenceNow is the clock `evidence bundle` reads; tests set it.
var evidenceNow = func() time.Time { return time.Now().UTC() }

func newEvidence() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Incident evidence bundles: build one from files, verify one received",
		Long: `An evidence bundle is a zip archive that carries incident evidence with what is
needed to show it arrived unchanged: the files under evidence/<id>-<name>, a
manifest.json recording the incident, who exported the bundle, when, why and for
whom, and each file's size, SHA-256, collector, collection time and TLP marking,
and manifest.sha256, the SHA-256 of the manifest.

manifest.sha256 catches an edited manifest, not a forger who rewrites both:
compare the manifest's SHA-256 that verify prints with the one recorded when the
bundle was exported.`,
	}
	cmd.AddCommand(newEvidenceVerify(), newEvidenceBundle())
	return cmd
}

func newEvidenceVerify() *cobra.Command {
	return &cobra.Command{
		Use:   "verify BUNDLE.zip",
		Short: "Check an evidence bundle: every file against its manifest, the manifest against its hash",
		Long: `Check an evidence bundle: manifest.json against manifest.sha256, and every file the
manifest lists against its size and SHA-256. Each file gets an OK or FAIL line;
files missing or changed, entries the manifest does not list, and entries whose
path could escape the folder they are extracted to (never read) are failures.
Entries over 100 MiB, or a bundle over 2 GiB uncompressed, are not read.

The exit code is 0 when the bundle is intact and 1 when it is not or cannot be
read.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return err
			}
			rep, err := incident.VerifyBundle(f, st.Size())
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			out := cmd.OutOrStdout()
			m := rep.Manifest
			in := quoteUnprintable(m.Incident.Title)
			if m.Incident.ID != 0 {
				in = fmt.Sprintf("incident %d %s", m.Incident.ID, in)
			}
			to := ""
			if m.Recipient != "" {
				to = " for " + quoteUnprintable(m.Recipient)
			}
			fmt.Fprintf(out, "%s: %s, exported by %s at %s%s: %s\n", name, in, quoteUnprintable(m.ExportedBy),
				m.ExportedAt.UTC().Format(time.RFC3339), to, quoteUnprintable(m.Reason))
			for _, c := range rep.Checks {
				if c.Err == nil {
					if c.Path == incident.ManifestName {
						fmt.Fprintf(out, "OK    %s  sha256 %s\n", c.Path, c.SHA256)
					} else {
						fmt.Fprintf(out, "OK    %s  %d bytes  sha256 %s\n", quoteUnprintable(c.Path), c.Size, c.SHA256)
					}
					continue
				}
				// The path comes from the archive: quote it if it could
				// move the cursor or forge a line.
				msg := c.Err.Error()
				var p *incident.BundleProblem
				if errors.As(c.Err, &p) {
					msg = quoteUnprintable(p.Path) + ": " + p.Reason
				}
				fmt.Fprintf(out, "FAIL  %s\n", msg)
			}
			problems := len(rep.Problems())
			if problems > 0 {
				fmt.Fprintf(out, "%s: NOT INTACT: %d of %d checks failed\n", name, problems, len(rep.Checks))
				return &exitError{code: 1, err: fmt.Errorf("%s: %w (%d %s)", name, incident.ErrNotIntact, problems, plural(problems, "problem"))}
			}
			fmt.Fprintf(out, "%s: intact: the manifest and %d %s match (manifest sha256 %s)\n", name, len(m.Files), plural(len(m.Files), "file"), rep.ManifestSHA256)
			return nil
		},
	}
}

func newEvidenceBundle() *cobra.Command {
	var (
		title, by, reason, outName, label, to, clearance, source string
		incidentID                                               int64
	)
	cmd := &cobra.Command{
		Use:   "bundle --incident-title T --by NAME --reason R --out BUNDLE.zip FILE...",
		Short: "Build an evidence bundle from local files collected outside vmc",
		Long: `Build an evidence bundle from local files: evidence collected outside vmc (a
responder's laptop, a forensic firm's delivery). Each file is hashed on intake
(at most 100 MiB, an empty file is refused), recorded as collected by --by now,
and labelled --tlp; the bundle is for --to with --clearance, and is refused when
a label is beyond that clearance. The bundle is written whole or not at all, and
an existing --out is never overwritten.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			switch {
			case strings.TrimSpace(title) == "":
				return usageError{errors.New("--incident-title is required")}
			case by == "":
				return usageError{errors.New("--by NAME is required: who collected and exports the evidence")}
			case strings.TrimSpace(reason) == "":
				return usageError{errors.New("--reason is required: why the evidence leaves your hands")}
			case outName == "":
				return usageError{errors.New("--out BUNDLE.zip is required")}
			}
			tlp, err := incident.ParseTLP(label)
			if err != nil {
				return usageError{fmt.Errorf("--tlp: %w", err)}
			}
			clr, err := incident.ParseTLP(clearance)
			if err != nil {
				return usageError{fmt.Errorf("--clearance: %w", err)}
			}
			if _, err := os.Lstat(outName); err == nil {
				return fmt.Errorf("%s exists: evidence bundles are not overwritten; pick another --out", outName)
			}
			now := evidenceNow()
			in := incident.Incident{ID: incidentID, Title: title, Marking: incident.Marking{TLP: tlp}}
			evs := make([]incident.Evidence, len(files))
			for i, name := range files {
				ev, err := intakeFile(name, by, now)
				if err != nil {
					return err
				}
				ev.ID, ev.Incident, ev.Source, ev.Marking = int64(i+1), incidentID, source, incident.Marking{TLP: tlp}
				evs[i] = ev
			}
			ex := incident.Export{By: by, To: incident.Recipient{Name: to, Clearance: clr}, Reason: reason, At: now}
			sum, err := writeBundleFile(outName, in, evs, files, ex)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, ev := range evs {
				fmt.Fprintf(out, "%s  %d bytes  sha256 %s\n", incident.BundlePath(ev), ev.Size, ev.SHA256)
			}
			fmt.Fprintf(out, "wrote %s: %d %s, manifest sha256 %s\n", outName, len(evs), plural(len(evs), "file"), sum)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&title, "incident-title", "", "the incident's title")
	fs.Int64Var(&incidentID, "incident", 0, "the incident's id, when it has one")
	fs.StringVar(&by, "by", "", "who collected the files and exports the bundle")
	fs.StringVar(&reason, "reason", "", "why the bundle is made")
	fs.StringVar(&outName, "out", "", "the bundle to write (never overwritten)")
	fs.StringVar(&label, "tlp", "RED", "TLP 2.0 label of the incident and every file: CLEAR, GREEN, AMBER, AMBER+STRICT, RED")
	fs.StringVar(&to, "to", "", "who the bundle is for: a name or an e-mail address")
	fs.StringVar(&clearance, "clearance", "RED", "the recipient's clearance: the narrowest TLP label they may receive")
	fs.StringVar(&source, "source", "", "where the files came from: a host, a system, a person")
	return cmd
}

// intakeFile hashes a local file as evidence, named by its base name.
func intakeFile(name, by string, at time.Time) (incident.Evidence, error) {
	f, err := os.Open(name)
	if err != nil {
		return incident.Evidence{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return incident.Evidence{}, err
	}
	if !st.Mode().IsRegular() {
		return incident.Evidence{}, fmt.Errorf("%s: not a regular file", name)
	}
	ev, err := incident.NewEvidence(filepath.Base(name), mime.TypeByExtension(filepath.Ext(name)), f, by, at)
	if err != nil {
		return ev, fmt.Errorf("%s: %w", name, err)
	}
	return ev, nil
}

// writeBundleFile writes the bundle to a temporary file beside outName
// and renames it into place, so that a refused or failed export leaves
// nothing behind. The files are read a second time here: WriteBundle
// refuses any that changed since intake.
func writeBundleFile(outName string, in incident.Incident, evs []incident.Evidence, files []string, ex incident.Export) (sum string, err error) {
	items := make([]incident.BundleItem, len(evs))
	for i, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		items[i] = incident.BundleItem{Evidence: evs[i], Content: f}
	}
	tmp, err := os.CreateTemp(filepath.Dir(outName), ".evidence-*.zip.tmp")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if sum, err = incident.WriteBundle(tmp, in, items, ex); err != nil {
		return "", err
	}
	if err = tmp.Sync(); err != nil {
		return "", err
	}
	if err = tmp.Close(); err != nil {
		return "", err
	}
	if _, statErr := os.Lstat(outName); statErr == nil {
		err = fmt.Errorf("%s exists: evidence bundles are not overwritten; pick another --out", outName)
		return "", err
	}
	if err = os.Rename(tmp.Name(), outName); err != nil {
		return "", err
	}
	return sum, nil
}

// quoteUnprintable returns s as it is, or quoted when it holds anything
// a terminal could take as a control (text from a bundle is untrusted).
func quoteUnprintable(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) && r != ' ' {
			return strconv.Quote(s)
		}
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
