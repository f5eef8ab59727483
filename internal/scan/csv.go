package scan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/feed"
)

// CSV reads a tool's CSV export row by row. It names each row by its line
// ("line 12"), refuses bytes that are not UTF-8 (encoding/csv passes them
// through, and they would not survive JSON), and, once the header is
// known, rows whose field count differs from it.
type CSV struct {
	r     *csv.Reader
	names []string
	err   error // what ended Rows
}

// NewCSV returns a CSV reading r.
func NewCSV(r io.Reader) *CSV {
	cr := csv.NewReader(r)
	// Row checks the count against the header, which may come after a
	// preamble of shorter rows.
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &CSV{r: cr}
}

// Header reads the first row as the header, and returns it.
func (c *CSV) Header() ([]string, error) {
	_, row, err := c.Row()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", feed.ErrFormat, err)
	}
	if err != nil {
		return nil, err
	}
	c.SetHeader(row)
	return c.names, nil
}

// SetHeader makes row, a row already read, the header.
func (c *CSV) SetHeader(row []string) { c.names = append([]string(nil), row...) }

// Names is the header.
func (c *CSV) Names() []string { return c.names }

// Row returns the next row and the name of its line; io.EOF at the end.
// The row is only valid until the next call.
func (c *CSV) Row() (string, []string, error) {
	row, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return "", nil, err
	}
	if err != nil {
		return "", nil, csvError(err)
	}
	line, _ := c.r.FieldPos(0)
	rec := fmt.Sprintf("line %d", line)
	names := c.names
	if names == nil {
		names = row
	} else if len(row) != len(names) {
		return "", nil, feed.Errorf(rec, "", "%d fields, want %d as in the header", len(row), len(names))
	}
	for i, f := range row {
		if !utf8.ValidString(f) {
			field := fmt.Sprintf("column %d", i+1)
			if i < len(names) && utf8.ValidString(names[i]) {
				field = names[i]
			}
			return "", nil, feed.Errorf(rec, field, "invalid UTF-8")
		}
	}
	return rec, row, nil
}

// Rows yields the rows left, each with the name of its line, up to the end
// or an error, which Err then returns. A row is only valid until the next.
func (c *CSV) Rows() iter.Seq2[string, []string] {
	return func(yield func(string, []string) bool) {
		for {
			rec, row, err := c.Row()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					c.err = err
				}
				return
			}
			if !yield(rec, row) {
				return
			}
		}
	}
}

// Err is the error that ended Rows, or nil at the end of the input.
func (c *CSV) Err() error { return c.err }

// csvError turns an encoding/csv error into a RecordError for its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%w: %w", feed.ErrFormat, err)
	}
	return feed.Errorf(fmt.Sprintf("line %d", pe.StartLine), "", "%v", pe.Err)
}

// Header indexes a CSV header row by column name: lower-case, trimmed of
// white space and a byte order mark. A name given twice keeps its first
// column.
type Header map[string]int

// IndexHeader indexes row.
func IndexHeader(row []string) Header {
	h := Header{}
	for i, name := range row {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		if _, dup := h[name]; !dup {
			h[name] = i
		}
	}
	return h
}

// Find returns the column of the first of names the header has, or -1.
func (h Header) Find(names ...string) int {
	for _, n := range names {
		if i, ok := h[n]; ok {
			return i
		}
	}
	return -1
}

// Cell returns column i of row, trimmed; "" for a missing column (i < 0
// or past the row's end).
func Cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}
