package suggest

import (
	"cmp"
	"math"
	"slices"
)

// calibrate tunes the class biases of one target's classifier, whose
// classes are classes: it trains the same classifier on the training
// examples outside the validation part (Config.validation), scores the
// validation part with it, and returns, per class of classes, the bias
// that maximises top-1 accuracy there (tuneBias). The held-out split is
// never seen: its examples are not in train. It returns nil when there is
// nothing to tune on.
func calibrate(lm *LangModel, train []*Example, docs [][]string, target string, cfg Config, classes []string) []float64 {
	var fit, val []*Example
	var fitDocs, valDocs [][]string
	for i, e := range train {
		if cfg.validation(e.ID) {
			if e.label(target) != "" {
				val, valDocs = append(val, e), append(valDocs, docs[i])
			}
			continue
		}
		fit, fitDocs = append(fit, e), append(fitDocs, docs[i])
	}
	if len(val) == 0 {
		return nil
	}
	c := trainOne(lm, fit, fitDocs, target, cfg)
	if c == nil {
		return nil
	}
	c.prepare(len(lm.Vocab), cfg.Alpha)
	scores := make([][]float64, 0, len(val))
	labels := make([]int, 0, len(val))
	for i, e := range val {
		// A class the fitted classifier lacks cannot be answered: the
		// example still counts, as always wrong.
		want, ok := slices.BinarySearch(c.Classes, e.label(target))
		if !ok {
			want = -1
		}
		var fis []int
		for _, f := range valDocs[i] {
			if fi, ok := lm.index[f]; ok {
				fis = append(fis, fi)
			}
		}
		scores, labels = append(scores, c.scores(fis)), append(labels, want)
	}
	tuned := tuneBias(scores, labels)
	out := make([]float64, len(classes))
	for i, cl := range classes {
		if j, ok := slices.BinarySearch(c.Classes, cl); ok {
			out[i] = tuned[j]
		}
	}
	if !slices.ContainsFunc(out, func(b float64) bool { return b != 0 }) {
		return nil
	}
	return out
}

// biasRounds bounds the coordinate ascent: each round can only raise the
// accuracy, and with at most four classes it settles within two or three.
const biasRounds = 5

// tuneBias returns the per-class biases that, added to scores (one row of
// class log scores per validation example), maximise the number of rows
// whose best class is the label (-1: none is right). It is coordinate
// ascent: for one class at a time, with the others fixed, a row answers
// that class exactly when its bias exceeds the row's threshold (the best
// other score minus its own), so sorting the thresholds and counting
// gives the best bias exactly. Among equally good biases it takes the one
// nearest zero, and it keeps a class's bias unless a new one is strictly
// better, so that it does not wander on ties. Class 0's bias stays zero:
// only differences matter.
func tuneBias(scores [][]float64, labels []int) []float64 {
	if len(scores) == 0 {
		return nil
	}
	k := len(scores[0])
	bias := make([]float64, k)
	rows := make([]biasRow, len(scores))
	for range biasRounds {
		moved := false
		for c := 1; c < k; c++ {
			base := 0 // rows right while c is never answered
			for i, s := range scores {
				other, best := -1, math.Inf(-1)
				for j, v := range s {
					if j != c && v+bias[j] > best {
						other, best = j, v+bias[j]
					}
				}
				right := labels[i] == other
				if right {
					base++
				}
				rows[i] = biasRow{t: best - s[c], delta: b2i(labels[i] == c) - b2i(right)}
			}
			slices.SortFunc(rows, func(a, b biasRow) int { return cmp.Compare(a.t, b.t) })
			// Candidates: below every threshold (c never answered), and
			// between each run of equal thresholds and the next.
			bestN, bestB := base, rows[0].t-1
			n := base
			for i := 0; i < len(rows); {
				j := i
				for j < len(rows) && rows[j].t == rows[i].t {
					n += rows[j].delta
					j++
				}
				b := rows[i].t + 1 // above the last threshold
				if j < len(rows) {
					b = (rows[i].t + rows[j].t) / 2
				}
				if n > bestN || n == bestN && math.Abs(b) < math.Abs(bestB) {
					bestN, bestB = n, b
				}
				i = j
			}
			cur := accuracyAt(rows, base, bias[c])
			if bestN > cur || bestN == cur && math.Abs(bestB) < math.Abs(bias[c]) {
				if bias[c] != bestB {
					moved = true
				}
				bias[c] = bestB
			}
		}
		if !moved {
			break
		}
	}
	return bias
}

// biasRow is one validation row seen from the class being tuned.
type biasRow struct {
	t     float64 // the bias above which the row answers the class
	delta int     // what answering it instead of the others' best changes
}

// accuracyAt counts the rows right with the class's bias at b.
func accuracyAt(rows []biasRow, base int, b float64) int {
	n := base
	for _, r := range rows {
		if b > r.t {
			n += r.delta
		}
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
