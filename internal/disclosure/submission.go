package disclosure

import (
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/incident"
)

// Submission is what a reporter sends through the intake form or API,
// before vmc makes a report of it.
type Submission struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	// Product and Version are what the reporter says is affected.
	Product string `json:"product,omitempty"`
	Version string `json:"version,omitempty"`
	// ReporterName and ReporterContact are optional: anonymous reports
	// are welcome.
	ReporterName    string `json:"reporter_name,omitempty"`
	ReporterContact string `json:"reporter_contact,omitempty"`
	// WantsCredit asks to be credited when the vulnerability is
	// published, as CreditName or, when that is empty, ReporterName.
	WantsCredit bool   `json:"wants_credit,omitempty"`
	CreditName  string `json:"credit_name,omitempty"`
	// Lang is the language the reporter wants answers in: en or zh-CN.
	Lang string `json:"lang,omitempty"`
}

// Limits on what a reporter may send. A description is an essay with
// steps to reproduce, not an archive: proof-of-concept files are asked
// for later, through a channel the team chooses. One-line fields are
// bounded in bytes, which for Chinese text is about a third as many
// characters.
const (
	MaxTitle       = 300
	MaxDescription = 64 << 10
	MaxLine        = 200 // product, version, names
	MaxContact     = 320 // the longest e-mail address RFC 5321 allows, and room for a URL
	MaxMessage     = 16 << 10
)

// Langs are the languages a reporter may choose, the default first.
var Langs = []string{"en", "zh-CN"}

// ErrInvalid marks a report, or a message about one, that cannot be
// taken as it is.
var ErrInvalid = errors.New("invalid report")

// FieldError is a problem with one field. Rule names the kind of
// problem (empty, long, text, lang, credit, format, unknown), so that a
// page can say it in the reporter's language; Error says it in English.
type FieldError struct {
	Field string
	Rule  string
	Limit int // the limit broken, for rule long
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%v: %s: %s", ErrInvalid, e.Field, e.Msg) }
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldErr(field, rule, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

// FieldErrors lists the field problems err holds (from Validate or
// Submission.Check), in the order found.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		var fe *FieldError
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		} else if errors.As(err, &fe) {
			out = append(out, fe)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// Normalise returns s as vmc keeps it: fields trimmed, line endings in
// the description made LF, credit by the reporter's name when no other
// is given, the language defaulting to English.
func (s Submission) Normalise() Submission {
	for _, f := range []*string{&s.Title, &s.Product, &s.Version, &s.ReporterName, &s.ReporterContact, &s.CreditName, &s.Lang} {
		*f = strings.TrimSpace(*f)
	}
	s.Description = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s.Description, "\r\n", "\n"), "\r", "\n"))
	if s.WantsCredit && s.CreditName == "" {
		s.CreditName = s.ReporterName
	}
	if !s.WantsCredit {
		s.CreditName = ""
	}
	if s.Lang == "" {
		s.Lang = Langs[0]
	}
	return s
}

// Check reports every field of a normalised submission at fault, each
// as a *FieldError, joined; nil when it may be taken.
func (s Submission) Check() error {
	var errs []error
	add := func(e *FieldError) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	add(required("title", s.Title))
	add(line("title", s.Title, MaxTitle))
	add(required("description", s.Description))
	add(text("description", s.Description, MaxDescription))
	add(line("product", s.Product, MaxLine))
	add(line("version", s.Version, MaxLine))
	add(line("reporter_name", s.ReporterName, MaxLine))
	add(line("reporter_contact", s.ReporterContact, MaxContact))
	add(line("credit_name", s.CreditName, MaxLine))
	if s.WantsCredit && s.CreditName == "" {
		add(fieldErr("credit_name", "credit", "credit is wanted, but under which name?"))
	}
	if !slices.Contains(Langs, s.Lang) {
		add(fieldErr("lang", "lang", "%q is not one of %s", s.Lang, strings.Join(Langs, ", ")))
	}
	return errors.Join(errs...)
}

