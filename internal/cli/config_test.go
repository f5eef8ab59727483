package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
)

// TestConfigPrecedence: flags beat VMC_* variables, which beat the YAML
// file, which beats the defaults.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vmc.yaml")
	if err := os.WriteFile(file, []byte("addr: 127.0.0.1:9001\ndata-dir: from-file\ndb: sqlite:///file.db\nlog-level: warn\nmerge:\n  precedence: [nvd, cve5]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(*Config) string
	}{
		{"defaults", nil, nil, func(c *Config) string {
			return want(c.Addr == "127.0.0.1:8080" && c.DataDir == "vmc-data" && c.DB == "" && c.dbURL() == "sqlite://vmc-data/vmc.db", c)
		}},
		{"file over defaults", []string{"--config", file}, nil, func(c *Config) string {
			return want(c.Addr == "127.0.0.1:9001" && c.DataDir == "from-file" && c.LogLevel == "warn" &&
				len(c.Merge.Precedence) == 2 && c.Merge.Precedence[0] == "nvd", c)
		}},
		{"env over file", []string{"--config", file}, map[string]string{"VMC_DATA_DIR": "from-env", "VMC_MERGE__PRECEDENCE": "kev,cve5,nvd"}, func(c *Config) string {
			return want(c.DataDir == "from-env" && c.Addr == "127.0.0.1:9001" && len(c.Merge.Precedence) == 3 && c.Merge.Precedence[0] == "kev", c)
		}},
		{"flag over env", []string{"--config", file, "--data-dir", "from-flag"}, map[string]string{"VMC_DATA_DIR": "from-env"}, func(c *Config) string {
			return want(c.DataDir == "from-flag", c)
		}},
		{"boolean from env", nil, map[string]string{"VMC_NO_DEMO": "true"}, func(c *Config) string {
			return want(c.NoDemo, c)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			globalFlags(fs)
			fs.String("addr", "127.0.0.1:8080", "")
			fs.Bool("no-demo", false, "")
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			c, err := loadConfig(fs)
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.check(c); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func want(ok bool, c *Config) string {
	if ok {
		return ""
	}
	return fmt.Sprintf("unexpected configuration: %+v", *c)
}
