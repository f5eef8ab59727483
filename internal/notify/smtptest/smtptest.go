// Package smtptest runs a real SMTP server on a loopback port, for tests
// that deliver e-mail over TCP and read what arrived: each message is
// kept as the server received it, and written to a directory when asked.
// The server can offer STARTTLS with a certificate of its own, require a
// password, and refuse the next messages with given reply codes. It is
// github.com/emersion/go-smtp, and is for tests only.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message as received.
type Message struct {
	From string
	To   []string
	// Data is the message as sent after DATA: headers and body.
	Data []byte
	// TLS reports whether it came over an encrypted connection, User
	// who authenticated to send it.
	TLS  bool
	User string
}

// Read parses the message as received: its headers, and its body decoded
// from its transfer encoding.
func (m Message) Read() (*mail.Message, string, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, "", err
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(body)
	return msg, string(b), err
}

// Options configures a server.
type Options struct {
	// TLS offers STARTTLS with a certificate for 127.0.0.1 and
	// localhost; the server's CertPool verifies it.
	TLS bool
	// Username and Password, when set, are required (AUTH PLAIN, which
	// the server offers only over TLS).
	Username, Password string
	// Dir, when set, receives each message as <n>.eml, n counting from
	// 1, written whole before the server acknowledges it.
	Dir string
}

// Server is a running SMTP server.
type Server struct {
	Host string // 127.0.0.1
	Port int
	// CertPool holds the server's certificate, when it offers TLS, and
	// CertPEM is it as PEM, for a client configured by file.
	CertPool *x509.CertPool
	CertPEM  []byte

	opts   Options
	srv    *smtp.Server
	mu     sync.Mutex
	msgs   []Message
	refuse []int
}

// Start starts a server on a free loopback port.
func Start(opts Options) (*Server, error) {
	s := &Server{Host: "127.0.0.1", opts: opts}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	s.srv.EnableSMTPUTF8 = true
	if opts.TLS {
		cert, err := selfSigned()
		if err != nil {
			return nil, err
		}
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.CertPool = x509.NewCertPool()
		s.CertPool.AddCert(cert.Leaf)
		s.CertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Leaf.Raw})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(ln)
	return s, nil
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Messages returns the messages received so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Refuse makes the server refuse the next len(codes) messages, one code
// each, at MAIL FROM: 4xx codes are temporary, 5xx permanent.
func (s *Server) Refuse(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = append(s.refuse, codes...)
}

type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.s.opts.Username || password != x.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		x.user = username
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.opts.Username != "" && x.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if len(x.s.refuse) > 0 {
		code := x.s.refuse[0]
		x.s.refuse = x.s.refuse[1:]
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "refused for the test"}
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, encrypted := x.conn.TLSConnectionState()
	m := Message{From: x.from, To: x.to, Data: data, TLS: encrypted, User: x.user}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.msgs = append(x.s.msgs, m)
	if dir := x.s.opts.Dir; dir != "" {
		name := filepath.Join(dir, fmt.Sprintf("%d.eml", len(x.s.msgs)))
		if err := os.WriteFile(name+".tmp", data, 0o600); err != nil {
			return err
		}
		if err := os.Rename(name+".tmp", name); err != nil {
			return err
		}
	}
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// selfSigned makes a certificate for the loopback names, its own root.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
