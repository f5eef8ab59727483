package lockfile

import (
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// parseCargo reads a Cargo.lock (TOML, format versions 1 to 4): [[package]]
// tables with name, version, source and dependencies. A package without a
// source is a member of the project's own workspace: it is left out, its
// dependencies are Direct, and, when there is one, it is the Subject.
// Dependencies are written "name", "name version" or
// "name version (source)", the shorter forms when they are unambiguous.
func parseCargo(b *inventory.Builder, data []byte) error {
	doc, err := parseTOML(data)
	if err != nil {
		return inventory.Errorf(b.File, "%v", err)
	}
	pkgs, _ := doc["package"].([]any)
	type crate struct {
		name, version string
		local         bool
		deps          []string
		key           string
	}
	var crates []crate
	byName := map[string][]int{}
	var locals []string
	for i, raw := range pkgs {
		at := "package[" + strconv.Itoa(i) + "]"
		t, _ := raw.(map[string]any)
		c := crate{}
		c.name, _ = t["name"].(string)
		c.version, _ = t["version"].(string)
		source, _ := t["source"].(string)
		c.local = source == ""
		record := label(at, c.name, c.version)
		if c.name == "" || c.version == "" {
			b.Report(record, "", "name or version missing; skipped")
			continue
		}
		deps, _ := t["dependencies"].([]any)
		for _, d := range deps {
			if s, ok := d.(string); ok {
				c.deps = append(c.deps, s)
			}
		}
		if c.local {
			locals = append(locals, inventory.Subject(c.name, c.version))
		} else {
			var ok bool
			if c.key, ok = add(b, record, at, pkg{ecosystem: "crates.io", name: c.name, version: c.version}); !ok {
				c.key = ""
			}
		}
		byName[c.name] = append(byName[c.name], len(crates))
		crates = append(crates, c)
	}
	if len(locals) == 1 {
		b.SetSubject(locals[0])
	}
	resolve := func(dep string) string {
		f := strings.Fields(dep)
		if len(f) == 0 {
			return ""
		}
		for _, i := range byName[f[0]] {
			if len(f) == 1 || crates[i].version == f[1] {
				return crates[i].key
			}
		}
		return ""
	}
	for _, c := range crates {
		var deps []string
		for _, d := range c.deps {
			if k := resolve(d); k != "" {
				deps = append(deps, k)
				if c.local {
					b.SetDirect(k)
				}
			}
		}
		if c.key != "" {
			b.SetDependsOn(c.key, deps)
		}
	}
	return nil
}
