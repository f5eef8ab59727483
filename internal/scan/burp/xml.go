package burp

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
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

// htmlText turns the HTML fragments Burp writes into plain text: tags are
// dropped, the block-level ones (p, br, li, div, ...) become line breaks,
// list items start with "- ", and entities are decoded. It is no HTML
// parser and need not be: the text is shown, never rendered.
func htmlText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		tag := strings.ToLower(strings.TrimSpace(s[i+1 : i+j]))
		if f := strings.Fields(tag); len(f) > 0 {
			tag = strings.TrimSuffix(f[0], "/")
		}
		s = s[i+j+1:]
		switch tag {
		case "li":
			b.WriteString("\n- ")
		case "p", "/p":
			b.WriteString("\n\n")
		case "br", "div", "/div", "ul", "/ul", "ol", "/ol", "tr", "/tr", "pre", "/pre",
			"h1", "/h1", "h2", "/h2", "h3", "/h3", "h4", "/h4", "table", "/table":
			b.WriteByte('\n')
			// "<BR>" at the end of a line breaks it once, not twice.
			s = strings.TrimPrefix(strings.TrimPrefix(s, "\r"), "\n")
		}
	}
	lines := strings.Split(html.UnescapeString(b.String()), "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if strings.TrimSpace(l) == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

var hrefRE = regexp.MustCompile(`(?i)href\s*=\s*["']([^"']+)["']`)

// hrefs returns the link targets of an HTML fragment.
func hrefs(s string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(s, -1) {
		out = append(out, html.UnescapeString(strings.TrimSpace(m[1])))
	}
	return out
}
