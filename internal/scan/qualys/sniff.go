package qualys

import (
	"bytes"
	"encoding/csv"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a Qualys
// report: XML whose root is <ASSET_DATA_REPORT>, or a CSV with a header row
// (after at most a few rows of metadata) holding IP, QID, Title and
// Severity columns.
func Sniff(head []byte) bool {
	if scan.HeadStart(head) == '<' {
		t, ok := scan.FirstElement(head)
		return ok && t.Name.Local == rootElement
	}
	// Only whole lines: the last may be cut.
	head = scan.TrimHead(head)
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
