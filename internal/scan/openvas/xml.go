package openvas

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
)

var bom = []byte("\xef\xbb\xbf")

// firstByte skips a byte order mark and white space and returns the next
// byte, left unread; io.EOF when there is none.
func firstByte(br *bufio.Reader) (byte, error) {
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		br.Discard(len(bom))
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, br.UnreadByte()
	}
}

// root reads the prolog and returns the root element, which must have one
// of the names given.
func root(d *xml.Decoder, names ...string) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, fmt.Errorf("%w: no <%s> element", feed.ErrFormat, names[0])
		}
		if err != nil {
			return xml.StartElement{}, xmlError(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if err := checkDirective(t); err != nil {
				return xml.StartElement{}, err
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, fmt.Errorf("%w: text outside the root element", feed.ErrFormat)
			}
		case xml.StartElement:
			for _, n := range names {
				if t.Name.Local == n {
					return t, nil
				}
			}
			return t, fmt.Errorf("%w: root element <%s>, want <%s>", feed.ErrFormat, t.Name.Local, strings.Join(names, "> or <"))
		}
	}
}

// trailer reads what follows the root element: only white space, comments
// and processing instructions may.
func trailer(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("%w: element <%s> after the root element", feed.ErrFormat, t.Name.Local)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%w: text outside the root element", feed.ErrFormat)
			}
		case xml.Directive:
			if err := checkDirective(t); err != nil {
				return err
			}
		}
	}
}

// errEntity is the error for a DTD that declares entities.
var errEntity = errors.New("entity declarations (<!ENTITY>) are not allowed")

// checkDirective refuses a DOCTYPE that declares entities. encoding/xml
// would not expand them anyway (a reference to one is a syntax error in
// strict mode), so neither an external-entity read nor a billion-laughs
// expansion can happen; refusing the declaration says why plainly.
func checkDirective(d xml.Directive) error {
	if bytes.Contains(d, []byte("<!ENTITY")) {
		return fmt.Errorf("%w: %w", feed.ErrFormat, errEntity)
	}
	return nil
}

// xmlError wraps a decoding failure in feed.ErrFormat, with the line for a
// syntax error.
func xmlError(err error) error {
	var se *xml.SyntaxError
	switch {
	case errors.Is(err, feed.ErrFormat):
		return err
	case errors.As(err, &se):
		return fmt.Errorf("%w: XML syntax error on line %d: %s", feed.ErrFormat, se.Line, se.Msg)
	}
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}

// parseNumber reads a number from lo to hi.
func parseNumber(s string, lo, hi float64, what string) (float64, error) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < lo || f > hi {
		return 0, fmt.Errorf("%w: not a %s: %q", feed.ErrFormat, what, s)
	}
	return f, nil
}

// parseScore reads a CVSS base score: a number from 0 to 10.
func parseScore(s string) (float64, error) {
	return parseNumber(s, 0, 10, "CVSS score from 0 to 10")
}

var cveRE = regexp.MustCompile(`(?i)^CVE-\d{4}-\d{4,}$`)

func isCVE(s string) bool { return cveRE.MatchString(strings.TrimSpace(s)) }

// joinText joins non-empty paragraphs with a blank line.
func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// oneLine collapses the white space of a title, which pretty-printed
// reports break over lines.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
