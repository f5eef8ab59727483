package scan

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/vmc-dev/vmc/internal/feed"
)

// Peek buffers a report and returns its first byte after a byte order
// mark and white space, left unread, so that Parse can tell the encodings
// a tool writes apart ('<' for XML, '{' or '[' for JSON, anything else
// CSV). An empty report is an error.
func Peek(r io.Reader) (*bufio.Reader, byte, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	c, err := feed.SkipSpace(br)
	switch {
	case errors.Is(err, io.EOF):
		return nil, 0, fmt.Errorf("%w: empty document", feed.ErrFormat)
	case err != nil:
		return nil, 0, fmt.Errorf("%w: %w", feed.ErrFormat, err)
	}
	return br, c, nil
}

// XMLOrCSV parses a report a tool writes as XML or as CSV: with parseXML
// when its first byte (see Peek) is '<', else with parseCSV.
func XMLOrCSV(r io.Reader, parseXML, parseCSV func(io.Reader) (*Report, error)) (*Report, error) {
	br, c, err := Peek(r)
	switch {
	case err != nil:
		return nil, err
	case c == '<':
		return parseXML(br)
	}
	return parseCSV(br)
}

// TrimHead is what Peek skips, for a sniffer's head: a byte order mark and
// white space.
func TrimHead(head []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(head, feed.BOM), " \t\r\n")
}

// HeadStart is Peek for a sniffer's head: its first byte after a byte
// order mark and white space, or 0 when there is none.
func HeadStart(head []byte) byte {
	if head = TrimHead(head); len(head) > 0 {
		return head[0]
	}
	return 0
}

// HeadRow returns the first line of a sniffer's head read as a CSV row.
func HeadRow(head []byte) ([]string, bool) {
	line, _, _ := bytes.Cut(TrimHead(head), []byte("\n"))
	rec, err := csv.NewReader(bytes.NewReader(line)).Read()
	return rec, err == nil
}

// HeadHas reports whether head holds every one of marks.
func HeadHas(head []byte, marks ...string) bool {
	for _, m := range marks {
		if !bytes.Contains(head, []byte(m)) {
			return false
		}
	}
	return true
}

// DecodeJSON decodes the one JSON value r holds into v; nothing but white
// space may follow it. It is for the small JSON reports of tools whose
// main format is another (the JSON family streams with jsonstream).
// Errors wrap feed.ErrFormat, naming the field of a type mismatch and the
// offset of a syntax error.
func DecodeJSON(r io.Reader, v any) error {
	d := json.NewDecoder(r)
	if err := d.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the JSON value", feed.ErrFormat)
	}
	return nil
}

func jsonError(err error) error {
	var (
		se *json.SyntaxError
		te *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &te):
		return feed.Errorf("JSON", te.Field, "%s where %s belongs", te.Value, te.Type)
	case errors.As(err, &se):
		return fmt.Errorf("%w: JSON syntax error at byte %d: %v", feed.ErrFormat, se.Offset, se)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w: JSON ends early", feed.ErrFormat)
	}
	return fmt.Errorf("%w: JSON: %v", feed.ErrFormat, err)
}
