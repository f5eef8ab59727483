package cli

import (
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

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/exercise"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/store"
)

func newExercise() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "exercise",
		Aliases: []string{"exercises"},
		Short:   "Red-team, pen-test, purple-team and bug-bounty exercises (实网攻防演练) and their manual findings",
		Long: `An exercise is testing done by people: a scope (assets vmc knows, hosts, URLs,
CIDR blocks), rules of engagement, dates, a lead and testers, and a methodology
(OWASP WSTG 4.2, PTES, NIST SP 800-115, OSSTMM 3, or custom). It moves planned →
running → reporting → closed.

The testers record manual findings (steps to reproduce, CWE, CVSS, location,
a CVE when there is one), attach evidence (its SHA-256 is taken on receipt and
the file is never changed), and retest them. Each manual finding still standing
is a result of the tool "exercise-<id>": it becomes a vmc finding with the
exercise as evidence, or joins the finding a scanner or vmc's own matching has
for the same vulnerability in the same place. A retest that finds it fixed
takes the exercise's evidence away, and the finding is verified by that retest
unless another tool still reports it.`,
	}
	cmd.AddCommand(newExerciseCreate(), newExerciseList(), newExerciseShow(), newExerciseStatus(), newExerciseFinding(),
		newExerciseAttach(), newExerciseDownload(), newExerciseRetest(), newExerciseSync(), newExerciseMethodologies())
	return cmd
}

// maxROE bounds a rules-of-engagement or steps file read from disk.
const maxROE = 256 << 10

// readText reads a text file of at most limit bytes.
func readText(path string, limit int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return "", fmt.Errorf("%s: larger than %d KiB", path, limit>>10)
	}
	return string(b), nil
}

// exerciseArg reads an exercise named by its id on the command line.
func exerciseArg(ctx context.Context, s store.Store, arg string) (exercise.Exercise, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return exercise.Exercise{}, usageError{fmt.Errorf("exercise id %q: not a number", arg)}
	}
	e, err := s.Exercise(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return e, &exitError{code: 3, err: fmt.Errorf("no exercise %d", id)}
	}
	return e, err
}

// manualFindingArg reads a manual finding named "MF-3" or "3".
func manualFindingArg(ctx context.Context, s store.Store, arg string) (exercise.ManualFinding, exercise.Exercise, error) {
	id, err := exercise.ParseRule(arg)
	if err != nil {
		return exercise.ManualFinding{}, exercise.Exercise{}, usageError{err}
	}
	f, err := s.ManualFinding(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return f, exercise.Exercise{}, &exitError{code: 3, err: fmt.Errorf("no manual finding MF-%d", id)}
	}
	if err != nil {
		return f, exercise.Exercise{}, err
	}
	e, err := s.Exercise(ctx, f.Exercise)
	return f, e, err
}

