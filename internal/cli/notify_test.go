package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/vmc-dev/vmc/internal/notify"
)

func loadTestConfig(t *testing.T, env map[string]string, yaml string) *Config {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	globalFlags(fs)
	args := []string{}
	if yaml != "" {
		file := filepath.Join(t.TempDir(), "vmc.yaml")
		if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", file)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(fs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSMTPConfig: the SMTP server is configured from the file and the
// environment, and its password shows nowhere: not printed, marshalled
// or logged.
func TestSMTPConfig(t *testing.T) {
	const password = "hunter2-correct-horse"
	c := loadTestConfig(t, map[string]string{"VMC_SMTP__PASSWORD": password, "VMC_SMTP__PORT": "2525"},
		"smtp:\n  host: mail.example.com\n  username: vmc\n  from: vmc <vmc@example.com>\n  tls: starttls\n")
	if c.SMTP.Host != "mail.example.com" || c.SMTP.Port != 2525 || c.SMTP.Username != "vmc" || string(c.SMTP.Password) != password ||
		c.SMTP.From != "vmc <vmc@example.com>" {
		t.Fatalf("smtp: %+v", c.SMTP)
	}
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	log.Info("config", "config", c, "smtp", c.SMTP, "password", c.SMTP.Password)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "config", *c, "password", c.SMTP.Password)
	js, _ := json.Marshal(c)
	n, err := c.notifier(nil, log)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{
		"%v": fmt.Sprintf("%v", *c), "%+v": fmt.Sprintf("%+v", *c), "%#v": fmt.Sprintf("%#v", *c), "%s": fmt.Sprintf("%s", c.SMTP.Password),
		"%q": fmt.Sprintf("%q", c.SMTP.Password), "%x": fmt.Sprintf("%x", c.SMTP.Password), "json": string(js), "log": logged.String(),
		"mailer %v": fmt.Sprintf("%v %+v %#v", n.Mail, n.Mail, n.Mail),
	} {
		if strings.Contains(s, password) || strings.Contains(s, fmt.Sprintf("%x", password)) {
			t.Errorf("%s shows the password: %s", name, s)
		}
	}
	if !strings.Contains(logged.String(), "******") {
		t.Errorf("the log does not show the mask: %s", logged.String())
	}
	if m, ok := n.Mail.(notify.SMTP); !ok || m.Password != password || n.Domain != "example.com" {
		t.Errorf("notifier: %v, domain %q", n.Mail, n.Domain)
	}
}

func TestSMTPConfigRefused(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	for _, tc := range []struct {
		yaml, err string
	}{
		{"smtp:\n  host: mail.example.com\n  from: vmc@example.com\n  tls: none\n  username: vmc\n", "smtp.username: authentication needs TLS"},
		{"smtp:\n  host: mail.example.com\n  from: vmc@example.com\n  tls: ssl\n", `smtp.tls: unknown "ssl"`},
		{"smtp:\n  host: mail.example.com\n", `smtp.from: "" is not an address`},
		{"smtp:\n  host: mail.example.com\n  from: vmc@example.com\n  ca-file: " + notPEM + "\n", "holds no PEM certificate"},
		{"smtp:\n  host: mail.example.com\n  from: vmc@example.com\n  ca-file: " + filepath.Join(dir, "missing.pem") + "\n", "smtp.ca-file:"},
	} {
		c := loadTestConfig(t, nil, tc.yaml)
		if _, err := c.notifier(nil, nil); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: %v, want %q", tc.yaml, err, tc.err)
		}
	}
	// No host: no e-mail, and no error.
	if n, err := loadTestConfig(t, nil, "").notifier(nil, nil); err != nil || n.Mail != nil {
		t.Errorf("no smtp.host: %+v, %v", n, err)
	}
}
