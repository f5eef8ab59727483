package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/ingest"
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
}

// feedConfig is what every source has.
type feedConfig struct {
	URL   string        `koanf:"url"`
	Every time.Duration `koanf:"every"`
}

// feedNames lists the sources "vmc feed sync" knows, in the order a
// schedule first runs them.
var feedNames = []string{"kev", "epss", "osv", "cve", "nvd"}

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
	url, dir   string
	full       bool
	deltaURL   string   // cve
	date       string   // epss
	ecosystems []string // osv
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
	}
	return nil, fmt.Errorf("no feed named %q (%s)", name, strings.Join(feedNames, ", "))
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

A file the server reports unchanged is not downloaded or imported again;
--full fetches and imports everything regardless. The exit code is 4 when
some records were rejected, as for "vmc import".`,
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
	cmd.AddCommand(
		cve,
		osv,
		syncCommand("nvd", "Fetch CVEs changed since the last sync from the NVD CVE API", cobra.NoArgs),
		syncCommand("kev", "Fetch CISA's Known Exploited Vulnerabilities catalogue", cobra.NoArgs),
		epss,
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
			c, err := loadConfig(fs)
			if err != nil {
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
			return syncFeed(cmd.Context(), cmd.OutOrStdout(), src, s)
		},
	}
}

// syncFeed runs one sync, importing each file as it arrives, and prints
// what happened.
func syncFeed(ctx context.Context, out io.Writer, src fetch.Source, s ingest.Writer) error {
	total := ingest.Report{BySource: map[string]int{}}
	imported := 0
	res, err := src.Sync(ctx, func(ctx context.Context, path string) error {
		fmt.Fprintf(out, "importing %s\n", path)
		imported++
		return importFeedFile(ctx, s, path, &total)
	})
	for _, u := range res.Unchanged {
		fmt.Fprintf(out, "unchanged: %s\n", u)
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

// importFeedFile imports one downloaded file and adds its report to total.
func importFeedFile(ctx context.Context, s ingest.Writer, path string, total *ingest.Report) error {
	im := &ingest.Importer{Store: s, Sources: ingest.Sources()}
	rep, err := im.Import(ctx, path)
	total.Add(rep)
	return err
}

// feedJobs returns the syncs the configuration schedules
// (feeds.SOURCE.every), for serve to run with fetch.Schedule. Each job
// keeps its source between runs, so that NVD's rate limit counts across
// them.
func feedJobs(c *Config, s ingest.Writer, log *slog.Logger) ([]fetch.Job, error) {
	fc := &c.Feeds
	var jobs []fetch.Job
	for _, name := range feedNames {
		every := fc.feed(name).Every
		if every <= 0 {
			continue
		}
		src, err := buildSource(name, c, fc, syncFlags{})
		if err != nil {
			return nil, fmt.Errorf("feeds.%s: %w", name, err)
		}
		jobs = append(jobs, fetch.Job{Name: name, Every: every, Run: func(ctx context.Context) error {
			total := ingest.Report{BySource: map[string]int{}}
			res, err := src.Sync(ctx, func(ctx context.Context, path string) error {
				return importFeedFile(ctx, s, path, &total)
			})
			// The first few say what is wrong; "vmc import" of the cached
			// file lists them all.
			for _, e := range total.Errors[:min(len(total.Errors), 10)] {
				log.Warn("feed record rejected", "feed", name, "err", e)
			}
			log.Info("feed imported", "feed", name, "files", len(res.Files), "unchanged", len(res.Unchanged), "bytes", res.Bytes,
				"new", total.New, "changed", total.Changed, "rejected", total.Rejected, "retired", total.Retired)
			return err
		}})
	}
	return jobs, nil
}
