package trust

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seed adds every testdata file to f's corpus.
func seed(f *testing.F) {
	names, _ := filepath.Glob("testdata/*")
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
}

// FuzzParseIMA: never panics, and what parses re-encodes to the same
// entries.
func FuzzParseIMA(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseIMA("f", bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, e := range l.Entries {
			again, err := parseMeasurement("f", e.Line, e.String())
			if err != nil || again != e {
				t.Fatalf("%q re-encoded as %q reads as %+v, %v", b, e.String(), again, err)
			}
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest("f", bytes.NewReader(b))
		if err == nil && m.Entries == 0 {
			t.Fatalf("%q: parsed with no digests", b)
		}
	})
}

// FuzzSnapshot covers the getcap, mokutil and JSON readers through Add.
func FuzzSnapshot(f *testing.F) {
	seed(f)
	f.Add([]byte("SecureBoot enabled\nSecureBoot validation is disabled in shim\n"))
	f.Add([]byte(`{"root":"tcm","controls":["x"],"components":[{"purl":"pkg:generic/a@1"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Snapshot
		if s.Add("f", b) == nil {
			p := s.Finish()
			for _, c := range p.Components {
				if err := c.Validate(); err != nil {
					t.Fatalf("%q: component %+v: %v", b, c, err)
				}
			}
			_ = p.Gaps()
		}
	})
}
