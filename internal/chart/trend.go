package chart

import (
	"fmt"
	"slices"
	"time"

	"github.com/go-analyze/charts"

	"github.com/vmc-dev/vmc/internal/risk"
)

// Bounds on a time axis: twenty years of months, ten of weeks. A longer
// span is a typo in a date (2206 for 2026), and would otherwise become
// thousands of points.
const (
	MaxMonths = 240
	MaxWeeks  = 520
)

// MTTRMonth is the mean time to remediate of the findings closed as fixed
// in one month, per priority: finding.ComputeMetrics over that month's
// closures gives it as ByPriority[p].MTTR.
type MTTRMonth struct {
	// Month is any instant in the month; its year and month, in its own
	// location, name it.
	Month time.Time `json:"month"`
	// MTTR per priority. A priority left out, or zero (as
	// finding.Bucket.MTTR is when nothing was remediated), had no
	// remediations that month.
	MTTR map[risk.Priority]time.Duration `json:"mttr"`
}

// MTTRTrend draws MTTR in days per month, one line per priority in its
// colour (legend critical to low), for every month from the earliest to
// the latest given.
//
// A month without remediations at some priority is a gap in that line,
// not a zero: zero days would claim fixes took no time, and would drag
// the line down exactly where there is nothing to measure. A month left
// out of months is a gap in every line. A priority with no remediations
// in the whole span has no line and no legend entry. Lines per priority
// rather than one overall line because the overall mean mostly tracks
// the priority mix (many quick low fixes hide one slow critical), while
// each priority's line can be read against its SLA deadline.
//
// Empty months, or months without any remediation, draw the "no data"
// chart. Errors wrap ErrData: an unset or repeated month, an unknown
// priority, a negative MTTR, a span over MaxMonths.
func MTTRTrend(months []MTTRMonth, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	title := s.titleOr(s.text.mttrTitle)
	stamps := make([]time.Time, len(months))
	for i, m := range months {
		stamps[i] = m.Month
	}
	keys, first, last, err := monthKeys(stamps)
	if err != nil {
		return nil, err
	}
	for i, m := range months {
		for _, p := range sortedKeys(m.MTTR) {
			if !p.IsValid() {
				return nil, fmt.Errorf("%w: months[%d].mttr[%q]: unknown priority (critical, high, medium, low)", ErrData, i, p)
			}
			if d := m.MTTR[p]; d < 0 {
				return nil, fmt.Errorf("%w: months[%d].mttr[%s]: %v, want 0 or more", ErrData, i, p, d)
			}
		}
	}
	if len(months) == 0 {
		return s.noData(title)
	}

	n := last - first + 1
	labels := s.monthLabels(first, n)
	var (
		largest float64
		names   []string
		colors  []charts.Color
		values  [][]float64
	)
	for _, p := range byUrgency {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = null
		}
		has := false
		for i, m := range months {
			if d := m.MTTR[p]; d > 0 {
				days := d.Hours() / 24
				vals[keys[i]-first] = days
				largest = max(largest, days)
				has = true
			}
		}
		if has {
			names = append(names, s.text.priority[p])
			colors = append(colors, priorityColor[p])
			values = append(values, vals)
		}
	}
	if len(values) == 0 {
		return s.noData(title)
	}
	return s.lines(title, labels, names, colors, values, axisFor(largest, 1.1, s.height-padPx-2*linePx-legendPx, false, false))
}

// monthKeys checks that months are set, distinct and span at most
// MaxMonths, and returns each one's key (year × 12 + month − 1, in its
// own location) and the first and last key. Errors name months[i].month.
func monthKeys(months []time.Time) (keys []int, first, last int, err error) {
	keys = make([]int, len(months))
	seen := map[int]int{}
	for i, m := range months {
		if m.IsZero() {
			return nil, 0, 0, fmt.Errorf("%w: months[%d].month: not set", ErrData, i)
		}
		y, mo, _ := m.Date()
		k := y*12 + int(mo) - 1
		if j, ok := seen[k]; ok {
			return nil, 0, 0, fmt.Errorf("%w: months[%d].month: %d-%02d already in months[%d]", ErrData, i, y, mo, j)
		}
		seen[k], keys[i] = i, k
	}
	if len(keys) == 0 {
		return keys, 0, 0, nil
	}
	first, last = slices.Min(keys), slices.Max(keys)
	if span := last - first + 1; span > MaxMonths {
		return nil, 0, 0, fmt.Errorf("%w: months: %d to %d-%02d spans %d months, more than %d",
			ErrData, first/12, last/12, last%12+1, span, MaxMonths)
	}
	return keys, first, last, nil
}

// monthLabels names n months from the key first, with the year on the
// first and at each January.
func (s *setup) monthLabels(first, n int) []string {
	labels := make([]string, n)
	for i := range labels {
		k := first + i
		labels[i] = s.text.month(k/12, time.Month(k%12+1), i == 0 || k%12 == 0)
	}
	return labels
}

