package nessus

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// Sniff reports whether head, the first bytes of a file, is a Nessus
// report: XML with the <NessusClientData_v2> root (the <Policy> that comes
// first is small enough that the root is always in the first KiB), or a
// CSV whose header starts with the "Plugin ID" column and has a "Host"
// column.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 {
		return false
	}
	if head[0] == '<' {
		return bytes.Contains(head, []byte("<"+rootElement))
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	rec, err := csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil || len(rec) < 2 || !strings.EqualFold(strings.TrimSpace(rec[0]), "Plugin ID") {
		return false
	}
	for _, h := range rec[1:] {
		if strings.EqualFold(strings.TrimSpace(h), "Host") {
			return true
		}
	}
	return false
}
