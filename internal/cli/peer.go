package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/federation"
	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/store"
)

// federationConfig configures vmc as a member of a federation of vmcs.
type federationConfig struct {
	// Name is this vmc's name among its peers: the origin its own
	// records carry, and the records its pulls skip. Give each vmc its
	// own.
	Name string `koanf:"name"`
	// Key seals the tokens peers issued to this vmc before they are
	// stored (peer.Sealer); VMC_FEDERATION__KEY sets it.
	Key string `koanf:"key"`
	// PublishEvery is how often serve publishes vmc's changed
	// vulnerabilities into its TAXII collection; 0 turns it off.
	PublishEvery time.Duration `koanf:"publish-every"`
}

// DefaultFederationName is the origin of a vmc that was given no name.
const DefaultFederationName = "vmc"

func (c *Config) federationName() (string, error) {
	name := c.Federation.Name
	if name == "" {
		name = DefaultFederationName
	}
	if err := peer.CheckOrigin(name); err != nil {
		return "", fmt.Errorf("federation.name: %w", err)
	}
	return name, nil
}

// node is this vmc's federation over s.
func (c *Config) node(s store.Store, actor string) (*federation.Node, error) {
	name, err := c.federationName()
	if err != nil {
		return nil, err
	}
	n := &federation.Node{Store: s, Self: name, Actor: actor, HTTP: &http.Client{Timeout: time.Minute}}
	if c.Federation.Key != "" {
		if n.Sealer, err = peer.NewSealer(c.Federation.Key); err != nil {
			return nil, fmt.Errorf("federation.key: %w", err)
		}
	}
	return n, nil
}

// federationJobs are serve's scheduled publishing; the peers' pulls are
// peerPulls', which reads the peers as they are now.
func federationJobs(c *Config, s store.Store) ([]fetch.Job, error) {
	n, err := c.node(s, "system")
	if err != nil {
		return nil, err
	}
	if c.Federation.PublishEvery <= 0 {
		return nil, nil
	}
	return []fetch.Job{{Name: "federation publish", Every: c.Federation.PublishEvery, Run: func(ctx context.Context) error {
		_, err := n.PublishSTIX(ctx)
		return err
	}}}, nil
}

// peerPullKind is the kind of the job that pulls one peer.
const peerPullKind = "peer-pull"

// peerPullArgs name the peer a peerPullKind job pulls.
type peerPullArgs struct {
	Name string `json:"name"`
}

// peerPulls schedules the peers' pulls from what the store says at each
// tick, not from what it said when serve started: one scheduled job
// ("peer pulls", every tick, so one run per tick across replicas) lists
// the peers and enqueues a pull for each that is due (peer.Due). A peer
// added, rescheduled or removed, by any replica or by `vmc peer`, counts
// at the next tick. Each pull is its own job, unique per peer while one
// is queued or running, so a slow peer neither holds up the others nor
// is pulled twice at once.
type peerPulls struct {
	node *federation.Node
	// queue takes the pulls; set once it is open, before it starts.
	queue jobs.Queue
	// tick is how often due peers are looked for; 0 means peer.MinEvery,
	// the shortest schedule a peer can have.
	tick time.Duration
}

func (p *peerPulls) every() time.Duration {
	if p.tick > 0 {
		return p.tick
	}
	return peer.MinEvery
}

// register adds the pull job's kind.
func (p *peerPulls) register(reg *jobs.Registry) {
	reg.Handle(jobs.Kind{Name: peerPullKind, MaxAttempts: 3, Handler: func(ctx context.Context, jb jobs.Job) (any, error) {
		var a peerPullArgs
		if err := json.Unmarshal(jb.Args, &a); err != nil {
			return nil, fmt.Errorf("peer pull arguments: %w", err)
		}
		res, err := p.node.Pull(ctx, a.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil // removed since the pull was enqueued: nothing to do
		}
		return res, err
	}})
}

// job is the scheduled job that enqueues the due pulls.
func (p *peerPulls) job() fetch.Job {
	return fetch.Job{Name: "peer pulls", Every: p.every(), Run: p.enqueueDue}
}

func (p *peerPulls) enqueueDue(ctx context.Context) error {
	ps, err := p.node.Store.Peers(ctx)
	if err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	now := time.Now()
	var errs []error
	for _, pr := range ps {
		if !pr.Due(now, p.every()) {
			continue
		}
		if _, _, err := p.queue.Enqueue(ctx, peerPullKind, peerPullArgs{Name: pr.Name}, jobs.Opts{By: "schedule", Unique: true}); err != nil {
			errs = append(errs, fmt.Errorf("peer %s: %w", pr.Name, err))
		}
	}
	return errors.Join(errs...)
}

