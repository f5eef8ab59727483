package euvd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "euvd"

// maxRecord bounds one record. The largest real one seen, EUVD-2025-10000,
// which lists Qualcomm chips as product versions, is about 80 KiB; a
// record is held whole while it is decoded, so the bound keeps a hostile
// document from making the decoder buffer without limit.
const maxRecord = 16 << 20

// slack is how far past maxRecord the decoder may read ahead (separators,
// white space and its own buffering) before a record counts as too large.
const slack = 64 << 10

// errTooLarge is what capReader returns past its limit.
var errTooLarge = errors.New("record too large")

var bom = []byte("\xef\xbb\xbf")

// Parse reads one EUVD API response and yields one record per EUVD entry.
// The document is a search page ({"items": [...], "total": N}), a JSON
// array of entries (/api/lastvulnerabilities and its siblings), or one
// entry (/api/enisaid). An object is a page when its first key is "items"
// or "total", and an entry otherwise.
//
// Entry-level problems are yielded as *feed.RecordError naming the entry
// (its EUVD id, or "#N" when the id is unusable) and the field, and parsing
// goes on. A document that cannot be read yields one error wrapping
// feed.ErrFormat and stops.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		cr := &capReader{r: r, limit: maxRecord + slack}
		br := bufio.NewReader(cr)
		if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
			br.Discard(len(bom))
		}
		p := &parser{cr: cr, dec: json.NewDecoder(br), yield: yield}
		// The decoder's offsets count from here; cr has read ahead by
		// what br holds.
		p.base = cr.n - int64(br.Buffered())
		p.document()
	}
}

// parser holds one document's decoding state.
type parser struct {
	cr    *capReader
	dec   *json.Decoder
	base  int64 // input offset where the decoder started
	n     int   // entries seen, for "#N"
	yield func(advisory.Record, error) bool
}

// bound lets the decoder read at most one record (and the slack) past where
// it stands.
func (p *parser) bound() {
	p.cr.limit = p.base + p.dec.InputOffset() + maxRecord + slack
}

// fail yields an error that ends the document.
func (p *parser) fail(err error) {
	p.yield(advisory.Record{}, docError(err))
}

func (p *parser) document() {
	p.bound()
	tok, err := p.dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		p.yield(advisory.Record{}, fmt.Errorf("%w: empty document", feed.ErrFormat))
		return
	case err != nil:
		p.fail(err)
		return
	case tok == json.Delim('['):
		if !p.array() {
			return
		}
	case tok == json.Delim('{'):
		if !p.object() {
			return
		}
	default:
		p.fail(fmt.Errorf("found %v, want an object or an array", tok))
		return
	}
	p.bound()
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		p.yield(advisory.Record{}, fmt.Errorf("%w: data after the document", feed.ErrFormat))
	}
}

// array streams the entries of an array whose '[' has been read, then
// reads its ']'. It reports whether the caller should go on.
func (p *parser) array() bool {
	for {
		p.bound()
		if !p.dec.More() {
			break
		}
		p.n++
		start := p.dec.InputOffset()
		var v vulnerability
		err := p.dec.Decode(&v)
		var te *json.UnmarshalTypeError
		switch {
		case err == nil, errors.As(err, &te):
			// A type error leaves the value consumed whole, so the
			// next entry can still be read.
			if !p.emit(&v, err, p.dec.InputOffset()-start) {
				return false
			}
		case errors.Is(err, errTooLarge):
			p.yield(advisory.Record{}, feed.Errorf(p.pos(), "", "entry larger than %d bytes", maxRecord))
			return false
		default:
			p.fail(fmt.Errorf("entry %s: %w", p.pos(), err))
			return false
		}
	}
	p.bound()
	if err := expectDelim(p.dec, ']'); err != nil {
		p.fail(err)
		return false
	}
	return true
}

// object reads a top-level object whose '{' has been read: a search page,
// or a single entry.
func (p *parser) object() bool {
	p.bound()
	tok, err := p.dec.Token()
	if err != nil {
		p.fail(err)
		return false
	}
	if key, _ := tok.(string); key == keyItems || key == keyTotal {
		return p.page(key)
	}
	return p.single(tok)
}

