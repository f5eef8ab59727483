package chart

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/go-analyze/charts"

	"github.com/vmc-dev/vmc/internal/incident"
)

// The charts of the incident review report (package incident/metrics
// computes what they show).

// incidentBlue is the colour of incident counts and achieved metrics.
var incidentBlue = charts.Color{R: 59, G: 110, B: 168, A: 255}

// IncidentsByCategory draws the incidents per category as horizontal
// bars, in incident.Categories order from the top, each labelled with its
// count. A category left out counts as zero and is drawn as an empty bar:
// that no incident was of a kind is worth seeing. A nil or empty map
// draws the "no data" chart. Unknown categories and negative counts are
// errors wrapping ErrData.
func IncidentsByCategory(counts map[incident.Category]int, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	for _, c := range slices.Sorted(maps.Keys(counts)) {
		if !c.IsValid() {
			return nil, fmt.Errorf("%w: counts[%q]: unknown category", ErrData, c)
		}
		if n := counts[c]; n < 0 {
			return nil, fmt.Errorf("%w: counts[%s]: %d incidents, want 0 or more", ErrData, c, n)
		}
	}
	title := s.titleOr(s.text.categoryTitle)
	if len(counts) == 0 {
		return s.noData(title)
	}
	// The library draws the first category at the bottom.
	n := len(incident.Categories)
	names, values := make([]string, n), make([]float64, n)
	var largest float64
	widest := 0
	for i, c := range incident.Categories {
		j := n - 1 - i
		names[j], values[j] = s.text.category[c], float64(counts[c])
		largest = max(largest, values[j])
		widest = max(widest, textPx(names[j]))
	}
	th := theme(incidentBlue)
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Theme = th
	opt.Title = charts.TitleOption{Text: title, FontStyle: s.style(colorText)}
	opt.Legend.Show = charts.Ptr(false)
	opt.CategoryAxis.Labels = names
	opt.CategoryAxis.LabelFontStyle = s.style(colorText)
	opt.ValueAxis = []charts.ValueAxisOption{axisFor(largest, 1.25, s.width-padPx-widest, true, true).option(s)}
	opt.ValueFormatter = integer
	opt.SeriesList[0].Label = charts.SeriesLabel{Show: charts.Ptr(true), ValueFormatter: integer, FontStyle: s.style(colorText)}
	return s.render(th, func(p *charts.Painter) error { return p.BarChart(opt) })
}

// IncidentMonth is one month of the incident trend.
type IncidentMonth struct {
	// Month is any instant in the month; its year and month, in its own
	// location, name it.
	Month time.Time `json:"month"`
	// Detected and Closed count the incidents detected and closed in it.
	Detected int `json:"detected"`
	Closed   int `json:"closed"`
}

// IncidentTrend draws the incidents detected and closed per month as two
// lines, for every month from the earliest to the latest given. A month
// left out is a gap in both lines (not measured is not none); a month
// given with zeros is a zero. Empty months draw the "no data" chart.
// Errors wrap ErrData: an unset or repeated month, a negative count, a
// span over MaxMonths.
func IncidentTrend(months []IncidentMonth, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	title := s.titleOr(s.text.incidentTrend)
	stamps := make([]time.Time, len(months))
	for i, m := range months {
		if m.Detected < 0 || m.Closed < 0 {
			return nil, fmt.Errorf("%w: months[%d]: detected %d, closed %d, want 0 or more", ErrData, i, m.Detected, m.Closed)
		}
		stamps[i] = m.Month
	}
	keys, first, last, err := monthKeys(stamps)
	if err != nil {
		return nil, err
	}
	if len(months) == 0 {
		return s.noData(title)
	}
	n := last - first + 1
	detected, closed := make([]float64, n), make([]float64, n)
	for i := range detected {
		detected[i], closed[i] = null, null
	}
	var largest float64
	for i, m := range months {
		j := keys[i] - first
		detected[j], closed[j] = float64(m.Detected), float64(m.Closed)
		largest = max(largest, detected[j], closed[j])
	}
	return s.lines(title, s.monthLabels(first, n),
		[]string{s.text.detected, s.text.closed},
		[]charts.Color{{R: 198, G: 40, B: 40, A: 255}, {R: 46, G: 125, B: 50, A: 255}}, // red, green
		[][]float64{detected, closed}, axisFor(largest, 1.1, s.height-padPx-2*linePx-legendPx, false, true))
}

// StageTime is how long one step of the response took: the median and
// mean from detection, over Incidents incidents.
type StageTime struct {
	Incidents    int
	Median, Mean time.Duration
}

// responseStages are the steps ResponseTimes draws, in order.
var responseStages = []incident.State{incident.Triaged, incident.Contained, incident.Closed}

