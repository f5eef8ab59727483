package euvd

import (
	"bytes"
	"regexp"
)

// idKey finds an entry's own id. Product and vendor entries have ids too,
// but theirs are UUIDs.
var idKey = regexp.MustCompile(`"id"\s*:\s*"EUVD-[0-9]`)

// keys only EUVD entries have. Responses re-serialised with sorted keys
// put enisaIdProduct right after the description and enisaUuid after the
// product list, so either may be the first to fall inside the head.
var keys = [][]byte{[]byte(`"enisaUuid"`), []byte(`"enisaIdProduct"`), []byte(`"enisaIdVendor"`)}

// Sniff reports whether a document looks like an EUVD API response: JSON
// whose first bytes hold an entry with an EUVD id, or one of the keys only
// EUVD entries have. A search page with no items has neither and is not
// recognised; it holds no records either.
func Sniff(name string, head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 || (head[0] != '{' && head[0] != '[') {
		return false
	}
	if idKey.Match(head) {
		return true
	}
	for _, k := range keys {
		if bytes.Contains(head, k) {
			return true
		}
	}
	return false
}
