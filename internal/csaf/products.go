package csaf

import (
	"slices"
	"strings"
)

// productTree indexes where the document defines and references product and
// group ids (CSAF 3.1.3, product_id_t and product_group_id_t; section 3.2.3,
// product_tree). Several tests need it, so it is built once per document.
type productTree struct {
	// names holds every full_product_name_t object, wherever it sits:
	// /product_tree/full_product_names[], relationships[].full_product_name
	// and branches[]...product, in that order.
	names []node
	// products holds the product_id node of each name that has one.
	products []node
	// defined maps a product id to how often it is defined.
	defined map[string]int
	// groups holds the group_id node of each product group that has one.
	groups []node
	// members maps a group id to the product ids of its (first) definition.
	members map[string][]string
}

func (d *doc) products() *productTree {
	if d.tree != nil {
		return d.tree
	}
	t := &productTree{defined: map[string]int{}, members: map[string][]string{}}
	pt := d.root.get("product_tree")
	t.names = append(t.names, pt.get("full_product_names").items()...)
	for _, r := range pt.get("relationships").items() {
		if fpn := r.get("full_product_name"); fpn.exists() {
			t.names = append(t.names, fpn)
		}
	}
	for _, b := range branches(pt) {
		if p := b.get("product"); p.exists() {
			t.names = append(t.names, p)
		}
	}
	for _, n := range t.names {
		if id := n.get("product_id"); id.text() != "" {
			t.products = append(t.products, id)
			t.defined[id.text()]++
		}
	}
	for _, g := range pt.get("product_groups").items() {
		id := g.get("group_id")
		if id.text() == "" {
			continue
		}
		t.groups = append(t.groups, id)
		if _, ok := t.members[id.text()]; !ok {
			var ps []string
			for _, p := range g.get("product_ids").ids() {
				ps = append(ps, p.text())
			}
			t.members[id.text()] = ps
		}
	}
	d.tree = t
	return t
}

// branches returns every branch below parent, depth first in document
// order. It walks with an explicit stack: the JSON decoder bounds nesting,
// but not the number of branches.
func branches(parent node) []node {
	var out []node
	stack := []node{parent}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		kids := n.get("branches").items()
		if n.path != parent.path {
			out = append(out, n)
		}
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
	return out
}

// statusLists names the product status lists of section 3.2.4.x (Product
// Status), in the schema's order.
var statusLists = []string{
	"first_affected", "first_fixed", "fixed", "known_affected",
	"known_not_affected", "last_affected", "recommended", "under_investigation",
}

// productRefs returns every place that references a product id: product
// groups, relationships, and in each vulnerability the product status,
// remediations, scores, threats and flags (the list of test 6.1.1).
func (d *doc) productRefs() []node {
	var refs []node
	pt := d.root.get("product_tree")
	for _, g := range pt.get("product_groups").items() {
		refs = append(refs, g.get("product_ids").ids()...)
	}
	for _, r := range pt.get("relationships").items() {
		for _, k := range []string{"product_reference", "relates_to_product_reference"} {
			if r.get(k).text() != "" {
				refs = append(refs, r.get(k))
			}
		}
	}
	for _, v := range d.root.get("vulnerabilities").items() {
		for _, l := range statusLists {
			refs = append(refs, v.get("product_status").get(l).ids()...)
		}
		for _, list := range []struct{ key, ids string }{
			{"remediations", "product_ids"}, {"scores", "products"}, {"threats", "product_ids"}, {"flags", "product_ids"},
		} {
			for _, e := range v.get(list.key).items() {
				refs = append(refs, e.get(list.ids).ids()...)
			}
		}
	}
	return refs
}

// checkMissingProductDefinition is test 6.1.1: every referenced product id
// is defined in the product tree.
func checkMissingProductDefinition(d *doc) {
	t := d.products()
	for _, r := range d.productRefs() {
		if t.defined[r.text()] == 0 {
			d.report(r.path, "product id %q is not defined in the product tree", r.text())
		}
	}
}

// checkMultipleProductDefinition is test 6.1.2: no product id is defined
// twice.
func checkMultipleProductDefinition(d *doc) {
	t := d.products()
	for _, p := range t.products {
		if t.defined[p.text()] > 1 {
			d.report(p.path, "product id %q is defined %d times", p.text(), t.defined[p.text()])
		}
	}
}

// checkCircularProductDefinition is test 6.1.3: a product defined by a
// relationship must not depend on itself through product_reference or
// relates_to_product_reference, directly or through other relationships.
// The relationships form a graph; an edge is in a cycle exactly when both
// ends are in the same strongly connected component, which Tarjan's
// algorithm finds in linear time even for hostile documents.
func checkCircularProductDefinition(d *doc) {
	rels := d.root.get("product_tree").get("relationships").items()
	if len(rels) == 0 {
		return
	}
	definedBy := map[string][]int{}
	for i, r := range rels {
		if id := r.get("full_product_name").get("product_id").text(); id != "" {
			definedBy[id] = append(definedBy[id], i)
		}
	}
	keys := []string{"product_reference", "relates_to_product_reference"}
	edges := make([][]int, len(rels))
	for i, r := range rels {
		for _, k := range keys {
			edges[i] = append(edges[i], definedBy[r.get(k).text()]...)
		}
	}
	comp := components(edges)
	for i, r := range rels {
		for _, k := range keys {
			ref := r.get(k)
			for _, j := range definedBy[ref.text()] {
				if comp[j] == comp[i] {
					d.report(ref.path, "product id %q is defined by a relationship that depends on it: the definition is circular", ref.text())
					break
				}
			}
		}
	}
}

