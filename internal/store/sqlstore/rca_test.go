package sqlstore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncateText(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		cut  bool
	}{
		{"short", "cause 1 added", false},
		{"exactly the limit", strings.Repeat("x", 4<<10), false},
		{"ASCII over", strings.Repeat("x", 5000), true},
		{"three-byte characters over", strings.Repeat("界", 2000), true},
		{"a character across the limit", strings.Repeat("x", 4093) + "界界", true},
	} {
		got := truncateText(tc.in)
		if !utf8.ValidString(got) || len(got) > 4<<10 || (got != tc.in) != tc.cut || (tc.cut && !strings.HasSuffix(got, "…")) {
			t.Errorf("%s: %d bytes, valid %v, suffix %q", tc.name, len(got), utf8.ValidString(got), got[max(0, len(got)-6):])
		}
	}
}