// reconcileExercise files the exercise's manual findings as its tool's
// results, one report per asset (exercise.Reports), and returns what
// changed. why names the event in the findings' evidence and reasons.
func reconcileExercise(ctx context.Context, c *Config, s store.Store, e exercise.Exercise, why string) ([]finding.Change, error) {
	fs, err := s.ManualFindings(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	kindOf := func(name string) asset.Kind {
		a, err := s.Asset(ctx, name)
		if err != nil {
			return ""
		}
		return a.Kind
	}
	m := newMatcher(c, s)
	var chs []finding.Change
	for _, r := range exercise.Reports(e, fs, kindOf) {
		out, err := m.ImportScan(ctx, r.Report, why, r.Asset)
		if err != nil {
			return chs, fmt.Errorf("exercise %d on %s: %w", e.ID, r.Asset, err)
		}
		chs = append(chs, out.Changes...)
	}
	return chs, nil
}

// carriers returns, per manual finding rule ("MF-3"), the vmc finding
// that carries it as the exercise's evidence: a manual finding retested
// fixed has none left.
func carriers(ctx context.Context, s store.Store, e exercise.Exercise, fs []exercise.ManualFinding) (map[string]finding.Finding, error) {
	out := map[string]finding.Finding{}
	done := map[string]bool{}
	for _, mf := range fs {
		if done[mf.Asset] {
			continue
		}
		done[mf.Asset] = true
		for f, err := range store.EachFinding(ctx, s, store.FindingQuery{Asset: mf.Asset, Limit: 1000}) {
			if err != nil {
				return nil, err
			}
			for _, ev := range f.Evidence {
				if ev.Tool == e.Tool() {
					out[ev.Rule] = f
				}
			}
		}
	}
	return out, nil
}

// printReconciled prints what a reconciliation did, and where the manual
// finding f stands among vmc's findings: before is the finding that
// carried it before the change, if one did.
func printReconciled(ctx context.Context, w io.Writer, s store.Store, e exercise.Exercise, f exercise.ManualFinding, before *finding.Finding, chs []finding.Change) error {
	if err := printChanges(w, chs); err != nil {
		return err
	}
	now, err := carriers(ctx, s, e, []exercise.ManualFinding{f})
	if err != nil {
		return err
	}
	x, ok := now[f.Rule()]
	switch {
	case ok:
		_, err = fmt.Fprintf(w, "%s is finding %d: %s on %s of %s, %s, evidence from %s\n", f.Rule(), x.ID, x.Vuln, x.Package, x.Asset, x.State, evidenceTools(x))
	case before != nil:
		if x, err = s.Finding(ctx, before.ID); err != nil {
			return err
		}
		if len(x.Evidence) > 0 {
			_, err = fmt.Fprintf(w, "%s was finding %d: %s on %s of %s, now %s, still reported by %s\n", f.Rule(), x.ID, x.Vuln, x.Package, x.Asset, x.State, evidenceTools(x))
		} else {
			_, err = fmt.Fprintf(w, "%s was finding %d: %s on %s of %s, now %s\n", f.Rule(), x.ID, x.Vuln, x.Package, x.Asset, x.State)
		}
	}
	return err
}

func evidenceTools(f finding.Finding) string {
	var ts []string
	for _, ev := range f.Evidence {
		ts = append(ts, ev.Tool)
	}
	return strings.Join(ts, ", ")
}

func newExerciseCreate() *cobra.Command {
	var (
		name, kind, start, end, methodology, lead, roeFile, actor string
		scope, testers                                            []string
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Plan an exercise: scope, rules of engagement, dates, team, methodology",
		Long: `Plan an exercise. --scope lists what may be attacked: each entry that names an
asset vmc knows is that asset; any other must be a host name (*.example.com for
every host below it), an IP address, a CIDR block or an http(s) URL. The
exercise starts planned; vmc exercise status moves it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e := exercise.Exercise{Name: name, Lead: lead, Testers: testers, Methodology: methodology}
			if err := e.Kind.UnmarshalText([]byte(kind)); err != nil {
				return usageError{fmt.Errorf("--kind: %w", err)}
			}
			var err error
			if e.Start, err = exercise.ParseDay("--start", start); err != nil {
				return usageError{err}
			}
			if e.End, err = exercise.ParseDay("--end", end); err != nil {
				return usageError{err}
			}
			if roeFile != "" {
				if e.RulesOfEngagement, err = readText(roeFile, maxROE); err != nil {
					return err
				}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				var lookupErr error
				e.Scope, err = exercise.ParseScope(scope, func(n string) bool {
					_, err := s.Asset(ctx, n)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						lookupErr = err
					}
					return err == nil
				})
				if lookupErr != nil {
					return lookupErr
				}
				if err != nil {
					return usageError{err}
				}
				e, err = s.PutExercise(ctx, e, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "exercise %d: %s (%s, %s), %s – %s, tool %s\n", e.ID, e.Name, e.Kind, e.Status,
					e.Start.Format(time.DateOnly), e.End.Format(time.DateOnly), e.Tool())
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the exercise's name")
	f.StringVar(&kind, "kind", "pentest", "pentest, red_team, purple_team or bug_bounty")
	f.StringSliceVar(&scope, "scope", nil, "assets, hosts, URLs and CIDR blocks in scope (comma-separated or repeated)")
	f.StringVar(&start, "start", "", "first day of testing, YYYY-MM-DD")
	f.StringVar(&end, "end", "", "last day of testing, YYYY-MM-DD")
	f.StringVar(&methodology, "methodology", "custom", "methodology template: "+strings.Join(exercise.MethodologyIDs(), ", "))
	f.StringVar(&lead, "lead", "", "who leads the exercise")
	f.StringSliceVar(&testers, "tester", nil, "a tester (repeatable)")
	f.StringVar(&roeFile, "roe-file", "", "file holding the rules of engagement")
	f.StringVar(&actor, "as", defaultActor(), "who plans it, for the audit log")
	return cmd
}

func newExerciseList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List exercises, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				es, err := s.ListExercises(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), es)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tNAME\tKIND\tSTATUS\tSTART\tEND\tMETHODOLOGY\tLEAD\n")
				for _, e := range es {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Name, e.Kind, e.Status,
						e.Start.Format(time.DateOnly), e.End.Format(time.DateOnly), e.Methodology, e.Lead)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newExerciseShow() *cobra.Command {
	var (
		asJSON bool
		lang   string
	)
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show an exercise, its methodology's phases and its manual findings",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				e, err := exerciseArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				fs, err := s.ManualFindings(ctx, e.ID)
				if err != nil {
					return err
				}
				m, _ := exercise.Methodology(e.Methodology)
				out := cmd.OutOrStdout()
				if asJSON {
					return writeJSON(out, map[string]any{"exercise": e, "methodology": m, "findings": fs})
				}
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "exercise\t%d\nname\t%s\nkind\t%s\nstatus\t%s\t(next: %s)\ndates\t%s – %s\nlead\t%s\ntesters\t%s\nscope\t%s\nmethodology\t%s\t%s\ntool\t%s\n",
					e.ID, e.Name, e.Kind.Title(lang), e.Status, statusList(e.Status.Next()), e.Start.Format(time.DateOnly), e.End.Format(time.DateOnly),
					e.Lead, strings.Join(e.Testers, ", "), strings.Join(append(append([]string{}, e.Scope.Assets...), e.Scope.Targets...), ", "),
					m.ID, m.Name.In(lang), e.Tool())
				if err := tw.Flush(); err != nil {
					return err
				}
				if e.RulesOfEngagement != "" {
					fmt.Fprintf(out, "\nRULES OF ENGAGEMENT\n%s\n", strings.TrimRight(e.RulesOfEngagement, "\n"))
				}
				if len(m.Phases) > 0 {
					fmt.Fprintln(out, "\nPHASES")
					tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
					for _, p := range m.Phases {
						fmt.Fprintf(tw, "%s\t%s\tchecks: %d\n", p.ID, p.Name.In(lang), len(p.Checklist))
					}
					if err := tw.Flush(); err != nil {
						return err
					}
				}
				on, err := carriers(ctx, s, e, fs)
				if err != nil {
					return err
				}
				fmt.Fprintln(out, "\nMANUAL FINDINGS")
				tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tASSET\tSEVERITY\tSTANDING\tFINDING\tRETESTS\tATTACHMENTS\tTITLE\n")
				for _, f := range fs {
					standing := "open"
					if !f.Open() {
						standing = "fixed"
					}
					var rs []string
					for _, r := range f.Retests {
						rs = append(rs, fmt.Sprintf("%s %s (%s)", r.At.Format(time.DateOnly), r.Result, r.By))
					}
					carrier := "-"
					if x, ok := on[f.Rule()]; ok {
						carrier = fmt.Sprintf("%d %s", x.ID, x.State)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", f.Rule(), f.Asset, f.Severity, standing, carrier, cmpOrDash(strings.Join(rs, "; ")), len(f.Attachments), f.Title)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of names: en or zh-CN")
	return cmd
}

func statusList(ss []exercise.Status) string {
	if len(ss) == 0 {
		return "none"
	}
	var out []string
	for _, s := range ss {
		out = append(out, string(s))
	}
	return strings.Join(out, ", ")
}

func cmpOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newExerciseStatus() *cobra.Command {
	var to, actor string
	cmd := &cobra.Command{
		Use:   "status ID --to STATUS",
		Short: "Move an exercise: planned → running → reporting → closed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st exercise.Status
			if err := st.UnmarshalText([]byte(to)); err != nil {
				return usageError{fmt.Errorf("--to: %w", err)}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				e, err := exerciseArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				from := e.Status
				e.Status = st
				if e, err = s.PutExercise(cmd.Context(), e, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "exercise %d: %s → %s\n", e.ID, from, e.Status)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the new status: running, reporting or closed")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who moves it, for the audit log")
	return cmd
}

func newExerciseFinding() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "finding",
		Short: "Manual findings of an exercise",
	}
	cmd.AddCommand(newExerciseFindingAdd())
	return cmd
}

func newExerciseFindingAdd() *cobra.Command {
	var (
		f                                    exercise.ManualFinding
		cwes, vulns                          []string
		severity, stepsFile, descFile, steps string
	)
	cmd := &cobra.Command{
		Use:   "add EXERCISE",
		Short: "Record a manual finding; it becomes (or joins) a vmc finding with the exercise as evidence",
		Long: `Record a manual finding of an exercise that is running or reporting, as its
reporter (--as, who must be the exercise's lead or a tester). The asset must be
in the exercise's scope, by name or by the location's host, address or URL.

The finding becomes a vmc finding with the exercise's tool ("exercise-<id>") as
evidence: on the vulnerability named by --vuln when vmc holds it (else a
record of the exercise's own, EXERCISE-<id>-MF-<id>), on the package --purl
names, or on the place --location says (a port, a URL, a source file).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, c := range cwes {
				n, err := scan.ParseCWE(c)
				if err != nil {
					return usageError{fmt.Errorf("--cwe: %w", err)}
				}
				f.CWEs = append(f.CWEs, n)
			}
			f.Vulns = vulns
			if severity != "" {
				f.Severity = scan.ParseSeverity(severity)
				if f.Severity == scan.SevUnknown && !strings.EqualFold(severity, "unknown") {
					return usageError{fmt.Errorf("--severity %q: one of critical, high, medium, low, info", severity)}
				}
			}
			var err error
			switch {
			case stepsFile != "" && steps != "":
				return usageError{errors.New("give --steps or --steps-file, not both")}
			case stepsFile != "":
				if f.StepsToReproduce, err = readText(stepsFile, maxROE); err != nil {
					return err
				}
			default:
				f.StepsToReproduce = steps
			}
			if descFile != "" {
				if f.Description, err = readText(descFile, maxROE); err != nil {
					return err
				}
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				ctx := cmd.Context()
				e, err := exerciseArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				f.Exercise = e.ID
				if f, err = s.AddManualFinding(ctx, f); err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				score := ""
				if f.CVSS != "" {
					score = fmt.Sprintf(", CVSS %.1f", f.Score)
				}
				fmt.Fprintf(out, "%s recorded on %s by %s: %s (%s%s)\n", f.Rule(), f.Asset, f.Reporter, f.Title, f.Severity, score)
				chs, err := reconcileExercise(ctx, c, s, e, fmt.Sprintf("%s (recorded by %s)", f.Rule(), f.Reporter))
				if err != nil {
					return err
				}
				return printReconciled(ctx, out, s, e, f, nil, chs)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Asset, "asset", "", "the asset it is on")
	fl.StringVar(&f.Title, "title", "", "a one-line title")
	fl.StringVar(&f.Description, "description", "", "what is wrong and what an attacker gains")
	fl.StringVar(&descFile, "description-file", "", "file holding the description")
	fl.StringVar(&steps, "steps", "", "steps to reproduce")
	fl.StringVar(&stepsFile, "steps-file", "", "file holding the steps to reproduce")
	fl.StringVar(&f.Location, "location", "", "where on the asset: a URL, 443/tcp, src/app.py:12")
	fl.StringVar(&f.Package, "purl", "", "the vulnerable package, as a purl, when it is about one")
	fl.StringSliceVar(&cwes, "cwe", nil, "CWE id (89 or CWE-89; repeatable)")
	fl.StringVar(&f.CVSS, "cvss", "", "CVSS vector (v2.0, v3.x or v4.0)")
	fl.StringSliceVar(&vulns, "vuln", nil, "a public identifier (CVE, GHSA, CNVD, ...; repeatable)")
	fl.StringVar(&severity, "severity", "", "critical, high, medium, low or info (default: from the CVSS score)")
	fl.StringVar(&f.Reporter, "as", defaultActor(), "the tester reporting it")
	return cmd
}

func newExerciseAttach() *cobra.Command {
	var name, mediaType, actor string
	cmd := &cobra.Command{
		Use:   "attach FINDING FILE",
		Short: "Attach a file of evidence to a manual finding (kept unchanged; prints its SHA-256)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[1]
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			if fi.Size() > exercise.MaxAttachment {
				return fmt.Errorf("%w: %s is %d bytes; attachments are at most %d MiB", exercise.ErrTooLarge, path, fi.Size(), exercise.MaxAttachment>>20)
			}
			content, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if name == "" {
				name = filepath.Base(path)
			}
			if mediaType == "" {
				mediaType = mime.TypeByExtension(filepath.Ext(name))
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				f, _, err := manualFindingArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				a, err := s.AddAttachment(cmd.Context(), f.ID, name, mediaType, content, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "attachment %d on %s: %s (%s, %d bytes)\nSHA-256 %s\n", a.ID, f.Rule(), a.Name, a.MediaType, a.Size, a.SHA256)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the attachment's name (default: the file's)")
	cmd.Flags().StringVar(&mediaType, "type", "", "media type (default: from the name's extension)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "the tester attaching it")
	return cmd
}

func newExerciseDownload() *cobra.Command {
	var output, actor string
	cmd := &cobra.Command{
		Use:   "download ATTACHMENT",
		Short: "Write an attachment's content, checked against its SHA-256; the read is audited",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("attachment id %q: not a number", args[0])}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				content, a, err := s.AttachmentContent(cmd.Context(), id, actor)
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no attachment %d", id)}
				}
				if err != nil {
					return err
				}
				if output == "" || output == "-" {
					_, err = cmd.OutOrStdout().Write(content)
					return err
				}
				if err := os.WriteFile(output, content, 0o600); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s, %d bytes, SHA-256 %s verified\n", output, a.Name, a.Size, a.SHA256)
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write (default: standard output)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who reads it, for the audit log")
	return cmd
}

func newExerciseRetest() *cobra.Command {
	var result, note, actor string
	cmd := &cobra.Command{
		Use:   "retest FINDING --result fixed|still_vulnerable|cannot_test",
		Short: "Record a retest of a manual finding; fixed resolves its vmc finding unless another tool still reports it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := exercise.Retest{By: actor, Note: note}
			if err := r.Result.UnmarshalText([]byte(result)); err != nil {
				return usageError{fmt.Errorf("--result: %w", err)}
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				ctx := cmd.Context()
				f, e, err := manualFindingArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				was, err := carriers(ctx, s, e, []exercise.ManualFinding{f})
				if err != nil {
					return err
				}
				var before *finding.Finding
				if x, ok := was[f.Rule()]; ok {
					before = &x
				}
				if r, err = s.AddRetest(ctx, f.ID, r); err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "retest %d of %s by %s: %s\n", r.ID, f.Rule(), r.By, r.Result)
				chs, err := reconcileExercise(ctx, c, s, e, fmt.Sprintf("retest of %s by %s: %s", f.Rule(), r.By, r.Result))
				if err != nil {
					return err
				}
				return printReconciled(ctx, out, s, e, f, before, chs)
			})
		},
	}
	cmd.Flags().StringVar(&result, "result", "", "fixed, still_vulnerable or cannot_test")
	cmd.Flags().StringVar(&note, "note", "", "what the retest did and saw")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "the tester retesting")
	return cmd
}

func newExerciseSync() *cobra.Command {
	return &cobra.Command{
		Use:   "sync ID",
		Short: "File the exercise's manual findings as findings again",
		Long: `Reconcile the findings with the exercise's manual findings and retests again.
Recording a finding or a retest does this at once; sync catches up after one
that was interrupted between the two, and changes nothing otherwise.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				e, err := exerciseArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				chs, err := reconcileExercise(cmd.Context(), c, s, e, "sync")
				if err != nil {
					return err
				}
				if err := printChanges(cmd.OutOrStdout(), chs); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "exercise %d: %d findings opened or moved\n", e.ID, changed(chs))
				return err
			})
		},
	}
}

func newExerciseMethodologies() *cobra.Command {
	var (
		lang   string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "methodologies [ID]",
		Short: "List the methodology templates, or one's phases and checklist",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if len(args) == 0 {
				ms := exercise.Methodologies()
				if asJSON {
					return writeJSON(out, ms)
				}
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				for _, m := range ms {
					fmt.Fprintf(tw, "%s\t%s\t%d phases\n", m.ID, m.Name.In(lang), len(m.Phases))
				}
				return tw.Flush()
			}
			m, ok := exercise.Methodology(args[0])
			if !ok {
				return &exitError{code: 3, err: fmt.Errorf("no methodology %q (one of %s)", args[0], strings.Join(exercise.MethodologyIDs(), ", "))}
			}
			if asJSON {
				return writeJSON(out, m)
			}
			fmt.Fprintf(out, "%s: %s\n%s\n", m.ID, m.Name.In(lang), m.Reference)
			for _, p := range m.Phases {
				fmt.Fprintf(out, "\n%s  %s\n", p.ID, p.Name.In(lang))
				for _, c := range p.Checklist {
					fmt.Fprintf(out, "  [ ] %s\n", c)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "language of names: en or zh-CN")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
