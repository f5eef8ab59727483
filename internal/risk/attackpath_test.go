package risk

import (
	"strings"
	"testing"
)

func TestWithAttackPath(t *testing.T) {
	on := AttackPathInput{Goals: []string{"execCode(db1,root)"}, Path: "internet → web1 (CVE-1) → db1 (CVE-2)", Analysis: "attack analysis 3"}
	for _, tc := range []struct {
		from, want Priority
		in         AttackPathInput
	}{
		{PriorityLow, PriorityMedium, on},
		{PriorityHigh, PriorityCritical, on},
		{PriorityCritical, PriorityCritical, on},
		{PriorityMedium, PriorityMedium, AttackPathInput{}},
	} {
		a := Assessment{Priority: tc.from, Why: []string{"SSVC says Track"}}
		got := WithAttackPath(a, tc.in)
		if got.Priority != tc.want {
			t.Errorf("%s on %v: %s, want %s", tc.from, tc.in.Goals, got.Priority, tc.want)
		}
		if len(a.Why) != 1 {
			t.Error("the input assessment was changed")
		}
		if len(tc.in.Goals) > 0 && !strings.Contains(got.Why[len(got.Why)-1], "internet → web1 (CVE-1) → db1 (CVE-2)") {
			t.Errorf("explanation %q does not name the path", got.Why)
		}
		if len(tc.in.Goals) == 0 && len(got.Why) != 1 {
			t.Errorf("a finding on no path got %q", got.Why)
		}
	}
}
