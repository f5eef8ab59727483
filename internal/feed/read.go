package feed

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ErrTooLarge is what a BoundedReader returns past its limit.
var ErrTooLarge = errors.New("input larger than the limit")

// BoundedReader fails reads past Limit bytes in all. JSON and CSV decoders
// buffer a whole value or row before returning it; moving Limit forward
// before each record bounds that buffer to one record's allowance however
// long a hostile record is.
type BoundedReader struct {
	R     io.Reader
	N     int64 // bytes read so far
	Limit int64 // bytes it may read in all
	Lines int64 // newlines read so far, for line numbers in errors
}

func (b *BoundedReader) Read(p []byte) (int, error) {
	if b.N >= b.Limit {
		return 0, ErrTooLarge
	}
	p = p[:min(int64(len(p)), b.Limit-b.N)]
	n, err := b.R.Read(p)
	b.N += int64(n)
	b.Lines += int64(bytes.Count(p[:n], newline))
	return n, err
}

var newline = []byte{'\n'}

// BOM is the UTF-8 byte order mark some Windows tools write, which
// encoding/json and encoding/csv take for data.
var BOM = []byte("\xef\xbb\xbf")

// SkipSpace discards a byte order mark and leading white space and returns
// the first byte after them without consuming it.
func SkipSpace(br *bufio.Reader) (byte, error) {
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, BOM) {
		br.Discard(3)
	}
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.Discard(1)
		default:
			return b[0], nil
		}
	}
}

// NextLine is the line of the input where a CSV reader reading from br,
// which reads from b, will start its next row: one past the newlines
// consumed (those read through b less those still waiting in br), and past
// the blank lines waiting in br, which the CSV reader skips. Parsers use it
// to name the line of a bad row.
func (b *BoundedReader) NextLine(br *bufio.Reader) int {
	ahead, _ := br.Peek(br.Buffered())
	line := int(b.Lines) - bytes.Count(ahead, newline) + 1
	for {
		switch {
		case bytes.HasPrefix(ahead, newline):
			ahead = ahead[1:]
		case bytes.HasPrefix(ahead, crlf):
			ahead = ahead[2:]
		default:
			return line
		}
		line++
	}
}

var crlf = []byte{'\r', '\n'}
