package metrics

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
)

// Target is SAMM's target for each success metric: more than 80 % (a
// metric at exactly 80 % is under it).
const Target = 80.0

// BriefingMonths is how far back from the window's end a briefing
// counts: SAMM's "briefed on the process in the last 6 months".
const BriefingMonths = 6

// DisclosureKinds are the messages to a communication tree that disclose
// an incident to its stakeholders: its report (new), its progress
// through the response (state), an advisory about it, and free-form
// briefings. SAMM's "stakeholders informed of disclosures" counts a
// stakeholder as informed when at least one of them was sent to it (not
// held under embargo, withheld by the label, or failed). Escalations are
// not disclosures: they page whoever must take the incident up, and say
// nothing to the stakeholders it is about.
var DisclosureKinds = []incident.MessageKind{incident.MessageNew, incident.MessageState, incident.MessageAdvisory, incident.MessageBriefing}

// Input is what the metrics are computed from.
type Input struct {
	Window Window
	// Incidents may be every incident there is: those detected in the
	// window are measured, and the others count only towards the months
	// they were closed in.
	Incidents []incident.Incident
	// AssetTeams maps asset names to their teams: an incident naming no
	// project counts towards the teams of its assets.
	AssetTeams map[string]string
	// Documented holds the closed and reviewed incidents whose root
	// cause and recommendations are documented (incident.Analysis
	// .Documented); one left out is not.
	Documented map[int64]bool
	// Informed is, per incident, how many stakeholders its communication
	// tree holds and how many were sent a disclosure (DisclosureKinds).
	// An incident left out has no tree, and counts neither way.
	Informed map[int64]Reach
	// Briefing is which teams were briefed in the BriefingMonths before
	// the window's end (process.CoverageOf).
	Briefing process.Coverage
	// Review is when the next review of the process is due.
	Review process.ReviewDue
}

// Reach is how many of an incident's stakeholders were informed.
type Reach struct {
	Stakeholders int `json:"stakeholders"`
	Informed     int `json:"informed"`
}

// Summary is the metrics of the incidents detected in a window.
type Summary struct {
	Window Window `json:"window"`
	// Incidents counts the incidents detected in the window; Open those
	// of them still open now (incident.State.Open), Closed the others
	// (closed or reviewed).
	Incidents int `json:"incidents"`
	Open      int `json:"open"`
	Closed    int `json:"closed"`
	// ByCategory and BySeverity count them for every category and
	// severity (zero included), in incident.Categories order and most
	// severe first.
	ByCategory []Count `json:"by_category"`
	BySeverity []Count `json:"by_severity"`
	// ByProject counts them per project, most first: an incident counts
	// once towards each project it names, or, naming none, towards each
	// team its assets belong to. Names match ignoring case and are shown
	// as the first of their spellings in order. Unattributed counts
	// incidents with neither.
	ByProject    []Count `json:"by_project"`
	Unattributed int     `json:"unattributed"`
	// Months is the trend: for every calendar month the window touches,
	// the incidents detected in it and the incidents (detected whenever)
	// closed in it, by the time they last entered closed.
	Months []Month `json:"months"`
	// Downtime, PersonHours and the costs add up the impacts recorded
	// (incident.Impact). Costs are per currency, by currency code.
	Downtime     Downtime         `json:"downtime"`
	PersonHours  float64          `json:"person_hours"`
	DirectCost   []incident.Money `json:"direct_cost"`
	LongTermCost []incident.Money `json:"long_term_cost"`
	// TimeToTriage, TimeToContain and TimeToClose run from detection to
	// the response's moves (see Durations).
	TimeToTriage  Durations `json:"time_to_triage"`
	TimeToContain Durations `json:"time_to_contain"`
	TimeToClose   Durations `json:"time_to_close"`
	SAMM          SAMM      `json:"samm"`
	// Review is when the next periodic review of the process is due.
	Review process.ReviewDue `json:"review"`
	// Rows are the incidents measured, by detection. Withheld counts
	// those a caller's disclosure controls left out of Rows and the
	// lists of ids (Withhold): they are in every count and sum all the
	// same.
	Rows     []Row `json:"rows"`
	Withheld int   `json:"withheld"`
}

