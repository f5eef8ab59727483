package attackpath

import (
	"fmt"
	"strconv"
)

// This file is a small Datalog engine: range-restricted rules over ground
// tuples of interned constants, evaluated to a fixpoint either semi-naively
// (each round joins only with the facts the previous round produced) or
// naively (every rule over every fact until nothing changes; the tests use
// it as an independent check). Every rule instance it fires is kept, which
// is the AND/OR derivation graph MulVAL draws.

// sym is an interned constant.
type sym int32

type symtab struct {
	ids   map[string]sym
	names []string
}

func newSymtab() *symtab { return &symtab{ids: map[string]sym{}} }

func (t *symtab) intern(s string) sym {
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := sym(len(t.names))
	t.ids[s] = id
	t.names = append(t.names, s)
	return id
}

// arg is a rule argument: a variable (by index) or a constant.
type arg struct {
	isVar bool
	v     int
	c     sym
}

type atom struct {
	pred string
	args []arg
}

// rule is head :- body, with optional inequalities between variables (the
// only built-in the interaction rules need).
type rule struct {
	id    string  // short name shown in the graph
	desc  string  // what the rule means
	prob  float64 // likelihood weight of one application
	head  atom
	body  []atom
	neq   [][2]int
	nvars int
}

// FactID indexes Engine facts.
type FactID int

type fact struct {
	pred string
	args []sym
}

// instance is one firing of a rule: head derived from body facts.
type instance struct {
	rule int
	head FactID
	body []FactID
}

type relation struct {
	facts []FactID
	index []map[sym][]FactID // per column
}

// db holds facts and their relations, with a limit on how many there may be.
type db struct {
	syms  *symtab
	facts []fact
	keys  map[string]FactID
	rels  map[string]*relation
	limit int
}

func newDB(syms *symtab, limit int) *db {
	return &db{syms: syms, keys: map[string]FactID{}, rels: map[string]*relation{}, limit: limit}
}

func factKey(pred string, args []sym) string {
	b := make([]byte, 0, len(pred)+6*len(args))
	b = append(b, pred...)
	for _, a := range args {
		b = append(b, 0)
		b = strconv.AppendInt(b, int64(a), 10)
	}
	return string(b)
}

func (d *db) lookup(pred string, args []sym) (FactID, bool) {
	id, ok := d.keys[factKey(pred, args)]
	return id, ok
}

// add inserts a fact unless present; it reports the id and whether it is new.
func (d *db) add(pred string, args []sym) (FactID, bool, error) {
	k := factKey(pred, args)
	if id, ok := d.keys[k]; ok {
		return id, false, nil
	}
	if d.limit > 0 && len(d.facts) >= d.limit {
		return 0, false, fmt.Errorf("%w: more than %d facts", ErrTooLarge, d.limit)
	}
	id := FactID(len(d.facts))
	d.facts = append(d.facts, fact{pred: pred, args: append([]sym(nil), args...)})
	d.keys[k] = id
	d.rel(pred, len(args)).insert(id, args)
	return id, true, nil
}

// relKey names a relation: vulExists/3 and vulExists/5 are different.
func relKey(pred string, arity int) string { return pred + "/" + strconv.Itoa(arity) }

func (d *db) rel(pred string, arity int) *relation {
	r := d.rels[relKey(pred, arity)]
	if r == nil {
		r = &relation{index: make([]map[sym][]FactID, arity)}
		for i := range r.index {
			r.index[i] = map[sym][]FactID{}
		}
		d.rels[relKey(pred, arity)] = r
	}
	return r
}

func (r *relation) insert(id FactID, args []sym) {
	r.facts = append(r.facts, id)
	for i, a := range args {
		if i < len(r.index) {
			r.index[i][a] = append(r.index[i][a], id)
		}
	}
}

// deltaRel builds a relation of just the given facts, for a semi-naive round.
func (d *db) deltaRels(ids []FactID) map[string]*relation {
	out := map[string]*relation{}
	for _, id := range ids {
		f := d.facts[id]
		k := relKey(f.pred, len(f.args))
		r := out[k]
		if r == nil {
			r = &relation{index: make([]map[sym][]FactID, len(f.args))}
			for i := range r.index {
				r.index[i] = map[sym][]FactID{}
			}
			out[k] = r
		}
		r.insert(id, f.args)
	}
	return out
}

