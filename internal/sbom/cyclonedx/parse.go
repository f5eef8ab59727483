package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// Parse reads one CycloneDX BOM, JSON or XML, into an inventory (see the
// package documentation for the mapping). The error is for a document that
// cannot be read at all; it names the file and wraps feed.ErrFormat.
// Problems with single components are in Inventory.Errors.
func Parse(name string, r io.Reader) (inventory.Inventory, error) {
	data, err := inventory.ReadAll(name, r)
	if err != nil {
		return inventory.Inventory{}, err
	}
	b := inventory.NewBuilder(name)
	bom, err := decode(name, data, b)
	if err != nil {
		return inventory.Inventory{}, err
	}
	collect(b, bom)
	return b.Inventory(), nil
}

// decode returns the BOM in data. Problems a tolerant second pass over a
// JSON document stepped around are reported to b.
func decode(name string, data []byte, b *inventory.Builder) (*cdx.BOM, error) {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 {
		return nil, inventory.Errorf(name, "empty document")
	}
	switch t[0] {
	case '{':
		return decodeJSON(name, data, b)
	case '<':
		return decodeXML(name, data)
	}
	return nil, inventory.Errorf(name, "neither JSON nor XML")
}

func decodeJSON(name string, data []byte, b *inventory.Builder) (*cdx.BOM, error) {
	var bom cdx.BOM
	err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom)
	if err == nil {
		if bom.BOMFormat != cdx.BOMFormat {
			return nil, inventory.Errorf(name, "bomFormat: %q, want %q", bom.BOMFormat, cdx.BOMFormat)
		}
		return &bom, nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return nil, inventory.Errorf(name, "%s: %v", at(feed.JSONPath(data, syn.Offset)), err)
	}
	return salvageJSON(name, data, b)
}

// salvageJSON decodes a JSON BOM that cyclonedx-go refused as a whole
// (one member of the wrong type anywhere fails json.Unmarshal) one element
// at a time: each component, dependency and vulnerability that fails alone
// is reported and left out, and the rest are kept. Members vmc does not
// read (services, formulation, ...) are not decoded at all.
func salvageJSON(name string, data []byte, b *inventory.Builder) (*cdx.BOM, error) {
	var top struct {
		BOMFormat       json.RawMessage   `json:"bomFormat"`
		SpecVersion     json.RawMessage   `json:"specVersion"`
		Metadata        json.RawMessage   `json:"metadata"`
		Components      []json.RawMessage `json:"components"`
		Dependencies    []json.RawMessage `json:"dependencies"`
		Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, inventory.Errorf(name, "%s: got JSON %s, want %s", at(feed.JSONPath(data, te.Offset)), te.Value, feed.JSONKind(te.Type))
		}
		return nil, inventory.Errorf(name, "%v", err)
	}
	var bom cdx.BOM
	if err := json.Unmarshal(top.BOMFormat, &bom.BOMFormat); err != nil || bom.BOMFormat != cdx.BOMFormat {
		return nil, inventory.Errorf(name, "bomFormat: %s, want %q", top.BOMFormat, cdx.BOMFormat)
	}
	if err := json.Unmarshal(top.SpecVersion, &bom.SpecVersion); err != nil {
		b.Report("bom", "specVersion", "%s: %v", top.SpecVersion, err)
	}
	if top.Metadata != nil {
		var md cdx.Metadata
		if field, err := element(top.Metadata, &md); err != nil {
			b.Report("metadata", field, "%v; metadata ignored", err)
		} else {
			bom.Metadata = &md
		}
	}
	bom.Components = salvage[cdx.Component](b, "components", top.Components)
	bom.Dependencies = salvage[cdx.Dependency](b, "dependencies", top.Dependencies)
	bom.Vulnerabilities = salvage[cdx.Vulnerability](b, "vulnerabilities", top.Vulnerabilities)
	return &bom, nil
}

// salvage decodes each element of an array on its own, reporting and
// dropping the ones that fail.
func salvage[T any](b *inventory.Builder, path string, raw []json.RawMessage) *[]T {
	if raw == nil {
		return nil
	}
	out := make([]T, 0, len(raw))
	for i, r := range raw {
		var v T
		if field, err := element(r, &v); err != nil {
			b.Report(fmt.Sprintf("%s[%d]", path, i), field, "%v; skipped", err)
			continue
		}
		out = append(out, v)
	}
	return &out
}

// element decodes one JSON value into v and, on failure, says which member
// of it was wrong.
func element(raw json.RawMessage, v any) (field string, err error) {
	err = json.Unmarshal(raw, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return feed.JSONPath(raw, te.Offset), fmt.Errorf("got JSON %s, want %s", te.Value, feed.JSONKind(te.Type))
	}
	return "", err
}

