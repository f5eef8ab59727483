package nikto

import (
	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a Nikto
// report: XML whose root is <niktoscan>, or JSON (an object or an array of
// them) with Nikto's "host", "banner" and "vulnerabilities" keys.
func Sniff(head []byte) bool {
	switch scan.HeadStart(head) {
	case '<':
		t, ok := scan.FirstElement(head)
		return ok && t.Name.Local == rootElement
	case '{', '[':
		return scan.HeadHas(head, `"host"`, `"banner"`, `"vulnerabilities"`)
	}
	return false
}
