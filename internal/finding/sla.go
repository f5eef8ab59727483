package finding

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/risk"
)

// Policy is the remediation deadlines for one environment ("" = the
// default policy, for environments without their own).
//
// Environment decodes through asset.Environment.UnmarshalText, which
// rejects unknown names; the default policy is written by leaving the
// field out.
type Policy struct {
	Environment asset.Environment `json:"environment,omitempty"`
	// Days per priority: how long after a finding is first seen it must
	// be fixed. The keys decode through risk.Priority.UnmarshalText, so an
	// unknown priority fails at the boundary.
	Days map[risk.Priority]int `json:"days"`
	// KEV: when true, a finding on a KEV vulnerability is due no later
	// than CISA's due date for it.
	KEV bool `json:"kev"`
	// BOD2604: when true, the remediation timeline of the finding's CISA
	// BOD 26-04 SSVC outcome applies as an upper bound (see bod2604).
	BOD2604 bool `json:"bod_26_04"`
}

// MaxPolicyDays bounds a policy's deadlines. Ten years is longer than any
// remediation programme means; a larger number is a typo (365 → 3650 is
// already generous) or a way of saying "never", which the policy cannot
// say: every priority has a deadline.
const MaxPolicyDays = 3650

// ErrPolicy marks an SLA policy vmc cannot apply.
var ErrPolicy = errors.New("invalid SLA policy")

// ErrDue marks a due date that cannot be computed from the inputs given.
var ErrDue = errors.New("cannot compute due date")

// DefaultPolicies are the deadlines vmc uses until an administrator sets
// others: one for production and a slightly laxer default for every
// other environment.
//
// Production:
//   - critical 7 days: a week, about half the 15 calendar days CISA BOD
//     19-02 (2019) gave federal agencies for critical vulnerabilities on
//     internet-accessible systems, because vmc gives "critical" only to
//     the CISA SSVC outcome Act (risk.Assess), not to a CVSS score alone;
//     and well within PCI DSS v4.0 requirement 6.3.3 (critical security
//     patches installed within one month of release);
//   - high 30 days: BOD 19-02's deadline for high;
//   - medium 90 and low 180 days: a quarter and half a year, so that
//     they ride along with routine patch cycles;
//   - KEV on: CISA BOD 22-01 sets a due date for each KEV entry (two
//     weeks for CVEs from 2021 on when it was issued, six months for
//     older ones), and a vulnerability exploited in the wild should not
//     wait longer on a production system than on a federal one;
//   - BOD 26-04 on: its timelines (3 to 60 days) weigh exploitation,
//     automatability, impact and exposure, and cap the policy's days
//     where they are shorter.
//
// Default (staging, test, dev and anything unclassified): critical 15
// days (BOD 19-02's figure), high 45, medium 120, low 365. KEV and BOD
// 26-04 stay on: an exploited vulnerability on a test machine is still a
// foothold in the network, and BOD 26-04's outcome already weighs the
// asset's exposure.
func DefaultPolicies() []Policy {
	return []Policy{
		{
			Environment: asset.EnvProd,
			Days:        map[risk.Priority]int{risk.PriorityCritical: 7, risk.PriorityHigh: 30, risk.PriorityMedium: 90, risk.PriorityLow: 180},
			KEV:         true,
			BOD2604:     true,
		},
		{
			Days:    map[risk.Priority]int{risk.PriorityCritical: 15, risk.PriorityHigh: 45, risk.PriorityMedium: 120, risk.PriorityLow: 365},
			KEV:     true,
			BOD2604: true,
		},
	}
}

// name is how errors and rules call the policy: "prod policy", "default
// policy".
func (p Policy) name() string {
	if p.Environment == "" {
		return "default policy"
	}
	return string(p.Environment) + " policy"
}

