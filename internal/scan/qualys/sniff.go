package qualys

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a Qualys
// report: XML whose root is <ASSET_DATA_REPORT>, or a CSV with a header row
// (after at most a few rows of metadata) holding IP, QID, Title and
// Severity columns.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 {
		return false
	}
	if head[0] == '<' {
		name, ok := rootName(head)
		return ok && name == rootElement
	}
	// Only whole lines: the last may be cut.
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	cr := csv.NewReader(bytes.NewReader(head))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	for range maxPreamble {
		rec, err := cr.Read()
		if err != nil {
			return false
		}
		if c, ok := findHeader(rec); ok {
			return c.title >= 0 && c.severity >= 0
		}
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