// Count is how many incidents a category, severity or project has.
type Count struct {
	Key       string `json:"key"`
	Incidents int    `json:"incidents"`
}

// Month is one month of the trend.
type Month struct {
	// Start is the first instant of the month, in UTC.
	Start    time.Time `json:"start"`
	Detected int       `json:"detected"`
	Closed   int       `json:"closed"`
}

// Downtime is the downtime the impacts record.
type Downtime struct {
	// Minutes is the total; Incidents how many incidents have an impact
	// recorded, whose downtime (zero being "none") the mean and median
	// per incident are of. Both are nil when none has.
	Minutes       int64    `json:"minutes"`
	Incidents     int      `json:"incidents"`
	MeanMinutes   *float64 `json:"mean_minutes"`
	MedianMinutes *float64 `json:"median_minutes"`
}

// Durations is how long one step of the response took, over the
// incidents that took it.
//
// An incident is measured from its detection to when it last entered the
// state (incident.Incident.Reached), and only while it is in that state
// or past it: one re-opened to triage is not contained or closed now, and
// its earlier containment is not counted. A re-opened incident's triage
// is measured to its re-opening, which is what Reached keeps. Containment
// skipped (triaged → eradicated, for an incident that never spread) is
// measured to eradication; a report closed as no incident (reported →
// closed) was never triaged or contained and is measured only to its
// closing. A move stamped before detection (detection corrected
// afterwards) is left out rather than counted as negative time.
type Durations struct {
	Incidents int `json:"incidents"`
	// MedianHours and MeanHours are nil when no incident was measured.
	MedianHours *float64 `json:"median_hours"`
	MeanHours   *float64 `json:"mean_hours"`
}

// Ratio is a success metric: how many of how many, and the percentage,
// which is nil when there are none (no data is not 100 %). Met says the
// percentage is over Target; it is false with no data.
type Ratio struct {
	Numerator   int      `json:"numerator"`
	Denominator int      `json:"denominator"`
	Percent     *float64 `json:"percent"`
	Met         bool     `json:"met"`
}

func ratio(n, d int) Ratio {
	r := Ratio{Numerator: n, Denominator: d}
	if d > 0 {
		p := 100 * float64(n) / float64(d)
		r.Percent, r.Met = &p, p > Target
	}
	return r
}

// SAMM keys name the success metrics, in the order they are listed.
const (
	KeyBriefed   = "briefed"
	KeyInformed  = "informed"
	KeyRootCause = "root_cause"
	KeyCollated  = "collated"
)

// SAMM is the success metrics of SAMM's vulnerability management
// practice.
type SAMM struct {
	Target float64 `json:"target"`
	// Briefed: of the organisation's teams, those briefed on the process
	// from BriefedSince to the window's end (BriefingMonths).
	Briefed      Ratio     `json:"briefed"`
	BriefedSince time.Time `json:"briefed_since"`
	// Informed: of the stakeholders in the communication trees of the
	// incidents, those sent a disclosure of theirs (DisclosureKinds).
	Informed Ratio `json:"informed"`
	// RootCause: of the closed and reviewed incidents, those whose root
	// cause and recommendations are documented; Undocumented lists the
	// others.
	RootCause    Ratio   `json:"root_cause"`
	Undocumented []int64 `json:"undocumented"`
	// Collated: of the closed and reviewed incidents, those whose metrics
	// are collated: an impact recorded (its downtime, zero meaning none)
	// with the person-hours the response took, which no response takes
	// none of. Uncollated lists the others.
	Collated   Ratio   `json:"collated"`
	Uncollated []int64 `json:"uncollated"`
}

// Metric is a success metric and its key.
type Metric struct {
	Key string
	Ratio
}

// List returns the success metrics in order.
func (s SAMM) List() []Metric {
	return []Metric{{KeyBriefed, s.Briefed}, {KeyInformed, s.Informed}, {KeyRootCause, s.RootCause}, {KeyCollated, s.Collated}}
}

// Under returns the keys of the metrics with data that miss the target.
func (s SAMM) Under() []string {
	var out []string
	for _, m := range s.List() {
		if m.Percent != nil && !m.Met {
			out = append(out, m.Key)
		}
	}
	return out
}

