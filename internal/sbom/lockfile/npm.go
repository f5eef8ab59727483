package lockfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// npmLock is package-lock.json (and npm-shrinkwrap.json), lockfile
// versions 1 to 3 (https://docs.npmjs.com/cli/configuring-npm/package-lock-json).
// Version 1 has only the nested "dependencies"; version 2 has both; version
// 3 has only "packages", keyed by install path ("node_modules/a/node_modules/b").
type npmLock struct {
	Name            string                     `json:"name"`
	Version         string                     `json:"version"`
	LockfileVersion json.RawMessage            `json:"lockfileVersion"`
	Packages        map[string]json.RawMessage `json:"packages"`
	Dependencies    map[string]json.RawMessage `json:"dependencies"`
}

type npmPackage struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Link                 bool              `json:"link"`
	Resolved             string            `json:"resolved"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
}

// npmV1Dep is a version 1 "dependencies" entry; its own "dependencies"
// are the packages installed beneath it.
type npmV1Dep struct {
	Version      string                     `json:"version"`
	Requires     map[string]string          `json:"requires"`
	Dependencies map[string]json.RawMessage `json:"dependencies"`
}

// parseNPM reads a package-lock.json. Every installed package is a
// component, once per name and version however many install paths it has;
// Source is its first install path. Packages that are links or workspace
// members (local code) are not. DependsOn follows Node's resolution: a
// dependency is found in the nearest node_modules up the install path.
// Direct marks what the root project or a workspace member declares
// (version 2 and 3 only: version 1 does not record the root's
// declarations).
func parseNPM(b *inventory.Builder, data []byte) error {
	var lock npmLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return jsonError(b.File, data, err)
	}
	b.SetSubject(inventory.Subject(lock.Name, lock.Version))
	if lock.Packages != nil {
		return npmPackages(b, lock.Packages)
	}
	tree := map[string]npmPackage{}
	npmV1(b, "", lock.Dependencies, tree, 0)
	keys := map[string]string{}
	for _, path := range slices.Sorted(maps.Keys(tree)) {
		p := tree[path]
		name, version := npmAlias(p.Name, p.Version)
		if k, ok := add(b, label(path, name, version), path, pkg{ecosystem: "npm", name: name, version: version}); ok {
			keys[path] = k
		}
	}
	npmGraph(b, tree, keys)
	return nil
}

// npmV1 flattens version 1's nested tree into install paths, as version 2
// names them.
func npmV1(b *inventory.Builder, parent string, deps map[string]json.RawMessage, tree map[string]npmPackage, depth int) {
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		path := npmChild(parent, name)
		var d npmV1Dep
		if err := json.Unmarshal(deps[name], &d); err != nil {
			b.Report(path, "", "%v", elementError(deps[name], err))
			continue
		}
		tree[path] = npmPackage{Name: name, Version: d.Version, Dependencies: d.Requires}
		// encoding/json already bounds nesting at 10,000 levels; a tree
		// deeper than this is not one npm wrote.
		if depth < 1000 {
			npmV1(b, path, d.Dependencies, tree, depth+1)
		}
	}
}

func npmPackages(b *inventory.Builder, raw map[string]json.RawMessage) error {
	tree := map[string]npmPackage{}
	for path, r := range raw {
		var p npmPackage
		if err := json.Unmarshal(r, &p); err != nil {
			b.Report("packages."+path, "", "%v", elementError(r, err))
			continue
		}
		tree[path] = p
	}
	keys := map[string]string{}
	for _, path := range slices.Sorted(maps.Keys(tree)) {
		p := tree[path]
		// "" is the root project; paths without node_modules are workspace
		// members; links point at either. None is a published package.
		if path == "" || p.Link || !strings.Contains(path, "node_modules/") {
			continue
		}
		name := p.Name
		if name == "" {
			name = path[strings.LastIndex(path, "node_modules/")+len("node_modules/"):]
		}
		name, version := npmAlias(name, p.Version)
		if version == "" {
			b.Report(label(path, name, ""), "version", "missing; skipped")
			continue
		}
		if k, ok := add(b, label(path, name, version), path, pkg{ecosystem: "npm", name: name, version: version}); ok {
			keys[path] = k
		}
	}
	npmGraph(b, tree, keys)
	// What the root and the workspace members declare is direct.
	for path, p := range tree {
		if path != "" && strings.Contains(path, "node_modules/") {
			continue
		}
		for _, m := range []map[string]string{p.Dependencies, p.DevDependencies, p.OptionalDependencies, p.PeerDependencies} {
			for dep := range m {
				if k, ok := keys[npmResolve(tree, path, dep)]; ok {
					b.SetDirect(k)
				}
			}
		}
	}
	return nil
}

func npmGraph(b *inventory.Builder, tree map[string]npmPackage, keys map[string]string) {
	for path, k := range keys {
		p := tree[path]
		var deps []string
		for _, m := range []map[string]string{p.Dependencies, p.OptionalDependencies, p.PeerDependencies} {
			for dep := range m {
				if kd, ok := keys[npmResolve(tree, path, dep)]; ok {
					deps = append(deps, kd)
				}
			}
		}
		b.SetDependsOn(k, deps)
	}
}

// npmResolve finds where Node would load dep from when required at path:
// path/node_modules/dep, then up through each enclosing node_modules, then
// the top. A link resolves to what it points at.
func npmResolve(tree map[string]npmPackage, path, dep string) string {
	for p := path; ; p = npmParent(p) {
		cand := npmChild(p, dep)
		if e, ok := tree[cand]; ok {
			if e.Link {
				return e.Resolved
			}
			return cand
		}
		if p == "" {
			return ""
		}
	}
}

func npmChild(parent, name string) string {
	if parent == "" {
		return "node_modules/" + name
	}
	return parent + "/node_modules/" + name
}

// npmParent is the install path enclosing path: "a/node_modules/b" →
// "a", and a workspace member or top-level package → "".
func npmParent(path string) string {
	i := strings.LastIndex(path, "node_modules/")
	if i <= 0 {
		return ""
	}
	return strings.TrimSuffix(path[:i], "/")
}

// npmAlias undoes npm's aliases: installed as name, version
// "npm:real@1.2.3" is the package real at 1.2.3.
func npmAlias(name, version string) (string, string) {
	spec, ok := strings.CutPrefix(version, "npm:")
	if !ok {
		return name, version
	}
	if i := strings.LastIndexByte(spec, '@'); i > 0 {
		return spec[:i], spec[i+1:]
	}
	return name, spec
}

// jsonError is the whole-file error for a JSON lockfile that does not
// decode, with the path where it went wrong.
func jsonError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return inventory.Errorf(name, "%s: %v", where(feed.JSONPath(data, syn.Offset)), err)
	case errors.As(err, &te):
		return inventory.Errorf(name, "%s: got JSON %s, want %s", where(feed.JSONPath(data, te.Offset)), te.Value, feed.JSONKind(te.Type))
	}
	return inventory.Errorf(name, "%v", err)
}

// elementError describes why one JSON element did not decode. The
// caller's Report adds feed.ErrFormat.
func elementError(raw []byte, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if p := feed.JSONPath(raw, te.Offset); p != "" {
			return fmt.Errorf("%s: got JSON %s, want %s", p, te.Value, feed.JSONKind(te.Type))
		}
		return fmt.Errorf("got JSON %s, want %s", te.Value, feed.JSONKind(te.Type))
	}
	return err
}

func where(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}