// components labels each vertex with its strongly connected component
// (Tarjan, iterative). A vertex with a self-loop gets its own component, so
// callers compare labels of an edge's two ends.
func components(edges [][]int) []int {
	n := len(edges)
	index := make([]int, n)
	low := make([]int, n)
	comp := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next, label := 0, 0
	type frame struct{ v, e int }
	for s := range n {
		if index[s] >= 0 {
			continue
		}
		call := []frame{{s, 0}}
		index[s], low[s] = next, next
		next++
		stack = append(stack, s)
		onStack[s] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.e < len(edges[f.v]) {
				w := edges[f.v][f.e]
				f.e++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = label
					if w == v {
						break
					}
				}
				label++
			}
		}
	}
	return comp
}

// groupRefs returns every reference to a product group id: the group_ids of
// remediations, threats and flags.
func (d *doc) groupRefs() []node {
	var refs []node
	for _, v := range d.root.get("vulnerabilities").items() {
		for _, k := range []string{"remediations", "threats", "flags"} {
			for _, e := range v.get(k).items() {
				refs = append(refs, e.get("group_ids").ids()...)
			}
		}
	}
	return refs
}

// checkMissingGroupDefinition is test 6.1.4.
func checkMissingGroupDefinition(d *doc) {
	t := d.products()
	for _, r := range d.groupRefs() {
		if _, ok := t.members[r.text()]; !ok {
			d.report(r.path, "product group id %q is not defined in the product tree", r.text())
		}
	}
}

// checkMultipleGroupDefinition is test 6.1.5.
func checkMultipleGroupDefinition(d *doc) {
	t := d.products()
	count := map[string]int{}
	for _, g := range t.groups {
		count[g.text()]++
	}
	for _, g := range t.groups {
		if count[g.text()] > 1 {
			d.report(g.path, "product group id %q is defined %d times", g.text(), count[g.text()])
		}
	}
}

// statusGroups are the four groups of section 3.2.4.x that contradict each
// other (test 6.1.6). "recommended" belongs to none.
var statusGroups = []struct {
	name  string
	lists []string
}{
	{"affected", []string{"first_affected", "known_affected", "last_affected"}},
	{"not affected", []string{"known_not_affected"}},
	{"fixed", []string{"first_fixed", "fixed"}},
	{"under investigation", []string{"under_investigation"}},
}

// checkContradictingStatus is test 6.1.6: a product belongs to at most one
// of the status groups of a vulnerability.
func checkContradictingStatus(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		ps := v.get("product_status")
		groups := map[string][]string{}
		var order []string
		for _, g := range statusGroups {
			for _, l := range g.lists {
				for _, p := range ps.get(l).ids() {
					id := p.text()
					if _, ok := groups[id]; !ok {
						order = append(order, id)
					}
					if !slices.Contains(groups[id], g.name) {
						groups[id] = append(groups[id], g.name)
					}
				}
			}
		}
		for _, id := range order {
			if gs := groups[id]; len(gs) > 1 {
				d.report(ps.path, "product id %q is in contradicting status groups: %s", id, strings.Join(gs, ", "))
			}
		}
	}
}

// checkUnusedProduct is test 6.2.1: every defined product is referenced
// somewhere. An informational advisory has no vulnerabilities to reference
// products from, so the test does not apply to it.
func checkUnusedProduct(d *doc) {
	if d.root.get("document").get("category").text() == "csaf_informational_advisory" {
		return
	}
	used := map[string]bool{}
	for _, r := range d.productRefs() {
		used[r.text()] = true
	}
	for _, p := range d.products().products {
		if !used[p.text()] {
			d.report(p.path, "product id %q is defined but never referenced", p.text())
		}
	}
}

// covered returns the product ids that items (remediations, threats or
// flags of one vulnerability) name directly or through a product group; keep,
// if not nil, selects the items that count. Each group is expanded once, so a
// document that names one large group many times costs no more than once.
func (t *productTree) covered(items []node, keep func(node) bool) map[string]bool {
	set := map[string]bool{}
	expanded := map[string]bool{}
	for _, e := range items {
		if keep != nil && !keep(e) {
			continue
		}
		for _, p := range e.get("product_ids").ids() {
			set[p.text()] = true
		}
		for _, g := range e.get("group_ids").ids() {
			if expanded[g.text()] {
				continue
			}
			expanded[g.text()] = true
			for _, p := range t.members[g.text()] {
				set[p] = true
			}
		}
	}
	return set
}
