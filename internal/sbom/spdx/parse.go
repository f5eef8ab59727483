package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// document is what vmc reads of an SPDX document, from either form.
type document struct {
	name          string
	packages      []pkg
	relationships []relationship
}

type pkg struct {
	id       string // "SPDXRef-Package"; may be empty in a broken document
	line     int    // tag-value only: the PackageName line, to name a package without SPDXID
	name     string
	version  string
	refs     []externalRef
	licenses []string // licenseConcluded, licenseDeclared
}

type externalRef struct{ category, typ, locator string }

type relationship struct {
	a, typ, b string // element ids with their SPDXRef- prefix; "" for NONE, NOASSERTION and other documents
}

const documentID = "SPDXRef-DOCUMENT"

// Parse reads one SPDX 2.x document, JSON or tag-value, into an inventory.
// The error is for a document that cannot be read at all; it names the
// file and wraps feed.ErrFormat. Problems with single packages are in
// Inventory.Errors.
func Parse(name string, r io.Reader) (inventory.Inventory, error) {
	data, err := inventory.ReadAll(name, r)
	if err != nil {
		return inventory.Inventory{}, err
	}
	b := inventory.NewBuilder(name)
	var doc *document
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		doc, err = readJSON(name, data)
	} else {
		doc, err = readTagValue(name, data, b)
	}
	if err != nil {
		return inventory.Inventory{}, err
	}
	collect(b, doc)
	return b.Inventory(), nil
}

// readJSON decodes with tools-golang, which reads SPDX 2.1, 2.2 and 2.3
// JSON and converts the older versions to the 2.3 model.
func readJSON(name string, data []byte) (*document, error) {
	var d v2_3.Document
	if err := spdxjson.ReadInto(bytes.NewReader(data), &d); err != nil {
		var syn *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, inventory.Errorf(name, "%s: %v", where(feed.JSONPath(data, syn.Offset)), err)
		case errors.As(err, &te):
			// tools-golang decodes packages with their own UnmarshalJSON,
			// so the offset may be into a package, not the document, and
			// a path found from it would be wrong; the field path
			// encoding/json records ("packages.name") is right, if
			// without the index.
			path := te.Field
			if path == "" {
				path = where(feed.JSONPath(data, te.Offset))
			}
			return nil, inventory.Errorf(name, "%s: got JSON %s, want %s", path, te.Value, feed.JSONKind(te.Type))
		}
		return nil, inventory.Errorf(name, "%v", err)
	}
	doc := &document{name: d.DocumentName}
	for _, p := range d.Packages {
		if p == nil {
			continue
		}
		q := pkg{id: elementID(p.PackageSPDXIdentifier), name: p.PackageName, version: p.PackageVersion,
			licenses: []string{p.PackageLicenseConcluded, p.PackageLicenseDeclared}}
		for _, r := range p.PackageExternalReferences {
			if r != nil {
				q.refs = append(q.refs, externalRef{r.Category, r.RefType, r.Locator})
			}
		}
		doc.packages = append(doc.packages, q)
	}
	for _, r := range d.Relationships {
		if r != nil {
			doc.relationships = append(doc.relationships, relationship{docElementID(r.RefA), r.Relationship, docElementID(r.RefB)})
		}
	}
	return doc, nil
}

func where(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

// elementID restores the prefix tools-golang strips from SPDX ids.
func elementID(id common.ElementID) string {
	if id == "" {
		return ""
	}
	return "SPDXRef-" + string(id)
}

func docElementID(id common.DocElementID) string {
	if id.DocumentRefID != "" || id.SpecialID != "" {
		return ""
	}
	return elementID(id.ElementRefID)
}

// forward relationships say A depends on B; reverse ones say B depends
// on A.
var (
	forward = map[string]bool{"DEPENDS_ON": true, "CONTAINS": true, "DYNAMIC_LINK": true, "STATIC_LINK": true}
	reverse = map[string]bool{
		"DEPENDENCY_OF": true, "CONTAINED_BY": true, "RUNTIME_DEPENDENCY_OF": true, "BUILD_DEPENDENCY_OF": true,
		"DEV_DEPENDENCY_OF": true, "TEST_DEPENDENCY_OF": true, "OPTIONAL_DEPENDENCY_OF": true, "PROVIDED_DEPENDENCY_OF": true,
	}
)

func collect(b *inventory.Builder, doc *document) {
	keys := map[string]string{} // SPDXID → component key, for the packages kept
	label := map[string]string{}
	for _, p := range doc.packages {
		record, at := p.id, p.id
		if p.id == "" {
			record = "package " + p.name
			if p.line > 0 {
				at = "line " + itoa(p.line)
				record = at
			}
		}
		l := inventory.Subject(p.name, p.version)
		if l != "" {
			record += " (" + l + ")"
		}
		if p.id != "" {
			label[p.id] = l
		}
		c := asset.Component{Name: p.name, Version: p.version}
		if p.version == "NOASSERTION" {
			c.Version = ""
		}
		for _, r := range p.refs {
			cat := strings.ReplaceAll(strings.ToUpper(r.category), "_", "-")
			switch {
			case cat == "PACKAGE-MANAGER" && r.typ == "purl" && c.PURL == "":
				c.PURL = strings.TrimSpace(r.locator)
			case cat == "SECURITY" && (r.typ == "cpe23Type" || r.typ == "cpe22Type"):
				c.CPEs = append(c.CPEs, strings.TrimSpace(r.locator))
			}
		}
		for _, l := range p.licenses {
			if l = strings.Join(strings.Fields(l), " "); l != "" && l != "NOASSERTION" && l != "NONE" && !contains(c.Licenses, l) {
				c.Licenses = append(c.Licenses, l)
			}
		}
		if got, ok := b.AddByPURL(record, at, "externalRefs", "versionInfo", c); ok && p.id != "" {
			keys[p.id] = got.Key()
		}
	}
	deps := map[string][]string{} // SPDXID → SPDXIDs it depends on
	var described []string
	for _, r := range doc.relationships {
		typ := strings.ToUpper(strings.TrimSpace(r.typ))
		switch {
		case typ == "DESCRIBES" && r.a == documentID && r.b != "":
			described = append(described, r.b)
		case typ == "DESCRIBED_BY" && r.b == documentID && r.a != "":
			described = append(described, r.a)
		case r.a == "" || r.b == "":
		case forward[typ]:
			deps[r.a] = append(deps[r.a], r.b)
		case reverse[typ]:
			deps[r.b] = append(deps[r.b], r.a)
		}
	}
	for from, tos := range deps {
		k, ok := keys[from]
		if !ok {
			continue
		}
		var ks []string
		for _, to := range tos {
			if kt, ok := keys[to]; ok {
				ks = append(ks, kt)
			}
		}
		b.SetDependsOn(k, ks)
	}
	subject := ""
	for _, id := range described {
		if l, ok := label[id]; ok {
			if subject == "" {
				subject = l
			}
			for _, to := range deps[id] {
				if k, ok := keys[to]; ok {
					b.SetDirect(k)
				}
			}
		}
	}
	if subject == "" {
		subject = doc.name
	}
	b.SetSubject(subject)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
