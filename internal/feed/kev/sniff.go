package kev

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
)

// catalogVersionKey is the header field only the catalogue has. Its value
// must be a string: the catalogue's JSON schema, which the same directory
// publishes, has the key too, with an object value.
var catalogVersionKey = regexp.MustCompile(`"catalogVersion"\s*:\s*"`)

// csvHeader starts the CSV form's header line.
var csvHeader = []byte("cveID,vendorProject")

// Sniff reports whether a document looks like a KEV catalogue: a JSON
// object with a string catalogVersion in its first bytes, a JSON object in
// a file named like CISA's (known_exploited_vulnerabilities.json, but not
// the schema beside it), or CSV whose header starts cveID,vendorProject.
func Sniff(name string, head []byte) bool {
	head = bytes.TrimPrefix(head, feed.BOM)
	if bytes.HasPrefix(head, csvHeader) {
		return true
	}
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return false
	}
	if catalogVersionKey.Match(head) {
		return true
	}
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	return strings.Contains(base, "known_exploited") && !strings.Contains(base, "schema")
}
