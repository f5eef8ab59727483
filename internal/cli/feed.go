package cli

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// feedsConfig is the configuration's "feeds" section. In vmc.yaml:
//
//	feeds:
//	  dir: /var/cache/vmc        # default <data-dir>/feeds
//	  max-bytes: 4294967296      # per download
//	  cve:  {every: 1h, url: ..., delta-url: ..., release-url: ...}
//	  osv:  {every: 6h, ecosystems: [Go, crates.io], url: ...}
//	  nvd:  {every: 2h, api-key: ..., page-size: 2000, url: ...}
//	  kev:  {every: 6h, url: ...}
//	  epss: {every: 24h, url: ...}
//	  csaf: {every: 6h, providers: [example.com, https://.../provider-metadata.json],
//	         tlp: [WHITE, GREEN], insecure-unsigned: false, ca-file: /etc/vmc/ca.pem}
//
// or VMC_FEEDS__NVD__API_KEY and the like. A source without "every" is
// synced only by "vmc feed sync".
type feedsConfig struct {
	Dir      string `koanf:"dir"`
	MaxBytes int64  `koanf:"max-bytes"`
	// CVE's url and delta-url, when set, are fetched instead of the
	// latest release's baseline and delta.
	CVE struct {
		feedConfig `koanf:",squash"`
		DeltaURL   string `koanf:"delta-url"`
		ReleaseURL string `koanf:"release-url"`
	} `koanf:"cve"`
	OSV struct {
		feedConfig `koanf:",squash"`
		Ecosystems []string `koanf:"ecosystems"`
	} `koanf:"osv"`
	NVD struct {
		feedConfig `koanf:",squash"`
		APIKey     string `koanf:"api-key"`
		PageSize   int    `koanf:"page-size"`
	} `koanf:"nvd"`
	KEV  feedConfig `koanf:"kev"`
	EPSS feedConfig `koanf:"epss"`
	// EUVD's url is the API's base (https://euvdservices.enisa.europa.eu/api).
	EUVD feedConfig `koanf:"euvd"`
	// CSAF's providers are provider-metadata.json URLs or domains (its
	// url, when set, is one more). tlp lists the labels imported (default
	// WHITE); insecure-unsigned imports documents without a signature;
	// ca-file is a PEM bundle of certificate authorities trusted besides
	// the system's, for a provider behind a private CA.
	CSAF struct {
		feedConfig       `koanf:",squash"`
		Providers        []string `koanf:"providers"`
		TLP              []string `koanf:"tlp"`
		InsecureUnsigned bool     `koanf:"insecure-unsigned"`
		CAFile           string   `koanf:"ca-file"`
	} `koanf:"csaf"`
}

// feedConfig is what every source has.
type feedConfig struct {
	URL   string        `koanf:"url"`
	Every time.Duration `koanf:"every"`
}

// feedNames lists the sources "vmc feed sync" knows, in the order a
// schedule first runs them.
var feedNames = []string{"kev", "epss", "osv", "cve", "nvd", "euvd", "csaf"}

func (fc *feedsConfig) feed(name string) *feedConfig {
	switch name {
	case "cve":
		return &fc.CVE.feedConfig
	case "osv":
		return &fc.OSV.feedConfig
	case "nvd":
		return &fc.NVD.feedConfig
	case "kev":
		return &fc.KEV
	case "epss":
		return &fc.EPSS
	case "euvd":
		return &fc.EUVD
	case "csaf":
		return &fc.CSAF.feedConfig
	}
	return nil
}

// minEvery keeps a schedule from hammering an upstream: "every: 1" in YAML
// is one nanosecond.
const minEvery = time.Minute

// check refuses schedules so frequent they would hammer an upstream.
func (fc *feedsConfig) check() error {
	for _, name := range feedNames {
		if e := fc.feed(name).Every; e != 0 && e < minEvery {
			return fmt.Errorf("config: feeds.%s.every: %v is more often than every %v", name, e, minEvery)
		}
	}
	return nil
}

// syncFlags are what the command line adds to the configuration for one
// sync.
type syncFlags struct {
	url, dir         string
	full             bool
	deltaURL         string   // cve
	date             string   // epss
	ecosystems       []string // osv
	providers, tlp   []string // csaf
	insecureUnsigned bool     // csaf
	// log receives what a source reports besides its result (csaf).
	log *slog.Logger
}

