package report

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/orientation"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/font"
	"github.com/vmc-dev/vmc/internal/risk"
)

// Page geometry, in mm. maroto divides a row into grid columns; with a
// grid of 1000 a column's size is its width in tenths of a percent.
const (
	margin = 10.0
	grid   = 1000
	// slack keeps a page's rows a hair short of its height, so that
	// rounding never makes maroto start a page of its own.
	slack = 0.01
)

// Type sizes, in points.
const (
	sizeTitle   = 16
	sizeHeading = 10
	sizeMeta    = 8
	sizeTable   = 7
	sizeValue   = 14
	sizeSmall   = 6.5
)

var (
	black     = props.Color{}
	white     = props.Color{Red: 255, Green: 255, Blue: 255}
	grey      = props.Color{Red: 100, Green: 100, Blue: 100}
	red       = props.Color{Red: 190, Green: 20, Blue: 30}
	headFill  = props.Color{Red: 52, Green: 73, Blue: 94}
	zebraFill = props.Color{Red: 242, Green: 244, Blue: 247}
	cardFill  = props.Color{Red: 236, Green: 240, Blue: 244}
	ruleColor = props.Color{Red: 160, Green: 160, Blue: 160}

	priorityColor = map[risk.Priority]props.Color{
		risk.PriorityCritical: {Red: 176, Green: 0, Blue: 32},
		risk.PriorityHigh:     {Red: 200, Green: 80, Blue: 0},
		risk.PriorityMedium:   {Red: 140, Green: 110, Blue: 0},
		risk.PriorityLow:      grey,
	}
)

// column is one column of a table: its share of the grid and how its
// cells align.
type column struct {
	size  int
	align align.Type
}

// cellText is what one cell of a table shows.
type cellText struct {
	text     string
	color    props.Color
	maxLines int
	// more is a second paragraph, in the same colour ("Overdue").
	more string
}

// placed is a row and its height, which the layout fixed.
type placed struct {
	row core.Row
	h   float64
}

// doc lays a report out on pages. It chooses page breaks itself, so it
// knows the page count before maroto renders a page.
type doc struct {
	adv           *advances
	m             *messages
	title         string
	at            time.Time
	landscape     bool
	width, height float64 // of the area inside the margins
	footerH       float64

	pages [][]placed
	cur   []placed
	curH  float64
	// repeat, when set, makes the rows that start each new page: the
	// header of the table being laid out.
	repeat func() (core.Row, float64)
}

// newDoc starts a report titled title, or fallback if the title is empty
// or nothing but what clean removes.
func newDoc(m *messages, title, fallback string, at time.Time, landscape bool) (*doc, error) {
	adv, err := glyphs()
	if err != nil {
		return nil, err
	}
	w, h := pagesize.GetDimensions(pagesize.A4)
	if landscape {
		w, h = h, w
	}
	d := &doc{adv: adv, m: m, at: at, landscape: landscape, width: w - 2*margin, height: h - 2*margin}
	if d.title = clean(adv, title, 200); d.title == "" {
		d.title = fallback
	}
	_, d.footerH = d.footer(1, 1)
	return d, nil
}

// box makes a text box of one paragraph of text from outside.
func (d *doc) box(text string, size float64, color props.Color, maxLines int) *textBox {
	return &textBox{adv: d.adv, paras: []para{{clean(d.adv, text, maxCellRunes), size, color, maxLines}}, align: align.Left, padX: 1, padY: 0.8}
}

// colWidth is the width maroto gives a column of size in a full row,
// computed as maroto computes it.
func (d *doc) colWidth(size int) float64 {
	return d.width * (float64(size) / float64(grid))
}

// row makes a row of boxes in columns of the given sizes, as tall as the
// tallest box.
func (d *doc) row(sizes []int, boxes []*textBox, style *props.Cell, colStyle *props.Cell) (core.Row, float64) {
	h := 0.0
	for i, b := range boxes {
		h = max(h, b.height(d.colWidth(sizes[i])))
	}
	r := row.New(h)
	for i, b := range boxes {
		c := col.New(sizes[i]).Add(b)
		if colStyle != nil {
			c.WithStyle(colStyle)
		}
		r.Add(c)
	}
	if style != nil {
		r.WithStyle(style)
	}
	return r, h
}