// match enumerates the instantiations of body under which every atom holds.
// Atom deltaAt (if >= 0) is matched against delta instead of all facts.
// yield returns false to stop the enumeration (on an error).
func (d *db) match(r *rule, deltaAt int, delta map[string]*relation, yield func(binding []sym, body []FactID) bool) {
	stop := false
	binding := make([]sym, r.nvars)
	bound := make([]bool, r.nvars)
	body := make([]FactID, len(r.body))
	var rec func(i int)
	rec = func(i int) {
		if i == len(r.body) {
			for _, n := range r.neq {
				if binding[n[0]] == binding[n[1]] {
					return
				}
			}
			stop = !yield(binding, body)
			return
		}
		a := r.body[i]
		k := relKey(a.pred, len(a.args))
		src := d.rels[k]
		if i == deltaAt {
			src = delta[k]
		}
		if src == nil {
			return
		}
		// Probe the index on the first argument already known.
		cands := src.facts
		for j, x := range a.args {
			if j >= len(src.index) {
				return
			}
			if !x.isVar {
				cands = src.index[j][x.c]
				break
			}
			if bound[x.v] {
				cands = src.index[j][binding[x.v]]
				break
			}
		}
		for _, id := range cands {
			if stop {
				return
			}
			f := d.facts[id]
			if len(f.args) != len(a.args) {
				continue
			}
			var set []int
			ok := true
			for j, x := range a.args {
				v := f.args[j]
				switch {
				case !x.isVar:
					ok = v == x.c
				case bound[x.v]:
					ok = binding[x.v] == v
				default:
					binding[x.v], bound[x.v] = v, true
					set = append(set, x.v)
				}
				if !ok {
					break
				}
			}
			if ok {
				body[i] = id
				rec(i + 1)
			}
			for _, v := range set {
				bound[v] = false
			}
		}
	}
	rec(0)
}

// derivation is the result of running rules to a fixpoint.
type derivation struct {
	db        *db
	rules     []rule
	instances []instance
	seen      map[string]bool
	rounds    int
}

func (dv *derivation) fire(ri int, binding []sym, body []FactID, pending *[]FactID) error {
	r := &dv.rules[ri]
	args := make([]sym, len(r.head.args))
	for i, x := range r.head.args {
		if x.isVar {
			args[i] = binding[x.v]
		} else {
			args[i] = x.c
		}
	}
	head, isNew, err := dv.db.add(r.head.pred, args)
	if err != nil {
		return err
	}
	if isNew {
		*pending = append(*pending, head)
	}
	k := strconv.AppendInt(nil, int64(ri), 10)
	k = append(k, ':')
	k = strconv.AppendInt(k, int64(head), 10)
	for _, b := range body {
		k = append(k, ',')
		k = strconv.AppendInt(k, int64(b), 10)
	}
	if dv.seen[string(k)] {
		return nil
	}
	dv.seen[string(k)] = true
	dv.instances = append(dv.instances, instance{rule: ri, head: head, body: append([]FactID(nil), body...)})
	return nil
}

// semiNaive runs rules over d to a fixpoint. A fact added in round n can
// only take part in instances that use at least one round-n fact, so each
// later round joins one body atom with the previous round's new facts and
// the rest with everything known before that round.
//
// A fact is visible to joins as soon as it is derived; that can only find
// an instance early (instances are deduplicated), and every new fact is
// also in the next round's delta, so nothing is missed.
func semiNaive(d *db, rules []rule) (*derivation, error) {
	dv := &derivation{db: d, rules: rules, seen: map[string]bool{}}
	var delta []FactID
	// Round 0 joins everything: the initial facts are all "new".
	var firstErr error
	for ri := range rules {
		var pending []FactID
		d.match(&rules[ri], -1, nil, func(b []sym, body []FactID) bool {
			firstErr = dv.fire(ri, b, body, &pending)
			return firstErr == nil
		})
		delta = append(delta, pending...)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	for len(delta) > 0 {
		dv.rounds++
		dr := d.deltaRels(delta)
		var next []FactID
		for ri := range rules {
			r := &rules[ri]
			for i, a := range r.body {
				if dr[relKey(a.pred, len(a.args))] == nil {
					continue
				}
				d.match(r, i, dr, func(b []sym, body []FactID) bool {
					firstErr = dv.fire(ri, b, body, &next)
					return firstErr == nil
				})
			}
		}
		if firstErr != nil {
			return nil, firstErr
		}
		delta = next
	}
	return dv, nil
}

// naive runs every rule over every fact until a whole pass adds nothing.
// It is slow and obviously complete; tests compare semiNaive against it.
func naive(d *db, rules []rule) (*derivation, error) {
	dv := &derivation{db: d, rules: rules, seen: map[string]bool{}}
	for {
		dv.rounds++
		before, instBefore := len(d.facts), len(dv.instances)
		var firstErr error
		var pending []FactID
		for ri := range rules {
			d.match(&rules[ri], -1, nil, func(b []sym, body []FactID) bool {
				firstErr = dv.fire(ri, b, body, &pending)
				return firstErr == nil
			})
		}
		if firstErr != nil {
			return nil, firstErr
		}
		if len(d.facts) == before && len(dv.instances) == instBefore {
			return dv, nil
		}
	}
}
