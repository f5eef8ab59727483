package zap

import (
	"bytes"
	"encoding/xml"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a ZAP XML
// report: its root element is <OWASPZAPReport>.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 || head[0] != '<' {
		return false
	}
	name, ok := rootName(head)
	return ok && name == rootElement
}

// rootName returns the name of the first element in head, reading no
// further than it.
func rootName(head []byte) (string, bool) {
	// The report's own strict decoder: a head in an encoding Parse
	// refuses is no report of this package either.
	d := scan.NewXMLDecoder(bytes.NewReader(head))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", false
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t.Name.Local, true
		}
	}
}