// full makes a row of one box across the page.
func (d *doc) full(b *textBox) (core.Row, float64) {
	return d.row([]int{grid}, []*textBox{b}, nil, nil)
}

// space makes an empty row h mm tall.
func space(h float64) (core.Row, float64) {
	return row.New(h).Add(col.New(grid)), h
}

// avail is the height a page has for rows, the footer aside.
func (d *doc) avail() float64 { return d.height - d.footerH - slack }

// add puts a row on the current page, or on a new one if it does not fit.
func (d *doc) add(r core.Row, h float64) {
	if len(d.cur) > 0 && d.curH+h > d.avail() {
		d.newPage()
	}
	d.cur = append(d.cur, placed{r, h})
	d.curH += h
}

// keep starts a new page unless h mm still fit on this one, so that what
// belongs together (a heading and its table's first rows) stays together.
func (d *doc) keep(h float64) {
	if len(d.cur) > 0 && d.curH+h > d.avail() {
		d.newPage()
	}
}

func (d *doc) newPage() {
	d.pages = append(d.pages, d.cur)
	d.cur, d.curH = nil, 0
	if d.repeat != nil {
		d.add(d.repeat())
	}
}

// footer makes the footer of page n of total: the report's title and the
// page number, under a rule.
func (d *doc) footer(n, total int) (core.Row, float64) {
	left := d.box(d.title, sizeSmall, grey, 1)
	right := d.box(fmt.Sprintf(d.m.Page, n, total), sizeSmall, grey, 1)
	right.align = align.Right
	return d.row([]int{grid / 2, grid / 2}, []*textBox{left, right},
		&props.Cell{BorderType: border.Top, BorderColor: &ruleColor, BorderThickness: 0.2}, nil)
}

// heading lays out the report's title, time and filter.
func (d *doc) heading(filter string) {
	if filter == "" {
		filter = d.m.AllFindings
	}
	d.head([2]string{d.m.Filter, filter})
}

// head lays out the report's title, when it was generated, and a line
// "label: value" for each of lines.
func (d *doc) head(lines ...[2]string) {
	t := d.box(d.title, sizeTitle, black, 2)
	d.add(d.full(t))
	meta := &textBox{adv: d.adv, align: align.Left, padX: 1, padY: 0.5, paras: []para{
		{clean(d.adv, d.m.Generated+d.m.Colon+d.m.timestamp(d.at), maxCellRunes), sizeMeta, grey, 1},
	}}
	for _, l := range lines {
		meta.paras = append(meta.paras, para{clean(d.adv, l[0]+d.m.Colon+l[1], maxCellRunes), sizeMeta, grey, 3})
	}
	d.add(d.full(meta))
	d.add(space(2))
}

// section lays out a section heading, kept with the next need mm.
func (d *doc) section(title string, need float64) {
	r, h := d.full(d.box(title, sizeHeading, black, 1))
	d.keep(h + need)
	d.add(r, h)
}

// card is one summary figure: what it is, its value, a note under it.
func (d *doc) card(label, value string, valueColor props.Color, note string) *textBox {
	return &textBox{adv: d.adv, align: align.Left, padX: 2, padY: 1.5, paras: []para{
		{clean(d.adv, label, 100), sizeMeta, grey, 1},
		{clean(d.adv, value, 100), sizeValue, valueColor, 1},
		{clean(d.adv, note, 100), sizeSmall, grey, 1},
	}}
}

// cardRow lays out cards side by side, in equal columns.
func (d *doc) cardRow(boxes ...*textBox) {
	sizes := make([]int, len(boxes))
	for i := range sizes {
		sizes[i] = grid / len(boxes)
	}
	d.add(d.row(sizes, boxes, nil, &props.Cell{BackgroundColor: &cardFill, BorderType: border.Full, BorderColor: &white, BorderThickness: 1.5}))
	d.add(space(3))
}

