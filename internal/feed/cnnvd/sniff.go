package cnnvd

import (
	"bytes"
	"regexp"
)

// vulnKey is a key only CNNVD's vulnerability objects have: a list entry's
// or detail's id, or the detail itself. CNNVD's dictionaries (types,
// hazard levels, vendors, products) have neither.
var vulnKey = regexp.MustCompile(`"(cnnvdCode|cnnvdDetail)"\s*:`)

// Sniff reports whether a document (its name and first bytes, up to 4 KiB)
// looks like a CNNVD vulnerability document: a JSON object holding a
// cnnvdCode or cnnvdDetail key, which a list entry, a detail and an API
// response wrapping either all have near their start. A dictionary is a
// JSON array, or an API response without those keys, and is refused.
func Sniff(name string, head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	return vulnKey.Match(head)
}
