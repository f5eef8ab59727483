package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/trust"
)

func newTrust() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trust",
		Short: "Trusted computing posture (可信计算环境): root of trust, Secure Boot, measured boot, IMA integrity",
		Long: `A host's trusted computing posture is read from a snapshot of tool outputs
(docs/trust-snapshot.md): tpm2_getcap properties-fixed, mokutil --sb-state, the
kernel's IMA ascii_runtime_measurements, and a JSON document for what no tool
prints (a TCM, the OS, compensating controls, TPM/TCM stack and boot components).

Integrity verification compares an IMA measurement list with a reference
manifest of file digests (SHA-256 or SM3, GB/T 32905): each unknown or changed
binary becomes an integrity finding on the host with the lifecycle of any
finding, and a re-measurement that matches the manifest resolves it.`,
	}
	cmd.AddCommand(newTrustImport(), newTrustVerify(), newTrustGaps(), newTrustShow())
	return cmd
}

// maxTrustFile bounds a snapshot file, list or manifest read into memory.
const maxTrustFile = 64 << 20

func readTrustFile(path string) (ingest.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return ingest.File{}, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTrustFile+1))
	if err != nil {
		return ingest.File{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxTrustFile {
		return ingest.File{}, fmt.Errorf("%s: larger than %d MiB", path, maxTrustFile>>20)
	}
	return ingest.File{Name: path, Data: b}, nil
}

// trustInputError makes a snapshot's format error a usage error.
func trustInputError(err error) error {
	if errors.Is(err, trust.ErrFormat) {
		return &exitError{code: 4, err: err}
	}
	return err
}

func newTrustImport() *cobra.Command {
	var (
		name, actor string
		asJSON      bool
	)
	cmd := &cobra.Command{
		Use:   "import --asset HOST FILE...",
		Short: "Record a host's posture from snapshot files (tpm2_getcap, mokutil, IMA list, JSON)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" {
				return usageError{errors.New("--asset is required")}
			}
			var files []ingest.File
			for _, a := range args {
				f, err := readTrustFile(a)
				if err != nil {
					return err
				}
				files = append(files, f)
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				out, err := newMatcher(c, s).ImportTrust(cmd.Context(), name, files, actor)
				if err != nil {
					return trustInputError(err)
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), out)
				}
				w := cmd.OutOrStdout()
				writePosture(w, out.Posture)
				fmt.Fprintf(w, "components: %d added, %d removed; findings opened: %d\n", len(out.Inventory.Added), len(out.Inventory.Removed), out.Findings.Opened)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "asset", "", "the host (created when vmc does not know it)")
	f.StringVar(&actor, "as", defaultActor(), "who imports it, for the audit log")
	f.BoolVar(&asJSON, "json", false, "print the outcome as JSON")
	return cmd
}

// writePosture prints a posture and its gaps.
func writePosture(w io.Writer, p trust.Posture) {
	root := cmpOrDash(string(p.Root))
	if p.RootVersion != "" {
		root += " " + p.RootVersion
	}
	if p.Manufacturer != "" {
		root += fmt.Sprintf(" (%s %s, firmware %s)", p.Manufacturer, p.Model, cmpOrDash(p.Firmware))
	}
	fmt.Fprintf(w, "%s: root of trust %s\n", p.Asset, root)
	fmt.Fprintf(w, "secure boot: %s; measured boot: %s", cmpOrDash(string(p.SecureBoot)), cmpOrDash(string(p.MeasuredBoot)))
	if p.Measurements > 0 {
		fmt.Fprintf(w, " (%d IMA measurements)", p.Measurements)
	}
	fmt.Fprintln(w)
	if p.OS != "" {
		legacy := ""
		if p.LegacyOS {
			legacy = " (legacy)"
		}
		fmt.Fprintf(w, "os: %s%s\n", p.OS, legacy)
	}
	if g := p.Gaps(); len(g) > 0 {
		fmt.Fprintf(w, "gaps: %s\n", joinGaps(g))
	} else {
		fmt.Fprintln(w, "gaps: none: the host can join the chain of trust")
	}
	for _, c := range p.Controls {
		fmt.Fprintf(w, "control: %s\n", c)
	}
}