// cards lays out the summary figures of a bucket.
func (d *doc) cards(b finding.Bucket) {
	m := d.m
	card := d.card
	overdue := black
	if b.Overdue > 0 {
		overdue = red
	}
	mttr, median := "—", ""
	if b.MTTR != 0 {
		mttr = fmt.Sprintf(m.Days, days(b.MTTR))
		median = fmt.Sprintf(m.Median, fmt.Sprintf(m.Days, days(b.MedianTTR)))
	}
	comp, note := "—", m.NoDecided
	if b.Compliance != nil {
		comp = percent(b.Compliance) + "%"
		note = fmt.Sprintf(m.SLANote, b.SLAMet, b.SLAMissed)
	}
	d.cardRow(
		card(m.Open, itoa(b.Open), black, fmt.Sprintf(m.Accepted, b.Accepted)),
		card(m.Overdue, itoa(b.Overdue), overdue, ""),
		card(m.Closed, itoa(b.Closed), black, fmt.Sprintf(m.Remediate, b.Remediated)),
		card(m.MTTR, mttr, black, median),
		card(m.SLA, comp, black, note),
	)
}

// table lays out a table: its header row, repeated on every page it
// runs onto, and its rows, shaded alternately.
func (d *doc) table(cols []column, head []string, rows [][]cellText) {
	sizes := make([]int, len(cols))
	for i, c := range cols {
		sizes[i] = c.size
	}
	header := func() (core.Row, float64) {
		boxes := make([]*textBox, len(cols))
		for i, h := range head {
			boxes[i] = d.box(h, sizeTable, white, 3)
			boxes[i].align = cols[i].align
		}
		return d.row(sizes, boxes, &props.Cell{BackgroundColor: &headFill}, nil)
	}
	body := func(i int) (core.Row, float64) {
		boxes := make([]*textBox, len(cols))
		for j, c := range rows[i] {
			b := d.box(c.text, sizeTable, c.color, c.maxLines)
			if c.more != "" {
				b.paras = append(b.paras, para{clean(d.adv, c.more, 100), sizeTable, c.color, 1})
			}
			b.align = cols[j].align
			boxes[j] = b
		}
		var style *props.Cell
		if i%2 == 1 {
			style = &props.Cell{BackgroundColor: &zebraFill}
		}
		return d.row(sizes, boxes, style, nil)
	}
	hr, hh := header()
	need := hh
	var first core.Row
	var firstH float64
	if len(rows) > 0 {
		first, firstH = body(0)
		need += firstH
	}
	d.keep(need)
	d.add(hr, hh)
	d.repeat = header
	for i := range rows {
		if i == 0 {
			d.add(first, firstH)
			continue
		}
		d.add(body(i))
	}
	d.repeat = nil
}

// note lays out a paragraph of small print.
func (d *doc) note(text string, size float64, color props.Color) {
	d.add(d.full(d.box(text, size, color, 0)))
}

// finish closes the last page and gives every page its footer.
func (d *doc) finish() [][]core.Row {
	d.pages = append(d.pages, d.cur)
	d.cur = nil
	out := make([][]core.Row, len(d.pages))
	for i, placed := range d.pages {
		var rows []core.Row
		h := 0.0
		for _, p := range placed {
			rows = append(rows, p.row)
			h += p.h
		}
		if fill := d.avail() - h; fill > 0 {
			rows = append(rows, row.New(fill).Add(col.New(grid)))
		}
		f, _ := d.footer(i+1, len(d.pages))
		out[i] = append(rows, f)
	}
	return out
}

