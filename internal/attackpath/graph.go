package attackpath

import (
	"errors"
	"math"
	"sort"
	"strconv"
)

// NodeKind is the closed set of attack-graph node kinds, as MulVAL draws
// them: a derived fact holds if any of its rule firings does (OR); a rule
// firing holds if all its premises do (AND); stated facts are leaves.
type AttackNodeKind string

const (
	NodeOR   AttackNodeKind = "OR"
	NodeAND  AttackNodeKind = "AND"
	NodeLeaf AttackNodeKind = "LEAF"
)

// Node is one vertex of the attack graph.
type AttackNode struct {
	ID    int            `json:"id"`
	Kind  AttackNodeKind `json:"kind"`
	Label string         `json:"label"`          // the fact, or the rule's id for AND
	Desc  string         `json:"desc,omitempty"` // what the rule means (AND)
	Prob  float64        `json:"prob,omitempty"` // likelihood of the step (AND)
	Goal  bool           `json:"goal,omitempty"`
}

// Edge points from a premise to what it helps conclude.
type AttackEdge struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Graph is the part of the derivation that leads to the goals.
type AttackGraph struct {
	Nodes []AttackNode `json:"nodes"`
	Edges []AttackEdge `json:"edges"`
}

// complexityLikelihood maps MulVAL's cvss(Vul, AC) access complexity to how
// likely an exploit attempt succeeds: low complexity is easy.
var complexityLikelihood = map[string]float64{"l": 0.9, "m": 0.6, "h": 0.3}

// defaultVulLikelihood is used for a vulnerability with no cvss fact.
const defaultVulLikelihood = 0.6

// stepProb is the likelihood of one rule firing: the rule's own weight and,
// for exploit steps, the exploited vulnerability's likelihood.
func (r *Result) stepProb(i int) float64 {
	in := r.dv.instances[i]
	m := r.p.meta[in.rule]
	p := m.prob
	if !m.exploit {
		return p
	}
	for _, b := range in.body {
		f := r.dv.db.facts[b]
		if f.pred == "vulExists" && len(f.args) == 5 {
			p *= r.vulLikelihood(f.args[1])
		}
	}
	return p
}

func (r *Result) vulLikelihood(vul sym) float64 {
	rel := r.dv.db.rels[relKey("exploitLikelihood", 2)]
	if rel != nil {
		for _, id := range rel.index[0][vul] {
			if v, ok := parseProb(r.p.syms.names[r.dv.db.facts[id].args[1]]); ok {
				return v
			}
		}
	}
	if rel := r.dv.db.rels[relKey("cvss", 2)]; rel != nil {
		for _, id := range rel.index[0][vul] {
			if v, ok := complexityLikelihood[r.p.syms.names[r.dv.db.facts[id].args[1]]]; ok {
				return v
			}
		}
	}
	return defaultVulLikelihood
}

// Graph returns the AND/OR graph of everything that leads to a goal.
func (r *Result) Graph() AttackGraph {
	var g AttackGraph
	factNode := map[FactID]int{}
	goal := map[FactID]bool{}
	for _, id := range r.goals {
		goal[id] = true
	}
	var visit func(f FactID) int
	visit = func(f FactID) int {
		if n, ok := factNode[f]; ok {
			return n
		}
		n := len(g.Nodes)
		factNode[f] = n
		kind := NodeOR
		if int(f) < r.nConfig {
			kind = NodeLeaf
		}
		g.Nodes = append(g.Nodes, AttackNode{ID: n, Kind: kind, Label: r.Label(f), Goal: goal[f]})
		for _, i := range r.byHead[f] {
			in := r.dv.instances[i]
			m := r.p.meta[in.rule]
			a := len(g.Nodes)
			g.Nodes = append(g.Nodes, AttackNode{ID: a, Kind: NodeAND, Label: m.id, Desc: m.desc, Prob: r.stepProb(i)})
			g.Edges = append(g.Edges, AttackEdge{From: a, To: n})
			for _, b := range in.body {
				g.Edges = append(g.Edges, AttackEdge{From: visit(b), To: a})
			}
		}
		return n
	}
	for _, id := range r.goals {
		visit(id)
	}
	return g
}