// Row is one incident measured.
type Row struct {
	ID       int64             `json:"id"`
	Title    string            `json:"title"`
	Category incident.Category `json:"category"`
	Severity incident.Severity `json:"severity"`
	State    incident.State    `json:"state"`
	Marking  incident.Marking  `json:"marking"`
	Detected time.Time         `json:"detected"`
	// Projects are the projects it counts towards (see ByProject).
	Projects []string         `json:"projects"`
	Impact   *incident.Impact `json:"impact,omitempty"`
}

// Withhold leaves out of Rows, Undocumented and Uncollated the incidents
// keep refuses (those a caller's disclosure controls withhold), counting
// them in Withheld. Counts and sums keep them: the incidents are counted
// but not named.
func (s *Summary) Withhold(keep func(Row) bool) {
	gone := map[int64]bool{}
	s.Rows = slices.DeleteFunc(s.Rows, func(r Row) bool {
		if keep(r) {
			return false
		}
		gone[r.ID] = true
		return true
	})
	s.Withheld += len(gone)
	drop := func(id int64) bool { return gone[id] }
	s.SAMM.Undocumented = slices.DeleteFunc(s.SAMM.Undocumented, drop)
	s.SAMM.Uncollated = slices.DeleteFunc(s.SAMM.Uncollated, drop)
}

// Compute measures the incidents detected in in.Window.
func Compute(in Input) (Summary, error) {
	w := in.Window
	if err := w.Validate(); err != nil {
		return Summary{}, err
	}
	s := Summary{
		Window:       w,
		ByProject:    []Count{},
		DirectCost:   []incident.Money{},
		LongTermCost: []incident.Money{},
		Review:       in.Review,
		Rows:         []Row{},
		SAMM: SAMM{Target: Target, Briefed: ratio(len(in.Briefing.Briefed), len(in.Briefing.Teams)),
			BriefedSince: in.Briefing.From, Undocumented: []int64{}, Uncollated: []int64{}},
	}
	var sel []incident.Incident
	for _, x := range in.Incidents {
		if w.Contains(x.Detected) {
			sel = append(sel, x)
		}
	}
	slices.SortFunc(sel, func(a, b incident.Incident) int {
		return cmp.Or(a.Detected.Compare(b.Detected), cmp.Compare(a.ID, b.ID))
	})
	s.Incidents = len(sel)

	byCategory, bySeverity := map[incident.Category]int{}, map[incident.Severity]int{}
	projects := projectCounter{}
	var (
		downtime                []float64
		triage, contain, closed []float64
		direct, longTerm        = costs{}, costs{}
		informed, stakeholders  int
		documented, collated    int
	)
	for _, x := range sel {
		byCategory[x.Category]++
		bySeverity[x.Severity]++
		row := Row{ID: x.ID, Title: x.Title, Category: x.Category, Severity: x.Severity, State: x.State, Marking: x.Marking,
			Detected: x.Detected, Projects: projects.add(x, in.AssetTeams), Impact: x.Impact}
		if len(row.Projects) == 0 {
			s.Unattributed++
		}
		s.Rows = append(s.Rows, row)

		if im := x.Impact; im != nil {
			s.Downtime.Minutes += im.DowntimeMinutes
			downtime = append(downtime, float64(im.DowntimeMinutes))
			s.PersonHours += im.PersonHours
			if im.DirectCost != nil {
				direct.add(*im.DirectCost)
			}
			if im.LongTermCost != nil {
				longTerm.add(im.LongTermCost.Money)
			}
		}
		for _, m := range []struct {
			to   incident.State
			into *[]float64
		}{{incident.Triaged, &triage}, {incident.Contained, &contain}, {incident.Closed, &closed}} {
			if d, ok := took(x, m.to); ok {
				*m.into = append(*m.into, d.Hours())
			}
		}
		if r, ok := in.Informed[x.ID]; ok {
			// Informed never exceeds the tree; should a caller's
			// count, the share stays a share.
			stakeholders += r.Stakeholders
			informed += min(r.Informed, r.Stakeholders)
		}
		if x.State.Open() {
			s.Open++
			continue
		}
		s.Closed++
		if in.Documented[x.ID] {
			documented++
		} else {
			s.SAMM.Undocumented = append(s.SAMM.Undocumented, x.ID)
		}
		if im := x.Impact; im != nil && im.PersonHours > 0 {
			collated++
		} else {
			s.SAMM.Uncollated = append(s.SAMM.Uncollated, x.ID)
		}
	}
	for _, c := range incident.Categories {
		s.ByCategory = append(s.ByCategory, Count{string(c), byCategory[c]})
	}
	for _, v := range slices.Backward(incident.Severities) {
		s.BySeverity = append(s.BySeverity, Count{string(v), bySeverity[v]})
	}
	s.ByProject = projects.counts()
	s.Months = trend(w, sel, in.Incidents)
	s.Downtime.Incidents = len(downtime)
	s.Downtime.MeanMinutes, s.Downtime.MedianMinutes = mean(downtime), median(downtime)
	s.DirectCost, s.LongTermCost = direct.list(), longTerm.list()
	s.TimeToTriage, s.TimeToContain, s.TimeToClose = durations(triage), durations(contain), durations(closed)
	s.SAMM.Informed = ratio(informed, stakeholders)
	s.SAMM.RootCause = ratio(documented, s.Closed)
	s.SAMM.Collated = ratio(collated, s.Closed)
	slices.Sort(s.SAMM.Undocumented)
	slices.Sort(s.SAMM.Uncollated)
	return s, nil
}

