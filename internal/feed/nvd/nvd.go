package nvd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "nvd"

// maxRecord bounds the bytes one array element (or one other top-level
// value) may take. The largest real CVE item, Log4Shell with its hundreds of
// CPE matches, is about 150 KiB; 16 MiB leaves room for growth while keeping
// a hostile or corrupt document from making the decoder buffer without end.
const maxRecord = 16 << 20

// Parse reads one NVD document, a JSON 1.1 data feed or an API 2.0
// response or 2.0 data feed, and yields its records. Record-level problems
// are yielded as *feed.RecordError, naming the record's id (or "#N", its
// 1-based position, when it has no usable id) and the field as a path inside
// the array element, and parsing goes on with the next record. A document
// that cannot be read yields one error wrapping feed.ErrFormat and stops;
// a failure of r itself is yielded as it is.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		d := newDocument(r)
		found := false
		err := d.object(func(key string) error {
			var conv func(json.RawMessage) (advisory.Record, error)
			var probe func(json.RawMessage) string
			switch key {
			case "CVE_Items":
				conv, probe = record11, id11
			case "vulnerabilities":
				conv, probe = record20, id20
			default:
				return d.skip(key)
			}
			found = true
			return d.array(key, func(i int, raw json.RawMessage) error {
				rec, err := conv(raw)
				if err == nil {
					err = rec.Validate()
				}
				if err != nil {
					if !yield(advisory.Record{}, locate(err, i, raw, probe)) {
						return errStop
					}
					return nil
				}
				if !yield(rec, nil) {
					return errStop
				}
				return nil
			})
		})
		if err == nil && !found {
			err = fmt.Errorf("%w: %s: no CVE_Items or vulnerabilities array", feed.ErrFormat, name)
		}
		if err != nil && err != errStop {
			yield(advisory.Record{}, err)
		}
	}
}

// locate turns a conversion error into a RecordError naming the record.
// The id is looked up again here, and only here, because a record whose
// decoding failed has no id yet; a cheap probe usually still finds it.
func locate(err error, i int, raw json.RawMessage, probe func(json.RawMessage) string) error {
	name := probe(raw)
	if name == "" {
		name = fmt.Sprintf("#%d", i+1)
	}
	var re *feed.RecordError
	if errors.As(err, &re) {
		re.Record = name
		return re
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return feed.Errorf(name, te.Field, "%s where %s is expected", te.Value, jsonKind(te.Type.Kind().String()))
	}
	if errors.Is(err, advisory.ErrInvalid) {
		return &feed.RecordError{Record: name, Err: fmt.Errorf("%w: %w", feed.ErrFormat, err)}
	}
	return feed.Errorf(name, "", "%v", err)
}

// jsonKind names a Go kind the way the JSON text spells it, so that an
// error says "string where number is expected" rather than naming Go types.
func jsonKind(kind string) string {
	switch kind {
	case "float64", "int", "int64":
		return "number"
	case "bool":
		return "boolean"
	case "struct", "map", "ptr":
		return "object"
	case "slice":
		return "array"
	}
	return kind
}

// Sniff reports whether a document looks like an NVD CVE document, from
// its first bytes (up to 4 KiB). The name is not consulted: NVD files are
// served under many names. A 1.1 feed announces itself by its header keys;
// an API 2.0 page or 2.0 feed has "vulnerabilities" beside the paging keys
// or the NVD_CVE format marker, which tells it from CSAF and CycloneDX
// (which also have "vulnerabilities") and from the NVD CPE and CPE Match
// feeds (which have the paging keys but "products" or "matchStrings").
func Sniff(name string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n")
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	if bytes.Contains(h, []byte(`"CVE_data_type"`)) || bytes.Contains(h, []byte(`"CVE_Items"`)) {
		return true
	}
	return bytes.Contains(h, []byte(`"vulnerabilities"`)) &&
		(bytes.Contains(h, []byte(`"resultsPerPage"`)) || formatNVDCVE.Match(h))
}

var formatNVDCVE = regexp.MustCompile(`"format"\s*:\s*"NVD_CVE"`)

// errStop unwinds a document walk when the consumer stops iterating.
var errStop = errors.New("stop")

// errTooLarge is what budgetReader returns once a value runs past maxRecord.
var errTooLarge = errors.New("value larger than 16 MiB")

