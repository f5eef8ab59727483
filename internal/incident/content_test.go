package incident

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCopyContent(t *testing.T) {
	const content = "GET /shell.jsp?cmd=id HTTP/1.1\n"
	ev, err := NewEvidence("access.log", "text/plain", strings.NewReader(content), "alice", time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	ev.ID = 3
	for _, tc := range []struct {
		name, stored, err string
	}{
		{"intact", content, ""},
		{"changed", strings.ToUpper(content), fmt.Sprintf("broken chain of custody: evidence 3 (access.log): content does not match its SHA-256 taken at intake (%s, 31 bytes; now %s, 31 bytes)",
			ev.SHA256, hexSum(strings.ToUpper(content)))},
		{"cut short", content[:10], fmt.Sprintf("broken chain of custody: evidence 3 (access.log): content does not match its SHA-256 taken at intake (%s, 31 bytes; now %s, 10 bytes)",
			ev.SHA256, hexSum(content[:10]))},
		// Read one byte past the size, never all of it.
		{"grew", content + "and more", fmt.Sprintf("broken chain of custody: evidence 3 (access.log): content does not match its SHA-256 taken at intake (%s, 31 bytes; now %s, 32 bytes)",
			ev.SHA256, hexSum(content+"a"))},
	} {
		var w bytes.Buffer
		err := ev.CopyContent(&w, strings.NewReader(tc.stored))
		switch {
		case tc.err == "" && (err != nil || w.String() != content):
			t.Errorf("%s: %v, copied %q", tc.name, err, w.String())
		case tc.err != "" && (err == nil || err.Error() != tc.err || !errors.Is(err, ErrTampered) || !errors.Is(err, ErrCustody)):
			t.Errorf("%s:\n got %v\nwant %s (ErrTampered, ErrCustody)", tc.name, err, tc.err)
		}
	}
}
