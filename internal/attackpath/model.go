package attackpath

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrInvalid is wrapped by errors about a model's meaning (as opposed to
// its syntax); ErrTooLarge when a model or its graph passes a limit.
var (
	ErrInvalid  = errors.New("invalid attack-path model")
	ErrTooLarge = errors.New("attack-path model too large")
)

// MaxFacts bounds the facts one analysis may hold, stated and derived, so a
// model whose wildcards ground to billions of tuples fails instead of
// exhausting memory.
const MaxFacts = 2_000_000

// Model is a network model as facts and simple rules in MulVAL's
// vocabulary, whichever format it came from.
type Model struct {
	Source  string   // file name, for errors
	Clauses []Clause // stated facts and rules, goals and attacker locations included
}

// Goals returns the attackGoal patterns the model states.
func (m *Model) Goals() []Term {
	var out []Term
	for _, c := range m.Clauses {
		if c.Body == nil && c.Head.Kind == TermCompound && c.Head.Name == "attackGoal" && len(c.Head.Args) == 1 {
			out = append(out, c.Head.Args[0])
		}
	}
	return out
}

// SetAttackers replaces the model's attacker locations (its
// attackerLocated facts) by the given hosts; none leaves them as stated.
func (m *Model) SetAttackers(hosts []Term) {
	if len(hosts) == 0 {
		return
	}
	kept := m.Clauses[:0:0]
	for _, c := range m.Clauses {
		if c.Body == nil && c.Head.Kind == TermCompound && c.Head.Name == "attackerLocated" {
			continue
		}
		kept = append(kept, c)
	}
	for _, h := range hosts {
		kept = append(kept, Clause{Head: Term{Kind: TermCompound, Name: "attackerLocated", Args: []Term{h}}, Line: 1, Col: 1})
	}
	m.Clauses = kept
}

// ParseMulVAL reads MulVAL input facts.
func ParseMulVAL(file string, src []byte) (*Model, error) {
	cs, err := ParseProlog(file, src)
	if err != nil {
		return nil, err
	}
	m := &Model{Source: file, Clauses: cs}
	return m, m.check()
}

func (m *Model) errAt(c Clause, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %w: %s", m.Source, c.Line, c.Col, ErrInvalid, fmt.Sprintf(format, args...))
}

// check rejects what the engine cannot evaluate, naming the clause.
func (m *Model) check() error {
	for _, c := range m.Clauses {
		h := c.Head
		if h.Name == "attackGoal" {
			if h.Kind != TermCompound || c.Body != nil || len(h.Args) != 1 || h.Args[0].Kind != TermCompound {
				return m.errAt(c, "attackGoal takes one predicate, as in attackGoal(execCode(host,_))")
			}
			if err := flatArgs(h.Args[0]); err != nil {
				return m.errAt(c, "attackGoal: %v", err)
			}
			continue
		}
		if derived[h.Name] {
			return m.errAt(c, "%s is concluded by the interaction rules and cannot be stated", h.Name)
		}
		if err := flatArgs(h); err != nil {
			return m.errAt(c, "%s: %v", h.Name, err)
		}
		if ts, ok := schema[h.Name]; ok && len(h.Args) != len(ts) {
			return m.errAt(c, "%s takes %d arguments, not %d", h.Name, len(ts), len(h.Args))
		}
		for _, g := range c.Body {
			if derived[g.Name] {
				return m.errAt(c, "a stated rule cannot depend on %s, which the interaction rules conclude", g.Name)
			}
			if err := flatArgs(g); err != nil {
				return m.errAt(c, "%s: %v", g.Name, err)
			}
			if ts, ok := schema[g.Name]; ok && len(g.Args) != len(ts) {
				return m.errAt(c, "%s takes %d arguments, not %d", g.Name, len(ts), len(g.Args))
			}
		}
	}
	return nil
}

// flatArgs accepts predicates whose arguments are constants or variables
// (Datalog has no function symbols).
func flatArgs(t Term) error {
	for i, a := range t.Args {
		if a.Kind == TermCompound {
			return fmt.Errorf("argument %d is the compound term %s; only constants and variables are allowed", i+1, a)
		}
	}
	return nil
}

// compiler turns clauses into engine rules over one symbol table, tracking
// the constants of each argument type.
type compiler struct {
	syms    *symtab
	domains map[string]map[string]bool
}

func (cp *compiler) note(typ, c string) {
	d := cp.domains[typ]
	if d == nil {
		d = map[string]bool{}
		cp.domains[typ] = d
	}
	d[c] = true
}

