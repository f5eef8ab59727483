package risk

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// Every outcome of the Coordinator table maps to a priority, in order:
// a key that drifted (Act is "AC", not "A") would fall through to the
// default and rank Act below Attend.
func TestSSVCPriorityCoversTheTable(t *testing.T) {
	out := CoordinatorTable().Outcome
	last := -1
	for _, v := range out.Values {
		p, ok := ssvcPriority[v.Key]
		if !ok {
			t.Fatalf("outcome %s (%s) has no priority", v.Key, v.Name)
		}
		if p.Rank() <= last {
			t.Errorf("outcome %s (%s) → %s does not rank above the outcome before it", v.Key, v.Name, p)
		}
		last = p.Rank()
	}
	if len(ssvcPriority) != len(out.Values) {
		t.Errorf("ssvcPriority has %d entries, the table %d outcomes", len(ssvcPriority), len(out.Values))
	}
}

// The trend compares the current EPSS score with the earliest replaced one
// within 30 days (scores of CVE-2021-44228 as the EPSS files of those days
// state them).
func TestEPSSTrend(t *testing.T) {
	claim := func(score float64, date string) advisory.Claim {
		b, _ := json.Marshal(advisory.EPSS{Score: score, Date: date})
		return advisory.Claim{Field: advisory.FieldEPSS, Value: b}
	}
	now := advisory.EPSS{Score: 0.94358, Date: "2026-11-20"}
	tests := []struct {
		name    string
		history []advisory.Claim
		want    string
	}{
		{"no history", nil, ""},
		{"rising", []advisory.Claim{claim(0.9, "2026-11-10"), claim(0.5, "2026-10-25"), claim(0.1, "2026-09-01")}, "rising from 0.5 on 2026-10-25"},
		{"falling", []advisory.Claim{claim(0.97, "2026-11-19")}, "falling from 0.97 on 2026-11-19"},
		{"steady", []advisory.Claim{claim(0.9440, "2026-11-19")}, "steady from 0.944 on 2026-11-19"},
		{"only older than a month", []advisory.Claim{claim(0.1, "2026-09-01")}, ""},
	}
	for _, tt := range tests {
		got := ""
		if tr := epssTrend(now, tt.history); tr != nil {
			got = fmt.Sprintf("%s from %v on %s", tr.Direction, tr.From.Score, tr.From.Date)
		}
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