// Validate checks that the policy names a known environment (or none) and
// gives every priority, and only known ones, a deadline of 1 to
// MaxPolicyDays days. Errors wrap ErrPolicy and name the field.
func (p Policy) Validate() error {
	if p.Environment != "" && !p.Environment.IsValid() {
		return fmt.Errorf("%w: environment: unknown %q (prod, staging, test, dev, or empty for the default)", ErrPolicy, p.Environment)
	}
	for _, prio := range risk.Priorities {
		d, ok := p.Days[prio]
		switch {
		case !ok:
			return fmt.Errorf("%w: %s: days[%s]: missing", ErrPolicy, p.name(), prio)
		case d <= 0 || d > MaxPolicyDays:
			return fmt.Errorf("%w: %s: days[%s]: %d, want 1 to %d", ErrPolicy, p.name(), prio, d, MaxPolicyDays)
		}
	}
	// Sorted, so the error is the same from run to run.
	keys := make([]string, 0, len(p.Days))
	for prio := range p.Days {
		keys = append(keys, string(prio))
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !risk.Priority(k).IsValid() {
			return fmt.Errorf("%w: %s: days[%s]: unknown priority (low, medium, high, critical)", ErrPolicy, p.name(), k)
		}
	}
	return nil
}

// ValidatePolicies checks a set of policies as a whole: each is valid, no
// environment has two, and there is a default ("") policy, so that
// PolicyFor has an answer for every environment. Errors name the policy
// by its index.
func ValidatePolicies(ps []Policy) error {
	seen := map[asset.Environment]int{}
	for i, p := range ps {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("policies[%d]: %w", i, err)
		}
		if j, ok := seen[p.Environment]; ok {
			return fmt.Errorf("%w: policies[%d]: %s: duplicates policies[%d]", ErrPolicy, i, p.name(), j)
		}
		seen[p.Environment] = i
	}
	if _, ok := seen[""]; !ok {
		return fmt.Errorf("%w: no default policy (one without an environment)", ErrPolicy)
	}
	return nil
}

// PolicyFor returns the policy for env, else the default ("") policy,
// else the zero Policy (which DueDate refuses: it has no deadlines).
func PolicyFor(ps []Policy, env asset.Environment) Policy {
	var def Policy
	for _, p := range ps {
		if p.Environment == env {
			return p
		}
		if p.Environment == "" {
			def = p
		}
	}
	return def
}

// Deadline is a finding's due date and the rule that set it.
type Deadline struct {
	Due time.Time `json:"due"`
	// Rule says in words which rule set Due: "prod policy: high within 30
	// days of first seen", "KEV due date 2026-12-01", "BOD 26-04: 14D
	// (14 days) from first seen".
	Rule string `json:"rule"`
}

// bod2604 maps the outcome values of the CISA BOD 26-04 decision table
// (cisa:DT_BOD2604:1.0.0, outcome point cisa:BOD2604:1.0.0, embedded in
// internal/risk/ssvc) to their remediation timelines, as the table
// defines them. Zero days means the outcome sets no calendar deadline.
// TestBOD2604Outcomes keeps this in step with the table.
var bod2604 = map[string]struct {
	days int
	name string
}{
	// "Fix on system upgrade": remediate at the asset's next scheduled
	// major upgrade or rebuild. That is an event, not a date, so the
	// outcome bounds nothing and the policy's deadline stands.
	"FSU": {0, "fix on system upgrade"},
	// "Remediate within 60 days."
	"60D": {60, "60 days"},
	// "Remediate within 14 days."
	"14D": {14, "14 days"},
	// "Remediate within 3 days."
	"3D": {3, "3 days"},
	// "Remediate within 3 days and carry out a forensic triage of the
	// asset": the deadline is the same 3 days; the forensic triage is
	// named in the rule so that whoever reads it knows it is owed.
	"3DF": {3, "3 days & forensic investigation"},
}

