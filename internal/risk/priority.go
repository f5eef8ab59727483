package risk

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
)

// Priority is how urgently a finding should be fixed.
type Priority string

const (
	PriorityLow      Priority = "low"
	PriorityMedium   Priority = "medium"
	PriorityHigh     Priority = "high"
	PriorityCritical Priority = "critical"
)

// Priorities lists the priorities from lowest to highest.
var Priorities = []Priority{PriorityLow, PriorityMedium, PriorityHigh, PriorityCritical}

func (p Priority) String() string { return string(p) }

// IsValid reports whether p is a known priority.
func (p Priority) IsValid() bool { return slices.Contains(Priorities, p) }

// Rank orders priorities: low is 0, critical 3, unknown -1.
func (p Priority) Rank() int { return slices.Index(Priorities, p) }

// UnmarshalText rejects unknown priorities.
func (p *Priority) UnmarshalText(b []byte) error {
	if !Priority(b).IsValid() {
		return fmt.Errorf("unknown priority %q (low, medium, high, critical)", b)
	}
	*p = Priority(b)
	return nil
}

// Input is one thing an assessment rests on, with where it came from.
type Input struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source,omitempty"`
}

// Assessment is a finding's priority and everything it rests on.
type Assessment struct {
	Priority Priority `json:"priority"`
	// Why says how the inputs gave the priority, one sentence a rule.
	Why []string `json:"why"`
	// CVSS is the chosen vector scored with the asset's environment, if
	// the vulnerability has a vector.
	CVSS *CVSS `json:"cvss,omitempty"`
	// EPSS and KEV are as the merged vulnerability says; EPSSTrend is the
	// change from the earliest score the history keeps within 30 days
	// before it, when the vulnerability was read with its history.
	EPSS      *advisory.EPSS `json:"epss,omitempty"`
	EPSSTrend *EPSSTrend     `json:"epss_trend,omitempty"`
	KEV       *advisory.KEV  `json:"kev,omitempty"`
	SSVC      SSVCDecision   `json:"ssvc"`
	// Inputs lists every input with its source, for the explanation.
	Inputs []Input `json:"inputs,omitempty"`
}

// ssvcPriority maps the CISA Coordinator outcome onto a priority: Act is
// critical, Attend high, Track* medium, Track low.
var ssvcPriority = map[string]Priority{"AC": PriorityCritical, "AT": PriorityHigh, "T*": PriorityMedium, "T": PriorityLow}

// Assess decides a priority for a vulnerability (its merged record, with
// provenance from v) on an asset:
//   - the CISA Coordinator SSVC outcome sets it (Act critical, Attend
//     high, Track* medium, Track low), its decision points derived from
//     KEV, exploit references, EPSS, the CVSS vector and the asset;
//   - a vulnerability in KEV is at least high, whatever the asset: CISA
//     requires it fixed by its due date;
//   - a CVSS score of 9.0 or more, after the asset's environment, is at
//     least high.
//
// overrides are the analyst's SSVC decision-point overrides.
func Assess(v advisory.Vulnerability, a asset.Asset, overrides []SSVCOverride) (Assessment, error) {
	rec, err := v.Record()
	if err != nil {
		return Assessment{}, fmt.Errorf("assess %s: %w", v.ID, err)
	}
	source := func(f advisory.Field, key string) string {
		if fv, ok := v.Field(f, key); ok {
			c := fv.Chosen()
			return c.Source + " " + c.Record
		}
		return ""
	}
	var as Assessment
	ev := SSVCEvidenceFrom(&rec, &a)
	if sev, ok := chooseVector(rec.Severities); ok {
		c, err := Environmental(sev.Vector, AssetContext{Criticality: a.Criticality, Exposure: a.Exposure})
		if err == nil {
			as.CVSS = &c
			ev.CVSS, ev.CVSSVector = map[string]string{}, c.Vector
			for _, m := range c.Metrics {
				ev.CVSS[m.Key] = m.Value
			}
			as.Inputs = append(as.Inputs, Input{"CVSS", fmt.Sprintf("%s base %.1f, with the asset's environment %.1f %s", c.Vector, c.Base, c.Score, c.Severity),
				cmp.Or(sev.Provider, source(advisory.FieldSeverity, sev.Vector))})
		}
	}
	if rec.EPSS != nil {
		e := *rec.EPSS
		as.EPSS = &e
		value := fmt.Sprintf("%.5f (percentile %.5f) on %s", e.Score, e.Percentile, e.Date)
		if tr := epssTrend(e, v.History); tr != nil {
			as.EPSSTrend = tr
			value += fmt.Sprintf("; %s from %.5f on %s", tr.Direction, tr.From.Score, tr.From.Date)
		}
		as.Inputs = append(as.Inputs, Input{"EPSS", value, "epss"})
	}
	if rec.KEV != nil {
		k := *rec.KEV
		as.KEV = &k
		as.Inputs = append(as.Inputs, Input{"KEV", fmt.Sprintf("added %s, due %s, ransomware use %s", k.DateAdded, k.DueDate, cmp.Or(k.KnownRansomwareCampaignUse, "unknown")), "kev"})
	}
	as.Inputs = append(as.Inputs, Input{"asset", fmt.Sprintf("criticality %s, exposure %s, environment %s",
		cmp.Or(string(a.Criticality), "unset"), cmp.Or(string(a.Exposure), "unset"), cmp.Or(string(a.Environment), "unset")), a.Name})
	d, err := DecideSSVC(ev, SSVCOptions{}, overrides)
	if err != nil {
		return Assessment{}, fmt.Errorf("assess %s on %s: %w", v.ID, a.Name, err)
	}
	as.SSVC = d
	for _, p := range d.Points {
		value := p.Name
		if p.Override != nil {
			value += fmt.Sprintf(" (overridden by %s: %s; derived %s)", p.Override.By, p.Override.Reason, p.Derived)
		}
		as.Inputs = append(as.Inputs, Input{"SSVC " + string(p.Point), value, p.Why})
	}
	as.Priority = cmp.Or(ssvcPriority[d.Coordinator.Value], PriorityMedium)
	as.Why = append(as.Why, fmt.Sprintf("SSVC (CISA Coordinator) says %s: %s", d.Coordinator.Name, as.Priority))
	raise := func(to Priority, why string) {
		if to.Rank() > as.Priority.Rank() {
			as.Priority = to
			as.Why = append(as.Why, why+": raised to "+string(to))
		}
	}
	if as.KEV != nil {
		raise(PriorityHigh, "in CISA KEV, due "+as.KEV.DueDate)
	}
	if as.CVSS != nil && as.CVSS.Score >= 9.0 {
		raise(PriorityHigh, fmt.Sprintf("CVSS %.1f with the asset's environment", as.CVSS.Score))
	}
	// Without a vector to score, a source's own rating is the only word on
	// severity there is (a CNVD 高危 entry, a scanner's High): it raises
	// the priority to its level.
	if as.CVSS == nil {
		if sev, p, ok := highestRating(rec.Severities); ok {
			src := cmp.Or(sev.Provider, string(sev.Type))
			as.Inputs = append(as.Inputs, Input{"rating", sev.Rating, src})
			raise(p, fmt.Sprintf("rated %s by %s, with no CVSS vector", sev.Rating, src))
		}
	}
	return as, nil
}

