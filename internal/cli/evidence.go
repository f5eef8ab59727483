package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// evidenceNow is the clock `evidence bundle` reads; tests set it.
var evidenceNow = func() time.Time { return time.Now().UTC() }

func newEvidence() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Incident evidence (证据) and its chain of custody: take in, read, hand over, export, verify",
		Long: `Evidence is a file collected during an incident: a log excerpt, a packet capture,
a malware sample, a screenshot. vmc takes its SHA-256 on intake and keeps it byte
for byte, never changed or removed; every later read, transfer and export is an
entry in its chain of custody (who, when, why, for whom), on the incident's
timeline and in the audit log. Every read re-hashes the content: content that no
longer matches is refused as tampered with, and the failed check is recorded.

The command line is the operator's, who holds the database: get does not apply
markings; bundle applies them to the bundle's recipient (--to, --clearance).

An evidence bundle is a zip archive that carries evidence with what is needed to
show it arrived unchanged: the files under evidence/<id>-<name>, a manifest.json
recording the incident, who exported the bundle, when, why and for whom, and each
file's size, SHA-256, collector, collection time and TLP marking, and
manifest.sha256, the SHA-256 of the manifest.

manifest.sha256 catches an edited manifest, not a forger who rewrites both:
compare the manifest's SHA-256 that verify prints with the one recorded in the
evidence's chain of custody when the bundle was exported.`,
	}
	cmd.AddCommand(newEvidenceAdd(), newEvidenceList(), newEvidenceShow(), newEvidenceGet(), newEvidenceTransfer(),
		newEvidenceBundle(), newEvidenceVerify())
	return cmd
}

// readEvidenceArg reads a piece of evidence named by its id on the
// command line.
func readEvidenceArg(ctx context.Context, s store.Store, arg string) (incident.Evidence, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return incident.Evidence{}, usageError{fmt.Errorf("evidence id %q: not a number", arg)}
	}
	ev, err := s.Evidence(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return ev, &exitError{code: 3, err: fmt.Errorf("no evidence %d", id)}
	}
	return ev, err
}

// readIncidentID reads --incident, which is required.
func readIncidentID(ctx context.Context, s store.Store, id int64) (incident.Incident, error) {
	if id == 0 {
		return incident.Incident{}, usageError{errors.New("--incident ID is required")}
	}
	return readIncidentArg(ctx, s, strconv.FormatInt(id, 10))
}

