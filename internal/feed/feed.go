// Package feed holds what vmc's feed parsers share: the error that locates a
// bad record. Each format lives in its own sub-package (feed/cve5,
// feed/osv, ...) and turns bytes into advisory records with no I/O beyond
// the reader it is given.
package feed

import (
	"errors"
	"fmt"
)

// ErrFormat marks input that is not in the format the parser reads.
var ErrFormat = errors.New("malformed input")

// RecordError locates a problem in one record of a document: which record
// (by id, or by position when it has no readable id) and which field, as a
// JSON-path-like string ("affected[0].ranges[1].events[2].fixed"). The
// importer adds the file name. A RecordError never stops a document: the
// parser reports it and goes on with the next record.
type RecordError struct {
	Record string // "CVE-2021-44228", or "#17" for the 17th entry
	Field  string // may be empty when the record as a whole is unreadable
	Err    error
}

func (e *RecordError) Error() string {
	switch {
	case e.Record == "" && e.Field == "":
		return e.Err.Error()
	case e.Field == "":
		return fmt.Sprintf("%s: %v", e.Record, e.Err)
	default:
		return fmt.Sprintf("%s: %s: %v", e.Record, e.Field, e.Err)
	}
}

func (e *RecordError) Unwrap() error { return e.Err }

// Errorf returns a RecordError whose cause wraps ErrFormat.
func Errorf(record, field, format string, args ...any) *RecordError {
	return &RecordError{Record: record, Field: field, Err: fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)}
}
