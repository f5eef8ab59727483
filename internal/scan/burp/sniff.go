package burp

import (
	"bytes"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a Burp issues
// export: its root element is <issues> with a burpVersion attribute (the
// DTD before it is about 4 KiB), or, when the root is past head, the DTD
// declares Burp's attribute.
func Sniff(head []byte) bool {
	if scan.HeadStart(head) != '<' {
		return false
	}
	t, ok := scan.FirstElement(head)
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
