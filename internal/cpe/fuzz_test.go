package cpe

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/knqyf263/go-cpe/naming"
)

// FuzzParse checks that Parse never panics and that a name it reads,
// bound again as a formatted string, reads back the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
		"cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*",
		"cpe:2.3:o:siemens:6bk1602-0aa12-0tp0_firmware:-:*:*:*:*:*:*:*",
		`cpe:2.3:a:x\.org:libxpm:*:*:*:*:*:*:*:*`,
		"cpe:/a:apache:log4j:2.14.1",
		"cpe:/o:microsoft:windows_10:1809::~~~~x64~",
		"cpe:2.3:a:v:p:1.?:*:*:*:*:*:*:*",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		fs := naming.BindToFS(n.wfn)
		m, err := Parse(fs)
		if err != nil {
			t.Fatalf("Parse(%q) bound as %q does not parse: %v", s, fs, err)
		}
		for _, a := range attributes {
			if n.Attr(a) != m.Attr(a) {
				t.Fatalf("Parse(%q) bound as %q: %s %q became %q", s, fs, a, n.Attr(a), m.Attr(a))
			}
		}
	})
}

// FuzzMatchConfigurations checks that matching any CPE and version
// against real configurations never panics.
func FuzzMatchConfigurations(f *testing.F) {
	var configs []json.RawMessage
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		configs = append(configs, b)
	}
	f.Add(uint8(0), "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "2.14.1")
	f.Add(uint8(1), "cpe:2.3:a:espressif:esp-idf:4.1:*:*:*:*:*:*:*", "")
	f.Add(uint8(2), "cpe:/a:gitlab:gitlab:14.5.2::~~community~~~", "")
	f.Add(uint8(3), "cpe:2.3:a:open62541:open62541:*:*:*:*:*:*:*:*", "1.3-rc2-ef")
	f.Fuzz(func(t *testing.T, which uint8, cpe, version string) {
		cfg := configs[int(which)%len(configs)]
		_, _, _ = MatchConfigurations(cfg, []string{cpe}, version)
	})
}
