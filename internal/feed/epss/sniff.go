package epss

import (
	"bytes"
	"path"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
)

// Sniff reports whether a document looks like an EPSS score file: its name
// contains epss_scores, as FIRST names daily files, or it starts with the
// #model_version comment line or the cve,epss header.
func Sniff(name string, head []byte) bool {
	if strings.Contains(strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/"))), "epss_scores") {
		return true
	}
	head = bytes.TrimPrefix(head, feed.BOM)
	return bytes.HasPrefix(head, []byte("#"+keyModel)) || bytes.HasPrefix(head, []byte(colCVE+","+colEPSS))
}
