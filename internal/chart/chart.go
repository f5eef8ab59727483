package chart

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"
)

// Format is the output format of a chart.
type Format string

const (
	// SVG is an SVG 1.1 document with width, height and viewBox on its
	// root, for <img src> in the web UI.
	SVG Format = "svg"
	// PNG is an 8-bit RGBA PNG, for PDF reports.
	PNG Format = "png"
)

var formats = []Format{SVG, PNG}

func (f Format) String() string { return string(f) }

// IsValid reports whether f is a known format.
func (f Format) IsValid() bool { return slices.Contains(formats, f) }

// ContentType is the media type to serve f with.
func (f Format) ContentType() string {
	if f == PNG {
		return "image/png"
	}
	return "image/svg+xml"
}

// UnmarshalText accepts the known formats only.
func (f *Format) UnmarshalText(b []byte) error {
	if !Format(b).IsValid() {
		return fmt.Errorf("%w: format: unknown %q (svg, png)", ErrOptions, b)
	}
	*f = Format(b)
	return nil
}

// Lang is the language of a chart's labels, as a BCP 47 tag.
type Lang string

const (
	English           Lang = "en"
	SimplifiedChinese Lang = "zh-CN"
)

var langs = []Lang{English, SimplifiedChinese}

func (l Lang) String() string { return string(l) }

// IsValid reports whether l is a language the charts are labelled in.
func (l Lang) IsValid() bool { return slices.Contains(langs, l) }

// UnmarshalText accepts the known languages only.
func (l *Lang) UnmarshalText(b []byte) error {
	if !Lang(b).IsValid() {
		return fmt.Errorf("%w: lang: unknown %q (en, zh-CN)", ErrOptions, b)
	}
	*l = Lang(b)
	return nil
}

// Sizes, in pixels. The default suits a dashboard tile. Below MinWidth ×
// MinHeight the 16-pixel text (which does not shrink with the chart)
// leaves the plot no room: legends wrap over it and axis labels collide.
// MaxSize bounds what a request can make vmc allocate (a 4000×4000 PNG
// is a 64 MB RGBA canvas).
const (
	DefaultWidth  = 600
	DefaultHeight = 300
	MinWidth      = 400
	MinHeight     = 250
	MaxSize       = 4000
)

// MaxLabelRunes is how long a data-supplied label (a source name) may be
// before it is cut and ended with "…". On a chart narrower than about
// 900 pixels the cut comes sooner: see cleanLabel.
const MaxLabelRunes = 32

var (
	// ErrOptions marks Options a chart cannot be drawn with.
	ErrOptions = errors.New("invalid chart options")
	// ErrData marks chart data that cannot be drawn: negative counts,
	// unknown priorities, duplicate or unset periods, spans too long.
	ErrData = errors.New("invalid chart data")
	// ErrRender marks a failure inside the rendering library.
	ErrRender = errors.New("chart rendering failed")
)

// Options says how to draw a chart. The zero value is an English SVG of
// DefaultWidth × DefaultHeight in the library's Roboto font.
type Options struct {
	// Format is SVG or PNG; empty means SVG.
	Format Format
	// Lang picks the labels; empty means English.
	Lang Lang
	// Width and Height in pixels: 0 for the default, else from MinWidth
	// or MinHeight to MaxSize.
	Width, Height int
	// Font is a TrueType font (the bytes of a .ttf) for all text. A
	// zh-CN PNG requires one with CJK glyphs; see the package doc.
	Font []byte
	// Title replaces the chart's own localised title when not empty.
	Title string
}

// setup is Options checked and resolved.
type setup struct {
	format        Format
	width, height int
	font          *truetype.Font
	text          *text
	title         string // Options.Title, cleaned; "" for the chart's own
}

// cjkProbe is a character every zh-CN chart uses (in 漏洞, vulnerability);
// a font without it cannot label a Chinese chart.
const cjkProbe = '漏'

func prepare(o Options) (*setup, error) {
	s := &setup{format: o.Format, width: o.Width, height: o.Height}
	if s.format == "" {
		s.format = SVG
	}
	if !s.format.IsValid() {
		return nil, fmt.Errorf("%w: format: unknown %q (svg, png)", ErrOptions, o.Format)
	}
	lang := o.Lang
	if lang == "" {
		lang = English
	}
	if !lang.IsValid() {
		return nil, fmt.Errorf("%w: lang: unknown %q (en, zh-CN)", ErrOptions, o.Lang)
	}
	s.text = texts[lang]
	for _, d := range []struct {
		name     string
		v        *int
		def, min int
	}{{"width", &s.width, DefaultWidth, MinWidth}, {"height", &s.height, DefaultHeight, MinHeight}} {
		switch {
		case *d.v == 0:
			*d.v = d.def
		case *d.v < d.min || *d.v > MaxSize:
			return nil, fmt.Errorf("%w: %s: %d pixels, want %d to %d", ErrOptions, d.name, *d.v, d.min, MaxSize)
		}
	}
	if len(o.Font) > 0 {
		f, err := parseFont(o.Font)
		if err != nil {
			return nil, fmt.Errorf("%w: font: %w", ErrOptions, err)
		}
		if lang == SimplifiedChinese && f.Index(cjkProbe) == 0 {
			return nil, fmt.Errorf("%w: font: %q has no Chinese glyphs, which zh-CN labels need", ErrOptions, f.Name(truetype.NameIDFontFamily))
		}
		s.font = f
	} else {
		if lang == SimplifiedChinese && s.format == PNG {
			return nil, fmt.Errorf("%w: font: a zh-CN PNG needs a CJK font; the built-in fonts would draw its labels as boxes", ErrOptions)
		}
		// Named rather than charts.GetDefaultFont(), which any package
		// in the binary can change with charts.SetDefaultFont.
		s.font = charts.GetFont(charts.FontFamilyRoboto)
	}
	s.title = cleanTitle(o.Title)
	return s, nil
}

