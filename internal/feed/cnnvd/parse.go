package cnnvd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "cnnvd"

// maxRecord bounds one vulnerability object, and what a document may hold
// besides its vulnerabilities. A real detail record is a few KiB; 16 MiB
// leaves room for growth while keeping a hostile document from making the
// decoder buffer without limit.
const maxRecord = 16 << 20

// slack is how far past maxRecord the decoder may read ahead before a
// value counts as too large to read at all.
const slack = 64 << 10

// Keys of the documents Parse reads (see doc.go): the API envelope's
// "data", the list page's "records", the detail's "cnnvdDetail" and a
// list entry's "cnnvdCode".
const (
	keyData      = "data"
	keyRecords   = "records"
	keyDetail    = "cnnvdDetail"
	keyCode      = "cnnvdCode"
	keySuccess   = "success"
	keyMessage   = "message"
	maxTopFields = 64 // a bare list entry has 10
)

// errTooLarge is what capReader returns past its limit.
var errTooLarge = fmt.Errorf("more than %d MiB without a complete value", maxRecord>>20)

// Parse reads one CNNVD API document (a list entry, a detail record, or an
// API response wrapping a page of list entries or one detail) and yields
// its vulnerabilities. A problem with one vulnerability is yielded as a
// *feed.RecordError naming it (its CNNVD id, or "#N" for the Nth when the
// id is unusable) and the field as a JSON path in the document
// ("data.records[2].hazardLevel"), and parsing goes on. A document that
// cannot be read, or is not a vulnerability document (CNNVD's dictionaries
// of types, hazard levels, vendors and products), yields one error
// wrapping feed.ErrFormat and stops.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		cr := &capReader{r: r, limit: maxRecord + slack}
		br := bufio.NewReader(cr)
		if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
			br.Discard(len(bom))
		}
		first, err := firstByte(br)
		switch {
		case errors.Is(err, io.EOF):
			yield(advisory.Record{}, fmt.Errorf("%w: empty document", feed.ErrFormat))
			return
		case err != nil:
			yield(advisory.Record{}, docError(err))
			return
		case first == '[':
			yield(advisory.Record{}, fmt.Errorf("%w: a JSON array, as CNNVD's dictionaries of types, hazard levels, vendors and products are; not a vulnerability document", feed.ErrFormat))
			return
		case first != '{':
			yield(advisory.Record{}, fmt.Errorf("%w: not a JSON object", feed.ErrFormat))
			return
		}
		p := &parser{dec: json.NewDecoder(br), cr: cr, base: cr.n - int64(br.Buffered())}
		p.document(yield)
	}
}

type parser struct {
	dec *json.Decoder
	cr  *capReader
	// base is where in the input the decoder starts (after a BOM and
	// white space), so that its offsets can bound cr.
	base int64
	n    int // vulnerabilities seen, for "#N"
	// found says the document held a detail or a data envelope.
	found bool
}

// bound lets the decoder read one more value of at most maxRecord bytes.
func (p *parser) bound() { p.cr.limit = p.base + p.dec.InputOffset() + maxRecord + slack }

// document reads the top-level object. Its keys say what it is:
// "cnnvdDetail" a saved detail, "data" an API response, "cnnvdCode" a
// saved list entry, whose fields are kept until the object ends.
func (p *parser) document(yield func(advisory.Record, error) bool) {
	p.bound()
	if err := expectDelim(p.dec, '{'); err != nil {
		yield(advisory.Record{}, docError(err))
		return
	}
	top := map[string]json.RawMessage{}
	size := 0
	for {
		p.bound()
		tok, err := p.dec.Token()
		if err != nil {
			yield(advisory.Record{}, docError(err))
			return
		}
		if tok == json.Delim('}') {
			break
		}
		key, _ := tok.(string) // object keys are always strings
		switch key {
		case keyDetail:
			if !p.vulnerability(keyDetail, yield) {
				return
			}
		case keyData:
			if !p.data(yield) {
				return
			}
		default:
			raw, err := p.value()
			if err != nil {
				yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", key, err)))
				return
			}
			// A list entry's fields are held until the object ends;
			// together they may not exceed one record.
			if size += len(raw); size > maxRecord || len(top) >= maxTopFields {
				yield(advisory.Record{}, fmt.Errorf("%w: more than %d top-level fields or %d MiB outside a vulnerability", feed.ErrFormat, maxTopFields, maxRecord>>20))
				return
			}
			top[key] = raw
		}
	}
	if !p.found {
		if !p.entry(top, yield) {
			return
		}
	}
	p.bound()
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		yield(advisory.Record{}, fmt.Errorf("%w: data after the top-level object", feed.ErrFormat))
	}
}

// entry maps a document that held neither a detail nor a data envelope:
// a saved list entry when it has a cnnvdCode, else a failed API response
// or something else.
func (p *parser) entry(top map[string]json.RawMessage, yield func(advisory.Record, error) bool) bool {
	if _, ok := top[keyCode]; ok {
		// The fields were checked by the decoder, so they encode again.
		b, _ := json.Marshal(top)
		p.n++
		return yield(p.record(b, "", fmt.Sprintf("#%d", p.n)))
	}
	var success bool
	var message string
	if raw, ok := top[keySuccess]; ok && json.Unmarshal(raw, &success) == nil && !success {
		json.Unmarshal(top[keyMessage], &message)
		yield(advisory.Record{}, fmt.Errorf("%w: an API response reporting failure, without data: %q", feed.ErrFormat, message))
		return false
	}
	yield(advisory.Record{}, fmt.Errorf("%w: no CNNVD vulnerability: the object has no %s, %s or %s", feed.ErrFormat, keyCode, keyDetail, keyData))
	return false
}