func newEvidenceAdd() *cobra.Command {
	var (
		ev                              incident.Evidence
		name, tlp, embargo, why, reason string
		recipients                      []string
	)
	cmd := &cobra.Command{
		Use:   "add --incident ID FILE",
		Short: "Take in a file as evidence on an incident (- reads standard input, with --name)",
		Long: `Take in a file as evidence on an incident: its SHA-256 is taken as it is read (at
most 100 MiB; an empty file is refused), and it is kept byte for byte, as
collected by --as now. --reason says why it was collected; --tlp labels it
(default TLP:RED, the incident team only), --embargo-until holds it back from
all but its --embargo-recipient parties until then. A file is kept whole or not
at all.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if ev.Marking.TLP, err = incident.ParseTLP(tlp); err != nil {
				return usageError{fmt.Errorf("--tlp: %w", err)}
			}
			until, err := parseIncidentTime("--embargo-until", embargo)
			if err != nil {
				return err
			}
			switch {
			case !until.IsZero():
				ev.Marking.Embargo = &incident.Embargo{Until: until, Reason: why, Recipients: recipients}
			case why != "" || len(recipients) > 0:
				return usageError{errors.New("--embargo-reason and --embargo-recipient need --embargo-until")}
			}
			var content io.Reader = cmd.InOrStdin()
			ev.Name = name
			if args[0] != "-" {
				f, err := openRegular(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				content = f
				if ev.Name == "" {
					ev.Name = filepath.Base(args[0])
				}
				if ev.MediaType == "" {
					ev.MediaType = mime.TypeByExtension(filepath.Ext(args[0]))
				}
			} else if ev.Name == "" {
				return usageError{errors.New("--name is required when the file is standard input")}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentID(cmd.Context(), s, ev.Incident)
				if err != nil {
					return err
				}
				x, err := s.AddEvidence(cmd.Context(), ev, content, reason)
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "evidence %d on incident %d: %s, %d bytes, sha256 %s, %s\n", x.ID, in.ID, x.Name, x.Size, x.SHA256, incidentMarking(x.Marking))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.Int64Var(&ev.Incident, "incident", 0, "the incident it is evidence of")
	f.StringVar(&name, "name", "", "its file name (default: FILE's base name)")
	f.StringVar(&ev.MediaType, "media-type", "", "its media type (default: from FILE's extension)")
	f.StringVar(&ev.Source, "source", "", "where it came from: a host, a system, a person")
	f.StringVar(&ev.Description, "description", "", "what it is and what it shows")
	f.StringVar(&reason, "reason", "", "why it was collected")
	f.StringVar(&tlp, "tlp", "RED", "TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	f.StringVar(&embargo, "embargo-until", "", "hold it back until this day or time")
	f.StringVar(&why, "embargo-reason", "", "why it is under embargo")
	f.StringSliceVar(&recipients, "embargo-recipient", nil, "a party who may receive it during the embargo (repeatable)")
	f.StringVar(&ev.CollectedBy, "as", defaultActor(), "who collected it")
	return cmd
}

// openRegular opens a file that must be a regular file: a device or a
// directory is not evidence vmc can hash.
func openRegular(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() && st.Mode()&os.ModeNamedPipe == 0 {
		err = fmt.Errorf("%s: not a regular file", name)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func newEvidenceList() *cobra.Command {
	var (
		incidentID int64
		asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "list --incident ID",
		Short: "List an incident's evidence, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				in, err := readIncidentID(cmd.Context(), s, incidentID)
				if err != nil {
					return err
				}
				evs, err := s.ListEvidence(cmd.Context(), in.ID)
				if err != nil {
					return err
				}
				if asJSON {
					if evs == nil {
						evs = []incident.Evidence{}
					}
					return writeJSON(cmd.OutOrStdout(), evs)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tNAME\tSIZE\tTLP\tCOLLECTED\tBY\tSHA256\n")
				for _, ev := range evs {
					fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%s\n", ev.ID, quoteUnprintable(ev.Name), ev.Size, ev.Marking.TLP,
						ev.Collected.Format(time.RFC3339), ev.CollectedBy, ev.SHA256)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().Int64Var(&incidentID, "incident", 0, "the incident")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newEvidenceShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a piece of evidence and its chain of custody",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ev, err := readEvidenceArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				log, err := s.CustodyLog(cmd.Context(), ev.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), map[string]any{"evidence": ev, "custody": log})
				}
				return printEvidence(cmd.OutOrStdout(), ev, log)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// printEvidence prints a piece of evidence and its chain of custody.
func printEvidence(w io.Writer, ev incident.Evidence, log []incident.CustodyEvent) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "evidence\t%d\nincident\t%d\nname\t%s\nmedia type\t%s\nsize\t%d bytes\nsha256\t%s\nmarking\t%s\n",
		ev.ID, ev.Incident, quoteUnprintable(ev.Name), ev.MediaType, ev.Size, ev.SHA256, incidentMarking(ev.Marking))
	if e := ev.Marking.Embargo; e != nil && len(e.Recipients) > 0 {
		fmt.Fprintf(tw, "embargo recipients\t%s\n", strings.Join(e.Recipients, ", "))
	}
	fmt.Fprintf(tw, "collected\t%s by %s\nsource\t%s\ndescription\t%s\n", ev.Collected.Format(time.RFC3339), ev.CollectedBy,
		cmpOrDash(ev.Source), cmpOrDash(strings.Join(strings.Fields(ev.Description), " ")))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nCHAIN OF CUSTODY")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "AT\tACTOR\tACTION\tTO\tSHA256\tREASON\n")
	for _, e := range log {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), e.Actor, e.Action, cmpOrDash(e.To), cmpOrDash(e.SHA256),
			cmpOrDash(strings.Join(strings.Fields(e.Reason), " ")))
	}
	return tw.Flush()
}

func newEvidenceGet() *cobra.Command {
	var reason, out, actor string
	cmd := &cobra.Command{
		Use:   "get ID --reason R --out FILE",
		Short: "Write a piece of evidence to a file (- for standard output), saying why; the read is in its chain of custody",
		Long: `Write a piece of evidence to --out, or to standard output with --out -. Its content
is re-hashed first: content that no longer matches its SHA-256 taken at intake is
not written, and the failed check is recorded. The read, by --as for --reason, is
in its chain of custody, on the incident's timeline and in the audit log. An
existing --out is never overwritten.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case strings.TrimSpace(reason) == "":
				return usageError{errors.New("--reason is required: why you read the evidence")}
			case out == "":
				return usageError{errors.New("--out FILE is required (- for standard output)")}
			}
			if out != "-" {
				if _, err := os.Lstat(out); err == nil {
					return fmt.Errorf("%s exists: evidence is not written over a file; pick another --out", out)
				}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ev, err := readEvidenceArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				rc, ev, err := s.OpenEvidence(cmd.Context(), ev.ID, incident.CustodyEvent{Actor: actor, Action: incident.CustodyAccessed, Reason: reason})
				if err != nil {
					return err
				}
				defer rc.Close()
				if out == "-" {
					_, err := io.Copy(cmd.OutOrStdout(), rc)
					return err
				}
				if err := writeNewFile(out, func(w io.Writer) error {
					_, err := io.Copy(w, rc)
					return err
				}); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: evidence %d (%s), %d bytes, sha256 %s, checked\n", out, ev.ID, quoteUnprintable(ev.Name), ev.Size, ev.SHA256)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why you read it")
	cmd.Flags().StringVar(&out, "out", "", "the file to write (never overwritten), or - for standard output")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who reads it")
	return cmd
}

