package acunetix

import (
	"bytes"
	"encoding/xml"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is an Acunetix
// report: XML whose root is <ScanGroup> (with a <Scan> or an ExportedOn
// attribute in the head, as <ScanGroup> alone is a plain name), or a JSON
// object with Acunetix 360's "Generated", "Target" and "Vulnerabilities"
// keys.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 {
		return false
	}
	switch head[0] {
	case '<':
		name, ok := rootName(head)
		return ok && name == rootElement && (bytes.Contains(head, []byte("ExportedOn=")) || bytes.Contains(head, []byte("<StartURL>")))
	case '{':
		for _, key := range []string{`"Generated"`, `"Target"`, `"Vulnerabilities"`} {
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
