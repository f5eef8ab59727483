package cnvd

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "cnvd"

// maxRecord bounds one <vulnerability> element. The largest in the 460
// weekly files is under 20 KiB; 16 MiB leaves room for growth while keeping
// a hostile document from making the decoder buffer without limit.
const maxRecord = 16 << 20

// slack is how far past maxRecord the decoder may read ahead (its 4 KiB
// buffer and the markup around an entry) before an entry counts as too
// large to read at all.
const slack = 64 << 10

// Element names of the export. "vulnerabilitys" [sic] is CNVD's.
const (
	rootElement  = "vulnerabilitys"
	entryElement = "vulnerability"
)

var (
	// errDeclaration is what the decoder gets for <!DOCTYPE ...>,
	// <!ENTITY ...> or any other markup declaration.
	errDeclaration = errors.New("markup declarations (<!DOCTYPE>, <!ENTITY>) are not allowed")
	// errTooLarge is what capReader returns past its limit.
	errTooLarge = errors.New("entry too large")
)

// Parse reads one CNVD weekly XML export and yields one record per
// <vulnerability>, in document order. A problem with one entry is yielded
// as a *feed.RecordError naming the entry (its CNVD number, or "#N" for the
// Nth entry when the number is unusable) and the field, and parsing goes on
// with the next entry. A document that cannot be read, including one with a
// DOCTYPE or an encoding other than UTF-8, yields one error wrapping
// feed.ErrFormat and stops.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		cr := &capReader{r: r, limit: maxRecord + slack}
		raw := xml.NewDecoder(cr)
		raw.Strict = true
		raw.CharsetReader = refuseCharset
		// dec reads raw's tokens through the guard, so a declaration is
		// an error wherever it appears, inside an entry as well.
		dec := xml.NewTokenDecoder(guard{raw})
		p := &parser{raw: raw, dec: dec, cr: cr}
		p.run(yield)
	}
}

type parser struct {
	raw *xml.Decoder // reads the bytes; knows offsets and lines
	dec *xml.Decoder // reads raw through guard; matches tags, decodes entries
	cr  *capReader
}

// bound lets the decoder read one more value of at most maxRecord bytes
// from where it stands.
func (p *parser) bound() { p.cr.limit = p.raw.InputOffset() + maxRecord + slack }

func (p *parser) run(yield func(advisory.Record, error) bool) {
	var (
		inRoot, rootDone bool
		n                int // entries seen, for "#N"
	)
	for {
		p.bound()
		tok, err := p.dec.Token()
		switch {
		case errors.Is(err, io.EOF) && rootDone:
			return
		case errors.Is(err, io.EOF):
			yield(advisory.Record{}, fmt.Errorf("%w: no <%s> element", feed.ErrFormat, rootElement))
			return
		case err != nil:
			yield(advisory.Record{}, p.docError(err))
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case rootDone:
				yield(advisory.Record{}, fmt.Errorf("%w: element <%s> after the root element", feed.ErrFormat, t.Name.Local))
				return
			case !inRoot && t.Name.Local == entryElement:
				// A single entry saved on its own.
				rootDone = true
				n++
				if !p.entry(&t, n, yield) {
					return
				}
			case !inRoot && t.Name.Local != rootElement:
				yield(advisory.Record{}, fmt.Errorf("%w: root element <%s>, want <%s> or <%s>", feed.ErrFormat, t.Name.Local, rootElement, entryElement))
				return
			case !inRoot:
				inRoot = true
			case t.Name.Local == entryElement:
				n++
				if !p.entry(&t, n, yield) {
					return
				}
			default:
				// Not part of any entry; a later export may add
				// something here, so it is skipped, not refused.
				if err := p.dec.Skip(); err != nil {
					yield(advisory.Record{}, p.docError(err))
					return
				}
			}
		case xml.EndElement:
			// Entries and skipped elements are consumed whole, so
			// this is the root's end tag.
			inRoot, rootDone = false, true
		case xml.CharData:
			// Text between entries is layout. Outside the root only
			// white space (and a byte order mark) may stand.
			if !inRoot && len(bytes.TrimSpace(bytes.TrimPrefix(t, bom))) > 0 {
				yield(advisory.Record{}, fmt.Errorf("%w: text outside the root element", feed.ErrFormat))
				return
			}
		}
	}
}

// entry decodes the nth <vulnerability>, maps it and yields the result. It
// reports whether parsing goes on: not when the consumer stops, nor when
// the entry broke off and the decoder cannot find the next one.
func (p *parser) entry(start *xml.StartElement, n int, yield func(advisory.Record, error) bool) bool {
	pos := fmt.Sprintf("#%d", n)
	from := p.raw.InputOffset()
	var v vulnerability
	err := p.dec.DecodeElement(&v, start)
	switch {
	case errors.Is(err, errTooLarge):
		yield(advisory.Record{}, feed.Errorf(v.label(pos), "", "entry larger than %d MiB", maxRecord>>20))
		return false
	case err != nil:
		yield(advisory.Record{}, &feed.RecordError{Record: v.label(pos), Err: p.docError(err)})
		return false
	case p.raw.InputOffset()-from > maxRecord:
		// Read whole within the slack, so the next entry can still
		// be read.
		return yield(advisory.Record{}, feed.Errorf(v.label(pos), "", "entry larger than %d MiB", maxRecord>>20))
	}
	return yield(v.record(pos))
}

// docError wraps a failure to read the document. encoding/xml's own
// syntax errors carry the line; those raised by dec, which reads tokens
// rather than bytes, would say line 0, so the line is taken from raw.
func (p *parser) docError(err error) error {
	var se *xml.SyntaxError
	switch {
	case errors.Is(err, errTooLarge):
		return fmt.Errorf("%w: more than %d MiB without a complete element", feed.ErrFormat, maxRecord>>20)
	case errors.Is(err, errDeclaration):
		line, _ := p.raw.InputPos()
		return fmt.Errorf("%w: line %d: %w", feed.ErrFormat, line, err)
	case errors.As(err, &se):
		line, _ := p.raw.InputPos()
		return fmt.Errorf("%w: XML syntax error on line %d: %s", feed.ErrFormat, line, se.Msg)
	}
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}

// guard hands the decoder's raw tokens on and refuses markup
// declarations. encoding/xml neither fetches external entities nor expands
// the entities a DOCTYPE declares (a reference to one is an error in
// Strict mode), so neither an external-entity read nor a billion-laughs
// expansion can happen; refusing the declaration outright says clearly
// why such a document is rejected instead of failing later on the first
// entity reference. CNVD exports carry no DOCTYPE.
type guard struct{ d *xml.Decoder }

func (g guard) Token() (xml.Token, error) {
	tok, err := g.d.RawToken()
	if _, ok := tok.(xml.Directive); ok {
		return nil, errDeclaration
	}
	return tok, err
}

// refuseCharset is the decoder's CharsetReader, called for an encoding
// declaration other than UTF-8. Every export seen is UTF-8, and guessing
// at GBK or Latin-1 would turn the Chinese text into mojibake silently.
func refuseCharset(charset string, _ io.Reader) (io.Reader, error) {
	return nil, fmt.Errorf("encoding %q not supported: CNVD exports are UTF-8", charset)
}

var bom = []byte("\xef\xbb\xbf")

// capReader fails reads past limit. encoding/xml buffers a whole token or
// element before returning it; raising limit before each one bounds that
// buffer to about maxRecord however long a hostile entry is.
type capReader struct {
	r     io.Reader
	n     int64 // bytes read so far
	limit int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, errTooLarge
	}
	if rest := c.limit - c.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
