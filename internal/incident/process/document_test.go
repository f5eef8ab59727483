package process

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// minimal is the smallest playbook document there is.
const minimal = `key: phishing
title: {en: Phishing, zh-CN: 网络钓鱼}
steps:
  - phase: detection_analysis
    role: incident-handler
    task: other
    title: {en: Find who clicked, zh-CN: 查明点击者}
    description: {en: Search the mail gateway logs., zh-CN: 检索邮件网关日志。}
`

func TestParsePlaybook(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		err       string
	}{
		{"minimal YAML", minimal, ""},
		{"minimal JSON", `{"key":"phishing","title":{"en":"Phishing","zh-CN":"网络钓鱼"},"steps":[{"phase":"detection_analysis","role":"incident-handler",
			"title":{"en":"Find who clicked","zh-CN":"查明点击者"},"description":{"en":"Search the logs.","zh-CN":"检索日志。"}}]}`, ""},
		{"JSON after a BOM and blanks", "\ufeff \n" + `{"key":"p","title":{"en":"P","zh-CN":"P"},"steps":[{"phase":"preparation","role":"lead","title":{"en":"t","zh-CN":"t"},"description":{"en":"d","zh-CN":"d"}}]}`, ""},
		{"empty", "", "playbook document: yaml: empty document"},
		{"only a comment", "# nothing\n", "yaml: empty document"},
		{"not a mapping", "- a\n- b\n", "cannot unmarshal !!seq into process.document"},
		{"misspelt field", strings.Replace(minimal, "role:", "rolle:", 1), "line 5: field rolle not found"},
		{"unknown top-level field", minimal + "owner: alice\n", "field owner not found"},
		{"two documents", minimal + "---\n" + minimal, "yaml: more than one document"},
		{"version not a number", minimal + "version: two\n", "cannot unmarshal !!str `two` into int"},
		{"invalid phase names its step", strings.Replace(minimal, "detection_analysis", "identification", 1), `steps[0].phase: unknown "identification"`},
		{"invalid task names its step", strings.Replace(minimal, "task: other", "task: cleanup", 1), `steps[0].task: unknown task kind "cleanup"`},
		{"missing Chinese", strings.Replace(minimal, ", zh-CN: 查明点击者", "", 1), "steps[0].title.zh-CN: empty"},
		{"no key", strings.Replace(minimal, "key: phishing\n", "", 1), `key: "" is not a key`},
		{"JSON unknown field", `{"key":"p","colour":"red"}`, `json: json: unknown field "colour"`},
		{"JSON trailing data", `{"key":"p"} {"key":"q"}`, "json: more after the document"},
		{"JSON truncated", `{"key":"p","steps":[`, "json: unexpected EOF"},
		{"JSON wrong type", `{"key":42}`, "json: json: cannot unmarshal number into Go struct field document.key of type string"},
		{"too large", "key: x\n" + strings.Repeat("#", MaxDocument), "more than 256 KiB"},
		// A step repeated by alias costs the parser for each alias, not
		// the input's bytes: yaml.v3 refuses a document that leans on
		// them this much.
		{"aliases", strings.Replace(minimal, "  - phase:", "  - &s\n    phase:", 1) + strings.Repeat("  - *s\n", 30000), "yaml: document contains excessive aliasing"},
		{"more steps than a team follows", strings.Replace(minimal, "  - phase:", "  - &s\n    phase:", 1) + strings.Repeat("  - *s\n", 100), "steps: 101, more than 100"},
	} {
		p, err := ParsePlaybook([]byte(tc.doc))
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			continue
		}
		if err == nil && (p.Key == "" || len(p.Steps) == 0) {
			t.Errorf("%s: parsed to %+v", tc.name, p)
		}
	}
}

// TestEncodeRoundTrip: what is exported in either format is imported
// back as it was, and the YAML export of the sample is its golden file.
func TestEncodeRoundTrip(t *testing.T) {
	p := sample(t)
	p.Version = 2
	for _, f := range []Format{YAML, JSON} {
		b, err := EncodePlaybook(p, f)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePlaybook(b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, b)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Errorf("%s round trip -want +got:\n%s", f, diff)
		}
		golden := filepath.Join("testdata", "export."+string(f))
		if os.Getenv("UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(golden, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(b)); diff != "" {
			t.Errorf("%s export -%s +got (UPDATE_GOLDEN=1 to accept):\n%s", f, golden, diff)
		}
	}
	if _, err := EncodePlaybook(p, "toml"); err == nil {
		t.Error("an unknown format encoded")
	}
	for in, want := range map[string]Format{"YAML": YAML, "yml": YAML, " json ": JSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml is a format")
	}
}

// FuzzParsePlaybook: no document makes the parser panic, and whatever
// parses re-encodes, in both formats, to a document that parses back
// to the same playbook.
func FuzzParsePlaybook(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(`{"key":"p","title":{"en":"P","zh-CN":"P"},"steps":[{"phase":"preparation","role":"lead","title":{"en":"t","zh-CN":"t"},"description":{"en":"d\n\tx","zh-CN":"d"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePlaybook(b)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		for _, format := range []Format{YAML, JSON} {
			out, err := EncodePlaybook(p, format)
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			back, err := ParsePlaybook(out)
			if err != nil {
				t.Fatalf("%s: re-encoded document does not parse: %v\n%s", format, err, out)
			}
			if diff := cmp.Diff(p, back); diff != "" {
				t.Fatalf("%s round trip -want +got:\n%s", format, diff)
			}
		}
	})
}