// compile turns head :- body into a rule. A variable only in the head
// (a wildcard in a fact, or hacl(X,Y,_,_) :- ...) ranges over its type's
// domain through a dom_<type> atom. "_" is a fresh variable each time.
func (cp *compiler) compile(head Term, body []Term) rule {
	vars := map[string]int{}
	r := rule{}
	conv := func(t Term) atom {
		a := atom{pred: t.Name, args: make([]arg, len(t.Args))}
		for i, x := range t.Args {
			if x.Kind == TermVar {
				v, ok := vars[x.Name]
				if !ok || x.Name == "_" {
					v = r.nvars
					r.nvars++
					if x.Name != "_" {
						vars[x.Name] = v
					}
				}
				a.args[i] = arg{isVar: true, v: v}
				continue
			}
			cp.note(argType(t.Name, i), x.Name)
			a.args[i] = arg{c: cp.syms.intern(x.Name)}
		}
		return a
	}
	for _, b := range body {
		if b.Name == "neq" && len(b.Args) == 2 {
			a := conv(b)
			r.neq = append(r.neq, [2]int{a.args[0].v, a.args[1].v})
			continue
		}
		r.body = append(r.body, conv(b))
	}
	bodyVars := map[int]bool{}
	for _, b := range r.body {
		for _, x := range b.args {
			if x.isVar {
				bodyVars[x.v] = true
			}
		}
	}
	r.head = conv(head)
	for i, x := range r.head.args {
		if x.isVar && !bodyVars[x.v] {
			bodyVars[x.v] = true
			r.body = append(r.body, atom{pred: "dom_" + argType(head.Name, i), args: []arg{x}})
		}
	}
	return r
}

func isGround(t Term) bool {
	for _, a := range t.Args {
		if a.Kind == TermVar {
			return false
		}
	}
	return true
}

// Options steer an analysis.
type Options struct {
	Goals  []Term       // goal patterns; the model's attackGoal facts when empty
	Remove []StatedFact // stated facts to leave out (fixes being tried)
	Naive  bool         // evaluate naively (tests only)
	// MaxFacts overrides the package limit when positive.
	MaxFacts int
}

// StatedFact is a configuration fact by its predicate and constants, e.g.
// vulExists(webServer, CAN-2002-0392, httpd, remoteExploit, privEscalation).
type StatedFact struct {
	Pred string   `json:"pred"`
	Args []string `json:"args"`
}

func (f StatedFact) String() string {
	t := Term{Kind: TermCompound, Name: f.Pred}
	for _, a := range f.Args {
		t.Args = append(t.Args, Term{Kind: TermAtom, Name: a})
	}
	return t.String()
}

// prepared is a model's configuration closure: every stated fact with
// wildcards grounded and stated rules applied, ready for the interaction
// rules. Fix searches re-run only the interaction rules on it.
type prepared struct {
	syms   *symtab
	config *db
	rules  []rule
	meta   []ruleMeta
}

type ruleMeta struct {
	id, desc string
	prob     float64
	exploit  bool
}

func (m *Model) prepare(limit int) (*prepared, error) {
	cp := &compiler{syms: newSymtab(), domains: map[string]map[string]bool{}}
	for typ, cs := range defaultDomain {
		for _, c := range cs {
			cp.note(typ, c)
		}
	}
	// Interaction rules first, so their constants (nfsProtocol, httpPort,
	// root, write...) join the domains a wildcard ranges over: MulVAL's
	// hacl(webServer,_,_,_) unifies with the NFS shell rule's
	// hacl(Client,Server,nfsProtocol,nfsPort).
	p := &prepared{syms: cp.syms}
	for _, ir := range interactionRules {
		c, err := ParseProlog("rules", []byte(ir.clause+"."))
		if err != nil {
			return nil, fmt.Errorf("interaction rule %s: %w", ir.id, err)
		}
		p.rules = append(p.rules, cp.compile(c[0].Head, c[0].Body))
		p.meta = append(p.meta, ruleMeta{id: ir.id, desc: ir.desc, prob: ir.prob, exploit: ir.exploit})
	}
	var cfg []rule
	for _, s := range configRules {
		c, err := ParseProlog("rules", []byte(s+"."))
		if err != nil {
			return nil, fmt.Errorf("configuration rule: %w", err)
		}
		cfg = append(cfg, cp.compile(c[0].Head, c[0].Body))
	}
	d := newDB(cp.syms, limit)
	for _, c := range m.Clauses {
		if c.Head.Name == "attackGoal" {
			for i, a := range c.Head.Args[0].Args {
				if a.IsConst() {
					cp.note(argType(c.Head.Args[0].Name, i), a.Name)
				}
			}
			continue
		}
		if c.Body == nil && isGround(c.Head) {
			args := make([]sym, len(c.Head.Args))
			for i, a := range c.Head.Args {
				cp.note(argType(c.Head.Name, i), a.Name)
				args[i] = cp.syms.intern(a.Name)
			}
			if _, _, err := d.add(c.Head.Name, args); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", m.Source, c.Line, err)
			}
			continue
		}
		cfg = append(cfg, cp.compile(c.Head, c.Body))
	}
	// Domains become dom_<type> facts for wildcards to range over.
	types := make([]string, 0, len(cp.domains))
	for t := range cp.domains {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		for c := range cp.domains[t] {
			if _, _, err := d.add("dom_"+t, []sym{cp.syms.intern(c)}); err != nil {
				return nil, err
			}
		}
	}
	if _, err := semiNaive(d, cfg); err != nil {
		return nil, fmt.Errorf("%s: configuration: %w", m.Source, err)
	}
	p.config = d
	return p, nil
}

