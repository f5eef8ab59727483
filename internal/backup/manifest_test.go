package backup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadManifest: a manifest is a file anyone with the backup directory
// may have edited. Reading one must never panic, never name a file
// outside the directory, and accept only what describes the copy beside it.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"format":1,"engine":"sqlite","file":"vmc.sqlite","bytes":5,"sha256":"edff58f2a441868dc58c35d06f2b1c86e12e12bedfaa793a49c227672f77566e"}`))
	f.Add([]byte(`{"format":1,"engine":"postgres","file":"../etc/passwd","bytes":5}`))
	f.Add([]byte(`{"format":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "vmc.sqlite"), []byte("junk\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := ReadManifest(dir)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid backup") {
				t.Errorf("error without its kind: %v", err)
			}
			return
		}
		if m.File != "vmc.sqlite" || m.Bytes != 5 {
			t.Errorf("accepted a manifest naming %q, %d bytes", m.File, m.Bytes)
		}
	})
}

func TestReadManifest(t *testing.T) {
	tests := []struct {
		name, manifest, want string
	}{
		{"digest matches", `{"format":1,"engine":"sqlite","file":"vmc.sqlite","bytes":5,"sha256":"edff58f2a441868dc58c35d06f2b1c86e12e12bedfaa793a49c227672f77566e"}`, ""},
		{"digest differs", `{"format":1,"engine":"sqlite","file":"vmc.sqlite","bytes":5,"sha256":"00"}`, "invalid backup: vmc.sqlite: 5 bytes, SHA-256 edff58f2"},
		{"outside the directory", `{"format":1,"engine":"sqlite","file":"../vmc.sqlite"}`, `invalid backup: ` + "DIR" + `/manifest.json: file "../vmc.sqlite"`},
		{"other format", `{"format":2,"engine":"sqlite"}`, "format 2, this vmc reads 1"},
		{"unknown engine", `{"format":1,"engine":"mysql"}`, `engine "mysql"`},
		{"not JSON", `{`, "invalid backup: DIR/manifest.json: unexpected end of JSON input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "vmc.sqlite"), []byte("junk\n"), 0o600)
			os.WriteFile(filepath.Join(dir, ManifestName), []byte(tc.manifest), 0o600)
			_, err := ReadManifest(dir)
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), dir, "DIR")
			}
			if tc.want == "" && err != nil || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
