package lockfile

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// pnpmLock is pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x
// (https://github.com/pnpm/spec/tree/master/lockfile). Versions 5 and 6
// key packages by "/name/1.0.0" and "/name@1.0.0", version 9 by
// "name@1.0.0" with the dependency graph moved to "snapshots". A single
// project's declarations stand at the top level (5, 6) or under
// importers["."] (6 with workspaces, 9).
type pnpmLock struct {
	Importers    map[string]pnpmImporter `yaml:"importers"`
	pnpmImporter `yaml:",inline"`
	Packages     map[string]pnpmPackage  `yaml:"packages"`
	Snapshots    map[string]pnpmSnapshot `yaml:"snapshots"`
}

// pnpmImporter holds a project's declarations: name → version (5.x) or
// name → {specifier, version} (6 and later).
type pnpmImporter struct {
	Dependencies         map[string]yaml.Node `yaml:"dependencies"`
	DevDependencies      map[string]yaml.Node `yaml:"devDependencies"`
	OptionalDependencies map[string]yaml.Node `yaml:"optionalDependencies"`
}

type pnpmPackage struct {
	// Name and Version are written for packages from tarballs and git,
	// whose keys are URLs.
	Name                 string            `yaml:"name"`
	Version              string            `yaml:"version"`
	Dependencies         map[string]string `yaml:"dependencies"`
	OptionalDependencies map[string]string `yaml:"optionalDependencies"`
}

type pnpmSnapshot struct {
	Dependencies         map[string]string `yaml:"dependencies"`
	OptionalDependencies map[string]string `yaml:"optionalDependencies"`
}

// parsePNPM reads a pnpm-lock.yaml: each package is a component (a package
// installed with several peer sets is one); DependsOn comes from packages
// (5, 6) or snapshots (9); what any importer (the project or a workspace
// member) declares is Direct.
func parsePNPM(b *inventory.Builder, data []byte) error {
	// pnpm 9 may write two YAML documents, the first for its own
	// configuration dependencies; the project's is the last.
	var lock pnpmLock
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc pnpmLock
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return inventory.Errorf(b.File, "%v", err)
		}
		lock = doc
	}
	for _, key := range slices.Sorted(maps.Keys(lock.Packages)) {
		p := lock.Packages[key]
		name, version := pnpmKey(key)
		if p.Name != "" {
			name = p.Name
		}
		if p.Version != "" {
			version = p.Version
		}
		add(b, label(key, name, version), key, pkg{ecosystem: "npm", name: name, version: version})
	}
	graph := map[string][]map[string]string{}
	for key, p := range lock.Packages {
		graph[key] = append(graph[key], p.Dependencies, p.OptionalDependencies)
	}
	for key, s := range lock.Snapshots {
		graph[key] = append(graph[key], s.Dependencies, s.OptionalDependencies)
	}
	for key, ms := range graph {
		name, version := pnpmKey(key)
		if p, ok := lock.Packages[key]; ok && p.Name != "" {
			name, version = p.Name, p.Version
		}
		var deps []string
		for _, m := range ms {
			for dep, ref := range m {
				if k, ok := pnpmTarget(b, dep, ref); ok {
					deps = append(deps, k)
				}
			}
		}
		b.SetDependsOn(asset.Component{Ecosystem: "npm", Name: name, Version: version}.Key(), deps)
	}
	importers := []pnpmImporter{lock.pnpmImporter}
	for _, path := range slices.Sorted(maps.Keys(lock.Importers)) {
		importers = append(importers, lock.Importers[path])
	}
	for _, imp := range importers {
		for _, m := range []map[string]yaml.Node{imp.Dependencies, imp.DevDependencies, imp.OptionalDependencies} {
			for dep, node := range m {
				ref := node.Value
				if node.Kind == yaml.MappingNode {
					var v struct {
						Version string `yaml:"version"`
					}
					node.Decode(&v)
					ref = v.Version
				}
				if k, ok := pnpmTarget(b, dep, ref); ok {
					b.SetDirect(k)
				}
			}
		}
	}
	return nil
}

// pnpmKey splits a package key into name and version, without the peer
// suffix: "/@babel/core/7.0.0_eslint@8.0.0" (5.x), "/@babel/core@7.0.0(eslint@8.0.0)"
// (6.x), "@babel/core@7.0.0(eslint@8.0.0)" (9.x).
func pnpmKey(key string) (name, version string) {
	s := strings.TrimPrefix(key, "/")
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s[min(1, len(s)):], '@'); i >= 0 {
		return s[:i+1], s[i+2:]
	}
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return s, ""
	}
	name, version = s[:i], s[i+1:]
	if j := strings.IndexByte(version, '_'); j >= 0 {
		version = version[:j]
	}
	return name, version
}

// pnpmTarget finds the component a dependency reference names: a version
// with an optional peer suffix ("7.0.0(eslint@8.0.0)", "7.0.0_eslint@8.0.0"),
// an alias ("string-width@4.2.3"), or a key ("/x/1.0.0"). Links to local
// directories name none.
func pnpmTarget(b *inventory.Builder, dep, ref string) (string, bool) {
	if ref == "" || strings.HasPrefix(ref, "link:") || strings.HasPrefix(ref, "file:") {
		return "", false
	}
	name, version := dep, ref
	switch {
	case ref[0] >= '0' && ref[0] <= '9':
		if i := strings.IndexAny(ref, "(_"); i >= 0 {
			version = ref[:i]
		}
	case strings.HasPrefix(ref, "/") || strings.IndexByte(ref[1:], '@') >= 0:
		name, version = pnpmKey(ref)
	}
	k := asset.Component{Ecosystem: "npm", Name: name, Version: version}.Key()
	return k, b.Has(k)
}
