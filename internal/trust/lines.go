package trust

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// Limits on snapshot files. A real IMA list holds some thousands of
// entries (one per file executed or read by root under the policy); the
// bounds are far above that and keep a hostile file from taking the
// server's memory.
const (
	MaxLineLen = 16 << 10 // a path is at most PATH_MAX (4096) bytes; an ima-sig signature a few hundred
	MaxLines   = 1 << 20
)

// eachLine calls fn with each line of r (without its end of line) and
// its number, stopping at fn's first error. Lines beyond the limits are
// errors naming the line.
func eachLine(file string, r io.Reader, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLineLen)
	n := 0
	for sc.Scan() {
		n++
		if n > MaxLines {
			return errorf(file, n, "", "more than %d lines", MaxLines)
		}
		if err := fn(n, string(bytes.TrimSuffix(sc.Bytes(), []byte("\r")))); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return errorf(file, n+1, "", "line longer than %d bytes", MaxLineLen)
		}
		return &ParseError{File: file, Line: n + 1, Err: err}
	}
	return nil
}
