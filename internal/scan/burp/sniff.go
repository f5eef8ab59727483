package burp

import (
	"bytes"
	"encoding/xml"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a Burp issues
// export: its root element is <issues> with a burpVersion attribute (the
// DTD before it is about 4 KiB), or, when the root is past head, the DTD
// declares Burp's attribute.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 || head[0] != '<' {
		return false
	}
	t, ok := rootStart(head)
	if !ok {
		return bytes.Contains(head, []byte("<!ATTLIST issues burpVersion"))
	}
	if t.Name.Local != rootElement {
		return false
	}
	for _, a := range t.Attr {
		if a.Name.Local == "burpVersion" {
			return true
		}
	}
	return bytes.Contains(head, []byte("<!ATTLIST issues burpVersion"))
}

// rootStart returns the first element in head, reading no further than
// it.
func rootStart(head []byte) (xml.StartElement, bool) {
	// The report's own strict decoder: a head in an encoding Parse
	// refuses is no report of this package either.
	d := scan.NewXMLDecoder(bytes.NewReader(head))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return xml.StartElement{}, false
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t, true
		}
	}
}
