package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Mail is one e-mail to one stakeholder.
type Mail struct {
	To      mail.Address
	Subject string
	Body    string // plain text
	Lang    string // its Content-Language
	// ID is the Message-ID, without angle brackets.
	ID string
	// Headers are vmc's own (X-Vmc-*).
	Headers map[string]string
	Date    time.Time
}

// Mailer sends e-mail.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// TLSMode is how the connection to the SMTP server is secured.
type TLSMode string

const (
	// STARTTLS upgrades the connection and refuses a server that cannot
	// (the submission port, 587).
	STARTTLS TLSMode = "starttls"
	// ImplicitTLS speaks TLS from the first byte (SMTPS, 465).
	ImplicitTLS TLSMode = "tls"
	// Opportunistic upgrades when the server offers STARTTLS and sends
	// in the clear when it does not.
	Opportunistic TLSMode = "opportunistic"
	// NoTLS never encrypts: a relay on the same host or network only.
	NoTLS TLSMode = "none"
)

// TLSModes lists the modes, the default first.
var TLSModes = []TLSMode{STARTTLS, ImplicitTLS, Opportunistic, NoTLS}

// SMTP sends e-mail through an SMTP server with go-mail.
type SMTP struct {
	Host string
	// Port 0 is the mode's usual port: 465 for ImplicitTLS, 587
	// otherwise.
	Port     int
	Username string
	Password string
	// From is the sender, "vmc <vmc@example.com>" or a bare address.
	From string
	TLS  TLSMode
	// TLSConfig, when set, verifies the server's certificate with its
	// RootCAs (a private CA); nil uses the system's.
	TLSConfig *tls.Config
	// Timeout bounds connecting and each command; 0 means 30 s.
	Timeout time.Duration
}

// String describes the server without its password, for logs and
// messages (and %v of an SMTP).
func (c SMTP) String() string {
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("smtp://%s%s (%s)", user, net.JoinHostPort(c.Host, strconv.Itoa(c.port())), c.mode())
}

// GoString keeps %#v from printing the password.
func (c SMTP) GoString() string { return c.String() }

func (c SMTP) mode() TLSMode {
	if c.TLS == "" {
		return STARTTLS
	}
	return c.TLS
}

func (c SMTP) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.mode() == ImplicitTLS:
		return 465
	}
	return 587
}

// Check reports what is wrong with the configuration, naming the
// setting.
func (c SMTP) Check() error {
	switch {
	case c.Host == "":
		return errors.New("smtp.host: empty")
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("smtp.port: %d is not a port", c.Port)
	}
	switch c.mode() {
	case STARTTLS, ImplicitTLS, Opportunistic:
	case NoTLS:
		if c.Username != "" {
			// A password is not sent over a connection anyone on the
			// path can read.
			return errors.New("smtp.username: authentication needs TLS (smtp.tls: starttls or tls)")
		}
	default:
		return fmt.Errorf("smtp.tls: unknown %q (starttls, tls, opportunistic, none)", c.TLS)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("smtp.from: %q is not an address (vmc <vmc@example.com>)", c.From)
	}
	if c.Username == "" && c.Password != "" {
		return errors.New("smtp.password: set without smtp.username")
	}
	return nil
}

func (c SMTP) client() (*gomail.Client, error) {
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(c.port()), gomail.WithTimeout(timeout)}
	switch c.mode() {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case STARTTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Opportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.TLSConfig != nil {
		tc := c.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = c.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	return gomail.NewClient(c.Host, opts...)
}

// Send implements Mailer: one connection per message, which is what a
// handful of stakeholders per incident needs. A failure the server calls
// temporary, or of the network, is transient (see Temporary).
func (c SMTP) Send(ctx context.Context, m Mail) error {
	msg := gomail.NewMsg()
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("smtp.from: %w", err)
	}
	if err := msg.FromFormat(from.Name, from.Address); err != nil {
		return fmt.Errorf("from %s: %w", c.From, err)
	}
	if err := msg.AddToFormat(m.To.Name, m.To.Address); err != nil {
		return fmt.Errorf("to %s: %w", m.To.Address, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID)
	msg.SetDateWithValue(m.Date)
	msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	cl, err := c.client()
	if err != nil {
		return fmt.Errorf("%s: %w", c, err)
	}
	if err := cl.DialAndSendWithContext(ctx, msg); err != nil {
		return classifySMTP(fmt.Errorf("%s: %w", c, err), err)
	}
	return nil
}

// classifySMTP marks a failure transient when the server said so (a 4xx
// reply) or the connection failed; a 5xx reply is permanent.
func classifySMTP(wrapped, err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return transient(wrapped)
		}
		if code := se.ErrorCode(); code >= 500 {
			return wrapped
		}
	}
	// A refused or dropped connection, a timeout: worth another try.
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return transient(wrapped)
	}
	return wrapped
}
