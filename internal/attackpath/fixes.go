package attackpath

import (
	"fmt"
	"sort"
	"strings"
)

// Fix is one change that removes a stated fact: patching a vulnerability on
// a host (a vulExists fact) or blocking one flow (a hacl fact).
type AttackFix struct {
	Kind string     `json:"kind"` // "patch" or "block"
	Fact StatedFact `json:"fact"`
}

func (f AttackFix) String() string { return f.Kind + " " + f.Fact.String() }

// FixPlan is a set of fixes that together make every targeted goal
// underivable.
type AttackFixPlan struct {
	Fixes []AttackFix `json:"fixes"`
	// Exact is true when the search proved no smaller set exists; false when
	// the greedy bound was used (the plan still works, verified by
	// re-running the analysis, but a smaller one may exist).
	Exact bool `json:"exact"`
	// Evaluations counts the analyses the search ran.
	Evaluations int `json:"evaluations"`
}

// ErrUnfixable means some goal has a proof using no fixable fact (e.g. the
// attacker already sits on the target).
var ErrUnfixable = fmt.Errorf("%w: a goal is reachable without any vulnerability or network flow that could be removed", ErrInvalid)

// MaxExactEvaluations bounds the exact search; past it MinimalFixes falls
// back to the greedy plan.
const MaxExactEvaluations = 2000

func fixKind(pred string, arity int) string {
	switch {
	case pred == "vulExists" && arity == 5:
		return "patch"
	case pred == "hacl" && arity == 4:
		return "block"
	}
	return ""
}

// candidates are the fixable leaves on the proof of goal under best,
// the facts one of which any fix set must remove (or the proof stands).
func (r *Result) candidates(goal FactID, best []int) []StatedFact {
	p, ok := r.bestPath(goal, best)
	if !ok {
		return nil
	}
	var out []StatedFact
	for _, l := range p.leaves {
		f := r.dv.db.facts[l]
		if fixKind(f.pred, len(f.args)) != "" {
			out = append(out, r.stated(l))
		}
	}
	return out
}

// fixCost weighs candidate proofs: one per fixable leaf, so the proof with
// the fewest fixable facts is chosen to branch on.
func (r *Result) fixCosts() []int {
	_, best := r.costsBy(func(i int) float64 {
		n := 0.0
		for _, b := range r.dv.instances[i].body {
			if int(b) < r.nConfig && fixKind(r.dv.db.facts[b].pred, len(r.dv.db.facts[b].args)) != "" {
				n++
			}
		}
		return n
	})
	return best
}

// MinimalFixes finds the smallest set of fixes after which none of the
// goals r reached is derivable.
//
// Exact search is a branch and bound over hitting sets: while some goal is
// still derivable, take one of its proofs (the one with fewest fixable
// facts); every working fix set must remove one of that proof's fixable
// facts, so branch on each, and prune a branch once it cannot beat the best
// set found. Each node re-runs the fixpoint. The greedy plan (below) seeds
// the bound; if the exact search passes MaxExactEvaluations analyses, the
// greedy plan is returned with Exact false.
func (r *Result) MinimalFixes() (AttackFixPlan, error) {
	if len(r.goals) == 0 {
		return AttackFixPlan{Exact: true}, nil
	}
	goals := make([]Term, len(r.goals))
	for i, g := range r.goals {
		t, err := ParseTerm(r.Label(g))
		if err != nil {
			return AttackFixPlan{}, err
		}
		goals[i] = t
	}
	greedy, evals, err := r.greedyFixes(goals)
	if err != nil {
		return AttackFixPlan{}, err
	}
	best := greedy
	visited := map[string]bool{}
	aborted := false
	var search func(removed []StatedFact) error
	search = func(removed []StatedFact) error {
		if aborted {
			return nil
		}
		key := fixSetKey(removed)
		if visited[key] {
			return nil
		}
		visited[key] = true
		if evals >= MaxExactEvaluations {
			aborted = true
			return nil
		}
		evals++
		res, err := r.p.run(goals, Options{Remove: removed})
		if err != nil {
			return err
		}
		if len(res.goals) == 0 {
			if len(removed) < len(best) {
				best = append([]StatedFact(nil), removed...)
			}
			return nil
		}
		if len(removed)+1 >= len(best) {
			return nil // one more fix at least: cannot beat best
		}
		fb := res.fixCosts()
		var branch []StatedFact
		for i, g := range res.goals {
			c := res.candidates(g, fb)
			if i == 0 || len(c) < len(branch) {
				branch = c
			}
		}
		for _, c := range branch {
			if err := search(append(append([]StatedFact(nil), removed...), c)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := search(nil); err != nil {
		return AttackFixPlan{}, err
	}
	plan := AttackFixPlan{Exact: !aborted, Evaluations: evals}
	for _, f := range best {
		plan.Fixes = append(plan.Fixes, AttackFix{Kind: fixKind(f.Pred, len(f.Args)), Fact: f})
	}
	sort.Slice(plan.Fixes, func(i, j int) bool { return plan.Fixes[i].String() < plan.Fixes[j].String() })
	return plan, nil
}

// greedyFixes is the bound for large graphs: repeatedly remove the fixable
// fact that appears in the most goals' cheapest proofs, until no goal is
// derivable. It takes at most one analysis per fix and returns a working
// set; its size is an upper bound on the minimum.
func (r *Result) greedyFixes(goals []Term) ([]StatedFact, int, error) {
	var removed []StatedFact
	evals := 0
	for {
		evals++
		res, err := r.p.run(goals, Options{Remove: removed})
		if err != nil {
			return nil, evals, err
		}
		if len(res.goals) == 0 {
			return removed, evals, nil
		}
		fb := res.fixCosts()
		count := map[string]int{}
		byKey := map[string]StatedFact{}
		for _, g := range res.goals {
			c := res.candidates(g, fb)
			if len(c) == 0 {
				return nil, evals, fmt.Errorf("%w: %s", ErrUnfixable, res.Label(g))
			}
			for _, f := range c {
				count[f.String()]++
				byKey[f.String()] = f
			}
		}
		pick := ""
		for k, n := range count {
			if pick == "" || n > count[pick] || n == count[pick] && k < pick {
				pick = k
			}
		}
		removed = append(removed, byKey[pick])
	}
}

func fixSetKey(fs []StatedFact) string {
	ks := make([]string, len(fs))
	for i, f := range fs {
		ks[i] = f.String()
	}
	sort.Strings(ks)
	return strings.Join(ks, "\n")
}
