package inventory

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// RefuseDTD rejects an XML document with a document type declaration
// (CycloneDX XML, Maven POMs). A DOCTYPE may only stand before the root
// element, so the prolog is all that needs reading. encoding/xml would
// neither fetch an external entity nor expand an internal one (an
// undefined entity is a syntax error in strict mode), so this is a second
// wall, not the first: none of these formats needs a DTD, and one in a
// file uploaded to vmc is more likely an attack than a mistake.
func RefuseDTD(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil // the decoder proper reports it
		}
		switch t := tok.(type) {
		case xml.Directive:
			word := ""
			if f := strings.Fields(string(t)); len(f) > 0 {
				word = f[0]
			}
			line := bytes.Count(data[:min(d.InputOffset(), int64(len(data)))], []byte("\n")) + 1
			return fmt.Errorf("line %d: <!%s...> refused: no DTD is needed here", line, word)
		case xml.StartElement:
			return nil
		}
	}
}