func at(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func decodeXML(name string, data []byte) (*cdx.BOM, error) {
	// Refused before decoding: see inventory.RefuseDTD.
	if err := inventory.RefuseDTD(data); err != nil {
		return nil, inventory.Errorf(name, "%v", err)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatXML).Decode(&bom); err != nil {
		return nil, inventory.Errorf(name, "%v", err)
	}
	// cyclonedx-go sets SpecVersion from the namespace and leaves it zero
	// for one it does not know ("http://cyclonedx.org/schema/bom/12"):
	// such a document may mean anything by its elements.
	if bom.SpecVersion == 0 {
		return nil, inventory.Errorf(name, "bom: namespace %q is not a CycloneDX version (%s1.0 to 1.7)", bom.XMLNS, xmlNamespace)
	}
	return &bom, nil
}

// collect maps a decoded BOM into b.
func collect(b *inventory.Builder, bom *cdx.BOM) {
	// keys maps bom-refs to the keys of the components kept; known holds
	// the refs of everything the BOM declares, kept or not, so that only a
	// ref to nothing at all is reported.
	keys := map[string]string{}
	known := map[string]bool{}
	var walk func(path string, cs *[]cdx.Component)
	walk = func(path string, cs *[]cdx.Component) {
		if cs == nil {
			return
		}
		for i, c := range *cs {
			at := fmt.Sprintf("%s[%d]", path, i)
			record := at
			if label := inventory.Subject(c.Name, c.Version); label != "" {
				record += " (" + label + ")"
			}
			comp := asset.Component{
				Name:     c.Name,
				Version:  c.Version,
				PURL:     strings.TrimSpace(c.PackageURL),
				Licenses: licenses(c.Licenses),
			}
			if c.Group != "" && c.Name != "" {
				comp.Name = c.Group + "/" + c.Name
			}
			if cpe := strings.TrimSpace(c.CPE); cpe != "" {
				comp.CPEs = []string{cpe}
			}
			if c.BOMRef != "" {
				known[c.BOMRef] = true
			}
			if got, ok := b.AddByPURL(record, at, "purl", "version", comp); ok && c.BOMRef != "" {
				keys[c.BOMRef] = got.Key()
			}
			walk(at+".components", c.Components)
		}
	}
	var subjectRef string
	if md := bom.Metadata; md != nil && md.Component != nil {
		mc := md.Component
		name := mc.Name
		if mc.Group != "" && name != "" {
			name = mc.Group + "/" + name
		}
		b.SetSubject(inventory.Subject(name, mc.Version))
		subjectRef = mc.BOMRef
		if subjectRef != "" {
			known[subjectRef] = true
		}
		walk("metadata.component.components", mc.Components)
	}
	walk("components", bom.Components)
	if bom.Services != nil {
		for _, s := range *bom.Services {
			known[s.BOMRef] = true
		}
	}
	if bom.Dependencies == nil {
		return
	}
	for i, d := range *bom.Dependencies {
		if d.Ref == "" {
			b.Report(fmt.Sprintf("dependencies[%d]", i), "ref", "empty")
			continue
		}
		if !known[d.Ref] {
			b.Report(fmt.Sprintf("dependencies[%d]", i), "ref", "%q names no component", d.Ref)
			continue
		}
		if d.Dependencies == nil {
			continue
		}
		var deps []string
		for j, ref := range *d.Dependencies {
			switch k, ok := keys[ref]; {
			case ok:
				deps = append(deps, k)
			case !known[ref]:
				b.Report(fmt.Sprintf("dependencies[%d]", i), fmt.Sprintf("dependsOn[%d]", j), "%q names no component", ref)
			}
		}
		if d.Ref == subjectRef {
			for _, k := range deps {
				b.SetDirect(k)
			}
		}
		if k, ok := keys[d.Ref]; ok {
			b.SetDependsOn(k, deps)
		}
	}
}

// licenses returns the SPDX expressions, or failing those the licence
// names, a component states.
func licenses(ls *cdx.Licenses) []string {
	if ls == nil {
		return nil
	}
	var out []string
	for _, l := range *ls {
		var s string
		switch {
		case l.Expression != "":
			s = l.Expression
		case l.License != nil && l.License.ID != "":
			s = l.License.ID
		case l.License != nil:
			s = l.License.Name
		}
		// XML BOMs wrap long licence names across lines; the JSON of the
		// same BOM has them on one.
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			out = append(out, s)
		}
	}
	return out
}