// page reads a search page from its first key on, streaming "items" and
// skipping everything else ("total", and whatever ENISA adds).
func (p *parser) page(key string) bool {
	for {
		switch key {
		case keyItems:
			p.bound()
			if err := expectDelim(p.dec, '['); err != nil {
				p.fail(fmt.Errorf("%s: %w", keyItems, err))
				return false
			}
			if !p.array() {
				return false
			}
		default:
			p.bound()
			var skip json.RawMessage
			if err := p.dec.Decode(&skip); err != nil {
				p.fail(fmt.Errorf("%s: %w", key, err))
				return false
			}
		}
		p.bound()
		tok, err := p.dec.Token()
		if err != nil {
			p.fail(err)
			return false
		}
		if tok == json.Delim('}') {
			return true
		}
		key, _ = tok.(string) // object keys are always strings
	}
}

// single reads a lone entry whose '{' and first token (a key, or '}' for
// an empty object) have been read. The token decoder cannot hand back what
// it has read, so the object is rebuilt from its members and decoded
// whole.
//
// The limit is set once for the whole object, so that no number of members
// can make buf outgrow maxRecord.
func (p *parser) single(tok json.Token) bool {
	start := p.dec.InputOffset()
	p.bound()
	p.n++
	// fail ends the document; past the limit it names the entry.
	fail := func(what string, err error) bool {
		if errors.Is(err, errTooLarge) {
			p.yield(advisory.Record{}, feed.Errorf(p.pos(), "", "entry larger than %d bytes", maxRecord))
		} else {
			p.fail(fmt.Errorf("%s: %w", what, err))
		}
		return false
	}
	buf := []byte{'{'}
	for tok != json.Delim('}') {
		key, _ := tok.(string) // object keys are always strings
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		k, _ := json.Marshal(key) // a string always encodes
		buf = append(append(buf, k...), ':')
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return fail(key, err)
		}
		buf = append(buf, raw...)
		var err error
		if tok, err = p.dec.Token(); err != nil {
			return fail("after "+key, err)
		}
	}
	buf = append(buf, '}')
	var v vulnerability
	err := json.Unmarshal(buf, &v)
	return p.emit(&v, err, p.dec.InputOffset()-start)
}

// emit maps one decoded entry (err is nil or the decoder's type error) and
// yields the result.
func (p *parser) emit(v *vulnerability, err error, size int64) bool {
	var te *json.UnmarshalTypeError
	switch {
	case size > maxRecord:
		return p.yield(advisory.Record{}, feed.Errorf(p.pos(), "", "entry larger than %d bytes", maxRecord))
	case errors.As(err, &te):
		return p.yield(advisory.Record{}, feed.Errorf(v.label(p.pos()), te.Field, "JSON %s where %s belongs", te.Value, jsonKind(te.Type)))
	}
	return p.yield(v.record(p.pos()))
}

// pos names the current entry by its place in the document.
func (p *parser) pos() string { return fmt.Sprintf("#%d", p.n) }

// jsonKind names what JSON value a Go type decodes from, for errors.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.Kind().String()
}

// expectDelim reads one token and checks that it is the delimiter d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("found %v, want %q", tok, d)
	}
	return nil
}

// docError wraps a failure to read the document as a whole.
func docError(err error) error {
	if errors.Is(err, errTooLarge) {
		return fmt.Errorf("%w: more than %d bytes without a complete value", feed.ErrFormat, maxRecord)
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}

// capReader fails reads past limit. The JSON decoder buffers a whole value
// before returning it; raising limit before each value bounds that buffer
// to about maxRecord however long a hostile value is.
type capReader struct {
	r     io.Reader
	n     int64 // bytes read so far
	limit int64
}

func (c *capReader) Read(b []byte) (int, error) {
	if c.n >= c.limit {
		return 0, errTooLarge
	}
	if rest := c.limit - c.n; int64(len(b)) > rest {
		b = b[:rest]
	}
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
