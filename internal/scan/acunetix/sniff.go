package acunetix

import (
	"bytes"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is an Acunetix
// report: XML whose root is <ScanGroup> (with a <Scan> or an ExportedOn
// attribute in the head, as <ScanGroup> alone is a plain name), or a JSON
// object with Acunetix 360's "Generated", "Target" and "Vulnerabilities"
// keys.
func Sniff(head []byte) bool {
	switch scan.HeadStart(head) {
	case '<':
		t, ok := scan.FirstElement(head)
		return ok && t.Name.Local == rootElement && (bytes.Contains(head, []byte("ExportedOn=")) || bytes.Contains(head, []byte("<StartURL>")))
	case '{':
		return scan.HeadHas(head, `"Generated"`, `"Target"`, `"Vulnerabilities"`)
	}
	return false
}
