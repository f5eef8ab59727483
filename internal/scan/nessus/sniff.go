package nessus

import (
	"bytes"
	"strings"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is a Nessus
// report: XML with the <NessusClientData_v2> root (the <Policy> that comes
// first is small enough that the root is always in the first KiB), or a
// CSV whose header starts with the "Plugin ID" column and has a "Host"
// column.
func Sniff(head []byte) bool {
	if scan.HeadStart(head) == '<' {
		return bytes.Contains(head, []byte("<"+rootElement))
	}
	rec, ok := scan.HeadRow(head)
	if !ok || len(rec) < 2 || !strings.EqualFold(strings.TrimSpace(rec[0]), "Plugin ID") {
		return false
	}
	for _, h := range rec[1:] {
		if strings.EqualFold(strings.TrimSpace(h), "Host") {
			return true
		}
	}
	return false
}
