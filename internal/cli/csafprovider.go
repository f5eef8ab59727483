package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/csafprovider"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/signing"
	"github.com/vmc-dev/vmc/internal/store"
)

// csafProviderConfig configures the CSAF trusted provider:
//
//	csaf-provider:
//	  enabled: true          # off by default
//	  key: /etc/vmc/csaf.key # the signing key's file; see below
//	  every: 10m             # how often `vmc serve` publishes it (a scheduled job)
//
// It is off by default: publishing is a decision. Turned on, it needs
// public-url (https: CSAF 2.0 7.1.3), and signs with one key, which
// every replica of `vmc serve` must share (csafprovider.Publish refuses
// another). Where the key is kept:
//   - key set: that file, generated (Ed25519, mode 0600) when missing;
//   - else, with federation.key set: the database, sealed under
//     federation.key (AES-256-GCM, peer.Sealer), so that replicas share
//     it with nothing to copy and a copy of the database alone does not
//     give it away. On first use the key file in the data directory
//     moves in when there is one, else a new key is made;
//   - else <data-dir>/csaf-provider.key, generated when missing.
//
// The public key is published with the provider; back up the key file,
// or federation.key, with the database.
type csafProviderConfig struct {
	Enabled bool          `koanf:"enabled"`
	Key     string        `koanf:"key"`
	Every   time.Duration `koanf:"every"`
}

// csafKeySecret is the server secret the provider's key is kept under,
// sealed, in the database.
const csafKeySecret = "csaf-provider-key"

// csafProviderKey returns the provider's signing key, from where
// csafProviderConfig says.
func (c *Config) csafProviderKey(ctx context.Context, s store.Store, log *slog.Logger) (*signing.Key, error) {
	if c.CSAFProvider.Key == "" && c.Federation.Key != "" {
		return c.csafProviderKeyInStore(ctx, s, log)
	}
	path := c.CSAFProvider.Key
	if path == "" {
		path = c.defaultCSAFKeyFile()
	}
	k, created, err := signing.LoadOrGenerate(path, "vmc CSAF provider", "", time.Now())
	if err != nil {
		return nil, fmt.Errorf("csaf-provider.key: %w", err)
	}
	if created && log != nil {
		log.Warn("CSAF provider signing key generated: back it up with the database", "file", path, "fingerprint", k.Fingerprint())
	}
	return k, nil
}

func (c *Config) defaultCSAFKeyFile() string { return filepath.Join(c.DataDir, "csaf-provider.key") }

// csafProviderKeyInStore returns the key kept in the database, putting
// it there on first use.
func (c *Config) csafProviderKeyInStore(ctx context.Context, s store.Store, log *slog.Logger) (*signing.Key, error) {
	sealer, err := peer.NewSealer(c.Federation.Key)
	if err != nil {
		return nil, fmt.Errorf("federation.key: %w", err)
	}
	sealed, err := s.ServerSecret(ctx, csafKeySecret, nil)
	if errors.Is(err, store.ErrNotFound) {
		sealed, err = c.storeCSAFKey(ctx, s, sealer, log)
	}
	if err != nil {
		return nil, err
	}
	armored, err := sealer.Open(csafKeySecret, string(sealed))
	if err != nil {
		return nil, fmt.Errorf("csaf provider key in the database: %w", err)
	}
	k, err := signing.ParseKey([]byte(armored))
	if err != nil {
		return nil, fmt.Errorf("csaf provider key in the database: %w", err)
	}
	return k, nil
}

