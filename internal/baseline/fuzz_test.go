package baseline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// seed adds every testdata file to a fuzz corpus.
func seed(f *testing.F) {
	paths, _ := filepath.Glob("testdata/debian12/*")
	more, _ := filepath.Glob("testdata/*.txt")
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > 16<<10 {
			data = data[:16<<10]
		}
		f.Add(data)
	}
}

// FuzzRead runs every reader over hostile input: none may panic, and a
// snapshot read must encode and read back as the same JSON.
func FuzzRead(f *testing.F) {
	seed(f)
	f.Add([]byte("Include /etc/ssh/sshd_config.d/*.conf\nMatch User x\n PermitRootLogin yes\n"))
	f.Add([]byte(`{"sshd":{"settings":{"PermitRootLogin":"no"}},"packages":[{"name":"a","version":"1","format":"deb"}]}`))
	bs, err := Builtin()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inc := Source{Name: "h/sshd_config.d/a.conf", Data: data}
		for _, name := range []string{"h/sshd_config", "out.txt"} {
			s, err := Read([]Source{{Name: name, Data: data}, inc}, nil)
			if err != nil {
				continue
			}
			for _, b := range bs {
				Evaluate(b, s, s.Collected)
			}
			enc, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseSnapshot("re", enc)
			if err != nil {
				t.Fatalf("re-reading %s: %v", enc, err)
			}
			back.Sources = s.Sources
			again, _ := json.Marshal(back)
			if string(again) != string(enc) {
				t.Fatalf("round trip:\n%s\n%s", enc, again)
			}
		}
		for _, p := range []func(string, []byte) (Snapshot, error){ParseSysctl, ParseDpkgList, ParseDpkgQuery, ParseRPM, ParseSystemctl, ParseSnapshot} {
			p("f", data) //nolint:errcheck // only panics matter here
		}
	})
}