// DueDate computes a finding's due date under policy p, and says which
// rule set it. The candidates are:
//   - the policy's days for prio, counted in calendar days from
//     firstSeen;
//   - if p.KEV and kevDue (CISA KEV's dueDate, "YYYY-MM-DD") is set, the
//     end of that day, UTC. A vulnerability found after its KEV due date
//     is overdue at once: the date says when it had to be fixed, and a
//     late discovery does not move it;
//   - if p.BOD2604 and bodOutcome (the BOD 26-04 table's outcome key) is
//     set, the outcome's timeline counted from firstSeen. The table does
//     not say from when its timelines run; first seen is the earliest
//     moment vmc knows the vulnerability is on the asset. "FSU" sets no
//     date.
//
// The earliest wins; on a tie the earlier rule in this list is named.
// kevDue and bodOutcome are checked only if the policy uses them. Errors
// wrap ErrPolicy when the policy lacks the priority's deadline, ErrDue
// when an input is malformed.
func DueDate(p Policy, firstSeen time.Time, prio risk.Priority, kevDue string, bodOutcome string) (Deadline, error) {
	if firstSeen.IsZero() {
		return Deadline{}, fmt.Errorf("%w: first seen: not set", ErrDue)
	}
	if !prio.IsValid() {
		return Deadline{}, fmt.Errorf("%w: priority: unknown %q (low, medium, high, critical)", ErrDue, prio)
	}
	days, ok := p.Days[prio]
	if !ok || days <= 0 {
		return Deadline{}, fmt.Errorf("%w: %s: days[%s]: missing", ErrPolicy, p.name(), prio)
	}
	d := Deadline{
		Due:  firstSeen.AddDate(0, 0, days),
		Rule: fmt.Sprintf("%s: %s within %d days of first seen", p.name(), prio, days),
	}
	earlier := func(due time.Time, rule string) {
		if due.Before(d.Due) {
			d = Deadline{due, rule}
		}
	}
	if p.KEV && kevDue != "" {
		day, err := time.Parse(time.DateOnly, kevDue)
		if err != nil {
			return Deadline{}, fmt.Errorf("%w: KEV due date: %q is not YYYY-MM-DD", ErrDue, kevDue)
		}
		// CISA's date is the day by which the fix must be in, so the
		// whole day counts: the deadline is its last instant.
		earlier(day.AddDate(0, 0, 1).Add(-time.Nanosecond), "KEV due date "+kevDue)
	}
	if p.BOD2604 && bodOutcome != "" {
		t, ok := bod2604[bodOutcome]
		if !ok {
			return Deadline{}, fmt.Errorf("%w: BOD 26-04 outcome: unknown %q (FSU, 60D, 14D, 3D, 3DF)", ErrDue, bodOutcome)
		}
		if t.days > 0 {
			earlier(firstSeen.AddDate(0, 0, t.days), fmt.Sprintf("BOD 26-04: %s (%s) from first seen", bodOutcome, t.name))
		}
	}
	return d, nil
}

// Breached reports whether a finding in state is past its due date at
// now: it is open, has a due date (zero is none), and now is after it.
//
// A risk-accepted finding is open (the risk is still there) but not
// breached: the acceptance is the approved exception to the deadline,
// and counting it would report every accepted finding as a breach for
// as long as it is accepted. When the acceptance expires the finding is
// re-opened and, if its due date has passed, breached again.
func Breached(state State, due, now time.Time) bool {
	return state.Open() && state != RiskAccepted && !due.IsZero() && now.After(due)
}

// Outcome is one finding's lifecycle facts, as metrics need them.
type Outcome struct {
	Priority  risk.Priority
	FirstSeen time.Time
	// Closed is when the finding reached its closed state (zero: it has
	// not, or the time is unknown). Due is its due date (zero: none).
	Closed, Due time.Time
	State       State
	// KEV says the vulnerability is in CISA's KEV catalogue.
	KEV bool
}

