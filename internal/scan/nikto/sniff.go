package nikto

import (
	"bytes"
	"encoding/xml"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a Nikto
// report: XML whose root is <niktoscan>, or JSON (an object or an array of
// them) with Nikto's "host", "banner" and "vulnerabilities" keys.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 {
		return false
	}
	switch head[0] {
	case '<':
		name, ok := rootName(head)
		return ok && name == rootElement
	case '{', '[':
		for _, key := range []string{`"host"`, `"banner"`, `"vulnerabilities"`} {
			if !bytes.Contains(head, []byte(key)) {
				return false
			}
		}
		return true
	}
	return false
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
