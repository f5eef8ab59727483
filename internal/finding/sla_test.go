package finding

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/risk"
)

// slaDays builds a Days map in the order critical, high, medium, low.
func slaDays(c, h, m, l int) map[risk.Priority]int {
	return map[risk.Priority]int{risk.PriorityCritical: c, risk.PriorityHigh: h, risk.PriorityMedium: m, risk.PriorityLow: l}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name    string
		p       Policy
		wantErr string // "" for valid
	}{
		{name: "default prod", p: DefaultPolicies()[0]},
		{name: "default default", p: DefaultPolicies()[1]},
		{name: "bounds", p: Policy{Environment: asset.EnvDev, Days: slaDays(1, 1, MaxPolicyDays, MaxPolicyDays)}},
		{name: "unknown environment", p: Policy{Environment: "production", Days: slaDays(7, 30, 90, 180)},
			wantErr: `invalid SLA policy: environment: unknown "production"`},
		{name: "missing priority", p: Policy{Environment: asset.EnvProd, Days: map[risk.Priority]int{risk.PriorityCritical: 7, risk.PriorityHigh: 30, risk.PriorityMedium: 90}},
			wantErr: "invalid SLA policy: prod policy: days[low]: missing"},
		{name: "no days", p: Policy{},
			wantErr: "invalid SLA policy: default policy: days[low]: missing"},
		{name: "zero", p: Policy{Environment: asset.EnvTest, Days: slaDays(0, 30, 90, 180)},
			wantErr: "invalid SLA policy: test policy: days[critical]: 0, want 1 to 3650"},
		{name: "negative", p: Policy{Days: slaDays(7, -1, 90, 180)},
			wantErr: "invalid SLA policy: default policy: days[high]: -1, want 1 to 3650"},
		{name: "too long", p: Policy{Days: slaDays(7, 30, 90, 3651)},
			wantErr: "invalid SLA policy: default policy: days[low]: 3651, want 1 to 3650"},
		{name: "unknown priority", p: Policy{Days: map[risk.Priority]int{risk.PriorityCritical: 7, risk.PriorityHigh: 30, risk.PriorityMedium: 90, risk.PriorityLow: 180, "urgent": 1}},
			wantErr: "invalid SLA policy: default policy: days[urgent]: unknown priority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrPolicy) {
				t.Fatalf("Validate() = %v, want ErrPolicy containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidatePolicies(t *testing.T) {
	prod, def := DefaultPolicies()[0], DefaultPolicies()[1]
	tests := []struct {
		name    string
		ps      []Policy
		wantErr string
	}{
		{name: "defaults", ps: DefaultPolicies()},
		{name: "default only", ps: []Policy{def}},
		{name: "no default", ps: []Policy{prod}, wantErr: "no default policy"},
		{name: "empty", ps: nil, wantErr: "no default policy"},
		{name: "duplicate", ps: []Policy{prod, def, prod}, wantErr: "policies[2]: prod policy: duplicates policies[0]"},
		{name: "invalid member", ps: []Policy{def, {Environment: asset.EnvDev}}, wantErr: "policies[1]: invalid SLA policy: dev policy: days[low]: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePolicies(tt.ps)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidatePolicies() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrPolicy) {
				t.Fatalf("ValidatePolicies() = %v, want ErrPolicy containing %q", err, tt.wantErr)
			}
		})
	}
}

// The JSON boundary rejects what Validate would, through the key and
// field types' UnmarshalText.
func TestPolicyJSON(t *testing.T) {
	var p Policy
	good := `{"environment":"prod","days":{"critical":7,"high":30,"medium":90,"low":180},"kev":true,"bod_26_04":true}`
	if err := json.Unmarshal([]byte(good), &p); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultPolicies()[0], p); diff != "" {
		t.Errorf("decoded policy (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		`{"days":{"urgent":1}}`,
		`{"environment":"production","days":{}}`,
	} {
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("json.Unmarshal(%s) accepted it", bad)
		}
	}
}