// buildSource makes the named source from the configuration and flags.
func buildSource(name string, c *Config, fc *feedsConfig, f syncFlags) (fetch.Source, error) {
	client := &fetch.Client{UserAgent: "vmc/" + Version, MaxBytes: fc.MaxBytes}
	dir := f.dir
	if dir == "" {
		dir = filepath.Join(cmp.Or(fc.Dir, filepath.Join(c.DataDir, "feeds")), name)
	}
	url := f.url
	if url == "" && fc.feed(name) != nil {
		url = fc.feed(name).URL
	}
	switch name {
	case "cve":
		return &fetch.CVE{Client: client, Dir: dir, ReleaseURL: fc.CVE.ReleaseURL, FullURL: url,
			DeltaURL: cmp.Or(f.deltaURL, fc.CVE.DeltaURL), Full: f.full}, nil
	case "osv":
		ecos := f.ecosystems
		if len(ecos) == 0 {
			ecos = fc.OSV.Ecosystems
		}
		if len(ecos) == 0 {
			return nil, errors.New("osv: name the ecosystems to fetch (Go, crates.io, PyPI, ...) or set feeds.osv.ecosystems")
		}
		return &fetch.OSV{Client: client, Dir: dir, URL: url, Ecosystems: ecos, Full: f.full}, nil
	case "nvd":
		if n := fc.NVD.PageSize; n < 0 || n > fetch.MaxNVDPageSize {
			return nil, fmt.Errorf("feeds.nvd.page-size %d: want 1 to %d", n, fetch.MaxNVDPageSize)
		}
		return &fetch.NVD{Client: client, Dir: dir, URL: url, APIKey: fc.NVD.APIKey, PageSize: fc.NVD.PageSize, Full: f.full}, nil
	case "kev":
		return &fetch.KEV{Client: client, Dir: dir, URL: url, Full: f.full}, nil
	case "euvd":
		return &fetch.EUVD{Client: &fetch.EUVDClient{BaseURL: url, HTTPClient: client}, Dir: dir, Full: f.full}, nil
	case "epss":
		src := &fetch.EPSS{Client: client, Dir: dir, URL: url, Full: f.full}
		if f.date != "" {
			d, err := time.Parse(time.DateOnly, f.date)
			if err != nil {
				return nil, fmt.Errorf("--date %q: want YYYY-MM-DD", f.date)
			}
			src.Date = d
		}
		return src, nil
	case "csaf":
		providers := f.providers
		if len(providers) == 0 {
			providers = fc.CSAF.Providers
		}
		if url != "" {
			providers = append(slices.Clip(providers), url)
		}
		if len(providers) == 0 {
			return nil, errors.New("csaf: name a provider with --provider (its provider-metadata.json URL or its domain) or set feeds.csaf.providers")
		}
		tlp := f.tlp
		if len(tlp) == 0 {
			tlp = fc.CSAF.TLP
		}
		src := &fetch.CSAF{Client: client, Dir: dir, Providers: providers, TLP: tlp,
			InsecureUnsigned: f.insecureUnsigned || fc.CSAF.InsecureUnsigned, Full: f.full, Log: f.log}
		if fc.CSAF.CAFile != "" {
			roots, err := csafRoots(fc.CSAF.CAFile)
			if err != nil {
				return nil, err
			}
			src.RootCAs = roots
		}
		return src, src.Validate()
	}
	return nil, fmt.Errorf("no feed named %q (%s)", name, strings.Join(feedNames, ", "))
}

// csafRoots is the system's certificate pool with the PEM certificates of
// path added.
func csafRoots(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("feeds.csaf.ca-file: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		// No system pool (an unusual platform): trust only the file.
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("feeds.csaf.ca-file %s: no PEM certificate", path)
	}
	return roots, nil
}

func newFeed() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Fetch advisory feeds from upstream",
		// NoArgs makes "vmc feed bogus" a usage error rather than help.
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newFeedSync())
	return cmd
}

