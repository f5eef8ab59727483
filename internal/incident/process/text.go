package process

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/incident"
)

// ErrInvalid marks a process record that cannot be kept as it is: a
// playbook, a roster entry, a training, a briefing, a review. The error
// names the field at fault.
var ErrInvalid = errors.New("invalid process record")

func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
}

// Bilingual is a text in both of vmc's languages. Both are required: the
// process is read by Chinese and international teams alike, and a step
// one of them cannot read is a step not followed.
type Bilingual struct {
	EN string `json:"en" yaml:"en"`
	ZH string `json:"zh-CN" yaml:"zh-CN"`
}

// In returns the text in lang ("en" or "zh-CN"), English for any other.
func (t Bilingual) In(lang string) string {
	if lang == "zh-CN" {
		return t.ZH
	}
	return t.EN
}

// Limits on text, in bytes: a title is one line (a Chinese character is
// three bytes), a description a few paragraphs.
const (
	maxTitle = 300
	maxDesc  = 8 << 10
	maxNote  = 16 << 10
)

// checkTitle checks a one-line text in both languages.
func checkTitle(field string, t Bilingual) error {
	for _, l := range []struct{ lang, s string }{{"en", t.EN}, {"zh-CN", t.ZH}} {
		switch {
		case strings.TrimSpace(l.s) == "":
			return invalid(field+"."+l.lang, "empty")
		case len(l.s) > maxTitle:
			return invalid(field+"."+l.lang, "longer than %d bytes", maxTitle)
		case !incident.IsLine(l.s):
			return invalid(field+"."+l.lang, "not one line of printable UTF-8")
		}
	}
	return nil
}

// checkDesc checks a text of paragraphs in both languages; optional
// allows both to be empty.
func checkDesc(field string, t Bilingual, optional bool) error {
	if optional && t.EN == "" && t.ZH == "" {
		return nil
	}
	for _, l := range []struct{ lang, s string }{{"en", t.EN}, {"zh-CN", t.ZH}} {
		if strings.TrimSpace(l.s) == "" {
			return invalid(field+"."+l.lang, "empty")
		}
		if err := checkProse(field+"."+l.lang, l.s, maxDesc); err != nil {
			return err
		}
	}
	return nil
}

// checkProse checks free text: UTF-8, at most max bytes, no control
// characters but newlines and tabs (a carriage return or an escape
// sequence has no place in a record that terminals and PDFs show).
func checkProse(field, s string, max int) error {
	if len(s) > max {
		return invalid(field, "longer than %d KiB", max>>10)
	}
	if !utf8.ValidString(s) {
		return invalid(field, "not UTF-8")
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return invalid(field, "control character %U", r)
		}
	}
	return nil
}

// checkName checks a person's name (see incident.IsName).
func checkName(field, s string) error {
	if !incident.IsName(s) {
		return invalid(field, "%q is not a name", s)
	}
	return nil
}

// checkNames checks a list of people: at most max, each a name, none
// twice.
func checkNames(field string, names []string, max int) error {
	if len(names) > max {
		return invalid(field, "more than %d", max)
	}
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkName(f, n); err != nil {
			return err
		}
		if seen[strings.ToLower(n)] {
			return invalid(f, "%q is listed twice", n)
		}
		seen[strings.ToLower(n)] = true
	}
	return nil
}

// Role is a role in the response team, as a key: "incident-commander",
// "incident-handler", "forensic-analyst", "communications", "legal",
// "system-owner". Playbook steps name the role responsible; roster
// members hold one; a member is trained on the playbooks whose steps name
// their role. Organisations name their own roles: the key is checked for
// shape, not against a list.
type Role string

func (r Role) String() string { return string(r) }

// IsValid reports whether r is a role key: a lower-case letter, then
// lower-case letters, digits and hyphens, at most 64 bytes.
func (r Role) IsValid() bool { return isKey(string(r)) && r[0] >= 'a' && r[0] <= 'z' }

// isKey reports whether s is a key: lower-case ASCII letters, digits and
// hyphens, starting with a letter or digit, at most 64 bytes. Keys are
// parts of links ("playbook:web-compromise/v2#3") and URLs, so nothing
// else is allowed.
func isKey(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Day is t's day, as the process records days: UTC midnight.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// pastDay reports whether now is past the end of day: due on a day
// means by the end of it.
func pastDay(now, day time.Time) bool { return !now.Before(day.AddDate(0, 0, 1)) }

// addMonths adds n months to the day d, as people count them: six months
// after 31 May is 30 November, not 1 December (time.AddDate's
// normalisation), and a year after 29 February is 28 February.
func addMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d.Day(), last)-1)
}
