package scan

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
)

// XMLDecoder is a strict decoder for a report. encoding/xml never fetches
// external entities and never expands entities a DTD declares (an
// undeclared entity is a syntax error in strict mode), so neither an XXE
// read nor a billion-laughs expansion can happen; Token refuses a DTD that
// declares entities anyway, to say so plainly rather than fail later on
// the first reference. Reports in an encoding other than UTF-8 are refused
// by name rather than misread.
//
// Only Token checks directives: DecodeElement and Skip read on through the
// embedded decoder unchecked, as a DTD stands in the prolog, which Root
// reads, and what they read is never expanded either. Wrapping the whole
// decoder (xml.NewTokenDecoder) would check those too, at a quarter more
// time and a third more allocations per token.
type XMLDecoder struct {
	*xml.Decoder
}

// NewXMLDecoder returns an XMLDecoder reading r.
func NewXMLDecoder(r io.Reader) *XMLDecoder {
	return &XMLDecoder{newByteDecoder(r)}
}

// newByteDecoder is the strict, UTF-8-only decoder of r's bytes.
func newByteDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.CharsetReader = func(charset string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q: only UTF-8 reports are read", charset)
	}
	return d
}

// errEntity is the error for a DTD that declares entities.
var errEntity = errors.New("entity declarations (<!ENTITY>) are not allowed")

// Token returns the next token, as xml.Decoder's does, but refuses a
// directive that declares entities.
func (d *XMLDecoder) Token() (xml.Token, error) {
	tok, err := d.Decoder.Token()
	if dir, ok := tok.(xml.Directive); ok && bytes.Contains(dir, []byte("<!ENTITY")) {
		return nil, fmt.Errorf("%w: %w", feed.ErrFormat, errEntity)
	}
	return tok, err
}

// Root reads the prolog and returns the root element, which must have one
// of the names given.
func (d *XMLDecoder) Root(names ...string) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, fmt.Errorf("%w: no <%s> element", feed.ErrFormat, names[0])
		}
		if err != nil {
			return xml.StartElement{}, XMLError(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, errOutside()
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

// End reads what follows the root element: only white space, comments
// and processing instructions may.
func (d *XMLDecoder) End() error {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return XMLError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("%w: element <%s> after the root element", feed.ErrFormat, t.Name.Local)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return errOutside()
			}
		}
	}
}

func errOutside() error { return fmt.Errorf("%w: text outside the root element", feed.ErrFormat) }

// SkipElement, returned by the function Children calls, skips the child
// it was given.
var SkipElement = errors.New("skip this element")

// Children calls f with each child element of the element whose start tag
// was read last, up to its end tag, which it consumes. f must read the
// child whole (DecodeElement, or Children again) or return SkipElement. A
// decoding error is wrapped by XMLError and, unless rec is "", located at
// rec; f's other errors are returned as they are.
func (d *XMLDecoder) Children(rec string, f func(t *xml.StartElement) error) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return locate(rec, XMLError(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err := f(&t)
			if err == SkipElement {
				err = d.Skip()
				if err != nil {
					err = locate(rec, XMLError(err))
				}
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// locate puts err in a RecordError for rec, unless rec is "".
func locate(rec string, err error) error {
	if rec == "" {
		return err
	}
	return &feed.RecordError{Record: rec, Err: err}
}

// OpenXML starts reading an XML report: an empty input is an error (see
// Peek), and the root element, which it returns, must have one of the
// names given.
func OpenXML(r io.Reader, names ...string) (*XMLDecoder, xml.StartElement, error) {
	br, _, err := Peek(r)
	if err != nil {
		return nil, xml.StartElement{}, err
	}
	d := NewXMLDecoder(br)
	start, err := d.Root(names...)
	if err != nil {
		return nil, xml.StartElement{}, err
	}
	return d, start, nil
}

// Body reads the rest of the document after the root's start tag: each
// child of the root, with f as Children calls it, and then what follows
// the root (End).
func (d *XMLDecoder) Body(f func(t *xml.StartElement) error) error {
	if err := d.Children("", f); err != nil {
		return err
	}
	return d.End()
}

// XMLError wraps a decoding failure in feed.ErrFormat, with the line for a
// syntax error.
func XMLError(err error) error {
	var se *xml.SyntaxError
	switch {
	case errors.Is(err, feed.ErrFormat):
		return err
	case errors.As(err, &se):
		return fmt.Errorf("%w: XML syntax error on line %d: %s", feed.ErrFormat, se.Line, se.Msg)
	}
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}

// FirstElement returns the first element in a sniffer's head, which must
// start with markup after a byte order mark and white space, reading no
// further than the element. It reads with the reports' own strict
// decoder: a head in an encoding Parse refuses is no report either.
func FirstElement(head []byte) (xml.StartElement, bool) {
	if head = TrimHead(head); len(head) == 0 || head[0] != '<' {
		return xml.StartElement{}, false
	}
	d := newByteDecoder(bytes.NewReader(head))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return xml.StartElement{}, false
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t, true
		}
	}
}