func TestPolicyFor(t *testing.T) {
	ps := DefaultPolicies()
	tests := []struct {
		env  asset.Environment
		ps   []Policy
		want asset.Environment
		zero bool
	}{
		{env: asset.EnvProd, ps: ps, want: asset.EnvProd},
		{env: asset.EnvStaging, ps: ps, want: ""},
		{env: "", ps: ps, want: ""},
		{env: asset.EnvDev, ps: ps[:1], zero: true},
	}
	for _, tt := range tests {
		got := PolicyFor(tt.ps, tt.env)
		if tt.zero {
			if got.Days != nil {
				t.Errorf("PolicyFor(%q) = %+v, want the zero policy", tt.env, got)
			}
			continue
		}
		if got.Environment != tt.want || got.Days == nil {
			t.Errorf("PolicyFor(%q) = %+v, want the %q policy", tt.env, got, tt.want)
		}
	}
}

func TestDueDate(t *testing.T) {
	prod, def := DefaultPolicies()[0], DefaultPolicies()[1]
	noExtras := Policy{Environment: asset.EnvProd, Days: prod.Days}
	seen := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	// The last instant of a KEV due date, UTC.
	endOf := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 23, 59, 59, 999999999, time.UTC)
	}
	tests := []struct {
		name     string
		p        Policy
		prio     risk.Priority
		kev, bod string
		want     Deadline
		wantErr  error
		errText  string
	}{
		// 1 March + 30 days = 31 March, same time of day.
		{name: "policy high", p: prod, prio: risk.PriorityHigh,
			want: Deadline{time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC), "prod policy: high within 30 days of first seen"}},
		// 1 March 2026 + 365 days = 1 March 2027 (2026 is not a leap year).
		{name: "default low", p: def, prio: risk.PriorityLow,
			want: Deadline{time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC), "default policy: low within 365 days of first seen"}},
		// Policy: 8 March 10:00; KEV: end of 5 March. KEV is earlier.
		{name: "KEV earlier", p: prod, prio: risk.PriorityCritical, kev: "2026-03-05",
			want: Deadline{endOf(2026, 3, 5), "KEV due date 2026-03-05"}},
		// KEV's 20 March is after the policy's 8 March.
		{name: "KEV later", p: prod, prio: risk.PriorityCritical, kev: "2026-03-20",
			want: Deadline{time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC), "prod policy: critical within 7 days of first seen"}},
		// Found after CISA's due date: overdue from the start.
		{name: "KEV already past", p: prod, prio: risk.PriorityHigh, kev: "2025-12-01",
			want: Deadline{endOf(2025, 12, 1), "KEV due date 2025-12-01"}},
		// 1 March + 14 days = 15 March, before the policy's 31 March.
		{name: "BOD 14D", p: prod, prio: risk.PriorityHigh, bod: "14D",
			want: Deadline{time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC), "BOD 26-04: 14D (14 days) from first seen"}},
		{name: "BOD 3DF", p: prod, prio: risk.PriorityHigh, bod: "3DF",
			want: Deadline{time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC), "BOD 26-04: 3DF (3 days & forensic investigation) from first seen"}},
		// 60 days is 30 April, after the policy's 31 March.
		{name: "BOD 60D later", p: prod, prio: risk.PriorityHigh, bod: "60D",
			want: Deadline{time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC), "prod policy: high within 30 days of first seen"}},
		{name: "BOD FSU sets nothing", p: prod, prio: risk.PriorityLow, bod: "FSU",
			want: Deadline{time.Date(2026, 8, 28, 10, 0, 0, 0, time.UTC), "prod policy: low within 180 days of first seen"}},
		// KEV: end of 3 March; BOD 3D: 4 March 10:00; policy 8 March.
		{name: "KEV and BOD, KEV earliest", p: prod, prio: risk.PriorityCritical, kev: "2026-03-03", bod: "3D",
			want: Deadline{endOf(2026, 3, 3), "KEV due date 2026-03-03"}},
		// The policy says 14 days, the BOD 14 days: the policy is named.
		{name: "tie", p: Policy{Days: slaDays(14, 14, 14, 14), BOD2604: true}, prio: risk.PriorityHigh, bod: "14D",
			want: Deadline{time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC), "default policy: high within 14 days of first seen"}},
		// A policy without KEV and BOD ignores them, even malformed.
		{name: "KEV and BOD off", p: noExtras, prio: risk.PriorityHigh, kev: "soon", bod: "7D",
			want: Deadline{time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC), "prod policy: high within 30 days of first seen"}},

		{name: "unknown priority", p: prod, prio: "urgent", wantErr: ErrDue, errText: `priority: unknown "urgent"`},
		{name: "zero policy", p: Policy{}, prio: risk.PriorityHigh, wantErr: ErrPolicy, errText: "default policy: days[high]: missing"},
		{name: "bad KEV date", p: prod, prio: risk.PriorityHigh, kev: "12/01/2026", wantErr: ErrDue, errText: `KEV due date: "12/01/2026" is not YYYY-MM-DD`},
		{name: "unknown BOD outcome", p: prod, prio: risk.PriorityHigh, bod: "7D", wantErr: ErrDue, errText: `BOD 26-04 outcome: unknown "7D"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DueDate(tt.p, seen, tt.prio, tt.kev, tt.bod)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("DueDate() error = %v, want %v containing %q", err, tt.wantErr, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DueDate() (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := DueDate(prod, time.Time{}, risk.PriorityHigh, "", ""); !errors.Is(err, ErrDue) || !strings.Contains(err.Error(), "first seen") {
		t.Errorf("DueDate(zero first seen) = %v, want ErrDue naming first seen", err)
	}
}

// Every outcome of the embedded BOD 26-04 table has a timeline here, and
// nothing else does: a new table version with new outcomes fails this.
func TestBOD2604Outcomes(t *testing.T) {
	tab := risk.BOD2604Table()
	var keys []string
	for _, v := range tab.Outcome.Values {
		keys = append(keys, v.Key)
		if _, ok := bod2604[v.Key]; !ok {
			t.Errorf("outcome %s (%s) of %s has no timeline", v.Key, v.Name, tab.ID())
		}
	}
	for k := range bod2604 {
		found := false
		for _, v := range keys {
			found = found || v == k
		}
		if !found {
			t.Errorf("timeline %s is not an outcome of %s (%v)", k, tab.ID(), keys)
		}
	}
}

func TestBreached(t *testing.T) {
	due := time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		state State
		due   time.Time
		now   time.Time
		want  bool
	}{
		{"open past due", Triaged, due, due.Add(time.Second), true},
		{"fixed awaiting re-scan past due", Fixed, due, due.Add(time.Second), true},
		{"at the due instant", InRemediation, due, due, false},
		{"before due", New, due, due.Add(-time.Hour), false},
		{"no due date", New, time.Time{}, due, false},
		{"risk accepted past due", RiskAccepted, due, due.AddDate(1, 0, 0), false},
		{"verified past due", Verified, due, due.AddDate(1, 0, 0), false},
		{"false positive past due", FalsePositive, due, due.AddDate(1, 0, 0), false},
	}
	for _, tt := range tests {
		if got := Breached(tt.state, tt.due, tt.now); got != tt.want {
			t.Errorf("%s: Breached(%s, %s, %s) = %v, want %v", tt.name, tt.state, tt.due, tt.now, got, tt.want)
		}
	}
}

func TestComputeMetrics(t *testing.T) {
	day := 24 * time.Hour
	d := func(m time.Month, dd int) time.Time { return time.Date(2026, m, dd, 0, 0, 0, 0, time.UTC) }
	now := d(6, 1)
	ptr := func(f float64) *float64 { return &f }
	empty := map[risk.Priority]Bucket{risk.PriorityLow: {}, risk.PriorityMedium: {}, risk.PriorityHigh: {}, risk.PriorityCritical: {}}

	tests := []struct {
		name     string
		outcomes []Outcome
		want     Metrics
	}{
		{name: "none", want: Metrics{At: now, ByPriority: empty}},
		{
			name: "mixed",
			outcomes: []Outcome{
				// 1: fixed in 4 days, due in 7: met.
				{Priority: risk.PriorityCritical, State: Verified, FirstSeen: d(3, 1), Closed: d(3, 5), Due: d(3, 8)},
				// 2: fixed in 10 days, due in 7: missed.
				{Priority: risk.PriorityCritical, State: Verified, FirstSeen: d(3, 1), Closed: d(3, 11), Due: d(3, 8)},
				// 3: open, due 8 May, now 1 June: overdue, missed.
				{Priority: risk.PriorityCritical, State: InRemediation, FirstSeen: d(5, 1), Due: d(5, 8)},
				// 4: open, due 19 June: not yet decided.
				{Priority: risk.PriorityHigh, State: Triaged, FirstSeen: d(5, 20), Due: d(6, 19)},
				// 5: accepted, past due: open and accepted, not overdue, not counted for compliance.
				{Priority: risk.PriorityHigh, State: RiskAccepted, FirstSeen: d(1, 1), Due: d(1, 31)},
				// 6: closed as a false positive: closed, not remediated.
				{Priority: risk.PriorityHigh, State: FalsePositive, FirstSeen: d(1, 1), Closed: d(2, 1), Due: d(1, 31)},
				// 7: fixed in 2 days, due in 30: met.
				{Priority: risk.PriorityHigh, State: Verified, FirstSeen: d(4, 1), Closed: d(4, 3), Due: d(5, 1)},
				// 8: verified, closing time unknown: remediated, nothing measured.
				{Priority: risk.PriorityMedium, State: Verified, FirstSeen: d(4, 1), Due: d(5, 1)},
				// 9: fixed in 6 days, no due date: time measured, compliance not.
				{Priority: risk.PriorityLow, State: Verified, FirstSeen: d(3, 1), Closed: d(3, 7)},
				// 10: no priority, fixed awaiting re-scan, past due: in All only; overdue, missed.
				{State: Fixed, FirstSeen: d(4, 1), Due: d(5, 1)},
				// 11: closing before first seen (bad data): counted, not timed.
				{Priority: risk.PriorityLow, State: Verified, FirstSeen: d(3, 10), Closed: d(3, 1)},
			},
			want: Metrics{
				At: now,
				// Open: 3, 4, 5, 10. Overdue: 3, 10. Closed: 1, 2, 6, 7, 8, 9, 11;
				// remediated all but 6. Times: 4, 10, 2, 6 days: mean 22/4 = 5.5
				// days, median of 2, 4, 6, 10 = (4+6)/2 = 5 days. Met: 1, 7;
				// missed: 2, 3, 10: 2/5.
				All: Bucket{Open: 4, Accepted: 1, Overdue: 2, Closed: 7, Remediated: 6,
					MTTR: 5*day + 12*time.Hour, MedianTTR: 5 * day, SLAMet: 2, SLAMissed: 3, Compliance: ptr(0.4)},
				ByPriority: map[risk.Priority]Bucket{
					// 1, 2, 3: times 4 and 10 days, mean and median 7; met 1 of 3.
					risk.PriorityCritical: {Open: 1, Overdue: 1, Closed: 2, Remediated: 2,
						MTTR: 7 * day, MedianTTR: 7 * day, SLAMet: 1, SLAMissed: 2, Compliance: ptr(1.0 / 3)},
					// 4, 5, 6, 7: one time, 2 days; met 1 of 1.
					risk.PriorityHigh: {Open: 2, Accepted: 1, Closed: 2, Remediated: 1,
						MTTR: 2 * day, MedianTTR: 2 * day, SLAMet: 1, Compliance: ptr(1)},
					// 8: nothing measurable.
					risk.PriorityMedium: {Closed: 1, Remediated: 1},
					// 9, 11: one time, 6 days; no due dates.
					risk.PriorityLow: {Closed: 2, Remediated: 2, MTTR: 6 * day, MedianTTR: 6 * day},
				},
			},
		},
		{
			name: "closed exactly at due is on time",
			outcomes: []Outcome{
				{Priority: risk.PriorityHigh, State: Verified, FirstSeen: d(3, 1), Closed: d(3, 31), Due: d(3, 31)},
			},
			want: Metrics{
				At:  now,
				All: Bucket{Closed: 1, Remediated: 1, MTTR: 30 * day, MedianTTR: 30 * day, SLAMet: 1, Compliance: ptr(1)},
				ByPriority: map[risk.Priority]Bucket{
					risk.PriorityLow: {}, risk.PriorityMedium: {}, risk.PriorityCritical: {},
					risk.PriorityHigh: {Closed: 1, Remediated: 1, MTTR: 30 * day, MedianTTR: 30 * day, SLAMet: 1, Compliance: ptr(1)},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeMetrics(tt.outcomes, now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ComputeMetrics() (-want +got):\n%s", diff)
			}
		})
	}
}
