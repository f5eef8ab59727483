package feed

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// JSONPath returns the path ("affected[0].ranges[1].type") of the value
// that data, a JSON document, holds at byte offset off: the first value
// whose first token ends at or after off. encoding/json reports type errors
// by such an offset, and a path is what a person fixing the file needs.
// For a document that does not parse, it returns the path where parsing
// stopped.
func JSONPath(data []byte, off int64) string {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []frame
	render := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.array {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
				continue
			}
			if f.key == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
		return b.String()
	}
	// done moves past a complete value in the enclosing object or array.
	done := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].wantKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return render()
		}
		if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = k, false
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if dec.InputOffset() >= off {
				return render()
			}
			stack = append(stack, frame{array: tok == json.Delim('['), wantKey: true})
		case json.Delim('}'), json.Delim(']'):
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			done()
		default:
			if dec.InputOffset() >= off {
				return render()
			}
			done()
		}
	}
}

// JSONKind names a Go type by the JSON value it decodes from, for messages
// like "got JSON number, want string".
func JSONKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "number"
	}
	return t.String()
}

// TopKeys returns the keys of the top-level object in head, the first
// bytes of a JSON document (of the first element, if the document is an
// array), as far as head goes. Sniffers use it so that a key nested
// somewhere ("id" in a list of references) does not pass for a
// top-level one.
func TopKeys(head []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(head, BOM)))
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	if tok == json.Delim('[') {
		if tok, err = dec.Token(); err != nil {
			return nil
		}
	}
	if tok != json.Delim('{') {
		return nil
	}
	var keys []string
	depth := 0 // below the top-level object
	wantKey := true
	for {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			continue
		case json.Delim('}'), json.Delim(']'):
			if depth == 0 {
				return keys
			}
			depth--
			if depth == 0 {
				wantKey = true
			}
			continue
		}
		if depth > 0 {
			continue
		}
		if wantKey {
			if k, ok := tok.(string); ok {
				keys = append(keys, k)
			}
			wantKey = false
		} else {
			wantKey = true
		}
	}
}
