package zap

import (
	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a ZAP XML
// report: its root element is <OWASPZAPReport>.
func Sniff(head []byte) bool {
	t, ok := scan.FirstElement(head)
	return ok && t.Name.Local == rootElement
}