// check is Check's first problem, for callers that need only one.
func (s Submission) check() error {
	if fes := FieldErrors(s.Check()); len(fes) > 0 {
		return fes[0]
	}
	return nil
}

func required(field, v string) *FieldError {
	if v == "" {
		return fieldErr(field, "empty", "empty")
	}
	return nil
}

// line checks a one-line field: at most max bytes of UTF-8 without
// control or bidirectional formatting characters. Staff read reports in
// terminals and browsers: an escape sequence could rewrite a terminal,
// and a right-to-left override could make text read other than it is
// (CVE-2021-42574, "Trojan Source").
func line(field, v string, max int) *FieldError {
	switch {
	case len(v) > max:
		e := fieldErr(field, "long", "longer than %d bytes", max)
		e.Limit = max
		return e
	case !utf8.ValidString(v):
		return fieldErr(field, "text", "not UTF-8")
	}
	for _, r := range v {
		if unsafeRune(r) {
			return fieldErr(field, "text", "holds the control character %U", r)
		}
	}
	return nil
}

// text checks a multi-line field as line does, allowing line feeds and
// tabs.
func text(field, v string, max int) *FieldError {
	if len(v) > max {
		e := fieldErr(field, "long", "longer than %d KiB", max>>10)
		e.Limit = max
		return e
	}
	if !utf8.ValidString(v) {
		return fieldErr(field, "text", "not UTF-8")
	}
	for _, r := range v {
		if r != '\n' && r != '\t' && unsafeRune(r) {
			return fieldErr(field, "text", "holds the control character %U", r)
		}
	}
	return nil
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError
}

// NewReport makes the report s becomes, received at now, with the
// deadlines of p and code for its acknowledgement code. It starts
// received, marked TLP:AMBER: the team and the organisation, no further.
func (s Submission) NewReport(now time.Time, p Policy, code string) (Report, error) {
	s = s.Normalise()
	if err := s.Check(); err != nil {
		return Report{}, err
	}
	r := Report{Code: code, Title: s.Title, Description: s.Description, Product: s.Product, Version: s.Version,
		Reporter: Reporter{Name: s.ReporterName, Contact: s.ReporterContact},
		Credit:   Credit{Wanted: s.WantsCredit, Name: s.CreditName},
		Lang:     s.Lang, State: Received, Marking: incident.Marking{TLP: incident.Amber},
		Received: now, Deadlines: p.Deadlines(now)}
	return r, r.Validate()
}

// CheckMessage checks a message to or from the reporter, naming field.
// A nil *FieldError must not become a non-nil error, hence the checks.
func CheckMessage(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fieldErr(field, "empty", "empty")
	}
	if e := text(field, v, MaxMessage); e != nil {
		return e
	}
	return nil
}

// codeAlphabet is upper case letters and digits without the look-alikes
// 0/O, 1/I/L and U (which reads as V): a code is read out on the phone
// and typed from a printed letter.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewCode makes an acknowledgement code: "VR-" and two groups of four
// random characters, about 39 bits. Codes are random rather than
// counted so that one tells nobody how many reports came before; the
// store keeps them unique.
func NewCode() string {
	const n = len(codeAlphabet)
	const limit = 256 - 256%n // rejection sampling: every character equally likely
	b := make([]byte, 0, 9)
	buf := make([]byte, 16)
	for len(b) < 8 {
		rand.Read(buf)
		for _, x := range buf {
			if int(x) < limit && len(b) < 8 {
				b = append(b, codeAlphabet[int(x)%n])
			}
		}
	}
	return "VR-" + string(b[:4]) + "-" + string(b[4:])
}

// ValidCode reports whether s has NewCode's form.
func ValidCode(s string) bool {
	if len(s) != 12 || !strings.HasPrefix(s, "VR-") || s[7] != '-' {
		return false
	}
	for i, c := range []byte(s[3:]) {
		if i == 4 {
			continue
		}
		if strings.IndexByte(codeAlphabet, c) < 0 {
			return false
		}
	}
	return true
}

// ParseCode reads a code as people type it: any case, spaces around.
func ParseCode(s string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(s))
	return c, ValidCode(c)
}
