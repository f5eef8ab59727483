package report

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/johnfercher/go-tree/node"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/vmc-dev/vmc/internal/font"
)

// face is one of the embedded fonts.
type face uint8

const (
	faceLatin face = iota
	faceCJK
	numFaces
)

// families are the names the fonts are registered under in the PDF
// writer, which lower-cases them; pdffonts shows them as utf8<name>.
var families = [numFaces]string{"dejavusanscondensed", "droidsansfallback"}

var faceData = [numFaces][]byte{font.Latin, font.CJK}

const (
	// mmPerPt converts font sizes (points) to page units (mm).
	mmPerPt = 25.4 / 72
	// leading is a line's height over its font size.
	leading = 1.25
	// replacement stands for what no font can show. Latin has it
	// (internal/font's TestCoverage).
	replacement = '\uFFFD'
	ellipsis    = "…"
	// maxCellRunes bounds the text a cell lays out. A cell shows a few
	// lines, a few hundred characters at most; a 10 KB advisory title
	// would only cost time to measure and then be cut.
	maxCellRunes = 600
)

// advances holds, for each rune of the Basic Multilingual Plane and each
// face, the advance width in thousandths of an em, rounded as the PDF
// writer (gofpdf) rounds the widths it puts in the PDF, or -1 where the
// face has no glyph. The writer reads only a font's format 4 cmap, the
// BMP, so runes beyond it are not set at all.
type advances [numFaces][]int16

// glyphs parses the fonts once; 256 KB of tables, built in milliseconds.
var glyphs = sync.OnceValues(func() (*advances, error) {
	var a advances
	var buf sfnt.Buffer
	for fc, data := range faceData {
		f, err := sfnt.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", families[fc], err)
		}
		upem := int(f.UnitsPerEm())
		scale := 1000 / float64(upem)
		// At upem pixels per em, one pixel is one font unit.
		ppem := fixed.I(upem)
		tab := make([]int16, 0x10000)
		for r := range tab {
			tab[r] = -1
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			gi, err := f.GlyphIndex(&buf, rune(r))
			if err != nil || gi == 0 {
				continue
			}
			adv, err := f.GlyphAdvance(&buf, gi, ppem, xfont.HintingNone)
			if err != nil {
				continue
			}
			tab[r] = int16(min(math.Round(scale*float64(adv)/64), math.MaxInt16))
		}
		a[fc] = tab
	}
	return &a, nil
})

// glyph returns the face that sets r, preferring Latin, and its advance
// in thousandths of an em; ok is false if no face has r.
func (a *advances) glyph(r rune) (fc face, adv int, ok bool) {
	if r < 0 || r > 0xFFFF {
		return 0, 0, false
	}
	for fc := range numFaces {
		if w := a[fc][r]; w >= 0 {
			return fc, int(w), true
		}
	}
	return 0, 0, false
}

