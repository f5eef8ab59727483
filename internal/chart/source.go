package chart

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/go-analyze/charts"
)

// SourceCount is how many records or findings one source brought in: a
// feed (nvd, cve5, osv, ghsa, cnvd, cnnvd, jvn, kev, csaf) or a scanner.
type SourceCount struct {
	// Source is the name drawn on the axis, as given but cleaned and cut
	// to fit (see MaxLabelRunes); an empty name is drawn as "(unknown)".
	Source string `json:"source"`
	Count  int    `json:"count"`
}

// Bounds on IntakeBySource's top: past MaxTopSources bars, a default-sized
// chart has bars a few pixels thick and labels on top of each other.
const (
	DefaultTopSources = 8
	MaxTopSources     = 25
)

// IntakeBySource draws counts per source as horizontal bars, the largest
// at the top (ties by name), with value labels. The top sources (0 for
// DefaultTopSources, at most MaxTopSources) get a bar each and the rest
// are summed into one "other" bar at the bottom, in grey; when only one
// source would go into "other", it is drawn under its own name instead.
//
// Entries with the same name (after cleaning) are added together. Empty
// counts draw the "no data" chart; zero counts are drawn as empty bars,
// since a feed that brought in nothing is worth seeing. A negative count
// is an error wrapping ErrData, a top out of range one wrapping
// ErrOptions. counts is not modified.
func IntakeBySource(counts []SourceCount, top int, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	switch {
	case top == 0:
		top = DefaultTopSources
	case top < 0 || top > MaxTopSources:
		return nil, fmt.Errorf("%w: top: %d sources, want 1 to %d (or 0 for %d)", ErrOptions, top, MaxTopSources, DefaultTopSources)
	}
	sum := map[string]int{}
	for i, c := range counts {
		if c.Count < 0 {
			return nil, fmt.Errorf("%w: counts[%d] (%q): %d, want 0 or more", ErrData, i, c.Source, c.Count)
		}
		name := cleanLabel(c.Source, s.width/3)
		if name == "" {
			name = s.text.unknown
		}
		sum[name] += c.Count
	}
	title := s.titleOr(s.text.intakeTitle)
	if len(sum) == 0 {
		return s.noData(title)
	}

	rows := make([]SourceCount, 0, len(sum))
	for name, n := range sum {
		rows = append(rows, SourceCount{name, n})
	}
	slices.SortFunc(rows, func(a, b SourceCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Source, b.Source))
	})
	other := -1 // no "other" bar
	if len(rows) > top+1 {
		rest := 0
		for _, r := range rows[top:] {
			rest += r.Count
		}
		rows = append(rows[:top], SourceCount{s.text.other, rest})
		other = top
	}

	// The library draws the first category at the bottom; the bars go in
	// reverse so that the largest is on top and "other" at the bottom.
	n := len(rows)
	var (
		largest    float64
		names      = make([]string, n)
		main, rest = make([]float64, n), make([]float64, n)
	)
	for i, r := range rows {
		j := n - 1 - i
		names[j] = r.Source
		v := float64(r.Count)
		largest = max(largest, v)
		main[j], rest[j] = v, null
		if i == other {
			main[j], rest[j] = null, v
		}
	}
	th := theme(charts.Color{R: 59, G: 110, B: 168, A: 255}, colorMuted)
	values := [][]float64{main}
	if other >= 0 {
		values = append(values, rest) // a second series for the grey bar; see only
	}
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal = true
	opt.Theme = th
	opt.Title = charts.TitleOption{Text: title, FontStyle: s.style(colorText)}
	opt.Legend.Show = charts.Ptr(false)
	opt.CategoryAxis.Labels = names
	opt.CategoryAxis.LabelFontStyle = s.style(colorText)
	// More headroom than for vertical bars: the label goes beside the bar.
	widest := 0
	for _, name := range names {
		widest = max(widest, textPx(name))
	}
	opt.ValueAxis = []charts.ValueAxisOption{axisFor(largest, 1.25, s.width-padPx-widest, true, true).option(s)}
	opt.StackSeries = charts.Ptr(true)
	// The library sizes bars to their slot, so that one or two sources
	// become blocks; about 32 pixels is thick enough.
	if slot := float64(s.height-padPx-2*linePx) / float64(n); slot > 40 {
		opt.BarSize = 32 / slot
	}
	opt.ValueFormatter = integer
	for i := range opt.SeriesList {
		opt.SeriesList[i].Label = charts.SeriesLabel{
			Show:           charts.Ptr(true),
			ValueFormatter: integer,
			FontStyle:      s.style(colorText),
		}
	}
	return s.render(th, func(p *charts.Painter) error { return p.BarChart(opt) })
}
