package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/store"
)

// smtpConfig is the SMTP server incident notifications are sent through
// (smtp.* in vmc.yaml, VMC_SMTP__HOST and so on). Without a host vmc
// sends no e-mail: e-mail deliveries fail, saying so, and webhooks still
// go.
type smtpConfig struct {
	Host     string `koanf:"host"`
	Port     int    `koanf:"port"`
	Username string `koanf:"username"`
	// Password is best given as VMC_SMTP__PASSWORD; it is never
	// printed or logged.
	Password secret `koanf:"password"`
	// From is the sender: "vmc <vmc@example.com>".
	From string `koanf:"from"`
	// TLS is starttls (the default), tls, opportunistic or none.
	TLS string `koanf:"tls"`
	// CAFile is a PEM file of the CA that signed the server's
	// certificate, for a relay with a private CA.
	CAFile string `koanf:"ca-file"`
}

// secret is a configuration value that must not be shown: printing it,
// logging it or marshalling it shows a mask.
type secret string

const mask = "******"

func (s secret) shown() string {
	if s == "" {
		return ""
	}
	return mask
}

// Format covers every fmt verb, %v and %#v of a Config included.
func (s secret) Format(f fmt.State, _ rune)   { fmt.Fprint(f, s.shown()) }
func (s secret) LogValue() slog.Value         { return slog.StringValue(s.shown()) }
func (s secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.shown()) }
func (s secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// smtp is the configuration as package notify takes it, checked.
func (c smtpConfig) smtp() (notify.SMTP, error) {
	m := notify.SMTP{Host: c.Host, Port: c.Port, Username: c.Username, Password: string(c.Password), From: c.From, TLS: notify.TLSMode(c.TLS)}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return m, fmt.Errorf("smtp.ca-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return m, fmt.Errorf("smtp.ca-file: %s holds no PEM certificate", c.CAFile)
		}
		m.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return m, m.Check()
}

// notifier is the notifier the configuration describes, over s.
func (c *Config) notifier(s store.Store, log *slog.Logger) (*notify.Service, error) {
	n := &notify.Service{Store: s, Hooks: notify.Webhooks{UserAgent: "vmc/" + Version}, Log: log}
	if c.SMTP.Host == "" {
		return n, nil
	}
	m, err := c.SMTP.smtp()
	if err != nil {
		return nil, err
	}
	n.Mail = m
	if a, err := mail.ParseAddress(m.From); err == nil {
		_, n.Domain, _ = strings.Cut(a.Address, "@")
	}
	return n, nil
}

// notifySweep is the notifier's periodic work as a scheduled job: held
// messages whose embargo lifted, abandoned deliveries, escalations due.
// A minute is the granularity of escalation paths.
func notifySweep(n *notify.Service, log *slog.Logger) fetch.Job {
	return fetch.Job{Name: "notification sweep", Every: time.Minute, Run: func(ctx context.Context) error {
		res, err := n.Sweep(ctx)
		if len(res.Released)+len(res.Escalated) > 0 {
			log.Info("notification sweep", "released", len(res.Released), "escalated", len(res.Escalated))
		}
		return err
	}}
}