func newEvidenceTransfer() *cobra.Command {
	var e incident.CustodyEvent
	cmd := &cobra.Command{
		Use:   "transfer ID --to WHO --reason R",
		Short: "Record that a piece of evidence was handed to someone, and why",
		Long: `Record in a piece of evidence's chain of custody that --as handed it (or a copy)
to --to: law enforcement, an insurer's forensic firm, a regulator. --reason says
why (a case number, a request). It is on the incident's timeline and in the
audit log too.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ev, err := readEvidenceArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				x, err := s.TransferEvidence(cmd.Context(), ev.ID, e)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "evidence %d (%s) transferred by %s to %s at %s\n", ev.ID, quoteUnprintable(ev.Name), x.Actor, x.To, x.At.Format(time.RFC3339))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&e.To, "to", "", "who received it")
	cmd.Flags().StringVar(&e.Reason, "reason", "", "why it was handed over")
	cmd.Flags().StringVar(&e.Actor, "as", defaultActor(), "who handed it over")
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
		ids                                                      []int64
	)
	cmd := &cobra.Command{
		Use:   "bundle --incident ID --reason R --out BUNDLE.zip | bundle --incident-title T --by NAME --reason R --out BUNDLE.zip FILE...",
		Short: "Export an incident's evidence as a bundle, or build one from local files collected outside vmc",
		Long: `Without FILE arguments: export the evidence of incident --incident (all of it, or
each --evidence ID, in that order) from vmc, by --by (default: you), for --to
(default: --by) with --clearance. Every file is re-hashed first; one that changed
fails the export. Each file's chain of custody records the export with the
manifest's SHA-256.

With FILE arguments: build a bundle from local files, evidence collected
outside vmc (a responder's laptop, a forensic firm's delivery). Each file is
hashed on intake (at most 100 MiB, an empty file is refused), recorded as
collected by --by now, and labelled --tlp.

Either way, the bundle is refused when a label (the incident's or a file's) is
beyond the recipient's --clearance, or under an embargo that does not name them.
It is written whole or not at all, and an existing --out is never overwritten.`,
		RunE: func(cmd *cobra.Command, files []string) error {
			switch {
			case strings.TrimSpace(reason) == "":
				return usageError{errors.New("--reason is required: why the evidence leaves your hands")}
			case outName == "":
				return usageError{errors.New("--out BUNDLE.zip is required")}
			}
			clr, err := incident.ParseTLP(clearance)
			if err != nil {
				return usageError{fmt.Errorf("--clearance: %w", err)}
			}
			if _, err := os.Lstat(outName); err == nil {
				return fmt.Errorf("%s exists: evidence bundles are not overwritten; pick another --out", outName)
			}
			if len(files) == 0 {
				return exportBundle(cmd, incidentID, ids, cmp.Or(by, defaultActor()), to, clr, reason, outName)
			}
			switch {
			case strings.TrimSpace(title) == "":
				return usageError{errors.New("--incident-title is required for a bundle of local files")}
			case by == "":
				return usageError{errors.New("--by NAME is required: who collected and exports the evidence")}
			case len(ids) > 0:
				return usageError{errors.New("--evidence selects evidence kept in vmc: give it no FILE arguments")}
			}
			tlp, err := incident.ParseTLP(label)
			if err != nil {
				return usageError{fmt.Errorf("--tlp: %w", err)}
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
			return printBundle(cmd.OutOrStdout(), outName, evs, sum)
		},
	}
	fs := cmd.Flags()
	fs.Int64Var(&incidentID, "incident", 0, "the incident's id: whose evidence to export, or, with FILE arguments, the id the files' incident has")
	fs.Int64SliceVar(&ids, "evidence", nil, "a piece of the incident's evidence to export (repeatable; default: all of it)")
	fs.StringVar(&title, "incident-title", "", "with FILE arguments: the incident's title")
	fs.StringVar(&by, "by", "", "who exports the bundle (with FILE arguments, required: who collected the files too)")
	fs.StringVar(&reason, "reason", "", "why the bundle is made")
	fs.StringVar(&outName, "out", "", "the bundle to write (never overwritten)")
	fs.StringVar(&label, "tlp", "RED", "with FILE arguments: TLP 2.0 label of the incident and every file: CLEAR, GREEN, AMBER, AMBER+STRICT, RED")
	fs.StringVar(&to, "to", "", "who the bundle is for: a name or an e-mail address")
	fs.StringVar(&clearance, "clearance", "RED", "the recipient's clearance: the narrowest TLP label they may receive")
	fs.StringVar(&source, "source", "", "with FILE arguments: where the files came from: a host, a system, a person")
	return cmd
}

// exportBundle exports an incident's evidence kept in vmc to outName.
func exportBundle(cmd *cobra.Command, incidentID int64, ids []int64, by, to string, clr incident.TLP, reason, outName string) error {
	return withStore(cmd, true, func(_ *Config, s store.Store) error {
		ctx := cmd.Context()
		in, err := readIncidentID(ctx, s, incidentID)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			evs, err := s.ListEvidence(ctx, in.ID)
			if err != nil {
				return err
			}
			if len(evs) == 0 {
				return fmt.Errorf("incident %d has no evidence to export", in.ID)
			}
			for _, ev := range evs {
				ids = append(ids, ev.ID)
			}
		}
		bundle, sum, evs, err := s.ExportEvidence(ctx, in.ID, ids, incident.Export{By: by, To: incident.Recipient{Name: cmp.Or(to, by), Clearance: clr}, Reason: reason})
		if err != nil {
			return err
		}
		defer bundle.Close()
		if err := writeNewFile(outName, func(w io.Writer) error {
			_, err := io.Copy(w, bundle)
			return err
		}); err != nil {
			return err
		}
		return printBundle(cmd.OutOrStdout(), outName, evs, sum)
	})
}

// printBundle lists what a bundle holds.
func printBundle(w io.Writer, outName string, evs []incident.Evidence, sum string) error {
	for _, ev := range evs {
		fmt.Fprintf(w, "%s  %d bytes  sha256 %s\n", quoteUnprintable(incident.BundlePath(ev)), ev.Size, ev.SHA256)
	}
	_, err := fmt.Fprintf(w, "wrote %s: %d %s, manifest sha256 %s\n", outName, len(evs), plural(len(evs), "file"), sum)
	return err
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

// writeBundleFile writes a bundle of local files. The files are read a
// second time here: WriteBundle refuses any that changed since intake.
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
	err = writeNewFile(outName, func(w io.Writer) error {
		sum, err = incident.WriteBundle(w, in, items, ex)
		return err
	})
	return sum, err
}

// writeNewFile writes outName through a temporary file beside it, synced
// and renamed into place only when write succeeds, so that a refused or
// failed write leaves nothing behind; an existing outName is never
// overwritten.
func writeNewFile(outName string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(outName), ".evidence-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if _, statErr := os.Lstat(outName); statErr == nil {
		return fmt.Errorf("%s exists: evidence is not written over a file; pick another --out", outName)
	}
	return os.Rename(tmp.Name(), outName)
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
