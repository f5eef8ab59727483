package depcheck

import (
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a
// Dependency-Check XML report: its root element is <analysis> in
// Dependency-Check's namespace
// (https://jeremylong.github.io/DependencyCheck/dependency-check.N.N.xsd).
// <analysis> alone is too common a name to claim.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 || head[0] != '<' {
		return false
	}
	t, ok := rootStart(head)
	if !ok || t.Name.Local != rootElement {
		return false
	}
	for _, a := range t.Attr {
		if (a.Name.Space == "" && a.Name.Local == "xmlns" || a.Name.Space == "xmlns") && strings.Contains(a.Value, "DependencyCheck/dependency-check.") {
			return true
		}
	}
	return false
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