func newFeedSync() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sync SOURCE [--url URL] [--dir DIR]",
		Short: "Fetch a feed into the cache directory and import it",
		Long: `Fetch what changed upstream since the last sync into the cache directory
(default <data-dir>/feeds/SOURCE) and import it. SOURCE is one of:

  cve               the CVE List: cvelistV5's daily baseline and hourly delta
  osv ECOSYSTEM...  osv.dev's all.zip of each ecosystem (Go, crates.io, PyPI, ...)
  nvd               the NVD CVE API 2.0; an API key (feeds.nvd.api-key, or
                    VMC_FEEDS__NVD__API_KEY) raises its rate limit tenfold
  kev               CISA's Known Exploited Vulnerabilities catalogue
  epss              FIRST's EPSS scores of the day (--date for another day)
  euvd              ENISA's EUVD entries updated since the last sync
  csaf              CSAF 2.0 advisories of the providers named by --provider
                    (a provider-metadata.json URL or a domain), each document
                    checked against its hashes and OpenPGP signature

A file the server reports unchanged is not downloaded or imported again;
--full fetches and imports everything regardless. The exit code is 4 when
some records were rejected, as for "vmc import", or CSAF documents refused.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return usageError{fmt.Errorf("feed sync: no feed named %q (%s)", args[0], strings.Join(feedNames, ", "))}
		},
	}
	pf := cmd.PersistentFlags()
	pf.String("url", "", "upstream URL instead of the public one (for cve: the baseline zip's)")
	pf.String("dir", "", "cache directory (default <data-dir>/feeds/SOURCE)")
	pf.Bool("full", false, "ignore what earlier syncs saved: fetch and import everything again")

	cve := syncCommand("cve", "Fetch the CVE List from cvelistV5's releases", cobra.NoArgs)
	cve.Flags().String("delta-url", "", "delta zip URL, fetched with --url instead of the latest release's assets")
	osv := syncCommand("osv ECOSYSTEM...", "Fetch osv.dev's zip of each ecosystem", cobra.ArbitraryArgs)
	epss := syncCommand("epss", "Fetch a day's EPSS scores", cobra.NoArgs)
	epss.Flags().String("date", "", "day to fetch, YYYY-MM-DD (default today, UTC, or yesterday until today's is out)")
	csaf := syncCommand("csaf", "Fetch CSAF 2.0 advisories from CSAF providers, verifying hashes and signatures", cobra.NoArgs)
	csaf.Long = `Fetch the CSAF 2.0 documents that CSAF providers published since the last
sync (CSAF 2.0 section 7) and import them. --provider names a provider by its
provider-metadata.json URL or by its domain, where the metadata is looked for
at /.well-known/csaf/provider-metadata.json, in /.well-known/security.txt and
at csaf.data.security.DOMAIN; it may be repeated, or set as
feeds.csaf.providers.

