package suggest

import (
	"slices"
	"testing"
)

// accuracy counts the rows whose best class with bias added is the label.
func accuracy(scores [][]float64, labels []int, bias []float64) int {
	n := 0
	for i, s := range scores {
		best := 0
		for j := range s {
			if s[j]+bias[j] > s[best]+bias[best] {
				best = j
			}
		}
		if best == labels[i] {
			n++
		}
	}
	return n
}

func TestTuneBias(t *testing.T) {
	// Two classes, H (0) and L (1). The scores favour H by 1 to 10 on
	// every row, but only the rows where H leads by 8 or more are H: a
	// model that over-predicts the rare class, as naive Bayes does on
	// Attack Complexity.
	var hl [][]float64
	var hlLabels []int
	for i := 1; i <= 10; i++ {
		hl = append(hl, []float64{float64(i), 0})
		hlLabels = append(hlLabels, map[bool]int{true: 0, false: 1}[i >= 8])
	}
	for _, tc := range []struct {
		name     string
		scores   [][]float64
		labels   []int
		wantAcc  int
		wantZero bool // no bias is needed: the raw scores are already best
	}{
		{"over-predicted rare class", hl, hlLabels, 10, false},
		{"already right", [][]float64{{2, 0}, {0, 2}, {3, 1}}, []int{0, 1, 0}, 3, true},
		{"three classes", [][]float64{{5, 0, 1}, {5, 4, 0}, {5, 0, 4.5}, {0, 1, 0}}, []int{0, 1, 2, 1}, 4, false},
		{"unanswerable label", [][]float64{{1, 0}, {1, 0}}, []int{-1, 0}, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bias := tuneBias(tc.scores, tc.labels)
			if len(bias) != len(tc.scores[0]) || bias[0] != 0 {
				t.Fatalf("bias %v: want one per class, class 0's zero", bias)
			}
			before := accuracy(tc.scores, tc.labels, make([]float64, len(bias)))
			got := accuracy(tc.scores, tc.labels, bias)
			if got != tc.wantAcc || got < before {
				t.Errorf("bias %v: %d rows right (%d without), want %d", bias, got, before, tc.wantAcc)
			}
			if zero := !slices.ContainsFunc(bias, func(b float64) bool { return b != 0 }); zero != tc.wantZero {
				t.Errorf("bias %v: all zero %v, want %v", bias, zero, tc.wantZero)
			}
		})
	}
}

// TestTrainCalibrates trains on examples where one word marks the rare
// class only loosely (naive Bayes counts its six words as six pieces of
// evidence and over-predicts it), and checks that the trained metric classifier
// carries a bias tuned on the training split alone: the held-out
// examples' labels do not change it.
func TestTrainCalibrates(t *testing.T) {
	var ex []Example
	for i := range 400 {
		id := "X-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		text, ac := "remote attacker sends a crafted request", "L"
		if i%4 == 0 {
			text += " race condition in the timing window of concurrent threads"
			if i%16 == 0 {
				ac = "H"
			}
		}
		ex = append(ex, Example{ID: id, Lang: English, Text: text, Metrics: map[string]string{"AC": ac}})
	}
	cfg := DefaultConfig
	cfg.MinDF = 1
	m := Train(ex, cfg)
	c := m.Langs[English].Targets["AC"]
	if c == nil || len(c.Bias) != 2 {
		t.Fatalf("AC classifier %+v: want a bias per class", c)
	}
	flipped := slices.Clone(ex)
	for i := range flipped {
		if cfg.HeldOut(flipped[i].ID) {
			flipped[i].Metrics = map[string]string{"AC": "H"}
		}
	}
	if got := Train(flipped, cfg).Langs[English].Targets["AC"].Bias; !slices.Equal(got, c.Bias) {
		t.Errorf("held-out labels changed the bias: %v, was %v", got, c.Bias)
	}
	cfg.Calibrate = 0
	if got := Train(ex, cfg).Langs[English].Targets["AC"].Bias; got != nil {
		t.Errorf("Calibrate 0: bias %v, want none", got)
	}
}
