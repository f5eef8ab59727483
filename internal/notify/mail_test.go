package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/notify/smtptest"
)

func startSMTP(t *testing.T, opts smtptest.Options) *smtptest.Server {
	t.Helper()
	srv, err := smtptest.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// readMail parses a message as received (smtptest.Message.Read).
func readMail(t *testing.T, data []byte) (*mail.Message, string) {
	t.Helper()
	m, body, err := smtptest.Message{Data: data}.Read()
	if err != nil {
		t.Fatalf("%v:\n%s", err, data)
	}
	return m, body
}

// TestSMTPDelivers sends a message with a Chinese subject through a real
// SMTP server on loopback, in the clear and over STARTTLS with a
// password, and reads what arrived.
func TestSMTPDelivers(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts smtptest.Options
		cfg  func(srv *smtptest.Server) SMTP
	}{
		{"no TLS", smtptest.Options{}, func(srv *smtptest.Server) SMTP {
			return SMTP{Host: srv.Host, Port: srv.Port, From: "vmc <vmc@example.com>", TLS: NoTLS}
		}},
		{"STARTTLS with a password", smtptest.Options{TLS: true, Username: "vmc", Password: "s3cret pass"}, func(srv *smtptest.Server) SMTP {
			return SMTP{Host: srv.Host, Port: srv.Port, From: "vmc <vmc@example.com>", TLS: STARTTLS, Username: "vmc", Password: "s3cret pass",
				TLSConfig: &tls.Config{RootCAs: srv.CertPool}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.opts)
			c := tc.cfg(srv)
			if err := c.Check(); err != nil {
				t.Fatal(err)
			}
			subject := "[TLP:AMBER] INC-7 情况通报：网站被植入 Webshell"
			body := "TLP:AMBER：有限披露。\n\n攻击者已被隔离。\nA line in English, and a long one that goes on well past seventy-six characters so that it must be wrapped.\n"
			date := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
			err := c.Send(context.Background(), Mail{To: mail.Address{Name: "王芳", Address: "wang.fang@example.cn"}, Subject: subject, Body: body,
				Lang: "zh-CN", ID: "delivery-42.incident-7@example.com", Date: date, Headers: map[string]string{"X-Vmc-Delivery": "42"}})
			if err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages arrived", len(msgs))
			}
			got := msgs[0]
			if got.From != "vmc@example.com" || len(got.To) != 1 || got.To[0] != "wang.fang@example.cn" {
				t.Errorf("envelope: from %q to %q", got.From, got.To)
			}
			if got.TLS != (c.TLS == STARTTLS) || got.User != c.Username {
				t.Errorf("tls %v, user %q", got.TLS, got.User)
			}
			m, text := readMail(t, got.Data)
			raw := m.Header.Get("Subject")
			if !strings.HasPrefix(strings.ToUpper(raw), "=?UTF-8?") {
				t.Errorf("subject not MIME-encoded: %q", raw)
			}
			if dec, err := new(mime.WordDecoder).DecodeHeader(raw); err != nil || dec != subject {
				t.Errorf("subject %q decodes to %q, %v", raw, dec, err)
			}
			to, err := m.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != "王芳" || to[0].Address != "wang.fang@example.cn" {
				t.Errorf("To: %v, %v", to, err)
			}
			for h, want := range map[string]string{"Message-Id": "<delivery-42.incident-7@example.com>", "X-Vmc-Delivery": "42",
				"Content-Language": "zh-CN", "Date": "Fri, 20 Nov 2026 09:30:00 +0000"} {
				if v := m.Header.Get(h); v != want {
					t.Errorf("%s: %q, want %q", h, v, want)
				}
			}
			if ct := m.Header.Get("Content-Type"); !strings.Contains(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
				t.Errorf("Content-Type: %q", ct)
			}
			if strings.ReplaceAll(text, "\r\n", "\n") != body {
				t.Errorf("body:\n%q\nwant\n%q", text, body)
			}
			if bytes.Contains(got.Data, []byte(c.Password)) && c.Password != "" {
				t.Error("the password is in the message")
			}
		})
	}
}

// TestSMTPFailures: what the server refuses for now, or a server that
// is not there, is worth another try; what it refuses for good is not;
// STARTTLS is not skipped when the server offers none.
func TestSMTPFailures(t *testing.T) {
	srv := startSMTP(t, smtptest.Options{})
	c := SMTP{Host: srv.Host, Port: srv.Port, From: "vmc@example.com", TLS: NoTLS, Timeout: 5 * time.Second}
	msg := Mail{To: mail.Address{Address: "alice@example.com"}, Subject: "s", Body: "b", Lang: "en", ID: "x@example.com", Date: time.Now()}
	ctx := context.Background()

	srv.Refuse(451, 550)
	if err := c.Send(ctx, msg); err == nil || !Temporary(err) || !strings.Contains(err.Error(), "451") {
		t.Errorf("451: %v (temporary %v)", err, Temporary(err))
	}
	if err := c.Send(ctx, msg); err == nil || Temporary(err) || !strings.Contains(err.Error(), "550") {
		t.Errorf("550: %v (temporary %v)", err, Temporary(err))
	}
	if err := c.Send(ctx, msg); err != nil {
		t.Errorf("after the refusals: %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	gone := c
	gone.Port = closed
	if err := gone.Send(ctx, msg); err == nil || !Temporary(err) {
		t.Errorf("no server: %v (temporary %v)", err, Temporary(err))
	}

	mandatory := c
	mandatory.TLS = STARTTLS
	if err := mandatory.Send(ctx, msg); err == nil || Temporary(err) {
		t.Errorf("STARTTLS required, not offered: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages arrived, want 1", n)
	}
}

func TestSMTPCheck(t *testing.T) {
	ok := SMTP{Host: "mail.example.com", From: "vmc <vmc@example.com>", Username: "vmc", Password: "pw"}
	with := func(f func(*SMTP)) SMTP { c := ok; f(&c); return c }
	for _, tc := range []struct {
		name string
		c    SMTP
		err  string
	}{
		{"STARTTLS by default", ok, ""},
		{"implicit TLS", with(func(c *SMTP) { c.TLS = ImplicitTLS }), ""},
		{"a relay in the clear, no password", with(func(c *SMTP) { c.TLS, c.Username, c.Password = NoTLS, "", "" }), ""},
		{"no host", with(func(c *SMTP) { c.Host = "" }), "smtp.host: empty"},
		{"bad port", with(func(c *SMTP) { c.Port = 70000 }), "smtp.port: 70000 is not a port"},
		{"unknown mode", with(func(c *SMTP) { c.TLS = "ssl" }), `smtp.tls: unknown "ssl"`},
		{"a password in the clear", with(func(c *SMTP) { c.TLS = NoTLS }), "smtp.username: authentication needs TLS"},
		{"no sender", with(func(c *SMTP) { c.From = "" }), `smtp.from: "" is not an address`},
		{"a password without a user", with(func(c *SMTP) { c.Username = "" }), "smtp.password: set without smtp.username"},
	} {
		err := tc.c.Check()
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	for _, s := range []string{fmt.Sprint(ok), fmt.Sprintf("%+v", ok), fmt.Sprintf("%#v", ok)} {
		if strings.Contains(s, "pw") || !strings.Contains(s, "smtp://vmc@mail.example.com:587 (starttls)") {
			t.Errorf("printed as %q", s)
		}
	}
	if got := with(func(c *SMTP) { c.TLS = ImplicitTLS }).String(); got != "smtp://vmc@mail.example.com:465 (tls)" {
		t.Errorf("implicit TLS: %s", got)
	}
}
