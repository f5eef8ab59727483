package cli_test

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/notify/smtptest"
)

// communicationCmds are the transcripts' mail and webhook servers:
//
//	smtpd [-tls]       a real SMTP server on loopback that writes each
//	                   message to $WORK/mail/<n>.eml; vmc is configured
//	                   for it by VMC_SMTP__*. -tls requires STARTTLS
//	                   (its CA in smtp.ca-file) and a password.
//	webhookd SECRET    a webhook receiver at $WEBHOOK_URL that checks
//	                   each call's signature with notify.Verify against
//	                   the secret in the file SECRET; it writes accepted
//	                   bodies to $WORK/hooks/<n>.json and answers 401 to
//	                   the rest, noting why in $WORK/hooks/refused-<n>.txt.
//	readmail FILE      prints a received message decoded: its From, To
//	                   and Subject (MIME words decoded) and its body.
var communicationCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"smtpd":    smtpdCmd,
	"webhookd": webhookdCmd,
	"readmail": readmailCmd,
}

func smtpdCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 || (len(args) == 1 && args[0] != "-tls") {
		ts.Fatalf("usage: smtpd [-tls]")
	}
	secure := len(args) == 1
	dir := ts.MkAbs("mail")
	ts.Check(os.MkdirAll(dir, 0o755))
	opts := smtptest.Options{Dir: dir, TLS: secure}
	if secure {
		opts.Username, opts.Password = "vmc", "smtp-password-not-for-logs"
	}
	srv, err := smtptest.Start(opts)
	ts.Check(err)
	ts.Defer(func() { srv.Close() })
	ts.Setenv("VMC_SMTP__HOST", srv.Host)
	ts.Setenv("VMC_SMTP__PORT", strconv.Itoa(srv.Port))
	ts.Setenv("VMC_SMTP__FROM", "vmc <vmc@example.com>")
	ts.Setenv("VMC_SMTP__TLS", "none")
	if secure {
		ca := ts.MkAbs("smtp-ca.pem")
		ts.Check(os.WriteFile(ca, srv.CertPEM, 0o644))
		ts.Setenv("VMC_SMTP__TLS", "starttls")
		ts.Setenv("VMC_SMTP__CA_FILE", ca)
		ts.Setenv("VMC_SMTP__USERNAME", opts.Username)
		ts.Setenv("VMC_SMTP__PASSWORD", opts.Password)
	}
}

func webhookdCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: webhookd SECRETFILE")
	}
	secretFile, dir := ts.MkAbs(args[0]), ts.MkAbs("hooks")
	ts.Check(os.MkdirAll(dir, 0o755))
	var (
		mu                sync.Mutex
		accepted, refused int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		secret, err := os.ReadFile(secretFile)
		if err == nil {
			err = notify.Verify(bytes.TrimSpace(secret), r.Header.Get(notify.SignatureHeader), body, time.Now())
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			refused++
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("refused-%d.txt", refused)), []byte(err.Error()+"\n"), 0o644)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		accepted++
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", accepted)), append(body, '\n'), 0o644)
	}))
	ts.Defer(srv.Close)
	ts.Setenv("WEBHOOK_URL", srv.URL)
}

func readmailCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: readmail FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	m, err := mail.ReadMessage(bytes.NewReader(data))
	ts.Check(err)
	dec := new(mime.WordDecoder)
	for _, h := range []string{"From", "To", "Subject", "Content-Language", "X-Vmc-Tlp"} {
		v, err := dec.DecodeHeader(m.Header.Get(h))
		ts.Check(err)
		fmt.Fprintf(ts.Stdout(), "%s: %s\n", h, v)
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "\n%s", strings.ReplaceAll(string(b), "\r\n", "\n"))
}