// ratingPriority maps qualitative ratings, as sources spell them, onto
// priorities.
var ratingPriority = map[string]Priority{"CRITICAL": PriorityCritical, "HIGH": PriorityHigh, "IMPORTANT": PriorityHigh,
	"MEDIUM": PriorityMedium, "MODERATE": PriorityMedium, "LOW": PriorityLow}

// highestRating returns the qualitative rating that maps to the highest
// priority.
func highestRating(sevs []advisory.Severity) (advisory.Severity, Priority, bool) {
	var (
		best advisory.Severity
		bp   Priority
	)
	for _, s := range sevs {
		if s.Type.IsCVSS() {
			continue
		}
		if p, ok := ratingPriority[strings.ToUpper(strings.TrimSpace(s.Rating))]; ok && (bp == "" || p.Rank() > bp.Rank()) {
			best, bp = s, p
		}
	}
	return best, bp, bp != ""
}

// chooseVector picks the vector to score: the newest CVSS version, and
// within it the highest base score the sources state.
func chooseVector(sevs []advisory.Severity) (advisory.Severity, bool) {
	rank := map[advisory.SeverityType]int{advisory.CVSSv2: 1, advisory.CVSSv30: 2, advisory.CVSSv31: 3, advisory.CVSSv40: 4}
	var best advisory.Severity
	for _, s := range sevs {
		if rank[s.Type] == 0 || strings.TrimSpace(s.Vector) == "" {
			continue
		}
		if c := cmp.Compare(rank[s.Type], rank[best.Type]); c > 0 || (c == 0 && s.Score > best.Score) {
			best = s
		}
	}
	return best, best.Vector != ""
}

// EPSSTrend is how a vulnerability's EPSS score moved.
type EPSSTrend struct {
	From advisory.EPSS `json:"from"`
	// Direction is "rising", "falling" or "steady" (within 0.001).
	Direction string  `json:"direction"`
	Change    float64 `json:"change"`
}

// epssTrend compares the current score with the earliest replaced score
// dated within 30 days before it. EPSS publishes daily; a month is the
// window its authors use to speak of change.
func epssTrend(now advisory.EPSS, history []advisory.Claim) *EPSSTrend {
	day, err := time.Parse(time.DateOnly, now.Date)
	if err != nil {
		return nil
	}
	var from *advisory.EPSS
	for _, c := range history {
		if c.Field != advisory.FieldEPSS {
			continue
		}
		var e advisory.EPSS
		if json.Unmarshal(c.Value, &e) != nil {
			continue
		}
		d, err := time.Parse(time.DateOnly, e.Date)
		if err != nil || !d.Before(day) || day.Sub(d) > 30*24*time.Hour {
			continue
		}
		if from == nil || e.Date < from.Date {
			x := e
			from = &x
		}
	}
	if from == nil {
		return nil
	}
	tr := &EPSSTrend{From: *from, Change: now.Score - from.Score, Direction: "steady"}
	switch {
	case tr.Change > 0.001:
		tr.Direction = "rising"
	case tr.Change < -0.001:
		tr.Direction = "falling"
	}
	return tr
}