// Bucket is the metrics of one group of findings.
type Bucket struct {
	// Open counts findings in open states (State.Open), risk-accepted
	// ones included; Accepted counts those that are risk-accepted.
	Open     int `json:"open"`
	Accepted int `json:"accepted"`
	// Overdue counts open findings past their due date (Breached).
	Overdue int `json:"overdue"`
	// Closed counts findings in closed states: verified, false positive,
	// not affected, duplicate. Remediated counts the verified ones: only
	// those were fixed, the others were never a risk to fix.
	Closed     int `json:"closed"`
	Remediated int `json:"remediated"`
	// MTTR and MedianTTR are the mean and median time from first seen to
	// closed of remediated findings with both times known (the median of
	// an even count is the mean of the middle two); zero when there are
	// none. JSON gives them in nanoseconds, as the names say.
	MTTR      time.Duration `json:"mttr_ns"`
	MedianTTR time.Duration `json:"median_ttr_ns"`
	// SLAMet and SLAMissed count the findings whose deadline has been
	// decided, one way or the other:
	//   - met: remediated on or before the due date;
	//   - missed: remediated after it, or still open (not risk-accepted)
	//     and past it.
	// Open findings not yet due are undecided and left out, and so are
	// findings without a due date, risk-accepted ones (the acceptance is
	// the exception), findings closed without a fix, and remediated ones
	// whose closing time is unknown.
	SLAMet    int `json:"sla_met"`
	SLAMissed int `json:"sla_missed"`
	// Compliance is SLAMet / (SLAMet + SLAMissed), from 0 to 1; nil when
	// nothing has been decided, which is not the same as 100%.
	Compliance *float64 `json:"compliance,omitempty"`
}

// Metrics is the SLA picture of a set of findings at a moment.
type Metrics struct {
	At time.Time `json:"at"`
	// All covers every finding; ByPriority each priority, all four always
	// present. A finding without a known priority counts in All only.
	All        Bucket                   `json:"all"`
	ByPriority map[risk.Priority]Bucket `json:"by_priority"`
}

// ComputeMetrics computes the metrics of outcomes at now.
func ComputeMetrics(outcomes []Outcome, now time.Time) Metrics {
	type acc struct {
		b   Bucket
		ttr []time.Duration
	}
	all := &acc{}
	by := map[risk.Priority]*acc{}
	for _, p := range risk.Priorities {
		by[p] = &acc{}
	}
	for _, o := range outcomes {
		targets := []*acc{all}
		if a, ok := by[o.Priority]; ok {
			targets = append(targets, a)
		}
		for _, a := range targets {
			countOutcome(&a.b, &a.ttr, o, now)
		}
	}
	finish := func(a *acc) Bucket {
		b := a.b
		if n := len(a.ttr); n > 0 {
			// Summed as float64: a Duration holds 292 years, which
			// ten thousand findings of a year each would overflow.
			var sum float64
			for _, d := range a.ttr {
				sum += float64(d)
			}
			b.MTTR = time.Duration(sum / float64(n))
			slices.Sort(a.ttr)
			if n%2 == 1 {
				b.MedianTTR = a.ttr[n/2]
			} else {
				lo, hi := a.ttr[n/2-1], a.ttr[n/2]
				b.MedianTTR = lo + (hi-lo)/2
			}
		}
		if decided := b.SLAMet + b.SLAMissed; decided > 0 {
			c := float64(b.SLAMet) / float64(decided)
			b.Compliance = &c
		}
		return b
	}
	m := Metrics{At: now, All: finish(all), ByPriority: map[risk.Priority]Bucket{}}
	for p, a := range by {
		m.ByPriority[p] = finish(a)
	}
	return m
}

// countOutcome counts one outcome into a bucket.
func countOutcome(b *Bucket, ttr *[]time.Duration, o Outcome, now time.Time) {
	if o.State.Open() {
		b.Open++
		if o.State == RiskAccepted {
			b.Accepted++
		}
		if Breached(o.State, o.Due, now) {
			b.Overdue++
			b.SLAMissed++
		}
		return
	}
	b.Closed++
	if o.State != Verified {
		return
	}
	b.Remediated++
	if o.Closed.IsZero() {
		return
	}
	// A closing time before the first sighting is bad data; it would
	// pull the mean below what any fix took, so it is left out.
	if !o.FirstSeen.IsZero() && !o.Closed.Before(o.FirstSeen) {
		*ttr = append(*ttr, o.Closed.Sub(o.FirstSeen))
	}
	if !o.Due.IsZero() {
		if o.Closed.After(o.Due) {
			b.SLAMissed++
		} else {
			b.SLAMet++
		}
	}
}