// parseFont parses a TrueType font. The fonts are vmc's own, but the
// parser panics on some malformed input (golang/freetype issue 17 lists
// 42 crashers found by fuzzing; issue 87 a panic loading a glyph, which
// render's recover covers), and a bad font should fail the chart, not the
// server.
func parseFont(ttf []byte) (f *truetype.Font, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("malformed font: %v", r)
		}
	}()
	return truetype.Parse(ttf)
}

// titleOr returns the caller's title, else def.
func (s *setup) titleOr(def string) string {
	if s.title != "" {
		return s.title
	}
	return def
}

// Colours. Text and axes are the library's light theme's, written out so
// that a theme installed elsewhere under the same name cannot change them.
var (
	colorText       = charts.Color{R: 70, G: 70, B: 70, A: 255}
	colorMuted      = charts.Color{R: 140, G: 140, B: 140, A: 255}
	colorBackground = charts.ColorWhite
)

// theme returns this package's palette with series in the given colours.
func theme(series ...charts.Color) charts.ColorPalette {
	return charts.MakeTheme(charts.ThemeOption{
		AxisStrokeColor:    charts.Color{R: 110, G: 112, B: 121, A: 255},
		AxisSplitLineColor: charts.Color{R: 224, G: 230, B: 242, A: 255},
		BackgroundColor:    colorBackground,
		TextColor:          colorText,
		SeriesColors:       series,
	})
}

// fontSize is the library's default (12 pt, 16 px at its 96 DPI), used
// for every text so that all four charts look alike.
const fontSize = 12

func (s *setup) style(c charts.Color) charts.FontStyle {
	return charts.FontStyle{Font: s.font, FontSize: fontSize, FontColor: c}
}

// render draws a chart with draw and returns its bytes. A panic in the
// library (it is fed data-controlled labels and values) comes back as an
// error: a PDF report task should fail one chart, not the process.
func (s *setup) render(th charts.ColorPalette, draw func(p *charts.Painter) error) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: panic: %v", ErrRender, r)
		}
	}()
	p := charts.NewPainter(charts.PainterOptions{
		OutputFormat: string(s.format),
		Width:        s.width,
		Height:       s.height,
		Font:         s.font,
		Theme:        th,
	})
	if err := draw(p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRender, err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: encode %s: %w", ErrRender, s.format, err)
	}
	if s.format == SVG {
		return sizeSVG(b, s.width, s.height)
	}
	return b, nil
}

// sizeSVG adds width and height to the root element. The library writes
// only a viewBox, and an <img> of an SVG without width and height has no
// intrinsic size: browsers then draw it at 300×150 or stretch it to the
// container.
func sizeSVG(b []byte, w, h int) ([]byte, error) {
	const root = "<svg "
	if !bytes.HasPrefix(b, []byte(root)) {
		return nil, fmt.Errorf("%w: SVG output does not start with %q", ErrRender, root)
	}
	out := make([]byte, 0, len(b)+32)
	out = fmt.Appendf(out, `<svg width="%d" height="%d" `, w, h)
	return append(out, b[len(root):]...), nil
}

// noData draws a chart with its title and a centred "No data": what an
// empty dashboard shows instead of an empty axis.
func (s *setup) noData(title string) ([]byte, error) {
	return s.render(theme(colorText), func(p *charts.Painter) error {
		p.FilledRect(0, 0, s.width, s.height, colorBackground, colorBackground, 0)
		const pad = 20 // the library's default chart padding
		ts := s.style(colorText)
		y := pad
		for line := range strings.SplitSeq(title, "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			y += p.MeasureText(line, 0, ts).Height()
			p.Text(line, pad, y, 0, ts)
			y += 4
		}
		ms := s.style(colorMuted)
		box := p.MeasureText(s.text.noData, 0, ms)
		p.Text(s.text.noData, (s.width-box.Width())/2, (s.height+box.Height())/2, 0, ms)
		return nil
	})
}

