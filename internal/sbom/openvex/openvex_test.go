package openvex

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

var documents = []struct {
	file       string
	statements int
}{
	{"v0.0.1.json", 1},
	{"v0.0.1-noversion.json", 1},
	{"v0.2.0.json", 5},
	{"v001-1.vex.json", 1},
	{"v020-1.vex.json", 1},
	{"vex.yaml", 2},
}

func TestGolden(t *testing.T) {
	for _, d := range documents {
		t.Run(d.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", d.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			doc, err := Parse(d.file, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Statements) != d.statements {
				t.Errorf("%d statements, want %d", len(doc.Statements), d.statements)
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", d.file+".json"), doc)
		})
	}
}

// The shared corpus holds the same documents and two more of the merge
// tests; all read without error.
func TestSharedDocuments(t *testing.T) {
	dir := feedtest.SharedData(t, "openvex/go-vex-testdata/vex")
	for _, name := range []string{"v0.0.1.json", "v0.0.1-noversion.json", "v0.2.0.json", "v001-1.vex.json", "v001-2.vex.json", "v020-1.vex.json", "v020-2.vex.json", "vex.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !Sniff(name, b[:min(len(b), 4096)]) {
			t.Errorf("%s: not sniffed as OpenVEX", name)
		}
		doc, err := Parse(name, strings.NewReader(string(b)))
		if err != nil || len(doc.Statements) == 0 {
			t.Errorf("%s: %d statements, %v", name, len(doc.Statements), err)
		}
	}
}

func TestBadInput(t *testing.T) {
	const head = `{"@context":"https://openvex.dev/ns/v0.2.0","author":"vmc test","timestamp":"2023-07-17T18:28:47Z","statements":[`
	tests := []struct {
		name, statements string
		kept             int
		want             string // "" for no error
	}{
		{"unknown status", `{"vulnerability":{"name":"CVE-2023-1255"},"products":[{"@id":"pkg:apk/alpine/libssl3@3.0.8-r3"}],"status":"patched"}`,
			0, `statements[0]: status: malformed input: unknown "patched"`},
		{"unknown justification", `{"vulnerability":"CVE-2023-1255","status":"not_affected","justification":"not_exploitable"}`,
			0, `statements[0]: justification: malformed input: unknown "not_exploitable"`},
		{"not_affected without a reason", `{"vulnerability":"CVE-2023-1255","status":"not_affected"}`,
			0, `statements[0]: justification: malformed input: a not_affected statement needs a justification or an impact_statement`},
		{"no vulnerability", `{"status":"fixed"}`, 0, `statements[0]: vulnerability: malformed input: neither a string nor an object`},
		{"product without identity", `{"vulnerability":"CVE-2023-1255","products":[{}],"status":"fixed"}`,
			0, `statements[0]: products[0]: malformed input: no @id or identifiers`},
		{"one bad, one good", `{"vulnerability":"CVE-2023-1255","status":"bad"},{"vulnerability":"CVE-2023-2650","status":"fixed"}`,
			1, `statements[0]: status: malformed input: unknown "bad"`},
		{"impact statement is a reason", `{"vulnerability":"CVE-2023-1255","status":"not_affected","impact_statement":"The vulnerable function is not called."}`, 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse("x.json", strings.NewReader(head+tc.statements+"]}"))
			if len(doc.Statements) != tc.kept {
				t.Errorf("kept %d statements, want %d", len(doc.Statements), tc.kept)
			}
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error %v, want %q", err, tc.want)
			case tc.want != "":
				var re *feed.RecordError
				if !errors.As(err, &re) || !errors.Is(err, feed.ErrFormat) {
					t.Errorf("error %v is not a located feed.ErrFormat", err)
				}
			}
		})
	}
	for _, in := range []string{`{`, `[1,2]`, strings.Repeat(" ", maxDocument+1)} {
		if _, err := Parse("x.json", strings.NewReader(in)); !errors.Is(err, feed.ErrFormat) {
			t.Errorf("Parse(%.10q...) error %v, want feed.ErrFormat", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, d := range documents {
		b, err := os.ReadFile(filepath.Join("testdata", d.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d.file, b)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, _ := Parse(name, strings.NewReader(string(data)))
		for _, st := range doc.Statements {
			if st.Vulnerability == "" || !st.Status.IsValid() || (st.Justification != "" && !st.Justification.IsValid()) {
				t.Fatalf("an invalid statement was kept: %+v", st)
			}
		}
	})
}