// WeekExposure is a snapshot of exposure in one week, as the weekly SLA
// sweep counts it.
type WeekExposure struct {
	// Week is any instant in the week; weeks run Monday to Sunday (ISO
	// 8601) in Week's location, and are named by their Monday.
	Week time.Time `json:"week"`
	// KEV counts open findings on vulnerabilities in CISA's KEV catalogue.
	KEV int `json:"kev"`
	// Overdue counts open findings past their due date (finding.Breached;
	// finding.Bucket.Overdue).
	Overdue int `json:"overdue"`
}

// ExposureTrend draws open KEV findings and overdue findings per week as
// two lines, for every week from the earliest to the latest given; a week
// left out is a gap in both lines (no snapshot is not zero findings).
// Two lines rather than a stack: an overdue KEV finding is in both
// counts, so stacking would count it twice.
//
// Empty weeks draw the "no data" chart. Errors wrap ErrData: an unset or
// repeated week, a negative count, a span over MaxWeeks.
func ExposureTrend(weeks []WeekExposure, o Options) ([]byte, error) {
	s, err := prepare(o)
	if err != nil {
		return nil, err
	}
	title := s.titleOr(s.text.exposureTitle)
	keys := make([]int, len(weeks))
	seen := map[int]int{}
	for i, w := range weeks {
		if w.Week.IsZero() {
			return nil, fmt.Errorf("%w: weeks[%d].week: not set", ErrData, i)
		}
		if w.KEV < 0 || w.Overdue < 0 {
			return nil, fmt.Errorf("%w: weeks[%d]: kev %d, overdue %d, want 0 or more", ErrData, i, w.KEV, w.Overdue)
		}
		k := mondayOf(w.Week)
		if j, ok := seen[k]; ok {
			return nil, fmt.Errorf("%w: weeks[%d].week: week of %s already in weeks[%d]", ErrData, i, dayOf(k).Format(time.DateOnly), j)
		}
		seen[k], keys[i] = i, k
	}
	if len(weeks) == 0 {
		return s.noData(title)
	}
	first, last := slices.Min(keys), slices.Max(keys)
	n := (last-first)/7 + 1
	if n > MaxWeeks {
		return nil, fmt.Errorf("%w: weeks: %s to %s spans %d weeks, more than %d",
			ErrData, dayOf(first).Format(time.DateOnly), dayOf(last).Format(time.DateOnly), n, MaxWeeks)
	}

	labels := make([]string, n)
	for i := range labels {
		d := dayOf(first + 7*i)
		labels[i] = s.text.day(d, i == 0 || d.YearDay() <= 7)
	}
	kev, overdue := make([]float64, n), make([]float64, n)
	for i := range kev {
		kev[i], overdue[i] = null, null
	}
	var largest float64
	for i, w := range weeks {
		j := (keys[i] - first) / 7
		kev[j], overdue[j] = float64(w.KEV), float64(w.Overdue)
		largest = max(largest, kev[j], overdue[j])
	}
	return s.lines(title, labels,
		[]string{s.text.kev, s.text.overdue},
		[]charts.Color{{R: 106, G: 27, B: 154, A: 255}, {R: 216, G: 67, B: 21, A: 255}}, // purple, deep orange
		[][]float64{kev, overdue}, axisFor(largest, 1.1, s.height-padPx-2*linePx-legendPx, false, true))
}

// mondayOf returns the Monday of t's week, in t's location, as days since
// 1970-01-01.
func mondayOf(t time.Time) int {
	y, m, d := t.Date()
	civil := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	back := (int(civil.Weekday()) + 6) % 7 // days since Monday
	return int(civil.Unix()/86400) - back
}

// dayOf is the date days after 1970-01-01.
func dayOf(days int) time.Time { return time.Unix(int64(days)*86400, 0).UTC() }

// lines draws a line chart over a time axis: a point marker on every
// value, so that a value between two gaps still shows, and the legend at
// the top right, clear of the title.
func (s *setup) lines(title string, labels, names []string, colors []charts.Color, values [][]float64, y niceAxis) ([]byte, error) {
	if len(labels) == 1 {
		// The library shows at least two labels on an axis and puts the
		// first at the left edge, so a lone point in the middle would
		// have its label far to its left. An unlabelled empty slot on
		// either side centres both.
		labels = []string{"", labels[0], ""}
		padded := make([][]float64, len(values))
		for i, v := range values {
			padded[i] = []float64{null, v[0], null}
		}
		values = padded
	}
	th := theme(colors...)
	opt := charts.NewLineChartOptionWithData(values)
	opt.Theme = th
	opt.Title = charts.TitleOption{Text: title, FontStyle: s.style(colorText)}
	opt.Legend = charts.LegendOption{
		SeriesNames: names,
		Offset:      charts.OffsetRight,
		FontStyle:   s.style(colorText),
	}
	opt.XAxis.Labels = labels
	opt.XAxis.LabelFontStyle = s.style(colorText)
	opt.YAxis = []charts.ValueAxisOption{y.option(s)}
	opt.Symbol = charts.Symbol{Shape: charts.SymbolCircle, Size: 3.5}
	opt.ValueFormatter = func(v float64) string { return number(v, y.decimals) }
	return s.render(th, func(p *charts.Painter) error { return p.LineChart(opt) })
}

// sortedKeys returns m's keys in order, so that checks fail the same way
// each time.
func sortedKeys[V any](m map[risk.Priority]V) []risk.Priority {
	keys := make([]risk.Priority, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
