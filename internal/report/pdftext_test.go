package report

import (
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func mustGlyphs(t testing.TB) *advances {
	t.Helper()
	a, err := glyphs()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGlyphChoice(t *testing.T) {
	a := mustGlyphs(t)
	tests := []struct {
		r    rune
		want face
	}{
		{'A', faceLatin}, {'1', faceLatin}, {' ', faceLatin}, {'é', faceLatin}, {'“', faceLatin}, {'—', faceLatin},
		{'\uFFFD', faceLatin}, {'漏', faceCJK}, {'，', faceCJK}, {'（', faceCJK}, {'の', faceCJK}, {'ㄱ', faceCJK},
	}
	for _, tt := range tests {
		fc, adv, ok := a.glyph(tt.r)
		if !ok || fc != tt.want || adv <= 0 {
			t.Errorf("glyph(%q) = face %d, advance %d, %v; want face %d", tt.r, fc, adv, ok, tt.want)
		}
	}
	for _, r := range []rune{'\U0001F600', 0x10000, -1, '\uE000'} {
		if fc, _, ok := a.glyph(r); ok {
			t.Errorf("glyph(%U) = face %d, want none", r, fc)
		}
	}
}

func TestClean(t *testing.T) {
	a := mustGlyphs(t)
	tests := []struct {
		name, in string
		limit    int
		want     string
	}{
		{"plain", "CVE-2021-44228", 100, "CVE-2021-44228"},
		{"chinese", "远程代码执行漏洞", 100, "远程代码执行漏洞"},
		{"white space collapses", "  a\t\tb\r\nc \u3000 d  ", 100, "a b c d"},
		{"controls", "a\x00b\x07c\x1bd\u0085e", 100, "a\uFFFDb\uFFFDc\uFFFDd e"}, // U+0085 NEL is white space
		{"invalid UTF-8", "a\xffb\xc3(c", 100, "a\uFFFDb\uFFFD(c"},
		{"bidi override dropped", "evil\u202Etxt.exe\u202C", 100, "eviltxt.exe"},
		{"zero width dropped", "a\u200Bb\u200Dc\uFEFFd\u00ADe", 100, "abcde"},
		{"astral and private use", "a😀b\U00010000c\uE000d", 100, "a\uFFFDb\uFFFDc\uFFFDd"},
		{"no font has it", "a\u0E01b\uD55Cc", 100, "a\uFFFDb\uFFFDc"}, // Thai; a Hangul syllable
		{"limit", "abcdefghij", 4, "abcd…"},
		{"limit at a space", "abcd efgh", 4, "abcd…"},
		{"empty", "", 10, ""},
		{"only spaces", " \t\n ", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clean(a, tt.in, tt.limit); got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// lineTexts flattens wrapped lines to their text.
func lineTexts(ls []wrapped) []string {
	var out []string
	for _, l := range ls {
		var b strings.Builder
		for _, s := range l.spans {
			b.WriteString(s.text)
		}
		out = append(out, b.String())
	}
	return out
}

// width is the advance of s, for setting up cases: what n characters of
// it take.
func width(a *advances, s string) float64 { return float64(sum0(a, s)) }

func TestWrap(t *testing.T) {
	a := mustGlyphs(t)
	han := width(a, "漏")
	tests := []struct {
		name     string
		text     string
		width    float64
		maxLines int
		want     []string
	}{
		{"fits", "remote code execution", 1e6, 0, []string{"remote code execution"}},
		{"breaks at spaces", "remote code execution", width(a, "remote code"), 0, []string{"remote code", "execution"}},
		{"chinese between characters", "远程代码执行漏洞", 3 * han, 0, []string{"远程代", "码执行", "漏洞"}},
		{"no line starts with closing punctuation", "远程代码，执行", 4 * han, 0, []string{"远程代", "码，执行"}},
		{"no line ends with opening punctuation", "远程代（码）", 4 * han, 0, []string{"远程代", "（码）"}},
		{"mixed", "Log4j2 远程代码执行", width(a, "Log4j2 远程"), 0, []string{"Log4j2 远程", "代码执行"}},
		{"long word at a separator", "org.apache.logging.log4j:log4j-core", width(a, "org.apache.logging.lo"), 0,
			[]string{"org.apache.logging.", "log4j:log4j-core"}},
		{"long word without separators", "aaaaaaaaaa", width(a, "aaaa"), 0, []string{"aaaa", "aaaa", "aa"}},
		{"narrower than a glyph", "abc", 1, 0, []string{"a", "b", "c"}},
		{"cut with ellipsis", "one two three four five", width(a, "one two"), 2, []string{"one two", "three…"}},
		{"cut chinese", "远程代码执行漏洞", 3 * han, 2, []string{"远程代", "码执…"}},
		{"empty", "", 100, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lineTexts(wrap(a, tt.text, tt.width, tt.maxLines))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("wrap(%q, %.0f): -want +got:\n%s", tt.text, tt.width, diff)
			}
		})
	}
}

func TestSpans(t *testing.T) {
	a := mustGlyphs(t)
	ls := wrap(a, "Apache Log4j2 远程代码 执行 (RCE)", 1e6, 0)
	if len(ls) != 1 {
		t.Fatalf("%d lines, want 1", len(ls))
	}
	type sp struct {
		Face face
		Text string
	}
	var got []sp
	total := 0
	for _, s := range ls[0].spans {
		got = append(got, sp{s.face, s.text})
		total += s.adv
	}
	want := []sp{{faceLatin, "Apache Log4j2 "}, {faceCJK, "远程代码 执行 "}, {faceLatin, "(RCE)"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans: -want +got:\n%s", diff)
	}
	if total != ls[0].adv {
		t.Errorf("line advance %d, spans add up to %d", ls[0].adv, total)
	}
}

// hostile are strings an advisory or an inventory might carry.
var hostile = []struct{ name, s string }{
	{"empty", ""},
	{"space", " "},
	{"formula", "=cmd|' /C calc'!A0"},
	{"line breaks and tabs", "line\nbreak\r\nand\ttab"},
	{"control characters", "\x00\x01\x02\x1b[31mred\x1b[0m\x7f\u0085\u009b"},
	{"invalid UTF-8", "\xff\xfe\xfd invalid \xc3\x28 UTF-8 \xe2\x82"},
	{"bidi and zero width", "evil\u202Etxt.exe \u2066isolate\u2069 \u200B\u200C\u200D\uFEFF"},
	{"astral and private use", "emoji 😀👍🏽 astral \U00010000 \U0010FFFF private \uE000\uF8FF"},
	{"combining marks", "combining a\u0301\u0302\u0303\u0304 alone \u0301\u0301\u0301"},
	{"scripts", "ＡＢＣ全角 ｶﾀｶﾅ 한국어 日本語 العربية עברית ไทย"},
	{"10 KB word", strings.Repeat("A", 10240)},
	{"10 KB words", strings.Repeat("word ", 2048)},
	{"10 KB chinese", strings.Repeat("远程代码执行漏洞", 1280)},
	{"5000 overrides", strings.Repeat("\u202E", 5000)},
	{"10 KB invalid", strings.Repeat("\xff", 10240)},
	{"3000 opening brackets", strings.Repeat("（", 3000)},
}

// FuzzLayout: clean and wrap never panic; clean gives valid UTF-8 every
// rune of which a font has, with no control or format characters; wrap
// keeps to its width and line count and, when it does not cut, loses no
// character.
func FuzzLayout(f *testing.F) {
	for _, h := range hostile {
		f.Add(h.s, 50.0, 3)
	}
	f.Add("远程代码，执行（漏洞）", 2000.0, 0)
	a := mustGlyphs(f)
	f.Fuzz(func(t *testing.T, s string, w float64, maxLines int) {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 || w > 1e6 || maxLines < 0 || maxLines > 50 {
			t.Skip()
		}
		c := clean(a, s, maxCellRunes)
		if !utf8.ValidString(c) {
			t.Fatalf("clean(%q) = %q: invalid UTF-8", s, c)
		}
		if n := utf8.RuneCountInString(c); n > maxCellRunes+1 {
			t.Fatalf("clean kept %d runes", n)
		}
		for _, r := range c {
			if _, _, ok := a.glyph(r); !ok || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
				t.Fatalf("clean(%q) kept %U", s, r)
			}
		}
		if c != strings.TrimSpace(c) || strings.Contains(c, "  ") {
			t.Fatalf("clean(%q) = %q: spaces not collapsed", s, c)
		}
		ls := wrap(a, c, w, maxLines)
		if maxLines > 0 && len(ls) > maxLines {
			t.Fatalf("%d lines, max %d", len(ls), maxLines)
		}
		limit := int(math.Floor(w))
		for i, l := range ls {
			n := 0
			for _, s := range l.spans {
				n += utf8.RuneCountInString(s.text)
			}
			if l.adv > limit && n > 1 {
				t.Fatalf("line %d %q: advance %d > width %d", i, lineTexts(ls)[i], l.adv, limit)
			}
		}
		if maxLines == 0 || len(ls) < maxLines {
			strip := func(s string) string { return strings.ReplaceAll(s, " ", "") }
			if got := strip(strings.Join(lineTexts(ls), "")); got != strip(c) {
				t.Fatalf("wrap lost text: %q, want %q", got, strip(c))
			}
		}
	})
}