// ResponseTimes draws the median and mean time to triage, contain and
// close incidents (keys incident.Triaged, incident.Contained,
// incident.Closed) as pairs of bars, in hours, or in days when the
// longest is two days or more. A step no incident took (Incidents 0, or
// left out) has no bars; with none taken, the chart says "no data".
// Other keys, negative durations or counts are errors wrapping ErrData.
func ResponseTimes(times map[incident.State]StageTime, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	var longest time.Duration
	taken := 0
	for _, st := range slices.Sorted(maps.Keys(times)) {
		t := times[st]
		switch {
		case !slices.Contains(responseStages, st):
			return nil, fmt.Errorf("%w: times[%q]: not a step the chart draws (triaged, contained, closed)", ErrData, st)
		case t.Incidents < 0 || t.Median < 0 || t.Mean < 0:
			return nil, fmt.Errorf("%w: times[%s]: %d incidents, median %v, mean %v; want 0 or more", ErrData, st, t.Incidents, t.Median, t.Mean)
		case t.Incidents > 0:
			taken++
			longest = max(longest, t.Median, t.Mean)
		}
	}
	unit, title := time.Hour, s.text.timesHours
	if longest >= 48*time.Hour {
		unit, title = 24*time.Hour, s.text.timesDays
	}
	title = s.titleOr(title)
	if taken == 0 {
		return s.noData(title)
	}
	names := make([]string, len(responseStages))
	median, mean := make([]float64, len(responseStages)), make([]float64, len(responseStages))
	for i, st := range responseStages {
		names[i] = s.text.stage[st]
		median[i], mean[i] = null, null
		if t := times[st]; t.Incidents > 0 {
			median[i], mean[i] = float64(t.Median)/float64(unit), float64(t.Mean)/float64(unit)
		}
	}
	largest := float64(longest) / float64(unit)
	y := axisFor(largest, 1.15, s.height-padPx-2*linePx-legendPx, false, false)
	// One decimal on the bars, whatever the axis needs.
	label := func(v float64) string { return number(v, 1) }
	return s.groupedBars(false, title, names, []string{s.text.median, s.text.mean},
		[]charts.Color{incidentBlue, {R: 240, G: 162, B: 2, A: 255}}, [][]float64{median, mean}, y, []charts.ValueFormatter{label, label})
}

// SAMMMetric is one of SAMM's success metrics: its key (briefed,
// informed, root_cause, collated, as package incident/metrics names
// them) and its percentage, nil when it has no data.
type SAMMMetric struct {
	Key     string   `json:"key"`
	Percent *float64 `json:"percent"`
}

// SAMMProgress draws SAMM's success metrics, in the order given, each as
// a bar of its percentage beside a bar of the target, on an axis from 0
// to 100 %. A metric without data has no bar and says so under its name.
// No metrics draw the "no data" chart. Unknown or repeated keys,
// percentages outside 0 to 100 and a target outside 0 to 100 are errors
// wrapping ErrData.
func SAMMProgress(ms []SAMMMetric, target float64, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	if !(target >= 0 && target <= 100) {
		return nil, fmt.Errorf("%w: target: %v, want 0 to 100", ErrData, target)
	}
	seen := map[string]bool{}
	for i, m := range ms {
		switch _, known := s.text.samm[m.Key]; {
		case !known:
			return nil, fmt.Errorf("%w: metrics[%d].key: unknown %q (briefed, informed, root_cause, collated)", ErrData, i, m.Key)
		case seen[m.Key]:
			return nil, fmt.Errorf("%w: metrics[%d].key: %s twice", ErrData, i, m.Key)
		case m.Percent != nil && !(*m.Percent >= 0 && *m.Percent <= 100):
			return nil, fmt.Errorf("%w: metrics[%d].percent: %v, want 0 to 100", ErrData, i, *m.Percent)
		}
		seen[m.Key] = true
	}
	title := s.titleOr(fmt.Sprintf(s.text.sammTitle, number(target, decimals(target))))
	if len(ms) == 0 {
		return s.noData(title)
	}
	// Horizontal bars, the first metric at the top: the library draws
	// the first category at the bottom.
	n := len(ms)
	names := make([]string, n)
	achieved, goal := make([]float64, n), make([]float64, n)
	for i, m := range ms {
		j := n - 1 - i
		names[j], achieved[j], goal[j] = s.text.samm[m.Key], null, target
		if m.Percent == nil {
			names[j] += s.text.noDataLabel
		} else {
			achieved[j] = *m.Percent
		}
	}
	// The target's bars speak for themselves beside the legend; only
	// what was achieved is labelled.
	percent := func(v float64) string { return number(v, 1) + "%" }
	return s.groupedBars(true, title, names, []string{s.text.achieved, s.text.target},
		[]charts.Color{incidentBlue, colorMuted}, [][]float64{achieved, goal}, niceAxis{max: 100, labels: 6}, []charts.ValueFormatter{percent, nil})
}

// decimals is how many decimals v needs, up to two.
func decimals(v float64) int {
	for d := range 2 {
		if p := math.Pow(10, float64(d)); math.Round(v*p) == v*p {
			return d
		}
	}
	return 2
}

// groupedBars draws series side by side in each category, with a legend
// at the top right, each bar labelled by its series' label (none for
// nil).
func (s *setup) groupedBars(horizontal bool, title string, names, series []string, colors []charts.Color, values [][]float64, y niceAxis,
	labels []charts.ValueFormatter) ([]byte, error) {
	th := theme(colors...)
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal = horizontal
	opt.Theme = th
	opt.Title = charts.TitleOption{Text: title, FontStyle: s.style(colorText)}
	opt.Legend = charts.LegendOption{SeriesNames: series, Offset: charts.OffsetRight, FontStyle: s.style(colorText)}
	opt.CategoryAxis.Labels = names
	opt.CategoryAxis.LabelFontStyle = s.style(colorText)
	opt.ValueAxis = []charts.ValueAxisOption{y.option(s)}
	opt.ValueFormatter = func(v float64) string { return number(v, y.decimals) }
	for i, label := range labels {
		if label != nil {
			opt.SeriesList[i].Label = charts.SeriesLabel{Show: charts.Ptr(true), ValueFormatter: label, FontStyle: s.style(colorText)}
		}
	}
	return s.render(th, func(p *charts.Painter) error { return p.BarChart(opt) })
}
