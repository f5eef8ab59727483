package chart

import (
	"fmt"

	"github.com/go-analyze/charts"

	"github.com/vmc-dev/vmc/internal/risk"
)

// OpenByPriority draws the open findings per priority (for example
// finding.Metrics.ByPriority[p].Open) as four bars, critical, high,
// medium, low, each in its priority's colour and labelled with its count.
//
// A nil or empty map draws the "no data" chart; otherwise a priority left
// out counts as zero, and four zero bars are drawn: no open findings is a
// result worth showing. Unknown priorities and negative counts are
// errors wrapping ErrData.
func OpenByPriority(open map[risk.Priority]int, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	for _, p := range sortedKeys(open) {
		if !p.IsValid() {
			return nil, fmt.Errorf("%w: open[%q]: unknown priority (critical, high, medium, low)", ErrData, p)
		}
		if n := open[p]; n < 0 {
			return nil, fmt.Errorf("%w: open[%s]: %d findings, want 0 or more", ErrData, p, n)
		}
	}
	title := s.titleOr(s.text.priorityTitle)
	if len(open) == 0 {
		return s.noData(title)
	}

	var (
		largest float64
		names   []string
		colors  []charts.Color
		values  [][]float64
	)
	for i, p := range byUrgency {
		v := float64(open[p])
		largest = max(largest, v)
		names = append(names, s.text.priority[p])
		colors = append(colors, priorityColor[p])
		values = append(values, only(len(byUrgency), i, v))
	}
	th := theme(colors...)
	opt := charts.NewBarChartOptionWithData(values)
	opt.Theme = th
	opt.Title = charts.TitleOption{Text: title, FontStyle: s.style(colorText)}
	opt.Legend.Show = charts.Ptr(false) // the axis names the bars
	opt.CategoryAxis.Labels = names
	opt.CategoryAxis.LabelFontStyle = s.style(colorText)
	opt.ValueAxis = []charts.ValueAxisOption{axisFor(largest, 1.15, s.height-padPx-2*linePx, false, true).option(s)}
	opt.StackSeries = charts.Ptr(true) // one bar per category; see only
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
