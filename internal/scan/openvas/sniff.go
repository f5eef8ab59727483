package openvas

import (
	"bytes"
	"strings"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is an OpenVAS
// report: XML whose root is <report> or <get_reports_response> with a mark
// of GMP in the first bytes (the <gmp> or <omp> version element, a
// <report_format>, an <nvt oid=...>), or a CSV whose header has the IP,
// NVT Name and NVT OID columns.
func Sniff(head []byte) bool {
	if scan.HeadStart(head) == '<' {
		t, ok := scan.FirstElement(head)
		if !ok || (t.Name.Local != "report" && t.Name.Local != "get_reports_response") {
			return false
		}
		for _, mark := range []string{"<gmp>", "<omp>", "<report_format", "<nvt oid="} {
			if bytes.Contains(head, []byte(mark)) {
				return true
			}
		}
		return false
	}
	rec, ok := scan.HeadRow(head)
	if !ok {
		return false
	}
	need := map[string]bool{"ip": true, "nvt name": true, "nvt oid": true}
	for _, h := range rec {
		delete(need, strings.ToLower(strings.TrimSpace(h)))
	}
	return len(need) == 0
}