// storeCSAFKey keeps the provider's key in the database, sealed: the
// key file in the data directory when there is one (what the provider
// published with so far), else a new key. Replicas doing so at once all
// get the one stored first. A key that is not the one the provider
// already publishes with is refused rather than stored: it could never
// publish.
func (c *Config) storeCSAFKey(ctx context.Context, s store.Store, sealer *peer.Sealer, log *slog.Logger) ([]byte, error) {
	path := c.defaultCSAFKeyFile()
	from := path
	k, err := signing.LoadKey(path)
	if errors.Is(err, os.ErrNotExist) {
		from = "generated"
		k, err = signing.Generate("vmc CSAF provider", "", time.Now())
	}
	if err != nil {
		return nil, fmt.Errorf("csaf-provider.key: %w", err)
	}
	st, err := s.CSAFState(ctx)
	if err != nil {
		return nil, err
	}
	if fp := st.Key.Fingerprint; fp != "" && fp != k.Fingerprint() {
		return nil, fmt.Errorf("csaf provider: the provider publishes with the key %s, which the database does not hold yet: put that key's file at %s on one replica once, and it moves into the database", fp, path)
	}
	priv, err := k.ArmoredPrivate()
	if err != nil {
		return nil, err
	}
	mine, err := sealer.Seal(csafKeySecret, string(priv))
	if err != nil {
		return nil, err
	}
	v, err := s.ServerSecret(ctx, csafKeySecret, func() []byte { return []byte(mine) })
	if err == nil && string(v) == mine && log != nil {
		log.Warn("CSAF provider signing key kept in the database, sealed under federation.key: back up federation.key with the database", "from", from, "fingerprint", k.Fingerprint())
	}
	return v, err
}

// csafProviderURL is provider-metadata.json's address when the provider
// is on, for security.txt's CSAF field; nil when it is off.
func (c *Config) csafProviderURL() []string {
	if !c.CSAFProvider.Enabled {
		return nil
	}
	return []string{strings.TrimSuffix(c.PublicURL, "/") + "/" + csafprovider.MetadataPath}
}

// csafProviderServer is the provider in `vmc serve`. Publishing — what
// gets a new revision, and its signature — is a scheduled job, run once
// per period by one replica (River's leader on PostgreSQL), which keeps
// its outcome in the store. Every replica serves the tree it renders
// from the store (csafprovider.Render), again whenever the store's
// generation moves: so all serve the same bytes, and a replica that
// did not run the job catches up within a poll.
type csafProviderServer struct {
	s       store.Store
	log     *slog.Logger
	cfg     csafprovider.Config
	every   time.Duration
	handler *api.CSAFProvider
	kick    chan struct{}
	gen     int64 // the generation served; the run loop's alone
	// foreign is the other key the provider was last seen to publish
	// with, said once; the run loop's alone.
	foreign string
}

// csafPollMax bounds how long a replica serves an old tree after another
// published.
const csafPollMax = 15 * time.Second

// csafProvider returns the provider's part of `vmc serve`, or nil when
// it is off. A replica whose key is not the one the provider publishes
// with does not start: it could never publish (csafprovider.Publish
// refuses another key), and would fail each time the schedule picked it.
func (c *Config) csafProvider(ctx context.Context, s store.Store, log *slog.Logger) (*csafProviderServer, error) {
	if !c.CSAFProvider.Enabled {
		return nil, nil
	}
	if !strings.HasPrefix(c.PublicURL, "https://") {
		return nil, usageError{errors.New("csaf-provider.enabled: public-url must be the https address vmc is reached at (CSAF 2.0 7.1.3)")}
	}
	key, err := c.csafProviderKey(ctx, s, log)
	if err != nil {
		return nil, usageError{err}
	}
	st, err := s.CSAFState(ctx)
	if err != nil {
		return nil, err
	}
	if err := sameCSAFKey(key, st); err != nil {
		return nil, usageError{err}
	}
	every := c.CSAFProvider.Every
	if every <= 0 {
		every = 10 * time.Minute
	}
	return &csafProviderServer{s: s, log: log, every: every, handler: &api.CSAFProvider{}, kick: make(chan struct{}, 1),
		cfg: csafprovider.Config{BaseURL: c.PublicURL, Key: key, Generator: Version}}, nil
}

// job publishes: the scheduled job "csaf provider".
func (p *csafProviderServer) job() fetch.Job {
	return fetch.Job{Name: "csaf provider", Every: p.every, Run: func(ctx context.Context) error {
		cfg := p.cfg
		cfg.Now = time.Now()
		rep, st, err := csafprovider.Publish(ctx, p.s, cfg)
		if err != nil {
			return err
		}
		p.log.Info("csaf provider published", "generation", st.Generation, "published", rep.Published, "new", rep.New, "revised", rep.Revised, "withheld", len(rep.Skipped))
		select {
		case p.kick <- struct{}{}:
		default:
		}
		return nil
	}}
}

