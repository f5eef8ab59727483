package suggest

import (
	"cmp"
	"slices"
	"strings"
)

// Report is a model's accuracy on the held-out split, beside the
// majority-class baseline measured on the same split.
type Report struct {
	Version string                `json:"version"`
	Langs   map[string]LangReport `json:"langs"`
}

// LangReport is one language's accuracy.
type LangReport struct {
	Train int `json:"train"`
	Test  int `json:"test"`
	// Targets holds, per target, the accuracy on the held-out examples
	// labelled for it.
	Targets map[string]Accuracy `json:"targets"`
}

// Accuracy compares the model with always answering the training split's
// most frequent class (for top-3, its three most frequent).
type Accuracy struct {
	N         int     `json:"n"`
	Top1      float64 `json:"top1"`
	Top3      float64 `json:"top3,omitempty"`
	Baseline1 float64 `json:"baseline_top1"`
	Baseline3 float64 `json:"baseline_top3,omitempty"`
}

// Evaluate measures m on the held-out split of examples (m.Config's).
func Evaluate(m *Model, examples []Example) Report {
	rep := Report{Version: m.Version, Langs: map[string]LangReport{}}
	for _, lang := range Langs {
		lm := m.Langs[lang]
		if lm == nil {
			continue
		}
		lr := LangReport{Train: lm.Examples, Targets: map[string]Accuracy{}}
		type tally struct{ n, top1, top3, base1, base3 int }
		tallies := map[string]*tally{}
		majority := map[string][]string{}
		for t, c := range lm.Targets {
			tallies[t] = &tally{}
			majority[t] = c.frequent(3)
		}
		for i := range examples {
			e := &examples[i]
			if e.Lang != lang || !m.Config.HeldOut(e.ID) {
				continue
			}
			lr.Test++
			p, ok := m.Predict(e.Text, lang)
			for t, tl := range tallies {
				want := e.label(t)
				if want == "" {
					continue
				}
				tl.n++
				maj := majority[t]
				if maj[0] == want {
					tl.base1++
				}
				if slices.Contains(maj, want) {
					tl.base3++
				}
				if !ok {
					continue
				}
				r := p.Targets[t]
				if len(r) > 0 && r[0].Class == want {
					tl.top1++
				}
				if slices.ContainsFunc(r[:min(3, len(r))], func(s Scored) bool { return s.Class == want }) {
					tl.top3++
				}
			}
		}
		for t, tl := range tallies {
			if tl.n == 0 {
				continue
			}
			a := Accuracy{N: tl.n, Top1: ratio(tl.top1, tl.n), Baseline1: ratio(tl.base1, tl.n)}
			if t == TargetCWE {
				a.Top3, a.Baseline3 = ratio(tl.top3, tl.n), ratio(tl.base3, tl.n)
			}
			lr.Targets[t] = a
		}
		rep.Langs[lang] = lr
	}
	return rep
}

func ratio(a, b int) float64 { return float64(a) / float64(b) }

// frequent returns the n classes with the most training documents, ties
// by name.
func (c *Classifier) frequent(n int) []string {
	idx := make([]int, len(c.Classes))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if x := cmp.Compare(c.Docs[b], c.Docs[a]); x != 0 {
			return x
		}
		return strings.Compare(c.Classes[a], c.Classes[b])
	})
	out := make([]string, 0, n)
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, c.Classes[i])
	}
	return out
}
