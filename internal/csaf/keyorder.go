package csaf

import (
	"bytes"
	"encoding/json"
	"strings"
)

// checkSorting is test 6.2.13: the keys of every object are sorted
// alphabetically. The decoded tree has lost key order, so this test reads
// the raw document as a token stream.
func checkSorting(d *doc) {
	dec := json.NewDecoder(bytes.NewReader(d.raw))
	dec.UseNumber()
	// frame is an open object or array; for objects, keys collects the keys
	// so far and expectKey tells a key from a value.
	type frame struct {
		path      string
		array     bool
		index     int
		keys      []string
		expectKey bool
		reported  bool
	}
	var stack []*frame
	// childPath is the path of the value about to start.
	childPath := func() string {
		if len(stack) == 0 {
			return "$"
		}
		f := stack[len(stack)-1]
		if f.array {
			return (node{path: f.path}).at(f.index).path
		}
		return (node{path: f.path}).get(f.keys[len(f.keys)-1]).path
	}
	// valueDone advances the parent after a complete value.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.array {
			f.index++
		} else {
			f.expectKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return // io.EOF; anything else was rejected by decode already
		}
		if len(stack) > 0 {
			if f := stack[len(stack)-1]; !f.array && f.expectKey {
				if k, ok := tok.(string); ok {
					if n := len(f.keys); n > 0 && !f.reported && keyLess(k, f.keys[n-1]) {
						d.report(f.path, "keys are not sorted: %q comes after %q", k, f.keys[n-1])
						f.reported = true
					}
					f.keys = append(f.keys, k)
					f.expectKey = false
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{path: childPath(), expectKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{path: childPath(), array: true})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}

// keyLess orders keys the way a reader does: letters without regard to case
// first, then by code point, so "baseScore" < "baseSeverity" and
// "product_id" < "product_identification_helper".
func keyLess(a, b string) bool {
	la, lb := strings.ToLower(a), strings.ToLower(b)
	if la != lb {
		return la < lb
	}
	return a < b
}