// niceAxis is a value axis from 0 to max in labels-1 equal steps of a
// round size (1, 2 or 5 times a power of ten), with headroom above the
// largest value for the value labels drawn beyond it.
type niceAxis struct {
	max      float64
	labels   int
	decimals int // what the step needs: 0 for 10, 1 for 0.5
}

// axisFor returns the axis with the most intervals, up to five, whose
// labels fit in space pixels along the axis: on a vertical axis 30
// pixels a step, on a horizontal one half as much again as the widest
// label. The library neither thins value labels that collide nor leaves
// room for the last one, which it puts flush with the end of the axis.
func axisFor(largest, headroom float64, space int, horizontal, integer bool) niceAxis {
	var a niceAxis
	for intervals := 5; intervals >= 1; intervals-- {
		a = axisWith(largest, headroom, intervals, integer)
		need := 30
		if horizontal {
			need = textPx(number(a.max, a.decimals))*3/2 + 8
		}
		if space/(a.labels-1) >= need {
			break
		}
	}
	return a
}

// axisWith is the axis of at most the given intervals.
func axisWith(largest, headroom float64, intervals int, integer bool) niceAxis {
	if !(largest > 0) || math.IsInf(largest, 0) {
		return niceAxis{max: 1, labels: 2, decimals: 0}
	}
	top := largest * headroom
	raw := top / float64(intervals)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, f := range []float64{1, 2, 5} {
		if f*mag >= raw {
			step = f * mag
			break
		}
	}
	if integer && step < 1 {
		step = 1
	}
	n := math.Ceil(top / step)
	a := niceAxis{max: n * step, labels: int(n) + 1}
	if step < 1 {
		a.decimals = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return a
}

// Layout estimates, in pixels, of what surrounds a plot: the library's
// padding (20 each side), a title line, a legend line, an axis line.
// They decide how many value labels an axis gets, so being a little off
// costs at most one label.
const (
	padPx    = 40
	linePx   = 30
	legendPx = 30
)

func (a niceAxis) option(s *setup) charts.ValueAxisOption {
	return charts.ValueAxisOption{
		Min:            charts.Ptr(0.0),
		Max:            charts.Ptr(a.max),
		LabelCount:     a.labels,
		LabelFontStyle: s.style(colorText),
		ValueFormatter: func(v float64) string { return number(v, a.decimals) },
	}
}

// number formats v with the given decimals and a comma between thousands
// (12,345.6), which reads the same in English and Chinese.
func number(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func integer(v float64) string { return number(v, 0) }

// cleanLabel makes a data-supplied name fit to draw: invalid UTF-8 and
// control characters (which would move or break the text) are dropped,
// space is trimmed, and the name is cut to MaxLabelRunes and to about
// maxPx pixels, so that one long name cannot take the whole width from
// the plot. Widths are estimated (16 px for a wide East Asian character,
// 9 px for others, at the 16 px text size) rather than measured, so that
// the cut does not depend on the font. Escaping is the SVG writer's, and
// the tests check it.
func cleanLabel(s string, maxPx int) string {
	s = stripControl(s)
	rs := []rune(s)
	px, n := 0, 0
	for n < len(rs) && n < MaxLabelRunes {
		w := runePx(rs[n])
		if px+w > maxPx {
			break
		}
		px += w
		n++
	}
	if n == len(rs) {
		return s
	}
	// Cut further to make room for the ellipsis, within both limits.
	for n > 0 && (n+1 > MaxLabelRunes || px+runePx('…') > maxPx) {
		n--
		px -= runePx(rs[n])
	}
	return strings.TrimSpace(string(rs[:n])) + "…"
}

// textPx estimates the width of s in pixels at fontSize.
func textPx(s string) int {
	px := 0
	for _, r := range s {
		px += runePx(r)
	}
	return px
}

// runePx estimates a character's width in pixels at fontSize.
func runePx(r rune) int {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0xFF01 && r <= 0xFF60 || r >= 0x3000 && r <= 0x303F { // fullwidth forms, CJK punctuation
		return 16
	}
	return 9
}

// stripControl drops invalid UTF-8 and control characters from s and
// trims the space around it.
func stripControl(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "")))
}

// cleanTitle cleans a caller's title line by line (the library breaks
// titles at newlines), keeping at most two lines of 100 runes each.
func cleanTitle(s string) string {
	var lines []string
	for line := range strings.SplitSeq(s, "\n") {
		line = stripControl(line)
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > 100 {
			line = string([]rune(line)[:99]) + "…"
		}
		if lines = append(lines, line); len(lines) == 2 {
			break
		}
	}
	return strings.Join(lines, "\n")
}

// null is the library's marker for a missing value: a gap in a line, no
// bar in a bar chart.
var null = charts.GetNullValue()

// only returns n values, all null but the i-th. Bar charts colour by
// series, not by bar; a stack of such series, one per bar, gives each bar
// its own colour.
func only(n, i int, v float64) []float64 {
	vals := make([]float64, n)
	for j := range vals {
		vals[j] = null
	}
	vals[i] = v
	return vals
}
