package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/csafprovider"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/signing"
	"github.com/vmc-dev/vmc/internal/store"
)

// csafProviderConfig configures the CSAF trusted provider:
//
//	csaf-provider:
//	  enabled: true          # off by default
//	  key: /etc/vmc/csaf.key # default <data-dir>/csaf-provider.key, generated when missing
//	  every: 10m             # how often `vmc serve` rebuilds it
//
// It is off by default: publishing is a decision. Turned on, it needs
// public-url (https: CSAF 2.0 7.1.3), and signs with the key file,
// which is generated (Ed25519, mode 0600) on first start when there is
// none: the public key is published with the provider, and the key
// should be backed up with the database.
type csafProviderConfig struct {
	Enabled bool          `koanf:"enabled"`
	Key     string        `koanf:"key"`
	Every   time.Duration `koanf:"every"`
}

// csafProviderKey returns the provider's signing key, generating it
// when the file is missing.
func (c *Config) csafProviderKey(log *slog.Logger) (*signing.Key, error) {
	path := c.CSAFProvider.Key
	if path == "" {
		path = filepath.Join(c.DataDir, "csaf-provider.key")
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

// csafProviderURL is provider-metadata.json's address when the provider
// is on, for security.txt's CSAF field; nil when it is off.
func (c *Config) csafProviderURL() []string {
	if !c.CSAFProvider.Enabled {
		return nil
	}
	return []string{strings.TrimSuffix(c.PublicURL, "/") + "/" + csafprovider.MetadataPath}
}

// serveCSAFProvider registers the provider on mux and rebuilds it at
// once and then every csaf-provider.every (default 10 minutes), beside
// the feed syncs, which may run for hours. It returns what stops it.
func (c *Config) serveCSAFProvider(ctx context.Context, s store.Store, log *slog.Logger, mux *http.ServeMux) (func(), error) {
	if !c.CSAFProvider.Enabled {
		return func() {}, nil
	}
	if !strings.HasPrefix(c.PublicURL, "https://") {
		return nil, usageError{errors.New("csaf-provider.enabled: public-url must be the https address vmc is reached at (CSAF 2.0 7.1.3)")}
	}
	key, err := c.csafProviderKey(log)
	if err != nil {
		return nil, usageError{err}
	}
	every := c.CSAFProvider.Every
	if every <= 0 {
		every = 10 * time.Minute
	}
	prov := &api.CSAFProvider{}
	mux.Handle("/.well-known/csaf/", prov)
	job := fetch.Job{Name: "csaf provider", Every: every, Run: func(ctx context.Context) error {
		t, rep, err := csafprovider.Build(ctx, s, csafprovider.Config{BaseURL: c.PublicURL, Key: key, Generator: Version, Now: time.Now()})
		if err != nil {
			return err
		}
		prov.Set(t)
		log.Info("csaf provider built", "published", rep.Published, "new", rep.New, "revised", rep.Revised, "withheld", len(rep.Skipped))
		return nil
	}}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); fetch.Schedule(runCtx, log, job) }()
	return func() { stop(); <-done }, nil
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
				key, err := c.csafProviderKey(slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
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
