package cli

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

func newVEX() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vex",
		Short: "VEX statements that apply to findings",
	}
	cmd.AddCommand(newVEXImport())
	return cmd
}

func newVEXImport() *cobra.Command {
	var (
		name   string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "import [--asset NAME] FILE...",
		Short: "Keep the statements of VEX documents and apply them to findings",
		Long: `Read OpenVEX (v0.0.1, v0.2.0), CycloneDX VEX or CSAF documents and keep their
statements, for one asset (--asset) or every asset. They apply to current
findings at once and to future matches: not_affected (with its justification)
moves a finding to not_affected, fixed marks it fixed, under_investigation is
shown beside it. Importing a document again replaces its statements.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				ctx := cmd.Context()
				var targets []asset.Asset
				var assetID int64
				if name != "" {
					a, err := s.Asset(ctx, name)
					if errors.Is(err, store.ErrNotFound) {
						return &exitError{code: 3, err: fmt.Errorf("no asset is called %s", name)}
					} else if err != nil {
						return err
					}
					targets, assetID = []asset.Asset{a}, a.ID
				} else {
					var err error
					if targets, err = s.ListAssets(ctx); err != nil {
						return err
					}
				}
				out := cmd.OutOrStdout()
				for _, path := range args {
					sts, err := readVEX(path)
					if err != nil && len(sts) == 0 {
						return err
					} else if err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "warning: %v\n", err)
					}
					if name == "" {
						// A statement about "the product" as a whole is
						// about one asset; applied to all it would hide
						// findings everywhere.
						kept := sts[:0]
						for _, st := range sts {
							if len(st.Products) == 0 {
								fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s: the statement on %s about %s names no purl: import it with --asset for the asset it is about\n",
									path, strings.Join(st.Vulns, ", "), cmp.Or(st.Product, "the product"))
								continue
							}
							kept = append(kept, st)
						}
						sts = kept
					}
					doc := filepath.Base(path)
					for i := range sts {
						sts[i].Source = doc
					}
					if err := s.PutVEX(ctx, assetID, doc, sts); err != nil {
						return err
					}
					if !asJSON {
						fmt.Fprintf(out, "%s: %d statements\n", path, len(sts))
					}
				}
				m := newMatcher(c, s)
				var total ingest.Outcome
				for _, a := range targets {
					chs, o, err := m.Asset(ctx, a, nil, "VEX import")
					if err != nil {
						return err
					}
					total.Merge(o)
					if !asJSON {
						if err := printChanges(out, chs); err != nil {
							return err
						}
					}
				}
				if asJSON {
					return writeJSON(out, total)
				}
				_, err := fmt.Fprintf(out, "%d assets re-matched: %d state changes\n", total.Assets, total.Moved)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&name, "asset", "", "the asset the statements are about (default: every asset)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
