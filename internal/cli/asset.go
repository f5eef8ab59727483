package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/store"
)

func newAsset() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "asset",
		Short: "Hosts, images and applications, and the components on them",
	}
	cmd.AddCommand(newAssetAdd(), newAssetList(), newAssetShow(), newAssetDelete(), newAssetImport())
	return cmd
}

// assetFlags are the asset's context, shared by add and import.
func assetFlags(fs *pflag.FlagSet) {
	fs.String("kind", "application", "host, image or application")
	fs.String("team", "", "owning team")
	fs.String("env", "", "environment: prod, staging, test, dev")
	fs.String("criticality", "", "business criticality: low, medium, high, critical")
	fs.String("exposure", "", "internet, internal or isolated")
	fs.StringSlice("tag", nil, "tag (repeatable)")
	fs.String("group", "", "maintenance group")
}

// assetFromFlags builds an asset from the flags the user set, on top of
// base (the stored asset, when there is one).
func assetFromFlags(fs *pflag.FlagSet, base asset.Asset) (asset.Asset, error) {
	a := base
	set := func(name string, fn func(string) error) error {
		if !fs.Changed(name) && base.Name != "" {
			return nil
		}
		v, _ := fs.GetString(name)
		return fn(v)
	}
	errs := []error{
		set("kind", func(v string) error { return a.Kind.UnmarshalText([]byte(v)) }),
		set("team", func(v string) error { a.Team = v; return nil }),
		set("env", func(v string) error {
			if v == "" {
				return nil
			}
			return a.Environment.UnmarshalText([]byte(v))
		}),
		set("criticality", func(v string) error {
			if v == "" {
				return nil
			}
			return a.Criticality.UnmarshalText([]byte(v))
		}),
		set("exposure", func(v string) error {
			if v == "" {
				return nil
			}
			return a.Exposure.UnmarshalText([]byte(v))
		}),
		set("group", func(v string) error { a.MaintenanceGroup = v; return nil }),
	}
	if fs.Changed("tag") || base.Name == "" {
		a.Tags, _ = fs.GetStringSlice("tag")
	}
	return a, errors.Join(errs...)
}

func newAssetAdd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add an asset, or update the one with that name",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				base, err := s.Asset(cmd.Context(), args[0])
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				a, err := assetFromFlags(cmd.Flags(), base)
				if err != nil {
					return usageError{err}
				}
				a.Name = args[0]
				a, err = s.PutAsset(cmd.Context(), a)
				if err != nil {
					return err
				}
				if err := printAsset(cmd.OutOrStdout(), a); err != nil || base.ID == 0 {
					return err
				}
				// The asset's context feeds its findings' priorities and
				// deadlines: re-assess them.
				chs, o, err := newMatcher(c, s).Asset(cmd.Context(), a, nil, "asset context change")
				if err != nil {
					return err
				}
				if err := printChanges(cmd.OutOrStdout(), chs); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %d findings re-assessed, %d priorities changed\n", a.Name, o.Matches, o.Reassessed)
				return err
			})
		},
	}
	assetFlags(cmd.Flags())
	return cmd
}

func printAsset(w io.Writer, a asset.Asset) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\nteam\t%s\nenvironment\t%s\ncriticality\t%s\nexposure\t%s\ntags\t%s\nmaintenance group\t%s\n",
		a.Name, a.Kind, a.Team, a.Environment, a.Criticality, a.Exposure, strings.Join(a.Tags, ", "), a.MaintenanceGroup)
	return tw.Flush()
}

func newAssetList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List assets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				as, err := s.ListAssets(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), as)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "NAME\tKIND\tTEAM\tENV\tCRITICALITY\tEXPOSURE\n")
				for _, a := range as {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Name, a.Kind, a.Team, a.Environment, a.Criticality, a.Exposure)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newAssetShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show an asset and its components",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				a, err := s.Asset(cmd.Context(), args[0])
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no asset is called %s", args[0])}
				}
				if err != nil {
					return err
				}
				cs, err := s.Components(cmd.Context(), a.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), map[string]any{"asset": a, "components": cs})
				}
				if err := printAsset(cmd.OutOrStdout(), a); err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "\nCOMPONENT\tVERSION\tECOSYSTEM\n")
				for _, c := range cs {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.Version, c.Ecosystem)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newAssetDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete an asset and its components",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				return s.DeleteAsset(cmd.Context(), args[0])
			})
		},
	}
}

func newAssetImport() *cobra.Command {
	var (
		name   string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "import --asset NAME FILE",
		Short: "Read an asset's components from an SBOM, lockfile or OS package list",
		Long: `Read an asset's components from an SBOM (CycloneDX JSON or XML, SPDX JSON or
tag-value), a lockfile or an OS package list; the format is detected. The
asset is created if it does not exist. A re-import replaces the asset's
components and says what changed. The components are matched at once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" {
				return usageError{errors.New("--asset NAME is required")}
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				ctx := cmd.Context()
				inv, err := readInventory(args[0])
				if err != nil {
					return err
				}
				base, err := s.Asset(ctx, name)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				a, err := assetFromFlags(cmd.Flags(), base)
				if err != nil {
					return usageError{err}
				}
				a.Name = name
				if a, err = s.PutAsset(ctx, a); err != nil {
					return err
				}
				ch, err := s.SetComponents(ctx, a.ID, args[0], inv.Components)
				if err != nil {
					return err
				}
				chs, outcome, err := newMatcher(c, s).Asset(ctx, a, nil, "inventory "+filepath.Base(args[0]))
				if err != nil {
					return err
				}
				problems := append(errorStrings(inv.Errors), outcome.Problems...)
				out := cmd.OutOrStdout()
				if asJSON {
					return writeJSON(out, map[string]any{"asset": a, "change": ch, "findings": finding.Findings(chs), "outcome": outcome, "errors": problems})
				}
				for _, p := range problems {
					fmt.Fprintf(out, "warning: %s: %s\n", args[0], p)
				}
				fmt.Fprintf(out, "%s: %d components (%d added, %d removed, %d kept)\n", a.Name, len(inv.Components), len(ch.Added), len(ch.Removed), ch.Kept)
				if err := printChanges(out, chs); err != nil {
					return err
				}
				fmt.Fprintf(out, "%s: %d matches, %d findings opened, %d state changes\n", a.Name, outcome.Matches, outcome.Opened, outcome.Moved)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "asset", "", "the asset's name")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	assetFlags(cmd.Flags())
	return cmd
}