// sameCSAFKey fails when the provider publishes with another key than
// key.
func sameCSAFKey(key *signing.Key, st store.CSAFState) error {
	if fp := st.Key.Fingerprint; fp != "" && fp != key.Fingerprint() {
		return fmt.Errorf("csaf-provider.key: this replica's key %s is not %s, which the provider publishes with: give every replica the same key file", key.Fingerprint(), fp)
	}
	return nil
}

// refresh renders the tree again when the store's generation moved. It
// says once when the provider publishes with another key than this
// replica's: replicas started on a database the provider had not yet
// published from, each with a key of its own, pass the check at start.
func (p *csafProviderServer) refresh(ctx context.Context) error {
	st, err := p.s.CSAFState(ctx)
	if err != nil || st.Generation == p.gen {
		return err
	}
	if err := sameCSAFKey(p.cfg.Key, st); err != nil && p.foreign != st.Key.Fingerprint {
		p.foreign = st.Key.Fingerprint
		p.log.Error("csaf provider", "err", err)
	}
	t, err := csafprovider.Render(ctx, p.s, p.cfg)
	if err != nil {
		return err
	}
	p.handler.Set(t)
	p.gen = st.Generation
	return nil
}

// run refreshes at once, after this replica published, and every poll
// (a tenth of the period, at most csafPollMax) until ctx ends.
func (p *csafProviderServer) run(ctx context.Context) {
	poll := min(p.every/10, csafPollMax)
	t := time.NewTicker(max(poll, 100*time.Millisecond))
	defer t.Stop()
	for {
		if err := p.refresh(ctx); err != nil && ctx.Err() == nil {
			p.log.Error("csaf provider render", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.kick:
		}
	}
}

func newCSAFProvider() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "provider",
		Short: "vmc as a CSAF 2.0 trusted provider of its published advisories",
	}
	var (
		base, keyFile string
		contacts      []string
	)
	build := &cobra.Command{
		Use:   "build DIR --url https://HOST",
		Short: "Write the CSAF trusted provider as a static tree for any web server",
		Long: `Write what vmc publishes as a CSAF 2.0 trusted provider — the published
advisories and the vulnerabilities under vmc's own identifiers that the public
may read now (TLP:CLEAR, no embargo) — as files under DIR/.well-known/csaf/:
provider-metadata.json, service.json, the public OpenPGP key, and white/ with a
folder per year, each document with .sha256, .sha512 and .asc, index.txt,
changes.csv, the ROLIE feed, its category document and an index.html listing
per folder. With --contact, DIR/.well-known/security.txt names the provider in
a CSAF field. Serve DIR at --url over https.

Documents whose content changed since the last build (by vmc serve or by this
command) get a new revision. The tree appears by rename: DIR is replaced
whole, never left half written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := url.Parse(base)
			if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return usageError{fmt.Errorf("--url: %q is not the https address of a site root", base)}
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				if keyFile != "" {
					c.CSAFProvider.Key = keyFile
				}
				key, err := c.csafProviderKey(cmd.Context(), s, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
				if err != nil {
					return err
				}
				now := time.Now()
				t, rep, err := csafprovider.Build(cmd.Context(), s, csafprovider.Config{BaseURL: base, Key: key, Generator: Version, Now: now,
					SecurityTxt: disclosure.SecurityTxt{Contact: contacts}})
				if err != nil {
					return err
				}
				if err := csafprovider.WriteDir(t, args[0]); err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "%s: %d documents (%d new, %d revised), key %s\n", args[0], rep.Published, rep.New, rep.Revised, key.Fingerprint())
				for _, s := range rep.Skipped {
					fmt.Fprintf(out, "skipped %s\n", s)
				}
				return nil
			})
		},
	}
	build.Flags().StringVar(&base, "url", "", "https address of the site root the tree is served at (required)")
	build.Flags().StringVar(&keyFile, "key", "", "armored OpenPGP private key to sign with (default csaf-provider.key; generated when missing)")
	build.Flags().StringArrayVar(&contacts, "contact", nil, "security.txt Contact (mailto:, tel: or https:), repeatable; without one no security.txt is written")
	_ = build.MarkFlagRequired("url")
	cmd.AddCommand(build)
	return cmd
}
