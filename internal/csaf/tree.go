package csaf

import (
	"encoding/json"
	"regexp"
	"strconv"
)

// node is one value of the decoded document together with the path that
// leads to it. The tests read the document through nodes rather than through
// Go structs: they must judge documents that break the schema, where a field
// holds the wrong type, and encoding/json would either drop such a value or
// match a key like "Product_Status" to product_status (it folds case). A node
// sees exactly what the JSON says, and a missing or mistyped value reads as
// absent.
type node struct {
	v    any
	path string
}

func root(v any) node { return node{v: v, path: "$"} }

// identifier matches keys that JSONPath can write in dot notation.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// get returns the member key of an object; for anything else it returns an
// absent node.
func (n node) get(key string) node {
	var v any
	if m, ok := n.v.(map[string]any); ok {
		v = m[key]
	}
	return node{v: v, path: n.path + pathKey(key)}
}

func pathKey(key string) string {
	if identifier.MatchString(key) {
		return "." + key
	}
	return "[" + strconv.Quote(key) + "]"
}

// at returns element i of an array.
func (n node) at(i int) node {
	var v any
	if a, ok := n.v.([]any); ok && i >= 0 && i < len(a) {
		v = a[i]
	}
	return node{v: v, path: n.path + "[" + strconv.Itoa(i) + "]"}
}

// items returns the elements of an array, or nil.
func (n node) items() []node {
	a, ok := n.v.([]any)
	if !ok {
		return nil
	}
	out := make([]node, len(a))
	for i, v := range a {
		out[i] = node{v: v, path: n.path + "[" + strconv.Itoa(i) + "]"}
	}
	return out
}

// exists reports whether the value is present and not null.
func (n node) exists() bool { return n.v != nil }

func (n node) isArray() bool {
	_, ok := n.v.([]any)
	return ok
}

// str returns the value if it is a string.
func (n node) str() (string, bool) {
	s, ok := n.v.(string)
	return s, ok
}

// text returns the value if it is a string, or "".
func (n node) text() string {
	s, _ := n.v.(string)
	return s
}

// num returns the value if it is a number.
func (n node) num() (float64, bool) {
	switch v := n.v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	}
	return 0, false
}

// ids returns the non-empty strings of an array of product or group ids,
// each with its node. Other elements are the schema's business.
func (n node) ids() []node {
	var out []node
	for _, e := range n.items() {
		if s, ok := e.str(); ok && s != "" {
			out = append(out, e)
		}
	}
	return out
}