// costs computes, for every fact, the cost of its cheapest proof, where a
// step costs -ln(likelihood) plus a small constant (so costs strictly grow
// along a proof and the cheapest choice never cycles) and a proof costs the
// sum of its steps (a shared sub-proof counts once per use: an upper bound
// on the true cost, exact for trees). It also returns the best instance per
// fact. Relaxation repeats until nothing improves, as Bellman-Ford does.
func (r *Result) costs() ([]float64, []int) {
	return r.costsBy(func(i int) float64 { return -math.Log(math.Max(r.stepProb(i), 1e-9)) })
}

// costsBy is costs with the step weight given by weight.
func (r *Result) costsBy(weight func(instance int) float64) ([]float64, []int) {
	n := len(r.dv.db.facts)
	cost := make([]float64, n)
	best := make([]int, n)
	for i := range cost {
		best[i] = -1
		if i >= r.nConfig {
			cost[i] = math.Inf(1)
		}
	}
	w := make([]float64, len(r.dv.instances))
	for i := range w {
		w[i] = weight(i) + 1e-6
	}
	for changed := true; changed; {
		changed = false
		for i, in := range r.dv.instances {
			c := w[i]
			for _, b := range in.body {
				c += cost[b]
			}
			if c < cost[in.head]-1e-12 {
				cost[in.head], best[in.head] = c, i
				changed = true
			}
		}
	}
	return cost, best
}

// Step is one rule firing on a path.
type AttackStep struct {
	Rule  string   `json:"rule"`
	Desc  string   `json:"desc"`
	Fact  string   `json:"fact"`           // what the step concludes
	Uses  []string `json:"uses,omitempty"` // stated facts it needs (vulnerabilities, reachability...)
	Prob  float64  `json:"prob"`
	index int
}

// Path is one proof of a goal: the steps in the order an attacker takes
// them (premises first).
type AttackPath struct {
	Goal       string       `json:"goal"`
	Likelihood float64      `json:"likelihood"` // product of the distinct steps' likelihoods
	Steps      []AttackStep `json:"steps"`
	Exploits   []string     `json:"exploits"` // vulExists facts the path uses
	leaves     []FactID
}

// bestPath extracts the cheapest proof of goal, or false if underivable.
func (r *Result) bestPath(goal FactID, best []int) (AttackPath, bool) {
	if best[goal] < 0 {
		return AttackPath{}, false
	}
	p := AttackPath{Goal: r.Label(goal), Likelihood: 1}
	done := map[FactID]bool{}
	leafSeen := map[FactID]bool{}
	var walk func(f FactID)
	walk = func(f FactID) {
		if done[f] {
			return
		}
		done[f] = true
		if int(f) < r.nConfig {
			if !leafSeen[f] {
				leafSeen[f] = true
				p.leaves = append(p.leaves, f)
			}
			return
		}
		i := best[f]
		in := r.dv.instances[i]
		s := AttackStep{Rule: r.p.meta[in.rule].id, Desc: r.p.meta[in.rule].desc, Fact: r.Label(f), Prob: r.stepProb(i), index: i}
		// Premises first, so steps and exploits are in the attacker's order.
		for _, b := range in.body {
			walk(b)
		}
		for _, b := range in.body {
			if int(b) < r.nConfig && !isDomain(r.dv.db.facts[b].pred) {
				s.Uses = append(s.Uses, r.Label(b))
				if r.dv.db.facts[b].pred == "vulExists" {
					p.Exploits = append(p.Exploits, r.Label(b))
				}
			}
		}
		p.Likelihood *= s.Prob
		p.Steps = append(p.Steps, s)
	}
	walk(goal)
	return p, true
}

func isDomain(pred string) bool { return len(pred) > 4 && pred[:4] == "dom_" }

