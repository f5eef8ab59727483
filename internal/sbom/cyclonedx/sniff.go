package cyclonedx

import (
	"bytes"
	"regexp"

	"github.com/vmc-dev/vmc/internal/feed"
)

// bomFormat is the member every CycloneDX JSON document has (required by
// every schema version), with the value the schema fixes.
var bomFormat = regexp.MustCompile(`"bomFormat"\s*:\s*"CycloneDX"`)

// xmlNamespace starts the namespace of every CycloneDX XML version
// ("http://cyclonedx.org/schema/bom/1.4").
var xmlNamespace = []byte("http://cyclonedx.org/schema/bom/")

// bomElement is the root element's start tag, with or without a prefix.
var bomElement = regexp.MustCompile(`<([A-Za-z_][\w.-]*:)?bom[\s>/]`)

// Sniff reports whether head, the first bytes of a document, looks like a
// CycloneDX BOM: JSON whose top-level bomFormat is "CycloneDX", or XML whose
// <bom> element is in a CycloneDX namespace. The name is not consulted:
// "bom.json" is as often SPDX as CycloneDX.
func Sniff(name string, head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, feed.BOM), " \t\r\n")
	if len(head) == 0 {
		return false
	}
	switch head[0] {
	case '{':
		return bomFormat.Match(head)
	case '<':
		return bomElement.Match(head) && bytes.Contains(head, xmlNamespace)
	}
	return false
}