// data reads the API envelope's "data": a list page (total, pageIndex,
// pageSize and the array "records") or a detail (cnnvdDetail and
// receviceVulDetail [sic]). null, in a failed response, holds nothing.
func (p *parser) data(yield func(advisory.Record, error) bool) bool {
	p.bound()
	tok, err := p.dec.Token()
	switch {
	case err != nil:
		yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", keyData, err)))
		return false
	case tok == nil:
		return true
	case tok == json.Delim('['):
		yield(advisory.Record{}, fmt.Errorf("%w: %s is an array, as in a dictionary response; not vulnerabilities", feed.ErrFormat, keyData))
		return false
	case tok != json.Delim('{'):
		yield(advisory.Record{}, fmt.Errorf("%w: %s: found %v, want an object", feed.ErrFormat, keyData, tok))
		return false
	}
	// An API response with data is a vulnerability document even when
	// the page is empty and its records left out.
	p.found = true
	for {
		p.bound()
		tok, err := p.dec.Token()
		if err != nil {
			yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", keyData, err)))
			return false
		}
		if tok == json.Delim('}') {
			return true
		}
		key, _ := tok.(string)
		switch key {
		case keyRecords:
			if !p.records(yield) {
				return false
			}
		case keyDetail:
			if !p.vulnerability(keyData+"."+keyDetail, yield) {
				return false
			}
		default:
			// total, pageIndex, pageSize, receviceVulDetail: not part
			// of any record.
			if _, err := p.value(); err != nil {
				yield(advisory.Record{}, docError(fmt.Errorf("%s.%s: %w", keyData, key, err)))
				return false
			}
		}
	}
}

// records streams data.records, one list entry at a time.
func (p *parser) records(yield func(advisory.Record, error) bool) bool {
	path := keyData + "." + keyRecords
	p.bound()
	tok, err := p.dec.Token()
	switch {
	case err != nil:
		yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", path, err)))
		return false
	case tok == nil:
		return true
	case tok != json.Delim('['):
		yield(advisory.Record{}, fmt.Errorf("%w: %s: found %v, want an array", feed.ErrFormat, path, tok))
		return false
	}
	for i := 0; ; i++ {
		p.bound()
		if !p.dec.More() {
			break
		}
		if !p.vulnerability(fmt.Sprintf("%s[%d]", path, i), yield) {
			return false
		}
	}
	p.bound()
	if err := expectDelim(p.dec, ']'); err != nil {
		yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", path, err)))
		return false
	}
	return true
}

// vulnerability reads the value at path, maps it and yields the result.
// It reports whether parsing goes on.
func (p *parser) vulnerability(path string, yield func(advisory.Record, error) bool) bool {
	p.found = true
	p.n++
	pos := fmt.Sprintf("#%d", p.n)
	start := p.dec.InputOffset()
	raw, err := p.value()
	switch {
	case errors.Is(err, errTooLarge):
		yield(advisory.Record{}, feed.Errorf(pos, path, "larger than %d MiB", maxRecord>>20))
		return false
	case err != nil:
		yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", path, err)))
		return false
	case p.dec.InputOffset()-start > maxRecord:
		// Read whole within the slack, so the next one can still be
		// read.
		return yield(advisory.Record{}, feed.Errorf(pos, path, "larger than %d MiB", maxRecord>>20))
	}
	return yield(p.record(raw, path, pos))
}

// value reads the next JSON value whole.
func (p *parser) value() (json.RawMessage, error) {
	p.bound()
	var raw json.RawMessage
	err := p.dec.Decode(&raw)
	return raw, err
}

// record decodes one vulnerability object and maps it. A value of the
// wrong JSON type is reported with its path.
func (p *parser) record(raw []byte, path, pos string) (advisory.Record, error) {
	var v vul
	err := json.Unmarshal(raw, &v)
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		kind, _, _ := strings.Cut(te.Value, " ")
		return advisory.Record{}, feed.Errorf(v.label(pos), join(path, te.Field), "got JSON %s, want %s", kind, jsonKind(te.Type))
	case err != nil:
		return advisory.Record{}, feed.Errorf(v.label(pos), path, "%v", err)
	}
	return v.record(v.label(pos), path)
}

// join appends a field to a JSON path.
func join(path, field string) string {
	switch {
	case path == "":
		return field
	case field == "":
		return path
	}
	return path + "." + field
}

// jsonKind names the JSON kind a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Bool:
		return "boolean"
	}
	return "integer"
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
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}

var bom = []byte("\xef\xbb\xbf")

// firstByte returns the first byte that is not white space, leaving it
// unread.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		br.UnreadByte()
		return b, nil
	}
}

// capReader fails reads past limit. encoding/json buffers a whole value
// before decoding it; raising limit before each value bounds that buffer
// to about maxRecord however long a hostile value is.
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