A document is imported only when its .sha256 and .sha512 files (those found)
match it, its OpenPGP signature verifies against the keys the provider lists
with the fingerprints it states, and its TLP label is one of --tlp (default
WHITE) and that of its directory or feed. Others are refused and listed, and
the exit code is 4. A document without a signature is refused unless
--insecure-unsigned. Only https is used.`
	csaf.Flags().StringArray("provider", nil, "provider-metadata.json URL or domain of a CSAF provider (repeatable)")
	csaf.Flags().StringSlice("tlp", nil, "TLP labels to import: WHITE (CLEAR), GREEN, AMBER, RED, UNLABELED (default WHITE)")
	csaf.Flags().Bool("insecure-unsigned", false, "import documents that have no signature, and providers that list no key")
	cmd.AddCommand(
		cve,
		osv,
		syncCommand("nvd", "Fetch CVEs changed since the last sync from the NVD CVE API", cobra.NoArgs),
		syncCommand("kev", "Fetch CISA's Known Exploited Vulnerabilities catalogue", cobra.NoArgs),
		epss,
		syncCommand("euvd", "Fetch entries changed since the last sync from ENISA's EUVD API", cobra.NoArgs),
		csaf,
	)
	return cmd
}

// syncCommand is "vmc feed sync NAME".
func syncCommand(use, short string, args cobra.PositionalArgs) *cobra.Command {
	name, _, _ := strings.Cut(use, " ")
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := cmd.Flags()
			var f syncFlags
			f.url, _ = fs.GetString("url")
			f.dir, _ = fs.GetString("dir")
			f.full, _ = fs.GetBool("full")
			f.deltaURL, _ = fs.GetString("delta-url")
			f.date, _ = fs.GetString("date")
			f.ecosystems = args
			f.providers, _ = fs.GetStringArray("provider")
			f.tlp, _ = fs.GetStringSlice("tlp")
			f.insecureUnsigned, _ = fs.GetBool("insecure-unsigned")
			c, err := loadConfig(fs)
			if err != nil {
				return usageError{err}
			}
			if f.log, err = c.logger(cmd.ErrOrStderr()); err != nil {
				return usageError{err}
			}
			src, err := buildSource(name, c, &c.Feeds, f)
			if err != nil {
				return usageError{err}
			}
			s, err := openStore(cmd.Context(), c, true)
			if err != nil {
				return err
			}
			defer s.Close()
			return syncFeed(cmd.Context(), cmd.OutOrStdout(), src, newMatcher(c, s))
		},
	}
}

// syncFeed runs one sync, importing each file as it arrives, and prints
// what happened.
func syncFeed(ctx context.Context, out io.Writer, src fetch.Source, m *ingest.Matcher) error {
	total := ingest.Report{BySource: map[string]int{}}
	imported := 0
	res, err := src.Sync(ctx, func(ctx context.Context, path string) error {
		fmt.Fprintf(out, "importing %s\n", path)
		imported++
		return importFeedFile(ctx, m, path, &total)
	})
	for _, u := range res.Unchanged {
		fmt.Fprintf(out, "unchanged: %s\n", u)
	}
	// Documents refused are reported like records rejected; when nothing
	// else failed, the exit code says so the same way.
	var refused *fetch.CSAFRefusedError
	if errors.As(err, &refused) {
		for _, r := range refused.Refused {
			fmt.Fprintf(out, "refused: %v\n", r)
		}
		if err == error(refused) {
			err = &exitError{code: 4, err: fmt.Errorf("%d of %d CSAF documents refused", len(refused.Refused), refused.Documents)}
		}
	}
	if imported == 0 {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: nothing new upstream; import skipped\n", src.Name())
		return nil
	}
	fmt.Fprintf(out, "fetched %d files, %d bytes\n", len(res.Files), res.Bytes)
	printReport(out, total)
	if err != nil {
		return err
	}
	if total.Rejected > 0 {
		return &exitError{code: 4, err: fmt.Errorf("%d records or documents rejected", total.Rejected)}
	}
	return nil
}

// importFeedFile imports one downloaded file, re-matching what it changes,
// and adds its report to total.
func importFeedFile(ctx context.Context, m *ingest.Matcher, path string, total *ingest.Report) error {
	im := &ingest.Importer{Store: m.Store, Sources: ingest.Sources(), Matcher: m}
	rep, err := im.Import(ctx, path)
	total.Add(rep)
	return err
}

// feedJobs returns the syncs the configuration schedules
// (feeds.SOURCE.every), for serve to run with fetch.Schedule. Each job
// keeps its source between runs, so that NVD's rate limit counts across
// them.
func feedJobs(c *Config, s store.Store, log *slog.Logger, obs ingest.Observer) ([]fetch.Job, error) {
	fc := &c.Feeds
	m := newMatcher(c, s)
	m.Observer = obs
	var jobs []fetch.Job
	for _, name := range feedNames {
		every := fc.feed(name).Every
		if every <= 0 {
			continue
		}
		src, err := buildSource(name, c, fc, syncFlags{log: log})
		if err != nil {
			return nil, fmt.Errorf("feeds.%s: %w", name, err)
		}
		jobs = append(jobs, fetch.Job{Name: name, Every: every, Run: func(ctx context.Context) error {
			started := time.Now()
			total := ingest.Report{BySource: map[string]int{}}
			res, err := src.Sync(ctx, func(ctx context.Context, path string) error {
				return importFeedFile(ctx, m, path, &total)
			})
			// The first few say what is wrong; "vmc import" of the cached
			// file lists them all.
			for _, e := range total.Errors[:min(len(total.Errors), 10)] {
				log.Warn("feed record rejected", "feed", name, "err", e)
			}
			var refused *fetch.CSAFRefusedError
			if errors.As(err, &refused) {
				for _, r := range refused.Refused {
					log.Warn("feed document refused", "feed", name, "url", r.URL, "err", r.Err)
				}
			}
			log.Info("feed imported", "feed", name, "files", len(res.Files), "unchanged", len(res.Unchanged), "bytes", res.Bytes,
				"new", total.New, "changed", total.Changed, "rejected", total.Rejected, "retired", total.Retired)
			// A failed sync is an event rules can act on (sync.failed); a
			// sync stopped by shutdown is not a failure.
			if err != nil && ctx.Err() == nil {
				if _, aerr := s.AddEvents(ctx, []rules.Event{rules.SyncFailure(name, started, err)}); aerr != nil {
					log.Warn("recording the failed sync", "feed", name, "err", aerr)
				}
			}
			return err
		}})
	}
	return jobs, nil
}
