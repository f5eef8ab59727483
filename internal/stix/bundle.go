package stix

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
)

// MaxObjects bounds the objects of one bundle or envelope: ATT&CK for ICS
// has under 2,000, Enterprise ATT&CK about 25,000.
const MaxObjects = 100_000

// ObjectError is one object of a document that could not be read; the
// document's other objects still are.
type ObjectError struct {
	Document string
	Index    int
	Err      error
}

func (e *ObjectError) Error() string {
	return fmt.Sprintf("%s: objects[%d]: %v", e.Document, e.Index, e.Err)
}

func (e *ObjectError) Unwrap() error { return e.Err }

// Objects reads the "objects" array of a STIX bundle or a TAXII envelope
// from r one object at a time; name names the document in errors. An
// invalid object is yielded as an *ObjectError, and reading goes on; a document that is no JSON object with an objects array stops
// it.
func Objects(name string, r io.Reader) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		dec := json.NewDecoder(r)
		fail := func(err error) { yield(Object{}, fmt.Errorf("%s: %w", name, err)) }
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			fail(fmt.Errorf("%w: not a JSON object", ErrInvalid))
			return
		}
		found := false
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				fail(fmt.Errorf("%w: %w", ErrInvalid, err))
				return
			}
			if key, _ := t.(string); key != "objects" {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					fail(fmt.Errorf("%w: %s: %w", ErrInvalid, key, err))
					return
				}
				continue
			}
			found = true
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				fail(fmt.Errorf("%w: objects: not an array", ErrInvalid))
				return
			}
			for i := 0; dec.More(); i++ {
				if i == MaxObjects {
					fail(fmt.Errorf("%w: more than %d objects", ErrInvalid, MaxObjects))
					return
				}
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					fail(fmt.Errorf("%w: objects[%d]: %w", ErrInvalid, i, err))
					return
				}
				o, err := Parse(raw)
				if err != nil {
					err = &ObjectError{Document: name, Index: i, Err: err}
				}
				if !yield(o, err) {
					return
				}
			}
			if _, err := dec.Token(); err != nil {
				fail(fmt.Errorf("%w: %w", ErrInvalid, err))
				return
			}
		}
		if !found {
			fail(fmt.Errorf("%w: no objects array", ErrInvalid))
		}
	}
}