// Paths ranks up to k distinct paths to each reached goal, most likely
// first (then fewest steps). Alternatives are found as Lawler's method
// finds k-best solutions: take the best path, then for each fixable fact it
// uses (a vulnerability or a network flow), the best path without that
// fact (cumulatively along the search), keeping distinct step sets.
func (r *Result) Paths(k int) ([]AttackPath, error) {
	var out []AttackPath
	for _, g := range r.goals {
		ps, err := r.pathsTo(g, k)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	sortPaths(out)
	return out, nil
}

func sortPaths(ps []AttackPath) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Likelihood != ps[j].Likelihood {
			return ps[i].Likelihood > ps[j].Likelihood
		}
		return len(ps[i].Steps) < len(ps[j].Steps)
	})
}

// maxPathSearches bounds the re-evaluations one goal's ranking may cost.
const maxPathSearches = 64

func (r *Result) pathsTo(goal FactID, k int) ([]AttackPath, error) {
	label := r.Label(goal)
	goalTerm, err := ParseTerm(label)
	if err != nil {
		return nil, err
	}
	type entry struct {
		path AttackPath
		bans []StatedFact
	}
	_, best := r.costs()
	first, ok := r.bestPath(goal, best)
	if !ok {
		return nil, nil
	}
	queue := []entry{{path: first}}
	seen := map[string]bool{pathKey(first): true}
	var out []AttackPath
	searches := 0
	for len(queue) > 0 && len(out) < k {
		sort.SliceStable(queue, func(i, j int) bool {
			return queue[i].path.Likelihood > queue[j].path.Likelihood
		})
		e := queue[0]
		queue = queue[1:]
		out = append(out, e.path)
		for _, leaf := range e.path.leaves {
			f := r.dv.db.facts[leaf]
			if fixKind(f.pred, len(f.args)) == "" || searches >= maxPathSearches {
				continue
			}
			searches++
			bans := append(append([]StatedFact(nil), e.bans...), r.stated(leaf))
			alt, err := r.p.run([]Term{goalTerm}, Options{Remove: bans})
			if err != nil {
				return nil, err
			}
			if len(alt.goals) == 0 {
				continue
			}
			_, ab := alt.costs()
			ap, ok := alt.bestPath(alt.goals[0], ab)
			if !ok || seen[pathKey(ap)] {
				continue
			}
			seen[pathKey(ap)] = true
			queue = append(queue, entry{path: ap, bans: bans})
		}
	}
	return out, nil
}

func pathKey(p AttackPath) string {
	var ks []string
	for _, s := range p.Steps {
		ks = append(ks, s.Rule+" "+s.Fact)
	}
	sort.Strings(ks)
	key := ""
	for _, k := range ks {
		key += k + "\n"
	}
	return key
}

// stated returns a configuration fact as a StatedFact.
func (r *Result) stated(id FactID) StatedFact {
	f := r.dv.db.facts[id]
	s := StatedFact{Pred: f.pred, Args: make([]string, len(f.args))}
	for i, a := range f.args {
		s.Args[i] = r.p.syms.names[a]
	}
	return s
}

// parseProb reads a likelihood in [0,1] stated as an atom ('0.35').
func parseProb(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 1 || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// Report is everything one analysis tells: the goals reached, the graph,
// the ranked paths and the smallest fix set.
type AttackReport struct {
	Goals []string       `json:"goals"`
	Graph AttackGraph    `json:"graph"`
	Paths []AttackPath   `json:"paths"`
	Fixes *AttackFixPlan `json:"fixes,omitempty"`
	// FixError says why no fix set exists (e.g. the attacker starts on a
	// goal host).
	FixError string `json:"fix_error,omitempty"`
}

// Report ranks up to k paths per goal and, when fixes is set, searches for
// the smallest fix set.
func (r *Result) Report(k int, fixes bool) (AttackReport, error) {
	rep := AttackReport{Goals: r.Goals(), Graph: r.Graph()}
	ps, err := r.Paths(k)
	if err != nil {
		return rep, err
	}
	rep.Paths = ps
	if fixes {
		plan, err := r.MinimalFixes()
		switch {
		case errors.Is(err, ErrUnfixable):
			rep.FixError = err.Error()
		case err != nil:
			return rep, err
		default:
			rep.Fixes = &plan
		}
	}
	return rep, nil
}
