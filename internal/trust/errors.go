package trust

import (
	"errors"
	"fmt"
)

// ErrFormat marks input that is not what it claims to be.
var ErrFormat = errors.New("invalid trust snapshot")

// ParseError locates a problem in a snapshot file: the file, the line
// (from 1; 0 for the file as a whole) and the field.
type ParseError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *ParseError) Error() string {
	at := e.File
	if e.Line > 0 {
		at = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", at, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", at, e.Field, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// errorf returns a ParseError whose cause wraps ErrFormat.
func errorf(file string, line int, field, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Field: field, Err: fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)}
}
