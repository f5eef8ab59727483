package risk

import (
	"testing"
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
