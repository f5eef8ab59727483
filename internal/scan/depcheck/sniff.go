package depcheck

import (
	"strings"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a
// Dependency-Check XML report: its root element is <analysis> in
// Dependency-Check's namespace
// (https://jeremylong.github.io/DependencyCheck/dependency-check.N.N.xsd).
// <analysis> alone is too common a name to claim.
func Sniff(head []byte) bool {
	t, ok := scan.FirstElement(head)
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