// Result is an analysis: the derivation of everything the attacker can
// reach, and the goals among it.
type Result struct {
	p     *prepared
	dv    *derivation
	goals []FactID
	// byHead lists instance indexes per derived fact.
	byHead map[FactID][]int
	// nConfig is how many facts came from the configuration; facts with a
	// lower id are leaves.
	nConfig int
}

// Analyse derives the attack graph of m.
func Analyse(m *Model, opt Options) (*Result, error) {
	limit := MaxFacts
	if opt.MaxFacts > 0 {
		limit = opt.MaxFacts
	}
	p, err := m.prepare(limit)
	if err != nil {
		return nil, err
	}
	goals := opt.Goals
	if len(goals) == 0 {
		goals = m.Goals()
	}
	return p.run(goals, opt)
}

func (p *prepared) run(goals []Term, opt Options) (*Result, error) {
	removed := map[string]bool{}
	for _, f := range opt.Remove {
		args := make([]sym, len(f.Args))
		for i, a := range f.Args {
			id, ok := p.syms.ids[a]
			if !ok {
				id = -1
			}
			args[i] = id
		}
		removed[factKey(f.Pred, args)] = true
	}
	d := newDB(p.syms, p.config.limit)
	for _, f := range p.config.facts {
		if removed[factKey(f.pred, f.args)] {
			continue
		}
		if _, _, err := d.add(f.pred, f.args); err != nil {
			return nil, err
		}
	}
	n := len(d.facts)
	eval := semiNaive
	if opt.Naive {
		eval = naive
	}
	dv, err := eval(d, p.rules)
	if err != nil {
		return nil, err
	}
	r := &Result{p: p, dv: dv, nConfig: n, byHead: map[FactID][]int{}}
	for i, in := range dv.instances {
		r.byHead[in.head] = append(r.byHead[in.head], i)
	}
	seen := map[FactID]bool{}
	for _, g := range goals {
		for id := n; id < len(d.facts); id++ {
			if !seen[FactID(id)] && r.matches(g, FactID(id)) {
				seen[FactID(id)] = true
				r.goals = append(r.goals, FactID(id))
			}
		}
	}
	sort.Slice(r.goals, func(i, j int) bool { return r.Label(r.goals[i]) < r.Label(r.goals[j]) })
	return r, nil
}

// matches reports whether derived fact id is an instance of pattern g.
func (r *Result) matches(g Term, id FactID) bool {
	f := r.dv.db.facts[id]
	if f.pred != g.Name || len(f.args) != len(g.Args) {
		return false
	}
	bound := map[string]sym{}
	for i, a := range g.Args {
		v := f.args[i]
		switch {
		case a.IsConst():
			if r.p.syms.names[v] != a.Name {
				return false
			}
		case a.Name == "_":
		default:
			if b, ok := bound[a.Name]; ok && b != v {
				return false
			}
			bound[a.Name] = v
		}
	}
	return true
}

// Label renders a fact in MulVAL's notation.
func (r *Result) Label(id FactID) string {
	f := r.dv.db.facts[id]
	t := Term{Kind: TermCompound, Name: f.pred}
	for _, a := range f.args {
		t.Args = append(t.Args, Term{Kind: TermAtom, Name: r.p.syms.names[a]})
	}
	return t.String()
}

// Goals are the goal facts the attacker reaches, by label.
func (r *Result) Goals() []string {
	out := make([]string, len(r.goals))
	for i, g := range r.goals {
		out[i] = r.Label(g)
	}
	return out
}

// Derived lists every fact the interaction rules concluded, sorted.
func (r *Result) Derived() []string {
	var out []string
	for id := r.nConfig; id < len(r.dv.db.facts); id++ {
		out = append(out, r.Label(FactID(id)))
	}
	sort.Strings(out)
	return out
}

// Has reports whether the fact with this label was derived.
func (r *Result) Has(label string) bool {
	t, err := ParseTerm(label)
	if err != nil || !isGround(t) {
		return false
	}
	args := make([]sym, len(t.Args))
	for i, a := range t.Args {
		id, ok := r.p.syms.ids[a.Name]
		if !ok {
			return false
		}
		args[i] = id
	}
	_, ok := r.dv.db.lookup(t.Name, args)
	return ok
}

// instanceLabel renders one rule firing as "rule-id: head <- body; body".
func (r *Result) instanceLabel(i int) string {
	in := r.dv.instances[i]
	parts := make([]string, len(in.body))
	for j, b := range in.body {
		parts[j] = r.Label(b)
	}
	return r.p.meta[in.rule].id + ": " + r.Label(in.head) + " <- " + strings.Join(parts, "; ")
}

// Instances lists every rule firing, sorted (for comparing evaluations).
func (r *Result) Instances() []string {
	out := make([]string, len(r.dv.instances))
	for i := range r.dv.instances {
		out[i] = r.instanceLabel(i)
	}
	sort.Strings(out)
	return out
}
