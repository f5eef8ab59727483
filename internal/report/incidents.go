package report

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/vmc-dev/vmc/internal/chart"
	"github.com/vmc-dev/vmc/internal/font"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/risk"
)

// Incidents is the incident review report: the metrics of a period (SAMM
// VM3) for the periodic review of the response process.
type Incidents struct {
	// Title is the report's title; empty means the language's default
	// ("Incident review report", "安全事件复盘报告").
	Title       string
	GeneratedAt time.Time
	Lang        Lang
	// Metrics are the period's, with the incidents the reader may not
	// see already withheld (metrics.Summary.Withhold): the report lists
	// every row it is given.
	Metrics metrics.Summary
}

// Label is the TLP label the report carries: the narrowest of the
// incidents it lists, and TLP:AMBER+STRICT at the least, since what the
// incidents cost and where the process falls short is for the
// organisation only, whatever the incidents' own labels.
func (r Incidents) Label() incident.TLP {
	ms := []incident.Marking{{TLP: incident.AmberStrict}}
	for _, x := range r.Metrics.Rows {
		ms = append(ms, incident.Marking{TLP: x.Marking.TLP})
	}
	return incident.Label(ms)
}

// Charts are drawn at this size and scaled into half the page's width
// (95 mm, some 170 dpi): the charts' 16-pixel text then prints at about
// 7 pt, as large as the tables' text.
const (
	chartWidth  = 640
	chartHeight = 360
)

var severityColor = map[incident.Severity]props.Color{
	incident.SevCritical: priorityColor[risk.PriorityCritical],
	incident.SevHigh:     priorityColor[risk.PriorityHigh],
	incident.SevMedium:   priorityColor[risk.PriorityMedium],
	incident.SevLow:      priorityColor[risk.PriorityLow],
}

// IncidentsPDF writes r as a PDF, A4 portrait: title, period and label;
// the summary figures; SAMM's success metrics against their target; the
// charts (incidents by category, per month, response times, SAMM); the
// counts by category, severity, project and month; the impact and its
// costs per currency; the response times; the incidents listed; and when
// the process is next reviewed.
func IncidentsPDF(w io.Writer, r Incidents) error {
	d, err := incidentsDoc(r)
	if err != nil {
		return err
	}
	return d.write(w)
}

func incidentsDoc(r Incidents) (*doc, error) {
	if err := check(r.Lang, r.GeneratedAt); err != nil {
		return nil, err
	}
	pngs, err := incidentCharts(r)
	if err != nil {
		return nil, err
	}
	m := msgs(r.Lang)
	d, err := newDoc(m, r.Title, m.IncidentsTitle, r.GeneratedAt, false)
	if err != nil {
		return nil, err
	}
	s := r.Metrics
	from, to := period(s.Window)
	d.head([2]string{m.Period, fmt.Sprintf(m.PeriodValue, from, to)}, [2]string{m.Label, "TLP:" + string(r.Label())})
	d.incidentCards(s)
	d.samm(s.SAMM)
	d.section(m.Charts, 60)
	d.images(pngs)
	d.add(space(3))
	d.breakdown(s)
	d.impact(s)
	d.responseTimes(s)
	d.incidentList(s, r.GeneratedAt.Location())
	d.review(s.Review)
	return d, nil
}

// period is the window's first and last day, in UTC as it is measured.
func period(w metrics.Window) (string, string) {
	return date(w.From, time.UTC), date(w.To.Add(-time.Nanosecond), time.UTC)
}

// hours formats a number of hours with one decimal; "—" for none.
func (m *messages) hours(h *float64) string {
	if h == nil {
		return "—"
	}
	return fmt.Sprintf(m.Hours, decimal(*h, 1))
}

// decimal formats v with the given decimals.
func decimal(v float64, decimals int) string { return strconv.FormatFloat(v, 'f', decimals, 64) }

