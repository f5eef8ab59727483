package cnvd

import (
	"bytes"
	"regexp"
)

// rootTag is the export's root element; the name, with CNVD's plural,
// is not used by any other format vmc reads.
var rootTag = regexp.MustCompile(`<vulnerabilitys[\s/>]`)

// Sniff reports whether a document (its name and first bytes, up to 4 KiB)
// looks like a CNVD export: XML with the <vulnerabilitys> root, or a lone
// <vulnerability> whose <number> is a CNVD id.
func Sniff(name string, head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 || head[0] != '<' {
		return false
	}
	return rootTag.Match(head) ||
		bytes.Contains(head, []byte("<vulnerability>")) && bytes.Contains(head, []byte("<number>CNVD-"))
}
