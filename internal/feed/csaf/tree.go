package csaf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// tree is the product tree flattened: every product id with what the tree
// says about it, and every group id with its members. Vulnerabilities name
// products only by id, so each record's Affected entries are built from
// here.
type tree struct {
	products map[string]*product
	groups   map[string]*group
	// resolved memoises what each product id contributes to an Affected
	// entry: a large advisory names the same product in every vulnerability.
	resolved map[string]resolution
}

// product is one product definition: a branch's product, an entry of
// full_product_names, or a relationship's full_product_name.
type product struct {
	path string // where it is defined, for errors
	// dupPath is where a second definition of the same id is. CSAF
	// forbids it (test 6.1.2); which of the two a vulnerability means
	// cannot be known, so a reference to such an id rejects the record.
	dupPath string

	name string // full_product_name.name: "Example Company ABC 2.4"
	// vendor, productName, family and version come from the branches
	// above a branch product, the innermost branch of each kind winning:
	// the vendor, product_name and product_family levels, and for version
	// any of product_version, product_version_range, service_pack and
	// patch_level (Cisco puts the full release "12.2(55)SE" in a
	// service_pack under product_version "12.2").
	vendor, productName, family, version string
	purls                                []string
	cpe                                  string

	// A relationship's product is a combination of two others: ref is the
	// component (product_reference), relatesTo the product it belongs to
	// or is installed on.
	rel                     bool
	ref, relatesTo, refPath string
	relatesToPath           string
}

// group is a product group.
type group struct {
	path    string // "product_tree.product_groups[3]"
	dupPath string
	ids     []string
}

// resolution is a product id's contribution to an Affected entry, or the
// problem that stops the product from being used.
type resolution struct {
	affected advisory.Affected
	prob     *problem
}

// problem is a reason to reject a record: a field path and what is wrong
// there. The path may point into the product tree, which every record
// shares, so the record that stumbles on it names it.
type problem struct {
	field string
	msg   string
}

func newTree(pt *productTree) *tree {
	t := &tree{
		products: map[string]*product{},
		groups:   map[string]*group{},
		resolved: map[string]resolution{},
	}
	if pt == nil {
		return t
	}
	t.branches(pt.Branches, "product_tree.branches", product{})
	for i := range pt.FullProductNames {
		fpn := &pt.FullProductNames[i]
		t.define(fpn, fmt.Sprintf("product_tree.full_product_names[%d]", i), product{})
	}
	for i := range pt.Relationships {
		r := &pt.Relationships[i]
		path := fmt.Sprintf("product_tree.relationships[%d]", i)
		t.define(&r.FullProductName, path+".full_product_name", product{
			rel:           true,
			ref:           r.ProductReference,
			refPath:       path + ".product_reference",
			relatesTo:     r.RelatesToProductReference,
			relatesToPath: path + ".relates_to_product_reference",
		})
	}
	for i, g := range pt.ProductGroups {
		path := fmt.Sprintf("product_tree.product_groups[%d]", i)
		if old, ok := t.groups[g.GroupID]; ok {
			if old.dupPath == "" {
				old.dupPath = path
			}
			continue
		}
		t.groups[g.GroupID] = &group{path: path, ids: g.ProductIDs}
	}
	return t
}

// branches walks the branch hierarchy. ctx carries what the levels above
// have said. The recursion is as deep as the JSON nesting, which
// encoding/json caps at 10,000 levels.
func (t *tree) branches(bs []branch, path string, ctx product) {
	for i := range bs {
		b := &bs[i]
		p := fmt.Sprintf("%s[%d]", path, i)
		c := ctx
		name := strings.TrimSpace(b.Name)
		switch b.Category {
		case "vendor":
			c.vendor = name
		case "product_name":
			c.productName = name
		case "product_family":
			c.family = name
		case "product_version", "product_version_range", "service_pack", "patch_level":
			c.version = name
		}
		if b.Product != nil {
			t.define(b.Product, p+".product", c)
		}
		t.branches(b.Branches, p+".branches", c)
	}
}

