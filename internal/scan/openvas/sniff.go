package openvas

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"strings"

	"github.com/vmc-dev/vmc/internal/scan"
)

// Sniff reports whether head, the first bytes of a file, is an OpenVAS
// report: XML whose root is <report> or <get_reports_response> with a mark
// of GMP in the first bytes (the <gmp> or <omp> version element, a
// <report_format>, an <nvt oid=...>), or a CSV whose header has the IP,
// NVT Name and NVT OID columns.
func Sniff(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 {
		return false
	}
	if head[0] == '<' {
		name, ok := rootName(head)
		if !ok || (name != "report" && name != "get_reports_response") {
			return false
		}
		for _, mark := range []string{"<gmp>", "<omp>", "<report_format", "<nvt oid="} {
			if bytes.Contains(head, []byte(mark)) {
				return true
			}
		}
		return false
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	rec, err := csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil {
		return false
	}
	need := map[string]bool{"ip": true, "nvt name": true, "nvt oid": true}
	for _, h := range rec {
		delete(need, strings.ToLower(strings.TrimSpace(h)))
	}
	return len(need) == 0
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