// write renders the laid-out pages to w.
func (d *doc) write(w io.Writer) error {
	pages := d.finish()
	fonts, err := repository.New().
		AddUTF8FontFromBytes(families[faceLatin], fontstyle.Normal, font.Latin).
		AddUTF8FontFromBytes(families[faceCJK], fontstyle.Normal, font.CJK).
		Load()
	if err != nil {
		return fmt.Errorf("load fonts: %w", err)
	}
	o := orientation.Vertical
	if d.landscape {
		o = orientation.Horizontal
	}
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithOrientation(o).
		WithLeftMargin(margin).WithTopMargin(margin).WithRightMargin(margin).WithBottomMargin(margin).
		WithMaxGridSize(grid).
		WithCustomFonts(fonts).
		WithDefaultFont(&props.Font{Family: families[faceLatin], Style: fontstyle.Normal, Size: sizeTable, Color: &black}).
		WithCompression(true).
		WithTitle(d.title, true).
		WithCreator("vmc", false).
		WithCreationDate(d.at).
		Build()
	mt := maroto.New(cfg)
	for _, rows := range pages {
		mt.AddPages(page.New().Add(rows...))
	}
	out, err := mt.Generate()
	if err != nil {
		return fmt.Errorf("render PDF: %w", err)
	}
	if _, err := w.Write(out.GetBytes()); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

// findingsColumns are the findings table's columns, in tenths of a
// percent of an A4 landscape page (277 mm inside the margins).
var findingsColumns = []column{
	{40, align.Right}, // ID
	{95, align.Left},  // asset
	{65, align.Left},  // team
	{105, align.Left}, // vulnerability
	{215, align.Left}, // title
	{105, align.Left}, // package
	{70, align.Left},  // versions
	{50, align.Left},  // priority
	{75, align.Left},  // state
	{60, align.Left},  // due
	{60, align.Left},  // assignee
	{60, align.Left},  // first seen
}

// FindingsPDF writes r as a PDF, A4 landscape: title, time and filter;
// the summary figures of r.Metrics.All and per priority; then the table
// of rows, over as many pages as it takes, its header repeated on each.
func FindingsPDF(w io.Writer, r Findings) error {
	d, err := findingsDoc(r)
	if err != nil {
		return err
	}
	return d.write(w)
}

func findingsDoc(r Findings) (*doc, error) {
	if err := check(r.Lang, r.GeneratedAt); err != nil {
		return nil, err
	}
	m := msgs(r.Lang)
	d, err := newDoc(m, r.Title, m.FindingsTitle, r.GeneratedAt, true)
	if err != nil {
		return nil, err
	}
	d.heading(r.Filter)
	d.cards(r.Metrics.All)
	d.byPriority(r.Metrics, false)
	d.add(space(3))
	d.section(fmt.Sprintf(m.Listed, len(r.Rows)), 10)
	if len(r.Rows) == 0 {
		d.note(m.NoFindings, sizeMeta, grey)
		return d, nil
	}
	loc := r.GeneratedAt.Location()
	rows := make([][]cellText, len(r.Rows))
	for i, f := range r.Rows {
		pc, ok := priorityColor[f.Priority]
		if !ok {
			pc = black
		}
		due := cellText{text: date(f.Due, loc), maxLines: 1}
		switch {
		case f.Due.IsZero():
			due = cellText{text: m.NoDue, color: grey, maxLines: 2}
		case f.Breached:
			due.color, due.more = red, m.Overdue
		}
		rows[i] = []cellText{
			{text: strconv.FormatInt(f.ID, 10), maxLines: 1},
			{text: f.Asset, maxLines: 3},
			{text: f.Team, maxLines: 2},
			{text: f.Vuln, maxLines: 2},
			{text: f.Title, maxLines: 4},
			{text: f.Package, maxLines: 3},
			{text: f.Version, maxLines: 3},
			{text: m.priority(f.Priority), color: pc, maxLines: 1},
			{text: m.state(f.State), maxLines: 2},
			due,
			{text: f.Assignee, maxLines: 2},
			{text: date(f.FirstSeen, loc), maxLines: 1},
		}
	}
	d.table(findingsColumns, []string{m.ColID, m.ColAsset, m.ColTeam, m.ColVuln, m.ColTitle, m.ColPackage,
		m.ColVersion, m.ColPriority, m.ColState, m.ColDue, m.ColAssignee, m.ColFirstSeen}, rows)
	return d, nil
}

// byPriority lays out the metrics per priority, most urgent first, then
// all findings. The findings report shows counts; the SLA report (full)
// adds the SLA and time-to-remediate columns.
func (d *doc) byPriority(mt finding.Metrics, full bool) {
	m := d.m
	line := func(name string, nameColor props.Color, b finding.Bucket) []cellText {
		c := []cellText{
			{text: name, color: nameColor, maxLines: 1},
			{text: itoa(b.Open), maxLines: 1},
			{text: itoa(b.Accepted), maxLines: 1},
			{text: itoa(b.Overdue), maxLines: 1},
			{text: itoa(b.Closed), maxLines: 1},
			{text: itoa(b.Remediated), maxLines: 1},
		}
		if b.Overdue > 0 {
			c[3].color = red
		}
		if full {
			c = append(c,
				cellText{text: itoa(b.SLAMet), maxLines: 1},
				cellText{text: itoa(b.SLAMissed), maxLines: 1},
			)
		}
		c = append(c, cellText{text: dash(percent(b.Compliance)), maxLines: 1})
		if full {
			c = append(c,
				cellText{text: dash(days(b.MTTR)), maxLines: 1},
				cellText{text: dash(days(b.MedianTTR)), maxLines: 1},
			)
		}
		return c
	}
	var rows [][]cellText
	for _, p := range sortedPriorities {
		rows = append(rows, line(m.priority(p), priorityColor[p], bucket(mt, p)))
	}
	rows = append(rows, line(m.All, black, mt.All))
	head := []string{m.ColPriority, m.ColOpen, m.ColAccepted, m.ColOverdueN, m.ColClosed, m.ColRemediated}
	var cols []column
	if full {
		head = append(head, m.ColMet, m.ColMissed, m.ColCompliance, m.ColMTTRDays, m.ColMedianDays)
		cols = []column{{110, align.Left}, {80, align.Right}, {95, align.Right}, {80, align.Right}, {80, align.Right},
			{90, align.Right}, {80, align.Right}, {85, align.Right}, {110, align.Right}, {95, align.Right}, {95, align.Right}}
	} else {
		head = append(head, m.ColCompliance)
		// Half the landscape page is plenty; the rest stays empty.
		cols = []column{{90, align.Left}, {60, align.Right}, {70, align.Right}, {60, align.Right}, {60, align.Right},
			{70, align.Right}, {90, align.Right}}
	}
	d.section(m.ByPriority, 12)
	d.table(cols, head, rows)
}

// SLAPDF writes r as a PDF, A4 portrait: title, time and filter; the
// summary figures of all findings; the metrics per priority with a note
// on how they are counted; and the SLA policy table.
func SLAPDF(w io.Writer, r SLA) error {
	d, err := slaDoc(r)
	if err != nil {
		return err
	}
	return d.write(w)
}

func slaDoc(r SLA) (*doc, error) {
	if err := check(r.Lang, r.GeneratedAt); err != nil {
		return nil, err
	}
	m := msgs(r.Lang)
	d, err := newDoc(m, r.Title, m.SLATitle, r.GeneratedAt, false)
	if err != nil {
		return nil, err
	}
	d.heading(r.Filter)
	d.cards(r.Metrics.All)
	d.byPriority(r.Metrics, true)
	d.note(m.ComplianceNote, sizeSmall, grey)
	d.add(space(4))
	d.section(m.Policy, 12)
	if len(r.Policies) == 0 {
		d.note(m.NoPolicy, sizeMeta, grey)
		return d, nil
	}
	d.note(m.ColDays, sizeSmall, grey)
	cols := []column{{300, align.Left}, {110, align.Right}, {110, align.Right}, {110, align.Right}, {110, align.Right},
		{130, align.Left}, {130, align.Left}}
	head := []string{m.ColEnv}
	for _, p := range sortedPriorities {
		head = append(head, m.priority(p))
	}
	head = append(head, m.ColKEV, m.ColBOD)
	rows := make([][]cellText, len(r.Policies))
	for i, p := range r.Policies {
		c := []cellText{{text: m.env(p.Environment), maxLines: 2}}
		for _, prio := range sortedPriorities {
			v := "—"
			if n, ok := p.Days[prio]; ok {
				v = itoa(n)
			}
			c = append(c, cellText{text: v, maxLines: 1})
		}
		c = append(c, cellText{text: m.yesNo(p.KEV), maxLines: 1}, cellText{text: m.yesNo(p.BOD2604), maxLines: 1})
		rows[i] = c
	}
	d.table(cols, head, rows)
	return d, nil
}