func joinGaps(g []trust.Gap) string {
	s := make([]string, len(g))
	for i, x := range g {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

func newTrustVerify() *cobra.Command {
	var (
		name, manifest, actor string
		asJSON                bool
	)
	cmd := &cobra.Command{
		Use:   "verify --asset HOST --manifest MANIFEST LIST",
		Short: "Compare an IMA measurement list with a reference manifest; file integrity findings",
		Long: `Compare an IMA measurement list (ascii_runtime_measurements) of a host with a
reference manifest: lines "ALGORITHM DIGEST PATH" (sha256, sm3, …), a keylime
allowlist ("DIGEST  PATH") or a keylime JSON runtime policy. Every file measured
with a digest the manifest does not expect is an integrity finding on the host
(IMA-changed-binary when the manifest names the file, IMA-unknown-binary when it
does not); findings of the last verification no longer seen are resolved.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" || manifest == "" {
				return usageError{errors.New("--asset and --manifest are required")}
			}
			list, err := readTrustFile(args[0])
			if err != nil {
				return err
			}
			ref, err := readTrustFile(manifest)
			if err != nil {
				return err
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				v, err := newMatcher(c, s).VerifyIntegrity(cmd.Context(), name, list, ref, actor)
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no asset %s", name)}
				}
				if err != nil {
					return trustInputError(err)
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), v)
				}
				w := cmd.OutOrStdout()
				r := v.Result
				fmt.Fprintf(w, "%s: %d files checked, %d as expected, %d deviations, %d not comparable, %d violations\n",
					v.Asset, r.Checked, r.Matched, len(r.Deviations), r.Incomparable, r.Violations)
				for _, d := range r.Deviations {
					fmt.Fprintf(w, "%s %s %s:%s\n", d.Kind, d.Path, d.Algorithm, d.Measured)
				}
				if len(r.Tampered) > 0 {
					fmt.Fprintf(w, "template hashes that do not hold (the list was edited): lines %s\n", strings.Trim(fmt.Sprint(r.Tampered), "[]"))
				}
				fmt.Fprintf(w, "integrity findings: %d opened, %d resolved\n", v.Opened, v.Resolved)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "asset", "", "the host measured")
	f.StringVar(&manifest, "manifest", "", "the reference manifest")
	f.StringVar(&actor, "as", defaultActor(), "who verifies, for the audit log")
	f.BoolVar(&asJSON, "json", false, "print the verification as JSON")
	return cmd
}

func newTrustGaps() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "gaps",
		Short: "Hosts that cannot join the chain of trust, with their compensating controls",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ps, err := s.ListPostures(cmd.Context())
				if err != nil {
					return err
				}
				gaps := trust.CoverageGaps(ps)
				if asJSON {
					if gaps == nil {
						gaps = []trust.CoverageGap{}
					}
					return writeJSON(cmd.OutOrStdout(), gaps)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "HOST\tROOT\tGAPS\tCOMPENSATING CONTROLS\n")
				for _, g := range gaps {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", g.Asset, cmpOrDash(string(g.Root)), joinGaps(g.Gaps), cmpOrDash(strings.Join(g.Controls, "; ")))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d of %d hosts outside the chain of trust\n", len(gaps), len(ps))
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the gaps as JSON")
	return cmd
}

func newTrustShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show HOST",
		Short: "Show a host's posture and its verifications",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				a, err := s.Asset(cmd.Context(), args[0])
				if err == nil {
					var p trust.Posture
					if p, err = s.Posture(cmd.Context(), a.ID); err == nil {
						vs, err := s.ListVerifications(cmd.Context(), a.ID)
						if err != nil {
							return err
						}
						if asJSON {
							return writeJSON(cmd.OutOrStdout(), struct {
								Posture       trust.Posture        `json:"posture"`
								Gaps          []trust.Gap          `json:"gaps"`
								Verifications []trust.Verification `json:"verifications"`
							}{p, p.Gaps(), vs})
						}
						w := cmd.OutOrStdout()
						writePosture(w, p)
						for _, c := range p.Components {
							fmt.Fprintf(w, "component: %s %s %s\n", c.Name, c.Version, cmpOrDash(c.PURL))
						}
						for _, v := range vs {
							fmt.Fprintf(w, "verification %d at %s by %s: %s against %s, %d deviations, %d opened, %d resolved\n", v.ID,
								v.At.Format("2006-01-02 15:04"), v.By, v.List, v.Manifest, len(v.Result.Deviations), v.Opened, v.Resolved)
						}
						return nil
					}
				}
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no trust posture for %s", args[0])}
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the posture as JSON")
	return cmd
}
