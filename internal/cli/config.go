package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/ident"
)

// Config is vmc's configuration. Sources, strongest first: command-line
// flags, VMC_* environment variables (VMC_DATA_DIR sets data-dir;
// a double underscore nests, VMC_MERGE__PRECEDENCE sets
// merge.precedence), the YAML file named by --config or ./vmc.yaml when
// present, and the defaults.
type Config struct {
	Addr      string `koanf:"addr"`
	DataDir   string `koanf:"data-dir"`
	DB        string `koanf:"db"`
	NoDemo    bool   `koanf:"no-demo"`
	LogLevel  string `koanf:"log-level"`
	LogFormat string `koanf:"log-format"`
	Merge     struct {
		Precedence []string `koanf:"precedence"`
	} `koanf:"merge"`
	// Feeds configures `vmc feed sync` and the syncs serve schedules.
	Feeds feedsConfig `koanf:"feeds"`
	// PublicURL is where people outside the organisation reach vmc
	// (https://vmc.example.cn): status links and security.txt use it.
	PublicURL string `koanf:"public-url"`
	// Disclosure configures vulnerability reports from outside.
	Disclosure disclosureConfig `koanf:"disclosure"`
	// SMTP is the server incident notifications are e-mailed through.
	SMTP smtpConfig `koanf:"smtp"`
	// Metrics guards /metrics: with a token, scrapers send it as a bearer
	// token; without, only direct loopback connections are served.
	Metrics struct {
		Token string `koanf:"token"`
	} `koanf:"metrics"`
	// Identifiers is the numbering authority own identifiers are
	// reserved under: a GCVE GNA id, or a local prefix.
	Identifiers ident.Authority `koanf:"identifiers"`
	// Jobs configures the job queue background work runs in.
	Jobs jobsConfig `koanf:"jobs"`
	// OSVAPI configures the OSV-compatible API (/v1/query, ...).
	OSVAPI struct {
		// RequireToken closes it to callers without a token or session
		// allowed vuln.read; it is open by default, as osv.dev is.
		RequireToken bool `koanf:"require-token"`
	} `koanf:"osv-api"`
	// CSAFProvider publishes advisories as a CSAF trusted provider
	// (csafprovider.go).
	CSAFProvider csafProviderConfig `koanf:"csaf-provider"`
	// Mirror names the keys of air-gapped mirroring (mirror.go).
	Mirror mirrorConfig `koanf:"mirror"`
	// Federation configures vmc among other vmcs (peer.go).
	Federation federationConfig `koanf:"federation"`
	// Automation configures rules and watchlists: Secret signs the
	// webhooks their notices and tickets post (VMC_AUTOMATION__SECRET).
	Automation struct {
		Secret secret `koanf:"secret"`
	} `koanf:"automation"`
}

// globalFlags are accepted by every command.
func globalFlags(fs *pflag.FlagSet) {
	fs.String("config", "", "configuration file (YAML); default ./vmc.yaml when present")
	fs.String("data-dir", "vmc-data", "directory for the embedded database and uploaded files")
	fs.String("db", "", "database: sqlite:///path/vmc.db or postgres://user@host/db (default: SQLite in --data-dir)")
	fs.String("log-level", "info", "log level: debug, info, warn, error")
	fs.String("log-format", "text", "log format: text or json")
}

// loadConfig merges the configuration sources for the command whose flags
// are fs.
func loadConfig(fs *pflag.FlagSet) (*Config, error) {
	k := koanf.New(".")
	path, _ := fs.GetString("config")
	explicit := path != ""
	if !explicit {
		path = "vmc.yaml"
	}
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		if explicit || !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	err := k.Load(env.Provider(".", env.Opt{
		Prefix: "VMC_",
		TransformFunc: func(key, v string) (string, any) {
			key = strings.ToLower(strings.TrimPrefix(key, "VMC_"))
			key = strings.ReplaceAll(strings.ReplaceAll(key, "__", "."), "_", "-")
			switch key {
			case "merge.precedence", "feeds.osv.ecosystems", "feeds.csaf.providers", "feeds.csaf.tlp":
				return key, strings.Split(v, ",")
			}
			return key, v
		},
	}), nil)
	if err != nil {
		return nil, fmt.Errorf("environment: %w", err)
	}
	// Flags the user did not set only fill keys no other source set.
	if err := k.Load(posflag.Provider(fs, ".", k), nil); err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.Feeds.check(); err != nil {
		return nil, err
	}
	if _, err := c.intake(); err != nil {
		return nil, err
	}
	return &c, nil
}

// dbURL returns the database to open: --db, or SQLite in the data dir.
func (c *Config) dbURL() string {
	if c.DB != "" {
		return c.DB
	}
	return "sqlite://" + filepath.ToSlash(filepath.Join(c.DataDir, "vmc.db"))
}

func (c *Config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "text", "":
		return slog.New(api.LogHandler(slog.NewTextHandler(w, opts))), nil
	case "json":
		return slog.New(api.LogHandler(slog.NewJSONHandler(w, opts))), nil
	}
	return nil, fmt.Errorf("--log-format: %q is neither text nor json", c.LogFormat)
}