func newPeer() *cobra.Command {
	cmd := &cobra.Command{Use: "peer", Short: "Other vmcs this one pulls vulnerability records from (federation)"}
	var (
		actor                 string
		kind, url, collection string
		trust                 string
		every                 time.Duration
		tokenFile, tokenEnv   string
		noToken               bool
	)
	add := &cobra.Command{
		Use:   "add NAME --kind osv|taxii --url URL",
		Short: "Add a peer, or change one",
		Long: `Add a peer vmc (or change one: a flag left out keeps nothing, give them all).
Its records are kept under the source "peer:NAME". --kind osv pulls the peer's
change index and its OSV API at --url (the peer's base URL); --kind taxii pulls
--collection from the TAXII API root at --url.

--trust decides how the peer's claims rank against other sources:
  authority  after this vmc's own records, before the CVE programme's
  standard   after CVE and NVD, before GHSA, OSV, CSAF and national databases
  low        after every known source: it only fills gaps

A token the peer issued (read from --token-file or the variable --token-env
names, never from the command line) is stored sealed with federation.key.
--every schedules pulls under vmc serve.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				p := peer.Peer{Name: args[0], Kind: peer.Kind(kind), URL: url, Collection: collection, Trust: peer.Trust(trust), Every: every}
				if err := p.Validate(); err != nil {
					return usageError{err}
				}
				token, keep, err := readToken(tokenFile, tokenEnv, noToken)
				if err != nil {
					return usageError{err}
				}
				sealed := ""
				if token != "" {
					n, err := c.node(s, actor)
					if err != nil {
						return usageError{err}
					}
					if sealed, err = n.Sealer.Seal(p.Name, token); err != nil {
						return usageError{err}
					}
				}
				if err := s.PutPeer(cmd.Context(), p, sealed, keep, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "peer %s: %s %s, trust %s, source peer:%s\n", p.Name, p.Kind, p.URL, p.Trust, p.Name)
				return err
			})
		},
	}
	add.Flags().StringVar(&kind, "kind", "osv", "how the peer is reached: osv or taxii")
	add.Flags().StringVar(&url, "url", "", "the peer's base URL (osv) or TAXII API root (taxii)")
	add.Flags().StringVar(&collection, "collection", "", "the peer's TAXII collection id (taxii)")
	add.Flags().StringVar(&trust, "trust", string(peer.Standard), "authority, standard or low")
	add.Flags().DurationVar(&every, "every", 0, "pull this often under vmc serve (0: only vmc peer pull)")
	add.Flags().StringVar(&tokenFile, "token-file", "", "file holding the token the peer issued")
	add.Flags().StringVar(&tokenEnv, "token-env", "", "environment variable holding the token the peer issued")
	add.Flags().BoolVar(&noToken, "no-token", false, "remove the stored token")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the peers with their last pull",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				ps, err := s.Peers(cmd.Context())
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tKIND\tTRUST\tEVERY\tTOKEN\tLAST PULL\tSTATUS\tRECORDS\tURL")
				for _, p := range ps {
					last, status := "never", p.Last.Status
					if !p.Last.At.IsZero() {
						last = p.Last.At.UTC().Format(time.RFC3339)
					}
					if status == "" {
						status = "-"
					}
					every := "-"
					if p.Every > 0 {
						every = p.Every.String()
					}
					tok := "no"
					if p.HasToken {
						tok = "sealed"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", p.Name, p.Kind, p.Trust, every, tok, last, status, p.Last.Records, p.URL)
				}
				return tw.Flush()
			})
		},
	}
	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a peer (its records stay, under peer:NAME)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				if err := s.DeletePeer(cmd.Context(), args[0], actor); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "peer %s removed\n", args[0])
				return err
			})
		},
	}
	pull := &cobra.Command{
		Use:   "pull [NAME...]",
		Short: "Pull what changed at the peers (all when none is named)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				n, err := c.node(s, actor)
				if err != nil {
					return usageError{err}
				}
				if len(args) == 0 {
					ps, err := s.Peers(cmd.Context())
					if err != nil {
						return err
					}
					for _, p := range ps {
						args = append(args, p.Name)
					}
				}
				var errs []error
				for _, name := range args {
					res, err := n.Pull(cmd.Context(), name)
					if err != nil {
						errs = append(errs, err)
						continue
					}
					printPull(cmd.OutOrStdout(), name, res)
				}
				return errors.Join(errs...)
			})
		},
	}
	publish := &cobra.Command{
		Use:   "publish",
		Short: "Publish the vulnerabilities changed since the last run into vmc's TAXII collection",
		Long: `Write every vulnerability changed since the last run as STIX 2.1 (as vmc export
--format stix does, under the same disclosure controls: nothing above TLP:CLEAR,
nothing under embargo) into the collection ` + federation.DefaultCollection.ID + `
of the API root /taxii2/vmc/, a new version when its content changed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				n, err := c.node(s, actor)
				if err != nil {
					return usageError{err}
				}
				res, err := n.PublishSTIX(cmd.Context())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d changed: %d new versions (%d objects), %d unchanged, %d withheld\n",
					res.Changed, res.Versions, res.Objects, res.Unchanged, res.Withheld)
				return err
			})
		},
	}
	for _, sub := range []*cobra.Command{add, remove, pull, publish} {
		sub.Flags().StringVar(&actor, "as", defaultActor(), "who acts, for the audit log")
	}
	cmd.AddCommand(add, list, remove, pull, publish)
	return cmd
}

func printPull(w io.Writer, name string, r peer.Pull) {
	fmt.Fprintf(w, "%s: listed %d, fetched %d, stored %d, unchanged %d, own %d, withheld %d, rejected %d\n",
		name, r.Listed, r.Fetched, r.Stored, r.Unchanged, r.Own, r.Withheld, r.Rejected)
}

// readToken reads the token a peer issued from a file or an environment
// variable: a token on the command line would sit in the shell history
// and the process list. keep is true when neither is given.
func readToken(file, env string, remove bool) (token string, keep bool, err error) {
	switch {
	case remove && (file != "" || env != ""):
		return "", false, errors.New("--no-token with a token to store")
	case remove:
		return "", false, nil
	case file != "" && env != "":
		return "", false, errors.New("--token-file or --token-env, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", false, fmt.Errorf("--token-file: %w", err)
		}
		token = strings.TrimSpace(string(b))
	case env != "":
		token = strings.TrimSpace(os.Getenv(env))
		if token == "" {
			return "", false, fmt.Errorf("--token-env: %s is empty", env)
		}
	default:
		return "", true, nil
	}
	if token == "" || len(token) > 4096 || strings.ContainsAny(token, " \t\r\n") {
		return "", false, errors.New("token: empty, too long or with spaces")
	}
	return token, false, nil
}