// define records a full product name under its id, with ctx's branch or
// relationship context.
func (t *tree) define(fpn *fullProductName, path string, ctx product) {
	if old, ok := t.products[fpn.ProductID]; ok {
		if old.dupPath == "" {
			old.dupPath = path
		}
		return
	}
	p := ctx
	p.path = path
	p.name = strings.TrimSpace(fpn.Name)
	if h := fpn.Identifier; h != nil {
		p.cpe = strings.TrimSpace(h.CPE)
		if s := strings.TrimSpace(h.PURL); s != "" {
			p.purls = append(p.purls, s)
		}
		for _, s := range h.PURLs {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(p.purls, s) {
				p.purls = append(p.purls, s)
			}
		}
	}
	t.products[fpn.ProductID] = &p
}

// resolve returns what product id contributes to an Affected entry. A
// relationship's product takes vendor, product, version, purl and CPE from
// its component (product_reference), followed through nested
// relationships, and keeps its own full name as Text: the component is
// what carries the vulnerable code, and the platform's CPE must not be
// added, since a list of CPEs means "any of these" and would claim the
// whole platform. The caller has checked that id is defined.
//
// The component chain is walked in a loop with a set of visited ids, not
// by recursion, so that a hostile document with a chain of a million
// relationships costs linear time and a cycle ends the walk.
func (t *tree) resolve(id string) resolution {
	if r, ok := t.resolved[id]; ok {
		return r
	}
	var chain []string
	onChain := map[string]bool{}
	var r resolution
	for cur := id; ; {
		if c, ok := t.resolved[cur]; ok {
			r = c
			break
		}
		p := t.products[cur]
		chain = append(chain, cur)
		onChain[cur] = true
		if p.dupPath != "" {
			r = resolution{prob: &problem{p.dupPath, fmt.Sprintf("product id %.80q defined again (first at %s)", cur, p.path)}}
			break
		}
		if !p.rel {
			r = resolution{affected: p.base()}
			break
		}
		if _, ok := t.products[p.relatesTo]; !ok {
			r = resolution{prob: &problem{p.relatesToPath, fmt.Sprintf("undefined product %.80q", p.relatesTo)}}
			break
		}
		if _, ok := t.products[p.ref]; !ok {
			r = resolution{prob: &problem{p.refPath, fmt.Sprintf("undefined product %.80q", p.ref)}}
			break
		}
		if onChain[p.ref] {
			r = resolution{prob: &problem{p.refPath, fmt.Sprintf("circular definition through product %.80q", p.ref)}}
			break
		}
		cur = p.ref
	}
	// Unwind from the component outwards: each relationship takes its
	// component's entry under its own name. A problem anywhere on the
	// chain is every member's problem.
	for i := len(chain) - 1; i >= 0; i-- {
		if p := t.products[chain[i]]; r.prob == nil && p.rel {
			a := r.affected
			a.CPEs = slices.Clone(a.CPEs)
			if p.name != "" {
				a.Text = p.name
			}
			r = resolution{affected: a}
		}
		t.resolved[chain[i]] = r
	}
	return t.resolved[id]
}

// base is a plain product's contribution to an Affected entry. Product is
// the product_name level, else the product_family level, else the full
// name, so that every entry names something.
func (p *product) base() advisory.Affected {
	a := advisory.Affected{Vendor: p.vendor, Product: p.productName, Text: p.name}
	if a.Product == "" {
		a.Product = p.family
	}
	if a.Product == "" {
		a.Product = p.name
	}
	if p.version != "" {
		a.Versions = []string{p.version}
	}
	if len(p.purls) > 0 {
		// advisory.Affected holds one purl; CSAF 2.1 allows several
		// for one product. The first is kept (doc.go).
		a.PURL = p.purls[0]
	}
	if p.cpe != "" {
		a.CPEs = []string{p.cpe}
	}
	return a
}