// took returns how long after detection x last entered state to, while it
// is in that state or past it (see Durations).
func took(x incident.Incident, to incident.State) (time.Duration, bool) {
	if slices.Index(incident.States, x.State) < slices.Index(incident.States, to) {
		return 0, false
	}
	t, ok := x.Reached[to]
	if !ok && to == incident.Contained {
		t, ok = x.Reached[incident.Eradicated]
	}
	if !ok || t.Before(x.Detected) {
		return 0, false
	}
	return t.Sub(x.Detected), true
}

// trend counts, for every month of w, the incidents of sel detected in it
// and the incidents of all closed in it.
func trend(w Window, sel, all []incident.Incident) []Month {
	starts := w.months()
	out := make([]Month, len(starts))
	index := func(t time.Time) int {
		t = t.UTC()
		return (t.Year()-starts[0].Year())*12 + int(t.Month()) - int(starts[0].Month())
	}
	for i, st := range starts {
		out[i].Start = st
	}
	for _, x := range sel {
		out[index(x.Detected)].Detected++
	}
	for _, x := range all {
		if t, ok := x.Reached[incident.Closed]; ok && w.Contains(t) {
			out[index(t)].Closed++
		}
	}
	return out
}

// projectCounter counts incidents per project, matching names ignoring
// case.
type projectCounter map[string]*Count

// add counts x towards its projects, or its assets' teams, and returns
// them.
func (p projectCounter) add(x incident.Incident, teams map[string]string) []string {
	names := x.Projects
	if len(names) == 0 {
		names = make([]string, 0, len(x.Assets))
		for _, a := range x.Assets {
			names = append(names, teams[a])
		}
	}
	out := []string{}
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		key := strings.ToLower(n)
		if n == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, n)
		c, ok := p[key]
		if !ok {
			c = &Count{Key: n}
			p[key] = c
		}
		c.Incidents++
	}
	return out
}

// counts lists the projects, most incidents first, then by name.
func (p projectCounter) counts() []Count {
	out := make([]Count, 0, len(p))
	for _, c := range p {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.Incidents, a.Incidents), cmp.Compare(a.Key, b.Key)) })
	return out
}

// costs adds amounts per currency.
type costs map[string]float64

func (c costs) add(m incident.Money) { c[m.Currency] += m.Amount }

// list returns the totals by currency code.
func (c costs) list() []incident.Money {
	out := make([]incident.Money, 0, len(c))
	for cur, amount := range c {
		out = append(out, incident.Money{Amount: amount, Currency: cur})
	}
	slices.SortFunc(out, func(a, b incident.Money) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}

func durations(hours []float64) Durations {
	return Durations{Incidents: len(hours), MedianHours: median(hours), MeanHours: mean(hours)}
}

// mean is the mean of xs, nil for none.
func mean(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	m := sum / float64(len(xs))
	return &m
}

// median is the median of xs (the mean of the middle two of an even
// number), nil for none. xs is not reordered.
func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Sorted(slices.Values(xs))
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + m) / 2
	}
	return &m
}
