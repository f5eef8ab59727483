package jsonstream

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/feed"
)

// maxValue bounds one value read whole: a record, or a top-level member
// that is not streamed. The decoder buffers a value before decoding it,
// so without a bound one hostile record could take all memory; 64 MiB is
// far above any real record (the largest in the samples is under 100 KiB).
const maxValue = 64 << 20

// Reader walks a JSON document.
type Reader struct {
	br  *feed.BoundedReader
	dec *json.Decoder
}

// NewReader returns a Reader of the document r holds.
func NewReader(r io.Reader) *Reader {
	br := &feed.BoundedReader{R: r, Limit: maxValue}
	return &Reader{br: br, dec: json.NewDecoder(br)}
}

// FieldError is a value of the wrong type inside a decoded value, with
// the path of the bad field relative to that value ("CVSS.nvd.V3Score",
// "[2].b"). Located appends Path to the field it is given.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

// readError is a failure of the reader under the document, not of the
// document: it is located like the others but does not wrap
// feed.ErrFormat.
type readError struct{ err error }

func (e *readError) Error() string { return "read: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// Located turns err into a *feed.RecordError naming record and field. An
// error already located passes unchanged; a *FieldError's path is
// appended to field.
func Located(err error, record, field string) error {
	if err == nil {
		return nil
	}
	var re *feed.RecordError
	if errors.As(err, &re) {
		return err
	}
	var rerr *readError
	if errors.As(err, &rerr) {
		return &feed.RecordError{Record: record, Field: field, Err: rerr}
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return feed.Errorf(record, join(field, fe.Path), "%v", fe.Err)
	}
	return feed.Errorf(record, field, "%v", err)
}

// join appends a JSON path to another: "CVSS" + "nvd.V3Score", "a" + "[2].b".
// Named names a record at pos by its id ("matches[3] CVE-2021-1"), when it
// has one, and locates err, the record's decoding error, there. When field
// is not "", the record must have an id, which that field holds.
func Named(pos, id, field string, err error) (string, error) {
	name := pos
	if id != "" {
		name += " " + id
	}
	switch {
	case err != nil:
		return name, Located(err, name, "")
	case id == "" && field != "":
		return name, feed.Errorf(name, field, "missing")
	}
	return name, nil
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

// fail describes an error of the decoder.
func (r *Reader) fail(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, feed.ErrTooLarge):
		return fmt.Errorf("value larger than %d MiB", maxValue>>20)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated: unexpected end of input")
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON after byte %d: %v", r.dec.InputOffset(), se)
	}
	return &readError{err}
}

// bound lets the decoder read one more value's allowance past where it is.
func (r *Reader) bound() { r.br.Limit = r.dec.InputOffset() + maxValue }

// token returns the next token.
func (r *Reader) token() (json.Token, error) {
	r.bound()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.fail(err)
	}
	return tok, nil
}

// tokenKind names a token by the JSON value it starts.
func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	if tok == json.Delim('[') {
		return "array"
	}
	return "object"
}

// Object calls f with the key of each member of the object that comes
// next; f must consume the member's value. null counts as an empty
// object.
func (r *Reader) Object(f func(key string) error) error {
	tok, err := r.token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("got JSON %s, want object", tokenKind(tok))
	}
	for r.dec.More() {
		tok, err := r.token()
		if err != nil {
			return err
		}
		if err := f(tok.(string)); err != nil {
			return err
		}
	}
	_, err = r.token()
	return err
}

// Array calls f with the index of each element of the array that comes
// next; f must consume the element. null counts as an empty array.
func (r *Reader) Array(f func(i int) error) error {
	tok, err := r.token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("got JSON %s, want array", tokenKind(tok))
	}
	for i := 0; r.dec.More(); i++ {
		if err := f(i); err != nil {
			return err
		}
	}
	_, err = r.token()
	return err
}

// More reports whether another value follows at the top level, as in JSON
// Lines, where values stand one after another with no array around them.
func (r *Reader) More() bool {
	r.bound()
	return r.dec.More()
}

// Raw returns the next value as it is written.
func (r *Reader) Raw() (json.RawMessage, error) {
	r.bound()
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		return nil, r.fail(err)
	}
	return raw, nil
}

// Skip consumes the next value.
func (r *Reader) Skip() error {
	_, err := r.Raw()
	return err
}

// Decode reads the next value into v. A field of the wrong type is a
// *FieldError with its path inside the value ("CVSS.nvd.V3Score").
func (r *Reader) Decode(v any) error {
	raw, err := r.Raw()
	if err != nil {
		return err
	}
	return Unmarshal(raw, v)
}

