package font

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"golang.org/x/image/font/sfnt"
)

func TestEmbedded(t *testing.T) {
	tests := []struct {
		name, family, sha string
		data              []byte
	}{
		{"CJK", CJKFamily, CJKSHA256, CJK},
		{"Latin", LatinFamily, LatinSHA256, Latin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := sha256.Sum256(tt.data)
			if got := hex.EncodeToString(sum[:]); got != tt.sha {
				t.Errorf("SHA-256 = %s, want %s (a new font needs its constant, doc.go and NOTICE updated)", got, tt.sha)
			}
			f, err := sfnt.Parse(tt.data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var buf sfnt.Buffer
			name, err := f.Name(&buf, sfnt.NameIDFamily)
			if err != nil {
				t.Fatalf("family name: %v", err)
			}
			if name != tt.family {
				t.Errorf("family name = %q, want %q", name, tt.family)
			}
		})
	}
}

// TestCoverage pins which font has which glyphs, since reports choose
// the font per character: CJK has the Chinese report text but, being a
// fallback font, no Latin letters or digits; Latin has those and the
// punctuation and replacement character reports print.
func TestCoverage(t *testing.T) {
	ascii := make([]rune, 0, 95)
	for r := rune(0x20); r < 0x7f; r++ {
		ascii = append(ascii, r)
	}
	tests := []struct {
		name  string
		font  []byte
		text  string
		has   bool // whether every rune has a glyph, or none (space aside)
		space bool
	}{
		{"CJK/chinese", CJK, "远程代码执行漏洞第页共发现报告生成时间紧急高中低已修复验证风险接受误报逾期处理人团队资产软件包状态优先级筛选条件", true, false},
		{"CJK/punctuation", CJK, "，。：；（）、《》【】「」！？\u3000", true, false},
		{"CJK/no-latin", CJK, "AZaz09#%-./", false, false},
		{"CJK/no-general-punctuation", CJK, "“”—…·\uFFFD", false, false},
		{"Latin/ascii", Latin, string(ascii), true, true},
		{"Latin/latin-1", Latin, "éüßñçøÅ×÷°±µ·", true, false},
		{"Latin/general-punctuation", Latin, "“”‘’—–…•\uFFFD", true, false},
		{"Latin/no-chinese", Latin, "远程代码执行漏洞，。", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := sfnt.Parse(tt.font)
			if err != nil {
				t.Fatal(err)
			}
			var buf sfnt.Buffer
			for _, r := range tt.text {
				gi, err := f.GlyphIndex(&buf, r)
				if err != nil {
					t.Fatalf("%q: %v", r, err)
				}
				if has := gi != 0; has != tt.has {
					t.Errorf("%q (U+%04X): has glyph %v, want %v", r, r, has, tt.has)
				}
			}
		})
	}
}
