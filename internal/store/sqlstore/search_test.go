package sqlstore

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestTrigrams(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"too short", "ab", nil},
		{"one", "ABC", []string{"abc"}},
		{"repeats once", "AAAA", []string{"aaa"}},
		{"in order of first place", "ESCALATION", []string{"esc", "sca", "cal", "ala", "lat", "ati", "tio", "ion"}},
		{"characters, not bytes", "远程执行", []string{"远程执", "程执行"}},
		{"spaces and quotes count", `A "B`, []string{`a "`, ` "b`}},
		{"invalid UTF-8 is a character", "a\xffb", []string{"a\ufffdb"}},
	} {
		if diff := cmp.Diff(c.want, trigrams(c.text)); diff != "" {
			t.Errorf("%s: trigrams(%q): -want +got:\n%s", c.name, c.text, diff)
		}
	}
	long := strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789", 1000)
	if got := len(trigrams(long)); got != 36 {
		t.Errorf("a text repeating 36 characters: %d trigrams, want 36", got)
	}
	var distinct strings.Builder
	for r := rune(0x4e00); distinct.Len() < 3*4*maxTrigrams; r++ {
		distinct.WriteRune(r)
	}
	if got := len(trigrams(distinct.String())); got != maxTrigrams {
		t.Errorf("a long text of distinct characters: %d trigrams, want %d", got, maxTrigrams)
	}
}

// FuzzTrigrams: whatever the text, each trigram is three characters of
// the lower-cased text, none twice, at most maxTrigrams; quoted for FTS5
// it is one string.
func FuzzTrigrams(f *testing.F) {
	for _, s := range []string{"", "ab", "ESCALATION", "远程执行任意命令漏洞", `"a"b"`, "a\xffb", "%_\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tris := trigrams(text)
		if len(tris) > maxTrigrams {
			t.Fatalf("%d trigrams, want at most %d", len(tris), maxTrigrams)
		}
		lower := strings.ToLower(text)
		seen := map[string]bool{}
		for _, tr := range tris {
			if n := utf8.RuneCountInString(tr); n != 3 {
				t.Errorf("trigram %q has %d characters", tr, n)
			}
			if seen[tr] {
				t.Errorf("trigram %q twice", tr)
			}
			seen[tr] = true
			if utf8.ValidString(text) && !strings.Contains(lower, tr) {
				t.Errorf("trigram %q not in %q", tr, lower)
			}
			q := ftsString(tr)
			if inner := q[1 : len(q)-1]; strings.ReplaceAll(inner, `""`, ``) != strings.ReplaceAll(tr, `"`, ``) {
				t.Errorf("ftsString(%q) = %s", tr, q)
			}
		}
	})
}
