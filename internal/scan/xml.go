package scan

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// NewXMLDecoder returns a strict decoder for a report. encoding/xml never
// fetches external entities and never expands entities a DTD declares (an
// undeclared entity is a syntax error in strict mode), so neither an XXE
// read nor a billion-laughs expansion can happen; reports in an encoding
// other than UTF-8 are refused by name rather than misread.
func NewXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.CharsetReader = func(charset string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q: only UTF-8 reports are read", charset)
	}
	return d
}
