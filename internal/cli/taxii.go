package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
	"github.com/vmc-dev/vmc/internal/taxiiclient"
)

func newSTIX() *cobra.Command {
	cmd := &cobra.Command{Use: "stix", Short: "STIX 2.1 objects in TAXII collections"}
	var (
		collection, root, title, actor string
		read, write                    []string
	)
	imp := &cobra.Command{
		Use:   "import --collection ID FILE...",
		Short: "Add the objects of STIX 2.1 bundles to a TAXII collection, creating it when --title is given",
		Long: `Read STIX 2.1 bundles (such as MITRE ATT&CK for ICS) and add every object to
a collection, each version once. With --title the collection (and its API root)
is created or changed first, with --read and --write grants: public,
signed-in, role:ROLE, team:TEAM, user:NAME. Objects that cannot be read are
reported and the rest go in, a transaction per 1,000 objects.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				ctx := cmd.Context()
				if title != "" {
					if err := s.PutAPIRoot(ctx, taxii.APIRoot{Name: root, Title: root}, actor); err != nil {
						return err
					}
					if err := s.PutCollection(ctx, taxii.Collection{ID: collection, APIRoot: root, Title: title, Read: read, Write: write,
						MediaTypes: []string{taxii.STIXMediaType}}, actor); err != nil {
						return err
					}
				}
				for _, path := range args {
					f, err := os.Open(path)
					if err != nil {
						return err
					}
					sts, err := ingest.ImportSTIX(ctx, s, collection, path, f, actor)
					f.Close()
					if err != nil {
						return err
					}
					total, ok, added := 0, 0, 0
					for _, st := range sts {
						total += st.TotalCount
						ok += st.SuccessCount
						for _, d := range st.Successes {
							if d.Message == "added" {
								added++
							}
						}
						for _, d := range st.Failures {
							fmt.Fprintf(cmd.ErrOrStderr(), "rejected: %s\n", d.Message)
						}
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s: %d objects, %d added, %d already held, %d rejected\n", path, total, added, ok-added, total-ok)
				}
				return nil
			})
		},
	}
	f := imp.Flags()
	f.StringVar(&collection, "collection", "", "the collection's id (a UUID)")
	f.StringVar(&root, "api-root", "vmc", "the API root of a collection created with --title")
	f.StringVar(&title, "title", "", "create or change the collection with this title")
	f.StringSliceVar(&read, "read", []string{"signed-in"}, "who may read a collection created with --title")
	f.StringSliceVar(&write, "write", nil, "who may add to a collection created with --title")
	f.StringVar(&actor, "as", defaultActor(), "who imports, for the audit log")
	imp.MarkFlagRequired("collection")
	cmd.AddCommand(imp)
	return cmd
}

func newTAXII() *cobra.Command {
	cmd := &cobra.Command{Use: "taxii", Short: "TAXII 2.1: load reference data, pull collections from peers"}
	var actor string
	load := &cobra.Command{
		Use:   "load FILE",
		Short: "Create the API roots and collections of an OASIS reference server data file (default_data.json) with their objects",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				roots, err := taxii.ReadReference(args[0], f)
				if err != nil {
					return err
				}
				n, err := ingest.LoadTAXII(cmd.Context(), s, roots, actor)
				if err != nil {
					return err
				}
				cols := 0
				for _, r := range roots {
					cols += len(r.Collections)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d API roots, %d collections, %d object versions\n", len(roots), cols, n)
				return nil
			})
		},
	}
	load.Flags().StringVar(&actor, "as", defaultActor(), "who loads, for the audit log")
	cmd.AddCommand(load)

	var (
		p       taxiiclient.Peer
		timeout time.Duration
	)
	pull := &cobra.Command{
		Use:   "pull --peer URL --collection ID [--into ID]",
		Short: "Pull a peer's TAXII collection into a collection here, resuming where the last pull stopped",
		Long: `Pull every version of every object of a peer's collection (--peer is the
peer's API root URL) into a local collection (--into, by default the same id,
which must exist: vmc stix import --title creates one). Pages follow the
peer's next; the next pull sends the last X-TAXII-Date-Added-Last back as
added_after. Each version is kept once. VMC_TAXII_TOKEN, if set, is sent as
the bearer token.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				if p.Into == "" {
					p.Into = p.Collection
				}
				p.Token = os.Getenv("VMC_TAXII_TOKEN")
				ctx := cmd.Context()
				if timeout > 0 {
					var cancel func()
					ctx, cancel = context.WithTimeout(ctx, timeout)
					defer cancel()
				}
				res, err := taxiiclient.Pull(ctx, nil, s, p, "taxii-pull:"+p.APIRoot)
				if err != nil {
					return err
				}
				for _, r := range res.Rejected {
					fmt.Fprintf(cmd.ErrOrStderr(), "rejected: %s\n", r)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d pages, %d objects, %d added; next pull from %s\n", res.Pages, res.Objects, res.Added, res.Mark.Format(time.RFC3339Nano))
				return nil
			})
		},
	}
	pf := pull.Flags()
	pf.StringVar(&p.APIRoot, "peer", "", "the peer's TAXII API root URL")
	pf.StringVar(&p.Collection, "collection", "", "the peer's collection id")
	pf.StringVar(&p.Into, "into", "", "the local collection (default: the same id)")
	pf.IntVar(&p.Limit, "limit", 0, "page size to ask for (default: the peer's)")
	pf.DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	pull.MarkFlagRequired("peer")
	pull.MarkFlagRequired("collection")
	cmd.AddCommand(pull)
	return cmd
}
