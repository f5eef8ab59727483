package disclosure

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// CheckRFC9116 holds a security.txt file to RFC 9116 on its own terms,
// line by line, without the generator's help: UTF-8; every line a
// comment, blank, or "Name: value" (section 4's ABNF: the field name,
// ":", one space); Contact at least once and each a URI; Expires exactly
// once, an RFC 3339 date-time (5.6) in the future and, as recommended,
// less than a year ahead; Preferred-Languages at most once, a
// comma-separated list of language tags; web URIs in https. It returns
// the fields found, by name, for the caller to look at.
func CheckRFC9116(body []byte, now time.Time) (map[string][]string, error) {
	if !utf8.Valid(body) {
		return nil, errors.New("not UTF-8")
	}
	if len(body) == 0 || body[len(body)-1] != '\n' {
		return nil, errors.New("the last line does not end with a line feed")
	}
	fieldRe := regexp.MustCompile(`^([!-9;-~]+): (.*?)[ \t]*$`)                                                                 // RFC 5322 field-name: printable ASCII but ':'
	dateTime := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`)                    // RFC 3339 date-time
	langTag := regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?(-([A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*$`) // the common shape of an RFC 5646 tag
	uri := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$`)                                                               // RFC 3986 scheme ":" …
	fields := map[string][]string{}
	for i, ln := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
		ln = strings.TrimSuffix(ln, "\r")
		if strings.TrimSpace(ln) == "" || strings.HasPrefix(ln, "#") {
			continue
		}
		m := fieldRe.FindStringSubmatch(ln)
		if m == nil {
			return nil, fmt.Errorf("line %d: %q is no field", i+1, ln)
		}
		name := strings.ToLower(m[1]) // field names are case-insensitive (2.4)
		fields[name] = append(fields[name], m[2])
	}
	if len(fields["contact"]) == 0 {
		return fields, errors.New("no Contact")
	}
	if n := len(fields["expires"]); n != 1 {
		return fields, fmt.Errorf("%d Expires fields, want exactly one", n)
	}
	exp := fields["expires"][0]
	if !dateTime.MatchString(exp) {
		return fields, fmt.Errorf("Expires %q is not an RFC 3339 date-time", exp)
	}
	at, err := time.Parse(time.RFC3339Nano, exp)
	if err != nil {
		return fields, fmt.Errorf("Expires %q: %v", exp, err)
	}
	if !at.After(now) || !at.Before(now.AddDate(1, 0, 0)) {
		return fields, fmt.Errorf("Expires %s is not in the coming year", exp)
	}
	if n := len(fields["preferred-languages"]); n > 1 {
		return fields, fmt.Errorf("%d Preferred-Languages fields, want at most one", n)
	}
	for _, l := range fields["preferred-languages"] {
		for _, tag := range strings.Split(l, ",") {
			if !langTag.MatchString(strings.TrimSpace(tag)) {
				return fields, fmt.Errorf("Preferred-Languages: %q is not a language tag", tag)
			}
		}
	}
	for _, name := range []string{"contact", "encryption", "acknowledgments", "canonical", "policy", "hiring"} {
		for _, v := range fields[name] {
			if !uri.MatchString(v) {
				return fields, fmt.Errorf("%s: %q is not a URI", name, v)
			}
			if strings.HasPrefix(strings.ToLower(v), "http:") {
				return fields, fmt.Errorf("%s: %q is a web URI not in https", name, v)
			}
		}
	}
	return fields, nil
}

func TestSecurityTxt(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
	full := SecurityTxt{
		Contact:            []string{"mailto:security@example.cn", "https://vmc.example.cn/security/report"},
		Expires:            ExpiresAt(now, 180),
		Encryption:         []string{"https://example.cn/pgp-key.txt"},
		Acknowledgments:    []string{"https://example.cn/security/thanks"},
		PreferredLanguages: []string{"zh", "en"},
		Canonical:          []string{"https://vmc.example.cn/.well-known/security.txt"},
		Policy:             []string{"https://example.cn/security/policy"},
	}
	if err := full.Validate(now); err != nil {
		t.Fatal(err)
	}
	b, err := full.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	fields, err := CheckRFC9116(b, now)
	if err != nil {
		t.Fatalf("%v in:\n%s", err, b)
	}
	for name, want := range map[string]string{
		"contact":             "mailto:security@example.cn|https://vmc.example.cn/security/report",
		"expires":             "2027-05-19T00:00:00Z",
		"encryption":          "https://example.cn/pgp-key.txt",
		"acknowledgments":     "https://example.cn/security/thanks",
		"preferred-languages": "zh, en",
		"canonical":           "https://vmc.example.cn/.well-known/security.txt",
		"policy":              "https://example.cn/security/policy",
	} {
		if got := strings.Join(fields[name], "|"); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if !strings.HasPrefix(string(b), "# ") || strings.Contains(string(b), "Hiring") {
		t.Errorf("file:\n%s", b)
	}

	minimal := SecurityTxt{Contact: []string{"tel:+86-10-5555-0123"}, Expires: ExpiresAt(now, 1)}
	if b, _ := minimal.MarshalText(); minimal.Validate(now) != nil {
		t.Errorf("minimal: %v", minimal.Validate(now))
	} else if _, err := CheckRFC9116(b, now); err != nil {
		t.Errorf("minimal: %v", err)
	}

	for _, tc := range []struct {
		name string
		edit func(*SecurityTxt)
		err  string
	}{
		{"no contact", func(s *SecurityTxt) { s.Contact = nil }, "Contact: none"},
		{"no expiry", func(s *SecurityTxt) { s.Expires = time.Time{} }, "Expires: missing"},
		{"expired", func(s *SecurityTxt) { s.Expires = now }, "Expires: 2026-11-20T15:30:00Z is not in the future"},
		{"a year ahead", func(s *SecurityTxt) { s.Expires = now.AddDate(1, 0, 0) }, "a year or more ahead"},
		{"http contact", func(s *SecurityTxt) { s.Contact = []string{"http://example.cn/report"} }, "web URIs must begin with https://"},
		{"bare e-mail", func(s *SecurityTxt) { s.Contact = []string{"security@example.cn"} }, "not an absolute URI"},
		{"two lines in one", func(s *SecurityTxt) { s.Policy = []string{"https://a.example\nContact: mailto:x@evil.example"} }, "not one URI"},
		{"a key, not a link", func(s *SecurityTxt) { s.Encryption = []string{"mQINBGMbKd4BEAC"} }, "Encryption"},
		{"mailto policy", func(s *SecurityTxt) { s.Policy = []string{"mailto:a@example.cn"} }, "the scheme mailto is not one Policy takes"},
		{"bad language", func(s *SecurityTxt) { s.PreferredLanguages = []string{"zh, en"} }, `"zh, en" is not an RFC 5646 language tag`},
		{"https without a host", func(s *SecurityTxt) { s.Canonical = []string{"https:///x"} }, "has no host"},
	} {
		s := full
		tc.edit(&s)
		err := s.Validate(now)
		if err == nil || !errors.Is(err, ErrSecurityTxt) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

// TestCheckRFC9116 makes sure the checker refuses what it should: a test
// that cannot fail proves nothing.
func TestCheckRFC9116(t *testing.T) {
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ name, body, err string }{
		{"no expiry", "Contact: mailto:a@example.cn\n", "0 Expires"},
		{"two expiries", "Contact: mailto:a@example.cn\nExpires: 2027-01-01T00:00:00Z\nExpires: 2027-02-01T00:00:00Z\n", "2 Expires"},
		{"HTTP date", "Contact: mailto:a@example.cn\nExpires: Fri, 01 Jan 2027 00:00:00 GMT\n", "not an RFC 3339 date-time"},
		{"two years", "Contact: mailto:a@example.cn\nExpires: 2028-12-01T00:00:00Z\n", "not in the coming year"},
		{"no contact", "Expires: 2027-01-01T00:00:00Z\n", "no Contact"},
		{"no space", "Contact:mailto:a@example.cn\nExpires: 2027-01-01T00:00:00Z\n", "is no field"},
		{"http", "Contact: http://example.cn\nExpires: 2027-01-01T00:00:00Z\n", "not in https"},
		{"no final newline", "Contact: mailto:a@example.cn\nExpires: 2027-01-01T00:00:00Z", "line feed"},
		{"two language lines", "Contact: mailto:a@example.cn\nExpires: 2027-01-01T00:00:00Z\nPreferred-Languages: zh\nPreferred-Languages: en\n", "2 Preferred-Languages"},
	} {
		if _, err := CheckRFC9116([]byte(tc.body), now); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}