// budgetReader lets the JSON decoder read at most up to limit, an absolute
// offset in the stream. The document walker moves limit to maxRecord past
// the current position before each value it decodes, so the decoder's
// buffer, which must hold a whole value, cannot grow past about maxRecord.
type budgetReader struct {
	r     io.Reader
	read  int64 // bytes handed to the decoder so far
	limit int64
	err   error // the first error of r other than io.EOF
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.read >= b.limit {
		return 0, errTooLarge
	}
	if rem := b.limit - b.read; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// document walks one JSON document token by token, so that the memory it
// needs is bounded by its largest array element, not by its size: a yearly
// feed holds tens of thousands of CVEs in one array.
type document struct {
	dec *json.Decoder
	br  *budgetReader
}

func newDocument(r io.Reader) *document {
	br := &budgetReader{r: r}
	return &document{dec: json.NewDecoder(br), br: br}
}

// budget allows the next value to take up to maxRecord bytes.
func (d *document) budget() { d.br.limit = d.dec.InputOffset() + maxRecord }

// fail describes a decoder error at where. Once the decoder has failed it
// cannot resynchronise, so every such error ends the document.
func (d *document) fail(where string, err error) error {
	switch {
	case d.br.err != nil:
		return fmt.Errorf("read %s: %w", where, d.br.err)
	case errors.Is(err, errTooLarge):
		return fmt.Errorf("%w: %s: %v", feed.ErrFormat, where, err)
	case err == io.EOF:
		return fmt.Errorf("%w: %s: unexpected end of input", feed.ErrFormat, where)
	}
	return fmt.Errorf("%w: %s: %v", feed.ErrFormat, where, err)
}

// more reports whether the current object or array has another member.
// It too may need to read, so it gets a budget of its own.
func (d *document) more() bool {
	d.budget()
	return d.dec.More()
}

func (d *document) token(where string) (json.Token, error) {
	d.budget()
	t, err := d.dec.Token()
	if err != nil {
		return nil, d.fail(where, err)
	}
	return t, nil
}

// object walks the top-level object, calling member for each key. member
// must consume the key's value, with array or skip.
func (d *document) object(member func(key string) error) error {
	t, err := d.token("document")
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return fmt.Errorf("%w: document: not a JSON object", feed.ErrFormat)
	}
	for d.more() {
		t, err := d.token("document")
		if err != nil {
			return err
		}
		key, ok := t.(string)
		if !ok {
			return fmt.Errorf("%w: document: object key is not a string", feed.ErrFormat)
		}
		if err := member(key); err != nil {
			return err
		}
	}
	if _, err := d.token("document"); err != nil { // the closing brace
		return err
	}
	d.budget()
	switch _, err := d.dec.Token(); {
	case err == io.EOF:
		return nil
	case err != nil:
		return d.fail("document", err)
	}
	return d.fail("document", errors.New("data after the top-level object"))
}

// value decodes the next value into dst.
func (d *document) value(key string, dst any) error {
	d.budget()
	if err := d.dec.Decode(dst); err != nil {
		return d.fail(key, err)
	}
	return nil
}

// skip consumes the value of a key the caller does not read.
func (d *document) skip(key string) error {
	d.budget()
	var v json.RawMessage
	if err := d.dec.Decode(&v); err != nil {
		return d.fail(key, err)
	}
	return nil
}

// array walks the array that is the next value, calling item with each
// element's bytes. null counts as an empty array. An element larger than
// maxRecord is reported as a RecordError and ends the walk, because the
// decoder cannot skip past what it refused to buffer.
func (d *document) array(key string, item func(i int, raw json.RawMessage) error) error {
	t, err := d.token(key)
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	if t != json.Delim('[') {
		return fmt.Errorf("%w: %s: not an array", feed.ErrFormat, key)
	}
	for i := 0; d.more(); i++ {
		d.budget()
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			if errors.Is(err, errTooLarge) && d.br.err == nil {
				return feed.Errorf(fmt.Sprintf("#%d", i+1), "", "record larger than 16 MiB")
			}
			return d.fail(fmt.Sprintf("%s[%d]", key, i), err)
		}
		if err := item(i, raw); err != nil {
			return err
		}
	}
	_, err = d.token(key) // the closing bracket
	return err
}
