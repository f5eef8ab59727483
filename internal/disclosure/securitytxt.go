package disclosure

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// SecurityTxt is the content of /.well-known/security.txt, as RFC 9116
// ("A File Format to Aid in Security Vulnerability Disclosure", 2022)
// defines it. Every field but Expires holds URIs and may repeat
// (section 2.5); Expires and Preferred-Languages appear at most once.
// https://www.rfc-editor.org/rfc/rfc9116
type SecurityTxt struct {
	// Contact is where to report, most preferred first (2.5.3):
	// mailto:, tel: or https: URIs. At least one is required.
	Contact []string
	// Expires is when the file should be considered stale (2.5.5):
	// required, and recommended less than a year ahead.
	Expires time.Time
	// Encryption points at a key to encrypt reports with (2.5.4), never
	// the key itself.
	Encryption []string
	// Acknowledgments points at the page thanking reporters (2.5.1).
	Acknowledgments []string
	// PreferredLanguages are the languages reports may be written in,
	// as RFC 5646 tags (2.5.8).
	PreferredLanguages []string
	// Canonical is where this file is published (2.5.2).
	Canonical []string
	// Policy points at the vulnerability disclosure policy (2.5.7).
	Policy []string
	// Hiring points at security jobs (2.5.6).
	Hiring []string
	// CSAF points at the provider-metadata.json of the organisation's
	// CSAF provider: CSAF 2.0 section 7.1.8 registers this field.
	CSAF []string
}

// ErrSecurityTxt marks a security.txt that breaks RFC 9116.
var ErrSecurityTxt = errors.New("invalid security.txt")

// MaxExpiry is the furthest ahead Expires may be: RFC 9116 recommends
// less than a year, to keep stale files from misleading reporters.
const MaxExpiry = 364 * 24 * time.Hour

// Validate checks the file against RFC 9116 at now: a Contact, an
// Expires in the future and less than a year ahead, absolute URIs
// (https for web ones, as 2.5 requires), RFC 5646 language tags. Errors
// name the field.
func (t SecurityTxt) Validate(now time.Time) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrSecurityTxt, field, fmt.Sprintf(format, args...))
	}
	if len(t.Contact) == 0 {
		return bad("Contact", "none; at least one is required")
	}
	switch {
	case t.Expires.IsZero():
		return bad("Expires", "missing; it is required")
	case !t.Expires.After(now):
		return bad("Expires", "%s is not in the future", t.Expires.UTC().Format(time.RFC3339))
	case t.Expires.Sub(now) > MaxExpiry:
		return bad("Expires", "%s is a year or more ahead", t.Expires.UTC().Format(time.RFC3339))
	}
	for _, f := range t.uriFields() {
		for _, v := range f.values {
			if err := checkURI(f.name, v); err != nil {
				return bad(f.name, "%v", err)
			}
		}
	}
	for _, l := range t.PreferredLanguages {
		if _, err := language.Parse(l); err != nil || strings.ContainsAny(l, ", \t") {
			return bad("Preferred-Languages", "%q is not an RFC 5646 language tag", l)
		}
	}
	return nil
}

type uriField struct {
	name   string
	values []string
}

// uriFields lists the URI fields in the order the file writes them.
func (t SecurityTxt) uriFields() []uriField {
	return []uriField{{"Contact", t.Contact}, {"Encryption", t.Encryption}, {"Acknowledgments", t.Acknowledgments},
		{"Canonical", t.Canonical}, {"Policy", t.Policy}, {"Hiring", t.Hiring}, {"CSAF", t.CSAF}}
}

// checkURI checks one field value: an absolute URI on one line, and
// https when it is a web address. Contact may also be mailto: or tel:;
// Encryption may also be dns: or openpgp4fpr:, as RFC 9116's examples.
func checkURI(field, v string) error {
	if strings.ContainsAny(v, " \t\r\n") || v == "" {
		return fmt.Errorf("%q is not one URI", v)
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("%q is not an absolute URI", v)
	}
	switch s := strings.ToLower(u.Scheme); {
	case s == "https":
		if u.Host == "" {
			return fmt.Errorf("%q has no host", v)
		}
	case s == "http":
		return fmt.Errorf("%q: web URIs must begin with https://", v)
	case field == "Contact" && (s == "mailto" || s == "tel"):
	case field == "Encryption" && (s == "dns" || s == "openpgp4fpr"):
	default:
		return fmt.Errorf("%q: the scheme %s is not one %s takes", v, u.Scheme, field)
	}
	return nil
}

// MarshalText writes the file: one field per line, LF-terminated, UTF-8
// (section 3). It writes whatever it holds; call Validate first.
func (t SecurityTxt) MarshalText() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Report security vulnerabilities to the contacts below; the web form needs no account.\n")
	b.WriteString("# 请通过以下联系方式报告安全漏洞；网页表单无需注册。\n")
	fields := t.uriFields()
	write := func(f uriField) {
		for _, v := range f.values {
			fmt.Fprintf(&b, "%s: %s\n", f.name, v)
		}
	}
	write(fields[0])
	fmt.Fprintf(&b, "Expires: %s\n", t.Expires.UTC().Format(time.RFC3339))
	for _, f := range fields[1:] {
		write(f)
	}
	if len(t.PreferredLanguages) > 0 {
		fmt.Fprintf(&b, "Preferred-Languages: %s\n", strings.Join(t.PreferredLanguages, ", "))
	}
	return b.Bytes(), nil
}

// ExpiresAt is the Expires to publish at now for a file meant to last
// days: the start of the UTC day that many days ahead, so that the file
// reads the same all day long (and caches well) while never lying more
// than days ahead.
func ExpiresAt(now time.Time, days int) time.Time {
	return now.UTC().Truncate(24*time.Hour).AddDate(0, 0, days)
}