// amount formats money with a comma between thousands and at most two
// decimals, none when it is whole: 12,000.5.
func amount(v float64) string {
	s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(math.Abs(v), 'f', 2, 64), "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

func money(x incident.Money) string { return amount(x.Amount) + " " + x.Currency }

// incidentCards lays out the summary figures.
func (d *doc) incidentCards(s metrics.Summary) {
	m := d.m
	var downtimeH *float64
	if s.Downtime.Incidents > 0 {
		h := float64(s.Downtime.Minutes) / 60
		downtimeH = &h
	}
	effort := "—"
	if s.Downtime.Incidents > 0 {
		effort = decimal(s.PersonHours, 1)
	}
	contain, mean := m.hours(s.TimeToContain.MedianHours), ""
	if s.TimeToContain.MeanHours != nil {
		mean = fmt.Sprintf(m.CardMean, m.hours(s.TimeToContain.MeanHours))
	}
	next, nextColor, nextNote := m.ReviewNow, red, m.ReviewOverdue
	if !s.Review.Next.IsZero() {
		next = date(s.Review.Next, time.UTC)
	}
	if !s.Review.Overdue {
		nextColor, nextNote = black, m.NotDue
	}
	d.cardRow(
		d.card(m.CardIncidents, itoa(s.Incidents), black, fmt.Sprintf(m.CardIncidentsNote, s.Open, s.Closed)),
		d.card(m.CardDowntime, m.hours(downtimeH), black, fmt.Sprintf(m.CardDowntimeNote, s.Downtime.Incidents)),
		d.card(m.CardEffort, effort, black, ""),
		d.card(m.CardContain, contain, black, mean),
		d.card(m.CardReview, next, nextColor, nextNote),
	)
}

// status says where a success metric stands, in its colour.
func (m *messages) status(r metrics.Ratio) (string, props.Color) {
	switch {
	case r.Percent == nil:
		return m.NoData, grey
	case r.Met:
		return m.Met, black
	}
	return m.Under, red
}

// samm lays out the success metrics as a table, with how they are
// counted.
func (d *doc) samm(s metrics.SAMM) {
	m := d.m
	d.section(m.SAMMTitle, 30)
	d.note(fmt.Sprintf(m.SAMMTarget, decimal(s.Target, 0)), sizeMeta, grey)
	var rows [][]cellText
	for _, x := range s.List() {
		st, color := m.status(x.Ratio)
		pct := "—"
		if x.Percent != nil {
			pct = decimal(*x.Percent, 1)
		}
		rows = append(rows, []cellText{
			{text: m.SAMMNames[x.Key], maxLines: 2},
			{text: itoa(x.Numerator), maxLines: 1},
			{text: itoa(x.Denominator), maxLines: 1},
			{text: pct, color: color, maxLines: 1},
			{text: st, color: color, maxLines: 1},
		})
	}
	d.table([]column{{460, align.Left}, {110, align.Right}, {110, align.Right}, {130, align.Right}, {190, align.Left}},
		[]string{m.ColMetric, m.ColAchieved, m.ColOf, m.ColPct, m.ColStatus}, rows)
	d.note(m.SAMMNote, sizeSmall, grey)
	d.note(m.SAMMNoteMore, sizeSmall, grey)
	d.add(space(3))
}

// incidentCharts draws the report's charts in its language, as PNGs.
func incidentCharts(r Incidents) ([][]byte, error) {
	o := chart.Options{Format: chart.PNG, Lang: chart.Lang(r.Lang), Width: chartWidth, Height: chartHeight}
	if r.Lang == Chinese {
		o.Font = font.CJK
	}
	var out [][]byte
	for _, name := range IncidentChartNames {
		b, err := IncidentChart(r.Metrics, name, o)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// IncidentChartNames name the charts of the incident review, in the
// order the report draws them: incidents by category, detected and
// closed per month, the response times, and SAMM's success metrics.
var IncidentChartNames = []string{"by-category", "trend", "response-times", "samm"}

// ErrChartName marks a chart name not in IncidentChartNames.
var ErrChartName = errors.New("unknown incident review chart")

// IncidentChart draws the named chart of the incident review of s, as
// the report draws it; the web UI shows the same charts as SVG.
func IncidentChart(s metrics.Summary, name string, o chart.Options) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	switch name {
	case "by-category":
		var categories map[incident.Category]int
		if s.Incidents > 0 {
			categories = map[incident.Category]int{}
			for _, c := range s.ByCategory {
				categories[incident.Category(c.Key)] = c.Incidents
			}
		}
		b, err = chart.IncidentsByCategory(categories, o)
	case "trend":
		months := make([]chart.IncidentMonth, len(s.Months))
		for i, x := range s.Months {
			months[i] = chart.IncidentMonth{Month: x.Start, Detected: x.Detected, Closed: x.Closed}
		}
		b, err = chart.IncidentTrend(months, o)
	case "response-times":
		stage := func(x metrics.Durations) chart.StageTime {
			t := chart.StageTime{Incidents: x.Incidents}
			if x.MedianHours != nil && x.MeanHours != nil {
				t.Median, t.Mean = time.Duration(*x.MedianHours*float64(time.Hour)), time.Duration(*x.MeanHours*float64(time.Hour))
			}
			return t
		}
		b, err = chart.ResponseTimes(map[incident.State]chart.StageTime{
			incident.Triaged: stage(s.TimeToTriage), incident.Contained: stage(s.TimeToContain), incident.Closed: stage(s.TimeToClose),
		}, o)
	case "samm":
		var samm []chart.SAMMMetric
		for _, x := range s.SAMM.List() {
			samm = append(samm, chart.SAMMMetric{Key: x.Key, Percent: x.Percent})
		}
		b, err = chart.SAMMProgress(samm, s.SAMM.Target, o)
	default:
		return nil, fmt.Errorf("%w %q (%s)", ErrChartName, name, strings.Join(IncidentChartNames, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("incident review chart %s: %w", name, err)
	}
	return b, nil
}

// images lays out PNG charts two a row, each scaled to half the page's
// width.
func (d *doc) images(pngs [][]byte) {
	h := d.colWidth(grid/2) * chartHeight / chartWidth
	for i := 0; i < len(pngs); i += 2 {
		r := row.New(h)
		for _, p := range pngs[i:min(i+2, len(pngs))] {
			r.Add(col.New(grid / 2).Add(image.NewFromBytes(p, extension.Png, props.Rect{Center: true, Percent: 100})))
		}
		d.add(r, h)
	}
}

// breakdown lays out the counts by category and severity side by side,
// then per project and per month.
func (d *doc) breakdown(s metrics.Summary) {
	m := d.m
	n := max(len(s.ByCategory), len(s.BySeverity))
	rows := make([][]cellText, n)
	for i := range rows {
		rows[i] = make([]cellText, 5)
		if i < len(s.ByCategory) {
			c := s.ByCategory[i]
			rows[i][0], rows[i][1] = cellText{text: m.CategoryNames[incident.Category(c.Key)], maxLines: 1}, cellText{text: itoa(c.Incidents), maxLines: 1}
		}
		if i < len(s.BySeverity) {
			v := s.BySeverity[i]
			rows[i][3] = cellText{text: m.SeverityNames[incident.Severity(v.Key)], color: severityColor[incident.Severity(v.Key)], maxLines: 1}
			rows[i][4] = cellText{text: itoa(v.Incidents), maxLines: 1}
		}
	}
	d.section(m.ByCategory, 20)
	d.table([]column{{300, align.Left}, {150, align.Right}, {100, align.Left}, {300, align.Left}, {150, align.Right}},
		[]string{m.ColCategory, m.ColIncidents, "", m.ColSeverity, m.ColIncidents}, rows)
	d.add(space(3))

	d.section(m.ByProject, 20)
	rows = nil
	for _, p := range s.ByProject {
		rows = append(rows, []cellText{{text: p.Key, maxLines: 2}, {text: itoa(p.Incidents), maxLines: 1}})
	}
	rows = append(rows, []cellText{{text: m.Unattributed, color: grey, maxLines: 1}, {text: itoa(s.Unattributed), maxLines: 1}})
	d.table([]column{{600, align.Left}, {150, align.Right}}, []string{m.ColProject, m.ColIncidents}, rows)
	d.add(space(3))

	d.section(m.Trend, 20)
	rows = nil
	for _, x := range s.Months {
		rows = append(rows, []cellText{{text: x.Start.Format("2006-01"), maxLines: 1}, {text: itoa(x.Detected), maxLines: 1},
			{text: itoa(x.Closed), maxLines: 1}})
	}
	d.table([]column{{300, align.Left}, {150, align.Right}, {150, align.Right}}, []string{m.ColMonth, m.ColDetected, m.ColClose}, rows)
	d.add(space(3))
}

// impact lays out the downtime, the effort and the costs per currency.
func (d *doc) impact(s metrics.Summary) {
	m := d.m
	d.section(m.Impact, 20)
	perIncident := func(minutes *float64) string {
		if minutes == nil {
			return "—"
		}
		return fmt.Sprintf(m.Minutes, decimal(*minutes, 0))
	}
	total, effort := "—", "—"
	if s.Downtime.Incidents > 0 {
		total, effort = fmt.Sprintf(m.Minutes, strconv.FormatInt(s.Downtime.Minutes, 10)), fmt.Sprintf(m.Hours, decimal(s.PersonHours, 1))
	}
	line := func(k, v string) []cellText { return []cellText{{text: k, maxLines: 1}, {text: v, maxLines: 1}} }
	d.table([]column{{600, align.Left}, {250, align.Right}}, []string{m.ColMetric, m.ColValue}, [][]cellText{
		line(m.TotalDowntime, total),
		line(m.MeanDowntime, perIncident(s.Downtime.MeanMinutes)),
		line(m.MedianDowntime, perIncident(s.Downtime.MedianMinutes)),
		line(m.PersonHours, effort),
	})
	d.add(space(2))
	currencies := map[string][2]string{}
	var order []string
	for i, list := range [][]incident.Money{s.DirectCost, s.LongTermCost} {
		for _, x := range list {
			c, ok := currencies[x.Currency]
			if !ok {
				order = append(order, x.Currency)
			}
			c[i] = amount(x.Amount)
			currencies[x.Currency] = c
		}
	}
	if len(order) == 0 {
		d.note(m.NoCosts, sizeMeta, grey)
		d.add(space(3))
		return
	}
	// Both lists are by currency; merged, they are sorted again.
	slices.Sort(order)
	var rows [][]cellText
	for _, cur := range order {
		c := currencies[cur]
		rows = append(rows, []cellText{{text: cur, maxLines: 1}, {text: dash(c[0]), maxLines: 1}, {text: dash(c[1]), maxLines: 1}})
	}
	d.table([]column{{200, align.Left}, {300, align.Right}, {300, align.Right}}, []string{m.ColCurrency, m.ColDirect, m.ColLongTerm}, rows)
	d.add(space(3))
}

// responseTimes lays out the time to triage, contain and close.
func (d *doc) responseTimes(s metrics.Summary) {
	m := d.m
	d.section(m.Response, 20)
	h := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return decimal(*v, 1)
	}
	var rows [][]cellText
	for _, x := range []struct {
		st incident.State
		d  metrics.Durations
	}{{incident.Triaged, s.TimeToTriage}, {incident.Contained, s.TimeToContain}, {incident.Closed, s.TimeToClose}} {
		rows = append(rows, []cellText{{text: m.StepNames[x.st], maxLines: 1}, {text: itoa(x.d.Incidents), maxLines: 1},
			{text: h(x.d.MedianHours), maxLines: 1}, {text: h(x.d.MeanHours), maxLines: 1}})
	}
	d.table([]column{{340, align.Left}, {220, align.Right}, {220, align.Right}, {220, align.Right}},
		[]string{m.ColStep, m.ColMeasured, m.ColMedianH, m.ColMeanH}, rows)
	d.note(m.ResponseNote, sizeSmall, grey)
	d.add(space(3))
}

// incidentColumns are the incident list's columns on an A4 portrait page
// (190 mm inside the margins).
var incidentColumns = []column{
	{60, align.Right},  // id
	{240, align.Left},  // title
	{110, align.Left},  // category
	{70, align.Left},   // severity
	{80, align.Left},   // state
	{90, align.Left},   // detected
	{80, align.Right},  // downtime
	{70, align.Right},  // person-hours
	{120, align.Right}, // direct cost
	{80, align.Left},   // TLP
}

// incidentList lays out the incidents measured, and how many the reader
// is not shown.
func (d *doc) incidentList(s metrics.Summary, loc *time.Location) {
	m := d.m
	d.section(fmt.Sprintf(m.ListedIncidents, s.Incidents), 12)
	if s.Withheld > 0 {
		d.note(fmt.Sprintf(m.Withheld, s.Withheld), sizeMeta, grey)
	}
	if len(s.Rows) == 0 {
		if s.Incidents == 0 {
			d.note(m.NoIncidents, sizeMeta, grey)
		}
		d.add(space(3))
		return
	}
	rows := make([][]cellText, len(s.Rows))
	for i, x := range s.Rows {
		downtime, effort, cost := "—", "—", "—"
		if im := x.Impact; im != nil {
			downtime, effort = strconv.FormatInt(im.DowntimeMinutes, 10), decimal(im.PersonHours, 1)
			if im.DirectCost != nil {
				cost = money(*im.DirectCost)
			}
		}
		rows[i] = []cellText{
			{text: "INC-" + strconv.FormatInt(x.ID, 10), maxLines: 1},
			{text: x.Title, maxLines: 3},
			{text: m.CategoryNames[x.Category], maxLines: 2},
			{text: m.SeverityNames[x.Severity], color: severityColor[x.Severity], maxLines: 1},
			{text: m.IncidentState[x.State], maxLines: 1},
			{text: date(x.Detected, loc), maxLines: 1},
			{text: downtime, maxLines: 1},
			{text: effort, maxLines: 1},
			{text: cost, maxLines: 2},
			{text: "TLP:" + string(x.Marking.TLP), maxLines: 2},
		}
	}
	d.table(incidentColumns, []string{m.ColIncident, m.ColTitleI, m.ColCategoryI, m.ColSeverityI, m.ColStateI, m.ColDetectedI,
		m.ColDowntime, m.ColPersonHours, m.ColDirectCost, m.ColTLP}, rows)
	d.add(space(3))
}

// review lays out the process review's schedule, the last review and
// when the next is due.
func (d *doc) review(r process.ReviewDue) {
	m := d.m
	d.section(m.Review, 15)
	d.note(fmt.Sprintf(m.ReviewSchedule, r.Schedule.EveryMonths), sizeMeta, black)
	if r.Last != nil {
		d.note(fmt.Sprintf(m.LastReview, date(r.Last.On, time.UTC), strings.Join(r.Last.Participants, ", ")), sizeMeta, black)
	} else {
		d.note(m.NoReview, sizeMeta, black)
	}
	next, color := m.ReviewNow, red
	if !r.Next.IsZero() {
		next = date(r.Next, time.UTC)
	}
	status := m.ReviewOverdue
	if !r.Overdue {
		color, status = black, m.NotDue
	}
	d.note(fmt.Sprintf(m.NextReview, next, status), sizeMeta, color)
}

// dash is s, or "—" for nothing.
func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// IncidentsCSV writes the metrics of r as CSV, one table in long form:
// metric, breakdown, value, unit, a line each, in the order the PDF
// shows them. The incidents themselves are not listed: the file is the
// period's figures, to chart and compare from one review to the next.
// Empty values mean "no data".
func IncidentsCSV(w io.Writer, r Incidents) error {
	if err := check(r.Lang, r.GeneratedAt); err != nil {
		return err
	}
	m := msgs(r.Lang)
	s := r.Metrics
	cw := newCSV(w)
	cw.row(m.ColMetric, m.ColBreakdown, m.ColValue, m.ColUnit)
	from, to := period(s.Window)
	cw.row(m.Period, "", fmt.Sprintf(m.PeriodValue, from, to), "")
	cw.row(m.CardIncidents, m.All, itoa(s.Incidents), "")
	cw.row(m.CardIncidents, m.ColOpen, itoa(s.Open), "")
	cw.row(m.CardIncidents, m.ColClosed, itoa(s.Closed), "")
	for _, c := range s.ByCategory {
		cw.row(m.ColCategory, m.CategoryNames[incident.Category(c.Key)], itoa(c.Incidents), "")
	}
	for _, v := range s.BySeverity {
		cw.row(m.ColSeverity, m.SeverityNames[incident.Severity(v.Key)], itoa(v.Incidents), "")
	}
	for _, p := range s.ByProject {
		cw.row(m.ColProject, p.Key, itoa(p.Incidents), "")
	}
	cw.row(m.ColProject, m.Unattributed, itoa(s.Unattributed), "")
	for _, x := range s.Months {
		cw.row(m.Trend+m.Colon+m.ColDetected, x.Start.Format("2006-01"), itoa(x.Detected), "")
		cw.row(m.Trend+m.Colon+m.ColClose, x.Start.Format("2006-01"), itoa(x.Closed), "")
	}
	opt := func(v *float64, decimals int) string {
		if v == nil {
			return ""
		}
		return decimal(*v, decimals)
	}
	total, effort := "", ""
	if s.Downtime.Incidents > 0 {
		total, effort = strconv.FormatInt(s.Downtime.Minutes, 10), decimal(s.PersonHours, 1)
	}
	cw.row(m.TotalDowntime, "", total, m.UnitMinutes)
	cw.row(m.MeanDowntime, "", opt(s.Downtime.MeanMinutes, 1), m.UnitMinutes)
	cw.row(m.MedianDowntime, "", opt(s.Downtime.MedianMinutes, 1), m.UnitMinutes)
	cw.row(m.PersonHours, "", effort, m.UnitHours)
	for _, x := range s.DirectCost {
		cw.row(m.ColDirect, "", strconv.FormatFloat(x.Amount, 'f', 2, 64), x.Currency)
	}
	for _, x := range s.LongTermCost {
		cw.row(m.ColLongTerm, "", strconv.FormatFloat(x.Amount, 'f', 2, 64), x.Currency)
	}
	for _, x := range []struct {
		st incident.State
		d  metrics.Durations
	}{{incident.Triaged, s.TimeToTriage}, {incident.Contained, s.TimeToContain}, {incident.Closed, s.TimeToClose}} {
		cw.row(m.StepNames[x.st], m.ColMeasured, itoa(x.d.Incidents), "")
		cw.row(m.StepNames[x.st], m.ItemMedian, opt(x.d.MedianHours, 2), m.UnitHours)
		cw.row(m.StepNames[x.st], m.ItemMean, opt(x.d.MeanHours, 2), m.UnitHours)
	}
	for _, x := range s.SAMM.List() {
		name := m.SAMMNames[x.Key]
		st, _ := m.status(x.Ratio)
		cw.row(name, m.ColAchieved, itoa(x.Numerator), "")
		cw.row(name, m.ColOf, itoa(x.Denominator), "")
		cw.row(name, m.ColPct, opt(x.Percent, 1), "%")
		cw.row(name, m.ColStatus, st, "")
	}
	next, status := m.ReviewNow, m.ReviewOverdue
	if !s.Review.Next.IsZero() {
		next = date(s.Review.Next, time.UTC)
	}
	if !s.Review.Overdue {
		status = m.NotDue
	}
	cw.row(m.CardReview, "", next, "")
	cw.row(m.CardReview, m.ColStatus, status, "")
	return cw.flush("incident review")
}