// clean makes text from outside fit to lay out: invalid UTF-8, control
// characters, private-use and non-BMP runes, and runes neither font has
// become U+FFFD; runs of white space (line breaks and tabs included)
// become one space, trimmed at both ends; format characters (Unicode
// category Cf: bidirectional overrides and isolates, zero-width spaces
// and joiners, the BOM, soft hyphens) are dropped, since they are
// invisible and an override can make a title read backwards. At most
// limit runes are kept, then an ellipsis.
func clean(a *advances, s string, limit int) string {
	var b strings.Builder
	n := 0
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			r = replacement
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Co, r), r > 0xFFFF:
			r = replacement
		}
		if _, _, ok := a.glyph(r); !ok {
			r = replacement
		}
		sep := space && n > 0
		space = false
		if need := n + 1 + btoi(sep); need > limit {
			b.WriteString(ellipsis)
			break
		}
		if sep {
			b.WriteByte(' ')
			n++
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Line breaking: no line starts with closing punctuation or ends with
// opening punctuation (the simplest of the Chinese kinsoku rules,
// GB/T 15834 and W3C's clreq).
const (
	noBreakBefore = "，。、；：？！）》」』】〉〕｝”’…‥％・ー～,.;:!?)]}%"
	noBreakAfter  = "（《「『【〈〔｛“‘([{"
	// breakAfter are where a word too long for a line (a package name,
	// a PURL, a URL) is best broken.
	breakAfter = "/.:-_@?&=,;|"
)

// span is text in one face, with its width in thousandths of an em.
type span struct {
	face face
	text string
	adv  int
}

// wrapped is one line: its spans and width in thousandths of an em.
type wrapped struct {
	spans []span
	adv   int
}

// wrap breaks cleaned text into lines no wider than width (in
// thousandths of an em), at spaces and around CJK characters, breaking a
// word that is wider than a line wherever it must. After maxLines lines
// (0: no limit) it stops, ending the last line with an ellipsis.
func wrap(a *advances, text string, width float64, maxLines int) []wrapped {
	rs := []rune(text)
	if len(rs) == 0 {
		return nil
	}
	faces := make([]face, len(rs))
	advs := make([]int, len(rs))
	for i, r := range rs {
		fc, adv, ok := a.glyph(r)
		if !ok { // clean has replaced these; text from us has none
			fc, adv, _ = a.glyph(replacement)
			rs[i] = replacement
		}
		faces[i], advs[i] = fc, adv
	}
	sum := func(lo, hi int) int {
		w := 0
		for _, x := range advs[lo:hi] {
			w += x
		}
		return w
	}

	// Units are what a line is not broken inside: a word, or one CJK
	// character with the punctuation that sticks to it.
	type unit struct{ lo, hi int }
	var units []unit
	lo := -1
	for i, r := range rs {
		if r == ' ' {
			if lo >= 0 {
				units = append(units, unit{lo, i})
				lo = -1
			}
			continue
		}
		if lo >= 0 {
			prev := rs[i-1]
			wide := faces[i] == faceCJK || faces[i-1] == faceCJK
			if wide && prev != ' ' && !strings.ContainsRune(noBreakBefore, r) && !strings.ContainsRune(noBreakAfter, prev) {
				units = append(units, unit{lo, i})
				lo = i
			}
			continue
		}
		lo = i
	}
	if lo >= 0 {
		units = append(units, unit{lo, len(rs)})
	}

	// Lines are [lo, hi) ranges of rs; a space between units inside a
	// line stays in the range.
	type rng struct{ lo, hi int }
	var lines []rng
	cur, curW := rng{-1, -1}, 0
	limit := int(math.Floor(width))
	flush := func() {
		if cur.lo >= 0 {
			lines = append(lines, cur)
		}
		cur, curW = rng{-1, -1}, 0
	}
	for _, u := range units {
		w := sum(u.lo, u.hi)
		if cur.lo >= 0 {
			gap := sum(cur.hi, u.lo) // the space between, if any
			if curW+gap+w <= limit {
				cur.hi, curW = u.hi, curW+gap+w
				continue
			}
			flush()
		}
		if w <= limit {
			cur, curW = rng{u.lo, u.hi}, w
			continue
		}
		// Wider than a line: break it between runes, after the last
		// separator that fits if there is one (org.apache.logging. /
		// log4j:log4j-core), and at least one rune a line so that a
		// column narrower than a glyph still ends.
		start, acc := u.lo, 0
		for i := u.lo; i < u.hi; i++ {
			if i > start && acc+advs[i] > limit {
				end := i
				for j := i - 1; j > start; j-- {
					if strings.ContainsRune(breakAfter, rs[j]) {
						end = j + 1
						break
					}
				}
				lines = append(lines, rng{start, end})
				start, acc = end, sum(end, i)
			}
			acc += advs[i]
		}
		cur, curW = rng{start, u.hi}, acc
	}
	flush()

	cut := maxLines > 0 && len(lines) > maxLines
	if cut {
		lines = lines[:maxLines]
	}
	out := make([]wrapped, len(lines))
	for i, l := range lines {
		hi := l.hi
		var tail bool
		if cut && i == len(lines)-1 {
			ell := sum0(a, ellipsis)
			for hi > l.lo && (sum(l.lo, hi)+ell > limit || rs[hi-1] == ' ') {
				hi--
			}
			tail = true
		}
		out[i] = spans(rs[l.lo:hi], faces[l.lo:hi], advs[l.lo:hi])
		if tail {
			fc, adv, _ := a.glyph('…')
			out[i].add(fc, ellipsis, adv)
		}
	}
	return out
}

// sum0 is the advance of s, runes no face has counted as nothing.
func sum0(a *advances, s string) int {
	w := 0
	for _, r := range s {
		if _, adv, ok := a.glyph(r); ok {
			w += adv
		}
	}
	return w
}

// spans splits a line into runs of one face. A space stays in the run it
// follows: both faces have one.
func spans(rs []rune, faces []face, advs []int) wrapped {
	var l wrapped
	for i := 0; i < len(rs); {
		fc := faces[i]
		j, w := i, 0
		for j < len(rs) && (faces[j] == fc || rs[j] == ' ') {
			w += advs[j]
			j++
		}
		l.add(fc, string(rs[i:j]), w)
		i = j
	}
	return l
}

func (l *wrapped) add(fc face, s string, adv int) {
	if n := len(l.spans); n > 0 && l.spans[n-1].face == fc {
		l.spans[n-1].text += s
		l.spans[n-1].adv += adv
	} else {
		l.spans = append(l.spans, span{fc, s, adv})
	}
	l.adv += adv
}

// para is a paragraph of a text box: cleaned text in one size and colour.
type para struct {
	text     string
	size     float64 // points
	color    props.Color
	maxLines int // 0: no limit
}

// textBox is a maroto component that sets paragraphs in a cell with the
// embedded fonts, breaking lines itself (see the package doc). It lays
// out once per width: the height computed for pagination is the height
// rendered.
type textBox struct {
	adv   *advances
	paras []para
	align align.Type // Left, Right or Center
	padX  float64    // mm, left and right
	padY  float64    // mm, top and bottom

	width float64 // the cell width lines were laid out for
	lines []boxLine
}

type boxLine struct {
	wrapped
	p *para
}

var _ core.Component = (*textBox)(nil)

// layout breaks the paragraphs into lines for a cell of width mm.
func (b *textBox) layout(width float64) {
	if b.lines != nil && b.width == width {
		return
	}
	b.width, b.lines = width, b.lines[:0]
	inner := max(width-2*b.padX, 0)
	for i := range b.paras {
		p := &b.paras[i]
		// thousandths of an em that fit in inner mm at p.size
		em := inner / (p.size * mmPerPt) * 1000
		for _, l := range wrap(b.adv, p.text, em, p.maxLines) {
			b.lines = append(b.lines, boxLine{l, p})
		}
	}
	if b.lines == nil {
		b.lines = []boxLine{}
	}
}

// height is the box's height in a cell of width mm.
func (b *textBox) height(width float64) float64 {
	b.layout(width)
	h := 2 * b.padY
	for _, l := range b.lines {
		h += l.p.size * mmPerPt * leading
	}
	return h
}

func (b *textBox) GetHeight(_ core.Provider, cell *entity.Cell) float64 {
	return b.height(cell.Width)
}

func (b *textBox) SetConfig(*entity.Config) {}

func (b *textBox) GetStructure() *node.Node[core.Structure] {
	var texts []string
	for _, p := range b.paras {
		texts = append(texts, p.text)
	}
	return node.New(core.Structure{Type: "vmc-text", Value: strings.Join(texts, "\n")})
}

// Render sets each span with maroto's text primitive at the position
// computed here. The cell handed to it is the span's own, a little wider
// than the span, so that maroto never breaks it again.
func (b *textBox) Render(provider core.Provider, cell *entity.Cell) {
	b.layout(cell.Width)
	y := cell.Y + b.padY
	for _, l := range b.lines {
		size := l.p.size
		mm := size * mmPerPt / 1000 // mm per thousandth of an em
		x := cell.X + b.padX
		switch free := cell.Width - 2*b.padX - float64(l.adv)*mm; b.align {
		case align.Right:
			x += max(free, 0)
		case align.Center:
			x += max(free, 0) / 2
		}
		lh := size * mmPerPt * leading
		color := l.p.color
		for _, s := range l.spans {
			w := float64(s.adv) * mm
			provider.AddText(s.text, &entity.Cell{X: x, Y: y, Width: w + 1, Height: lh}, &props.Text{
				Family: families[s.face],
				Style:  fontstyle.Normal,
				Size:   size,
				Align:  align.Left,
				Color:  &color,
			})
			x += w
		}
		y += lh
	}
}