// Unmarshal decodes raw into v, locating a field of the wrong type in a
// *FieldError. encoding/json's own UnmarshalTypeError.Field has no array
// indices; feed.JSONPath recovers them from the offset.
func Unmarshal(raw json.RawMessage, v any) error {
	err := json.Unmarshal(raw, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &FieldError{Path: feed.JSONPath(raw, te.Offset), Err: fmt.Errorf("got JSON %s, want %s", te.Value, feed.JSONKind(te.Type))}
	}
	return err
}

// End checks that nothing but white space follows the document.
func (r *Reader) End() error {
	r.bound()
	if _, err := r.dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the report at byte %d", r.dec.InputOffset())
	}
	return nil
}

// First returns the first byte of the document after a byte order mark
// and white space, and a reader that starts with it; io.EOF for an empty
// input.
func First(r io.Reader) (byte, io.Reader, error) {
	br := bufio.NewReader(r)
	c, err := feed.SkipSpace(br)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return c, br, err
}

// Doc says what a tool's JSON document is, for Open's errors.
type Doc struct {
	// Starts holds the bytes the document may start with: "{" for an
	// object, "{[" for an object or an array.
	Starts string
	// Want names the document for one that starts otherwise: got 'x',
	// want <Want>.
	Want string
	// Empty says why an empty input is an error. When it is "", an empty
	// input is an empty report, and Open returns io.EOF for it.
	Empty string
}

// Open reads up to the first byte of the document r holds and returns a
// Reader of the document and that byte, refusing an input that is not the
// document doc describes by its start.
func Open(r io.Reader, doc Doc) (*Reader, byte, error) {
	c, in, err := First(r)
	switch {
	case err == io.EOF && doc.Empty == "":
		return nil, 0, io.EOF
	case err == io.EOF:
		return nil, 0, feed.Errorf("", "", "empty input: %s", doc.Empty)
	case err != nil:
		return nil, 0, Located(err, "", "")
	case strings.IndexByte(doc.Starts, c) < 0:
		return nil, 0, feed.Errorf("", "", "got %q, want %s", c, doc.Want)
	}
	return NewReader(in), c, nil
}

// HeadStart is First for a sniffer's head: its first byte after a byte
// order mark and white space, or 0 when there is none.
func HeadStart(head []byte) byte {
	head = []byte(strings.TrimLeft(strings.TrimPrefix(string(head), string(feed.BOM)), " \t\r\n"))
	if len(head) == 0 {
		return 0
	}
	return head[0]
}

// HeadKeys returns the top-level keys of a sniffer's head (see
// feed.TopKeys) when it starts with one of the bytes in starts, and nil
// when it does not.
func HeadKeys(head []byte, starts string) []string {
	if c := HeadStart(head); c == 0 || strings.IndexByte(starts, c) < 0 {
		return nil
	}
	return feed.TopKeys(head)
}

// Score checks a CVSS score: a number from 0 to 10. NaN and infinities
// cannot be written as JSON again, and anything outside the range is not
// a CVSS score.
func Score(f float64) (float64, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 10 {
		return 0, fmt.Errorf("score %v outside 0 to 10", f)
	}
	return f, nil
}

// ParseScore reads a score written as a string ("7.5").
func ParseScore(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("score %q is not a number", s)
	}
	return Score(f)
}

// StringList reads a value that tools write either as one string or as an
// array of strings; null and "" are empty.
func StringList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if s == "" {
			return nil, nil
		}
		return []string{s}, nil
	}
	var list []string
	if err := Unmarshal(raw, &list); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) && fe.Path == "" {
			return nil, fmt.Errorf("got JSON %s, want string or array of strings", KindOf(raw))
		}
		return nil, err
	}
	return list, nil
}

// KindOf names the kind of JSON value raw holds: "object", "array",
// "string", "number", "boolean", "null", or "nothing" for white space.
// It looks at the first byte only, so raw is assumed to be valid JSON.
func KindOf(raw json.RawMessage) string {
	switch c := strings.TrimLeft(string(raw), " \t\r\n"); {
	case c == "":
		return "nothing"
	case c[0] == '{':
		return "object"
	case c[0] == '[':
		return "array"
	case c[0] == '"':
		return "string"
	case c[0] == 't' || c[0] == 'f':
		return "boolean"
	case c[0] == 'n':
		return "null"
	}
	return "number"
}

// timeLayouts are the timestamps the tools write: RFC 3339 with or
// without fractions, with a space for the T (AWS's CLI), or with no
// zone (Prowler), which is read as UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// ParseTime reads a timestamp; "" is the zero time. The result is in UTC,
// and years outside 1 to 9999 are refused, since a report time must
// encode as JSON again.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			if t.Year() < 1 || t.Year() > 9999 {
				break
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp: %q", s)
}
