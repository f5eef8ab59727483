package spdx

import (
	"bytes"
	"regexp"

	"github.com/vmc-dev/vmc/internal/feed"
)

var (
	jsonVersion = regexp.MustCompile(`"spdxVersion"\s*:\s*"SPDX-2\.`)
	tvVersion   = regexp.MustCompile(`(?m)^SPDXVersion:\s*SPDX-2\.`)
)

// Sniff reports whether head, the first bytes of a document, is SPDX 2.x:
// JSON with an spdxVersion of "SPDX-2.x", or tag-value with an
// SPDXVersion line (the first tag of every tag-value document, possibly
// after comments).
func Sniff(name string, head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, feed.BOM), " \t\r\n")
	if len(head) > 0 && head[0] == '{' {
		return jsonVersion.Match(head)
	}
	return tvVersion.Match(head)
}
